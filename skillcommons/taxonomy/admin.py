"""Admin for the vocabulary. Day-to-day curation happens on the site's own pages (which run the
same checks as imports); the admin is for inspection and repairs."""

from __future__ import annotations

from django.contrib import admin

from .models import CountryRegion, Language, Region, RegionScheme, Skill, SkillTranslation


class SkillTranslationInline(admin.TabularInline):  # type: ignore[type-arg]
    model = SkillTranslation
    extra = 0
    fields = ("locale", "label", "description", "synonyms")


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "label_en", "parent", "depth", "position", "wikidata_qid", "is_active")
    list_filter = ("depth", "is_active")
    search_fields = ("code", "translations__label", "wikidata_qid")
    raw_id_fields = ("parent",)
    inlines = [SkillTranslationInline]

    @admin.display(description="label (en)")
    def label_en(self, obj: Skill) -> str:
        return obj.label("en")


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "autonym", "english_name", "direction", "is_active")
    list_filter = ("direction", "is_active")
    search_fields = ("code", "autonym", "english_name")


class RegionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Region
    extra = 0


@admin.register(RegionScheme)
class RegionSchemeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("version", "effective_from", "is_current")
    inlines = [RegionInline]


@admin.register(CountryRegion)
class CountryRegionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("country", "region", "scheme")
    list_filter = ("scheme", "region__code")
    search_fields = ("country",)
