"""Delivery log (checks, atomic write, audit), plan items, outcome files and comparisons,
and the public summary's disclosure and exports."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from pathlib import Path

import h3
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from pypdf import PdfReader

from core.errors import DisclosureError, InputFileError, RecordError
from core.settings import override_settings
from models import delivery as delivery_model
from models import outcomes as outcome_model
from models import public_summary as ps
from models.outcomes_synthetic import make_crimestoppers, make_survey, to_csv
from records import delivery_log as delivery
from records import outcome_files as outcomes
from security import audit
from tests.unit.test_targeting import _communities, _plan
from ui import public_exports

CELLS = [h3.str_to_int(c) for c in h3.grid_disk(h3.latlng_to_cell(53.80, -1.55, 9), 1)]
TODAY = dt.date(2027, 3, 1)


def _session(**changes) -> dict[str, object]:
    record: dict[str, object] = {
        "kind": "facebook_live",
        "date": "2027-02-10",
        "community_id": "HC03",
        "community_name": "Westgate (Wakefield 017)",
        "district": "Wakefield",
        "lsoa_codes": ["E01000004"],
        "cells": CELLS,
        "resolution": 9,
        "live_viewers": 40,
        "later_views": 300,
        "comments": 12,
    }
    return {**record, **changes}


@pytest.fixture()
def store(tmp_path: Path):
    with override_settings(store_dir=tmp_path / "store"):
        yield tmp_path / "store"


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"kind": "leaflet"}, "kind: 'leaflet' is not one of"),
        ({"date": "2027-02-30"}, "date: '2027-02-30' is not a real date"),
        ({"date": "2027-03-02"}, "is in the future"),
        ({"district": "York"}, "district: 'York' is not one of"),
        ({"lsoa_codes": ["E0100004"]}, "'E0100004' is not an LSOA code"),
        ({"live_viewers": -1}, "live_viewers: -1 must be a whole number"),
        ({"comments": "lots"}, "comments: 'lots' is not a number"),
        ({"flyers": 10}, "flyers: not recorded for a Facebook Live session"),
        ({"cells": [], "community_name": ""}, "must name the community"),
        ({"cells": [h3.str_to_int(h3.latlng_to_cell(53.8, -1.55, 8))]}, "cells: must all be of resolution 9"),
        ({"kind": "flyer_drop", "live_viewers": 0, "later_views": 0, "comments": 0}, "delivered at least one flyer"),
        ({"kind": "media", "live_viewers": 0, "later_views": 0, "comments": 0}, "names the outlet"),
    ],
)
def test_a_bad_delivery_is_refused_with_its_reason(store: Path, changes: dict, reason: str):
    with pytest.raises(RecordError, match=re.escape(reason)):
        delivery.add_delivery(_session(**changes), "comms1", "comms", today=TODAY)
    assert delivery.read_log().empty
    assert audit.read().empty


def test_a_delivery_is_stored_audited_and_edited(store: Path):
    log = delivery.add_delivery(_session(planned_item="0123456789ab"), "comms1", "comms", today=TODAY)
    assert len(log) == 1 and log.loc[0, "live_viewers"] == 40
    assert log.loc[0, "cells"] == ";".join(map(str, CELLS))  # the place, not just the id
    assert delivery.read_log().equals(log)
    event = audit.read().iloc[0]
    assert (event["kind"], event["user"], event["role"]) == ("delivery_add", "comms1", "comms")
    with pytest.raises(RecordError, match="already marked delivered"):
        delivery.add_delivery(_session(planned_item="0123456789ab"), "comms2", "comms", today=TODAY)
    record_id = log.loc[0, "record_id"]
    edited = delivery.edit_delivery(record_id, {"later_views": 500}, "silver1", "silver", today=TODAY)
    assert edited.loc[0, "later_views"] == 500 and edited.loc[0, "edited_by"] == "silver1"
    event = audit.read().iloc[0]
    assert event["kind"] == "delivery_edit" and "300 -> 500" in event["context"]
    assert (event["user"], event["role"]) == ("silver1", "silver")
    with pytest.raises(RecordError, match="not a number"):
        delivery.edit_delivery(record_id, {"comments": "x"}, "silver1", "silver", today=TODAY)
    with pytest.raises(RecordError, match="no delivery"):
        delivery.edit_delivery("ffffffffffff", {}, "silver1", "silver", today=TODAY)
    media = delivery.add_delivery(
        {"kind": "media", "date": "2027-02-11", "district": "Leeds", "outlet": "YEP", "title": "Drop", "spoc": "A B"},
        "comms1",
        "comms",
        today=TODAY,
    )
    assert len(media) == 2 and media.loc[1, "cells"] == ""


def test_a_delivery_change_without_a_role_is_refused_before_anything_is_written(store: Path):
    with pytest.raises(ValueError, match="role: '' is not one of"):
        delivery.add_delivery(_session(), "comms1", "", today=TODAY)
    assert delivery.read_log().empty and audit.read().empty
    log = delivery.add_delivery(_session(), "comms1", "comms", today=TODAY)
    with pytest.raises(ValueError, match="role: 'chief' is not one of"):
        delivery.edit_delivery(log.loc[0, "record_id"], {"later_views": 1}, "comms1", "chief", today=TODAY)
    assert delivery.read_log().equals(log) and audit.read()["role"].tolist() == ["comms"]


def test_a_failing_write_leaves_the_old_log(store: Path, monkeypatch: pytest.MonkeyPatch):
    delivery.add_delivery(_session(), "comms1", "comms", today=TODAY)
    before = delivery.log_path().read_bytes()

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr("geo.store.os.replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        delivery.add_delivery(_session(date="2027-02-12"), "comms1", "comms", today=TODAY)
    assert delivery.log_path().read_bytes() == before
    assert len(delivery.read_log()) == 1
    assert not [p for p in delivery.log_path().parent.iterdir() if p.name.endswith(".tmp")]
    assert audit.read()["kind"].tolist() == ["delivery_add"]  # the failed write was not audited


def test_a_log_breaking_the_schema_is_refused_on_read(store: Path):
    log = delivery.add_delivery(_session(), "comms1", "comms", today=TODAY)
    log.loc[0, "district"] = "York"
    log.to_parquet(delivery.log_path(), index=False)
    with pytest.raises(Exception, match="does not match the delivery log's schema"):
        delivery.read_log()


def test_plan_items_carry_the_place_and_are_matched_to_deliveries():
    plan = _plan()
    communities = _communities().assign(cells=[CELLS, CELLS[:2], CELLS[2:4]])
    items = delivery_model.plan_items(plan, communities, 9)
    drops = items[items["kind"] == "flyer_drop"]
    assert set(drops["community_id"]) == set(plan.communities.loc[plan.communities["chosen"], "community_id"])
    assert drops["planned_flyers"].sum() == plan.flyers_used
    assert (items["kind"] == "facebook_live").sum() == len(plan.sessions)
    assert items["item_id"].is_unique
    first = items.iloc[0]
    # ids follow the place and date, not the community id
    assert (
        delivery_model.item_id(first["kind"], [int(c) for c in first["cells"].split(";")], first["planned_date"])
        == (first["item_id"])
    )
    log = pd.DataFrame({"planned_item": [first["item_id"], ""], "date": ["2027-01-05", "2027-01-06"]})
    status = delivery_model.with_status(items, log)
    assert status["delivered"].tolist() == [True] + [False] * (len(items) - 1)


def test_campaigns_group_deliveries_by_place(store: Path):
    delivery.add_delivery(_session(date="2027-02-10"), "c", "comms", today=TODAY)
    delivery.add_delivery(
        _session(kind="flyer_drop", date="2027-01-20", live_viewers=0, later_views=0, comments=0, flyers=500),
        "c",
        "comms",
        today=TODAY,
    )
    delivery.add_delivery(
        _session(date="2027-02-20", cells=CELLS[:1], community_name="Elsewhere"), "c", "comms", today=TODAY
    )
    found = delivery_model.campaigns(delivery.read_log())
    assert found["community_name"].tolist() == ["Westgate (Wakefield 017)", "Elsewhere"]
    first = found.iloc[0]
    assert (first["start_month"], first["what"], first["flyers"], first["deliveries"]) == (
        "2027-01",
        "flyer drops and Facebook Live sessions",
        500,
        2,
    )


# ---------------------------------------------------------------- outcome files
def test_outcome_files_name_the_file_line_and_reason():
    text = b"district,month,reports\nLeeds,2017-01,30\nLeeds,2017-13,4\nYork,2017-02,5\n"
    with pytest.raises(InputFileError) as err:
        outcomes.read_outcome_file(text, "cs.csv", "crimestoppers")
    assert str(err.value) == (
        "cs.csv: line 3: month must be a month YYYY-MM (found '2017-13') (1 more bad line(s)). Nothing was stored"
    )
    survey = b"# a comment\ndistrict,quarter,respondents,confident\nLeeds,2017-Q1,100,120\n"
    with pytest.raises(InputFileError, match=r"survey.csv: line 3: confident \(120\) is more than respondents"):
        outcomes.read_outcome_file(survey, "survey.csv", "survey")
    repeat = b"district,month,reports\nLeeds,2017-01,30\nLeeds,2017-01,31\n"
    with pytest.raises(InputFileError, match="line 3: district and month repeat an earlier line"):
        outcomes.read_outcome_file(repeat, "r.csv", "crimestoppers")
    with pytest.raises(InputFileError, match="columns must be district, month, reports"):
        outcomes.read_outcome_file(b"district,month\nLeeds,2017-01\n", "c.csv", "crimestoppers")
    with pytest.raises(InputFileError, match="does not name a generator"):
        outcomes.read_outcome_file(b"# SYNTHETIC DEMONSTRATION DATA\n" + text.split(b"\n", 1)[1][:0] +
                                   b"district,month,reports\nLeeds,2017-01,30\n", "c.csv", "crimestoppers")  # fmt: skip


def test_outcome_loads_are_atomic_labelled_and_refused_when_real_in_demo(store: Path):
    demo = outcomes.ensure_demo()
    assert demo.synthetic("crimestoppers") and demo.synthetic("survey")
    before = outcomes.load_outcomes().crimestoppers
    real = b"district,month,reports\nLeeds,2017-01,30\n"
    with pytest.raises(InputFileError, match="real data cannot be loaded while the app runs in demo mode"):
        outcomes.load_outcome_file(real, "real.csv", "crimestoppers", demo=True)
    with pytest.raises(InputFileError, match="line 2"):
        outcomes.load_outcome_file(b"district,month,reports\nLeeds,x,1\n", "bad.csv", "crimestoppers", demo=False)
    assert outcomes.load_outcomes().crimestoppers.equals(before)  # nothing stored is lost
    stored = outcomes.load_outcome_file(real, "real.csv", "crimestoppers", demo=False)
    assert not stored["synthetic"].any()
    now = outcomes.load_outcomes()
    assert not now.synthetic("crimestoppers") and now.synthetic("survey")
    assert now.sources["crimestoppers"] == "real.csv"


def test_the_bundled_demo_files_are_the_generators_output():
    for kind, frame in (("crimestoppers", make_crimestoppers(2017)), ("survey", make_survey(2017))):
        assert outcomes.DEMO_FILES[kind].read_text(encoding="utf-8") == to_csv(frame, 2017)


def test_crimestoppers_and_survey_comparisons():
    months = [f"2017-{m:02d}" for m in range(1, 13)]
    rows = []
    for d in ("Leeds", "Bradford", "Wakefield"):
        for m in months:
            rows.append({"district": d, "month": m, "reports": 100 if (d == "Leeds" and m > "2017-06") else 50})
    reports = pd.DataFrame(rows).assign(synthetic=False)
    result = outcome_model.crimestoppers_comparison(reports, ["Leeds"], "2017-06")
    assert (result.periods_before, result.periods_after) == (5, 6)
    assert_allclose([result.campaign_before, result.campaign_after, result.rest_before], [50, 100, 100])
    assert_allclose(result.difference, 1.0)  # doubled against no change
    assert result.p_value < 0.001 and result.low < 1.0 < result.high
    assert "a rise of 100 %" in result.sentence and "unlikely to be chance" in result.sentence
    early = outcome_model.crimestoppers_comparison(reports, ["Leeds"], "2017-11")
    assert np.isnan(early.difference) and "2 more month(s) after are needed" in early.sentence
    survey = pd.DataFrame(
        {
            "district": ["Leeds", "Leeds", "Leeds", "Bradford", "Bradford", "Bradford"],
            "quarter": ["2017-Q1", "2017-Q2", "2017-Q4"] * 2,
            "respondents": [100] * 6,
            "confident": [60, 60, 70, 60, 60, 60],
            "synthetic": True,
        }
    )
    s = outcome_model.survey_comparison(survey, ["Leeds"], "2017-08")
    assert_allclose(s.difference, 0.10)
    assert_allclose(s.high - s.difference, 1.959964 * np.sqrt(0.6 * 0.4 / 200 * 2 + 0.7 * 0.3 / 100 + 0.6 * 0.4 / 100))
    assert s.synthetic and "could be chance" in s.sentence


# ---------------------------------------------------------------- public summary
def _summary(disruptions: int = 23, flyers: int = 4, demo_log: bool = False) -> ps.PublicSummary:
    quarterly = pd.DataFrame(
        {"quarter": ["2017-Q1"], "pursue major": [disruptions - 3], "prevent minor": [3], "total": [disruptions]}
    )
    log = pd.DataFrame(
        {"date": ["2017-02-01", "2017-02-10"], "kind": ["flyer_drop", "facebook_live"], "flyers": [flyers, 0],
         "synthetic": [demo_log] * 2}
    )  # fmt: skip
    cs = pd.DataFrame({"district": ["Leeds"] * 3, "month": ["2017-01", "2017-02", "2017-04"],
                       "reports": [40, 43, 7], "synthetic": [True] * 3})  # fmt: skip
    return ps.public_summary(quarterly, True, log, cs, dt.date(2017, 5, 1))


def test_public_summary_passes_disclosure_and_hides_small_counts():
    summary = ps.check_summary(_summary())
    level = summary.disruptions_by_level.iloc[0].to_dict()
    assert level == {"Quarter": "2017-Q1", "Major": "about 20", "Moderate": "fewer than 10",
                     "Minor": "fewer than 10", "All": "about 25"}  # fmt: skip
    assert summary.campaigns.iloc[0]["Flyers delivered"] == "fewer than 10"
    assert summary.crimestoppers["Reports"].tolist() == ["about 85", "fewer than 10"]
    assert summary.crimestoppers["value"].tolist()[0] == 85
    assert summary.notes[0].startswith("SYNTHETIC DEMONSTRATION DATA")
    broken = ps.PublicSummary(
        summary.title, summary.made, summary.disruptions_by_level.assign(Major="7"), summary.disruptions_by_strand,
        summary.campaigns, summary.crimestoppers, summary.notes,
    )  # fmt: skip
    with pytest.raises(DisclosureError, match="not a public count"):
        ps.check_summary(broken)
    with pytest.raises(DisclosureError):
        ps.check_summary(ps.PublicSummary(summary.title, "OCG-001 was disrupted", *list(vars(summary).values())[2:]))


def test_campaigns_from_the_demo_log_are_labelled_synthetic_on_the_page_and_in_the_exports(store: Path):
    real = _summary()
    assert "Community campaigns delivered" in real.tables()
    assert not any("campaigns delivered are" in n for n in real.notes)
    demo = ps.check_summary(_summary(demo_log=True))
    heading = "Community campaigns delivered (synthetic demo data)"
    assert list(demo.tables())[2] == heading and demo.tables()[heading] is demo.campaigns
    note = next(n for n in demo.notes if "campaigns delivered" in n)
    assert note.startswith("SYNTHETIC DEMONSTRATION DATA") and "not real deliveries" in note
    page = public_exports.summary_html(demo).decode()
    pdf_text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(public_exports.summary_pdf(demo))).pages)
    for text in (heading, note):
        assert html.escape(text) in page and " ".join(text.split()) in " ".join(pdf_text.split())
    # the flag is the stored records': recorded in the demo mode, read back as synthetic
    delivery.add_delivery(_session(), "comms1", "comms", today=TODAY)
    assert not delivery.synthetic(delivery.read_log())
    with override_settings(store_dir=store, mode="demo"):
        delivery.add_delivery(_session(), "demo", "comms", today=TODAY)
        assert delivery.read_log()["synthetic"].tolist() == [True] and delivery.synthetic(delivery.read_log())
    assert not delivery.synthetic(delivery.empty_log())


def test_a_log_stored_before_the_synthetic_flag_gets_it_from_its_file(store: Path):
    delivery.add_delivery(_session(), "comms1", "comms", today=TODAY)
    old = delivery.read_log().drop(columns="synthetic")
    old.to_parquet(delivery.log_path(), index=False)
    assert delivery.read_log()["synthetic"].tolist() == [False]
    with override_settings(store_dir=store, mode="demo"):
        delivery.log_path().parent.mkdir(parents=True, exist_ok=True)
        old.to_parquet(delivery.log_path(), index=False)
        assert delivery.read_log()["synthetic"].tolist() == [True]  # the demo log held demo records only


def test_public_summary_html_is_self_contained_and_agrees_with_the_pdf():
    summary = _summary()
    page = public_exports.summary_html(summary).decode()
    assert "<script" not in page.lower()
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", page)
    assert not re.search(r"url\(", page)
    assert "<svg" in page and "SYNTHETIC DEMONSTRATION DATA" in page
    pdf_text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(public_exports.summary_pdf(summary))).pages)
    for table in summary.tables().values():
        for value in table.astype(str).to_numpy().ravel():
            assert value in page
            assert value in pdf_text
    for heading in summary.tables():
        assert heading in page and heading in pdf_text


def test_demo_visitors_keep_their_own_delivery_log_and_never_see_the_real_one(store: Path):
    delivery.add_delivery(_session(), "comms1", "comms", today=TODAY)
    real = delivery.read_log()
    with override_settings(store_dir=store, mode="demo"):
        assert delivery.log_path().name == "demo_log.parquet"
        assert delivery.read_log().empty  # the real record (and its staff name) is not shown
        delivery.add_delivery(_session(date="2027-02-11"), "demo", "comms", today=TODAY)
        assert delivery.read_log()["recorded_by"].tolist() == ["demo"]
    after = delivery.read_log()
    assert after["recorded_by"].tolist() == ["comms1"] and after.equals(real)  # the real log is untouched


def test_the_demonstration_historys_outcome_files_are_synthetic_and_others_are_refused(tmp_path):
    from models.demo_history import outcome_csv

    frame = pd.DataFrame({"district": ["Leeds"], "month": ["2017-01"], "reports": [30]})
    stored = outcomes.store_demo_file("crimestoppers", outcome_csv(frame, 7), "h.csv", tmp_path)
    assert stored["synthetic"].all() and outcomes.load_outcomes(tmp_path).synthetic("crimestoppers")
    with pytest.raises(InputFileError, match="no '# SYNTHETIC DEMONSTRATION DATA' first line"):
        outcomes.store_demo_file(
            "survey", b"district,quarter,respondents,confident\nLeeds,2017-Q1,300,200\n", "s.csv", tmp_path
        )
    assert not outcomes.load_outcomes(tmp_path).loaded("survey")


def test_seeding_the_demo_log_needs_synthetic_records_and_never_replaces_a_log(tmp_path):
    from core.errors import StoreError

    record = {c: "" for c in delivery.LOG_COLUMNS}
    record.update(
        record_id="0123456789ab", kind="flyer_drop", date="2016-02-10", district="Leeds", resolution=9,
        flyers=100, live_viewers=0, later_views=0, comments=0, recorded_by="demo", synthetic=True,
    )  # fmt: skip
    records = pd.DataFrame([record]).astype(
        {c: "int64" for c in ("resolution", "flyers", "live_viewers", "later_views", "comments")}
    )
    with pytest.raises(StoreError, match="flagged synthetic"):
        delivery.seed_demo_log(records.assign(synthetic=False), tmp_path)
    assert delivery.seed_demo_log(records, tmp_path)
    assert not delivery.seed_demo_log(records.assign(record_id="ba9876543210"), tmp_path)
    assert delivery.read_log(tmp_path)["record_id"].tolist() == ["0123456789ab"]
