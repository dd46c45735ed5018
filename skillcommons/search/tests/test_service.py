"""The search service through its public functions: ranking by the viewer's languages, grouping,
facets, typo correction, safe highlights, odd input, and the index staying in step with writes."""

from __future__ import annotations

import dataclasses

import pytest
from django.db import connection, transaction

from skillcommons.search import service
from skillcommons.search.documents import MAX_LIMIT, SearchDocument, SearchQuery, SearchResults
from skillcommons.search.models import SearchEntry, SearchFacet


def search(
    text: str, languages: list[str] | None = None, source: str | None = "library"
) -> SearchResults:
    return service.search(SearchQuery(text=text, languages=languages or ["en"], source=source))


def doc(key: str, **changes: object) -> SearchDocument:
    base = SearchDocument(
        key=key,
        group=key.replace("variant", "work"),
        language="en",
        title="Mentoring new editors",
        body="Pair an experienced editor with a newcomer for their first month.",
        keywords="mentoring",
        url="/x/",
        quality=0.5,
        facets={"format": ["article"]},
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]  # test shorthand


# Languages ---------------------------------------------------------------------------------


def test_results_collapse_to_one_hit_per_work_in_the_viewers_best_language(golden: None) -> None:
    results = service.search(SearchQuery(text="wikidata", languages=["ja", "en"]))

    assert [hit.group for hit in results.hits] == ["library.work:wikidata"]
    assert results.hits[0].language == "ja"
    assert results.total == 1


def test_the_fallback_chain_comes_after_the_viewers_languages(golden: None) -> None:
    # No Spanish version of the Wikidata work: English (the fallback) is shown, not Chinese.
    results = service.search(SearchQuery(text="wikidata", languages=["es"]))

    assert results.hits[0].language == "en"
    assert results.hits[0].in_viewer_language
    assert results.other_languages == 0


def test_viewers_languages_rank_before_better_matches_in_other_languages(golden: None) -> None:
    # "governance" is in the English title, but a French reader gets the French version.
    results = service.search(SearchQuery(text="governance", languages=["fr"]))

    assert results.hits[0].language == "fr"


def test_works_only_in_other_languages_are_counted_flagged_and_last(golden: None) -> None:
    # "הצהרות" (statements) is only in the Hebrew text.
    results = service.search(SearchQuery(text="הצהרות", languages=["en"]))

    assert results.other_languages == 1
    assert results.hits[0].language == "he"
    assert not results.hits[0].in_viewer_language

    both = service.search(SearchQuery(text="", languages=["bn"], filters={"skill": ["root"]}))
    flags = [hit.in_viewer_language for hit in both.hits]
    assert flags == sorted(flags, reverse=True)  # every in-language hit before any other
    assert both.other_languages == flags.count(False)


def test_a_regional_tag_counts_as_its_language(golden: None) -> None:
    results = service.search(SearchQuery(text="governança", languages=["pt-BR"]))

    assert results.hits[0].language == "pt"
    assert results.hits[0].in_viewer_language


# Ranking, facets, filters, paging -------------------------------------------------------------


def test_quality_orders_equally_relevant_documents(db: None) -> None:
    service.index_documents(
        [
            doc("library.variant:1", quality=0.1, url="/low/"),
            doc("library.variant:2", quality=0.9, url="/high/"),
        ]
    )

    results = search("mentoring")

    assert [hit.url for hit in results.hits] == ["/high/", "/low/"]


def test_a_title_match_ranks_above_a_body_match(db: None) -> None:
    service.index_documents(
        [
            doc("library.variant:1", title="Welcome", body="A word on onboarding newcomers."),
            doc("library.variant:2", title="Onboarding newcomers", body="Say hello."),
        ]
    )

    results = search("onboarding")

    assert results.hits[0].key == "library.variant:2"


def test_facets_count_matching_works_and_filters_narrow_them(golden: None) -> None:
    results = service.search(SearchQuery(text="", languages=["en"]))

    assert results.total == 7
    assert results.facets["format"] == {
        "article": 2, "course": 1, "pdf": 1, "slides": 1, "toolkit": 1, "video": 1
    }  # fmt: skip
    assert results.facets["skill"]["root"] == 7
    assert results.facets["language"]["en"] == 7

    filtered = service.search(
        SearchQuery(text="", languages=["en"], filters={"format": ["article", "video"]})
    )
    assert {hit.group for hit in filtered.hits} == {
        "library.work:editathon",
        "library.work:citations",
        "library.work:markup",
    }
    assert filtered.facets["format"] == {"article": 2, "video": 1}

    both = service.search(
        SearchQuery(
            text="", languages=["en"], filters={"format": ["article"], "skill": ["sources"]}
        )
    )
    assert [hit.group for hit in both.hits] == ["library.work:markup"]


def test_the_language_filter_shows_one_language_only(golden: None) -> None:
    results = service.search(
        SearchQuery(text="wikidata", languages=["en"], filters={"language": ["zh"]})
    )

    assert [hit.language for hit in results.hits] == ["zh"]


def test_paging_walks_through_every_work_once(golden: None) -> None:
    seen = []
    for offset in range(0, 8, 3):
        page = service.search(SearchQuery(text="", languages=["en"], limit=3, offset=offset))
        assert page.total == 7
        seen += [hit.group for hit in page.hits]

    assert len(seen) == len(set(seen)) == 7
    beyond = service.search(SearchQuery(text="", languages=["en"], limit=3, offset=50))
    assert beyond.hits == []
    assert beyond.total == 7


def test_limits_are_clamped(golden: None) -> None:
    results = service.search(SearchQuery(text="", languages=["en"], limit=10_000, offset=-5))

    assert len(results.hits) == 7
    assert MAX_LIMIT >= 7


def test_source_limits_the_search_to_its_documents(golden: None) -> None:
    service.index_documents([doc("exchange.offer:1", title="Wikidata office hours")])

    assert {h.group for h in search("wikidata").hits} == {"library.work:wikidata"}
    everywhere = search("wikidata", source=None)
    assert {h.group for h in everywhere.hits} == {
        "library.work:wikidata",
        "exchange.offer:1",
    }


# Typos, short queries ----------------------------------------------------------------------


def test_a_misspelt_word_is_corrected_and_the_correction_reported(golden: None) -> None:
    results = service.search(SearchQuery(text="wikidtaa", languages=["en"]))

    assert results.corrected == "wikidata"
    assert results.hits[0].group == "library.work:wikidata"


def test_a_correct_query_reports_no_correction(golden: None) -> None:
    assert service.search(SearchQuery(text="wikidata", languages=["en"])).corrected is None


def test_a_query_with_one_unknown_word_still_finds_the_other(golden: None) -> None:
    results = service.search(SearchQuery(text="governance zzzzqqq", languages=["en"]))

    assert results.hits[0].group == "library.work:governance"


@pytest.mark.parametrize(("text", "group"), [("wi", "wikidata"), ("g", "governance")])
def test_queries_shorter_than_three_characters_match_word_starts(
    golden: None, text: str, group: str
) -> None:
    results = service.search(SearchQuery(text=text, languages=["en"]))

    assert f"library.work:{group}" in {hit.group for hit in results.hits}


def test_one_chinese_character_finds_the_words_starting_with_it(golden: None) -> None:
    # 维基 starts the titles of the Wikidata work and (inside) of the Commons one.
    results = service.search(SearchQuery(text="维", languages=["zh"]))

    assert {hit.group for hit in results.hits} == {"library.work:wikidata", "library.work:photos"}


# Highlighting ------------------------------------------------------------------------------


def test_titles_and_snippets_are_escaped_and_marked(golden: None) -> None:
    results = service.search(SearchQuery(text="footnote", languages=["en"]))

    hit = results.hits[0]
    assert hit.title_html == "<mark>Footnotes</mark> with &lt;ref&gt; &amp; {{cite web}}"
    assert "<script>" not in hit.snippet_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hit.snippet_html
    assert "<mark>footnote</mark>" in hit.snippet_html


def test_snippets_show_the_text_around_the_first_match(db: None) -> None:
    body = "Filler words here. " * 30 + "The checklist comes at the end."
    service.index_documents([doc("library.variant:1", body=body)])

    snippet = search("checklist").hits[0].snippet_html

    assert snippet.startswith("…")
    assert "<mark>checklist</mark>" in snippet
    assert len(snippet) < 300


# Odd input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        '"',
        '"unbalanced quote',
        "wiki* OR NEAR(a b) AND NOT",
        "AND",
        "(((",
        "'; DROP TABLE search_entry; --",
        "title:wikidata",
        "-wikidata +edit ^ {} [] ~ \\",
        "%_%",
        "x" * 5000,
        "wikidata " * 200,
        "\x00\u200b\ufeff",
        "NEAR/3",
        "🙂🙂🙂",
    ],
)
def test_queries_full_of_operators_and_quotes_are_safe(golden: None, text: str) -> None:
    results = service.search(SearchQuery(text=text, languages=["en"]))

    assert results.total >= 0
    # The index still answers normally afterwards.
    assert search("wikidata").total == 1


def test_odd_languages_and_filters_are_safe(golden: None) -> None:
    results = service.search(
        SearchQuery(
            text="wikidata",
            languages=["", "not a tag!", "zz-Qaaa-XX", "x" * 200],
            filters={"format": [], "level": ["'; --"], "": ["x"]},
        )
    )

    assert results.total == 0  # the level filter matches nothing


# The index stays in step ----------------------------------------------------------------------


def test_indexing_a_key_again_replaces_the_document(db: None) -> None:
    service.index_documents([doc("library.variant:1", title="Mentoring basics")])
    service.index_documents(
        [doc("library.variant:1", title="Peer review", body="Read drafts.", keywords="")]
    )

    assert search("mentoring").total == 0
    assert search("review").total == 1
    assert SearchEntry.objects.count() == 1
    assert SearchFacet.objects.count() == 1


def test_deleting_documents_and_groups_removes_them_from_results(golden: None) -> None:
    service.delete_documents(["library.variant:wikidata-en", "no.such:key"])
    assert search("wikidata").hits[0].language != "en"

    service.delete_group("library.work:wikidata")
    assert search("wikidata").total == 0
    assert not SearchEntry.objects.filter(group_key="library.work:wikidata").exists()
    assert search("governance").total == 1


def test_an_index_write_rolls_back_with_the_callers_transaction(db: None) -> None:
    service.index_documents([doc("library.variant:1")])

    with pytest.raises(RuntimeError), transaction.atomic():
        service.index_documents([doc("library.variant:2", title="Outreach dashboards")])
        service.delete_documents(["library.variant:1"])
        assert search("outreach").total == 1
        raise RuntimeError

    assert search("outreach").total == 0
    assert search("mentoring").total == 1


def test_the_full_text_index_agrees_with_the_table_after_writes(golden: None) -> None:
    service.delete_group("library.work:photos")
    service.index_documents([doc("library.variant:9")])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM search_entry WHERE tsv IS NULL OR tsv = ''")
            assert cursor.fetchone() == (0,)
        return

    with connection.cursor() as cursor:
        # Raises "database disk image is malformed" if the index and the table disagree.
        cursor.execute("INSERT INTO search_fts(search_fts, rank) VALUES ('integrity-check', 1)")
        cursor.execute(
            "INSERT INTO search_trigram(search_trigram, rank) VALUES ('integrity-check', 1)"
        )


def test_bad_documents_are_refused(db: None) -> None:
    with pytest.raises(ValueError, match="key"):
        service.index_documents([doc("nokey")])
    with pytest.raises(ValueError, match="source name"):
        service.register_source("bad.name", list)


def test_out_of_range_quality_is_clamped(db: None) -> None:
    service.index_documents([doc("library.variant:1", quality=7.0)])

    assert SearchEntry.objects.get().quality == 1.0
