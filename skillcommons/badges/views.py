"""Badge pages and the documents verifiers read.

Views parse input with a form, fetch through the models' permission gates (``visible_to``,
``managed_by``, ``issued_by``, ``shared``), call one action and render or redirect. Every change is
a POST form, so the pages work without JavaScript.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from skillcommons.organizations.models import Organization
from skillcommons.taxonomy.models import Skill

from . import actions, issuers
from .baking import bake_png, bake_svg
from .credentials import achievement_document
from .forms import (
    AchievementForm,
    AwardForm,
    CsvAwardForm,
    EnableIssuingForm,
    ImportForm,
    IssuerForm,
    RevokeForm,
    RuleForm,
    VisibilityForm,
)
from .models import (
    Achievement,
    Credential,
    ImportedCredential,
    Issuer,
    IssuingRule,
    StatusList,
)
from .verification import VERDICT_MESSAGES, Verdict

if TYPE_CHECKING:
    from skillcommons.accounts.models import User

PAGE_SIZE = 30


def _json(document: Any, *, content_type: str = "application/json") -> HttpResponse:
    """A public JSON document that verifiers on any origin may read."""
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2), content_type=content_type
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _user(request: HttpRequest) -> User:
    user = request.user
    assert user.is_authenticated
    return user


def _error_messages(error: ValidationError) -> list[str]:
    return [str(message) for message in error.messages]


def _add_errors(form: Any, error: ValidationError) -> None:
    for message in _error_messages(error):
        form.add_error(None, message)


# --- documents -----------------------------------------------------------------------------------


def _issuer_or_404(slug: str) -> Issuer:
    return get_object_or_404(Issuer.objects.select_related("organization"), slug=slug)


@require_GET
def platform_did(request: HttpRequest) -> HttpResponse:
    issuer = Issuer.objects.filter(is_platform=True).first()
    if issuer is None:
        raise Http404
    return _json(issuers.did_document(issuer), content_type="application/did+json")


@require_GET
def issuer_did(request: HttpRequest, slug: str) -> HttpResponse:
    issuer = _issuer_or_404(slug)
    if issuer.is_platform:
        # The platform's did:web has no path: its document lives at /.well-known/did.json.
        raise Http404
    return _json(issuers.did_document(issuer), content_type="application/did+json")


@require_GET
def issuer_profile_json(request: HttpRequest, slug: str) -> HttpResponse:
    issuer = _issuer_or_404(slug)
    return _json(issuers.issuer_profile(issuer), content_type="application/ld+json")


@require_GET
def status_list(request: HttpRequest, slug: str, purpose: str, number: int) -> HttpResponse:
    found = get_object_or_404(
        StatusList.objects.exclude(document=None), issuer__slug=slug, purpose=purpose, number=number
    )
    response = _json(found.document, content_type="application/vc+ld+json")
    # Revocations must show at once: verifiers and proxies should not keep an old list.
    response["Cache-Control"] = "no-cache"
    return response


# --- issuers -------------------------------------------------------------------------------------


@require_GET
def issuer_list(request: HttpRequest) -> HttpResponse:
    found = Issuer.objects.visible_to(request.user).select_related("organization")
    enable_form = None
    if request.user.is_authenticated:
        candidates = (
            Organization.objects.organized_by(request.user)
            .filter(is_active=True, badge_issuer__isnull=True)
            .order_by("name")
        )
        if candidates.exists():
            enable_form = EnableIssuingForm(organizations=candidates)
    managed = set(Issuer.objects.managed_by(request.user).values_list("pk", flat=True))
    return render(
        request,
        "badges/issuer_list.html",
        {"issuers": found, "enable_form": enable_form, "managed": managed},
    )


@login_required
@require_POST
def issuer_enable(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    organizations = Organization.objects.organized_by(user).filter(is_active=True)
    form = EnableIssuingForm(request.POST, organizations=organizations)
    if not form.is_valid():
        messages.error(request, _("Choose one of the organizations you organize."))
        return redirect("badges:issuer_list")
    organization = get_object_or_404(organizations, slug=form.cleaned_data["organization"])
    try:
        issuer = actions.enable_issuing(organization=organization, by=user)
    except ValidationError as error:
        for message in _error_messages(error):
            messages.error(request, message)
        return redirect("badges:issuer_list")
    messages.success(
        request, _("%(organization)s can now issue badges.") % {"organization": organization.name}
    )
    return redirect(issuer.get_absolute_url())


def _visible_issuer(request: HttpRequest, slug: str) -> Issuer:
    return get_object_or_404(
        Issuer.objects.visible_to(request.user).select_related("organization"), slug=slug
    )


def _managed_issuer(request: HttpRequest, slug: str) -> Issuer:
    issuer = _visible_issuer(request, slug)
    if not issuer.can_issue(request.user):
        raise PermissionDenied(
            _("You do not hold the issuer role for %(issuer)s.") % {"issuer": issuer.name}
        )
    return issuer


@require_GET
def issuer_detail(request: HttpRequest, slug: str) -> HttpResponse:
    issuer = _visible_issuer(request, slug)
    can_issue = issuer.can_issue(request.user)
    achievements = Achievement.objects.listed_for(request.user).filter(issuer=issuer)
    return render(
        request,
        "badges/issuer_detail.html",
        {
            "issuer": issuer,
            "did": issuers.issuer_did(issuer),
            "did_url": issuers.did_document_url(issuer),
            "profile_json_url": issuers.profile_json_url(issuer),
            "keys": issuers.published_keys(issuer),
            "achievements": achievements.with_translations(),
            "can_issue": can_issue,
            "form": IssuerForm.for_issuer(issuer) if can_issue else None,
        },
    )


@login_required
@require_POST
def issuer_edit(request: HttpRequest, slug: str) -> HttpResponse:
    issuer = _managed_issuer(request, slug)
    form = IssuerForm.for_issuer(issuer, request.POST)
    if form.is_valid():
        actions.update_issuer(
            issuer=issuer,
            by=_user(request),
            description=form.cleaned_data["description"],
            email=form.cleaned_data["email"],
            is_active=form.cleaned_data["is_active"],
        )
        messages.success(request, _("The issuer profile was saved."))
        return redirect(issuer.get_absolute_url())
    issuer.refresh_from_db()
    return render(
        request,
        "badges/issuer_detail.html",
        {
            "issuer": issuer,
            "did": issuers.issuer_did(issuer),
            "did_url": issuers.did_document_url(issuer),
            "profile_json_url": issuers.profile_json_url(issuer),
            "keys": issuers.published_keys(issuer),
            "achievements": Achievement.objects.filter(issuer=issuer).with_translations(),
            "can_issue": True,
            "form": form,
        },
        status=400,
    )


@login_required
@require_POST
def issuer_rotate_key(request: HttpRequest, slug: str) -> HttpResponse:
    issuer = _managed_issuer(request, slug)
    actions.rotate_issuer_key(issuer=issuer, by=_user(request))
    messages.success(
        request,
        _(
            "A new key now signs badges. The old key stays published, so earlier badges still verify."
        ),
    )
    return redirect(issuer.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def issuer_rules(request: HttpRequest, slug: str) -> HttpResponse:
    issuer = _managed_issuer(request, slug)
    form = RuleForm(request.POST or None, issuer=issuer)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            achievement = get_object_or_404(
                Achievement.objects.filter(issuer=issuer),
                public_id=form.cleaned_data["achievement"],
            )
            skill_id = form.cleaned_data.get("skill")
            skill = get_object_or_404(Skill, pk=skill_id) if skill_id else None
            try:
                actions.create_rule(
                    issuer=issuer,
                    by=_user(request),
                    outcome_kind=form.cleaned_data["outcome_kind"],
                    achievement=achievement,
                    skill=skill,
                    valid_days=form.cleaned_data.get("valid_days"),
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("The rule was added."))
                return redirect("badges:issuer_rules", slug=issuer.slug)
        status = 400
    rules = (
        IssuingRule.objects.visible_to(request.user)
        .filter(issuer=issuer)
        .select_related("skill", "achievement")
        .prefetch_related("achievement__translations", "skill__translations")
    )
    return render(
        request,
        "badges/issuer_rules.html",
        {"issuer": issuer, "rules": rules, "form": form},
        status=status,
    )


@login_required
@require_POST
def rule_delete(request: HttpRequest, slug: str, rule_id: int) -> HttpResponse:
    issuer = _managed_issuer(request, slug)
    rule = get_object_or_404(
        IssuingRule.objects.visible_to(request.user), pk=rule_id, issuer=issuer
    )
    actions.delete_rule(rule=rule, by=_user(request))
    messages.success(request, _("The rule was removed; badges it awarded stay."))
    return redirect("badges:issuer_rules", slug=issuer.slug)


@login_required
@require_GET
def issuer_credentials(request: HttpRequest, slug: str) -> HttpResponse:
    issuer = _managed_issuer(request, slug)
    found = (
        Credential.objects.issued_by(request.user)
        .filter(issuer=issuer)
        .select_related("recipient", "achievement")
        .prefetch_related("achievement__translations")
    )
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "badges/issuer_credentials.html", {"issuer": issuer, "page": page})


# --- achievements --------------------------------------------------------------------------------


@require_GET
def achievement_list(request: HttpRequest) -> HttpResponse:
    found = Achievement.objects.listed_for(request.user).with_translations()
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "badges/achievement_list.html", {"page": page})


def _achievement(request: HttpRequest, public_id: UUID) -> Achievement:
    return get_object_or_404(
        Achievement.objects.visible_to(request.user).with_translations(), public_id=public_id
    )


@require_GET
def achievement_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    achievement = _achievement(request, public_id)
    return render(
        request,
        "badges/achievement_detail.html",
        {
            "achievement": achievement,
            "text": achievement.translation(),
            "translations": achievement.translations.all(),
            "skills": achievement.skills.all(),
            "can_issue": achievement.issuer.can_issue(request.user),
        },
    )


@require_GET
def achievement_json(request: HttpRequest, public_id: UUID) -> HttpResponse:
    achievement = _achievement(request, public_id)
    document = {"@context": list(issuers.OB3_CONTEXTS), **achievement_document(achievement)}
    return _json(document, content_type="application/ld+json")


@require_GET
def achievement_image(request: HttpRequest, public_id: UUID) -> HttpResponse:
    # Images of retired achievements stay reachable: issued credentials point at them.
    achievement = get_object_or_404(
        Achievement.objects.only("image", "image_type"), public_id=public_id
    )
    response = HttpResponse(bytes(achievement.image), content_type=achievement.image_content_type)
    response["Access-Control-Allow-Origin"] = "*"
    # An SVG opened directly must not run anything, whatever slipped through validation.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def achievement_create(request: HttpRequest, slug: str) -> HttpResponse:
    issuer = _managed_issuer(request, slug)
    form = AchievementForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                achievement = actions.create_achievement(
                    issuer=issuer,
                    by=_user(request),
                    texts=form.texts(),
                    image=form.cleaned_data["image"] or b"",
                    default_locale=form.cleaned_data["default_locale"],
                    skills=form.selected_skills(),
                    level=form.cleaned_data.get("level"),
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                if not form.cleaned_data["is_active"]:
                    achievement.is_active = False
                    achievement.save(update_fields=["is_active"])
                messages.success(request, _("The achievement was created."))
                return redirect(achievement.get_absolute_url())
        return render(
            request, "badges/achievement_form.html", {"form": form, "issuer": issuer}, status=400
        )
    form.initial.setdefault("default_locale", request.LANGUAGE_CODE)
    return render(request, "badges/achievement_form.html", {"form": form, "issuer": issuer})


@login_required
@require_http_methods(["GET", "POST"])
def achievement_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    achievement = _achievement(request, public_id)
    issuer = _managed_issuer(request, achievement.issuer.slug)
    form = AchievementForm(request.POST or None, request.FILES or None, achievement=achievement)
    context = {"form": form, "issuer": issuer, "achievement": achievement}
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.update_achievement(
                    achievement=achievement,
                    by=_user(request),
                    texts=form.texts(),
                    default_locale=form.cleaned_data["default_locale"],
                    image=form.cleaned_data["image"],
                    skills=form.selected_skills(),
                    level=form.cleaned_data.get("level"),
                    is_active=form.cleaned_data["is_active"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("The achievement was saved."))
                return redirect(achievement.get_absolute_url())
        return render(request, "badges/achievement_form.html", context, status=400)
    return render(request, "badges/achievement_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def award(request: HttpRequest, public_id: UUID) -> HttpResponse:
    achievement = _achievement(request, public_id)
    _managed_issuer(request, achievement.issuer.slug)
    form = AwardForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            recipient = (
                get_user_model()
                .objects.filter(username=form.cleaned_data["username"], is_active=True)
                .first()
            )
            if recipient is None:
                form.add_error(
                    "username",
                    _("Nobody here has the user name %(username)s.")
                    % {"username": form.cleaned_data["username"]},
                )
            else:
                try:
                    credential = actions.award_badge(
                        achievement=achievement,
                        recipient=recipient,
                        by=_user(request),
                        evidence=form.evidence(),
                        valid_until=form.valid_until_moment(),
                        recipient_kind=form.cleaned_data["identity"],
                    )
                except ValidationError as error:
                    _add_errors(form, error)
                else:
                    messages.success(
                        request,
                        _("The badge was awarded to %(username)s.")
                        % {"username": recipient.username},
                    )
                    return redirect(credential.get_absolute_url())
        return render(
            request,
            "badges/award.html",
            {"form": form, "achievement": achievement, "csv_form": CsvAwardForm()},
            status=400,
        )
    return render(
        request,
        "badges/award.html",
        {"form": form, "achievement": achievement, "csv_form": CsvAwardForm()},
    )


@login_required
@require_POST
def award_csv(request: HttpRequest, public_id: UUID) -> HttpResponse:
    achievement = _achievement(request, public_id)
    issuer = _managed_issuer(request, achievement.issuer.slug)
    csv_form = CsvAwardForm(request.POST, request.FILES)
    row_errors: list[str] = []
    if csv_form.is_valid():
        try:
            awarded = actions.award_badges_from_csv(
                achievement=achievement, by=_user(request), data=csv_form.cleaned_data["file"]
            )
        except ValidationError as error:
            row_errors = _error_messages(error)
        else:
            messages.success(
                request,
                _("%(count)s badges were awarded.") % {"count": len(awarded)},
            )
            return redirect("badges:issuer_credentials", slug=issuer.slug)
    return render(
        request,
        "badges/award.html",
        {
            "form": AwardForm(),
            "achievement": achievement,
            "csv_form": csv_form,
            "row_errors": row_errors,
        },
        status=400,
    )


# --- credentials ---------------------------------------------------------------------------------


def _credential(request: HttpRequest, public_id: UUID) -> Credential:
    """A credential the viewer may see: their own, a public one, or one their issuer issued."""
    gate = Credential.objects.visible_to(request.user).values("pk")
    issued = Credential.objects.issued_by(request.user).values("pk")
    return get_object_or_404(
        Credential.objects.filter(Q(pk__in=gate) | Q(pk__in=issued))
        .select_related("achievement", "issuer", "issuer__organization", "recipient")
        .prefetch_related("achievement__translations"),
        public_id=public_id,
    )


def _shared(share_slug: str) -> Credential:
    return get_object_or_404(
        Credential.objects.shared(share_slug).select_related(
            "achievement", "issuer", "issuer__organization", "recipient"
        ),
        share_slug=share_slug,
    )


def _credential_page(
    request: HttpRequest, credential: Credential, *, shared: bool = False
) -> HttpResponse:
    user = request.user
    is_owner = user.is_authenticated and credential.recipient_id == user.pk
    can_revoke = not credential.is_revoked and credential.issuer.can_issue(user)
    return render(
        request,
        "badges/credential_detail.html",
        {
            "credential": credential,
            "achievement": credential.achievement,
            "name": credential.document.get("name", str(credential.achievement)),
            "is_owner": is_owner,
            "can_revoke": can_revoke,
            "visibility_form": VisibilityForm(initial={"visibility": credential.visibility})
            if is_owner
            else None,
            "document": json.dumps(credential.document, ensure_ascii=False, indent=2),
            "json_url": reverse("badges:shared_json", args=[credential.share_slug])
            if shared
            else reverse("badges:credential_json", args=[credential.public_id]),
            "baked_url": reverse("badges:shared_baked", args=[credential.share_slug])
            if shared
            else reverse("badges:credential_baked", args=[credential.public_id]),
        },
    )


def _download_json(credential: Credential) -> HttpResponse:
    response = _json(credential.document, content_type="application/ld+json")
    response["Content-Disposition"] = f'attachment; filename="badge-{credential.public_id}.json"'
    return response


def _download_baked(credential: Credential) -> HttpResponse:
    achievement = credential.achievement
    if achievement.image_type == Achievement.ImageType.SVG:
        data, extension = bake_svg(bytes(achievement.image), credential.document), "svg"
    else:
        data, extension = bake_png(bytes(achievement.image), credential.document), "png"
    response = HttpResponse(data, content_type=achievement.image_content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="badge-{credential.public_id}.{extension}"'
    )
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@require_GET
def credential_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _credential_page(request, _credential(request, public_id))


@require_GET
def credential_json(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _download_json(_credential(request, public_id))


@require_GET
def credential_baked(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _download_baked(_credential(request, public_id))


@require_GET
def shared(request: HttpRequest, share_slug: str) -> HttpResponse:
    return _credential_page(request, _shared(share_slug), shared=True)


@require_GET
def shared_json(request: HttpRequest, share_slug: str) -> HttpResponse:
    return _download_json(_shared(share_slug))


@require_GET
def shared_baked(request: HttpRequest, share_slug: str) -> HttpResponse:
    return _download_baked(_shared(share_slug))


@login_required
@require_POST
def credential_visibility(request: HttpRequest, public_id: UUID) -> HttpResponse:
    credential = get_object_or_404(Credential.objects.visible_to(request.user), public_id=public_id)
    form = VisibilityForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose who sees this badge."))
        return redirect(credential.get_absolute_url())
    actions.set_credential_visibility(
        credential=credential, by=_user(request), visibility=form.cleaned_data["visibility"]
    )
    messages.success(request, _("Saved who sees this badge."))
    if request.POST.get("next") == "list":
        return redirect("badges:person_badges", username=_user(request).username)
    return redirect(credential.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def credential_revoke(request: HttpRequest, public_id: UUID) -> HttpResponse:
    credential = get_object_or_404(
        Credential.objects.issued_by(request.user).select_related("achievement", "recipient"),
        public_id=public_id,
    )
    form = RevokeForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.revoke_credential(
                    credential=credential, by=_user(request), reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("The badge was revoked."))
                return redirect(credential.get_absolute_url())
        return render(
            request, "badges/revoke.html", {"form": form, "credential": credential}, status=400
        )
    return render(request, "badges/revoke.html", {"form": form, "credential": credential})


# --- a person's badges ---------------------------------------------------------------------------


@require_GET
def person_badges(request: HttpRequest, username: str) -> HttpResponse:
    person = get_object_or_404(get_user_model(), username=username, is_active=True)
    is_owner = request.user.is_authenticated and request.user.pk == person.pk
    found = (
        Credential.objects.visible_to(request.user)
        .filter(recipient=person)
        .select_related("achievement", "issuer", "issuer__organization")
        .prefetch_related("achievement__translations")
    )
    if not is_owner:
        found = found.filter(revoked_at__isnull=True)
    imported = ImportedCredential.objects.visible_to(request.user).filter(owner=person)
    return render(
        request,
        "badges/person_badges.html",
        {
            "person": person,
            "is_owner": is_owner,
            "credentials": found,
            "visibility_choices": Credential.Visibility.choices,
            "imported": [
                {"item": item, "verdict": str(VERDICT_MESSAGES[Verdict(item.verdict)])}
                for item in imported
            ],
        },
    )


# --- imported credentials ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def import_credential(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.import_credential(
                    owner=user,
                    data=form.cleaned_data.get("file"),
                    text=form.cleaned_data.get("text"),
                    supplied=form.cleaned_data.get("documents") or {},
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The badge was verified and added to your badges. Only you see it for now."),
                )
                return redirect("badges:person_badges", username=user.username)
        return render(request, "badges/import.html", {"form": form}, status=400)
    return render(request, "badges/import.html", {"form": form})


def _own_import(request: HttpRequest, public_id: UUID) -> ImportedCredential:
    return get_object_or_404(
        ImportedCredential.objects.visible_to(request.user).filter(owner_id=request.user.pk),
        public_id=public_id,
    )


@login_required
@require_POST
def imported_visibility(request: HttpRequest, public_id: UUID) -> HttpResponse:
    imported = _own_import(request, public_id)
    actions.set_imported_visibility(
        imported=imported, by=_user(request), is_public=request.POST.get("is_public") == "1"
    )
    messages.success(request, _("Saved who sees this badge."))
    return redirect("badges:person_badges", username=_user(request).username)


@login_required
@require_POST
def imported_remove(request: HttpRequest, public_id: UUID) -> HttpResponse:
    imported = _own_import(request, public_id)
    actions.remove_imported(imported=imported, by=_user(request))
    messages.success(request, _("The badge was removed from your badges page."))
    return redirect("badges:person_badges", username=_user(request).username)


@require_GET
def imported_json(request: HttpRequest, public_id: UUID) -> HttpResponse:
    imported = get_object_or_404(
        ImportedCredential.objects.visible_to(request.user), public_id=public_id
    )
    if imported.format == "vc-jwt":
        response = HttpResponse(imported.original, content_type="application/vc+jwt")
        extension = "jwt"
    else:
        response = _json(imported.document, content_type="application/ld+json")
        extension = "json"
    response["Content-Disposition"] = (
        f'attachment; filename="badge-{imported.public_id}.{extension}"'
    )
    return response
