"""Checking uploaded files: the type is read from the content (never the name or the browser's
claim) and each type has its own size limit.

Accepted: PDF; PNG, JPEG, GIF and WebP images; MP3, Ogg, WAV, FLAC and M4A audio; MP4 and WebM
video; PowerPoint (PPTX) and OpenDocument (ODP) slides. SVG is refused: it can carry scripts.
"""

from __future__ import annotations

import io
import zipfile
from typing import IO

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MB = 1024 * 1024
#: The largest file accepted of each kind, in bytes.
SIZE_LIMITS: dict[str, int] = {
    "image": 5 * MB,
    "pdf": 20 * MB,
    "slides": 30 * MB,
    "audio": 50 * MB,
    "video": 200 * MB,
}
#: Which file kinds fit a work's format ("article" and the others take images only).
KINDS_FOR_FORMAT: dict[str, set[str]] = {
    "pdf": {"pdf", "image"},
    "video": {"video", "image"},
    "audio": {"audio", "image"},
    "slides": {"slides", "pdf", "image"},
}
EXTENSIONS: dict[str, str] = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "audio/mpeg": "mp3",
    "audio/ogg": "ogg",
    "audio/wav": "wav",
    "audio/flac": "flac",
    "audio/mp4": "m4a",
    "video/mp4": "mp4",
    "video/webm": "webm",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.presentation": "odp",
}
KIND_OF_MIME = {
    mime: (
        "pdf"
        if mime == "application/pdf"
        else "slides"
        if mime.startswith("application/")
        else mime.split("/")[0]
    )
    for mime in EXTENSIONS
}


def _sniff_zip(stream: IO[bytes]) -> str | None:
    """PPTX and ODP are zip files; tell them by what is inside."""
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                declared = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
                if declared == "application/vnd.oasis.opendocument.presentation":
                    return declared
            if "[Content_Types].xml" in names and any(n.startswith("ppt/") for n in names):
                return "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return None
    return None


def sniff(head: bytes) -> str | None:
    """The MIME type of a file whose first bytes are ``head`` (at least 16), if accepted."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "audio/mpeg"
    if head.startswith(b"OggS"):
        return "audio/ogg"
    if head.startswith(b"fLaC"):
        return "audio/flac"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        return "audio/mp4" if brand in {b"M4A ", b"M4B "} else "video/mp4"
    return None


def check_upload(file: IO[bytes], *, size: int, work_format: str) -> tuple[str, str]:
    """Return ``(kind, extension)`` for an acceptable upload, or raise ``ValidationError``.

    ``size`` is the file's length in bytes; ``work_format`` the format of the work it belongs to.
    """
    if size <= 0:
        raise ValidationError(_("The file is empty."), code="empty")
    file.seek(0)
    head = file.read(64)
    file.seek(0)
    mime = sniff(head)
    if mime is None and head.startswith(b"PK\x03\x04"):
        data = file.read(SIZE_LIMITS["slides"] + 1)
        file.seek(0)
        mime = _sniff_zip(io.BytesIO(data))
    if mime is None:
        raise ValidationError(
            _(
                "This type of file is not accepted. Upload a PDF, an image (PNG, JPEG, GIF, "
                "WebP), audio (MP3, Ogg, WAV, FLAC, M4A), video (MP4, WebM) or slides (PPTX, ODP)."
            ),
            code="file_type",
        )
    kind = KIND_OF_MIME[mime]
    allowed = KINDS_FOR_FORMAT.get(work_format, {"image"})
    if kind not in allowed:
        raise ValidationError(
            _("A file of this kind (%(kind)s) does not fit a work of this format.")
            % {"kind": kind},
            code="file_kind",
        )
    limit = SIZE_LIMITS[kind]
    if size > limit:
        raise ValidationError(
            _("The file is too large: %(size)s. The largest accepted is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="file_size",
        )
    return kind, EXTENSIONS[mime]
