"""Wikimedia's eight funding regions and country lookups."""

from __future__ import annotations

from functools import lru_cache

import pycountry
from babel import Locale, UnknownLocaleError
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

REGION_NAMES: dict[str, Promise] = {
    "CEECA": _("Central and Eastern Europe and Central Asia"),
    "ESEAP": _("East, Southeast Asia and the Pacific"),
    "LAC": _("Latin America and the Caribbean"),
    "MENA": _("Middle East and North Africa"),
    "NA": _("North America"),
    "NWE": _("Northern and Western Europe"),
    "SA": _("South Asia"),
    "SSA": _("Sub-Saharan Africa"),
}
REGION_CODES = tuple(REGION_NAMES)


def region_name(code: str) -> str:
    name = REGION_NAMES.get(code)
    return str(name) if name is not None else code


@lru_cache(maxsize=1)
def country_codes() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries)


def is_country(code: str) -> bool:
    return code in country_codes()


@lru_cache(maxsize=64)
def _territories(ui_language: str) -> dict[str, str]:
    try:
        locale = Locale.parse(ui_language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        locale = Locale("en")
    return dict(locale.territories)


def country_name(code: str, ui_language: str | None = None) -> str:
    """The country's name in the interface language (CLDR via Babel), falling back to English."""
    names = _territories(ui_language or translation.get_language() or "en")
    if code in names:
        return names[code]
    country = pycountry.countries.get(alpha_2=code)
    return country.name if country else code


def country_choices(ui_language: str | None = None) -> list[tuple[str, str]]:
    """(code, name) for every country, sorted by name in the interface language."""
    names = [(code, country_name(code, ui_language)) for code in country_codes()]
    return sorted(names, key=lambda item: item[1].casefold())
