"""Inviting organizations and people to a wave."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from skillcommons.accounts.models import User
from skillcommons.needs import actions
from skillcommons.needs.models import Invitation, Wave
from skillcommons.notifications.models import Notification
from skillcommons.organizations.models import Organization

from .factories import make_organization, make_user, make_wave

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator() -> User:
    return make_user("Coord", coordinator=True)


def test_inviting_organizations_tells_their_organizers_once(coordinator: User) -> None:
    wave = make_wave(coordinator)
    organizer = make_user("Org")
    chapter = make_organization("wm-fr", organizer=organizer)
    group = Organization.objects.create(
        slug="ug", name="User group", kind=Organization.Kind.USER_GROUP
    )
    count = actions.invite(
        by=coordinator, wave=wave, audience="organizations", organization_kinds=["chapter"]
    )
    assert count == 1
    assert Invitation.objects.get().organization == chapter
    assert not Invitation.objects.filter(organization=group).exists()
    note = Notification.objects.get(recipient=organizer)
    assert note.kind == "needs.invited" and note.url == wave.get_absolute_url()
    # Again: nobody is invited twice.
    assert actions.invite(by=coordinator, wave=wave, audience="organizations") == 1  # the group
    assert Notification.objects.filter(recipient=organizer).count() == 1
    page = Client()
    page.force_login(organizer)
    assert "for Wikimedia wm-fr" in page.get("/needs/").content.decode()


def test_inviting_members_and_everyone(coordinator: User) -> None:
    wave = make_wave(coordinator)
    chapter = make_organization("wm-fr", organizer=make_user("Org"))
    member = make_user("Member")
    chapter.memberships.create(user=member, role="member")
    loner = make_user("Loner")
    assert actions.invite(by=coordinator, wave=wave, audience="members") == 2
    assert not Invitation.objects.filter(person=loner).exists()
    assert actions.invite(by=coordinator, wave=wave, audience="everyone") == 2  # coord + loner
    assert Notification.objects.filter(recipient=loner, kind="needs.invited").exists()


def test_invitations_are_refused_for_closed_waves_wrong_audiences_and_non_coordinators(
    coordinator: User,
) -> None:
    closed = make_wave(coordinator, open_now=False)
    with pytest.raises(ValidationError, match="closed"):
        actions.invite(by=coordinator, wave=closed, audience="everyone")
    individuals = make_wave(
        coordinator, closed.version, slug="ind", audience=Wave.Audience.INDIVIDUALS
    )
    with pytest.raises(ValidationError, match="individuals only"):
        actions.invite(by=coordinator, wave=individuals, audience="organizations")
    with pytest.raises(ValidationError):
        actions.invite(by=coordinator, wave=individuals, audience="robots")
    with pytest.raises(PermissionDenied):
        actions.invite(by=make_user("Member"), wave=individuals, audience="everyone")
    assert not Invitation.objects.exists()


def test_the_invitation_page_and_api(coordinator: User) -> None:
    wave = make_wave(coordinator)
    make_organization("wm-fr", organizer=make_user("Org"))
    client = Client()
    client.force_login(coordinator)
    assert "Send invitations" in client.get(wave.get_absolute_url()).content.decode()
    sent = client.post(f"/needs/waves/{wave.slug}/invite/", {"audience": "organizations"})
    assert sent.status_code == 302
    assert Invitation.objects.count() == 1
    api = client.post(
        f"/api/v1/needs/waves/{wave.slug}/invitations",
        json.dumps({"audience": "everyone"}),
        content_type="application/json",
    )
    assert api.status_code == 200 and api.json() == {"invited": 2}
    member = Client()
    member.force_login(make_user("Member"))
    assert (
        member.post(f"/needs/waves/{wave.slug}/invite/", {"audience": "everyone"}).status_code
        == 403
    )
    refused = member.post(
        f"/api/v1/needs/waves/{wave.slug}/invitations",
        json.dumps({"audience": "everyone"}),
        content_type="application/json",
    )
    assert refused.status_code == 403
    assert "Send invitations" not in member.get(wave.get_absolute_url()).content.decode()
