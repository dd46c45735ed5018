"""The library API through the test client: reads follow the pages' gates, writes need sign-in and
the right role, bad input gets the shared error format and changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from skillcommons.library import actions
from skillcommons.library.models import Review, Variant, Work

from .factories import curator, draft, pack, person, published

pytestmark = pytest.mark.django_db

BASE = "/api/v1/library"
NEW_WORK = {
    "format": "article",
    "level": "beginner",
    "audience": "newcomer",
    "license": "CC-BY-SA-4.0",
    "estimated_minutes": 15,
    "language": "fr",
    "title": "Organiser un edit-a-thon",
    "body": "Choisissez un thème.",
}


def rubric(decision: str, notes: str = "") -> dict[str, object]:
    return {**dict.fromkeys(Review.RUBRIC, 4), "decision": decision, "notes": notes}


def test_visitors_list_published_works_in_their_language(client: Client) -> None:
    work = published(title="Your first edit")
    draft(person(), title="Hidden draft")
    body = client.get(f"{BASE}/works").json()
    assert [w["title"] for w in body["results"]] == ["Your first edit"]
    assert body["results"][0]["in_viewer_language"] is True
    detail = client.get(f"{BASE}/works/{work.pk}", headers={"accept-language": "fr"}).json()
    assert detail["language"] == "en"
    assert detail["in_viewer_language"] is False


def test_drafts_are_404_to_others(client: Client) -> None:
    work = draft(person())
    response = client.get(f"{BASE}/works/{work.pk}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_full_workflow_through_the_api(client: Client) -> None:
    author = person()
    client.force_login(author)
    created = client.post(f"{BASE}/works", NEW_WORK, content_type="application/json")
    assert created.status_code == 201, created.content
    work_id = created.json()["id"]
    assert created.json()["state"] == "draft"
    translated = client.put(
        f"{BASE}/works/{work_id}/variants/es",
        {"title": "Organizar un editatón", "body": "Elige un tema.", "translated_from": "fr"},
        content_type="application/json",
    )
    assert {v["language"] for v in translated.json()["variants"]} == {"fr", "es"}
    assert client.post(f"{BASE}/works/{work_id}/submit").json()["state"] == "submitted"

    client.force_login(curator())
    reviewed = client.post(
        f"{BASE}/works/{work_id}/reviews", rubric("publish"), content_type="application/json"
    )
    assert reviewed.status_code == 201
    assert reviewed.json()["state"] == "published"
    assert reviewed.json()["score"] == 0.75

    client.force_login(person())
    assert client.put(
        f"{BASE}/works/{work_id}/rating", {"helpful": True}, content_type="application/json"
    ).json() == {"ok": True}
    client.post(
        f"{BASE}/works/{work_id}/completion", {"language": "es"}, content_type="application/json"
    )
    detail = client.get(f"{BASE}/works/{work_id}").json()
    assert detail["helpful_yes"] == 1
    assert detail["completion_count"] == 1
    assert detail["completed_by_you"] is True
    revisions = client.get(f"{BASE}/works/{work_id}/variants/fr/revisions").json()
    assert [r["number"] for r in revisions] == [1]


def test_members_cannot_review(client: Client) -> None:
    work = draft(person())
    actions.submit_work(actor=work.created_by, work=work)  # type: ignore[arg-type]
    client.force_login(person())
    response = client.post(
        f"{BASE}/works/{work.pk}/reviews", rubric("publish"), content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    work.refresh_from_db()
    assert work.state == Work.State.SUBMITTED


def test_writes_need_sign_in(client: Client) -> None:
    response = client.post(f"{BASE}/works", NEW_WORK, content_type="application/json")
    assert response.status_code == 401
    assert not Work.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"format": "poster"}, "format"),
        ({"language": "klingon-xx"}, "locale"),
        ({"title": "x" * 201}, "title"),
        ({"estimated_minutes": 0}, "estimated_minutes"),
        ({"external_url": "javascript:alert(1)"}, "external_url"),
        ({"skills": ["no-such-skill"]}, "skills"),
    ],
)
def test_bad_input_is_refused_with_the_field_named(
    client: Client, change: dict[str, object], field: str
) -> None:
    client.force_login(person())
    response = client.post(f"{BASE}/works", {**NEW_WORK, **change}, content_type="application/json")
    assert response.status_code in {400, 422}
    error = response.json()["error"]
    assert field in {f["field"] for f in error.get("fields", [])}, error
    assert not Work.objects.exists()
    assert not Variant.objects.exists()


def test_request_changes_without_notes_is_refused(client: Client) -> None:
    work = draft(person())
    actions.submit_work(actor=work.created_by, work=work)  # type: ignore[arg-type]
    client.force_login(curator())
    response = client.post(
        f"{BASE}/works/{work.pk}/reviews",
        rubric("request_changes"),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"][0]["field"] == "notes"
    assert not Review.objects.exists()


def test_packs_and_progress(client: Client) -> None:
    work = published()
    first = pack([work])
    listed = client.get(f"{BASE}/packs", headers={"accept-language": "es"}).json()
    assert listed[0]["title"] == "Primeros pasos"
    client.force_login(person())
    started = client.post(f"{BASE}/packs/{first.slug}/start").json()
    assert started["started"] is True and started["completed_at"] is None
    client.post(
        f"{BASE}/works/{work.pk}/completion", {"language": "en"}, content_type="application/json"
    )
    done = client.get(f"{BASE}/packs/{first.slug}").json()
    assert done["steps"][0]["done"] is True
    assert done["completed_at"] is not None


def test_search_endpoint(client: Client) -> None:
    work = published(title="Photographing monuments")
    body = client.get(f"{BASE}/search", {"q": "monuments"}).json()
    assert body["hits"][0]["work_id"] == work.pk
    assert "<mark>" in body["hits"][0]["title_html"]
    weird = client.get(f"{BASE}/search", {"q": '"AND OR NOT ( * ^ NEAR'})
    assert weird.status_code == 200
    assert client.get(f"{BASE}/search", {"skill": "nope"}).status_code == 400


def test_curators_make_packs_and_quizzes_through_the_api(client: Client) -> None:
    quiz = draft(person(), format="quiz")
    work = published()
    client.force_login(quiz.created_by)  # type: ignore[arg-type]
    questions = {
        "questions": [
            {
                "text": "Is Wikidata a Wikimedia project?",
                "kind": "single",
                "explanation": "Yes, since 2012.",
                "choices": [{"text": "Yes", "correct": True}, {"text": "No"}],
            }
        ]
    }
    response = client.put(
        f"{BASE}/works/{quiz.pk}/variants/en/questions", questions, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert quiz.variants.get().questions.count() == 1
    bad = {
        "questions": [
            {
                **questions["questions"][0],
                "choices": [
                    {"text": "Yes", "correct": True},
                    {"text": "Also yes", "correct": True},
                ],
            }
        ]
    }
    response = client.put(
        f"{BASE}/works/{quiz.pk}/variants/en/questions", bad, content_type="application/json"
    )
    assert response.status_code == 400
    assert quiz.variants.get().questions.get().text == "Is Wikidata a Wikimedia project?"

    pack_body = {
        "audience": "newcomer",
        "texts": {"en": ["Wikidata basics", "Start with data."], "fr": ["Wikidata", ""]},
        "works": [work.pk],
    }
    response = client.put(
        f"{BASE}/packs/wikidata-basics", pack_body, content_type="application/json"
    )
    assert response.status_code == 403
    client.force_login(curator())
    response = client.put(
        f"{BASE}/packs/wikidata-basics", pack_body, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Wikidata basics"
    for broken, status in (
        ({**pack_body, "works": [999999]}, 400),
        ({**pack_body, "texts": {"en": ["A", ""], "EN": ["B", ""]}}, 400),
        ({**pack_body, "audience": "aliens"}, 400),
    ):
        response = client.put(
            f"{BASE}/packs/wikidata-basics", broken, content_type="application/json"
        )
        assert response.status_code == status, (broken, response.content)
    assert client.put(
        f"{BASE}/packs/Bad Slug!", pack_body, content_type="application/json"
    ).status_code in {400, 404}
    assert client.get(f"{BASE}/packs/wikidata-basics").json()["title"] == "Wikidata basics"
