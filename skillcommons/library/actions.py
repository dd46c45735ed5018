"""Every write of the library: works and variants, curation, learners' signals, quizzes and packs.

Pages, the API, the demo seed and commands call these functions. Each takes keyword-only typed
arguments, checks permissions and input before writing, runs in one transaction, and keeps the
search index in step in that same transaction (published works are indexed; others removed).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from skillcommons.core.actions import record_outcome
from skillcommons.taxonomy.models import Language, Skill

from . import search_sync
from .models import (
    MAX_BODY,
    MAX_NOTE,
    MAX_SUMMARY,
    MAX_TITLE,
    Choice,
    Completion,
    Flag,
    Pack,
    PackItem,
    PackProgress,
    PackText,
    Question,
    QuizAttempt,
    Rating,
    Review,
    Revision,
    Variant,
    Work,
    is_curator,
)
from .quiz import QuestionInput as QuestionInput
from .uploads import check_upload

if TYPE_CHECKING:
    from skillcommons.accounts.models import User
    from skillcommons.core.types import Viewer

#: How long a published work stays trusted before a curator looks at it again.
REVIEW_INTERVAL = datetime.timedelta(days=365)
#: The share of quiz questions answered right that counts as passing.
QUIZ_PASS_MARK = 0.7
PACK_COMPLETED = "library.pack_completed"


# ----------------------------------------------------------------------------- permissions


def can_edit(user: Viewer, work: Work) -> bool:
    """Authors edit their own works; curators edit every work."""
    if user is None or not user.is_authenticated:
        return False
    return is_curator(user) or (work.created_by_id is not None and work.created_by_id == user.pk)


def _require_editor(user: Viewer, work: Work) -> None:
    if not can_edit(user, work):
        raise PermissionDenied(_("Only the author of this work or a curator can change it."))


def _require_curator(user: Viewer) -> None:
    if not is_curator(user):
        raise PermissionDenied(_("Only library curators can do this."))


def _require_signed_in(user: Viewer) -> User:
    if user is None or not user.is_authenticated:
        raise PermissionDenied(_("Please sign in first."))
    return user


# ---------------------------------------------------------------------------------- input


def _text(value: str, *, name: str, limit: int, required: bool = False) -> str:
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise ValidationError({name: _("This field is required.")})
    if len(cleaned) > limit:
        raise ValidationError(
            {
                name: _("This text is too long: %(length)d characters, at most %(limit)d.")
                % {"length": len(cleaned), "limit": limit}
            }
        )
    return cleaned


def _link(value: str) -> str:
    cleaned = (value or "").strip()
    if not cleaned:
        return ""
    parts = urlsplit(cleaned)
    if parts.scheme not in {"http", "https"} or not parts.netloc or len(cleaned) > 500:
        raise ValidationError(
            {"external_url": _("Enter a web address that starts with https:// or http://.")}
        )
    return cleaned


def language_code(value: str) -> str:
    """The taxonomy's spelling of the language ``value`` ("pt-br" → "pt-BR"), or a
    ``ValidationError`` if it is not a known, active language."""
    found = (
        Language.objects.filter(
            code__iexact=(value or "").strip().replace("_", "-"), is_active=True
        )
        .values_list("code", flat=True)
        .first()
    )
    if found is None:
        raise ValidationError({"locale": _("Choose a language from the list.")})
    return found


def _choice(
    value: str,
    choices: type[Work.Level] | type[Work.Audience] | type[Work.Format] | type[Work.License],
    *,
    name: str,
) -> str:
    if value not in choices.values:
        raise ValidationError({name: _("Choose one of the options.")})
    return value


@dataclass(frozen=True)
class WorkFields:
    """The language-neutral facts about a work."""

    level: str
    audience: str
    format: str
    license: str
    estimated_minutes: int
    skills: Sequence[Skill] = ()

    def validated(self) -> WorkFields:
        _choice(self.level, Work.Level, name="level")
        _choice(self.audience, Work.Audience, name="audience")
        _choice(self.format, Work.Format, name="format")
        _choice(self.license, Work.License, name="license")
        if not 1 <= self.estimated_minutes <= 6000:
            raise ValidationError(
                {"estimated_minutes": _("Enter a time between 1 and 6000 minutes.")}
            )
        return self


@dataclass(frozen=True)
class VariantText:
    """What a person writes for one language of a work."""

    title: str
    summary: str = ""
    body: str = ""
    external_url: str = ""

    def validated(self) -> VariantText:
        return VariantText(
            title=_text(self.title, name="title", limit=MAX_TITLE, required=True),
            summary=_text(self.summary, name="summary", limit=MAX_SUMMARY),
            body=_text(self.body, name="body", limit=MAX_BODY),
            external_url=_link(self.external_url),
        )


@dataclass(frozen=True)
class Upload:
    """An uploaded file: its content, name and size in bytes."""

    content: IO[bytes]
    name: str
    size: int


# ------------------------------------------------------------------------ works, variants


def _sync(work: Work) -> None:
    # Inside the action's transaction (the search service's writes take part in it): the work and
    # its index entries commit or roll back together.
    if work.published_at is None and not work.is_published:
        return  # never published, so nothing of it is in the index
    search_sync.sync_work(work.pk)


@transaction.atomic
def create_work(
    *,
    actor: User,
    fields: WorkFields,
    locale: str,
    text: VariantText,
    upload: Upload | None = None,
) -> Work:
    """A new draft work with its first (original) variant."""
    _require_signed_in(actor)
    fields = fields.validated()
    code = language_code(locale)
    text = text.validated()
    work = Work.objects.create(
        level=fields.level,
        audience=fields.audience,
        format=fields.format,
        license=fields.license,
        estimated_minutes=fields.estimated_minutes,
        original_locale=code,
        created_by=actor,
    )
    work.skills.set(fields.skills)
    save_variant(actor=actor, work=work, locale=code, text=text, upload=upload)
    return work


@transaction.atomic
def update_work(*, actor: User, work: Work, fields: WorkFields) -> Work:
    """Change the language-neutral facts of a work."""
    _require_editor(actor, work)
    fields = fields.validated()
    work.level = fields.level
    work.audience = fields.audience
    work.format = fields.format
    work.license = fields.license
    work.estimated_minutes = fields.estimated_minutes
    work.save()
    work.skills.set(fields.skills)
    _sync(work)
    return work


def _store_file(variant: Variant, upload: Upload, work_format: str) -> None:
    kind, extension = check_upload(upload.content, size=upload.size, work_format=work_format)
    variant.file.save(
        f"work-{variant.work_id}-{variant.locale}.{extension}", File(upload.content), save=False
    )
    variant.file_kind = kind
    variant.file_size = upload.size


@transaction.atomic
def save_variant(
    *,
    actor: User,
    work: Work,
    locale: str,
    text: VariantText,
    upload: Upload | None = None,
    remove_file: bool = False,
    source_locale: str = "",
    matches_source: bool = False,
    note: str = "",
) -> Variant:
    """Create or change the variant of ``work`` in ``locale``.

    A change to the text adds a revision; translations made from this variant become stale. A
    translation names its source variant; ``matches_source`` says it now matches the source's
    latest revision.
    """
    _require_editor(actor, work)
    code = language_code(locale)
    text = text.validated()
    note = _text(note, name="note", limit=300)
    variant = Variant.objects.select_for_update().filter(work=work, locale=code).first()
    created = variant is None
    if variant is None:
        variant = Variant(work=work, locale=code, revision=0)
    source: Variant | None = None
    if source_locale:
        source = work.variants.filter(locale=language_code(source_locale)).first()
        if source is None or source.locale == code:
            raise ValidationError(
                {"source_locale": _("Choose another language of this work as the source.")}
            )
    elif not created:
        source = variant.source
    before = (variant.title, variant.summary, variant.body, variant.external_url, variant.file.name)
    if remove_file and variant.file:
        variant.file.delete(save=False)
        variant.file_kind = ""
        variant.file_size = 0
    if upload is not None:
        _store_file(variant, upload, work.format)
    variant.title, variant.summary, variant.body = text.title, text.summary, text.body
    variant.external_url = text.external_url
    if created and not source and code == work.original_locale:
        variant.status = Variant.Status.ORIGINAL
    changed = before != (
        variant.title,
        variant.summary,
        variant.body,
        variant.external_url,
        variant.file.name,
    )
    if source is not None:
        variant.source = source
        if matches_source or created:
            variant.source_revision = source.revision
            variant.status = Variant.Status.CURRENT
    if changed or created:
        variant.revision += 1
    variant.save()
    if changed or created:
        Revision.objects.create(
            variant=variant,
            number=variant.revision,
            title=variant.title,
            summary=variant.summary,
            body=variant.body,
            external_url=variant.external_url,
            file_name=variant.file.name or "",
            author=actor,
            note=note,
        )
        if not created:
            variant.translations.filter(status=Variant.Status.CURRENT).update(
                status=Variant.Status.STALE
            )
    _sync(work)
    return variant


@transaction.atomic
def delete_variant(*, actor: User, variant: Variant) -> None:
    """Remove a translation (the original language stays: delete the work's draft instead)."""
    _require_editor(actor, variant.work)
    if variant.locale == variant.work.original_locale:
        raise ValidationError(_("The original language of a work cannot be removed."))
    work = variant.work
    variant.delete()
    _sync(work)


# -------------------------------------------------------------------------------- curation

TRANSITIONS: dict[str, set[str]] = {
    Work.State.DRAFT: {Work.State.SUBMITTED},
    Work.State.CHANGES_REQUESTED: {Work.State.SUBMITTED},
    Work.State.SUBMITTED: {Work.State.IN_REVIEW},
    Work.State.IN_REVIEW: {
        Work.State.PUBLISHED,
        Work.State.CHANGES_REQUESTED,
        Work.State.REJECTED,
    },
    # A published work is reviewed again (by its re-review date or after a flag).
    Work.State.PUBLISHED: {
        Work.State.PUBLISHED,
        Work.State.CHANGES_REQUESTED,
        Work.State.REJECTED,
    },
    Work.State.REJECTED: set(),
}


def _lock(work: Work) -> None:
    """Lock the work's row and reload the caller's object, so concurrent reviews queue up and
    the caller sees the result."""
    Work.objects.select_for_update().only("pk").get(pk=work.pk)
    work.refresh_from_db()


def _move(work: Work, target: str) -> None:
    if target not in TRANSITIONS[work.state]:
        raise ValidationError(
            _("A work that is “%(state)s” cannot become “%(target)s”.")
            % {"state": work.get_state_display(), "target": Work.State(target).label}
        )
    work.state = target


@transaction.atomic
def submit_work(*, actor: User, work: Work) -> Work:
    """The author asks curators to review the work."""
    _require_editor(actor, work)
    _lock(work)
    _move(work, Work.State.SUBMITTED)
    work.save(update_fields=["state", "updated_at"])
    return work


@transaction.atomic
def start_review(*, actor: User, work: Work) -> Work:
    """A curator takes a submitted work into review."""
    _require_curator(actor)
    _lock(work)
    _move(work, Work.State.IN_REVIEW)
    work.save(update_fields=["state", "updated_at"])
    return work


@transaction.atomic
def review_work(
    *,
    actor: User,
    work: Work,
    decision: str,
    scores: Mapping[str, int],
    notes: str = "",
) -> Review:
    """A curator scores the rubric and decides: publish, request changes or reject.

    Publishing sets the quality score from the rubric and a re-review date a year ahead. Curators
    do not review their own works.
    """
    _require_curator(actor)
    _lock(work)
    if work.created_by_id == actor.pk and not actor.is_superuser:
        raise PermissionDenied(_("Another curator must review a work you created."))
    if decision not in Review.Decision.values:
        raise ValidationError({"decision": _("Choose one of the options.")})
    errors = {}
    values: dict[str, int] = {}
    for name in Review.RUBRIC:
        value = scores.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
            errors[name] = _("Give a score from 1 to 5.")
        else:
            values[name] = value
    if errors:
        raise ValidationError(errors)
    notes = _text(notes, name="notes", limit=MAX_NOTE)
    if decision != Review.Decision.PUBLISH and not notes:
        raise ValidationError({"notes": _("Tell the author what to change or why.")})
    target = {
        Review.Decision.PUBLISH: Work.State.PUBLISHED,
        Review.Decision.REQUEST_CHANGES: Work.State.CHANGES_REQUESTED,
        Review.Decision.REJECT: Work.State.REJECTED,
    }[Review.Decision(decision)]
    if work.state == Work.State.SUBMITTED:
        work.state = Work.State.IN_REVIEW
    _move(work, target)
    review = Review.objects.create(
        work=work, reviewer=actor, decision=decision, notes=notes, **values
    )
    now = timezone.now()
    if target == Work.State.PUBLISHED:
        work.quality_score = review.score
        work.review_due = (now + REVIEW_INTERVAL).date()
        work.published_at = work.published_at or now
    else:
        work.review_due = None
    work.save()
    _sync(work)
    return review


@transaction.atomic
def flag_work(*, actor: User, work: Work, reason: str, note: str = "") -> Flag:
    """Anyone signed in reports a problem with a work they can see."""
    _require_signed_in(actor)
    if not Work.objects.visible_to(actor).filter(pk=work.pk).exists():
        raise PermissionDenied(_("You cannot flag this work."))
    if reason not in Flag.Reason.values:
        raise ValidationError({"reason": _("Choose one of the options.")})
    note = _text(note, name="note", limit=2000)
    return Flag.objects.create(work=work, reporter=actor, reason=reason, note=note)


@transaction.atomic
def resolve_flag(*, actor: User, flag: Flag) -> Flag:
    """A curator marks a flag as dealt with."""
    _require_curator(actor)
    if flag.resolved_at is None:
        flag.resolved_at = timezone.now()
        flag.resolved_by = actor
        flag.save(update_fields=["resolved_at", "resolved_by"])
    return flag


# ------------------------------------------------------------------------ learners' signals


@transaction.atomic
def rate_work(*, actor: User, work: Work, helpful: bool, comment: str = "") -> Rating:
    """Answer "Was this helpful?"; answering again replaces the earlier answer."""
    _require_signed_in(actor)
    if not work.is_published:
        raise ValidationError(_("Only published works can be rated."))
    comment = _text(comment, name="comment", limit=2000)
    rating, _created = Rating.objects.update_or_create(
        work=work, user=actor, defaults={"helpful": helpful, "comment": comment}
    )
    return rating


def record_view(*, work: Work) -> None:
    """Count one view of a published work (no record of who viewed it)."""
    if work.is_published:
        Work.objects.filter(pk=work.pk).update(view_count=F("view_count") + 1)


@transaction.atomic
def complete_work(*, actor: User, work: Work, locale: str) -> Completion:
    """The learner finished ``work`` (in ``locale``); packs they follow may now be complete."""
    _require_signed_in(actor)
    if not work.is_published:
        raise ValidationError(_("Only published works can be completed."))
    code = language_code(locale)
    completion = Completion.objects.filter(work=work, user=actor).first()
    if completion is None:
        try:
            with transaction.atomic():
                completion = Completion.objects.create(work=work, user=actor, locale=code)
        except IntegrityError:
            completion = Completion.objects.get(work=work, user=actor)
        else:
            Work.objects.filter(pk=work.pk).update(completion_count=F("completion_count") + 1)
    for progress in PackProgress.objects.filter(
        user=actor, completed_at__isnull=True, pack__items__work=work
    ).select_related("pack"):
        _maybe_complete_pack(progress)
    return completion


# ---------------------------------------------------------------------------------- quizzes


@transaction.atomic
def set_questions(*, actor: User, variant: Variant, questions: Sequence[QuestionInput]) -> None:
    """Replace the questions of a quiz variant."""
    _require_editor(actor, variant.work)
    if variant.work.format != Work.Format.QUIZ:
        raise ValidationError(_("Only a work of format “quiz” has questions."))
    if not questions:
        raise ValidationError(_("A quiz needs at least one question."))
    for number, question in enumerate(questions, start=1):
        correct = sum(1 for _text_, ok in question.choices if ok)
        if len(question.choices) < 2 or correct == 0:
            raise ValidationError(
                _("Question %(number)d needs at least two answers and one right answer.")
                % {"number": number}
            )
        if question.kind == Question.Kind.SINGLE and correct != 1:
            raise ValidationError(
                _("Question %(number)d takes one answer, so exactly one must be right.")
                % {"number": number}
            )
        if question.kind not in Question.Kind.values:
            raise ValidationError(_("Choose one of the options."))
    variant.questions.all().delete()
    for position, question in enumerate(questions):
        stored = Question.objects.create(
            variant=variant,
            position=position,
            text=_text(question.text, name="text", limit=500, required=True),
            kind=question.kind,
            explanation=_text(question.explanation, name="explanation", limit=2000),
        )
        Choice.objects.bulk_create(
            Choice(
                question=stored,
                position=index,
                text=_text(choice, name="choices", limit=300, required=True),
                is_correct=ok,
            )
            for index, (choice, ok) in enumerate(question.choices)
        )


@dataclass
class QuestionResult:
    question: Question
    chosen: set[int]
    correct: set[int]

    @property
    def is_right(self) -> bool:
        return self.chosen == self.correct


@dataclass
class QuizResult:
    attempt: QuizAttempt
    results: list[QuestionResult] = field(default_factory=list)


@transaction.atomic
def take_quiz(*, actor: User, variant: Variant, answers: Mapping[int, Iterable[int]]) -> QuizResult:
    """Mark the answers (question id → chosen answer ids); passing completes the quiz work."""
    _require_signed_in(actor)
    if not variant.work.is_published:
        raise ValidationError(_("Only published quizzes can be taken."))
    questions = list(variant.questions.prefetch_related("choices"))
    if not questions:
        raise ValidationError(_("This quiz has no questions in this language."))
    results = []
    for question in questions:
        valid = {c.pk for c in question.choices.all()}
        chosen = {int(a) for a in answers.get(question.pk, ())} & valid
        if question.kind == Question.Kind.SINGLE and len(chosen) > 1:
            raise ValidationError(_("Choose only one answer to a one-answer question."))
        correct = {c.pk for c in question.choices.all() if c.is_correct}
        results.append(QuestionResult(question=question, chosen=chosen, correct=correct))
    score = sum(1 for r in results if r.is_right) / len(results)
    attempt = QuizAttempt.objects.create(
        variant=variant, user=actor, score=round(score, 3), passed=score >= QUIZ_PASS_MARK
    )
    if attempt.passed:
        complete_work(actor=actor, work=variant.work, locale=variant.locale)
    return QuizResult(attempt=attempt, results=results)


# ------------------------------------------------------------------------------------ packs


@dataclass(frozen=True)
class PackInput:
    slug: str
    audience: str
    texts: Mapping[str, tuple[str, str]]  # locale → (title, description)
    works: Sequence[Work]
    prerequisites: Sequence[Pack] = ()
    is_published: bool = True


@transaction.atomic
def save_pack(*, actor: User | None, data: PackInput) -> Pack:
    """Create or replace a pack (curators; ``actor=None`` is the system, e.g. the demo seed)."""
    if actor is not None:
        _require_curator(actor)
    _choice(data.audience, Work.Audience, name="audience")
    if not data.texts:
        raise ValidationError({"texts": _("Give the pack a title in at least one language.")})
    if not data.works:
        raise ValidationError({"works": _("A pack needs at least one work.")})
    if not data.slug or len(data.slug) > 80:
        raise ValidationError({"slug": _("Give the pack a short name of at most 80 characters.")})
    texts: dict[str, tuple[str, str]] = {}
    for locale, (title, description) in data.texts.items():
        code = language_code(locale)
        if code in texts:
            raise ValidationError({"texts": _("Give each language only once.")})
        texts[code] = (
            _text(title, name="title", limit=MAX_TITLE, required=True),
            _text(description, name="description", limit=MAX_SUMMARY),
        )
    pack, created = Pack.objects.update_or_create(
        slug=data.slug,
        defaults={"audience": data.audience, "is_published": data.is_published},
    )
    if created:
        pack.created_by = actor
        pack.save(update_fields=["created_by"])
    if any(p.pk == pack.pk for p in data.prerequisites):
        raise ValidationError({"prerequisites": _("A pack cannot require itself.")})
    pack.prerequisites.set(data.prerequisites)
    pack.texts.all().delete()
    PackText.objects.bulk_create(
        PackText(pack=pack, locale=code, title=title, description=description)
        for code, (title, description) in texts.items()
    )
    pack.items.all().delete()
    PackItem.objects.bulk_create(
        PackItem(pack=pack, work=work, position=index) for index, work in enumerate(data.works)
    )
    return pack


@transaction.atomic
def start_pack(*, actor: User, pack: Pack) -> PackProgress:
    """The learner starts (or continues) a pack; works already done count."""
    _require_signed_in(actor)
    if not pack.is_published:
        raise ValidationError(_("This pack is not published."))
    progress, _created = PackProgress.objects.get_or_create(pack=pack, user=actor)
    _maybe_complete_pack(progress)
    return progress


def pack_items_done(pack: Pack, user: Viewer) -> set[int]:
    """Ids of the pack's works that ``user`` has completed."""
    if user is None or not user.is_authenticated:
        return set()
    return set(
        Completion.objects.filter(user=user, work__pack_items__pack=pack).values_list(
            "work_id", flat=True
        )
    )


def _maybe_complete_pack(progress: PackProgress) -> None:
    if progress.completed_at is not None:
        return
    pack = progress.pack
    needed = set(
        pack.items.filter(work__state=Work.State.PUBLISHED).values_list("work_id", flat=True)
    )
    if needed and needed <= pack_items_done(pack, progress.user):
        progress.completed_at = timezone.now()
        progress.save(update_fields=["completed_at"])
        record_outcome(
            person=progress.user,
            kind=PACK_COMPLETED,
            subject=pack,
            occurred_at=progress.completed_at,
            evidence_url=pack.get_absolute_url(),
        )
