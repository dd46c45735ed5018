"""The public verification page: upload a baked badge or a JSON credential, paste one, or give
the address of a credential on this site, and see every check with a plain explanation.

Thin: the form parses, :mod:`.verify_service` gathers the documents and runs the pure checks of
:mod:`.verification`. No writes.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

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
