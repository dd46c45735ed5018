"""Pages of the needs assessment: waves, answering, one's own responses, and (for coordinators)
the questionnaire builder, XLSForm import and export, and the wave editor.

Views parse input, fetch through the models' ``visible_to`` gates, call one action and render or
redirect. Every change is a POST form, so the pages work without JavaScript; htmx only re-renders
the questions when an answer changes, so that skip logic shows and hides them at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from skillcommons.organizations.models import Organization

from . import actions, skiplogic
from .forms import ImportForm, InstrumentForm, InviteForm, QuestionForm, WaveForm
from .models import (
    Instrument,
    InstrumentVersion,
    Invitation,
    Question,
    Response,
    Wave,
    can_manage_instruments,
)

if TYPE_CHECKING:
    from skillcommons.accounts.models import User

MATRIX_PARTS = ("proficiency", "importance", "wants_to_learn", "can_teach", "robustness")


def _user(request: HttpRequest) -> User:
    user = request.user
    assert user.is_authenticated
    return user


def _require_coordinator(request: HttpRequest) -> None:
    if not can_manage_instruments(request.user):
        raise PermissionDenied(_("Only coordinators may build questionnaires and run waves."))


def _apply_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, problems in error.message_dict.items():
            form.add_error(name if name in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


# --- waves ---------------------------------------------------------------------------------------


@require_GET
def wave_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    waves = Wave.objects.visible_to(request.user).select_related("version__instrument")
    context = {
        "open_waves": [w for w in waves if w.is_open(now)],
        "upcoming_waves": [w for w in waves if w.opens_at > now],
        "closed_waves": [w for w in waves if w.closes_at <= now],
        "can_manage": can_manage_instruments(request.user),
        "invitations": _my_invitations(request, now),
    }
    return render(request, "needs/wave_list.html", context)


def _my_invitations(request: HttpRequest, now: datetime) -> list[Invitation]:
    """Open waves the viewer, or an organization they organize, is invited to."""
    if not request.user.is_authenticated:
        return []
    organized = Organization.objects.organized_by(request.user).values("pk")
    return list(
        Invitation.objects.filter(wave__closes_at__gt=now, wave__is_published=True)
        .filter(Q(person=request.user) | Q(organization__in=organized))
        .select_related("wave", "organization")
        .order_by("wave__closes_at")
    )


@require_GET
def wave_detail(request: HttpRequest, slug: str) -> HttpResponse:
    wave = get_object_or_404(Wave.objects.visible_to(request.user), slug=slug)
    organizations: list[Organization] = []
    mine: list[Response] = []
    if request.user.is_authenticated:
        if wave.for_organizations:
            organizations = list(Organization.objects.organized_by(request.user).order_by("name"))
            if wave.organization_kinds:
                organizations = [o for o in organizations if o.kind in wave.organization_kinds]
        mine = list(
            Response.objects.visible_to(request.user)
            .filter(wave=wave)
            .select_related("organization")
        )
    return render(
        request,
        "needs/wave_detail.html",
        {
            "wave": wave,
            "is_open": wave.is_open(),
            "organizations": organizations,
            "mine": mine,
            "question_count": wave.version.questions.count(),
            "invite_form": InviteForm() if can_manage_instruments(request.user) else None,
            "invitation_count": wave.invitations.count()
            if can_manage_instruments(request.user)
            else None,
        },
    )


@login_required
@require_POST
def wave_invite(request: HttpRequest, slug: str) -> HttpResponse:
    _require_coordinator(request)
    wave = get_object_or_404(Wave.objects.visible_to(request.user), slug=slug)
    form = InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whom to invite."))
        return redirect(wave.get_absolute_url())
    try:
        count = actions.invite(
            by=_user(request),
            wave=wave,
            audience=form.cleaned_data["audience"],
            organization_kinds=form.cleaned_data.get("organization_kinds") or [],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            ngettext("%(count)d invitation sent.", "%(count)d invitations sent.", count)
            % {"count": count},
        )
    return redirect(wave.get_absolute_url())


# --- answering -----------------------------------------------------------------------------------


@dataclass
class MatrixRow:
    code: str
    label: str
    values: dict[str, str]
    errors: dict[str, list[str]]


@dataclass
class Item:
    question: Question
    label: str
    hint: str
    value: Any
    errors: list[str]
    choices: list[tuple[str, str]] = field(default_factory=list)
    rows: list[MatrixRow] = field(default_factory=list)


def _posted(
    request: HttpRequest, questions: list[Question]
) -> tuple[dict[str, Any], dict[str, dict[str, dict[str, Any]]]]:
    answers: dict[str, Any] = {}
    ratings: dict[str, dict[str, dict[str, Any]]] = {}
    for question in questions:
        if question.kind == Question.Kind.SKILL_MATRIX:
            rows: dict[str, dict[str, Any]] = {}
            for skill in question.skills.all():
                prefix = f"m-{question.name}-{skill.code}-"
                rows[skill.code] = {
                    "proficiency": request.POST.get(prefix + "proficiency", ""),
                    "importance": request.POST.get(prefix + "importance", ""),
                    "wants_to_learn": request.POST.get(prefix + "wants_to_learn", ""),
                    "can_teach": request.POST.get(prefix + "can_teach", ""),
                    "robustness": request.POST.get(prefix + "robustness", ""),
                }
            ratings[question.name] = rows
        elif question.kind == Question.Kind.MULTIPLE:
            answers[question.name] = request.POST.getlist(f"q-{question.name}")
        else:
            answers[question.name] = request.POST.get(f"q-{question.name}", "")
    return answers, ratings


def _saved(
    response: Response | None,
) -> tuple[dict[str, Any], dict[str, dict[str, dict[str, Any]]]]:
    answers: dict[str, Any] = {}
    ratings: dict[str, dict[str, dict[str, Any]]] = {}
    if response is None:
        return answers, ratings
    for answer in response.answers.select_related("question"):
        answers[answer.question.name] = answer.value
    for rating in response.skill_ratings.select_related("question", "skill"):
        ratings.setdefault(rating.question.name, {})[rating.skill.code] = {
            "proficiency": rating.proficiency,
            "importance": rating.importance,
            "wants_to_learn": rating.wants_to_learn,
            "can_teach": rating.can_teach,
            "robustness": rating.robustness,
        }
    return answers, ratings


def _text(value: Any) -> str:
    if value is None or value is False:
        return ""
    if value is True:
        return "on"
    return str(value)


def _items(
    questions: list[Question],
    answers: dict[str, Any],
    ratings: dict[str, dict[str, dict[str, Any]]],
    errors: dict[str, list[str]],
) -> list[Item]:
    """The questions the skip logic asks given the answers, with values and errors."""
    items: list[Item] = []
    known: dict[str, Any] = {}
    for question in questions:
        if question.kind == Question.Kind.SKILL_MATRIX:
            rated = ratings.get(question.name, {})
            known[question.name] = (
                str(sum(1 for r in rated.values() if _text(r.get("proficiency")))) if rated else ""
            )
        else:
            value = answers.get(question.name)
            known[question.name] = value if isinstance(value, list) else _text(value)
        try:
            asked = skiplogic.evaluate(skiplogic.parse(question.relevance), known)
        except skiplogic.SkipLogicError:
            asked = True
        if not asked:
            continue
        item = Item(
            question=question,
            label=question.label_text(),
            hint=question.hint_text(),
            value=known[question.name],
            errors=errors.get(question.name, []),
        )
        if question.has_choices:
            item.choices = [(c.value, c.label_text()) for c in question.choices.all()]
        if question.kind == Question.Kind.SKILL_MATRIX:
            rated = ratings.get(question.name, {})
            for skill in sorted(question.skills.all(), key=lambda s: (s.position, s.code)):
                values = rated.get(skill.code, {})
                key = f"{question.name}__{skill.code}"
                item.rows.append(
                    MatrixRow(
                        code=skill.code,
                        label=skill.label(),
                        values={part: _text(values.get(part)) for part in MATRIX_PARTS},
                        errors={
                            part: errors[f"{key}__{part}"]
                            for part in MATRIX_PARTS
                            if f"{key}__{part}" in errors
                        },
                    )
                )
        items.append(item)
    return items


def _answering_for(request: HttpRequest, wave: Wave) -> Organization | None:
    slug = request.POST.get("organization") or request.GET.get("organization") or ""
    if not slug:
        return None
    found = Organization.objects.visible_to(request.user).filter(slug=slug).first()
    if found is None:
        raise Http404(_("No such organization."))
    return found


@login_required
@require_http_methods(["GET", "POST"])
def respond(request: HttpRequest, slug: str) -> HttpResponse:
    wave = get_object_or_404(Wave.objects.visible_to(request.user), slug=slug)
    user = _user(request)
    organization = _answering_for(request, wave)
    questions = list(wave.version.questions.prefetch_related("choices", "skills__translations"))
    found = Response.objects.visible_to(user).filter(wave=wave)
    found = (
        found.filter(organization=organization)
        if organization
        else found.filter(organization__isnull=True)
    )
    existing = found.first()
    problem = ""
    try:
        actions.check_can_answer(wave=wave, user=user, organization=organization)
    except (PermissionDenied, ValidationError) as error:
        problem = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
    if existing is not None and existing.is_submitted:
        return redirect(existing.get_absolute_url())
    errors: dict[str, list[str]] = {}
    consent = {
        "statistics": existing.consent_statistics if existing else False,
        "profile": existing.consent_profile if existing else False,
    }
    if request.method == "POST":
        answers, ratings = _posted(request, questions)
        consent = {
            "statistics": bool(request.POST.get("consent_statistics")),
            "profile": bool(request.POST.get("consent_profile")),
        }
        preview = request.headers.get("HX-Request") == "true" and "action" not in request.POST
        if not preview and not problem:
            submit = request.POST.get("action") == "submit"
            try:
                response = actions.save_response(
                    wave=wave,
                    by=user,
                    organization=organization,
                    answers=answers,
                    ratings=ratings,
                    consent_statistics=consent["statistics"],
                    consent_profile=consent["profile"],
                    submit=submit,
                    locale=translation.get_language() or "",
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    errors = error.message_dict
                else:
                    errors = {"__all__": error.messages}
            except PermissionDenied as error:
                errors = {"__all__": [str(error)]}
            else:
                if submit:
                    messages.success(request, _("Thank you: your answers are submitted."))
                    return redirect(response.get_absolute_url())
                messages.success(request, _("Your draft is saved. You can come back to it."))
                url = wave.get_absolute_url() + "respond/"
                if organization is not None:
                    url += f"?organization={organization.slug}"
                return redirect(url)
    else:
        answers, ratings = _saved(existing)
    items = _items(questions, answers, ratings, errors)
    context = {
        "wave": wave,
        "organization": organization,
        "items": items,
        "errors": errors,
        "general_errors": errors.get("__all__", []) + errors.get("consent_statistics", []),
        "consent": consent,
        "problem": problem,
        "has_skip_logic": any(q.relevance for q in questions),
        "scale": [(str(i), str(i)) for i in range(5)],
        "robustness_scale": [(str(i), str(i)) for i in range(3)],
        "draft": existing,
    }
    if request.headers.get("HX-Request") == "true" and "action" not in request.POST:
        return render(request, "needs/_questions.html", context)
    status = 400 if errors else 200
    return render(request, "needs/respond.html", context, status=status)


@login_required
@require_GET
def my_responses(request: HttpRequest) -> HttpResponse:
    responses = (
        Response.objects.visible_to(request.user)
        .select_related("wave", "organization")
        .order_by("-created_at")
    )
    return render(request, "needs/my_responses.html", {"responses": responses})


@login_required
@require_GET
def response_detail(request: HttpRequest, pk: int) -> HttpResponse:
    response = get_object_or_404(
        Response.objects.visible_to(request.user).select_related("wave", "organization"),
        pk=pk,
    )
    answers = list(
        response.answers.select_related("question").prefetch_related("question__choices")
    )
    rows = []
    for answer in answers:
        question = answer.question
        labels = {c.value: c.label_text() for c in question.choices.all()}
        value = answer.value
        if isinstance(value, list):
            shown = ", ".join(labels.get(str(v), str(v)) for v in value)
        else:
            shown = labels.get(str(value), str(value))
        rows.append((question.label_text(), shown))
    ratings = list(
        response.skill_ratings.select_related("skill").prefetch_related("skill__translations")
    )
    return render(
        request,
        "needs/response_detail.html",
        {"response": response, "rows": rows, "ratings": ratings},
    )


@login_required
@require_POST
def response_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    response = get_object_or_404(Response.objects.visible_to(request.user), pk=pk)
    actions.withdraw_response(by=_user(request), response=response)
    messages.success(request, _("Your answers are withdrawn and deleted."))
    return redirect("needs:my_responses")


# --- questionnaires (coordinators) ---------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def instrument_list(request: HttpRequest) -> HttpResponse:
    _require_coordinator(request)
    form = InstrumentForm(request.POST or None, prefix="new")
    if request.method == "POST" and form.is_valid():
        try:
            version = actions.create_instrument(
                by=_user(request),
                slug=form.cleaned_data["slug"],
                title={
                    form.locale_list()[0] if form.locale_list() else "en": form.cleaned_data[
                        "title"
                    ]
                },
                locales=form.locale_list(),
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            return redirect(version.get_absolute_url())
    instruments = Instrument.objects.prefetch_related("versions").order_by("slug")
    return render(
        request,
        "needs/instrument_list.html",
        {"instruments": instruments, "form": form, "import_form": ImportForm(prefix="import")},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def instrument_import(request: HttpRequest) -> HttpResponse:
    _require_coordinator(request)
    form = ImportForm(request.POST, request.FILES, prefix="import")
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            version = actions.import_xlsform(
                by=_user(request),
                content=upload.read(),
                file_name=upload.name or "",
                slug=form.cleaned_data.get("slug") or "",
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The form is imported as a draft. Check it, then publish."))
            return redirect(version.get_absolute_url())
    instruments = Instrument.objects.prefetch_related("versions").order_by("slug")
    return render(
        request,
        "needs/instrument_list.html",
        {"instruments": instruments, "form": InstrumentForm(prefix="new"), "import_form": form},
        status=400,
    )


def _version(request: HttpRequest, slug: str, number: int) -> InstrumentVersion:
    return get_object_or_404(
        InstrumentVersion.objects.visible_to(request.user).select_related("instrument"),
        instrument__slug=slug,
        number=number,
    )


@require_http_methods(["GET", "POST"])
def version_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    version = _version(request, slug, number)
    can_manage = can_manage_instruments(request.user)
    form = QuestionForm(request.POST or None, version=version, prefix="q") if can_manage else None
    if request.method == "POST":
        _require_coordinator(request)
        assert form is not None
        if form.is_valid():
            try:
                actions.add_questions(
                    by=_user(request), version=version, questions=[form.to_input()]
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, _("The question is added."))
                return redirect(version.get_absolute_url())
    questions = version.questions.prefetch_related("choices", "skills__translations")
    return render(
        request,
        "needs/version_detail.html",
        {
            "version": version,
            "questions": questions,
            "form": form
            if form is not None and (form.errors or not version.is_published)
            else None,
            "can_manage": can_manage,
            "waves": version.waves.all(),
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
@require_POST
def version_publish(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    _require_coordinator(request)
    version = _version(request, slug, number)
    try:
        actions.publish_version(by=_user(request), version=version)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("This version is published; it can no longer change."))
    return redirect(version.get_absolute_url())


@login_required
@require_POST
def version_new(request: HttpRequest, slug: str) -> HttpResponse:
    _require_coordinator(request)
    instrument = get_object_or_404(Instrument, slug=slug)
    version = actions.new_version(by=_user(request), instrument=instrument)
    messages.success(request, _("A new draft version is ready to edit."))
    return redirect(version.get_absolute_url())


@login_required
@require_POST
def question_remove(request: HttpRequest, slug: str, number: int, name: str) -> HttpResponse:
    _require_coordinator(request)
    version = _version(request, slug, number)
    question = get_object_or_404(Question, version=version, name=name)
    try:
        actions.remove_question(by=_user(request), question=question)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(version.get_absolute_url())


@require_GET
def version_export(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    version = _version(request, slug, number)
    content = actions.export_xlsform(version=version)
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{version.instrument.slug}-v{version.number}.xlsx"'
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def wave_create(request: HttpRequest) -> HttpResponse:
    _require_coordinator(request)
    form = WaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            wave = actions.create_wave(
                by=_user(request),
                slug=data["slug"],
                title=data["title"],
                description=data.get("description", ""),
                version=data["version"],
                audience=data["audience"],
                organization_kinds=data.get("organization_kinds") or [],
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
                consent_text=data["consent_text"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The wave is created."))
            return redirect(wave.get_absolute_url())
    return render(
        request, "needs/wave_form.html", {"form": form}, status=400 if form.errors else 200
    )


@require_GET
def instrument_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The latest version this viewer may see."""
    version = (
        InstrumentVersion.objects.visible_to(request.user)
        .filter(instrument__slug=slug)
        .order_by("-number")
        .first()
    )
    if version is None:
        raise Http404(_("No such questionnaire."))
    return redirect(version.get_absolute_url())
