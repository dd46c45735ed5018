"""Every interface language: ``?uselang=`` and the language switcher set ``lang`` and ``dir``, and
every page reachable from the navigation renders in every language."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from skillcommons.accounts.models import User

LANGUAGES = [code for code, _name in settings.LANGUAGES]
HTML_TAG = re.compile(r'<html lang="(?P<lang>[^"]+)" dir="(?P<dir>[^"]+)">')


def lang_and_dir(html: str) -> tuple[str, str]:
    found = HTML_TAG.search(html)
    assert found, "the page has no <html lang dir> tag"
    return found["lang"], found["dir"]


def expected_dir(code: str) -> str:
    return "rtl" if code in settings.LANGUAGES_BIDI else "ltr"


def test_all_seven_interface_languages_are_offered() -> None:
    assert LANGUAGES == ["en", "es", "fr", "pt-br", "ar", "bn", "hi"]


@pytest.mark.django_db
@pytest.mark.parametrize("code", LANGUAGES)
def test_uselang_sets_the_language_and_direction_of_the_home_page(
    client: Client, code: str
) -> None:
    response = client.get("/", {"uselang": code})
    assert response.status_code == 200
    assert lang_and_dir(response.text) == (code, expected_dir(code))


@pytest.mark.django_db
def test_uselang_lasts_for_one_request_only(client: Client) -> None:
    assert lang_and_dir(client.get("/", {"uselang": "ar"}).text) == ("ar", "rtl")
    assert lang_and_dir(client.get("/").text) == ("en", "ltr")


@pytest.mark.django_db
def test_an_unknown_uselang_is_ignored(client: Client) -> None:
    response = client.get("/", {"uselang": "xx-nope"})
    assert response.status_code == 200
    assert lang_and_dir(response.text) == ("en", "ltr")


@pytest.mark.django_db
@pytest.mark.parametrize("code", LANGUAGES)
def test_the_language_switcher_sets_the_language_for_good(client: Client, code: str) -> None:
    response = client.post("/i18n/setlang/", {"language": code, "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == code
    assert lang_and_dir(client.get("/").text) == (code, expected_dir(code))
    # Later pages keep it, without ?uselang.
    assert lang_and_dir(client.get("/skills/").text) == (code, expected_dir(code))


@pytest.mark.django_db
def test_the_switcher_refuses_an_unknown_language(client: Client) -> None:
    client.post("/i18n/setlang/", {"language": "ar", "next": "/"})
    client.post("/i18n/setlang/", {"language": "tlh", "next": "/"})
    assert lang_and_dir(client.get("/").text) == ("ar", "rtl")


@pytest.mark.django_db
def test_the_switcher_does_not_redirect_to_another_site(client: Client) -> None:
    response = client.post(
        "/i18n/setlang/", {"language": "fr", "next": "https://evil.example.com/"}
    )
    assert response.status_code == 302
    assert not response.headers["Location"].startswith("https://evil.example.com")


def header_links(html: str) -> list[str]:
    """Local links of the page header: the main navigation and the account links."""
    header = html.split('<header class="sc-header">', 1)[1].split("</header>", 1)[0]
    links = re.findall(r'href="(/[^"]*)"', header)
    return sorted(set(links))


@pytest.fixture
def demo_data(db: None) -> Iterator[None]:
    call_command("seed_demo", people=15, organizations=10, seed=3, verbosity=0)
    yield


@pytest.mark.django_db
@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "member"])
def test_every_page_in_the_navigation_renders_in_every_language(
    client: Client, demo_data: None, signed_in: bool
) -> None:
    if signed_in:
        client.force_login(User.objects.get(username="demo-member"))
    links = header_links(client.get("/").text)
    assert "/skills/" in links
    assert "/people/" in links
    assert "/organizations/" in links
    if signed_in:
        assert any(link.startswith("/people/demo-member") for link in links)
    else:
        assert "/accounts/login/" in links
    if signed_in:
        links.append("/me/edit/")
    for code in LANGUAGES:
        for link in links:
            separator = "&" if "?" in link else "?"
            response = client.get(f"{link}{separator}uselang={code}")
            assert response.status_code == 200, f"{link} in {code}: {response.status_code}"
            assert lang_and_dir(response.text) == (code, expected_dir(code)), link


def main_links(html: str, prefix: str) -> list[str]:
    """Links to pages below ``prefix`` found in the page's main content."""
    main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    found = re.findall(rf'href="({re.escape(prefix)}[^"?#]+)"', main)
    return list(dict.fromkeys(link for link in found if link != prefix))


@pytest.mark.django_db
def test_detail_pages_reached_from_the_lists_render_in_every_language(
    client: Client, demo_data: None
) -> None:
    client.force_login(User.objects.get(username="demo-coordinator"))
    details: list[str] = []
    for prefix in ("/skills/", "/people/", "/organizations/"):
        found = main_links(client.get(prefix).text, prefix)
        assert found, f"no detail links on {prefix}"
        details.extend(found[:3])
    for code in LANGUAGES:
        for link in details:
            response = client.get(link, {"uselang": code})
            assert response.status_code == 200, f"{link} in {code}: {response.status_code}"
            assert lang_and_dir(response.text) == (code, expected_dir(code)), link
