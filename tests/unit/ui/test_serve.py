"""ui.serve: what is done before the server accepts anyone, in order, and a failing step
does not stop the server from starting."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import StoreError
from core.settings import override_settings
from ui import serve


def test_kernels_then_first_start_then_analyses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    done: list[str] = []
    monkeypatch.setattr(serve.hotspots, "warm_up", lambda: done.append("kernels"))
    monkeypatch.setattr(
        serve.analyses, "precompute_store", lambda store, settings, sources=None: done.append("analyses") or []
    )
    monkeypatch.setattr(serve, "ingest", lambda paths, store, settings: done.append("ingest") or _Summary())
    with override_settings(store_dir=tmp_path / "store"):
        serve.prepare()
    assert done == ["kernels", "ingest", "analyses"]
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("precision: compiling the Gi* kernels: ")
    assert "first start: 12 incidents of 2017-07" in lines[1]
    assert lines[2].startswith("precision: the shared incident frame: ")
    assert lines[3].endswith("(kept already)")


def test_a_failing_step_is_reported_and_the_rest_still_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    def broken(store, settings, sources=None):
        raise StoreError("store folder: another ingest is writing to this store")

    monkeypatch.setattr(serve.hotspots, "warm_up", lambda: None)
    monkeypatch.setattr(serve.analyses, "precompute_store", broken)
    monkeypatch.setattr(serve, "ingest", lambda paths, store, settings: _Summary())
    with override_settings(store_dir=tmp_path / "store"):
        serve.prepare()
    out = capsys.readouterr().out
    assert "the default analyses: failed (store folder: another ingest is writing" in out
    assert "the app will do it when first asked" in out


class _Summary:
    stored = 12
    months = ("2017-07",)


def test_the_shared_incident_frame_is_read_before_the_first_session(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    import streamlit as st

    from geo.ingest import ingest
    from geo.store import Store
    from services import analyses
    from tests.conftest import street_csv, street_row
    from ui import cache

    reads: list[int] = []
    read = analyses.read_incidents
    monkeypatch.setattr(analyses, "read_incidents", lambda store: reads.append(1) or read(store))
    monkeypatch.setattr(serve.hotspots, "warm_up", lambda: None)
    monkeypatch.setattr(serve.analyses, "precompute_store", lambda store, settings, sources=None: [])
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "2017-07-west-yorkshire-street.csv").write_bytes(
        street_csv([street_row(), street_row(crime_type="Drugs")])
    )
    st.cache_resource.clear()
    with override_settings(store_dir=tmp_path / "store"):
        ingest([tmp_path / "in"], Store(tmp_path / "store"))
        serve.prepare()
        assert "precision: the shared incident frame: " in capsys.readouterr().out and reads == [1]
        token = cache.with_census(Store(tmp_path / "store").token())  # what a session passes
        assert len(cache.incidents(token)) == 2 and reads == [1]  # the first session reads nothing
    st.cache_resource.clear()
