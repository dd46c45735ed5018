"""Django admin for badges. The admin is for staff inspection and repairs: issuing, revoking and key
rotation go through the pages and the API (``actions.py``), which sign and keep the status lists in
step, so the admin shows signed data and keys read-only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin

from .models import (
    Achievement,
    AchievementTranslation,
    Credential,
    Issuer,
    IssuerKey,
    IssuingRule,
    StatusList,
)

# The admin classes are generic only for the type checker (django-stubs); at run time they are not
# subscriptable.
if TYPE_CHECKING:
    KeyInlineBase = admin.TabularInline[IssuerKey, Issuer]
    TranslationInlineBase = admin.TabularInline[AchievementTranslation, Achievement]
    IssuerAdminBase = admin.ModelAdmin[Issuer]
    AchievementAdminBase = admin.ModelAdmin[Achievement]
    CredentialAdminBase = admin.ModelAdmin[Credential]
    RuleAdminBase = admin.ModelAdmin[IssuingRule]
    StatusListAdminBase = admin.ModelAdmin[StatusList]
else:
    KeyInlineBase = TranslationInlineBase = admin.TabularInline
    IssuerAdminBase = AchievementAdminBase = CredentialAdminBase = admin.ModelAdmin
    RuleAdminBase = StatusListAdminBase = admin.ModelAdmin


class IssuerKeyInline(KeyInlineBase):
    model = IssuerKey
    extra = 0
    can_delete = False
    fields = ["public_key_multibase", "is_active", "created_at", "retired_at"]
    readonly_fields = ["public_key_multibase", "is_active", "created_at", "retired_at"]


@admin.register(Issuer)
class IssuerAdmin(IssuerAdminBase):
    list_display = ["slug", "is_platform", "organization", "is_active"]
    list_filter = ["is_platform", "is_active"]
    search_fields = ["slug", "organization__name"]
    readonly_fields = ["slug", "is_platform", "organization"]
    inlines = [IssuerKeyInline]


class AchievementTranslationInline(TranslationInlineBase):
    model = AchievementTranslation
    extra = 0


@admin.register(Achievement)
class AchievementAdmin(AchievementAdminBase):
    list_display = ["__str__", "issuer", "level", "is_active"]
    list_filter = ["is_active", "issuer"]
    raw_id_fields = ["skills", "created_by"]
    readonly_fields = ["public_id", "issuer", "image_type"]
    inlines = [AchievementTranslationInline]


@admin.register(Credential)
class CredentialAdmin(CredentialAdminBase):
    list_display = ["public_id", "achievement", "recipient", "valid_from", "revoked_at"]
    list_filter = ["issuer", "visibility"]
    search_fields = ["public_id", "recipient__username"]
    readonly_fields = [
        "public_id", "achievement", "issuer", "recipient", "recipient_kind",
        "recipient_identity_hash", "recipient_salt", "evidence", "valid_from", "valid_until",
        "locale", "issued_by", "rule", "outcome", "document", "status_list", "status_index",
        "revoked_at", "revocation_reason", "revoked_by", "share_slug",
    ]  # fmt: skip


@admin.register(IssuingRule)
class IssuingRuleAdmin(RuleAdminBase):
    list_display = ["outcome_kind", "skill", "achievement", "issuer", "is_active"]
    list_filter = ["is_active", "issuer"]
    raw_id_fields = ["skill", "achievement", "created_by"]


@admin.register(StatusList)
class StatusListAdmin(StatusListAdminBase):
    list_display = ["issuer", "purpose", "number", "allocated", "size", "signed_at"]
    readonly_fields = [
        "issuer", "purpose", "number", "size", "allocated", "multiplier", "offset", "document",
        "signed_at",
    ]  # fmt: skip
