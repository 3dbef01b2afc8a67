"""OCG schema checks, the synthetic generator, overlap with communities, the quarterly return."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from cli.ocg import main
from core.errors import InputFileError
from models.ocg import (
    by_district_and_criminality,
    counts_by_criminality,
    ocgs_in_cells,
    quarterly_return,
)
from models.ocg_synthetic import CROSS_BORDER, SPLIT, make_activity, make_register
from records.ocg_store import DEMO_ACTIVITY, DEMO_REGISTER, load_ocg, validate_files
from tests.conftest import without_marker

REG_HEADER = "ocg_id,alias,principal_criminality,home_district,cross_border,threat_tier,status\n"
ACT_HEADER = "ocg_id,date,longitude,latitude,lsoa_code,activity_type,disruption_level,strand\n"


def test_generator_matches_the_strategy_and_is_seeded():
    reg = make_register(7)
    assert len(reg) == 146
    assert reg["principal_criminality"].value_counts().to_dict() == SPLIT
    assert (reg["cross_border"] == "yes").sum() == CROSS_BORDER == 40
    assert make_register(7).equals(reg) and not make_register(8).equals(reg)
    table = by_district_and_criminality(reg)
    assert table.loc["Total", "Total"] == 146 and table.loc["drugs supply", "Total"] == 69


def test_activity_is_placed_at_related_real_incidents():
    incidents = pd.DataFrame(
        {
            "crime_type": ["Drugs", "Burglary", "Violence and sexual offences"] * 10,
            "district": ["Leeds"] * 30,
            "longitude": [-1.50, -1.60, -1.70] * 10,
            "latitude": [53.80, 53.81, 53.82] * 10,
            "lsoa_code": ["E01000001", "E01000002", "E01000003"] * 10,
        }
    )
    reg = make_register(1)
    act = make_activity(reg, incidents, 1, dt.date(2017, 1, 1), months=12)
    crim = act.merge(reg, on="ocg_id")["principal_criminality"]
    drugs = act[crim.isin(["drugs supply", "county lines"]).to_numpy()]
    assert set(drugs["longitude"]) == {-1.50}
    acquisitive = act[(crim == "organised acquisitive crime").to_numpy()]
    assert set(acquisitive["longitude"]) == {-1.60}
    assert act["date"].between("2017-01-01", "2017-12-31").all()
    assert ((act["activity_type"] == "disruption") == (act["disruption_level"] != "")).all()


def test_the_bundled_demo_files_are_valid_and_labelled():
    assert DEMO_REGISTER.read_text().startswith("# SYNTHETIC DEMONSTRATION DATA")
    register, activity, rejects = validate_files(DEMO_REGISTER.read_bytes(), "r", DEMO_ACTIVITY.read_bytes(), "a")
    assert len(register) == 146 and len(activity) > 1000 and rejects.empty
    assert (activity["h3_r9"] != 0).all()


def test_every_bad_row_is_reported_with_file_line_and_reason():
    reg = (
        REG_HEADER
        + "\n".join(
            [
                "OCG-001,,drugs supply,Leeds,yes,1,active",
                "OCG-001,,drugs supply,Leeds,no,2,active",  # repeated id
                "BAD,,drugs supply,Leeds,no,2,active",  # malformed id
                "OCG-003,,jaywalking,Leeds,no,2,active",  # unknown criminality
                "OCG-004,,firearms,York,no,2,active",  # not a West Yorkshire district
                "OCG-005,,firearms,Leeds,no,7,active",  # tier out of range
            ]
        )
        + "\n"
    )
    act = (
        "# a comment line\n"
        + ACT_HEADER
        + "\n".join(
            [
                "OCG-001,2017-07-01,-1.5,53.8,,arrest,,pursue",
                "OCG-999,2017-07-01,-1.5,53.8,,arrest,,pursue",  # unknown OCG
                "OCG-001,2017-02-30,-1.5,53.8,,arrest,,pursue",  # no such date
                "OCG-001,2017-07-01,,,,arrest,,pursue",  # no location
                "OCG-001,2017-07-01,,,E01011365,disruption,,pursue",  # disruption without level
                "OCG-001,2017-07-01,-1.5,53.8,,arrest,major,pursue",  # level on a non-disruption
                "OCG-001,2017-07-01,0.0,0.0,,arrest,,pursue",  # outside the force area
                "OCG-001,2017-07-01,,,E01011365,disruption,major,prevent",
            ]
        )
        + "\n"
    )
    register, activity, rejects = validate_files(reg.encode(), "reg.csv", act.encode(), "act.csv")
    assert register["ocg_id"].tolist() == ["OCG-001"]
    assert rejects[rejects["file"] == "reg.csv"]["line"].tolist() == [3, 4, 5, 6, 7]
    act_rejects = rejects[rejects["file"] == "act.csv"]
    assert act_rejects["line"].tolist() == [4, 5, 6, 7, 8, 9]
    assert "unknown OCG" in act_rejects["reason"].iloc[0]
    assert len(activity) == 2


@pytest.mark.parametrize(("reg", "problem"), [(b"", "empty"), (b"a,b\n1,2\n", "columns must be")])
def test_unusable_files_raise_naming_the_file(reg: bytes, problem: str):
    with pytest.raises(InputFileError, match=problem) as info:
        validate_files(reg, "reg.csv", ACT_HEADER.encode(), "act.csv")
    assert info.value.path == "reg.csv"


def test_command_stores_atomically_and_exits_2_on_a_bad_file(tmp_path: Path, capsys):
    assert main([str(DEMO_REGISTER), str(DEMO_ACTIVITY), "--synthetic", "--store", str(tmp_path)]) == 0
    before = {p.name: p.read_bytes() for p in (tmp_path / "ocg").iterdir()}
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\x00\x01")
    assert main([str(bad), str(DEMO_ACTIVITY), "--store", str(tmp_path)]) == 2
    assert "bad.csv" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in (tmp_path / "ocg").iterdir()} == before
    assert load_ocg(tmp_path).synthetic


def test_overlap_with_community_cells_and_counts():
    activity = pd.DataFrame({"ocg_id": ["OCG-001", "OCG-001", "OCG-002", "OCG-003"], "h3_r9": [1, 2, 2, 9]})
    register = pd.DataFrame(
        {
            "ocg_id": ["OCG-001", "OCG-002", "OCG-003"],
            "principal_criminality": ["drugs supply", "firearms", "county lines"],
            "threat_tier": [1, 2, 3],
            "home_district": ["Leeds", "Leeds", "Bradford"],
            "status": ["active"] * 3,
        }
    )
    found = ocgs_in_cells(activity, register, [1, 2], 9)
    assert found[["ocg_id", "records"]].values.tolist() == [["OCG-001", 2], ["OCG-002", 1]]
    counts = counts_by_criminality(register, "Leeds").set_index("principal criminality")["OCGs"]
    assert counts["drugs supply"] == 1 and counts["firearms"] == 1 and counts["county lines"] == 0


def test_quarterly_return_by_level_and_strand():
    activity = pd.DataFrame(
        {
            "date": ["2017-01-05", "2017-02-10", "2017-04-01", "2017-04-02", "2017-05-01"],
            "activity_type": ["disruption", "disruption", "disruption", "arrest", "disruption"],
            "disruption_level": ["major", "minor", "minor", "", "minor"],
            "strand": ["pursue", "pursue", "prevent", "pursue", "prevent"],
        }
    )
    ret = quarterly_return(activity).set_index("quarter")
    assert ret.loc["2017-Q1", "pursue major"] == 1 and ret.loc["2017-Q1", "pursue minor"] == 1
    assert ret.loc["2017-Q2", "prevent minor"] == 2 and ret.loc["2017-Q2", "total"] == 2
    assert ret["total"].sum() == 4
    assert len([c for c in ret.columns if c != "total"]) == 12  # 4 strands x 3 levels


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


def test_real_ocg_data_is_refused_in_demo_mode(tmp_path: Path, capsys):
    from core.settings import override_settings

    real_reg, real_act = tmp_path / "register.csv", tmp_path / "activity.csv"
    real_reg.write_bytes(without_marker(DEMO_REGISTER))
    real_act.write_bytes(without_marker(DEMO_ACTIVITY))
    store = tmp_path / "store"
    with override_settings(mode="demo"):
        assert main([str(DEMO_REGISTER), str(DEMO_ACTIVITY), "--store", str(store)]) == 0
        before = {p.name: p.read_bytes() for p in (store / "ocg").iterdir()}
        capsys.readouterr()
        assert main([str(real_reg), str(real_act), "--store", str(store)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "register.csv" in err[0] and "demo mode" in err[0]
    assert {p.name: p.read_bytes() for p in (store / "ocg").iterdir()} == before
    assert load_ocg(store).synthetic


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


def test_activity_coordinates_are_checked_against_the_force_area_setting():
    from core.settings import override_settings
    from records.ocg_schema import ACTIVITY_COLUMNS, check_activity

    frame = pd.DataFrame(
        [["OCG-001", "2017-07-01", "-1.5", "53.8", "", "arrest", "", "pursue"]], columns=list(ACTIVITY_COLUMNS)
    ).assign(line=2)
    good, rejects = check_activity(frame, {"OCG-001"})
    assert len(good) == 1 and rejects.empty
    with override_settings(force_area_bounds=(-1.0, 53.0, 1.0, 54.0)):
        good, rejects = check_activity(frame, {"OCG-001"})
    assert good.empty and rejects["reason"].tolist() == ["longitude: in_range(-1.0, 1.0) (value -1.5)"]


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
