"""Credentials issued here are also delivered as VC-JWTs (ES256, RS256) signed with the issuer's
JWT key, which the issuer's DID document publishes; the verification service accepts them, and
revoking shows for the JWT form too."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from skillcommons.badges import issuers, vcjwt
from skillcommons.badges.models import Credential, IssuerJwtKey
from skillcommons.badges.vcjwt_keys import ensure_jwt_key, vc_jwt_of

from . import b2_awards

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limit() -> None:
    cache.clear()


def _verify(client: Client, token: str) -> dict[str, object]:
    response = client.post(
        "/api/v1/badges/verify",
        data=json.dumps({"credential": token}),
        content_type="application/json",
    )
    assert response.status_code == 200
    body: dict[str, object] = response.json()
    return body


@pytest.mark.parametrize("algorithm", ["ES256", "RS256"])
def test_a_credential_as_vc_jwt_verifies_and_revocation_shows(
    client: Client, algorithm: str
) -> None:
    credential = b2_awards.award()
    url = reverse("badges_verify:credential_jwt", args=[credential.public_id])
    response = client.get(url, {"alg": algorithm})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/jwt"
    token = response.content.decode()
    unverified = vcjwt.read_unverified(token)
    assert unverified.algorithm == algorithm
    assert unverified.claims["iss"] == credential.document["issuer"]["id"]
    assert unverified.claims["jti"] == credential.credential_id
    assert "proof" not in unverified.claims["vc"]

    did_document = client.get(reverse("badges:platform_did")).json()
    kid = unverified.kid
    assert kid in did_document["assertionMethod"]
    assert kid not in did_document["authentication"]
    method = next(m for m in did_document["verificationMethod"] if m["id"] == kid)
    assert method["type"] == "JsonWebKey"
    assert "d" not in method["publicKeyJwk"]

    body = _verify(client, token)
    assert body["verdict"] == "verified", body
    assert body["format"] == "vc-jwt"

    b2_awards.revoke(credential)
    assert _verify(client, token)["verdict"] == "revoked"


def test_the_jwt_key_is_created_once_and_reused() -> None:
    issuer = b2_awards.achievement().issuer
    first = ensure_jwt_key(issuer=issuer, algorithm="ES256")
    assert ensure_jwt_key(issuer=issuer, algorithm="ES256") == first
    assert IssuerJwtKey.objects.filter(issuer=issuer).count() == 1
    assert b"PRIVATE" not in bytes(first.encrypted_private_key)
    with pytest.raises(vcjwt.VcJwtError):
        ensure_jwt_key(issuer=issuer, algorithm="HS256")
    document = issuers.did_document(issuer)
    assert len(document["verificationMethod"]) == 2


def test_private_credentials_and_bad_algorithms(client: Client) -> None:
    credential = b2_awards.award(visibility=Credential.Visibility.PRIVATE)
    url = reverse("badges_verify:credential_jwt", args=[credential.public_id])
    assert client.get(url).status_code == 404
    client.force_login(credential.recipient)
    assert client.get(url).status_code == 200
    assert client.get(url, {"alg": "none"}).status_code == 400
    shared = b2_awards.award(visibility=Credential.Visibility.LINK)
    client.logout()
    shared_url = reverse("badges_verify:shared_jwt", args=[shared.share_slug])
    assert client.get(shared_url).status_code == 200


def test_a_token_signed_with_an_unpublished_key_is_not_authentic(client: Client) -> None:
    credential = b2_awards.award()
    issuer_id = credential.document["issuer"]["id"]
    token = vcjwt.encode_vc_jwt(
        credential.document,
        key=vcjwt.generate_key("ES256"),
        algorithm="ES256",
        kid=f"{issuer_id}#not-published",
        issued_at=credential.valid_from,
    )
    body = _verify(client, token)
    assert body["verdict"] == "not_authentic"


def test_jwt_keys_are_reencrypted_with_the_others(settings: object) -> None:
    from cryptography.fernet import Fernet
    from django.test.utils import override_settings

    from skillcommons.badges import keys

    credential = b2_awards.award()
    ensure_jwt_key(issuer=credential.issuer, algorithm="ES256")
    old = list(getattr(settings, "BADGES_KEY_ENCRYPTION_KEYS", []))
    new = Fernet.generate_key().decode()
    with override_settings(BADGES_KEY_ENCRYPTION_KEYS=[new, *old]):
        assert keys.reencrypt_all_keys() == 2
    with override_settings(BADGES_KEY_ENCRYPTION_KEYS=[new]):
        token = vc_jwt_of(credential, algorithm="ES256")
    assert vcjwt.read_unverified(token).algorithm == "ES256"
