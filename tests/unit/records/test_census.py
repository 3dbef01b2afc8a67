"""Census 2021 tables in the Nomis formats: small extracts written as ONS publishes them."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from core.errors import InputFileError
from core.settings import override_settings
from geo.boundaries import read_lsoas_2021
from records.census import parse_census, read_stored_census, store_census

TS001_HEADER = (
    "date,geography,geography code,Residence type: Total; measures: Value,"
    "Residence type: Lives in a household; measures: Value,"
    "Residence type: Lives in a communal establishment; measures: Value"
)
TS041_HEADER = "date,geography,geography code,Number of households: Total; measures: Value"


@pytest.fixture(scope="module")
def lsoas() -> pd.DataFrame:
    return read_lsoas_2021()[["lsoa_code", "lsoa_name"]]


def ts001(lsoas: pd.DataFrame, extra: str = "") -> bytes:
    """A TS001 extract: the five districts' LSOAs and one outside (Barnsley), as Nomis writes it."""
    lines = [TS001_HEADER]
    for i, (code, name) in enumerate(zip(lsoas["lsoa_code"], lsoas["lsoa_name"])):
        lines.append(f"2021,{name},{code},{1500 + i % 7},{1490 + i % 7},10")
    lines.append("2021,Barnsley 001A,E01007307,1634,1634,0")
    return ("\n".join(lines) + "\n" + extra).encode("utf-8")


def ts041(lsoas: pd.DataFrame) -> bytes:
    lines = [TS041_HEADER] + [
        f"2021,{name},{code},{600 + i % 5}"
        for i, (code, name) in enumerate(zip(lsoas["lsoa_code"], lsoas["lsoa_name"]))
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def test_ts001_and_ts041_are_read_and_kept_for_the_five_districts(lsoas, tmp_path: Path):
    people = parse_census(ts001(lsoas), "census2021-ts001-lsoa.csv")
    assert people.table == "ts001" and len(people.values) == 1404 and people.lines == 1405
    assert int(people.values.sum()) == sum(1500 + i % 7 for i in range(1404))
    homes = parse_census(ts041(lsoas), "census2021-ts041-lsoa.csv")
    assert homes.table == "ts041" and int(homes.values.sum()) == sum(600 + i % 5 for i in range(1404))
    with override_settings(store_dir=tmp_path / "store"):
        assert read_stored_census() is None
        store_census(ts001(lsoas), "census2021-ts001-lsoa.csv")
        partial = read_stored_census()
        assert partial is not None and partial["households"].isna().all()
        store_census(ts041(lsoas), "census2021-ts041-lsoa.csv")
        stored = read_stored_census()
    assert stored is not None and len(stored) == 1404
    assert int(stored["persons"].sum()) == int(people.values.sum())
    assert int(stored.groupby("district")["households"].sum().sum()) == int(homes.values.sum())


def test_the_nomis_zip_is_read_as_published(lsoas):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("census2021-ts001-ctry.csv", TS001_HEADER + "\n2021,England,E92000001,56490048,55506434,983614\n")
        z.writestr("census2021-ts001-lsoa.csv", ts001(lsoas))
    assert parse_census(buf.getvalue(), "census2021-ts001.zip").table == "ts001"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda b: b.replace(b",E01010568,", b",E0101056,"),
            r"line \d+: geography code 'E0101056' is not an LSOA code",
        ),
        (
            lambda b: b.replace(b"2021,Barnsley 001A,E01007307,1634", b"2021,Barnsley 001A,E01007307,-3"),
            "line 1406: .* '-3' is not a whole number",
        ),
        (
            lambda b: b + b"2021,Barnsley 001A,E01007307,1634,1634,0\n",
            "line 1407: LSOA E01007307 appears a second time",
        ),
        (lambda b: b.replace(b"Residence type: Total", b"Residents"), "line 1: neither TS001"),
        (lambda b: b.replace(b",1634,1634,0", b",1634,1634"), "line 1406: 5 fields where the header has 6"),
    ],
)
def test_a_bad_line_refuses_the_file_naming_file_line_and_problem(lsoas, tmp_path: Path, change, message):
    good = ts001(lsoas)
    with override_settings(store_dir=tmp_path / "store"):
        store_census(good, "first.csv")
        with pytest.raises(InputFileError, match=r"census2021-ts001-lsoa\.csv.*" + message):
            store_census(change(good), "census2021-ts001-lsoa.csv")
        kept = read_stored_census()  # what was stored is kept
    assert kept is not None and int(kept["persons"].sum()) == int(parse_census(good, "x").values.sum())


def test_a_table_missing_an_area_of_the_five_districts_is_refused(lsoas):
    short = ts001(lsoas.iloc[1:])
    with pytest.raises(InputFileError, match=f"no line for the 2021 LSOA {lsoas['lsoa_code'].iloc[0]}"):
        parse_census(short, "census2021-ts001-lsoa.csv")
