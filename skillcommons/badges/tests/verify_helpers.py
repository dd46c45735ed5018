"""Building blocks for the verification tests: a did:web-style issuer with its document, status
lists, signed credentials. Pure (no database), so the checks can be tested on their own."""

from __future__ import annotations

import base64
import gzip
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from skillcommons.badges import signing, verification

from .credentials import CREATED, open_badge_credential

ISSUER = "did:web:issuer.example"
KEY = signing.private_key_from_seed(bytes(range(1, 33)))
METHOD = f"{ISSUER}#key-1"
STATUS_URL = "https://issuer.example/status/1"
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def issuer_document(
    key: Ed25519PrivateKey = KEY, *, extra_methods: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    methods: list[dict[str, Any]] = [
        {
            "id": METHOD,
            "type": "Multikey",
            "controller": ISSUER,
            "publicKeyMultibase": signing.public_key_to_multibase(key.public_key()),
        },
        *(extra_methods or []),
    ]
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": ISSUER,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }


def encode_bits(bits: bytearray) -> str:
    return "u" + base64.urlsafe_b64encode(gzip.compress(bytes(bits))).decode().rstrip("=")


def status_list(*, revoked: tuple[int, ...] = (), purpose: str = "revocation") -> dict[str, Any]:
    bits = bytearray(131_072 // 8)
    for index in revoked:
        bits[index // 8] |= 0x80 >> (index % 8)
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": STATUS_URL,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": ISSUER,
        "validFrom": "2026-11-01T00:00:00Z",
        "credentialSubject": {
            "id": f"{STATUS_URL}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": encode_bits(bits),
        },
    }
    return signing.sign_credential(
        document, private_key=KEY, verification_method=METHOD, created=CREATED
    )


def credential(*, index: int = 7, **fields: Any) -> dict[str, Any]:
    """A signed OB 3.0 credential of the did:web issuer with a revocation status entry."""
    document = open_badge_credential(ISSUER)
    document["credentialStatus"] = {
        "id": f"{STATUS_URL}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": STATUS_URL,
    }
    document.update(fields)
    return signing.sign_credential(
        document, private_key=KEY, verification_method=METHOD, created=CREATED
    )


def source(documents: dict[str, Any]) -> verification.DocumentSource:
    return lambda url: documents.get(url)


def documents(*, revoked: tuple[int, ...] = ()) -> verification.DocumentSource:
    return source({ISSUER: issuer_document(), STATUS_URL: status_list(revoked=revoked)})
