"""Verification, endorsements and Open Badges 2.0 documents (mounted at the site root in
``config/urls.py``, beside the issuing pages of ``urls.py``)."""

from django.urls import URLPattern, URLResolver, path

from . import endorse_views, ob2_views, verify_views

app_name = "badges_verify"

urlpatterns: list[URLPattern | URLResolver] = [
    path("badges/verify/", verify_views.verify, name="verify"),
    path("badges/credentials/<uuid:public_id>/credential.jwt", verify_views.credential_jwt, name="credential_jwt"),
    path("badges/s/<str:share_slug>/credential.jwt", verify_views.shared_jwt, name="shared_jwt"),
    # Endorsements.
    path("badges/achievements/<uuid:public_id>/endorse/", endorse_views.endorse_achievement, name="endorse_achievement"),
    path("people/<str:username>/endorse/", endorse_views.endorse_person, name="endorse_person"),
    path("badges/endorsements/<uuid:public_id>/", endorse_views.endorsement_detail, name="endorsement_detail"),
    path("badges/endorsements/<uuid:public_id>/endorsement.json", endorse_views.endorsement_json, name="endorsement_json"),
    path("badges/endorsements/<uuid:public_id>/withdraw/", endorse_views.endorsement_withdraw, name="endorsement_withdraw"),
    path("badges/endorsements/<uuid:public_id>/visibility/", endorse_views.endorsement_visibility, name="endorsement_visibility"),
    # Open Badges 2.0 for older backpacks.
    path("badges/credentials/<uuid:public_id>/ob2/assertion.json", ob2_views.assertion, name="ob2_assertion"),
    path("badges/credentials/<uuid:public_id>/ob2/baked", ob2_views.baked, name="ob2_baked"),
    path("badges/achievements/<uuid:public_id>/ob2/badge.json", ob2_views.badge_class, name="ob2_badge_class"),
    path("issuers/<slug:slug>/ob2/issuer.json", ob2_views.issuer, name="ob2_issuer"),
]  # fmt: skip
