#!/usr/bin/env python3
"""Keep the gettext catalogs in ``locale/`` complete.

    python scripts/check_catalogs.py en es fr pt_BR ar bn hi            # check (CI)
    python scripts/check_catalogs.py --update en es fr pt_BR ar bn hi   # `make messages`

Checking never touches ``locale/``: the source tree is copied to a temporary folder, the catalogs are
brought up to date there with exactly the options of ``--update`` (so a string added to the code but
not yet extracted counts as missing), and then every message of every target language must have a
non-empty, non-fuzzy translation, in all plural forms. English is the source language: an empty
English ``msgstr`` falls back to the ``msgid``, which is the English text, so only fuzzy entries are
reported for it. Exits 1 and lists what is missing when anything is.

``--update`` runs ``makemessages`` on the real tree and fills in the catalog headers translators
need (``Language``, ``Plural-Forms``, ``Project-Id-Version``).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from babel.core import Locale
from babel.messages.catalog import Catalog
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
SOURCE_LANGUAGE = "en"
# Folders that hold no source of ours; makemessages already skips dot-folders such as .venv.
IGNORED = ["node_modules", "staticfiles", "data", "static/vendor", "scripts"]
# Line numbers change with every edit; file names alone keep catalog diffs readable.
MAKEMESSAGES_OPTIONS = ["--no-obsolete", "--add-location=file", "--no-wrap", "-v", "0"]
COPY_SKIP = {".git", ".venv", "node_modules", "staticfiles", "data", "__pycache__", ".mypy_cache"}


def makemessages(root: Path, languages: list[str]) -> None:
    command = [sys.executable, "manage.py", "makemessages", *MAKEMESSAGES_OPTIONS]
    command += [f"--ignore={pattern}" for pattern in IGNORED]
    command += [f"--locale={code}" for code in languages]
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings")
    with tempfile.TemporaryDirectory() as data_dir:
        # Keep the run from writing a secret key or a database into the project's data folder.
        env.setdefault("SKILLCOMMONS_DATA_DIR", data_dir)
        subprocess.run(command, cwd=root, env=env, check=True)  # noqa: S603 (fixed command)
    for code in languages:
        fill_headers(root / "locale" / code / "LC_MESSAGES" / "django.po", code)


def fill_headers(path: Path, code: str) -> None:
    """Put the language and its plural rule into a catalog header when makemessages left them
    empty (it does for new catalogs of languages Django itself lacks)."""
    text = path.read_text(encoding="utf-8")
    header_end = text.find("\n\n", text.find('msgid ""'))
    header, rest = text[:header_end], text[header_end:]
    header = header.replace("SOME DESCRIPTIVE TITLE.", "Skillcommons interface messages.", 1)
    header = header.replace(
        '"Project-Id-Version: PACKAGE VERSION\\n"', '"Project-Id-Version: Skillcommons\\n"'
    )
    header = re.sub(r'"Language: *\\n"', f'"Language: {code}\\\\n"', header)
    if "Plural-Forms:" not in header:
        plural = get_plural(Locale.parse(code))
        header += (
            f'\n"Plural-Forms: nplurals={plural.num_plurals}; plural={plural.plural_expr};\\n"'
        )
    path.write_text(header + rest, encoding="utf-8")


def copy_tree(destination: Path) -> None:
    def skip(folder: str, names: list[str]) -> set[str]:
        skipped = {name for name in names if name in COPY_SKIP or name.endswith(".mo")}
        if Path(folder).resolve() == ROOT / "static":
            skipped.add("vendor")
        return skipped

    shutil.copytree(ROOT, destination, ignore=skip, symlinks=True)


def problems_in(catalog: Catalog, *, source: bool) -> list[str]:
    found = []
    for message in catalog:
        if not message.id:
            continue  # the header
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        context = f" (context {message.context!r})" if message.context else ""
        if message.fuzzy:
            found.append(f"fuzzy: {msgid!r}{context}")
            continue
        if source:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if isinstance(message.id, tuple) and len(strings) < catalog.num_plurals:
            found.append(f"missing plural forms: {msgid!r}{context}")
        elif not all(strings):
            found.append(f"untranslated: {msgid!r}{context}")
    return found


def keys_of(path: Path, code: str) -> set[tuple[str | None, str]]:
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=code)
    return {
        (message.context, str(message.id[0] if isinstance(message.id, tuple) else message.id))
        for message in catalog
        if message.id
    }


def check(languages: list[str], *, untranslated_ok: bool = False) -> int:
    with tempfile.TemporaryDirectory() as temporary:
        copy = Path(temporary) / "tree"
        copy_tree(copy)
        makemessages(copy, languages)
        summary: list[str] = []
        total = 0
        for code in languages:
            path = copy / "locale" / code / "LC_MESSAGES" / "django.po"
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=code)
            found = problems_in(catalog, source=code == SOURCE_LANGUAGE)
            messages = sum(1 for message in catalog if message.id)
            untranslated = 0
            if untranslated_ok:
                # Still required: every string of the code is extracted into the committed
                # catalog, and nothing is fuzzy. Untranslated ones fall back to English.
                committed = keys_of(ROOT / "locale" / code / "LC_MESSAGES" / "django.po", code)
                missing = keys_of(path, code) - committed
                untranslated = sum(1 for line in found if not line.startswith("fuzzy"))
                found = [line for line in found if line.startswith("fuzzy")]
                found += [f"not extracted: {msgid!r}" for _context, msgid in sorted(missing)]
                if untranslated:
                    summary.append(
                        f"  {code:<6} {untranslated} of {messages} messages not yet translated"
                    )
            if found:
                print(f"{code}:")
                for line in found:
                    print(f"    {line}")
                summary.append(f"  {code:<6} {len(found)} of {messages} messages need work")
            elif not untranslated:
                summary.append(f"  {code:<6} complete ({messages} messages)")
            total += len(found)
    print("\n".join(["", "Catalogs:", *summary]))
    if total:
        print(f"\n{total} messages are missing or fuzzy. Run `make messages` and translate them.")
        return 1
    print(
        "\nEvery message is extracted and none is fuzzy."
        if untranslated_ok
        else "\nAll catalogs are complete."
    )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("languages", nargs="+", help="gettext locale names, e.g. pt_BR")
    parser.add_argument("--update", action="store_true", help="update locale/ instead of checking")
    parser.add_argument(
        "--untranslated-ok",
        action="store_true",
        help="only fail on strings not extracted into locale/ or fuzzy; count untranslated ones",
    )
    args = parser.parse_args()
    if args.update:
        makemessages(ROOT, args.languages)
        for code in args.languages:
            print(f"updated locale/{code}/LC_MESSAGES/django.po")
        return 0
    return check(args.languages, untranslated_ok=args.untranslated_ok)


if __name__ == "__main__":
    sys.exit(main())
