"""models.wdq: the Weighted Displacement Quotient (Bowers and Johnson 2003) by hand."""

from __future__ import annotations

import numpy as np
from numpy.testing import assert_allclose

from models import wdq


def test_wdq_worked_example_by_hand():
    # Target 100 -> 60, buffer 80 -> 70, control 1000 -> 1000.
    # success = 60/1000 - 100/1000 = -0.04; buffer = 70/1000 - 80/1000 = -0.01; WDQ = 0.25.
    result = wdq.wdq(100, 60, 80, 70, 1000, 1000)
    assert_allclose([result.success, result.buffer, result.wdq], [-0.04, -0.01, 0.25])
    assert result.reading == "diffusion of benefit"
    # Buffer rises 80 -> 100 against a control that grew 1000 -> 1250:
    # success = 60/1250 - 100/1000 = -0.052; buffer = 100/1250 - 80/1000 = 0.0 -> neither.
    flat = wdq.wdq(100, 60, 80, 100, 1000, 1250)
    assert_allclose([flat.success, flat.buffer, flat.wdq], [-0.052, 0.0, 0.0], atol=1e-12)
    assert flat.reading == "no displacement or diffusion"
    moved = wdq.wdq(100, 60, 80, 96, 1000, 1000)  # buffer +16/1000 -> WDQ = 0.016 / -0.04 = -0.4
    assert_allclose(moved.wdq, -0.4)
    assert moved.reading == "displacement"
    assert "not interpretable" in wdq.wdq(100, 120, 80, 70, 1000, 1000).reading
    assert np.isnan(wdq.wdq(100, 60, 80, 70, 0, 1000).wdq)
