"""Small original badge images drawn in code: a round medal in PNG (with pypng) or SVG.

Used by the demo data and the tests, so neither needs image files."""

from __future__ import annotations

import io
import math

import png


def _hex(color: str) -> tuple[int, int, int]:
    value = color.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def medal_png(color: str = "#3366cc", *, size: int = 96, points: int = 5) -> bytes:
    """A PNG of a medal: a coloured disc with a lighter ring and a star of ``points`` points."""
    base = _hex(color)
    light = tuple(min(255, c + 90) for c in base)
    centre = (size - 1) / 2
    outer, ring = size * 0.48, size * 0.40
    rows = []
    for y in range(size):
        row: list[int] = []
        for x in range(size):
            dx, dy = x - centre, y - centre
            distance = math.hypot(dx, dy)
            angle = math.atan2(dy, dx) + math.pi / 2
            # A star: the radius limit varies with the angle between inner and outer points.
            phase = (angle * points / (2 * math.pi)) % 1
            star = size * (0.16 + 0.14 * abs(1 - 2 * phase))
            if distance > outer:
                row += [0, 0, 0, 0]
            elif distance > ring:
                row += [*light, 255]
            elif distance < star:
                row += [255, 255, 255, 255]
            else:
                row += [*base, 255]
        rows.append(row)
    output = io.BytesIO()
    png.Writer(size, size, greyscale=False, alpha=True).write(output, rows)
    return output.getvalue()


def medal_svg(color: str = "#14866d", *, label: str = "") -> bytes:
    """An SVG medal: disc, ring and a short text label (escaped)."""
    text = (
        label.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="120" viewBox="0 0 120 120">'
        f'<circle cx="60" cy="60" r="58" fill="{color}"/>'
        '<circle cx="60" cy="60" r="46" fill="none" stroke="#ffffff" stroke-width="4"/>'
        '<path d="M60 28 L68 52 L93 52 L73 67 L80 91 L60 76 L40 91 L47 67 L27 52 L52 52 Z" '
        'fill="#ffffff"/>'
        f'<text x="60" y="112" font-size="10" text-anchor="middle" fill="#ffffff">{text}</text>'
        "</svg>\n"
    ).encode()
