"""The vocabulary shipped in taxonomy/data/ and loaded by the data migration."""

from __future__ import annotations

import pycountry
import pytest
from django.core.management import call_command

from skillcommons.taxonomy import proficiency
from skillcommons.taxonomy.actions import region_for_country, validate_language_tag
from skillcommons.taxonomy.interchange import QID_RE
from skillcommons.taxonomy.languages import script_direction
from skillcommons.taxonomy.models import (
    CountryRegion,
    Language,
    RegionScheme,
    Skill,
    SkillTranslation,
)
from skillcommons.taxonomy.regions import REGION_CODES

pytestmark = pytest.mark.django_db

UI_TAGS = ["en", "es", "fr", "pt-BR", "ar", "bn", "hi"]


def test_seed_has_two_or_three_levels_of_60_to_90_skills() -> None:
    skills = list(Skill.objects.all())
    assert 60 <= len(skills) <= 90
    assert {s.depth for s in skills} == {0, 1, 2}
    for skill in skills:
        expected = 0 if skill.parent is None else skill.parent.depth + 1
        assert skill.depth == expected <= 2


def test_every_seed_skill_is_labelled_and_described_in_every_ui_language() -> None:
    for skill in Skill.objects.prefetch_related("translations"):
        by_locale = {t.locale: t for t in skill.translations.all()}
        assert sorted(by_locale) == sorted(UI_TAGS), skill.code
        for t in by_locale.values():
            assert t.label.strip() and t.description.strip(), (skill.code, t.locale)


def test_translations_are_not_copies_of_english() -> None:
    english = dict(SkillTranslation.objects.filter(locale="en").values_list("skill_id", "label"))
    for tag in ["ar", "bn", "hi"]:
        labels = SkillTranslation.objects.filter(locale=tag).values_list("skill_id", "label")
        copies = [label for skill_id, label in labels if label == english[skill_id]]
        assert copies == [], tag  # other scripts: never identical
    for tag in ["es", "fr", "pt-BR"]:
        found = SkillTranslation.objects.filter(locale=tag)
        copies = [r.label for r in found if r.description == english_description(r.skill_id)]
        assert copies == []


def english_description(skill_id: int) -> str:
    return SkillTranslation.objects.get(skill_id=skill_id, locale="en").description


def test_the_areas_of_the_recommendation_are_present() -> None:
    areas = set(Skill.objects.filter(depth=0).values_list("code", flat=True))
    assert {
        "editing",
        "community-outreach",
        "volunteer-management",
        "advocacy",
        "conflict-resolution",
        "partnerships",
        "fundraising",
        "organizational-development",
        "project-management",
        "communication",
        "leadership",
        "technical",
    } <= areas


def test_wikidata_ids_are_well_formed_and_the_known_ones_are_right() -> None:
    for qid in Skill.objects.exclude(wikidata_qid="").values_list("wikidata_qid", flat=True):
        assert QID_RE.match(qid)
    assert Skill.objects.get(code="wikidata").wikidata_qid == "Q2013"
    assert Skill.objects.get(code="lua").wikidata_qid == "Q207316"


def test_synonyms_are_searchable() -> None:
    lua = SkillTranslation.objects.get(skill__code="lua", locale="en")
    assert "Scribunto" in lua.synonyms
    assert "scribunto" in lua.search_text


def test_languages_cover_wikimedia_projects_with_directions() -> None:
    assert Language.objects.count() >= 300
    for tag in UI_TAGS:
        assert Language.objects.filter(code=tag).exists()
    rtl = set(Language.objects.filter(direction="rtl").values_list("code", flat=True))
    assert {"ar", "he", "fa", "ur", "sd", "ps", "yi", "dv", "syc", "nqo", "ckb", "ug", "arz"} <= rtl
    assert not {"en", "hi", "bn", "ku", "lad", "tr"} & rtl
    assert Language.objects.get(code="ar").autonym == "العربية"
    for language in Language.objects.all():
        assert language.direction == script_direction(language.code), language.code


def test_unknown_language_tags_are_refused() -> None:
    assert validate_language_tag("pt_br") == "pt-BR"
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_language_tag("not a tag")
    with pytest.raises(ValidationError):
        validate_language_tag("qaa")  # well-formed, but not a known language


def test_every_country_is_mapped_in_the_current_scheme() -> None:
    scheme = RegionScheme.objects.get(is_current=True)
    assert scheme.version == "2024"
    assert set(scheme.regions.values_list("code", flat=True)) == set(REGION_CODES)
    mapped = set(CountryRegion.objects.filter(scheme=scheme).values_list("country", flat=True))
    assert mapped == {c.alpha_2 for c in pycountry.countries}


@pytest.mark.parametrize(
    ("country", "region"),
    [
        ("US", "NA"),
        ("CA", "NA"),
        ("MX", "LAC"),
        ("BR", "LAC"),
        ("JM", "LAC"),
        ("IN", "SA"),
        ("AF", "SA"),
        ("EG", "MENA"),
        ("IR", "MENA"),
        ("SD", "MENA"),
        ("TR", "CEECA"),
        ("UA", "CEECA"),
        ("KZ", "CEECA"),
        ("SE", "NWE"),
        ("IE", "NWE"),
        ("JP", "ESEAP"),
        ("NZ", "ESEAP"),
        ("NG", "SSA"),
        ("ZA", "SSA"),
    ],
)
def test_region_for_country(country: str, region: str) -> None:
    assert region_for_country(country) == region
    assert region_for_country(country.lower(), "2024") == region


def test_region_for_unknown_country_or_scheme_is_empty() -> None:
    assert region_for_country("") == ""
    assert region_for_country("ZZ") == ""
    assert region_for_country("US", "1999") == ""


def test_reloading_the_seed_is_idempotent_and_repairs_edits() -> None:
    counts = (Skill.objects.count(), SkillTranslation.objects.count(), Language.objects.count())
    SkillTranslation.objects.filter(skill__code="lua", locale="fr").update(label="abîmé")
    call_command("load_taxonomy_seed", verbosity=0)
    call_command("load_taxonomy_seed", verbosity=0)
    assert counts == (
        Skill.objects.count(),
        SkillTranslation.objects.count(),
        Language.objects.count(),
    )
    assert (
        SkillTranslation.objects.get(skill__code="lua", locale="fr").label == "Programmation en Lua"
    )
    assert RegionScheme.objects.filter(is_current=True).count() == 1


def test_proficiency_scale_has_five_described_levels() -> None:
    levels = proficiency.scale()
    assert [value for value, _name, _description in levels] == [0, 1, 2, 3, 4]
    assert all(name and description for _value, name, description in levels)
    assert str(proficiency.Proficiency(4).label) == "Expert, can teach others"
    with pytest.raises(ValueError):
        proficiency.describe(5)


def test_a_new_scheme_version_does_not_change_answers_for_the_old_one() -> None:
    import datetime

    from skillcommons.taxonomy.models import Region

    old = RegionScheme.objects.get(version="2024")
    RegionScheme.objects.update(is_current=False)
    new = RegionScheme.objects.create(
        version="2030", effective_from=datetime.date(2030, 1, 1), is_current=True
    )
    CountryRegion.objects.create(
        scheme=new, country="TR", region=Region.objects.create(scheme=new, code="MENA")
    )
    assert region_for_country("TR") == "MENA"
    assert region_for_country("TR", old) == "CEECA"
    assert region_for_country("TR", "2024") == "CEECA"
