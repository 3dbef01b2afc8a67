"""Property tests of the comms plan: over random communities, budgets and packs, every
export adds up to the plan, the plan keeps to its budget and the knapsack is optimal.

Communities are drawn with 1 to 4 LSOAs of random (fractional) households; each export is
read back with a real parser (csv, json, pypdf) and compared with the plan's own figures.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re

import geopandas as gpd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from shapely.geometry import box

from models.targeting import (
    MAX_PACK_SIZE,
    MAX_SPARE_MARGIN,
    PlanConstraints,
    drop_quantities,
    knapsack,
    make_plan,
)
from records.reference import read_harm_weights, read_themes
from ui import briefs, exports

THEMES = read_themes()
HARM = read_harm_weights()

#: Modest runs so the suite stays fast; no example database written into the work tree.
PROPERTY = settings(max_examples=80, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
#: The PDF draws a map per community: fewer examples.
PDF_PROPERTY = settings(max_examples=15, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

DISTRICTS = ("Bradford", "Calderdale", "Kirklees", "Leeds", "Wakefield")


@st.composite
def community_tables(
    draw: st.DrawFn, max_communities: int = 6, max_lsoas: int = 4
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Random ranked communities and the LSOA polygons they cover.

    Community ``i`` is a box; its LSOAs are vertical strips of that box, so every drop zone
    has a shape. Households per LSOA are census shares (one decimal, may be 0).
    """
    n = draw(st.integers(1, max_communities))
    rows, lsoa_codes, lsoa_shapes = [], [], []
    for i in range(n):
        k = draw(st.integers(1, max_lsoas))
        codes = [f"E0{i:03d}{j:04d}" for j in range(k)]
        households = {c: draw(st.floats(0, 2_500, allow_nan=False).map(lambda x: round(x, 1))) for c in codes}
        districts = draw(st.lists(st.sampled_from(DISTRICTS), min_size=1, max_size=2, unique=True))
        harm = draw(st.floats(0.5, 5_000, allow_nan=False))
        share = draw(st.floats(0, 1))
        district_harm = {
            districts[0]: harm * share,
            **({districts[1]: harm * (1 - share)} if len(districts) > 1 else {}),
        }
        x0 = -2.0 + 0.1 * i
        width = 0.08 / k
        for j, code in enumerate(codes):
            lsoa_codes.append(code)
            lsoa_shapes.append(box(x0 + j * width, 53.7, x0 + (j + 1) * width, 53.8))
        rows.append(
            {
                "rank": i + 1,
                "community_id": f"HC{i + 1:02d}",
                "name": f"Street {i + 1} (Leeds {i + 1:03d})",
                "districts": ", ".join(sorted(districts)),
                "harm": harm,
                "households": round(sum(households.values())),
                "incidents": 10,
                "by_type": {"Burglary": 5, "Drugs": 3},
                "streets": [f"Street {i + 1}"],
                "lsoa_households": households,
                "lsoa_streets": {c: [f"Street {i + 1}"] for c in codes},
                "lsoa_districts": {c: districts[j % len(districts)] for j, c in enumerate(codes)},
                "district_harm": district_harm,
                "geometry": box(x0, 53.7, x0 + 0.08, 53.8),
            }
        )
    communities = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    lsoas = gpd.GeoDataFrame({"lsoa_code": lsoa_codes}, geometry=lsoa_shapes, crs="EPSG:4326")
    return communities, lsoas


constraints_strategy = st.builds(
    PlanConstraints,
    flyer_budget=st.integers(0, 40_000),
    spare_margin=st.floats(0, MAX_SPARE_MARGIN),
    pack_size=st.one_of(st.sampled_from([1, 25, 50, 100, 250]), st.integers(1, min(MAX_PACK_SIZE, 2_000))),
    sessions_per_month=st.sampled_from([0, 4]),
)


def _csv_flyers(plan) -> tuple[int, list[list]]:
    """Total flyers of the drop-zone CSV and its rows (community, LSOA, households, flyers)."""
    reader = csv.DictReader(io.StringIO(exports.drops_csv(plan).decode("utf-8-sig")))
    rows = [[r["Community"], r["LSOA"], int(r["Households"]), int(r["Flyers to print"])] for r in reader]
    return sum(r[3] for r in rows), rows


def _geojson_flyers(plan, communities, lsoas) -> tuple[int, list[list]]:
    """Total flyers of the drop-zone GeoJSON and its features' rows."""
    data = json.loads(exports.drop_zones_geojson(plan, communities, lsoas))
    rows = [
        [p["community_id"], p["lsoa_code"], p["households"], p["flyers"]]
        for p in (f["properties"] for f in data["features"])
    ]
    return sum(r[3] for r in rows), rows


@PROPERTY
@given(community_tables(), constraints_strategy)
def test_every_export_adds_up_to_the_plan_within_the_budget(tables, constraints):
    communities, lsoas = tables
    plan = make_plan(communities, constraints, THEMES, HARM)
    plan_rows = plan.drops[["community_id", "lsoa_code", "households", "flyers"]].values.tolist()

    csv_total, csv_rows = _csv_flyers(plan)
    geo_total, geo_rows = _geojson_flyers(plan, communities, lsoas)
    chosen = plan.communities[plan.communities["chosen"]]
    # (a) the exports agree with each other and with the plan, row by row and in total
    assert csv_rows == plan_rows and geo_rows == plan_rows
    assert csv_total == geo_total == plan.flyers_used == briefs.plan_summary(plan)["flyers"]
    assert plan.flyers_used == int(chosen["flyers"].sum())
    assert plan.households_covered == briefs.plan_summary(plan)["households"] == int(chosen["households"].sum())
    # (b) the budget holds
    assert plan.flyers_used <= constraints.flyer_budget
    # each drop zone: whole packs covering its households and the margin, less than a pack over
    for households, flyers in zip(plan.drops["households"], plan.drops["flyers"]):
        assert flyers % constraints.pack_size == 0
        need = households * (1 + constraints.spare_margin)
        assert (flyers == 0) if households == 0 else (need - 1e-6 <= flyers < need + 1 + constraints.pack_size)


@PROPERTY
@given(community_tables(), constraints_strategy)
def test_the_plan_covers_the_most_harm_its_drop_zones_allow(tables, constraints):
    communities, _ = tables
    plan = make_plan(communities, constraints, THEMES, HARM)
    weights = [
        sum(f for _, f in drop_quantities(lh, h, constraints.spare_margin, constraints.pack_size).values())
        for lh, h in zip(communities["lsoa_households"], communities["households"])
    ]
    harms = communities["harm"].tolist()
    best = max(
        sum(harms[i] for i in subset)
        for r in range(len(harms) + 1)
        for subset in itertools.combinations(range(len(harms)), r)
        if sum(weights[i] for i in subset) <= constraints.flyer_budget
    )
    assert plan.harm_covered == pytest.approx(best, rel=1e-9, abs=1e-9)


@PDF_PROPERTY
@given(community_tables(max_communities=4, max_lsoas=3), constraints_strategy)
def test_the_brief_states_the_plan_total(tables, constraints):
    communities, lsoas = tables
    plan = make_plan(communities, constraints, THEMES, HARM)
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(briefs.brief_pdf(plan, communities, lsoas, THEMES))).pages]
    totals = {int(m.replace(",", "")) for text in pages for m in re.findall(r"Plan total: ([\d,]+) flyers", text)}
    assert totals == {plan.flyers_used}
    per_community = [int(m.replace(",", "")) for text in pages for m in re.findall(r"Flyers to print: ([\d,]+) ", text)]
    assert sum(per_community) == plan.flyers_used == _csv_flyers(plan)[0]


@PROPERTY
@given(
    st.lists(st.tuples(st.floats(0, 100, allow_nan=False), st.integers(0, 20)), max_size=8),
    st.integers(0, 80),
)
def test_knapsack_matches_brute_force(items, capacity):
    values = [v for v, _ in items]
    weights = [w for _, w in items]
    chosen = knapsack(values, weights, capacity)
    assert chosen == sorted(set(chosen))
    assert sum(weights[i] for i in chosen) <= capacity
    best = max(
        sum(values[i] for i in subset)
        for r in range(len(items) + 1)
        for subset in itertools.combinations(range(len(items)), r)
        if sum(weights[i] for i in subset) <= capacity
    )
    assert sum(values[i] for i in chosen) == pytest.approx(best, rel=1e-9, abs=1e-9)
