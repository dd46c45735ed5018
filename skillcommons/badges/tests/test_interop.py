"""Credentials signed by ``signing.py`` checked by an independent implementation.

``interop/verify.mjs`` runs Digital Bazaar's ``@digitalbazaar/vc`` with a ``DataIntegrityProof``
and the ``eddsa-rdfc-2022`` cryptosuite (its own JSON-LD library, canonicalization in safe mode),
with a document loader that serves only the bundled contexts and the documents handed to it. All
cases go to one ``node`` process. Outside CI the test is skipped, with the reason, when ``node`` or
the npm packages are missing; in CI (``CI=true``) that is a failure, so it cannot silently stop
running.

Revocation: the benchmark samples carry a Bitstring status list (checked with
``@digitalbazaar/vc-bitstring-status-list``).
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pyld import jsonld

from skillcommons.badges import signing
from skillcommons.badges.contexts import StaticDocumentLoader, bundled_loader, run_jsonld
from skillcommons.badges.signing import (
    UndefinedTermError,
    did_key,
    did_key_verification_method,
    private_key_from_seed,
    resolve_did_key,
    sign_credential,
)

from .credentials import CREATED, open_badge_credential

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "skillcommons" / "badges" / "interop" / "verify.mjs"
PACKAGE = ROOT / "node_modules" / "@digitalbazaar" / "vc"

ISSUER_KEY = private_key_from_seed(bytes(range(32)))
OTHER_KEY = private_key_from_seed(bytes(range(32, 64)))


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@pytest.fixture(scope="module")
def node() -> str:
    executable = shutil.which("node")
    if executable is None:
        message = "node is not installed, so the independent verifier cannot run."
    elif not PACKAGE.is_dir():
        message = f"{PACKAGE} is missing (run `make setup` or `npm ci`)."
    else:
        return executable
    if in_ci():
        pytest.fail(f"{message} CI must run the interoperability test.")
    pytest.skip(message)


def issuer_documents(key: Ed25519PrivateKey) -> dict[str, Any]:
    """What the outside verifier is given about a did:key issuer: its DID document."""
    did = did_key(key.public_key())
    return {did: resolve_did_key(did)}


def sign(
    credential: dict[str, Any],
    key: Ed25519PrivateKey,
    *,
    method_key: Ed25519PrivateKey | None = None,
) -> dict[str, Any]:
    """Sign with ``key``; the proof names the verification method of ``method_key`` (or ``key``)."""
    return sign_credential(
        credential,
        private_key=key,
        verification_method=did_key_verification_method((method_key or key).public_key()),
        created=CREATED,
    )


def sign_without_guard(
    credential: dict[str, Any], key: Ed25519PrivateKey, monkeypatch: pytest.MonkeyPatch
) -> dict[str, Any]:
    """Sign the way a plain pyld signer would: expansion silently drops undefined terms."""

    def lax_expand(
        document: dict[str, Any], *, loader: StaticDocumentLoader | None = None
    ) -> list[Any]:
        options = (loader or bundled_loader()).jsonld_options()
        expanded: list[Any] = run_jsonld(lambda: jsonld.expand(dict(document), options))
        return expanded

    with monkeypatch.context() as patch:
        patch.setattr(signing, "expand_strictly", lax_expand)
        return sign(credential, key)


def run_verifier(node: str, cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    completed = subprocess.run(  # noqa: S603 (node on PATH and our own script)
        [node, str(SCRIPT)],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    results: list[dict[str, Any]] = json.loads(completed.stdout)
    assert len(results) == len(cases)
    return results


def test_the_independent_verifier_agrees_with_our_signatures(
    node: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    issuer = did_key(ISSUER_KEY.public_key())
    documents = issuer_documents(ISSUER_KEY)
    now = datetime.now(UTC)

    valid = sign(open_badge_credential(issuer), ISSUER_KEY)

    full = open_badge_credential(issuer, subject="https://skillcommons.example/people/ravi")
    full["validUntil"] = signing.format_datetime(now + timedelta(days=365))
    full["description"] = (
        "Recognised by peers on Skillcommons. \u0905\u0927\u094d\u092f\u093e\u092a\u0915"
    )
    full["credentialSubject"]["achievement"]["alignment"] = [
        {
            "type": ["Alignment"],
            "targetName": "SPARQL",
            "targetUrl": "https://www.wikidata.org/wiki/Q54871",
            "targetType": "ext:WikidataItem",
        }
    ]
    full["evidence"] = [
        {
            "id": "https://skillcommons.example/exchanges/42",
            "type": ["Evidence"],
            "name": "Exchange",
        }
    ]
    valid_full = sign(full, ISSUER_KEY)

    tampered = copy.deepcopy(valid)
    tampered["name"] = "Wikidata query grandmaster"

    # Signed by another key while the proof names the issuer's key.
    wrong_key = sign(open_badge_credential(issuer), OTHER_KEY, method_key=ISSUER_KEY)

    # A valid signature by another did:key, on a credential that names our issuer.
    other_issuer_signed = sign(open_badge_credential(issuer), OTHER_KEY)

    expired_credential = open_badge_credential(issuer)
    expired_credential["validUntil"] = signing.format_datetime(now - timedelta(days=2))
    expired = sign(expired_credential, ISSUER_KEY)

    undefined_credential = open_badge_credential(issuer)
    undefined_credential["skillcommonsLevel"] = "expert"
    with pytest.raises(UndefinedTermError):
        sign(undefined_credential, ISSUER_KEY)
    undefined = sign_without_guard(undefined_credential, ISSUER_KEY, monkeypatch)
    # Without the guard the term is dropped before hashing: the signature does not cover it.
    assert undefined["proof"]["proofValue"] == valid["proof"]["proofValue"]

    cases = {
        "valid": (valid, documents),
        "valid with alignment, evidence and validUntil": (valid_full, documents),
        "tampered": (tampered, documents),
        "wrong key": (wrong_key, documents),
        "signed by another issuer": (other_issuer_signed, issuer_documents(OTHER_KEY)),
        "expired": (expired, documents),
        "undefined term": (undefined, documents),
    }
    results = dict(
        zip(
            cases,
            run_verifier(
                node,
                [
                    {"credential": credential, "documents": docs}
                    for credential, docs in cases.values()
                ],
            ),
            strict=True,
        )
    )

    for name in ("valid", "valid with alignment, evidence and validUntil"):
        assert results[name] == {"verified": True, "errors": []}, name
    for name in ("tampered", "wrong key", "signed by another issuer", "expired", "undefined term"):
        assert results[name]["verified"] is False, name
        assert results[name]["errors"], name

    assert any("Invalid signature" in e for e in results["tampered"]["errors"])
    assert any("Invalid signature" in e for e in results["wrong key"]["errors"])
    assert any("issuer" in e for e in results["signed by another issuer"]["errors"])
    assert any("validUntil" in e for e in results["expired"]["errors"])
    assert any("safe mode" in e.lower() for e in results["undefined term"]["errors"])


def test_the_verifier_never_fetches_an_unknown_document(node: str) -> None:
    """An issuer document that was not supplied is an error, not a network request."""
    issuer = did_key(ISSUER_KEY.public_key())
    credential = sign(open_badge_credential(issuer), ISSUER_KEY)
    (result,) = run_verifier(node, [{"credential": credential, "documents": {}}])
    assert result["verified"] is False
    assert any("never fetched from the network" in e for e in result["errors"])


def _load_samples(directory: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    samples = {
        path.stem: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(directory.glob("*.json"))
    }
    fixtures = {}
    for path in sorted((directory / "fixtures").glob("*.json")):
        entry = json.loads(path.read_text(encoding="utf-8"))
        fixtures[entry["url"]] = entry["document"]
    return samples, fixtures


def test_benchmark_samples_verify_independently_including_revocation(
    node: str, tmp_path: Path
) -> None:
    """``bench_badges --samples`` writes credentials of a did:web issuer with a Bitstring status
    list; Digital Bazaar's verifier, with @digitalbazaar/vc-bitstring-status-list and only the
    bundled contexts and the written fixtures, accepts the valid ones and rejects the others, and
    our verification service reaches the same verdicts."""
    from django.core.management import call_command

    from skillcommons.badges import verification

    call_command("bench_badges", "--json", "--credentials", "3", "--samples", str(tmp_path))
    samples, fixtures = _load_samples(tmp_path)
    assert {name.rsplit("-", 1)[0] for name in samples} == {
        "valid", "revoked", "tampered", "expired", "undefined-term",
    }  # fmt: skip
    assert len(fixtures) == 2
    for document in samples.values():
        entry = document["credentialStatus"]
        assert entry["statusListCredential"] in fixtures
        issuer = document["issuer"]["id"]
        assert issuer in fixtures and issuer.startswith("did:web:")

    names = list(samples)
    results = dict(
        zip(
            names,
            run_verifier(
                node, [{"credential": samples[name], "documents": fixtures} for name in names]
            ),
            strict=True,
        )
    )
    now = datetime.now(UTC)
    for name in names:
        ours = verification.verify_document(samples[name], documents=fixtures.get, now=now)
        if name.startswith("valid-"):
            assert results[name] == {"verified": True, "errors": []}, name
            assert ours.verified, (name, [c.explanation for c in ours.checks])
        else:
            assert results[name]["verified"] is False, name
            assert results[name]["errors"], name
            assert not ours.verified, name
    assert any("status is set" in e for e in results["revoked-1"]["errors"])
    assert any("Invalid signature" in e for e in results["tampered-1"]["errors"])
    assert any("validUntil" in e for e in results["expired-1"]["errors"])
    assert any("safe mode" in e.lower() for e in results["undefined-term-1"]["errors"])
    assert (
        verification.verify_document(samples["revoked-1"], documents=fixtures.get, now=now).verdict
        == verification.Verdict.REVOKED
    )

    # Without the status list the independent verifier cannot vouch for the credential either.
    without_list = {url: doc for url, doc in fixtures.items() if url.startswith("did:")}
    (missing,) = run_verifier(node, [{"credential": samples["valid-1"], "documents": without_list}])
    assert missing["verified"] is False


@pytest.mark.django_db
def test_credentials_issued_through_the_app_verify_independently(node: str) -> None:
    """Awards made by the issuing actions (did:web issuer of this site, key from the database,
    status list served by the app), including an endorsement and a revoked award, checked by Digital
    Bazaar's verifier with only the bundled contexts and this site's own documents."""
    from skillcommons.accounts.tests.factories import make_user
    from skillcommons.badges import endorsements
    from skillcommons.badges.verify_service import site_document

    from . import b2_awards

    valid = b2_awards.award()
    email = b2_awards.award(
        recipient=make_user(username="Ravi", email="ravi@example.org"),
        recipient_kind="email",
    )
    revoked = b2_awards.revoke(b2_awards.award(recipient=make_user(username="Mina")))
    endorsement = endorsements.endorse_achievement(
        by=make_user(username="Endorser"), achievement=valid.achievement, comment="Good badge."
    )
    tampered = copy.deepcopy(valid.document)
    tampered["credentialSubject"]["achievement"]["name"] = "Something grander"

    def documents_for(credential: dict[str, Any]) -> dict[str, Any]:
        issuer = credential["issuer"]["id"]
        status = credential["credentialStatus"]["statusListCredential"]
        return {issuer: site_document(issuer), status: site_document(status)}

    cases = {
        "valid": valid.document,
        "email recipient": email.document,
        "endorsement": endorsement.document,
        "revoked": revoked.document,
        "tampered": tampered,
    }
    results = dict(
        zip(
            cases,
            run_verifier(
                node,
                [
                    {"credential": document, "documents": documents_for(document)}
                    for document in cases.values()
                ],
            ),
            strict=True,
        )
    )
    for name in ("valid", "email recipient", "endorsement"):
        assert results[name] == {"verified": True, "errors": []}, (name, results[name])
    assert results["revoked"]["verified"] is False
    assert any("status is set" in e for e in results["revoked"]["errors"])
    assert results["tampered"]["verified"] is False
