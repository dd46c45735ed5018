"""Shared pieces of the JSON API: authentication, the error format and pagination.

Error format (every non-2xx answer)::

    {"error": {"status": 404, "code": "not_found", "message": "…", "fields": [...]}}

``fields`` is present for validation errors: a list of ``{"field": "a.b", "message": "…"}``.
Messages are translated into the request's language (``Accept-Language`` or ``?uselang=``).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import PaginationBase
from ninja.parser import Parser
from ninja.security import APIKeyCookie, HttpBearer

from skillcommons.core.validation_messages import message_for

logger = logging.getLogger(__name__)

TOKEN_PREFIX = "sc_"  # noqa: S105 (a public marker that makes tokens recognisable, not a secret)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class TokenAuth(HttpBearer):
    """``Authorization: Bearer sc_…`` with a personal API token."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from skillcommons.accounts.models import ApiToken

        now = timezone.now()
        found = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if found is None or (found.expires_at is not None and found.expires_at <= now):
            raise AuthenticationError(401, _("The API token is not valid."))
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user


class SessionAuth(APIKeyCookie):
    """The browser's session cookie; unsafe methods must carry the CSRF token."""

    param_name = settings.SESSION_COOKIE_NAME

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return request.user if request.user.is_authenticated else None


class Anonymous:
    """Lets a public endpoint run for visitors; ``request.user`` stays anonymous."""

    def __call__(self, request: HttpRequest) -> Any:
        return AnonymousUser()


#: Public reads: a token or session identifies the viewer, otherwise the viewer is anonymous.
PUBLIC: list[Callable[[HttpRequest], Any]] = [TokenAuth(), SessionAuth(), Anonymous()]
#: Writes and personal data: a token or a signed-in session is required.
SIGNED_IN: list[Callable[[HttpRequest], Any]] = [TokenAuth(), SessionAuth()]


class FieldError(Schema):
    field: str
    message: str


class ErrorBody(Schema):
    status: int
    code: str
    message: str
    fields: list[FieldError] | None = None


class ErrorResponse(Schema):
    error: ErrorBody


def error_response(
    api: NinjaAPI,
    request: HttpRequest,
    *,
    status: int,
    code: str,
    message: str,
    fields: list[dict[str, str]] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {"status": status, "code": code, "message": message}
    if fields is not None:
        body["fields"] = fields
    return api.create_response(request, {"error": body}, status=status)


_STATUS_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "validation_error",
    429: "rate_limited",
}


def _loc(parts: Any) -> str:
    # ninja prefixes the parameter source ("body", "query", "path"); users care about the field.
    names = [str(p) for p in parts if p not in ("body", "query", "path", "form", "payload")]
    return ".".join(names) or "__all__"


def install_error_handlers(api: NinjaAPI) -> None:
    """Give every error the one documented shape."""

    def on_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        fields = [
            {"field": _loc(err.get("loc", ())), "message": message_for(err)} for err in exc.errors
        ]
        return error_response(
            api,
            request,
            status=422,
            code="validation_error",
            message=_("Some values are not valid."),
            fields=fields,
        )

    def on_django_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        fields: list[dict[str, str]] = []
        if hasattr(exc, "error_dict"):
            for name, errors in exc.message_dict.items():
                fields.extend({"field": name, "message": message} for message in errors)
        else:
            fields.extend({"field": "__all__", "message": message} for message in exc.messages)
        return error_response(
            api,
            request,
            status=400,
            code="invalid",
            message=fields[0]["message"] if len(fields) == 1 else _("Some values are not valid."),
            fields=fields,
        )

    def on_auth(request: HttpRequest, exc: Any) -> HttpResponse:
        message = (
            str(exc.message) if getattr(exc, "message", "") not in ("", "Unauthorized") else ""
        )
        return error_response(
            api,
            request,
            status=401,
            code="not_authenticated",
            message=message or _("Sign in or send a valid API token."),
        )

    def on_http(request: HttpRequest, exc: Any) -> HttpResponse:
        status = exc.status_code
        message = str(exc)
        if status == 403 and message == "CSRF check Failed":
            message = _("The CSRF token is missing or wrong. Reload the page and try again.")
        return error_response(
            api, request, status=status, code=_STATUS_CODES.get(status, "error"), message=message
        )

    def on_404(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(
            api, request, status=404, code="not_found", message=_("Nothing was found here.")
        )

    def on_forbidden(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(
            api,
            request,
            status=403,
            code="forbidden",
            message=str(exc) or _("You are not allowed to do this."),
        )

    def on_too_big(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(
            api,
            request,
            status=413,
            code="too_large",
            message=_("The request is too large."),
        )

    def on_unexpected(request: HttpRequest, exc: Any) -> HttpResponse:
        if settings.DEBUG and getattr(settings, "API_RAISE_UNEXPECTED", False):
            raise exc
        logger.exception("Unexpected API error", exc_info=exc)
        return error_response(
            api,
            request,
            status=500,
            code="server_error",
            message=_("Something went wrong on our side. Nothing was changed."),
        )

    api.add_exception_handler(NinjaValidationError, on_validation)
    api.add_exception_handler(DjangoValidationError, on_django_validation)
    api.add_exception_handler(AuthenticationError, on_auth)
    api.add_exception_handler(HttpError, on_http)
    api.add_exception_handler(Http404, on_404)
    api.add_exception_handler(PermissionDenied, on_forbidden)
    api.add_exception_handler(RequestDataTooBig, on_too_big)
    api.add_exception_handler(Exception, on_unexpected)


class PagePagination(PaginationBase):
    """``?page=1&page_size=50``; answers ``{"count", "page", "page_size", "pages", "results"}``."""

    class Input(Schema):
        page: int = 1
        page_size: int = settings.SKILLCOMMONS["API_PAGE_SIZE"]

    class Output(Schema):
        count: int
        page: int
        page_size: int
        pages: int
        results: list[Any]

    items_attribute = "results"

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        if pagination.page < 1:
            raise HttpError(400, _("The page number must be 1 or more."))
        maximum = settings.SKILLCOMMONS["API_MAX_PAGE_SIZE"]
        if not 1 <= pagination.page_size <= maximum:
            raise HttpError(
                400, _("The page size must be between 1 and %(maximum)d.") % {"maximum": maximum}
            )
        count = self._items_count(queryset)
        size = pagination.page_size
        start = (pagination.page - 1) * size
        return {
            "count": count,
            "page": pagination.page,
            "page_size": size,
            "pages": max(1, -(-count // size)),
            "results": list(queryset[start : start + size]),
        }


def _nul_paths(value: Any, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    if isinstance(value, str):
        return [path] if "\x00" in value else []
    if isinstance(value, dict):
        found = [(*path, str(key)) for key in value if "\x00" in str(key)]
        for key, item in value.items():
            found += _nul_paths(item, (*path, str(key)))
        return found
    if isinstance(value, list):
        return [p for index, item in enumerate(value) for p in _nul_paths(item, (*path, index))]
    return []


class TextSafeParser(Parser):
    """JSON bodies whose text holds a NUL character are refused as invalid.

    PostgreSQL cannot store NUL in text, and no user text needs it; the pages' forms refuse it
    through Django's validator, and this refuses such a body before any view runs (ninja answers
    400 "bad request" for a body its parser refuses) instead of a database error.
    """

    def parse_body(self, request: HttpRequest) -> Any:
        data = super().parse_body(request)
        paths = _nul_paths(data)
        if paths:
            raise NinjaValidationError(
                [
                    {
                        "loc": ("body", *path),
                        "type": "value_error",
                        "ctx": {"error": _("This value is not valid.")},
                    }
                    for path in paths
                ]
            )
        return data
