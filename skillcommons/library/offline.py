"""A learning pack as a self-contained ZIP of static HTML, for a USB stick or a slow connection.

The archive holds ``index.html`` (the pack and its steps), one page per step under ``steps/``, a
``style.css`` and small media under ``media/``. Every link between them is relative and nothing is
loaded from the network, so it opens from any folder in any browser. Files larger than
``MAX_EMBEDDED_BYTES`` are linked on the site instead of copied. Each page carries the ``lang``
and ``dir`` of its text.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

from skillcommons.core.markdown import render_markdown

from .models import Pack, Variant, Work
from .viewing import LanguageLabel, language_label

#: Media up to this size is copied into the archive; larger files are linked.
MAX_EMBEDDED_BYTES = 5 * 1024 * 1024


@dataclass
class Step:
    number: int
    work: Work
    variant: Variant
    language: LanguageLabel
    in_wanted_language: bool
    page: str  # path inside the archive
    body_html: str
    media_path: str  # inside the archive, "" when linked or absent
    media_url: str  # on the site, for large files
    questions: list[object]


def _css() -> str:
    path = finders.find("library/offline.css")
    if not path:
        return ""
    return Path(str(path)).read_text(encoding="utf-8")


def export_pack(pack: Pack, *, languages: list[str], site_url: str) -> bytes:
    """The ZIP archive of ``pack`` with each step in the first of ``languages`` it exists in."""
    text = pack.text_for(languages)
    wanted = languages[0] if languages else "en"
    buffer = io.BytesIO()
    steps: list[Step] = []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for number, item in enumerate(pack.items.all(), start=1):
            work = item.work
            if not work.is_published:
                continue
            variant = work.best_variant(languages)
            if variant is None:
                continue
            media_path = media_url = ""
            if variant.file:
                if variant.file_size <= MAX_EMBEDDED_BYTES:
                    media_path = f"media/{number:02d}-{posixpath.basename(variant.file.name)}"
                    with variant.file.open("rb") as handle:
                        archive.writestr(media_path, handle.read())
                else:
                    media_url = site_url.rstrip("/") + variant.file.url
            steps.append(
                Step(
                    number=number,
                    work=work,
                    variant=variant,
                    language=language_label(variant.locale),
                    in_wanted_language=variant.locale.lower() == wanted.lower(),
                    page=f"steps/{number:02d}.html",
                    body_html=render_markdown(variant.body),
                    media_path=media_path,
                    media_url=media_url,
                    questions=list(variant.questions.prefetch_related("choices")),
                )
            )
        pack_language = language_label(text.locale if text else wanted)
        context = {
            "pack": pack,
            "text": text,
            "language": pack_language,
            "steps": steps,
            "site_url": site_url,
            "exported_at": timezone.now(),
        }
        archive.writestr("index.html", render_to_string("library/offline/index.html", context))
        for index, step in enumerate(steps):
            archive.writestr(
                step.page,
                render_to_string(
                    "library/offline/step.html",
                    {
                        **context,
                        "step": step,
                        "previous": steps[index - 1] if index > 0 else None,
                        "next": steps[index + 1] if index + 1 < len(steps) else None,
                        "media_src": f"../{step.media_path}" if step.media_path else "",
                    },
                ),
            )
        archive.writestr("style.css", _css())
    return buffer.getvalue()
