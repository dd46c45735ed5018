"""Search backends: one per database vendor, chosen by the default connection."""

from __future__ import annotations

from django.db import connection

from skillcommons.search.backends.base import SearchBackend


def get_backend() -> SearchBackend:
    """The backend for the database Django is connected to."""
    vendor = connection.vendor
    if vendor == "sqlite":
        from skillcommons.search.backends.sqlite_fts5 import SqliteFts5Backend

        return SqliteFts5Backend()
    if vendor == "postgresql":
        from skillcommons.search.backends.postgres import PostgresBackend

        return PostgresBackend()
    raise RuntimeError(f"No search backend for the {vendor} database.")


__all__ = ["SearchBackend", "get_backend"]
