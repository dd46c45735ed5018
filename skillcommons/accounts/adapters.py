"""django-allauth hooks: how an account made through "Sign in with Wikimedia" is named.

Rule (see docs/decisions/0003-profiles-visibility.md): the Wikimedia user name becomes the local
user name unchanged, spaces and any script included. If a *local* account already holds that name
(compared case-insensitively, as allauth does), the two are never merged: the new account gets the
first free variant "Name (Wikimedia)", "Name (Wikimedia 2)", … and the person can see it on their
profile. An existing local account can still be linked to Wikimedia deliberately from the account
connections page while signed in to it.
"""

from __future__ import annotations

import contextlib
from typing import Any

from allauth.account.internal.userkit import filter_users_by_username
from allauth.account.utils import user_username
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext

from .models import User
from .validators import WikimediaUsernameValidator

MAX_USERNAME = 150
MAX_VARIANTS = 100


def free_username(wanted: str) -> str:
    """``wanted`` if nobody uses it, otherwise the first free "wanted (Wikimedia N)" variant."""
    base = wanted.strip()[: MAX_USERNAME - 20] or "Wikimedian"
    if not filter_users_by_username(base).exists():
        return base
    for number in range(1, MAX_VARIANTS + 1):
        # "Wikimedia" is a proper name and stays untranslated in user names.
        suffix = " (Wikimedia)" if number == 1 else f" (Wikimedia {number})"
        candidate = base + suffix
        if not filter_users_by_username(candidate).exists():
            return candidate
    # Give up on variants: an empty user name sends the person to the sign-up form to choose.
    return ""


class SocialAccountAdapter(DefaultSocialAccountAdapter):  # type: ignore[misc]
    """Sign-in with Wikimedia: the wiki user name becomes the account's public handle."""

    def populate_user(self, request: HttpRequest, sociallogin: Any, data: dict[str, Any]) -> Any:
        user: User = super().populate_user(request, sociallogin, data)
        wiki_name = str(data.get("username") or "")
        try:
            WikimediaUsernameValidator()(wiki_name)
        except ValidationError:
            wiki_name = ""
        user_username(user, free_username(wiki_name) if wiki_name else "")
        return user

    def save_user(self, request: HttpRequest, sociallogin: Any, form: Any = None) -> Any:
        user: User = super().save_user(request, sociallogin, form)
        realname = str(sociallogin.account.extra_data.get("realname") or "").strip()
        if realname:
            # The real name becomes the display name, which stays private until the person
            # chooses to share it.
            from .actions import update_profile

            with contextlib.suppress(ValidationError):
                update_profile(user=user, changes={"display_name": realname[:100]})
        wiki_name = sociallogin.account.extra_data.get("username")
        if wiki_name and user.username != wiki_name:
            from django.contrib import messages

            messages.info(
                request,
                gettext(
                    "The user name %(wiki_name)s was already taken here, so your account is "
                    "called %(username)s."
                )
                % {"wiki_name": wiki_name, "username": user.username},
            )
        return user
