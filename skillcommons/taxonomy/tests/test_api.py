"""The JSON API of the vocabulary: shapes, filters, pagination, errors and curator writes."""

from __future__ import annotations

import json
from typing import Any

import pycountry
import pytest
from django.test import Client

from skillcommons.taxonomy.models import Skill

from .factories import make_curator, make_member, make_skill

pytestmark = pytest.mark.django_db

SKILL_KEYS = {
    "code",
    "parent",
    "depth",
    "wikidata_qid",
    "position",
    "is_active",
    "label",
    "description",
    "locale",
    "is_fallback",
    "url",
}


def get(client: Client, url: str, **params: Any) -> tuple[int, Any]:
    response = client.get(url, params)
    return response.status_code, response.json()


def send(client: Client, method: str, url: str, body: Any) -> tuple[int, Any]:
    response = getattr(client, method)(url, json.dumps(body), content_type="application/json")
    return response.status_code, response.json()


def test_list_is_paginated_with_the_shared_shape(client: Client) -> None:
    status, body = get(client, "/api/v1/skills", page=2, page_size=10)
    assert status == 200
    assert set(body) == {"count", "page", "page_size", "pages", "results"}
    assert body["count"] == Skill.objects.count() and body["page"] == 2
    assert body["pages"] == -(-body["count"] // 10)
    assert len(body["results"]) == 10
    assert set(body["results"][0]) == SKILL_KEYS
    _status, first = get(client, "/api/v1/skills", page=1, page_size=10)
    assert not {r["code"] for r in first["results"]} & {r["code"] for r in body["results"]}


@pytest.mark.parametrize("params", [{"page": 0}, {"page_size": 0}, {"page_size": 100000}])
def test_bad_pages_are_400_in_the_error_format(client: Client, params: dict[str, int]) -> None:
    status, body = get(client, "/api/v1/skills", **params)
    assert status == 400
    assert body["error"]["status"] == 400 and body["error"]["message"]


def test_lang_chooses_the_label_language(client: Client) -> None:
    _status, body = get(client, "/api/v1/skills", q="lua", lang="ar")
    lua = next(r for r in body["results"] if r["code"] == "lua")
    assert lua["label"] == "البرمجة بلغة لوا"
    assert lua["locale"] == "ar" and lua["is_fallback"] is False


def test_bad_lang_is_400(client: Client) -> None:
    status, body = get(client, "/api/v1/skills", lang="!!")
    assert status == 400 and body["error"]["code"] == "bad_request"


@pytest.mark.parametrize("query", ["ব্যবস্থাপনা", "GESTIÓN", "Scribunto", "परियोजना"])
def test_q_searches_labels_and_synonyms_in_any_language(client: Client, query: str) -> None:
    _status, body = get(client, "/api/v1/skills", q=query, page_size=100)
    assert body["count"] >= 1
    codes = {r["code"] for r in body["results"]}
    assert codes & {"project-management", "lua", "volunteer-management", "financial-management"}


def test_parent_filter(client: Client) -> None:
    _status, body = get(client, "/api/v1/skills", parent="wikidata", page_size=100)
    assert {r["code"] for r in body["results"]} == {"sparql", "data-modelling", "batch-editing"}
    _status, body = get(client, "/api/v1/skills", parent="", page_size=100)
    assert all(r["depth"] == 0 for r in body["results"]) and body["count"] == 12
    status, body = get(client, "/api/v1/skills", parent="nothing-here")
    assert status == 404 and body["error"]["code"] == "not_found"


def test_fallback_is_flagged(client: Client) -> None:
    make_skill(code="zz-es", labels={"es": "Sólo español"})
    _status, body = get(client, "/api/v1/skills/zz-es", lang="fr")
    assert body["label"] == "Sólo español"
    assert body["locale"] == "es" and body["is_fallback"] is True


def test_tree_is_nested(client: Client) -> None:
    status, body = get(client, "/api/v1/skills/tree", lang="bn")
    assert status == 200 and len(body) == 12
    technical = next(n for n in body if n["code"] == "technical")
    wikidata = next(n for n in technical["children"] if n["code"] == "wikidata")
    assert wikidata["label"] == "উইকিউপাত্ত"
    assert {c["code"] for c in wikidata["children"]} == {
        "sparql",
        "data-modelling",
        "batch-editing",
    }


def test_detail_has_ancestors_children_and_all_translations(client: Client) -> None:
    status, body = get(client, "/api/v1/skills/wikidata")
    assert status == 200
    assert set(body) == SKILL_KEYS | {"ancestors", "children", "translations"}
    assert body["wikidata_qid"] == "Q2013"
    assert [a["code"] for a in body["ancestors"]] == ["technical"]
    assert len(body["translations"]) == 7
    status, body = get(client, "/api/v1/skills/nope")
    assert status == 404 and body["error"]["code"] == "not_found"


def test_languages_regions_and_countries(client: Client) -> None:
    _status, languages = get(client, "/api/v1/languages")
    assert {
        "code": "ar",
        "autonym": "العربية",
        "english_name": "Arabic",
        "direction": "rtl",
    } in languages
    _status, regions = get(client, "/api/v1/regions", lang="es")
    assert regions["version"] == "2024" and regions["is_current"] is True
    assert len(regions["regions"]) == 8
    nwe = next(r for r in regions["regions"] if r["code"] == "NWE")
    assert {"code": "DE", "name": "Alemania"} in nwe["countries"]
    _status, countries = get(client, "/api/v1/countries", lang="fr")
    assert len(countries) == len(pycountry.countries)
    assert {"code": "DE", "name": "Allemagne", "region": "NWE"} in countries


NEW_SKILL = {
    "code": "zz-api",
    "parent": "technical",
    "wikidata_qid": "",
    "position": 7,
    "translations": [
        {"locale": "en", "label": "API skill", "description": "Made through the API."},
        {"locale": "hi", "label": "एपीआई कौशल", "synonyms": ["API"]},
    ],
}


def test_anonymous_writes_are_401(client: Client) -> None:
    status, body = send(client, "post", "/api/v1/skills", NEW_SKILL)
    assert status == 401 and body["error"]["code"] == "not_authenticated"
    status, _body = send(client, "patch", "/api/v1/skills/lua", {"position": 1})
    assert status == 401
    assert not Skill.objects.filter(code="zz-api").exists()


def test_members_writes_are_403(client: Client) -> None:
    client.force_login(make_member())
    status, body = send(client, "post", "/api/v1/skills", NEW_SKILL)
    assert status == 403 and body["error"]["code"] == "forbidden"
    status, _body = send(client, "patch", "/api/v1/skills/lua", {"position": 1})
    assert status == 403
    assert Skill.objects.get(code="lua").position == 20


def test_curator_creates_and_patches_a_skill(client: Client) -> None:
    client.force_login(make_curator())
    status, body = send(client, "post", "/api/v1/skills?lang=hi", NEW_SKILL)
    assert status == 201, body
    assert body["label"] == "एपीआई कौशल" and body["parent"] == "technical" and body["depth"] == 1
    status, body = send(
        client,
        "patch",
        "/api/v1/skills/zz-api",
        {"parent": None, "translations": [{"locale": "fr", "label": "Compétence API"}]},
    )
    assert status == 200, body
    assert body["parent"] is None and body["depth"] == 0
    assert {t["locale"] for t in body["translations"]} == {"en", "fr", "hi"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"code": "lua"}, "code"),
        ({"parent": "nowhere"}, "parent"),
        ({"parent": "lua"}, "parent"),
        ({"wikidata_qid": "X1"}, "wikidata_qid"),
        ({"translations": [{"locale": "qaa", "label": "x"}]}, "locale"),
        ({"translations": []}, "translations"),
        ({"position": -1}, "position"),
    ],
)
def test_bad_skill_is_refused_naming_the_field(
    client: Client, change: dict[str, Any], field: str
) -> None:
    client.force_login(make_curator())
    status, body = send(client, "post", "/api/v1/skills", {**NEW_SKILL, **change})
    assert status in (400, 422), body
    assert field in {f["field"] for f in body["error"]["fields"]}
    assert not Skill.objects.filter(code="zz-api").exists()


def test_patch_cannot_create_a_cycle(client: Client) -> None:
    client.force_login(make_curator())
    status, body = send(client, "patch", "/api/v1/skills/wikidata", {"parent": "sparql"})
    assert status == 400 and body["error"]["fields"][0]["field"] == "parent"
    assert Skill.objects.get(code="wikidata").parent == Skill.objects.get(code="technical")


def test_openapi_documents_the_schemas(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/skills/tree" in schema["paths"]
    components = schema["components"]["schemas"]
    assert {"SkillOut", "SkillDetailOut", "TreeNodeOut", "RegionSchemeOut", "CountryOut"} <= set(
        components
    )
