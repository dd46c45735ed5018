"""JSON API of the vocabulary (mounted under /api/v1/ by config/api.py): skills, languages,
regions and countries. Reads are public; adding and changing skills is for curators.

Labels come in the language asked for with ``?lang=`` (a BCP-47 tag), else the request's
language; ``locale`` says which language was actually used and ``is_fallback`` is true when it
is not the one asked for."""

# No ``from __future__ import annotations``: ninja reads the annotations at import time.

import datetime
from collections.abc import Iterator, Sequence
from typing import Any, overload

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from skillcommons.core.api import SIGNED_IN, ErrorResponse, PagePagination

from . import actions, selectors
from .locales import normalize_tag
from .models import CountryRegion, Language, RegionScheme, Skill
from .regions import country_codes, country_name

router = Router(tags=["skills, languages and regions"])

LANG_DESCRIPTION = "BCP-47 tag of the label language (default: the request's language)"


class TranslationIn(Schema):
    locale: str = Field(max_length=35, description="BCP-47 tag of a known language")
    label: str = Field(min_length=1, max_length=120)
    description: str = Field("", max_length=2000)
    synonyms: list[str] = Field(default_factory=list, max_length=20)


class TranslationOut(Schema):
    locale: str
    label: str
    description: str
    synonyms: list[str]


class SkillRef(Schema):
    code: str
    label: str
    locale: str


class SkillOut(Schema):
    code: str
    parent: str | None = Field(description="code of the parent skill; null for an area")
    depth: int = Field(description="0 = area, 1 = skill, 2 = sub-skill")
    wikidata_qid: str
    position: int
    is_active: bool
    label: str
    description: str
    locale: str = Field(description="language of label and description")
    is_fallback: bool = Field(description="true when no label exists in the language asked for")
    url: str


class SkillDetailOut(SkillOut):
    ancestors: list[SkillRef]
    children: list[SkillRef]
    translations: list[TranslationOut]


class TreeNodeOut(Schema):
    code: str
    label: str
    locale: str
    is_fallback: bool
    children: list["TreeNodeOut"]


TreeNodeOut.model_rebuild()


class SkillIn(Schema):
    code: str = Field(max_length=80)
    parent: str | None = Field(None, description="code of the parent skill")
    wikidata_qid: str = Field("", max_length=13)
    position: int = Field(0, ge=0, le=1_000_000)
    is_active: bool = True
    translations: list[TranslationIn] = Field(min_length=1, max_length=400)


class SkillPatch(Schema):
    code: str | None = Field(None, max_length=80)
    parent: str | None = Field(None, description="code of the new parent; null makes an area")
    wikidata_qid: str | None = Field(None, max_length=13)
    position: int | None = Field(None, ge=0, le=1_000_000)
    is_active: bool | None = None
    translations: list[TranslationIn] | None = Field(
        None, max_length=400, description="labels to add or replace; others are kept"
    )


class SkillFilters(Schema):
    q: str = Field("", max_length=100, description="part of a label or synonym, any language")
    parent: str | None = Field(None, description="code of the parent; empty for areas only")
    lang: str | None = Field(None, max_length=35, description=LANG_DESCRIPTION)


class LangFilter(Schema):
    lang: str | None = Field(None, max_length=35, description=LANG_DESCRIPTION)


class LanguageOut(Schema):
    code: str
    autonym: str
    english_name: str
    direction: str


class CountryRef(Schema):
    code: str
    name: str


class RegionOut(Schema):
    code: str
    name: str
    countries: list[CountryRef]


class RegionSchemeOut(Schema):
    version: str
    effective_from: datetime.date
    is_current: bool
    regions: list[RegionOut]


class CountryOut(Schema):
    code: str = Field(description="ISO 3166-1 alpha-2")
    name: str
    region: str = Field(description="region code under the current scheme; empty if unmapped")


def _lang(request: HttpRequest, lang: str | None) -> str:
    if not lang:
        return selectors.ui_tag()
    try:
        return normalize_tag(lang)
    except ValueError:
        raise HttpError(400, _("“%(tag)s” is not a valid language tag.") % {"tag": lang}) from None


def _skill_out(skill: Skill, lang: str) -> dict[str, Any]:
    text = selectors.localize(skill, lang)
    return {
        "code": skill.code,
        "parent": skill.parent.code if skill.parent else None,
        "depth": skill.depth,
        "wikidata_qid": skill.wikidata_qid,
        "position": skill.position,
        "is_active": skill.is_active,
        "label": text.label,
        "description": text.description,
        "locale": text.locale,
        "is_fallback": text.is_fallback,
        "url": skill.get_absolute_url(),
    }


def _ref(skill: Skill, lang: str) -> dict[str, str]:
    text = selectors.localize(skill, lang)
    return {"code": skill.code, "label": text.label, "locale": text.locale}


def _detail(skill: Skill, viewer: Any, lang: str) -> dict[str, Any]:
    children = Skill.objects.visible_to(viewer).with_translations().filter(parent=skill)
    return {
        **_skill_out(skill, lang),
        "ancestors": [_ref(a, lang) for a in skill.ancestors()],
        "children": [_ref(c, lang) for c in children],
        "translations": [
            {
                "locale": t.locale,
                "label": t.label,
                "description": t.description,
                "synonyms": t.synonyms,
            }
            for t in sorted(skill.translations.all(), key=lambda t: t.locale)
        ],
    }


class _LocalizedPage(Sequence[dict[str, Any]]):
    """A queryset that the paginator can count and slice, turned into dicts page by page."""

    def __init__(self, queryset: Any, lang: str) -> None:
        self.queryset = queryset
        self.lang = lang

    def __len__(self) -> int:
        return int(self.queryset.count())

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...
    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, slice):
            return [_skill_out(s, self.lang) for s in self.queryset[index]]
        return _skill_out(self.queryset[index], self.lang)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return (_skill_out(s, self.lang) for s in self.queryset)


@router.get("/skills", response=list[SkillOut], summary="List and search skills")
@paginate(PagePagination)
def list_skills(request: HttpRequest, filters: Query[SkillFilters]) -> Any:
    lang = _lang(request, filters.lang)
    skills = (
        Skill.objects.visible_to(request.user)
        .with_translations()
        .select_related("parent")
        .order_by("depth", "position", "code")
    )
    if filters.parent is not None:
        if filters.parent == "":
            skills = skills.filter(parent__isnull=True)
        else:
            parent = get_object_or_404(Skill.objects.visible_to(request.user), code=filters.parent)
            skills = skills.filter(parent=parent)
    if filters.q.strip():
        skills = skills.filter(pk__in=selectors.search_skill_ids(request.user, filters.q))
    return _LocalizedPage(skills, lang)


@router.get("/skills/tree", response=list[TreeNodeOut], summary="The whole skill tree")
def skill_tree(request: HttpRequest, filters: Query[LangFilter]) -> Any:
    lang = _lang(request, filters.lang)

    def out(node: selectors.TreeNode) -> dict[str, Any]:
        return {
            "code": node.skill.code,
            "label": node.text.label,
            "locale": node.text.locale,
            "is_fallback": node.text.is_fallback,
            "children": [out(child) for child in node.children],
        }

    return [out(node) for node in selectors.skill_tree(request.user, lang)]


@router.get(
    "/skills/{code}",
    response={200: SkillDetailOut, 404: ErrorResponse},
    summary="One skill with its labels in all languages",
)
def get_skill(request: HttpRequest, code: str, filters: Query[LangFilter]) -> Any:
    lang = _lang(request, filters.lang)
    skill = get_object_or_404(
        Skill.objects.visible_to(request.user).with_translations().select_related("parent"),
        code=code,
    )
    return _detail(skill, request.user, lang)


def _translations(items: list[TranslationIn]) -> list[actions.TranslationInput]:
    return [
        actions.TranslationInput(i.locale, i.label, i.description, tuple(i.synonyms)) for i in items
    ]


def _parent(code: str | None) -> Skill | None:
    if not code:
        return None
    found = Skill.objects.filter(code=code).first()
    if found is None:
        raise ValidationError(
            {"parent": _("There is no skill with the code “%(code)s”.") % {"code": code}}
        )
    return found


@router.post(
    "/skills",
    auth=SIGNED_IN,
    response={201: SkillDetailOut, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse},
    summary="Add a skill (curators)",
)
def create_skill(request: HttpRequest, payload: SkillIn, filters: Query[LangFilter]) -> Any:
    lang = _lang(request, filters.lang)
    if not actions.is_curator(request.user):
        raise HttpError(403, _("Only curators of the skill taxonomy can do this."))
    skill = actions.create_skill(
        actor=request.user,
        code=payload.code,
        parent=_parent(payload.parent),
        wikidata_qid=payload.wikidata_qid,
        position=payload.position,
        is_active=payload.is_active,
        translations=_translations(payload.translations),
    )
    skill = Skill.objects.with_translations().select_related("parent").get(pk=skill.pk)
    return Status(201, _detail(skill, request.user, lang))


@router.patch(
    "/skills/{code}",
    auth=SIGNED_IN,
    response={
        200: SkillDetailOut,
        400: ErrorResponse,
        401: ErrorResponse,
        403: ErrorResponse,
        404: ErrorResponse,
    },
    summary="Change a skill (curators)",
)
def update_skill(
    request: HttpRequest, code: str, payload: SkillPatch, filters: Query[LangFilter]
) -> Any:
    lang = _lang(request, filters.lang)
    if not actions.is_curator(request.user):
        raise HttpError(403, _("Only curators of the skill taxonomy can do this."))
    skill = get_object_or_404(Skill, code=code)
    given = payload.model_fields_set
    changes: dict[str, Any] = {
        name: getattr(payload, name)
        for name in ("code", "wikidata_qid", "position", "is_active")
        if name in given and getattr(payload, name) is not None
    }
    if "parent" in given:
        changes["parent"] = _parent(payload.parent)
    skill = actions.update_skill(
        actor=request.user,
        skill=skill,
        translations=_translations(payload.translations or []),
        **changes,
    )
    skill = Skill.objects.with_translations().select_related("parent").get(pk=skill.pk)
    return _detail(skill, request.user, lang)


@router.get("/languages", response=list[LanguageOut], summary="Known languages")
def list_languages(request: HttpRequest) -> Any:
    return Language.objects.filter(is_active=True).order_by("code")


@router.get(
    "/regions",
    response={200: RegionSchemeOut, 404: ErrorResponse},
    summary="Regions of the current scheme, with their countries",
)
def list_regions(request: HttpRequest, filters: Query[LangFilter]) -> Any:
    lang = _lang(request, filters.lang)
    scheme = get_object_or_404(RegionScheme, is_current=True)
    regions: list[dict[str, Any]] = []
    with translation.override(lang):
        for region in scheme.regions.prefetch_related("countries").order_by("code"):
            countries = [
                {"code": c.country, "name": country_name(c.country, lang)}
                for c in region.countries.all()
            ]
            countries.sort(key=lambda item: item["name"].casefold())
            regions.append({"code": region.code, "name": str(region.name), "countries": countries})
    return {
        "version": scheme.version,
        "effective_from": scheme.effective_from,
        "is_current": scheme.is_current,
        "regions": regions,
    }


@router.get("/countries", response=list[CountryOut], summary="Countries and their regions")
def list_countries(request: HttpRequest, filters: Query[LangFilter]) -> Any:
    lang = _lang(request, filters.lang)
    regions = dict(
        CountryRegion.objects.filter(scheme__is_current=True).values_list("country", "region__code")
    )
    rows: list[dict[str, str]] = [
        {"code": code, "name": country_name(code, lang), "region": regions.get(code, "")}
        for code in country_codes()
    ]
    return sorted(rows, key=lambda row: row["name"].casefold())
