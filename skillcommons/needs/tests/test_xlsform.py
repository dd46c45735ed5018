"""XLSForm import (.csv and .xlsx), export, the round trip, and refused forms."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]
from pyxform.xls2xform import convert  # type: ignore[import-untyped]

from skillcommons.accounts.models import User
from skillcommons.needs import actions
from skillcommons.needs.models import InstrumentVersion, Question

from .factories import make_skill, make_user, make_version

pytestmark = pytest.mark.django_db

CSV = """survey,,,,,,,,,
,type,name,label::English (en),label::Français (fr),hint::English (en),required,relevant,appearance,constraint
,start,start,,,,,,,
,select_one roles,role,Your role,Votre rôle,Pick one,yes,,,
,text,role_other,Which role?,Quel rôle ?,,yes,${role} = 'other',,
,select_multiple topics,topics,Topics,Sujets,,,,,
,integer,years,Years active,Années,,,,,. >= 0 and . <= 50
,select_one agree,satisfied,Satisfied?,Satisfait ?,,,"${years} > 1 and not(selected(${topics}, 'art'))",likert,
,begin_group,skills,Your skills,Vos compétences,,,${role} != 'editor',field-list skill-matrix,
,select_one sc_scale_0_4,skills__wikidata-editing__proficiency,Wikidata: level,Wikidata : niveau,,,,,
,select_one sc_scale_0_4,skills__wikidata-editing__importance,Wikidata: importance,Wikidata : importance,,,,,
,select_one sc_scale_0_4,skills__fundraising__proficiency,Fundraising: level,Collecte : niveau,,,,,
,end_group,,,,,,,,
choices,,,,,,,,,
,list_name,name,label::English (en),label::Français (fr),,,,,
,roles,editor,Editor,Contributeur,,,,,
,roles,other,Other,Autre,,,,,
,topics,art,Art,Art,,,,,
,topics,science,Science,Science,,,,,
,agree,1,Disagree,Pas d’accord,,,,,
,agree,2,Agree,D’accord,,,,,
,sc_scale_0_4,0,0,0,,,,,
,sc_scale_0_4,4,4,4,,,,,
settings,,,,,,,,,
,form_title,form_id,default_language,,,,,,
,Capacity survey,capacity-survey,English (en),,,,,,
"""


def _csv(text: str = CSV) -> bytes:
    return text.encode("utf-8")


def _snapshot(version: InstrumentVersion) -> list[tuple[object, ...]]:
    return [
        (
            q.name,
            q.kind,
            q.label,
            q.hint,
            q.required,
            q.relevance,
            q.min_value,
            q.max_value,
            [(c.value, c.label) for c in q.choices.all()],
            sorted(s.code for s in q.skills.all()),
        )
        for q in version.questions.prefetch_related("choices", "skills")
    ]


@pytest.fixture
def coordinator() -> User:
    make_skill("wikidata-editing", "Wikidata editing", fr="Édition de Wikidata")
    make_skill("fundraising", "Fundraising")
    return make_user("Coord", coordinator=True)


def test_csv_import_keeps_types_languages_relevance_and_the_skill_matrix(coordinator: User) -> None:
    version = actions.import_xlsform(by=coordinator, content=_csv(), file_name="form.csv")
    assert version.instrument.slug == "capacity-survey"
    assert version.locales == ["en", "fr"]
    assert not version.is_published
    by_name = {q.name: q for q in version.questions.all()}
    assert list(by_name) == ["role", "role_other", "topics", "years", "satisfied", "skills"]
    assert by_name["role"].kind == Question.Kind.SINGLE
    assert by_name["role"].required
    assert by_name["role"].label == {"en": "Your role", "fr": "Votre rôle"}
    assert by_name["role"].hint == {"en": "Pick one"}
    assert by_name["topics"].kind == Question.Kind.MULTIPLE
    assert by_name["years"].kind == Question.Kind.NUMBER
    assert by_name["years"].min_value == 0
    assert by_name["years"].max_value == 50
    assert by_name["satisfied"].kind == Question.Kind.LIKERT
    assert by_name["satisfied"].relevance.startswith("${years} > 1")
    assert by_name["skills"].kind == Question.Kind.SKILL_MATRIX
    assert sorted(s.code for s in by_name["skills"].skills.all()) == [
        "fundraising",
        "wikidata-editing",
    ]
    assert [c.label for c in by_name["role"].choices.all()][1] == {"en": "Other", "fr": "Autre"}


def test_export_then_import_is_a_round_trip(coordinator: User) -> None:
    original = make_version(coordinator)
    content = actions.export_xlsform(version=original)
    again = actions.import_xlsform(
        by=coordinator, content=content, file_name="export.xlsx", slug="copy"
    )
    assert again.locales == original.locales
    assert again.title == {"en": "Capacity map"}
    assert _snapshot(again) == _snapshot(original)


def test_the_export_is_a_valid_xlsform_for_odk_and_kobo(coordinator: User) -> None:
    content = actions.export_xlsform(version=make_version(coordinator))
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["survey", "choices", "settings"]
    header = [cell.value for cell in book["survey"][1]]
    assert "label::English (en)" in header
    assert "label::French (fr)" in header
    result = convert(xlsform=content, file_type=".xlsx", validate=False)
    assert "<h:title>Capacity map</h:title>" in result.xform
    assert "wikidata-editing__proficiency" in result.xform


def _broken(replace: str, by: str) -> bytes:
    assert replace in CSV
    return _csv(CSV.replace(replace, by))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (_broken(",text,role_other", ",geopoint,role_other"), "Row 4 (role_other)"),
        (
            _broken("${role} = 'other'", "string-length(${role}) > 2"),
            "Row 4 (role_other): the relevance is not supported",
        ),
        (_broken("${role} = 'other'", "${years} > 2"), "Row 4 (role_other)"),
        (_broken(". >= 0 and . <= 50", "regex(., '[0-9]+')"), "Row 6"),
        (
            _broken("skills__fundraising__proficiency", "skills__astrology__proficiency"),
            "astrology",
        ),
        (_broken("skills__fundraising__proficiency", "fundraising_level"), "Row 11"),
        (_broken("field-list skill-matrix", "field-list"), "Row 8 (skills): groups are not"),
        (_broken(",select_multiple topics,", ",select_multiple missing_list,"), "missing_list"),
        (b"\x00\x01not a form", "XLSForm"),
        (b"", "XLSForm"),
    ],
)
def test_unsupported_or_malformed_forms_are_refused_naming_the_row(
    coordinator: User, content: bytes, message: str
) -> None:
    with pytest.raises(ValidationError) as error:
        actions.import_xlsform(by=coordinator, content=content, file_name="form.csv")
    text = " ".join(error.value.message_dict["file"])
    assert message in text
    assert not InstrumentVersion.objects.exists()


def test_a_corrupt_xlsx_and_other_file_types_are_refused(coordinator: User) -> None:
    for name, content in (("form.xlsx", b"PK\x03\x04 broken"), ("form.ods", b"x")):
        with pytest.raises(ValidationError):
            actions.import_xlsform(by=coordinator, content=content, file_name=name)
    assert not InstrumentVersion.objects.exists()


def test_an_xlsx_upload_imports_like_the_csv(coordinator: User) -> None:
    book = Workbook()
    sheets: dict[str, list[list[str]]] = {}
    current: list[list[str]] = []
    for cells in csv.reader(CSV.strip().splitlines()):
        if cells[0]:
            current = sheets.setdefault(cells[0], [])
        else:
            current.append(cells[1:])
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    output = io.BytesIO()
    book.save(output)
    from_xlsx = actions.import_xlsform(
        by=coordinator, content=output.getvalue(), file_name="form.xlsx", slug="from-xlsx"
    )
    from_csv = actions.import_xlsform(by=coordinator, content=_csv(), file_name="form.csv")
    assert _snapshot(from_xlsx) == _snapshot(from_csv)


def test_only_coordinators_import(coordinator: User) -> None:
    member = make_user("Member")
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.import_xlsform(by=member, content=_csv(), file_name="form.csv")
