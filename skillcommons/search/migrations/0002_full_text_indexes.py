"""The full-text indexes, created per database (docs/search.md, decision 0015).

SQLite: three FTS5 tables over the plain tables, kept in step by triggers in the writer's own
transaction. ``search_fts`` indexes the terms ``text.py`` produced (the tokenizer only splits on
spaces: ``categories 'L* N* Co M*'`` keeps vowel signs inside words, diacritics are already
handled), with prefix indexes for one and two characters (the short-query fallback).
``search_trigram`` and ``search_term_trigram`` are trigram indexes for substrings and typo
candidates.

PostgreSQL: a generated ``tsvector`` built from the same terms without PostgreSQL's parser
(``array_to_tsvector``), a GIN index on it, and ``pg_trgm`` GIN indexes for substrings and typo
candidates.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE search_fts USING fts5(
        terms_title, terms_body, terms_keywords,
        content='search_entry', content_rowid='id',
        tokenize="unicode61 remove_diacritics 0 categories 'L* N* Co M*'",
        prefix='1 2')""",
    """CREATE VIRTUAL TABLE search_trigram USING fts5(
        grams_title, grams_body,
        content='search_entry', content_rowid='id', tokenize='trigram')""",
    """CREATE VIRTUAL TABLE search_term_trigram USING fts5(
        term, content='search_term', content_rowid='id', tokenize='trigram')""",
    """CREATE TRIGGER search_entry_ai AFTER INSERT ON search_entry BEGIN
        INSERT INTO search_fts(rowid, terms_title, terms_body, terms_keywords)
            VALUES (new.id, new.terms_title, new.terms_body, new.terms_keywords);
        INSERT INTO search_trigram(rowid, grams_title, grams_body)
            VALUES (new.id, new.grams_title, new.grams_body);
    END""",
    """CREATE TRIGGER search_entry_ad AFTER DELETE ON search_entry BEGIN
        INSERT INTO search_fts(search_fts, rowid, terms_title, terms_body, terms_keywords)
            VALUES ('delete', old.id, old.terms_title, old.terms_body, old.terms_keywords);
        INSERT INTO search_trigram(search_trigram, rowid, grams_title, grams_body)
            VALUES ('delete', old.id, old.grams_title, old.grams_body);
    END""",
    """CREATE TRIGGER search_entry_au AFTER UPDATE ON search_entry BEGIN
        INSERT INTO search_fts(search_fts, rowid, terms_title, terms_body, terms_keywords)
            VALUES ('delete', old.id, old.terms_title, old.terms_body, old.terms_keywords);
        INSERT INTO search_trigram(search_trigram, rowid, grams_title, grams_body)
            VALUES ('delete', old.id, old.grams_title, old.grams_body);
        INSERT INTO search_fts(rowid, terms_title, terms_body, terms_keywords)
            VALUES (new.id, new.terms_title, new.terms_body, new.terms_keywords);
        INSERT INTO search_trigram(rowid, grams_title, grams_body)
            VALUES (new.id, new.grams_title, new.grams_body);
    END""",
    """CREATE TRIGGER search_term_ai AFTER INSERT ON search_term BEGIN
        INSERT INTO search_term_trigram(rowid, term) VALUES (new.id, new.term);
    END""",
    """CREATE TRIGGER search_term_ad AFTER DELETE ON search_term BEGIN
        INSERT INTO search_term_trigram(search_term_trigram, rowid, term)
            VALUES ('delete', old.id, old.term);
    END""",
    """CREATE TRIGGER search_term_au AFTER UPDATE OF term ON search_term BEGIN
        INSERT INTO search_term_trigram(search_term_trigram, rowid, term)
            VALUES ('delete', old.id, old.term);
        INSERT INTO search_term_trigram(rowid, term) VALUES (new.id, new.term);
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_term_au",
    "DROP TRIGGER IF EXISTS search_term_ad",
    "DROP TRIGGER IF EXISTS search_term_ai",
    "DROP TRIGGER IF EXISTS search_entry_au",
    "DROP TRIGGER IF EXISTS search_entry_ad",
    "DROP TRIGGER IF EXISTS search_entry_ai",
    "DROP TABLE IF EXISTS search_term_trigram",
    "DROP TABLE IF EXISTS search_trigram",
    "DROP TABLE IF EXISTS search_fts",
]

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """ALTER TABLE search_entry ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
        setweight(array_to_tsvector(string_to_array(terms_title, ' ')), 'A')
        || setweight(array_to_tsvector(string_to_array(terms_keywords, ' ')), 'B')
        || setweight(array_to_tsvector(string_to_array(terms_body, ' ')), 'C')
    ) STORED""",
    "CREATE INDEX search_entry_tsv ON search_entry USING gin (tsv)",
    "CREATE INDEX search_entry_grams_title ON search_entry USING gin (grams_title gin_trgm_ops)",
    "CREATE INDEX search_entry_grams_body ON search_entry USING gin (grams_body gin_trgm_ops)",
    "CREATE INDEX search_term_trgm ON search_term USING gin (term gin_trgm_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_term_trgm",
    "DROP INDEX IF EXISTS search_entry_grams_body",
    "DROP INDEX IF EXISTS search_entry_grams_title",
    "DROP INDEX IF EXISTS search_entry_tsv",
    "ALTER TABLE search_entry DROP COLUMN IF EXISTS tsv",
]


def _run(statements: dict[str, list[str]], schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in statements:
        raise RuntimeError(f"The search index supports SQLite and PostgreSQL, not {vendor}.")
    for statement in statements[vendor]:
        schema_editor.execute(statement)


def forward(apps: Any, schema_editor: Any) -> None:
    _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}, schema_editor)


def backward(apps: Any, schema_editor: Any) -> None:
    _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_index_tables")]

    operations = [migrations.RunPython(forward, backward)]
