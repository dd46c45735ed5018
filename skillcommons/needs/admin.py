"""Django admin for questionnaires and waves (staff repairs). Responses, answers and skill
ratings are deliberately not registered: nobody, staff included, reads another person's answers;
analysis goes through the aggregated, suppressed tables."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin

from .models import Choice, Instrument, InstrumentVersion, Question, Wave

# Generic only for the type checker (django-stubs); at run time they are not subscriptable.
if TYPE_CHECKING:
    VersionInlineBase = admin.TabularInline[InstrumentVersion, Instrument]
    ChoiceInlineBase = admin.TabularInline[Choice, Question]
    InstrumentAdminBase = admin.ModelAdmin[Instrument]
    QuestionAdminBase = admin.ModelAdmin[Question]
    WaveAdminBase = admin.ModelAdmin[Wave]
else:
    VersionInlineBase = ChoiceInlineBase = admin.TabularInline
    InstrumentAdminBase = QuestionAdminBase = WaveAdminBase = admin.ModelAdmin


class VersionInline(VersionInlineBase):
    model = InstrumentVersion
    extra = 0
    fields = ["number", "status", "locales", "published_at"]
    readonly_fields = ["number", "status", "locales", "published_at"]
    can_delete = False


class ChoiceInline(ChoiceInlineBase):
    model = Choice
    extra = 0
    fields = ["position", "value", "label"]


@admin.register(Instrument)
class InstrumentAdmin(InstrumentAdminBase):
    list_display = ["slug", "created_at"]
    search_fields = ["slug"]
    inlines = [VersionInline]


@admin.register(Question)
class QuestionAdmin(QuestionAdminBase):
    list_display = ["name", "kind", "version", "position"]
    list_filter = ["kind"]
    search_fields = ["name"]
    raw_id_fields = ["version"]
    filter_horizontal = ["skills"]
    inlines = [ChoiceInline]


@admin.register(Wave)
class WaveAdmin(WaveAdminBase):
    list_display = ["slug", "title", "version", "audience", "opens_at", "closes_at"]
    list_filter = ["audience"]
    search_fields = ["slug", "title"]
    raw_id_fields = ["version"]
