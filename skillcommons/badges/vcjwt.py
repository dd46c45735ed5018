"""Open Badges 3.0 credentials as VC-JWTs (OB 3.0 section 8.2, "JSON Web Token Proof Format").

A VC-JWT is a compact JWS whose payload carries the credential (without its Data Integrity proof)
in the ``vc`` claim, beside the registered claims derived from it: ``iss`` (the issuer's id),
``jti`` (the credential's id), ``sub`` (the subject's id), ``nbf`` (``validFrom``), ``exp``
(``validUntil``) and ``iat``. The header names the signing key in ``kid``: a URL whose part before
``#`` is the issuer, so the key is found in the issuer's document as a ``JsonWebKey`` verification
method with a ``publicKeyJwk`` that the issuer authorizes under ``assertionMethod``.

Two algorithms: ES256 (P-256) and RS256 (RSA, 2048 bits or more). No ORM and no network here.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, RSAKey

ALGORITHMS = ("ES256", "RS256")
JWK_METHOD_TYPES = frozenset({"JsonWebKey", "JsonWebKey2020"})
MIN_RSA_BITS = 2048
#: A compact JWS: three base64url parts separated by dots (the signature may not be empty).
_COMPACT = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")

JwtKey = ECKey | RSAKey


class VcJwtError(ValueError):
    """A VC-JWT cannot be made, read or verified; the message explains why."""


def generate_key(algorithm: str) -> JwtKey:
    """A new private key for ``algorithm`` (ES256: P-256; RS256: RSA 2048)."""
    if algorithm == "ES256":
        return ECKey.generate_key("P-256")
    if algorithm == "RS256":
        return RSAKey.generate_key(MIN_RSA_BITS)
    raise VcJwtError(
        gettext("The algorithm %(algorithm)s is not supported; use ES256 or RS256.")
        % {"algorithm": algorithm}
    )


def import_private_key(pem: bytes, algorithm: str) -> JwtKey:
    """The private key in ``pem`` (PKCS#8) for ``algorithm``."""
    key_class = ECKey if algorithm == "ES256" else RSAKey
    return key_class.import_key(pem)


def private_key_pem(key: JwtKey) -> bytes:
    """PKCS#8 PEM of a private key (encrypt it before storing it)."""
    return key.as_pem(private=True)


def public_jwk(key: JwtKey) -> dict[str, Any]:
    """The public part of a key as a JWK (no ``kid``; the verification method's id names it)."""
    return dict(key.as_dict(private=False))


def _epoch(value: Any) -> int | None:
    if not isinstance(value, str):
        return None
    try:
        return int(datetime.fromisoformat(value).timestamp())
    except ValueError:
        return None


def _issuer_id(credential: Mapping[str, Any]) -> str | None:
    issuer = credential.get("issuer")
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def encode_vc_jwt(
    credential: Mapping[str, Any], *, key: JwtKey, algorithm: str, kid: str, issued_at: datetime
) -> str:
    """The credential (its ``proof`` left out) signed as a VC-JWT with ``key``."""
    if algorithm not in ALGORITHMS:
        raise VcJwtError(
            gettext("The algorithm %(algorithm)s is not supported; use ES256 or RS256.")
            % {"algorithm": algorithm}
        )
    unsecured = {name: value for name, value in credential.items() if name != "proof"}
    issuer = _issuer_id(unsecured)
    if issuer is None or kid.split("#", 1)[0] != issuer:
        raise VcJwtError(gettext("The signing key must belong to the credential's issuer."))
    claims: dict[str, Any] = {"vc": unsecured, "iss": issuer, "iat": int(issued_at.timestamp())}
    if isinstance(unsecured.get("id"), str):
        claims["jti"] = unsecured["id"]
    subject = unsecured.get("credentialSubject")
    if isinstance(subject, Mapping) and isinstance(subject.get("id"), str):
        claims["sub"] = subject["id"]
    for claim, field in (("nbf", "validFrom"), ("exp", "validUntil")):
        moment = _epoch(unsecured.get(field))
        if moment is not None:
            claims[claim] = moment
    return jwt.encode({"alg": algorithm, "kid": kid, "typ": "JWT"}, claims, key, [algorithm])


def looks_like_jwt(text: str) -> bool:
    """Whether ``text`` has the shape of a compact JWS."""
    return bool(_COMPACT.match(text.strip()))


def _b64json(part: str) -> Any:
    padded = part + "=" * (-len(part) % 4)
    return json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))


@dataclass(frozen=True)
class UnverifiedJwt:
    """The header and claims of a VC-JWT as they read before the signature is checked."""

    token: str
    header: dict[str, Any]
    claims: dict[str, Any]

    @property
    def kid(self) -> str | None:
        kid = self.header.get("kid")
        return kid if isinstance(kid, str) else None

    @property
    def algorithm(self) -> str | None:
        algorithm = self.header.get("alg")
        return algorithm if isinstance(algorithm, str) else None

    @property
    def credential(self) -> dict[str, Any] | None:
        """The credential the token carries: the ``vc`` claim (or the payload itself)."""
        credential = self.claims.get("vc", self.claims)
        return credential if isinstance(credential, dict) and "@context" in credential else None


def read_unverified(token: str) -> UnverifiedJwt:
    """Split and decode a compact VC-JWT without checking its signature."""
    token = token.strip()
    if not looks_like_jwt(token):
        raise VcJwtError(gettext("The text is not a compact JSON Web Token."))
    header_part, payload_part, _signature = token.split(".")
    try:
        header, claims = _b64json(header_part), _b64json(payload_part)
    except (ValueError, UnicodeDecodeError) as error:
        raise VcJwtError(gettext("The JSON Web Token's header or payload is not JSON.")) from error
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise VcJwtError(gettext("The JSON Web Token's header or payload is not a JSON object."))
    return UnverifiedJwt(token=token, header=header, claims=claims)


def public_jwk_from_document(kid: str, document: Mapping[str, Any]) -> dict[str, Any]:
    """The JWK of ``kid`` if ``document`` (the key's controller) authorizes it for assertions."""
    document_id = document.get("id")
    if not isinstance(document_id, str) or kid.split("#", 1)[0] != document_id:
        raise VcJwtError(
            gettext("The document for %(kid)s does not describe that key's controller.")
            % {"kid": kid}
        )

    def absolute(value: str) -> str:
        return document_id + value if value.startswith("#") else value

    assertion = document.get("assertionMethod", [])
    assertion = assertion if isinstance(assertion, list) else [assertion]
    authorized = {
        absolute(item if isinstance(item, str) else str(item.get("id", "")))
        for item in assertion
        if isinstance(item, str | dict)
    }
    if kid not in authorized:
        raise VcJwtError(
            gettext("The issuer %(issuer)s does not authorize the key %(kid)s for credentials.")
            % {"issuer": document_id, "kid": kid}
        )
    methods = document.get("verificationMethod", [])
    methods = methods if isinstance(methods, list) else [methods]
    for method in [*methods, *(item for item in assertion if isinstance(item, dict))]:
        if not isinstance(method, dict) or absolute(str(method.get("id", ""))) != kid:
            continue
        jwk = method.get("publicKeyJwk")
        if method.get("type") not in JWK_METHOD_TYPES or not isinstance(jwk, dict):
            break
        if "d" in jwk or "p" in jwk:
            raise VcJwtError(
                gettext("The published key %(kid)s is not a public key.") % {"kid": kid}
            )
        return dict(jwk)
    raise VcJwtError(
        gettext("The issuer %(issuer)s does not publish the JSON Web Key %(kid)s.")
        % {"issuer": document_id, "kid": kid}
    )


def verify_signature(token: UnverifiedJwt, jwk: Mapping[str, Any]) -> None:
    """Raise :class:`VcJwtError` unless ``jwk`` verifies the token's signature."""
    algorithm = token.algorithm
    if algorithm not in ALGORITHMS:
        raise VcJwtError(
            gettext("The token is signed with %(algorithm)s; only ES256 and RS256 are accepted.")
            % {"algorithm": str(algorithm)}
        )
    try:
        if algorithm == "ES256":
            key: JwtKey = ECKey.import_key(dict(jwk))
            if key.as_dict().get("crv") != "P-256":
                raise VcJwtError(gettext("An ES256 key must be on the P-256 curve."))
        else:
            key = RSAKey.import_key(dict(jwk))
            if key.raw_value.key_size < MIN_RSA_BITS:
                raise VcJwtError(gettext("The RSA key is shorter than 2048 bits."))
        jwt.decode(token.token, key, algorithms=[algorithm])
    except VcJwtError:
        raise
    except (JoseError, ValueError, TypeError) as error:
        raise VcJwtError(
            gettext(
                "The token's signature does not match: it was changed after signing, or signed "
                "with a different key."
            )
        ) from error


def claims_problem(token: UnverifiedJwt) -> str | None:
    """Why the registered claims disagree with the credential they carry, or ``None``."""
    credential = token.credential
    if credential is None:
        return gettext("The token does not carry a credential in its vc claim.")
    issuer = _issuer_id(credential)
    if token.claims.get("iss") != issuer:
        return gettext("The token's iss claim does not name the credential's issuer.")
    if token.kid is None or token.kid.split("#", 1)[0] != issuer:
        return gettext("The token's key (kid) does not belong to the credential's issuer.")
    if "jti" in token.claims and token.claims["jti"] != credential.get("id"):
        return gettext("The token's jti claim differs from the credential's id.")
    return None
