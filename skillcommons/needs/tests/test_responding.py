"""Answering a wave: validation, one submission, closing dates, organizations, consent, the
pseudonym, privacy, withdrawal and the update of profile skills."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from skillcommons.accounts.models import PersonSkill, User
from skillcommons.needs import actions
from skillcommons.needs.models import Answer, InstrumentVersion, Response, SkillRating, Wave
from skillcommons.organizations.models import OrganizationSkill

from .factories import (
    good_answers,
    good_ratings,
    make_organization,
    make_user,
    make_version,
    make_wave,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator() -> User:
    return make_user("Coord", coordinator=True)


@pytest.fixture
def wave(coordinator: User) -> Wave:
    return make_wave(coordinator)


def _submit(wave: Wave, user: User, **kwargs: object) -> Response:
    params: dict[str, object] = {
        "answers": good_answers(),
        "ratings": good_ratings(),
        "consent_statistics": True,
        "submit": True,
    }
    params.update(kwargs)
    return actions.save_response(wave=wave, by=user, **params)  # type: ignore[arg-type]


def test_a_submission_stores_typed_answers_ratings_consent_and_snapshot(wave: Wave) -> None:
    person = make_user("Ana")
    response = _submit(wave, person)
    assert response.is_submitted
    assert response.consent_statistics and response.consent_text == wave.consent_text
    assert response.affiliate_type == "individual"
    values = {a.question.name: a.value for a in Answer.objects.filter(response=response)}
    assert values == {"role": "organizer", "topics": ["art"], "years": 4, "satisfaction": "4"}
    ratings = {r.skill.code: r for r in SkillRating.objects.filter(response=response)}
    assert set(ratings) == {"wikidata-editing", "event-organizing"}
    assert ratings["wikidata-editing"].can_teach
    assert ratings["wikidata-editing"].robustness is None  # only asked of organizations


def test_the_pseudonym_is_a_keyed_hash_stable_per_wave_and_different_across_waves(
    coordinator: User, wave: Wave, settings: object
) -> None:
    person = make_user("Ana")
    other_wave = make_wave(coordinator, wave.version, slug="wave-b")
    first = actions.pseudonym_for(wave=wave, person=person)
    assert first == actions.pseudonym_for(wave=wave, person=person)
    assert first != actions.pseudonym_for(wave=other_wave, person=person)
    assert first != actions.pseudonym_for(wave=wave, person=make_user("Bo"))
    unkeyed = hashlib.sha256(f"wave:{wave.pk}:person:{person.pk}".encode()).hexdigest()
    assert first != unkeyed  # needs the secret: not recomputable from ids alone
    assert len(first) == 64
    settings.NEEDS_PSEUDONYM_SECRET = "another secret"  # type: ignore[attr-defined]
    assert actions.pseudonym_for(wave=wave, person=person) != first
    settings.NEEDS_PSEUDONYM_SECRET = "x"  # type: ignore[attr-defined]
    response = _submit(wave, person)
    assert response.pseudonym == actions.pseudonym_for(wave=wave, person=person)


@pytest.mark.parametrize(
    ("answers", "ratings", "field"),
    [
        ({"role": "boss"}, {}, "role"),
        ({"role": "editor", "years": "51"}, {}, "years"),
        ({"role": "editor", "years": "-1"}, {}, "years"),
        ({"role": "editor", "years": "many"}, {}, "years"),
        ({"role": "editor", "years": "NaN"}, {}, "years"),
        ({"role": "editor", "topics": ["art", "cooking"]}, {}, "topics"),
        ({"role": "editor", "nonsense": "1"}, {}, "nonsense"),
        ({"role": "other", "role_other": "x" * 2001}, {}, "role_other"),
        ({}, {}, "role"),  # required
        ({"role": "other"}, {}, "role_other"),  # required when relevant
        (
            {"role": "editor"},
            {"skills": {"fundraising": {"proficiency": 5, "importance": 1}}},
            "skills__fundraising__proficiency",
        ),
        (
            {"role": "editor"},
            {"skills": {"fundraising": {"proficiency": 2}}},
            "skills__fundraising__importance",
        ),
        ({"role": "editor"}, {"skills": {"astrology": {"proficiency": 1}}}, "skills"),
    ],
)
def test_bad_answers_are_refused_by_type_and_range_and_nothing_is_saved(
    wave: Wave, answers: dict[str, object], ratings: dict[str, object], field: str
) -> None:
    person = make_user("Ana")
    with pytest.raises(ValidationError) as error:
        actions.save_response(
            wave=wave,
            by=person,
            answers=answers,
            ratings=ratings,  # type: ignore[arg-type]
            consent_statistics=True,
            submit=True,
        )
    assert field in error.value.message_dict
    assert not Response.objects.exists()
    assert not Answer.objects.exists()


def test_skip_logic_drops_answers_to_questions_not_asked(wave: Wave) -> None:
    person = make_user("Ana")
    response = _submit(
        wave,
        person,
        answers={"role": "editor", "role_other": "ignored", "years": 0, "satisfaction": "2"},
    )
    names = set(response.answers.values_list("question__name", flat=True))
    assert names == {"role", "years"}  # role_other needs role = other; satisfaction years >= 1


def test_a_draft_can_be_resumed_then_submitted_once(wave: Wave) -> None:
    person = make_user("Ana")
    draft = actions.save_response(wave=wave, by=person, answers={"years": "3"}, submit=False)
    assert draft.status == Response.Status.DRAFT  # required answers wait for the submission
    submitted = _submit(wave, person)
    assert submitted.pk == draft.pk
    with pytest.raises(ValidationError, match="already answered"):
        _submit(wave, person)
    with pytest.raises(ValidationError, match="already answered"):
        actions.save_response(wave=wave, by=person, answers={}, submit=False)
    assert Response.objects.count() == 1


def test_submitting_needs_consent(wave: Wave) -> None:
    person = make_user("Ana")
    with pytest.raises(ValidationError) as error:
        _submit(wave, person, consent_statistics=False)
    assert "consent_statistics" in error.value.message_dict
    assert not Response.objects.exists()


def test_nothing_is_accepted_after_the_wave_closes_or_before_it_opens(coordinator: User) -> None:
    closed = make_wave(coordinator, open_now=False)
    person = make_user("Ana")
    with pytest.raises(ValidationError, match="closed"):
        _submit(closed, person)
    with pytest.raises(ValidationError, match="closed"):
        actions.save_response(wave=closed, by=person, answers={}, submit=False)
    Wave.objects.filter(pk=closed.pk).update(
        opens_at=timezone.now() + timedelta(days=1), closes_at=timezone.now() + timedelta(days=2)
    )
    closed.refresh_from_db()
    with pytest.raises(ValidationError, match="opens"):
        _submit(closed, person)
    assert not Response.objects.exists()


def test_an_organizer_answers_for_their_organization_with_robustness(wave: Wave) -> None:
    organizer = make_user("Org")
    organization = make_organization(organizer=organizer)
    ratings = {"skills": {"fundraising": {"proficiency": 1, "importance": 4, "robustness": 0}}}
    response = _submit(wave, organizer, organization=organization, ratings=ratings)
    assert response.organization == organization
    assert response.affiliate_type == organization.kind
    assert response.country == "FR"
    assert response.skill_ratings.get().robustness == 0
    assert response.pseudonym == actions.pseudonym_for(wave=wave, organization=organization)
    # The same person also answers as themself: a separate response.
    assert _submit(wave, organizer).organization is None
    # Another organizer of the same organization cannot submit it twice.
    second = make_user("Org2")
    organization.memberships.create(user=second, role="organizer")
    with pytest.raises(ValidationError, match="already answered"):
        _submit(wave, second, organization=organization)


def test_someone_who_does_not_organize_the_organization_gets_a_clear_error(wave: Wave) -> None:
    organization = make_organization(organizer=make_user("Org"))
    member = make_user("Member")
    organization.memberships.create(user=member, role="member")
    with pytest.raises(PermissionDenied, match="Only an organizer of Wikimedia wm-xx"):
        _submit(wave, member, organization=organization)
    assert not Response.objects.exists()


def test_an_individuals_only_wave_refuses_organizations(coordinator: User) -> None:
    wave = make_wave(coordinator, audience=Wave.Audience.INDIVIDUALS)
    organizer = make_user("Org")
    organization = make_organization(organizer=organizer)
    with pytest.raises(ValidationError, match="individuals only"):
        _submit(wave, organizer, organization=organization)


def test_with_consent_the_ratings_update_the_profile_skills(wave: Wave) -> None:
    person = make_user("Ana")
    _submit(wave, person, consent_profile=True)
    skills = {ps.skill.code: ps for ps in PersonSkill.objects.filter(profile__user=person)}
    assert skills["wikidata-editing"].level == 3
    assert skills["wikidata-editing"].offers_teaching
    assert skills["event-organizing"].wants_to_learn
    assert skills["event-organizing"].level == 1


def test_without_consent_the_profile_is_untouched(wave: Wave) -> None:
    person = make_user("Ana")
    _submit(wave, person, consent_profile=False)
    assert not PersonSkill.objects.filter(profile__user=person).exists()


def test_with_consent_an_organizations_answers_set_its_assets_and_needs(wave: Wave) -> None:
    organizer = make_user("Org")
    organization = make_organization(organizer=organizer)
    _submit(wave, organizer, organization=organization, consent_profile=True)
    rows = {
        (row.skill.code, row.kind)
        for row in OrganizationSkill.objects.filter(organization=organization)
    }
    assert rows == {
        ("wikidata-editing", "has"),
        ("event-organizing", "needs"),
    }


def test_published_versions_are_immutable_and_edits_make_a_new_version(coordinator: User) -> None:
    version = make_version(coordinator)
    with pytest.raises(ValidationError, match="published"):
        actions.add_questions(
            by=coordinator,
            version=version,
            questions=[actions.QuestionInput(name="extra", kind="text", label={"en": "Extra"})],
        )
    draft = actions.new_version(by=coordinator, instrument=version.instrument)
    assert draft.number == 2 and not draft.is_published
    assert list(draft.questions.values_list("name", flat=True)) == list(
        version.questions.values_list("name", flat=True)
    )
    actions.add_questions(
        by=coordinator,
        version=draft,
        questions=[actions.QuestionInput(name="extra", kind="text", label={"en": "Extra"})],
    )
    assert version.questions.count() + 1 == draft.questions.count()
    assert InstrumentVersion.objects.get(pk=version.pk).questions.filter(name="extra").count() == 0


def test_a_wave_needs_a_published_version(coordinator: User) -> None:
    draft = actions.create_instrument(by=coordinator, slug="d", title={"en": "D"}, locales=["en"])
    with pytest.raises(ValidationError) as error:
        make_wave(coordinator, draft)
    assert "version" in error.value.message_dict


# --- through the pages and the API ----------------------------------------------------------------


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_nobody_sees_another_persons_answers(coordinator: User, wave: Wave) -> None:
    ana = make_user("Ana")
    response = _submit(wave, ana)
    for viewer in (make_user("Bo"), coordinator):
        client = _client(viewer)
        assert client.get(f"/needs/responses/{response.pk}/").status_code == 404
        assert client.get(f"/api/v1/needs/responses/{response.pk}").status_code == 404
        assert client.get("/api/v1/needs/responses").json() == []
        assert client.delete(f"/api/v1/needs/responses/{response.pk}").status_code == 404
        assert client.post(f"/needs/responses/{response.pk}/withdraw/").status_code == 404
    assert Client().get(f"/api/v1/needs/responses/{response.pk}").status_code == 401
    page = _client(ana).get(f"/needs/responses/{response.pk}/")
    assert page.status_code == 200
    assert "Organizer" in page.content.decode()
    assert Response.objects.filter(pk=response.pk).exists()


def test_respondents_can_withdraw_their_answers(wave: Wave) -> None:
    ana = make_user("Ana")
    response = _submit(wave, ana)
    client = _client(ana)
    assert client.post(f"/needs/responses/{response.pk}/withdraw/").status_code == 302
    assert not Response.objects.exists()
    assert not SkillRating.objects.exists()
    second = _submit(wave, ana)
    assert client.delete(f"/api/v1/needs/responses/{second.pk}").status_code == 204
    assert not Response.objects.exists()


def test_the_no_javascript_form_saves_a_draft_then_submits(wave: Wave) -> None:
    ana = make_user("Ana")
    client = _client(ana)
    url = f"/needs/waves/{wave.slug}/respond/"
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'name="q-role"' in body and 'name="m-skills-fundraising-proficiency"' in body
    assert 'name="q-role_other"' not in body  # skip logic: asked only if role = other
    assert "robustness" not in body  # only for organizations
    draft = client.post(url, {"q-role": "other", "action": "draft"})
    assert draft.status_code == 302
    again = client.get(url).content.decode()
    assert 'name="q-role_other"' in again  # now relevant
    bad = client.post(
        url,
        {
            "q-role": "other",
            "q-years": "99",
            "m-skills-fundraising-proficiency": "9",
            "consent_statistics": "1",
            "action": "submit",
        },
    )
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "Enter a number from 0 to 50" in text
    assert 'aria-describedby="q-years-error' in text
    assert Response.objects.get().status == Response.Status.DRAFT
    done = client.post(
        url,
        {
            "q-role": "editor",
            "q-years": "2",
            "q-topics": ["art", "science"],
            "m-skills-fundraising-proficiency": "2",
            "m-skills-fundraising-importance": "3",
            "m-skills-fundraising-can_teach": "on",
            "consent_statistics": "1",
            "action": "submit",
        },
    )
    assert done.status_code == 302
    response = Response.objects.get()
    assert response.is_submitted
    assert response.skill_ratings.get().can_teach
    # Submitted: the form now shows the answers instead.
    assert client.get(url).status_code == 302


def test_htmx_rerenders_only_the_questions_without_saving(wave: Wave) -> None:
    client = _client(make_user("Ana"))
    url = f"/needs/waves/{wave.slug}/respond/"
    partial = client.post(url, {"q-role": "other"}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    body = partial.content.decode()
    assert body.startswith('<div id="sc-needs-questions">')
    assert 'name="q-role_other"' in body
    assert not Response.objects.exists()


def test_the_page_explains_why_a_non_organizer_cannot_answer(wave: Wave) -> None:
    organization = make_organization(organizer=make_user("Org"))
    client = _client(make_user("Member"))
    page = client.get(f"/needs/waves/{wave.slug}/respond/?organization={organization.slug}")
    assert "Only an organizer of" in page.content.decode()
    posted = client.post(
        f"/needs/waves/{wave.slug}/respond/",
        {"organization": organization.slug, "q-role": "editor", "action": "draft"},
    )
    assert posted.status_code == 200
    assert not Response.objects.exists()


def test_the_api_answers_and_reports_errors_in_the_shared_format(wave: Wave) -> None:
    ana = make_user("Ana")
    client = _client(ana)
    url = f"/api/v1/needs/waves/{wave.slug}/responses"
    payload = {
        "answers": good_answers(),
        "ratings": good_ratings(),
        "consent_statistics": True,
        "submit": True,
    }
    bad = dict(payload, answers={"role": "editor", "years": 500})
    refused = client.post(url, json.dumps(bad), content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"][0]["field"] == "years"
    created = client.post(url, json.dumps(payload), content_type="application/json")
    assert created.status_code == 201
    assert created.json()["answers"]["years"] == 4
    again = client.post(url, json.dumps(payload), content_type="application/json")
    assert again.status_code == 400
    assert "already answered" in again.json()["error"]["message"]
    assert Response.objects.count() == 1
    assert client.get("/api/v1/needs/waves").json()[0]["slug"] == wave.slug
    version = Client().get(
        f"/api/v1/needs/questionnaires/{wave.version.instrument.slug}/versions/1"
    )
    assert version.status_code == 200
    assert version.json()["questions"][-1]["skills"] == [
        "event-organizing",
        "fundraising",
        "wikidata-editing",
    ]
