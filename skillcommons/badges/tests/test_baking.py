import io
import json
import struct
import zlib
from typing import Any

import png
import pytest

from skillcommons.badges.baking import (
    OB3_SVG_NAMESPACE,
    BadgeVersion,
    BakingError,
    BakingProblem,
    bake_png,
    bake_svg,
    unbake,
    unbake_png,
    unbake_svg,
)

pytestmark = pytest.mark.usefixtures("no_network")

CREDENTIAL: dict[str, Any] = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "name": "Mentor ]]> of SPARQL — मार्गदर्शक",
}

SVG = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<!-- a badge -->\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle r="4" cx="5" cy="5"/></svg>'
)


def _png() -> bytes:
    output = io.BytesIO()
    png.Writer(2, 2, greyscale=True).write(output, [[0, 255], [255, 0]])
    return output.getvalue()


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack("!I", len(body)) + kind + body + struct.pack("!I", zlib.crc32(kind + body))


def _with_chunk_before_iend(image: bytes, kind: bytes, body: bytes) -> bytes:
    return image[:-12] + _chunk(kind, body) + image[-12:]


def _problem(error: pytest.ExceptionInfo[BakingError]) -> BakingProblem:
    return error.value.problem


# --- PNG -----------------------------------------------------------------------------------------


def test_png_round_trip_keeps_the_image_and_the_credential() -> None:
    baked = bake_png(_png(), CREDENTIAL)
    assert unbake_png(baked).json() == CREDENTIAL
    assert unbake(baked).version is BadgeVersion.OB3
    width, height, rows, _info = png.Reader(bytes=baked).read()
    assert (width, height) == (2, 2)
    assert [list(row) for row in rows] == [[0, 255], [255, 0]]


def test_png_chunk_is_an_uncompressed_itxt_before_iend() -> None:
    chunks = list(png.Reader(bytes=bake_png(_png(), CREDENTIAL)).chunks())
    kinds = [kind for kind, _body in chunks]
    assert kinds[-2:] == [b"iTXt", b"IEND"]
    body = chunks[-2][1]
    assert body.startswith(b"openbadgecredential\x00\x00\x00\x00\x00")
    assert json.loads(body.split(b"\x00", 5)[5].decode("utf-8")) == CREDENTIAL


def test_png_bakes_a_jws_string_as_is() -> None:
    assert unbake_png(bake_png(_png(), "eyJhbGciOiJFUzI1NiJ9.e30.c2ln")).text == (
        "eyJhbGciOiJFUzI1NiJ9.e30.c2ln"
    )


def test_png_already_baked_is_refused() -> None:
    with pytest.raises(BakingError) as caught:
        bake_png(bake_png(_png(), CREDENTIAL), CREDENTIAL)
    assert _problem(caught) is BakingProblem.ALREADY_BAKED


def test_png_without_credential_is_a_clear_error() -> None:
    with pytest.raises(BakingError, match="does not carry") as caught:
        unbake_png(_png())
    assert _problem(caught) is BakingProblem.NO_CREDENTIAL


def test_png_with_two_credentials_is_refused() -> None:
    baked = bake_png(_png(), CREDENTIAL)
    twice = _with_chunk_before_iend(
        baked, b"iTXt", b"openbadgecredential\x00\x00\x00\x00\x00" + b'{"other": true}'
    )
    with pytest.raises(BakingError, match="more than one") as caught:
        unbake_png(twice)
    assert _problem(caught) is BakingProblem.SEVERAL_CREDENTIALS


@pytest.mark.parametrize("cut", [20, 40, -6])
def test_truncated_png_is_damaged(cut: int) -> None:
    with pytest.raises(BakingError, match="damaged or incomplete") as caught:
        unbake_png(bake_png(_png(), CREDENTIAL)[:cut])
    assert _problem(caught) is BakingProblem.DAMAGED


def test_png_with_a_bad_checksum_is_damaged() -> None:
    baked = bytearray(bake_png(_png(), CREDENTIAL))
    baked[-20] ^= 0xFF  # inside the iTXt chunk
    with pytest.raises(BakingError) as caught:
        unbake_png(bytes(baked))
    assert _problem(caught) is BakingProblem.DAMAGED


@pytest.mark.parametrize("data", [b"", b"GIF89a....", SVG])
def test_non_png_is_refused_for_png_baking(data: bytes) -> None:
    with pytest.raises(BakingError) as caught:
        bake_png(data, CREDENTIAL)
    assert _problem(caught) is BakingProblem.NOT_PNG


def test_open_badges_2_png_is_read() -> None:
    assertion = "https://example.org/assertions/123"
    baked = _with_chunk_before_iend(
        _png(), b"iTXt", b"openbadges\x00\x00\x00\x00\x00" + assertion.encode()
    )
    found = unbake(baked)
    assert (found.text, found.version) == (assertion, BadgeVersion.OB2)
    with pytest.raises(BakingError) as caught:
        bake_png(baked, CREDENTIAL)
    assert _problem(caught) is BakingProblem.ALREADY_BAKED


def test_a_compressed_itxt_credential_is_read() -> None:
    body = b"openbadgecredential\x00\x01\x00\x00\x00" + zlib.compress(
        json.dumps(CREDENTIAL).encode()
    )
    assert unbake_png(_with_chunk_before_iend(_png(), b"iTXt", body)).json() == CREDENTIAL


def test_other_text_chunks_are_ignored() -> None:
    image = _with_chunk_before_iend(_png(), b"iTXt", b"Comment\x00\x00\x00\x00\x00hello")
    image = _with_chunk_before_iend(image, b"tEXt", b"openbadgecredential\x00{}")
    assert unbake_png(bake_png(image, CREDENTIAL)).json() == CREDENTIAL


# --- SVG -----------------------------------------------------------------------------------------


def test_svg_round_trip_keeps_the_rest_of_the_image() -> None:
    baked = bake_svg(SVG, CREDENTIAL)
    assert unbake_svg(baked).json() == CREDENTIAL
    assert unbake(baked).version is BadgeVersion.OB3
    text = baked.decode("utf-8")
    assert f'xmlns:openbadges="{OB3_SVG_NAMESPACE}"' in text
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<!-- a badge -->\n<svg ')
    assert '<circle r="4" cx="5" cy="5"/></svg>' in text
    assert "<openbadges:credential><![CDATA[" in text


def test_svg_self_closing_root_and_existing_prefix() -> None:
    image = f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="{OB3_SVG_NAMESPACE}"/>'
    baked = bake_svg(image.encode(), CREDENTIAL)
    assert baked.decode().count("xmlns:openbadges") == 1
    assert unbake_svg(baked).json() == CREDENTIAL


def test_svg_prefix_bound_elsewhere_is_refused() -> None:
    image = b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"/>'
    with pytest.raises(BakingError):
        bake_svg(image, CREDENTIAL)


def test_svg_already_baked_is_refused() -> None:
    with pytest.raises(BakingError) as caught:
        bake_svg(bake_svg(SVG, CREDENTIAL), CREDENTIAL)
    assert _problem(caught) is BakingProblem.ALREADY_BAKED


def test_svg_with_two_credentials_is_refused() -> None:
    element = f'<ob:credential xmlns:ob="{OB3_SVG_NAMESPACE}"><![CDATA[{{}}]]></ob:credential>'
    image = SVG.replace(b"</svg>", (element + element).encode() + b"</svg>")
    with pytest.raises(BakingError, match="more than one") as caught:
        unbake_svg(image)
    assert _problem(caught) is BakingProblem.SEVERAL_CREDENTIALS


def test_svg_without_credential_is_a_clear_error() -> None:
    with pytest.raises(BakingError) as caught:
        unbake(SVG)
    assert _problem(caught) is BakingProblem.NO_CREDENTIAL


def test_svg_jws_in_verify_attribute_is_read() -> None:
    element = f'<openbadges:credential xmlns:openbadges="{OB3_SVG_NAMESPACE}" verify="a.b.c"/>'
    image = SVG.replace(b"</svg>", element.encode() + b"</svg>")
    assert unbake_svg(image).text == "a.b.c"


@pytest.mark.parametrize(
    "image",
    [
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>',
        b'<!doctype svg SYSTEM "file:///etc/passwd"><svg xmlns="http://www.w3.org/2000/svg"/>',
    ],
)
def test_svg_with_a_doctype_is_refused(image: bytes) -> None:
    with pytest.raises(BakingError) as caught:
        unbake_svg(image)
    assert _problem(caught) is BakingProblem.UNSAFE
    with pytest.raises(BakingError):
        bake_svg(image, CREDENTIAL)


@pytest.mark.parametrize(
    ("image", "problem"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"><g></svg>', BakingProblem.DAMAGED),
        (b"<html><body/></html>", BakingProblem.NOT_SVG),
        (b"\xff\xfe<\x00s\x00", BakingProblem.NOT_SVG),
        (b'<svg xmlns="http://www.w3.org/2000/svg">', BakingProblem.DAMAGED),
    ],
)
def test_malformed_svg_gets_a_clear_error(image: bytes, problem: BakingProblem) -> None:
    with pytest.raises(BakingError) as caught:
        unbake_svg(image)
    assert _problem(caught) is problem


def test_unbake_refuses_other_files() -> None:
    with pytest.raises(BakingError, match="neither a PNG nor an SVG"):
        unbake(b"%PDF-1.7")


def test_oversized_images_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("skillcommons.badges.baking.MAX_IMAGE_BYTES", 10)
    with pytest.raises(BakingError) as caught:
        unbake(_png())
    assert _problem(caught) is BakingProblem.TOO_LARGE
