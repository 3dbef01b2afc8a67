"""Recovery study: the analyses against the truth of many seeded demonstration histories.

    python -m bench.demo_recovery [--seeds 50] [--emerging-seeds 10] [--emerging-months 14]

For each seed, :mod:`models.demo_history` makes a 36-month history from the bundled months
(the demo's settings, only the seed changes), and the product's own functions are run on it
as the app runs them, without the store (the rows are binned to H3 here):

* **Impact** (:func:`models.impact.evaluate_campaign`, comparison communities from an
  analytical Gi* of all months): how often each injected effect lies inside the 95 %
  interval, how often a real effect is found (p <= 0.05), how often the nil campaign is
  "found", and the mean error of the estimate;
* **WDQ**: how often the campaign with displacement reads "displacement";
* **Trends**: latest 12 months against the 12 before for each injected (district, crime
  type) trend, outside the cells that injected places and campaigns change on purpose:
  direction of the sentence right, "unlikely to be chance", mean error;
* **forecast ranking**: the default ranking against prior counts (train on the month before
  the last, test on the last) at 1, 2, 5 and 10 % of the area, and trained on the month
  before against the same month a year earlier;
* **emerging hot spots** (the first ``--emerging-seeds`` seeds, on ``--emerging-months``
  months to keep it short, no campaigns): share of injected emerging places classed new or
  consecutive, of intensifying places classed intensifying, of fading places not hot in the
  last month, and the share of all other cells classed new, consecutive or intensifying.

Prints one line per seed and the totals.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict

import numpy as np
import pandas as pd


def incident_frame(history: object, resolution: int = 9) -> pd.DataFrame:
    """The generated street rows in the stored column names the analyses read."""
    from core.settings import DISTRICTS
    from models import demo_history as dh

    rows = history.incidents  # type: ignore[attr-defined]
    prefix = rows["LSOA name"].str.rsplit(" ", n=1).str[0]
    return pd.DataFrame(
        {
            "month": rows["Month"].to_numpy(),
            "crime_type": rows["Crime type"].to_numpy(),
            "location": rows["Location"].to_numpy(),
            "lsoa_code": rows["LSOA code"].to_numpy(),
            "district": np.where(prefix.isin(list(DISTRICTS.values())), prefix, ""),
            f"h3_r{resolution}": dh.cells_of(rows, resolution),
        }
    )


def impact_figures(history, frame, grid, lsoas, harm) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    """One row per campaign: truth, estimate, interval, p, WDQ reading."""
    from models import impact, pipeline
    from models.delivery import campaigns
    from models.pipeline import HotspotParams

    months = list(history.truth.months)
    params = HotspotParams(resolution=9, inference="analytical")
    communities = pipeline.analyse_hotspots(frame, grid, lsoas, harm, params).communities
    found = campaigns(history.deliveries)
    delivered = {int(c) for cells in found["cells"] for c in cells}
    pool = impact.comparison_pool(communities, delivered, 1)
    counts = impact.cell_month_counts(frame, "h3_r9", months)
    by_district = grid.groupby("district")["cell"].apply(list).to_dict()
    truth = {c.community_id: c for c in history.truth.campaigns}
    out = []
    for row in found.to_dict(orient="records"):
        r = impact.evaluate_campaign(row, counts, months, pool, by_district[row["district"]])
        t = truth[row["community_id"]]
        out.append(
            {
                "effect": t.effect,
                "buffer": t.buffer_change,
                "estimate": r.did.effect if r.did else np.nan,
                "covered": bool(r.did and r.did.low <= t.effect <= r.did.high),
                "found": bool(r.did and r.did.p_value <= r.did.alpha),
                "wdq": r.wdq.reading if r.wdq else "",
            }
        )
    return out


def trend_figures(history, frame) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    """One row per injected trend: truth, the 12-month change, the sentence's reading."""
    from models import trends

    months = list(history.truth.months)
    earlier, later = months[-24:-12], months[-12:]
    out = []
    # campaigns and injected hot spots change their own cells on purpose: the trend is read outside them
    touched = history.truth.touched_cells()
    outside = ~frame["h3_r9"].isin(list(touched))
    for district, crime_type in history.truth.trends:
        mine = frame[outside & (frame["district"] == district) & (frame["crime_type"] == crime_type)]
        change = trends.compare_counts(
            int(mine["month"].isin(earlier).sum()), int(mine["month"].isin(later).sum()), 12, 12
        )
        expected = history.truth.yearly_change(district, crime_type)
        sentence = trends.describe_change(crime_type, district, change)
        out.append(
            {
                "expected": expected,
                "measured": change.percent / 100,
                "direction": ("rose" if expected > 0 else "fell") in sentence,
                "significant": "unlikely to be chance" in sentence,
            }
        )
    return out


def forecast_figures(history, frame, cells, weights) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Hit rates of the default ranking and prior counts (train: the month before the last)."""
    from models import evaluation
    from models.hotspots import grid_values, local_sums

    months = list(history.truth.months)

    def counts(chosen: list[str]) -> np.ndarray:
        return grid_values(cells, frame.loc[frame["month"].isin(chosen).to_numpy(), "h3_r9"].to_numpy())

    test, recent, old = counts(months[-1:]), counts(months[-2:-1]), counts(months[-14:-13])

    def rates(scores: np.ndarray) -> np.ndarray:
        return np.asarray(evaluation.hit_rates(scores, test)["hit_rate"].to_numpy(), dtype=float)

    default = rates(evaluation.default_scores(recent, local_sums(recent, weights)))
    return {
        "default": default,
        "prior": rates(recent),
        "year_old": rates(evaluation.default_scores(old, local_sums(old, weights))),
    }


def emerging_figures(pattern, seed, months, cells, weights) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Shares of injected places classed as injected, and of other cells falsely so."""
    from models import demo_history as dh
    from models import emerging, pipeline

    history = dh.generate(pattern, dh.DemoParams(seed=seed, months=months, campaigns=()))
    frame = pd.DataFrame({"month": history.incidents["Month"].to_numpy(), "h3_r9": dh.cells_of(history.incidents, 9)})
    bins, z = pipeline.monthly_gi(frame, cells, 9, list(history.truth.months), weights)
    category = emerging.emerging_hotspots(cells, bins, z).set_index("cell")["category"]
    truth = history.truth
    injected = set(truth.cells_of("emerging")) | set(truth.cells_of("intensifying")) | set(truth.cells_of("fading"))
    others = category[[c not in injected for c in category.index]]
    last = dict(zip(cells.tolist(), bins[:, -1].tolist()))
    return {
        "emerging": float(np.mean([category[c] in ("new", "consecutive") for c in truth.cells_of("emerging")])),
        "intensifying": float(np.mean([category[c] == "intensifying" for c in truth.cells_of("intensifying")])),
        "fading": float(np.mean([last[c] <= 0 for c in truth.cells_of("fading")])),
        "false_emerging": float(others.isin(["new", "consecutive"]).mean()),
        "false_intensifying": float(others.eq("intensifying").mean()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=50)
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--emerging-seeds", type=int, default=10)
    parser.add_argument("--emerging-months", type=int, default=14)
    args = parser.parse_args(argv)

    from core.settings import get_settings
    from geo import boundaries, hexes
    from geo.police_uk import read_text_rows
    from models import demo_history as dh
    from models.hotspots import ring_weights
    from records.reference import read_harm_weights

    started = time.perf_counter()
    pattern = dh.prepare_pattern(read_text_rows(get_settings().sample_paths))
    lsoas = boundaries.read_lsoas()
    grid = hexes.lsoas_to_grid(lsoas, 9)
    cells = grid["cell"].to_numpy()
    weights = ring_weights(cells, 1)
    harm = read_harm_weights()
    impacts: list[dict[str, object]] = []
    trend_rows: list[dict[str, object]] = []
    forecast: dict[str, list[np.ndarray]] = defaultdict(list)
    emerging_rows: list[dict[str, float]] = []
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        t0 = time.perf_counter()
        history = dh.generate(pattern, dh.DemoParams(seed=seed))
        frame = incident_frame(history)
        found = impact_figures(history, frame, grid, lsoas, harm)
        impacts.extend(found)
        trend_rows.extend(trend_figures(history, frame))
        for key, value in forecast_figures(history, frame, cells, weights).items():
            forecast[key].append(np.asarray(value))
        line = f"seed {seed}: " + "; ".join(
            f"{r['effect']:+.2f} -> {r['estimate']:+.2f}{' in' if r['covered'] else ' OUT'}"
            f"{' found' if r['found'] else ''}{' ' + str(r['wdq']) if r['buffer'] else ''}"
            for r in found
        )
        if seed < args.first_seed + args.emerging_seeds:
            e = emerging_figures(pattern, seed, args.emerging_months, cells, weights)
            emerging_rows.append(e)
            line += f" | emerging {e['emerging']:.2f} intensifying {e['intensifying']:.2f} fading {e['fading']:.2f}"
        print(f"{line} ({time.perf_counter() - t0:.0f} s)", flush=True)
    report(impacts, trend_rows, forecast, emerging_rows, args)
    print(f"total {time.perf_counter() - started:.0f} s")
    return 0


def report(impacts, trend_rows, forecast, emerging_rows, args) -> None:  # type: ignore[no-untyped-def]
    """Print the totals."""
    table = pd.DataFrame(impacts)
    print(f"\n== Impact over {args.seeds} seeds (95 % placebo interval, 20 matched communities)")
    for effect, group in table.groupby("effect", sort=False):
        print(
            f"effect {effect:+.2f}: interval covers the truth {group['covered'].mean():.0%}, "
            f"found (p <= 0.05) {group['found'].mean():.0%}, mean estimate {group['estimate'].mean():+.3f}, "
            f"mean absolute error {(group['estimate'] - effect).abs().mean():.3f}"
        )
    displaced = table[table["buffer"] > 0]
    others = table[(table["buffer"] == 0) & (table["effect"] < 0)]
    print(
        f"WDQ: displacement seen where injected {(displaced['wdq'] == 'displacement').mean():.0%}; "
        f"read as displacement where none was injected {(others['wdq'] == 'displacement').mean():.0%}"
    )
    trend = pd.DataFrame(trend_rows)
    print(
        f"\n== Trends (12 months against the 12 before, {len(trend)} injected trends): sentence direction right "
        f"{trend['direction'].mean():.0%}, 'unlikely to be chance' {trend['significant'].mean():.0%}, "
        f"mean absolute error {(trend['measured'] - trend['expected']).abs().mean():.3f}"
    )
    default, prior, old = (np.vstack(forecast[k]) for k in ("default", "prior", "year_old"))
    print("\n== Forecast ranking (train: month before the last; test: the last), mean hit rate at 1/2/5/10 % of area")
    print(f"default ranking {np.round(default.mean(axis=0), 3)}; prior counts {np.round(prior.mean(axis=0), 3)}")
    print(
        f"default >= prior in {', '.join(f'{x:.0%}' for x in (default >= prior).mean(axis=0))} of seeds at 1/2/5/10 %, "
        f"at every coverage in {np.mean((default >= prior).all(axis=1)):.0%}; "
        f"recent month beats the same month a year earlier at 1 % in {np.mean(default[:, 0] > old[:, 0]):.0%}"
    )
    if emerging_rows:
        e = pd.DataFrame(emerging_rows).mean()
        print(
            f"\n== Emerging hot spots ({len(emerging_rows)} seeds, {args.emerging_months} months): emerging places "
            f"classed new/consecutive {e['emerging']:.0%}, intensifying classed intensifying {e['intensifying']:.0%}, "
            f"fading not hot in the last month {e['fading']:.0%}; other cells classed new/consecutive "
            f"{e['false_emerging']:.2%}, intensifying {e['false_intensifying']:.2%}"
        )


if __name__ == "__main__":
    raise SystemExit(main())
