"""The ``eddsa-rdfc-2022`` Data Integrity cryptosuite, did:key, and the undefined-term guard.

Follows W3C "Verifiable Credential Data Integrity EdDSA Cryptosuites v1.0", section 3.3
(``eddsa-rdfc-2022``): both the document without its proof and the proof configuration are
canonicalized with RDFC-1.0 (pyld's URDNA2015 to N-Quads), each is hashed with SHA-256, and the
Ed25519 signature covers ``proofConfigHash + documentHash``. The signature is carried as a multibase
base58btc string (``z...``) in ``proofValue``.

JSON-LD processors silently drop properties and types that no context defines, so such data would
travel with a credential without being signed. :func:`check_defined_terms` refuses it before
anything is signed or accepted as verified (see ``docs/decisions/0006-badge-signing.md``).

No ORM here: this module is pure so that it is fast to test and to benchmark.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import base58
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from pyld import jsonld

from .contexts import DocumentNotAvailableError, StaticDocumentLoader, bundled_loader, run_jsonld

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
ASSERTION_METHOD = "assertionMethod"
MULTIKEY_TYPE = "Multikey"
#: Multicodec prefix for an Ed25519 public key (code 0xed as an unsigned varint).
ED25519_PUB_MULTICODEC = b"\xed\x01"
DID_KEY_PREFIX = "did:key:"
#: Where undefined terms land during the guard's expansion; never part of a signed credential.
UNDEFINED_TERM_VOCAB = "urn:skillcommons:undefined-term#"

_KEYWORDS = frozenset(
    {
        "@base", "@container", "@context", "@direction", "@graph", "@id", "@import", "@included",
        "@index", "@json", "@language", "@list", "@nest", "@none", "@prefix", "@propagate",
        "@protected", "@reverse", "@set", "@type", "@value", "@version", "@vocab",
    }
)  # fmt: skip
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


class BadgeSigningError(ValueError):
    """A credential or key cannot be signed or used as given."""


class UndefinedTermError(BadgeSigningError):
    """The credential uses terms that its contexts do not define, so they would not be signed."""

    def __init__(self, terms: Iterable[str]) -> None:
        self.terms = tuple(sorted(set(terms)))
        super().__init__(
            gettext(
                "The credential uses terms that none of its JSON-LD contexts defines, so they "
                "would not be covered by the signature: %(terms)s."
            )
            % {"terms": ", ".join(self.terms)}
        )


class KeyFormatError(BadgeSigningError):
    """A public key or did:key is not a well-formed Ed25519 multikey."""


class KeyResolutionError(BadgeSigningError):
    """A verification method cannot be turned into a public key its controller vouches for."""


# --- keys and did:key ---------------------------------------------------------------------------


def generate_private_key() -> Ed25519PrivateKey:
    """A new random Ed25519 private key."""
    return Ed25519PrivateKey.generate()


def private_key_from_seed(seed: bytes) -> Ed25519PrivateKey:
    """The Ed25519 private key for a 32-byte seed."""
    return Ed25519PrivateKey.from_private_bytes(seed)


def raw_public_key(public_key: Ed25519PublicKey) -> bytes:
    """The 32 raw bytes of an Ed25519 public key."""
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def public_key_to_multibase(public_key: Ed25519PublicKey) -> str:
    """The Multikey ``publicKeyMultibase`` form (``z6Mk...``) of an Ed25519 public key."""
    return "z" + base58.b58encode(ED25519_PUB_MULTICODEC + raw_public_key(public_key)).decode()


def public_key_from_multibase(value: str) -> Ed25519PublicKey:
    """Decode a ``z6Mk...`` Multikey value into an Ed25519 public key."""
    if not value.startswith("z"):
        raise KeyFormatError(
            gettext("The key %(key)s is not base58btc multibase (it must start with z).")
            % {"key": value}
        )
    try:
        decoded = base58.b58decode(value[1:])
    except ValueError as error:
        raise KeyFormatError(
            gettext("The key %(key)s is not valid base58.") % {"key": value}
        ) from error
    if not decoded.startswith(ED25519_PUB_MULTICODEC) or len(decoded) != 34:
        raise KeyFormatError(
            gettext("The key %(key)s is not an Ed25519 public key.") % {"key": value}
        )
    return Ed25519PublicKey.from_public_bytes(decoded[2:])


def did_key(public_key: Ed25519PublicKey) -> str:
    """The did:key DID of an Ed25519 public key."""
    return DID_KEY_PREFIX + public_key_to_multibase(public_key)


def did_key_verification_method(public_key: Ed25519PublicKey) -> str:
    """The verification method id of a did:key (the DID, ``#``, the key's multibase)."""
    multibase = public_key_to_multibase(public_key)
    return f"{DID_KEY_PREFIX}{multibase}#{multibase}"


def _did_key_multibase(did: str) -> str:
    if not did.startswith(DID_KEY_PREFIX):
        raise KeyFormatError(gettext("%(did)s is not a did:key DID.") % {"did": did})
    return did.removeprefix(DID_KEY_PREFIX)


def resolve_did_key(did: str) -> dict[str, Any]:
    """The DID document of an Ed25519 did:key (did:key method, Multikey representation)."""
    multibase = _did_key_multibase(did)
    public_key_from_multibase(multibase)
    method_id = f"{did}#{multibase}"
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [
            {
                "id": method_id,
                "type": MULTIKEY_TYPE,
                "controller": did,
                "publicKeyMultibase": multibase,
            }
        ],
        "authentication": [method_id],
        "assertionMethod": [method_id],
        "capabilityDelegation": [method_id],
        "capabilityInvocation": [method_id],
    }


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _absolute(method_id: str, document_id: str) -> str:
    return document_id + method_id if method_id.startswith("#") else method_id


def public_key_from_controller_document(
    verification_method: str, document: Mapping[str, Any], *, purpose: str = ASSERTION_METHOD
) -> Ed25519PublicKey:
    """The key of ``verification_method`` if ``document`` (its controller) authorizes it for
    ``purpose``.

    ``document`` is a DID document or a controller document (such as an https issuer profile)
    that lists its keys under ``verificationMethod`` and names them under ``purpose``.
    """
    document_id = document.get("id")
    if not isinstance(document_id, str) or verification_method.split("#", 1)[0] != document_id:
        raise KeyResolutionError(
            gettext("The document for %(method)s does not describe that key's controller.")
            % {"method": verification_method}
        )
    authorized = {
        _absolute(item if isinstance(item, str) else str(item.get("id", "")), document_id)
        for item in _as_list(document.get(purpose))
        if isinstance(item, str | dict)
    }
    if verification_method not in authorized:
        raise KeyResolutionError(
            gettext(
                "The controller %(controller)s does not authorize the key %(method)s for %(purpose)s."
            )
            % {"controller": document_id, "method": verification_method, "purpose": purpose}
        )
    candidates = _as_list(document.get("verificationMethod")) + [
        item for item in _as_list(document.get(purpose)) if isinstance(item, dict)
    ]
    for entry in candidates:
        if not isinstance(entry, dict):
            continue
        if _absolute(str(entry.get("id", "")), document_id) != verification_method:
            continue
        if entry.get("controller", document_id) != document_id:
            break
        multibase = entry.get("publicKeyMultibase")
        if entry.get("type") not in {MULTIKEY_TYPE, "Ed25519VerificationKey2020"} or not isinstance(
            multibase, str
        ):
            raise KeyResolutionError(
                gettext("The key %(method)s is not an Ed25519 Multikey.")
                % {"method": verification_method}
            )
        return public_key_from_multibase(multibase)
    raise KeyResolutionError(
        gettext("The controller %(controller)s does not publish the key %(method)s.")
        % {"controller": document_id, "method": verification_method}
    )


KeyResolver = Callable[[str], Ed25519PublicKey]


class DocumentKeyResolver:
    """Resolves verification methods from did:key and from explicitly supplied controller documents.

    Never fetches anything: a ``did:web`` or https key is found only if its controller document is
    in ``documents`` (URL without fragment → parsed JSON).
    """

    def __init__(
        self, documents: Mapping[str, Any] | None = None, *, purpose: str = ASSERTION_METHOD
    ) -> None:
        self._documents = dict(documents or {})
        self._purpose = purpose

    def __call__(self, verification_method: str) -> Ed25519PublicKey:
        controller = verification_method.split("#", 1)[0]
        if controller.startswith(DID_KEY_PREFIX):
            if verification_method != f"{controller}#{_did_key_multibase(controller)}":
                raise KeyResolutionError(
                    gettext("%(method)s is not the verification method of its did:key.")
                    % {"method": verification_method}
                )
            document: Mapping[str, Any] = resolve_did_key(controller)
        elif controller in self._documents:
            document = self._documents[controller]
        else:
            raise KeyResolutionError(
                gettext("The document of the key controller %(controller)s was not supplied.")
                % {"controller": controller}
            )
        return public_key_from_controller_document(
            verification_method, document, purpose=self._purpose
        )


# --- the undefined-term guard -------------------------------------------------------------------


def _inline_vocab_terms(context: Any) -> set[str]:
    """``@vocab`` set inside inline (embedded) contexts, which would catch undefined terms."""
    found: set[str] = set()
    for item in _as_list(context):
        if isinstance(item, dict):
            for key, value in item.items():
                if key == "@vocab" and value is not None:
                    found.add("@vocab")
                elif isinstance(value, dict) and "@context" in value:
                    found |= _inline_vocab_terms(value["@context"])
    return found


def _prepare_for_guard(node: Any, problems: set[str]) -> Any:
    """A copy of ``node`` where every ``@context`` ends with the catch-all vocabulary.

    Terms that no earlier context defines then expand to ``UNDEFINED_TERM_VOCAB`` IRIs instead of
    vanishing, and any ``@vocab`` fallback a context brings is overridden, so it cannot hide them.
    """
    if isinstance(node, list):
        return [_prepare_for_guard(item, problems) for item in node]
    if not isinstance(node, dict):
        return node
    prepared: dict[str, Any] = {}
    for key, value in node.items():
        if key == "@context":
            problems |= _inline_vocab_terms(value)
            earlier = [None] if value is None else _as_list(value)
            prepared[key] = [*earlier, {"@vocab": UNDEFINED_TERM_VOCAB}]
        elif key.startswith("@") and key not in _KEYWORDS:
            # JSON-LD ignores keys that look like keywords but are not.
            problems.add(key)
        elif key in {"@value", "@json"}:
            prepared[key] = value
        else:
            prepared[key] = _prepare_for_guard(value, problems)
    return prepared


def _collect_undefined(expanded: Any, found: set[str]) -> None:
    if isinstance(expanded, list):
        for item in expanded:
            _collect_undefined(item, found)
        return
    if not isinstance(expanded, dict):
        return
    for key, value in expanded.items():
        if key.startswith(UNDEFINED_TERM_VOCAB):
            found.add(key.removeprefix(UNDEFINED_TERM_VOCAB))
        if key in {"@type", "@id"}:
            for item in _as_list(value):
                if isinstance(item, str) and item.startswith(UNDEFINED_TERM_VOCAB):
                    found.add(item.removeprefix(UNDEFINED_TERM_VOCAB))
        elif key != "@value":
            _collect_undefined(value, found)


def expand_strictly(
    document: Mapping[str, Any], *, loader: StaticDocumentLoader | None = None
) -> list[Any]:
    """Expand ``document`` with the static loader; refuse it if any term is undefined.

    Raises :class:`UndefinedTermError` naming every property or type that no context defines (or
    that only an ``@vocab`` fallback would catch), and
    :class:`~skillcommons.badges.contexts.DocumentNotAvailableError` for a context that is neither
    bundled nor supplied. Returns the expanded form, which equals the ordinary expansion because no
    term fell through to the catch-all vocabulary.
    """
    loader = loader or bundled_loader()
    problems: set[str] = set()
    prepared = _prepare_for_guard(dict(document), problems)
    options = loader.jsonld_options()
    expanded: list[Any] = run_jsonld(lambda: jsonld.expand(prepared, options))
    _collect_undefined(expanded, problems)
    if problems:
        raise UndefinedTermError(problems)
    return expanded


def check_defined_terms(
    document: Mapping[str, Any], *, loader: StaticDocumentLoader | None = None
) -> None:
    """Raise :class:`UndefinedTermError` if ``document`` uses a term its contexts do not define."""
    expand_strictly(document, loader=loader)


# --- canonicalization and hashing ---------------------------------------------------------------


def canonicalize(document: Mapping[str, Any], *, loader: StaticDocumentLoader | None = None) -> str:
    """RDFC-1.0 canonical N-Quads of ``document``, after the undefined-term guard."""
    loader = loader or bundled_loader()
    expanded = expand_strictly(document, loader=loader)
    options = {"algorithm": "URDNA2015", "format": "application/n-quads"}
    options.update(loader.jsonld_options())
    nquads: str = run_jsonld(lambda: jsonld.normalize(expanded, options))
    return nquads


@dataclass(frozen=True)
class HashData:
    """What an ``eddsa-rdfc-2022`` signature covers, with the intermediate steps kept for tests."""

    document_nquads: str
    proof_config_nquads: str

    @property
    def document_hash(self) -> bytes:
        return hashlib.sha256(self.document_nquads.encode()).digest()

    @property
    def proof_config_hash(self) -> bytes:
        return hashlib.sha256(self.proof_config_nquads.encode()).digest()

    @property
    def data(self) -> bytes:
        """The bytes that are signed: proof configuration hash, then document hash."""
        return self.proof_config_hash + self.document_hash


def hash_data(
    document: Mapping[str, Any],
    proof_options: Mapping[str, Any],
    *,
    loader: StaticDocumentLoader | None = None,
) -> HashData:
    """Canonicalize the unsecured document and the proof configuration (spec 3.3.2–3.3.5).

    ``proof_options`` is the proof without ``proofValue``; it takes the document's ``@context``.
    """
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    proof_config = {key: value for key, value in proof_options.items() if key != "proofValue"}
    proof_config["@context"] = document["@context"]
    return HashData(
        document_nquads=canonicalize(unsecured, loader=loader),
        proof_config_nquads=canonicalize(proof_config, loader=loader),
    )


def format_datetime(moment: datetime) -> str:
    """An XML Schema dateTime in UTC without fractions, as proofs and credentials carry them."""
    if moment.tzinfo is None:
        raise BadgeSigningError(gettext("A proof time must carry a time zone."))
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def _encode_signature(signature: bytes) -> str:
    return "z" + base58.b58encode(signature).decode()


def sign_credential(
    document: Mapping[str, Any],
    *,
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: datetime,
    proof_purpose: str = ASSERTION_METHOD,
    loader: StaticDocumentLoader | None = None,
) -> dict[str, Any]:
    """A copy of ``document`` with an ``eddsa-rdfc-2022`` DataIntegrityProof added.

    Raises :class:`UndefinedTermError` if the document uses a term its contexts do not define,
    :class:`~skillcommons.badges.contexts.DocumentNotAvailableError` for an unknown context, and
    :class:`BadgeSigningError` for a document that cannot carry a proof.
    """
    if not isinstance(document, Mapping) or "@context" not in document:
        raise BadgeSigningError(gettext("A credential must be a JSON object with an @context."))
    if "proof" in document:
        raise BadgeSigningError(gettext("The credential already carries a proof."))
    proof: dict[str, Any] = {
        "type": PROOF_TYPE,
        "created": format_datetime(created),
        "verificationMethod": verification_method,
        "cryptosuite": CRYPTOSUITE,
        "proofPurpose": proof_purpose,
    }
    data = hash_data(document, proof, loader=loader).data
    proof["proofValue"] = _encode_signature(private_key.sign(data))
    signed = copy.deepcopy(dict(document))
    signed["proof"] = proof
    return signed


# --- verification -------------------------------------------------------------------------------


class CheckStatus(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    NOT_CHECKED = "not_checked"


class CheckName(StrEnum):
    FORMAT = "format"
    PROOF_OPTIONS = "proof_options"
    DEFINED_TERMS = "defined_terms"
    ISSUER_KEY = "issuer_key"
    SIGNATURE = "signature"


CHECK_TITLES: Mapping[CheckName, Promise] = {
    CheckName.FORMAT: _("Credential format"),
    CheckName.PROOF_OPTIONS: _("Proof settings"),
    CheckName.DEFINED_TERMS: _("Every term is defined"),
    CheckName.ISSUER_KEY: _("Issuer's key"),
    CheckName.SIGNATURE: _("Signature"),
}


@dataclass(frozen=True)
class Check:
    """One step of verification: its name, outcome and a plain-language reason."""

    name: CheckName
    status: CheckStatus
    reason: Promise
    params: Mapping[str, str] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return self.status is CheckStatus.PASSED

    @property
    def title(self) -> str:
        return str(CHECK_TITLES[self.name])

    @property
    def explanation(self) -> str:
        """The reason in the active language, placeholders filled in."""
        return str(self.reason) % dict(self.params)


@dataclass(frozen=True)
class VerificationResult:
    """Every check in order; the credential is verified only if all passed."""

    checks: tuple[Check, ...]

    @property
    def verified(self) -> bool:
        return bool(self.checks) and all(check.passed for check in self.checks)

    @property
    def first_failure(self) -> Check | None:
        return next((c for c in self.checks if c.status is CheckStatus.FAILED), None)

    def check(self, name: CheckName | str) -> Check:
        return next(c for c in self.checks if c.name == name)


_NOT_CHECKED = _("Not checked, because an earlier check failed.")


class _CheckFailedError(Exception):
    def __init__(self, reason: Promise, **params: str) -> None:
        super().__init__(str(reason))
        self.reason = reason
        self.params = params


def _issuer_id(document: Mapping[str, Any]) -> str | None:
    issuer = document.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def _check_format(document: Any) -> tuple[Promise, dict[str, str]]:
    if not isinstance(document, Mapping):
        raise _CheckFailedError(_("The credential is not a JSON object."))
    if "@context" not in document:
        raise _CheckFailedError(
            _("The credential has no @context, so its terms have no defined meaning.")
        )
    proof = document.get("proof")
    if proof is None:
        raise _CheckFailedError(
            _("The credential carries no proof, so nothing vouches for its content.")
        )
    if not isinstance(proof, Mapping):
        raise _CheckFailedError(
            _("The credential carries several proofs or a malformed one; exactly one is supported.")
        )
    if _issuer_id(document) is None:
        raise _CheckFailedError(_("The credential does not name its issuer."))
    return _("The credential is a JSON object with a context, an issuer and one proof."), {}


def _check_proof_options(
    document: Mapping[str, Any], proof: Mapping[str, Any], purpose: str
) -> tuple[Promise, dict[str, str]]:
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        raise _CheckFailedError(
            _(
                "The proof is of type %(type)s with cryptosuite %(suite)s; only "
                "DataIntegrityProof with eddsa-rdfc-2022 is supported."
            ),
            type=str(proof.get("type")),
            suite=str(proof.get("cryptosuite")),
        )
    if proof.get("proofPurpose") != purpose:
        raise _CheckFailedError(
            _("The proof is for %(found)s, but a credential needs a proof for %(expected)s."),
            found=str(proof.get("proofPurpose")),
            expected=purpose,
        )
    created = proof.get("created")
    if created is not None and not (isinstance(created, str) and _DATETIME.match(created)):
        raise _CheckFailedError(
            _("The proof's creation time %(created)s is not a valid date and time."),
            created=str(created),
        )
    for name in ("verificationMethod", "proofValue"):
        if not isinstance(proof.get(name), str):
            raise _CheckFailedError(_("The proof has no %(field)s."), field=name)
    if "@context" in proof:
        own = _as_list(proof["@context"])
        if _as_list(document["@context"])[: len(own)] != own:
            raise _CheckFailedError(
                _("The proof's @context does not match the credential's @context.")
            )
    return _("The proof is an eddsa-rdfc-2022 DataIntegrityProof made for %(purpose)s."), {
        "purpose": purpose
    }


def verify_credential(
    document: Any,
    *,
    resolve_key: KeyResolver,
    loader: StaticDocumentLoader | None = None,
    expected_proof_purpose: str = ASSERTION_METHOD,
) -> VerificationResult:
    """Verify the ``eddsa-rdfc-2022`` proof of a credential, step by step.

    ``resolve_key`` turns the proof's verification method into the public key its controller
    publishes (for example a :class:`DocumentKeyResolver`); it raises an exception if it cannot.
    Never raises for a bad credential: every problem becomes a failed check with a reason.
    """
    checks: list[Check] = []
    state: dict[str, Any] = {}

    def step_format() -> tuple[Promise, dict[str, str]]:
        return _check_format(document)

    def step_proof_options() -> tuple[Promise, dict[str, str]]:
        return _check_proof_options(document, document["proof"], expected_proof_purpose)

    def step_terms() -> tuple[Promise, dict[str, str]]:
        try:
            state["hash_data"] = hash_data(document, document["proof"], loader=loader)
        except UndefinedTermError as error:
            raise _CheckFailedError(
                _(
                    "The credential uses terms that none of its contexts defines, so they are "
                    "not covered by the signature: %(terms)s."
                ),
                terms=", ".join(error.terms),
            ) from error
        except DocumentNotAvailableError as error:
            raise _CheckFailedError(
                _("The credential refers to the context %(url)s, which is not available here."),
                url=error.url,
            ) from error
        except jsonld.JsonLdError as error:
            raise _CheckFailedError(
                _("The credential is not valid JSON-LD: %(error)s."), error=str(error.args[0])
            ) from error
        return _("Every property and type in the credential is defined by its contexts."), {}

    def step_issuer_key() -> tuple[Promise, dict[str, str]]:
        method = document["proof"]["verificationMethod"]
        issuer = _issuer_id(document) or ""
        if method.split("#", 1)[0] != issuer:
            raise _CheckFailedError(
                _("The proof was made with the key %(method)s, which does not belong to the issuer %(issuer)s."),
                method=method,
                issuer=issuer,
            )  # fmt: skip
        try:
            state["public_key"] = resolve_key(method)
        except Exception as error:
            raise _CheckFailedError(
                _("The issuer's key %(method)s could not be confirmed: %(error)s"),
                method=method,
                error=str(error),
            ) from error
        return _("The key %(method)s belongs to the issuer %(issuer)s."), {
            "method": method,
            "issuer": issuer,
        }

    def step_signature() -> tuple[Promise, dict[str, str]]:
        value: str = document["proof"]["proofValue"]
        try:
            if not value.startswith("z"):
                raise ValueError(value)
            signature = base58.b58decode(value[1:])
        except ValueError as error:
            raise _CheckFailedError(
                _("The proof value is not a base58btc multibase string.")
            ) from error
        if len(signature) != 64:
            raise _CheckFailedError(_("The proof value is not a 64-byte Ed25519 signature."))
        public_key: Ed25519PublicKey = state["public_key"]
        try:
            public_key.verify(signature, state["hash_data"].data)
        except InvalidSignature as error:
            raise _CheckFailedError(
                _(
                    "The signature does not match: the credential or its proof was changed "
                    "after signing, or it was signed with a different key."
                )
            ) from error
        return _("The signature matches the credential's content and the issuer's key."), {}

    steps: list[tuple[CheckName, Callable[[], tuple[Promise, dict[str, str]]]]] = [
        (CheckName.FORMAT, step_format),
        (CheckName.PROOF_OPTIONS, step_proof_options),
        (CheckName.DEFINED_TERMS, step_terms),
        (CheckName.ISSUER_KEY, step_issuer_key),
        (CheckName.SIGNATURE, step_signature),
    ]
    failed = False
    for name, step in steps:
        if failed:
            checks.append(Check(name, CheckStatus.NOT_CHECKED, _NOT_CHECKED))
            continue
        try:
            reason, params = step()
        except _CheckFailedError as failure:
            failed = True
            checks.append(Check(name, CheckStatus.FAILED, failure.reason, failure.params))
        else:
            checks.append(Check(name, CheckStatus.PASSED, reason, params))
    return VerificationResult(tuple(checks))
