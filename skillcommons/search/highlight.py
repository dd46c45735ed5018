"""Highlighted titles and snippets as safe HTML, without the database.

Everything from the document is escaped first; only our own ``<mark>`` tags are added, around the
words that matched the query (compared in the same normalized and stemmed form the index uses).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import lru_cache

from django.utils.html import escape

from skillcommons.search import text as textlib
from skillcommons.search.text import ParsedQuery

#: Characters of body text shown around the first match.
SNIPPET_LENGTH = 220
#: Characters kept before the first match, so it is read in context.
SNIPPET_LEAD = 60


@lru_cache(maxsize=100_000)
def _normalized(word: str) -> str:
    return textlib.normalize(word)


def word_matcher(parsed: ParsedQuery, language: str) -> Callable[[str], bool]:
    """Whether a normalized word of a document in ``language`` matches the query."""
    terms = {term for word in parsed.words for term in word.terms}
    prefixes = tuple(prefix for word in parsed.words for prefix in word.prefixes)
    substrings = tuple(word.substring for word in parsed.words if word.substring)
    seen: dict[str, bool] = {}

    def matches(token: str) -> bool:
        found = seen.get(token)
        if found is None:
            found = (
                token in terms
                or bool(prefixes and token.startswith(prefixes))
                or textlib.stem(token, language) in terms
                or any(sub in token for sub in substrings)
            )
            seen[token] = found
        return found

    return matches


def match_spans(
    value: str, parsed: ParsedQuery, language: str, start: int = 0, end: int | None = None
) -> list[tuple[int, int]]:
    """Where the matched words are in ``value[start:end]`` (character offsets in ``value``)."""
    return list(_spans(value, parsed, language, start, end))


def _spans(
    value: str, parsed: ParsedQuery, language: str, start: int = 0, end: int | None = None
) -> Iterator[tuple[int, int]]:
    """The matched words in order, found lazily (a snippet stops at the first)."""
    matches = word_matcher(parsed, language)
    pieces = [word.word for word in parsed.words if textlib.is_unsegmented(word.word)]
    for token_start, token_end in textlib.token_spans(value, start, end):
        original = value[token_start:token_end]
        token = _normalized(original)
        if not token:
            continue
        if textlib.is_unsegmented(token):
            if len(token) != len(original):
                continue
            found_spans = []
            for piece in pieces:
                found = token.find(piece)
                while found >= 0:
                    found_spans.append((token_start + found, token_start + found + len(piece)))
                    found = token.find(piece, found + len(piece))
            yield from _merge(sorted(found_spans))
        elif matches(token):
            yield token_start, token_end


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
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
    return render(title, _merge(match_spans(title, parsed, language)))


def _may_match(value: str, parsed: ParsedQuery) -> bool:
    """A quick test before reading the words one by one: does any query term (its first four
    characters, which stems and inflected forms share) occur in the text at all?"""
    if not parsed.words:
        return False
    text = textlib.normalize(value)
    starts = {
        piece[:4]
        for word in parsed.words
        for piece in (*word.terms, *word.prefixes, word.substring or "", word.word)
        if piece
    }
    return any(start in text for start in starts)


def snippet_html(body: str, parsed: ParsedQuery, language: str) -> str:
    """About ``SNIPPET_LENGTH`` characters of the body around its first match (or its start)."""
    body = " ".join(body.split())
    first = next(_spans(body, parsed, language), None) if _may_match(body, parsed) else None
    start = 0
    if first and first[0] > SNIPPET_LEAD:
        start = first[0] - SNIPPET_LEAD
        space = body.find(" ", start)
        if 0 <= space < first[0]:
            start = space + 1
    end = min(len(body), start + SNIPPET_LENGTH)
    if end < len(body):
        space = body.rfind(" ", start, end)
        if space > start + SNIPPET_LENGTH // 2:
            end = space
    spans = _merge(match_spans(body, parsed, language, start, end)) if first else []
    html = render(body, spans, start, end)
    return ("…" if start > 0 else "") + html + ("…" if end < len(body) else "")
