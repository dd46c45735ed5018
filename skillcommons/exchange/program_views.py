"""Pages of cohort programs and peer-learning circles. Thin: parse with a form, fetch through
``visible_to`` / ``managed_by``, call one action, render or redirect. Every page works without
JavaScript; htmx only swaps the preview after a re-run and the program list after a filter."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from skillcommons.accounts.models import Role, User
from skillcommons.core.markdown import render_markdown
from skillcommons.organizations.models import Organization
from skillcommons.taxonomy.models import Language, Skill
from skillcommons.taxonomy.regions import region_name

from . import circles as circle_core
from . import program_actions
from .cohort import Preview
from .conf import matching_weights
from .program_forms import ApplicationForm, ProgramForm, RunForm, SkillCircleForm
from .program_models import Application, Circle, MatchRun, Program, ProgramMatch
from .scoring import Explanation, Weights


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _apply_errors(form: forms.BaseForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, found in error.message_dict.items():
            for message in found:
                form.add_error(name if name in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _error_text(error: ValidationError | PermissionDenied) -> str:
    if isinstance(error, PermissionDenied):
        return str(error) or _("You are not allowed to do this.")
    return " ".join(error.messages)


def _program(request: HttpRequest, slug: str) -> Program:
    return get_object_or_404(
        Program.objects.visible_to(request.user).select_related("organization"), slug=slug
    )


def _managed(request: HttpRequest, slug: str) -> Program:
    """The program if the viewer organizes it (404 for programs they cannot see, 403 else)."""
    program = _program(request, slug)
    if not program.is_managed_by(request.user):
        raise PermissionDenied(_("Only the organizers of this program's organization can do this."))
    return program


# ---------------------------------------------------------------------------------------------
# Programs


@require_GET
def program_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    programs = Program.objects.visible_to(request.user).select_related("organization")
    if state in Program.State.values:
        programs = programs.filter(state=state)
    mine: list[Application] = []
    if request.user.is_authenticated:
        mine = list(Application.objects.filter(user_id=request.user.pk).select_related("program"))
    template = (
        "exchange/program_list_results.html"
        if request.headers.get("HX-Request") == "true"
        else "exchange/program_list.html"
    )
    response = render(
        request,
        template,
        {
            "programs": programs.prefetch_related("skills"),
            "state": state,
            "states": Program.State.choices,
            "mine": mine,
            "can_create": Organization.objects.organized_by(request.user).exists(),
        },
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_http_methods(["GET", "POST"])
def program_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not Organization.objects.organized_by(user).exists():
        raise PermissionDenied(_("Only the organizers of an organization can create programs."))
    form = ProgramForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            program = program_actions.create_program(
                by=user, organization=form.cleaned_data["organization"], **form.action_kwargs()
            )
        except (ValidationError, PermissionDenied) as error:
            if isinstance(error, PermissionDenied):
                raise
            _apply_errors(form, error)
        else:
            messages.success(request, _("The program is saved as a draft."))
            return redirect(program)
    return render(request, "exchange/program_form.html", {"form": form, "program": None})


@login_required
@require_http_methods(["GET", "POST"])
def program_edit(request: HttpRequest, slug: str) -> HttpResponse:
    program = _managed(request, slug)
    if program.state in (Program.State.PUBLISHED, Program.State.CANCELLED):
        messages.error(request, _("A published or cancelled program cannot be changed."))
        return redirect(program)
    form = ProgramForm(
        request.POST or None,
        user=_user(request),
        program=program,
        initial=ProgramForm.initial_for(program),
    )
    if request.method == "POST" and form.is_valid():
        try:
            program = program_actions.update_program(
                program=program, by=_user(request), **form.action_kwargs()
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The program is saved."))
            return redirect(program)
    return render(request, "exchange/program_form.html", {"form": form, "program": program})


@login_required
@require_POST
def program_state(request: HttpRequest, slug: str, verb: str) -> HttpResponse:
    program = _managed(request, slug)
    actions = {
        "announce": program_actions.announce_program,
        "cancel": program_actions.cancel_program,
    }
    if verb not in actions:
        raise Http404
    try:
        actions[verb](program=program, by=_user(request))
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            _("The program is announced.")
            if verb == "announce"
            else _("The program is cancelled."),
        )
    return redirect(program)


@require_GET
def program_detail(request: HttpRequest, slug: str) -> HttpResponse:
    program = _program(request, slug)
    application = None
    if request.user.is_authenticated:
        application = Application.objects.filter(program=program, user_id=request.user.pk).first()
    counts = {
        role: Application.objects.active().filter(program=program, role=role).count()
        for role in Application.Role.values
    }
    return render(
        request,
        "exchange/program_detail.html",
        {
            "program": program,
            "application": application,
            "manages": program.is_managed_by(request.user),
            "mentors": counts[Application.Role.MENTOR],
            "mentees": counts[Application.Role.MENTEE],
            "matches": program.matches.count(),
            "description_html": render_markdown(program.description),
            "region_names": [region_name(code) for code in program.regions],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def program_apply(request: HttpRequest, slug: str) -> HttpResponse:
    program = _program(request, slug)
    user = _user(request)
    if Application.objects.filter(program=program, user=user).exists():
        messages.info(request, _("You have already applied to this program."))
        return redirect("exchange:program_application", slug=program.slug)
    form = ApplicationForm(request.POST or None, program=program, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            program_actions.apply_to_program(program=program, user=user, **form.action_kwargs())
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Your application is in."))
            return redirect("exchange:program_application", slug=program.slug)
    return render(request, "exchange/program_apply.html", {"program": program, "form": form})


def _people(ids: Any) -> dict[int, str]:
    return dict(User.objects.filter(pk__in=list(ids)).values_list("pk", "username"))


@login_required
@require_GET
def program_application(request: HttpRequest, slug: str) -> HttpResponse:
    """The viewer's own application and, once published, their result."""
    program = _program(request, slug)
    application = get_object_or_404(
        Application.objects.visible_to(request.user).prefetch_related(
            "skills__skill", "languages__language", "preferred_mentors"
        ),
        program=program,
        user_id=request.user.pk,
    )
    match = (
        ProgramMatch.objects.filter(program=program)
        .filter(mentee_id=request.user.pk)
        .select_related("mentor", "exchange", "skill")
        .first()
    )
    mentoring = list(
        ProgramMatch.objects.filter(program=program, mentor_id=request.user.pk).select_related(
            "mentee", "exchange", "skill"
        )
    )
    why_not = None
    if program.state == Program.State.PUBLISHED and match is None and not mentoring:
        run = program.match_runs.filter(published_at__isnull=False).first()
        if run is not None:
            try:
                preview = program_actions.run_preview(run)
            except ValidationError:
                preview = None
            if preview is not None:
                for unassigned in preview.unassigned:
                    if unassigned.mentee_id == request.user.pk:
                        why_not = str(unassigned.reason)
    return render(
        request,
        "exchange/program_application.html",
        {
            "program": program,
            "application": application,
            "match": match,
            "mentoring": mentoring,
            "why_not": why_not,
        },
    )


@login_required
@require_POST
def program_withdraw(request: HttpRequest, slug: str) -> HttpResponse:
    program = _program(request, slug)
    application = get_object_or_404(
        Application.objects.visible_to(request.user), program=program, user_id=request.user.pk
    )
    try:
        program_actions.withdraw_application(application=application, by=_user(request))
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Your application is withdrawn."))
    return redirect("exchange:program_application", slug=program.slug)


@login_required
@require_GET
def program_manage(request: HttpRequest, slug: str) -> HttpResponse:
    program = _managed(request, slug)
    applications = (
        Application.objects.filter(program=program)
        .select_related("user")
        .prefetch_related("skills__skill", "languages__language")
    )
    return render(
        request,
        "exchange/program_manage.html",
        {
            "program": program,
            "applications": applications,
            "runs": program.match_runs.select_related("created_by")[:20],
            "run_form": RunForm(),
            "circles": program.circles.select_related("skill", "language"),
        },
    )


@login_required
@require_POST
def program_match(request: HttpRequest, slug: str) -> HttpResponse:
    program = _managed(request, slug)
    form = RunForm(request.POST)
    htmx = request.headers.get("HX-Request") == "true"
    if form.is_valid():
        try:
            run = program_actions.run_matching(
                program=program,
                by=_user(request),
                candidates=form.cleaned_data["candidates"],
                spread=form.cleaned_data["spread"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            if htmx:
                return render(
                    request, "exchange/program_preview_body.html", _preview_context(program, run)
                )
            return redirect(run)
    if htmx:
        return render(
            request,
            "exchange/program_run_form.html",
            {"program": program, "run_form": form},
            status=422,
        )
    return render(
        request,
        "exchange/program_manage.html",
        {
            "program": program,
            "applications": Application.objects.filter(program=program).select_related("user"),
            "runs": program.match_runs.select_related("created_by")[:20],
            "run_form": form,
            "circles": program.circles.select_related("skill", "language"),
        },
        status=422,
    )


PREVIEW_PAGE_SIZE = 50  # pairs explained per page

COMPONENT_MAXIMUM = {
    "skill": lambda w: w.skill_exact,
    "level": lambda w: w.level,
    "language": lambda w: w.language,
    "availability": lambda w: w.availability,
    "method": lambda w: w.method,
    "capacity": lambda w: w.capacity,
    "region": lambda w: w.region,
}


def _components(explanation: Explanation, weights: Weights) -> list[dict[str, Any]]:
    return [
        {
            "name": c.name,
            "points": c.points,
            "maximum": COMPONENT_MAXIMUM[c.name](weights),
            "text": str(c.reason),
        }
        for c in explanation.components
    ]


def _preview_context(program: Program, run: MatchRun, page_number: Any = 1) -> dict[str, Any]:
    error = None
    preview: Preview | None = None
    try:
        preview = program_actions.run_preview(run)
    except ValidationError as found:
        error = _error_text(found)
    weights = matching_weights()
    rows: list[dict[str, Any]] = []
    unassigned: list[dict[str, Any]] = []
    loads: list[dict[str, Any]] = []
    page = None
    if preview is not None:
        page = Paginator(preview.pairs, PREVIEW_PAGE_SIZE).get_page(page_number)
        ids: set[int] = set()
        for pair in page:
            ids |= {pair.mentee_id, pair.mentor_id}
            ids |= {m.mentor_id for m in pair.missed} | {n.mentor_id for n in pair.preferences}
        for u in preview.unassigned:
            ids.add(u.mentee_id)
            ids |= {m.mentor_id for m in u.missed} | {n.mentor_id for n in u.preferences}
        names = _people(ids)

        def name(pk: int) -> str:
            return names.get(pk, _("(someone who left)"))

        for pair in page:
            rows.append(
                {
                    "mentee": name(pair.mentee_id),
                    "mentor": name(pair.mentor_id),
                    "score": pair.score,
                    "rank": pair.rank,
                    "candidates": pair.candidates,
                    "preferred": pair.preferred,
                    "components": _components(preview.explain(pair).explanation, weights),
                    "missed": [
                        {"mentor": name(m.mentor_id), "rank": m.rank, "reason": str(m.reason)}
                        for m in pair.missed
                    ],
                    "preferences": [
                        {"mentor": name(n.mentor_id), "reason": str(n.reason)}
                        for n in pair.preferences
                    ],
                }
            )
        for u in preview.unassigned:
            unassigned.append(
                {
                    "mentee": name(u.mentee_id),
                    "reason": str(u.reason),
                    "missed": [
                        {"mentor": name(m.mentor_id), "rank": m.rank, "reason": str(m.reason)}
                        for m in u.missed
                    ],
                    "preferences": [
                        {"mentor": name(n.mentor_id), "reason": str(n.reason)}
                        for n in u.preferences
                    ],
                }
            )
        load_names = _people(load.mentor_id for load in preview.loads)
        loads = [
            {
                "mentor": load_names.get(load.mentor_id, ""),
                "assigned": load.assigned,
                "capacity": load.capacity,
            }
            for load in preview.loads
        ]
    return {
        "program": program,
        "run": run,
        "error": error,
        "rows": rows,
        "unassigned": unassigned,
        "loads": loads,
        "page": page,
        "totals": run.totals,
        "can_publish": program.state == Program.State.OPEN and bool(run.assignment),
    }


@login_required
@require_GET
def program_preview(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    program = _managed(request, slug)
    run = get_object_or_404(MatchRun, pk=pk, program=program)
    context = _preview_context(program, run, request.GET.get("page", 1))
    return render(request, "exchange/program_preview.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def program_publish(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    program = _managed(request, slug)
    run = get_object_or_404(MatchRun, pk=pk, program=program)
    if request.method == "POST":
        try:
            matches = program_actions.publish_run(run=run, by=_user(request))
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(
                request,
                _("Published: %(count)d exchanges started; everyone who applied is notified.")
                % {"count": len(matches)},
            )
            return redirect(program)
    return render(request, "exchange/program_publish.html", {"program": program, "run": run})


@login_required
@require_POST
def program_circles(request: HttpRequest, slug: str) -> HttpResponse:
    program = _managed(request, slug)
    try:
        circles, plan = program_actions.form_program_circles(program=program, by=_user(request))
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("exchange:program_manage", slug=program.slug)
    names = _people(x.learner_id for x in plan.left_out)
    return render(
        request,
        "exchange/circle_formed.html",
        {
            "program": program,
            "circles": circles,
            "left_out": [
                {"person": names.get(x.learner_id, ""), "reason": str(x.reason)}
                for x in plan.left_out
            ],
        },
    )


# ---------------------------------------------------------------------------------------------
# Circles


@login_required
@require_GET
def circle_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "exchange/circle_list.html",
        {
            "circles": Circle.objects.visible_to(user)
            .select_related("skill", "language", "program")
            .prefetch_related("memberships"),
            "form": SkillCircleForm() if user.has_role(Role.COORDINATOR) else None,
        },
    )


@login_required
@require_POST
def circle_form(request: HttpRequest) -> HttpResponse:
    """A coordinator forms circles of everyone open to peer learning in a skill."""
    user = _user(request)
    if not user.has_role(Role.COORDINATOR):
        raise PermissionDenied(_("Only coordinators can form circles across the whole site."))
    form = SkillCircleForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "exchange/circle_list.html",
            {"circles": Circle.objects.visible_to(user), "form": form},
            status=422,
        )
    skill = get_object_or_404(Skill.objects.visible_to(user), pk=form.cleaned_data["skill"])
    circles, plan = program_actions.form_skill_circles(skill=skill, by=user)
    names = _people(x.learner_id for x in plan.left_out)
    return render(
        request,
        "exchange/circle_formed.html",
        {
            "program": None,
            "skill": skill,
            "circles": circles,
            "left_out": [
                {"person": names.get(x.learner_id, ""), "reason": str(x.reason)}
                for x in plan.left_out
            ],
        },
    )


@login_required
@require_GET
def circle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    circle = get_object_or_404(
        Circle.objects.visible_to(request.user).select_related("skill", "language", "program"),
        pk=pk,
    )
    language: Language = circle.language
    members = []
    for membership in circle.memberships.select_related("user__profile"):
        why, when = circle_core.member_reason(
            skill=circle.skill.label(),
            language=language.autonym,
            proficiency=membership.proficiency,
            shared_hours=membership.shared_hours,
        )
        profile = getattr(membership.user, "profile", None)
        # Only what each person shares with members (the profile gate), never private fields.
        shared = profile.fields_for(request.user) if profile is not None else {}
        members.append(
            {
                "username": membership.user.username,
                "url": membership.user.get_absolute_url(),
                "display_name": shared.get("display_name", ""),
                "time_zone": shared.get("time_zone", ""),
                "why": str(why),
                "when": str(when),
                "is_me": membership.user_id == request.user.pk,
            }
        )
    return render(request, "exchange/circle_detail.html", {"circle": circle, "members": members})
