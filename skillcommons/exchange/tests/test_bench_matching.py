"""``bench_matching`` at a small size: the JSON has every field and the assignment is feasible
(never timing)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

EXPECTED = {
    "topk_p50_ms",
    "topk_p95_ms",
    "api_p95_ms",
    "topk_equals_bruteforce",
    "bruteforce_queries",
    "batch_seconds",
    "solver_seconds",
    "peak_rss_mb",
    "capacity_violations",
    "objective",
    "greedy_objective",
    "assigned",
    "greedy_assigned",
    "mentors_used_pct",
    "load_gini",
    "notes",
}


def run(*args: str) -> dict[str, object]:
    out = StringIO()
    call_command("bench_matching", "--json", *args, stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1
    data: dict[str, object] = json.loads(lines[0])
    return data


@pytest.mark.django_db
def test_small_run_reports_every_field_and_a_feasible_optimum() -> None:
    data = run(
        "--mentors",
        "1500",
        "--queries",
        "15",
        "--mentees",
        "600",
        "--batch-mentors",
        "120",
        "--api-queries",
        "4",
    )
    assert set(data) >= EXPECTED
    assert data["topk_equals_bruteforce"] is True
    assert data["bruteforce_queries"] == 15
    assert data["capacity_violations"] == 0
    assert data["greedy_capacity_violations"] == 0
    assert isinstance(data["api_p95_ms"], float) and data["api_queries"] == 4
    assert isinstance(data["objective"], float) and isinstance(data["greedy_objective"], float)
    assert data["objective"] >= data["greedy_objective"] - data["objective_spread_cost"]  # type: ignore[operator]
    assert 0 < data["assigned"] <= 600  # type: ignore[operator]


@pytest.mark.django_db
def test_the_api_part_leaves_nothing_in_the_database() -> None:
    from skillcommons.accounts.models import User
    from skillcommons.taxonomy.models import Skill

    users, skills = User.objects.count(), Skill.objects.count()
    data = run(
        "--mentors",
        "300",
        "--queries",
        "3",
        "--mentees",
        "50",
        "--batch-mentors",
        "20",
        "--api-queries",
        "2",
    )
    assert data["api_queries"] == 2
    assert (User.objects.count(), Skill.objects.count()) == (users, skills)


def test_api_queries_zero_skips_the_api_part() -> None:
    data = run(
        "--mentors",
        "300",
        "--queries",
        "3",
        "--mentees",
        "50",
        "--batch-mentors",
        "20",
        "--api-queries",
        "0",
    )
    assert data["api_p95_ms"] is None


@pytest.mark.parametrize(
    "args",
    [["--mentors", "0"], ["--queries", "-3"], ["--candidates", "500"], ["--api-queries", "-1"]],
)
def test_bad_sizes_are_refused(args: list[str]) -> None:
    with pytest.raises(CommandError):
        run(*args)
