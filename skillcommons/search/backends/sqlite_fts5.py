"""SQLite FTS5: the embedded default (migration 0002 creates the tables and triggers)."""

# SQL here is put together from our own fragments; every value travels as a parameter.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

from skillcommons.search import text as textlib
from skillcommons.search.backends.base import SQL, SUBSTRING_BODY, SUBSTRING_TITLE, SearchBackend
from skillcommons.search.text import QueryWord

#: bm25 weights of the title, body and keyword columns of ``search_fts``. Given as the ``rank``
#: column's function rather than calling ``bm25()``, which SQLite refuses inside the subqueries
#: and unions the shared SQL wraps around it.
BM25 = "bm25(5.0, 1.0, 0.5)"


def _quote(term: str) -> str:
    """An FTS5 string: always quoted, so no word is ever read as an operator."""
    return '"' + term.replace('"', '""') + '"'


def _word_expression(word: QueryWord) -> str:
    alternatives = [_quote(term) for term in word.terms]
    alternatives += [_quote(prefix) + "*" for prefix in word.prefixes]
    expression = "(" + " OR ".join(alternatives) + ")"
    return f"terms_title : {expression}" if word.title_only else expression


class SqliteFts5Backend(SearchBackend):
    name = "sqlite-fts5"

    def all_words_sql(self, words: Sequence[QueryWord]) -> SQL:
        expression = " AND ".join(_word_expression(word) for word in words)
        return (
            "SELECT rowid AS id, -rank AS rel FROM search_fts "
            "WHERE search_fts MATCH %s AND rank MATCH %s",
            [expression, BM25],
        )

    def word_sql(self, word: QueryWord) -> SQL:
        return self.all_words_sql([word])

    def substring_sql(self, value: str) -> SQL:
        rel = (
            f"CASE WHEN instr(grams_title, %s) > 0 THEN {SUBSTRING_TITLE} ELSE {SUBSTRING_BODY} END"
        )
        if len(value) >= 3:
            # A trigram phrase is a substring search that the index answers.
            return (
                f"SELECT rowid AS id, {rel} AS rel FROM search_trigram WHERE search_trigram MATCH %s",
                [value, _quote(value)],
            )
        if value.isascii() or textlib.sqlite_trigram_like_works():
            pattern = (
                "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            )
            return (
                f"SELECT rowid AS id, {rel} AS rel FROM search_trigram "
                "WHERE grams_title LIKE %s ESCAPE '\\' OR grams_body LIKE %s ESCAPE '\\'",
                [value, pattern, pattern],
            )
        # SQLite before 3.42 answers such LIKE patterns on a trigram table with no rows: scan.
        return (
            f"SELECT id, {rel} AS rel FROM search_entry "
            "WHERE instr(grams_title, %s) > 0 OR instr(grams_body, %s) > 0",
            [value, value, value],
        )

    def vocabulary_candidates(self, word: str, limit: int) -> list[tuple[str, int]]:
        grams = list(dict.fromkeys(word[i : i + 3] for i in range(len(word) - 2)))
        if not grams:
            return []
        expression = " OR ".join(_quote(gram) for gram in grams)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT t.term, t.doc_count FROM search_term_trigram "
                "JOIN search_term t ON t.id = search_term_trigram.rowid "
                "WHERE search_term_trigram MATCH %s AND length(t.term) BETWEEN %s AND %s "
                "ORDER BY search_term_trigram.rank LIMIT %s",
                [expression, len(word) - 2, len(word) + 2, limit],
            )
            return [(str(term), int(count)) for term, count in cursor.fetchall()]

    def optimize(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
            cursor.execute("INSERT INTO search_trigram(search_trigram) VALUES ('optimize')")
            cursor.execute("ANALYZE")
