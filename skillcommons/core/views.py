"""Pages that belong to no pillar: home, health check and error pages."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: answers 200 when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def _error(request: HttpRequest, status: int, template: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        from django.utils.translation import gettext as _

        messages = {
            400: _("The request could not be understood."),
            403: _("You are not allowed to do this."),
            404: _("Nothing was found here."),
            500: _("Something went wrong on our side. Nothing was changed."),
        }
        codes = {400: "bad_request", 403: "forbidden", 404: "not_found", 500: "server_error"}
        return JsonResponse(
            {"error": {"status": status, "code": codes[status], "message": messages[status]}},
            status=status,
        )
    return render(request, template, status=status)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, "errors/404.html")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403, "errors/403.html")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400, "errors/400.html")


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(request, 500, "errors/500.html")
