"""PostgreSQL full text: the production backend (migration 0002 creates the column and indexes).

The ``tsvector`` is built from the terms ``text.py`` produced (``array_to_tsvector``), and queries
are ``tsquery`` values written out lexeme by lexeme, so PostgreSQL's own parser and dictionaries
never see the text: both backends index and look for exactly the same terms.
"""

# SQL here is put together from our own fragments; every value travels as a parameter.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

from skillcommons.search.backends.base import SQL, SUBSTRING_BODY, SUBSTRING_TITLE, SearchBackend
from skillcommons.search.text import QueryWord

#: ts_rank weights for {D, C, B, A}: body is C, keywords B, title A (see migration 0002).
RANK = "ts_rank('{0.0, 0.2, 0.1, 1.0}', tsv, CAST(%s AS tsquery))"


def _lexeme(term: str) -> str:
    """A quoted tsquery lexeme, taken literally."""
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def _word_expression(word: QueryWord) -> str:
    weight = "A" if word.title_only else ""  # A is the title (migration 0003)
    alternatives = [_lexeme(term) + (f":{weight}" if weight else "") for term in word.terms]
    alternatives += [_lexeme(prefix) + f":*{weight}" for prefix in word.prefixes]
    return "(" + " | ".join(alternatives) + ")"


def _like(value: str) -> str:
    return "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class PostgresBackend(SearchBackend):
    name = "postgresql"
    json_placeholder = "CAST(%s AS jsonb)"

    def all_words_sql(self, words: Sequence[QueryWord]) -> SQL:
        expression = " & ".join(_word_expression(word) for word in words)
        return (
            f"SELECT id, {RANK} AS rel FROM search_entry WHERE tsv @@ CAST(%s AS tsquery)",
            [expression, expression],
        )

    def word_sql(self, word: QueryWord) -> SQL:
        return self.all_words_sql([word])

    def substring_sql(self, value: str) -> SQL:
        pattern = _like(value)
        return (
            f"SELECT id, CASE WHEN strpos(grams_title, %s) > 0 THEN {SUBSTRING_TITLE} "
            f"ELSE {SUBSTRING_BODY} END AS rel FROM search_entry "
            "WHERE grams_title LIKE %s OR grams_body LIKE %s",
            [value, pattern, pattern],
        )

    def vocabulary_candidates(self, word: str, limit: int) -> list[tuple[str, int]]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT term, doc_count FROM search_term WHERE term %% %s "
                "AND length(term) BETWEEN %s AND %s "
                "ORDER BY similarity(term, %s) DESC, doc_count DESC, term LIMIT %s",
                [word, len(word) - 2, len(word) + 2, word, limit],
            )
            return [(str(term), int(count)) for term, count in cursor.fetchall()]

    def optimize(self) -> None:
        with connection.cursor() as cursor:
            for table in ("search_entry", "search_facet", "search_term"):
                cursor.execute(f"ANALYZE {table}")
