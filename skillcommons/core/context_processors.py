"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation


def site(request: HttpRequest) -> dict[str, Any]:
    code = translation.get_language() or settings.LANGUAGE_CODE
    return {
        "SITE_NAME": settings.SITE_NAME,
        "WIKIMEDIA_SIGNIN_ENABLED": settings.WIKIMEDIA_SIGNIN_ENABLED,
        "UI_LANGUAGES": [
            {"code": c, "name": name, "current": c == code} for c, name in settings.LANGUAGES
        ],
    }
