"""Differences between two revisions of a variant, line by line (difflib), ready for a template.

Pure: no ORM. Each line comes back with its change ("equal", "insert", "delete") so the page can
mark it with text as well as colour.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class DiffLine:
    change: str  # "equal", "insert" or "delete"
    text: str


@dataclass(frozen=True)
class FieldDiff:
    field: str
    lines: list[DiffLine]

    @property
    def changed(self) -> bool:
        return any(line.change != "equal" for line in self.lines)


def diff_lines(old: str, new: str) -> list[DiffLine]:
    """Every line of ``old`` and ``new`` in order, unchanged lines marked "equal"."""
    before, after = old.splitlines(), new.splitlines()
    lines: list[DiffLine] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            lines.extend(DiffLine("equal", text) for text in before[i1:i2])
            continue
        lines.extend(DiffLine("delete", text) for text in before[i1:i2])
        lines.extend(DiffLine("insert", text) for text in after[j1:j2])
    return lines


def diff_fields(old: dict[str, str], new: dict[str, str]) -> list[FieldDiff]:
    """One :class:`FieldDiff` per field in ``new`` (in its order)."""
    return [FieldDiff(name, diff_lines(old.get(name, ""), value)) for name, value in new.items()]
