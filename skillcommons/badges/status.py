"""Bitstring Status List v1.0 (W3C): the bitstring, its encoding, entries and the list credential.

A list holds at least 131,072 entries (the specification's minimum, so one credential's position
says little about who holds it). ``encodedList`` is the bitstring GZIP-compressed, then base64url
without padding, with the multibase prefix ``u``. Bit 0 is the most significant bit of the first
byte. Positions are handed out through a fixed permutation of a counter,
``(multiplier * counter + offset) mod size`` with an odd multiplier and a power-of-two size, which
visits every position exactly once but does not reveal the order of issuing.

No ORM here.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import secrets
import zlib
from datetime import datetime
from typing import Any

from django.utils.translation import gettext

from .signing import format_datetime

STATUS_CONTEXT = "https://www.w3.org/ns/credentials/v2"
ENTRY_TYPE = "BitstringStatusListEntry"
LIST_TYPE = "BitstringStatusList"
LIST_CREDENTIAL_TYPE = "BitstringStatusListCredential"
MIN_SIZE = 131_072
#: The largest decompressed list accepted when decoding (a guard against GZIP bombs): 16 M entries.
MAX_DECODED_BYTES = 2 * 1024 * 1024


class StatusListError(ValueError):
    """A status list cannot be decoded or a position is out of range."""


def new_bitstring(size: int = MIN_SIZE) -> bytes:
    """All-zero bits for ``size`` entries (a multiple of 8, at least the minimum)."""
    if size < MIN_SIZE or size % 8:
        raise StatusListError(
            gettext("A status list needs at least %(minimum)s entries, in whole bytes.")
            % {"minimum": MIN_SIZE}
        )
    return bytes(size // 8)


def _check_index(bits: bytes, index: int) -> None:
    if not 0 <= index < len(bits) * 8:
        raise StatusListError(
            gettext("Position %(index)s is outside the status list of %(size)s entries.")
            % {"index": index, "size": len(bits) * 8}
        )


def get_bit(bits: bytes, index: int) -> bool:
    """Whether the entry at ``index`` is set (for revocation: revoked)."""
    _check_index(bits, index)
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def set_bit(bits: bytes, index: int, value: bool = True) -> bytes:
    """A copy of ``bits`` with the entry at ``index`` set (or cleared)."""
    _check_index(bits, index)
    changed = bytearray(bits)
    mask = 0x80 >> (index % 8)
    if value:
        changed[index // 8] |= mask
    else:
        changed[index // 8] &= ~mask & 0xFF
    return bytes(changed)


def encode_list(bits: bytes) -> str:
    """``encodedList``: multibase base64url (``u``) of the GZIP-compressed bitstring."""
    compressed = gzip.compress(bits, mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode("ascii").rstrip("=")


def decode_list(encoded: str) -> bytes:
    """The bitstring in an ``encodedList`` (also accepts the unprefixed base64url of VC 1.1 era
    lists)."""
    text = encoded[1:] if encoded.startswith("u") else encoded
    try:
        compressed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        inflater = zlib.decompressobj(wbits=31)  # 31: expect a gzip header
        bits = inflater.decompress(compressed, MAX_DECODED_BYTES)
    except (binascii.Error, ValueError, zlib.error) as error:
        raise StatusListError(
            gettext("The status list is not GZIP-compressed base64url data.")
        ) from error
    if inflater.unconsumed_tail:
        raise StatusListError(gettext("The status list is too large."))
    return bits


def new_permutation(size: int) -> tuple[int, int]:
    """A random ``(multiplier, offset)`` for :func:`permuted_position`."""
    return secrets.randbelow(size // 2) * 2 + 1, secrets.randbelow(size)


def permuted_position(counter: int, *, multiplier: int, offset: int, size: int) -> int:
    """The position for the ``counter``-th credential: a bijection on ``range(size)`` when
    ``size`` is a power of two and ``multiplier`` is odd."""
    if size & (size - 1) or multiplier % 2 == 0:
        raise StatusListError(gettext("The status list permutation is not a bijection."))
    if not 0 <= counter < size:
        raise StatusListError(gettext("The status list is full."))
    return (multiplier * counter + offset) % size


def status_entry(list_url: str, index: int, *, purpose: str = "revocation") -> dict[str, Any]:
    """A credential's ``credentialStatus``: where its bit is and what the bit means."""
    return {
        "id": f"{list_url}#{index}",
        "type": ENTRY_TYPE,
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def status_list_credential(
    *,
    list_url: str,
    issuer: str,
    bits: bytes,
    valid_from: datetime,
    purpose: str = "revocation",
) -> dict[str, Any]:
    """The unsigned ``BitstringStatusListCredential`` for ``bits``."""
    return {
        "@context": [STATUS_CONTEXT],
        "id": list_url,
        "type": ["VerifiableCredential", LIST_CREDENTIAL_TYPE],
        "issuer": issuer,
        "validFrom": format_datetime(valid_from),
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": LIST_TYPE,
            "statusPurpose": purpose,
            "encodedList": encode_list(bits),
        },
    }
