"""Golden queries: what a query in each language must find, on whichever database the suite runs
(CI runs it on SQLite and on PostgreSQL)."""

from __future__ import annotations

import pytest

from skillcommons.search import service
from skillcommons.search.documents import SearchQuery

# (query, viewer's languages, the group of the first hit, the language of the first hit)
GOLDEN = [
    # English: words, hyphenated words, stems (organizing ~ organize)
    ("edit-a-thon", ["en"], "editathon", "en"),
    ("organizing", ["en"], "editathon", "en"),
    ("reliable citations", ["en"], "citations", "en"),
    # Spanish, French, Portuguese: accents optional, stems
    ("editatón", ["es"], "editathon", "es"),
    ("editaton", ["es"], "editathon", "es"),
    ("fotografías", ["es"], "photos", "es"),
    ("organiser un marathon", ["fr"], "editathon", "fr"),
    ("gouvernance", ["fr"], "governance", "fr"),
    ("maratona de edição", ["pt"], "editathon", "pt"),
    ("governança", ["pt"], "governance", "pt"),
    # Arabic, Persian, Urdu: letter variants and diacritics unified, Arabic and Persian stems
    ("مصادر موثوقة", ["ar"], "citations", "ar"),
    ("حوكمة", ["ar"], "governance", "ar"),
    ("المصادر", ["ar"], "citations", "ar"),
    ("منابع معتبر", ["fa"], "citations", "fa"),
    ("حوالہ جات", ["ur"], "citations", "ur"),
    # Hindi, Bengali, Tamil: words kept whole with their vowel signs; Hindi and Tamil stems
    ("संपादक", ["hi"], "editathon", "hi"),
    ("आयोजन", ["hi"], "editathon", "hi"),
    ("সম্পাদকদের", ["bn"], "editathon", "bn"),
    ("অনুবাদ", ["bn"], "translation", "bn"),
    ("மேற்கோள்", ["ta"], "citations", "ta"),
    ("கட்டுரை", ["ta"], "citations", "ta"),
    # Hebrew: a word found inside the words its prefixes attach to
    ("ויקינתונים", ["he"], "wikidata", "he"),
    ("פריטים", ["he"], "wikidata", "he"),
    # Chinese and Japanese: no spaces; two characters and longer
    ("维基数据", ["zh"], "wikidata", "zh"),
    ("数据", ["zh"], "wikidata", "zh"),
    ("上传向导", ["zh"], "photos", "zh"),
    ("ウィキデータ", ["ja"], "wikidata", "ja"),
    ("写真", ["ja"], "photos", "ja"),
    # Across languages through the skill labels: the work has no Hindi or Spanish version
    ("अनुवाद", ["hi"], "translation", "en"),
    ("fuentes fiables", ["es"], "citations", "en"),
]


@pytest.mark.parametrize(("text", "languages", "group", "language"), GOLDEN)
def test_golden_query_finds_the_expected_work_first(
    golden: None, text: str, languages: list[str], group: str, language: str
) -> None:
    results = service.search(SearchQuery(text=text, languages=languages))

    assert results.hits, f"{text!r} found nothing"
    first = results.hits[0]
    assert first.group == f"library.work:{group}"
    assert first.language == language
    assert first.in_viewer_language


def test_golden_queries_cover_the_thirteen_languages() -> None:
    assert {languages[0] for _text, languages, _group, _language in GOLDEN} >= {
        "en", "es", "fr", "pt", "ar", "fa", "ur", "hi", "bn", "ta", "he", "zh", "ja"
    }  # fmt: skip


@pytest.mark.parametrize(
    ("text", "languages"),
    [
        ("marathon d'édition", ["fr"]),
        ("ウィキペディア", ["ja"]),
        ("banana bread", ["en"]),
        ("ब्रेड", ["hi"]),
    ],
)
def test_golden_queries_that_must_find_nothing_else(
    golden: None, text: str, languages: list[str]
) -> None:
    results = service.search(SearchQuery(text=text, languages=languages))

    groups = {hit.group for hit in results.hits}
    if text == "marathon d'édition":
        assert groups == {"library.work:editathon"}
    else:
        assert groups == set()
