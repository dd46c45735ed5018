"""Baking: carrying a credential inside a badge image, and reading it back out.

Open Badges 3.0, section "Baked Badges":

* PNG: an ``iTXt`` chunk with the keyword ``openbadgecredential``, not compressed, no language tag,
  whose text is the credential (JSON, or a compact JWS for a VC-JWT). It goes before ``IEND``.
  Open Badges 2.0 used the keyword ``openbadges``; unbaking reads both.
* SVG: an ``<openbadges:credential>`` element, the prefix bound to
  ``https://purl.imsglobal.org/ob/v3p0``, holding the JSON in a CDATA section (or a JWS in its
  ``verify`` attribute).

An image carries at most one credential: baking refuses an image that already has one and unbaking
refuses an image with two, since a verifier could not tell which one the image stands for.
No ORM here.
"""

from __future__ import annotations

import io
import json
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from xml.etree import ElementTree as ET

import png
from django.utils.translation import gettext

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
OB3_PNG_KEYWORD = "openbadgecredential"
OB2_PNG_KEYWORD = "openbadges"
OB3_SVG_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
OB2_SVG_NAMESPACE = "http://openbadges.org"
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
#: Largest image accepted for baking or unbaking; badge images are small.
MAX_IMAGE_BYTES = 10 * 1024 * 1024
#: Largest credential text read from a compressed chunk (a guard against decompression bombs).
MAX_CREDENTIAL_BYTES = 2 * 1024 * 1024


class BakingProblem(StrEnum):
    NOT_PNG = "not_png"
    NOT_SVG = "not_svg"
    DAMAGED = "damaged"
    UNSAFE = "unsafe"
    TOO_LARGE = "too_large"
    ALREADY_BAKED = "already_baked"
    NO_CREDENTIAL = "no_credential"
    SEVERAL_CREDENTIALS = "several_credentials"


class BakingError(ValueError):
    """An image cannot be baked or unbaked; ``problem`` says why, the message explains it."""

    def __init__(self, problem: BakingProblem, message: str) -> None:
        self.problem = problem
        super().__init__(message)


class BadgeVersion(StrEnum):
    OB3 = "ob3"
    OB2 = "ob2"


@dataclass(frozen=True)
class BakedCredential:
    """What an image carried: the text as found and which Open Badges version baked it.

    The text is an OB 3.0 credential as JSON or a compact JWS, or for OB 2.0 an assertion (JSON,
    a JWS, or the URL of a hosted assertion). Verifying it is up to the caller.
    """

    text: str
    version: BadgeVersion

    def json(self) -> Any:
        """The text parsed as JSON; ``ValueError`` if it is not JSON (a JWS or URL)."""
        return json.loads(self.text)


def _serialize(credential: Mapping[str, Any] | str) -> str:
    if isinstance(credential, str):
        return credential
    return json.dumps(credential, ensure_ascii=False, separators=(",", ":"))


def _check_size(data: bytes) -> None:
    if len(data) > MAX_IMAGE_BYTES:
        raise BakingError(
            BakingProblem.TOO_LARGE,
            gettext("The image is larger than %(limit)s megabytes.")
            % {"limit": MAX_IMAGE_BYTES // (1024 * 1024)},
        )


# --- PNG -----------------------------------------------------------------------------------------


def _png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    _check_size(data)
    if not data.startswith(PNG_SIGNATURE):
        raise BakingError(BakingProblem.NOT_PNG, gettext("The file is not a PNG image."))
    try:
        chunks = [(bytes(kind), bytes(body)) for kind, body in png.Reader(bytes=data).chunks()]
    except (png.Error, ValueError, EOFError) as error:
        raise BakingError(
            BakingProblem.DAMAGED, gettext("The PNG image is damaged or incomplete.")
        ) from error
    if not chunks or chunks[0][0] != b"IHDR":
        raise BakingError(BakingProblem.DAMAGED, gettext("The PNG image is damaged or incomplete."))
    return chunks


def _itxt(keyword: str, text: str) -> bytes:
    # keyword NUL, compression flag 0, compression method 0, empty language tag NUL,
    # empty translated keyword NUL, then the UTF-8 text.
    return keyword.encode("latin-1") + b"\x00\x00\x00\x00\x00" + text.encode("utf-8")


def _read_itxt(body: bytes) -> tuple[str, str] | None:
    """The keyword and text of an iTXt chunk, or ``None`` if it is malformed."""
    try:
        keyword, rest = body.split(b"\x00", 1)
        compressed, method, rest = rest[0], rest[1], rest[2:]
        _language, rest = rest.split(b"\x00", 1)
        _translated, text = rest.split(b"\x00", 1)
    except (ValueError, IndexError):
        return None
    if compressed:
        if method != 0:
            return None
        inflater = zlib.decompressobj()
        try:
            text = inflater.decompress(text, MAX_CREDENTIAL_BYTES)
        except zlib.error:
            return None
        if inflater.unconsumed_tail:
            return None
    try:
        return keyword.decode("latin-1"), text.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _png_credentials(chunks: list[tuple[bytes, bytes]]) -> list[BakedCredential]:
    found = []
    for kind, body in chunks:
        if kind != b"iTXt":
            continue
        parsed = _read_itxt(body)
        if parsed is None:
            continue
        keyword, text = parsed
        if keyword == OB3_PNG_KEYWORD:
            found.append(BakedCredential(text=text.strip(), version=BadgeVersion.OB3))
        elif keyword == OB2_PNG_KEYWORD:
            found.append(BakedCredential(text=text.strip(), version=BadgeVersion.OB2))
    return found


def bake_png(image: bytes, credential: Mapping[str, Any] | str) -> bytes:
    """A copy of the PNG ``image`` carrying ``credential`` (an object, or a JWS string)."""
    chunks = _png_chunks(image)
    if _png_credentials(chunks):
        raise BakingError(
            BakingProblem.ALREADY_BAKED, gettext("The image already carries a badge credential.")
        )
    end = next(i for i, (kind, _body) in enumerate(chunks) if kind == b"IEND")
    chunks.insert(end, (b"iTXt", _itxt(OB3_PNG_KEYWORD, _serialize(credential))))
    output = io.BytesIO()
    png.write_chunks(output, chunks[: end + 2])
    return output.getvalue()


def unbake_png(image: bytes) -> BakedCredential:
    """The one credential a PNG image carries (OB 3.0 or OB 2.0 keyword)."""
    return _exactly_one(_png_credentials(_png_chunks(image)))


def _exactly_one(found: list[BakedCredential]) -> BakedCredential:
    if not found:
        raise BakingError(
            BakingProblem.NO_CREDENTIAL, gettext("The image does not carry a badge credential.")
        )
    if len(found) > 1:
        raise BakingError(
            BakingProblem.SEVERAL_CREDENTIALS,
            gettext(
                "The image carries more than one badge credential, so it is unclear which one "
                "it stands for."
            ),
        )
    return found[0]


# --- SVG -----------------------------------------------------------------------------------------

_FORBIDDEN_MARKUP = re.compile(r"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
_PROLOG_ITEM = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->)", re.DOTALL)
_START_TAG = re.compile(r"""<(?P<name>[^\s/>]+)(?P<attributes>(?:[^>"']|"[^"]*"|'[^']*')*)>""")
_PREFIX_DECLARATION = re.compile(
    r"""\sxmlns:openbadges\s*=\s*(?P<quote>["'])(?P<uri>.*?)(?P=quote)"""
)


def _svg_text(image: bytes) -> str:
    _check_size(image)
    try:
        text = image.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BakingError(
            BakingProblem.NOT_SVG, gettext("The file is not an SVG image in UTF-8.")
        ) from error
    if _FORBIDDEN_MARKUP.search(text):
        raise BakingError(
            BakingProblem.UNSAFE,
            gettext("SVG images with a document type declaration or entities are not accepted."),
        )
    return text


def _svg_root(text: str) -> ET.Element:
    try:
        # Safe here: the text has no DOCTYPE, so expat has no entities to expand and no external
        # resources to load.
        root = ET.fromstring(text)  # noqa: S314
    except ET.ParseError as error:
        raise BakingError(
            BakingProblem.DAMAGED, gettext("The SVG image is not well-formed XML.")
        ) from error
    if root.tag != f"{{{SVG_NAMESPACE}}}svg":
        raise BakingError(BakingProblem.NOT_SVG, gettext("The file is not an SVG image."))
    return root


def _svg_credentials(root: ET.Element) -> list[BakedCredential]:
    found = []
    for namespace, name, version in (
        (OB3_SVG_NAMESPACE, "credential", BadgeVersion.OB3),
        (OB2_SVG_NAMESPACE, "assertion", BadgeVersion.OB2),
    ):
        for element in root.iter(f"{{{namespace}}}{name}"):
            text = element.get("verify") or "".join(element.itertext())
            found.append(BakedCredential(text=text.strip(), version=version))
    return found


def _cdata(text: str) -> str:
    # "]]>" cannot appear inside CDATA; split it across two sections.
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def bake_svg(image: bytes, credential: Mapping[str, Any] | str) -> bytes:
    """A copy of the SVG ``image`` carrying ``credential`` as its first child element.

    The rest of the document is kept byte for byte: the element is inserted as text rather than by
    re-serializing the XML, which would rename namespace prefixes.
    """
    text = _svg_text(image)
    root = _svg_root(text)
    if _svg_credentials(root):
        raise BakingError(
            BakingProblem.ALREADY_BAKED, gettext("The image already carries a badge credential.")
        )
    position = 0
    while match := _PROLOG_ITEM.match(text, position):
        position = match.end()
    start = _START_TAG.search(text, position)
    if start is None:  # pragma: no cover - the parser accepted a root element
        raise BakingError(BakingProblem.DAMAGED, gettext("The SVG image is not well-formed XML."))
    name, attributes = start.group("name"), start.group("attributes")
    declared = _PREFIX_DECLARATION.search(attributes)
    if declared is not None and declared.group("uri") != OB3_SVG_NAMESPACE:
        raise BakingError(
            BakingProblem.UNSAFE,
            gettext("The SVG image uses the prefix openbadges for another namespace."),
        )
    self_closing = attributes.rstrip().endswith("/")
    if self_closing:
        attributes = attributes.rstrip()[:-1]
    if declared is None:
        attributes += f' xmlns:openbadges="{OB3_SVG_NAMESPACE}"'
    element = f"<openbadges:credential>{_cdata(_serialize(credential))}</openbadges:credential>"
    opening = f"<{name}{attributes}>"
    closing = f"</{name}>" if self_closing else ""
    baked = text[: start.start()] + opening + element + closing + text[start.end() :]
    return baked.encode("utf-8")


def unbake_svg(image: bytes) -> BakedCredential:
    """The one credential an SVG image carries."""
    return _exactly_one(_svg_credentials(_svg_root(_svg_text(image))))


# --- either --------------------------------------------------------------------------------------


def unbake(image: bytes) -> BakedCredential:
    """The credential in a PNG or SVG image, told apart by content (not by file name)."""
    if image.startswith(PNG_SIGNATURE):
        return unbake_png(image)
    if image.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return unbake_svg(image)
    raise BakingError(BakingProblem.NOT_PNG, gettext("The file is neither a PNG nor an SVG image."))
