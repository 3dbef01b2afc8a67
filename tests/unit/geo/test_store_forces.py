"""A store keyed by force and month: another force's file never touches the home force."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pytest

from cli.ingest import main
from core.settings import REPO_DIR, Settings
from geo.ingest import ingest
from geo.store import Store, force_slug
from tests.conftest import HEADER, street_csv, street_row

CITY = Settings().data_dir / "police_uk_other_forces" / "2017-07" / "2017-07-city-of-london-street.csv"
HOME = "West Yorkshire Police"
OTHER = "City of London Police"


def _write(path: Path, rows: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(street_csv(rows))
    return path


def _home_rows(n: int, month: str = "2017-07", prefix: str = "w") -> list[str]:
    return [street_row(crime_id=f"{prefix}{i}", month=month, crime_type="Drugs") for i in range(n)]


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file() and p.name != ".lock"
    }


def test_force_slug():
    assert force_slug("West Yorkshire Police") == "west-yorkshire-police"
    assert force_slug("  Avon and Somerset Constabulary ") == "avon-and-somerset-constabulary"
    assert force_slug("Dyfed-Powys Police") == "dyfed-powys-police"


def test_another_forces_file_for_a_stored_month_leaves_the_home_force_unchanged(tmp_path: Path):
    store = Store(tmp_path / "store")
    ingest([_write(tmp_path / "wy.csv", _home_rows(40))], store)
    before = store.read_incidents()
    summary = ingest([CITY], store)
    # the real City of London file of the same month: every row kept under its own force
    assert summary.partitions == {(OTHER, "2017-07"): 566}
    assert summary.rejected == {}
    assert store.forces() == [OTHER, HOME]
    assert store.months() == ["2017-07"] and len(store.read_incidents()) == 40
    pd.testing.assert_frame_equal(store.read_incidents(), before)
    assert store.month_stats()["stored"].tolist() == [40]
    city = store.read_incidents(force=OTHER)
    assert len(city) == 566 and set(city["reported_by"].astype(str)) == {OTHER}
    assert store.force_stats().to_dict("records") == [
        {"force": OTHER, "months": "2017-07", "stored": 566},
        {"force": HOME, "months": "2017-07", "stored": 40},
    ]


def test_a_two_force_zip_loads_each_force_as_its_own_month(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    archive = tmp_path / "custom-download.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("2017-07/2017-07-west-yorkshire-street.csv", street_csv(_home_rows(25)))
        z.writestr("2017-07/2017-07-city-of-london-street.csv", CITY.read_bytes())
    store_dir = tmp_path / "store"
    assert main([str(archive), "--store", str(store_dir)]) == 0
    out = capsys.readouterr().out
    assert "City of London Police: 566 incidents in 1 month(s) 2017-07" in out
    assert "West Yorkshire Police: 25 incidents in 1 month(s) 2017-07" in out
    store = Store(store_dir)
    assert len(store.read_incidents()) == 25 and len(store.read_incidents(force=OTHER)) == 566
    # Hive partitions that any Parquet engine reads: force=<slug>/month=YYYY-MM
    folders = sorted({p.parent.relative_to(store_dir).as_posix() for p in store_dir.rglob("*.parquet")})
    assert folders == [
        "incidents/force=city-of-london-police/month=2017-07",
        "incidents/force=west-yorkshire-police/month=2017-07",
    ]
    hive = ds.partitioning(pa.schema([("force", pa.string()), ("month", pa.string())]), flavor="hive")
    dataset = ds.dataset(store_dir / "incidents", partitioning=hive).to_table(columns=["force", "month"]).to_pandas()
    expected = {("city-of-london-police", "2017-07"): 566, ("west-yorkshire-police", "2017-07"): 25}
    assert dataset.value_counts().to_dict() == expected
    found = duckdb.sql(
        f"SELECT force, month, count(*) FROM read_parquet('{store_dir}/incidents/*/*/*.parquet', "
        "hive_partitioning = true) GROUP BY ALL"
    ).fetchall()
    assert {(f, m): n for f, m, n in found} == expected


def test_reingesting_one_force_replaces_that_force_only(tmp_path: Path):
    store = Store(tmp_path / "store")
    ingest([_write(tmp_path / "wy.csv", _home_rows(30)), CITY], store)
    smaller = tmp_path / "city.csv"
    lines = CITY.read_text().splitlines()
    smaller.write_text("\n".join(lines[:101]) + "\n")  # header and the first 100 rows
    summary = ingest([smaller], store)
    assert summary.partitions == {(OTHER, "2017-07"): 100}
    assert len(store.read_incidents(force=OTHER)) == 100
    assert len(store.read_incidents()) == 30
    # the replaced version's files are gone; one part per force remains
    assert len(list((tmp_path / "store" / "incidents").rglob("*.parquet"))) == 2
    # and the home force again, with the other force untouched
    ingest([_write(tmp_path / "wy2.csv", _home_rows(5, prefix="v"))], store)
    assert len(store.read_incidents()) == 5 and len(store.read_incidents(force=OTHER)) == 100


def test_rows_of_two_forces_in_one_file_are_split_and_checked_against_their_own_area(tmp_path: Path):
    city_row = "c1,2017-07,City of London Police,City of London Police,-0.0901,51.5155,On or near Gresham Street,E01032739,City of London 001F,Robbery,,"
    wy_in_london = street_row(crime_id="w9", lon="-0.0901", lat="51.5155", crime_type="Robbery")
    no_force = "c2,2017-07,,City of London Police,-0.0901,51.5155,On or near Gresham Street,E01032739,City of London 001F,Robbery,,"
    f = tmp_path / "mixed.csv"
    f.write_text(
        "\n".join([HEADER, street_row(crime_id="w1", crime_type="Drugs"), city_row, wy_in_london, no_force]) + "\n"
    )
    store = Store(tmp_path / "store")
    summary = ingest([f], store)
    assert summary.partitions == {(HOME, "2017-07"): 1, (OTHER, "2017-07"): 1}
    # a West Yorkshire row in London is impossible; a City of London row there is not
    assert summary.rejected == {"outside_force_area": 1, "no_force": 1}
    assert store.read_rejects()[["line", "reason"]].values.tolist() == [[4, "outside_force_area"], [5, "no_force"]]


def test_the_same_crime_id_in_two_forces_is_not_a_repeat(tmp_path: Path):
    wy = _write(tmp_path / "wy.csv", [street_row(crime_id="same", crime_type="Drugs")])
    city = tmp_path / "city.csv"
    city.write_text(
        HEADER + "\nsame,2017-07,City of London Police,City of London Police,-0.0901,51.5155,"
        "On or near Gresham Street,E01032739,City of London 001F,Robbery,,\n"
    )
    summary = ingest([wy, city], Store(tmp_path / "store"))
    assert summary.rejected == {} and summary.stored == 2


def test_a_killed_ingest_of_a_second_force_leaves_the_first_intact(tmp_path: Path):
    store_dir = tmp_path / "store"
    store = Store(store_dir)
    ingest([_write(tmp_path / "wy.csv", _home_rows(20))], store)
    before = _snapshot(store_dir)
    # A second force's ingest killed (SIGKILL-like: no clean-up runs) right after it wrote
    # its first part, before the manifest is replaced.
    script = textwrap.dedent(f"""
        import os, sys
        sys.path.insert(0, {str(REPO_DIR)!r})
        from geo import store as store_mod
        from geo.ingest import ingest
        real = store_mod.Transaction.write_incidents
        def write_then_die(self, partition, table):
            real(self, partition, table)
            os._exit(9)
        store_mod.Transaction.write_incidents = write_then_die
        ingest([{str(CITY)!r}], store_mod.Store({str(store_dir)!r}))
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO_DIR, capture_output=True, text=True, timeout=300)
    assert done.returncode == 9, done.stderr
    left = set(_snapshot(store_dir)) - set(before)
    assert any("force=city-of-london-police" in name for name in left)  # the dead ingest's part
    assert {k: v for k, v in _snapshot(store_dir).items() if k in before} == before
    assert store.forces() == [HOME] and len(store.read_incidents()) == 20
    # the next commit removes what the killed ingest left
    ingest([CITY], store)
    assert len(store.read_incidents()) == 20 and len(store.read_incidents(force=OTHER)) == 566
    names = set(_snapshot(store_dir))
    assert not any(n in names for n in left if n.endswith(".parquet"))


def test_a_format_2_store_is_read_as_the_home_forces_and_rewritten_as_format_3(tmp_path: Path):
    store_dir = tmp_path / "store"
    store = Store(store_dir)
    ingest([_write(tmp_path / "wy.csv", _home_rows(3))], store)
    manifest = store.manifest()
    legacy = {"format": 2, "commit": manifest["commit"], "months": manifest["forces"][HOME]}
    (store_dir / "manifest.json").write_text(json.dumps(legacy))
    assert store.months() == ["2017-07"] and len(store.read_incidents()) == 3
    ingest([CITY], store)
    written = json.loads((store_dir / "manifest.json").read_text())
    assert written["format"] == 3 and sorted(written["forces"]) == [OTHER, HOME]
    assert len(store.read_incidents()) == 3


def test_spellings_of_one_force_are_one_force(tmp_path: Path):
    store = Store(tmp_path / "store")
    ingest([_write(tmp_path / "a.csv", _home_rows(4))], store)
    odd = [
        r.replace("West Yorkshire Police,West Yorkshire Police", "WEST YORKSHIRE  police,West Yorkshire Police")
        for r in _home_rows(2, prefix="z")
    ]
    summary = ingest([_write(tmp_path / "b.csv", [*odd, street_row(crime_id="bad", month="2017-07")[:-1]])], store)
    # the odd spelling is the home force: checked against its area, stored under its name,
    # replacing its month (not beside it in the same folder)
    assert summary.partitions == {(HOME, "2017-07"): 2}
    assert store.forces() == [HOME] and len(store.read_incidents()) == 2
    assert len(store.read_rejects()) == 1
