"""``manage.py bench_badges --json``: the Open Badges benchmark of issue 7.

Measures, in this one process and without the database:

* ``issue_per_s``: credentials built as the app issues them (OB 3.0 ``OpenBadgeCredential`` with
  the three contexts, ``credentialSchema``, a ``BitstringStatusListEntry``, a did:web issuer of this
  site), signed with ``eddsa-rdfc-2022`` and baked into a PNG;
* ``verify_per_s``: the same credentials through the whole verification service
  (:func:`verification.verify_document`: proof, schema, dates and status against the signed status
  list, whose own proof is checked once and then cached by content, as in the app).

Both are per second of wall-clock time; ``issue_per_cpu_s`` and ``verify_per_cpu_s`` are per second
of this process's CPU time, which a busy shared machine disturbs less.

``--samples DIR`` also writes what an outside verifier needs: ``valid-*.json``, ``revoked-*.json``,
``tampered-*.json``, ``expired-*.json``, ``undefined-term-*.json`` and ``fixtures/*.json`` (each
``{"url": ..., "document": ...}``: the issuer's DID document and the status list). Prints one JSON
object. Nothing is written to the database.
"""

from __future__ import annotations

import copy
import io
import json
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import png
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from pyld import jsonld

from skillcommons.badges import signing, status, verification
from skillcommons.badges.baking import bake_png
from skillcommons.badges.contexts import bundled_loader, run_jsonld
from skillcommons.badges.issuers import site_host
from skillcommons.badges.schema import achievement_credential_schema

MAX_CREDENTIALS = 100_000
CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
]
REVOKED_INDEX = 1


class BenchIssuer:
    """A did:web issuer of this site with a fresh key, its DID document and its status list."""

    def __init__(self, key: Ed25519PrivateKey, now: datetime) -> None:
        self.key = key
        self.did = f"did:web:{site_host()}:issuers:bench"
        self.method = f"{self.did}#{signing.public_key_to_multibase(key.public_key())}"
        self.list_url = f"{settings.SITE_URL}/issuers/bench/status/revocation/1"
        self.now = now
        self.did_document = {
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": self.did,
            "verificationMethod": [
                {
                    "id": self.method,
                    "type": signing.MULTIKEY_TYPE,
                    "controller": self.did,
                    "publicKeyMultibase": signing.public_key_to_multibase(key.public_key()),
                }
            ],
            "assertionMethod": [self.method],
        }
        bits = status.set_bit(status.new_bitstring(), REVOKED_INDEX)
        self.status_list = self.sign(
            status.status_list_credential(
                list_url=self.list_url, issuer=self.did, bits=bits, valid_from=now
            )
        )

    def sign(self, document: dict[str, Any]) -> dict[str, Any]:
        return signing.sign_credential(
            document, private_key=self.key, verification_method=self.method, created=self.now
        )

    def documents(self) -> dict[str, Any]:
        return {self.did: self.did_document, self.list_url: self.status_list}

    def credential(self, number: int, **changes: Any) -> dict[str, Any]:
        """An unsigned credential shaped as ``credentials.open_badge_credential`` builds it."""
        document: dict[str, Any] = {
            "@context": list(CONTEXTS),
            "id": f"urn:uuid:{uuid.UUID(int=number + 1)}",
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {
                "id": self.did,
                "type": ["Profile"],
                "name": "Skillcommons benchmark issuer",
                "url": f"{settings.SITE_URL}/badges/issuers/bench/",
            },
            "validFrom": signing.format_datetime(self.now - timedelta(days=1)),
            "name": "Wikidata query mentor",
            "credentialSubject": {
                "id": f"{settings.SITE_URL}/people/bench-{number}/",
                "type": ["AchievementSubject"],
                "achievement": {
                    "id": f"{settings.SITE_URL}/badges/achievements/bench/",
                    "type": ["Achievement"],
                    "name": "Wikidata query mentor",
                    "description": "Mentored peers through their first SPARQL queries.",
                    "criteria": {"narrative": "Complete three mentoring exchanges on SPARQL."},
                    "alignment": [
                        {
                            "type": ["Alignment"],
                            "targetName": "SPARQL",
                            "targetUrl": "https://www.wikidata.org/wiki/Q54871",
                            "targetFramework": "Skillcommons skills",
                        }
                    ],
                },
            },
            "credentialSchema": [
                {
                    "id": achievement_credential_schema()["$id"],
                    "type": "1EdTechJsonSchemaValidator2019",
                }
            ],
            "credentialStatus": status.status_entry(self.list_url, 1000 + number),
        }
        document.update(changes)
        return document


def _png() -> bytes:
    output = io.BytesIO()
    png.Writer(64, 64, greyscale=True).write(
        output, [[(x * y) % 256 for x in range(64)] for y in range(64)]
    )
    return output.getvalue()


def _sign_without_guard(issuer: BenchIssuer, document: dict[str, Any]) -> dict[str, Any]:
    """Sign the way a plain pyld signer would, dropping undefined terms (for the samples only)."""
    original = signing.expand_strictly

    def lax(document: Any, *, loader: Any = None) -> list[Any]:
        options = (loader or bundled_loader()).jsonld_options()
        expanded: list[Any] = run_jsonld(lambda: jsonld.expand(dict(document), options))
        return expanded

    signing.expand_strictly = lax
    try:
        return issuer.sign(document)
    finally:
        signing.expand_strictly = original


def _rate(count: int, work: Callable[[int], Any]) -> tuple[float, float, list[Any]]:
    """Per second of wall-clock time, per second of this process's CPU time, and the results.

    The CPU figure is what the code costs; the wall-clock one also shows how busy the machine was.
    """
    results = []
    start, cpu_start = time.perf_counter(), time.process_time()
    for number in range(count):
        results.append(work(number))
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    return count / elapsed, count / cpu if cpu else float("inf"), results


class Command(BaseCommand):
    help = "Benchmark issuing (sign and bake) and verifying Open Badges 3.0 credentials."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Print one compact JSON object.")
        parser.add_argument("--credentials", type=int, default=300)
        parser.add_argument(
            "--samples", type=Path, default=None, help="Write sample credentials and fixtures here."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count: int = options["credentials"]
        if not 1 <= count <= MAX_CREDENTIALS:
            raise CommandError(
                _("--credentials must be between 1 and %(maximum)s.") % {"maximum": MAX_CREDENTIALS}
            )
        now = datetime.now(UTC).replace(microsecond=0)
        issuer = BenchIssuer(signing.generate_private_key(), now)
        image = _png()
        documents = issuer.documents()

        def issue(number: int) -> tuple[dict[str, Any], bytes]:
            signed = issuer.sign(issuer.credential(number))
            return signed, bake_png(image, signed)

        issue_rate, issue_cpu_rate, issued = _rate(count, issue)
        source = documents.get

        def verify(number: int) -> verification.Report:
            return verification.verify_document(issued[number][0], documents=source, now=now)

        verify_rate, verify_cpu_rate, reports = _rate(count, verify)
        failures = [report.verdict for report in reports if not report.verified]
        if failures:
            raise CommandError(
                _("%(count)s benchmark credentials did not verify: %(verdicts)s")
                % {"count": len(failures), "verdicts": ", ".join(sorted(set(failures)))}
            )
        result: dict[str, Any] = {
            "issue_per_s": round(issue_rate, 1),
            "verify_per_s": round(verify_rate, 1),
            "credentials": count,
            "issue_per_cpu_s": round(issue_cpu_rate, 1),
            "verify_per_cpu_s": round(verify_cpu_rate, 1),
            "baked_png_bytes": len(issued[0][1]),
            "credential_bytes": len(json.dumps(issued[0][0])),
        }
        if options["samples"] is not None:
            result["samples"] = self.write_samples(options["samples"], issuer, issued[0][0])
        self.stdout.write(json.dumps(result, indent=None if options["json"] else 2))

    def write_samples(
        self, directory: Path, issuer: BenchIssuer, valid: dict[str, Any]
    ) -> dict[str, int]:
        fixtures = directory / "fixtures"
        fixtures.mkdir(parents=True, exist_ok=True)
        email_subject = {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": "c0ffee",
                    "identityHash": verification.identity_hash("asha@example.org", "c0ffee"),
                }
            ],
            "achievement": valid["credentialSubject"]["achievement"],
        }
        tampered = copy.deepcopy(valid)
        tampered["name"] = "Wikidata query grandmaster"
        samples = {
            "valid-1": valid,
            "valid-2": issuer.sign(
                issuer.credential(
                    2,
                    credentialSubject=email_subject,
                    validUntil=signing.format_datetime(issuer.now + timedelta(days=365)),
                    evidence=[
                        {
                            "id": f"{settings.SITE_URL}/exchange/42/",
                            "type": ["Evidence"],
                            "name": "Exchange",
                        }
                    ],
                )
            ),
            "revoked-1": issuer.sign(
                issuer.credential(
                    3, credentialStatus=status.status_entry(issuer.list_url, REVOKED_INDEX)
                )
            ),
            "tampered-1": tampered,
            "expired-1": issuer.sign(
                issuer.credential(
                    4,
                    validFrom=signing.format_datetime(issuer.now - timedelta(days=30)),
                    validUntil=signing.format_datetime(issuer.now - timedelta(days=1)),
                )
            ),
            "undefined-term-1": _sign_without_guard(
                issuer, issuer.credential(5, skillcommonsLevel="expert")
            ),
        }
        for name, document in samples.items():
            (directory / f"{name}.json").write_text(
                json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8"
            )
        for name, (url, document) in {
            "issuer": (issuer.did, issuer.did_document),
            "status-list": (issuer.list_url, issuer.status_list),
        }.items():
            (fixtures / f"{name}.json").write_text(
                json.dumps({"url": url, "document": document}, indent=2), encoding="utf-8"
            )
        return {"credentials": len(samples), "fixtures": 2}
