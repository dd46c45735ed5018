"""Pages about people: profiles, the directory, editing one's profile, personal data and tokens."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from skillcommons.core.markdown import render_markdown
from skillcommons.taxonomy.models import Skill
from skillcommons.taxonomy.proficiency import Proficiency

from . import actions
from .availability import convert_slots
from .directory import filter_directory
from .forms import (
    OFFER_LABELS,
    WEEKDAYS,
    AvailabilityFormSet,
    DeleteAccountForm,
    DirectoryFilterForm,
    LanguageFormSet,
    ProfileForm,
    SkillFormSet,
    TokenForm,
    language_choices,
    skill_choices,
)
from .models import ApiToken, Profile, User

DIRECTORY_PAGE_SIZE = 20
ADD_ROWS = 3

_LEVEL_NAMES = dict(Proficiency.choices)
_DAY_NAMES = dict(WEEKDAYS)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def with_people_data(profiles: Any) -> Any:
    """Prefetch what :func:`~skillcommons.accounts.gate.visible_profile_fields` reads."""
    return profiles.select_related("user").prefetch_related(
        "languages__language", "skills__skill__translations"
    )


def _viewer_time_zone(request: HttpRequest) -> str:
    if request.user.is_authenticated:
        profile = Profile.objects.filter(user_id=request.user.pk).only("time_zone").first()
        if profile and profile.time_zone:
            return profile.time_zone
    return ""


def _decorate(fields: dict[str, Any], profile: Profile, request: HttpRequest) -> dict[str, Any]:
    """Add display-only values (rendered bio, level names, availability in the viewer's time)
    to what the gate let through. Never adds a field the gate left out."""
    shown = dict(fields)
    if "bio" in shown:
        shown["bio_html"] = render_markdown(shown["bio"])
    for skill in shown.get("skills", []):
        skill["level_name"] = _LEVEL_NAMES.get(skill["level"], skill["level"])
    for offer in shown.get("offers", []):
        offer["way_names"] = [OFFER_LABELS.get(way, way) for way in offer["ways"]]
    if "preferred_methods" in shown:
        names = dict(Profile.Method.choices)
        shown["method_names"] = [names.get(m, m) for m in shown["preferred_methods"]]
    if shown.get("availability"):
        source = profile.time_zone or "UTC"
        target = _viewer_time_zone(request) or (
            profile.time_zone if "time_zone" in shown and profile.time_zone else "UTC"
        )
        slots = convert_slots(shown["availability"], source, target, timezone.now().date())
        shown["availability_zone"] = target
        shown["availability_rows"] = [
            {**slot, "day_name": _DAY_NAMES.get(int(str(slot["day"])), slot["day"])}
            for slot in slots
        ]
    return shown


def profile(request: HttpRequest, username: str) -> HttpResponse:
    found = (
        with_people_data(Profile.objects.visible_to(request.user))
        .filter(user__username=username)
        .first()
    )
    if found is None:
        raise Http404
    fields = found.fields_for(request.user)
    return render(
        request,
        "accounts/profile.html",
        {
            "person": found.user,
            "shown": _decorate(fields, found, request),
            "is_owner": request.user.is_authenticated and request.user.pk == found.user_id,
        },
    )


def directory(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None)
    profiles = Profile.objects.listed_for(request.user)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        skill_ids = None
        if data["skill"]:
            skill = Skill.objects.visible_to(request.user).filter(code=data["skill"]).first()
            skill_ids = skill.descendant_ids() if skill else []
        profiles = filter_directory(
            profiles,
            request.user,
            skill_ids=skill_ids,
            language=data["language"],
            region=data["region"],
            mode=data["mode"],
        )
    elif form.is_bound:
        profiles = profiles.none()
    page = Paginator(with_people_data(profiles), DIRECTORY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    people = [
        {"profile": p, "shown": _decorate(p.fields_for(request.user), p, request)}
        for p in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "people": people, "query": query.urlencode()}
    template = (
        "accounts/_directory_results.html"
        if request.headers.get("HX-Request") == "true"
        else "accounts/directory.html"
    )
    response = render(request, template, context)
    # The same address answers with a fragment for htmx and a full page otherwise.
    patch_vary_headers(response, ["HX-Request"])
    return response


def _edit_formsets(
    request: HttpRequest, profile: Profile, data: Any | None
) -> tuple[Any, Any, Any]:
    languages = LanguageFormSet(  # type: ignore[call-arg]
        data,
        prefix="languages",
        choices=language_choices(),
        initial=[
            {"language": pl.language.code, "proficiency": pl.proficiency}
            for pl in profile.languages.select_related("language")
        ],
    )
    skills = SkillFormSet(  # type: ignore[call-arg]
        data,
        prefix="skills",
        choices=skill_choices(),
        initial=[
            {
                "skill": ps.skill.code,
                "level": ps.level,
                "wants_to_learn": ps.wants_to_learn,
                "offers": ps.offers,
            }
            for ps in profile.skills.select_related("skill")
        ],
    )
    availability = AvailabilityFormSet(
        data,
        prefix="availability",
        initial=[
            {"day": slot["day"], "start": slot["start"], "end": slot["end"]}
            for slot in profile.availability
        ],
    )
    return languages, skills, availability


@login_required
@require_http_methods(["GET", "POST"])
def edit_profile(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    profile = Profile.objects.get(user=user)
    if request.method == "POST" and "add_rows" in request.POST:
        # "Add more rows" without JavaScript: show the same input with empty rows appended.
        data = request.POST.copy()
        for prefix in ("languages", "skills", "availability"):
            key = f"{prefix}-TOTAL_FORMS"
            try:
                data[key] = str(min(int(data.get(key, "0")) + ADD_ROWS, 150))
            except ValueError:
                data[key] = str(ADD_ROWS)
        form = ProfileForm(data)
        languages, skills, availability = _edit_formsets(request, profile, data)
    elif request.method == "POST":
        form = ProfileForm(request.POST)
        languages, skills, availability = _edit_formsets(request, profile, request.POST)
        if all(f.is_valid() for f in (form, languages, skills, availability)):
            changes = {**form.changes(), "availability": availability.slots()}
            try:
                actions.edit_profile(
                    user=user,
                    changes=changes,
                    languages=languages.entries(),
                    skills=skills.entries(),
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    target = form if field in form.fields else None
                    for error in errors:
                        if target is not None:
                            form.add_error(field, error)
                        else:
                            form.add_error(None, error)
            else:
                messages.success(request, _("Your profile was saved."))
                return redirect("accounts:profile", username=user.username)
    else:
        form = ProfileForm(initial=ProfileForm.initial_for(profile))
        languages, skills, availability = _edit_formsets(request, profile, None)
    return render(
        request,
        "accounts/edit.html",
        {
            "form": form,
            "languages": languages,
            "skills": skills,
            "availability": availability,
            "has_errors": request.method == "POST" and "add_rows" not in request.POST,
        },
    )


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    if request.GET.get("download") != "1":
        return render(request, "accounts/data.html")
    data = actions.export_personal_data(user=_user(request))
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="skillcommons-my-data.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = DeleteAccountForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        actions.delete_account(user=user)
        logout(request)
        messages.success(request, _("Your account and everything about you were deleted."))
        return redirect("home")
    return render(request, "accounts/delete.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = TokenForm(request.POST or None)
    raw_token = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, raw_token = actions.create_api_token(user=user, name=form.cleaned_data["name"])
        except ValidationError as exc:
            for error in exc.messages:
                form.add_error(None, error)
        else:
            form = TokenForm()
    response = render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "raw_token": raw_token,
            "tokens": ApiToken.objects.filter(user=user),
            "api_docs": "/api/v1/docs",
            "site_url": settings.SITE_URL,
        },
    )
    # The raw token is shown once: keep the page out of every cache.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def revoke_token(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        actions.revoke_api_token(user=_user(request), token_id=token_id)
    except ApiToken.DoesNotExist:
        raise Http404 from None
    messages.success(request, _("The token was revoked; it no longer works."))
    return redirect("accounts:tokens")
