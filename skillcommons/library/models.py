"""The learning library: language-neutral works with one variant per language, their revisions,
curation (reviews with a rubric, flags), learners' signals, quizzes and learning packs."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from skillcommons.core.models import TimeStampedModel
from skillcommons.taxonomy.models import Skill

if TYPE_CHECKING:
    from skillcommons.core.types import Viewer

MAX_TITLE = 200
MAX_SUMMARY = 1000
MAX_BODY = 50_000
MAX_NOTE = 5000


def is_curator(user: Viewer) -> bool:
    """Curators review and publish library works (the site-wide "curator" role; admins too)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_superuser or user.groups.filter(name="curator").exists())


class WorkQuerySet(models.QuerySet["Work"]):
    def visible_to(self, user: Viewer) -> WorkQuerySet:
        """Published works are public; authors also see their own drafts; curators see all."""
        if is_curator(user):
            return self.all()
        if user is not None and user.is_authenticated:
            return self.filter(models.Q(state=Work.State.PUBLISHED) | models.Q(created_by=user))
        return self.filter(state=Work.State.PUBLISHED)

    def published(self) -> WorkQuerySet:
        return self.filter(state=Work.State.PUBLISHED)


class Work(TimeStampedModel):
    """A learning resource independent of language: what it teaches, for whom, in which format and
    under which license. Its text lives in one :class:`Variant` per language; all variants of a
    work share the work's ``translation_key``."""

    class Level(models.TextChoices):
        BEGINNER = "beginner", _("Beginner")
        INTERMEDIATE = "intermediate", _("Intermediate")
        ADVANCED = "advanced", _("Advanced")

    class Audience(models.TextChoices):
        NEWCOMER = "newcomer", _("Newcomers")
        INDIVIDUAL = "individual", _("Individuals")
        ORGANIZATION = "organization", _("Organizations")

    class Format(models.TextChoices):
        ARTICLE = "article", _("Article")
        VIDEO = "video", _("Video")
        SLIDES = "slides", _("Slides")
        PDF = "pdf", _("PDF")
        AUDIO = "audio", _("Audio")
        COURSE = "course", _("Course")
        QUIZ = "quiz", _("Quiz")
        TOOLKIT = "toolkit", _("Toolkit")

    class License(models.TextChoices):
        CC_BY_SA_4 = "CC-BY-SA-4.0", _("Creative Commons Attribution-ShareAlike 4.0")
        CC_BY_4 = "CC-BY-4.0", _("Creative Commons Attribution 4.0")
        CC0 = "CC0-1.0", _("Creative Commons Zero (public domain dedication)")
        PUBLIC_DOMAIN = "public-domain", _("Public domain")

    class State(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("library work state", "Draft")
        SUBMITTED = "submitted", pgettext_lazy("library work state", "Submitted")
        IN_REVIEW = "in_review", pgettext_lazy("library work state", "In review")
        PUBLISHED = "published", pgettext_lazy("library work state", "Published")
        CHANGES_REQUESTED = (
            "changes_requested",
            pgettext_lazy("library work state", "Changes requested"),
        )
        REJECTED = "rejected", pgettext_lazy("library work state", "Rejected")

    translation_key = models.UUIDField(
        _("translation key"), default=uuid.uuid4, unique=True, editable=False
    )
    skills = models.ManyToManyField(
        Skill, verbose_name=_("skills"), blank=True, related_name="library_works"
    )
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    audience = models.CharField(_("audience"), max_length=16, choices=Audience.choices)
    format = models.CharField(_("format"), max_length=16, choices=Format.choices)
    license = models.CharField(_("license"), max_length=24, choices=License.choices)
    estimated_minutes = models.PositiveSmallIntegerField(
        _("estimated time in minutes"), validators=[MinValueValidator(1), MaxValueValidator(6000)]
    )
    original_locale = models.CharField(_("original language"), max_length=35)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="library_works",
    )
    quality_score = models.FloatField(_("quality score"), null=True, blank=True)
    review_due = models.DateField(_("re-review date"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    view_count = models.PositiveIntegerField(_("views"), default=0)
    completion_count = models.PositiveIntegerField(_("completions"), default=0)

    objects = WorkQuerySet.as_manager()

    class Meta:
        verbose_name = _("work")
        verbose_name_plural = _("works")
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        variant = self.variant_for(self.original_locale)
        return variant.title if variant else f"#{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("library:work", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED

    def variant_for(self, locale: str) -> Variant | None:
        """The variant in exactly ``locale`` (uses prefetched variants when present)."""
        return next((v for v in self.variants.all() if v.locale == locale), None)

    def best_variant(self, languages: list[str]) -> Variant | None:
        """The variant in the first of ``languages`` that has one, else the original."""
        by_locale = {v.locale.lower(): v for v in self.variants.all()}
        for code in languages:
            found = by_locale.get(code.lower())
            if found is not None:
                return found
        return by_locale.get(self.original_locale.lower()) or next(iter(by_locale.values()), None)


class Variant(TimeStampedModel):
    """A work in one language: its text, an uploaded file or an external link, and, for a
    translation, the variant it was translated from and whether it still matches it."""

    class Status(models.TextChoices):
        ORIGINAL = "original", _("Original")
        CURRENT = "current", _("Translation up to date")
        STALE = "stale", _("Translation out of date")

    class FileKind(models.TextChoices):
        PDF = "pdf", _("PDF")
        IMAGE = "image", _("Image")
        AUDIO = "audio", _("Audio")
        VIDEO = "video", _("Video")
        SLIDES = "slides", _("Slides")

    work = models.ForeignKey(
        Work, verbose_name=_("work"), on_delete=models.CASCADE, related_name="variants"
    )
    locale = models.CharField(_("language"), max_length=35)
    title = models.CharField(_("title"), max_length=MAX_TITLE)
    summary = models.TextField(_("summary"), max_length=MAX_SUMMARY, blank=True)
    body = models.TextField(_("text (Markdown)"), max_length=MAX_BODY, blank=True)
    file = models.FileField(_("file"), upload_to="library/%Y/%m/", blank=True, max_length=300)
    file_kind = models.CharField(_("file kind"), max_length=8, choices=FileKind.choices, blank=True)
    file_size = models.PositiveBigIntegerField(_("file size in bytes"), default=0)
    external_url = models.URLField(_("external link"), max_length=500, blank=True)
    source = models.ForeignKey(
        "self",
        verbose_name=_("translated from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="translations",
    )
    status = models.CharField(
        _("translation status"), max_length=10, choices=Status.choices, default=Status.ORIGINAL
    )
    source_revision = models.PositiveIntegerField(
        _("source revision translated"), null=True, blank=True
    )
    revision = models.PositiveIntegerField(_("revision"), default=1)

    class Meta:
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        ordering = ["work", "locale"]
        constraints = [
            models.UniqueConstraint(
                fields=["work", "locale"], name="library_one_variant_per_locale"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.locale})"

    def get_absolute_url(self) -> str:
        return reverse("library:work", args=[self.work_id]) + f"?lang={self.locale}"

    @property
    def translation_key(self) -> uuid.UUID:
        return self.work.translation_key

    @property
    def is_stale(self) -> bool:
        return self.status == self.Status.STALE


class Revision(models.Model):
    """A saved state of a variant's text; every change adds one, so changes can be compared."""

    variant = models.ForeignKey(
        Variant, verbose_name=_("variant"), on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=MAX_TITLE)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("text (Markdown)"), blank=True)
    external_url = models.URLField(_("external link"), max_length=500, blank=True)
    file_name = models.CharField(_("file"), max_length=300, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("edit summary"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("saved"), auto_now_add=True)

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["variant", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["variant", "number"], name="library_revision_number")
        ]

    def __str__(self) -> str:
        return f"{self.variant} r{self.number}"


class Review(models.Model):
    """A curator's review: a rubric scored 1–5 with notes, and a decision."""

    class Decision(models.TextChoices):
        PUBLISH = "publish", _("Publish")
        REQUEST_CHANGES = "request_changes", _("Request changes")
        REJECT = "reject", _("Reject")

    RUBRIC = ("accuracy", "clarity", "relevance", "accessibility", "up_to_date", "licensing")

    work = models.ForeignKey(
        Work, verbose_name=_("work"), on_delete=models.CASCADE, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="library_reviews",
    )
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices)
    accuracy = models.PositiveSmallIntegerField(
        _("accuracy"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    clarity = models.PositiveSmallIntegerField(
        _("clarity"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    relevance = models.PositiveSmallIntegerField(
        _("relevance to the movement"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    accessibility = models.PositiveSmallIntegerField(
        _("accessibility"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    up_to_date = models.PositiveSmallIntegerField(
        _("up to date"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    licensing = models.PositiveSmallIntegerField(
        _("licensing"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    notes = models.TextField(_("notes"), max_length=MAX_NOTE, blank=True)
    created_at = models.DateTimeField(_("reviewed"), auto_now_add=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.work_id}: {self.decision}"

    @property
    def score(self) -> float:
        """The rubric's mean mapped to 0..1 (1 → 0, 5 → 1)."""
        values: list[int] = [int(getattr(self, name)) for name in self.RUBRIC]
        return round((sum(values) / len(values) - 1) / 4, 3)


class Flag(models.Model):
    """Someone signed in reports a problem with a work; it waits in the curators' queue."""

    class Reason(models.TextChoices):
        OUTDATED = "outdated", _("Outdated")
        BROKEN_LINK = "broken_link", _("Broken link")
        WRONG = "wrong", _("Wrong or misleading")
        LICENSE = "license", _("License problem")

    work = models.ForeignKey(
        Work, verbose_name=_("work"), on_delete=models.CASCADE, related_name="flags"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("reported"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.work_id}: {self.reason}"


class Rating(TimeStampedModel):
    """One person's answer to "Was this helpful?" about a work, with an optional comment that only
    the work's author and curators read."""

    work = models.ForeignKey(
        Work, verbose_name=_("work"), on_delete=models.CASCADE, related_name="ratings"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    helpful = models.BooleanField(_("helpful"))
    comment = models.TextField(_("comment"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["work", "user"], name="library_one_rating_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.work_id}: {self.helpful}"


class Completion(models.Model):
    """A learner finished a work, in the language of ``locale``. Private to the learner; the public
    sees only the work's ``completion_count``."""

    work = models.ForeignKey(
        Work, verbose_name=_("work"), on_delete=models.CASCADE, related_name="completions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="library_completions",
    )
    locale = models.CharField(_("language"), max_length=35)
    completed_at = models.DateTimeField(_("completed"), auto_now_add=True)

    class Meta:
        verbose_name = _("completion")
        verbose_name_plural = _("completions")
        ordering = ["-completed_at"]
        constraints = [
            models.UniqueConstraint(fields=["work", "user"], name="library_complete_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.work_id}"


class Question(models.Model):
    """A quiz question in one variant (a quiz is a work of format "quiz")."""

    class Kind(models.TextChoices):
        SINGLE = "single", _("One answer")
        MULTIPLE = "multiple", _("Several answers")

    variant = models.ForeignKey(
        Variant, verbose_name=_("variant"), on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.CharField(_("question"), max_length=500)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.SINGLE)
    explanation = models.TextField(_("explanation"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["variant", "position", "id"]

    def __str__(self) -> str:
        return self.text


class Choice(models.Model):
    """One answer to a question."""

    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="choices"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.CharField(_("answer"), max_length=300)
    is_correct = models.BooleanField(_("correct"), default=False)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["question", "position", "id"]

    def __str__(self) -> str:
        return self.text


class QuizAttempt(models.Model):
    """A learner's submitted answers to a quiz variant, with the share answered right."""

    variant = models.ForeignKey(
        Variant, verbose_name=_("variant"), on_delete=models.CASCADE, related_name="attempts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    score = models.FloatField(_("score"))
    passed = models.BooleanField(_("passed"))
    created_at = models.DateTimeField(_("taken"), auto_now_add=True)

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.variant_id} {self.score}"


class PackQuerySet(models.QuerySet["Pack"]):
    def visible_to(self, user: Viewer) -> PackQuerySet:
        """Published packs are public; curators see unpublished ones too."""
        if is_curator(user):
            return self.all()
        return self.filter(is_published=True)


class Pack(TimeStampedModel):
    """A learning pack: an ordered path through works and quizzes for one audience."""

    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    audience = models.CharField(_("audience"), max_length=16, choices=Work.Audience.choices)
    prerequisites = models.ManyToManyField(
        "self",
        verbose_name=_("prerequisites"),
        symmetrical=False,
        blank=True,
        related_name="unlocks",
    )
    is_published = models.BooleanField(_("published"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = PackQuerySet.as_manager()

    class Meta:
        verbose_name = _("learning pack")
        verbose_name_plural = _("learning packs")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.slug

    def get_absolute_url(self) -> str:
        return reverse("library:pack", args=[self.slug])

    def text_for(self, languages: list[str]) -> PackText | None:
        by_locale = {t.locale.lower(): t for t in self.texts.all()}
        for code in [*languages, "en"]:
            if code.lower() in by_locale:
                return by_locale[code.lower()]
        return next(iter(by_locale.values()), None)


class PackText(models.Model):
    """A pack's title and description in one language."""

    pack = models.ForeignKey(
        Pack, verbose_name=_("learning pack"), on_delete=models.CASCADE, related_name="texts"
    )
    locale = models.CharField(_("language"), max_length=35)
    title = models.CharField(_("title"), max_length=MAX_TITLE)
    description = models.TextField(_("description"), max_length=MAX_SUMMARY, blank=True)

    class Meta:
        verbose_name = _("pack text")
        verbose_name_plural = _("pack texts")
        ordering = ["pack", "locale"]
        constraints = [
            models.UniqueConstraint(fields=["pack", "locale"], name="library_one_pack_text")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.locale})"


class PackItem(models.Model):
    """One step of a pack: a work (a quiz is a work too), in order."""

    pack = models.ForeignKey(
        Pack, verbose_name=_("learning pack"), on_delete=models.CASCADE, related_name="items"
    )
    work = models.ForeignKey(
        Work, verbose_name=_("work"), on_delete=models.PROTECT, related_name="pack_items"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("pack item")
        verbose_name_plural = _("pack items")
        ordering = ["pack", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["pack", "work"], name="library_work_once_per_pack")
        ]

    def __str__(self) -> str:
        return f"{self.pack_id}#{self.position}"


class PackProgress(models.Model):
    """A learner's journey through a pack; private to the learner."""

    pack = models.ForeignKey(
        Pack, verbose_name=_("learning pack"), on_delete=models.CASCADE, related_name="progress"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="library_packs",
    )
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        verbose_name = _("pack progress")
        verbose_name_plural = _("pack progress")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(fields=["pack", "user"], name="library_progress_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.pack_id}"
