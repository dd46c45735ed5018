"""The interface between the search engine and the apps that feed it (docs/search.md).

A source (the library, later other pillars) turns its objects into :class:`SearchDocument` values
and hands them to ``service.index_documents``; pages and the API ask ``service.search`` with a
:class:`SearchQuery` and get :class:`SearchResults`. Nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

#: Longest query text looked at; the rest is ignored (a pasted paragraph is not a query).
MAX_QUERY_LENGTH = 300
#: At most this many words of a query are searched for.
MAX_QUERY_TERMS = 12
#: Largest page of hits one call returns.
MAX_LIMIT = 100
#: Facets every source may fill; others are stored and filterable too.
FACETS = ("skill", "format", "language", "level", "audience")


@dataclass(frozen=True)
class SearchDocument:
    """One findable text in one language.

    ``key`` is unique ("library.variant:123"); its part before the first "." is the source.
    Documents of one thing in several languages share ``group`` ("library.work:45"); results
    collapse to one hit per group, the viewer's best language first. ``body`` is plain text.
    ``keywords`` are extra findable words with a lower weight: the labels and synonyms of the
    skills the thing is tagged with, in every language, which is how a query in one language
    finds a resource written in another. ``quality`` is 0..1. ``facets`` maps a facet name to its
    values, e.g. ``{"skill": [ids with ancestors], "format": ["video"], "language": ["hi"]}``.
    """

    key: str
    group: str
    language: str
    title: str
    body: str
    keywords: str
    url: str
    quality: float
    facets: Mapping[str, Sequence[str]] = field(default_factory=dict)

    @property
    def source(self) -> str:
        return self.key.split(".", 1)[0]


@dataclass(frozen=True)
class SearchQuery:
    """What someone asked for.

    ``languages`` are the viewer's languages, best first; the service appends a fallback chain
    (each tag's shorter prefixes, then English). ``filters`` keep only documents having one of the
    listed values for every named facet. ``source`` limits the search to one source's keys
    (``None`` searches every source).
    """

    text: str
    languages: Sequence[str] = ()
    filters: Mapping[str, Sequence[str]] = field(default_factory=dict)
    limit: int = 20
    offset: int = 0
    source: str | None = "library"


@dataclass(frozen=True)
class Hit:
    """One result: the best document of its group for the viewer.

    ``title_html`` and ``snippet_html`` are safe HTML: everything escaped, then the matched words
    wrapped in ``<mark>``. ``in_viewer_language`` is False for a document in none of the viewer's
    languages nor their fallback chain; pages label such hits with their language.
    """

    key: str
    group: str
    language: str
    title_html: str
    snippet_html: str
    url: str
    score: float
    in_viewer_language: bool


@dataclass(frozen=True)
class SearchResults:
    """A page of hits, and facts about all matches.

    ``total`` counts matching groups. ``facets`` maps each facet name to value → number of
    matching groups. ``other_languages`` counts the matching groups that exist only in languages
    outside the viewer's chain (they come after the others, flagged). ``corrected`` is the
    typo-corrected query that was searched instead of the text given, if any.
    """

    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    other_languages: int
    corrected: str | None = None


EMPTY_RESULTS = SearchResults(total=0, hits=[], facets={}, other_languages=0, corrected=None)
