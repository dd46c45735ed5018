"""Writes about questionnaires, waves and responses.

Pages, the API, the demo data and the tests call these functions. Each validates everything before
it writes and runs in one transaction: a request with any invalid part changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from skillcommons.accounts import actions as account_actions
from skillcommons.accounts.models import PersonSkill, Profile, User
from skillcommons.notifications.actions import notify
from skillcommons.organizations import actions as organization_actions
from skillcommons.organizations.models import Membership, Organization, OrganizationSkill
from skillcommons.taxonomy.models import Skill

from . import skiplogic, xlsform
from .models import (
    MAX_LEVEL,
    MAX_ROBUSTNESS,
    Answer,
    Choice,
    Instrument,
    InstrumentVersion,
    Invitation,
    Question,
    Response,
    SkillRating,
    Wave,
    can_manage_instruments,
)

MAX_TEXT_ANSWER = 2000
MAX_CHOICES = 100
MAX_MATRIX_SKILLS = 120
MAX_LOCALES = 30
PSEUDONYM_SALT = "skillcommons.needs.pseudonym"
#: A skill the organization rates at this proficiency or more is an asset ("has").
ASSET_LEVEL = 3
#: A skill whose importance exceeds proficiency by this much is a need ("needs").
NEED_GAP = 2
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,63}$")
_LOCALE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def _raise_if(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _require_coordinator(user: User) -> None:
    if not can_manage_instruments(user):
        raise PermissionDenied(_("Only coordinators may build questionnaires and run waves."))


# --- instruments ---------------------------------------------------------------------------------


@dataclass
class ChoiceInput:
    value: str
    label: dict[str, str]


@dataclass
class QuestionInput:
    """A question to add to a draft version (from the builder page, the API or an import)."""

    name: str
    kind: str
    label: dict[str, str]
    hint: dict[str, str] = field(default_factory=dict)
    required: bool = False
    relevance: str = ""
    list_name: str = ""
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    choices: list[ChoiceInput] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)
    #: Where it came from, for messages ("row 7"); empty from the builder.
    where: str = ""


def _check_texts(texts: Mapping[str, str], *, what: str, limit: int, required: bool) -> list[str]:
    problems: list[str] = []
    if not isinstance(texts, Mapping):
        return [_("%(what)s must be a text per language.") % {"what": what}]
    if required and not any(str(v).strip() for v in texts.values()):
        problems.append(_("%(what)s is required in at least one language.") % {"what": what})
    if len(texts) > MAX_LOCALES:
        problems.append(
            _("%(what)s has more than %(limit)d languages.") % {"what": what, "limit": MAX_LOCALES}
        )
    for locale, text in texts.items():
        if not isinstance(locale, str) or not _LOCALE.match(locale):
            problems.append(
                _("“%(locale)s” is not a language code such as en or pt-BR.")
                % {"locale": str(locale)[:20]}
            )
        elif not isinstance(text, str) or len(text) > limit:
            problems.append(
                _("%(what)s in %(locale)s must be a text of at most %(limit)d characters.")
                % {"what": what, "locale": locale, "limit": limit}
            )
    return problems


def _validate_question(
    item: QuestionInput, earlier: list[str], skills_by_code: Mapping[str, Skill]
) -> list[str]:
    """Problems with one question (empty when valid)."""
    problems: list[str] = []
    if not _NAME.match(item.name or ""):
        problems.append(
            _("The name must start with a letter and have at most 64 letters, digits, - or _.")
        )
    elif item.name in earlier:
        problems.append(
            _("Another question already has the name “%(name)s”.") % {"name": item.name}
        )
    if item.kind not in Question.Kind.values:
        problems.append(_("“%(kind)s” is not a question type.") % {"kind": str(item.kind)[:40]})
    problems += _check_texts(item.label, what=_("The label"), limit=2000, required=True)
    problems += _check_texts(item.hint, what=_("The hint"), limit=2000, required=False)
    try:
        skiplogic.check(item.relevance or "", known=earlier)
    except skiplogic.SkipLogicError as error:
        problems.append(_("The relevance is not supported: %(error)s") % {"error": str(error)})
    if item.kind in Question.CHOICE_KINDS:
        if not item.choices:
            problems.append(_("A choice question needs at least one choice."))
        if len(item.choices) > MAX_CHOICES:
            problems.append(_("At most %(limit)d choices.") % {"limit": MAX_CHOICES})
        values = [c.value for c in item.choices]
        for choice in item.choices:
            if not choice.value or len(choice.value) > 64 or " " in choice.value:
                problems.append(
                    _("The choice value “%(value)s” must be 1 to 64 characters without spaces.")
                    % {"value": choice.value[:80]}
                )
            problems += _check_texts(
                choice.label, what=_("A choice label"), limit=500, required=False
            )
        if len(set(values)) != len(values):
            problems.append(_("Two choices have the same value."))
    if (
        item.kind == Question.Kind.NUMBER
        and item.min_value is not None
        and item.max_value is not None
        and item.min_value > item.max_value
    ):
        problems.append(_("The smallest allowed value is above the largest."))
    if item.kind == Question.Kind.SKILL_MATRIX:
        if not item.skills:
            problems.append(_("A skill matrix needs at least one skill."))
        if len(item.skills) > MAX_MATRIX_SKILLS:
            problems.append(_("At most %(limit)d skills.") % {"limit": MAX_MATRIX_SKILLS})
        for code in item.skills:
            if code not in skills_by_code:
                problems.append(_("“%(code)s” is not a skill we know.") % {"code": code[:80]})
    return problems


def _store_questions(
    version: InstrumentVersion, items: Sequence[QuestionInput], *, start: int = 0
) -> None:
    earlier = list(version.questions.values_list("name", flat=True))
    codes = {code for item in items for code in item.skills}
    skills_by_code = {s.code: s for s in Skill.objects.filter(code__in=codes, is_active=True)}
    errors: dict[str, list[str]] = {}
    for item in items:
        problems = _validate_question(item, earlier, skills_by_code)
        if problems:
            key = item.where or item.name or "question"
            errors.setdefault(key, []).extend(problems)
        earlier.append(item.name)
    _raise_if(errors)
    for position, item in enumerate(items, start=start):
        question = Question.objects.create(
            version=version,
            position=position,
            name=item.name,
            kind=item.kind,
            label={k: v.strip() for k, v in item.label.items() if v.strip()},
            hint={k: v.strip() for k, v in item.hint.items() if v.strip()},
            required=item.required,
            relevance=item.relevance.strip(),
            list_name=item.list_name or (item.name if item.kind in Question.CHOICE_KINDS else ""),
            min_value=item.min_value,
            max_value=item.max_value,
        )
        Choice.objects.bulk_create(
            Choice(question=question, position=i, value=c.value, label=c.label)
            for i, c in enumerate(item.choices)
        )
        if item.skills:
            question.skills.set([skills_by_code[code] for code in item.skills])


def _clean_slug(slug: str) -> str:
    slug = (slug or "").strip().lower()
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,79}", slug):
        raise ValidationError({"slug": [_("Use 1 to 80 lower-case letters, digits and hyphens.")]})
    return slug


def _clean_locales(locales: Sequence[str]) -> list[str]:
    cleaned: list[str] = []
    for locale in locales:
        if not isinstance(locale, str) or not _LOCALE.match(locale):
            raise ValidationError(
                {
                    "locales": [
                        _("“%(locale)s” is not a language code.") % {"locale": str(locale)[:20]}
                    ]
                }
            )
        if locale not in cleaned:
            cleaned.append(locale)
    if not cleaned:
        raise ValidationError({"locales": [_("Give at least one language.")]})
    if len(cleaned) > MAX_LOCALES:
        raise ValidationError(
            {"locales": [_("At most %(limit)d languages.") % {"limit": MAX_LOCALES}]}
        )
    return cleaned


@transaction.atomic
def create_instrument(
    *, by: User, slug: str, title: Mapping[str, str], locales: Sequence[str]
) -> InstrumentVersion:
    """A new questionnaire with an empty draft version 1."""
    _require_coordinator(by)
    slug = _clean_slug(slug)
    locales = _clean_locales(locales)
    problems = _check_texts(title, what=_("The title"), limit=200, required=True)
    if problems:
        raise ValidationError({"title": problems})
    if Instrument.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": [_("A questionnaire with this short name exists.")]})
    instrument = Instrument.objects.create(slug=slug, created_by=by)
    return InstrumentVersion.objects.create(
        instrument=instrument, number=1, title=dict(title), locales=locales
    )


def _require_draft(version: InstrumentVersion) -> None:
    if version.is_published:
        raise ValidationError(
            _("Version %(number)d is published and cannot change; make a new version to edit it.")
            % {"number": version.number}
        )


@transaction.atomic
def add_questions(
    *, by: User, version: InstrumentVersion, questions: Sequence[QuestionInput]
) -> InstrumentVersion:
    """Append questions to a draft version."""
    _require_coordinator(by)
    version = InstrumentVersion.objects.select_for_update().get(pk=version.pk)
    _require_draft(version)
    start = (
        version.questions.order_by("-position").values_list("position", flat=True).first() or 0
    ) + 1
    _store_questions(version, questions, start=start)
    return version


@transaction.atomic
def remove_question(*, by: User, question: Question) -> None:
    """Remove a question from a draft version, unless a later question's relevance uses it."""
    _require_coordinator(by)
    version = InstrumentVersion.objects.select_for_update().get(pk=question.version_id)
    _require_draft(version)
    for other in version.questions.exclude(pk=question.pk):
        if question.name in skiplogic.references(skiplogic.parse(other.relevance)):
            raise ValidationError(
                _("“%(other)s” is asked depending on this question; change it first.")
                % {"other": other.name}
            )
    question.delete()


@transaction.atomic
def publish_version(*, by: User, version: InstrumentVersion) -> InstrumentVersion:
    """Freeze a draft version so waves can use it."""
    _require_coordinator(by)
    version = InstrumentVersion.objects.select_for_update().get(pk=version.pk)
    _require_draft(version)
    if not version.questions.exists():
        raise ValidationError(_("Add at least one question before publishing."))
    version.status = InstrumentVersion.Status.PUBLISHED
    version.published_at = timezone.now()
    version.save(update_fields=["status", "published_at", "updated_at"])
    return version


def _inputs_from_version(version: InstrumentVersion) -> list[QuestionInput]:
    return [
        QuestionInput(
            name=q.name,
            kind=q.kind,
            label=dict(q.label),
            hint=dict(q.hint),
            required=q.required,
            relevance=q.relevance,
            list_name=q.list_name,
            min_value=q.min_value,
            max_value=q.max_value,
            choices=[ChoiceInput(value=c.value, label=dict(c.label)) for c in q.choices.all()],
            skills=[s.code for s in q.skills.order_by("position", "code")],
        )
        for q in version.questions.prefetch_related("choices", "skills")
    ]


@transaction.atomic
def new_version(*, by: User, instrument: Instrument) -> InstrumentVersion:
    """A new draft copying the latest version; if the latest is already a draft, that draft."""
    _require_coordinator(by)
    instrument = Instrument.objects.select_for_update().get(pk=instrument.pk)
    latest = instrument.latest_version()
    if latest is not None and not latest.is_published:
        return latest
    version = InstrumentVersion.objects.create(
        instrument=instrument,
        number=(latest.number + 1) if latest else 1,
        title=dict(latest.title) if latest else {},
        locales=list(latest.locales) if latest else ["en"],
    )
    if latest is not None:
        _store_questions(version, _inputs_from_version(latest))
    return version


@transaction.atomic
def import_xlsform(
    *, by: User, content: bytes, file_name: str, slug: str = ""
) -> InstrumentVersion:
    """Import an XLSForm as a draft: a new questionnaire, or (if the short name exists) a new
    version of it. Refuses the whole file on the first unsupported row."""
    _require_coordinator(by)
    try:
        definition = xlsform.parse(content, file_name)
    except xlsform.XLSFormError as error:
        raise ValidationError({"file": [str(error)]}) from None
    slug = _clean_slug(slug or definition.slug)
    instrument, _created = Instrument.objects.select_for_update().get_or_create(
        slug=slug, defaults={"created_by": by}
    )
    latest = instrument.latest_version()
    if latest is not None and not latest.is_published:
        latest.delete()  # an unpublished draft is replaced by the import
        latest = instrument.latest_version()
    try:
        locales = _clean_locales(definition.locales)
    except ValidationError:
        raise ValidationError(
            {"file": [_("The form's languages must be written with codes, such as English (en).")]}
        ) from None
    version = InstrumentVersion.objects.create(
        instrument=instrument,
        number=(latest.number + 1) if latest else 1,
        title=definition.title,
        locales=locales,
    )
    items = [
        QuestionInput(
            name=q.name,
            kind=q.kind,
            label=q.label or {locales[0]: q.name},
            hint=q.hint,
            required=q.required,
            relevance=q.relevance,
            list_name=q.list_name,
            min_value=q.min_value,
            max_value=q.max_value,
            choices=[ChoiceInput(value=c.value, label=c.label) for c in q.choices],
            skills=q.skills,
            where=_("Row %(row)d (%(name)s)") % {"row": q.row, "name": q.name},
        )
        for q in definition.questions
    ]
    try:
        _store_questions(version, items)
    except ValidationError as error:
        messages = [
            f"{where}: {message}"
            for where, problems in error.message_dict.items()
            for message in problems
        ]
        raise ValidationError({"file": messages}) from None
    return version


def definition_for(version: InstrumentVersion) -> xlsform.FormDefinition:
    """The XLSForm definition of a version, for export."""
    questions: list[xlsform.QuestionSpec] = []
    for q in version.questions.prefetch_related("choices", "skills__translations"):
        skills = list(q.skills.all())
        skills.sort(key=lambda s: (s.position, s.code))
        questions.append(
            xlsform.QuestionSpec(
                name=q.name,
                kind=q.kind,
                label=dict(q.label),
                hint=dict(q.hint),
                required=q.required,
                relevance=q.relevance,
                list_name=q.list_name,
                min_value=q.min_value,
                max_value=q.max_value,
                choices=[
                    xlsform.ChoiceSpec(value=c.value, label=dict(c.label)) for c in q.choices.all()
                ],
                skills=[s.code for s in skills],
                skill_labels={
                    s.code: {t.locale: t.label for t in s.translations.all()} for s in skills
                },
            )
        )
    return xlsform.FormDefinition(
        slug=version.instrument.slug,
        title=dict(version.title),
        locales=list(version.locales),
        questions=questions,
    )


def export_xlsform(*, version: InstrumentVersion) -> bytes:
    return xlsform.to_xlsx(definition_for(version))


# --- waves ---------------------------------------------------------------------------------------


@transaction.atomic
def create_wave(
    *,
    by: User,
    slug: str,
    title: str,
    version: InstrumentVersion,
    opens_at: datetime,
    closes_at: datetime,
    consent_text: str,
    audience: str = Wave.Audience.BOTH,
    description: str = "",
    organization_kinds: Sequence[str] = (),
) -> Wave:
    """Run a published version between two dates."""
    _require_coordinator(by)
    errors: dict[str, list[str]] = {}
    try:
        slug = _clean_slug(slug)
    except ValidationError as error:
        errors.update(error.message_dict)
    if Wave.objects.filter(slug=slug).exists():
        errors.setdefault("slug", []).append(_("A wave with this short name exists."))
    title = (title or "").strip()
    if not title or len(title) > 200:
        errors.setdefault("title", []).append(_("Give a title of at most 200 characters."))
    if not version.is_published:
        errors.setdefault("version", []).append(_("Publish the questionnaire version first."))
    if closes_at <= opens_at:
        errors.setdefault("closes_at", []).append(_("A wave must close after it opens."))
    consent_text = (consent_text or "").strip()
    if not consent_text or len(consent_text) > 5000:
        errors.setdefault("consent_text", []).append(
            _("Write the consent text respondents agree to (at most 5,000 characters).")
        )
    if len(description) > 5000:
        errors.setdefault("description", []).append(_("At most 5,000 characters."))
    if audience not in Wave.Audience.values:
        errors.setdefault("audience", []).append(_("Choose who answers."))
    kinds = list(dict.fromkeys(organization_kinds))
    if any(kind not in Organization.Kind.values for kind in kinds):
        errors.setdefault("organization_kinds", []).append(_("Choose known kinds of organization."))
    _raise_if(errors)
    return Wave.objects.create(
        slug=slug,
        title=title,
        description=description.strip(),
        version=version,
        audience=audience,
        organization_kinds=kinds,
        opens_at=opens_at,
        closes_at=closes_at,
        consent_text=consent_text,
        created_by=by,
    )


INVITE_AUDIENCES = ("organizations", "members", "everyone")
MAX_INVITATIONS = 5000


@transaction.atomic
def invite(*, by: User, wave: Wave, audience: str, organization_kinds: Sequence[str] = ()) -> int:
    """Invite to an open or coming wave: every organization of the chosen kinds (its organizers
    are notified), the members of those organizations, or everyone. People and organizations
    already invited are skipped. Returns how many invitations were added."""
    _require_coordinator(by)
    if audience not in INVITE_AUDIENCES:
        raise ValidationError({"audience": [_("Choose whom to invite.")]})
    kinds = list(dict.fromkeys(organization_kinds))
    if any(kind not in Organization.Kind.values for kind in kinds):
        raise ValidationError({"organization_kinds": [_("Choose known kinds of organization.")]})
    if wave.closes_at <= timezone.now():
        raise ValidationError(_("This wave is closed; nobody can be invited to it."))
    organizations = Organization.objects.filter(is_active=True)
    if kinds:
        organizations = organizations.filter(kind__in=kinds)
    elif wave.organization_kinds:
        organizations = organizations.filter(kind__in=wave.organization_kinds)
    closes = wave.closes_at.date().isoformat()
    url = wave.get_absolute_url()
    if audience == "organizations":
        if not wave.for_organizations:
            raise ValidationError(_("This wave is answered by individuals only."))
        targets = list(organizations.exclude(needs_invitations__wave=wave).order_by("pk"))
        if len(targets) > MAX_INVITATIONS:
            raise ValidationError(
                _("That is more than %(limit)d invitations at once; choose fewer kinds.")
                % {"limit": MAX_INVITATIONS}
            )
        Invitation.objects.bulk_create(
            Invitation(wave=wave, organization=o, invited_by=by) for o in targets
        )
        organizers = Membership.objects.filter(
            organization__in=targets, role=Membership.Role.ORGANIZER, user__is_active=True
        ).select_related("organization", "user")
        for membership in organizers:
            notify(
                recipient=membership.user,
                kind="needs.invited",
                message=gettext_noop(
                    "%(organization)s is invited to answer the needs assessment “%(wave)s” "
                    "before %(closes)s. As an organizer, you can answer for it."
                ),
                params={
                    "organization": membership.organization.name,
                    "wave": wave.title,
                    "closes": closes,
                },
                url=url,
            )
        return len(targets)
    if not wave.for_individuals:
        raise ValidationError(_("This wave is answered by organizations only."))
    people = User.objects.filter(is_active=True)
    if audience == "members":
        people = people.filter(memberships__organization__in=organizations).distinct()
    people_list = list(people.exclude(needs_invitations__wave=wave).order_by("pk"))
    if len(people_list) > MAX_INVITATIONS:
        raise ValidationError(
            _("That is more than %(limit)d invitations at once; choose fewer kinds.")
            % {"limit": MAX_INVITATIONS}
        )
    Invitation.objects.bulk_create(
        Invitation(wave=wave, person=person, invited_by=by) for person in people_list
    )
    for person in people_list:
        notify(
            recipient=person,
            kind="needs.invited",
            message=gettext_noop(
                "You are invited to answer the needs assessment “%(wave)s” before %(closes)s."
            ),
            params={"wave": wave.title, "closes": closes},
            url=url,
        )
    return len(people_list)


# --- responding ----------------------------------------------------------------------------------


def pseudonym_for(
    *, wave: Wave, person: User | None = None, organization: Organization | None = None
) -> str:
    """The respondent's pseudonym in ``wave``: an HMAC-SHA256 keyed with
    ``NEEDS_PSEUDONYM_SECRET`` of the wave and the person (or organization). Stable within a wave,
    unrelated across waves, not reversible without the secret."""
    if organization is not None:
        subject = f"wave:{wave.pk}:organization:{organization.pk}"
    elif person is not None:
        subject = f"wave:{wave.pk}:person:{person.pk}"
    else:
        raise ValueError("A pseudonym needs a person or an organization.")
    return salted_hmac(
        PSEUDONYM_SALT, subject, secret=settings.NEEDS_PSEUDONYM_SECRET, algorithm="sha256"
    ).hexdigest()


@dataclass
class RatingInput:
    """One skill row of a matrix answer as entered (values still unchecked)."""

    proficiency: Any = None
    importance: Any = None
    wants_to_learn: Any = False
    can_teach: Any = False
    robustness: Any = None


@dataclass
class CleanAnswers:
    values: dict[str, Any]
    ratings: dict[str, dict[int, dict[str, Any]]]


def _rating_input(row: Any) -> RatingInput | None:
    """A matrix row as entered, or ``None`` when it is not a mapping of known parts."""
    if isinstance(row, RatingInput):
        return row
    if isinstance(row, Mapping) and set(row) <= set(RatingInput.__dataclass_fields__):
        return RatingInput(**dict(row))
    return None


def _level(value: Any, high: int) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError
    number = int(value) if isinstance(value, int) else int(str(value).strip())
    if not 0 <= number <= high:
        raise ValueError
    return number


def _number(value: Decimal) -> str:
    """A bound for messages, without trailing zeros (50, not 50.0000)."""
    return formats.number_format(Decimal(format(value.normalize(), "f")))


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value or "").strip().lower()
    if text in ("", "0", "false", "no", "off"):
        return False
    if text in ("1", "true", "yes", "on"):
        return True
    raise ValueError


def clean_answers(
    *,
    questions: Sequence[Question],
    answers: Mapping[str, Any],
    ratings: Mapping[str, Mapping[str, Any]],
    for_organization: bool,
    submit: bool,
) -> CleanAnswers:
    """Check answers by type and range, drop answers to questions the skip logic does not ask,
    and (when submitting) require the required ones. Raises ``ValidationError`` keyed by question
    name (or ``<question>__<skill>__<part>`` for matrix cells)."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    clean_ratings: dict[str, dict[int, dict[str, Any]]] = {}
    known = {q.name for q in questions}
    for name in list(answers) + list(ratings):
        if name not in known:
            errors.setdefault(str(name)[:64], []).append(_("There is no such question."))
    for question in questions:
        if not skiplogic.evaluate(skiplogic.parse(question.relevance), values):
            continue
        name = question.name
        if question.kind == Question.Kind.SKILL_MATRIX:
            rows = ratings.get(name) or {}
            if not isinstance(rows, Mapping):
                errors.setdefault(name, []).append(_("The skill ratings are malformed."))
                continue
            skills = {s.code: s for s in question.skills.all()}
            cleaned: dict[int, dict[str, Any]] = {}
            for code, row in rows.items():
                skill = skills.get(code)
                if skill is None:
                    errors.setdefault(name, []).append(
                        _("“%(code)s” is not a skill of this question.") % {"code": str(code)[:80]}
                    )
                    continue
                entry = _rating_input(row)
                if entry is None:
                    errors.setdefault(name, []).append(_("The skill ratings are malformed."))
                    continue
                key = f"{name}__{code}"
                parsed: dict[str, Any] = {}
                for part, high in (("proficiency", MAX_LEVEL), ("importance", MAX_LEVEL)):
                    try:
                        parsed[part] = _level(getattr(entry, part), high)
                    except (ValueError, TypeError):
                        errors.setdefault(f"{key}__{part}", []).append(
                            _("Choose a number from 0 to %(high)d.") % {"high": high}
                        )
                try:
                    parsed["robustness"] = _level(entry.robustness, MAX_ROBUSTNESS)
                except (ValueError, TypeError):
                    errors.setdefault(f"{key}__robustness", []).append(
                        _("Choose a number from 0 to %(high)d.") % {"high": MAX_ROBUSTNESS}
                    )
                for part in ("wants_to_learn", "can_teach"):
                    try:
                        parsed[part] = _boolean(getattr(entry, part))
                    except ValueError:
                        errors.setdefault(f"{key}__{part}", []).append(_("Answer yes or no."))
                if any(f"{key}__{p}" in errors for p in xlsform.MATRIX_PARTS):
                    continue
                if not for_organization:
                    parsed["robustness"] = None
                touched = (
                    parsed["proficiency"] is not None
                    or parsed["importance"] is not None
                    or parsed["wants_to_learn"]
                    or parsed["can_teach"]
                    or parsed["robustness"] is not None
                )
                if not touched:
                    continue
                for part in ("proficiency", "importance"):
                    if parsed[part] is None:
                        errors.setdefault(f"{key}__{part}", []).append(
                            _("Rate both your level and the importance of %(skill)s.")
                            % {"skill": skill.label()}
                        )
                if f"{key}__proficiency" in errors or f"{key}__importance" in errors:
                    continue
                cleaned[skill.pk] = parsed
            if submit and question.required and not cleaned and name not in errors:
                errors.setdefault(name, []).append(_("Rate at least one skill."))
            clean_ratings[name] = cleaned
            values[name] = str(len(cleaned)) if cleaned else ""
            continue
        raw = answers.get(name)
        empty = raw is None or raw == "" or raw == []
        if empty:
            if submit and question.required:
                errors.setdefault(name, []).append(_("This question is required."))
            continue
        allowed = [c.value for c in question.choices.all()] if question.has_choices else []
        if question.kind in (Question.Kind.SINGLE, Question.Kind.LIKERT):
            if not isinstance(raw, str | int) or str(raw) not in allowed:
                errors.setdefault(name, []).append(_("Choose one of the options."))
                continue
            values[name] = str(raw)
        elif question.kind == Question.Kind.MULTIPLE:
            items = [raw] if isinstance(raw, str) else raw
            if not isinstance(items, list) or any(
                not isinstance(v, str) or v not in allowed for v in items
            ):
                errors.setdefault(name, []).append(_("Choose among the options."))
                continue
            values[name] = [v for v in allowed if v in items]
        elif question.kind == Question.Kind.NUMBER:
            try:
                if isinstance(raw, bool):
                    raise InvalidOperation
                number = Decimal(str(raw).strip())
                if not number.is_finite():
                    raise InvalidOperation
            except InvalidOperation:
                errors.setdefault(name, []).append(_("Enter a number."))
                continue
            low, top = question.min_value, question.max_value
            if (low is not None and number < low) or (top is not None and number > top):
                errors.setdefault(name, []).append(
                    _("Enter a number from %(low)s to %(high)s.")
                    % {
                        "low": _number(low) if low is not None else "−∞",
                        "high": _number(top) if top is not None else "∞",
                    }
                )
                continue
            if abs(number) >= Decimal(10) ** 12:
                errors.setdefault(name, []).append(_("The number is too large."))
                continue
            values[name] = int(number) if number == number.to_integral_value() else float(number)
        else:
            if not isinstance(raw, str):
                errors.setdefault(name, []).append(_("Enter a text."))
                continue
            text = raw.strip()
            if len(text) > MAX_TEXT_ANSWER:
                errors.setdefault(name, []).append(
                    _("Write at most %(limit)d characters.") % {"limit": MAX_TEXT_ANSWER}
                )
                continue
            if text:
                values[name] = text
    _raise_if(errors)
    return CleanAnswers(
        values={k: v for k, v in values.items() if k not in clean_ratings},
        ratings=clean_ratings,
    )


def check_can_answer(*, wave: Wave, user: User, organization: Organization | None) -> None:
    """Raise ``PermissionDenied`` / ``ValidationError`` with a clear message if ``user`` may not
    answer ``wave`` (for ``organization``) now."""
    if user is None or not user.is_authenticated or not user.is_active:
        raise PermissionDenied(_("Sign in to answer."))
    now = timezone.now()
    if now < wave.opens_at:
        raise ValidationError(
            _("This wave opens on %(date)s.") % {"date": formats.date_format(wave.opens_at)}
        )
    if now >= wave.closes_at:
        raise ValidationError(
            _("This wave closed on %(date)s; no more answers are accepted.")
            % {"date": formats.date_format(wave.closes_at)}
        )
    if organization is None:
        if not wave.for_individuals:
            raise ValidationError(_("This wave is answered by organizations only."))
        return
    if not wave.for_organizations:
        raise ValidationError(_("This wave is answered by individuals only."))
    if not Membership.objects.filter(
        organization=organization, user=user, role=Membership.Role.ORGANIZER
    ).exists():
        raise PermissionDenied(
            _("Only an organizer of %(organization)s may answer for it.")
            % {"organization": organization.name}
        )
    if wave.organization_kinds and organization.kind not in wave.organization_kinds:
        raise ValidationError(
            _("This wave is not for organizations of the kind of %(organization)s.")
            % {"organization": organization.name}
        )


def _snapshot(response: Response, user: User, organization: Organization | None) -> None:
    if organization is not None:
        response.country = organization.country
        response.region = organization.region
        language = organization.languages.order_by("code").first()
        response.language = language.code if language else ""
        response.affiliate_type = organization.kind
        return
    profile = Profile.objects.filter(user=user).first()
    response.country = profile.country if profile else ""
    response.region = profile.region if profile else ""
    top = (
        profile.languages.select_related("language")
        .order_by("-proficiency", "language__code")
        .first()
        if profile
        else None
    )
    response.language = top.language.code if top else ""
    response.affiliate_type = "individual"


@transaction.atomic
def save_response(
    *,
    wave: Wave,
    by: User,
    organization: Organization | None = None,
    answers: Mapping[str, Any],
    ratings: Mapping[str, Mapping[str, Any]] | None = None,
    consent_statistics: bool = False,
    consent_profile: bool = False,
    submit: bool = False,
    locale: str = "",
) -> Response:
    """Save a draft (``submit=False``) or submit. One response per person (or organization) per
    wave: a draft is resumed, a submitted response refuses another. All or nothing."""
    check_can_answer(wave=wave, user=by, organization=organization)
    found = Response.objects.select_for_update().filter(wave=wave)
    if organization is None:
        found = found.filter(respondent=by, organization__isnull=True)
    else:
        found = found.filter(organization=organization)
    response = found.first()
    if response is not None and response.is_submitted:
        if organization is None:
            raise ValidationError(_("You have already answered this wave."))
        raise ValidationError(
            _("%(organization)s has already answered this wave.")
            % {"organization": organization.name}
        )
    if response is not None and response.respondent_id != by.pk:
        raise ValidationError(
            _("Another organizer has already started the answers for %(organization)s.")
            % {"organization": organization.name if organization else ""}
        )
    questions = list(wave.version.questions.prefetch_related("choices", "skills__translations"))
    cleaned = clean_answers(
        questions=questions,
        answers=answers,
        ratings=ratings or {},
        for_organization=organization is not None,
        submit=submit,
    )
    if submit and not consent_statistics:
        raise ValidationError(
            {"consent_statistics": [_("Agree to the consent text to submit your answers.")]}
        )
    now = timezone.now()
    if response is None:
        response = Response(
            wave=wave,
            respondent=by,
            organization=organization,
            pseudonym=pseudonym_for(wave=wave, person=by, organization=organization),
        )
    response.locale = (locale or "")[:35]
    response.consent_statistics = bool(consent_statistics)
    response.consent_profile = bool(consent_profile)
    if consent_statistics or consent_profile:
        response.consent_text = wave.consent_text
        response.consented_at = now
    if submit:
        response.status = Response.Status.SUBMITTED
        response.submitted_at = now
        _snapshot(response, by, organization)
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError:
        raise ValidationError(_("You have already answered this wave.")) from None
    response.answers.all().delete()
    response.skill_ratings.all().delete()
    by_name = {q.name: q for q in questions}
    Answer.objects.bulk_create(
        Answer(response=response, question=by_name[name], value=value)
        for name, value in cleaned.values.items()
    )
    SkillRating.objects.bulk_create(
        SkillRating(response=response, question=by_name[name], skill_id=skill_id, **row)
        for name, rows in cleaned.ratings.items()
        for skill_id, row in rows.items()
    )
    if submit and consent_profile:
        apply_to_profile(response=response)
    return response


@transaction.atomic
def withdraw_response(*, by: User, response: Response) -> None:
    """The respondent deletes their response and every answer in it (drafts too)."""
    if by is None or not by.is_authenticated or response.respondent_id != by.pk:
        raise PermissionDenied(_("Only the person who answered may withdraw these answers."))
    response.delete()


# --- into the profiles -----------------------------------------------------------------------------


def apply_to_profile(*, response: Response) -> None:
    """With the respondent's consent, copy the skill ratings into their profile skills (level,
    wants to learn, offers teaching) or, for an organization, into its skills: an asset when the
    proficiency is at least ``ASSET_LEVEL``, a need when importance exceeds proficiency by
    ``NEED_GAP`` or the organization wants to learn it. Skills not rated are kept as they were."""
    if not response.consent_profile:
        return
    ratings = list(response.skill_ratings.select_related("skill"))
    if not ratings:
        return
    if response.organization is None:
        user = response.respondent
        current = {
            ps.skill.code: ps
            for ps in PersonSkill.objects.filter(profile__user=user).select_related("skill")
        }
        entries: dict[str, account_actions.SkillEntry] = {
            code: account_actions.SkillEntry(
                code=code,
                level=ps.level,
                wants_to_learn=ps.wants_to_learn,
                offers=frozenset(ps.offers),
            )
            for code, ps in current.items()
        }
        for rating in ratings:
            old = entries.get(rating.skill.code)
            offers = set(old.offers) if old else set()
            if rating.can_teach:
                offers.add("teaching")
            else:
                offers.discard("teaching")
            entries[rating.skill.code] = account_actions.SkillEntry(
                code=rating.skill.code,
                level=rating.proficiency,
                wants_to_learn=rating.wants_to_learn,
                offers=frozenset(offers),
            )
        kept = list(entries.values())[: account_actions.MAX_SKILLS]
        account_actions.set_person_skills(user=user, entries=kept)
        return
    organization = response.organization
    rated = {rating.skill.code for rating in ratings}
    rows: list[organization_actions.SkillEntry] = [
        organization_actions.SkillEntry(
            skill=os.skill.code, kind=os.kind, level=os.level, note=os.note
        )
        for os in OrganizationSkill.objects.filter(organization=organization).select_related(
            "skill"
        )
        if os.skill.code not in rated
    ]
    for rating in ratings:
        if rating.proficiency >= ASSET_LEVEL or rating.can_teach:
            rows.append(
                organization_actions.SkillEntry(
                    skill=rating.skill.code,
                    kind=OrganizationSkill.Kind.HAS,
                    level=rating.proficiency,
                )
            )
        if rating.importance - rating.proficiency >= NEED_GAP or rating.wants_to_learn:
            rows.append(
                organization_actions.SkillEntry(
                    skill=rating.skill.code,
                    kind=OrganizationSkill.Kind.NEEDS,
                    level=min(rating.importance, MAX_LEVEL),
                )
            )
    organization_actions.set_organization_skills(
        actor=response.respondent, organization=organization, entries=rows
    )
