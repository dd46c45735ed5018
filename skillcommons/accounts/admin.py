"""Django admin for people (staff only)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, PersonLanguage, PersonSkill, Profile, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):  # type: ignore[type-arg]
    list_display = ("username", "email", "is_active", "is_staff", "is_superuser", "date_joined")
    list_filter = ("is_active", "is_staff", "is_superuser", "groups")
    search_fields = ("username", "email")
    filter_horizontal = ("groups", "user_permissions")


class PersonLanguageInline(admin.TabularInline):  # type: ignore[type-arg]
    model = PersonLanguage
    extra = 0
    autocomplete_fields = ()
    raw_id_fields = ("language",)


class PersonSkillInline(admin.TabularInline):  # type: ignore[type-arg]
    model = PersonSkill
    extra = 0
    raw_id_fields = ("skill",)


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "display_name", "country", "region", "updated_at")
    list_filter = ("region",)
    search_fields = ("user__username", "display_name")
    raw_id_fields = ("user",)
    readonly_fields = ("region", "created_at", "updated_at")
    inlines = [PersonLanguageInline, PersonSkillInline]
    fieldsets = (
        (None, {"fields": ("user", "created_at", "updated_at")}),
        (
            _("About"),
            {
                "fields": (
                    ("display_name", "display_name_visibility"),
                    ("pronouns", "pronouns_visibility"),
                    ("bio", "bio_visibility"),
                    ("home_wikis", "home_wikis_visibility"),
                )
            },
        ),
        (
            _("Place and time"),
            {
                "fields": (
                    ("country", "region", "location_visibility"),
                    ("time_zone", "time_zone_visibility"),
                    ("availability", "availability_visibility"),
                )
            },
        ),
        (
            _("Learning and mentoring"),
            {
                "fields": (
                    ("preferred_methods", "methods_visibility"),
                    ("mentoring_capacity", "capacity_visibility"),
                    "languages_visibility",
                    "skills_visibility",
                    "offers_visibility",
                    "wants_visibility",
                )
            },
        ),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    search_fields = ("user__username", "name", "prefix")
    raw_id_fields = ("user",)
    readonly_fields = ("prefix", "key_hash", "created_at", "last_used_at")
