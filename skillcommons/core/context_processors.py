"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation


def site(request: HttpRequest) -> dict[str, Any]:
    code = translation.get_language() or settings.LANGUAGE_CODE
    # After switching language, come back to the same page, minus any ?uselang= that would
    # override the new choice.
    query = request.GET.copy()
    query.pop("uselang", None)
    return_to = request.path + (f"?{query.urlencode()}" if query else "")
    return {
        "LANGUAGE_SWITCH_NEXT": return_to,
        "SITE_NAME": settings.SITE_NAME,
        "WIKIMEDIA_SIGNIN_ENABLED": settings.WIKIMEDIA_SIGNIN_ENABLED,
        "UI_LANGUAGES": [
            {"code": c, "name": name, "current": c == code} for c, name in settings.LANGUAGES
        ],
    }
