"""Issuer identities served by the app: did:web identifiers, DID documents with every key (current
and retired) as Multikey verification methods, and OB 3.0 issuer profiles.

did:web (W3C CCG "did:web Method Specification"): ``did:web:<host>`` resolves to
``https://<host>/.well-known/did.json`` and ``did:web:<host>:issuers:<slug>`` to
``https://<host>/issuers/<slug>/did.json``; a port in the host is written ``%3A``. The host comes
from ``settings.SITE_URL``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.urls import reverse

from .models import Issuer, IssuerKey
from .signing import MULTIKEY_TYPE

DID_CONTEXTS = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]
OB3_CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


def site_host() -> str:
    """The host (and port) of ``SITE_URL``, encoded for a did:web identifier."""
    netloc = urlsplit(settings.SITE_URL).netloc
    return quote(netloc, safe="")


def issuer_did(issuer: Issuer) -> str:
    """The did:web of an issuer."""
    if issuer.is_platform:
        return f"did:web:{site_host()}"
    return f"did:web:{site_host()}:issuers:{issuer.slug}"


def did_document_path(issuer: Issuer) -> str:
    """Where this site serves the issuer's DID document."""
    if issuer.is_platform:
        return reverse("badges:platform_did")
    return reverse("badges:issuer_did", args=[issuer.slug])


def did_document_url(issuer: Issuer) -> str:
    return settings.SITE_URL + did_document_path(issuer)


def profile_url(issuer: Issuer) -> str:
    """The https address of the issuer's profile page (HTML; JSON at ``profile.json``)."""
    return settings.SITE_URL + reverse("badges:issuer_detail", args=[issuer.slug])


def profile_json_url(issuer: Issuer) -> str:
    return settings.SITE_URL + reverse("badges:issuer_profile_json", args=[issuer.slug])


def verification_method_id(issuer: Issuer, key: IssuerKey) -> str:
    """``<did>#<publicKeyMultibase>``: the key's id inside the issuer's DID document."""
    return f"{issuer_did(issuer)}#{key.public_key_multibase}"


def published_keys(issuer: Issuer) -> list[IssuerKey]:
    """Every key of the issuer, the active one first, then retired ones newest first."""
    return sorted(issuer.keys.all(), key=lambda k: (not k.is_active, -k.created_at.timestamp()))


def did_document(issuer: Issuer) -> dict[str, Any]:
    """The DID document: every key, current and retired, authorised for ``assertionMethod``, so
    that credentials signed before a rotation still verify."""
    did = issuer_did(issuer)
    methods = [
        {
            "id": verification_method_id(issuer, key),
            "type": MULTIKEY_TYPE,
            "controller": did,
            "publicKeyMultibase": key.public_key_multibase,
        }
        for key in published_keys(issuer)
    ]
    ids = [method["id"] for method in methods]
    # VC-JWT keys (``vcjwt_keys.py``), published for assertions only.
    from .vcjwt_keys import verification_methods as jwt_methods

    jwt = jwt_methods(issuer)
    return {
        "@context": list(DID_CONTEXTS),
        "id": did,
        "verificationMethod": methods + jwt,
        "assertionMethod": ids + [method["id"] for method in jwt],
        "authentication": ids,
    }


def issuer_profile(issuer: Issuer) -> dict[str, Any]:
    """The issuer as an OB 3.0 ``Profile`` (what a credential's ``issuer`` says, and more)."""
    profile: dict[str, Any] = {
        "@context": list(OB3_CONTEXTS),
        "id": issuer_did(issuer),
        "type": ["Profile"],
        "name": issuer.name,
        "url": profile_url(issuer),
    }
    if issuer.description:
        profile["description"] = issuer.description
    if issuer.email:
        profile["email"] = issuer.email
    return profile


def credential_issuer(issuer: Issuer) -> dict[str, Any]:
    """The ``issuer`` object embedded in each credential."""
    return {
        "id": issuer_did(issuer),
        "type": ["Profile"],
        "name": issuer.name,
        "url": profile_url(issuer),
    }


def issuer_documents() -> dict[str, dict[str, Any]]:
    """Every issuer's DID document by DID: what a key resolver needs to check this site's proofs
    without fetching anything."""
    issuers = Issuer.objects.select_related("organization").prefetch_related("keys")
    return {issuer_did(issuer): did_document(issuer) for issuer in issuers}
