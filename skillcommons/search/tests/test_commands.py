"""The management commands: rebuild_search_index and bench_search."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from skillcommons.search import service
from skillcommons.search.documents import SearchDocument, SearchQuery
from skillcommons.search.models import SearchEntry, SearchTerm
from skillcommons.search.tests.fixtures import documents


@pytest.fixture
def library_source(monkeypatch: pytest.MonkeyPatch) -> list[SearchDocument]:
    docs = documents()
    monkeypatch.setattr(service, "_SOURCES", {})
    service.register_source("library", lambda: iter(docs), count=lambda: len(docs))
    return docs


def test_rebuild_indexes_every_registered_source_and_drops_stale_entries(
    db: None, library_source: list[SearchDocument]
) -> None:
    service.index_documents(
        [
            SearchDocument(
                key="gone.thing:1", group="gone.thing:1", language="en", title="Stale",
                body="", keywords="", url="/", quality=0.0,
            ),
            library_source[0],
        ]
    )  # fmt: skip
    out = StringIO()

    call_command("rebuild_search_index", stdout=out)

    assert SearchEntry.objects.count() == len(library_source)
    assert not SearchEntry.objects.filter(source="gone").exists()
    assert not SearchTerm.objects.filter(term="stale").exists()
    assert f"Indexed {len(library_source)} documents (sources: library)." in out.getvalue()
    results = service.search(SearchQuery(text="wikidtaa", languages=["en"]))
    assert results.corrected == "wikidata"


def test_rebuilding_one_source_keeps_the_others(
    db: None, library_source: list[SearchDocument]
) -> None:
    other = SearchDocument(
        key="exchange.offer:1", group="exchange.offer:1", language="en", title="Office hours",
        body="", keywords="", url="/", quality=0.0,
    )  # fmt: skip
    service.index_documents([other])

    call_command("rebuild_search_index", "--source", "library", stdout=StringIO())

    assert SearchEntry.objects.filter(source="exchange").count() == 1
    assert SearchEntry.objects.filter(source="library").count() == len(library_source)


def test_rebuilding_an_unknown_source_is_refused(
    db: None, library_source: list[SearchDocument]
) -> None:
    with pytest.raises(CommandError, match="Unknown search source nope"):
        call_command("rebuild_search_index", "--source", "nope", stdout=StringIO())


def test_bench_search_prints_its_figures_and_cleans_up(db: None) -> None:
    out = StringIO()

    call_command("bench_search", "--json", "--docs", "300", "--queries", "10", stdout=out)

    result = json.loads(out.getvalue())
    assert result["docs"] == 300
    assert result["languages"] >= 12
    for key in ("index_docs_per_s", "p50_ms", "p95_ms", "like_baseline_p95_ms", "backend"):
        assert key in result
    assert not SearchEntry.objects.filter(source="bench").exists()


@pytest.mark.parametrize("arguments", [["--docs", "0"], ["--languages", "99"], ["--queries", "-1"]])
def test_bench_search_refuses_bad_arguments(db: None, arguments: list[str]) -> None:
    with pytest.raises(CommandError):
        call_command("bench_search", *arguments, stdout=StringIO())
