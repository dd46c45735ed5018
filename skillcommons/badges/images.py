"""Checking an uploaded achievement image: a real PNG or a safe SVG, within size limits.

PNG files are decoded completely with pypng (signature, chunk CRCs, the compressed pixel data), so
a file that only starts like a PNG is refused. SVG files are parsed with defusedxml (no document
type declarations or entities) and refused if they contain scripts, foreign objects, event
handler attributes, references to anything outside the file, or style sheets that could load
something. Images already carrying a badge credential are refused, since they could not be baked.
No ORM here.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

import png

# defusedxml ships no type information and the project has no stubs package for it.
from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.ElementTree import ParseError, fromstring  # type: ignore[import-untyped]
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .baking import OB2_SVG_NAMESPACE, OB3_SVG_NAMESPACE, PNG_SIGNATURE, BakingError, unbake_png

MAX_IMAGE_BYTES = 512 * 1024
MAX_DIMENSION = 2048
MAX_SVG_ELEMENTS = 5000
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
XLINK_NAMESPACE = "http://www.w3.org/1999/xlink"
_FORBIDDEN_ELEMENTS = {"script", "foreignObject", "iframe", "embed", "object", "audio", "video"}
_URL_IN_STYLE = re.compile(r"url\(\s*['\"]?\s*(?!#)|@import|expression\(", re.IGNORECASE)
_INLINE_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,", re.IGNORECASE)


def validate_badge_image(data: bytes) -> str:
    """``"png"`` or ``"svg"`` for an acceptable image; ``ValidationError`` saying why not."""
    if not data:
        raise ValidationError(_("The image file is empty."), code="empty")
    if len(data) > MAX_IMAGE_BYTES:
        raise ValidationError(
            _("The image is larger than %(limit)s kilobytes.") % {"limit": MAX_IMAGE_BYTES // 1024},
            code="too_large",
        )
    if data.startswith(PNG_SIGNATURE):
        _check_png(data)
        return "png"
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        _check_svg(data)
        return "svg"
    raise ValidationError(_("The file is neither a PNG nor an SVG image."), code="not_image")


def _check_png(data: bytes) -> None:
    damaged = ValidationError(_("The PNG image is damaged or incomplete."), code="damaged")
    try:
        width, height, rows, _info = png.Reader(bytes=data).read()
        if width > MAX_DIMENSION or height > MAX_DIMENSION:
            raise ValidationError(
                _("The image may be at most %(size)s pixels wide and high.")
                % {"size": MAX_DIMENSION},
                code="too_big",
            )
        for _row in rows:
            pass
    except (png.Error, ValueError, EOFError, OverflowError) as error:
        raise damaged from error
    try:
        unbake_png(data)
    except BakingError:
        return
    raise ValidationError(
        _("The image already carries a badge credential; upload the plain image."), code="baked"
    )


def _local(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        namespace, _sep, name = tag[1:].partition("}")
        return namespace, name
    return "", tag


def _check_svg(data: bytes) -> None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(_("The SVG image is not in UTF-8."), code="encoding") from error
    try:
        root: Element = fromstring(text, forbid_dtd=True)
    except DefusedXmlException as error:
        raise ValidationError(
            _("SVG images with a document type declaration or entities are not accepted."),
            code="unsafe",
        ) from error
    except ParseError as error:
        raise ValidationError(_("The SVG image is not well-formed XML."), code="damaged") from error
    if root.tag != f"{{{SVG_NAMESPACE}}}svg":
        raise ValidationError(_("The file is not an SVG image."), code="not_svg")
    unsafe = ValidationError(
        _(
            "The SVG image contains scripts, embedded content or references to other files, "
            "which badge images may not have."
        ),
        code="unsafe",
    )
    for count, element in enumerate(root.iter()):
        if count >= MAX_SVG_ELEMENTS:
            raise ValidationError(
                _("The SVG image has more than %(limit)s elements.") % {"limit": MAX_SVG_ELEMENTS},
                code="too_complex",
            )
        if not isinstance(element.tag, str):
            continue
        namespace, name = _local(element.tag)
        if namespace in {OB3_SVG_NAMESPACE, OB2_SVG_NAMESPACE}:
            raise ValidationError(
                _("The image already carries a badge credential; upload the plain image."),
                code="baked",
            )
        if name in _FORBIDDEN_ELEMENTS:
            raise unsafe
        if name == "style" and _URL_IN_STYLE.search("".join(element.itertext())):
            raise unsafe
        for attribute, value in element.attrib.items():
            _attr_namespace, attr_name = _local(attribute)
            if attr_name.lower().startswith("on"):
                raise unsafe
            if attr_name == "href":
                target = value.strip()
                if not (target.startswith("#") or _INLINE_IMAGE.match(target)):
                    raise unsafe
            elif _URL_IN_STYLE.search(value):
                raise unsafe
