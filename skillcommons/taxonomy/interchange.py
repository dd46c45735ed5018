"""Reading, checking and writing the skill taxonomy as files.

Two formats carry the same content. Both identify a skill by its ``code``; a parent is named by
its code too (empty for an area). Importing adds or updates the skills in the file and the
translations listed for them; skills and translations that the file does not mention are kept.

JSON (UTF-8)::

    {
      "format": "skillcommons-taxonomy",
      "version": 1,
      "skills": [
        {
          "code": "lua",
          "parent": "templates-lua",
          "wikidata_qid": "Q207316",
          "position": 20,
          "is_active": true,
          "translations": {
            "en": {"label": "Lua programming", "description": "…", "synonyms": ["Lua", "Scribunto"]},
            "es": {"label": "Programación en Lua", "description": "…", "synonyms": []}
          }
        }
      ]
    }

CSV (UTF-8, comma-separated, header row required), one row per translation::

    code,parent,wikidata_qid,position,is_active,locale,label,description,synonyms
    lua,templates-lua,Q207316,20,true,en,Lua programming,…,Lua|Scribunto
    lua,templates-lua,Q207316,20,true,es,Programación en Lua,…,

In CSV the skill's columns (``parent``, ``wikidata_qid``, ``position``, ``is_active``) are repeated on
each of its rows and must agree; ``synonyms`` are separated by ``|``; ``is_active`` is ``true`` or
``false`` (also ``1``/``0``, ``yes``/``no``).

Rules (checked before anything is written, every problem is reported with the row or entry it
comes from): codes are lower-case slugs and appear once; a parent must be in the file or already
exist; the tree is at most three levels deep (area, skill, sub-skill) and has no cycles; Wikidata
IDs look like ``Q52``; language tags are known BCP-47 tags; every skill has at least one label.

This module has no ORM queries except in :func:`write_records`, which takes the model classes as
arguments so that the data migration (historical models) and the actions share it.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .locales import normalize_tag

FORMAT_NAME = "skillcommons-taxonomy"
FORMAT_VERSION = 1
CSV_COLUMNS = (
    "code",
    "parent",
    "wikidata_qid",
    "position",
    "is_active",
    "locale",
    "label",
    "description",
    "synonyms",
)
MAX_DEPTH = 2  # same as models.MAX_SKILL_DEPTH; kept here so this module imports no models
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_SKILLS = 5000
MAX_CODE = 80
MAX_LABEL = 120
MAX_DESCRIPTION = 2000
MAX_SYNONYMS = 20
MAX_POSITION = 1_000_000

CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
QID_RE = re.compile(r"^Q[1-9][0-9]{0,11}$")
_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}


@dataclass(frozen=True)
class TranslationRecord:
    locale: str
    label: str
    description: str = ""
    synonyms: tuple[str, ...] = ()


@dataclass
class SkillRecord:
    code: str
    parent: str  # "" for an area
    wikidata_qid: str = ""
    position: int = 0
    is_active: bool = True
    translations: dict[str, TranslationRecord] = field(default_factory=dict)
    where: str = ""  # "row 7" or "skill 3", for error messages


class TaxonomyFileError(ValidationError):
    """A file that cannot be imported; ``messages`` lists every problem found."""


def search_text_for(label: str, synonyms: Iterable[str]) -> str:
    """What SkillTranslation.save() stores: label and synonyms, case-folded."""
    return " | ".join([label, *synonyms]).casefold()


# ----------------------------------------------------------------------------------- reading


def _problem(where: str, message: str) -> str:
    return _("%(where)s: %(message)s") % {"where": where, "message": message}


def _clean_text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _parse_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value).strip().casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None


def _parse_position(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if text == "":
            return 0
        if not text.isdigit():
            return None
        number = int(text)
    return number if 0 <= number <= MAX_POSITION else None


def _check_skill_fields(
    where: str,
    code: str,
    parent: str,
    qid: str,
    position: int | None,
    active: bool | None,
    problems: list[str],
) -> None:
    if not code:
        problems.append(_problem(where, _("The code is missing.")))
    elif len(code) > MAX_CODE or not CODE_RE.match(code):
        problems.append(
            _problem(
                where,
                _("The code “%(code)s” is not valid: use lower-case letters, digits and hyphens.")
                % {"code": code[:MAX_CODE]},
            )
        )
    if parent and parent == code:
        problems.append(_problem(where, _("A skill cannot be placed under itself.")))
    if qid and not QID_RE.match(qid):
        problems.append(
            _problem(
                where,
                _("“%(qid)s” is not a Wikidata item ID such as Q52.") % {"qid": qid[:20]},
            )
        )
    if position is None:
        problems.append(
            _problem(
                where,
                _("The position must be a whole number between 0 and %(maximum)d.")
                % {"maximum": MAX_POSITION},
            )
        )
    if active is None:
        problems.append(_problem(where, _("“active” must be true or false.")))


def _translation(
    where: str,
    locale_raw: str,
    label: str,
    description: str,
    synonyms: list[str],
    known_languages: Callable[[str], bool],
    problems: list[str],
) -> TranslationRecord | None:
    try:
        locale = normalize_tag(locale_raw)
    except ValueError:
        problems.append(
            _problem(where, _("“%(tag)s” is not a valid language tag.") % {"tag": locale_raw[:35]})
        )
        return None
    ok = True
    if not known_languages(locale):
        problems.append(
            _problem(where, _("The language “%(tag)s” is not a known language.") % {"tag": locale})
        )
        ok = False
    if not label:
        problems.append(_problem(where, _("The label in “%(tag)s” is missing.") % {"tag": locale}))
        ok = False
    elif len(label) > MAX_LABEL:
        problems.append(
            _problem(
                where,
                _("The label is longer than %(maximum)d characters.") % {"maximum": MAX_LABEL},
            )
        )
        ok = False
    if len(description) > MAX_DESCRIPTION:
        problems.append(
            _problem(
                where,
                _("The description is longer than %(maximum)d characters.")
                % {"maximum": MAX_DESCRIPTION},
            )
        )
        ok = False
    if len(synonyms) > MAX_SYNONYMS or any(len(s) > MAX_LABEL for s in synonyms):
        problems.append(
            _problem(
                where,
                _("Give at most %(count)d synonyms of at most %(maximum)d characters each.")
                % {"count": MAX_SYNONYMS, "maximum": MAX_LABEL},
            )
        )
        ok = False
    if not ok:
        return None
    return TranslationRecord(locale, label, description, tuple(synonyms))


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        text = data
    else:
        if len(data) > MAX_FILE_BYTES:
            raise TaxonomyFileError(
                _("The file is larger than %(size)d MB.") % {"size": MAX_FILE_BYTES // 1048576}
            )
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise TaxonomyFileError(_("The file is not UTF-8 text.")) from exc
    if len(text) > MAX_FILE_BYTES:
        raise TaxonomyFileError(
            _("The file is larger than %(size)d MB.") % {"size": MAX_FILE_BYTES // 1048576}
        )
    return text.removeprefix("\ufeff")


def parse_json(data: bytes | str, known_languages: Callable[[str], bool]) -> list[SkillRecord]:
    """Records from a JSON document; raises :class:`TaxonomyFileError` listing every problem."""
    try:
        document = json.loads(_decode(data))
    except json.JSONDecodeError as exc:
        raise TaxonomyFileError(
            _("The file is not valid JSON (line %(line)d, column %(column)d).")
            % {"line": exc.lineno, "column": exc.colno}
        ) from exc
    if not isinstance(document, dict) or not isinstance(document.get("skills"), list):
        raise TaxonomyFileError(_("The JSON file must be an object with a list of “skills”."))
    if (
        document.get("format", FORMAT_NAME) != FORMAT_NAME
        or document.get("version", FORMAT_VERSION) != FORMAT_VERSION
    ):
        raise TaxonomyFileError(
            _("This is not a Skillcommons taxonomy file of version %(version)d.")
            % {"version": FORMAT_VERSION}
        )
    entries = document["skills"]
    if len(entries) > MAX_SKILLS:
        raise TaxonomyFileError(
            _("A file can hold at most %(count)d skills.") % {"count": MAX_SKILLS}
        )
    problems: list[str] = []
    records: list[SkillRecord] = []
    for index, entry in enumerate(entries, start=1):
        where = _("skill %(number)d") % {"number": index}
        if not isinstance(entry, dict):
            problems.append(_problem(where, _("Each skill must be a JSON object.")))
            continue
        wrong_types = [
            name
            for name in ("code", "parent", "wikidata_qid")
            if entry.get(name) is not None and not isinstance(entry.get(name), str)
        ]
        if wrong_types:
            problems.append(
                _problem(
                    where,
                    _("These values must be texts: %(names)s.") % {"names": ", ".join(wrong_types)},
                )
            )
            continue
        code = _clean_text(entry.get("code"))
        if code:
            where = _("skill %(number)d (%(code)s)") % {"number": index, "code": code[:MAX_CODE]}
        parent = _clean_text(entry.get("parent"))
        qid = _clean_text(entry.get("wikidata_qid"))
        position = _parse_position(entry.get("position", 0))
        active = _parse_bool(entry.get("is_active", True))
        _check_skill_fields(where, code, parent, qid, position, active, problems)
        translations: dict[str, TranslationRecord] = {}
        raw_translations = entry.get("translations")
        if not isinstance(raw_translations, dict) or not raw_translations:
            problems.append(_problem(where, _("The skill has no labels.")))
            raw_translations = {}
        for locale_raw, body in raw_translations.items():
            if not isinstance(body, dict):
                problems.append(_problem(where, _("Each translation must be a JSON object.")))
                continue
            synonyms_raw = body.get("synonyms", [])
            if not isinstance(synonyms_raw, list) or not all(
                isinstance(s, str) for s in synonyms_raw
            ):
                problems.append(_problem(where, _("Synonyms must be a list of texts.")))
                continue
            found = _translation(
                where,
                str(locale_raw),
                _clean_text(body.get("label")),
                _clean_text(body.get("description")),
                [s.strip() for s in synonyms_raw if s.strip()],
                known_languages,
                problems,
            )
            if found is not None:
                if found.locale in translations:
                    problems.append(
                        _problem(
                            where,
                            _("The language “%(tag)s” is given twice.") % {"tag": found.locale},
                        )
                    )
                translations[found.locale] = found
        records.append(
            SkillRecord(
                code=code,
                parent=parent,
                wikidata_qid=qid,
                position=position or 0,
                is_active=bool(active),
                translations=translations,
                where=where,
            )
        )
    if problems:
        raise TaxonomyFileError(problems)
    return records


def parse_csv(data: bytes | str, known_languages: Callable[[str], bool]) -> list[SkillRecord]:
    """Records from CSV rows (one per translation); raises :class:`TaxonomyFileError`."""
    reader = csv.DictReader(io.StringIO(_decode(data), newline=""))
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [name for name in CSV_COLUMNS if name not in header]
    if missing:
        raise TaxonomyFileError(
            _("The CSV header lacks these columns: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    problems: list[str] = []
    records: dict[str, SkillRecord] = {}
    try:
        for line, raw in enumerate(reader, start=2):
            where = _("row %(number)d") % {"number": line}
            if None in raw:
                problems.append(_problem(where, _("The row has more cells than the header.")))
                continue
            row = {key.strip(): (value or "").strip() for key, value in raw.items() if key}
            if not any(row.values()):
                continue
            code = row["code"]
            position = _parse_position(row["position"])
            active = _parse_bool(row["is_active"] or "true")
            before = len(problems)
            _check_skill_fields(
                where, code, row["parent"], row["wikidata_qid"], position, active, problems
            )
            synonyms = [s.strip() for s in row["synonyms"].split("|") if s.strip()]
            found = _translation(
                where,
                row["locale"],
                row["label"],
                row["description"],
                synonyms,
                known_languages,
                problems,
            )
            if len(problems) > before or found is None:
                continue
            record = records.get(code)
            if record is None:
                if len(records) >= MAX_SKILLS:
                    raise TaxonomyFileError(
                        _("A file can hold at most %(count)d skills.") % {"count": MAX_SKILLS}
                    )
                record = SkillRecord(
                    code=code,
                    parent=row["parent"],
                    wikidata_qid=row["wikidata_qid"],
                    position=position or 0,
                    is_active=bool(active),
                    where=where,
                )
                records[code] = record
            elif (record.parent, record.wikidata_qid, record.position, record.is_active) != (
                row["parent"],
                row["wikidata_qid"],
                position,
                active,
            ):
                problems.append(
                    _problem(
                        where,
                        _(
                            "The skill “%(code)s” has different parent, Wikidata item, position "
                            "or active values than on %(first)s."
                        )
                        % {"code": code, "first": record.where},
                    )
                )
                continue
            if found.locale in record.translations:
                problems.append(
                    _problem(
                        where,
                        _("The skill “%(code)s” already has a row in “%(tag)s”.")
                        % {"code": code, "tag": found.locale},
                    )
                )
                continue
            record.translations[found.locale] = found
    except csv.Error as exc:
        raise TaxonomyFileError(
            _("The CSV file could not be read: %(error)s") % {"error": str(exc)}
        ) from exc
    if problems:
        raise TaxonomyFileError(problems)
    return list(records.values())


def check_tree(records: list[SkillRecord], existing: Mapping[str, str]) -> None:
    """Refuse duplicate codes, unknown parents, cycles and trees deeper than three levels.

    ``existing`` maps the code of every skill already stored to its parent's code ("" for an
    area). The file's skills replace the stored ones with the same code."""
    problems: list[str] = []
    seen: dict[str, SkillRecord] = {}
    for record in records:
        if record.code in seen:
            problems.append(
                _problem(
                    record.where,
                    _("The code “%(code)s” appears more than once (first in %(first)s).")
                    % {"code": record.code, "first": seen[record.code].where},
                )
            )
        else:
            seen[record.code] = record
    parents: dict[str, str] = dict(existing)
    parents.update({record.code: record.parent for record in seen.values()})
    for record in seen.values():
        if record.parent and record.parent not in parents:
            problems.append(
                _problem(
                    record.where,
                    _("The parent “%(parent)s” is neither in the file nor in the taxonomy.")
                    % {"parent": record.parent},
                )
            )
    if problems:
        raise TaxonomyFileError(problems)
    for record in seen.values():
        chain = [record.code]
        node = record.code
        while parents.get(node):
            node = parents[node]
            if node in chain:
                problems.append(
                    _problem(
                        record.where,
                        _("The parents form a cycle: %(cycle)s.")
                        % {"cycle": " → ".join([*chain, node])},
                    )
                )
                break
            chain.append(node)
        else:
            if len(chain) - 1 > MAX_DEPTH:
                problems.append(
                    _problem(
                        record.where,
                        _(
                            "“%(code)s” would be %(levels)d levels deep; skills can be at most "
                            "three levels deep (area, skill, sub-skill)."
                        )
                        % {"code": record.code, "levels": len(chain)},
                    )
                )
    # A stored skill that the file does not mention may be pushed too deep by a moved ancestor.
    for code in existing:
        if code in seen:
            continue
        depth, node = 0, code
        while parents.get(node) and depth <= MAX_DEPTH + 1:
            node = parents[node]
            depth += 1
        if depth > MAX_DEPTH:
            problems.append(
                _(
                    "The stored skill “%(code)s” would end up more than three levels deep "
                    "under the new parents."
                )
                % {"code": code}
            )
    if problems:
        raise TaxonomyFileError(problems)


def order_parents_first(records: list[SkillRecord]) -> list[SkillRecord]:
    """Records sorted so that a parent in the file comes before its children."""
    by_code = {record.code: record for record in records}

    def depth_in_file(record: SkillRecord) -> int:
        depth, node = 0, record
        while node.parent in by_code and depth <= MAX_DEPTH + 1:
            node = by_code[node.parent]
            depth += 1
        return depth

    return sorted(records, key=depth_in_file)


# ----------------------------------------------------------------------------------- writing


def dump_json(records: Iterable[SkillRecord]) -> str:
    skills = [
        {
            "code": record.code,
            "parent": record.parent,
            "wikidata_qid": record.wikidata_qid,
            "position": record.position,
            "is_active": record.is_active,
            "translations": {
                locale: {
                    "label": t.label,
                    "description": t.description,
                    "synonyms": list(t.synonyms),
                }
                for locale, t in sorted(record.translations.items())
            },
        }
        for record in records
    ]
    document = {"format": FORMAT_NAME, "version": FORMAT_VERSION, "skills": skills}
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def dump_csv(records: Iterable[SkillRecord]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for record in records:
        for locale, t in sorted(record.translations.items()):
            writer.writerow(
                [
                    record.code,
                    record.parent,
                    record.wikidata_qid,
                    record.position,
                    "true" if record.is_active else "false",
                    locale,
                    t.label,
                    t.description,
                    "|".join(t.synonyms),
                ]
            )
    return out.getvalue()


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    translations: int = 0


def write_records(
    records: list[SkillRecord], *, skill_model: Any, translation_model: Any
) -> ImportSummary:
    """Store checked records (run :func:`check_tree` first, inside a transaction).

    Works with real and historical models alike: ``depth`` and ``search_text`` are set here
    because historical models do not run the custom ``save()``."""
    summary = ImportSummary()
    skills: dict[str, Any] = {s.code: s for s in skill_model.objects.all()}
    for record in order_parents_first(records):
        parent = skills[record.parent] if record.parent else None
        values = {
            "parent": parent,
            "depth": 0 if parent is None else parent.depth + 1,
            "wikidata_qid": record.wikidata_qid,
            "position": record.position,
            "is_active": record.is_active,
        }
        skill = skills.get(record.code)
        if skill is None:
            skill = skill_model.objects.create(code=record.code, **values)
            skills[record.code] = skill
            summary.created += 1
        else:
            changed = [name for name, value in values.items() if getattr(skill, name) != value]
            if changed:
                for name in changed:
                    setattr(skill, name, values[name])
                skill.save(update_fields=[*changed, "updated_at"])
                summary.updated += 1
        for t in record.translations.values():
            translation_model.objects.update_or_create(
                skill=skill,
                locale=t.locale,
                defaults={
                    "label": t.label,
                    "description": t.description,
                    "synonyms": list(t.synonyms),
                    "search_text": search_text_for(t.label, t.synonyms),
                },
            )
            summary.translations += 1
    recompute_depths(skill_model)
    return summary


def recompute_depths(skill_model: Any) -> None:
    """Set every skill's stored depth from its parents (after moves), top down."""
    rows = list(skill_model.objects.values_list("pk", "parent_id", "depth"))
    parent_of = {pk: parent for pk, parent, _depth in rows}
    stored = {pk: depth for pk, _parent, depth in rows}
    changed = []
    for pk in parent_of:
        depth, node = 0, pk
        while parent_of.get(node) is not None and depth <= MAX_DEPTH:
            node = parent_of[node]
            depth += 1
        if depth != stored[pk]:
            changed.append((pk, depth))
    for pk, depth in changed:
        skill_model.objects.filter(pk=pk).update(depth=depth)
