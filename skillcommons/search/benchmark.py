"""``manage.py bench_search``: index synthetic documents in many languages and time queries
through the search service, against the ``icontains`` search other platforms use.

The documents are made of invented words built from each script's letters (no real text), with
word frequencies following Zipf's law as in real text, so some words are in most documents and
most words in few. Results: ``docs/search.md``.
"""

# Synthetic data wants a seeded, repeatable generator, not a cryptographic one.
# ruff: noqa: S311

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from django.db import connection
from django.db.models import Q

from skillcommons.search import service
from skillcommons.search.backends import get_backend
from skillcommons.search.documents import SearchDocument, SearchQuery
from skillcommons.search.models import SearchEntry, SearchFacet

SOURCE = "bench"
FORMATS = ("article", "video", "slides", "pdf", "audio", "course", "quiz", "toolkit")
LEVELS = ("beginner", "intermediate", "advanced")
AUDIENCES = ("newcomer", "individual", "organization")
VOCABULARY = 3_000
SKILLS = 60

_LATIN = "bcdfglmnprstv"


def _latin(vowels: str, endings: tuple[str, ...]) -> Any:
    def word(rng: random.Random) -> str:
        syllables = "".join(
            rng.choice(_LATIN) + rng.choice(vowels) for _ in range(rng.randint(2, 3))
        )
        return syllables + rng.choice(endings)

    return word


def _abjad(letters: str, prefixes: tuple[str, ...], suffixes: tuple[str, ...]) -> Any:
    def word(rng: random.Random) -> str:
        core = "".join(rng.choice(letters) for _ in range(rng.randint(3, 5)))
        return rng.choice(prefixes) + core + rng.choice(suffixes)

    return word


def _abugida(consonants: str, signs: str, endings: tuple[str, ...]) -> Any:
    def word(rng: random.Random) -> str:
        syllables = "".join(
            rng.choice(consonants) + rng.choice(signs) for _ in range(rng.randint(2, 3))
        )
        return syllables + rng.choice(endings)

    return word


def _han(rng: random.Random) -> str:
    return "".join(chr(0x4E00 + rng.randrange(1500)) for _ in range(rng.randint(2, 3)))


def _japanese(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return "".join(chr(0x30A2 + rng.randrange(80)) for _ in range(rng.randint(3, 5)))
    return "".join(chr(0x4E00 + 1500 + rng.randrange(1500)) for _ in range(2))


WORD_MAKERS: dict[str, Any] = {
    "en": _latin("aeiou", ("", "", "ing", "ed", "s", "tion")),
    "es": _latin("aeiou", ("", "os", "as", "ción", "ar")),
    "fr": _latin("aeioué", ("", "er", "ent", "tion", "es")),
    "pt": _latin("aeiouã", ("", "ção", "os", "ar", "ões")),
    "de": _latin("aeiouü", ("", "en", "ung", "er", "keit")),
    "ar": _abjad("بتجدرسعفقكلمنهوي", ("", "", "ال"), ("", "ات", "ة", "ون")),
    "fa": _abjad("بپتجچدرزژسشفکگلمنوهی", ("", "", "می"), ("", "ها", "ی")),
    "ur": _abjad("بپتٹجچدڈرڑسشکگلمنوہی", ("", ""), ("", "وں", "ے", "ی")),
    "hi": _abugida("कखगचजतदनपबमरलसह", "ािीुेो", ("", "ों", "ना", "ता")),
    "bn": _abugida("কখগচজতদনপবমরলসহ", "ািীুেো", ("", "ের", "টি")),
    "ta": _abugida("கசடதநபமயரலவள", "ாிீுெேை", ("", "ம்", "கள்")),
    "he": _abjad("אבגדהוזחטיכלמנסעפצקרשת", ("", "", "ה", "ב", "ל"), ("", "ים", "ות")),
    "zh": _han,
    "ja": _japanese,
}
UNSPACED = {"zh", "ja"}


@dataclass
class Corpus:
    languages: list[str]
    words: dict[str, list[str]]
    cumulative: list[float]

    @classmethod
    def make(cls, languages: list[str], rng: random.Random) -> Corpus:
        words = {}
        for language in languages:
            seen: dict[str, None] = {}
            maker = WORD_MAKERS[language]
            while len(seen) < VOCABULARY:
                seen[maker(rng)] = None
            words[language] = list(seen)
        cumulative = list(accumulate(1.0 / rank for rank in range(1, VOCABULARY + 1)))
        return cls(languages=languages, words=words, cumulative=cumulative)

    def sentence(self, language: str, count: int, rng: random.Random) -> str:
        chosen = rng.choices(self.words[language], cum_weights=self.cumulative, k=count)
        return ("" if language in UNSPACED else " ").join(chosen)


@dataclass(frozen=True)
class BenchQuery:
    text: str
    words: list[str]
    languages: list[str]
    filters: dict[str, list[str]]


def make_queries(
    count: int, corpus_words: dict[str, list[str]], rng: random.Random
) -> list[BenchQuery]:
    queries = []
    languages = list(corpus_words)
    for _ in range(count):
        language = rng.choice(languages)
        kind = rng.random()
        vocabulary = corpus_words[language]
        if kind < 0.6:
            words = [vocabulary[rng.randrange(10, 1000)]]
        elif kind < 0.9:
            words = [vocabulary[rng.randrange(5, 300)], vocabulary[rng.randrange(5, 1000)]]
        else:
            words = [vocabulary[rng.randrange(10, 1000)][:2]]
        viewer = [language] + (["en"] if language != "en" and rng.random() < 0.5 else [])
        filters = {"format": [rng.choice(FORMATS)]} if rng.random() < 0.3 else {}
        joiner = "" if language in UNSPACED else " "
        queries.append(
            BenchQuery(text=joiner.join(words), words=words, languages=viewer, filters=filters)
        )
    return queries


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def run(*, docs: int, languages: int, queries: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    names = list(WORD_MAKERS)[:languages]
    backend = get_backend()
    backend.delete_source(SOURCE)

    corpus_rng = random.Random(seed)
    corpus = Corpus.make(names, random.Random(seed + 1))
    started = time.perf_counter()
    batch: list[SearchDocument] = []
    for document in synthetic_documents(corpus, docs, corpus_rng):
        batch.append(document)
        if len(batch) == 1_000:
            service.index_documents(batch)
            batch = []
    if batch:
        service.index_documents(batch)
    index_seconds = time.perf_counter() - started
    started = time.perf_counter()
    backend.optimize()
    optimize_seconds = time.perf_counter() - started

    asked = make_queries(queries, corpus.words, rng)
    for query in asked[:20]:  # warm the caches, as a running site has them
        _search(query)
    timings = []
    found = []
    for query in asked:
        started = time.perf_counter()
        results = _search(query)
        timings.append((time.perf_counter() - started) * 1000)
        found.append(results.total)
    like = []
    for query in asked:
        started = time.perf_counter()
        _like(query)
        like.append((time.perf_counter() - started) * 1000)

    result = {
        "docs": docs,
        "languages": len(names),
        "index_docs_per_s": round(docs / index_seconds, 1),
        "optimize_s": round(optimize_seconds, 2),
        "queries": len(asked),
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(_percentile(timings, 0.95), 2),
        "max_ms": round(max(timings), 2),
        "median_total_found": statistics.median(found),
        "like_baseline_p50_ms": round(statistics.median(like), 2),
        "like_baseline_p95_ms": round(_percentile(like, 0.95), 2),
        "backend": backend.name,
        "database": f"{connection.vendor} {_version()}",
    }
    return result


def clean_up() -> None:
    """Remove the benchmark's documents."""
    get_backend().delete_source(SOURCE)


def synthetic_documents(corpus: Corpus, count: int, rng: random.Random) -> Iterator[SearchDocument]:
    """``count`` documents: works in one to three languages, sharing facets and skill labels."""
    languages = corpus.languages
    skill_labels = {
        language: [corpus.words[language][200 + 3 * skill] for skill in range(SKILLS)]
        for language in languages
    }
    made = 0
    group = 0
    while made < count:
        group += 1
        skills = rng.sample(range(SKILLS), 2)
        facets = {
            "skill": [str(skill) for skill in skills] + [f"parent-{skills[0] % 6}"],
            "format": [rng.choice(FORMATS)],
            "level": [rng.choice(LEVELS)],
            "audience": [rng.choice(AUDIENCES)],
        }
        keywords = "; ".join(
            skill_labels[language][skill]
            for skill in skills
            for language in rng.sample(languages, min(3, len(languages)))
        )
        quality = round(rng.random(), 3)
        for language in rng.sample(
            languages, min(rng.choice((1, 1, 2, 3)), count - made, len(languages))
        ):
            made += 1
            yield SearchDocument(
                key=f"{SOURCE}.variant:{made}",
                group=f"{SOURCE}.work:{group}",
                language=language,
                title=corpus.sentence(language, rng.randint(4, 8), rng),
                body=corpus.sentence(language, rng.randint(40, 70), rng),
                keywords=keywords,
                url=f"/bench/{made}/",
                quality=quality,
                facets={**facets, "language": [language]},
            )


def _search(query: BenchQuery) -> Any:
    return service.search(
        SearchQuery(
            text=query.text,
            languages=query.languages,
            filters=query.filters,
            limit=20,
            source=SOURCE,
        )
    )


def _like(query: BenchQuery) -> tuple[int, list[int]]:
    """The same query the way a LIKE search does it: every word somewhere in title or body."""
    rows = SearchEntry.objects.filter(source=SOURCE)
    for word in query.words:
        rows = rows.filter(Q(title__icontains=word) | Q(body__icontains=word))
    if query.filters:
        rows = rows.filter(
            id__in=SearchFacet.objects.filter(
                name="format", value=query.filters["format"][0]
            ).values("entry_id")
        )
    return rows.count(), list(rows.order_by("-quality").values_list("pk", flat=True)[:20])


def _version() -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
        else:
            cursor.execute("SHOW server_version")
        row = cursor.fetchone()
    return str(row[0]) if row else ""
