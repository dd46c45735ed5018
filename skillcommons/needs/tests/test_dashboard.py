"""Dashboards: who sees which tables, the accessible heatmap, drill-down, filters, trends."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from skillcommons.needs.models import Wave
from skillcommons.needs.tests.test_queries import answer, make_wave, populate
from skillcommons.organizations.models import Organization
from skillcommons.organizations.tests.factories import (
    OrganizationFactory,
    UserFactory,
    coordinator,
    organizer_of,
)
from skillcommons.taxonomy.models import Skill

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def wave() -> Wave:
    wave = make_wave("capacity-2026")
    populate(wave, 80, seed=11)
    return wave


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_a_coordinator_sees_the_heatmap_as_an_accessible_table(wave: Wave) -> None:
    response = signed_in(coordinator()).get(reverse("needs_stats:wave", args=[wave.slug]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<caption>" in html
    assert 'scope="col"' in html and 'scope="row"' in html
    assert "sc-heat--" in html
    assert "needs/dashboard.css" in html
    assert "<script" not in html.split("</head>")[1]  # nothing but the base layout's htmx
    rows = response.context["rows"]
    assert rows[-1].is_total
    # Regions with their values as text; the total row counts all 80 respondents.
    assert {r.code for r in rows} >= {"ESEAP", "NWE", "LAC", "all"}
    assert response.context["respondents"] == 80
    # The SVG chart is labelled for assistive technology.
    assert 'role="img"' in html and "<title id=" in html and "<desc id=" in html


def test_suppressed_cells_are_marked_in_words(wave: Wave) -> None:
    skill = Skill.objects.get(code="skill-b1")
    for _i in range(2):  # a language community of two
        answer(wave, UserFactory.create(), [(skill, 3, 3, False, True, None)], language="kw")
    client = signed_in(coordinator())
    response = client.get(reverse("needs_stats:wave", args=[wave.slug]), {"dimension": "language"})
    rows = response.context["rows"]
    suppressed = [c for r in rows for c in r.cells if c.suppressed]
    kw = next(r for r in rows if r.code == "kw")
    assert all(c.suppressed for c in kw.cells)
    assert all(c.text == "suppressed" and c.bucket == 0 for c in suppressed)
    assert "sc-heat--suppressed" in response.content.decode()


def test_the_legend_covers_the_values_shown(wave: Wave) -> None:
    response = signed_in(coordinator()).get(
        reverse("needs_stats:wave", args=[wave.slug]), {"measure": "n"}
    )
    legend = response.context["legend"]
    assert [bucket for bucket, _text in legend] == [1, 2, 3, 4, 5]
    buckets = {c.bucket for r in response.context["rows"] for c in r.cells if not c.suppressed}
    assert buckets <= {1, 2, 3, 4, 5}
    assert 5 in buckets  # the largest value is in the top step


def test_drill_down_from_a_region_to_its_countries(wave: Wave) -> None:
    client = signed_in(coordinator())
    page = client.get(reverse("needs_stats:wave", args=[wave.slug]))
    eseap = next(r for r in page.context["rows"] if r.code == "ESEAP")
    assert eseap.drill == "dimension=country&within=ESEAP"

    response = client.get(
        reverse("needs_stats:wave", args=[wave.slug]), {"dimension": "country", "within": "ESEAP"}
    )
    assert [r.code for r in response.context["rows"]] == ["AU", "NZ", "all"]


def test_drill_down_from_a_skill_area_to_its_skills(wave: Wave) -> None:
    client = signed_in(coordinator())
    top = client.get(reverse("needs_stats:wave", args=[wave.slug]))
    assert [c["code"] for c in top.context["columns"]] == ["area-a", "area-b", ""]

    response = client.get(reverse("needs_stats:wave", args=[wave.slug]), {"area": "area-a"})
    codes = [c["code"] for c in response.context["columns"]]
    assert codes == ["area-a", "skill-a1", "skill-a1-x", "skill-a2"]


def test_where_to_act_lists_each_component(wave: Wave) -> None:
    response = signed_in(coordinator()).get(
        reverse("needs_stats:wave", args=[wave.slug]), {"area": "area-b"}
    )
    ranked = response.context["ranked"]
    assert ranked
    scores = [item["p"].score for item in ranked]
    assert scores == sorted(scores, reverse=True)
    html = response.content.decode()
    for heading in ("Need", "Demand", "Coverage gap", "Fragility"):
        assert f">{heading}</th>" in html


def test_comparing_two_waves_shows_trends(wave: Wave) -> None:
    earlier = make_wave("capacity-2025", days_ago=400)
    populate(earlier, 80, seed=12)
    response = signed_in(coordinator()).get(
        reverse("needs_stats:wave", args=[wave.slug]),
        {"compare": earlier.slug, "area": "area-b"},
    )
    trends = response.context["trends"]
    assert trends
    assert {t["t"].direction for t in trends} <= {"up", "down", "stable"}


@pytest.mark.parametrize(
    "query",
    [
        {"dimension": "nonsense"},
        {"measure": "<script>"},
        {"area": "no-such-area"},
        {"compare": "no-such-wave"},
        {"within": "x" * 500},
    ],
)
def test_bad_filters_fall_back_without_an_error(wave: Wave, query: dict[str, str]) -> None:
    response = signed_in(coordinator()).get(reverse("needs_stats:wave", args=[wave.slug]), query)
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("</head>")[1]


def test_visitors_are_sent_to_sign_in_and_members_are_refused(wave: Wave) -> None:
    url = reverse("needs_stats:wave", args=[wave.slug])
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert "login" in anonymous["Location"]
    member = signed_in(UserFactory.create())
    assert member.get(url).status_code == 403
    assert member.get(reverse("needs_stats:index")).status_code == 403


def test_an_organizer_sees_their_organization_only(wave: Wave) -> None:
    mine = OrganizationFactory.create(slug="wm-mine", kind=Organization.Kind.CHAPTER)
    other = OrganizationFactory.create(slug="wm-other", kind=Organization.Kind.CHAPTER)
    populate(wave, 30, seed=21, organization=mine)
    populate(wave, 30, seed=22, organization=other)
    client = signed_in(organizer_of(mine))

    response = client.get(reverse("needs_stats:organization", args=[wave.slug, mine.slug]))
    assert response.status_code == 200
    assert response.context["respondents"] == 30
    assert (
        client.get(reverse("needs_stats:organization", args=[wave.slug, other.slug])).status_code
        == 403
    )
    assert client.get(reverse("needs_stats:wave", args=[wave.slug])).status_code == 403
    index = client.get(reverse("needs_stats:index"))
    assert index.status_code == 200
    assert (
        reverse("needs_stats:organization", args=[wave.slug, mine.slug]) in index.content.decode()
    )
    assert f'href="{reverse("needs_stats:wave", args=[wave.slug])}"' not in index.content.decode()


def test_a_small_organization_shows_nobody_s_answers(wave: Wave) -> None:
    small = OrganizationFactory.create(slug="wm-small", kind=Organization.Kind.USER_GROUP)
    populate(wave, 3, seed=31, organization=small)
    response = signed_in(organizer_of(small)).get(
        reverse("needs_stats:organization", args=[wave.slug, small.slug]),
        {"measure": "proficiency"},
    )
    assert response.status_code == 200
    cells = [c for r in response.context["rows"] for c in r.cells]
    assert cells and all(c.suppressed for c in cells)
    assert response.context["ranked"] == []
    assert response.context["respondents"] is None  # even the head count of three is hidden


def test_a_coordinator_sees_any_organization(wave: Wave) -> None:
    organization = OrganizationFactory.create(slug="wm-any")
    populate(wave, 6, seed=41, organization=organization)
    response = signed_in(coordinator()).get(
        reverse("needs_stats:organization", args=[wave.slug, organization.slug])
    )
    assert response.status_code == 200
