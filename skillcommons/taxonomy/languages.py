"""Facts about languages that need no database: the writing direction of a BCP-47 tag."""

from __future__ import annotations

from functools import lru_cache

import langcodes

#: ISO 15924 scripts written right to left (the living ones plus historic scripts still taught).
RTL_SCRIPTS = frozenset(
    {
        "Adlm",  # Adlam (Fulani)
        "Arab",  # Arabic, Persian, Urdu, Sindhi, Pashto, Sorani, Uyghur …
        "Armi",  # Imperial Aramaic
        "Avst",  # Avestan
        "Hebr",  # Hebrew, Yiddish, Ladino (Hebrew script)
        "Mand",  # Mandaic
        "Mend",  # Mende Kikakui
        "Nbat",  # Nabataean
        "Nkoo",  # N'Ko
        "Phnx",  # Phoenician
        "Rohg",  # Hanifi Rohingya
        "Samr",  # Samaritan
        "Syrc",  # Syriac
        "Thaa",  # Thaana (Dhivehi)
        "Yezi",  # Yezidi
    }
)


#: Where CLDR's likely-subtags data has no script (it then guesses Latin) or where Wikimedia
#: projects write the language in another script than CLDR's default.
SCRIPT_OVERRIDES = {
    "azb": "Arab",  # South Azerbaijani is written in Arabic script in Iran
    "syc": "Syrc",  # Classical Syriac
    "lad": "Latn",  # the Ladino Wikipedia is written in Latin script
}


@lru_cache(maxsize=2048)
def script_direction(tag: str) -> str:
    """ "rtl" when the tag's script (explicit, or the likely one from CLDR) is written right to
    left, otherwise "ltr"."""
    language = langcodes.Language.get(tag)
    script = (
        language.script
        or SCRIPT_OVERRIDES.get(language.language or "")
        or language.maximize().script
    )
    return "rtl" if script in RTL_SCRIPTS else "ltr"
