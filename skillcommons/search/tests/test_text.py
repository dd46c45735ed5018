"""Text analysis: what both backends index and look for."""

from __future__ import annotations

import sqlite3

import pytest

from skillcommons.search import text


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("हिन्दी विकिपीडिया", ["हिन्दी", "विकिपीडिया"]),
        ("বাংলা উইকিপিডিয়া", ["বাংলা", "উইকিপিডিয়া"]),
        ("தமிழ் விக்கிப்பீடியா", ["தமிழ்", "விக்கிப்பீடியா"]),
        ('edit-a-thon, (wiki*) "NEAR"', ["edit", "a", "thon", "wiki", "near"]),
        ("以Q开头", ["以", "q", "开头"]),
    ],
)
def test_words_keep_their_vowel_signs_and_scripts_split_where_they_change(
    value: str, words: list[str]
) -> None:
    assert text.tokens(text.normalize(value)) == words


@pytest.mark.parametrize(
    ("value", "normalized"),
    [
        ("Édition Organização", "edition organizacao"),
        ("ﬁne Straße", "fine strasse"),
        ("أَهْلاً", "اهلا"),  # harakat gone, alef with hamza unified
        ("ویکی‌پدیا", "ويکيپديا"),  # zero-width non-joiner gone, Persian yeh unified
        ("מִבְחָן", "מבחן"),  # vowel points gone
        ("संपादन", "संपादन"),  # Indic vowel signs stay
    ],
)
def test_normalization_drops_what_searchers_leave_out(value: str, normalized: str) -> None:
    assert text.normalize(value) == normalized


def test_stems_come_from_snowball_where_it_has_the_language() -> None:
    assert "organiz" in text.analyze("organizing", "en").terms.split()
    assert "organiz" in text.analyze("organización", "es").terms.split()
    assert text.stemmer_for("bn") is None
    assert text.stemmer_for("ur") is None
    assert text.stemmer_for("he") is None
    assert text.stemmer_for("hi") is not None
    assert text.stemmer_for("pt-BR") is not None


def test_unsegmented_text_is_indexed_as_character_pairs() -> None:
    analyzed = text.analyze("维基数据", "zh")

    assert analyzed.terms.split() == ["维基", "基数", "数据"]
    assert analyzed.grams == "维基数据"
    assert text.analyze("wikidata", "en").grams == ""


def test_query_words_say_how_they_are_found() -> None:
    parsed = text.parse_query("维基数据 数据 ויקינתונים organizing", ["en"])
    by_word = {word.word: word for word in parsed.words}

    assert by_word["维基数据"].substring == "维基数据"
    assert by_word["数据"].terms == ("数据",)
    assert by_word["ויקינתונים"].substring == "ויקינתונים"
    assert "organiz" in by_word["organizing"].terms
    assert by_word["organizing"].prefixes == ("organizing",)  # the last word, as typed so far


def test_short_queries_become_prefix_lookups() -> None:
    parsed = text.parse_query("wi", ["en"])

    assert parsed.short
    assert parsed.words[0].prefixes == ("wi",)


def test_long_queries_are_cut() -> None:
    parsed = text.parse_query(" ".join(f"word{n}" for n in range(100)), ["en"])

    assert len(parsed.words) == 12


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [("wikidata", "wikidtaa", 1), ("commons", "comons", 1), ("edit", "edit", 0), ("abc", "xyz", 3)],
)
def test_edit_distance_counts_transpositions_as_one(a: str, b: str, distance: int) -> None:
    assert text.damerau_levenshtein(a, b, 5) == distance


def test_the_sqlite_version_check_matches_the_trigram_like_bug() -> None:
    # SQLite before 3.42 answers a LIKE of two non-ASCII characters on a trigram table with
    # nothing; the backend avoids such patterns when the check says so.
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='trigram')")
    db.execute("INSERT INTO t VALUES ('维基百科')")
    found = db.execute("SELECT count(*) FROM t WHERE x LIKE '%维基%'").fetchone()[0]

    assert text.sqlite_trigram_like_works() == (found == 1)
