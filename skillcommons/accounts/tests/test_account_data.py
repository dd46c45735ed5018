"""Roles, the admin, personal API tokens, the data export and account deletion."""

from __future__ import annotations

import json
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from skillcommons.accounts import actions
from skillcommons.accounts.models import (
    ApiToken,
    PersonLanguage,
    PersonSkill,
    Profile,
    Role,
    User,
)
from skillcommons.core.actions import record_outcome
from skillcommons.organizations.models import Membership, Organization

from .conftest import fill_profile
from .factories import PASSWORD, make_user

# --- roles -----------------------------------------------------------------------------------


def test_the_role_groups_carry_their_permissions(db: None) -> None:
    curator = make_user(username="Curator")
    curator.groups.add(Group.objects.get(name="curator"))
    coordinator = make_user(username="Coordinator")
    coordinator.groups.add(Group.objects.get(name="coordinator"))
    assert curator.has_perm("taxonomy.change_skill")
    assert curator.has_perm("taxonomy.add_skilltranslation")
    assert not curator.has_perm("organizations.change_organization")
    assert coordinator.has_perm("organizations.change_organization")
    assert coordinator.has_perm("accounts.view_profile")
    assert not coordinator.has_perm("accounts.change_profile")
    assert not coordinator.has_perm("taxonomy.change_skill")


def test_roles_and_has_role(db: None) -> None:
    member = make_user(username="Member")
    curator = make_user(username="Curator")
    curator.groups.add(Group.objects.get(name="curator"))
    admin = make_user(username="Admin", is_superuser=True, is_staff=True)
    assert member.roles == {"member"}
    assert curator.roles == {"member", "curator"}
    assert curator.has_role(Role.CURATOR) and not curator.has_role("coordinator")
    assert admin.has_role("coordinator") and admin.has_role(Role.ADMIN)
    assert not member.has_role(Role.ADMIN)
    curator.is_active = False
    assert curator.roles == set()
    with pytest.raises(ValueError):
        member.has_role("emperor")


def test_the_admin_lists_people_for_staff_only(owner: User) -> None:
    anonymous = Client().get("/admin/accounts/profile/")
    assert anonymous.status_code == 302
    member = Client()
    member.force_login(make_user(username="Not Staff"))
    assert member.get("/admin/accounts/profile/").status_code == 302
    admin = Client()
    admin.force_login(make_user(username="Admin", is_superuser=True, is_staff=True))
    assert admin.get("/admin/accounts/profile/").status_code == 200
    profile = Profile.objects.get(user=owner)
    assert admin.get(f"/admin/accounts/profile/{profile.pk}/change/").status_code == 200
    assert admin.get(f"/admin/accounts/user/{owner.pk}/change/").status_code == 200


# --- tokens ----------------------------------------------------------------------------------


def test_a_token_is_shown_once_and_only_its_hash_is_stored(owner: User) -> None:
    client = Client()
    client.force_login(owner)
    response = client.post(reverse("accounts:tokens"), {"name": "backup script"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    token = ApiToken.objects.get(user=owner)
    raw = page.split('<p class="sc-token">')[1].split("</p>")[0]
    assert raw.startswith("sc_") and token.prefix == raw[:9]
    assert raw not in (token.key_hash, token.name)
    assert Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    again = client.get(reverse("accounts:tokens")).content.decode()
    assert raw not in again and "backup script" in again


def test_revoking_a_token_from_the_page(owner: User, member: User) -> None:
    token, raw = actions.create_api_token(user=owner, name="old")
    other = Client()
    other.force_login(member)
    assert other.post(reverse("accounts:revoke_token", args=[token.pk])).status_code == 404
    client = Client()
    client.force_login(owner)
    assert client.post(reverse("accounts:revoke_token", args=[token.pk])).status_code == 302
    assert Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_a_token_needs_a_name(owner: User) -> None:
    client = Client()
    client.force_login(owner)
    response = client.post(reverse("accounts:tokens"), {"name": ""})
    assert response.status_code == 200
    assert not ApiToken.objects.filter(user=owner).exists()


# --- export and deletion ---------------------------------------------------------------------


@pytest.fixture
def rich_owner(owner: User) -> User:
    fill_profile(owner)
    organization = Organization.objects.create(slug="wmnz", name="Wikimedia NZ", kind="chapter")
    Membership.objects.create(organization=organization, user=owner)
    actions.create_api_token(user=owner, name="exported token")
    record_outcome(person=owner, kind="exchange.completed", subject=organization)
    EmailAddress.objects.create(user=owner, email=owner.email, verified=True, primary=True)
    SocialAccount.objects.create(
        user=owner, provider="mediawiki", uid="99", extra_data={"username": owner.username}
    )
    return owner


def test_the_export_contains_everything_about_me(rich_owner: User) -> None:
    client = Client()
    client.force_login(rich_owner)
    data = json.loads(client.get(reverse("accounts:data"), {"download": "1"}).content)
    assert data["account"]["username"] == rich_owner.username
    assert data["email_addresses"][0]["email"] == rich_owner.email
    assert data["connected_accounts"][0]["provider"] == "mediawiki"
    assert data["memberships"][0]["organization"] == "wmnz"
    assert data["api_tokens"][0]["name"] == "exported token"
    assert "key_hash" not in json.dumps(data["api_tokens"])
    assert data["outcomes"][0]["kind"] == "exchange.completed"
    assert data["profile"]["bio"] == "Sentinel biography text"


def test_the_data_page_needs_sign_in(db: None) -> None:
    assert Client().get(reverse("accounts:data")).status_code == 302


def test_deleting_needs_the_right_password(rich_owner: User) -> None:
    client = Client()
    client.force_login(rich_owner)
    response = client.post(reverse("accounts:delete"), {"confirmation": "wrong"})
    assert response.status_code == 200
    assert User.objects.filter(pk=rich_owner.pk).exists()


def test_deleting_my_account_removes_every_personal_row(rich_owner: User) -> None:
    client = Client()
    client.force_login(rich_owner)
    response = client.post(reverse("accounts:delete"), {"confirmation": PASSWORD})
    assert response.status_code == 302
    pk = rich_owner.pk
    assert not User.objects.filter(pk=pk).exists()
    for model, lookup in [
        (Profile, {"user_id": pk}),
        (PersonLanguage, {"profile__user_id": pk}),
        (PersonSkill, {"profile__user_id": pk}),
        (ApiToken, {"user_id": pk}),
        (Membership, {"user_id": pk}),
        (EmailAddress, {"user_id": pk}),
        (SocialAccount, {"user_id": pk}),
    ]:
        assert not model.objects.filter(**lookup).exists(), model
    assert PersonLanguage.objects.count() == 0 and PersonSkill.objects.count() == 0
    # Signed out, and the profile page is gone.
    assert client.get(reverse("accounts:edit")).status_code == 302
    assert Client().get(f"/people/{rich_owner.username}/").status_code == 404


def test_an_account_without_password_confirms_by_typing_the_user_name(
    vocabulary: dict[str, Any],
) -> None:
    user = make_user(username="Wiki Only")
    user.set_unusable_password()
    user.save()
    client = Client()
    client.force_login(user)
    page = client.get(reverse("accounts:delete")).content.decode()
    assert "Type your user name" in page
    assert client.post(reverse("accounts:delete"), {"confirmation": "Wiki"}).status_code == 200
    assert client.post(reverse("accounts:delete"), {"confirmation": "Wiki Only"}).status_code == 302
    assert not User.objects.filter(username="Wiki Only").exists()
