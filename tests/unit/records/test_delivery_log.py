"""The delivery log: checks, atomic write, audit, the synthetic flag and the demo visitors' own log."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from pathlib import Path

import h3
import pandas as pd
import pytest
from pypdf import PdfReader

from core.errors import RecordError
from core.settings import override_settings
from models import public_summary as ps
from records import delivery_log as delivery
from security import audit
from tests.unit.models.test_public_summary import summary_for_tests
from ui import public_exports

CELLS = [h3.str_to_int(c) for c in h3.grid_disk(h3.latlng_to_cell(53.80, -1.55, 9), 1)]
TODAY = dt.date(2027, 3, 1)


def session_record(**changes) -> dict[str, object]:
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
        delivery.add_delivery(session_record(**changes), "comms1", "comms", today=TODAY)
    assert delivery.read_log().empty
    assert audit.read().empty


def test_a_delivery_is_stored_audited_and_edited(store: Path):
    log = delivery.add_delivery(session_record(planned_item="0123456789ab"), "comms1", "comms", today=TODAY)
    assert len(log) == 1 and log.loc[0, "live_viewers"] == 40
    assert log.loc[0, "cells"] == ";".join(map(str, CELLS))  # the place, not just the id
    assert delivery.read_log().equals(log)
    event = audit.read().iloc[0]
    assert (event["kind"], event["user"], event["role"]) == ("delivery_add", "comms1", "comms")
    with pytest.raises(RecordError, match="already marked delivered"):
        delivery.add_delivery(session_record(planned_item="0123456789ab"), "comms2", "comms", today=TODAY)
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
        delivery.add_delivery(session_record(), "comms1", "", today=TODAY)
    assert delivery.read_log().empty and audit.read().empty
    log = delivery.add_delivery(session_record(), "comms1", "comms", today=TODAY)
    with pytest.raises(ValueError, match="role: 'chief' is not one of"):
        delivery.edit_delivery(log.loc[0, "record_id"], {"later_views": 1}, "comms1", "chief", today=TODAY)
    assert delivery.read_log().equals(log) and audit.read()["role"].tolist() == ["comms"]


def test_a_failing_write_leaves_the_old_log(store: Path, monkeypatch: pytest.MonkeyPatch):
    delivery.add_delivery(session_record(), "comms1", "comms", today=TODAY)
    before = delivery.log_path().read_bytes()

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr("core.files.os.replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        delivery.add_delivery(session_record(date="2027-02-12"), "comms1", "comms", today=TODAY)
    assert delivery.log_path().read_bytes() == before
    assert len(delivery.read_log()) == 1
    assert not [p for p in delivery.log_path().parent.iterdir() if p.name.endswith(".tmp")]
    assert audit.read()["kind"].tolist() == ["delivery_add"]  # the failed write was not audited


def test_a_log_breaking_the_schema_is_refused_on_read(store: Path):
    log = delivery.add_delivery(session_record(), "comms1", "comms", today=TODAY)
    log.loc[0, "district"] = "York"
    log.to_parquet(delivery.log_path(), index=False)
    with pytest.raises(Exception, match="does not match the delivery log's schema"):
        delivery.read_log()


def test_campaigns_from_the_demo_log_are_labelled_synthetic_on_the_page_and_in_the_exports(store: Path):
    real = summary_for_tests()
    assert "Community campaigns delivered" in real.tables()
    assert not any("campaigns delivered are" in n for n in real.notes)
    demo = ps.check_summary(summary_for_tests(demo_log=True))
    heading = "Community campaigns delivered (synthetic demo data)"
    assert list(demo.tables())[2] == heading and demo.tables()[heading] is demo.campaigns
    note = next(n for n in demo.notes if "campaigns delivered" in n)
    assert note.startswith("SYNTHETIC DEMONSTRATION DATA") and "not real deliveries" in note
    page = public_exports.summary_html(demo).decode()
    pdf_text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(public_exports.summary_pdf(demo))).pages)
    for text in (heading, note):
        assert html.escape(text) in page and " ".join(text.split()) in " ".join(pdf_text.split())
    # the flag is the stored records': recorded in the demo mode, read back as synthetic
    delivery.add_delivery(session_record(), "comms1", "comms", today=TODAY)
    assert not delivery.synthetic(delivery.read_log())
    with override_settings(store_dir=store, mode="demo"):
        delivery.add_delivery(session_record(), "demo", "comms", today=TODAY)
        assert delivery.read_log()["synthetic"].tolist() == [True] and delivery.synthetic(delivery.read_log())
    assert not delivery.synthetic(delivery.empty_log())


def test_a_log_stored_before_the_synthetic_flag_gets_it_from_its_file(store: Path):
    delivery.add_delivery(session_record(), "comms1", "comms", today=TODAY)
    old = delivery.read_log().drop(columns="synthetic")
    old.to_parquet(delivery.log_path(), index=False)
    assert delivery.read_log()["synthetic"].tolist() == [False]
    with override_settings(store_dir=store, mode="demo"):
        delivery.log_path().parent.mkdir(parents=True, exist_ok=True)
        old.to_parquet(delivery.log_path(), index=False)
        assert delivery.read_log()["synthetic"].tolist() == [True]  # the demo log held demo records only


def test_demo_visitors_keep_their_own_delivery_log_and_never_see_the_real_one(store: Path):
    delivery.add_delivery(session_record(), "comms1", "comms", today=TODAY)
    real = delivery.read_log()
    with override_settings(store_dir=store, mode="demo"):
        assert delivery.log_path().name == "demo_log.parquet"
        assert delivery.read_log().empty  # the real record (and its staff name) is not shown
        delivery.add_delivery(session_record(date="2027-02-11"), "demo", "comms", today=TODAY)
        assert delivery.read_log()["recorded_by"].tolist() == ["demo"]
    after = delivery.read_log()
    assert after["recorded_by"].tolist() == ["comms1"] and after.equals(real)  # the real log is untouched


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
