"""The public verification page: upload a baked badge or a JSON credential, paste one, or give
the address of a credential on this site, and see every check with a plain explanation. Also the
VC-JWT form of a credential, for download.

Thin: the form parses, :mod:`.verify_service` gathers the documents and runs the pure checks of
:mod:`.verification`. The only write: the first VC-JWT of an issuer for an algorithm creates
(and so publishes) its key.
"""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from .models import Credential, IssuerJwtKey
from .vcjwt_keys import vc_jwt_of
from .verify_forms import VerifyForm
from .verify_service import RateLimitedError, verify_request


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """GET: the empty form. POST: the form again with the report of each check."""
    report = None
    rate_limited = False
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                report = verify_request(
                    request,
                    data=form.upload_bytes(),
                    text=form.cleaned_data["text"],
                    url=form.cleaned_data["url"],
                    email=form.cleaned_data["email"] or None,
                    supplied=form.cleaned_data["documents"],
                )
            except RateLimitedError:
                rate_limited = True
    else:
        form = VerifyForm()
    status = 429 if rate_limited else 200
    return render(
        request,
        "badges/verify.html",
        {"form": form, "report": report, "rate_limited": rate_limited},
        status=status,
    )


def _jwt_response(credential: Credential, request: HttpRequest) -> HttpResponse:
    algorithm = request.GET.get("alg", "ES256")
    if algorithm not in IssuerJwtKey.Algorithm.values:
        return HttpResponse(
            _("The algorithm must be ES256 or RS256."), status=400, content_type="text/plain"
        )
    token = vc_jwt_of(credential, algorithm=algorithm)
    response = HttpResponse(token, content_type="application/jwt")
    response["Content-Disposition"] = (
        f'attachment; filename="credential-{credential.public_id}-{algorithm}.jwt"'
    )
    return response


@require_GET
def credential_jwt(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The credential as a VC-JWT (``?alg=ES256`` or ``RS256``), for whoever may see it."""
    credential = get_object_or_404(
        Credential.objects.visible_to(request.user).select_related("issuer"), public_id=public_id
    )
    return _jwt_response(credential, request)


@require_GET
def shared_jwt(request: HttpRequest, share_slug: str) -> HttpResponse:
    """The credential behind a share link as a VC-JWT."""
    credential = get_object_or_404(Credential.objects.shared(share_slug).select_related("issuer"))
    return _jwt_response(credential, request)
