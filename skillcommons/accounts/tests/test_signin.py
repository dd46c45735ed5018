"""Signing up, in and out with a local account, resetting a password, and signing in with
Wikimedia (OAuth 2.0) through allauth's own views, with the wiki's HTTP answers faked."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse

from skillcommons.accounts.models import Profile, User
from skillcommons.core.visibility import Visibility

from .factories import PASSWORD, make_user

NEW_PASSWORD = "another long passphrase 97"


def signed_in_user(client: Client) -> User | None:
    pk = client.session.get(SESSION_KEY)
    return User.objects.filter(pk=pk).first() if pk else None


@pytest.mark.django_db
def test_sign_up_with_a_user_name_containing_spaces_creates_a_private_profile() -> None:
    client = Client()
    response = client.post(
        reverse("account_signup"),
        {
            "username": "Ada Lovelace",
            "email": "ada@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="Ada Lovelace")
    assert signed_in_user(client) == user
    profile = Profile.objects.get(user=user)
    assert all(profile.visibility_of(g) == Visibility.PRIVATE for g in Profile.VISIBILITY_FIELDS)


@pytest.mark.django_db
def test_sign_up_refuses_a_name_wikis_would_refuse_and_creates_nothing() -> None:
    client = Client()
    response = client.post(
        reverse("account_signup"),
        {
            "username": "Bad[name]",
            "email": "bad@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 200
    assert "not # &lt; &gt; [ ]" in response.content.decode()
    assert not User.objects.filter(email="bad@example.org").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("login", ["Grace Hopper", "grace@example.org"])
def test_sign_in_by_user_name_or_email_and_sign_out(login: str) -> None:
    user = make_user(username="Grace Hopper", email="grace@example.org")
    client = Client()
    page = client.get(reverse("account_login"))
    assert page.status_code == 200
    assert b"cdx-text-input__input" in page.content
    response = client.post(reverse("account_login"), {"login": login, "password": PASSWORD})
    assert response.status_code == 302
    assert signed_in_user(client) == user
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert signed_in_user(client) is None


@pytest.mark.django_db
def test_a_wrong_password_does_not_sign_in() -> None:
    make_user(username="Grace Hopper", email="grace@example.org")
    client = Client()
    response = client.post(reverse("account_login"), {"login": "Grace Hopper", "password": "no"})
    assert response.status_code == 200
    assert signed_in_user(client) is None


@pytest.mark.django_db
def test_password_reset_by_email() -> None:
    user = make_user(username="Katherine Johnson", email="kj@example.org")
    client = Client()
    assert client.get(reverse("account_reset_password")).status_code == 200
    response = client.post(reverse("account_reset_password"), {"email": "kj@example.org"})
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200  # "done" page
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", str(mail.outbox[0].body))
    assert link is not None
    path = urlparse(link.group(0)).path
    response = client.get(path)
    assert response.status_code == 302  # allauth hides the key behind a redirect
    set_password_url = response["Location"]
    response = client.post(set_password_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200  # "from key done" page
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


@pytest.mark.django_db
def test_email_management_page_renders_for_a_signed_in_user() -> None:
    client = Client()
    client.force_login(make_user(username="Mary Jackson", email="mj@example.org"))
    response = client.get(reverse("account_email"))
    assert response.status_code == 200
    assert b"cdx-button" in response.content


# --- Wikimedia -----------------------------------------------------------------------------

# allauth's mediawiki provider reads REST_API and USER_AGENT when its module is imported (the
# endpoint URLs are class attributes), but looks the app (client id and secret) up on every
# request, so overriding the setting is enough to enable sign-in; the URLs stay meta's.
PROVIDERS = {
    "mediawiki": {
        "REST_API": "https://meta.wikimedia.org/w/rest.php",
        "USER_AGENT": "Skillcommons tests",
        "APPS": [{"client_id": "test-client", "secret": "test-secret", "settings": {}}],
    }
}


@pytest.fixture
def wikimedia(settings: Any) -> None:
    settings.SOCIALACCOUNT_PROVIDERS = PROVIDERS
    settings.WIKIMEDIA_SIGNIN_ENABLED = True


def _json_response(data: dict[str, Any]) -> requests.Response:
    response = requests.Response()
    response.status_code = 200
    response._content = json.dumps(data).encode()
    response.headers["content-type"] = "application/json"
    return response


@pytest.fixture
def wiki_profile(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """Fake the wiki's token and profile endpoints; yields the profile it answers with."""
    answer: dict[str, Any] = {
        "sub": "424242",
        "username": "Jane Doe",
        "confirmed_email": True,
        "email": "jane@example.org",
        "realname": "Jane Q. Doe",
    }
    calls: list[str] = []

    def fake_request(self: requests.Session, method: str, url: str, **kwargs: Any) -> Any:
        calls.append(url)
        if url.endswith("/oauth2/access_token"):
            assert kwargs["data"]["code"] == "the-code"
            return _json_response({"access_token": "wiki-token", "token_type": "Bearer"})
        if url.endswith("/oauth2/resource/profile"):
            assert kwargs["headers"]["Authorization"] == "Bearer wiki-token"
            return _json_response(answer)
        raise AssertionError(f"unexpected request to {url}")

    monkeypatch.setattr(requests.Session, "request", fake_request)
    yield answer
    assert any(url.endswith("/oauth2/resource/profile") for url in calls)


def sign_in_with_wikimedia(client: Client) -> Any:
    page = client.get(reverse("account_login"))
    assert "Sign in with Wikimedia" in page.content.decode()
    start = reverse("mediawiki_login") + "?process=login"
    assert f'action="{start}"' in page.content.decode()
    response = client.post(start)
    assert response.status_code == 302
    authorize = urlparse(response["Location"])
    assert authorize.netloc == "meta.wikimedia.org"
    assert authorize.path.endswith("/oauth2/authorize")
    query = parse_qs(authorize.query)
    assert query["client_id"] == ["test-client"]
    return client.get(
        reverse("mediawiki_callback"), {"code": "the-code", "state": query["state"][0]}
    )


@pytest.mark.django_db
def test_the_wikimedia_button_is_hidden_when_sign_in_is_not_configured(settings: Any) -> None:
    settings.WIKIMEDIA_SIGNIN_ENABLED = False
    assert "Sign in with Wikimedia" not in Client().get(reverse("account_login")).content.decode()


@pytest.mark.django_db
def test_wikimedia_sign_in_creates_the_account_and_profile_and_signs_in(
    wikimedia: None, wiki_profile: dict[str, Any]
) -> None:
    client = Client()
    response = sign_in_with_wikimedia(client)
    assert response.status_code == 302, response.content[:500]
    user = User.objects.get(username="Jane Doe")
    assert signed_in_user(client) == user
    assert user.email == "jane@example.org"
    assert not user.has_usable_password()
    account = SocialAccount.objects.get(user=user)
    assert (account.provider, account.uid) == ("mediawiki", "424242")
    profile = Profile.objects.get(user=user)
    assert profile.display_name == "Jane Q. Doe"
    assert profile.display_name_visibility == Visibility.PRIVATE
    # The real name stays private: the public profile page does not show it.
    page = Client().get(reverse("accounts:profile", args=["Jane Doe"]))
    assert page.status_code == 200
    assert "Jane Q. Doe" not in page.content.decode()


@pytest.mark.django_db
def test_signing_in_again_with_wikimedia_reuses_the_account(
    wikimedia: None, wiki_profile: dict[str, Any]
) -> None:
    sign_in_with_wikimedia(Client())
    client = Client()
    sign_in_with_wikimedia(client)
    assert User.objects.filter(socialaccount__uid="424242").count() == 1
    assert signed_in_user(client) == User.objects.get(username="Jane Doe")


@pytest.mark.django_db
def test_a_taken_local_name_is_never_merged_the_wiki_account_gets_a_variant(
    wikimedia: None, wiki_profile: dict[str, Any]
) -> None:
    local = make_user(username="jane doe", email="local-jane@example.org")
    client = Client()
    response = sign_in_with_wikimedia(client)
    assert response.status_code == 302
    new = User.objects.get(socialaccount__uid="424242")
    assert new != local
    assert new.username == "Jane Doe (Wikimedia)"
    assert signed_in_user(client) == new
    assert not SocialAccount.objects.filter(user=local).exists()
    local.refresh_from_db()
    assert local.check_password(PASSWORD)


@pytest.mark.django_db
def test_a_wiki_email_used_by_a_local_account_does_not_sign_into_that_account(
    wikimedia: None, wiki_profile: dict[str, Any]
) -> None:
    local = make_user(username="Someone Else", email="jane@example.org")
    client = Client()
    response = sign_in_with_wikimedia(client)
    # allauth asks the person to complete the sign-up instead of merging the accounts.
    assert signed_in_user(client) is None
    assert response.status_code == 302
    assert response["Location"] == reverse("socialaccount_signup")
    form = client.get(response["Location"])
    assert form.status_code == 200
    assert not SocialAccount.objects.filter(user=local).exists()


@pytest.mark.django_db
def test_a_wiki_name_with_arabic_script_becomes_the_user_name(
    wikimedia: None, wiki_profile: dict[str, Any]
) -> None:
    wiki_profile["username"] = "مستخدم ويكي"
    wiki_profile["email"] = "arabic@example.org"
    client = Client()
    assert sign_in_with_wikimedia(client).status_code == 302
    user = User.objects.get(username="مستخدم ويكي")
    assert signed_in_user(client) == user
    page = Client().get(user.get_absolute_url())
    assert page.status_code == 200
