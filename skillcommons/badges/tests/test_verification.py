"""The verification service's named checks, without the database: each bad input gets its own
clear verdict, and nothing touches the network."""

from __future__ import annotations

import copy
import io
import json
from datetime import timedelta
from typing import Any

import png
import pytest

from skillcommons.badges import signing, vcjwt, verification
from skillcommons.badges.baking import _itxt, bake_png, bake_svg
from skillcommons.badges.verification import Status, Verdict

from . import verify_helpers as h
from .credentials import CREATED, open_badge_credential

pytestmark = pytest.mark.usefixtures("no_network")


def _png() -> bytes:
    output = io.BytesIO()
    png.Writer(2, 2, greyscale=True).write(output, [[0, 255], [255, 0]])
    return output.getvalue()


def _verify(document: Any, **kwargs: Any) -> verification.Report:
    kwargs.setdefault("documents", h.documents())
    kwargs.setdefault("now", h.NOW)
    return verification.verify_text(json.dumps(document), **kwargs)


def _statuses(report: verification.Report) -> dict[str, Status]:
    return {check.name: check.status for check in report.checks}


def test_a_genuine_credential_passes_every_check() -> None:
    report = _verify(h.credential())
    assert report.verified, [c.explanation for c in report.checks]
    assert report.verdict is Verdict.VERIFIED
    assert [c.name for c in report.checks] == [
        "input", "format", "proof_options", "defined_terms", "issuer_key", "signature",
        "schema", "dates", "status", "recipient",
    ]  # fmt: skip
    assert report.check("recipient").status is Status.NOT_APPLICABLE
    assert report.as_dict()["verdict"] == "verified"
    assert all(check["explanation"] for check in report.as_dict()["checks"])


def test_a_changed_credential_is_not_authentic() -> None:
    document = h.credential()
    document["name"] = "Something else"
    report = _verify(document)
    assert not report.verified
    assert report.verdict is Verdict.NOT_AUTHENTIC
    assert report.check("signature").status is Status.FAILED


def test_a_revoked_credential_says_so() -> None:
    report = _verify(h.credential(index=7), documents=h.documents(revoked=(7,)))
    assert report.verdict is Verdict.REVOKED
    assert "revoked" in report.check("status").explanation
    # Other positions in the same list are unaffected.
    assert _verify(h.credential(index=8), documents=h.documents(revoked=(7,))).verified


def test_a_suspension_list_marks_the_credential_suspended() -> None:
    document = open_badge_credential(h.ISSUER)
    document["credentialStatus"] = {
        "type": "BitstringStatusListEntry",
        "statusPurpose": "suspension",
        "statusListIndex": "3",
        "statusListCredential": h.STATUS_URL,
    }
    signed = signing.sign_credential(
        document, private_key=h.KEY, verification_method=h.METHOD, created=CREATED
    )
    documents = h.source(
        {
            h.ISSUER: h.issuer_document(),
            h.STATUS_URL: h.status_list(revoked=(3,), purpose="suspension"),
        }
    )
    assert _verify(signed, documents=documents).verdict is Verdict.SUSPENDED


def test_expired_and_not_yet_valid_credentials() -> None:
    expired = _verify(h.credential(validUntil="2026-11-22T00:00:00Z"))
    assert expired.verdict is Verdict.EXPIRED
    assert _statuses(expired)["signature"] is Status.PASSED
    early = _verify(h.credential(validFrom="2026-12-24T00:00:00Z"))
    assert early.verdict is Verdict.NOT_YET_VALID
    later = _verify(h.credential(validUntil="2027-11-22T00:00:00Z"))
    assert later.verified
    assert "2027-11-22" in later.check("dates").explanation


def test_a_date_without_time_zone_is_invalid() -> None:
    check = verification.check_dates({"validFrom": "2026-11-01T00:00:00"}, now=h.NOW)
    assert check.status is Status.FAILED


def test_the_recipient_email_is_compared_with_the_salted_hash() -> None:
    subject = copy.deepcopy(open_badge_credential(h.ISSUER)["credentialSubject"])
    del subject["id"]
    subject["identifier"] = [
        {
            "type": "IdentityObject",
            "identityType": "emailAddress",
            "hashed": True,
            "salt": "pepper",
            "identityHash": verification.identity_hash("asha@example.org", "pepper"),
        }
    ]
    document = h.credential(credentialSubject=subject)
    matching = _verify(document, email="Asha@Example.org ")
    assert matching.verified
    assert matching.check("recipient").status is Status.PASSED
    other = _verify(document, email="ravi@example.org")
    assert other.verdict is Verdict.OTHER_RECIPIENT
    # A credential naming its recipient by profile cannot confirm an email address.
    assert _verify(h.credential(), email="asha@example.org").verdict is Verdict.OTHER_RECIPIENT


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("{not json", "not well-formed JSON"),
        ("[1, 2]", "not an object"),
        ("   ", "Nothing was given"),
        ("[" * 100_000, "nested too deeply"),
    ],
)
def test_unreadable_text_gets_a_clear_verdict(text: str, fragment: str) -> None:
    report = verification.verify_text(text, documents=h.documents(), now=h.NOW)
    assert report.verdict is Verdict.UNREADABLE
    assert fragment in report.check("input").explanation
    assert not report.verified


def test_images_are_unbaked_and_verified() -> None:
    document = h.credential()
    png_report = verification.verify_upload(
        bake_png(_png(), document), documents=h.documents(), now=h.NOW
    )
    assert png_report.verified
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>'
    svg_report = verification.verify_upload(
        bake_svg(svg, document), documents=h.documents(), now=h.NOW
    )
    assert svg_report.verified


def test_an_image_without_a_credential_or_with_two_is_unreadable() -> None:
    empty = verification.verify_upload(_png(), documents=h.documents(), now=h.NOW)
    assert empty.verdict is Verdict.UNREADABLE
    assert "does not carry" in empty.check("input").explanation
    baked = bake_png(_png(), h.credential())
    chunk_body = _itxt("openbadgecredential", "{}")
    import struct
    import zlib

    chunk = (
        struct.pack(">I", len(chunk_body))
        + b"iTXt"
        + chunk_body
        + struct.pack(">I", zlib.crc32(b"iTXt" + chunk_body))
    )
    iend = baked.rindex(b"IEND") - 4
    twice = baked[:iend] + chunk + baked[iend:]
    report = verification.verify_upload(twice, documents=h.documents(), now=h.NOW)
    assert report.verdict is Verdict.UNREADABLE
    assert "more than one" in report.check("input").explanation


def test_an_oversized_upload_is_refused_before_reading() -> None:
    data = b"{" + b" " * verification.MAX_UPLOAD_BYTES + b"}"
    report = verification.verify_upload(data, documents=h.documents(), now=h.NOW)
    assert report.verdict is Verdict.UNREADABLE


def test_an_unknown_issuer_key_is_not_authentic() -> None:
    report = _verify(h.credential(), documents=h.source({h.STATUS_URL: h.status_list()}))
    assert report.verdict is Verdict.NOT_AUTHENTIC
    assert "neither on this site nor supplied" in report.check("issuer_key").explanation
    other = signing.private_key_from_seed(bytes(32))
    wrong_document = h.source({h.ISSUER: h.issuer_document(other), h.STATUS_URL: h.status_list()})
    assert _verify(h.credential(), documents=wrong_document).verdict is Verdict.NOT_AUTHENTIC


def test_a_missing_status_list_leaves_the_status_unknown() -> None:
    report = _verify(h.credential(), documents=h.source({h.ISSUER: h.issuer_document()}))
    assert report.verdict is Verdict.STATUS_UNKNOWN
    assert h.STATUS_URL in report.check("status").explanation


def test_a_forged_status_list_is_not_trusted() -> None:
    forged = h.status_list(revoked=(7,))
    forged["credentialSubject"]["encodedList"] = h.status_list()["credentialSubject"]["encodedList"]
    report = _verify(
        h.credential(), documents=h.source({h.ISSUER: h.issuer_document(), h.STATUS_URL: forged})
    )
    assert report.verdict is Verdict.STATUS_UNKNOWN
    assert "not genuine" in report.check("status").explanation


def test_a_status_list_of_another_issuer_is_not_trusted() -> None:
    other = signing.private_key_from_seed(bytes(32))
    did = signing.did_key(other.public_key())
    listing = h.status_list()
    del listing["proof"]
    listing["issuer"] = did
    listing = signing.sign_credential(
        listing,
        private_key=other,
        verification_method=signing.did_key_verification_method(other.public_key()),
        created=CREATED,
    )
    report = _verify(
        h.credential(), documents=h.source({h.ISSUER: h.issuer_document(), h.STATUS_URL: listing})
    )
    assert report.verdict is Verdict.STATUS_UNKNOWN
    assert "not issued by the credential's issuer" in report.check("status").explanation


def test_a_did_key_credential_without_status_verifies_offline() -> None:
    key = signing.private_key_from_seed(bytes(range(5, 37)))
    did = signing.did_key(key.public_key())
    document = signing.sign_credential(
        open_badge_credential(did),
        private_key=key,
        verification_method=signing.did_key_verification_method(key.public_key()),
        created=CREATED,
    )
    report = _verify(document, documents=h.source({}))
    assert report.verified
    assert report.check("status").status is Status.NOT_APPLICABLE


def test_a_schema_violation_is_reported_with_its_place() -> None:
    document = open_badge_credential(h.ISSUER)
    document["credentialSubject"]["achievement"]["criteria"] = "just text"
    signed = signing.sign_credential(
        document, private_key=h.KEY, verification_method=h.METHOD, created=CREATED
    )
    report = _verify(signed)
    assert report.check("signature").status is Status.PASSED
    assert report.check("schema").status is Status.FAILED
    assert "criteria" in report.check("schema").explanation
    assert report.verdict is Verdict.INVALID


def test_no_proof_means_nothing_else_is_judged() -> None:
    report = _verify(open_badge_credential(h.ISSUER))
    assert report.verdict is Verdict.NOT_AUTHENTIC
    assert report.check("status").status is Status.NOT_CHECKED


def test_status_bits_count_from_the_most_significant_bit() -> None:
    bits = verification.decode_status_list(h.encode_bits(bytearray([0b0100_0000, 1])))
    assert [verification.bit_is_set(bits, i) for i in range(16)] == (
        [False, True] + [False] * 13 + [True]
    )
    with pytest.raises(ValueError, match="multibase"):
        verification.decode_status_list("zabc")


@pytest.mark.parametrize("algorithm", ["ES256", "RS256"])
def test_vc_jwt_is_verified_with_the_issuer_json_web_key(algorithm: str) -> None:
    key = vcjwt.generate_key(algorithm)
    kid = f"{h.ISSUER}#jwt-{algorithm.lower()}"
    issuer_document = h.issuer_document(
        extra_methods=[
            {
                "id": kid,
                "type": "JsonWebKey",
                "controller": h.ISSUER,
                "publicKeyJwk": vcjwt.public_jwk(key),
            }
        ]
    )
    documents = h.source({h.ISSUER: issuer_document, h.STATUS_URL: h.status_list(revoked=(9,))})
    unsigned = h.credential()
    del unsigned["proof"]
    token = vcjwt.encode_vc_jwt(
        unsigned, key=key, algorithm=algorithm, kid=kid, issued_at=h.NOW - timedelta(hours=1)
    )
    report = verification.verify_text(token, documents=documents, now=h.NOW)
    assert report.verified, [c.explanation for c in report.checks]
    assert report.format == "vc-jwt"
    assert [c.name for c in report.checks][:5] == [
        "input", "jwt", "issuer_key", "signature", "defined_terms",
    ]  # fmt: skip
    claims = vcjwt.read_unverified(token).claims
    assert claims["iss"] == h.ISSUER
    assert claims["jti"] == unsigned["id"]
    assert claims["nbf"] == int(CREATED.timestamp())

    header, _payload, signature = token.split(".")
    changed = dict(claims, vc=dict(claims["vc"], name="Changed"))
    import base64

    forged_payload = base64.urlsafe_b64encode(json.dumps(changed).encode()).decode().rstrip("=")
    forged = verification.verify_text(
        f"{header}.{forged_payload}.{signature}", documents=documents, now=h.NOW
    )
    assert forged.verdict is Verdict.NOT_AUTHENTIC
    assert forged.check("signature").status is Status.FAILED

    revoked = h.credential(index=9)
    del revoked["proof"]
    revoked_token = vcjwt.encode_vc_jwt(
        revoked, key=key, algorithm=algorithm, kid=kid, issued_at=h.NOW
    )
    assert (
        verification.verify_text(revoked_token, documents=documents, now=h.NOW).verdict
        is Verdict.REVOKED
    )


def test_vc_jwt_with_an_unpublished_key_or_another_algorithm_fails() -> None:
    key = vcjwt.generate_key("ES256")
    unsigned = h.credential()
    del unsigned["proof"]
    token = vcjwt.encode_vc_jwt(
        unsigned, key=key, algorithm="ES256", kid=f"{h.ISSUER}#jwt", issued_at=h.NOW
    )
    report = verification.verify_text(token, documents=h.documents(), now=h.NOW)
    assert report.verdict is Verdict.NOT_AUTHENTIC
    assert report.check("issuer_key").status is Status.FAILED
    with pytest.raises(vcjwt.VcJwtError):
        vcjwt.generate_key("HS256")
    with pytest.raises(vcjwt.VcJwtError):
        vcjwt.encode_vc_jwt(
            unsigned, key=key, algorithm="ES256", kid="did:web:other.example#k", issued_at=h.NOW
        )


def test_supplied_documents_are_parsed_strictly() -> None:
    assert verification.supplied_documents({"url": "https://a.example/x#k", "document": {}}) == {
        "https://a.example/x": {}
    }
    with pytest.raises(verification.InputProblemError):
        verification.supplied_documents([{"url": 1}])
    with pytest.raises(verification.InputProblemError):
        verification.supplied_documents([{"url": "u", "document": {}}] * 11)
