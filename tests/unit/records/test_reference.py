"""records.reference: the analysts' harm weights and comms themes, checked against the crime
categories, on tiny hand-made files."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import InputFileError
from core.settings import CRIME_TYPES, Settings
from records.reference import read_harm_weights, read_themes

TWO = Settings(crime_types=("Drugs", "Robbery"))


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "table.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_harm_weights_are_read_per_crime_type(tmp_path: Path):
    path = _file(tmp_path, "crime_type,weight,basis\n Drugs ,6,supply harms\nRobbery,9.5,violence\n")
    assert read_harm_weights(path, TWO) == {"Drugs": 6.0, "Robbery": 9.5}


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("crime_type,weight\nDrugs,6\n", r"categories missing \['Robbery'\] or unknown \[\]"),
        ("crime_type,weight\nDrugs,6\nRobbery,9\nArson,3\n", r"unknown \['Arson'\]"),
        ("crime_type,weight\nDrugs,6\nRobbery,0\n", "every weight must be a positive number"),
        ("crime_type,weight\nDrugs,6\nRobbery,high\n", "every weight must be a positive number"),
        ("crime,weight\nDrugs,6\n", "needs the columns crime_type and weight"),
    ],
)
def test_a_bad_harm_table_is_refused_naming_the_file(tmp_path: Path, text: str, problem: str):
    path = _file(tmp_path, text)
    with pytest.raises(InputFileError, match=problem) as info:
        read_harm_weights(path, TWO)
    assert info.value.path == str(path)


def test_themes_are_stripped_and_one_per_crime_type(tmp_path: Path):
    path = _file(
        tmp_path,
        "crime_type,theme,audience,message\n"
        "Drugs, County lines ,parents,Know the signs\n"
        "Robbery,Gangs,young people,Report it\n"
        "Drugs,Another,anyone,Ignored: the first row of a type wins\n",
    )
    themes = read_themes(path, TWO)
    assert themes.values.tolist() == [
        ["Drugs", "County lines", "parents", "Know the signs"],
        ["Robbery", "Gangs", "young people", "Report it"],
    ]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("crime_type,theme,audience,message\nDrugs,Lines,a,m\nRobbery,,a,m\n", "every crime type needs a theme"),
        ("crime_type,theme,audience,message\nDrugs,Lines,a,m\n", r"categories missing \['Robbery'\]"),
        ("crime_type,theme,message\nDrugs,Lines,m\n", r"missing columns \['audience'\]"),
    ],
)
def test_a_bad_theme_table_is_refused_naming_the_file(tmp_path: Path, text: str, problem: str):
    path = _file(tmp_path, text)
    with pytest.raises(InputFileError, match=problem) as info:
        read_themes(path, TWO)
    assert info.value.path == str(path)


def test_the_bundled_tables_cover_every_crime_category():
    assert set(read_harm_weights()) == set(CRIME_TYPES)
    assert set(read_themes()["crime_type"]) == set(CRIME_TYPES)
