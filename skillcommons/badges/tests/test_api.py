"""The badges API through the test client: reads respect privacy, writes need the issuer role,
bad input gets the shared error format and changes nothing."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.test import Client

from skillcommons.accounts.models import User
from skillcommons.badges import actions
from skillcommons.badges.artwork import medal_png
from skillcommons.badges.models import Achievement, Credential, Issuer, IssuingRule

from .factories import make_achievement, make_organization, make_skill, make_user, org_issuer

pytestmark = pytest.mark.django_db

API = "/api/v1"


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def organizer_of(issuer: Issuer) -> User:
    return issuer.organization.memberships.get(role="organizer").user  # type: ignore[union-attr]


@pytest.fixture
def world() -> dict[str, Any]:
    issuer = org_issuer("wmxx")
    organizer = organizer_of(issuer)
    achievement = make_achievement(issuer)
    asha = make_user("Asha")
    private = actions.award_badge(achievement=achievement, recipient=asha, by=organizer)
    public = actions.award_badge(achievement=achievement, recipient=asha, by=organizer)
    actions.set_credential_visibility(credential=public, by=asha, visibility="public")
    return {
        "issuer": issuer,
        "organizer": organizer,
        "achievement": achievement,
        "asha": asha,
        "private": private,
        "public": public,
    }


def test_issuers_and_achievements_are_public(world: dict[str, Any]) -> None:
    issuers = Client().get(f"{API}/badges/issuers").json()
    assert [i["slug"] for i in issuers] == ["wmxx"]
    assert issuers[0]["did"].endswith(":issuers:wmxx")
    detail = Client().get(f"{API}/badges/issuers/wmxx").json()
    assert len(detail["keys"]) == 1
    listing = Client().get(f"{API}/badges/achievements").json()
    assert listing["count"] == 1
    one = Client().get(f"{API}/badges/achievements/{world['achievement'].public_id}").json()
    assert {t["locale"] for t in one["texts"]} == {"en", "fr"}


def test_a_persons_private_badges_stay_private_in_the_api(world: dict[str, Any]) -> None:
    url = f"{API}/people/Asha/badges"
    for viewer in (None, make_user("Bo"), world["organizer"]):
        ids = {c["id"] for c in client_for(viewer).get(url).json()["results"]}
        assert ids == {str(world["public"].public_id)}
    own = client_for(world["asha"]).get(url).json()["results"]
    assert {c["id"] for c in own} == {
        str(world["private"].public_id),
        str(world["public"].public_id),
    }
    private_url = f"{API}/badges/credentials/{world['private'].public_id}"
    assert Client().get(private_url).status_code == 404
    assert client_for(make_user("Cy")).get(private_url).json()["error"]["code"] == "not_found"
    assert client_for(world["asha"]).get(private_url).status_code == 200
    assert client_for(world["organizer"]).get(private_url).status_code == 200


def test_awarding_through_the_api(world: dict[str, Any]) -> None:
    make_user("Bo")
    url = f"{API}/badges/achievements/{world['achievement'].public_id}/awards"
    payload = {
        "username": "Bo",
        "evidence": [{"url": "https://example.org/proof", "name": "Proof"}],
        "identity": "email",
    }
    assert Client().post(url, payload, content_type="application/json").status_code == 401
    denied = client_for(world["asha"]).post(url, payload, content_type="application/json")
    assert denied.status_code == 403
    assert denied.json()["error"]["code"] == "forbidden"
    assert not Credential.objects.filter(recipient__username="Bo").exists()
    response = client_for(world["organizer"]).post(url, payload, content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert body["document"]["credentialSubject"]["identifier"][0]["hashed"] is True
    assert body["document"]["evidence"][0]["id"] == "https://example.org/proof"


def test_bad_award_input_gets_a_clear_error_and_changes_nothing(world: dict[str, Any]) -> None:
    url = f"{API}/badges/achievements/{world['achievement'].public_id}/awards"
    client = client_for(world["organizer"])
    before = Credential.objects.count()
    unknown = client.post(url, {"username": "Ghost"}, content_type="application/json")
    assert unknown.status_code in (400, 422)
    assert "Ghost" in unknown.json()["error"]["message"]
    bad_url = client.post(
        url,
        {"username": "Asha", "evidence": [{"url": "javascript:alert(1)"}]},
        content_type="application/json",
    )
    assert bad_url.status_code in (400, 422)
    assert client.post(url, "not json", content_type="application/json").status_code in (400, 422)
    assert Credential.objects.count() == before


def test_csv_through_the_api_is_all_or_nothing(world: dict[str, Any]) -> None:
    url = f"{API}/badges/achievements/{world['achievement'].public_id}/awards/csv"
    client = client_for(world["organizer"])
    make_user("Bo")
    before = Credential.objects.count()
    bad = client.post(url, {"csv": "username\nBo\nGhost\n"}, content_type="application/json")
    assert bad.status_code in (400, 422)
    assert "Line 3" in str(bad.json())
    assert Credential.objects.count() == before
    good = client.post(url, {"csv": "username\nBo\n"}, content_type="application/json")
    assert good.status_code == 201
    assert len(good.json()) == 1


def test_revoking_and_visibility_through_the_api(world: dict[str, Any]) -> None:
    public = world["public"]
    revoke = f"{API}/badges/credentials/{public.public_id}/revoke"
    assert (
        client_for(world["asha"])
        .post(revoke, {"reason": "x"}, content_type="application/json")
        .status_code
        == 404
    )
    response = client_for(world["organizer"]).post(
        revoke, {"reason": "Duplicate."}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["revoked"] is True
    assert response.json()["revocation_reason"] == "Duplicate."
    anonymous = Client().get(f"{API}/badges/credentials/{public.public_id}").json()
    assert anonymous["revocation_reason"] is None

    visibility = f"{API}/badges/credentials/{world['private'].public_id}/visibility"
    organizer = client_for(world["organizer"])
    assert (
        organizer.post(
            visibility, {"visibility": "public"}, content_type="application/json"
        ).status_code
        == 404
    )
    owner = client_for(world["asha"])
    bogus = owner.post(visibility, {"visibility": "everyone"}, content_type="application/json")
    assert bogus.status_code in (400, 422)
    ok = owner.post(visibility, {"visibility": "link"}, content_type="application/json")
    assert ok.json()["share_url"].endswith(f"/badges/s/{world['private'].share_slug}/")


def test_creating_achievements_and_rules_through_the_api() -> None:
    issuer = org_issuer()
    skill = make_skill("sparql", qid="Q54871")
    client = client_for(organizer_of(issuer))
    payload = {
        "texts": [
            {"locale": "en", "name": "API badge", "description": "D.", "criteria": "C."},
            {"locale": "bn", "name": "এপিআই ব্যাজ", "description": "বিবরণ।", "criteria": "শর্ত।"},
        ],
        "default_locale": "en",
        "image_base64": base64.b64encode(medal_png()).decode(),
        "skills": [skill.code],
        "level": 2,
    }
    url = f"{API}/badges/issuers/{issuer.slug}/achievements"
    assert (
        client_for(make_user("Member"))
        .post(url, payload, content_type="application/json")
        .status_code
        == 403
    )
    created = client.post(url, payload, content_type="application/json")
    assert created.status_code == 201
    assert created.json()["skills"] == [skill.code]
    not_image = {**payload, "image_base64": base64.b64encode(b"hello").decode()}
    refused = client.post(url, not_image, content_type="application/json")
    assert refused.status_code in (400, 422)
    assert (
        "PNG" in refused.json()["error"]["message"] or "SVG" in refused.json()["error"]["message"]
    )
    assert Achievement.objects.count() == 1

    rules = f"{API}/badges/issuers/{issuer.slug}/rules"
    rule = client.post(
        rules,
        {
            "outcome_kind": "exchange.completed",
            "achievement": created.json()["id"],
            "skill": skill.code,
        },
        content_type="application/json",
    )
    assert rule.status_code == 201
    assert client.get(rules).json()[0]["skill"] == skill.code
    assert client_for(make_user("Member 2")).get(rules).status_code == 403
    assert client.delete(f"{rules}/{rule.json()['id']}").status_code == 204
    assert not IssuingRule.objects.exists()


def test_enabling_issuing_and_rotating_keys_through_the_api() -> None:
    organizer = make_user("Organizer")
    make_organization("wmyy", organizer=organizer)
    client = client_for(organizer)
    assert (
        client_for(make_user("Member")).post(f"{API}/organizations/wmyy/badge-issuer").status_code
        == 403
    )
    assert client.post(f"{API}/organizations/wmyy/badge-issuer").status_code == 201
    rotated = client.post(f"{API}/badges/issuers/wmyy/keys/rotate")
    assert rotated.status_code == 200
    keys = rotated.json()["keys"]
    assert [k["is_active"] for k in keys] == [True, False]


def test_changing_an_achievement_through_the_api(world: dict[str, Any]) -> None:
    url = f"{API}/badges/achievements/{world['achievement'].public_id}"
    assert (
        client_for(world["asha"])
        .patch(url, {"level": 1}, content_type="application/json")
        .status_code
        == 403
    )
    client = client_for(world["organizer"])
    changed = client.patch(url, {"level": 1, "is_active": False}, content_type="application/json")
    assert changed.status_code == 200
    assert changed.json()["level"] == 1
    assert {t["locale"] for t in changed.json()["texts"]} == {"en", "fr"}
    incomplete = client.patch(
        url,
        {"texts": [{"locale": "en", "name": "N", "description": "", "criteria": ""}]},
        content_type="application/json",
    )
    assert incomplete.status_code in (400, 422)
    assert client.get(url).json()["name"] == "Query mentor"
