"""Cohort mentoring programs and peer-learning circles.

An organizer of an organization creates a :class:`Program`; people apply as mentor or mentee
(:class:`Application`) while applications are open; the organizer runs the batch matcher (each
run is a :class:`MatchRun` holding the inputs it used and the assignment it found) and publishes
one run, which creates the exchanges (:class:`ProgramMatch` links each pair to its exchange).
:class:`Circle` groups learners who share a skill and a usable language. Every change goes through
``program_actions.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from skillcommons.accounts.models import Role, User
from skillcommons.core.models import TimeStampedModel
from skillcommons.organizations.models import Membership, Organization
from skillcommons.taxonomy.models import Language, Skill

if TYPE_CHECKING:
    from skillcommons.core.types import Viewer

MAX_TEXT_LENGTH = 10000
MAX_NOTE_LENGTH = 2000
MAX_CAPACITY = 20


def _is_coordinator(viewer: Viewer) -> bool:
    return isinstance(viewer, User) and viewer.is_active and viewer.has_role(Role.COORDINATOR)


class ProgramQuerySet(models.QuerySet["Program"]):
    def visible_to(self, viewer: Viewer) -> ProgramQuerySet:
        """Announced programs are public; drafts are seen by the organization's organizers and
        coordinators."""
        if _is_coordinator(viewer):
            return self.all()
        if viewer is not None and viewer.is_authenticated:
            return self.filter(
                ~models.Q(state=Program.State.DRAFT)
                | models.Q(
                    organization__memberships__user=viewer,
                    organization__memberships__role=Membership.Role.ORGANIZER,
                )
            ).distinct()
        return self.exclude(state=Program.State.DRAFT)

    def managed_by(self, viewer: Viewer) -> ProgramQuerySet:
        """Programs ``viewer`` may edit, match and publish: those of organizations they organize."""
        if viewer is None or not viewer.is_authenticated:
            return self.none()
        return self.filter(
            organization__memberships__user=viewer,
            organization__memberships__role=Membership.Role.ORGANIZER,
        ).distinct()


class Program(TimeStampedModel):
    """A cohort mentoring program: mentees are matched with mentors in one batch."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Announced")
        PUBLISHED = "published", _("Matches published")
        CANCELLED = "cancelled", _("Cancelled")

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="programs",
    )
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=MAX_TEXT_LENGTH)
    skills = models.ManyToManyField(Skill, verbose_name=_("skills"), related_name="programs")
    languages = models.ManyToManyField(
        Language, verbose_name=_("languages"), related_name="programs"
    )
    # Region codes (taxonomy regions); empty = open to every region.
    regions = models.JSONField(_("regions"), default=list, blank=True)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    applications_open_at = models.DateTimeField(_("applications open"))
    applications_close_at = models.DateTimeField(_("applications close"))
    mentor_capacity = models.PositiveSmallIntegerField(
        _("mentees per mentor"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CAPACITY)],
    )
    # Region code → the most mentees the mentors of that region take in this program.
    region_quotas = models.JSONField(_("regional quotas"), default=dict, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    objects = ProgramQuerySet.as_manager()

    class Meta:
        verbose_name = _("mentoring program")
        verbose_name_plural = _("mentoring programs")
        ordering = ["-applications_close_at", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="program_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(applications_close_at__gt=models.F("applications_open_at")),
                name="program_applications_close_after_open",
            ),
            models.CheckConstraint(
                condition=models.Q(mentor_capacity__gte=1, mentor_capacity__lte=MAX_CAPACITY),
                name="program_mentor_capacity_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("exchange:program_detail", args=[self.slug])

    def is_managed_by(self, viewer: Viewer) -> bool:
        return self.organization.is_organizer(viewer)

    @property
    def accepts_applications(self) -> bool:
        now = timezone.now()
        return (
            self.state == self.State.OPEN
            and self.applications_open_at <= now < self.applications_close_at
        )


class ApplicationQuerySet(models.QuerySet["Application"]):
    def visible_to(self, viewer: Viewer) -> ApplicationQuerySet:
        """A person sees their own applications; organizers see those of their programs."""
        if viewer is None or not viewer.is_authenticated:
            return self.none()
        return self.filter(
            models.Q(user_id=viewer.pk)
            | models.Q(
                program__organization__memberships__user=viewer,
                program__organization__memberships__role=Membership.Role.ORGANIZER,
            )
        ).distinct()

    def active(self) -> ApplicationQuerySet:
        return self.filter(withdrawn_at__isnull=True)


class Application(models.Model):
    """Someone applies to a program as a mentor (with the skills they offer and how many mentees
    they take) or as a mentee (with the skill they want, the level they aim for and the mentors
    they would like)."""

    class Role(models.TextChoices):
        MENTOR = "mentor", _("Mentor")
        MENTEE = "mentee", _("Mentee")

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.CASCADE, related_name="applications"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="program_applications",
    )
    role = models.CharField(_("applies as"), max_length=8, choices=Role.choices)
    # Ways of learning (Profile.Method values) the person prefers or offers.
    methods = models.JSONField(_("ways of learning"), default=list, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("mentees I can take"),
        default=0,
        validators=[MaxValueValidator(MAX_CAPACITY)],
    )
    preferred_mentors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("preferred mentors"),
        blank=True,
        related_name="+",
    )
    motivation = models.TextField(_("motivation"), blank=True, max_length=MAX_NOTE_LENGTH)
    created_at = models.DateTimeField(_("applied"), default=timezone.now, editable=False)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("program application")
        verbose_name_plural = _("program applications")
        ordering = ["program", "role", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["program", "user"], name="application_once"),
            models.CheckConstraint(
                condition=models.Q(capacity__lte=MAX_CAPACITY), name="application_capacity_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.program_id} ({self.role})"

    def get_absolute_url(self) -> str:
        return reverse("exchange:program_application", args=[self.program.slug])


class ApplicationSkill(models.Model):
    """A skill on an application: the mentor's level in it, or the level the mentee aims for."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="skills"
    )
    skill = models.ForeignKey(Skill, verbose_name=_("skill"), on_delete=models.PROTECT)
    level = models.PositiveSmallIntegerField(
        _("level"), validators=[MinValueValidator(0), MaxValueValidator(4)]
    )

    class Meta:
        verbose_name = _("skill of an application")
        verbose_name_plural = _("skills of applications")
        ordering = ["skill__position", "skill__code"]
        constraints = [
            models.UniqueConstraint(fields=["application", "skill"], name="application_skill_once"),
            models.CheckConstraint(
                condition=models.Q(level__lte=4), name="application_skill_level_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}:{self.skill_id}={self.level}"


class ApplicationLanguage(models.Model):
    """A program language the applicant can work in, with their level (0–5, 6 = native)."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="languages",
    )
    language = models.ForeignKey(Language, verbose_name=_("language"), on_delete=models.PROTECT)
    proficiency = models.PositiveSmallIntegerField(
        _("proficiency"), validators=[MinValueValidator(0), MaxValueValidator(6)]
    )

    class Meta:
        verbose_name = _("language of an application")
        verbose_name_plural = _("languages of applications")
        ordering = ["-proficiency", "language__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "language"], name="application_language_once"
            ),
            models.CheckConstraint(
                condition=models.Q(proficiency__lte=6), name="application_language_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}:{self.language_id}={self.proficiency}"


class MatchRun(models.Model):
    """One run of the batch matcher for a program: the inputs it used (so the preview can be
    explained again in any language), the options, the assignment and its totals."""

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.CASCADE, related_name="match_runs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("run by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("run at"), default=timezone.now, editable=False)
    options = models.JSONField(_("options"), default=dict)
    snapshot = models.JSONField(_("inputs"), default=dict)
    assignment = models.JSONField(_("assignment"), default=list)
    totals = models.JSONField(_("totals"), default=dict)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["program"],
                condition=models.Q(published_at__isnull=False),
                name="match_run_published_once_per_program",
            )
        ]

    def __str__(self) -> str:
        return f"{self.program_id}#{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("exchange:program_preview", args=[self.program.slug, self.pk])


class ProgramMatch(models.Model):
    """A published pair of a program, and the exchange publishing created for it."""

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.CASCADE, related_name="matches"
    )
    run = models.ForeignKey(
        MatchRun, verbose_name=_("matching run"), on_delete=models.CASCADE, related_name="matches"
    )
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mentee"),
        on_delete=models.CASCADE,
        related_name="program_matches_as_mentee",
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mentor"),
        on_delete=models.CASCADE,
        related_name="program_matches_as_mentor",
    )
    skill = models.ForeignKey(Skill, verbose_name=_("skill"), on_delete=models.PROTECT)
    score = models.FloatField(_("score"))
    rank = models.PositiveSmallIntegerField(_("rank in the mentee's list"))
    exchange = models.OneToOneField(
        "exchange.Exchange",
        verbose_name=_("exchange"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="program_match",
    )

    class Meta:
        verbose_name = _("program match")
        verbose_name_plural = _("program matches")
        ordering = ["program", "id"]
        constraints = [
            models.UniqueConstraint(fields=["program", "mentee"], name="program_match_one_mentor")
        ]

    def __str__(self) -> str:
        return f"{self.program_id}: {self.mentor_id}→{self.mentee_id}"


class CircleQuerySet(models.QuerySet["Circle"]):
    def visible_to(self, viewer: Viewer) -> CircleQuerySet:
        """A circle is seen by its members, by the organizers of its program and by
        coordinators."""
        if viewer is None or not viewer.is_authenticated:
            return self.none()
        if _is_coordinator(viewer):
            return self.all()
        return self.filter(
            models.Q(memberships__user=viewer)
            | models.Q(
                program__organization__memberships__user=viewer,
                program__organization__memberships__role=Membership.Role.ORGANIZER,
            )
        ).distinct()


class Circle(models.Model):
    """A peer-learning circle: 3–6 learners who want the same skill and share a language."""

    program = models.ForeignKey(
        Program,
        verbose_name=_("program"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="circles",
    )
    skill = models.ForeignKey(
        Skill, verbose_name=_("skill"), on_delete=models.PROTECT, related_name="circles"
    )
    language = models.ForeignKey(
        Language, verbose_name=_("language"), on_delete=models.PROTECT, related_name="circles"
    )
    common_hours = models.PositiveSmallIntegerField(_("weekly hours everyone is free"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("formed by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("formed"), default=timezone.now, editable=False)

    objects = CircleQuerySet.as_manager()

    class Meta:
        verbose_name = _("peer-learning circle")
        verbose_name_plural = _("peer-learning circles")
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return f"{self.skill_id}/{self.language_id}#{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("exchange:circle_detail", args=[self.pk])


class CircleMembership(models.Model):
    """A person in a circle, with why they are there (their level in the circle's language and
    the weekly hours they share with the others)."""

    circle = models.ForeignKey(
        Circle, verbose_name=_("circle"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="circle_memberships",
    )
    proficiency = models.PositiveSmallIntegerField(
        _("level in the circle's language"), validators=[MaxValueValidator(6)]
    )
    shared_hours = models.PositiveSmallIntegerField(_("weekly hours shared with others"))

    class Meta:
        verbose_name = _("circle membership")
        verbose_name_plural = _("circle memberships")
        ordering = ["circle", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["circle", "user"], name="circle_membership_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}∈{self.circle_id}"


__all__ = [
    "Application",
    "ApplicationLanguage",
    "ApplicationSkill",
    "Circle",
    "CircleMembership",
    "MatchRun",
    "Program",
    "ProgramMatch",
]
