"""python -m cli.reference: loads Nomis census 2021 files, names the bad one, exit codes."""

from __future__ import annotations

from pathlib import Path

from cli.reference import main
from core.settings import override_settings
from geo.boundaries import read_lsoas_2021
from records.census import read_stored_census
from tests.unit.records.test_census import ts001, ts041


def test_loads_good_files_and_names_a_bad_one(tmp_path: Path, capsys):
    lsoas = read_lsoas_2021()[["lsoa_code", "lsoa_name"]]
    people, homes, bad = (
        tmp_path / "census2021-ts001-lsoa.csv",
        tmp_path / "census2021-ts041-lsoa.csv",
        tmp_path / "bad.csv",
    )
    people.write_bytes(ts001(lsoas))
    homes.write_bytes(ts041(lsoas))
    bad.write_bytes(ts001(lsoas).replace(b",E01010568,", b",E0101056,"))
    with override_settings(store_dir=tmp_path / "store"):
        assert main([str(people), "--check"]) == 0
        assert read_stored_census() is None  # --check stores nothing
        assert main([str(people), str(bad), str(homes)]) == 2
        stored = read_stored_census()
    out, err = capsys.readouterr()
    assert "bad.csv" in err and "is not an LSOA code" in err and "line " in err
    assert "TS001 (usual residents): 1,404 LSOAs" in out and "TS041 (households)" in out
    assert stored is not None and stored["households"].notna().all()
