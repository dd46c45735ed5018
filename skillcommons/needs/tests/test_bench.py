"""``bench_needs`` at a small size: the keys are there and the publication is safe (no timing)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

SMALL = [
    "--respondents=1500",
    "--skills=13",
    "--regions=3",
    "--countries=8",
    "--languages=5",
    "--organizations=10",
]


def test_bench_needs_prints_one_json_object_with_a_safe_publication() -> None:
    out = StringIO()
    call_command("bench_needs", "--json", *SMALL, stdout=out)
    result = json.loads(out.getvalue())
    for key in (
        "respondents",
        "skills",
        "assessment_rows",
        "cube_seconds",
        "pandas_baseline_seconds",
        "numpy_groupby_baseline_seconds",
        "suppressed_cells",
        "min_published_n",
        "backend",
        "notes",
    ):
        assert key in result
    assert result["respondents"] == 1500
    assert result["skills"] == 13
    assert result["assessment_rows"] >= 1500
    assert result["backend"] == "numpy-in-memory"
    assert result["min_published_n"] >= result["k"] == 5
    assert result["suppressed_cells"] > 0
    assert result["recoverable_cells"] == 0
    assert result["numpy_baseline_matches_cube"] is True
    assert result["pandas_baseline_matches_cube"] in (True, None)
    assert any("not built yet" in note for note in result["notes"])


def test_bench_needs_refuses_impossible_sizes() -> None:
    with pytest.raises(CommandError, match="respondents"):
        call_command("bench_needs", "--json", "--respondents=0")
    with pytest.raises(CommandError, match="countries"):
        call_command("bench_needs", "--json", "--regions=9", "--countries=3")
    with pytest.raises(CommandError, match="protected"):
        call_command("bench_needs", "--json", "--k=5", "--protected-k=2")
