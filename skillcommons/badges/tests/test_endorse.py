"""Endorsements: people and organizations endorse a person's skill or an achievement as a signed
OB 3.0 EndorsementCredential; withdrawing shows in verification at once; the endorsed person
decides who sees an endorsement about them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from skillcommons.accounts.models import PersonSkill, User
from skillcommons.accounts.tests.factories import make_skill, make_user
from skillcommons.badges import actions, endorsements, verification
from skillcommons.badges.models import Endorsement
from skillcommons.badges.verify_service import RequestDocuments
from skillcommons.core.visibility import Visibility
from skillcommons.organizations.tests.factories import OrganizationFactory, organizer_of

from . import b2_awards

pytestmark = pytest.mark.django_db


def _person_with_skill(username: str = "Ravi") -> tuple[User, Any]:
    person = make_user(username=username)
    skill = make_skill(code="sparql", label="SPARQL")
    profile = person.profile
    PersonSkill.objects.create(profile=profile, skill=skill, level=3)
    profile.skills_visibility = Visibility.PUBLIC
    profile.save()
    return person, skill


def _verify(document: dict[str, Any]) -> verification.Report:
    return verification.verify_document(document, documents=RequestDocuments(), now=timezone.now())


def test_a_personal_skill_endorsement_is_a_verifiable_endorsement_credential() -> None:
    person, skill = _person_with_skill()
    endorser = make_user(username="Asha")
    endorsement = endorsements.endorse_skill(
        by=endorser, person=person, skill=skill, comment="Taught me federated queries."
    )
    document = endorsement.document
    assert document["type"] == ["VerifiableCredential", "EndorsementCredential"]
    assert document["credentialSubject"]["type"] == ["EndorsementSubject"]
    assert document["credentialSubject"]["endorsementComment"] == "Taught me federated queries."
    assert document["credentialSubject"]["id"].endswith(f"/people/{person.username}/#skill-sparql")
    assert "Asha" in document["description"]
    assert endorsement.issuer.is_platform
    report = _verify(document)
    assert report.verified, [c.explanation for c in report.checks]
    assert "EndorsementCredential" in report.check("schema").explanation
    assert not endorsement.is_public


def test_withdrawing_shows_in_verification_at_once() -> None:
    person, skill = _person_with_skill()
    endorser = make_user(username="Asha")
    endorsement = endorsements.endorse_skill(
        by=endorser, person=person, skill=skill, comment="Yes."
    )
    with pytest.raises(PermissionDenied):
        endorsements.withdraw_endorsement(endorsement=endorsement, by=person)
    endorsements.withdraw_endorsement(endorsement=endorsement, by=endorser)
    assert _verify(endorsement.document).verdict is verification.Verdict.REVOKED
    with pytest.raises(ValidationError):
        endorsements.withdraw_endorsement(endorsement=endorsement, by=endorser)
    # After withdrawing, the endorser may endorse again.
    again = endorsements.endorse_skill(by=endorser, person=person, skill=skill, comment="Again.")
    assert _verify(again.document).verified


def test_an_organization_endorses_through_its_organizer_and_its_own_issuer() -> None:
    organization = OrganizationFactory.create(name="Wikimedia Tamil")
    organizer = organizer_of(organization, username="Organizer")
    issuer = actions.enable_issuing(organization=organization, by=organizer)
    achievement = b2_awards.achievement()
    endorsement = endorsements.endorse_achievement(
        by=organizer, achievement=achievement, comment="We use it.", organization=organization
    )
    assert endorsement.issuer == issuer
    assert endorsement.document["issuer"]["id"].endswith(":issuers:" + issuer.slug)
    assert "Wikimedia Tamil" in endorsement.document["description"]
    assert endorsement.is_public
    assert _verify(endorsement.document).verified
    outsider = make_user(username="Outsider")
    with pytest.raises(PermissionDenied):
        endorsements.endorse_achievement(
            by=outsider, achievement=achievement, comment="x", organization=organization
        )
    without_issuing = OrganizationFactory.create()
    with pytest.raises(ValidationError):
        endorsements.endorse_achievement(
            by=organizer_of(without_issuing), achievement=achievement, comment="x",
            organization=without_issuing,
        )  # fmt: skip


@pytest.mark.parametrize("comment", ["", "   ", "x" * 2001])
def test_bad_comments_are_refused_and_nothing_is_saved(comment: str) -> None:
    achievement = b2_awards.achievement()
    with pytest.raises(ValidationError):
        endorsements.endorse_achievement(
            by=make_user(username="Asha"), achievement=achievement, comment=comment
        )
    assert not Endorsement.objects.exists()


def test_no_self_endorsement_and_no_duplicates() -> None:
    person, skill = _person_with_skill()
    with pytest.raises(ValidationError):
        endorsements.endorse_skill(by=person, person=person, skill=skill, comment="Me!")
    endorser = make_user(username="Asha")
    endorsements.endorse_skill(by=endorser, person=person, skill=skill, comment="Yes.")
    with pytest.raises(ValidationError):
        endorsements.endorse_skill(by=endorser, person=person, skill=skill, comment="Twice.")


def test_the_endorsed_person_decides_who_sees_it(client: Client) -> None:
    person, skill = _person_with_skill()
    endorser = make_user(username="Asha")
    endorsement = endorsements.endorse_skill(
        by=endorser, person=person, skill=skill, comment="Yes."
    )
    detail = reverse("badges_verify:endorsement_detail", args=[endorsement.public_id])
    assert client.get(detail).status_code == 404
    assert client.get("/api/v1/badges/endorsements", {"person": "Ravi"}).json()["count"] == 0
    client.force_login(endorser)
    assert client.get(detail).status_code == 200
    with pytest.raises(PermissionDenied):
        endorsements.set_endorsement_visibility(
            endorsement=endorsement, by=endorser, is_public=True
        )
    client.force_login(person)
    response = client.post(
        reverse("badges_verify:endorsement_visibility", args=[endorsement.public_id]),
        {"public": "1"},
    )
    assert response.status_code == 302
    client.logout()
    assert client.get(detail).status_code == 200
    listed = client.get("/api/v1/badges/endorsements", {"person": "Ravi"}).json()
    assert listed["count"] == 1
    assert listed["results"][0]["credential"]["type"][1] == "EndorsementCredential"


def test_endorsing_through_the_pages(client: Client) -> None:
    person, skill = _person_with_skill()
    endorser = make_user(username="Asha")
    form_url = reverse("badges_verify:endorse_person", args=[person.username])
    assert client.get(form_url).status_code == 302  # sign in first
    client.force_login(endorser)
    page = client.get(form_url)
    assert page.status_code == 200
    assert "SPARQL" in page.content.decode()
    empty = client.post(form_url, {"skill": str(skill.pk), "comment": " "})
    assert empty.status_code == 200
    assert empty.context["form"].errors
    done = client.post(form_url, {"skill": str(skill.pk), "comment": "Great SPARQL teacher."})
    endorsement = Endorsement.objects.get()
    assert done.status_code == 302
    assert done["Location"] == endorsement.get_absolute_url()
    detail = client.get(done["Location"])
    assert "Great SPARQL teacher." in detail.content.decode()
    download = client.get(reverse("badges_verify:endorsement_json", args=[endorsement.public_id]))
    assert json.loads(download.content) == endorsement.document
    client.post(reverse("badges_verify:endorsement_withdraw", args=[endorsement.public_id]))
    endorsement.refresh_from_db()
    assert endorsement.is_withdrawn

    achievement = b2_awards.achievement()
    achievement_form = reverse("badges_verify:endorse_achievement", args=[achievement.public_id])
    client.post(achievement_form, {"comment": "Useful badge."})
    assert Endorsement.objects.filter(achievement=achievement).count() == 1


def test_endorsing_through_the_api(client: Client) -> None:
    person, _skill = _person_with_skill()
    achievement = b2_awards.achievement()
    body = {"person": person.username, "skill": "sparql", "comment": "Yes."}
    anonymous = client.post("/api/v1/badges/endorsements", body, content_type="application/json")
    assert anonymous.status_code == 401
    client.force_login(make_user(username="Asha"))
    created = client.post("/api/v1/badges/endorsements", body, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["credential"]["type"][1] == "EndorsementCredential"
    duplicate = client.post("/api/v1/badges/endorsements", body, content_type="application/json")
    assert duplicate.status_code == 400
    assert duplicate.json()["error"]["message"]
    both = client.post(
        "/api/v1/badges/endorsements",
        {**body, "achievement": str(achievement.public_id)},
        content_type="application/json",
    )
    assert both.status_code == 400
    on_achievement = client.post(
        "/api/v1/badges/endorsements",
        {"achievement": str(achievement.public_id), "comment": "Good badge."},
        content_type="application/json",
    )
    assert on_achievement.status_code == 201
    public_id = on_achievement.json()["id"]
    listed = client.get("/api/v1/badges/endorsements", {"achievement": str(achievement.public_id)})
    assert listed.json()["count"] == 1
    withdrawn = client.post(f"/api/v1/badges/endorsements/{public_id}/withdraw")
    assert withdrawn.status_code == 200
    assert withdrawn.json()["withdrawn"] is True
    client.force_login(person)
    assert client.post(f"/api/v1/badges/endorsements/{public_id}/withdraw").status_code == 404


def test_endorsements_show_on_the_achievement_and_the_persons_badges_page(client: Client) -> None:
    person, skill = _person_with_skill()
    endorser = make_user(username="Asha")
    achievement = b2_awards.achievement()
    endorsements.endorse_achievement(by=endorser, achievement=achievement, comment="Useful badge.")
    on_person = endorsements.endorse_skill(
        by=endorser, person=person, skill=skill, comment="Explains SPARQL well."
    )
    page = client.get(achievement.get_absolute_url()).content.decode()
    assert "Useful badge." in page
    badges_page = reverse("badges:person_badges", args=[person.username])
    assert "Explains SPARQL well." not in client.get(badges_page).content.decode()
    endorsements.set_endorsement_visibility(endorsement=on_person, by=person, is_public=True)
    assert "Explains SPARQL well." in client.get(badges_page).content.decode()
    client.force_login(endorser)
    assert reverse("badges_verify:endorse_person", args=[person.username]) in (
        client.get(badges_page).content.decode()
    )


def test_the_demo_seed_adds_verifiable_endorsements() -> None:
    import random

    from django.contrib.auth.models import Group

    from skillcommons.badges import demo
    from skillcommons.badges.tests.factories import make_organization
    from skillcommons.badges.tests.factories import make_user as make_demo_user

    coordinator = make_demo_user("demo-coordinator")
    coordinator.groups.add(Group.objects.get_or_create(name="coordinator")[0])
    organizer = make_demo_user("demo-organizer")
    member = make_demo_user("demo-member")
    make_demo_user("demo-curator")
    make_organization("wmdemo", organizer=organizer)
    skill = make_skill(code="wikidata-queries", label="Wikidata queries")
    PersonSkill.objects.create(profile=member.profile, skill=skill, level=2)
    demo.seed(random.Random(1))
    assert Endorsement.objects.filter(organization__isnull=False).count() == 1
    on_member = Endorsement.objects.get(person=member)
    assert on_member.is_public
    for endorsement in Endorsement.objects.all():
        assert _verify(endorsement.document).verified
