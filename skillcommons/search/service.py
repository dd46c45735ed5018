"""The search service: the only functions other apps call (docs/search.md).

Writes (``index_documents``, ``delete_documents``, ``delete_group``) run inside the caller's
transaction, in a savepoint of their own: call them from an action inside its
``transaction.atomic`` and the object and its index entry commit or roll back together (calling
them from ``transaction.on_commit`` works too, at the price of a window where the index lags).
The index lives in the same database, so there is no second system to keep in step.

Sources register a function that yields every document they have, so that
``manage.py rebuild_search_index`` can rebuild the whole index::

    register_source("library", iter_library_documents)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from skillcommons.search.documents import SearchDocument, SearchQuery, SearchResults


@dataclass(frozen=True)
class Source:
    """A registered source of documents: its key prefix, the function yielding every document it
    has, and optionally how many there are (for the progress bar)."""

    name: str
    iter_documents: Callable[[], Iterable[SearchDocument]]
    count: Callable[[], int] | None = None


_SOURCES: dict[str, Source] = {}


def register_source(
    name: str,
    iter_documents: Callable[[], Iterable[SearchDocument]],
    *,
    count: Callable[[], int] | None = None,
) -> None:
    """Make ``rebuild_search_index`` know a source. ``name`` is the key prefix of its documents
    ("library" for "library.variant:12"). Registering a name again replaces it (apps' ``ready``
    may run twice in tests)."""
    if not name or "." in name or ":" in name:
        raise ValueError("A source name is a non-empty word without '.' or ':'.")
    _SOURCES[name] = Source(name=name, iter_documents=iter_documents, count=count)


def sources() -> dict[str, Source]:
    """The registered sources by name."""
    return dict(_SOURCES)


def index_documents(docs: Iterable[SearchDocument]) -> None:
    """Insert the documents, or replace those whose key is already indexed."""
    from skillcommons.search.backends import get_backend

    get_backend().index(docs)


def delete_documents(keys: Iterable[str]) -> None:
    """Remove the documents with these keys; unknown keys are ignored."""
    from skillcommons.search.backends import get_backend

    get_backend().delete_keys(list(keys))


def delete_group(group: str) -> None:
    """Remove every document of a group (all languages of one thing)."""
    from skillcommons.search.backends import get_backend

    get_backend().delete_group(group)


def delete_source(source: str) -> None:
    """Remove every document of a source (before a rebuild)."""
    from skillcommons.search.backends import get_backend

    get_backend().delete_source(source)


def search(query: SearchQuery) -> SearchResults:
    """Find documents for a query: ranked, collapsed per group, with facets. Never raises for
    odd query text (operators, quotes, very long text): such text is searched as plain words."""
    from skillcommons.search.backends import get_backend

    return get_backend().search(query)
