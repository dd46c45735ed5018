"""``update_skill`` changes a skill's fields and labels in one all-or-nothing step."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from skillcommons.taxonomy import actions
from skillcommons.taxonomy.actions import TranslationInput
from skillcommons.taxonomy.models import Skill

from .factories import make_curator, make_member, make_skill

pytestmark = pytest.mark.django_db


def labels(skill: Skill) -> dict[str, str]:
    return dict(skill.translations.values_list("locale", "label"))


def test_fields_and_labels_change_together() -> None:
    skill = make_skill("mapping-test", {"en": "Mapping", "fr": "Cartographie"})
    actions.update_skill(
        actor=make_curator(),
        skill=skill,
        position=7,
        translations=[TranslationInput("es", "Cartografía"), TranslationInput("en", "Maps")],
        remove_locales=["fr"],
    )
    skill.refresh_from_db()
    assert skill.position == 7
    assert labels(skill) == {"en": "Maps", "es": "Cartografía"}


def test_removing_the_last_label_refuses_the_whole_change() -> None:
    skill = make_skill("lonely-test", {"en": "Lonely"})
    with pytest.raises(ValidationError):
        actions.update_skill(actor=make_curator(), skill=skill, position=9, remove_locales=["en"])
    skill.refresh_from_db()
    assert skill.position == 0
    assert labels(skill) == {"en": "Lonely"}


def test_two_labels_in_one_language_are_refused_and_nothing_changes() -> None:
    skill = make_skill("twice-test", {"en": "Twice"})
    with pytest.raises(ValidationError):
        actions.update_skill(
            actor=make_curator(),
            skill=skill,
            code="renamed-test",
            translations=[TranslationInput("es", "Dos"), TranslationInput("es", "Doble")],
        )
    skill.refresh_from_db()
    assert skill.code == "twice-test"
    assert labels(skill) == {"en": "Twice"}


def test_members_cannot_change_skills() -> None:
    skill = make_skill("guarded-test")
    with pytest.raises(PermissionDenied):
        actions.update_skill(actor=make_member(), skill=skill, position=3)
