"""Achievement image checks and the Bitstring Status List encoding (no database)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from skillcommons.badges.artwork import medal_png, medal_svg
from skillcommons.badges.baking import bake_png
from skillcommons.badges.images import validate_badge_image
from skillcommons.badges.status import (
    StatusListError,
    decode_list,
    encode_list,
    get_bit,
    new_bitstring,
    permuted_position,
    set_bit,
    status_entry,
)

SVG_HEAD = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'


def test_generated_png_and_svg_are_accepted() -> None:
    assert validate_badge_image(medal_png()) == "png"
    assert validate_badge_image(medal_svg(label="Ünïcode & <more>")) == "svg"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"GIF89a....", "not_image"),
        (b"%PDF-1.7", "not_image"),
        (medal_png()[:-30], "damaged"),
        (medal_png()[:40] + b"\x00" * 20 + medal_png()[60:], "damaged"),
        (b"<html><body>hi</body></html>", "not_svg"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><unclosed></svg>", "damaged"),
        (
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "boom">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
            "unsafe",
        ),
        ((SVG_HEAD + "<script>alert(1)</script></svg>").encode(), "unsafe"),
        ((SVG_HEAD + '<rect onload="alert(1)"/></svg>').encode(), "unsafe"),
        ((SVG_HEAD + '<foreignObject><p xmlns="http://www.w3.org/1999/xhtml"/></foreignObject></svg>').encode(), "unsafe"),
        ((SVG_HEAD + '<image href="https://evil.example/x.png"/></svg>').encode(), "unsafe"),
        ((SVG_HEAD + '<use xlink:href="other.svg#a"/></svg>').encode(), "unsafe"),
        ((SVG_HEAD + "<style>@import url(https://evil.example/a.css);</style></svg>").encode(), "unsafe"),
        ((SVG_HEAD + '<rect style="fill:url(https://evil.example/p)"/></svg>').encode(), "unsafe"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * (600 * 1024), "too_large"),
    ],
)  # fmt: skip
def test_images_that_are_not_safe_images_are_refused(data: bytes, code: str) -> None:
    with pytest.raises(ValidationError) as raised:
        validate_badge_image(data)
    assert raised.value.code == code
    assert str(raised.value.messages[0])


def test_internal_references_in_svg_are_fine() -> None:
    svg = (
        SVG_HEAD + '<defs><circle id="c" r="4"/></defs><use href="#c"/><rect fill="url(#c)"/></svg>'
    )
    assert validate_badge_image(svg.encode()) == "svg"


def test_an_image_already_carrying_a_credential_is_refused() -> None:
    with pytest.raises(ValidationError) as raised:
        validate_badge_image(bake_png(medal_png(), {"id": "urn:x"}))
    assert raised.value.code == "baked"


def test_the_specifications_example_list_decodes_to_131072_clear_entries() -> None:
    # The example encodedList of W3C Bitstring Status List v1.0, section 2.2.
    bits = decode_list("uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA")
    assert len(bits) * 8 == 131_072
    assert not any(bits)


def test_bits_are_numbered_from_the_most_significant_bit_of_the_first_byte() -> None:
    bits = set_bit(new_bitstring(), 0)
    assert bits[0] == 0x80
    bits = set_bit(bits, 131_071)
    assert bits[-1] == 0x01
    round_trip = decode_list(encode_list(bits))
    assert get_bit(round_trip, 0) and get_bit(round_trip, 131_071)
    assert not get_bit(round_trip, 1)
    assert encode_list(bits).startswith("u")
    assert "=" not in encode_list(bits)
    assert not get_bit(set_bit(bits, 0, False), 0)


def test_lists_must_be_large_enough_and_indexes_in_range() -> None:
    with pytest.raises(StatusListError):
        new_bitstring(1024)
    with pytest.raises(StatusListError):
        get_bit(new_bitstring(), 131_072)
    with pytest.raises(StatusListError):
        decode_list("u!!!not-base64")


def test_the_position_permutation_visits_every_entry_once() -> None:
    size = 131_072
    seen = {permuted_position(n, multiplier=40_503, offset=77, size=size) for n in range(size)}
    assert len(seen) == size
    with pytest.raises(StatusListError):
        permuted_position(size, multiplier=3, offset=0, size=size)
    with pytest.raises(StatusListError):
        permuted_position(0, multiplier=2, offset=0, size=size)


def test_a_status_entry_points_at_its_bit() -> None:
    entry = status_entry("https://x.example/issuers/a/status/revocation/1", 94_567)
    assert entry == {
        "id": "https://x.example/issuers/a/status/revocation/1#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": "https://x.example/issuers/a/status/revocation/1",
    }
