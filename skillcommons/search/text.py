"""Text analysis shared by both backends, without the database (docs/search.md).

Both backends index what this module produces, never raw text, so they find the same documents:

* ``normalize``: NFKC, case folding, Latin/Greek/Cyrillic accents removed, Arabic and Hebrew
  vowel points removed, Arabic letter variants unified, zero-width joiners dropped.
* ``tokens``: runs of letters, marks and digits (Unicode categories L, M, N, Co), so Hindi, Bengali
  and Tamil words with vowel signs stay whole (a ``\\w`` regex would split them).
* ``index_terms``: each word as written plus its Snowball stem (PyStemmer) when the document's
  language has one; text in scripts written without spaces (Chinese, Japanese, Thai, Lao, Khmer,
  Myanmar) becomes overlapping character pairs, so two-character words are found without the
  trigram index (which needs three characters, and whose LIKE is broken for short non-ASCII
  patterns on SQLite before 3.42).
* ``parse_query``: the words of a query with the stems to look for, and whether each needs the
  trigram (substring) index: words in unsegmented scripts and Hebrew, where prefixes attach.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Protocol

import Stemmer  # type: ignore[import-not-found]  # PyStemmer ships no type hints

from skillcommons.search.documents import MAX_QUERY_LENGTH, MAX_QUERY_TERMS

#: Snowball stemmers by the primary subtag of a BCP-47 tag (PyStemmer's algorithm names).
SNOWBALL = {
    "ar": "arabic",
    "ca": "catalan",
    "cs": "czech",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "eo": "esperanto",
    "es": "spanish",
    "et": "estonian",
    "eu": "basque",
    "fa": "persian",
    "fi": "finnish",
    "fr": "french",
    "ga": "irish",
    "hi": "hindi",
    "hu": "hungarian",
    "hy": "armenian",
    "id": "indonesian",
    "it": "italian",
    "lt": "lithuanian",
    "nb": "norwegian",
    "ne": "nepali",
    "nl": "dutch",
    "nn": "norwegian",
    "no": "norwegian",
    "pl": "polish",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sr": "serbian",
    "st": "sesotho",
    "sv": "swedish",
    "ta": "tamil",
    "tr": "turkish",
    "yi": "yiddish",
}

#: Languages whose stemmer is tried on a query word written in this script, besides the viewer's.
SCRIPT_LANGUAGES = {
    "arab": ("ar", "fa"),
    "deva": ("hi", "ne"),
    "taml": ("ta",),
}

#: Words shorter than this (in characters) are not stemmed (stems of tiny words collide).
MIN_STEM_LENGTH = 3
#: Only words at least this long go into the vocabulary used for typo correction.
MIN_VOCABULARY_LENGTH = 3


def _ranges(flags: list[bool]) -> list[tuple[int, int]]:
    """Runs of code points whose flag is set."""
    ranges: list[tuple[int, int]] = []
    start = -1
    for code, flag in enumerate(flags):
        if flag and start < 0:
            start = code
        elif not flag and start >= 0:
            ranges.append((start, code - 1))
            start = -1
    return ranges


def _class(ranges: list[tuple[int, int]]) -> str:
    parts = [
        re.escape(chr(low)) if low == high else f"{re.escape(chr(low))}-{re.escape(chr(high))}"
        for low, high in ranges
    ]
    return "[" + "".join(parts) + "]"


#: Scripts written without spaces between words: indexed as character pairs, found by substring.
_UNSEGMENTED = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x31F0, 0x31FF),  # Katakana phonetic extensions
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF66, 0xFF9F),  # half-width Katakana
    (0x20000, 0x3134F),  # CJK extensions B–G
)
_HEBREW = (0x0590, 0x05FF)


def _word_flags() -> list[bool]:
    """Letters, marks and digits below U+30000, except the unsegmented scripts."""
    flags = [unicodedata.category(chr(code))[0] in "LMN" for code in range(0x30000)]
    for low, high in _UNSEGMENTED:
        flags[low : high + 1] = [False] * (high + 1 - low)
    return flags


_UNSEGMENTED_CLASS = _class([(low, high) for low, high in _UNSEGMENTED])
#: A word: a run of letters, marks and digits (private use too), where a run in a script written
#: without spaces is a word of its own ("以Q开头" is "以", "q", "开头" before pairing).
TOKEN_RE = re.compile(
    f"{_UNSEGMENTED_CLASS}+|"
    + _class([*_ranges(_word_flags()), (0xE000, 0xF8FF), (0xE0100, 0xE01EF), (0xF0000, 0x10FFFD)])
    + "+"
)
_UNSEGMENTED_START = re.compile(_UNSEGMENTED_CLASS)

_DROP = dict.fromkeys(
    [
        *(
            0x200B,
            0x200C,
            0x200D,
            0x2060,
            0xFEFF,
            0x00AD,
            0x0640,
        ),  # zero widths, soft hyphen, tatweel
        *range(0x0591, 0x05C8),  # Hebrew cantillation and vowel points (not letters)
        *range(0x064B, 0x0660),  # Arabic harakat
        0x0670,
        *range(0x06D6, 0x06EE),  # Quranic marks
    ]
)
_DROP.pop(0x05BE, None)  # maqaf is punctuation: keep it so it separates words
_UNIFY: dict[int, str] = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ی": "ي",  # Persian yeh
        "ۍ": "ي",
        "ې": "ي",
        "ك": "ک",  # Arabic kaf to keheh, as Persian and Urdu write it
        "ة": "ه",
        "ۀ": "ه",
        "ؤ": "و",
        "ئ": "ي",
    }
)


_TRANSLATE: dict[int, str | None] = {**_DROP, **_UNIFY}
_NEEDS_TRANSLATE = re.compile(
    "[" + "".join(re.escape(chr(code)) for code in sorted(_TRANSLATE)) + "]"
)

#: Accents on Latin, Greek and Cyrillic letters (after NFD), which searchers usually leave out.
#: Marks of other scripts (Indic vowel signs, Thai vowels …) are part of the word and stay.
_LATIN_ACCENTS = re.compile("([\u0000-\u052f])[\u0300-\u036f\u0483-\u0489]+")


def normalize(text: str) -> str:
    """The form both the index and queries are compared in."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKC", text).casefold()
    text = unicodedata.normalize(
        "NFC", _LATIN_ACCENTS.sub(r"\1", unicodedata.normalize("NFD", text))
    )
    if _NEEDS_TRANSLATE.search(text):
        text = text.translate(_TRANSLATE)
    return text


def tokens(text: str) -> list[str]:
    """The words of normalized text."""
    return TOKEN_RE.findall(text)


def token_spans(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """Where the words of (not normalized) text are, between ``start`` and ``end``; used to
    highlight snippets."""
    for match in TOKEN_RE.finditer(text, start, len(text) if end is None else end):
        yield match.start(), match.end()


def is_unsegmented(word: str) -> bool:
    """True for a word in a script written without spaces (Chinese, Japanese, Thai …)."""
    return _UNSEGMENTED_START.match(word) is not None


def is_hebrew(word: str) -> bool:
    return "\u0590" <= word[:1] <= "\u05ff"


def script_of(word: str) -> str:
    """A coarse script name for choosing stemmers ("latn", "arab", "deva", "taml", …)."""
    code = ord(word[0])
    if code < 0x0530:
        return "latn"
    if 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0xFB50 <= code <= 0xFEFF:
        return "arab"
    if 0x0900 <= code <= 0x097F:
        return "deva"
    if 0x0B80 <= code <= 0x0BFF:
        return "taml"
    if 0x0590 <= code <= 0x05FF:
        return "hebr"
    return "other"


def primary(tag: str) -> str:
    return tag.split("-", 1)[0].lower()


class WordStemmer(Protocol):
    def stemWord(self, word: str) -> str: ...  # noqa: N802 (PyStemmer's name)


@cache
def _stemmer(algorithm: str) -> WordStemmer:
    stemmer: WordStemmer = Stemmer.Stemmer(algorithm, 50_000)
    return stemmer


def stemmer_for(language: str) -> WordStemmer | None:
    """The Snowball stemmer of a language, or None (Bengali, Urdu, Hebrew, Chinese, Japanese…)."""
    algorithm = SNOWBALL.get(primary(language))
    return _stemmer(algorithm) if algorithm else None


@lru_cache(maxsize=200_000)
def stem(word: str, language: str) -> str:
    stemmer = stemmer_for(language)
    if stemmer is None or len(word) < MIN_STEM_LENGTH or word.isdigit():
        return word
    # Stemmers may return a variant letter (Arabic); compare in normalized form.
    return normalize(stemmer.stemWord(word))


def pairs(run: str) -> list[str]:
    """Overlapping character pairs of an unsegmented run; the run itself when it is one char."""
    if len(run) < 2:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


@dataclass(frozen=True)
class Analyzed:
    """What the index stores for one field: its terms (space-separated), the normalized words
    of the field, which feed the vocabulary for typo correction, and the words that need
    substring search (``substring_text``)."""

    terms: str
    words: frozenset[str]
    grams: str = ""


def analyze(text: str, language: str) -> Analyzed:
    """Index terms of a text written in ``language``: each word, its stem when different, and the
    character pairs of unsegmented runs."""
    terms: list[str] = []
    words: set[str] = set()
    grams: list[str] = []
    for word in tokens(normalize(text)):
        if is_unsegmented(word):
            terms.extend(pairs(word))
            grams.append(word)
            continue
        if is_hebrew(word):
            grams.append(word)
        terms.append(word)
        stemmed = stem(word, language)
        if stemmed and stemmed != word:
            terms.append(stemmed)
        if len(word) >= MIN_VOCABULARY_LENGTH and not word.isdigit():
            words.add(word)
    return Analyzed(terms=" ".join(terms), words=frozenset(words), grams=" ".join(grams))


def substring_text(text: str) -> str:
    """What the trigram index stores: the normalized words of the text in scripts that need
    substring search (written without spaces, or Hebrew with its attached prefixes)."""
    return " ".join(
        word for word in tokens(normalize(text)) if is_unsegmented(word) or is_hebrew(word)
    )


@dataclass(frozen=True)
class QueryWord:
    """One word of a query. A document matches it when it has one of ``terms`` (or a term
    starting with one of ``prefixes``), or, when ``substring`` is set, contains that text."""

    word: str
    terms: tuple[str, ...]
    prefixes: tuple[str, ...] = ()
    substring: str | None = None
    title_only: bool = False  # the short-query fallback looks in titles only

    @property
    def needs_substring(self) -> bool:
        return self.substring is not None


@dataclass(frozen=True)
class ParsedQuery:
    words: tuple[QueryWord, ...]
    short: bool  # fewer than three characters in all: searched as a prefix only

    @property
    def text(self) -> str:
        return " ".join(word.word for word in self.words)


@lru_cache(maxsize=4096)
def _query_word(word: str, languages: tuple[str, ...], last: bool) -> QueryWord:
    if is_unsegmented(word):
        if len(word) >= 3:
            # An exact substring, through the trigram index.
            return QueryWord(word=word, terms=(), substring=word)
        # Too short for trigrams (and for SQLite 3.40's trigram LIKE): pairs starting with it.
        return QueryWord(word=word, terms=(word,) if len(word) == 2 else (), prefixes=(word,))
    candidates = list(dict.fromkeys([*languages, *SCRIPT_LANGUAGES.get(script_of(word), ())]))
    terms = [word]
    for language in candidates:
        stemmed = stem(word, language)
        if stemmed and stemmed not in terms:
            terms.append(stemmed)
    prefixes = (word,) if last and len(word) >= 3 else ()
    substring = word if is_hebrew(word) and len(word) >= 3 else None
    return QueryWord(word=word, terms=tuple(terms), prefixes=prefixes, substring=substring)


def parse_query(text: str, languages: Sequence[str]) -> ParsedQuery:
    """The words to look for. Operators, quotes and brackets are just separators here: nothing a
    person types reaches a query language unquoted."""
    words = tokens(normalize(text[:MAX_QUERY_LENGTH]))[:MAX_QUERY_TERMS]
    words = list(dict.fromkeys(words))
    if any(len(word) > 1 for word in words):
        # Single letters ("a", Persian "و") are in nearly every document; they only narrow recall.
        words = [word for word in words if len(word) > 1 or is_unsegmented(word)]
    chain = tuple(dict.fromkeys(primary(tag) for tag in languages if tag))
    if sum(len(word) for word in words) < 3 and words:
        # The short-query fallback: titles whose words start with it; no stems, no trigrams
        # (one or two letters start a word in most bodies, which would rank nothing useful).
        return ParsedQuery(
            words=tuple(
                QueryWord(word=w, terms=(w,), prefixes=(w,), title_only=True) for w in words
            ),
            short=True,
        )
    parsed = tuple(
        _query_word(word, chain, index == len(words) - 1) for index, word in enumerate(words)
    )
    return ParsedQuery(words=parsed, short=False)


def sqlite_trigram_like_works() -> bool:
    """SQLite's trigram tokenizer answers LIKE patterns of fewer than three non-ASCII characters
    wrongly (no rows) before 3.42; we then never give it such a pattern."""
    import sqlite3

    return sqlite3.sqlite_version_info >= (3, 42, 0)


def damerau_levenshtein(a: str, b: str, limit: int) -> int:
    """Edit distance with transpositions, stopping early above ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def max_typos(word: str) -> int:
    """How many edits a correction may make: none under 4 characters, 1 up to 7, then 2."""
    if len(word) < 4:
        return 0
    return 1 if len(word) <= 7 else 2


__all__ = [
    "Analyzed",
    "ParsedQuery",
    "QueryWord",
    "analyze",
    "damerau_levenshtein",
    "is_hebrew",
    "is_unsegmented",
    "max_typos",
    "normalize",
    "pairs",
    "parse_query",
    "sqlite_trigram_like_works",
    "stem",
    "stemmer_for",
    "substring_text",
    "tokens",
]
