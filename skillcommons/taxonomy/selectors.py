"""Reading the vocabulary for pages and the API: labels in the reader's language (with the
language actually used, so a fallback can be marked), the tree, and label search."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils import translation

from .languages import script_direction
from .locales import fallback_chain, normalize_tag
from .models import Skill, SkillTranslation

if TYPE_CHECKING:
    from skillcommons.core.types import Viewer

MAX_QUERY_LENGTH = 100


def ui_tag(language: str | None = None) -> str:
    """The BCP-47 tag of ``language`` (default: the active interface language)."""
    raw = language or translation.get_language() or "en"
    try:
        return normalize_tag(raw)
    except ValueError:
        return "en"


@dataclass(frozen=True)
class Localized:
    """A skill's text as shown to one reader."""

    label: str
    description: str
    locale: str  # the language of label and description
    is_fallback: bool  # True when the reader's language had no label
    direction: str  # "ltr" or "rtl", for the dir attribute


def localize(skill: Skill, language: str | None = None) -> Localized:
    wanted = ui_tag(language)
    found = skill.translation_for(wanted)
    if found is None:
        return Localized(skill.code, "", "zxx", True, "ltr")
    return Localized(
        label=found.label,
        description=found.description,
        locale=found.locale,
        is_fallback=found.locale != fallback_chain(wanted)[0],
        direction=script_direction(found.locale),
    )


@dataclass
class TreeNode:
    skill: Skill
    text: Localized
    children: list[TreeNode] = field(default_factory=list)


def skill_tree(viewer: Viewer, language: str | None = None) -> list[TreeNode]:
    """Areas with their skills and sub-skills, each level sorted by position then label."""
    skills = list(Skill.objects.visible_to(viewer).with_translations())
    nodes = {s.pk: TreeNode(s, localize(s, language)) for s in skills}
    roots: list[TreeNode] = []
    for node in nodes.values():
        parent_id = node.skill.parent_id
        if parent_id is None:
            roots.append(node)
        elif parent_id in nodes:
            nodes[parent_id].children.append(node)
        # A visible skill under a hidden (retired) parent is left out of the tree.

    def order(items: list[TreeNode]) -> None:
        items.sort(key=lambda n: (n.skill.position, n.text.label.casefold()))
        for item in items:
            order(item.children)

    order(roots)
    return roots


@dataclass(frozen=True)
class SearchHit:
    skill: Skill
    text: Localized  # the label in the reader's language
    matched: str  # the label or synonym that matched
    matched_locale: str
    matched_direction: str


def search_skills(
    viewer: Viewer, query: str, language: str | None = None, limit: int = 100
) -> list[SearchHit]:
    """Skills whose label or a synonym in any language contains ``query`` (case-folded).

    The reader's own language is preferred when a skill matches in several languages."""
    needle = " ".join(query.split()).casefold()[:MAX_QUERY_LENGTH]
    if not needle:
        return []
    matches = (
        SkillTranslation.objects.filter(
            search_text__contains=needle, skill__in=Skill.objects.visible_to(viewer)
        )
        .select_related("skill")
        .order_by("skill__depth", "skill__position", "skill__code", "locale")
    )
    preferred = fallback_chain(ui_tag(language))
    best: dict[int, SkillTranslation] = {}
    for row in matches:
        # SQLite's LIKE folds ASCII only, PostgreSQL's not at all: check again in Python.
        if needle not in row.search_text:
            continue
        held = best.get(row.skill_id)
        if held is None or (row.locale in preferred and held.locale not in preferred):
            best[row.skill_id] = row
    skills = {
        s.pk: s
        for s in Skill.objects.filter(pk__in=list(best)[:limit]).prefetch_related("translations")
    }
    hits = []
    for skill_id, row in list(best.items())[:limit]:
        skill = skills[skill_id]
        matched = row.label
        if needle not in row.label.casefold():
            matched = next((s for s in row.synonyms if needle in s.casefold()), row.label)
        hits.append(
            SearchHit(
                skill=skill,
                text=localize(skill, language),
                matched=matched,
                matched_locale=row.locale,
                matched_direction=script_direction(row.locale),
            )
        )
    return hits


def search_skill_ids(viewer: Viewer, query: str) -> list[int]:
    """Ids of the skills ``search_skills`` would find (for API filtering and pagination)."""
    needle = " ".join(query.split()).casefold()[:MAX_QUERY_LENGTH]
    if not needle:
        return []
    rows = SkillTranslation.objects.filter(
        search_text__contains=needle, skill__in=Skill.objects.visible_to(viewer)
    ).values_list("skill_id", "search_text")
    return sorted({skill_id for skill_id, text in rows if needle in text})
