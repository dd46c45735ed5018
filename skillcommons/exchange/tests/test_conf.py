from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from skillcommons.exchange.conf import matching_weights
from skillcommons.exchange.scoring import Weights


def test_defaults_without_the_setting() -> None:
    assert matching_weights() == Weights()


@override_settings(SKILLCOMMONS_MATCHING_WEIGHTS={"language": 30.0})
def test_the_setting_overrides_some_weights() -> None:
    weights = matching_weights()
    assert weights.language == 30.0
    assert weights.skill_exact == Weights().skill_exact


@pytest.mark.parametrize("value", [{"nonsense": 1.0}, {"level": -3.0}, ["level"]])
def test_bad_settings_are_refused(value: object) -> None:
    with (
        override_settings(SKILLCOMMONS_MATCHING_WEIGHTS=value),
        pytest.raises(ImproperlyConfigured),
    ):
        matching_weights()
