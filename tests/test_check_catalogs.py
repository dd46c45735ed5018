"""scripts/check_catalogs.py: what counts as a missing translation, and the catalog headers."""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path
from types import ModuleType

from babel.messages.pofile import read_po
from django.conf import settings


def load_script() -> ModuleType:
    path = Path(settings.BASE_DIR) / "scripts" / "check_catalogs.py"
    spec = importlib.util.spec_from_file_location("check_catalogs", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


check_catalogs = load_script()

CATALOG = """
msgid ""
msgstr ""
"Language: ar\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 && n%100<=99 ? 4 : 5;\\n"

msgid "Done"
msgstr "تم"

msgid "Empty"
msgstr ""

#, fuzzy
msgid "Fuzzy"
msgstr "غامض"

msgctxt "language proficiency"
msgid "Native"
msgstr ""

msgid "%(count)s skill"
msgid_plural "%(count)s skills"
msgstr[0] "صفر"
msgstr[1] "واحدة"
msgstr[2] "اثنتان"
msgstr[3] "قليل"
msgstr[4] "كثير"
msgstr[5] ""

msgid "%(count)s person"
msgid_plural "%(count)s people"
msgstr[0] "0"
msgstr[1] "1"
msgstr[2] "2"
msgstr[3] "3"
msgstr[4] "4"
msgstr[5] "5"
"""


def problems(text: str, *, source: bool = False) -> list[str]:
    catalog = read_po(io.BytesIO(text.encode("utf-8")), locale="ar")
    found: list[str] = check_catalogs.problems_in(catalog, source=source)
    return found


def test_untranslated_fuzzy_and_incomplete_plurals_are_reported() -> None:
    assert problems(CATALOG) == [
        "untranslated: 'Empty'",
        "fuzzy: 'Fuzzy'",
        "untranslated: 'Native' (context 'language proficiency')",
        "untranslated: '%(count)s skill'",
    ]


def test_in_the_source_language_only_fuzzy_entries_count() -> None:
    assert problems(CATALOG, source=True) == ["fuzzy: 'Fuzzy'"]


def test_new_catalogs_get_language_and_plural_rule_in_their_header(tmp_path: Path) -> None:
    po = tmp_path / "django.po"
    po.write_text(
        "# SOME DESCRIPTIVE TITLE.\n"
        'msgid ""\nmsgstr ""\n'
        '"Project-Id-Version: PACKAGE VERSION\\n"\n'
        '"Language: \\n"\n'
        '"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '\nmsgid "Hello"\nmsgstr ""\n',
        encoding="utf-8",
    )
    check_catalogs.fill_headers(po, "bn")
    text = po.read_text(encoding="utf-8")
    assert '"Language: bn\\n"' in text
    assert '"Project-Id-Version: Skillcommons\\n"' in text
    assert '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"' in text
    with po.open("rb") as handle:
        catalog = read_po(handle)
    assert catalog.num_plurals == 2
    assert [message.id for message in catalog if message.id] == ["Hello"]
