"""The library in Django's admin: works with their variants, packs with their items and texts, and
quiz questions with their answers. Day-to-day curation happens on the library's own pages."""

from __future__ import annotations

from django.contrib import admin

from .models import (
    Choice,
    Flag,
    Pack,
    PackItem,
    PackText,
    Question,
    Review,
    Variant,
    Work,
)


class VariantInline(admin.StackedInline):  # type: ignore[type-arg]
    model = Variant
    extra = 0
    fk_name = "work"
    readonly_fields = ["revision", "status", "source_revision", "file_kind", "file_size"]


@admin.register(Work)
class WorkAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["__str__", "format", "audience", "level", "state", "quality_score"]
    list_filter = ["state", "format", "audience", "level"]
    readonly_fields = ["translation_key", "quality_score", "view_count", "completion_count"]
    filter_horizontal = ["skills"]
    inlines = [VariantInline]


class ChoiceInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Choice
    extra = 0


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["text", "variant", "kind", "position"]
    inlines = [ChoiceInline]


class PackTextInline(admin.TabularInline):  # type: ignore[type-arg]
    model = PackText
    extra = 0


class PackItemInline(admin.TabularInline):  # type: ignore[type-arg]
    model = PackItem
    extra = 0
    raw_id_fields = ["work"]


@admin.register(Pack)
class PackAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["slug", "audience", "is_published"]
    filter_horizontal = ["prerequisites"]
    inlines = [PackTextInline, PackItemInline]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["work", "decision", "reviewer", "created_at"]


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["work", "reason", "created_at", "resolved_at"]
