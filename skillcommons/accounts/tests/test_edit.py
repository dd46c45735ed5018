"""Editing one's profile through the page: every field with its visibility, rows without
JavaScript, and all-or-nothing saving."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from skillcommons.accounts.models import PersonLanguage, PersonSkill, Profile, User
from skillcommons.core.visibility import Visibility

from .conftest import fill_profile


def management(prefix: str, total: int, initial: int = 0) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def valid_post(**overrides: str) -> dict[str, str]:
    data = {
        "display_name": "Ada",
        "display_name_visibility": "2",
        "pronouns": "she/her",
        "pronouns_visibility": "1",
        "bio": "I **love** citations.",
        "bio_visibility": "2",
        "home_wikis": "en.wikipedia.org\ncommonswiki, https://www.wikidata.org/wiki/Q42",
        "home_wikis_visibility": "2",
        "country": "NZ",
        "location_visibility": "2",
        "time_zone": "Pacific/Auckland",
        "time_zone_visibility": "1",
        "preferred_methods": "mentoring",
        "methods_visibility": "1",
        "mentoring_capacity": "3",
        "capacity_visibility": "1",
        "availability_visibility": "1",
        "languages_visibility": "2",
        "skills_visibility": "2",
        "offers_visibility": "2",
        "wants_visibility": "1",
        **management("languages", 2),
        "languages-0-language": "qaa",
        "languages-0-proficiency": "6",
        "languages-1-language": "",
        "languages-1-proficiency": "2",
        **management("skills", 2),
        "skills-0-skill": "citations",
        "skills-0-level": "3",
        "skills-0-offers": "mentoring",
        "skills-1-skill": "",
        "skills-1-level": "",
        **management("availability", 2),
        "availability-0-day": "1",
        "availability-0-start": "09:00",
        "availability-0-end": "10:30",
        "availability-1-day": "0",
        "availability-1-start": "",
        "availability-1-end": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def signed_in(owner: User) -> Client:
    client = Client()
    client.force_login(owner)
    return client


def test_the_edit_page_needs_a_signed_in_person(db: None) -> None:
    response = Client().get(reverse("accounts:edit"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_edit_page_offers_a_visibility_selector_for_every_group(signed_in: Client) -> None:
    page = signed_in.get(reverse("accounts:edit")).content.decode()
    for column in Profile.VISIBILITY_FIELDS.values():
        assert f'name="{column}"' in page
    assert 'name="add_rows"' in page
    assert "<script>" not in page.split("</head>")[1]


def test_saving_the_whole_form_writes_every_field(signed_in: Client, owner: User) -> None:
    response = signed_in.post(reverse("accounts:edit"), valid_post())
    assert response.status_code == 302, response.content.decode()[:3000]
    profile = Profile.objects.get(user=owner)
    assert profile.display_name == "Ada"
    assert profile.display_name_visibility == Visibility.PUBLIC
    assert profile.home_wikis == ["enwiki", "commonswiki", "wikidatawiki"]
    assert (profile.country, profile.region) == ("NZ", "ESEAP")
    assert profile.time_zone == "Pacific/Auckland"
    assert profile.preferred_methods == ["mentoring"]
    assert profile.mentoring_capacity == 3
    assert profile.availability == [{"day": 1, "start": "09:00", "end": "10:30"}]
    assert [(pl.language.code, pl.proficiency) for pl in profile.languages.all()] == [("qaa", 6)]
    skill = PersonSkill.objects.get(profile=profile)
    assert (skill.skill.code, skill.level, skill.offers) == ("citations", 3, ["mentoring"])


def test_removing_a_row_with_its_checkbox_deletes_it(signed_in: Client, owner: User) -> None:
    fill_profile(owner)
    data = valid_post(**{"languages-0-DELETE": "on"})
    assert signed_in.post(reverse("accounts:edit"), data).status_code == 302
    assert not PersonLanguage.objects.filter(profile__user=owner).exists()


def test_add_more_rows_shows_extra_rows_and_saves_nothing(signed_in: Client, owner: User) -> None:
    response = signed_in.post(reverse("accounts:edit"), valid_post(add_rows="1"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="languages-4-language"' in page
    assert 'name="skills-4-skill"' in page
    assert Profile.objects.get(user=owner).display_name == ""


BAD_INPUTS: dict[str, dict[str, str]] = {
    "country": {"country": "XX"},
    "time_zone": {"time_zone": "Mars/Olympus_Mons"},
    "home_wikis": {"home_wikis": "evil.example.com"},
    "capacity": {"mentoring_capacity": "51"},
    "negative capacity": {"mentoring_capacity": "-1"},
    "bio too long": {"bio": "x" * 5001},
    "visibility": {"bio_visibility": "7"},
    "method": {"preferred_methods": "telepathy"},
    "language": {"languages-0-language": "tlh-unknown"},
    "language level": {"languages-0-proficiency": "9"},
    "skill": {"skills-0-skill": "no-such-skill"},
    "skill level": {"skills-0-level": "5"},
    "offer": {"skills-0-offers": "juggling"},
    "duplicate language": {"languages-1-language": "qaa"},
    "duplicate skill": {"skills-1-skill": "citations"},
    "slot end before start": {"availability-0-end": "08:00"},
    "slot half empty": {"availability-1-start": "08:00"},
    "slot bad time": {"availability-0-start": "25:00"},
    "too many slots": management("availability", 40),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_any_invalid_part_saves_nothing(case: str, signed_in: Client, owner: User) -> None:
    fill_profile(owner)
    before = Profile.objects.get(user=owner)
    languages_before = list(PersonLanguage.objects.filter(profile=before).values())
    skills_before = list(PersonSkill.objects.filter(profile=before).values())
    response = signed_in.post(reverse("accounts:edit"), valid_post(**BAD_INPUTS[case]))
    assert response.status_code == 200
    assert "Nothing was saved" in response.content.decode()
    after = Profile.objects.get(user=owner)
    assert after.display_name == before.display_name == "Sentinel Displayname"
    assert after.updated_at == before.updated_at
    assert list(PersonLanguage.objects.filter(profile=after).values()) == languages_before
    assert list(PersonSkill.objects.filter(profile=after).values()) == skills_before


def test_errors_are_tied_to_their_fields(signed_in: Client) -> None:
    response = signed_in.post(reverse("accounts:edit"), valid_post(time_zone="Nowhere/Land"))
    page = response.content.decode()
    assert 'id="id_time_zone-error"' in page
    assert 'aria-describedby="id_time_zone-error' in page


def test_bio_is_rendered_as_sanitized_markdown(owner: User) -> None:
    from skillcommons.accounts import actions

    actions.update_profile(
        user=owner,
        changes={
            "bio": "**bold** <script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=alert(3)>",
            "bio_visibility": Visibility.PUBLIC,
        },
    )
    page = Client().get(reverse("accounts:profile", args=[owner.username])).content.decode()
    assert "<strong>bold</strong>" in page
    assert "<script>alert(1)" not in page
    assert 'href="javascript' not in page
    assert "<img" not in page


@pytest.mark.parametrize("username", ["Ada Lovelace", "مستخدم ويكي", "Zoë (bot)", "O'Brien & co"])
def test_user_names_with_spaces_and_any_script_work_in_urls(
    username: str, vocabulary: dict[str, Any]
) -> None:
    from .factories import make_user

    user = make_user(username=username)
    url = reverse("accounts:profile", args=[username])
    assert " " not in url
    response = Client().get(url)
    assert response.status_code == 200
    assert user.get_absolute_url() == url
    api = Client().get(f"/api/v1/people/{username}")
    assert api.status_code == 200
    assert api.json()["username"] == username


def test_an_unknown_profile_is_not_found(db: None) -> None:
    assert Client().get(reverse("accounts:profile", args=["Nobody Here"])).status_code == 404
    assert Client().get("/api/v1/people/Nobody Here").status_code == 404


def test_an_inactive_account_has_no_page(owner: User) -> None:
    owner.is_active = False
    owner.save()
    assert Client().get(reverse("accounts:profile", args=[owner.username])).status_code == 404


def test_availability_is_shown_in_the_viewers_time_zone(owner: User, member: User) -> None:
    from skillcommons.accounts import actions

    actions.update_profile(
        user=owner,
        changes={
            "time_zone": "UTC",
            "availability": [{"day": 0, "start": "22:00", "end": "23:00"}],
            "availability_visibility": Visibility.MEMBERS,
        },
    )
    actions.update_profile(user=member, changes={"time_zone": "Asia/Kolkata"})
    client = Client()
    client.force_login(member)
    page = client.get(reverse("accounts:profile", args=[owner.username])).content.decode()
    # 22:00–23:00 UTC on Monday is 03:30–04:30 on Tuesday in India.
    assert "Tuesday, 03:30 to 04:30" in page
    assert "Asia/Kolkata" in page


def test_edit_page_help_is_in_the_request_language_and_free_text_follows_its_script(
    signed_in: Client,
) -> None:
    page = signed_in.get(reverse("accounts:edit"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "You can use Markdown" not in page
    assert "Markdown" in page
    assert 'name="bio"' in page
    bio_tag = page[page.index("<textarea") : page.index(">", page.index("<textarea"))]
    assert 'dir="auto"' in bio_tag
