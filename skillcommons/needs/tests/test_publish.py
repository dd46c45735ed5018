"""Published tables from a synthetic wave: thresholds, explicit suppression, and the audit."""

from __future__ import annotations

import numpy as np
import pytest

from skillcommons.needs import synthetic
from skillcommons.needs.aggregate import AssessmentRows, Dimension, SkillTree, build_cube
from skillcommons.needs.disclosure import primary_suppression, recover
from skillcommons.needs.publish import (
    ALL,
    Policy,
    audit_publication,
    publish,
    published_counts,
)


@pytest.fixture(scope="module")
def wave() -> synthetic.SyntheticWave:
    return synthetic.generate(
        respondents=3000, skills=12, regions=3, countries=9, languages=6, organizations=12, seed=7
    )


def test_every_published_count_meets_its_threshold_and_hidden_cells_say_so(
    wave: synthetic.SyntheticWave,
) -> None:
    cube = build_cube(wave.rows, wave.tree, wave.dimensions)
    policy = Policy(k=5, protected_k=12, protected_countries=frozenset({"country 8"}))
    publication = publish(cube, policy)
    assert publication.suppressed_cells > 0
    assert publication.min_published_n is not None and publication.min_published_n >= 5
    country = publication.table("country")
    for cell in country.cells:
        if cell.suppressed:
            assert cell.n is None and cell.proficiency is None and cell.need is None
        else:
            assert cell.n is not None and cell.n >= 5
            if cell.row == "country 8":
                assert cell.n >= 12
    # The margin row is the same cells in every table.
    for table in publication.tables:
        assert table.rows[-1] == ALL
        assert table.get(ALL, None) == publication.tables[0].get(ALL, None)


def test_published_tables_resist_differencing_but_primary_only_would_not(
    wave: synthetic.SyntheticWave,
) -> None:
    cube = build_cube(wave.rows, wave.tree, wave.dimensions)
    publication = publish(cube, Policy(protected_countries=frozenset(wave.protected_countries)))
    assert audit_publication(cube, publication).size == 0
    # Whatever an attacker can pin down is an empty category: zero, nobody revealed.
    recovered = recover(published_counts(cube, publication), cube.relations)
    assert all(value == pytest.approx(0.0, abs=1e-6) for value in recovered.values())
    assert all(cube.n[cell] == 0 for cell in recovered)

    naive = primary_suppression(cube.n, publication.thresholds)
    attack = recover(np.where(naive, np.nan, cube.n.astype(np.float64)), cube.relations)
    leaked = {cell: value for cell, value in attack.items() if cube.n[cell] > 0}
    assert leaked, "a primary-only publication of this wave should leak"
    for cell, value in leaked.items():
        assert value == pytest.approx(cube.n[cell])
        assert 0 < cube.n[cell] < publication.thresholds[cell]


def test_published_means_match_the_cube(wave: synthetic.SyntheticWave) -> None:
    cube = build_cube(wave.rows, wave.tree, wave.dimensions)
    publication = publish(cube, Policy())
    total = publication.table("region").get(ALL, None)
    assert total.n == 3000
    assert total.proficiency == pytest.approx(cube.proficiency[cube.columns - 1], abs=1e-3)
    assert total.need is not None and total.importance is not None
    assert total.proficiency is not None
    assert total.need == pytest.approx(total.importance - total.proficiency, abs=2e-3)


def test_a_protection_list_naming_an_unknown_country_is_refused(
    wave: synthetic.SyntheticWave,
) -> None:
    cube = build_cube(wave.rows, wave.tree, wave.dimensions)
    with pytest.raises(ValueError, match="Atlantis"):
        publish(cube, Policy(protected_countries=frozenset({"Atlantis"})))
    with pytest.raises(ValueError, match="cannot be below"):
        Policy(k=5, protected_k=3)


def test_a_region_made_of_one_protected_country_is_hidden_with_it() -> None:
    # Country "a" (protected, 7 respondents) is the only country of region "north"; "b" and "c"
    # (30 and 40 respondents) make up "south". Everyone answered skill 1.
    country = np.array([0] * 7 + [1] * 30 + [2] * 40, dtype=np.int64)
    size = country.size
    rows = AssessmentRows(
        respondent=np.arange(size, dtype=np.int64),
        weight=np.ones(size),
        skill=np.ones(size, dtype=np.int64),
        proficiency=np.full(size, 2, dtype=np.int64),
        importance=np.full(size, 3, dtype=np.int64),
        wants_to_learn=np.zeros(size, dtype=np.bool_),
        can_teach=np.zeros(size, dtype=np.bool_),
        robustness=np.full(size, -1, dtype=np.int64),
        dimensions={"region": np.array([0, 1, 1])[country], "country": country},
    )
    tree = SkillTree.from_parents({1: None})
    dimensions = (Dimension("region", ("north", "south")), Dimension("country", ("a", "b", "c")))
    cube = build_cube(rows, tree, dimensions)
    unprotected = publish(cube, Policy())
    assert unprotected.table("region").get("north", 1).n == 7
    publication = publish(cube, Policy(protected_countries=frozenset({"a"})))
    assert publication.table("country").get("a", 1).suppressed
    assert publication.table("region").get("north", 1).suppressed
    assert audit_publication(cube, publication).size == 0
    assert all(c.n is None or c.n >= 5 for t in publication.tables for c in t.cells)
