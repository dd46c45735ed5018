"""JSON API for people (mounted under /api/v1/ by config/api.py).

Every person in a response is built by the profile gate (``Profile.fields_for``): a field the
caller may not see is absent from the JSON, never ``null``.
"""

from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import ConfigDict, Field

from skillcommons.core.api import SIGNED_IN, ErrorResponse, PagePagination
from skillcommons.core.visibility import Visibility
from skillcommons.taxonomy.models import Skill
from skillcommons.taxonomy.regions import REGION_CODES

from . import actions
from .directory import filter_directory
from .models import Profile, User

router = Router(tags=["people"])

VisibilityName = Literal["private", "members", "public"]
_VISIBILITY_BY_NAME = {v.name.lower(): int(v.value) for v in Visibility}
_NAME_BY_VISIBILITY = {value: name for name, value in _VISIBILITY_BY_NAME.items()}


class CodeName(Schema):
    code: str
    name: str


class PersonLanguageOut(Schema):
    code: str
    name: str
    proficiency: int = Field(description="0–5, or 6 for a native speaker")
    proficiency_label: str


class SkillLevelOut(Schema):
    code: str
    label: str
    level: int = Field(description="0 (aware) to 4 (expert)")


class SkillRefOut(Schema):
    code: str
    label: str


class OfferOut(Schema):
    code: str
    label: str
    ways: list[str] = Field(description="teaching, mentoring, consulting, review")


class SlotSchema(Schema):
    day: int = Field(ge=0, le=6, description="0 = Monday … 6 = Sunday")
    start: str = Field(description="HH:MM in the person's time zone")
    end: str = Field(description="HH:MM, after start")


class PersonOut(Schema):
    """A person as the caller may see them; fields the person did not share with the caller
    are left out."""

    username: str
    display_name: str | None = None
    pronouns: str | None = None
    bio: str | None = Field(None, description="Markdown")
    home_wikis: list[str] | None = None
    country: CodeName | None = None
    region: CodeName | None = None
    time_zone: str | None = None
    languages: list[PersonLanguageOut] | None = None
    skills: list[SkillLevelOut] | None = None
    offers: list[OfferOut] | None = None
    wants: list[SkillRefOut] | None = None
    preferred_methods: list[str] | None = None
    availability: list[SlotSchema] | None = None
    mentoring_capacity: int | None = None


class MeOut(PersonOut):
    """Everything about the signed-in person, with who may see each group of fields."""

    email: str
    roles: list[str]
    visibility: dict[str, VisibilityName]


class LanguageIn(Schema):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(max_length=35, description="BCP-47 tag")
    proficiency: int = Field(ge=0, le=6)


class PersonSkillIn(Schema):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(max_length=80)
    level: int | None = Field(None, ge=0, le=4)
    wants_to_learn: bool = False
    offers: list[Literal["teaching", "mentoring", "consulting", "review"]] = []


class ProfilePatch(Schema):
    """Fields to change; leave out what stays the same. Lists replace the whole list."""

    model_config = ConfigDict(extra="forbid")

    display_name: str | None = None
    pronouns: str | None = None
    bio: str | None = None
    home_wikis: list[str] | None = Field(
        None, description='Database names or domains ("enwiki", "en.wikipedia.org")'
    )
    country: str | None = Field(None, description='ISO 3166-1 alpha-2, or "" for none')
    time_zone: str | None = Field(None, description='IANA name, or "" for none')
    preferred_methods: list[str] | None = None
    availability: list[dict[str, Any]] | None = None
    mentoring_capacity: int | None = None
    languages: list[LanguageIn] | None = None
    skills: list[PersonSkillIn] | None = None
    visibility: dict[str, VisibilityName] | None = Field(
        None, description="Field group → private, members or public"
    )


class PeopleFilters(Schema):
    skill: str | None = Field(None, description="Skill code; includes the skills below it")
    language: str | None = Field(None, description="BCP-47 tag")
    region: str | None = None
    mode: Literal["offers", "wants"] | None = Field(
        None, description="Only people who offer / want to learn (the skill)"
    )


def _people(request: HttpRequest) -> Any:
    return Profile.objects.select_related("user").prefetch_related(
        "languages__language", "skills__skill__translations"
    )


@router.get(
    "/people",
    response=list[PersonOut],
    exclude_unset=True,
    summary="List people",
    description="People who share at least one field with the caller; filters only match on "
    "fields the caller may see.",
)
@paginate(PagePagination)
def list_people(request: HttpRequest, filters: Query[PeopleFilters]) -> Any:
    viewer = request.user
    profiles = _people(request).filter(pk__in=Profile.objects.listed_for(viewer).values("pk"))
    if filters.region and filters.region not in REGION_CODES:
        raise ValidationError({"region": [_unknown("region", filters.region)]})
    skill_ids = None
    if filters.skill:
        skill = Skill.objects.visible_to(viewer).filter(code=filters.skill).first()
        if skill is None:
            raise ValidationError({"skill": [_unknown("skill", filters.skill)]})
        skill_ids = skill.descendant_ids()
    profiles = filter_directory(
        profiles,
        viewer,
        skill_ids=skill_ids,
        language=filters.language or "",
        region=filters.region or "",
        mode=filters.mode or "",
    )
    return _GatedList(profiles, viewer)


def _unknown(kind: str, value: str) -> str:
    messages = {
        "region": _("“%(value)s” is not a region code."),
        "skill": _("“%(value)s” is not a skill we know."),
    }
    return messages[kind] % {"value": value[:80]}


class _GatedList:
    """A queryset wrapper the paginator can count and slice; each slice goes through the gate."""

    def __init__(self, profiles: Any, viewer: Any) -> None:
        self.profiles = profiles
        self.viewer = viewer

    def count(self) -> int:
        return int(self.profiles.count())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        return [p.fields_for(self.viewer) for p in self.profiles[index]]


@router.get(
    "/people/{username}",
    response={200: PersonOut, 404: ErrorResponse},
    exclude_unset=True,
    summary="One person",
)
def get_person(request: HttpRequest, username: str) -> Any:
    profile = get_object_or_404(
        _people(request).filter(pk__in=Profile.objects.visible_to(request.user).values("pk")),
        user__username=username,
    )
    return profile.fields_for(request.user)


def _me(user: User) -> dict[str, Any]:
    profile = _people_for(user)
    data = profile.fields_for(user)
    data["email"] = user.email
    data["roles"] = sorted(user.roles)
    data["visibility"] = {
        group: _NAME_BY_VISIBILITY[profile.visibility_of(group)]
        for group in Profile.VISIBILITY_FIELDS
    }
    return data


def _people_for(user: User) -> Profile:
    return (
        Profile.objects.prefetch_related("languages__language", "skills__skill__translations")
        .select_related("user")
        .get(user=user)
    )


def _signed_in(request: HttpRequest) -> User:
    if not isinstance(request.user, User) or not request.user.is_authenticated:
        raise HttpError(401, "")
    return request.user


@router.get("/me", response=MeOut, auth=SIGNED_IN, exclude_unset=True, summary="My profile")
def get_me(request: HttpRequest) -> Any:
    return _me(_signed_in(request))


@router.patch(
    "/me",
    response={200: MeOut, 400: ErrorResponse, 422: ErrorResponse},
    auth=SIGNED_IN,
    exclude_unset=True,
    summary="Change my profile",
    description="All or nothing: if any value is not valid, nothing is changed and every bad "
    "field is named in the error.",
)
def patch_me(request: HttpRequest, payload: ProfilePatch) -> Any:
    user = _signed_in(request)
    sent = payload.model_dump(exclude_unset=True, exclude={"languages", "skills", "visibility"})
    changes: dict[str, Any] = {}
    for name, value in sent.items():
        if value is None:
            raise ValidationError({name: [_("This field cannot be null.")]})
        changes[name] = value
    for group, level in (payload.visibility or {}).items():
        column = Profile.VISIBILITY_FIELDS.get(group)
        if column is None:
            raise ValidationError(
                {f"visibility.{group}": [_("There is no field group of this name.")]}
            )
        changes[column] = _VISIBILITY_BY_NAME[level]
    languages = (
        None
        if payload.languages is None
        else [
            actions.LanguageEntry(code=x.code, proficiency=x.proficiency) for x in payload.languages
        ]
    )
    skills = (
        None
        if payload.skills is None
        else [
            actions.SkillEntry(
                code=x.code,
                level=x.level,
                wants_to_learn=x.wants_to_learn,
                offers=frozenset(x.offers),
            )
            for x in payload.skills
        ]
    )
    actions.edit_profile(user=user, changes=changes, languages=languages, skills=skills)
    return _me(user)


@router.get(
    "/me/export",
    auth=SIGNED_IN,
    response=dict[str, Any],
    summary="Export all my data",
    description="Everything stored about the caller, private fields included.",
)
def export_me(request: HttpRequest) -> Any:
    return actions.export_personal_data(user=_signed_in(request))
