"""Badge pages and documents through the test client: permissions, privacy, downloads."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from skillcommons.accounts.models import User
from skillcommons.badges import actions, issuers
from skillcommons.badges.artwork import medal_png, medal_svg
from skillcommons.badges.baking import unbake
from skillcommons.badges.models import Achievement, Credential, Issuer, IssuingRule
from skillcommons.badges.status import decode_list, get_bit

from .factories import PASSWORD, make_achievement, make_organization, make_user, org_issuer

pytestmark = pytest.mark.django_db


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def organizer_of(issuer: Issuer) -> User:
    return issuer.organization.memberships.get(role="organizer").user  # type: ignore[union-attr]


@pytest.fixture
def setup() -> dict[str, Any]:
    issuer = org_issuer("wmxx")
    organizer = organizer_of(issuer)
    achievement = make_achievement(issuer)
    asha = make_user("Asha")
    credentials = {
        visibility: actions.award_badge(achievement=achievement, recipient=asha, by=organizer)
        for visibility in ("private", "link", "public")
    }
    for visibility, credential in credentials.items():
        actions.set_credential_visibility(credential=credential, by=asha, visibility=visibility)
    return {
        "issuer": issuer,
        "organizer": organizer,
        "achievement": achievement,
        "asha": asha,
        "credentials": credentials,
    }


# --- documents -----------------------------------------------------------------------------------


def test_the_did_documents_list_every_key_as_multikey() -> None:
    platform = actions.ensure_platform_issuer()
    issuer = org_issuer()
    actions.rotate_issuer_key(issuer=issuer, by=organizer_of(issuer))
    response = Client().get("/.well-known/did.json")
    assert response.status_code == 200
    assert response.json()["id"] == issuers.issuer_did(platform)
    assert response["Access-Control-Allow-Origin"] == "*"
    document = Client().get(f"/issuers/{issuer.slug}/did.json").json()
    assert document["id"] == issuers.issuer_did(issuer)
    assert [m["type"] for m in document["verificationMethod"]] == ["Multikey", "Multikey"]
    assert document["assertionMethod"] == [m["id"] for m in document["verificationMethod"]]
    assert Client().get("/issuers/platform/did.json").status_code == 404
    assert Client().get("/issuers/nobody/did.json").status_code == 404


def test_the_issuer_profile_is_served_as_json_and_html() -> None:
    issuer = org_issuer()
    profile = Client().get(f"/issuers/{issuer.slug}/profile.json").json()
    assert profile["type"] == ["Profile"]
    assert profile["id"] == issuers.issuer_did(issuer)
    page = Client().get(f"/issuers/{issuer.slug}/")
    assert page.status_code == 200
    assert issuers.issuer_did(issuer) in page.content.decode()


def test_the_status_list_is_served_and_shows_a_revocation_at_once(setup: dict[str, Any]) -> None:
    credential: Credential = setup["credentials"]["public"]
    url = credential.document["credentialStatus"]["statusListCredential"]
    path = url.removeprefix("http://127.0.0.1:8000")
    response = Client().get(path)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-cache"
    index = int(credential.document["credentialStatus"]["statusListIndex"])
    assert not get_bit(decode_list(response.json()["credentialSubject"]["encodedList"]), index)
    client_for(setup["organizer"]).post(
        reverse("badges:credential_revoke", args=[credential.public_id]), {"reason": "Mistake."}
    )
    after = Client().get(path).json()
    assert get_bit(decode_list(after["credentialSubject"]["encodedList"]), index)


# --- privacy -------------------------------------------------------------------------------------


def test_the_owner_sees_every_badge_and_others_only_public_ones(setup: dict[str, Any]) -> None:
    credentials = setup["credentials"]
    path = reverse("badges:person_badges", args=["Asha"])
    own = client_for(setup["asha"]).get(path).content.decode()
    for credential in credentials.values():
        assert str(credential.public_id) in own
    for viewer in (None, make_user("Bo")):
        page = client_for(viewer).get(path).content.decode()
        assert str(credentials["public"].public_id) in page
        assert str(credentials["private"].public_id) not in page
        assert str(credentials["link"].public_id) not in page


@pytest.mark.parametrize("name", ["credential_detail", "credential_json", "credential_baked"])
def test_private_and_link_only_badges_are_not_reachable_by_id_for_others(
    setup: dict[str, Any], name: str
) -> None:
    credentials = setup["credentials"]
    for viewer in (None, make_user(f"Bo {name}")):
        client = client_for(viewer)
        for visibility in ("private", "link"):
            url = reverse(f"badges:{name}", args=[credentials[visibility].public_id])
            assert client.get(url).status_code == 404
        url = reverse(f"badges:{name}", args=[credentials["public"].public_id])
        assert client.get(url).status_code == 200
    owner = client_for(setup["asha"])
    url = reverse(f"badges:{name}", args=[credentials["private"].public_id])
    assert owner.get(url).status_code == 200


def test_the_share_link_works_for_link_and_public_badges_only(setup: dict[str, Any]) -> None:
    credentials = setup["credentials"]
    for visibility, expected in (("private", 404), ("link", 200), ("public", 200)):
        slug = credentials[visibility].share_slug
        for name in ("shared", "shared_json", "shared_baked"):
            assert Client().get(reverse(f"badges:{name}", args=[slug])).status_code == expected


def test_the_issuer_sees_what_it_issued_even_if_private(setup: dict[str, Any]) -> None:
    credential = setup["credentials"]["private"]
    url = reverse("badges:credential_detail", args=[credential.public_id])
    assert client_for(setup["organizer"]).get(url).status_code == 200


def test_only_the_recipient_changes_who_sees_a_badge(setup: dict[str, Any]) -> None:
    credential = setup["credentials"]["private"]
    url = reverse("badges:credential_visibility", args=[credential.public_id])
    for other in (setup["organizer"], make_user("Bo")):
        assert client_for(other).post(url, {"visibility": "public"}).status_code == 404
    credential.refresh_from_db()
    assert credential.visibility == "private"
    response = client_for(setup["asha"]).post(url, {"visibility": "bogus"})
    assert response.status_code == 302
    credential.refresh_from_db()
    assert credential.visibility == "private"
    client_for(setup["asha"]).post(url, {"visibility": "public", "next": "list"})
    credential.refresh_from_db()
    assert credential.visibility == "public"


# --- downloads -----------------------------------------------------------------------------------


def test_the_json_and_baked_png_downloads_carry_the_signed_credential(
    setup: dict[str, Any],
) -> None:
    credential = setup["credentials"]["public"]
    client = Client()
    download = client.get(reverse("badges:credential_json", args=[credential.public_id]))
    assert "attachment" in download["Content-Disposition"]
    assert json.loads(download.content) == credential.document
    baked = client.get(reverse("badges:credential_baked", args=[credential.public_id]))
    assert baked["Content-Type"] == "image/png"
    assert unbake(baked.content).json() == credential.document


def test_an_svg_achievement_bakes_an_svg(setup: dict[str, Any]) -> None:
    achievement = make_achievement(setup["issuer"], name="SVG badge", svg=True)
    credential = actions.award_badge(
        achievement=achievement, recipient=setup["asha"], by=setup["organizer"]
    )
    baked = client_for(setup["asha"]).get(
        reverse("badges:credential_baked", args=[credential.public_id])
    )
    assert baked["Content-Type"] == "image/svg+xml"
    assert unbake(baked.content).json() == credential.document


def test_the_owner_gets_a_wikitext_snippet_with_the_share_link(setup: dict[str, Any]) -> None:
    credential = setup["credentials"]["public"]
    page = client_for(setup["asha"]).get(
        reverse("badges:credential_detail", args=[credential.public_id])
    )
    text = page.content.decode()
    assert f"[{credential.share_url} Query mentor]" in text


# --- issuing pages -------------------------------------------------------------------------------


def test_awarding_from_the_page_needs_the_issuer_role(setup: dict[str, Any]) -> None:
    url = reverse("badges:award", args=[setup["achievement"].public_id])
    make_user("Bo")
    before = Credential.objects.count()
    assert client_for(setup["asha"]).get(url).status_code == 403
    assert client_for(setup["asha"]).post(url, {"username": "Bo"}).status_code == 403
    assert Client().get(url).status_code == 302
    assert Credential.objects.count() == before
    organizer = client_for(setup["organizer"])
    assert organizer.get(url).status_code == 200
    response = organizer.post(
        url,
        {
            "username": "Bo",
            "identity": "profile",
            "evidence_url": "https://example.org/work",
            "valid_until": "2099-01-31",
        },
    )
    assert response.status_code == 302
    credential = Credential.objects.get(recipient__username="Bo")
    assert credential.document["validUntil"].startswith("2099-01-31")


def test_awarding_to_an_unknown_person_says_so_and_changes_nothing(setup: dict[str, Any]) -> None:
    url = reverse("badges:award", args=[setup["achievement"].public_id])
    before = Credential.objects.count()
    response = client_for(setup["organizer"]).post(
        url, {"username": "Nobody at all", "identity": "profile"}
    )
    assert response.status_code == 400
    assert "Nobody here has the user name Nobody at all." in response.content.decode()
    assert Credential.objects.count() == before


def test_a_bad_csv_upload_lists_the_lines_and_awards_nobody(setup: dict[str, Any]) -> None:
    url = reverse("badges:award_csv", args=[setup["achievement"].public_id])
    before = Credential.objects.count()
    upload = SimpleUploadedFile("people.csv", b"username\nAsha\nGhost\n", "text/csv")
    response = client_for(setup["organizer"]).post(url, {"file": upload})
    assert response.status_code == 400
    assert "Line 3: nobody here has the user name Ghost." in response.content.decode()
    assert Credential.objects.count() == before
    make_user("Bo")
    upload = SimpleUploadedFile("people.csv", b"username\nBo\n", "text/csv")
    assert client_for(setup["organizer"]).post(url, {"file": upload}).status_code == 302
    assert Credential.objects.count() == before + 1


def test_creating_a_multilingual_achievement_from_the_page() -> None:
    issuer = org_issuer()
    url = reverse("badges:achievement_create", args=[issuer.slug])
    client = client_for(organizer_of(issuer))
    assert client.get(url).status_code == 200
    data = {
        "default_locale": "en",
        "is_active": "on",
        "image": SimpleUploadedFile("badge.svg", medal_svg(), "image/svg+xml"),
        "locale_0": "en",
        "name_0": "Translator",
        "description_0": "Translated a page.",
        "criteria_0": "Translate one page.",
        "locale_1": "es",
        "name_1": "Traductora",
        "description_1": "Tradujo una página.",
        "criteria_1": "Traducir una página.",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    achievement = Achievement.objects.get(issuer=issuer)
    assert achievement.image_type == "svg"
    assert sorted(t.locale for t in achievement.translations.all()) == ["en", "es"]
    spanish = Client(HTTP_ACCEPT_LANGUAGE="es").get(achievement.get_absolute_url())
    assert "Traductora" in spanish.content.decode()


def test_an_upload_that_is_not_an_image_is_refused_with_a_message() -> None:
    issuer = org_issuer()
    url = reverse("badges:achievement_create", args=[issuer.slug])
    data = {
        "default_locale": "en",
        "image": SimpleUploadedFile("badge.png", b"<html>not an image</html>", "image/png"),
        "locale_0": "en",
        "name_0": "Translator",
        "description_0": "Translated a page.",
        "criteria_0": "Translate one page.",
    }
    response = client_for(organizer_of(issuer)).post(url, data)
    assert response.status_code == 400
    assert "The file is not an SVG image." in response.content.decode()
    assert not Achievement.objects.exists()


def test_others_cannot_create_or_edit_achievements() -> None:
    issuer = org_issuer()
    achievement = make_achievement(issuer)
    member = client_for(make_user("Member"))
    assert member.get(reverse("badges:achievement_create", args=[issuer.slug])).status_code == 403
    edit = reverse("badges:achievement_edit", args=[achievement.public_id])
    assert member.post(edit, {"default_locale": "en"}).status_code == 403


def test_editing_keeps_the_image_when_none_is_uploaded() -> None:
    issuer = org_issuer()
    achievement = make_achievement(issuer)
    url = reverse("badges:achievement_edit", args=[achievement.public_id])
    client = client_for(organizer_of(issuer))
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "default_locale": "en",
            "is_active": "on",
            "level": "4",
            "locale_0": "en",
            "name_0": "Renamed",
            "description_0": "New text.",
            "criteria_0": "New criteria.",
        },
    )
    assert response.status_code == 302
    achievement.refresh_from_db()
    assert str(achievement) == "Renamed"
    assert bytes(achievement.image) == medal_png()
    assert achievement.level == 4
    assert [t.locale for t in achievement.translations.all()] == ["en"]


def test_rotating_the_key_and_rules_from_the_pages() -> None:
    issuer = org_issuer()
    achievement = make_achievement(issuer)
    client = client_for(organizer_of(issuer))
    assert client.post(reverse("badges:issuer_rotate_key", args=[issuer.slug])).status_code == 302
    assert issuer.keys.count() == 2
    assert (
        client_for(make_user("Member"))
        .post(reverse("badges:issuer_rotate_key", args=[issuer.slug]))
        .status_code
        == 403
    )
    rules = reverse("badges:issuer_rules", args=[issuer.slug])
    assert client.get(rules).status_code == 200
    response = client.post(
        rules, {"outcome_kind": "exchange.completed", "achievement": str(achievement.public_id)}
    )
    assert response.status_code == 302
    rule = IssuingRule.objects.get()
    again = client.post(
        rules, {"outcome_kind": "exchange.completed", "achievement": str(achievement.public_id)}
    )
    assert again.status_code == 400
    assert "The same rule exists already." in again.content.decode()
    assert client_for(make_user("Member 2")).get(rules).status_code == 403
    client.post(reverse("badges:rule_delete", args=[issuer.slug, rule.pk]))
    assert not IssuingRule.objects.exists()


def test_organizers_enable_issuing_from_the_issuers_page() -> None:
    organizer = make_user("Organizer")
    make_organization("wmyy", organizer=organizer)
    client = client_for(organizer)
    page = client.get(reverse("badges:issuer_list"))
    assert "Enable badge issuing" in page.content.decode()
    response = client.post(reverse("badges:issuer_enable"), {"organization": "wmyy"})
    assert response.status_code == 302
    assert Issuer.objects.get(slug="wmyy").keys.count() == 1
    other = make_organization("wmww")
    response = client.post(reverse("badges:issuer_enable"), {"organization": other.slug})
    assert not Issuer.objects.filter(slug="wmww").exists()


def test_revoking_from_the_page_needs_the_issuer_role_and_a_reason(setup: dict[str, Any]) -> None:
    credential = setup["credentials"]["public"]
    url = reverse("badges:credential_revoke", args=[credential.public_id])
    assert client_for(setup["asha"]).post(url, {"reason": "Mine."}).status_code == 404
    organizer = client_for(setup["organizer"])
    assert organizer.post(url, {"reason": ""}).status_code == 400
    credential.refresh_from_db()
    assert credential.revoked_at is None
    assert organizer.post(url, {"reason": "Awarded twice."}).status_code == 302
    credential.refresh_from_db()
    assert credential.revocation_reason == "Awarded twice."
    public = Client().get(reverse("badges:person_badges", args=["Asha"])).content.decode()
    assert str(credential.public_id) not in public


def test_pages_list_achievements_and_issued_badges(setup: dict[str, Any]) -> None:
    assert Client().get(reverse("badges:achievement_list")).status_code == 200
    assert Client().get(reverse("badges:issuer_list")).status_code == 200
    detail = Client().get(setup["achievement"].get_absolute_url())
    assert "Query mentor" in detail.content.decode()
    assert Client().get(
        reverse("badges:achievement_json", args=[setup["achievement"].public_id])
    ).json()["type"] == ["Achievement"]
    image = Client().get(reverse("badges:achievement_image", args=[setup["achievement"].public_id]))
    assert image.content == medal_png()
    issued = reverse("badges:issuer_credentials", args=[setup["issuer"].slug])
    assert client_for(setup["organizer"]).get(issued).status_code == 200
    assert client_for(setup["asha"]).get(issued).status_code == 403
    assert PASSWORD


@pytest.mark.parametrize(
    "path",
    [
        "/issuers/platform/status/revocation/99999999999999999999",
        "/issuers/nobody/status/revocation/1",
        "/badges/credentials/00000000-0000-0000-0000-000000000000/",
        "/badges/s/not-a-share-token/baked",
        "/people/Nobody/badges/",
        "/badges/achievements/00000000-0000-0000-0000-000000000000/image",
    ],
)
def test_unknown_addresses_are_not_found_never_errors(path: str) -> None:
    actions.ensure_platform_issuer()
    assert Client().get(path).status_code == 404


def test_a_retired_achievement_keeps_its_page_but_leaves_the_lists(setup: dict[str, Any]) -> None:
    achievement = setup["achievement"]
    achievement.is_active = False
    achievement.save()
    assert Client().get(achievement.get_absolute_url()).status_code == 200
    listing = Client().get(reverse("badges:achievement_list")).content.decode()
    assert str(achievement.public_id) not in listing
    assert Client().get("/api/v1/badges/achievements").json()["count"] == 0
    managers = client_for(setup["organizer"]).get("/api/v1/badges/achievements").json()
    assert managers["count"] == 1
