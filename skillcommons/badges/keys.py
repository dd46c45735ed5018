"""Issuer private keys at rest: encrypted with Fernet under keys from the settings.

``settings.BADGES_KEY_ENCRYPTION_KEYS`` is a list of Fernet keys (url-safe base64 of 32 bytes). The
first encrypts; all of them decrypt (``MultiFernet``), so an operator rotates the encryption key by
putting a new one first, running :func:`reencrypt_all_keys`, then dropping the old one. In
development the settings generate one key into the data folder, like the secret key; production
refuses to start without the setting.
"""

from __future__ import annotations

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import transaction
from django.dispatch import receiver
from django.utils.translation import gettext

from .models import IssuerJwtKey, IssuerKey


class KeyDecryptionError(RuntimeError):
    """A stored private key cannot be decrypted with any configured encryption key."""


@cache
def _fernet() -> MultiFernet:
    configured = list(getattr(settings, "BADGES_KEY_ENCRYPTION_KEYS", []) or [])
    if not configured:
        raise ImproperlyConfigured("BADGES_KEY_ENCRYPTION_KEYS must list at least one Fernet key.")
    try:
        return MultiFernet([Fernet(key) for key in configured])
    except ValueError as error:
        raise ImproperlyConfigured(
            "Each entry of BADGES_KEY_ENCRYPTION_KEYS must be a Fernet key "
            "(url-safe base64 of 32 bytes)."
        ) from error


@receiver(setting_changed)
def _forget_fernet(*, setting: str, **kwargs: object) -> None:
    if setting == "BADGES_KEY_ENCRYPTION_KEYS":
        _fernet.cache_clear()


def encrypt_private_key(private_key: Ed25519PrivateKey) -> bytes:
    """The Fernet token of the key's 32 raw private bytes, under the first configured key."""
    raw = private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return _fernet().encrypt(raw)


def decrypt_private_key(token: bytes | memoryview) -> Ed25519PrivateKey:
    """The Ed25519 private key in a token made by :func:`encrypt_private_key`."""
    try:
        raw = _fernet().decrypt(bytes(token))
    except InvalidToken as error:
        raise KeyDecryptionError(
            gettext(
                "An issuer's private key cannot be decrypted with the configured encryption keys."
            )
        ) from error
    return Ed25519PrivateKey.from_private_bytes(raw)


def private_key_of(key: IssuerKey) -> Ed25519PrivateKey:
    """The decrypted private key of an issuer key."""
    return decrypt_private_key(key.encrypted_private_key)


@transaction.atomic
def reencrypt_all_keys() -> int:
    """Re-encrypt every stored private key under the first configured encryption key; returns how
    many were rewritten."""
    fernet = _fernet()
    count = 0
    for key in IssuerKey.objects.select_for_update().only("pk", "encrypted_private_key"):
        key.encrypted_private_key = fernet.rotate(bytes(key.encrypted_private_key))
        key.save(update_fields=["encrypted_private_key"])
        count += 1
    # VC-JWT keys (vcjwt_keys.py) are encrypted the same way.
    for jwt_key in IssuerJwtKey.objects.select_for_update().only("pk", "encrypted_private_key"):
        jwt_key.encrypted_private_key = fernet.rotate(bytes(jwt_key.encrypted_private_key))
        jwt_key.save(update_fields=["encrypted_private_key"])
        count += 1
    return count
