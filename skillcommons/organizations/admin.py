"""Django admin for organizations. The admin is for staff repairs; everyday changes go through the
pages and the API, which enforce the organizer rules."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin

from .models import Membership, Organization, OrganizationSkill

# The admin classes are generic only for the type checker (django-stubs); at run time they are not
# subscriptable.
if TYPE_CHECKING:
    MembershipInlineBase = admin.TabularInline[Membership, Organization]
    SkillInlineBase = admin.TabularInline[OrganizationSkill, Organization]
    OrganizationAdminBase = admin.ModelAdmin[Organization]
    MembershipAdminBase = admin.ModelAdmin[Membership]
else:
    MembershipInlineBase = SkillInlineBase = admin.TabularInline
    OrganizationAdminBase = MembershipAdminBase = admin.ModelAdmin


class MembershipInline(MembershipInlineBase):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]
    fields = ["user", "role", "visibility", "joined_at"]
    readonly_fields = ["joined_at"]


class OrganizationSkillInline(SkillInlineBase):
    model = OrganizationSkill
    extra = 0
    raw_id_fields = ["skill"]
    fields = ["skill", "kind", "level", "note"]


@admin.register(Organization)
class OrganizationAdmin(OrganizationAdminBase):
    list_display = ["name", "slug", "kind", "country", "region", "is_active"]
    list_filter = ["kind", "region", "is_active"]
    search_fields = ["name", "slug"]
    filter_horizontal = ["languages"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [OrganizationSkillInline, MembershipInline]


@admin.register(Membership)
class MembershipAdmin(MembershipAdminBase):
    list_display = ["organization", "user", "role", "visibility", "joined_at"]
    list_filter = ["role", "visibility"]
    search_fields = ["organization__name", "organization__slug", "user__username"]
    autocomplete_fields = ["organization"]
    raw_id_fields = ["user"]
    list_select_related = ["organization", "user"]
