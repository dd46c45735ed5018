"""Request middleware shared by every page."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class UselangMiddleware:
    """Honour ``?uselang=xx``, the way Wikimedia wikis let a link choose the interface language.

    Runs before ``LocaleMiddleware``: a valid ``uselang`` wins over the cookie and the browser's
    ``Accept-Language`` for this request only. The language switcher sets the cookie for good.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.codes = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        requested = request.GET.get("uselang", "").strip().lower().replace("_", "-")
        if requested in self.codes:
            request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = requested
        return self.get_response(request)
