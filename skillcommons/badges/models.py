"""Open Badges issuing: issuers and their keys, achievements (badge classes) in several languages,
the credentials awarded to people, the rules that award them from outcomes, and the bitstring
status lists that record revocations.

Signing, baking and the credential format live in plain modules (``signing.py``, ``baking.py``,
``credentials.py``, ``status.py``); this file only stores what they need.
"""

from __future__ import annotations

import secrets
import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from skillcommons.core.models import Outcome, TimeStampedModel
from skillcommons.organizations.models import Organization
from skillcommons.taxonomy.locales import fallback_chain
from skillcommons.taxonomy.models import Skill
from skillcommons.taxonomy.proficiency import Proficiency

if TYPE_CHECKING:
    from skillcommons.core.types import Viewer

#: The slug of the platform issuer; organizations cannot issue under this name.
PLATFORM_SLUG = "platform"
#: Slugs an organization's issuer cannot take: the platform's, and page names under /issuers/.
RESERVED_ISSUER_SLUGS = frozenset({PLATFORM_SLUG, "enable"})
#: Entries in every status list: the Bitstring Status List minimum, for herd privacy.
STATUS_LIST_SIZE = 131_072


def _is_coordinator(user: Viewer) -> bool:
    return bool(user is not None and user.is_authenticated and user.has_role("coordinator"))


def new_share_slug() -> str:
    """An unguessable token for a credential's share link."""
    return secrets.token_urlsafe(12)


# --- issuers -------------------------------------------------------------------------------------


class IssuerQuerySet(models.QuerySet["Issuer"]):
    def visible_to(self, user: Viewer) -> IssuerQuerySet:
        """Issuer profiles are public; disabled issuers are seen by coordinators and admins and by
        the organizers of their organization."""
        if _is_coordinator(user):
            return self.all()
        if user is not None and user.is_authenticated:
            return self.filter(
                models.Q(is_active=True)
                | models.Q(
                    organization__memberships__user=user,
                    organization__memberships__role="organizer",
                )
            ).distinct()
        return self.filter(is_active=True)

    def managed_by(self, user: Viewer) -> IssuerQuerySet:
        """Issuers ``user`` holds the issuer role for: the platform for coordinators and admins,
        an organization's issuer for its organizers."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        organized = models.Q(
            organization__memberships__user=user, organization__memberships__role="organizer"
        )
        if _is_coordinator(user):
            return self.filter(organized | models.Q(is_platform=True)).distinct()
        return self.filter(organized).distinct()


class Issuer(TimeStampedModel):
    """Who signs credentials: the platform itself, or an organization that enabled issuing.

    Its identity is a did:web served by this site: ``did:web:<host>`` for the platform (document at
    ``/.well-known/did.json``) and ``did:web:<host>:issuers:<slug>`` for an organization (document
    at ``/issuers/<slug>/did.json``). The slug is fixed when issuing is enabled, so the identifier
    stays stable even if the organization is renamed.
    """

    is_platform = models.BooleanField(_("platform issuer"), default=False, editable=False)
    organization = models.OneToOneField(
        Organization,
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="badge_issuer",
    )
    slug = models.SlugField(_("short name"), max_length=80, unique=True, editable=False)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    email = models.EmailField(_("contact e-mail"), blank=True)
    is_active = models.BooleanField(_("issuing enabled"), default=True)

    objects = IssuerQuerySet.as_manager()

    class Meta:
        verbose_name = _("issuer")
        verbose_name_plural = _("issuers")
        ordering = ["-is_platform", "slug"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_platform"],
                condition=models.Q(is_platform=True),
                name="badges_one_platform_issuer",
            ),
            models.CheckConstraint(
                condition=models.Q(is_platform=True, organization__isnull=True)
                | models.Q(is_platform=False, organization__isnull=False),
                name="badges_issuer_platform_or_organization",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("badges:issuer_detail", args=[self.slug])

    @property
    def name(self) -> str:
        if self.organization is not None:
            return self.organization.name
        return str(settings.SITE_NAME)

    @property
    def website(self) -> str:
        if self.organization is not None and self.organization.website:
            return self.organization.website
        return settings.SITE_URL + "/"

    def can_issue(self, user: Viewer) -> bool:
        """Whether ``user`` holds the issuer role here."""
        return Issuer.objects.managed_by(user).filter(pk=self.pk).exists()

    @property
    def active_key(self) -> IssuerKey | None:
        return self.keys.filter(is_active=True).first()


class IssuerKey(models.Model):
    """An Ed25519 key of an issuer. The private key is stored encrypted (see ``keys.py``).

    One key is active and signs new credentials; keys retired by rotation stay published in the
    issuer's DID document so that what they signed still verifies.
    """

    issuer = models.ForeignKey(
        Issuer, verbose_name=_("issuer"), on_delete=models.CASCADE, related_name="keys"
    )
    public_key_multibase = models.CharField(_("public key (multibase)"), max_length=64, unique=True)
    encrypted_private_key = models.BinaryField(_("encrypted private key"), editable=False)
    is_active = models.BooleanField(_("signs new credentials"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)

    class Meta:
        verbose_name = _("issuer key")
        verbose_name_plural = _("issuer keys")
        ordering = ["issuer", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer"],
                condition=models.Q(is_active=True),
                name="badges_one_active_key_per_issuer",
            )
        ]

    def __str__(self) -> str:
        return f"{self.issuer_id}:{self.public_key_multibase[:12]}…"


# --- achievements --------------------------------------------------------------------------------


class AchievementQuerySet(models.QuerySet["Achievement"]):
    def visible_to(self, user: Viewer) -> AchievementQuerySet:
        """Achievements are public definitions: issued credentials point at their pages, so a
        retired one (or one of an issuer that stopped issuing) stays readable, marked as such.
        Which ones are *listed* is :meth:`listed_for`."""
        return self.all()

    def listed_for(self, user: Viewer) -> AchievementQuerySet:
        """Achievements offered in lists: those that can still be awarded, plus, for the
        issuer's managers, their retired ones."""
        public = models.Q(is_active=True, issuer__is_active=True)
        if user is not None and user.is_authenticated:
            managed = Issuer.objects.managed_by(user).values("pk")
            return self.filter(public | models.Q(issuer__in=managed))
        return self.filter(public)

    def with_translations(self) -> AchievementQuerySet:
        return self.select_related("issuer", "issuer__organization").prefetch_related(
            "translations"
        )


class Achievement(TimeStampedModel):
    """A badge class: what is recognised, how it is earned, its image, the skills it stands for.

    Name, description and criteria are kept per language in :class:`AchievementTranslation`;
    ``default_locale`` is the language credentials are issued in when no other is asked for.
    """

    class ImageType(models.TextChoices):
        PNG = "png", "PNG"
        SVG = "svg", "SVG"

    public_id = models.UUIDField(_("public identifier"), default=uuid.uuid4, unique=True)
    issuer = models.ForeignKey(
        Issuer, verbose_name=_("issuer"), on_delete=models.CASCADE, related_name="achievements"
    )
    default_locale = models.CharField(_("main language"), max_length=35, default="en")
    image = models.BinaryField(_("image"), editable=False)
    image_type = models.CharField(_("image type"), max_length=3, choices=ImageType.choices)
    skills = models.ManyToManyField(
        Skill, verbose_name=_("aligned skills"), blank=True, related_name="achievements"
    )
    level = models.PositiveSmallIntegerField(
        _("level"), choices=Proficiency.choices, null=True, blank=True
    )
    is_active = models.BooleanField(_("can be awarded"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = AchievementQuerySet.as_manager()

    class Meta:
        verbose_name = _("achievement")
        verbose_name_plural = _("achievements")
        ordering = ["issuer", "-created_at", "-id"]

    def __str__(self) -> str:
        translation_ = self.translation()
        return translation_.name if translation_ else str(self.public_id)

    def get_absolute_url(self) -> str:
        return reverse("badges:achievement_detail", args=[self.public_id])

    def translation(self, locale: str | None = None) -> AchievementTranslation | None:
        """The best translation for ``locale`` (the active language by default): the language
        itself, its shorter forms, English, then the main language."""
        available = {t.locale: t for t in self.translations.all()}
        if not available:
            return None
        for tag in fallback_chain(locale or translation.get_language() or "en"):
            if tag in available:
                return available[tag]
        return available.get(self.default_locale) or next(iter(available.values()))

    @property
    def image_content_type(self) -> str:
        return "image/svg+xml" if self.image_type == self.ImageType.SVG else "image/png"


class AchievementTranslation(models.Model):
    """An achievement's name, description and criteria in one language (a BCP-47 tag)."""

    achievement = models.ForeignKey(
        Achievement,
        verbose_name=_("achievement"),
        on_delete=models.CASCADE,
        related_name="translations",
    )
    locale = models.CharField(_("language"), max_length=35)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), max_length=2000)
    criteria = models.TextField(_("criteria"), max_length=5000)

    class Meta:
        verbose_name = _("achievement translation")
        verbose_name_plural = _("achievement translations")
        ordering = ["achievement", "locale"]
        constraints = [
            models.UniqueConstraint(
                fields=["achievement", "locale"], name="badges_one_achievement_translation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.locale})"


# --- status lists --------------------------------------------------------------------------------


class StatusList(models.Model):
    """A Bitstring Status List of one issuer for one purpose (revocation).

    Credentials get positions through a fixed permutation of a counter (``status.py``), so that
    neighbouring positions do not reveal the order of issuing. ``document`` is the signed
    ``BitstringStatusListCredential`` served at :meth:`url`; it is re-signed whenever a bit changes.
    """

    class Purpose(models.TextChoices):
        REVOCATION = "revocation", _("Revocation")

    issuer = models.ForeignKey(
        Issuer, verbose_name=_("issuer"), on_delete=models.CASCADE, related_name="status_lists"
    )
    purpose = models.CharField(
        _("purpose"), max_length=16, choices=Purpose.choices, default=Purpose.REVOCATION
    )
    number = models.PositiveIntegerField(_("number"), default=1)
    size = models.PositiveIntegerField(_("entries"), default=STATUS_LIST_SIZE)
    bits = models.BinaryField(_("bits"), editable=False)
    allocated = models.PositiveIntegerField(_("positions allocated"), default=0)
    # The permutation position = (multiplier * counter + offset) mod size; multiplier is odd.
    multiplier = models.PositiveIntegerField(_("permutation multiplier"), default=1)
    offset = models.PositiveIntegerField(_("permutation offset"), default=0)
    document = models.JSONField(_("signed status list credential"), null=True, blank=True)
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)

    class Meta:
        verbose_name = _("status list")
        verbose_name_plural = _("status lists")
        ordering = ["issuer", "purpose", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "purpose", "number"], name="badges_status_list_once"
            ),
            models.CheckConstraint(
                condition=models.Q(allocated__lte=models.F("size")),
                name="badges_status_list_not_overfull",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.issuer_id}:{self.purpose}:{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("badges:status_list", args=[self.issuer.slug, self.purpose, self.number])

    @property
    def url(self) -> str:
        """The stable address of the signed status list credential."""
        return settings.SITE_URL + self.get_absolute_url()


# --- credentials ---------------------------------------------------------------------------------


class CredentialQuerySet(models.QuerySet["Credential"]):
    def visible_to(self, user: Viewer) -> CredentialQuerySet:
        """The only way pages and the API obtain credentials: everyone sees public ones, a person
        sees all of their own. (Issuers reach what they issued through :meth:`issued_by`; a
        credential shared by link is reached through its share slug only.)"""
        public = models.Q(visibility=Credential.Visibility.PUBLIC)
        if user is not None and user.is_authenticated:
            return self.filter(public | models.Q(recipient_id=user.pk))
        return self.filter(public)

    def issued_by(self, user: Viewer) -> CredentialQuerySet:
        """Credentials of the issuers ``user`` manages, for listing and revoking."""
        return self.filter(issuer__in=Issuer.objects.managed_by(user).values("pk"))

    def shared(self, share_slug: str) -> CredentialQuerySet:
        """The credential behind a share link, if it is shared by link or public."""
        return self.filter(share_slug=share_slug).exclude(visibility=Credential.Visibility.PRIVATE)


class Credential(TimeStampedModel):
    """An OpenBadgeCredential awarded to a person: the signed JSON as issued, plus what the app
    needs to list, share and revoke it. Private unless the recipient chooses otherwise."""

    class RecipientKind(models.TextChoices):
        PROFILE = "profile", _("Profile address")
        EMAIL = "email", _("Hashed e-mail address")

    class Visibility(models.TextChoices):
        PRIVATE = "private", _("Only me")
        LINK = "link", _("Anyone with the share link")
        PUBLIC = "public", _("Everyone")

    public_id = models.UUIDField(_("public identifier"), default=uuid.uuid4, unique=True)
    achievement = models.ForeignKey(
        Achievement,
        verbose_name=_("achievement"),
        on_delete=models.RESTRICT,
        related_name="credentials",
    )
    issuer = models.ForeignKey(
        Issuer, verbose_name=_("issuer"), on_delete=models.CASCADE, related_name="credentials"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="badge_credentials",
    )
    recipient_kind = models.CharField(
        _("recipient identified by"),
        max_length=8,
        choices=RecipientKind.choices,
        default=RecipientKind.PROFILE,
    )
    # For an e-mail identity: "sha256$<hex>" of the address plus the salt (OB 3.0 IdentityObject).
    recipient_identity_hash = models.CharField(_("hashed identity"), max_length=80, blank=True)
    recipient_salt = models.CharField(_("salt"), max_length=64, blank=True)
    evidence = models.JSONField(_("evidence links"), default=list, blank=True)
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    locale = models.CharField(_("language"), max_length=35, default="en")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rule = models.ForeignKey(
        "IssuingRule",
        verbose_name=_("rule"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="credentials",
    )
    outcome = models.ForeignKey(
        Outcome,
        verbose_name=_("outcome"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    document = models.JSONField(_("signed credential"))
    status_list = models.ForeignKey(
        StatusList,
        verbose_name=_("status list"),
        on_delete=models.RESTRICT,
        related_name="credentials",
    )
    status_index = models.PositiveIntegerField(_("status list position"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revocation_reason = models.CharField(_("reason for revoking"), max_length=500, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    visibility = models.CharField(
        _("who sees this badge"),
        max_length=8,
        choices=Visibility.choices,
        default=Visibility.PRIVATE,
    )
    share_slug = models.CharField(
        _("share link token"), max_length=32, unique=True, default=new_share_slug
    )

    objects = CredentialQuerySet.as_manager()

    class Meta:
        verbose_name = _("credential")
        verbose_name_plural = _("credentials")
        ordering = ["-valid_from", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["status_list", "status_index"], name="badges_one_credential_per_position"
            ),
            models.UniqueConstraint(
                fields=["achievement", "outcome"],
                condition=models.Q(outcome__isnull=False),
                name="badges_once_per_achievement_and_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.achievement} → {self.recipient_id}"

    def get_absolute_url(self) -> str:
        return reverse("badges:credential_detail", args=[self.public_id])

    @property
    def credential_id(self) -> str:
        """The ``id`` the credential carries."""
        return f"urn:uuid:{self.public_id}"

    @property
    def share_url(self) -> str:
        return settings.SITE_URL + reverse("badges:shared", args=[self.share_slug])

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.valid_until is not None and self.valid_until <= timezone.now()


# --- rules ---------------------------------------------------------------------------------------


class IssuingRuleQuerySet(models.QuerySet["IssuingRule"]):
    def visible_to(self, user: Viewer) -> IssuingRuleQuerySet:
        """Rules are configuration of an issuer: seen only by those who manage it."""
        return self.filter(issuer__in=Issuer.objects.managed_by(user).values("pk"))


class IssuingRule(TimeStampedModel):
    """ "When an outcome of kind X happens (optionally about skill Y), award achievement Z."

    Outcomes are recorded by the pillars (``core.Outcome``); the rule matches an outcome's skill
    through its subject's ``skill`` or ``skills`` (see ``rules.py``).
    """

    issuer = models.ForeignKey(
        Issuer, verbose_name=_("issuer"), on_delete=models.CASCADE, related_name="rules"
    )
    outcome_kind = models.CharField(_("outcome kind"), max_length=64, db_index=True)
    skill = models.ForeignKey(
        Skill,
        verbose_name=_("only for the skill"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    achievement = models.ForeignKey(
        Achievement,
        verbose_name=_("achievement to award"),
        on_delete=models.CASCADE,
        related_name="rules",
    )
    valid_days = models.PositiveIntegerField(
        _("valid for days"),
        null=True,
        blank=True,
        help_text=_("Leave empty for badges that do not expire."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = IssuingRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("issuing rule")
        verbose_name_plural = _("issuing rules")
        ordering = ["issuer", "outcome_kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["achievement", "outcome_kind", "skill"], name="badges_rule_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.outcome_kind} → {self.achievement_id}"


# --- imported credentials ------------------------------------------------------------------------


class ImportedCredentialQuerySet(models.QuerySet["ImportedCredential"]):
    def visible_to(self, user: Viewer) -> ImportedCredentialQuerySet:
        """A person sees every credential they imported; others only those made public."""
        if user is not None and user.is_authenticated:
            return self.filter(models.Q(is_public=True) | models.Q(owner_id=user.pk))
        return self.filter(is_public=True)


class ImportedCredential(models.Model):
    """An Open Badges 3.0 credential from another issuer that a person added to their badges
    page, with the verdict of verifying it when it was imported. Private unless made public."""

    public_id = models.UUIDField(_("public identifier"), default=uuid.uuid4, unique=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="imported_credentials",
    )
    credential_id = models.CharField(_("credential identifier"), max_length=500, blank=True)
    name = models.CharField(_("name"), max_length=300)
    issuer_name = models.CharField(_("issuer"), max_length=300, blank=True)
    issuer_id = models.CharField(_("issuer identifier"), max_length=500)
    document = models.JSONField(_("credential"))
    # The text as imported (JSON, or a compact VC-JWT): what a verifier checks again.
    original = models.TextField(_("original text"))
    format = models.CharField(_("format"), max_length=8)
    verdict = models.CharField(_("verdict"), max_length=32)
    checked_at = models.DateTimeField(_("checked"), default=timezone.now)
    is_public = models.BooleanField(_("shown to everyone"), default=False)
    imported_at = models.DateTimeField(_("imported"), default=timezone.now, editable=False)

    objects = ImportedCredentialQuerySet.as_manager()

    class Meta:
        verbose_name = _("imported credential")
        verbose_name_plural = _("imported credentials")
        ordering = ["-imported_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "credential_id"],
                condition=~models.Q(credential_id=""),
                name="badges_import_once_per_person",
            )
        ]

    def __str__(self) -> str:
        return self.name


# --- endorsements --------------------------------------------------------------------------------


class EndorsementQuerySet(models.QuerySet["Endorsement"]):
    def visible_to(self, user: Viewer) -> EndorsementQuerySet:
        """Endorsements of an achievement are public while not withdrawn. An endorsement of a
        person's skill is about that person, so everyone sees it only once the person has made it
        public; the person and the endorser always see it (withdrawn ones too)."""
        public = models.Q(withdrawn_at__isnull=True) & (
            models.Q(achievement__isnull=False) | models.Q(is_public=True)
        )
        if user is not None and user.is_authenticated:
            return self.filter(public | models.Q(person_id=user.pk) | models.Q(endorser_id=user.pk))
        return self.filter(public)


class Endorsement(TimeStampedModel):
    """An OB 3.0 ``EndorsementCredential``: a person, or an organization through one of its
    organizers, vouches for a person's skill or for an achievement.

    Signed by the organization's issuer when endorsing in an organization's name, otherwise by the
    platform issuer on behalf of the person (who is named in the credential's text). Withdrawing
    sets its bit in the signing issuer's status list, like revoking a badge.
    """

    public_id = models.UUIDField(_("public identifier"), default=uuid.uuid4, unique=True)
    endorser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("endorser"),
        on_delete=models.CASCADE,
        related_name="endorsements_given",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("in the name of the organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="endorsements",
    )
    issuer = models.ForeignKey(
        Issuer, verbose_name=_("signed by"), on_delete=models.PROTECT, related_name="endorsements"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("endorsed person"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="endorsements_received",
    )
    skill = models.ForeignKey(
        Skill,
        verbose_name=_("endorsed skill"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    achievement = models.ForeignKey(
        Achievement,
        verbose_name=_("endorsed achievement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="endorsements",
    )
    comment = models.TextField(_("comment"), max_length=2000)
    is_public = models.BooleanField(_("shown to everyone"), default=False)
    document = models.JSONField(_("signed endorsement credential"))
    status_list = models.ForeignKey(
        StatusList,
        verbose_name=_("status list"),
        on_delete=models.PROTECT,
        related_name="endorsements",
    )
    status_index = models.PositiveIntegerField(_("status list position"))
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    objects = EndorsementQuerySet.as_manager()

    class Meta:
        verbose_name = _("endorsement")
        verbose_name_plural = _("endorsements")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    person__isnull=False, skill__isnull=False, achievement__isnull=True
                )
                | models.Q(person__isnull=True, skill__isnull=True, achievement__isnull=False),
                name="badges_endorsement_one_subject",
            ),
            models.UniqueConstraint(
                fields=["status_list", "status_index"], name="badges_one_endorsement_per_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.endorser_id} → {self.person_id or self.achievement_id}"

    def get_absolute_url(self) -> str:
        return reverse("badges_verify:endorsement_detail", args=[self.public_id])

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class IssuerJwtKey(models.Model):
    """A key with which an issuer signs VC-JWTs (ES256 on P-256, or RS256), beside its Ed25519
    Data Integrity keys. The private key (PKCS#8 PEM) is stored Fernet-encrypted like the others;
    the public key is published in the issuer's DID document as a ``JsonWebKey``. Retired keys
    stay published so that tokens they signed still verify."""

    class Algorithm(models.TextChoices):
        ES256 = "ES256", "ES256"
        RS256 = "RS256", "RS256"

    issuer = models.ForeignKey(
        Issuer, verbose_name=_("issuer"), on_delete=models.CASCADE, related_name="jwt_keys"
    )
    algorithm = models.CharField(_("algorithm"), max_length=5, choices=Algorithm.choices)
    thumbprint = models.CharField(_("key thumbprint"), max_length=64, unique=True)
    public_jwk = models.JSONField(_("public key (JWK)"))
    encrypted_private_key = models.BinaryField(_("encrypted private key"), editable=False)
    is_active = models.BooleanField(_("signs new tokens"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("issuer JWT key")
        verbose_name_plural = _("issuer JWT keys")
        ordering = ["issuer", "algorithm", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "algorithm"],
                condition=models.Q(is_active=True),
                name="badges_one_active_jwt_key_per_algorithm",
            )
        ]

    def __str__(self) -> str:
        return f"{self.issuer_id}:{self.algorithm}:{self.thumbprint[:12]}…"
