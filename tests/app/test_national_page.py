"""The National picture page under AppTest: each role that may see it, the demo mode, and the
admin who may not; the cross-border toggle of the Hotspot map for silver users only."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from core.settings import Settings
from models import national as nm
from models.national import national_picture
from records.national_table import force_populations, read_force_areas, read_recorded_crime
from tests.app.conftest import signed_in
from ui import charts, exports

pytestmark = pytest.mark.app

PAGE = "pages/national.py"


def _signed_in(role: str) -> AppTest:
    return signed_in(f"{role}1")


def _column_formats(frame) -> dict[str, str]:
    """Column name -> the number format the table is drawn with."""
    config = json.loads(frame.proto.columns)
    return {name: c.get("type_config", {}).get("format") for name, c in config.items() if c.get("type_config")}


def _check_page(at: AppTest) -> None:
    assert not at.exception
    assert at.title[0].value == "National picture"
    bullets = [m.value for m in at.markdown if m.value.startswith("- ")]
    drugs = next(b for b in bullets if b.startswith("- Trafficking in controlled drugs:"))
    assert "per 1,000 residents" in drugs and "of 43 forces" in drugs and "99.8 % limits" in drugs
    assert any("London, City of has 7,375 residents" in i.value for i in at.info)
    # no mid-2017 estimates are loaded: the page says the rates use census 2011 residents, and why
    assert any("Rates for 2017/18 use census 2011 residents" in i.value for i in at.info)
    assert "per 1,000 residents (residents: census 2011)" in at.caption[0].value
    # the page's figures are the export's: the summary table equals the CSV
    table = read_recorded_crime(areas=read_force_areas())
    picture = national_picture(table.rows, force_populations(read_force_areas()), "West Yorkshire", "2017/18")
    shown = at.dataframe[0].value
    exported = pd.read_csv(
        io.BytesIO(exports.national_csv(picture.summary)), encoding="utf-8-sig", keep_default_na=False
    )
    pd.testing.assert_frame_equal(shown.reset_index(drop=True), exported, check_dtype=False)
    assert shown.set_index("Measure").at["All offences", "Offences"] == 265_520
    # counts read 265,520 and rates keep their three decimals, on every national table
    summary_columns = _column_formats(at.dataframe[0])
    assert summary_columns["Offences"] == "localized" and summary_columns["Rank"] == "localized"
    assert summary_columns["Per 1,000 residents"] == summary_columns["Peer group per 1,000"] == "%.3f"
    funnel_columns = _column_formats(at.dataframe[1])
    assert funnel_columns["Residents"] == funnel_columns["Offences"] == "localized"
    assert funnel_columns["Per 1,000 residents"] == "%.3f"
    assert set(_column_formats(at.dataframe[2]).values()) == {"Q%d", "%.3f"}  # quarter (Q1 .. Q4, as the chart), rates
    assert _column_formats(at.dataframe[3])["rate"] == "%.3f"
    # the funnel plot's text alternative holds the 43 forces
    funnel = at.dataframe[1].value
    assert len(funnel) == 43 and "West Yorkshire" in set(funnel["Force"])
    points = charts.funnel_points(
        nm.funnel(picture.rates, "Trafficking in controlled drugs"), "West Yorkshire", picture.peers
    )
    exported = pd.read_csv(io.BytesIO(exports.funnel_csv(points)), encoding="utf-8-sig")
    pd.testing.assert_frame_equal(funnel.reset_index(drop=True), exported, check_dtype=False)
    assert {b.label for b in at.get("download_button")} == {
        "Summary (CSV)",
        "Funnel figures (CSV)",
        "Funnel plot (PNG)",
    }


@pytest.mark.parametrize("role", ["silver", "comms", "opcc"])
def test_the_roles_that_may_see_the_national_picture(secured: Path, role: str):
    at = _signed_in(role)
    at.switch_page(PAGE).run()
    _check_page(at)


def test_the_peer_group_can_be_edited(secured: Path):
    at = _signed_in("opcc")
    at.switch_page(PAGE).run()
    before = next(m.value for m in at.markdown if m.value.startswith("- Robbery:"))
    at.multiselect(key="national_peers_2017/18").set_value(["Metropolitan Police"]).run()
    assert not at.exception
    after = next(m.value for m in at.markdown if m.value.startswith("- Robbery:"))
    s = Settings()
    with open(s.recorded_crime_file, newline="", encoding="utf-8") as fh:
        robberies = sum(
            int(r["Number of Offences"])
            for r in csv.DictReader(fh)
            if r["Force Name"] == "Metropolitan Police" and r["Offence Group"] == "Robbery"
        )
    with open(s.force_areas_file, newline="", encoding="utf-8") as fh:
        residents = sum(int(r["persons"]) for r in csv.DictReader(fh) if r["force"] == "Metropolitan Police")
    assert before != after and f"below the peer group's {robberies / residents * 1000:,.2f}," in after


def test_admin_does_not_see_the_national_picture(secured: Path):
    at = _signed_in("admin")
    assert "National picture" not in {p.title for p in at.session_state["pages"].values()}
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(PAGE)


def test_the_demo_mode_shows_the_national_picture(app_with_sample: AppTest):
    at = app_with_sample.run()
    at.switch_page(PAGE).run()
    _check_page(at)


def test_the_cross_border_toggle_is_for_silver_users_only(secured: Path, tmp_path: Path):
    from geo.ingest import ingest
    from geo.store import Store
    from tests.unit.geo.test_national_store import neighbour_csv

    ingest([neighbour_csv(tmp_path / "in" / "2017-07-south-yorkshire-street.csv")], Store(secured))
    comms = _signed_in("comms")
    comms.switch_page("pages/hotspot_map.py").run()
    assert not comms.exception
    assert not [t for t in comms.toggle if t.label == "Across the county border"]
    silver = _signed_in("silver")
    silver.switch_page("pages/hotspot_map.py").run()
    toggle = next(t for t in silver.toggle if t.label == "Across the county border")
    assert toggle.value is False
    assert not [s for s in silver.subheader if s.value == "Across the county border"]
    toggle.set_value(True).run()
    assert not silver.exception
    assert [s for s in silver.subheader if s.value == "Across the county border"]
    summary = next(m.value for m in silver.markdown if "incidents of neighbouring forces" in m.value)
    assert summary.startswith("**36** incidents of neighbouring forces")  # Barnsley's 34 and 2 inside the county
    by_force = next(d.value for d in silver.dataframe if "Hot spots" in d.value.columns)
    assert by_force["Force"].tolist() == ["South Yorkshire Police"]
    frame = next(d for d in silver.dataframe if "Hot spots" in d.value.columns)
    formats = _column_formats(frame)
    assert formats["Incidents"] == formats["Hexagons"] == formats["Hot spots"] == "localized"  # counts read 1,234


def test_settings_point_at_the_bundled_tables():
    s = Settings()
    assert s.recorded_crime_file.is_file() and s.force_areas_file.is_file()


def test_loaded_mid_year_estimates_are_used_for_their_year_and_named(secured: Path):
    from records.force_populations import read_stored_populations, store_populations
    from tests.unit.records.test_force_populations import bundled_forces_file

    store_populations(bundled_forces_file(2017, 1.25), "mye-2017.csv")
    at = _signed_in("opcc")
    at.switch_page(PAGE).run()
    assert not at.exception
    assert "per 1,000 residents (residents: ONS mid-2017 population estimates)" in at.caption[0].value
    assert not any("use census 2011 residents" in i.value for i in at.info)
    # West Yorkshire's rate is its offences over its mid-2017 residents
    stored = read_stored_populations().set_index("force")["persons"]
    shown = at.dataframe[0].value.set_index("Measure")
    offences = shown.at["All offences", "Offences"]
    assert shown.at["All offences", "Per 1,000 residents"] == pytest.approx(
        offences / stored["West Yorkshire"] * 1000,
        abs=5e-4,  # shown to three decimals
    )
    funnel = at.dataframe[1].value.set_index("Force")
    assert funnel.at["West Yorkshire", "Residents"] == stored["West Yorkshire"]
