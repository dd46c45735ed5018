"""Pages of the vocabulary: the skill browser and search, skill pages, languages, regions, and
the curators' forms (add, edit, import, export)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from . import actions, selectors
from .forms import ImportForm, SkillForm
from .models import Language, RegionScheme, Skill
from .regions import country_name

View = Callable[..., HttpResponse]


def curator_required(view: View) -> View:
    """Visitors are sent to sign in; members without the curator permission get 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not actions.is_curator(request.user):
            raise PermissionDenied(_("Only curators of the skill taxonomy can do this."))
        return view(request, *args, **kwargs)

    return wrapped


@require_GET
def skill_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[: selectors.MAX_QUERY_LENGTH]
    context: dict[str, Any] = {
        "query": query,
        "hits": selectors.search_skills(request.user, query) if query else None,
        "is_curator": actions.is_curator(request.user),
        "ui_tag": selectors.ui_tag(),
    }
    if request.headers.get("HX-Request") == "true":
        return render(request, "taxonomy/_search_results.html", context)
    if not query:
        context["tree"] = selectors.skill_tree(request.user)
    return render(request, "taxonomy/skill_list.html", context)


@require_GET
def skill_detail(request: HttpRequest, code: str) -> HttpResponse:
    skill = get_object_or_404(
        Skill.objects.visible_to(request.user).with_translations().select_related("parent"),
        code=code,
    )
    children = Skill.objects.visible_to(request.user).with_translations().filter(parent=skill)
    languages = {lang.code: lang for lang in Language.objects.all()}
    translations = sorted(skill.translations.all(), key=lambda t: t.locale)
    return render(
        request,
        "taxonomy/skill_detail.html",
        {
            "skill": skill,
            "text": selectors.localize(skill),
            "ancestors": [(a, selectors.localize(a)) for a in skill.ancestors()],
            "children": sorted(
                ((c, selectors.localize(c)) for c in children),
                key=lambda pair: (pair[0].position, pair[1].label.casefold()),
            ),
            "translations": [(t, languages.get(t.locale)) for t in translations],
            "is_curator": actions.is_curator(request.user),
        },
    )


@require_GET
def language_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "taxonomy/language_list.html",
        {"languages": Language.objects.filter(is_active=True).order_by("code")},
    )


@require_GET
def region_list(request: HttpRequest) -> HttpResponse:
    version = request.GET.get("version", "")
    schemes = RegionScheme.objects.all()
    scheme = (
        schemes.filter(version=version).first()
        if version
        else schemes.filter(is_current=True).first()
    )
    if version and scheme is None:
        raise Http404(_("There is no region scheme with this version."))
    regions = []
    if scheme is not None:
        for region in scheme.regions.prefetch_related("countries").order_by("code"):
            countries = sorted(
                ((c.country, country_name(c.country)) for c in region.countries.all()),
                key=lambda pair: pair[1].casefold(),
            )
            regions.append((region, countries))
        regions.sort(key=lambda pair: str(pair[0].name).casefold())
    return render(
        request,
        "taxonomy/region_list.html",
        {"scheme": scheme, "schemes": schemes, "regions": regions},
    )


def _form_errors(form: SkillForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, messages_ in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


@curator_required
@require_http_methods(["GET", "POST"])
def skill_create(request: HttpRequest) -> HttpResponse:
    initial = {}
    parent_code = request.GET.get("parent", "")
    if parent_code:
        initial["parent"] = Skill.objects.filter(code=parent_code).first()
    form = SkillForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            skill = actions.create_skill(
                actor=request.user,
                code=form.cleaned_data["code"],
                parent=form.cleaned_data["parent"],
                wikidata_qid=form.cleaned_data["wikidata_qid"],
                position=form.cleaned_data["position"],
                is_active=form.cleaned_data["is_active"],
                translations=form.translations(),
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The skill was added."))
            return redirect(skill)
    return render(request, "taxonomy/skill_form.html", {"form": form, "skill": None})


@curator_required
@require_http_methods(["GET", "POST"])
def skill_edit(request: HttpRequest, code: str) -> HttpResponse:
    skill = get_object_or_404(Skill.objects.with_translations(), code=code)
    initial = {
        "code": skill.code,
        "parent": skill.parent,
        "wikidata_qid": skill.wikidata_qid,
        "position": skill.position,
        "is_active": skill.is_active,
    }
    form = SkillForm(request.POST or None, initial=initial, skill=skill)
    if request.method == "POST" and form.is_valid():
        try:
            updated = actions.update_skill(
                actor=request.user,
                skill=skill,
                code=form.cleaned_data["code"],
                parent=form.cleaned_data["parent"],
                wikidata_qid=form.cleaned_data["wikidata_qid"],
                position=form.cleaned_data["position"],
                is_active=form.cleaned_data["is_active"],
                translations=form.translations(),
                remove_locales=form.blank_languages(),
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The skill was saved."))
            return redirect(updated)
    return render(request, "taxonomy/skill_form.html", {"form": form, "skill": skill})


@curator_required
@require_http_methods(["GET", "POST"])
def taxonomy_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            summary = actions.import_taxonomy(
                actor=request.user, data=data, format=actions.guess_format(upload.name, data)
            )
        except ValidationError as error:
            problems = error.messages
        else:
            messages.success(
                request,
                _(
                    "Imported: %(created)d skills added, %(updated)d changed, %(translations)d "
                    "labels written."
                )
                % {
                    "created": summary.created,
                    "updated": summary.updated,
                    "translations": summary.translations,
                },
            )
            return redirect("taxonomy:skill_list")
    return render(request, "taxonomy/import.html", {"form": form, "problems": problems[:200]})


@curator_required
@require_GET
def taxonomy_export(request: HttpRequest, format: str) -> HttpResponse:
    if format not in ("json", "csv"):
        raise Http404
    body = actions.export_taxonomy(format="json" if format == "json" else "csv")
    content_type = "application/json" if format == "json" else "text/csv"
    response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="skill-taxonomy-{stamp}.{format}"'
    return response
