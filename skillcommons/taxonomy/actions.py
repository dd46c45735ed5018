"""Writes to the vocabulary (skills and their labels, imports) and the lookups other apps use
(language tags, country → region). Pages, API and commands all call these functions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import interchange
from .interchange import ImportSummary, SkillRecord, TranslationRecord
from .locales import normalize_tag
from .models import (
    MAX_SKILL_DEPTH,
    CountryRegion,
    Language,
    RegionScheme,
    Skill,
    SkillTranslation,
)

if TYPE_CHECKING:
    from skillcommons.core.types import Viewer

Format = Literal["json", "csv"]


# ------------------------------------------------------------------------------- lookups


def known_language_codes() -> frozenset[str]:
    return frozenset(Language.objects.filter(is_active=True).values_list("code", flat=True))


def validate_language_tag(tag: str) -> str:
    """The canonical form of ``tag`` if it is a well-formed BCP-47 tag of a known language;
    otherwise a ValidationError (unknown tags are refused, not created)."""
    try:
        code = normalize_tag(tag)
    except ValueError:
        raise ValidationError(
            _("“%(tag)s” is not a valid language tag.") % {"tag": tag[:35]}, code="invalid"
        ) from None
    if not Language.objects.filter(code=code, is_active=True).exists():
        raise ValidationError(
            _("The language “%(tag)s” is not a known language.") % {"tag": code}, code="unknown"
        )
    return code


def current_region_scheme() -> RegionScheme | None:
    return RegionScheme.objects.filter(is_current=True).first()


def region_for_country(country: str, scheme: RegionScheme | str | None = None) -> str:
    """The region code ("SSA", "LAC", …) of an ISO 3166-1 alpha-2 country under ``scheme`` (a
    scheme, its version, or the current scheme when None); "" when unknown or not mapped."""
    if not country:
        return ""
    rows = CountryRegion.objects.filter(country=country.upper())
    if scheme is None:
        rows = rows.filter(scheme__is_current=True)
    elif isinstance(scheme, str):
        rows = rows.filter(scheme__version=scheme)
    else:
        rows = rows.filter(scheme=scheme)
    found = rows.values_list("region__code", flat=True).first()
    return found or ""


# ----------------------------------------------------------------------------- permissions


def is_curator(user: Viewer) -> bool:
    return bool(
        user is not None and user.is_authenticated and user.has_perm("taxonomy.change_skill")
    )


def _require(actor: Viewer, permission: str) -> None:
    """``actor=None`` is the system (commands, migrations); people need the permission."""
    if actor is None:
        return
    if not (actor.is_authenticated and actor.has_perm(permission)):
        raise PermissionDenied(_("Only curators of the skill taxonomy can do this."))


# ----------------------------------------------------------------------------------- skills


@dataclass(frozen=True)
class TranslationInput:
    locale: str
    label: str
    description: str = ""
    synonyms: Sequence[str] = ()


def _check_translation(item: TranslationInput) -> TranslationRecord:
    try:
        locale = validate_language_tag(item.locale)
    except ValidationError as error:
        raise ValidationError({"locale": error.messages}) from None
    label = item.label.strip()
    description = item.description.strip()
    synonyms = tuple(s.strip() for s in item.synonyms if s.strip())
    errors: dict[str, str] = {}
    if not label:
        errors["label"] = _("The label in “%(tag)s” is missing.") % {"tag": locale}
    elif len(label) > interchange.MAX_LABEL:
        errors["label"] = _("The label is longer than %(maximum)d characters.") % {
            "maximum": interchange.MAX_LABEL
        }
    if len(description) > interchange.MAX_DESCRIPTION:
        errors["description"] = _("The description is longer than %(maximum)d characters.") % {
            "maximum": interchange.MAX_DESCRIPTION
        }
    if len(synonyms) > interchange.MAX_SYNONYMS or any(
        len(s) > interchange.MAX_LABEL for s in synonyms
    ):
        errors["synonyms"] = _(
            "Give at most %(count)d synonyms of at most %(maximum)d characters each."
        ) % {"count": interchange.MAX_SYNONYMS, "maximum": interchange.MAX_LABEL}
    if errors:
        raise ValidationError(errors)
    return TranslationRecord(locale, label, description, synonyms)


def _check_placement(*, skill: Skill | None, code: str, parent: Skill | None) -> None:
    if parent is None:
        return
    depth = 1
    node: Skill | None = parent
    while node is not None:
        if skill is not None and node.pk == skill.pk:
            raise ValidationError({"parent": _("A skill cannot be placed under itself.")})
        node = node.parent
        if node is not None:
            depth += 1
    deepest_below = 0
    if skill is not None and skill.pk is not None:
        if skill.children.filter(children__isnull=False).exists():
            deepest_below = 2
        elif skill.children.exists():
            deepest_below = 1
    if depth + deepest_below > MAX_SKILL_DEPTH:
        raise ValidationError(
            {"parent": _("Skills can be at most three levels deep (area, skill, sub-skill).")}
        )


def _check_fields(*, code: str, wikidata_qid: str, position: int) -> None:
    errors: dict[str, str] = {}
    if len(code) > interchange.MAX_CODE or not interchange.CODE_RE.match(code):
        errors["code"] = _(
            "The code “%(code)s” is not valid: use lower-case letters, digits and hyphens."
        ) % {"code": code[: interchange.MAX_CODE]}
    if wikidata_qid and not interchange.QID_RE.match(wikidata_qid):
        errors["wikidata_qid"] = _("“%(qid)s” is not a Wikidata item ID such as Q52.") % {
            "qid": wikidata_qid[:20]
        }
    if not 0 <= position <= interchange.MAX_POSITION:
        errors["position"] = _("The position must be a whole number between 0 and %(maximum)d.") % {
            "maximum": interchange.MAX_POSITION
        }
    if errors:
        raise ValidationError(errors)


def _store_translation(skill: Skill, record: TranslationRecord) -> SkillTranslation:
    found, _created = SkillTranslation.objects.update_or_create(
        skill=skill,
        locale=record.locale,
        defaults={
            "label": record.label,
            "description": record.description,
            "synonyms": list(record.synonyms),
        },
    )
    return found


@transaction.atomic
def create_skill(
    *,
    actor: Viewer,
    code: str,
    parent: Skill | None,
    translations: Sequence[TranslationInput],
    wikidata_qid: str = "",
    position: int = 0,
    is_active: bool = True,
) -> Skill:
    """Add a skill with at least one label."""
    _require(actor, "taxonomy.add_skill")
    code = code.strip()
    wikidata_qid = wikidata_qid.strip()
    _check_fields(code=code, wikidata_qid=wikidata_qid, position=position)
    if Skill.objects.filter(code=code).exists():
        raise ValidationError({"code": _("A skill with this code already exists.")})
    _check_placement(skill=None, code=code, parent=parent)
    records = [_check_translation(item) for item in translations]
    if not records:
        raise ValidationError(_("Give the skill a label in at least one language."))
    if len({r.locale for r in records}) != len(records):
        raise ValidationError(_("Each language can have only one label."))
    skill = Skill.objects.create(
        code=code,
        parent=parent,
        wikidata_qid=wikidata_qid,
        position=position,
        is_active=is_active,
    )
    for record in records:
        _store_translation(skill, record)
    return skill


_UNSET: object = object()


@transaction.atomic
def update_skill(
    *,
    actor: Viewer,
    skill: Skill,
    code: str | None = None,
    parent: Skill | object | None = _UNSET,
    wikidata_qid: str | None = None,
    position: int | None = None,
    is_active: bool | None = None,
    translations: Sequence[TranslationInput] = (),
    remove_locales: Sequence[str] = (),
) -> Skill:
    """Change a skill's fields and labels in one step; arguments left out stay as they are.

    ``translations`` adds or replaces labels per language; ``remove_locales`` drops labels. The
    whole change is refused, with nothing saved, if any part is invalid or the skill would be left
    without a label."""
    _require(actor, "taxonomy.change_skill")
    skill = Skill.objects.select_for_update().get(pk=skill.pk)
    new_code = skill.code if code is None else code.strip()
    new_qid = skill.wikidata_qid if wikidata_qid is None else wikidata_qid.strip()
    new_position = skill.position if position is None else position
    _check_fields(code=new_code, wikidata_qid=new_qid, position=new_position)
    if new_code != skill.code and Skill.objects.filter(code=new_code).exists():
        raise ValidationError({"code": _("A skill with this code already exists.")})
    if parent is not _UNSET:
        assert parent is None or isinstance(parent, Skill)
        _check_placement(skill=skill, code=new_code, parent=parent)
        skill.parent = parent
    skill.code = new_code
    skill.wikidata_qid = new_qid
    skill.position = new_position
    if is_active is not None:
        skill.is_active = is_active
    skill.save()
    interchange.recompute_depths(Skill)
    records = [_check_translation(item) for item in translations]
    if len({r.locale for r in records}) != len(records):
        raise ValidationError(_("Each language can have only one label."))
    for record in records:
        _store_translation(skill, record)
    for locale in remove_locales:
        _remove_translation(skill, locale)
    skill.refresh_from_db()
    return skill


def _remove_translation(skill: Skill, locale: str) -> None:
    code = normalize_tag(locale)
    rows = SkillTranslation.objects.filter(skill=skill)
    if rows.filter(locale=code).exists() and rows.count() == 1:
        raise ValidationError(_("A skill needs a label in at least one language."))
    rows.filter(locale=code).delete()


# ------------------------------------------------------------------------- import / export


def taxonomy_records() -> list[SkillRecord]:
    """Every skill (active or not) as interchange records, parents before children."""
    skills = list(Skill.objects.select_related("parent").prefetch_related("translations"))
    skills.sort(key=lambda s: (s.depth, s.parent.code if s.parent else "", s.position, s.code))
    return [
        SkillRecord(
            code=s.code,
            parent=s.parent.code if s.parent else "",
            wikidata_qid=s.wikidata_qid,
            position=s.position,
            is_active=s.is_active,
            translations={
                t.locale: TranslationRecord(t.locale, t.label, t.description, tuple(t.synonyms))
                for t in s.translations.all()
            },
        )
        for s in skills
    ]


def export_taxonomy(*, format: Format) -> str:
    records = taxonomy_records()
    return interchange.dump_json(records) if format == "json" else interchange.dump_csv(records)


def guess_format(name: str, data: bytes) -> Format:
    if name.lower().endswith(".csv"):
        return "csv"
    if name.lower().endswith(".json"):
        return "json"
    return "json" if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[") else "csv"


@transaction.atomic
def import_taxonomy(*, actor: Viewer, data: bytes | str, format: Format) -> ImportSummary:
    """Add or update the skills in a JSON or CSV file (see ``interchange``). Every problem is
    reported before anything is written; on any error nothing changes."""
    _require(actor, "taxonomy.change_skill")
    if actor is not None and not actor.has_perm("taxonomy.add_skill"):
        raise PermissionDenied(_("Only curators of the skill taxonomy can do this."))
    known = known_language_codes()
    parse = interchange.parse_json if format == "json" else interchange.parse_csv
    records = parse(data, known.__contains__)
    if not records:
        raise interchange.TaxonomyFileError(_("The file contains no skills."))
    existing: Mapping[str, str] = {
        code: parent or "" for code, parent in Skill.objects.values_list("code", "parent__code")
    }
    interchange.check_tree(records, existing)
    return interchange.write_records(records, skill_model=Skill, translation_model=SkillTranslation)
