"""The differential-privacy mode: calibration against OpenDP's accounting, noise that is really
there and of the stated size, and the epsilon recorded with the tables."""

from __future__ import annotations

import math

import numpy as np
import pytest

from skillcommons.needs import dp, synthetic
from skillcommons.needs.aggregate import build_cube
from skillcommons.needs.publish import ALL


@pytest.fixture(scope="module")
def wave() -> synthetic.SyntheticWave:
    return synthetic.generate(
        respondents=3000, skills=10, regions=3, countries=6, languages=4, organizations=8, seed=7
    )


def test_calibration_spends_at_most_the_budget_and_close_to_it() -> None:
    scale, spent, rho = dp.calibrate(10.0, dp.Budget(epsilon=1.0, delta=1e-6))
    assert spent <= 1.0
    assert spent > 0.99
    # zCDP of the Gaussian mechanism: rho = (sensitivity / scale)^2 / 2.
    assert rho == pytest.approx((10.0 / scale) ** 2 / 2, rel=1e-3)


def test_a_larger_budget_means_less_noise() -> None:
    small, _spent, _rho = dp.calibrate(10.0, dp.Budget(epsilon=0.5))
    large, _spent, _rho = dp.calibrate(10.0, dp.Budget(epsilon=4.0))
    assert large < small


def test_sensitivity_counts_every_cell_one_person_touches() -> None:
    # Overall row + 5 dimensions, 40 skills + "all skills", 7 quantities each.
    assert dp.sensitivity(40, 5) == pytest.approx(math.sqrt(6 * 41 * 7))


@pytest.mark.parametrize(
    ("epsilon", "delta"), [(0.0, 1e-6), (-1.0, 1e-6), (float("nan"), 1e-6), (1.0, 0.0), (1.0, 0.5)]
)
def test_a_budget_out_of_range_is_refused(epsilon: float, delta: float) -> None:
    with pytest.raises(ValueError):
        dp.Budget(epsilon=epsilon, delta=delta)


def test_noisy_tables_record_epsilon_and_respect_the_release_threshold(
    wave: synthetic.SyntheticWave,
) -> None:
    budget = dp.Budget(epsilon=2.0, delta=1e-6)
    noisy = dp.noisy_publication(wave.rows, wave.tree, wave.dimensions, budget=budget, k=5)

    assert 1.9 < noisy.epsilon <= 2.0
    assert noisy.delta == 1e-6
    assert noisy.threshold == max(5, math.ceil(dp.THRESHOLD_SIGMAS * noisy.count_sigma))
    published = [c for t in noisy.tables for c in t.cells if not c.suppressed]
    assert published, "a 3,000-respondent wave must publish its large cells"
    assert all(c.n is not None and c.n >= noisy.threshold for c in published)
    for cell in published:
        assert cell.proficiency is not None and 0 <= cell.proficiency <= 4
        assert cell.demand is not None and 0 <= cell.demand <= 1
    assert [t.dimension for t in noisy.tables] == [d.name for d in wave.dimensions]


def test_the_noise_is_there_and_of_the_stated_size(wave: synthetic.SyntheticWave) -> None:
    cube = build_cube(wave.rows, wave.tree, wave.dimensions)
    exact = {"n": cube.n.astype(np.float64)}
    scale, _spent, _rho = dp.calibrate(dp.sensitivity(wave.tree.size, 5), dp.Budget())
    zeros = {name: np.zeros(cube.n.size) for name, _bound in dp.QUANTITIES}
    noisy = dp.add_noise({**zeros, **exact}, scale)

    error = noisy["n"] - exact["n"]
    assert np.count_nonzero(error) > 0.99 * error.size
    # Mean absolute deviation of a Gaussian is sigma * sqrt(2 / pi) (hundreds of samples).
    assert np.mean(np.abs(error)) / scale == pytest.approx(math.sqrt(2 / math.pi), abs=0.15)
    # Sums of 0–4 values get four times the noise of counts.
    assert np.mean(np.abs(noisy["proficiency_sum"])) / (4 * scale) == pytest.approx(
        math.sqrt(2 / math.pi), abs=0.15
    )


def test_large_cells_stay_close_to_the_truth(wave: synthetic.SyntheticWave) -> None:
    cube = build_cube(wave.rows, wave.tree, wave.dimensions)
    noisy = dp.noisy_publication(wave.rows, wave.tree, wave.dimensions, budget=dp.Budget(8.0))
    total = noisy.table("region").get(ALL, None)
    assert total.n is not None
    assert abs(total.n - int(cube.n[cube.columns - 1])) < 8 * noisy.count_sigma
