"""The plan's file builders (CSV, GeoJSON, ICS) and the brief PDF, read back with real parsers."""

from __future__ import annotations

import datetime as dt
import io
import json

import geopandas as gpd
import icalendar
import pandas as pd
from pypdf import PdfReader

from models.targeting import PlanConstraints, make_plan
from tests.unit.models.test_targeting import HARM, LSOAS, THEMES, make_communities, plan_for_tests
from ui import briefs, exports


def test_exports_read_back_with_real_parsers():
    plan = plan_for_tests(flyer_budget=5_000)
    communities = make_communities()

    drops = pd.read_csv(io.BytesIO(exports.drops_csv(plan)), encoding="utf-8-sig")
    assert drops["Flyers to print"].sum() == plan.drops["flyers"].sum()
    sessions = pd.read_csv(io.BytesIO(exports.sessions_csv(plan)), encoding="utf-8-sig")
    assert len(sessions) == len(plan.sessions)

    zones = gpd.read_file(io.BytesIO(exports.drop_zones_geojson(plan, communities, LSOAS)))
    assert zones.crs.to_epsg() == 4326
    assert sorted(zones["lsoa_code"]) == sorted(plan.drops["lsoa_code"])
    assert zones.geometry.is_valid.all() and (zones.to_crs(27700).geometry.area > 0).all()
    assert not {"ocg_id", "alias", "longitude", "latitude"} & set(zones.columns)

    cal = icalendar.Calendar.from_ical(exports.sessions_ics(plan, THEMES))
    events = [c for c in cal.walk("VEVENT")]
    assert len(events) == len(plan.sessions)
    first = events[0]
    assert str(first["dtstart"].dt.tzinfo) == "Europe/London"
    assert first["dtstart"].dt.replace(tzinfo=None) == plan.sessions["start"].iloc[0].to_pydatetime()
    assert "0800 555 111" in str(first["description"])
    assert any(c.name == "VTIMEZONE" for c in cal.walk())

    pdf = PdfReader(io.BytesIO(briefs.brief_pdf(plan, communities, LSOAS, THEMES, contact="Comms team, 01924 000000")))
    chosen = plan.communities[plan.communities["chosen"]]
    assert len(pdf.pages) == len(chosen)
    text = pdf.pages[0].extract_text()
    assert chosen["community_id"].iloc[0] in text
    assert "0800 555 111" in text and "Comms team, 01924 000000" in text
    assert "Flyers to print" in text and "about" in text


def test_text_from_files_is_inert_in_the_calendar_and_pdf():
    communities = make_communities()
    communities.loc[0, "name"] = "<script>alert(1)</script> Street"
    plan = make_plan(
        communities,
        PlanConstraints(flyer_budget=5_000, start=dt.date(2027, 1, 4), end=dt.date(2027, 1, 31)),
        THEMES,
        HARM,
    )
    event = icalendar.Calendar.from_ical(exports.sessions_ics(plan, THEMES)).walk("VEVENT")[0]
    # a calendar is data, not HTML: the text comes back exactly, as text
    assert str(event["summary"]).endswith("<script>alert(1)</script> Street")
    pdf = PdfReader(io.BytesIO(briefs.brief_pdf(plan, communities, LSOAS, THEMES)))
    assert "alert(1)" in pdf.pages[0].extract_text()  # printed as text, never run


def test_exports_carry_the_plan_drop_for_drop():
    # The plan's figures, checked by hand, then every export against the plan (not against
    # another export): HC01 (600 + 400 households) needs 700 + 450 flyers, HC02 and HC03
    # (400 households each) 450 each.
    plan = plan_for_tests(flyer_budget=5_000)
    assert plan.drops[["community_id", "lsoa_code", "households", "flyers"]].values.tolist() == [
        ["HC01", "E01000001", 600, 700],
        ["HC01", "E01000002", 400, 450],
        ["HC02", "E01000003", 400, 450],
        ["HC03", "E01000004", 400, 450],
    ]
    assert plan.communities["flyers"].tolist() == [1_150, 450, 450]
    assert plan.flyers_used == 2_050 and plan.households_covered == 1_800
    expected = plan.drops[["community_id", "lsoa_code", "households", "flyers"]].values.tolist()

    drops = pd.read_csv(io.BytesIO(exports.drops_csv(plan)), encoding="utf-8-sig", dtype={"LSOA": str})
    assert drops[["Community", "LSOA", "Households", "Flyers to print"]].values.tolist() == expected
    assert drops["District"].tolist() == plan.drops["district"].tolist()

    zones = json.loads(exports.drop_zones_geojson(plan, make_communities(), LSOAS))
    props = [f["properties"] for f in zones["features"]]
    assert [[p["community_id"], p["lsoa_code"], p["households"], p["flyers"]] for p in props] == expected

    pdf = PdfReader(io.BytesIO(briefs.brief_pdf(plan, make_communities(), LSOAS, THEMES)))
    pages = [page.extract_text() for page in pdf.pages]
    chosen = plan.communities[plan.communities["chosen"]]
    for text, (cid, flyers) in zip(pages, zip(chosen["community_id"], chosen["flyers"])):
        assert cid in text
        assert f"Plan total: {plan.flyers_used:,} flyers" in text
        assert f"Flyers to print: {flyers:,} " in text
    assert "Drop zones (LSOA 2011: flyers): E01000001: 700, E01000002: 450" in pages[0]


def test_a_drop_zone_without_a_shape_stays_in_the_geojson():
    plan = plan_for_tests(flyer_budget=5_000)
    zones = json.loads(exports.drop_zones_geojson(plan, make_communities(), LSOAS[LSOAS["lsoa_code"] != "E01000004"]))
    assert sum(f["properties"]["flyers"] for f in zones["features"]) == plan.flyers_used
    assert [f["geometry"] for f in zones["features"] if f["properties"]["lsoa_code"] == "E01000004"] == [None]


def test_every_drop_zone_says_its_areas_and_where_its_households_come_from():
    from models.areas import HouseholdsSource

    plan = plan_for_tests(flyer_budget=5_000)
    areas, households = "LSOA 2021", "census 2011 put on the 2021 LSOAs by area size"
    source = HouseholdsSource(areas, households)
    drops = pd.read_csv(io.BytesIO(exports.drops_csv(plan)), encoding="utf-8-sig")
    assert set(drops["LSOA areas"]) == {"LSOA 2011"} and set(drops["Households from"]) == {"census 2011"}
    drops = pd.read_csv(io.BytesIO(exports.drops_csv(plan, source)), encoding="utf-8-sig")
    assert set(drops["LSOA areas"]) == {areas} and set(drops["Households from"]) == {households}
    zones = json.loads(exports.drop_zones_geojson(plan, make_communities(), LSOAS, source))
    assert {(f["properties"]["lsoa_areas"], f["properties"]["households_from"]) for f in zones["features"]} == {
        (areas, households)
    }
    pdf = briefs.brief_pdf(plan, make_communities(), LSOAS, THEMES, "", source)
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
    assert all(f"(households, {households}, plus" in text.replace("\n", " ") for text in pages)
    assert all("Drop zones (LSOA 2021: flyers)" in text for text in pages)
