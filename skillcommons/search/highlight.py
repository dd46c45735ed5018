"""Highlighted titles and snippets as safe HTML, without the database.

Everything from the document is escaped first; only our own ``<mark>`` tags are added, around the
words that matched the query (compared in the same normalized and stemmed form the index uses).
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.html import escape

from skillcommons.search import text as textlib
from skillcommons.search.text import ParsedQuery

#: Characters of body text shown around the first match.
SNIPPET_LENGTH = 220
#: Characters kept before the first match, so it is read in context.
SNIPPET_LEAD = 60


def word_matcher(parsed: ParsedQuery, language: str) -> Callable[[str], bool]:
    """Whether a normalized word of a document in ``language`` matches the query."""
    terms = {term for word in parsed.words for term in word.terms}
    prefixes = tuple(prefix for word in parsed.words for prefix in word.prefixes)
    substrings = tuple(word.substring for word in parsed.words if word.substring)

    def matches(token: str) -> bool:
        if token in terms or (prefixes and token.startswith(prefixes)):
            return True
        if textlib.stem(token, language) in terms:
            return True
        return any(sub in token for sub in substrings)

    return matches


def match_spans(value: str, parsed: ParsedQuery, language: str) -> list[tuple[int, int]]:
    """Where the matched words are in ``value`` (character offsets, in order)."""
    matches = word_matcher(parsed, language)
    pieces = [word.word for word in parsed.words if textlib.is_unsegmented(word.word)]
    spans: list[tuple[int, int]] = []
    for start, end in textlib.token_spans(value):
        token = textlib.normalize(value[start:end])
        if not token:
            continue
        if textlib.is_unsegmented(token):
            original = value[start:end]
            if len(token) != len(original):
                continue
            for piece in pieces:
                found = token.find(piece)
                while found >= 0:
                    spans.append((start + found, start + found + len(piece)))
                    found = token.find(piece, found + len(piece))
        elif matches(token):
            spans.append((start, end))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for span in spans:
        if merged and span[0] < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], span[1]))
        else:
            merged.append(span)
    return merged


def render(value: str, spans: list[tuple[int, int]], start: int = 0, end: int | None = None) -> str:
    """``value[start:end]`` escaped, with the spans inside it wrapped in ``<mark>``."""
    end = len(value) if end is None else end
    out: list[str] = []
    position = start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, start), min(span_end, end)
        out.append(escape(value[position:span_start]))
        out.append("<mark>" + escape(value[span_start:span_end]) + "</mark>")
        position = span_end
    out.append(escape(value[position:end]))
    return "".join(out)


def title_html(title: str, parsed: ParsedQuery, language: str) -> str:
    return render(title, match_spans(title, parsed, language))


def snippet_html(body: str, parsed: ParsedQuery, language: str) -> str:
    """About ``SNIPPET_LENGTH`` characters of the body around its first match (or its start)."""
    body = " ".join(body.split())
    spans = match_spans(body, parsed, language) if parsed.words else []
    start = 0
    if spans and spans[0][0] > SNIPPET_LEAD:
        start = spans[0][0] - SNIPPET_LEAD
        space = body.find(" ", start)
        if 0 <= space < spans[0][0]:
            start = space + 1
    end = min(len(body), start + SNIPPET_LENGTH)
    if end < len(body):
        space = body.rfind(" ", start, end)
        if space > start + SNIPPET_LENGTH // 2:
            end = space
    html = render(body, spans, start, end)
    return ("…" if start > 0 else "") + html + ("…" if end < len(body) else "")
