"""Difference-in-differences with placebo inference, the WDQ, and campaign evaluation."""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.testing import assert_allclose

from models import did as did_mod
from models import impact


def simulated_panel(
    seed: int, units: int = 40, months: int = 24, effect: float = 1.0, treated: int = 1, start: int = 12
):
    """Negative-binomial monthly counts: unit levels, a shared season, ``effect`` on the first
    ``treated`` units from month ``start``."""
    rng = np.random.default_rng(seed)
    level = rng.uniform(150, 250, units)
    season = 1 + 0.15 * np.sin(2 * np.pi * np.arange(months) / 12)
    mean = level[:, None] * season[None, :]
    mean[:treated, start:] *= effect
    shape = 50.0  # overdispersion: variance = mean + mean^2 / 50
    counts = rng.poisson(rng.gamma(shape, mean / shape))
    after = np.arange(months) >= start
    return counts.astype(float), after


def test_null_panels_reject_near_the_nominal_rate():
    rejections = covered = 0
    seeds = 200
    for seed in range(seeds):
        counts, after = simulated_panel(seed=1000 + seed, effect=1.0)
        before = ~after
        chosen = impact.match(counts[0], counts[1:], before, 20)
        result = did_mod.did(counts[0], counts[1:][chosen], after, seed=seed)
        rejections += result.p_value <= 0.05
        covered += result.low <= 0 <= result.high
        # the interval inverts the placebo test: it excludes 0 exactly when p <= alpha
        assert (result.p_value <= 0.05) == (not result.low <= 0 <= result.high)
    assert 0.02 <= rejections / seeds <= 0.10
    assert 0.90 <= covered / seeds <= 0.98


def _cell_panel(effect: float, months: list[str], start: str, seed: int = 0):
    """Incidents on a row of H3 cells: community A (targeted) and 30 far-away communities."""
    import h3

    rng = np.random.default_rng(seed)
    origin = h3.latlng_to_cell(53.80, -1.55, 9)
    communities = []
    rows = []
    for i in range(31):
        centre = h3.latlng_to_cell(53.70 + 0.01 * (i % 6), -1.90 + 0.03 * (i // 6), 9) if i else origin
        cells = [h3.str_to_int(c) for c in h3.grid_disk(centre, 1)]
        communities.append({"community_id": f"HC{i:02d}", "name": f"Place {i}", "cells": cells})
        level = rng.uniform(20, 30)
        for m in months:
            lam = level * (effect if (i == 0 and m > start) else 1.0)
            for c in cells:
                rows.extend([(c, m)] * int(rng.poisson(lam)))
    incidents = pd.DataFrame(rows, columns=["h3_r9", "month"])
    return incidents, pd.DataFrame(communities)


def test_evaluate_campaign_says_how_many_months_are_missing():
    months = ["2017-01", "2017-02", "2017-03", "2017-05"]
    incidents, communities = _cell_panel(1.0, months, "2017-04")
    campaign = {
        "campaign": "c1",
        "community_id": "HC00",
        "community_name": "Place 0",
        "district": "Leeds",
        "start_month": "2017-04",
        "what": "flyer drops",
        "cells": communities["cells"].iloc[0],
    }
    counts = impact.cell_month_counts(incidents, "h3_r9", months)
    pool = impact.comparison_pool(communities.iloc[1:], set(campaign["cells"]))
    result = impact.evaluate_campaign(campaign, counts, months, pool, [], impact.ImpactParams())
    assert result.did is None
    assert (result.more_before, result.more_after) == (3, 2)
    assert "3 more month(s) of data before it and 2 more month(s) after it" in result.sentence


def test_evaluate_campaign_estimates_and_reads_plainly():
    months = [f"2016-{m:02d}" for m in range(1, 13)] + [f"2017-{m:02d}" for m in range(1, 7)]
    incidents, communities = _cell_panel(0.6, months, "2016-12", seed=4)
    campaign = {
        "campaign": "c1",
        "community_id": "HC00",
        "community_name": "Place 0",
        "district": "Leeds",
        "start_month": "2016-12",
        "what": "flyer drops",
        "cells": communities["cells"].iloc[0],
    }
    counts = impact.cell_month_counts(incidents, "h3_r9", months)
    pool = impact.comparison_pool(communities, set(campaign["cells"]))
    assert "Place 0" not in set(pool["name"])  # the target itself is never a comparison
    district = sorted({c for cells in communities["cells"] for c in cells})
    result = impact.evaluate_campaign(campaign, counts, months, pool, district, impact.ImpactParams())
    assert result.did is not None and result.did.low <= -0.4 <= result.did.high
    assert len(result.comparison) == 20
    assert result.sentence.startswith("Incidents fell")
    assert "unlikely to be chance" in result.sentence and "could also explain it" in result.sentence
    table = impact.impact_table([result])
    assert table.loc[0, "sentence"] == result.sentence
    # the chart's series are the counts the estimate used
    assert_allclose(result.targeted, impact.area_series(counts, campaign["cells"]))
    used = [m != "2016-12" for m in months]
    assert_allclose(np.mean(np.array(result.targeted)[used][:11]), result.did.treated_before)
    assert_allclose(np.mean(np.array(result.matched)[used][:11]) * 20, result.did.comparison_before)


def test_comparison_pool_drops_targeted_and_adjacent_communities():
    import h3

    centre = h3.latlng_to_cell(53.80, -1.55, 9)
    target = [h3.str_to_int(centre)]
    touching = [h3.str_to_int(c) for c in h3.grid_ring(centre, 1)][:1]
    far = [h3.str_to_int(c) for c in h3.grid_ring(centre, 5)][:1]
    communities = pd.DataFrame({"name": ["same", "touching", "far"], "cells": [target, touching, far]})
    assert impact.comparison_pool(communities, set(target))["name"].tolist() == ["far"]
    assert impact.ring_around(target, 1) == {h3.str_to_int(c) for c in h3.grid_ring(centre, 1)}


def test_sentence_says_could_be_chance_when_p_is_large():
    result = did_mod.DidResult(-0.08, -0.08, -0.3, 0.2, 0.31, -0.12, -0.04, 10, 8.8, 100, 96, 20, 0.05)
    text = impact.describe("Leeds Road", "flyer drops", "2017-03", result, "", "Leeds Road (HC03)")
    assert text == (
        "Incidents fell 12 % in Leeds Road (HC03) after the flyer drops of March 2017, against a fall of 4 % "
        "in matched areas. The difference could be chance (p = 0.31)."
    )


def test_the_months_before_and_after_are_unbroken_runs_around_the_start():
    from models.impact import unbroken_around

    months = ["2016-07", "2017-04", "2017-05", "2017-07", "2017-08", "2017-10"]
    before, after = unbroken_around(months, "2017-06")
    assert [m for m, b in zip(months, before) if b] == ["2017-04", "2017-05"]  # not 2016-07 across the gap
    assert [m for m, a in zip(months, after) if a] == ["2017-07", "2017-08"]  # not 2017-10 across the gap
    before, after = unbroken_around(["2016-07", "2017-07"], "2017-01")
    assert not before.any() and not after.any()
