"""Pages and documents of badge issuing (mounted at the site root in ``config/urls.py``, because
did:web fixes ``/.well-known/did.json`` and the person's badges live under ``/people/``)."""

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "badges"

urlpatterns: list[URLPattern | URLResolver] = [
    # Documents verifiers read.
    path(".well-known/did.json", views.platform_did, name="platform_did"),
    path("issuers/<slug:slug>/did.json", views.issuer_did, name="issuer_did"),
    path("issuers/<slug:slug>/profile.json", views.issuer_profile_json, name="issuer_profile_json"),
    path(
        "issuers/<slug:slug>/status/<str:purpose>/<int:number>",
        views.status_list,
        name="status_list",
    ),
    # Issuers.
    path("issuers/", views.issuer_list, name="issuer_list"),
    path("issuers/enable/", views.issuer_enable, name="issuer_enable"),
    path("issuers/<slug:slug>/", views.issuer_detail, name="issuer_detail"),
    path("issuers/<slug:slug>/edit/", views.issuer_edit, name="issuer_edit"),
    path("issuers/<slug:slug>/keys/rotate/", views.issuer_rotate_key, name="issuer_rotate_key"),
    path("issuers/<slug:slug>/rules/", views.issuer_rules, name="issuer_rules"),
    path("issuers/<slug:slug>/rules/<int:rule_id>/delete/", views.rule_delete, name="rule_delete"),
    path("issuers/<slug:slug>/issued/", views.issuer_credentials, name="issuer_credentials"),
    path("issuers/<slug:slug>/achievements/new/", views.achievement_create, name="achievement_create"),
    # Achievements.
    path("badges/", views.achievement_list, name="achievement_list"),
    path("badges/achievements/<uuid:public_id>/", views.achievement_detail, name="achievement_detail"),
    path("badges/achievements/<uuid:public_id>/achievement.json", views.achievement_json, name="achievement_json"),
    path("badges/achievements/<uuid:public_id>/image", views.achievement_image, name="achievement_image"),
    path("badges/achievements/<uuid:public_id>/edit/", views.achievement_edit, name="achievement_edit"),
    path("badges/achievements/<uuid:public_id>/award/", views.award, name="award"),
    path("badges/achievements/<uuid:public_id>/award-csv/", views.award_csv, name="award_csv"),
    # Credentials.
    path("badges/credentials/<uuid:public_id>/", views.credential_detail, name="credential_detail"),
    path("badges/credentials/<uuid:public_id>/credential.json", views.credential_json, name="credential_json"),
    path("badges/credentials/<uuid:public_id>/baked", views.credential_baked, name="credential_baked"),
    path("badges/credentials/<uuid:public_id>/visibility/", views.credential_visibility, name="credential_visibility"),
    path("badges/credentials/<uuid:public_id>/revoke/", views.credential_revoke, name="credential_revoke"),
    path("badges/s/<str:share_slug>/", views.shared, name="shared"),
    path("badges/s/<str:share_slug>/credential.json", views.shared_json, name="shared_json"),
    path("badges/s/<str:share_slug>/baked", views.shared_baked, name="shared_baked"),
    # Credentials a person imports from other issuers.
    path("badges/import/", views.import_credential, name="import"),
    path("badges/imported/<uuid:public_id>/visibility/", views.imported_visibility, name="imported_visibility"),
    path("badges/imported/<uuid:public_id>/remove/", views.imported_remove, name="imported_remove"),
    path("badges/imported/<uuid:public_id>/credential", views.imported_json, name="imported_json"),
    # A person's badges.
    path("people/<str:username>/badges/", views.person_badges, name="person_badges"),
]  # fmt: skip
