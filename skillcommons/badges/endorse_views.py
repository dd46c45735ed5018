"""Endorsement pages: endorse an achievement or a person's skill, see one endorsement (with its
signed JSON), withdraw it, and let the endorsed person choose whether everyone sees it.

Thin: forms parse, the gates fetch (``visible_to``), one action from :mod:`.endorsements` writes.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from skillcommons.accounts.models import Profile, User
from skillcommons.organizations.models import Organization
from skillcommons.taxonomy.models import Skill

from . import endorsements
from .models import Achievement, Endorsement, Issuer
from .verify_forms import EndorseForm


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _endorsing_organizations(user: User) -> QuerySet[Organization]:
    """Organizations ``user`` may endorse for: those they organize that issue badges."""
    managed = Issuer.objects.managed_by(user).filter(is_active=True, organization__isnull=False)
    return Organization.objects.filter(badge_issuer__in=managed).order_by("name")


def _apply_errors(form: EndorseForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
@require_http_methods(["GET", "POST"])
def endorse_achievement(request: HttpRequest, public_id: UUID) -> HttpResponse:
    achievement = get_object_or_404(
        Achievement.objects.visible_to(request.user).with_translations(), public_id=public_id
    )
    user = _user(request)
    form = EndorseForm(request.POST or None, organizations=_endorsing_organizations(user))
    if request.method == "POST" and form.is_valid():
        try:
            endorsement = endorsements.endorse_achievement(
                by=user,
                achievement=achievement,
                comment=form.cleaned_data["comment"],
                organization=form.chosen_organization(),
            )
        except ValidationError as error:
            _apply_errors(form, error)
        except PermissionDenied as error:
            form.add_error("organization", str(error))
        else:
            messages.success(request, _("Your endorsement was signed and published."))
            return redirect(endorsement.get_absolute_url())
    return render(
        request,
        "badges/endorse_form.html",
        {"form": form, "subject_name": str(achievement), "back": achievement.get_absolute_url()},
    )


def _visible_skills(person: User, viewer: User) -> QuerySet[Skill]:
    profile = Profile.objects.visible_to(viewer).filter(user=person).first()
    if profile is None or not profile.shows("skills", viewer):
        return Skill.objects.none()
    return Skill.objects.filter(people__profile=profile).prefetch_related("translations")


@login_required
@require_http_methods(["GET", "POST"])
def endorse_person(request: HttpRequest, username: str) -> HttpResponse:
    user = _user(request)
    person = get_object_or_404(User.objects.filter(is_active=True), username=username)
    if person.pk == user.pk:
        messages.error(request, _("You cannot endorse yourself."))
        return redirect("badges:person_badges", username=username)
    skills = list(_visible_skills(person, user))
    form = EndorseForm(
        request.POST or None, organizations=_endorsing_organizations(user), skills=skills
    )
    if request.method == "POST" and form.is_valid():
        try:
            endorsement = endorsements.endorse_skill(
                by=user,
                person=person,
                skill=form.chosen_skill(),
                comment=form.cleaned_data["comment"],
                organization=form.chosen_organization(),
            )
        except ValidationError as error:
            _apply_errors(form, error)
        except PermissionDenied as error:
            form.add_error("organization", str(error))
        else:
            messages.success(request, _("Your endorsement was signed and sent."))
            return redirect(endorsement.get_absolute_url())
    return render(
        request,
        "badges/endorse_form.html",
        {
            "form": form,
            "person": person,
            "subject_name": person.username,
            "no_skills": not skills,
            "back": person.get_absolute_url(),
        },
    )


def _endorsement(request: HttpRequest, public_id: UUID) -> Endorsement:
    return get_object_or_404(
        Endorsement.objects.visible_to(request.user).select_related(
            "endorser", "organization", "issuer", "person", "skill", "achievement"
        ),
        public_id=public_id,
    )


@require_GET
def endorsement_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    endorsement = _endorsement(request, public_id)
    viewer: Any = request.user
    return render(
        request,
        "badges/endorse_detail.html",
        {
            "endorsement": endorsement,
            "can_withdraw": not endorsement.is_withdrawn
            and endorsements.can_withdraw(endorsement, viewer),
            "is_person": viewer.is_authenticated and endorsement.person_id == viewer.pk,
        },
    )


@require_GET
def endorsement_json(request: HttpRequest, public_id: UUID) -> HttpResponse:
    endorsement = _endorsement(request, public_id)
    response = JsonResponse(
        endorsement.document, json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Type"] = "application/ld+json; charset=utf-8"
    response["Content-Disposition"] = f'attachment; filename="endorsement-{public_id}.json"'
    return response


@login_required
@require_POST
def endorsement_withdraw(request: HttpRequest, public_id: UUID) -> HttpResponse:
    endorsement = _endorsement(request, public_id)
    try:
        endorsements.withdraw_endorsement(endorsement=endorsement, by=_user(request))
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("The endorsement was withdrawn; verifiers now see that."))
    return redirect(endorsement.get_absolute_url())


@login_required
@require_POST
def endorsement_visibility(request: HttpRequest, public_id: UUID) -> HttpResponse:
    endorsement = _endorsement(request, public_id)
    try:
        endorsements.set_endorsement_visibility(
            endorsement=endorsement, by=_user(request), is_public=request.POST.get("public") == "1"
        )
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Saved who sees this endorsement."))
    return redirect(endorsement.get_absolute_url())
