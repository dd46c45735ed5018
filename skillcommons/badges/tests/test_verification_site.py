"""The verification page and API on credentials issued by this site: documents come from the
database (never the network), a request cannot replace this site's documents, every bad input
gets a verdict and never a 500."""

from __future__ import annotations

import base64
import io
import json
from typing import Any

import pytest
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from skillcommons.badges import issuers, signing
from skillcommons.badges.baking import bake_png
from skillcommons.badges.models import Credential
from skillcommons.badges.verify_service import RequestDocuments, is_site_address, site_document

from . import b2_awards
from . import verify_helpers as h

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_network_but_db")]

API = "/api/v1/badges/verify"


@pytest.fixture
def no_network_but_db(monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite needs no socket; block HTTP clients so nothing is fetched."""
    import urllib.request

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the network was used")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    import requests

    monkeypatch.setattr(requests.Session, "request", refuse)


@pytest.fixture(autouse=True)
def _fresh_rate_limit() -> None:
    from django.core.cache import cache

    cache.clear()


def _api(client: Client, body: dict[str, Any]) -> Any:
    return client.post(API, data=json.dumps(body), content_type="application/json")


def test_the_page_verifies_an_uploaded_baked_badge(client: Client) -> None:
    credential = b2_awards.award()
    baked = bake_png(b2_awards.png_image(), credential.document)
    page = client.get(reverse("badges_verify:verify"))
    assert page.status_code == 200
    assert b'enctype="multipart/form-data"' in page.content
    upload = io.BytesIO(baked)
    upload.name = "badge.png"
    response = client.post(reverse("badges_verify:verify"), {"file": upload})
    assert response.status_code == 200
    report = response.context["report"]
    assert report.verified, [c.explanation for c in report.checks]
    assert "genuine and currently valid" in response.content.decode()


def test_revoking_shows_in_verification_at_once(client: Client) -> None:
    credential = b2_awards.award()
    assert _api(client, {"credential": credential.document}).json()["verdict"] == "verified"
    b2_awards.revoke(credential)
    body = _api(client, {"credential": credential.document}).json()
    assert body["verified"] is False
    assert body["verdict"] == "revoked"
    status = next(c for c in body["checks"] if c["name"] == "status")
    assert status["status"] == "failed"


def test_a_url_of_this_site_is_resolved_locally(client: Client) -> None:
    credential = b2_awards.award()
    for name, arg in (
        ("badges:credential_detail", credential.public_id),
        ("badges:shared", credential.share_slug),
    ):
        url = "http://127.0.0.1:8000" + reverse(name, args=[arg])
        with override_settings(SITE_URL="http://127.0.0.1:8000"):
            body = _api(client, {"url": url}).json()
        assert body["verdict"] == "verified", (name, body)


def test_a_private_badge_url_is_not_revealed(client: Client) -> None:
    credential = b2_awards.award(visibility=Credential.Visibility.PRIVATE)
    url = "http://127.0.0.1:8000" + reverse("badges:credential_detail", args=[credential.public_id])
    with override_settings(SITE_URL="http://127.0.0.1:8000"):
        body = _api(client, {"url": url}).json()
        assert body["verdict"] == "unreadable"
        assert body["credential"] is None
        client.force_login(credential.recipient)
        assert _api(client, {"url": url}).json()["verdict"] == "verified"
    outside = _api(client, {"url": "https://elsewhere.example/badge.json"}).json()
    assert outside["verdict"] == "unreadable"
    assert "nothing is fetched" in outside["checks"][0]["explanation"]


def test_the_recipient_email_is_checked_for_hashed_identities(client: Client) -> None:
    credential = b2_awards.award(recipient_kind=Credential.RecipientKind.EMAIL)
    assert "identifier" in credential.document["credentialSubject"]
    good = _api(client, {"credential": credential.document, "email": "ASHA@example.org"}).json()
    assert good["verdict"] == "verified"
    other = _api(client, {"credential": credential.document, "email": "ravi@example.org"}).json()
    assert other["verdict"] == "other_recipient"


def test_supplied_documents_cannot_replace_this_sites_documents(client: Client) -> None:
    credential = b2_awards.award()
    issuer_did = credential.document["issuer"]["id"]
    forged_key = signing.private_key_from_seed(bytes(32))
    forged_document = issuers.did_document(credential.issuer)
    forged_document["verificationMethod"][0]["publicKeyMultibase"] = (
        signing.public_key_to_multibase(forged_key.public_key())
    )
    tampered = dict(credential.document, name="Forged")
    del tampered["proof"]
    method = credential.document["proof"]["verificationMethod"]
    forged = signing.sign_credential(
        tampered, private_key=forged_key, verification_method=method, created=h.NOW
    )
    body = _api(
        client,
        {"credential": forged, "documents": [{"url": issuer_did, "document": forged_document}]},
    ).json()
    assert body["verdict"] == "not_authentic"
    assert is_site_address(issuer_did)
    documents = RequestDocuments({issuer_did: forged_document})
    assert documents(issuer_did) == issuers.did_document(credential.issuer)


def test_site_documents_come_from_the_database() -> None:
    credential = b2_awards.award()
    status_url = credential.document["credentialStatus"]["statusListCredential"]
    assert site_document(status_url) == credential.status_list.document
    assert (
        site_document(credential.document["issuer"]["id"])["id"]
        == (credential.document["issuer"]["id"])
    )
    assert site_document("did:web:elsewhere.example") is None


def test_credentials_from_elsewhere_verify_with_supplied_documents(client: Client) -> None:
    body = _api(
        client,
        {
            "credential": h.credential(),
            "documents": [
                {"url": h.ISSUER, "document": h.issuer_document()},
                {"url": h.STATUS_URL, "document": h.status_list()},
            ],
        },
    ).json()
    assert body["verdict"] == "verified", body
    assert _api(client, {"credential": h.credential()}).json()["verdict"] == "not_authentic"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({}, 400),
        ({"credential": "{}", "url": "https://x.example"}, 400),
        ({"image": "not base64!"}, 400),
        ({"credential": 42}, 422),
        ({"credential": "x", "documents": [{"url": "u"}]}, 422),
    ],
)
def test_bad_api_requests_get_the_error_format(
    client: Client, body: dict[str, Any], status: int
) -> None:
    response = _api(client, body)
    assert response.status_code == status
    assert response.json()["error"]["message"]


@pytest.mark.parametrize(
    "credential",
    ["{not json", "[]", "a.b.c", "eyJhbGciOiJub25lIn0.e30.AAAA", json.dumps({"@context": 5})],
)
def test_malformed_credentials_get_a_verdict_not_an_error(client: Client, credential: str) -> None:
    response = _api(client, {"credential": credential})
    assert response.status_code == 200
    body = response.json()
    assert body["verified"] is False
    assert body["verdict"] in {"unreadable", "not_authentic"}
    assert body["checks"][0]["explanation"]


def test_images_without_a_credential_get_a_verdict(client: Client) -> None:
    image = base64.b64encode(b2_awards.png_image()).decode()
    body = _api(client, {"image": image}).json()
    assert body["verdict"] == "unreadable"
    assert "does not carry" in body["checks"][0]["explanation"]


def test_the_page_refuses_two_inputs_and_none(client: Client) -> None:
    response = client.post(reverse("badges_verify:verify"), {})
    assert response.status_code == 200
    assert response.context["report"] is None
    assert response.context["form"].non_field_errors()
    both = client.post(
        reverse("badges_verify:verify"), {"text": "{}", "url": "https://a.example/x"}
    )
    assert both.context["form"].non_field_errors()
    bad_documents = client.post(reverse("badges_verify:verify"), {"text": "{}", "documents": "[1"})
    assert "documents" in bad_documents.context["form"].errors


def test_the_rate_limit_answers_429(client: Client) -> None:
    with override_settings(BADGES_VERIFY_RATE_LIMIT=2):
        for _ in range(2):
            assert _api(client, {"credential": "{}"}).status_code == 200
        limited = _api(client, {"credential": "{}"})
        assert limited.status_code == 429
        assert limited.json()["error"]["code"] == "rate_limited"
        page = client.post(reverse("badges_verify:verify"), {"text": "{}"})
        assert page.status_code == 429
        assert "Too many verifications" in page.content.decode()


def test_scripts_need_no_csrf_token_to_verify() -> None:
    credential = b2_awards.award()
    strict = Client(enforce_csrf_checks=True)
    response = _api(strict, {"credential": credential.document})
    assert response.status_code == 200, response.content
    assert response.json()["verdict"] == "verified"


def test_an_oversized_request_is_413_not_500(client: Client) -> None:
    body = json.dumps({"image": "A" * (3 * 1024 * 1024)})
    response = client.post(API, data=body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
