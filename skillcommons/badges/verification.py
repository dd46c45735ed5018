"""The verification service's core: every named check a badge goes through, with its verdict.

Input is what a visitor hands in: a baked PNG or SVG, JSON text, or a VC-JWT. The result is a
:class:`Report` listing each check in order with its status and a plain, translated explanation:

==============  ==================================================================================
``input``       the upload holds exactly one credential, and it is well-formed JSON (or a VC-JWT)
``format`` …    the Data Integrity steps of :func:`signing.verify_credential` (format, proof
                settings, defined terms, issuer key, signature) — or, for a VC-JWT, ``jwt``
                (header and claims), ``issuer_key``, ``signature`` and ``defined_terms``
``schema``      the OB 3.0 JSON schema (AchievementCredential, or EndorsementCredential)
``dates``       ``validFrom`` has come and ``validUntil`` has not passed
``status``      every ``BitstringStatusListEntry``: the status list credential is genuine, from the
                same issuer and for the same purpose, and the credential's bit is not set
``recipient``   only if an email address is given: it matches the (salted, hashed) identity
==============  ==================================================================================

Documents the credential refers to (an issuer's DID document or profile, a status list) come from
a :data:`DocumentSource`: the caller decides where they may come from (this site's database, or
documents supplied with the request). Nothing here touches the network or the ORM.
"""

from __future__ import annotations

import base64
import hashlib
import json
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache
from typing import Any

from cachetools import LRUCache
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from jsonschema import Draft201909Validator  # type: ignore[import-untyped]

from . import signing, vcjwt
from .baking import PNG_SIGNATURE, BadgeVersion, BakingError, unbake
from .schema import achievement_credential_schema, schema_problems

#: Largest upload (image or JSON) the verification service reads.
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
#: Largest credential text (JSON or JWT) it verifies.
MAX_CREDENTIAL_CHARS = 512 * 1024
#: Largest decompressed status list (the spec's minimum is 131,072 bits, 16 KiB).
MAX_STATUS_LIST_BYTES = 4 * 1024 * 1024
#: Tolerated clock difference for validFrom (as in Digital Bazaar's vc library).
CLOCK_SKEW = timedelta(seconds=300)

STATUS_ENTRY_TYPE = "BitstringStatusListEntry"
STATUS_LIST_CREDENTIAL_TYPE = "BitstringStatusListCredential"
STATUS_LIST_TYPE = "BitstringStatusList"

#: ``url`` (without fragment) → the parsed document, or ``None`` if it is not available.
DocumentSource = Callable[[str], Any]


class Status(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    NOT_CHECKED = "not_checked"
    NOT_APPLICABLE = "not_applicable"


class Verdict(StrEnum):
    """The one-word outcome, for the API and the page's headline."""

    VERIFIED = "verified"
    UNREADABLE = "unreadable"
    NOT_AUTHENTIC = "not_authentic"
    INVALID = "invalid"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    SUSPENDED = "suspended"
    STATUS_UNKNOWN = "status_unknown"
    OTHER_RECIPIENT = "other_recipient"


VERDICT_MESSAGES: Mapping[Verdict, Promise] = {
    Verdict.VERIFIED: _("This credential is genuine and currently valid."),
    Verdict.UNREADABLE: _("No credential could be read from what was given."),
    Verdict.NOT_AUTHENTIC: _(
        "This credential could not be confirmed as genuine: it was changed, or its issuer's key "
        "could not be confirmed."
    ),
    Verdict.INVALID: _("This credential does not follow the Open Badges 3.0 format."),
    Verdict.NOT_YET_VALID: _("This credential is not valid yet."),
    Verdict.EXPIRED: _("This credential has expired."),
    Verdict.REVOKED: _("This credential has been revoked by its issuer."),
    Verdict.SUSPENDED: _("This credential is suspended by its issuer."),
    Verdict.STATUS_UNKNOWN: _("Whether this credential has been revoked could not be checked."),
    Verdict.OTHER_RECIPIENT: _("This credential was not issued to the email address given."),
}

CHECK_TITLES: Mapping[str, Promise] = {
    "input": _("Readable credential"),
    "jwt": _("JSON Web Token"),
    "schema": _("Open Badges 3.0 schema"),
    "dates": _("Validity dates"),
    "status": _("Revocation status"),
    "recipient": _("Recipient"),
    **{str(name): title for name, title in signing.CHECK_TITLES.items()},
}

_NOT_CHECKED = _("Not checked, because an earlier check failed.")
_AUTHENTICITY = frozenset(
    {"format", "proof_options", "defined_terms", "issuer_key", "signature", "jwt"}
)


@dataclass(frozen=True)
class Check:
    """One named step: its outcome and a plain reason (translated when read)."""

    name: str
    status: Status
    reason: Promise
    params: Mapping[str, str] = field(default_factory=dict)
    #: A finer outcome some checks give (``revoked``, ``expired``, ...), for the verdict.
    outcome: str = ""

    @property
    def title(self) -> str:
        return str(CHECK_TITLES[self.name])

    @property
    def explanation(self) -> str:
        return str(self.reason) % dict(self.params)

    def as_dict(self) -> dict[str, str]:
        return {
            "name": self.name,
            "title": self.title,
            "status": str(self.status),
            "explanation": self.explanation,
        }


@dataclass(frozen=True)
class Report:
    """Every check in order, the credential as read (if any), and the verdict."""

    checks: tuple[Check, ...]
    credential: dict[str, Any] | None = None
    #: ``json`` (Data Integrity), ``vc-jwt``, or ``""`` when nothing could be read.
    format: str = ""

    @property
    def verified(self) -> bool:
        return bool(self.checks) and all(
            check.status in {Status.PASSED, Status.NOT_APPLICABLE} for check in self.checks
        )

    def check(self, name: str) -> Check:
        return next(check for check in self.checks if check.name == name)

    @property
    def verdict(self) -> Verdict:
        failed = {check.name: check for check in self.checks if check.status is Status.FAILED}
        if not failed:
            return Verdict.VERIFIED if self.verified else Verdict.UNREADABLE
        if "input" in failed:
            return Verdict.UNREADABLE
        if failed.keys() & _AUTHENTICITY:
            return Verdict.NOT_AUTHENTIC
        if "status" in failed:
            outcome = failed["status"].outcome
            return Verdict(outcome) if outcome else Verdict.STATUS_UNKNOWN
        if "dates" in failed:
            return Verdict(failed["dates"].outcome or Verdict.INVALID)
        if "recipient" in failed:
            return Verdict.OTHER_RECIPIENT
        return Verdict.INVALID

    @property
    def headline(self) -> str:
        return str(VERDICT_MESSAGES[self.verdict])

    def as_dict(self) -> dict[str, Any]:
        return {
            "verified": self.verified,
            "verdict": str(self.verdict),
            "message": self.headline,
            "format": self.format,
            "checks": [check.as_dict() for check in self.checks],
            "credential": self.credential,
        }


class _FailedError(Exception):
    def __init__(self, reason: Promise, outcome: str = "", **params: str) -> None:
        super().__init__(str(reason))
        self.reason = reason
        self.outcome = outcome
        self.params = params


def _run(name: str, step: Callable[[], tuple[Promise, dict[str, str]]]) -> Check:
    try:
        reason, params = step()
    except _FailedError as failure:
        return Check(name, Status.FAILED, failure.reason, failure.params, failure.outcome)
    return Check(name, Status.PASSED, reason, params)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _issuer_id(document: Mapping[str, Any]) -> str | None:
    issuer = document.get("issuer")
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def _types(document: Any) -> list[str]:
    if not isinstance(document, Mapping):
        return []
    return [item for item in _as_list(document.get("type")) if isinstance(item, str)]


# --- reading the input ---------------------------------------------------------------------------


class InputProblemError(ValueError):
    """What was handed in holds no credential that can be read; the message says why."""

    def __init__(self, reason: Promise, **params: str) -> None:
        super().__init__(str(reason) % params)
        self.reason = reason
        self.params = params

    def __str__(self) -> str:
        return str(self.reason) % self.params


def read_upload(data: bytes) -> str:
    """The credential text in an uploaded file: unbaked from a PNG or SVG, or the file's text."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise InputProblemError(
            _("The file is larger than %(limit)s megabytes."),
            limit=str(MAX_UPLOAD_BYTES // (1024 * 1024)),
        )
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if data.startswith(PNG_SIGNATURE) or stripped.startswith(b"<"):
        try:
            baked = unbake(data)
        except BakingError as error:
            raise InputProblemError(_("%(problem)s"), problem=str(error)) from error
        if baked.version is BadgeVersion.OB2:
            raise InputProblemError(
                _(
                    "The image carries an Open Badges 2.0 assertion, not an Open Badges 3.0 "
                    "credential: %(text)s"
                ),
                text=baked.text[:200],
            )
        return baked.text
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputProblemError(
            _("The file is neither a PNG or SVG image nor a credential in UTF-8 text.")
        ) from error


def _parse_text(text: str) -> tuple[Any, vcjwt.UnverifiedJwt | None]:
    text = text.strip()
    if not text:
        raise InputProblemError(_("Nothing was given to verify."))
    if len(text) > MAX_CREDENTIAL_CHARS:
        raise InputProblemError(
            _("The credential is longer than %(limit)s characters."),
            limit=str(MAX_CREDENTIAL_CHARS),
        )
    if vcjwt.looks_like_jwt(text):
        try:
            token = vcjwt.read_unverified(text)
        except vcjwt.VcJwtError as error:
            raise InputProblemError(_("%(problem)s"), problem=str(error)) from error
        return token.credential, token
    try:
        document = json.loads(text)
    except RecursionError as error:
        raise InputProblemError(_("The JSON is nested too deeply.")) from error
    except ValueError as error:
        raise InputProblemError(
            _("The text is not well-formed JSON: %(error)s."), error=str(error)
        ) from error
    if not isinstance(document, dict):
        raise InputProblemError(_("The JSON is not an object, so it is not a credential."))
    return document, None


# --- issuer keys ---------------------------------------------------------------------------------


def _controller_document(controller: str, documents: DocumentSource) -> Any:
    if controller.startswith(signing.DID_KEY_PREFIX):
        return signing.resolve_did_key(controller)
    document = documents(controller)
    if document is None:
        raise signing.KeyResolutionError(
            str(
                _(
                    "The document of the issuer %(controller)s is neither on this site nor "
                    "supplied with the request."
                )
            )
            % {"controller": controller}
        )
    return document


def key_resolver(documents: DocumentSource) -> Callable[[str], Ed25519PublicKey]:
    """A ``resolve_key`` for :func:`signing.verify_credential` over did:key and ``documents``."""

    def resolve(method: str) -> Ed25519PublicKey:
        controller = method.split("#", 1)[0]
        if controller.startswith(signing.DID_KEY_PREFIX):
            return signing.DocumentKeyResolver()(method)
        document = _controller_document(controller, documents)
        if not isinstance(document, Mapping):
            raise signing.KeyResolutionError(
                str(_("The issuer document %(controller)s is not a JSON object."))
                % {"controller": controller}
            )
        return signing.public_key_from_controller_document(method, document)

    return resolve


# --- the checks ----------------------------------------------------------------------------------


def _jwt_checks(token: vcjwt.UnverifiedJwt, documents: DocumentSource) -> list[Check]:
    credential = token.credential

    def step_claims() -> tuple[Promise, dict[str, str]]:
        problem = vcjwt.claims_problem(token)
        if problem is not None:
            raise _FailedError(_("%(problem)s"), problem=problem)
        return _("The token's claims agree with the credential it carries."), {}

    state: dict[str, Any] = {}

    def step_key() -> tuple[Promise, dict[str, str]]:
        kid = token.kid or ""
        try:
            document = _controller_document(kid.split("#", 1)[0], documents)
            if not isinstance(document, Mapping):
                raise vcjwt.VcJwtError(str(_("The issuer document is not a JSON object.")))
            state["jwk"] = vcjwt.public_jwk_from_document(kid, document)
        except (vcjwt.VcJwtError, signing.BadgeSigningError) as error:
            raise _FailedError(
                _("The issuer's key %(method)s could not be confirmed: %(error)s"),
                method=kid,
                error=str(error),
            ) from error
        return _("The key %(method)s belongs to the issuer %(issuer)s."), {
            "method": kid,
            "issuer": str(token.claims.get("iss")),
        }

    def step_signature() -> tuple[Promise, dict[str, str]]:
        try:
            vcjwt.verify_signature(token, state["jwk"])
        except vcjwt.VcJwtError as error:
            raise _FailedError(_("%(problem)s"), problem=str(error)) from error
        return _("The %(algorithm)s signature matches the token and the issuer's key."), {
            "algorithm": str(token.algorithm)
        }

    def step_terms() -> tuple[Promise, dict[str, str]]:
        try:
            signing.check_defined_terms(credential or {})
        except signing.UndefinedTermError as error:
            raise _FailedError(
                _("The credential uses terms that none of its contexts defines: %(terms)s."),
                terms=", ".join(error.terms),
            ) from error
        except Exception as error:  # pyld raises many kinds; each is a verdict
            raise _FailedError(
                _("The credential is not valid JSON-LD: %(error)s."), error=str(error)[:300]
            ) from error
        return _("Every property and type in the credential is defined by its contexts."), {}

    checks: list[Check] = []
    for name, step in (
        ("jwt", step_claims),
        ("issuer_key", step_key),
        ("signature", step_signature),
        ("defined_terms", step_terms),
    ):
        if checks and checks[-1].status is not Status.PASSED:
            checks.append(Check(name, Status.NOT_CHECKED, _NOT_CHECKED))
        else:
            checks.append(_run(name, step))
    return checks


@cache
def _endorsement_validator() -> Draft201909Validator:
    schema = achievement_credential_schema()
    return Draft201909Validator({"$ref": "#/$defs/EndorsementCredential", "$defs": schema["$defs"]})


def check_schema(document: Mapping[str, Any]) -> Check:
    """The OB 3.0 JSON schema: EndorsementCredential for endorsements, else AchievementCredential."""
    if "EndorsementCredential" in _types(document):
        errors = sorted(
            _endorsement_validator().iter_errors(document), key=lambda e: [str(p) for p in e.path]
        )
        problems = [
            f"{'.'.join(str(p) for p in error.path) or '(credential)'}: {error.message}"
            for error in errors
        ]
        kind = "EndorsementCredential"
    else:
        problems = [str(problem) for problem in schema_problems(document)]
        kind = "AchievementCredential"
    if problems:
        return Check(
            "schema",
            Status.FAILED,
            _("The credential breaks the Open Badges 3.0 %(kind)s schema: %(problems)s"),
            {"kind": kind, "problems": "; ".join(problems[:5])[:1000]},
        )
    return Check(
        "schema",
        Status.PASSED,
        _("The credential follows the Open Badges 3.0 %(kind)s schema."),
        {"kind": kind},
    )


def _moment(value: Any) -> datetime | None:
    if not isinstance(value, str) or "T" not in value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def check_dates(document: Mapping[str, Any], *, now: datetime) -> Check:
    """``validFrom`` (or VC 1.1 ``issuanceDate``) has come; ``validUntil`` (``expirationDate``)
    has not passed. A value that is present must be a date and time with a time zone."""

    def step() -> tuple[Promise, dict[str, str]]:
        moments: dict[str, datetime] = {}
        for name in ("validFrom", "validUntil", "issuanceDate", "expirationDate"):
            if name in document:
                moment = _moment(document[name])
                if moment is None:
                    raise _FailedError(
                        _("%(field)s is not a date and time with a time zone: %(value)s."),
                        field=name,
                        value=str(document[name])[:100],
                    )
                moments[name] = moment
        start = moments.get("validFrom", moments.get("issuanceDate"))
        end = moments.get("validUntil", moments.get("expirationDate"))
        if start is not None and start > now + CLOCK_SKEW:
            raise _FailedError(
                _("The credential is valid only from %(start)s."),
                Verdict.NOT_YET_VALID,
                start=start.isoformat(),
            )
        if end is not None and end <= now:
            raise _FailedError(
                _("The credential expired on %(end)s."), Verdict.EXPIRED, end=end.isoformat()
            )
        if end is not None:
            return _("The credential is valid until %(end)s."), {"end": end.isoformat()}
        return _("The credential is valid now and has no end date."), {}

    return _run("dates", step)


def decode_status_list(encoded: Any) -> bytes:
    """The bits of a BitstringStatusList ``encodedList``: multibase base64url (``u``), GZIP."""
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise ValueError("encodedList must be a multibase base64url string (starting with u)")
    body = encoded[1:]
    raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    bits = inflater.decompress(raw, MAX_STATUS_LIST_BYTES)
    if inflater.unconsumed_tail:
        raise ValueError("the status list is too large")
    return bits


def bit_is_set(bits: bytes, index: int) -> bool:
    """Bit ``index`` of a status list, counting from the most significant bit of the first byte."""
    return bool(bits[index // 8] >> (7 - index % 8) & 1)


_STATUS_LIST_PROOFS: LRUCache[str, bool] = LRUCache(maxsize=256)


def _digest(*documents: Any) -> str:
    text = json.dumps(documents, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _status_list_genuine(status_list: Mapping[str, Any], documents: DocumentSource) -> bool:
    """Whether the status list credential's own proof verifies (cached by content)."""
    proof = status_list.get("proof")
    method = proof.get("verificationMethod") if isinstance(proof, Mapping) else None
    controller_document: Any = None
    if isinstance(method, str) and not method.startswith(signing.DID_KEY_PREFIX):
        controller_document = documents(method.split("#", 1)[0])
    key = _digest(status_list, controller_document)
    if key not in _STATUS_LIST_PROOFS:
        result = signing.verify_credential(status_list, resolve_key=key_resolver(documents))
        _STATUS_LIST_PROOFS[key] = result.verified
    return _STATUS_LIST_PROOFS[key]


def check_status(document: Mapping[str, Any], *, documents: DocumentSource, now: datetime) -> Check:
    """Every BitstringStatusListEntry of the credential, against its status list credential."""
    entries = _as_list(document.get("credentialStatus"))
    if not entries:
        return Check(
            "status",
            Status.NOT_APPLICABLE,
            _("The credential has no status entry, so its issuer cannot revoke it."),
        )

    def step() -> tuple[Promise, dict[str, str]]:
        issuer = _issuer_id(document)
        for entry in entries:
            if not isinstance(entry, Mapping) or entry.get("type") != STATUS_ENTRY_TYPE:
                kind = entry.get("type") if isinstance(entry, Mapping) else entry
                raise _FailedError(
                    _("The status entry of type %(type)s is not supported, so revocation could not be checked."),
                    type=str(kind)[:100],
                )  # fmt: skip
            purpose = entry.get("statusPurpose")
            url = entry.get("statusListCredential")
            try:
                index = int(entry.get("statusListIndex", ""))
            except (TypeError, ValueError):
                index = -1
            if not isinstance(purpose, str) or not isinstance(url, str) or index < 0:
                raise _FailedError(
                    _("The status entry lacks a purpose, a status list or a valid index.")
                )
            status_list = documents(url)
            if not isinstance(status_list, Mapping):
                raise _FailedError(
                    _("The status list %(url)s is neither on this site nor supplied with the request."),
                    url=url,
                )  # fmt: skip
            subject = status_list.get("credentialSubject")
            if (
                STATUS_LIST_CREDENTIAL_TYPE not in _types(status_list)
                or not isinstance(subject, Mapping)
                or subject.get("type") != STATUS_LIST_TYPE
            ):
                raise _FailedError(
                    _("The document %(url)s is not a Bitstring Status List credential."), url=url
                )
            if subject.get("statusPurpose") != purpose:
                raise _FailedError(
                    _("The status list %(url)s is for %(found)s, not for %(purpose)s."),
                    url=url,
                    found=str(subject.get("statusPurpose")),
                    purpose=purpose,
                )
            if _issuer_id(status_list) != issuer:
                raise _FailedError(
                    _("The status list %(url)s was not issued by the credential's issuer."), url=url
                )
            if not _status_list_genuine(status_list, documents):
                raise _FailedError(
                    _("The status list %(url)s is not genuine: its proof does not verify."), url=url
                )
            if check_dates(status_list, now=now).status is Status.FAILED:
                raise _FailedError(_("The status list %(url)s is out of date."), url=url)
            try:
                bits = decode_status_list(subject.get("encodedList"))
            except (ValueError, zlib.error) as error:
                raise _FailedError(
                    _("The status list %(url)s cannot be decoded."), url=url
                ) from error
            if index >= len(bits) * 8:
                raise _FailedError(
                    _("The status index %(index)s is outside the status list %(url)s."),
                    index=str(index),
                    url=url,
                )
            if bit_is_set(bits, index):
                if purpose == "revocation":
                    raise _FailedError(
                        _("The issuer has revoked this credential."), Verdict.REVOKED
                    )
                if purpose == "suspension":
                    raise _FailedError(
                        _("The issuer has suspended this credential."), Verdict.SUSPENDED
                    )
        return _(
            "The issuer's status list says the credential is neither revoked nor suspended."
        ), {}

    return _run("status", step)


def identity_hash(identity: str, salt: str) -> str:
    """An OB identity hash: ``sha256$`` and the hex SHA-256 of the identity followed by the salt."""
    return "sha256$" + hashlib.sha256((identity + salt).encode()).hexdigest()


def check_recipient(document: Mapping[str, Any], *, email: str | None) -> Check:
    """Whether ``email`` is the recipient's (salted, hashed) email identity."""
    if not email:
        return Check(
            "recipient",
            Status.NOT_APPLICABLE,
            _("No email address was given, so the recipient was not compared."),
        )
    subject = document.get("credentialSubject")
    identities = [
        item
        for item in _as_list(subject.get("identifier") if isinstance(subject, Mapping) else None)
        if isinstance(item, Mapping) and item.get("identityType") == "emailAddress"
    ]
    if not identities:
        return Check(
            "recipient",
            Status.FAILED,
            _("The credential does not name its recipient by email address, so %(email)s cannot be confirmed."),
            {"email": email},
        )  # fmt: skip
    candidates = {email.strip(), email.strip().lower()}
    for identity in identities:
        value = identity.get("identityHash")
        salt = identity.get("salt") or ""
        if not isinstance(value, str) or not isinstance(salt, str):
            continue
        if identity.get("hashed"):
            if any(identity_hash(candidate, salt) == value for candidate in candidates):
                return Check(
                    "recipient",
                    Status.PASSED,
                    _("The credential was issued to %(email)s (its salted hash matches)."),
                    {"email": email},
                )
        elif value.strip().lower() in {c.lower() for c in candidates}:
            return Check(
                "recipient",
                Status.PASSED,
                _("The credential was issued to %(email)s."),
                {"email": email},
            )
    return Check(
        "recipient",
        Status.FAILED,
        _("The credential was issued to someone else, not to %(email)s."),
        {"email": email},
    )


# --- the whole service ---------------------------------------------------------------------------


def _unreadable(problem: InputProblemError) -> Report:
    checks = [Check("input", Status.FAILED, problem.reason, problem.params)]
    return Report(tuple(checks))


def unreadable(reason: Promise, **params: str) -> Report:
    """The report for input that holds no credential, with ``reason`` as the explanation."""
    return _unreadable(InputProblemError(reason, **params))


def verify_upload(
    data: bytes, *, documents: DocumentSource, now: datetime, email: str | None = None
) -> Report:
    """Verify an uploaded file: a baked PNG or SVG, or JSON / VC-JWT text."""
    try:
        text = read_upload(data)
    except InputProblemError as problem:
        return _unreadable(problem)
    return verify_text(text, documents=documents, now=now, email=email)


def verify_text(
    text: str, *, documents: DocumentSource, now: datetime, email: str | None = None
) -> Report:
    """Verify a credential given as JSON text or as a compact VC-JWT."""
    try:
        document, token = _parse_text(text)
    except InputProblemError as problem:
        return _unreadable(problem)
    if token is not None and document is None:
        return _unreadable(InputProblemError(_("The JSON Web Token does not carry a credential.")))
    return verify_document(document, documents=documents, now=now, email=email, token=token)


def verify_document(
    document: dict[str, Any],
    *,
    documents: DocumentSource,
    now: datetime,
    email: str | None = None,
    token: vcjwt.UnverifiedJwt | None = None,
) -> Report:
    """Every check for a parsed credential (``token``: the VC-JWT it came in, if any)."""
    read = Check(
        "input",
        Status.PASSED,
        _("The credential is a VC-JWT carrying a JSON object.")
        if token is not None
        else _("The credential is well-formed JSON."),
    )
    checks: list[Check] = [read]
    if token is not None:
        checks += _jwt_checks(token, documents)
    else:
        result = signing.verify_credential(document, resolve_key=key_resolver(documents))
        for step in result.checks:
            status = {
                signing.CheckStatus.PASSED: Status.PASSED,
                signing.CheckStatus.FAILED: Status.FAILED,
            }.get(step.status, Status.NOT_CHECKED)
            checks.append(Check(str(step.name), status, step.reason, step.params))
    if token is None and checks[1].status is Status.FAILED:
        # Not even a credential shape (no issuer, no proof ...): the rest cannot be judged.
        for name in ("schema", "dates", "status", "recipient"):
            checks.append(Check(name, Status.NOT_CHECKED, _NOT_CHECKED))
        return Report(tuple(checks), credential=document, format="json")
    checks.append(check_schema(document))
    checks.append(check_dates(document, now=now))
    checks.append(check_status(document, documents=documents, now=now))
    checks.append(check_recipient(document, email=email))
    return Report(
        tuple(checks), credential=document, format="vc-jwt" if token is not None else "json"
    )


def supplied_documents(raw: Any, *, limit: int = 10) -> dict[str, Any]:
    """Documents a request supplies: ``[{"url": ..., "document": {...}}, ...]`` or a single one.

    Raises :class:`InputProblemError` for anything else, or for more than ``limit`` documents.
    """
    items = raw if isinstance(raw, list) else [raw]
    if len(items) > limit:
        raise InputProblemError(_("At most %(limit)s documents may be supplied."), limit=str(limit))
    found: dict[str, Any] = {}
    for item in items:
        if (
            not isinstance(item, Mapping)
            or not isinstance(item.get("url"), str)
            or not isinstance(item.get("document"), Mapping)
        ):
            raise InputProblemError(
                _('Each supplied document must be an object {"url": ..., "document": {...}}.')
            )
        found[item["url"].split("#", 1)[0]] = item["document"]
    return found
