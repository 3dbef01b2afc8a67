"""The Delivery log, Impact and Public summary pages under AppTest (demo mode and each role)."""

from __future__ import annotations

from pathlib import Path

import h3
import pytest
from streamlit.testing.v1 import AppTest

from records import delivery_log as delivery
from records import ocg_store
from records import outcome_files as outcomes
from security import audit
from tests.app.conftest import signed_in

pytestmark = pytest.mark.app
OCG_WORDS = ("OCG-", "Synthetic group", "ocg_id", "alias", "threat", "principal_criminality", "drugs supply")


def _texts(at: AppTest) -> list[str]:
    parts = [e.value for kind in ("markdown", "caption", "title", "subheader", "error", "warning", "info") for e in
             getattr(at, kind)]  # fmt: skip
    for frame in at.dataframe:
        parts.append(" ".join(map(str, frame.value.columns)))
        parts.append(frame.value.to_csv(index=False))
    return [str(p) for p in parts]


def test_demo_marks_a_planned_session_delivered_and_the_impact_page_lists_it(app_with_sample: AppTest):
    at = app_with_sample.run()
    at.switch_page("pages/delivery.py").run(timeout=300)
    assert not at.exception
    assert at.title[0].value == "Delivery log"
    assert at.radio(key="delivery_mark_kind").value == "facebook_live"
    label = at.selectbox(key="delivery_item").format_func(at.selectbox(key="delivery_item").value)
    at.number_input[0].set_value(42)
    next(b for b in at.button if b.label == "Mark delivered").click().run(timeout=300)
    assert not at.exception, at.exception
    assert any(s.value.startswith("Marked delivered") for s in at.success)
    log = delivery.read_log()
    assert len(log) == 1 and log.loc[0, "kind"] == "facebook_live" and log.loc[0, "live_viewers"] == 42
    assert log.loc[0, "community_name"] in label and log.loc[0, "cells"]
    event = audit.read().iloc[0]
    assert (event["kind"], event["user"], event["role"]) == ("delivery_add", "demo", "comms")  # the ui passes the role
    at.switch_page("pages/impact.py").run(timeout=300)
    assert not at.exception, at.exception
    text = " ".join(_texts(at))
    assert log.loc[0, "community_name"] in text
    assert "too early to say" in text  # the sample has two months, a year apart
    assert "SYNTHETIC DEMONSTRATION DATA" in text  # the demo outcome files, labelled from their content
    # the campaign itself is the demo's own record, and the page says so (from the record's flag)
    assert any("demonstration's own delivery records" in w.value for w in at.warning)
    assert outcomes.load_outcomes().synthetic("crimestoppers")


def test_demo_delivery_log_refuses_a_bad_unplanned_record(app_with_sample: AppTest):
    at = app_with_sample.run()
    at.switch_page("pages/delivery.py").run(timeout=300)
    at.radio(key="delivery_unplanned_kind").set_value("media").run(timeout=300)
    next(b for b in at.button if b.label == "Add delivery").click().run(timeout=300)
    assert not at.exception
    assert any("media piece names the outlet" in e.value for e in at.error)
    assert delivery.read_log().empty


def test_demo_public_summary_is_disclosure_checked_and_labelled(app_with_sample: AppTest):
    at = app_with_sample.run()
    at.switch_page("pages/public_summary.py").run(timeout=300)
    assert not at.exception, at.exception
    text = " ".join(_texts(at))
    assert "SYNTHETIC DEMONSTRATION DATA" in text
    assert not any(word in text for word in OCG_WORDS)
    assert [b.label for b in at.get("download_button")] == ["Summary (PDF)", "Web page (HTML)"]


def test_demo_campaigns_delivered_are_labelled_synthetic_demo_data(app_with_sample: AppTest):
    at = app_with_sample.run()
    at.switch_page("pages/public_summary.py").run(timeout=300)
    assert "Community campaigns delivered" in [h.value for h in at.subheader]  # nothing recorded: no label
    at.switch_page("pages/delivery.py").run(timeout=300)
    next(b for b in at.button if b.label == "Mark delivered").click().run(timeout=300)
    assert not at.exception, at.exception
    assert delivery.synthetic(delivery.read_log())  # the demo visitor's record, flagged as stored
    at.switch_page("pages/public_summary.py").run(timeout=300)
    assert not at.exception, at.exception
    headings = [h.value for h in at.subheader]
    assert "Community campaigns delivered (synthetic demo data)" in headings
    assert "Community campaigns delivered" not in headings
    assert any("the campaigns delivered are the demonstration's own records" in e.value for e in at.error)


@pytest.fixture()
def delivered(secured: Path) -> Path:
    """The secured app with the synthetic outcome and OCG data and one delivered flyer drop."""
    outcomes.ensure_demo()
    ocg_store.ensure_demo()
    cells = [h3.str_to_int(c) for c in h3.grid_disk(h3.latlng_to_cell(53.7967, -1.5470, 9), 1)]
    delivery.add_delivery(
        {"kind": "flyer_drop", "date": "2017-07-10", "community_name": "Leeds centre", "district": "Leeds",
         "lsoa_codes": ["E01033015"], "cells": cells, "resolution": 9, "flyers": 900},
        "silver1",
        "silver",
    )  # fmt: skip
    return secured


def _sign_in(role: str) -> AppTest:
    return signed_in(f"{role}1")


@pytest.mark.parametrize("role", ["silver", "comms", "opcc"])
def test_each_role_opens_impact_and_public_summary(delivered: Path, role: str):
    at = _sign_in(role)
    titles = {p.title for p in at.session_state["pages"].values()}
    assert {"Impact", "Public summary"} <= titles
    assert ("Delivery log" in titles) == (role in ("silver", "comms"))
    at.switch_page("pages/impact.py").run(timeout=300)
    assert not at.exception, at.exception
    impact_text = " ".join(_texts(at))
    assert "Flyer drops in Leeds centre from July 2017: too early to say" in impact_text
    assert not any("demonstration's own delivery records" in w.value for w in at.warning)  # real records
    csv_buttons = [b for b in at.get("download_button") if b.label == "Campaign evaluation (CSV)"]
    # comms sees the public sentences only: no table of figures, no export
    assert bool(csv_buttons) == (role != "comms")
    assert bool(at.dataframe) == (role != "comms")
    at.switch_page("pages/public_summary.py").run(timeout=300)
    assert not at.exception, at.exception
    text = " ".join(_texts(at))
    assert not any(word in text for word in OCG_WORDS)
    assert "Disruptions of organised crime by quarter and level" in text
    # silver, opcc and comms alike see the disruption counts only as public counts
    by_level = next(d.value for d in at.dataframe if "Major" in d.value.columns)
    assert all(str(v).startswith(("fewer than", "about")) for v in by_level.drop(columns="Quarter").to_numpy().ravel())


def test_opcc_uploads_outcomes_on_the_impact_page_and_admin_on_the_data_page(delivered: Path):
    at = _sign_in("opcc")
    at.switch_page("pages/impact.py").run(timeout=300)
    assert any(s.value.startswith("Outcome data") for s in at.subheader)
    at = _sign_in("admin")
    at.switch_page("pages/data.py").run(timeout=300)
    assert not at.exception
    assert any(s.value.startswith("Outcome data") for s in at.subheader)


def test_admin_has_no_impact_pages(delivered: Path):
    at = _sign_in("admin")
    titles = {p.title for p in at.session_state["pages"].values()}
    assert not {"Impact", "Public summary", "Delivery log"} & titles
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/impact.py")
