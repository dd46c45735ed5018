"""The app dependency rule of docs/architecture.md, checked on the source.

Pillars import core, accounts, organizations and taxonomy, never each other; shared apps never
import a pillar; no app imports another app's views.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

PACKAGE = Path(settings.BASE_DIR) / "skillcommons"
SHARED = {"core", "taxonomy", "accounts", "organizations", "search", "notifications"}
PILLARS = {"needs", "exchange", "activities", "badges", "leadership", "library"}


def imports_of(app: str) -> Iterator[tuple[Path, str]]:
    """(file, imported module) for every ``skillcommons.…`` import in ``app``, tests included."""
    for path in sorted((PACKAGE / app).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                if name.startswith("skillcommons."):
                    yield path, name


def apps() -> list[str]:
    return sorted(p.name for p in PACKAGE.iterdir() if (p / "apps.py").exists())


def test_every_app_is_either_shared_or_a_pillar() -> None:
    unknown = set(apps()) - SHARED - PILLARS
    assert not unknown, f"add {unknown} to docs/architecture.md and to this test"


def test_pillars_import_only_shared_apps_and_themselves() -> None:
    wrong = []
    for app in set(apps()) & PILLARS:
        for path, module in imports_of(app):
            target = module.split(".")[1]
            if target not in SHARED | {app}:
                wrong.append(f"{path.relative_to(PACKAGE)} imports {module}")
    assert not wrong, "\n".join(wrong)


def test_shared_apps_never_import_a_pillar() -> None:
    wrong = [
        f"{path.relative_to(PACKAGE)} imports {module}"
        for app in SHARED
        for path, module in imports_of(app)
        if module.split(".")[1] in PILLARS
    ]
    assert not wrong, "\n".join(wrong)


def test_no_app_imports_another_apps_views() -> None:
    wrong = []
    for app in apps():
        for path, module in imports_of(app):
            parts = module.split(".")
            if parts[1] != app and len(parts) > 2 and parts[2] == "views":
                wrong.append(f"{path.relative_to(PACKAGE)} imports {module}")
    assert not wrong, "\n".join(wrong)
