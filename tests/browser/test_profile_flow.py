"""A person signs in, edits their profile, sees it saved, and switches the interface to Arabic,
in a real browser against a live server (no JavaScript needed by the pages; CSP stays on)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from skillcommons.accounts.models import Profile, User
from skillcommons.core.visibility import Visibility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long browser password 42"


def test_sign_in_edit_profile_and_switch_to_arabic(page: Page, live_server: object) -> None:
    base = str(live_server.url)  # type: ignore[attr-defined]
    User.objects.create_user("Browser Tester", email="tester@example.org", password=PASSWORD)
    console_errors: list[str] = []
    page.on(
        "console",
        lambda message: console_errors.append(message.text) if message.type == "error" else None,
    )

    # Sign in with the local account.
    page.goto(f"{base}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.fill("input[name=login]", "Browser Tester")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator(".sc-account")).to_contain_text("Browser Tester")

    # Edit the display name and who may see it.
    page.goto(f"{base}/me/edit/")
    page.fill("input[name=display_name]", "Ada of the Commons")
    page.select_option("select[name=display_name_visibility]", str(Visibility.PUBLIC.value))
    page.get_by_role("button", name="Save my profile").click()

    # Saved: the profile page shows it, and so does the database.
    expect(page).to_have_url(re.compile(r"/people/Browser(%20| )Tester/$"))
    expect(page.locator("main")).to_contain_text("Ada of the Commons")
    profile = Profile.objects.get(user__username="Browser Tester")
    assert profile.display_name == "Ada of the Commons"
    assert profile.display_name_visibility == Visibility.PUBLIC

    # Switch the interface to Arabic with the language switcher.
    page.select_option("#sc-language-select", "ar")
    page.locator("form.sc-language button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator('link[href$="codex.style-rtl.css"]')).to_have_count(1)

    # The choice sticks on the next page.
    page.goto(f"{base}/skills/")
    expect(page.locator("html[lang=ar][dir=rtl]")).to_have_count(1)

    # Nothing the pages load was refused by the Content-Security-Policy.
    assert not [text for text in console_errors if "Content Security Policy" in text]
