"""Django admin for the exchange (staff only). Feedback comments are private to the two people of
an exchange, so the admin shows ratings only; messages of requests are left out too."""

from __future__ import annotations

from django.contrib import admin

from .models import Block, Exchange, ExchangeRequest, Feedback, Report, Session


@admin.register(ExchangeRequest)
class ExchangeRequestAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("id", "learner", "mentor", "skill", "status", "created_at", "expires_at")
    list_filter = ("status",)
    raw_id_fields = ("learner", "mentor", "skill")
    exclude = ("message", "answer")


class SessionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Session
    extra = 0
    fields = ("starts_at", "duration_minutes", "cancelled_at")
    readonly_fields = fields


@admin.register(Exchange)
class ExchangeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("id", "mentor", "learner", "skill", "status", "started_at", "closed_at")
    list_filter = ("status",)
    raw_id_fields = ("request", "learner", "mentor", "skill")
    inlines = [SessionInline]


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("exchange", "author", "rating", "created_at")
    fields = ("exchange", "author", "rating", "created_at")
    readonly_fields = fields


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("blocker", "blocked", "created_at")
    raw_id_fields = ("blocker", "blocked")


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("id", "reporter", "reported", "reason", "status", "created_at")
    list_filter = ("status", "reason")
    raw_id_fields = ("reporter", "reported", "exchange", "resolved_by")
