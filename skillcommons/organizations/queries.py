"""Reading organizations: the list filters and the data a detail page or API answer shows. Both
the pages and the API build on these, so they show the same things to the same people."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Prefetch, Q

from skillcommons.core.markdown import render_markdown
from skillcommons.taxonomy.locales import normalize_tag
from skillcommons.taxonomy.models import Skill, SkillTranslation
from skillcommons.taxonomy.regions import country_name, region_name

from .levels import level_name
from .models import Membership, Organization, OrganizationQuerySet, OrganizationSkill

if TYPE_CHECKING:
    from skillcommons.core.types import Viewer


@dataclass(frozen=True)
class Filters:
    """List filters; an empty value means "any"."""

    kind: str = ""
    region: str = ""
    language: str = ""
    skill: str = ""
    skill_kind: str = ""  # "has", "needs" or "" (either)


def filter_organizations(queryset: OrganizationQuerySet, filters: Filters) -> OrganizationQuerySet:
    """Apply ``filters``. A skill filter also finds organizations that list a narrower skill
    under it (asking for "Programming" finds an organization that has "Python")."""
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.region:
        queryset = queryset.filter(region=filters.region)
    if filters.language:
        try:
            tag = normalize_tag(filters.language)
        except ValueError:
            return queryset.none()
        queryset = queryset.filter(languages__code=tag)
    if filters.skill:
        skill = Skill.objects.filter(code=filters.skill, is_active=True).first()
        if skill is None:
            return queryset.none()
        lookup: dict[str, Any] = {"skills__skill_id__in": skill.descendant_ids()}
        if filters.skill_kind:
            lookup["skills__kind"] = filters.skill_kind
        queryset = queryset.filter(**lookup)
    elif filters.skill_kind:
        queryset = queryset.filter(skills__kind=filters.skill_kind)
    return queryset.distinct()


def listing(viewer: Viewer, filters: Filters) -> OrganizationQuerySet:
    """Organizations ``viewer`` may see, filtered, with what a list shows prefetched."""
    queryset = filter_organizations(Organization.objects.visible_to(viewer), filters)
    return (
        queryset.annotate(
            member_count=Count(
                "memberships", filter=Q(memberships__user__is_active=True), distinct=True
            )
        )
        .prefetch_related("languages")
        .order_by("name", "slug")
    )


def active_member_count(organization: Organization) -> int:
    """How many people (with an active account) belong to ``organization``; names nobody."""
    return organization.memberships.filter(user__is_active=True).count()


def place(organization: Organization) -> dict[str, dict[str, str] | None]:
    """Country and region as codes with names in the interface language."""
    return {
        "country": (
            {"code": organization.country, "name": country_name(organization.country)}
            if organization.country
            else None
        ),
        "region": (
            {"code": organization.region, "name": region_name(organization.region)}
            if organization.region
            else None
        ),
    }


@dataclass
class SkillLine:
    code: str
    label: str
    url: str
    level: int | None
    level_name: str
    note: str


@dataclass
class MemberLine:
    username: str
    url: str
    role: str
    role_label: str
    visibility: int
    visibility_label: str
    is_viewer: bool


@dataclass
class OrganizationView:
    """Everything the viewer may see of one organization, and nothing else."""

    organization: Organization
    description_html: str
    country: dict[str, str] | None
    region: dict[str, str] | None
    has: list[SkillLine] = field(default_factory=list)
    needs: list[SkillLine] = field(default_factory=list)
    organizers: list[MemberLine] = field(default_factory=list)
    members: list[MemberLine] = field(default_factory=list)
    member_count: int = 0
    viewer_membership: Membership | None = None


def _member_line(membership: Membership, viewer: Viewer) -> MemberLine:
    return MemberLine(
        username=membership.user.username,
        url=membership.user.get_absolute_url(),
        role=membership.role,
        role_label=str(membership.get_role_display()),
        visibility=membership.visibility,
        visibility_label=str(membership.get_visibility_display()),
        is_viewer=viewer is not None
        and viewer.is_authenticated
        and viewer.pk == membership.user_id,
    )


def organization_view(organization: Organization, viewer: Viewer) -> OrganizationView:
    """The organization as ``viewer`` may see it. Members are named only as
    :meth:`MembershipQuerySet.listed_for` allows; ``member_count`` counts everyone and names
    nobody."""
    skill_rows = organization.skills.select_related("skill").prefetch_related(
        Prefetch("skill__translations", queryset=SkillTranslation.objects.all())
    )
    view = OrganizationView(
        organization=organization,
        description_html=render_markdown(organization.description),
        **place(organization),  # type: ignore[arg-type]
    )
    for row in skill_rows:
        line = SkillLine(
            code=row.skill.code,
            label=row.skill.label(),
            url=row.skill.get_absolute_url(),
            level=row.level,
            level_name=level_name(row.level),
            note=row.note,
        )
        (view.has if row.kind == OrganizationSkill.Kind.HAS else view.needs).append(line)
    for membership in Membership.objects.listed_for(viewer, organization).order_by(
        "user__username"
    ):
        line_ = _member_line(membership, viewer)
        if membership.role == Membership.Role.ORGANIZER:
            view.organizers.append(line_)
        else:
            view.members.append(line_)
        if line_.is_viewer:
            view.viewer_membership = membership
    view.member_count = active_member_count(organization)
    return view
