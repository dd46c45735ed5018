"""Pure helpers: wiki names, time slots and their conversion between time zones."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from skillcommons.accounts.availability import convert_slots
from skillcommons.accounts.validators import (
    normalize_availability,
    normalize_wiki,
    normalize_wikis,
)


@pytest.mark.parametrize(
    ("given", "dbname"),
    [
        ("enwiki", "enwiki"),
        ("commonswiki", "commonswiki"),
        ("wikidatawiki", "wikidatawiki"),
        ("en.wikipedia.org", "enwiki"),
        ("EN.Wikipedia.org", "enwiki"),
        ("https://en.m.wikipedia.org/wiki/Main_Page", "enwiki"),
        ("commons.wikimedia.org", "commonswiki"),
        ("www.wikidata.org", "wikidatawiki"),
        ("de.wiktionary.org", "dewiktionary"),
        ("zh-min-nan.wikipedia.org", "zh_min_nanwiki"),
        ("meta.wikimedia.org", "metawiki"),
        ("www.mediawiki.org", "mediawikiwiki"),
    ],
)
def test_wikis_become_database_names(given: str, dbname: str) -> None:
    assert normalize_wiki(given) == dbname


@pytest.mark.parametrize(
    "given", ["example.com", "wiki", "en.wikipedia.com", "<b>", "en wiki", "a.b.c.d.org"]
)
def test_things_that_are_not_wikis_are_refused(given: str) -> None:
    with pytest.raises(ValidationError):
        normalize_wiki(given)


def test_wiki_lists_drop_duplicates_and_blank_lines() -> None:
    assert normalize_wikis(["enwiki", "", "en.wikipedia.org", "frwiki"]) == ["enwiki", "frwiki"]
    with pytest.raises(ValidationError):
        normalize_wikis([f"x{n}wiki" for n in range(21)])


def test_slots_are_sorted_and_checked() -> None:
    assert normalize_availability(
        [{"day": 3, "start": "10:00", "end": "11:00"}, {"day": 1, "start": "08:00", "end": "09:00"}]
    ) == [
        {"day": 1, "start": "08:00", "end": "09:00"},
        {"day": 3, "start": "10:00", "end": "11:00"},
    ]
    for bad in [
        {"day": 7, "start": "10:00", "end": "11:00"},
        {"day": True, "start": "10:00", "end": "11:00"},
        {"day": 1, "start": "11:00", "end": "10:00"},
        {"day": 1, "start": "9:00", "end": "10:00"},
        {"day": 1, "start": "10:00"},
    ]:
        with pytest.raises(ValidationError):
            normalize_availability([bad])


def test_slots_convert_across_midnight_and_the_week() -> None:
    # Sunday 23:00–01:00 would be invalid; Sunday 22:00–23:30 UTC is Monday in Tokyo.
    slots: list[dict[str, object]] = [{"day": 6, "start": "22:00", "end": "23:30"}]
    assert convert_slots(slots, "UTC", "Asia/Tokyo", date(2026, 1, 14)) == [
        {"day": 0, "start": "07:00", "end": "08:30"}
    ]
    # 22:00–23:30 UTC on Monday, seen from UTC+1, crosses midnight and is split in two.
    slots = [{"day": 0, "start": "22:00", "end": "23:30"}]
    assert convert_slots(slots, "UTC", "Europe/Paris", date(2026, 1, 14)) == [
        {"day": 0, "start": "23:00", "end": "24:00"},
        {"day": 1, "start": "00:00", "end": "00:30"},
    ]


def test_conversion_follows_daylight_saving_time() -> None:
    slots: list[dict[str, object]] = [{"day": 2, "start": "12:00", "end": "13:00"}]
    winter = convert_slots(slots, "Europe/Berlin", "UTC", date(2026, 1, 14))
    summer = convert_slots(slots, "Europe/Berlin", "UTC", date(2026, 7, 15))
    assert winter[0]["start"] == "11:00" and summer[0]["start"] == "10:00"
