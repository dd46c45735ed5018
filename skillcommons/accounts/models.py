"""People: accounts, roles, profiles with per-field visibility, their languages and skills, and
personal API tokens."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from skillcommons.core.models import TimeStampedModel
from skillcommons.core.visibility import Visibility, lowest_visible_level
from skillcommons.taxonomy.models import Language, Skill

from .validators import WikimediaUsernameValidator

if TYPE_CHECKING:
    from skillcommons.core.types import Viewer


class Role(models.TextChoices):
    """Site-wide roles. Every active account is a member; curators and coordinators are Django
    groups of those names; admins are superusers. Organizers are per organization (Membership)."""

    MEMBER = "member", _("Member")
    CURATOR = "curator", _("Curator")
    COORDINATOR = "coordinator", _("Coordinator")
    ADMIN = "admin", _("Administrator")


class User(AbstractUser):
    """An account. ``username`` is the public handle (for Wikimedia sign-in, the wiki user name);
    everything else about the person lives in their :class:`Profile`, private by default."""

    # Wikimedia user names allow spaces and punctuation that Django's default validator refuses.
    username_validator = WikimediaUsernameValidator()  # type: ignore[assignment]
    username = models.CharField(
        _("user name"),
        max_length=150,
        unique=True,
        validators=[username_validator],
        help_text=_(
            "Your public name here; it matches your Wikimedia user name if you sign in with it."
        ),
        error_messages={"unique": _("That user name is already taken.")},
    )

    def __str__(self) -> str:
        return self.username

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile", args=[self.username])

    @property
    def roles(self) -> set[str]:
        if not self.is_active:
            return set()
        found = {Role.MEMBER.value}
        found.update(
            name
            for name in self.groups.values_list("name", flat=True)
            if name in {Role.CURATOR.value, Role.COORDINATOR.value}
        )
        if self.is_superuser:
            found.add(Role.ADMIN.value)
        return found

    def has_role(self, role: Role | str) -> bool:
        role = Role(role)
        if role is not Role.MEMBER and self.is_superuser:
            return True
        return role.value in self.roles


class ProfileQuerySet(models.QuerySet["Profile"]):
    def visible_to(self, viewer: Viewer) -> ProfileQuerySet:
        """The only way pages and the API obtain profiles. Every active person has a page (the
        user name is public, as on the wikis); which *fields* show is decided per field by
        :meth:`Profile.fields_for`."""
        return self.filter(user__is_active=True)

    def listed_for(self, viewer: Viewer) -> ProfileQuerySet:
        """People shown in the directory to ``viewer``: those who share at least one field with
        them, plus the viewer themself."""
        level = lowest_visible_level(viewer)
        shared = models.Q()
        for field in Profile.VISIBILITY_FIELDS.values():
            shared |= models.Q(**{f"{field}__gte": level})
        if viewer is not None and viewer.is_authenticated:
            shared |= models.Q(user_id=viewer.pk)
        return self.visible_to(viewer).filter(shared)


class Profile(TimeStampedModel):
    """What a person tells the movement about themself. Each group of fields has its own
    visibility, ``PRIVATE`` unless the person changes it."""

    class Method(models.TextChoices):
        MENTORING = "mentoring", _("Mentoring")
        TRAINING = "training", _("Training")
        CONSULTING = "consulting", _("Consulting")
        ONLINE = "online", _("Online learning")
        PEER = "peer", _("Peer-to-peer learning")
        EVENTS = "events", _("Events")

    # Field group → the column holding its visibility. Pages, API and exports go through
    # ``fields_for``, which reads this table; nothing else decides what another person sees.
    VISIBILITY_FIELDS: dict[str, str] = {
        "display_name": "display_name_visibility",
        "pronouns": "pronouns_visibility",
        "bio": "bio_visibility",
        "home_wikis": "home_wikis_visibility",
        "location": "location_visibility",
        "time_zone": "time_zone_visibility",
        "languages": "languages_visibility",
        "skills": "skills_visibility",
        "offers": "offers_visibility",
        "wants": "wants_visibility",
        "methods": "methods_visibility",
        "availability": "availability_visibility",
        "capacity": "capacity_visibility",
    }

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="profile",
    )
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    display_name_visibility = models.PositiveSmallIntegerField(
        _("who sees the display name"), choices=Visibility.choices, default=Visibility.PRIVATE
    )
    pronouns = models.CharField(_("pronouns"), max_length=40, blank=True)
    pronouns_visibility = models.PositiveSmallIntegerField(
        _("who sees the pronouns"), choices=Visibility.choices, default=Visibility.PRIVATE
    )
    bio = models.TextField(_("about me"), blank=True, max_length=5000)
    bio_visibility = models.PositiveSmallIntegerField(
        _("who sees the text about me"), choices=Visibility.choices, default=Visibility.PRIVATE
    )
    home_wikis = models.JSONField(_("home wikis"), default=list, blank=True)
    home_wikis_visibility = models.PositiveSmallIntegerField(
        _("who sees the home wikis"), choices=Visibility.choices, default=Visibility.PRIVATE
    )
    country = models.CharField(_("country"), max_length=2, blank=True)
    # Derived from the country through the current region scheme; never edited directly.
    region = models.CharField(_("region"), max_length=8, blank=True, editable=False, db_index=True)
    location_visibility = models.PositiveSmallIntegerField(
        _("who sees the country and region"), choices=Visibility.choices, default=Visibility.PRIVATE
    )
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    time_zone_visibility = models.PositiveSmallIntegerField(
        _("who sees the time zone"), choices=Visibility.choices, default=Visibility.PRIVATE
    )
    languages_visibility = models.PositiveSmallIntegerField(
        _("who sees the languages"), choices=Visibility.choices, default=Visibility.PRIVATE
    )
    skills_visibility = models.PositiveSmallIntegerField(
        _("who sees the skills and levels"), choices=Visibility.choices, default=Visibility.PRIVATE
    )
    offers_visibility = models.PositiveSmallIntegerField(
        _("who sees what I offer"), choices=Visibility.choices, default=Visibility.PRIVATE
    )
    wants_visibility = models.PositiveSmallIntegerField(
        _("who sees what I want to learn"), choices=Visibility.choices, default=Visibility.PRIVATE
    )
    preferred_methods = models.JSONField(_("preferred ways to learn"), default=list, blank=True)
    methods_visibility = models.PositiveSmallIntegerField(
        _("who sees the preferred ways to learn"),
        choices=Visibility.choices,
        default=Visibility.PRIVATE,
    )
    # A list of {"day": 0-6 (Monday = 0), "start": "HH:MM", "end": "HH:MM"} in ``time_zone``.
    availability = models.JSONField(_("weekly availability"), default=list, blank=True)
    availability_visibility = models.PositiveSmallIntegerField(
        _("who sees the weekly availability"),
        choices=Visibility.choices,
        default=Visibility.PRIVATE,
    )
    mentoring_capacity = models.PositiveSmallIntegerField(
        _("mentoring capacity"),
        default=0,
        validators=[MaxValueValidator(50)],
        help_text=_("How many people you can mentor at the same time."),
    )
    capacity_visibility = models.PositiveSmallIntegerField(
        _("who sees the mentoring capacity"),
        choices=Visibility.choices,
        default=Visibility.PRIVATE,
    )

    objects = ProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        ordering = ["user__username"]

    def __str__(self) -> str:
        return self.user.username

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile", args=[self.user.username])

    def visibility_of(self, group: str) -> int:
        return int(getattr(self, self.VISIBILITY_FIELDS[group]))

    def shows(self, group: str, viewer: Viewer) -> bool:
        """Whether field ``group`` of this profile may be shown to ``viewer``."""
        if viewer is not None and viewer.is_authenticated and viewer.pk == self.user_id:
            return True
        return self.visibility_of(group) >= lowest_visible_level(viewer)

    def fields_for(self, viewer: Viewer) -> dict[str, Any]:
        """Everything ``viewer`` may see of this profile, and nothing else: the single gate behind
        profile pages, the directory, the API and exports. Hidden groups are absent."""
        from .gate import visible_profile_fields

        return visible_profile_fields(self, viewer)


class PersonLanguage(models.Model):
    """A language a person reads, writes or speaks, with a Babel-style level (0–5, or native)."""

    NATIVE = 6

    class Proficiency(models.IntegerChoices):
        BASIC_0 = 0, pgettext_lazy("language proficiency", "0 – understands with difficulty")
        BASIC = 1, pgettext_lazy("language proficiency", "1 – basic")
        INTERMEDIATE = 2, pgettext_lazy("language proficiency", "2 – intermediate")
        ADVANCED = 3, pgettext_lazy("language proficiency", "3 – advanced")
        NEAR_NATIVE = 4, pgettext_lazy("language proficiency", "4 – near native")
        PROFESSIONAL = 5, pgettext_lazy("language proficiency", "5 – professional")
        NATIVE = 6, pgettext_lazy("language proficiency", "Native")

    profile = models.ForeignKey(
        Profile, verbose_name=_("profile"), on_delete=models.CASCADE, related_name="languages"
    )
    language = models.ForeignKey(
        Language, verbose_name=_("language"), on_delete=models.PROTECT, related_name="speakers"
    )
    proficiency = models.PositiveSmallIntegerField(
        _("proficiency"), choices=Proficiency.choices, default=Proficiency.INTERMEDIATE
    )

    class Meta:
        verbose_name = _("language of a person")
        verbose_name_plural = _("languages of people")
        ordering = ["-proficiency", "language__code"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "language"], name="person_language_once"),
            models.CheckConstraint(
                condition=models.Q(proficiency__lte=6), name="person_language_proficiency_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.language.code}-{self.proficiency}"


class PersonSkill(models.Model):
    """A skill on a person's profile: their level (0–4), whether they want to learn it and what
    they offer in it."""

    profile = models.ForeignKey(
        Profile, verbose_name=_("profile"), on_delete=models.CASCADE, related_name="skills"
    )
    skill = models.ForeignKey(
        Skill, verbose_name=_("skill"), on_delete=models.PROTECT, related_name="people"
    )
    level = models.PositiveSmallIntegerField(
        _("level"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(4)],
    )
    wants_to_learn = models.BooleanField(_("wants to learn"), default=False)
    offers_teaching = models.BooleanField(_("offers teaching"), default=False)
    offers_mentoring = models.BooleanField(_("offers mentoring"), default=False)
    offers_consulting = models.BooleanField(_("offers consulting"), default=False)
    offers_review = models.BooleanField(_("offers reviewing"), default=False)

    OFFER_FIELDS = ("offers_teaching", "offers_mentoring", "offers_consulting", "offers_review")

    class Meta:
        verbose_name = _("skill of a person")
        verbose_name_plural = _("skills of people")
        ordering = ["skill__position", "skill__code"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "skill"], name="person_skill_once"),
            models.CheckConstraint(
                condition=models.Q(level__isnull=True) | models.Q(level__lte=4),
                name="person_skill_level_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.profile_id}:{self.skill_id}"

    @property
    def offers(self) -> list[str]:
        return [name.removeprefix("offers_") for name in self.OFFER_FIELDS if getattr(self, name)]


class ApiToken(models.Model):
    """A personal API token for scripts. Only a hash is stored; the token is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, editable=False)
    key_hash = models.CharField(_("hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
