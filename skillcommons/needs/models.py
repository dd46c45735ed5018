"""Questionnaires (instruments and their versions), waves, and the responses people give.

An *instrument* is a questionnaire; each change makes a new *version*, and a published version
never changes (waves and answers point at it). A *wave* runs one published version for a period.
A *response* is one person's answers in a wave, as themself or for an organization they organize;
it carries the respondent's per-wave pseudonym and a snapshot of the breakdowns (region, country,
language, affiliate type) so that the analysis never needs the person.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from skillcommons.core.models import TimeStampedModel
from skillcommons.organizations.models import Organization
from skillcommons.taxonomy.locales import fallback_chain
from skillcommons.taxonomy.models import Skill

if TYPE_CHECKING:
    from skillcommons.core.types import Viewer

MAX_LEVEL = 4
MAX_ROBUSTNESS = 2


def localized(texts: dict[str, str], locale: str | None = None, default: str = "") -> str:
    """The text of ``texts`` (``{locale: text}``) for ``locale`` (default: the active language),
    following the fallback chain, then any language."""
    for code in fallback_chain(locale or translation.get_language() or "en"):
        if texts.get(code):
            return texts[code]
    return next((text for text in texts.values() if text), default)


def can_manage_instruments(user: Viewer) -> bool:
    """Coordinators (and admins) build instruments and run waves."""
    return bool(user is not None and user.is_authenticated and user.has_role("coordinator"))


class Instrument(TimeStampedModel):
    """A questionnaire, identified by a stable short name; its content lives in versions."""

    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.slug

    def get_absolute_url(self) -> str:
        return reverse("needs:instrument_detail", args=[self.slug])

    def latest_version(self) -> InstrumentVersion | None:
        return self.versions.order_by("-number").first()


class InstrumentVersionQuerySet(models.QuerySet["InstrumentVersion"]):
    def visible_to(self, user: Viewer) -> InstrumentVersionQuerySet:
        """Published versions are public (the questions are not personal); drafts are seen by
        coordinators only."""
        if can_manage_instruments(user):
            return self.all()
        return self.filter(status=InstrumentVersion.Status.PUBLISHED)


class InstrumentVersion(TimeStampedModel):
    """One version of an instrument. A draft can be edited; a published version is frozen."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    instrument = models.ForeignKey(
        Instrument,
        verbose_name=_("questionnaire"),
        on_delete=models.CASCADE,
        related_name="versions",
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    #: ``{locale: title}``.
    title = models.JSONField(_("title"), default=dict)
    #: The locales the questions are written in, the first being the default.
    locales = models.JSONField(_("languages"), default=list)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    objects = InstrumentVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("questionnaire version")
        verbose_name_plural = _("questionnaire versions")
        ordering = ["instrument", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "number"], name="instrument_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.instrument.slug} v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("needs:version_detail", args=[self.instrument.slug, self.number])

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def default_locale(self) -> str:
        return self.locales[0] if self.locales else "en"

    def title_text(self, locale: str | None = None) -> str:
        return localized(self.title, locale, self.instrument.slug)


class Question(models.Model):
    """One question of a version. Labels and hints are ``{locale: text}``; ``relevance`` is an
    expression of the supported XLSForm subset (see ``skiplogic``), empty when always asked."""

    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        LIKERT = "likert", _("Likert scale")
        NUMBER = "number", _("Number")
        TEXT = "text", _("Text")
        SKILL_MATRIX = "skill_matrix", _("Skill matrix")

    CHOICE_KINDS = (Kind.SINGLE, Kind.MULTIPLE, Kind.LIKERT)

    version = models.ForeignKey(
        InstrumentVersion,
        verbose_name=_("questionnaire version"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    name = models.SlugField(_("name"), max_length=64)
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    label = models.JSONField(_("label"), default=dict)
    hint = models.JSONField(_("hint"), default=dict, blank=True)
    required = models.BooleanField(_("required"), default=False)
    relevance = models.CharField(_("asked only if"), max_length=1000, blank=True)
    #: The XLSForm choice list name, kept for the round trip.
    list_name = models.CharField(_("choice list"), max_length=64, blank=True)
    min_value = models.DecimalField(
        _("smallest value"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("largest value"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    skills = models.ManyToManyField(
        Skill, verbose_name=_("skills"), blank=True, related_name="needs_questions"
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["version", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "name"], name="question_name_once")
        ]

    def __str__(self) -> str:
        return self.name

    def label_text(self, locale: str | None = None) -> str:
        return localized(self.label, locale, self.name)

    def hint_text(self, locale: str | None = None) -> str:
        return localized(self.hint, locale)

    @property
    def has_choices(self) -> bool:
        return self.kind in self.CHOICE_KINDS


class Choice(models.Model):
    """An answer option of a choice or Likert question."""

    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="choices"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    value = models.CharField(_("value"), max_length=64)
    label = models.JSONField(_("label"), default=dict)

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["question", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["question", "value"], name="choice_value_once")
        ]

    def __str__(self) -> str:
        return self.value

    def label_text(self, locale: str | None = None) -> str:
        return localized(self.label, locale, self.value)


class WaveQuerySet(models.QuerySet["Wave"]):
    def visible_to(self, user: Viewer) -> WaveQuerySet:
        """Waves are public announcements; coordinators also see unpublished (draft) waves."""
        if can_manage_instruments(user):
            return self.all()
        return self.filter(is_published=True)


class Wave(TimeStampedModel):
    """An assessment round: one published instrument version, answered between two dates by
    individuals, organizations, or both."""

    class Audience(models.TextChoices):
        INDIVIDUALS = "individuals", _("Individuals")
        ORGANIZATIONS = "organizations", _("Organizations")
        BOTH = "both", _("Individuals and organizations")

    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    version = models.ForeignKey(
        InstrumentVersion,
        verbose_name=_("questionnaire version"),
        on_delete=models.PROTECT,
        related_name="waves",
    )
    audience = models.CharField(
        _("who answers"), max_length=16, choices=Audience.choices, default=Audience.BOTH
    )
    #: Organization kinds that may answer (empty: every kind).
    organization_kinds = models.JSONField(_("kinds of organization"), default=list, blank=True)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    consent_text = models.TextField(
        _("consent text"),
        max_length=5000,
        help_text=_("What respondents agree to. It is stored with every response."),
    )
    is_published = models.BooleanField(_("announced"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = WaveQuerySet.as_manager()

    class Meta:
        verbose_name = _("wave")
        verbose_name_plural = _("waves")
        ordering = ["-opens_at", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="wave_closes_after_opening",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("needs:wave_detail", args=[self.slug])

    def is_open(self, at: datetime | None = None) -> bool:
        moment = at or timezone.now()
        return self.opens_at <= moment < self.closes_at

    @property
    def for_individuals(self) -> bool:
        return self.audience in (self.Audience.INDIVIDUALS, self.Audience.BOTH)

    @property
    def for_organizations(self) -> bool:
        return self.audience in (self.Audience.ORGANIZATIONS, self.Audience.BOTH)


class Invitation(models.Model):
    """An invitation to answer a wave, sent to a person or to an organization (whose organizers
    are told). Answering does not require one; it tells people the wave concerns them."""

    wave = models.ForeignKey(
        Wave, verbose_name=_("wave"), on_delete=models.CASCADE, related_name="invitations"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="needs_invitations",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="needs_invitations",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("invited"), default=timezone.now)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["wave", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["wave", "person"],
                condition=models.Q(person__isnull=False),
                name="invitation_once_per_person",
            ),
            models.UniqueConstraint(
                fields=["wave", "organization"],
                condition=models.Q(organization__isnull=False),
                name="invitation_once_per_organization",
            ),
            models.CheckConstraint(
                condition=models.Q(person__isnull=True, organization__isnull=False)
                | models.Q(person__isnull=False, organization__isnull=True),
                name="invitation_person_or_organization",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.wave_id}:{self.person_id or self.organization_id}"


class ResponseQuerySet(models.QuerySet["Response"]):
    def visible_to(self, user: Viewer) -> ResponseQuerySet:
        """A response is seen by its respondent only. Nobody else (coordinators included) reads
        another person's answers: analysis goes through the aggregated, suppressed tables."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(respondent_id=user.pk)


class Response(TimeStampedModel):
    """One respondent's answers in a wave, as themself or for one organization.

    ``pseudonym`` is a keyed hash (HMAC with ``NEEDS_PSEUDONYM_SECRET``) of the wave and the person
    (or the organization): stable within a wave, different across waves, not reversible without
    the secret. The breakdown fields are copied at submission so aggregation reads only this row.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    wave = models.ForeignKey(
        Wave, verbose_name=_("wave"), on_delete=models.PROTECT, related_name="responses"
    )
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("respondent"),
        on_delete=models.CASCADE,
        related_name="needs_responses",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("answering for"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="needs_responses",
    )
    pseudonym = models.CharField(_("pseudonym"), max_length=64, db_index=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    locale = models.CharField(_("answered in"), max_length=35, blank=True)
    consent_text = models.TextField(_("consent text agreed to"), blank=True)
    consent_statistics = models.BooleanField(_("consents to aggregate statistics"), default=False)
    consent_profile = models.BooleanField(
        _("consents to updating the profile and matchmaking"), default=False
    )
    consented_at = models.DateTimeField(_("consented"), null=True, blank=True)
    # Breakdowns at submission ("" = not stated); see the class docstring.
    region = models.CharField(_("region"), max_length=8, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    language = models.CharField(_("language community"), max_length=35, blank=True)
    affiliate_type = models.CharField(_("affiliate type"), max_length=24, blank=True)
    weight = models.FloatField(_("survey weight"), default=1.0)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["wave", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["wave", "respondent"],
                condition=models.Q(organization__isnull=True),
                name="response_once_per_person_and_wave",
            ),
            models.UniqueConstraint(
                fields=["wave", "organization"],
                condition=models.Q(organization__isnull=False),
                name="response_once_per_organization_and_wave",
            ),
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="response_weight_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.wave.slug}:{self.pseudonym[:12]}"

    def get_absolute_url(self) -> str:
        return reverse("needs:response_detail", args=[self.pk])

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class Answer(models.Model):
    """The answer to one (non-matrix) question. ``value`` is a choice value (single, Likert), a
    list of choice values (multiple), a number or a text."""

    response = models.ForeignKey(
        Response, verbose_name=_("response"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="answers"
    )
    value = models.JSONField(_("value"))

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["response", "question__position"]
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="answer_once")]

    def __str__(self) -> str:
        return f"{self.response_id}:{self.question_id}"


class SkillRating(models.Model):
    """One row of a skill-matrix answer: a respondent's ratings of one skill.

    Proficiency and importance 0–4; robustness 0–2 (0 = the skill rests on one person) only when
    answering for an organization, otherwise empty.
    """

    response = models.ForeignKey(
        Response,
        verbose_name=_("response"),
        on_delete=models.CASCADE,
        related_name="skill_ratings",
    )
    question = models.ForeignKey(
        Question,
        verbose_name=_("question"),
        on_delete=models.PROTECT,
        related_name="skill_ratings",
    )
    skill = models.ForeignKey(
        Skill, verbose_name=_("skill"), on_delete=models.PROTECT, related_name="needs_ratings"
    )
    proficiency = models.PositiveSmallIntegerField(
        _("proficiency"), validators=[MinValueValidator(0), MaxValueValidator(MAX_LEVEL)]
    )
    importance = models.PositiveSmallIntegerField(
        _("importance"), validators=[MinValueValidator(0), MaxValueValidator(MAX_LEVEL)]
    )
    wants_to_learn = models.BooleanField(_("wants to learn"), default=False)
    can_teach = models.BooleanField(_("can teach"), default=False)
    robustness = models.PositiveSmallIntegerField(
        _("robustness"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_ROBUSTNESS)],
    )

    class Meta:
        verbose_name = _("skill rating")
        verbose_name_plural = _("skill ratings")
        ordering = ["response", "question", "skill__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question", "skill"], name="skill_rating_once"
            ),
            models.CheckConstraint(
                condition=models.Q(proficiency__lte=MAX_LEVEL, importance__lte=MAX_LEVEL),
                name="skill_rating_levels_range",
            ),
            models.CheckConstraint(
                condition=models.Q(robustness__isnull=True)
                | models.Q(robustness__lte=MAX_ROBUSTNESS),
                name="skill_rating_robustness_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.response_id}:{self.skill_id}"
