"""The skill browser, search, skill pages, languages and regions, and curators' forms."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from skillcommons.taxonomy.models import Skill, SkillTranslation

from .factories import make_curator, make_member, make_skill

pytestmark = pytest.mark.django_db


def test_browser_shows_the_tree_with_collapsible_areas(client: Client) -> None:
    page = client.get("/skills/").content.decode()
    assert page.count("<details") >= 12
    assert "Editing and on-wiki participation" in page
    assert 'href="/skills/lua/"' in page


def test_browser_is_labelled_in_the_interface_language(client: Client) -> None:
    page = client.get("/skills/", HTTP_ACCEPT_LANGUAGE="hi").content.decode()
    assert "परियोजना प्रबंधन" in page
    assert "Project management" not in page


def test_fallback_label_is_marked_with_its_language(client: Client) -> None:
    make_skill(code="zz-only-spanish", labels={"es": "Sólo en español"})
    page = client.get("/skills/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert re.search(
        r'<a href="/skills/zz-only-spanish/" lang="es" dir="ltr">Sólo en español</a>', page
    )
    assert 'class="sc-fallback"' in page
    # Labels in the reader's language carry no marker.
    assert '<a href="/skills/lua/">Programmation en Lua</a>' in page
    assert not re.search(r'href="/skills/lua/" lang=', page)


def test_english_reader_falls_back_to_english_for_regional_ui() -> None:
    skill = make_skill(code="zz-en", labels={"en": "English label"})
    client = Client(HTTP_ACCEPT_LANGUAGE="pt-br")
    page = client.get(f"/skills/{skill.code}/").content.decode()
    assert '<h1 lang="en" dir="ltr">English label</h1>' in page
    assert "cdx-message--notice" in page


@pytest.mark.parametrize(
    ("query", "language", "matched"),
    [
        ("إدارة المشاريع", "ar", "إدارة المشاريع"),
        ("परियोजना", "hi", "परियोजना प्रबंधन"),
        ("GESTIÓN DE PROYECTOS", "es", "Gestión de proyectos"),
    ],
)
def test_search_finds_a_skill_by_its_label_in_any_language(
    client: Client, query: str, language: str, matched: str
) -> None:
    page = client.get("/skills/", {"q": query}).content.decode()  # English interface
    assert 'href="/skills/project-management/"' in page
    assert (
        f'<span lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}">{matched}</span>'
        in page
    )


def test_search_finds_synonyms_and_shows_the_match(client: Client) -> None:
    page = client.get("/skills/", {"q": "scribunto"}).content.decode()
    assert 'href="/skills/lua/"' in page
    assert 'href="/skills/templates-lua/"' in page
    assert ">Scribunto</span>" in page


def test_search_without_results_says_so(client: Client) -> None:
    page = client.get("/skills/", {"q": "xyzzy-nothing"}).content.decode()
    assert "0 skills found" in page


def test_htmx_search_returns_only_the_results(client: Client) -> None:
    response = client.get("/skills/", {"q": "lua"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="skill-search-results"')
    assert "<html" not in body


def test_skill_page_has_breadcrumb_children_wikidata_and_all_labels(client: Client) -> None:
    page = client.get("/skills/wikidata/").content.decode()
    assert 'href="/skills/technical/"' in page  # breadcrumb
    assert 'href="/skills/sparql/"' in page  # child
    assert 'href="https://www.wikidata.org/wiki/Q2013"' in page
    for label in ["ويكي بيانات", "উইকিউপাত্ত", "विकिडेटा"]:
        assert label in page
    assert '<tr lang="ar" dir="rtl">' in page


def test_unknown_skill_is_404(client: Client) -> None:
    assert client.get("/skills/no-such-skill/").status_code == 404


def test_retired_skills_are_hidden_from_members(client: Client) -> None:
    Skill.objects.filter(code="lua").update(is_active=False)
    assert client.get("/skills/lua/").status_code == 404
    assert 'href="/skills/lua/"' not in client.get("/skills/").content.decode()
    client.force_login(make_curator())
    assert client.get("/skills/lua/").status_code == 200


def test_languages_page_lists_autonyms_tags_and_direction(client: Client) -> None:
    page = client.get("/skills/languages/").content.decode()
    assert '<th scope="row" lang="ar" dir="rtl">العربية</th>' in page
    assert "<code>pt-BR</code>" in page


def test_regions_page_shows_scheme_and_country_names_in_ui_language(client: Client) -> None:
    page = client.get("/skills/regions/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "2024" in page
    assert "Allemagne" in page  # Germany, in French
    assert "SSA" in page
    assert client.get("/skills/regions/", {"version": "1999"}).status_code == 404


# ------------------------------------------------------------------------- curators only


@pytest.mark.parametrize(
    "url", ["/skills/new/", "/skills/lua/edit/", "/skills/import/", "/skills/export.json"]
)
def test_visitors_are_sent_to_sign_in(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "url", ["/skills/new/", "/skills/lua/edit/", "/skills/import/", "/skills/export.csv"]
)
def test_members_get_403(client: Client, url: str) -> None:
    client.force_login(make_member())
    assert client.get(url).status_code == 403
    assert client.post(url, {"code": "zz"}).status_code in (403, 405)
    assert not Skill.objects.filter(code="zz").exists()


def form_data(**overrides: str) -> dict[str, str]:
    data = {
        "code": "zz-new",
        "parent": "",
        "wikidata_qid": "",
        "position": "3",
        "is_active": "on",
        "label_en": "A new skill",
        "description_en": "Something new.",
        "synonyms_en": "newness\nnovelty",
        "label_es": "Una habilidad nueva",
    }
    data.update(overrides)
    return data


def test_curator_adds_a_skill_with_translations(client: Client) -> None:
    client.force_login(make_curator())
    parent = Skill.objects.get(code="technical")
    response = client.post("/skills/new/", form_data(parent=str(parent.pk)))
    assert response.status_code == 302
    skill = Skill.objects.get(code="zz-new")
    assert skill.parent == parent and skill.depth == 1 and skill.position == 3
    assert skill.label("es") == "Una habilidad nueva"
    assert SkillTranslation.objects.get(skill=skill, locale="en").synonyms == ["newness", "novelty"]


def test_curator_form_errors_are_tied_to_fields_and_nothing_is_saved(client: Client) -> None:
    client.force_login(make_curator())
    lua = Skill.objects.get(code="lua")  # depth 2: nothing can go below it
    response = client.post(
        "/skills/new/", form_data(wikidata_qid="nope", parent=str(lua.pk), label_en="")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'aria-describedby="id_wikidata_qid-error id_wikidata_qid-help"' in page
    assert 'id="id_parent"' in page and "Select a valid choice" in page
    assert not Skill.objects.filter(code="zz-new").exists()


def test_curator_cannot_reuse_a_code(client: Client) -> None:
    client.force_login(make_curator())
    response = client.post("/skills/new/", form_data(code="lua"))
    assert "already exists" in response.content.decode()


def test_curator_edits_a_skill_and_its_labels(client: Client) -> None:
    client.force_login(make_curator())
    page = client.get("/skills/lua/edit/").content.decode()
    assert 'value="Programación en Lua"' in page
    data = form_data(code="lua", wikidata_qid="Q207316", label_en="Lua modules", label_fr="")
    data["parent"] = str(Skill.objects.get(code="templates-lua").pk)
    response = client.post("/skills/lua/edit/", data)
    assert response.status_code == 302
    lua = Skill.objects.get(code="lua")
    assert lua.label("en") == "Lua modules"
    assert not lua.translations.filter(locale="fr").exists()  # emptied → removed


def test_curator_cannot_move_a_skill_under_its_own_child(client: Client) -> None:
    client.force_login(make_curator())
    child = Skill.objects.get(code="sparql")
    data = form_data(code="wikidata", parent=str(child.pk))
    response = client.post("/skills/wikidata/edit/", data)
    assert response.status_code == 200
    assert Skill.objects.get(code="wikidata").parent == Skill.objects.get(code="technical")


def test_curator_imports_and_exports_through_the_ui(client: Client) -> None:
    client.force_login(make_curator())
    exported = client.get("/skills/export.csv")
    assert exported["Content-Type"].startswith("text/csv")
    assert "attachment" in exported["Content-Disposition"]
    body = exported.content.decode() + "zz-imported,technical,,1,true,hi,आयातित,,\n"
    upload = SimpleUploadedFile("t.csv", body.encode(), content_type="text/csv")
    response = client.post("/skills/import/", {"file": upload})
    assert response.status_code == 302
    assert Skill.objects.get(code="zz-imported").label("hi") == "आयातित"

    bad = SimpleUploadedFile(
        "t.json",
        (
            b'{"skills": [{"code": "zz-bad", "parent": "nowhere", '
            b'"translations": {"en": {"label": "Bad"}}}]}'
        ),
    )
    response = client.post("/skills/import/", {"file": bad})
    page = response.content.decode()
    assert "Nothing was imported" in page and "nowhere" in page
    assert not Skill.objects.filter(code="zz-bad").exists()


def test_curator_form_preselects_the_parent_and_labels_every_input(client: Client) -> None:
    client.force_login(make_curator())
    page = client.get("/skills/new/", {"parent": "technical"}, HTTP_ACCEPT_LANGUAGE="ar")
    html = page.content.decode()
    technical = Skill.objects.get(code="technical")
    assert f'<option value="{technical.pk}" selected>' in html
    assert '<html lang="ar" dir="rtl">' in html
    for name in ["code", "wikidata_qid", "position", "label_pt_br", "synonyms_hi"]:
        assert f'for="id_{name}"' in html
        assert f'id="id_{name}"' in html
