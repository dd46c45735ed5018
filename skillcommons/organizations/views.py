"""Organization pages: list, detail, create, edit, skills, members, join and leave.

Views parse input with a form, fetch through ``Organization.objects.visible_to``, call one action
and render or redirect. Every change is a POST form, so the pages work without JavaScript.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from skillcommons.core.visibility import Visibility
from skillcommons.taxonomy.models import Language
from skillcommons.taxonomy.regions import REGION_CODES, region_name

from . import actions
from .forms import (
    CreateOrganizationForm,
    JoinForm,
    OrganizationForm,
    RemoveMemberForm,
    RoleForm,
    SkillFormSet,
    skill_choices,
)
from .models import Membership, Organization, OrganizationSkill
from .queries import Filters, listing, organization_view

if TYPE_CHECKING:
    from skillcommons.accounts.models import User

PAGE_SIZE = 20


class FilterForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False)
    region = forms.ChoiceField(label=gettext_lazy("Region"), required=False)
    language = forms.ChoiceField(label=gettext_lazy("Language"), required=False)
    skill = forms.ChoiceField(label=gettext_lazy("Skill"), required=False)
    skill_kind = forms.ChoiceField(label=gettext_lazy("Has or needs the skill"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        anything = ("", _("Any"))
        choices: dict[str, list[tuple[str, Any]]] = {
            "kind": [anything, *((v, str(label)) for v, label in Organization.Kind.choices)],
            "region": [anything, *((c, region_name(c)) for c in REGION_CODES)],
            "language": [
                anything,
                *(
                    (lang.code, f"{lang.autonym} ({lang.code})")
                    for lang in Language.objects.filter(is_active=True)
                ),
            ],
            "skill": [anything, *skill_choices()],
            "skill_kind": [
                ("", _("Has or needs")),
                *((v, str(label)) for v, label in OrganizationSkill.Kind.choices),
            ],
        }
        for name, values in choices.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = values


def _gate(request: HttpRequest, slug: str) -> Organization:
    """The organization at ``slug`` if the viewer may see it; 404 otherwise."""
    return get_object_or_404(Organization.objects.visible_to(request.user), slug=slug)


def _signed_in(request: HttpRequest) -> User | None:
    user = request.user
    return user if user.is_authenticated else None


def _apply_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put an action's errors on the matching form fields (others at the top of the form)."""
    if hasattr(error, "error_dict"):
        for name, messages_ in error.message_dict.items():
            for message in messages_:
                form.add_error(name if name in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


@require_GET
def organization_list(request: HttpRequest) -> HttpResponse:
    form = FilterForm(request.GET or None)
    filters = Filters()
    if form.is_bound:
        if form.is_valid():
            filters = Filters(**form.cleaned_data)
        else:
            # Keep whatever filters are valid; the form shows what was wrong with the others.
            filters = Filters(**{k: v for k, v in form.cleaned_data.items() if v})
    paginator = Paginator(listing(request.user, filters), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    # htmx asks for the results only when a filter changes; without JavaScript the whole page comes.
    template = (
        "organizations/_list_results.html"
        if request.headers.get("HX-Request") == "true"
        else "organizations/list.html"
    )
    response = render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_create": actions.can_create_organization(request.user),
        },
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def organization_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organization = _gate(request, slug)
    view = organization_view(organization, request.user)
    membership = view.viewer_membership
    return render(
        request,
        "organizations/detail.html",
        {
            "organization": organization,
            "view": view,
            "can_manage": actions.can_manage_organization(request.user, organization),
            "join_form": JoinForm(
                initial={"visibility": membership.visibility if membership else Visibility.PRIVATE}
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def organization_create(request: HttpRequest) -> HttpResponse:
    user = _signed_in(request)
    if user is None:
        return redirect_to_login(request.get_full_path())
    if not actions.can_create_organization(user):
        raise PermissionDenied(_("Only coordinators may create organizations."))
    form = CreateOrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        first_organizer: User | None = None
        errors: dict[str, list[str]] = {}
        if data["first_organizer"]:
            first_organizer = (
                get_user_model()
                .objects.filter(username=data["first_organizer"], is_active=True)
                .first()
            )
            if first_organizer is None:
                errors["first_organizer"] = [_("Nobody has this user name.")]
        try:
            if errors:
                raise ValidationError(errors)
            organization = actions.create_organization(
                actor=user,
                slug=data["slug"],
                name=data["name"],
                kind=data["kind"],
                description=data["description"],
                website=data["website"],
                country=data["country"],
                region=data["region"],
                languages=data["languages"],
                first_organizer=first_organizer,
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The organization was created."))
            return redirect(organization)
    return render(request, "organizations/form.html", {"form": form, "organization": None})


def _manager_gate(request: HttpRequest, slug: str) -> tuple[User, Organization] | HttpResponse:
    user = _signed_in(request)
    if user is None:
        return redirect_to_login(request.get_full_path())
    organization = _gate(request, slug)
    if not actions.can_manage_organization(user, organization):
        raise PermissionDenied(
            _("Only the organizers of this organization and coordinators may do this.")
        )
    return user, organization


@require_http_methods(["GET", "POST"])
def organization_edit(request: HttpRequest, slug: str) -> HttpResponse:
    gate = _manager_gate(request, slug)
    if isinstance(gate, HttpResponse):
        return gate
    user, organization = gate
    form = OrganizationForm(
        request.POST or None, initial=OrganizationForm.initial_for(organization)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.update_organization(
                actor=user,
                organization=organization,
                name=data["name"],
                kind=data["kind"],
                description=data["description"],
                website=data["website"],
                country=data["country"],
                region=data["region"],
                languages=data["languages"],
                is_active=data["is_active"],
            )
        except ValidationError as error:
            organization.refresh_from_db()
            _apply_errors(form, error)
        else:
            messages.success(request, _("Your changes were saved."))
            return redirect(organization)
    return render(request, "organizations/form.html", {"form": form, "organization": organization})


@require_http_methods(["GET", "POST"])
def organization_skills(request: HttpRequest, slug: str) -> HttpResponse:
    gate = _manager_gate(request, slug)
    if isinstance(gate, HttpResponse):
        return gate
    user, organization = gate
    choices = skill_choices()
    initial = [
        {"skill": row.skill.code, "kind": row.kind, "level": row.level, "note": row.note}
        for row in organization.skills.select_related("skill")
    ]
    errors: list[str] = []
    formset = SkillFormSet(
        request.POST or None, initial=initial, form_kwargs={"skill_choices": choices}
    )
    if request.method == "POST" and formset.is_valid():
        entries = [
            actions.SkillEntry(
                skill=row["skill"],
                kind=row["kind"],
                level=row["level"],
                note=row["note"],
            )
            for row in formset.cleaned_data
            if row.get("skill")
        ]
        try:
            actions.set_organization_skills(actor=user, organization=organization, entries=entries)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("The skills were saved."))
            return redirect(organization)
    return render(
        request,
        "organizations/skills.html",
        {"formset": formset, "organization": organization, "errors": errors},
    )


@require_GET
def organization_members(request: HttpRequest, slug: str) -> HttpResponse:
    gate = _manager_gate(request, slug)
    if isinstance(gate, HttpResponse):
        return gate
    _user, organization = gate
    memberships = organization.memberships.select_related("user").order_by(
        "-role", "user__username"
    )
    return render(
        request,
        "organizations/members.html",
        {
            "organization": organization,
            "memberships": memberships,
            "roles": Membership.Role.choices,
        },
    )


def _member(organization: Organization, username: str) -> User:
    found = organization.members.filter(username=username).first()
    if found is None:
        raise ValidationError(
            _("%(username)s is not a member of this organization.") % {"username": username}
        )
    return found


@require_POST
def member_role(request: HttpRequest, slug: str) -> HttpResponse:
    gate = _manager_gate(request, slug)
    if isinstance(gate, HttpResponse):
        return gate
    user, organization = gate
    form = RoleForm(request.POST)
    members_url = reverse("organizations:members", args=[organization.slug])
    if not form.is_valid():
        messages.error(request, _("Choose a role from the list."))
        return HttpResponseRedirect(members_url)
    try:
        member = _member(organization, form.cleaned_data["username"])
        actions.set_membership_role(
            actor=user, organization=organization, member=member, role=form.cleaned_data["role"]
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("%(username)s is now: %(role)s.")
            % {
                "username": member.username,
                "role": Membership.Role(form.cleaned_data["role"]).label,
            },
        )
    return HttpResponseRedirect(members_url)


@require_POST
def member_remove(request: HttpRequest, slug: str) -> HttpResponse:
    gate = _manager_gate(request, slug)
    if isinstance(gate, HttpResponse):
        return gate
    user, organization = gate
    form = RemoveMemberForm(request.POST)
    members_url = reverse("organizations:members", args=[organization.slug])
    if not form.is_valid():
        return HttpResponseRedirect(members_url)
    try:
        member = _member(organization, form.cleaned_data["username"])
        actions.remove_member(actor=user, organization=organization, member=member)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("%(username)s is no longer a member.") % {"username": member.username},
        )
    return HttpResponseRedirect(members_url)


@require_POST
def organization_join(request: HttpRequest, slug: str) -> HttpResponse:
    user = _signed_in(request)
    if user is None:
        return redirect_to_login(reverse("organizations:detail", args=[slug]))
    organization = _gate(request, slug)
    form = JoinForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose who may see your membership from the list."))
        return redirect(organization)
    was_member = organization.memberships.filter(user=user).exists()
    try:
        actions.join_organization(
            user=user, organization=organization, visibility=form.cleaned_data["visibility"]
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Your membership was updated.")
            if was_member
            else _("You are now a member of %(name)s.") % {"name": organization.name},
        )
    return redirect(organization)


@require_POST
def organization_leave(request: HttpRequest, slug: str) -> HttpResponse:
    user = _signed_in(request)
    if user is None:
        return redirect_to_login(reverse("organizations:detail", args=[slug]))
    organization = _gate(request, slug)
    try:
        actions.leave_organization(user=user, organization=organization)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("You are no longer a member of %(name)s.") % {"name": organization.name}
        )
    return redirect(organization)
