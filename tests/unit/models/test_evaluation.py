"""Hit rates and PAI of the backtest on hand-made counts."""

from __future__ import annotations

import numpy as np
from numpy.testing import assert_allclose

from models.evaluation import default_scores, hit_rates


def test_hit_rate_and_pai_on_hand_made_counts():
    scores = np.array([5, 3, 3, 1, 0])
    test = np.array([2, 0, 4, 1, 3])
    out = hit_rates(scores, test, (0.2, 0.4, 0.6))
    assert out["cells"].tolist() == [1, 2, 3]
    assert_allclose(out["hit_rate"], [0.2, 0.2, 0.6])
    assert_allclose(out["pai"], [1.0, 0.5, 1.0])
    # ties are broken by the neighbourhood in the default ranking
    assert_allclose(hit_rates(default_scores(scores, np.array([5, 3, 9, 1, 0])), test, (0.4,))["hit_rate"], [0.6])
