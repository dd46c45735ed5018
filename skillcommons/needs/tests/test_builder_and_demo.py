"""The questionnaire builder, import and export pages, the wave editor (coordinators only), and
the demo data."""

from __future__ import annotations

import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from skillcommons.accounts.models import User
from skillcommons.needs import demo
from skillcommons.needs.models import (
    Instrument,
    InstrumentVersion,
    Invitation,
    Response,
    SkillRating,
    Wave,
)

from .factories import make_skill, make_user, make_version
from .test_xlsform import CSV

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_members_cannot_reach_the_builder_or_create_waves() -> None:
    client = _client(make_user("Member"))
    for url in ("/needs/questionnaires/", "/needs/waves/new/"):
        assert client.get(url).status_code == 403
    upload = SimpleUploadedFile("form.csv", CSV.encode())
    assert client.post("/needs/questionnaires/import/", {"import-file": upload}).status_code == 403
    api = client.post("/api/v1/needs/questionnaires/import", {"file": upload})
    assert api.status_code == 403
    assert not Instrument.objects.exists()


def test_a_coordinator_builds_publishes_and_exports_a_questionnaire() -> None:
    coordinator = make_user("Coord", coordinator=True)
    make_skill("fundraising", "Fundraising")
    client = _client(coordinator)
    created = client.post(
        "/needs/questionnaires/",
        {"new-slug": "pulse", "new-title": "Pulse", "new-locales": "en fr"},
    )
    assert created.status_code == 302
    url = created["Location"]
    added = client.post(
        url,
        {
            "q-name": "topic",
            "q-kind": "single",
            "q-label_en": "Topic",
            "q-label_fr": "Sujet",
            "q-choices": "art | Art | Art\nscience | Science | Sciences",
        },
    )
    assert added.status_code == 302
    refused = client.post(
        url,
        {
            "q-name": "why",
            "q-kind": "text",
            "q-label_en": "Why?",
            "q-relevance": "count-selected(${topic}) > 1",
        },
    )
    assert refused.status_code == 400
    assert "not supported" in refused.content.decode()
    client.post(
        url,
        {
            "q-name": "skills",
            "q-kind": "skill_matrix",
            "q-label_en": "Skills",
            "q-skills": ["fundraising"],
        },
    )
    assert client.post(url + "publish/").status_code == 302
    version = InstrumentVersion.objects.get(instrument__slug="pulse")
    assert version.is_published
    assert [q.name for q in version.questions.all()] == ["topic", "skills"]
    assert version.questions.get(name="topic").choices.last().label == {  # type: ignore[union-attr]
        "en": "Science",
        "fr": "Sciences",
    }
    # Published: adding is refused and nothing changes.
    client.post(url, {"q-name": "late", "q-kind": "text", "q-label_en": "Late"})
    assert version.questions.count() == 2
    export = client.get(url + "export.xlsx")
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.post("/needs/questionnaires/pulse/new-version/").status_code == 302
    assert InstrumentVersion.objects.filter(instrument__slug="pulse").count() == 2


def test_the_import_page_reports_the_row_of_an_unsupported_question() -> None:
    coordinator = make_user("Coord", coordinator=True)
    client = _client(coordinator)
    broken = CSV.replace(",text,role_other", ",geopoint,role_other")
    upload = SimpleUploadedFile("form.csv", broken.encode())
    page = client.post("/needs/questionnaires/import/", {"import-file": upload})
    assert page.status_code == 400
    assert "Row 4 (role_other)" in page.content.decode()
    assert not InstrumentVersion.objects.exists()


def test_a_coordinator_creates_a_wave_and_bad_dates_are_refused() -> None:
    coordinator = make_user("Coord", coordinator=True)
    version = make_version(coordinator)
    client = _client(coordinator)
    data = {
        "slug": "w1",
        "title": "Wave one",
        "version": version.pk,
        "audience": "both",
        "opens_at": "2026-01-10T10:00",
        "closes_at": "2026-01-01T10:00",
        "consent_text": "Aggregated only.",
    }
    refused = client.post("/needs/waves/new/", data)
    assert refused.status_code == 400
    assert "close after it opens" in refused.content.decode()
    data["closes_at"] = "2026-03-01T10:00"
    assert client.post("/needs/waves/new/", data).status_code == 302
    assert Wave.objects.get().title == "Wave one"
    page = Client().get("/needs/waves/w1/")
    assert page.status_code == 200 and "Aggregated only." in page.content.decode()
    assert Client().get("/needs/").status_code == 200


def test_demo_data_has_an_open_and_a_closed_wave_with_many_responses() -> None:
    make_user("demo-coordinator", coordinator=True)
    make_user("demo-member")
    for i in range(60):
        make_skill(f"skill-{i:02d}")
    for i in range(40):
        make_user(f"person-{i}")
    demo.seed(random.Random(7))
    waves = {w.slug: w for w in Wave.objects.all()}
    assert not waves["capacity-map-2025"].is_open()
    assert waves["capacity-map-2026"].is_open()
    assert Response.objects.filter(wave=waves["capacity-map-2025"]).count() >= 30
    assert SkillRating.objects.filter(response__wave=waves["capacity-map-2026"]).exists()
    matrix = waves["capacity-map-2026"].version.questions.get(name="skills")
    assert matrix.skills.count() == demo.MATRIX_SKILLS
    assert not Response.objects.filter(respondent__username="demo-member").exists()
    assert Invitation.objects.filter(person__username="demo-member", wave__slug="capacity-map-2026")
    assert all(len(r.pseudonym) == 64 for r in Response.objects.all())


def test_the_api_imports_an_xlsform_for_coordinators() -> None:
    client = _client(make_user("Coord", coordinator=True))
    make_skill("wikidata-editing")
    make_skill("fundraising")
    upload = SimpleUploadedFile("form.csv", CSV.encode())
    created = client.post("/api/v1/needs/questionnaires/import", {"file": upload, "slug": "kobo"})
    assert created.status_code == 201
    body = created.json()
    assert body["instrument"] == "kobo" and body["status"] == "draft"
    assert [q["name"] for q in body["questions"]][:2] == ["role", "role_other"]
    broken = SimpleUploadedFile("form.csv", CSV.replace(",text,", ",geopoint,").encode())
    refused = client.post("/api/v1/needs/questionnaires/import", {"file": broken})
    assert refused.status_code == 400
    assert "Row 4 (role_other)" in refused.json()["error"]["message"]
