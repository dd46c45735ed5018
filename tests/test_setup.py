"""What `make setup` provides, and the language lists kept in several places agreeing."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils.translation import to_locale

ROOT = Path(settings.BASE_DIR)
UI_LOCALES = [to_locale(code) for code, _name in settings.LANGUAGES]


def test_vendored_codex_tokens_and_htmx_are_installed_with_their_licenses() -> None:
    for name in [
        "vendor/codex/codex.style.css",
        "vendor/codex/codex.style-rtl.css",
        "vendor/codex/LICENSE",
        "vendor/codex-design-tokens/theme-wikimedia-ui.css",
        "vendor/codex-design-tokens/LICENSE",
        "vendor/htmx/htmx.min.js",
        "vendor/htmx/LICENSE",
    ]:
        found = finders.find(name)
        assert found, f"static/{name} is missing: run `make setup`"
        assert Path(str(found)).stat().st_size > 0


def test_every_catalog_is_compiled() -> None:
    for po in ROOT.glob("locale/*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        assert mo.exists(), f"{mo} is missing: run `make setup`"
        assert mo.stat().st_mtime >= po.stat().st_mtime, f"{mo} is older than its catalog"


def test_the_makefile_and_ci_name_every_interface_language() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    found = re.search(r"^UI_LANGUAGES := (.+)$", makefile, re.MULTILINE)
    assert found
    assert found[1].split() == UI_LOCALES
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert f"check_catalogs.py {' '.join(UI_LOCALES)}" in ci


def test_pytest_exit_code_5_is_not_swallowed() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    test_recipe = makefile.split("\ntest: ", 1)[1].split("\n\n", 1)[0]
    assert "pytest" in test_recipe
    assert "|| true" not in test_recipe
    assert "-eq 5" not in test_recipe
