"""The OCG store: reading and labelling the files, the demo files, storing and recording disruptions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from cli.ocg import main
from core.errors import InputFileError
from records.ocg_store import DEMO_ACTIVITY, DEMO_REGISTER, load_ocg, validate_files
from tests.conftest import without_marker

ACT_HEADER = "ocg_id,date,longitude,latitude,lsoa_code,activity_type,disruption_level,strand\n"


def test_the_bundled_demo_files_are_valid_and_labelled():
    assert DEMO_REGISTER.read_text().startswith("# SYNTHETIC DEMONSTRATION DATA")
    register, activity, rejects = validate_files(DEMO_REGISTER.read_bytes(), "r", DEMO_ACTIVITY.read_bytes(), "a")
    assert len(register) == 146 and len(activity) > 1000 and rejects.empty
    assert (activity["h3_r9"] != 0).all()


@pytest.mark.parametrize(("reg", "problem"), [(b"", "empty"), (b"a,b\n1,2\n", "columns must be")])
def test_unusable_files_raise_naming_the_file(reg: bytes, problem: str):
    with pytest.raises(InputFileError, match=problem) as info:
        validate_files(reg, "reg.csv", ACT_HEADER.encode(), "act.csv")
    assert info.value.path == "reg.csv"


def test_the_label_is_read_from_the_files_never_assumed(tmp_path: Path, capsys):
    real_reg, real_act = tmp_path / "register.csv", tmp_path / "activity.csv"
    real_reg.write_bytes(without_marker(DEMO_REGISTER))
    real_act.write_bytes(without_marker(DEMO_ACTIVITY))
    register, activity, _ = validate_files(real_reg.read_bytes(), "r", real_act.read_bytes(), "a")
    assert not register["synthetic"].any() and not activity["synthetic"].any()
    register, activity, _ = validate_files(DEMO_REGISTER.read_bytes(), "r", DEMO_ACTIVITY.read_bytes(), "a")
    assert register["synthetic"].all() and activity["synthetic"].all()
    # a load is all synthetic or all real
    with pytest.raises(InputFileError, match="SYNTHETIC DEMONSTRATION DATA") as info:
        validate_files(DEMO_REGISTER.read_bytes(), "r.csv", real_act.read_bytes(), "a.csv")
    assert info.value.path == "a.csv"
    # --synthetic checks the marker; it cannot label real files synthetic
    assert main([str(real_reg), str(real_act), "--synthetic", "--store", str(tmp_path / "s")]) == 2
    assert "--synthetic was given" in capsys.readouterr().err and load_ocg(tmp_path / "s") is None
    assert main([str(real_reg), str(real_act), "--store", str(tmp_path / "s")]) == 0
    assert "labelled from the files: real data" in capsys.readouterr().out
    assert not load_ocg(tmp_path / "s").synthetic


def test_a_store_written_before_rows_were_labelled_counts_as_real(tmp_path: Path):
    import json

    register, activity, _ = validate_files(DEMO_REGISTER.read_bytes(), "r", DEMO_ACTIVITY.read_bytes(), "a")
    folder = tmp_path / "ocg"
    folder.mkdir()
    register.drop(columns="synthetic").to_parquet(folder / "register.parquet")
    activity.drop(columns="synthetic").to_parquet(folder / "activity.parquet")
    (folder / "meta.json").write_text(json.dumps({"synthetic": True, "source": "old"}))  # the old, assumed label
    data = load_ocg(tmp_path)
    assert not data.synthetic and not data.register["synthetic"].any()


def test_a_disruption_is_checked_labelled_as_its_group_and_stored(tmp_path: Path):
    from core.errors import RecordError
    from records.ocg_store import OcgData, ensure_demo, record_disruption

    data = ensure_demo(tmp_path)
    before = {p.name: p.read_bytes() for p in (tmp_path / "ocg").iterdir()}
    with pytest.raises(RecordError, match="lsoa_code"):
        record_disruption(data, "OCG-001", dt.date(2017, 7, 1), "major", "pursue", "not a code", store_dir=tmp_path)
    with pytest.raises(RecordError, match="unknown OCG"):
        record_disruption(data, "OCG-999", dt.date(2017, 7, 1), "major", "pursue", "E01011365", store_dir=tmp_path)
    assert {p.name: p.read_bytes() for p in (tmp_path / "ocg").iterdir()} == before
    after = record_disruption(
        data, "OCG-001", dt.date(2017, 7, 1), "major", "pursue", " e01011365 ", store_dir=tmp_path
    )
    stored = load_ocg(tmp_path)
    assert len(stored.activity) == len(after.activity) == len(data.activity) + 1
    new = stored.activity.iloc[-1]
    assert (
        new["ocg_id"],
        new["date"],
        new["lsoa_code"],
        new["activity_type"],
        new["disruption_level"],
        new["strand"],
    ) == ("OCG-001", "2017-07-01", "E01011365", "disruption", "major", "pursue")
    assert new["synthetic"] and new["h3_r9"] == 0 and stored.synthetic
    # a record of a real group is real
    mixed = OcgData(
        stored.register.assign(synthetic=stored.register["ocg_id"] != "OCG-002"), stored.activity, stored.source
    )
    record_disruption(mixed, "OCG-002", "2017-07-02", "minor", "prevent", "E01011365", store_dir=tmp_path)
    assert not load_ocg(tmp_path).activity.iloc[-1]["synthetic"]


def test_a_real_register_under_the_demo_marker_is_refused(tmp_path: Path):
    lines = DEMO_REGISTER.read_text().splitlines()
    lines[2] = lines[2].replace("Synthetic group 1", "The Real Crew")  # an analyst used the demo file as a template
    with pytest.raises(InputFileError, match="line 3 has alias 'The Real Crew'") as info:
        validate_files("\n".join(lines).encode(), "template.csv", DEMO_ACTIVITY.read_bytes(), "a.csv")
    assert info.value.path == "template.csv"


def test_a_load_with_no_valid_register_row_stores_nothing_and_proves_nothing(tmp_path: Path):
    from records.ocg_schema import ACTIVITY_COLUMNS, REGISTER_COLUMNS
    from records.ocg_store import OcgData, load_files

    store = tmp_path / "store"
    load_files(DEMO_REGISTER.read_bytes(), "r.csv", DEMO_ACTIVITY.read_bytes(), "a.csv", demo=True, store_dir=store)
    before = {p.name: p.read_bytes() for p in (store / "ocg").iterdir()}
    bad_register = (",".join(REGISTER_COLUMNS) + "\nnot-an-id,,x,y,z,9,q\n").encode()  # unmarked, every row bad
    with pytest.raises(InputFileError, match="no valid row"):
        load_files(
            bad_register, "r.csv", (",".join(ACTIVITY_COLUMNS) + "\n").encode(), "a.csv", demo=True, store_dir=store
        )
    assert {p.name: p.read_bytes() for p in (store / "ocg").iterdir()} == before and load_ocg(store).synthetic
    empty = pd.DataFrame({"synthetic": pd.Series([], dtype=bool)})
    assert not OcgData(empty, empty, "nothing").synthetic
