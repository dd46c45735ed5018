"""Import and export of the taxonomy: round trips, and every kind of bad file refused whole."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from skillcommons.taxonomy import actions
from skillcommons.taxonomy.interchange import TaxonomyFileError
from skillcommons.taxonomy.models import Skill, SkillTranslation

from .factories import make_member

pytestmark = pytest.mark.django_db


def snapshot() -> tuple[Any, ...]:
    skills = tuple(
        Skill.objects.order_by("code").values_list(
            "code", "parent__code", "depth", "wikidata_qid", "position", "is_active"
        )
    )
    labels = tuple(
        SkillTranslation.objects.order_by("skill__code", "locale").values_list(
            "skill__code", "locale", "label", "description", "synonyms"
        )
    )
    return skills, labels


def skill(code: str, parent: str = "", **extra: Any) -> dict[str, Any]:
    entry = {
        "code": code,
        "parent": parent,
        "translations": {"en": {"label": code.title(), "description": "", "synonyms": []}},
    }
    entry.update(extra)
    return entry


def as_json(*skills: dict[str, Any]) -> str:
    return json.dumps({"format": "skillcommons-taxonomy", "version": 1, "skills": list(skills)})


CSV_HEADER = "code,parent,wikidata_qid,position,is_active,locale,label,description,synonyms\n"


def test_json_export_then_import_changes_nothing() -> None:
    before = snapshot()
    exported = actions.export_taxonomy(format="json")
    summary = actions.import_taxonomy(actor=None, data=exported.encode(), format="json")
    assert summary.created == 0 and summary.updated == 0
    assert summary.translations == SkillTranslation.objects.count()
    assert snapshot() == before
    assert actions.export_taxonomy(format="json") == exported


def test_csv_export_then_import_changes_nothing() -> None:
    before = snapshot()
    exported = actions.export_taxonomy(format="csv")
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert len(rows) == SkillTranslation.objects.count()
    assert {"lua", "Lua|Scribunto|modules"} <= {
        v for r in rows if r["code"] == "lua" and r["locale"] == "en" for v in r.values()
    }
    actions.import_taxonomy(actor=None, data=exported, format="csv")
    assert snapshot() == before
    assert actions.export_taxonomy(format="csv") == exported


def test_round_trip_carries_new_skills_between_databases(tmp_path: Path) -> None:
    data = as_json(
        skill("zz-area", position=5, wikidata_qid="Q52"),
        skill("zz-skill", "zz-area", is_active=False),
        skill(
            "zz-sub",
            "zz-skill",
            translations={
                "es": {"label": "Subhabilidad", "description": "Una prueba.", "synonyms": ["sub"]},
                "ar": {"label": "مهارة فرعية", "description": "", "synonyms": []},
            },
        ),
    )
    summary = actions.import_taxonomy(actor=None, data=data, format="json")
    assert (summary.created, summary.translations) == (3, 4)
    sub = Skill.objects.get(code="zz-sub")
    assert sub.depth == 2 and sub.parent is not None and sub.parent.code == "zz-skill"
    assert SkillTranslation.objects.get(skill=sub, locale="es").search_text == "subhabilidad | sub"
    out = tmp_path / "taxonomy.csv"
    call_command("export_taxonomy", format="csv", output=str(out))
    before = snapshot()
    # Remove the new skills, then bring them back from the CSV file.
    Skill.objects.filter(code="zz-sub").delete()
    Skill.objects.filter(code="zz-skill").delete()
    Skill.objects.filter(code="zz-area").delete()
    call_command("import_taxonomy", str(out), verbosity=0)
    assert snapshot() == before


def test_import_updates_labels_and_moves_skills() -> None:
    data = (
        CSV_HEADER + "lua,bots-tools,Q207316,5,true,fr,Lua (langage),Modules Lua.,Lua|Scribunto\n"
    )
    summary = actions.import_taxonomy(actor=None, data=data, format="csv")
    assert summary.updated == 1
    lua = Skill.objects.get(code="lua")
    assert lua.parent is not None and lua.parent.code == "bots-tools" and lua.position == 5
    assert lua.label("fr") == "Lua (langage)"
    assert lua.label("en") == "Lua programming"  # labels not in the file are kept


BAD_JSON = {
    "too deep": (
        as_json(skill("zz-4", "lua")),
        "three levels",
    ),
    "unknown parent": (as_json(skill("zz-orphan", "no-such-skill")), "no-such-skill"),
    "malformed QID": (as_json(skill("zz-q", wikidata_qid="P31")), "P31"),
    "unknown language": (
        as_json(skill("zz-l", translations={"qaa": {"label": "x"}})),
        "qaa",
    ),
    "invalid tag": (
        as_json(skill("zz-l", translations={"not a tag!": {"label": "x"}})),
        "not a tag!",
    ),
    "duplicate codes": (as_json(skill("zz-dup"), skill("zz-dup")), "more than once"),
    "cycle": (
        as_json(skill("zz-a", "zz-b"), skill("zz-b", "zz-a")),
        "cycle",
    ),
    "self parent": (as_json(skill("zz-self", "zz-self")), "itself"),
    "cycle through stored skills": (
        as_json(skill("editing", "citing-sources")),
        "cycle",
    ),
    "moving a subtree too deep": (as_json(skill("editing", "technical")), "three levels"),
    "bad code": (as_json(skill("Not A Slug")), "Not A Slug"),
    "no labels": (as_json(skill("zz-n", translations={})), "no labels"),
    "empty label": (as_json(skill("zz-e", translations={"en": {"label": " "}})), "missing"),
    "label too long": (as_json(skill("zz-t", translations={"en": {"label": "x" * 121}})), "120"),
    "bad position": (as_json(skill("zz-p", position=-1)), "position"),
    "bad active": (as_json(skill("zz-p", is_active="maybe")), "active"),
    "parent not a text": (as_json({**skill("zz-n"), "parent": 7}), "parent"),
    "not json": ("{not json", "not valid JSON"),
    "wrong shape": (json.dumps([1, 2]), "skills"),
    "wrong format": (json.dumps({"format": "other", "skills": []}), "version"),
}


@pytest.mark.parametrize("case", sorted(BAD_JSON))
def test_bad_json_import_is_refused_and_writes_nothing(case: str) -> None:
    data, expected = BAD_JSON[case]
    # A good skill first: it must not be written either.
    if data.startswith('{"format"'):
        document = json.loads(data)
        document["skills"].insert(0, skill("zz-good"))
        data = json.dumps(document)
    before = snapshot()
    with pytest.raises(ValidationError) as caught:
        actions.import_taxonomy(actor=None, data=data, format="json")
    assert expected in " ".join(caught.value.messages)
    assert snapshot() == before
    assert not Skill.objects.filter(code="zz-good").exists()


BAD_CSV = {
    "row names the error": (
        CSV_HEADER + "zz-ok,,,1,true,en,Fine,,\nzz-bad,,Q0,1,true,en,Bad,,\n",
        "row 3",
    ),
    "inconsistent rows": (
        CSV_HEADER + "zz-x,,,1,true,en,X,,\nzz-x,,,2,true,fr,X,,\n",
        "different parent",
    ),
    "same language twice": (
        CSV_HEADER + "zz-x,,,1,true,en,X,,\nzz-x,,,1,true,en,Y,,\n",
        "already has a row",
    ),
    "missing column": ("code,parent,label\nzz,,X\n", "columns"),
    "extra cells": (CSV_HEADER + "zz,,,1,true,en,X,,,surplus\n", "more cells"),
    "unknown parent": (CSV_HEADER + "zz,nowhere,,1,true,en,X,,\n", "nowhere"),
    "unknown language": (CSV_HEADER + "zz,,,1,true,xx-unknown,X,,\n", "xx-unknown"),
}


@pytest.mark.parametrize("case", sorted(BAD_CSV))
def test_bad_csv_import_is_refused_and_writes_nothing(case: str) -> None:
    data, expected = BAD_CSV[case]
    before = snapshot()
    with pytest.raises(ValidationError) as caught:
        actions.import_taxonomy(actor=None, data=data, format="csv")
    assert expected in " ".join(caught.value.messages)
    assert snapshot() == before


def test_non_utf8_and_oversized_files_are_refused() -> None:
    with pytest.raises(TaxonomyFileError, match="UTF-8"):
        actions.import_taxonomy(actor=None, data=b"\xff\xfe\x00bad", format="csv")
    with pytest.raises(TaxonomyFileError, match="larger"):
        actions.import_taxonomy(actor=None, data=b" " * (3 * 1024 * 1024), format="json")


def test_members_cannot_import() -> None:
    member = make_member()
    with pytest.raises(PermissionDenied):
        actions.import_taxonomy(actor=member, data=as_json(skill("zz")), format="json")
    assert not Skill.objects.filter(code="zz").exists()


def test_import_command_reports_problems(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(as_json(skill("zz", "missing-parent")), encoding="utf-8")
    with pytest.raises(CommandError, match="missing-parent"):
        call_command("import_taxonomy", str(path))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_taxonomy", str(tmp_path / "absent.csv"))
