"""Loading the shipped vocabulary (``data/*.json``) into the database.

Used by the data migration (with historical models from ``apps.get_model``) and by the
``load_taxonomy_seed`` command (with the real models). Loading is idempotent: records are
matched by code or version and updated in place, nothing is deleted. See ``data/README.md``.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .interchange import check_tree, parse_json, write_records
from .locales import normalize_tag
from .regions import REGION_CODES, country_codes

DATA_DIR = Path(__file__).resolve().parent / "data"
SKILLS_FILE = DATA_DIR / "skills.json"
LANGUAGES_FILE = DATA_DIR / "languages.json"
REGION_FILES = sorted(DATA_DIR.glob("regions-*.json"))

GetModel = Callable[[str, str], Any]


class SeedError(Exception):
    """The shipped data files are inconsistent (a packaging bug, not a user error)."""


def read_languages() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = json.loads(LANGUAGES_FILE.read_text("utf-8"))["languages"]
    for row in rows:
        if normalize_tag(row["code"]) != row["code"] or row["direction"] not in ("ltr", "rtl"):
            raise SeedError(f"languages.json: bad entry {row['code']!r}")
    return rows


def load_languages(language_model: Any) -> int:
    rows = read_languages()
    for row in rows:
        language_model.objects.update_or_create(
            code=row["code"],
            defaults={
                "autonym": row["autonym"],
                "english_name": row["english_name"],
                "direction": row["direction"],
            },
        )
    return len(rows)


def read_region_scheme(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text("utf-8"))
    seen: set[str] = set()
    for region, countries in document["regions"].items():
        if region not in REGION_CODES:
            raise SeedError(f"{path.name}: unknown region {region!r}")
        for country in countries:
            if country in seen or country not in country_codes():
                raise SeedError(f"{path.name}: bad or repeated country {country!r}")
            seen.add(country)
    return document


def load_region_schemes(scheme_model: Any, region_model: Any, country_model: Any) -> int:
    loaded = 0
    for path in REGION_FILES:
        document = read_region_scheme(path)
        current = bool(document.get("is_current"))
        if current:
            scheme_model.objects.exclude(version=document["version"]).update(is_current=False)
        scheme, _created = scheme_model.objects.update_or_create(
            version=document["version"],
            defaults={
                "effective_from": datetime.date.fromisoformat(document["effective_from"]),
                "is_current": current,
                "source": document.get("source", "")[:300],
            },
        )
        for code, countries in document["regions"].items():
            region, _created = region_model.objects.get_or_create(scheme=scheme, code=code)
            for country in countries:
                country_model.objects.update_or_create(
                    scheme=scheme, country=country, defaults={"region": region}
                )
        loaded += 1
    return loaded


def load_skills(skill_model: Any, translation_model: Any, language_model: Any) -> int:
    known = set(language_model.objects.values_list("code", flat=True))
    records = parse_json(SKILLS_FILE.read_bytes(), known.__contains__)
    existing = {
        code: parent or ""
        for code, parent in skill_model.objects.values_list("code", "parent__code")
    }
    check_tree(records, existing)
    write_records(records, skill_model=skill_model, translation_model=translation_model)
    return len(records)


def load_all(get_model: GetModel) -> dict[str, int]:
    """Languages first (skills' labels refer to them), then regions, then skills."""
    language = get_model("taxonomy", "Language")
    return {
        "languages": load_languages(language),
        "region_schemes": load_region_schemes(
            get_model("taxonomy", "RegionScheme"),
            get_model("taxonomy", "Region"),
            get_model("taxonomy", "CountryRegion"),
        ),
        "skills": load_skills(
            get_model("taxonomy", "Skill"), get_model("taxonomy", "SkillTranslation"), language
        ),
    }
