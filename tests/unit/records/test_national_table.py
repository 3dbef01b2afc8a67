"""The Home Office recorded-crime table and the force areas: read, checked and stored, on a
hand-made five-force table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from core.errors import InputFileError
from core.settings import Settings, override_settings
from records import national_table as national

HEADER = (
    "Financial Year,Financial Quarter,Force Name,Offence Description,Offence Group,Offence Subgroup,"
    "Offence Code,Number of Offences"
)


OFFENCES = {
    "92A": ("Trafficking in controlled drugs", "Drug offences", "Trafficking of drugs"),
    "92D": ("Possession of controlled drugs (excl. Cannabis)", "Drug offences", "Possession of drugs"),
    "34B": ("Robbery of personal property", "Robbery", "Robbery of personal property"),
    "106": ("Modern slavery", "Violence against the person", "Violence without injury"),
    "10D": ("Possession of article with blade or point", "Possession of weapons offences", "Possession of weapons"),
}


# (quarter, force, code, offences): negative adjustments, and one key published twice (C, Q2, 92A)
ROWS = [
    (1, "Alpha", "92A", 30), (2, "Alpha", "92A", 20), (1, "Alpha", "92D", 40), (1, "Alpha", "34B", 10),
    (1, "Alpha", "106", 3), (2, "Alpha", "106", -1),
    (1, "Bravo", "92A", 50), (2, "Bravo", "92A", 30), (1, "Bravo", "92D", 100), (2, "Bravo", "34B", 40),
    (1, "Bravo", "10D", 12),
    (1, "Charlie", "92A", 100), (2, "Charlie", "92A", 120), (2, "Charlie", "92A", -5), (1, "Charlie", "92D", 150),
    (1, "Charlie", "34B", 60),
    (1, "Delta", "92A", 20), (1, "Delta", "92D", 5),
    (1, "Echo, The", "92A", 300), (2, "Echo, The", "92A", 250), (1, "Echo, The", "92D", 700),
    (2, "Echo, The", "34B", 200), (1, "Echo, The", "106", 8),
    (1, "British Transport Police", "92A", 10),
]  # fmt: skip


PERSONS = {"Alpha": 100_000, "Bravo": 200_000, "Charlie": 400_000, "Delta": 50_000, "Echo, The": 1_000_000}


def table_line(quarter: int, force: str, code: str, n: int, year: str = "2017/18") -> str:
    description, group, subgroup = OFFENCES[code]
    quoted = f'"{force}"' if "," in force else force
    return f"{year},{quarter},{quoted},{description},{group},{subgroup},{code},{n}"


def table_bytes(rows: list[tuple[int, str, str, int]] = ROWS) -> bytes:
    return ("\n".join([HEADER, *(table_line(*r) for r in rows)]) + "\n").encode("utf-8")


def force_areas() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "lad11cd": [f"E0600000{i}" for i in range(len(PERSONS))],
            "lad11nm": list(PERSONS),
            "force": list(PERSONS),
            "persons": list(PERSONS.values()),
            "households": [n // 2 for n in PERSONS.values()],
            "hectares": [10_000.0] * len(PERSONS),
        }
    )


def test_the_table_is_read_with_negative_adjustments_summed_and_bodies_without_residents_reported():
    table = national.parse_recorded_crime(table_bytes(), "hand.csv", force_areas())
    assert table.rows_read == len(ROWS) and table.negative_rows == 2
    assert table.years == ["2017/18"]
    assert table.no_resident_forces == ("British Transport Police",) and table.unknown_forces == ()
    charlie = table.rows[(table.rows["force"] == "Charlie") & (table.rows["offence_code"] == "92A")]
    assert charlie.set_index("quarter")["offences"].to_dict() == {1: 100, 2: 115}  # 120 - 5, never clipped
    alpha = table.rows[(table.rows["force"] == "Alpha") & (table.rows["offence_code"] == "106")]
    assert alpha["offences"].tolist() == [3, -1]


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("2017-18,1,Alpha,x,Drug offences,y,92A,3", "line 3: Financial Year '2017-18' is not like 2017/18"),
        ("2017/18,5,Alpha,x,Drug offences,y,92A,3", "line 3: Financial Quarter '5' is not 1, 2, 3 or 4"),
        ("2017/18,1,,x,Drug offences,y,92A,3", "line 3: Force Name is empty"),
        ("2017/18,1,Alpha,x,Drug offences,y,92A,3.5", "line 3: Number of Offences '3.5' is not a whole number"),
        ("2017/18,1,Alpha", "line 3: 3 fields, 8 expected"),
    ],
)
def test_a_bad_row_names_the_file_and_line(line: str, problem: str):
    content = (HEADER + "\n" + table_line(1, "Alpha", "92A", 4) + "\n" + line + "\n").encode()
    with pytest.raises(InputFileError, match="new.csv") as caught:
        national.parse_recorded_crime(content, "new.csv")
    assert problem in str(caught.value)


def test_an_unusable_file_says_why():
    with pytest.raises(InputFileError, match="the header lacks Offence Code"):
        national.parse_recorded_crime(HEADER.replace("Offence Code", "Code").encode() + b"\n", "x.csv")
    with pytest.raises(InputFileError, match="is empty"):
        national.parse_recorded_crime(b"", "x.csv")
    with pytest.raises(InputFileError, match="not UTF-8"):
        national.parse_recorded_crime(HEADER.encode() + b"\n2017/18,1,Caf\xe9,x,y,z,1,1\n", "x.csv")
    with pytest.raises(InputFileError, match="line 3: district E06000001 is listed again"):
        national.parse_force_areas(
            b"lad11cd,lad11nm,force,persons,households,hectares\nE06000001,A,F,10,5,1.5\nE06000001,A,F,10,5,1.5\n",
            "areas.csv",
        )


def test_a_newer_table_is_stored_atomically_and_an_unknown_force_stores_nothing(tmp_path: Path):
    real = Settings().recorded_crime_file
    with override_settings(store_dir=tmp_path / "store"):
        assert national.recorded_crime_path() == real and national.stored_table_meta() is None
        newer = real.read_bytes().replace(b"2017/18,", b"2018/19,")
        table = national.store_recorded_crime(newer, "prc_pfa_2018_19.csv")
        assert table.years == ["2018/19"]
        assert national.recorded_crime_path() == national.stored_table_path()
        assert national.stored_table_meta()["source"] == "prc_pfa_2018_19.csv"
        assert national.read_recorded_crime().years == ["2018/19"]
        token = national.table_token()
        misspelt = newer.replace(b",West Yorkshire,", b",West Yorks,")
        with pytest.raises(InputFileError, match="West Yorks"):
            national.store_recorded_crime(misspelt, "bad.csv")
        assert national.read_recorded_crime().years == ["2018/19"] and national.table_token() == token
        # a table without the home force cannot be compared: refused, the table in use kept
        without_home = b"\n".join(line for line in newer.split(b"\n") if b",West Yorkshire," not in line)
        with pytest.raises(InputFileError, match="no rows for West Yorkshire in 2018/19"):
            national.store_recorded_crime(without_home, "no_wy.csv")
        assert national.read_recorded_crime().years == ["2018/19"] and national.table_token() == token
        assert not list(national.stored_table_path().parent.glob("*.tmp"))
