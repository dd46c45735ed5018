"""Organizations of the movement (chapters, thematic organizations, user groups, language
communities), their members and organizers, and the skills they have and need."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from skillcommons.core.models import TimeStampedModel
from skillcommons.core.visibility import Visibility, lowest_visible_level
from skillcommons.taxonomy.models import Language, Skill

if TYPE_CHECKING:
    from skillcommons.accounts.models import User
    from skillcommons.core.types import Viewer


class OrganizationQuerySet(models.QuerySet["Organization"]):
    def visible_to(self, user: Viewer) -> OrganizationQuerySet:
        """Organizations are public; archived ones are seen only by their organizers, coordinators
        and admins."""
        if user is not None and user.is_authenticated:
            if user.has_perm("organizations.change_organization"):
                return self.all()
            return self.filter(
                models.Q(is_active=True)
                | models.Q(memberships__user=user, memberships__role=Membership.Role.ORGANIZER)
            ).distinct()
        return self.filter(is_active=True)

    def organized_by(self, user: Viewer) -> OrganizationQuerySet:
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user, memberships__role=Membership.Role.ORGANIZER)


class Organization(TimeStampedModel):
    """A chapter, thematic organization, user group or language community."""

    class Kind(models.TextChoices):
        CHAPTER = "chapter", _("Chapter")
        THEMATIC = "thematic", _("Thematic organization")
        USER_GROUP = "user_group", _("User group")
        LANGUAGE_COMMUNITY = "language_community", _("Language community")

    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True, max_length=10000)
    website = models.URLField(_("website"), blank=True, max_length=300)
    country = models.CharField(
        _("country"),
        max_length=2,
        blank=True,
        help_text=_("Leave empty if it works across countries."),
    )
    # Derived from the country when there is one; chosen directly for cross-border organizations.
    region = models.CharField(_("region"), max_length=8, blank=True, db_index=True)
    languages = models.ManyToManyField(
        Language, verbose_name=_("working languages"), blank=True, related_name="organizations"
    )
    is_active = models.BooleanField(_("active"), default=True)
    members: models.ManyToManyField[User, Membership] = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        verbose_name=_("members"),
        related_name="organizations",
    )

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organizations:detail", args=[self.slug])

    def is_organizer(self, user: Viewer) -> bool:
        if user is None or not user.is_authenticated:
            return False
        return self.memberships.filter(user_id=user.pk, role=Membership.Role.ORGANIZER).exists()


class MembershipQuerySet(models.QuerySet["Membership"]):
    def listed_for(self, viewer: Viewer, organization: Organization) -> MembershipQuerySet:
        """The memberships of ``organization`` that ``viewer`` may see by name: the organizers
        (listed publicly), members whose chosen visibility reaches the viewer, and the viewer's
        own. The organization's organizers, coordinators and admins see every member, because
        they manage the membership (they still see only what each profile shares)."""
        found = self.filter(organization=organization, user__is_active=True).select_related("user")
        if viewer is not None and viewer.is_authenticated:
            if viewer.has_role("coordinator") or organization.is_organizer(viewer):
                return found
            return found.filter(
                models.Q(role=Membership.Role.ORGANIZER)
                | models.Q(visibility__gte=lowest_visible_level(viewer))
                | models.Q(user_id=viewer.pk)
            )
        return found.filter(
            models.Q(role=Membership.Role.ORGANIZER)
            | models.Q(visibility__gte=lowest_visible_level(viewer))
        )


class Membership(models.Model):
    """A person's membership of an organization. Organizers are listed publicly; a plain member is
    listed only as widely as they choose (private by default)."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        ORGANIZER = "organizer", _("Organizer")

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    visibility = models.PositiveSmallIntegerField(
        _("who sees this membership"), choices=Visibility.choices, default=Visibility.PRIVATE
    )
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organization", "-role", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="membership_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization} ({self.role})"


class OrganizationSkill(models.Model):
    """A skill an organization has (an asset) or needs."""

    class Kind(models.TextChoices):
        HAS = "has", _("Has")
        NEEDS = "needs", _("Needs")

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="skills",
    )
    skill = models.ForeignKey(
        Skill, verbose_name=_("skill"), on_delete=models.PROTECT, related_name="organizations"
    )
    kind = models.CharField(_("has or needs"), max_length=8, choices=Kind.choices)
    level = models.PositiveSmallIntegerField(_("level"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("skill of an organization")
        verbose_name_plural = _("skills of organizations")
        ordering = ["kind", "skill__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "skill", "kind"], name="organization_skill_once"
            ),
            models.CheckConstraint(
                condition=models.Q(level__isnull=True) | models.Q(level__lte=4),
                name="organization_skill_level_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id}:{self.skill_id}:{self.kind}"
