"""Validators for account fields."""

from __future__ import annotations

import re
import unicodedata
import zoneinfo
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Characters MediaWiki never allows in a user name, so no wiki account can collide with them.
_FORBIDDEN = set("#<>[]|{}/:")


@deconstructible
class WikimediaUsernameValidator:
    """Accept the user names Wikimedia wikis accept (spaces and any script included), so that a
    person signing in with their wiki account keeps their wiki name here."""

    message = _(
        "A user name may use letters of any script, digits, spaces and punctuation, but not "
        "# < > [ ] | { } / : and it cannot start or end with a space."
    )
    code = "invalid"

    def __call__(self, value: str) -> None:
        if not value or value != value.strip() or "  " in value:
            raise ValidationError(self.message, code=self.code)
        for char in value:
            if char in _FORBIDDEN or unicodedata.category(char).startswith("C"):
                raise ValidationError(self.message, code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WikimediaUsernameValidator)

    def __hash__(self) -> int:
        return hash(type(self))


# --- Profile fields -------------------------------------------------------------------------

MAX_HOME_WIKIS = 20
MAX_AVAILABILITY_SLOTS = 21

# Project families as they appear in database names ("enwiktionary") and in domains
# ("en.wiktionary.org"). Wikipedia's database names end in plain "wiki".
_FAMILIES = {
    "wikipedia": "wiki",
    "wiktionary": "wiktionary",
    "wikibooks": "wikibooks",
    "wikinews": "wikinews",
    "wikiquote": "wikiquote",
    "wikisource": "wikisource",
    "wikiversity": "wikiversity",
    "wikivoyage": "wikivoyage",
}
# Single-project sites whose domain does not follow "<language>.<family>.org".
_SPECIAL_DOMAINS = {
    "wikidata.org": "wikidatawiki",
    "www.wikidata.org": "wikidatawiki",
    "mediawiki.org": "mediawikiwiki",
    "www.mediawiki.org": "mediawikiwiki",
    "wikifunctions.org": "wikifunctionswiki",
    "www.wikifunctions.org": "wikifunctionswiki",
    "wikisource.org": "sourceswiki",
    "www.wikisource.org": "sourceswiki",
}
_DBNAME = re.compile(
    r"^[a-z][a-z0-9_]{0,40}(?:wiki|wiktionary|wikibooks|wikinews|wikiquote|wikisource"
    r"|wikiversity|wikivoyage)$"
)
_LABEL = re.compile(r"^[a-z][a-z0-9-]{0,40}$")


def normalize_wiki(value: str) -> str:
    """A wiki as its database name, the identifier Wikimedia's own tools use.

    Accepts database names ("enwiki", "commonswiki", "wikidatawiki"), domains
    ("en.wikipedia.org", "commons.wikimedia.org") and URLs of pages on them. Raises
    ``ValidationError`` for anything that is not shaped like a Wikimedia wiki; whether the wiki
    exists is not checked (that would need the network).
    """
    text = value.strip().lower()
    if "://" in text:
        text = text.split("://", 1)[1]
    text = text.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0].strip(".")
    if "." not in text:
        if _DBNAME.match(text):
            return text
        raise ValidationError(_invalid_wiki(value), code="invalid_wiki")
    if text in _SPECIAL_DOMAINS:
        return _SPECIAL_DOMAINS[text]
    parts = [p for p in text.split(".") if p != "m"]  # mobile domains: en.m.wikipedia.org
    if len(parts) == 3 and parts[2] == "org" and _LABEL.match(parts[0]):
        site, family = parts[0], parts[1]
        prefix = site.replace("-", "_")
        if family in _FAMILIES:
            return prefix + _FAMILIES[family]
        if family == "wikimedia":
            return prefix + "wiki"  # commons, meta, species, incubator, outreach, chapter wikis
    raise ValidationError(_invalid_wiki(value), code="invalid_wiki")


def _invalid_wiki(value: str) -> str:
    return gettext(
        "“%(value)s” is not a Wikimedia wiki. Use a name such as enwiki or commonswiki, or an "
        "address such as en.wikipedia.org."
    ) % {"value": value[:100]}


def normalize_wikis(values: list[str]) -> list[str]:
    """Normalise each wiki, dropping duplicates and keeping the order."""
    found: list[str] = []
    for value in values:
        if not value.strip():
            continue
        dbname = normalize_wiki(value)
        if dbname not in found:
            found.append(dbname)
    if len(found) > MAX_HOME_WIKIS:
        raise ValidationError(
            gettext("List at most %(count)d home wikis.") % {"count": MAX_HOME_WIKIS},
            code="too_many_wikis",
        )
    return found


def normalize_country(value: str) -> str:
    """An ISO 3166-1 alpha-2 code in upper case, or "" for none."""
    from skillcommons.taxonomy.regions import is_country

    code = value.strip().upper()
    if code and not is_country(code):
        raise ValidationError(
            gettext("“%(value)s” is not a country code.") % {"value": value[:20]},
            code="invalid_country",
        )
    return code


@lru_cache(maxsize=1)
def time_zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> str:
    name = value.strip()
    if name and name not in time_zone_names():
        raise ValidationError(
            gettext("“%(value)s” is not a time zone. Use a name such as Europe/Berlin.")
            % {"value": value[:64]},
            code="invalid_time_zone",
        )
    return name


_TIME = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")


def normalize_availability(slots: list[dict[str, object]]) -> list[dict[str, object]]:
    """Weekly slots as ``{"day": 0-6, "start": "HH:MM", "end": "HH:MM"}``, sorted, with start
    before end on the same day."""
    if len(slots) > MAX_AVAILABILITY_SLOTS:
        raise ValidationError(
            gettext("List at most %(count)d weekly time slots.")
            % {"count": MAX_AVAILABILITY_SLOTS},
            code="too_many_slots",
        )
    cleaned: list[dict[str, object]] = []
    for slot in slots:
        day, start, end = slot.get("day"), slot.get("start"), slot.get("end")
        if not isinstance(day, int) or isinstance(day, bool) or not 0 <= day <= 6:
            raise ValidationError(
                gettext("The day must be a number from 0 (Monday) to 6 (Sunday).")
            )
        if not (isinstance(start, str) and _TIME.match(start)) or not (
            isinstance(end, str) and _TIME.match(end)
        ):
            raise ValidationError(gettext("Times must be written as HH:MM, such as 09:30."))
        if start >= end:
            raise ValidationError(
                gettext("Each time slot must end after it starts."), code="start_end"
            )
        entry: dict[str, object] = {"day": day, "start": start, "end": end}
        if entry not in cleaned:
            cleaned.append(entry)
    cleaned.sort(key=lambda s: (str(s["day"]), str(s["start"]), str(s["end"])))
    return cleaned


def normalize_methods(values: list[str]) -> list[str]:
    from .models import Profile

    allowed = set(Profile.Method.values)
    found: list[str] = []
    for value in values:
        if value not in allowed:
            raise ValidationError(
                gettext("“%(value)s” is not a way to learn we know.") % {"value": str(value)[:40]},
                code="invalid_method",
            )
        if value not in found:
            found.append(value)
    return found
