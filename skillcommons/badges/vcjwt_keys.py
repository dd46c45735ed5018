"""Issuers' VC-JWT keys: created on first use, stored encrypted, published in the DID document, and
used to deliver any stored credential also as a VC-JWT (OB 3.0 section 8.2).

The VC-JWT is derived from the signed credential when it is asked for (its ``iat`` is that moment);
it carries the same credential without the Data Integrity proof, so both forms say the same and
the same status list revokes both.
"""

from __future__ import annotations

from typing import Any

from cryptography.fernet import InvalidToken
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from . import vcjwt
from .issuers import issuer_did
from .keys import KeyDecryptionError, _fernet
from .models import Credential, Issuer, IssuerJwtKey

JWK_METHOD_TYPE = "JsonWebKey"


def key_id(issuer: Issuer, key: IssuerJwtKey) -> str:
    """``<did>#<RFC 7638 thumbprint>``: the ``kid`` of tokens and the verification method's id."""
    return f"{issuer_did(issuer)}#{key.thumbprint}"


def verification_methods(issuer: Issuer) -> list[dict[str, Any]]:
    """The issuer's JWT keys, active and retired, as ``JsonWebKey`` verification methods."""
    did = issuer_did(issuer)
    return [
        {
            "id": key_id(issuer, key),
            "type": JWK_METHOD_TYPE,
            "controller": did,
            "publicKeyJwk": key.public_jwk,
        }
        for key in issuer.jwt_keys.all()
    ]


@transaction.atomic
def ensure_jwt_key(*, issuer: Issuer, algorithm: str) -> IssuerJwtKey:
    """The issuer's active key for ``algorithm``, created (and so published) on first use."""
    if algorithm not in IssuerJwtKey.Algorithm.values:
        raise vcjwt.VcJwtError(
            gettext("The algorithm %(algorithm)s is not supported; use ES256 or RS256.")
            % {"algorithm": algorithm}
        )
    found = issuer.jwt_keys.filter(algorithm=algorithm, is_active=True).first()
    if found is not None:
        return found
    private = vcjwt.generate_key(algorithm)
    try:
        with transaction.atomic():
            return IssuerJwtKey.objects.create(
                issuer=issuer,
                algorithm=algorithm,
                thumbprint=private.thumbprint(),
                public_jwk=vcjwt.public_jwk(private),
                encrypted_private_key=_fernet().encrypt(vcjwt.private_key_pem(private)),
            )
    except IntegrityError:  # created at the same moment by another request
        return issuer.jwt_keys.get(algorithm=algorithm, is_active=True)


def _private_key(key: IssuerJwtKey) -> vcjwt.JwtKey:
    try:
        pem = _fernet().decrypt(bytes(key.encrypted_private_key))
    except InvalidToken as error:
        raise KeyDecryptionError(
            gettext(
                "An issuer's private key cannot be decrypted with the configured encryption keys."
            )
        ) from error
    return vcjwt.import_private_key(pem, key.algorithm)


def vc_jwt_of(credential: Credential, *, algorithm: str) -> str:
    """The stored credential as a VC-JWT signed by its issuer's ``algorithm`` key."""
    issuer = credential.issuer
    key = ensure_jwt_key(issuer=issuer, algorithm=algorithm)
    return vcjwt.encode_vc_jwt(
        credential.document,
        key=_private_key(key),
        algorithm=algorithm,
        kid=key_id(issuer, key),
        issued_at=timezone.now(),
    )
