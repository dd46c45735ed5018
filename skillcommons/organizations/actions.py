"""Writes to organizations, their memberships and skills. Pages, the API and the admin's users all
go through these functions: each checks who may do it, validates everything before it saves, and
runs in one transaction, so bad input changes nothing.

Who may do what:

* create an organization: coordinators and admins;
* edit an organization, its skills and its members' roles, remove members: the organization's
  organizers, coordinators and admins;
* join or leave: any signed-in person, only for themself;
* an organization always keeps at least one organizer: the last one can neither leave, be
  removed nor be demoted.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from skillcommons.core.visibility import Visibility
from skillcommons.taxonomy.actions import region_for_country
from skillcommons.taxonomy.locales import normalize_tag
from skillcommons.taxonomy.models import Language, Skill
from skillcommons.taxonomy.regions import REGION_CODES, is_country

from .levels import MAX_LEVEL, MIN_LEVEL
from .models import Membership, Organization, OrganizationSkill

if TYPE_CHECKING:
    from skillcommons.accounts.models import User
    from skillcommons.core.types import Viewer

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG_LENGTH = 80
# Short names that would clash with the pages under /organizations/.
RESERVED_SLUGS = frozenset({"new"})
MAX_NAME_LENGTH = 200
MAX_DESCRIPTION_LENGTH = 10000
MAX_WEBSITE_LENGTH = 300
MAX_NOTE_LENGTH = 300
MAX_SKILLS = 200

_website_validator = URLValidator(schemes=["http", "https"])


# --- Who may do what ---------------------------------------------------------------------------


def can_create_organization(user: Viewer) -> bool:
    return user is not None and user.is_authenticated and user.has_role("coordinator")


def can_manage_organization(user: Viewer, organization: Organization) -> bool:
    """Organizers of ``organization``, coordinators and admins may edit it and its members."""
    if user is None or not user.is_authenticated:
        return False
    return user.has_role("coordinator") or organization.is_organizer(user)


def _require_manager(actor: User, organization: Organization) -> None:
    if not can_manage_organization(actor, organization):
        raise PermissionDenied(
            _("Only the organizers of this organization and coordinators may do this.")
        )


def _require_signed_in(actor: User) -> None:
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied(_("Sign in to do this."))


# --- Validation helpers ------------------------------------------------------------------------


def _check_text(
    errors: dict[str, list[str]], field: str, value: str, *, limit: int, required: bool
) -> str:
    value = value.strip()
    if required and not value:
        errors.setdefault(field, []).append(_("This field is required."))
    elif len(value) > limit:
        errors.setdefault(field, []).append(
            _("Use at most %(limit)d characters (you used %(count)d).")
            % {"limit": limit, "count": len(value)}
        )
    return value


def _check_kind(errors: dict[str, list[str]], kind: str) -> str:
    if kind not in Organization.Kind.values:
        errors.setdefault("kind", []).append(_("Choose a kind of organization from the list."))
    return kind


def _check_website(errors: dict[str, list[str]], website: str) -> str:
    website = website.strip()
    if not website:
        return ""
    if len(website) > MAX_WEBSITE_LENGTH:
        errors.setdefault("website", []).append(
            _("Use at most %(limit)d characters (you used %(count)d).")
            % {"limit": MAX_WEBSITE_LENGTH, "count": len(website)}
        )
        return website
    try:
        _website_validator(website)
    except ValidationError:
        errors.setdefault("website", []).append(
            _("Enter a web address that starts with http:// or https://.")
        )
    return website


def _check_place(errors: dict[str, list[str]], country: str, region: str) -> tuple[str, str]:
    """Return (country, region). With a country, the region follows from it (a chosen region is
    ignored); without one, the region is chosen from the eight codes or left empty."""
    country = country.strip().upper()
    region = region.strip().upper()
    if country:
        if not is_country(country):
            errors.setdefault("country", []).append(
                _("“%(code)s” is not a known country code.") % {"code": country}
            )
            return country, ""
        return country, region_for_country(country)
    if region and region not in REGION_CODES:
        errors.setdefault("region", []).append(
            _("“%(code)s” is not one of the eight Wikimedia regions.") % {"code": region}
        )
    return "", region


def _check_languages(errors: dict[str, list[str]], codes: Sequence[str]) -> list[Language]:
    wanted: dict[str, str] = {}  # canonical tag -> what was sent
    unknown: list[str] = []
    for code in codes:
        code = code.strip()
        if not code:
            continue
        try:
            wanted.setdefault(normalize_tag(code), code)
        except ValueError:
            unknown.append(code)
    found = {
        language.code: language
        for language in Language.objects.filter(code__in=list(wanted), is_active=True)
    }
    unknown.extend(sent for tag, sent in wanted.items() if tag not in found)
    if unknown:
        errors.setdefault("languages", []).append(
            _("These languages are not known here: %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    return [found[tag] for tag in wanted if tag in found]


def _raise_if(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


# --- Organizations ---------------------------------------------------------------------------


@transaction.atomic
def create_organization(
    *,
    actor: User,
    slug: str,
    name: str,
    kind: str,
    description: str = "",
    website: str = "",
    country: str = "",
    region: str = "",
    languages: Sequence[str] = (),
    first_organizer: User | None = None,
) -> Organization:
    """Create an organization. ``first_organizer`` becomes its organizer; when nobody is named the
    creator is, because an organization must always have someone who can run it."""
    _require_signed_in(actor)
    if not can_create_organization(actor):
        raise PermissionDenied(_("Only coordinators may create organizations."))
    errors: dict[str, list[str]] = {}
    slug = slug.strip()
    if not slug:
        errors.setdefault("slug", []).append(_("This field is required."))
    elif len(slug) > MAX_SLUG_LENGTH or not SLUG_PATTERN.match(slug):
        errors.setdefault("slug", []).append(
            _(
                "Use up to %(limit)d lower-case letters, digits and single hyphens, "
                "such as wikimedia-example."
            )
            % {"limit": MAX_SLUG_LENGTH}
        )
    elif slug in RESERVED_SLUGS or Organization.objects.filter(slug=slug).exists():
        errors.setdefault("slug", []).append(
            _("Another organization already uses this short name.")
        )
    name = _check_text(errors, "name", name, limit=MAX_NAME_LENGTH, required=True)
    kind = _check_kind(errors, kind)
    description = _check_text(
        errors, "description", description, limit=MAX_DESCRIPTION_LENGTH, required=False
    )
    website = _check_website(errors, website)
    country, region = _check_place(errors, country, region)
    language_objects = _check_languages(errors, languages)
    organizer = first_organizer or actor
    if not organizer.is_active:
        errors.setdefault("first_organizer", []).append(
            _("The first organizer must have an active account.")
        )
    _raise_if(errors)

    organization = Organization(
        slug=slug,
        name=name,
        kind=kind,
        description=description,
        website=website,
        country=country,
        region=region,
    )
    try:
        with transaction.atomic():
            organization.save()
    except IntegrityError as exc:  # a concurrent request took the slug first
        raise ValidationError(
            {"slug": [_("Another organization already uses this short name.")]}
        ) from exc
    organization.languages.set(language_objects)
    Membership.objects.create(
        organization=organization,
        user=organizer,
        role=Membership.Role.ORGANIZER,
    )
    return organization


@transaction.atomic
def update_organization(
    *,
    actor: User,
    organization: Organization,
    name: str | None = None,
    kind: str | None = None,
    description: str | None = None,
    website: str | None = None,
    country: str | None = None,
    region: str | None = None,
    languages: Sequence[str] | None = None,
    is_active: bool | None = None,
) -> Organization:
    """Change the given fields (``None`` leaves a field as it is; "" clears a text field). The
    short name never changes, so links to the organization keep working."""
    _require_signed_in(actor)
    _require_manager(actor, organization)
    errors: dict[str, list[str]] = {}
    values: dict[str, object] = {}
    if name is not None:
        values["name"] = _check_text(errors, "name", name, limit=MAX_NAME_LENGTH, required=True)
    if kind is not None:
        values["kind"] = _check_kind(errors, kind)
    if description is not None:
        values["description"] = _check_text(
            errors, "description", description, limit=MAX_DESCRIPTION_LENGTH, required=False
        )
    if website is not None:
        values["website"] = _check_website(errors, website)
    if country is not None or region is not None:
        new_country = organization.country if country is None else country
        new_region = organization.region if region is None else region
        if country is not None and region is None and not country.strip():
            new_region = ""  # clearing the country clears the region derived from it
        values["country"], values["region"] = _check_place(errors, new_country, new_region)
    language_objects = _check_languages(errors, languages) if languages is not None else None
    _raise_if(errors)

    for field, value in values.items():
        setattr(organization, field, value)
    if is_active is not None:
        organization.is_active = is_active
    organization.save()
    if language_objects is not None:
        organization.languages.set(language_objects)
    return organization


@dataclass(frozen=True)
class SkillEntry:
    """One line of an organization's skill list: a skill code, "has" or "needs", a level 0–4 (or
    none) and a short note."""

    skill: str
    kind: str
    level: int | None = None
    note: str = ""


@transaction.atomic
def set_organization_skills(
    *, actor: User, organization: Organization, entries: Sequence[SkillEntry]
) -> list[OrganizationSkill]:
    """Replace the skills the organization has and needs with ``entries``."""
    _require_signed_in(actor)
    _require_manager(actor, organization)
    errors: dict[str, list[str]] = {}
    if len(entries) > MAX_SKILLS:
        errors.setdefault("skills", []).append(
            _("List at most %(limit)d skills.") % {"limit": MAX_SKILLS}
        )
        _raise_if(errors)
    codes = {entry.skill for entry in entries}
    skills = {s.code: s for s in Skill.objects.filter(code__in=codes, is_active=True)}
    seen: set[tuple[str, str]] = set()
    rows: list[OrganizationSkill] = []
    for entry in entries:
        skill = skills.get(entry.skill)
        if skill is None:
            errors.setdefault("skills", []).append(
                _("“%(code)s” is not a known skill.") % {"code": entry.skill}
            )
            continue
        if entry.kind not in OrganizationSkill.Kind.values:
            errors.setdefault("skills", []).append(
                _("Say whether the organization has or needs “%(skill)s”.")
                % {"skill": skill.label()}
            )
            continue
        if (entry.skill, entry.kind) in seen:
            errors.setdefault("skills", []).append(
                _("“%(skill)s” is listed twice.") % {"skill": skill.label()}
            )
            continue
        seen.add((entry.skill, entry.kind))
        if entry.level is not None and not MIN_LEVEL <= entry.level <= MAX_LEVEL:
            errors.setdefault("skills", []).append(
                _("The level of “%(skill)s” must be between %(low)d and %(high)d.")
                % {"skill": skill.label(), "low": MIN_LEVEL, "high": MAX_LEVEL}
            )
            continue
        note = entry.note.strip()
        if len(note) > MAX_NOTE_LENGTH:
            errors.setdefault("skills", []).append(
                _("The note on “%(skill)s” can have at most %(limit)d characters.")
                % {"skill": skill.label(), "limit": MAX_NOTE_LENGTH}
            )
            continue
        rows.append(
            OrganizationSkill(
                organization=organization,
                skill=skill,
                kind=entry.kind,
                level=entry.level,
                note=note,
            )
        )
    _raise_if(errors)
    organization.skills.all().delete()
    return OrganizationSkill.objects.bulk_create(rows)


# --- Memberships -------------------------------------------------------------------------------


def _organizer_count(organization: Organization) -> int:
    # Locks the organizers' rows so two organizers leaving at once cannot both pass the check.
    return len(
        Membership.objects.select_for_update()
        .filter(organization=organization, role=Membership.Role.ORGANIZER)
        .values_list("pk", flat=True)
    )


def _check_visibility(visibility: int) -> int:
    if visibility not in Visibility.values:
        raise ValidationError(
            {"visibility": [_("Choose who may see your membership from the list.")]}
        )
    return int(visibility)


@transaction.atomic
def join_organization(
    *, user: User, organization: Organization, visibility: int = Visibility.PRIVATE
) -> Membership:
    """Make ``user`` a member, or, if they already belong, change who sees their membership."""
    _require_signed_in(user)
    visibility = _check_visibility(visibility)
    membership = (
        Membership.objects.select_for_update().filter(organization=organization, user=user).first()
    )
    if membership is not None:
        membership.visibility = visibility
        membership.save(update_fields=["visibility"])
        return membership
    if not organization.is_active:
        raise ValidationError(_("This organization is archived; it does not take new members."))
    return Membership.objects.create(
        organization=organization, user=user, role=Membership.Role.MEMBER, visibility=visibility
    )


def _forbid_removing_last_organizer(membership: Membership, message: str) -> None:
    if (
        membership.role == Membership.Role.ORGANIZER
        and _organizer_count(membership.organization) <= 1
    ):
        raise ValidationError(message)


@transaction.atomic
def leave_organization(*, user: User, organization: Organization) -> None:
    """Remove ``user``'s own membership. The last organizer must first name another one."""
    _require_signed_in(user)
    membership = (
        Membership.objects.select_for_update().filter(organization=organization, user=user).first()
    )
    if membership is None:
        raise ValidationError(_("You are not a member of this organization."))
    _forbid_removing_last_organizer(
        membership,
        _(
            "You are the last organizer of this organization. Make another member an organizer "
            "before you leave."
        ),
    )
    membership.delete()


def _membership_of(organization: Organization, member: User) -> Membership:
    membership = (
        Membership.objects.select_for_update()
        .select_related("organization")
        .filter(organization=organization, user=member)
        .first()
    )
    if membership is None:
        raise ValidationError(
            _("%(username)s is not a member of this organization.") % {"username": member}
        )
    return membership


@transaction.atomic
def set_membership_role(
    *, actor: User, organization: Organization, member: User, role: str
) -> Membership:
    """Promote a member to organizer or make an organizer a plain member again. Organizers are
    listed publicly whatever their membership's visibility; once demoted, the visibility they
    chose applies again."""
    _require_signed_in(actor)
    _require_manager(actor, organization)
    if role not in Membership.Role.values:
        raise ValidationError({"role": [_("Choose a role from the list.")]})
    membership = _membership_of(organization, member)
    if membership.role == role:
        return membership
    if role == Membership.Role.MEMBER:
        _forbid_removing_last_organizer(
            membership,
            _(
                "%(username)s is the last organizer of this organization. Make another member "
                "an organizer first."
            )
            % {"username": member},
        )
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def remove_member(*, actor: User, organization: Organization, member: User) -> None:
    """Remove someone else's membership (organizers, coordinators and admins)."""
    _require_signed_in(actor)
    _require_manager(actor, organization)
    membership = _membership_of(organization, member)
    _forbid_removing_last_organizer(
        membership,
        _(
            "%(username)s is the last organizer of this organization. Make another member an "
            "organizer first."
        )
        % {"username": member},
    )
    membership.delete()
