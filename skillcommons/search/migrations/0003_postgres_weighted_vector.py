"""PostgreSQL: give the ``tsvector`` positions, so the field weights count.

``array_to_tsvector`` makes lexemes without positions, and PostgreSQL keeps a lexeme's weight on
its positions: 0002's vector ranked a title match like a body match. ``search_terms_vector``
writes each term with its position; its input is ``text.py``'s terms (letters, marks and digits
only), still never parsed by PostgreSQL's text search parser. SQLite needs nothing.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

FORWARD = [
    "DROP INDEX IF EXISTS search_entry_tsv",
    "ALTER TABLE search_entry DROP COLUMN IF EXISTS tsv",
    """CREATE FUNCTION search_terms_vector(terms text) RETURNS tsvector
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT COALESCE(
            string_agg('''' || replace(replace(term, '\\', '\\\\'), '''', '''''') || ''':'
                       || LEAST(position, 16383), ' ')::tsvector,
            ''::tsvector)
        FROM unnest(string_to_array(terms, ' ')) WITH ORDINALITY AS t(term, position)
        WHERE term <> ''
    $$""",
    """ALTER TABLE search_entry ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
        setweight(search_terms_vector(terms_title), 'A')
        || setweight(search_terms_vector(terms_keywords), 'B')
        || setweight(search_terms_vector(terms_body), 'C')
    ) STORED""",
    "CREATE INDEX search_entry_tsv ON search_entry USING gin (tsv)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS search_entry_tsv",
    "ALTER TABLE search_entry DROP COLUMN IF EXISTS tsv",
    "DROP FUNCTION IF EXISTS search_terms_vector(text)",
    """ALTER TABLE search_entry ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
        setweight(array_to_tsvector(string_to_array(terms_title, ' ')), 'A')
        || setweight(array_to_tsvector(string_to_array(terms_keywords, ' ')), 'B')
        || setweight(array_to_tsvector(string_to_array(terms_body, ' ')), 'C')
    ) STORED""",
    "CREATE INDEX search_entry_tsv ON search_entry USING gin (tsv)",
]


def forward(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_full_text_indexes")]

    operations = [migrations.RunPython(forward, backward)]
