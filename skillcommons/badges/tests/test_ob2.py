"""Open Badges 2.0 for older backpacks: hosted assertion, badge class and issuer at stable URLs,
an image baked with the assertion's URL under the ``openbadges`` keyword, and revocation shown
as 410 Gone with ``revoked: true``."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse

from skillcommons.badges import ob2
from skillcommons.badges.baking import BadgeVersion, BakingError, unbake
from skillcommons.badges.models import Credential

from . import b2_awards

pytestmark = pytest.mark.django_db


def test_hosted_assertion_links_badge_class_and_issuer(client: Client) -> None:
    credential = b2_awards.award()
    response = client.get(reverse("badges_verify:ob2_assertion", args=[credential.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    assertion = response.json()
    assert assertion["@context"] == "https://w3id.org/openbadges/v2"
    assert assertion["type"] == "Assertion"
    assert assertion["id"] == ob2.assertion_url(credential)
    assert assertion["verification"] == {"type": "hosted"}
    assert assertion["recipient"]["type"] == "url"
    assert assertion["recipient"]["identity"] == credential.document["credentialSubject"]["id"]
    assert assertion["issuedOn"] == credential.document["validFrom"]

    path = assertion["badge"].removeprefix("http://127.0.0.1:8000")
    badge_class = client.get(path).json()
    assert badge_class["type"] == "BadgeClass"
    assert badge_class["name"] == "Wikidata query mentor"
    assert badge_class["criteria"]["narrative"].startswith("Complete three")
    assert client.get(badge_class["image"].removeprefix("http://127.0.0.1:8000")).status_code == 200

    issuer = client.get(badge_class["issuer"].removeprefix("http://127.0.0.1:8000")).json()
    assert issuer["type"] == "Issuer"
    assert issuer["id"] == badge_class["issuer"]
    assert issuer["name"]


def test_email_recipients_stay_hashed(client: Client) -> None:
    credential = b2_awards.award(recipient_kind=Credential.RecipientKind.EMAIL)
    assertion = client.get(
        reverse("badges_verify:ob2_assertion", args=[credential.public_id])
    ).json()
    assert assertion["recipient"] == {
        "type": "email",
        "hashed": True,
        "salt": credential.recipient_salt,
        "identity": credential.recipient_identity_hash,
    }
    assert "asha@example.org" not in str(assertion)


def test_the_baked_png_carries_the_assertion_url(client: Client) -> None:
    credential = b2_awards.award()
    response = client.get(reverse("badges_verify:ob2_baked", args=[credential.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    baked = unbake(response.content)
    assert baked.version is BadgeVersion.OB2
    assert baked.text == ob2.assertion_url(credential)
    with pytest.raises(BakingError):
        ob2.bake_png_ob2(response.content, "https://example.org/again")


def test_an_svg_achievement_is_baked_as_svg(client: Client) -> None:
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b'<rect width="10" height="10" fill="#36c"/></svg>'
    )
    credential = b2_awards.award(of=b2_awards.achievement(image=svg))
    response = client.get(reverse("badges_verify:ob2_baked", args=[credential.public_id]))
    assert response["Content-Type"] == "image/svg+xml"
    baked = unbake(response.content)
    assert baked.version is BadgeVersion.OB2
    assert baked.text == ob2.assertion_url(credential)
    assert b'<rect width="10" height="10" fill="#36c"/>' in response.content


def test_a_revoked_award_answers_gone_with_the_reason(client: Client) -> None:
    credential = b2_awards.revoke(b2_awards.award(), reason="Awarded to the wrong person.")
    response = client.get(reverse("badges_verify:ob2_assertion", args=[credential.public_id]))
    assert response.status_code == 410
    body = response.json()
    assert body["revoked"] is True
    assert body["revocationReason"] == "Awarded to the wrong person."
    assert "recipient" not in body


def test_private_awards_have_no_hosted_assertion(client: Client) -> None:
    credential = b2_awards.award(visibility=Credential.Visibility.PRIVATE)
    for name in ("ob2_assertion", "ob2_baked"):
        assert (
            client.get(reverse(f"badges_verify:{name}", args=[credential.public_id])).status_code
            == 404
        )
    shared = b2_awards.award(visibility=Credential.Visibility.LINK)
    assert (
        client.get(reverse("badges_verify:ob2_assertion", args=[shared.public_id])).status_code
        == 200
    )


def test_the_verification_service_checks_an_ob2_image_of_this_site(client: Client) -> None:
    from django.core.cache import cache

    cache.clear()
    credential = b2_awards.award()
    image = client.get(reverse("badges_verify:ob2_baked", args=[credential.public_id])).content
    upload = io.BytesIO(image)
    upload.name = "badge.png"
    report = client.post(reverse("badges_verify:verify"), {"file": upload}).context["report"]
    assert report.verified
    b2_awards.revoke(credential)
    upload.seek(0)
    report = client.post(reverse("badges_verify:verify"), {"file": upload}).context["report"]
    assert report.verdict == "revoked"
    # An OB 2.0 image pointing elsewhere is not fetched.
    other = ob2.bake_png_ob2(b2_awards.png_image(), "https://elsewhere.example/assertion.json")
    upload = io.BytesIO(other)
    upload.name = "other.png"
    report = client.post(reverse("badges_verify:verify"), {"file": upload}).context["report"]
    assert report.verdict == "unreadable"
    assert "2.0" in report.checks[0].explanation
