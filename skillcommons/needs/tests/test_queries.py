"""Reading a wave's answers from the database into the cube: what counts, and the same tables as
the in-memory path. The builders here are reused by the dashboard, open data and DP tests."""

from __future__ import annotations

import datetime
import json
import random
from collections.abc import Sequence

import numpy as np
import pytest
from django.db import connection
from django.utils import timezone

from skillcommons.accounts.models import User
from skillcommons.needs import queries
from skillcommons.needs.aggregate import build_cube
from skillcommons.needs.models import Instrument as InstrumentModel
from skillcommons.needs.models import (
    InstrumentVersion,
    Question,
    Response,
    SkillRating,
    Wave,
)
from skillcommons.needs.publish import ALL
from skillcommons.organizations.models import Organization
from skillcommons.organizations.tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
    make_skill,
)
from skillcommons.taxonomy.models import Skill

pytestmark = pytest.mark.django_db

PLACES = (("NZ", "ESEAP"), ("AU", "ESEAP"), ("FR", "NWE"), ("DE", "NWE"), ("BR", "LAC"))


def skill_tree() -> list[Skill]:
    """Two areas with two skills each; the first skill has one sub-skill."""
    area_a = make_skill("area-a", "Area A")
    area_b = make_skill("area-b", "Area B")
    one = make_skill("skill-a1", "Skill A1", area_a)
    two = make_skill("skill-a2", "Skill A2", area_a)
    three = make_skill("skill-b1", "Skill B1", area_b)
    four = make_skill("skill-b2", "Skill B2", area_b)
    sub = make_skill("skill-a1-x", "Sub-skill A1 X", one)
    return [area_a, area_b, one, two, three, four, sub]


def make_wave(slug: str = "wave-1", *, closed: bool = True, days_ago: int = 10) -> Wave:
    instrument, _created = InstrumentModel.objects.get_or_create(slug="capacity-map")
    number = instrument.versions.count() + 1
    version = InstrumentVersion.objects.create(
        instrument=instrument,
        number=number,
        status=InstrumentVersion.Status.PUBLISHED,
        title={"en": "Capacity map"},
        locales=["en"],
        published_at=timezone.now(),
    )
    Question.objects.create(
        version=version, position=1, name="skills", kind=Question.Kind.SKILL_MATRIX, label={}
    )
    now = timezone.now()
    opens = now - datetime.timedelta(days=days_ago + 30)
    closes = now - datetime.timedelta(days=days_ago) if closed else now + datetime.timedelta(days=5)
    return Wave.objects.create(
        slug=slug,
        title=slug.replace("-", " ").title(),
        version=version,
        opens_at=opens,
        closes_at=closes,
        consent_text="I agree.",
    )


def answer(
    wave: Wave,
    user: User,
    ratings: Sequence[tuple[Skill, int, int, bool, bool, int | None]],
    *,
    country: str = "NZ",
    region: str = "ESEAP",
    language: str = "en",
    organization: Organization | None = None,
    status: str = Response.Status.SUBMITTED,
    consent: bool = True,
) -> Response:
    """A response with skill-matrix ratings ``(skill, proficiency, importance, wants, teaches,
    robustness)``."""
    response = Response.objects.create(
        wave=wave,
        respondent=user,
        organization=organization,
        pseudonym=f"p-{wave.pk}-{user.pk}-{organization.pk if organization else 0}",
        status=status,
        submitted_at=timezone.now() if status == Response.Status.SUBMITTED else None,
        consent_statistics=consent,
        region=region,
        country=country,
        language=language,
        affiliate_type=organization.kind if organization else "",
    )
    question = wave.version.questions.get(name="skills")
    SkillRating.objects.bulk_create(
        SkillRating(
            response=response,
            question=question,
            skill=skill,
            proficiency=prof,
            importance=imp,
            wants_to_learn=wants,
            can_teach=teach,
            robustness=robust,
        )
        for skill, prof, imp, wants, teach, robust in ratings
    )
    return response


def populate(
    wave: Wave, people: int, *, seed: int = 1, organization: Organization | None = None
) -> list[User]:
    """``people`` individual respondents rating random leaf skills of ``skill_tree``."""
    rng = random.Random(seed)
    skills = skill_tree()
    leaves = [s for s in skills if s.code in {"skill-a2", "skill-b1", "skill-b2", "skill-a1-x"}]
    users = []
    for i in range(people):
        user = UserFactory.create(username=f"{wave.slug} person {seed} {i}")
        if organization is not None:
            MembershipFactory.create(organization=organization, user=user)
        country, region = PLACES[rng.randrange(len(PLACES))]
        chosen = rng.sample(leaves, rng.randint(1, len(leaves)))
        answer(
            wave,
            user,
            [
                (
                    s,
                    rng.randint(0, 4),
                    rng.randint(0, 4),
                    rng.random() < 0.4,
                    rng.random() < 0.2,
                    None,
                )
                for s in chosen
            ],
            country=country,
            region=region,
            language=rng.choice(["en", "fr", "pt"]),
        )
        users.append(user)
    return users


def test_only_submitted_consented_responses_count() -> None:
    wave = make_wave()
    skills = {s.code: s for s in skill_tree()}
    rating = [(skills["skill-b1"], 2, 3, True, False, None)]
    answer(wave, UserFactory.create(), rating)
    answer(wave, UserFactory.create(), rating, status=Response.Status.DRAFT)
    answer(wave, UserFactory.create(), rating, consent=False)
    other = make_wave("wave-2")
    answer(other, UserFactory.create(), rating)

    data = queries.load(queries.counted_responses(wave))

    assert data.respondents == 1
    assert len(data.rows) == 1


def test_the_tree_holds_rated_skills_and_their_ancestors_in_taxonomy_order() -> None:
    wave = make_wave()
    skills = {s.code: s for s in skill_tree()}
    answer(wave, UserFactory.create(), [(skills["skill-a1-x"], 1, 4, True, False, None)])

    data = queries.load(queries.counted_responses(wave))

    assert data.tree.labels == ("area-a", "skill-a1", "skill-a1-x")
    assert data.tree.parent_index == (-1, 0, 1)


def test_respondent_is_the_pseudonym_and_an_organization_answer_is_a_second_unit() -> None:
    wave = make_wave()
    skills = {s.code: s for s in skill_tree()}
    organization = OrganizationFactory.create(slug="wm-nz", kind=Organization.Kind.CHAPTER)
    person = UserFactory.create()
    rating = [(skills["skill-b1"], 2, 3, True, False, None)]
    answer(wave, person, rating)
    answer(wave, person, [(skills["skill-b1"], 1, 4, False, False, 0)], organization=organization)

    data = queries.load(queries.counted_responses(wave))

    assert data.respondents == 2
    labels = {d.name: d.labels for d in data.dimensions}
    assert labels["organization"] == (queries.NO_ORGANIZATION, "wm-nz")
    assert labels["affiliate_type"] == (queries.NOT_STATED, "chapter")
    assert data.parents["organization"] == {"wm-nz": "chapter"}


def test_a_skill_rated_in_two_matrix_questions_counts_once() -> None:
    wave = make_wave()
    Question.objects.create(
        version=wave.version, position=2, name="more", kind=Question.Kind.SINGLE, label={}
    )
    second = Question.objects.create(
        version=wave.version, position=3, name="skills2", kind=Question.Kind.SKILL_MATRIX, label={}
    )
    skills = {s.code: s for s in skill_tree()}
    response = answer(wave, UserFactory.create(), [(skills["skill-b1"], 2, 3, True, False, None)])
    SkillRating.objects.create(
        response=response, question=second, skill=skills["skill-b1"], proficiency=4, importance=4
    )

    data = queries.load(queries.counted_responses(wave))

    assert len(data.rows) == 1
    assert data.rows.proficiency.tolist() == [2]


def test_database_tables_equal_the_in_memory_cube_of_the_same_answers() -> None:
    wave = make_wave()
    populate(wave, 40)
    tables = queries.wave_tables(wave)
    assert tables is not None

    # The same answers rebuilt by hand from the ORM, the slow way.
    ratings = SkillRating.objects.filter(response__wave=wave).select_related("response", "skill")
    by_skill: dict[str, set[str]] = {}
    for rating in ratings:
        by_skill.setdefault(rating.skill.code, set()).add(rating.response.pseudonym)
    overall = tables.publication.table("region")
    for code, people in by_skill.items():
        cell = overall.get(ALL, Skill.objects.get(code=code).pk)
        assert cell.suppressed or cell.n == len(people)
    assert overall.get(ALL, None).n == 40
    cube = build_cube(tables.data.rows, tables.data.tree, tables.data.dimensions)
    assert np.array_equal(cube.n, tables.cube.n)


def test_small_cells_are_suppressed_and_protected_countries_use_the_higher_threshold(
    settings: object,
) -> None:
    wave = make_wave()
    populate(wave, 60, seed=3)
    setattr(settings, "NEEDS_PROTECTED_COUNTRIES", ["BR"])  # noqa: B010 (pytest-django fixture)
    setattr(settings, "NEEDS_PROTECTED_MIN_CELL", 30)  # noqa: B010
    tables = queries.wave_tables(wave)
    assert tables is not None
    country = tables.publication.table("country")
    brazil = [c for c in country.cells if c.row == "BR"]
    assert all(c.suppressed or (c.n is not None and c.n >= 30) for c in brazil)
    assert tables.publication.min_published_n is None or tables.publication.min_published_n >= 5


def test_organization_cohort_is_its_own_answer_and_its_members() -> None:
    wave = make_wave()
    organization = OrganizationFactory.create(slug="wm-fr", kind=Organization.Kind.CHAPTER)
    populate(wave, 12, seed=5, organization=organization)
    populate(wave, 20, seed=6)  # outsiders
    skills = {s.code: s for s in skill_tree()}
    answer(
        wave,
        UserFactory.create(),
        [(skills["skill-b2"], 1, 4, False, False, 0)],
        organization=organization,
    )

    assert queries.cohort_of(wave, organization).count() == 13
    tables = queries.organization_tables(wave, organization)
    assert tables is not None
    assert tables.data.respondents == 13


def test_a_wave_without_counted_answers_has_no_tables() -> None:
    assert queries.wave_tables(make_wave()) is None


def test_bench_needs_database_path_matches_the_in_memory_cube_and_leaves_nothing() -> None:
    from io import StringIO

    from django.core.management import call_command

    responses_before = Response.objects.count()
    out = StringIO()
    call_command(
        "bench_needs",
        "--json",
        "--db",
        "--respondents=800",
        "--skills=13",
        "--regions=3",
        "--countries=8",
        "--languages=5",
        "--organizations=10",
        stdout=out,
    )
    result = json.loads(out.getvalue())
    assert result["backend"] == connection.vendor
    assert result["respondents"] == 800
    assert result["database_matches_memory"] is True
    assert result["recoverable_cells"] == 0
    assert result["min_published_n"] >= 5
    assert Response.objects.count() == responses_before  # rolled back
