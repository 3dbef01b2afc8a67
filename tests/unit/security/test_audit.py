"""The audit log: append-only kinds, earlier versions' lines, filters in UK time, the
readable table and its CSV."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pandas as pd
import pytest

from security import audit


def _line(time: str, user: str, kind: str, **more: object) -> str:
    return json.dumps({"time": time, "user": user, "role": "silver", "kind": kind, **more})


@pytest.fixture()
def log_file(tmp_path: Path) -> Path:
    """Four hand-made events across the BST -> GMT change, plus an earlier version's line."""
    path = tmp_path / "audit.jsonl"
    lines = [
        json.dumps({"time": "2016-07-01T09:00:00+00:00", "user": "old", "action": "export", "detail": "x.csv"}),
        _line("2026-10-24T22:30:00+00:00", "jo", "sign_in"),  # 23:30 BST, 24 Oct in the UK
        _line("2026-10-24T23:30:00+00:00", "jo", "download_pdf", file="p.pdf"),  # 00:30 BST, 25 Oct
        _line("2026-10-26T12:00:00+00:00", "ann", "download_csv", file="t.csv", rows=12),  # 12:00 GMT
        "{not json",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_each_event_is_one_appended_line_of_a_known_kind(tmp_path: Path):
    path = tmp_path / "audit.jsonl"
    audit.record("sign_in", "jo", role="silver", path=path)
    first = path.read_bytes()
    audit.record(
        "download_csv", "jo", "Trends", {"district": "Leeds"}, role="silver", file_name="t.csv", rows=3, path=path
    )
    assert path.read_bytes().startswith(first)  # appended, the earlier line untouched
    lines = [json.loads(x) for x in path.read_text().splitlines()]
    assert [x["kind"] for x in lines] == ["sign_in", "download_csv"]
    assert lines[1]["seq"] == 2 and lines[1]["prev"] == lines[0]["hash"]  # chained (tests/unit/security)
    assert {k: v for k, v in lines[1].items() if k not in audit.CHAIN_FIELDS} | {"time": ""} == {
        "time": "",
        "user": "jo",
        "role": "silver",
        "kind": "download_csv",
        "what": "Trends",
        "file": "t.csv",
        "rows": 3,
        "context": {"district": "Leeds"},
    }
    log = audit.read(path)
    assert log["kind"].tolist() == ["download_csv", "sign_in"]  # newest first
    assert log["rows"].iloc[0] == 3 and pd.isna(log["rows"].iloc[1])
    for kind in ("delete_everything", "export", "user_added"):  # earlier kinds are never written again
        with pytest.raises(ValueError, match="unknown audit kind"):
            audit.record(kind, "jo", path=path)
    assert len(path.read_text().splitlines()) == 2


def test_downloads_have_a_kind_per_file_type():
    assert audit.download_kind("a.CSV") == "download_csv"
    assert audit.download_kind("precision_profile_leeds.pdf") == "download_pdf"
    assert audit.download_kind("x.png") == "download_png"
    assert audit.download_kind("x.ics") == "download_ics"
    assert audit.download_kind("zones.geojson") == "download_geojson"
    assert set(audit.DOWNLOAD_KINDS.values()) <= set(audit.KINDS)
    with pytest.raises(ValueError, match="no audit kind"):
        audit.download_kind("secrets.xlsx")


def test_earlier_and_unreadable_lines_are_read_as_they_are(log_file: Path):
    log = audit.read(log_file)
    assert list(log.columns) == list(audit.COLUMNS)
    assert log["kind"].tolist() == ["unreadable", "download_csv", "download_pdf", "sign_in", "export"]
    old = log.iloc[-1]
    assert (old["user"], old["what"], old["role"]) == ("old", "x.csv", "")
    assert pd.isna(log["time"].iloc[0]) and log["what"].iloc[0] == "{not json"
    assert audit.kinds_in(log)[: len(audit.KINDS)] == list(audit.KINDS)
    assert audit.kinds_in(log)[len(audit.KINDS) :] == ["export", "unreadable"]


def test_filters_by_user_kind_and_uk_dates(log_file: Path):
    log = audit.read(log_file)
    assert audit.filter_events(log).equals(log)
    assert audit.filter_events(log, users=["jo"])["kind"].tolist() == ["download_pdf", "sign_in"]
    assert audit.filter_events(log, kinds=["download_csv", "download_pdf"])["user"].tolist() == ["ann", "jo"]
    # 23:30 UTC on 24 October 2026 is 00:30 BST on the 25th: a UK day, not a UTC one
    day = audit.filter_events(log, start=dt.date(2026, 10, 25), end=dt.date(2026, 10, 25))
    assert day["kind"].tolist() == ["download_pdf"]
    assert audit.filter_events(log, start=dt.date(2026, 10, 25))["kind"].tolist() == ["download_csv", "download_pdf"]
    assert audit.filter_events(log, end=dt.date(2026, 10, 24))["kind"].tolist() == ["sign_in", "export"]
    both = audit.filter_events(log, users=["jo"], kinds=["sign_in"], start=dt.date(2026, 10, 24))
    assert both["kind"].tolist() == ["sign_in"]
    assert audit.filter_events(log, users=["nobody"]).empty


def test_date_picker_values_become_a_range():
    d1, d2 = dt.date(2026, 10, 1), dt.date(2026, 10, 9)
    assert audit.date_range(None) == audit.date_range(()) == (None, None)
    assert audit.date_range(d1) == audit.date_range((d1,)) == (d1, d1)
    assert audit.date_range((d2, d1)) == (d1, d2)


def test_the_readable_table_and_its_csv_agree(log_file: Path):
    log = audit.read(log_file)
    table = audit.readable(log)
    assert list(table.columns) == list(audit.READABLE_COLUMNS)
    assert table["Time (UK)"].tolist() == [
        "",
        "2026-10-26 12:00:00 GMT",
        "2026-10-25 00:30:00 BST",
        "2026-10-24 23:30:00 BST",
        "2016-07-01 10:00:00 BST",
    ]
    assert table["Kind"].tolist() == [
        "Unreadable line",
        "Downloaded CSV",
        "Downloaded PDF",
        "Signed in",
        "Export (earlier version)",
    ]
    assert table["File"].tolist()[1:3] == ["t.csv", "p.pdf"] and table["Rows"].iloc[1] == "12"
    # a field that does not apply is blank, never "None"
    assert table["Rows"].tolist()[2:] == ["", "", ""]
    assert not table.isna().any().any() and "None" not in set(table.to_numpy().ravel())
    content = audit.csv_bytes(log)
    assert content.startswith("\ufeff".encode())
    back = pd.read_csv(io.BytesIO(content), encoding="utf-8-sig", keep_default_na=False, dtype=str)
    expected = table.astype(object).fillna("").astype(str)
    pd.testing.assert_frame_equal(back, expected, check_dtype=False)
