"""Open Badges 2.0 documents for older backpacks: hosted assertion, badge class, issuer, and the
image baked with the assertion's URL. Public JSON (CORS open), no writes."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from . import ob2
from .models import Achievement, Credential, Issuer


def _json(document: dict[str, Any], *, status: int = 200) -> JsonResponse:
    response = JsonResponse(
        document, status=status, json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Type"] = "application/ld+json; charset=utf-8"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _hosted(public_id: UUID) -> Credential:
    found: Credential = get_object_or_404(
        ob2.hosted_credentials().select_related("achievement", "achievement__issuer"),
        public_id=public_id,
    )
    return found


@require_GET
def assertion(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The hosted assertion; ``410 Gone`` with ``revoked: true`` once the award is revoked."""
    credential = _hosted(public_id)
    return _json(ob2.assertion_document(credential), status=410 if credential.is_revoked else 200)


@require_GET
def baked(request: HttpRequest, public_id: UUID) -> HttpResponse:
    credential = _hosted(public_id)
    data, content_type = ob2.baked_image(credential)
    response = HttpResponse(data, content_type=content_type)
    extension = "svg" if content_type == "image/svg+xml" else "png"
    response["Content-Disposition"] = f'attachment; filename="badge-ob2-{public_id}.{extension}"'
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@require_GET
def badge_class(request: HttpRequest, public_id: UUID) -> HttpResponse:
    # Retired achievements stay reachable: awards already issued point at them.
    achievement = get_object_or_404(
        Achievement.objects.with_translations().prefetch_related("skills"),
        public_id=public_id,
    )
    return _json(ob2.badge_class_document(achievement, request.GET.get("lang")))


@require_GET
def issuer(request: HttpRequest, slug: str) -> HttpResponse:
    found = get_object_or_404(Issuer.objects.select_related("organization"), slug=slug)
    return _json(ob2.issuer_document(found))
