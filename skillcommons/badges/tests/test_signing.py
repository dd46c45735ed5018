import base64
import copy
from datetime import UTC, datetime
from typing import Any

import base58
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pyld.jsonld import JsonLdError

from skillcommons.badges import signing
from skillcommons.badges.signing import (
    CheckName,
    CheckStatus,
    DocumentKeyResolver,
    KeyFormatError,
    KeyResolutionError,
    UndefinedTermError,
    did_key,
    did_key_verification_method,
    hash_data,
    private_key_from_seed,
    public_key_from_multibase,
    public_key_to_multibase,
    raw_public_key,
    resolve_did_key,
    sign_credential,
    verify_credential,
)

from .credentials import CREATED, VECTOR_DIR, open_badge_credential, vector

pytestmark = pytest.mark.usefixtures("no_network")

# --- the 1EdTech known-answer test --------------------------------------------------------------


def test_vector_document_canonicalizes_to_the_shipped_nquads() -> None:
    data = vector()
    hashed = hash_data(data["unsigned_credential"], data["proof_options"])
    assert hashed.document_nquads == (VECTOR_DIR / "document-canon.nq").read_text(encoding="utf-8")
    assert hashed.proof_config_nquads == (VECTOR_DIR / "proof-canon.nq").read_text(encoding="utf-8")


def test_vector_hashes_and_signed_data_match() -> None:
    data = vector()
    hashed = hash_data(data["unsigned_credential"], data["proof_options"])
    assert hashed.document_hash.hex() == data["expected"]["document_hash_hex"]
    assert hashed.proof_config_hash.hex() == data["expected"]["proof_hash_hex"]
    assert hashed.data.hex() == data["expected"]["data_to_sign_hex"]


def test_vector_key_matches_its_published_multikey() -> None:
    data = vector()
    key = private_key_from_seed(bytes.fromhex(data["ed25519_private_seed_hex"]))
    assert raw_public_key(key.public_key()).hex() == data["ed25519_public_key_hex"]
    assert public_key_to_multibase(key.public_key()) == data["public_key_multibase"]


def test_signing_the_vector_reproduces_signature_and_proof_value_exactly() -> None:
    data = vector()
    key = private_key_from_seed(bytes.fromhex(data["ed25519_private_seed_hex"]))
    signed = sign_credential(
        data["unsigned_credential"],
        private_key=key,
        verification_method=data["verification_method"],
        created=datetime(2010, 1, 1, 19, 23, 24, tzinfo=UTC),
    )
    proof = signed["proof"]
    assert proof["proofValue"] == data["expected"]["proof_value"]
    assert base58.b58decode(proof["proofValue"][1:]).hex() == data["expected"]["signature_hex"]
    assert {k: v for k, v in proof.items() if k != "proofValue"} == data["proof_options"]
    assert {k: v for k, v in signed.items() if k != "proof"} == data["unsigned_credential"]


def test_the_published_vector_credential_verifies() -> None:
    data = vector()
    signed = {
        **data["unsigned_credential"],
        "proof": {**data["proof_options"], "proofValue": data["expected"]["proof_value"]},
    }
    issuer_profile = {
        "id": "https://example.edu/issuers/565049",
        "verificationMethod": [
            {
                "id": data["verification_method"],
                "type": "Multikey",
                "controller": "https://example.edu/issuers/565049",
                "publicKeyMultibase": data["public_key_multibase"],
            }
        ],
        "assertionMethod": [data["verification_method"]],
    }
    resolver = DocumentKeyResolver({"https://example.edu/issuers/565049": issuer_profile})
    result = verify_credential(signed, resolve_key=resolver)
    assert result.verified, [c.explanation for c in result.checks]


# --- keys and did:key -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("did", "public_key_base58"),
    [
        # Published DID documents with Ed25519VerificationKey2018 keys (Hyperledger/OpenWallet
        # ACA-Py did:key test data), written here as published, not computed.
        (
            "did:key:z6MkmjY8GnV5i9YTDtPETC2uUAW6ejw3nk5mXF5yci5ab7th",
            "8HH5gYEeNc3z7PYXmd54d4x6qAfCNrqQqEB3nS7Zfu7K",
        ),
        (
            "did:key:z6Mkgg342Ycpuk263R9d8Aq6MUaxPn1DDeHyGo38EefXmgDL",
            "3Dn1SJNPaCXcvvJvSbsFWP2xaCjMom3can8CQNhWrTRx",
        ),
    ],
)
def test_published_did_keys_decode_to_their_published_keys(
    did: str, public_key_base58: str
) -> None:
    raw = base58.b58decode(public_key_base58)
    key = public_key_from_multibase(did.removeprefix("did:key:"))
    assert raw_public_key(key) == raw
    assert did_key(Ed25519PublicKey.from_public_bytes(raw)) == did
    assert resolve_did_key(did)["verificationMethod"][0]["id"] == did + "#" + did.removeprefix(
        "did:key:"
    )


def test_a_published_seed_gives_its_published_did_key() -> None:
    # Transmute did-key.js Ed25519 example: seed, did:key and JWK x value as published.
    seed = bytes.fromhex("4f66b355aa7b0980ff901f2295b9c562ac3061be4df86703eb28c612faae6578")
    key = private_key_from_seed(seed).public_key()
    assert did_key(key) == "did:key:z6Mkk7yqnGF3YwTrLpqrW6PGsKci7dNqh1CjnvMbzrMerSeL"
    x = base64.urlsafe_b64decode("VDXDwuGKVq91zxU6q7__jLDUq8_C5cuxECgd-1feFTE=")
    assert raw_public_key(key) == x
    assert did_key_verification_method(key) == (
        "did:key:z6Mkk7yqnGF3YwTrLpqrW6PGsKci7dNqh1CjnvMbzrMerSeL"
        "#z6Mkk7yqnGF3YwTrLpqrW6PGsKci7dNqh1CjnvMbzrMerSeL"
    )


def test_did_key_round_trip() -> None:
    key = signing.generate_private_key().public_key()
    assert did_key(key).startswith("did:key:z6Mk")
    decoded = public_key_from_multibase(did_key(key).removeprefix("did:key:"))
    assert raw_public_key(decoded) == raw_public_key(key)


def test_did_key_resolves_to_a_document_that_authorizes_its_key() -> None:
    key = signing.generate_private_key().public_key()
    method = did_key_verification_method(key)
    document = resolve_did_key(did_key(key))
    assert document["id"] == did_key(key)
    assert document["verificationMethod"][0]["id"] == method
    assert document["verificationMethod"][0]["publicKeyMultibase"] == public_key_to_multibase(key)
    assert document["assertionMethod"] == [method]
    assert raw_public_key(DocumentKeyResolver()(method)) == raw_public_key(key)


@pytest.mark.parametrize(
    "value",
    [
        "6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",  # no multibase prefix
        "z0OIl",  # not base58
        "z" + base58.b58encode(b"\xec\x01" + bytes(32)).decode(),  # X25519, not Ed25519
        "z" + base58.b58encode(b"\xed\x01" + bytes(31)).decode(),  # too short
    ],
)
def test_malformed_multikeys_are_refused(value: str) -> None:
    with pytest.raises(KeyFormatError):
        public_key_from_multibase(value)


def test_resolver_refuses_unknown_controllers_and_unauthorized_keys() -> None:
    key = signing.generate_private_key().public_key()
    multibase = public_key_to_multibase(key)
    with pytest.raises(KeyResolutionError, match="was not supplied"):
        DocumentKeyResolver()("did:web:example.org#key-1")
    document = {
        "id": "did:web:example.org",
        "verificationMethod": [
            {
                "id": "#key-1",
                "type": "Multikey",
                "controller": "did:web:example.org",
                "publicKeyMultibase": multibase,
            }
        ],
        "authentication": ["#key-1"],
    }
    with pytest.raises(KeyResolutionError, match="does not authorize"):
        DocumentKeyResolver({"did:web:example.org": document})("did:web:example.org#key-1")
    document["assertionMethod"] = ["#key-1"]
    resolved = DocumentKeyResolver({"did:web:example.org": document})("did:web:example.org#key-1")
    assert raw_public_key(resolved) == raw_public_key(key)
    with pytest.raises(KeyResolutionError, match="does not publish"):
        DocumentKeyResolver({"did:web:example.org": {**document, "assertionMethod": ["#key-2"]}})(
            "did:web:example.org#key-2"
        )


# --- sign and verify ------------------------------------------------------------------------------


@pytest.fixture
def issuer_key() -> Ed25519PrivateKey:
    return private_key_from_seed(bytes(range(32)))


@pytest.fixture
def signed(issuer_key: Ed25519PrivateKey) -> dict[str, Any]:
    issuer = did_key(issuer_key.public_key())
    return sign_credential(
        open_badge_credential(issuer),
        private_key=issuer_key,
        verification_method=did_key_verification_method(issuer_key.public_key()),
        created=CREATED,
    )


def _verify(document: Any) -> signing.VerificationResult:
    return verify_credential(document, resolve_key=DocumentKeyResolver())


def test_signed_credential_verifies(signed: dict[str, Any]) -> None:
    result = _verify(signed)
    assert result.verified
    assert [c.name for c in result.checks] == list(CheckName)
    assert all(c.explanation and c.title for c in result.checks)
    assert signed["proof"]["created"] == "2026-11-23T07:00:00Z"
    assert signed["proof"]["cryptosuite"] == "eddsa-rdfc-2022"


def test_signing_does_not_change_the_input(issuer_key: Ed25519PrivateKey) -> None:
    credential = open_badge_credential(did_key(issuer_key.public_key()))
    before = copy.deepcopy(credential)
    sign_credential(
        credential,
        private_key=issuer_key,
        verification_method=did_key_verification_method(issuer_key.public_key()),
        created=CREATED,
    )
    assert credential == before


def _failed(result: signing.VerificationResult) -> CheckName:
    failure = result.first_failure
    assert failure is not None and not result.verified
    later = result.checks[result.checks.index(failure) + 1 :]
    assert all(c.status is CheckStatus.NOT_CHECKED for c in later)
    return failure.name


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("name",), "Wikidata query master"),
        (("validFrom",), "2020-01-01T00:00:00Z"),
        (("credentialSubject", "id"), "https://skillcommons.example/people/someone-else"),
        (("credentialSubject", "achievement", "name"), "Anything"),
        (("credentialSubject", "achievement", "criteria", "narrative"), "Nothing at all."),
        (("issuer", "name"), "Someone else"),
        (("proof", "created"), "2026-11-24T07:00:00Z"),
    ],
)
def test_tampering_with_any_field_breaks_the_signature(
    signed: dict[str, Any], path: tuple[str, ...], value: str
) -> None:
    target = signed
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert _failed(_verify(signed)) is CheckName.SIGNATURE


def test_tampering_with_the_type_breaks_the_signature(signed: dict[str, Any]) -> None:
    signed["credentialSubject"]["achievement"]["type"] = ["Achievement", "EndorsementSubject"]
    assert _failed(_verify(signed)) is CheckName.SIGNATURE


def test_tampering_with_the_proof_value_breaks_the_signature(signed: dict[str, Any]) -> None:
    signature = bytearray(base58.b58decode(signed["proof"]["proofValue"][1:]))
    signature[0] ^= 1
    signed["proof"]["proofValue"] = "z" + base58.b58encode(bytes(signature)).decode()
    result = _verify(signed)
    assert _failed(result) is CheckName.SIGNATURE
    assert "does not match" in result.check(CheckName.SIGNATURE).explanation


@pytest.mark.parametrize(
    "value", ["not-multibase", "z" + base58.b58encode(b"short").decode(), "zI0"]
)
def test_a_malformed_proof_value_is_explained(signed: dict[str, Any], value: str) -> None:
    signed["proof"]["proofValue"] = value
    assert _failed(_verify(signed)) is CheckName.SIGNATURE


def test_a_verification_method_of_another_key_is_not_the_issuers(signed: dict[str, Any]) -> None:
    other = signing.generate_private_key().public_key()
    signed["proof"]["verificationMethod"] = did_key_verification_method(other)
    result = _verify(signed)
    assert _failed(result) is CheckName.ISSUER_KEY
    assert "does not belong to the issuer" in result.check(CheckName.ISSUER_KEY).explanation


def test_a_credential_re_signed_by_someone_else_claiming_the_issuer_fails(
    signed: dict[str, Any],
) -> None:
    impostor = signing.generate_private_key()
    unsigned = {k: v for k, v in signed.items() if k != "proof"}
    forged = sign_credential(
        unsigned,
        private_key=impostor,
        verification_method=did_key_verification_method(impostor.public_key()),
        created=CREATED,
    )
    assert _failed(_verify(forged)) is CheckName.ISSUER_KEY


def test_the_wrong_public_key_fails_the_signature(signed: dict[str, Any]) -> None:
    other = signing.generate_private_key().public_key()
    result = verify_credential(signed, resolve_key=lambda method: other)
    assert _failed(result) is CheckName.SIGNATURE


def test_an_unresolvable_key_is_explained(signed: dict[str, Any]) -> None:
    def unreachable(method: str) -> Any:
        raise KeyResolutionError("no such key")

    result = verify_credential(signed, resolve_key=unreachable)
    assert _failed(result) is CheckName.ISSUER_KEY
    assert "no such key" in result.check(CheckName.ISSUER_KEY).explanation


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("type", "Ed25519Signature2020"),
        ("cryptosuite", "ecdsa-rdfc-2019"),
        ("proofPurpose", "authentication"),
        ("created", "yesterday"),
    ],
)
def test_unexpected_proof_options_are_refused(
    signed: dict[str, Any], field: str, value: str
) -> None:
    signed["proof"][field] = value
    assert _failed(_verify(signed)) is CheckName.PROOF_OPTIONS


@pytest.mark.parametrize(
    "document",
    [
        "not an object",
        {"type": "VerifiableCredential"},
        {"@context": ["https://www.w3.org/ns/credentials/v2"], "issuer": "did:example:x"},
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "issuer": "did:example:x",
            "proof": [{}, {}],
        },
    ],
)
def test_malformed_credentials_get_a_verdict_not_an_exception(document: Any) -> None:
    assert _failed(_verify(document)) is CheckName.FORMAT


def test_missing_proof_is_explained(signed: dict[str, Any]) -> None:
    del signed["proof"]
    result = _verify(signed)
    assert _failed(result) is CheckName.FORMAT
    assert "no proof" in result.check(CheckName.FORMAT).explanation


# --- the undefined-term guard ---------------------------------------------------------------------


def test_signing_refuses_a_made_up_property(issuer_key: Ed25519PrivateKey) -> None:
    credential = open_badge_credential(did_key(issuer_key.public_key()))
    credential["credentialSubject"]["achievement"]["favouriteColour"] = "teal"
    with pytest.raises(UndefinedTermError) as caught:
        sign_credential(
            credential,
            private_key=issuer_key,
            verification_method=did_key_verification_method(issuer_key.public_key()),
            created=CREATED,
        )
    assert caught.value.terms == ("favouriteColour",)
    assert "favouriteColour" in str(caught.value)


@pytest.mark.parametrize(
    ("change", "terms"),
    [
        (lambda c: c.update(shoeSize=44), ("shoeSize",)),
        (
            lambda c: c["credentialSubject"].update(type=["AchievementSubject", "SuperSubject"]),
            ("SuperSubject",),
        ),
        (lambda c: c.update({"@unknown": "x"}), ("@unknown",)),
        (
            lambda c: (
                c["@context"].append("https://www.w3.org/ns/credentials/undefined-terms/v2")
                or c.update(extra=1)
            ),
            ("extra",),
        ),
        (
            lambda c: c["credentialSubject"].update(
                {"@context": {"@vocab": "https://example.org/#"}, "nick": "x"}
            ),
            ("@vocab", "nick"),
        ),
    ],
)
def test_undefined_terms_and_vocab_fallbacks_are_named(
    issuer_key: Ed25519PrivateKey, change: Any, terms: tuple[str, ...]
) -> None:
    credential = open_badge_credential(did_key(issuer_key.public_key()))
    change(credential)
    with pytest.raises(UndefinedTermError) as caught:
        signing.check_defined_terms(credential)
    assert set(terms) <= set(caught.value.terms)


def test_a_term_defined_in_an_inline_context_is_accepted(issuer_key: Ed25519PrivateKey) -> None:
    credential = open_badge_credential(did_key(issuer_key.public_key()))
    credential["@context"].append(
        {"wikidataItem": {"@id": "https://www.wikidata.org/prop/direct/P1", "@type": "@id"}}
    )
    credential["credentialSubject"]["achievement"]["wikidataItem"] = (
        "https://www.wikidata.org/wiki/Q42"
    )
    signing.check_defined_terms(credential)


def test_nullifying_the_protected_contexts_is_refused(issuer_key: Ed25519PrivateKey) -> None:
    credential = open_badge_credential(did_key(issuer_key.public_key()))
    credential["credentialSubject"]["@context"] = None
    with pytest.raises(JsonLdError):
        signing.check_defined_terms(credential)
    signed = {
        **credential,
        "proof": {
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-rdfc-2022",
            "proofPurpose": "assertionMethod",
            "verificationMethod": did_key_verification_method(issuer_key.public_key()),
            "proofValue": "z1",
        },
    }
    assert _failed(_verify(signed)) is CheckName.DEFINED_TERMS


def test_verification_refuses_an_undefined_term_added_after_signing(signed: dict[str, Any]) -> None:
    signed["credentialSubject"]["secretNote"] = "added later"
    result = _verify(signed)
    assert _failed(result) is CheckName.DEFINED_TERMS
    assert "secretNote" in result.check(CheckName.DEFINED_TERMS).explanation


def test_verification_explains_an_unbundled_context(signed: dict[str, Any]) -> None:
    signed["@context"].append("https://contexts.example.org/unknown/v1")
    result = _verify(signed)
    assert _failed(result) is CheckName.DEFINED_TERMS
    assert (
        "https://contexts.example.org/unknown/v1"
        in result.check(CheckName.DEFINED_TERMS).explanation
    )


def test_proof_time_needs_a_time_zone(issuer_key: Ed25519PrivateKey) -> None:
    with pytest.raises(signing.BadgeSigningError):
        sign_credential(
            open_badge_credential("did:example:x"),
            private_key=issuer_key,
            verification_method="did:example:x#k",
            created=datetime(2026, 1, 1),
        )


def test_an_already_signed_credential_is_not_signed_again(
    signed: dict[str, Any], issuer_key: Ed25519PrivateKey
) -> None:
    with pytest.raises(signing.BadgeSigningError, match="already carries a proof"):
        sign_credential(
            signed, private_key=issuer_key, verification_method="did:example:x#k", created=CREATED
        )


def test_a_version_1_credential_without_the_data_integrity_context_cannot_carry_the_proof(
    issuer_key: Ed25519PrivateKey,
) -> None:
    credential: dict[str, Any] = {
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential"],
        "issuer": did_key(issuer_key.public_key()),
        "issuanceDate": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:someone"},
    }
    with pytest.raises(UndefinedTermError) as caught:
        sign_credential(
            credential,
            private_key=issuer_key,
            verification_method=did_key_verification_method(issuer_key.public_key()),
            created=CREATED,
        )
    assert "DataIntegrityProof" in caught.value.terms
    credential["@context"].append("https://w3id.org/security/data-integrity/v2")
    signed = sign_credential(
        credential,
        private_key=issuer_key,
        verification_method=did_key_verification_method(issuer_key.public_key()),
        created=CREATED,
    )
    assert _verify(signed).verified
