"""models.did: difference-in-differences with a placebo p-value and interval, by hand and
on simulated panels with a known, injected effect."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from models import did as did_mod
from tests.unit.models.test_impact import simulated_panel


@pytest.mark.parametrize("treated", [1, 5])
def test_an_injected_fall_of_20_percent_is_recovered_within_the_interval(treated: int):
    counts, after = simulated_panel(seed=7, effect=0.8, treated=treated)
    result = did_mod.did(counts[:treated], counts[treated:], after, seed=3)
    assert result.low <= -0.20 <= result.high
    assert result.high < 0  # the interval excludes no effect
    assert result.p_value <= 0.05
    assert_allclose(result.effect, -0.20, atol=0.06)


def test_did_by_hand_on_a_tiny_panel():
    treated = np.array([10.0, 10.0, 5.0, 5.0])
    pool = np.array([[10.0, 10.0, 10.0, 10.0], [20.0, 20.0, 20.0, 20.0], [5.0, 5.0, 5.0, 5.0]])
    after = np.array([False, False, True, True])
    result = did_mod.did(treated, pool, after)
    expected = np.log(5.5 / 10.5) - np.log(35.5 / 35.5)
    assert_allclose(result.effect_log, expected)
    assert_allclose(result.treated_before, 10.0)
    assert_allclose(result.treated_after, 5.0)
    # every placebo is 0: the estimate is the most extreme of 4 values
    assert_allclose(result.p_value, 1 / 4)
    assert (result.low, result.high) == (-1.0, float("inf"))  # 3 placebos: too few for a 95 % interval
    with pytest.raises(ValueError, match="two comparison units"):
        did_mod.did(treated, pool[:1], after)
    with pytest.raises(ValueError, match="one month before"):
        did_mod.did(treated, pool, np.ones(4, bool))
