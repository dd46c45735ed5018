"""XLSForm import and export (the format of KoboToolbox and ODK), through pyxform.

No ORM here: :func:`parse` turns an ``.xlsx`` or ``.csv`` file into a :class:`FormDefinition`, and
:func:`to_xlsx` writes one back. ``actions`` stores definitions and builds them from versions.

What is understood (anything else is refused with a message naming the survey row):

- ``select_one`` (single choice; with appearance ``likert``, a Likert scale), ``select_multiple``,
  ``integer`` and ``decimal`` (a number; a ``constraint`` of the form ``. >= a``, ``. <= b`` or
  both joined by ``and`` sets its range), ``text``;
- labels and hints in any number of languages (``label::English (en)``); the language code in
  parentheses is the locale;
- ``required``, and ``relevant`` in the subset of ``skiplogic``;
- the skill matrix: a ``begin_group`` whose appearance contains ``skill-matrix``, holding for each
  skill the rows ``<group>__<skill code>__proficiency``, ``__importance``, ``__wants_to_learn``,
  ``__can_teach`` and ``__robustness`` (the last asked only of organizations). Exports write it
  that way so that KoboToolbox shows it as ordinary questions;
- metadata rows (``start``, ``end``, ``today``, ``deviceid``, ``username``…) are skipped.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import langcodes
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook  # type: ignore[import-untyped]
from pyxform.errors import PyXFormError  # type: ignore[import-untyped]
from pyxform.xls2json import workbook_to_json  # type: ignore[import-untyped]
from pyxform.xls2json_backends import get_xlsform  # type: ignore[import-untyped]

from . import skiplogic

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_QUESTIONS = 300
MAX_LABEL = 2000
MATRIX_APPEARANCE = "skill-matrix"
MATRIX_PARTS = ("proficiency", "importance", "wants_to_learn", "can_teach", "robustness")
METADATA_TYPES = {
    "start",
    "end",
    "today",
    "deviceid",
    "subscriberid",
    "simserial",
    "phonenumber",
    "username",
    "email",
    "audit",
    "start-geopoint",
}
SCALE_LIST = "sc_scale_0_4"
YES_NO_LIST = "sc_yes_no"
ROBUSTNESS_LIST = "sc_robustness_0_2"
_RANGE_PART = re.compile(r"^\.\s*(>=|<=)\s*(-?\d+(?:\.\d+)?)$")
_LOCALE_IN_NAME = re.compile(r"\(([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)\)\s*$")


class XLSFormError(ValueError):
    """A form that cannot be imported, with a translated message (naming the row if known)."""


@dataclass
class ChoiceSpec:
    value: str
    label: dict[str, str]


@dataclass
class QuestionSpec:
    name: str
    kind: str  # a Question.Kind value
    label: dict[str, str]
    hint: dict[str, str] = field(default_factory=dict)
    required: bool = False
    relevance: str = ""
    list_name: str = ""
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    choices: list[ChoiceSpec] = field(default_factory=list)
    #: Skill-matrix questions: skill codes in order, and (for export) each skill's labels.
    skills: list[str] = field(default_factory=list)
    skill_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    #: Row of the survey sheet (1 = the header), for messages; 0 when unknown.
    row: int = 0


@dataclass
class FormDefinition:
    slug: str
    title: dict[str, str]
    locales: list[str]
    questions: list[QuestionSpec]


# -- import -------------------------------------------------------------------------------------


def _locale_of(language_name: str, default: str) -> str:
    if language_name in ("", "default"):
        return default
    found = _LOCALE_IN_NAME.search(language_name)
    if found:
        return langcodes.standardize_tag(found.group(1))
    try:
        return langcodes.find(language_name.strip()).language or default
    except LookupError:
        raise XLSFormError(
            _(
                "The language “%(name)s” is not recognised; write it with its code, such as "
                "“English (en)”."
            )
            % {"name": language_name}
        ) from None


def _texts(value: Any, default: str, row: int) -> dict[str, str]:
    if value is None or value == "":
        return {}
    items = value.items() if isinstance(value, dict) else [("default", value)]
    result: dict[str, str] = {}
    for language_name, text in items:
        text = str(text).strip()
        if len(text) > MAX_LABEL:
            raise XLSFormError(
                _("Row %(row)d: a label or hint is longer than %(limit)d characters.")
                % {"row": row, "limit": MAX_LABEL}
            )
        if text:
            result[_locale_of(str(language_name), default)] = text
    return result


def _flag(value: Any) -> bool:
    return str(value or "").strip().lower() in {"yes", "true", "true()", "1"}


def _parse_range(constraint: str, row: int) -> tuple[Decimal | None, Decimal | None]:
    low: Decimal | None = None
    high: Decimal | None = None
    if not constraint.strip():
        return low, high
    for part in re.split(r"\s+and\s+", constraint.strip()):
        match = _RANGE_PART.match(part.strip())
        if match is None:
            raise XLSFormError(
                _(
                    "Row %(row)d: the constraint “%(constraint)s” is not supported; only ranges "
                    "such as “. >= 0 and . <= 10” are."
                )
                % {"row": row, "constraint": constraint}
            )
        number = Decimal(match.group(2))
        if match.group(1) == ">=":
            low = number
        else:
            high = number
    if low is not None and high is not None and low > high:
        raise XLSFormError(
            _("Row %(row)d: the smallest allowed value is above the largest.") % {"row": row}
        )
    return low, high


def _read_workbook(content: bytes, file_name: str) -> Any:
    suffix = "." + file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if suffix not in (".xlsx", ".csv"):
        raise XLSFormError(_("Upload an XLSForm as an .xlsx or .csv file."))
    if len(content) > MAX_FILE_BYTES:
        raise XLSFormError(
            _("The file is larger than %(limit)d MB.") % {"limit": MAX_FILE_BYTES // (1024 * 1024)}
        )
    try:
        return get_xlsform(io.BytesIO(content), file_type=suffix)
    except (PyXFormError, ValueError, KeyError, OSError, UnicodeDecodeError) as error:
        raise XLSFormError(
            _("The file could not be read as an XLSForm: %(error)s") % {"error": str(error)}
        ) from None
    except Exception:  # openpyxl raises many types on corrupt zips
        raise XLSFormError(_("The file could not be read as an XLSForm.")) from None


def parse(content: bytes, file_name: str) -> FormDefinition:
    """Read an XLSForm (``.xlsx`` or ``.csv``). Raises :class:`XLSFormError`."""
    workbook = _read_workbook(content, file_name)
    if not workbook.survey:
        raise XLSFormError(_("The form has no survey sheet, or it is empty."))
    # Rows of the survey sheet by question name (row 1 is the header).
    rows: dict[str, int] = {}
    for index, raw in enumerate(workbook.survey):
        name = str(raw.get("name") or "").strip()
        if name and name not in rows:
            rows[name] = index + 2
    # pyxform replaces typographic quotes in every text (’ becomes '); labels keep the originals.
    raw_texts = _raw_texts(workbook)
    try:
        form = workbook_to_json(workbook, form_name="form", warnings=[])
    except PyXFormError as error:
        raise XLSFormError(
            _("The form is not valid XLSForm: %(error)s") % {"error": str(error)}
        ) from None
    except Exception as error:  # pyxform raises plain errors on odd sheets
        raise XLSFormError(
            _("The form is not valid XLSForm: %(error)s") % {"error": str(error)}
        ) from None

    settings_rows = workbook.settings or [{}]
    default_language = str(form.get("default_language") or "default")
    default_locale = _locale_of(default_language, "en") if default_language != "default" else "en"
    slug = re.sub(r"[^a-z0-9-]+", "-", str(form.get("id_string") or "").lower()).strip("-")
    title_text = str(settings_rows[0].get("form_title") or form.get("title") or slug).strip()
    questions: list[QuestionSpec] = []
    for child in form.get("children", []):
        spec = _question(child, rows, default_locale, [q.name for q in questions])
        if spec is not None:
            questions.append(spec)
    for spec in questions:
        for attribute in ("label", "hint"):
            found = raw_texts.get(("survey", spec.name, attribute))
            if found is not None:
                setattr(spec, attribute, _texts(found, default_locale, spec.row))
        for choice in spec.choices:
            found = raw_texts.get((spec.list_name, choice.value, "label"))
            if found is not None:
                choice.label = _texts(found, default_locale, spec.row)
    if not questions:
        raise XLSFormError(_("The form has no questions."))
    if len(questions) > MAX_QUESTIONS:
        raise XLSFormError(
            _("The form has more than %(limit)d questions.") % {"limit": MAX_QUESTIONS}
        )
    locales: list[str] = [default_locale]
    for question in questions:
        for texts in (question.label, question.hint, *[c.label for c in question.choices]):
            for locale in texts:
                if locale not in locales:
                    locales.append(locale)
    return FormDefinition(
        slug=slug[:80],
        title={default_locale: title_text[:200]},
        locales=locales,
        questions=questions,
    )


def _raw_texts(workbook: Any) -> dict[tuple[str, str, str], dict[str, str]]:
    """Labels and hints as typed: ``(sheet or list name, name, "label"|"hint") -> {language: text}``."""
    found: dict[tuple[str, str, str], dict[str, str]] = {}
    sources = [("survey", row) for row in workbook.survey or []]
    sources += [(str(row.get("list_name") or ""), row) for row in workbook.choices or []]
    for scope, row in sources:
        name = str(row.get("name") or "").strip()
        if not name:
            continue
        for column, value in row.items():
            head, _sep, language = str(column).partition("::")
            head = head.strip().lower()
            if head in ("label", "hint") and value not in (None, ""):
                texts = found.setdefault((scope, name, head), {})
                texts[language.strip() or "default"] = str(value)
    return found


def _question(
    child: dict[str, Any], rows: dict[str, int], locale: str, earlier: list[str]
) -> QuestionSpec | None:
    kind = str(child.get("type", ""))
    name = str(child.get("name", ""))
    row = rows.get(name, 0)
    if kind in METADATA_TYPES or (kind == "group" and name == "meta"):
        return None
    bind = child.get("bind") or {}
    appearance = str((child.get("control") or {}).get("appearance") or "")
    relevance = str(bind.get("relevant") or "").strip()
    try:
        skiplogic.check(relevance, known=earlier)
    except skiplogic.SkipLogicError as error:
        raise XLSFormError(
            _("Row %(row)d (%(name)s): the relevance is not supported: %(error)s")
            % {"row": row, "name": name, "error": str(error)}
        ) from None
    spec = QuestionSpec(
        name=name,
        kind="",
        label=_texts(child.get("label"), locale, row),
        hint=_texts(child.get("hint"), locale, row),
        required=_flag(bind.get("required")),
        relevance=relevance,
        row=row,
    )
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]{0,63}", name):
        raise XLSFormError(
            _("Row %(row)d: the name “%(name)s” must be at most 64 letters, digits, - or _.")
            % {"row": row, "name": name[:80]}
        )
    if kind in ("select one", "select all that apply"):
        if child.get("itemset") and not child.get("choices"):
            raise XLSFormError(
                _("Row %(row)d (%(name)s): choices from a file are not supported.")
                % {"row": row, "name": name}
            )
        if kind == "select all that apply":
            spec.kind = "multiple"
        else:
            spec.kind = "likert" if "likert" in appearance.split() else "single"
        spec.list_name = str(child.get("list_name") or child.get("itemset") or "")
        spec.choices = [
            ChoiceSpec(value=str(c["name"]), label=_texts(c.get("label"), locale, row))
            for c in child.get("choices", [])
        ]
        if not spec.choices:
            raise XLSFormError(
                _("Row %(row)d (%(name)s): the choice list is empty.") % {"row": row, "name": name}
            )
        for choice in spec.choices:
            if len(choice.value) > 64 or " " in choice.value:
                raise XLSFormError(
                    _(
                        "Row %(row)d (%(name)s): the choice value “%(value)s” is too long or has a space."
                    )
                    % {"row": row, "name": name, "value": choice.value[:80]}
                )
    elif kind in ("integer", "decimal"):
        spec.kind = "number"
        spec.min_value, spec.max_value = _parse_range(str(bind.get("constraint") or ""), row)
    elif kind == "text":
        spec.kind = "text"
    elif kind == "group" and MATRIX_APPEARANCE in appearance.split():
        spec.kind = "skill_matrix"
        spec.skills = _matrix_skills(child, rows, row)
    elif kind == "group":
        raise XLSFormError(
            _(
                "Row %(row)d (%(name)s): groups are not supported, except a skill matrix "
                "(appearance “skill-matrix”)."
            )
            % {"row": row, "name": name}
        )
    else:
        raise XLSFormError(
            _("Row %(row)d (%(name)s): the question type “%(type)s” is not supported.")
            % {"row": row, "name": name, "type": kind}
        )
    return spec


def _matrix_skills(group: dict[str, Any], rows: dict[str, int], group_row: int) -> list[str]:
    prefix = f"{group['name']}__"
    skills: list[str] = []
    for child in group.get("children", []):
        name = str(child.get("name", ""))
        row = rows.get(name, group_row)
        rest = name.removeprefix(prefix) if name.startswith(prefix) else ""
        code, _sep, part = rest.rpartition("__")
        if not code or part not in MATRIX_PARTS:
            raise XLSFormError(
                _(
                    "Row %(row)d (%(name)s): a skill-matrix row must be named "
                    "<group>__<skill code>__<part>, the part one of %(parts)s."
                )
                % {"row": row, "name": name, "parts": ", ".join(MATRIX_PARTS)}
            )
        if code not in skills:
            skills.append(code)
    if not skills:
        raise XLSFormError(_("Row %(row)d: the skill matrix has no skills.") % {"row": group_row})
    return skills


# -- export -------------------------------------------------------------------------------------


def _language_column(locale: str) -> str:
    try:
        name = langcodes.Language.get(locale).display_name("en")
    except (LookupError, ValueError):
        name = locale
    return f"{name} ({locale})"


def _scale_labels(locales: list[str]) -> dict[str, list[dict[str, str]]]:
    lists: dict[str, list[dict[str, str]]] = {SCALE_LIST: [], YES_NO_LIST: [], ROBUSTNESS_LIST: []}
    for locale in locales:
        with translation.override(locale):
            scale = [
                _("0 – none"),
                _("1 – basic"),
                _("2 – intermediate"),
                _("3 – advanced"),
                _("4 – expert"),
            ]
            yes_no = [_("Yes"), _("No")]
            robustness = [
                _("0 – rests on one person"),
                _("1 – a few people"),
                _("2 – well shared"),
            ]
        for items, values, name in (
            (scale, ["0", "1", "2", "3", "4"], SCALE_LIST),
            (yes_no, ["yes", "no"], YES_NO_LIST),
            (robustness, ["0", "1", "2"], ROBUSTNESS_LIST),
        ):
            if not lists[name]:
                lists[name] = [{"value": v} for v in values]
            for entry, label in zip(lists[name], items, strict=True):
                entry[locale] = label
    return lists


def _part_labels(locale: str, skill: str) -> dict[str, str]:
    with translation.override(locale):
        return {
            "proficiency": _("%(skill)s: your level") % {"skill": skill},
            "importance": _("%(skill)s: how important for your work") % {"skill": skill},
            "wants_to_learn": _("%(skill)s: do you want to learn it?") % {"skill": skill},
            "can_teach": _("%(skill)s: can you teach it?") % {"skill": skill},
            "robustness": _("%(skill)s: how many people hold it in your group?") % {"skill": skill},
        }


def to_xlsx(definition: FormDefinition) -> bytes:
    """Write ``definition`` as an XLSForm workbook (survey, choices, settings)."""
    locales = definition.locales or ["en"]
    columns = {locale: _language_column(locale) for locale in locales}
    book = Workbook()
    survey = book.active
    assert survey is not None
    survey.title = "survey"
    survey.append(
        ["type", "name"]
        + [f"label::{columns[lo]}" for lo in locales]
        + [f"hint::{columns[lo]}" for lo in locales]
        + ["required", "relevant", "appearance", "constraint"]
    )
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name"] + [f"label::{columns[lo]}" for lo in locales])
    written_lists: set[str] = set()
    matrix_used = False

    def texts(values: dict[str, str]) -> list[str]:
        return [values.get(lo, "") for lo in locales]

    for question in definition.questions:
        required = "yes" if question.required else ""
        if question.kind == "skill_matrix":
            matrix_used = True
            survey.append(
                [
                    "begin_group",
                    question.name,
                    *texts(question.label),
                    *texts(question.hint),
                    "",
                    question.relevance,
                    f"field-list {MATRIX_APPEARANCE}",
                    "",
                ]
            )
            for code in question.skills:
                skill_label = question.skill_labels.get(code, {})
                per_locale = {
                    lo: _part_labels(lo, skill_label.get(lo) or skill_label.get("en") or code)
                    for lo in locales
                }
                for part, list_name in (
                    ("proficiency", SCALE_LIST),
                    ("importance", SCALE_LIST),
                    ("wants_to_learn", YES_NO_LIST),
                    ("can_teach", YES_NO_LIST),
                    ("robustness", ROBUSTNESS_LIST),
                ):
                    survey.append(
                        [f"select_one {list_name}", f"{question.name}__{code}__{part}"]
                        + [per_locale[lo][part] for lo in locales]
                        + [""] * len(locales)
                        + ["", "", "", ""]
                    )
            survey.append(["end_group"])
            continue
        if question.kind in ("single", "multiple", "likert"):
            list_name = question.list_name or question.name
            kind = (
                "select_multiple " if question.kind == "multiple" else "select_one "
            ) + list_name
            if list_name not in written_lists:
                written_lists.add(list_name)
                for choice in question.choices:
                    choices.append([list_name, choice.value, *texts(choice.label)])
        elif question.kind == "number":
            kind = "decimal"
        else:
            kind = "text"
        constraint_parts = []
        if question.min_value is not None:
            constraint_parts.append(f". >= {_number_text(question.min_value)}")
        if question.max_value is not None:
            constraint_parts.append(f". <= {_number_text(question.max_value)}")
        survey.append(
            [
                kind,
                question.name,
                *texts(question.label),
                *texts(question.hint),
                required,
                question.relevance,
                "likert" if question.kind == "likert" else "",
                " and ".join(constraint_parts),
            ]
        )
    if matrix_used:
        for list_name, entries in _scale_labels(locales).items():
            for entry in entries:
                choices.append([list_name, entry["value"], *[entry[lo] for lo in locales]])
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "default_language", "version"])
    default = locales[0]
    settings.append(
        [
            definition.title.get(default) or next(iter(definition.title.values()), definition.slug),
            definition.slug,
            columns[default],
            "",
        ]
    )
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def _number_text(value: Decimal) -> str:
    try:
        normal = value.normalize()
    except InvalidOperation:
        return str(value)
    return format(normal, "f")
