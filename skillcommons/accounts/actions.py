"""Writes about people: profile edits, languages, skills, API tokens, data export and deletion.

Pages, the API and the command line call these functions; each validates everything before it
writes and runs in one transaction, so a request with any invalid part changes nothing.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from skillcommons.core.api import TOKEN_PREFIX, hash_token
from skillcommons.core.visibility import Visibility
from skillcommons.taxonomy.actions import region_for_country
from skillcommons.taxonomy.locales import normalize_tag
from skillcommons.taxonomy.models import Language, Skill

from .models import ApiToken, PersonLanguage, PersonSkill, Profile, User
from .validators import (
    normalize_availability,
    normalize_country,
    normalize_methods,
    normalize_wikis,
    validate_time_zone,
)

MAX_LANGUAGES = 30
MAX_SKILLS = 100
MAX_TOKENS = 20
OFFER_WAYS = tuple(name.removeprefix("offers_") for name in PersonSkill.OFFER_FIELDS)

#: Fields a person may change through :func:`update_profile`.
TEXT_LIMITS = {
    "display_name": 100,
    "pronouns": 40,
    "bio": settings.SKILLCOMMONS["MAX_BIO_LENGTH"],
}
EDITABLE_FIELDS = frozenset(
    {
        *TEXT_LIMITS,
        "home_wikis",
        "country",
        "time_zone",
        "preferred_methods",
        "availability",
        "mentoring_capacity",
        *Profile.VISIBILITY_FIELDS.values(),
    }
)


@dataclass(frozen=True)
class LanguageEntry:
    """One language on a profile: a BCP-47 tag and a level from 0 to 6 (6 = native)."""

    code: str
    proficiency: int


@dataclass(frozen=True)
class SkillEntry:
    """One skill on a profile: the skill's code, a level 0–4 (or none), whether the person wants
    to learn it, and the ways they offer it ("teaching", "mentoring", "consulting", "review")."""

    code: str
    level: int | None = None
    wants_to_learn: bool = False
    offers: frozenset[str] = field(default_factory=frozenset)


# --- validation ------------------------------------------------------------------------------


def clean_profile_changes(changes: Mapping[str, Any]) -> dict[str, Any]:
    """Validate and normalise profile changes; raise one ``ValidationError`` naming every bad
    field."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}

    def fail(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    for name, value in changes.items():
        if name not in EDITABLE_FIELDS:
            fail(name, _("This field cannot be changed."))
            continue
        try:
            cleaned[name] = _clean_field(name, value)
        except ValidationError as exc:
            for message in exc.messages:
                fail(name, message)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clean_field(name: str, value: Any) -> Any:
    if name in TEXT_LIMITS:
        if not isinstance(value, str):
            raise ValidationError(_("Enter text."))
        text = value.strip()
        if len(text) > TEXT_LIMITS[name]:
            raise ValidationError(
                _("Use at most %(limit)d characters (you used %(count)d).")
                % {"limit": TEXT_LIMITS[name], "count": len(text)}
            )
        if "\x00" in text:
            raise ValidationError(_("The text contains characters that are not allowed."))
        return text
    if name.endswith("_visibility"):
        if isinstance(value, bool) or value not in Visibility.values:
            raise ValidationError(_("Choose who may see this: only you, members or everyone."))
        return int(value)
    if name == "home_wikis":
        return normalize_wikis(_string_list(value))
    if name == "country":
        if not isinstance(value, str):
            raise ValidationError(_("Enter a country code."))
        return normalize_country(value)
    if name == "time_zone":
        if not isinstance(value, str):
            raise ValidationError(_("Enter a time zone."))
        return validate_time_zone(value)
    if name == "preferred_methods":
        return normalize_methods(_string_list(value))
    if name == "availability":
        if not isinstance(value, list) or not all(isinstance(s, dict) for s in value):
            raise ValidationError(_("Enter a list of time slots."))
        return normalize_availability(value)
    if name == "mentoring_capacity":
        maximum = settings.SKILLCOMMONS["MAX_MENTORING_CAPACITY"]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= maximum:
            raise ValidationError(
                _("Enter a whole number from 0 to %(maximum)d.") % {"maximum": maximum}
            )
        return value
    raise ValidationError(_("This field cannot be changed."))  # pragma: no cover


def _string_list(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError(_("Enter a list of texts."))
    return list(value)


def _resolve_languages(entries: Sequence[LanguageEntry]) -> list[tuple[Language, int]]:
    if len(entries) > MAX_LANGUAGES:
        raise ValidationError(_("List at most %(count)d languages.") % {"count": MAX_LANGUAGES})
    wanted: list[tuple[str, int]] = []
    for entry in entries:
        try:
            tag = normalize_tag(entry.code)
        except ValueError:
            raise ValidationError(
                _("“%(code)s” is not a language tag we know.") % {"code": entry.code[:35]}
            ) from None
        if isinstance(entry.proficiency, bool) or entry.proficiency not in (
            PersonLanguage.Proficiency.values
        ):
            raise ValidationError(
                _("The level of %(code)s must be a number from 0 to 6 (6 means native).")
                % {"code": tag}
            )
        wanted.append((tag, entry.proficiency))
    by_code = {
        lang.code.lower(): lang
        for lang in Language.objects.filter(is_active=True, code__in=[tag for tag, _p in wanted])
    }
    # Tags are compared case-insensitively: "pt-br" and "pt-BR" name the same language.
    if len(by_code) < len({tag.lower() for tag, _p in wanted}):
        by_code.update(
            {
                lang.code.lower(): lang
                for lang in Language.objects.filter(is_active=True)
                if lang.code.lower() in {tag.lower() for tag, _p in wanted}
            }
        )
    resolved: list[tuple[Language, int]] = []
    seen: set[int] = set()
    for tag, proficiency in wanted:
        language = by_code.get(tag.lower())
        if language is None:
            raise ValidationError(_("“%(code)s” is not a language tag we know.") % {"code": tag})
        if language.pk in seen:
            raise ValidationError(
                _("%(language)s is listed twice.") % {"language": language.autonym}
            )
        seen.add(language.pk)
        resolved.append((language, proficiency))
    return resolved


def _resolve_skills(entries: Sequence[SkillEntry]) -> list[tuple[Skill, SkillEntry]]:
    if len(entries) > MAX_SKILLS:
        raise ValidationError(_("List at most %(count)d skills.") % {"count": MAX_SKILLS})
    by_code = {
        skill.code: skill
        for skill in Skill.objects.filter(is_active=True, code__in=[e.code for e in entries])
    }
    resolved: list[tuple[Skill, SkillEntry]] = []
    seen: set[int] = set()
    for entry in entries:
        skill = by_code.get(entry.code)
        if skill is None:
            raise ValidationError(
                _("“%(code)s” is not a skill we know.") % {"code": entry.code[:80]}
            )
        if skill.pk in seen:
            raise ValidationError(_("%(skill)s is listed twice.") % {"skill": skill.label()})
        seen.add(skill.pk)
        if entry.level is not None and (isinstance(entry.level, bool) or not 0 <= entry.level <= 4):
            raise ValidationError(
                _("The level of %(skill)s must be a number from 0 to 4.") % {"skill": skill.label()}
            )
        unknown = set(entry.offers) - set(OFFER_WAYS)
        if unknown:
            raise ValidationError(
                _("“%(way)s” is not a way to offer a skill.") % {"way": sorted(unknown)[0][:40]}
            )
        resolved.append((skill, entry))
    return resolved


# --- profile ---------------------------------------------------------------------------------


@transaction.atomic
def update_profile(*, user: User, changes: Mapping[str, Any]) -> Profile:
    """Change fields of ``user``'s profile. The region follows the country."""
    cleaned = clean_profile_changes(changes)
    profile = Profile.objects.select_for_update().get(user=user)
    for name, value in cleaned.items():
        setattr(profile, name, value)
    if "country" in cleaned:
        profile.region = region_for_country(cleaned["country"])
    profile.save()
    return profile


@transaction.atomic
def set_person_languages(*, user: User, entries: Sequence[LanguageEntry]) -> list[PersonLanguage]:
    """Replace the languages on ``user``'s profile with ``entries``."""
    resolved = _resolve_languages(entries)
    profile = Profile.objects.select_for_update().get(user=user)
    profile.languages.all().delete()
    return PersonLanguage.objects.bulk_create(
        PersonLanguage(profile=profile, language=language, proficiency=proficiency)
        for language, proficiency in resolved
    )


@transaction.atomic
def set_person_skills(*, user: User, entries: Sequence[SkillEntry]) -> list[PersonSkill]:
    """Replace the skills on ``user``'s profile with ``entries``."""
    resolved = _resolve_skills(entries)
    profile = Profile.objects.select_for_update().get(user=user)
    profile.skills.all().delete()
    return PersonSkill.objects.bulk_create(
        PersonSkill(
            profile=profile,
            skill=skill,
            level=entry.level,
            wants_to_learn=entry.wants_to_learn,
            **{f"offers_{way}": way in entry.offers for way in OFFER_WAYS},
        )
        for skill, entry in resolved
    )


@transaction.atomic
def edit_profile(
    *,
    user: User,
    changes: Mapping[str, Any] | None = None,
    languages: Sequence[LanguageEntry] | None = None,
    skills: Sequence[SkillEntry] | None = None,
) -> Profile:
    """Apply a whole profile edit (fields, languages, skills) or nothing: every part is checked
    first and all problems are reported together, named by field."""
    errors: dict[str, list[str]] = {}
    for name, check in (
        ("__fields__", lambda: clean_profile_changes(changes or {})),
        ("languages", lambda: _resolve_languages(languages or [])),
        ("skills", lambda: _resolve_skills(skills or [])),
    ):
        try:
            check()
        except ValidationError as exc:
            if name == "__fields__":
                errors.update(exc.message_dict)
            else:
                errors.setdefault(name, []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    if languages is not None:
        set_person_languages(user=user, entries=languages)
    if skills is not None:
        set_person_skills(user=user, entries=skills)
    return update_profile(user=user, changes=changes or {})


# --- API tokens ------------------------------------------------------------------------------


@transaction.atomic
def create_api_token(
    *, user: User, name: str, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a personal API token; returns it and the raw secret, which is never stored."""
    name = name.strip()
    if not name or len(name) > 100:
        raise ValidationError({"name": [_("Give the token a name of 1 to 100 characters.")]})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": [_("The expiry date must be in the future.")]})
    active = ApiToken.objects.filter(user=user, revoked_at__isnull=True).count()
    if active >= MAX_TOKENS:
        raise ValidationError(
            _("You can have at most %(count)d active tokens. Revoke one first.")
            % {"count": MAX_TOKENS}
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=raw[: len(TOKEN_PREFIX) + 6],
        key_hash=hash_token(raw),
        expires_at=expires_at,
    )
    return token, raw


@transaction.atomic
def revoke_api_token(*, user: User, token_id: int) -> ApiToken:
    """Revoke one of ``user``'s tokens; someone else's token is "not found"."""
    token = ApiToken.objects.select_for_update().filter(user=user, pk=token_id).first()
    if token is None:
        raise ApiToken.DoesNotExist
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


# --- export and deletion ---------------------------------------------------------------------


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def export_personal_data(*, user: User) -> dict[str, Any]:
    """Everything stored about ``user``, private fields included: for the person themself only."""
    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialAccount

    from skillcommons.core.models import Outcome
    from skillcommons.organizations.models import Membership

    profile = (
        Profile.objects.select_related("user")
        .prefetch_related("languages__language", "skills__skill__translations")
        .get(user=user)
    )
    visibility_names = {v.value: v.name.lower() for v in Visibility}
    return {
        "format": "skillcommons-personal-data/1",
        "exported_at": timezone.now().isoformat(),
        "account": {
            "username": user.username,
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
            "roles": sorted(user.roles),
        },
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in EmailAddress.objects.filter(user=user).order_by("email")
        ],
        "connected_accounts": [
            {
                "provider": s.provider,
                "uid": s.uid,
                "username": s.extra_data.get("username")
                if isinstance(s.extra_data, dict)
                else None,
                "date_joined": _iso(s.date_joined),
                "last_login": _iso(s.last_login),
            }
            for s in SocialAccount.objects.filter(user=user).order_by("provider", "uid")
        ],
        "profile": {
            **profile.fields_for(user),
            "country_code": profile.country,
            "region_code": profile.region,
            "created_at": _iso(profile.created_at),
            "updated_at": _iso(profile.updated_at),
            "visibility": {
                group: visibility_names[profile.visibility_of(group)]
                for group in Profile.VISIBILITY_FIELDS
            },
        },
        "memberships": [
            {
                "organization": m.organization.slug,
                "organization_name": m.organization.name,
                "role": m.role,
                "visibility": visibility_names.get(m.visibility, str(m.visibility)),
                "joined_at": _iso(m.joined_at),
            }
            for m in Membership.objects.filter(user=user).select_related("organization")
        ],
        "api_tokens": [
            {
                "id": t.pk,
                "name": t.name,
                "prefix": t.prefix,
                "created_at": _iso(t.created_at),
                "last_used_at": _iso(t.last_used_at),
                "expires_at": _iso(t.expires_at),
                "revoked_at": _iso(t.revoked_at),
            }
            for t in ApiToken.objects.filter(user=user)
        ],
        "outcomes": [
            {
                "kind": o.kind,
                "object_type": f"{o.content_type.app_label}.{o.content_type.model}",
                "object_id": o.object_id,
                "occurred_at": _iso(o.occurred_at),
                "evidence_url": o.evidence_url,
            }
            for o in Outcome.objects.filter(person=user).select_related("content_type")
        ],
    }


@transaction.atomic
def delete_account(*, user: User) -> None:
    """Delete ``user`` and everything personal about them: profile, languages, skills, tokens,
    memberships, outcomes, e-mail addresses and connected Wikimedia accounts.

    The rows are deleted, not anonymised; nothing about the person stays behind.
    """
    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialAccount

    # These cascade from the user too; deleting them explicitly keeps the promise even if a
    # relation is ever changed from CASCADE.
    SocialAccount.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    ApiToken.objects.filter(user=user).delete()
    Profile.objects.filter(user=user).delete()
    user.delete()
