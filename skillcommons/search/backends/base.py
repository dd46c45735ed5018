"""What both backends share: writing the index tables, and the ranking, grouping and facet SQL.

A backend only says how to find the entries matching words (its full-text index) and substrings
(its trigram index), each as ``(id, rel)`` rows; everything else (filters, the viewer's language
tiers, quality, collapsing a group to its best language, facet counts, typo correction,
highlighting) is the same SQL or Python on both, so both find and order the same documents.
"""

# SQL here is put together from our own fragments; every value travels as a parameter.
# ruff: noqa: S608

from __future__ import annotations

import json
import math
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from skillcommons.search import highlight
from skillcommons.search import text as textlib
from skillcommons.search.documents import (
    MAX_LIMIT,
    Hit,
    SearchDocument,
    SearchQuery,
    SearchResults,
)
from skillcommons.search.models import SearchEntry
from skillcommons.search.text import ParsedQuery, QueryWord, parse_query
from skillcommons.taxonomy.locales import fallback_chain

SQL = tuple[str, list[Any]]

#: Weights of the score within a language tier: text relevance (scaled to the best match), the
#: document's quality, and how early its language comes in the viewer's list.
WEIGHT_RELEVANCE = 0.65
WEIGHT_QUALITY = 0.25
WEIGHT_LANGUAGE = 0.10
#: Relevance of a substring match found in the title, and in the body only.
SUBSTRING_TITLE = 1.0
SUBSTRING_BODY = 0.3
#: Limits on what one document may put in the index.
MAX_TITLE = 1_000
MAX_BODY = 100_000
MAX_KEYWORDS = 10_000
MAX_FACET_VALUES = 200
MAX_FILTER_VALUES = 50
MAX_OFFSET = 10_000
BATCH = 500


def _chunks(items: Sequence[Any], size: int = BATCH) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _placeholders(count: int) -> str:
    return ", ".join(["%s"] * count)


@dataclass(frozen=True)
class LanguagePlan:
    """The viewer's languages (tier 0) and the fallback chain appended to them (tier 1), as
    primary subtags, best first."""

    viewer: tuple[str, ...]
    fallback: tuple[str, ...]

    @classmethod
    def for_languages(cls, languages: Sequence[str]) -> LanguagePlan:
        viewer = tuple(dict.fromkeys(textlib.primary(tag) for tag in languages if tag))
        chain: list[str] = []
        for tag in languages or ("en",):
            chain.extend(textlib.primary(code) for code in fallback_chain(tag))
        fallback = tuple(code for code in dict.fromkeys(chain) if code not in viewer)
        return cls(viewer=viewer, fallback=fallback)

    @property
    def ordered(self) -> tuple[str, ...]:
        return self.viewer + self.fallback


class SearchBackend(ABC):
    """A full-text index over ``search_entry``. Subclasses provide the matching SQL."""

    name: str = ""

    # What a backend provides ------------------------------------------------------------------

    @abstractmethod
    def all_words_sql(self, words: Sequence[QueryWord]) -> SQL:
        """``(id, rel)`` of the entries having every word (terms or prefixes, no substrings);
        ``rel`` is larger for better matches."""

    @abstractmethod
    def word_sql(self, word: QueryWord) -> SQL:
        """``(id, rel)`` of the entries having one of the word's terms or prefixes."""

    @abstractmethod
    def substring_sql(self, value: str) -> SQL:
        """``(id, rel)`` of the entries whose text contains ``value``; ``rel`` is
        ``SUBSTRING_TITLE`` when the title does, else ``SUBSTRING_BODY``."""

    @abstractmethod
    def vocabulary_candidates(self, word: str, limit: int) -> list[tuple[str, int]]:
        """Indexed words sharing trigrams with ``word``, with their document counts."""

    # Writing ---------------------------------------------------------------------------------

    #: How a JSON parameter is written in SQL.
    json_placeholder = "%s"

    def index(self, docs: Iterable[SearchDocument]) -> None:
        docs = list({doc.key: doc for doc in docs}.values())
        if not docs:
            return
        entries = [self._entry(doc) for doc in docs]
        vocabulary: Counter[str] = Counter()
        for _entry, words in entries:
            vocabulary.update(words)
        columns = [
            "key", "source", "group_key", "language", "base_language", "title", "body",
            "keywords", "url", "quality", "facets", "terms_title", "terms_body",
            "terms_keywords", "grams_title", "grams_body",
        ]  # fmt: skip
        placeholders = ", ".join(
            self.json_placeholder if column == "facets" else "%s" for column in columns
        )
        rows = [
            [
                json.dumps(entry.facets, ensure_ascii=False)
                if column == "facets"
                else getattr(entry, column)
                for column in columns
            ]
            for entry, _words in entries
        ]
        with transaction.atomic(), connection.cursor() as cursor:
            self.delete_keys([doc.key for doc in docs])
            # Plain statements rather than the ORM: this is the hot path of a rebuild.
            cursor.executemany(
                f"INSERT INTO search_entry ({', '.join(columns)}) VALUES ({placeholders})", rows
            )
            ids: dict[str, int] = {}
            for chunk in _chunks([entry.key for entry, _words in entries]):
                cursor.execute(
                    f"SELECT key, id FROM search_entry WHERE key IN ({_placeholders(len(chunk))})",
                    list(chunk),
                )
                ids.update((str(key), int(pk)) for key, pk in cursor.fetchall())
            facets = [
                (ids[entry.key], name, value)
                for entry, _words in entries
                for name, values in entry.facets.items()
                for value in values
            ]
            cursor.executemany(
                "INSERT INTO search_facet (entry_id, name, value) VALUES (%s, %s, %s)", facets
            )
            self._add_vocabulary(vocabulary)

    def _entry(self, doc: SearchDocument) -> tuple[SearchEntry, frozenset[str]]:
        if "." not in doc.key or not doc.group:
            raise ValueError(f"A search document needs a key like 'source.kind:id': {doc.key!r}")
        language = doc.language.strip().lower() or "und"
        title, body, keywords = (
            doc.title[:MAX_TITLE],
            doc.body[:MAX_BODY],
            doc.keywords[:MAX_KEYWORDS],
        )
        analyzed = [textlib.analyze(value, language) for value in (title, body, keywords)]
        facets: dict[str, list[str]] = {}
        for name, values in doc.facets.items():
            name = str(name)[:32]
            if isinstance(values, str):
                values = [values]
            cleaned = list(dict.fromkeys(str(value)[:128] for value in values))[:MAX_FACET_VALUES]
            if cleaned:
                facets[name] = cleaned
        quality = float(doc.quality)
        quality = 0.0 if math.isnan(quality) else min(1.0, max(0.0, quality))
        entry = SearchEntry(
            key=doc.key[:255],
            source=doc.source[:64],
            group_key=doc.group[:255],
            language=language[:35],
            base_language=textlib.primary(language)[:12],
            title=title,
            body=body,
            keywords=keywords,
            url=doc.url[:500],
            quality=quality,
            facets=facets,
            terms_title=analyzed[0].terms,
            terms_body=analyzed[1].terms,
            terms_keywords=analyzed[2].terms,
            grams_title=analyzed[0].grams,
            grams_body=f"{analyzed[1].grams} {analyzed[2].grams}".strip(),
        )
        return entry, analyzed[0].words | analyzed[1].words | analyzed[2].words

    def _add_vocabulary(self, vocabulary: Counter[str]) -> None:
        rows = [(term, count) for term, count in vocabulary.items() if len(term) <= 100]
        with connection.cursor() as cursor:
            for chunk in _chunks(rows):
                values = ", ".join(["(%s, %s)"] * len(chunk))
                params = [item for row in chunk for item in row]
                cursor.execute(
                    f"INSERT INTO search_term (term, doc_count) VALUES {values} "
                    "ON CONFLICT (term) DO UPDATE SET doc_count = search_term.doc_count + excluded.doc_count",
                    params,
                )

    def _delete_where(self, condition: str, params: list[Any]) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM search_facet WHERE entry_id IN "
                f"(SELECT id FROM search_entry WHERE {condition})",
                params,
            )
            cursor.execute(f"DELETE FROM search_entry WHERE {condition}", params)

    def delete_keys(self, keys: Sequence[str]) -> None:
        for chunk in _chunks(list(dict.fromkeys(keys))):
            self._delete_where(f"key IN ({_placeholders(len(chunk))})", list(chunk))

    def delete_group(self, group: str) -> None:
        self._delete_where("group_key = %s", [group])

    def delete_source(self, source: str) -> None:
        self._delete_where("source = %s", [source])

    def delete_other_sources(self, keep: Sequence[str]) -> None:
        """Remove the entries of every source not in ``keep``."""
        if keep:
            self._delete_where(f"source NOT IN ({_placeholders(len(keep))})", list(keep))
        else:
            self._delete_where("1 = 1", [])

    def rebuild_vocabulary(self) -> None:
        """Recount the typo-correction vocabulary from the entries (deletions never lower the
        counts kept while indexing)."""
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM search_term")
            last = 0
            while True:
                rows = list(
                    SearchEntry.objects.filter(pk__gt=last)
                    .order_by("pk")
                    .values_list("pk", "title", "body", "keywords", "language")[:BATCH]
                )
                if not rows:
                    break
                vocabulary: Counter[str] = Counter()
                for pk, title, body, keywords, language in rows:
                    words: set[str] = set()
                    for value in (title, body, keywords):
                        words |= textlib.analyze(value, language).words
                    vocabulary.update(words)
                    last = pk
                self._add_vocabulary(vocabulary)

    @abstractmethod
    def optimize(self) -> None:
        """Compact the index after a large write (a rebuild); searches work without it."""

    # Searching -------------------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResults:
        limit = min(max(int(query.limit), 1), MAX_LIMIT)
        offset = min(max(int(query.offset), 0), MAX_OFFSET)
        plan = LanguagePlan.for_languages([str(tag) for tag in query.languages][:10])
        filters = self._clean_filters(query.filters)
        parsed = parse_query(str(query.text), plan.ordered)
        corrected: str | None = None

        page = self._find(parsed, len(parsed.words), plan, filters, query.source, limit, offset)
        if page.total == 0 and parsed.words and not parsed.short:
            fixed = self._correct(parsed, plan)
            if fixed is not None:
                page = self._find(
                    fixed, len(fixed.words), plan, filters, query.source, limit, offset
                )
                if page.total:
                    parsed, corrected = fixed, fixed.text
        if page.total == 0 and len(parsed.words) > 1:
            # Nothing has every word: accept documents with at least half of them.
            required = (len(parsed.words) + 1) // 2
            page = self._find(parsed, required, plan, filters, query.source, limit, offset)
        if page.total == 0:
            return SearchResults(total=0, hits=[], facets={}, other_languages=0, corrected=None)

        return SearchResults(
            total=page.total,
            hits=self._hits(page.rows, parsed),
            facets=page.facets,
            other_languages=page.other,
            corrected=corrected,
        )

    @staticmethod
    def _clean_filters(filters: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
        cleaned: dict[str, list[str]] = {}
        for name, values in list(filters.items())[:10]:
            if isinstance(values, str):
                values = [values]
            kept = [str(value)[:128] for value in list(values)[:MAX_FILTER_VALUES] if str(value)]
            if kept:
                cleaned[str(name)[:32]] = kept
        return cleaned

    def _match_sql(self, parsed: ParsedQuery, required: int) -> SQL:
        words = parsed.words
        if not words:
            return "SELECT id, 0.0 AS rel FROM search_entry", []
        if required >= len(words) and not any(word.needs_substring for word in words):
            return self.all_words_sql(words)
        parts: list[str] = []
        params: list[Any] = []
        for number, word in enumerate(words):
            alternatives: list[SQL] = []
            if word.terms or word.prefixes:
                alternatives.append(self.word_sql(word))
            if word.substring:
                alternatives.append(self.substring_sql(word.substring))
            union = " UNION ALL ".join(sql for sql, _params in alternatives)
            parts.append(f"SELECT id, MAX(rel) AS rel FROM ({union}) w{number} GROUP BY id")
            params += [param for _sql, alt_params in alternatives for param in alt_params]
        union = " UNION ALL ".join(parts)
        sql = f"SELECT id, SUM(rel) AS rel FROM ({union}) words GROUP BY id HAVING COUNT(*) >= %s"
        return sql, [*params, required]

    def _candidates_sql(
        self,
        parsed: ParsedQuery,
        required: int,
        filters: Mapping[str, Sequence[str]],
        source: str | None,
    ) -> SQL:
        """The CTEs ``m`` (matches) and ``c`` (matches passing the source and the filters)."""
        match, params = self._match_sql(parsed, required)
        conditions: list[str] = []
        if source:
            conditions.append("e.source = %s")
            params = [*params, source]
        for name, values in filters.items():
            conditions.append(
                "e.id IN (SELECT entry_id FROM search_facet WHERE name = %s AND value IN "
                f"({_placeholders(len(values))}))"
            )
            params = [*params, name, *values]
        where = ("WHERE " + " AND ".join(conditions)) if conditions else ""
        sql = (
            f"WITH m AS MATERIALIZED ({match}), "
            "c AS (SELECT e.id, e.group_key, e.base_language, e.quality, m.rel "
            f"FROM m JOIN search_entry e ON e.id = m.id {where})"
        )
        return sql, params

    def _find(
        self,
        parsed: ParsedQuery,
        required: int,
        plan: LanguagePlan,
        filters: Mapping[str, Sequence[str]],
        source: str | None,
        limit: int,
        offset: int,
    ) -> Page:
        """One statement for the page of hits, the totals and the facet counts: the matches are
        computed once (``MATERIALIZED``) and read by all three."""
        candidates, params = self._candidates_sql(parsed, required, filters, source)
        tier_sql, tier_params = self._tier_sql(plan)
        pref_sql, pref_params = self._preference_sql(plan)
        sql = (
            f"{candidates}, "
            f"s AS (SELECT id, group_key, quality, {tier_sql} AS tier, {pref_sql} AS pref, "
            "rel / NULLIF(MAX(rel) OVER (), 0) AS nrel FROM c), "
            "r AS (SELECT id, group_key, tier, pref, "
            f"{WEIGHT_RELEVANCE} * COALESCE(nrel, 0) + {WEIGHT_QUALITY} * quality "
            f"+ {WEIGHT_LANGUAGE} * pref AS score FROM s), "
            # Within a work, the version in the viewer's earliest language wins.
            "b AS (SELECT id, tier, score, ROW_NUMBER() OVER "
            "(PARTITION BY group_key ORDER BY tier, pref DESC, score DESC, id) AS rn FROM r), "
            "t AS MATERIALIZED (SELECT id, tier, score FROM b WHERE rn = 1) "
            # Typed NULLs: PostgreSQL takes a UNION's column types from its first branch.
            "SELECT 0, id, tier, score, CAST(NULL AS TEXT), CAST(NULL AS TEXT), "
            "CAST(NULL AS BIGINT) FROM "
            "(SELECT id, tier, score FROM t ORDER BY tier, score DESC, id LIMIT %s OFFSET %s) page "
            "UNION ALL SELECT 1, COUNT(*), SUM(CASE WHEN tier = 2 THEN 1 ELSE 0 END), NULL, NULL, "
            "NULL, NULL FROM t "
            "UNION ALL SELECT 2, NULL, NULL, NULL, f.name, f.value, COUNT(DISTINCT c.group_key) "
            # CROSS JOIN keeps SQLite from scanning every facet row to probe the matches
            # (PostgreSQL plans it as an ordinary join).
            "FROM c CROSS JOIN search_facet f WHERE f.entry_id = c.id GROUP BY f.name, f.value"
        )
        all_params = [*params, *tier_params, *pref_params, limit, offset]
        rows: list[tuple[int, int, float]] = []
        total = other = 0
        facets: dict[str, dict[str, int]] = {}
        with connection.cursor() as cursor:
            cursor.execute(sql, all_params)
            for kind, a, b, score, name, value, count in cursor.fetchall():
                if kind == 0:
                    rows.append((int(a), int(b), float(score)))
                elif kind == 1:
                    total, other = int(a or 0), int(b or 0)
                else:
                    facets.setdefault(str(name), {})[str(value)] = int(count)
        rows.sort(key=lambda row: (row[1], -row[2], row[0]))
        return Page(
            total=total,
            other=other,
            rows=rows,
            facets={
                name: dict(sorted(values.items(), key=lambda item: (-item[1], item[0])))
                for name, values in sorted(facets.items())
            },
        )

    @staticmethod
    def _tier_sql(plan: LanguagePlan) -> SQL:
        parts: list[str] = []
        params: list[Any] = []
        for tier, codes in ((0, plan.viewer), (1, plan.fallback)):
            if codes:
                parts.append(f"WHEN base_language IN ({_placeholders(len(codes))}) THEN {tier}")
                params += list(codes)
        if not parts:
            return "2", []
        return "CASE " + " ".join(parts) + " ELSE 2 END", params

    @staticmethod
    def _preference_sql(plan: LanguagePlan) -> SQL:
        codes = plan.ordered
        if not codes:
            return "0.0", []
        parts = [
            f"WHEN %s THEN {1.0 - position / len(codes):.4f}" for position in range(len(codes))
        ]
        return "CASE base_language " + " ".join(parts) + " ELSE 0.0 END", list(codes)

    def _hits(self, rows: list[tuple[int, int, float]], parsed: ParsedQuery) -> list[Hit]:
        fields = ("key", "group_key", "language", "title", "body", "url")
        entries = {
            row[0]: row[1:]
            for row in SearchEntry.objects.filter(pk__in=[row[0] for row in rows]).values_list(
                "pk", *fields
            )
        }
        hits = []
        for entry_id, tier, score in rows:
            key, group, language, title, body, url = entries[entry_id]
            hits.append(
                Hit(
                    key=key,
                    group=group,
                    language=language,
                    title_html=highlight.title_html(title, parsed, language),
                    snippet_html=highlight.snippet_html(body, parsed, language),
                    url=url,
                    score=round(score, 6),
                    in_viewer_language=tier < 2,
                )
            )
        return hits

    # Typo correction -------------------------------------------------------------------------

    def _known(self, word: str) -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM search_term WHERE term = %s", [word])
            return cursor.fetchone() is not None

    def _correct(self, parsed: ParsedQuery, plan: LanguagePlan) -> ParsedQuery | None:
        """The query with each unknown word replaced by the closest indexed word (by edit
        distance, then by how many documents have it), or None when nothing changes."""
        words: list[str] = []
        changed = False
        for word in parsed.words:
            limit = textlib.max_typos(word.word)
            if textlib.is_unsegmented(word.word) or limit == 0 or self._known(word.word):
                words.append(word.word)
                continue
            best: tuple[int, int, str] | None = None
            for term, count in self.vocabulary_candidates(word.word, 50):
                distance = textlib.damerau_levenshtein(word.word, term, limit)
                if 0 < distance <= limit:
                    candidate = (distance, -count, term)
                    best = candidate if best is None or candidate < best else best
            if best is None:
                words.append(word.word)
            else:
                words.append(best[2])
                changed = True
        return parse_query(" ".join(words), plan.ordered) if changed else None


@dataclass(frozen=True)
class Page:
    total: int
    other: int
    rows: list[tuple[int, int, float]]
    facets: dict[str, dict[str, int]]
