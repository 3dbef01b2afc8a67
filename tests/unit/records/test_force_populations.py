"""Mid-year population estimates by force: read by force or by district, checked line by
line, merged into the store by year, and chosen for a financial year; on the hand-made
five-force district table and on the bundled one."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from numpy.testing import assert_allclose

from core.errors import InputFileError
from records import force_populations as fp
from records import national_table as national
from tests.unit.records.test_national_table import PERSONS, force_areas


def by_force(year: int = 2017, scale: float = 1.1, skip: str = "") -> str:
    lines = ["mid_year,force,persons"]
    lines += [f'{year},"{f}",{round(n * scale)}' for f, n in PERSONS.items() if f != skip]
    return "\n".join(lines) + "\n"


def test_a_file_by_force_gives_each_force_its_residents():
    table = fp.parse_populations(by_force().encode(), "mye.csv", force_areas())
    assert table.years == [2017] and table.lines == 5
    assert table.rows.set_index("force")["persons"].to_dict() == {f: round(n * 1.1) for f, n in PERSONS.items()}
    assert "mid-2017" in table.summary() and "5 forces" in table.summary()


def test_a_file_by_district_sums_districts_to_forces_with_later_codes():
    areas = force_areas()
    areas.loc[len(areas)] = ["E06000099", "Alpha South", "Alpha", 10_000, 5_000, 100.0]
    codes = dict(zip(areas["lad11cd"], areas["persons"], strict=True))
    lines = ["Code,Name,Mid-year,All ages"] + [f"{c},x,2018,{n + 1}" for c, n in codes.items()]
    table = fp.parse_populations(("\n".join(lines) + "\n").encode(), "lad.csv", areas)
    alpha = table.rows.set_index("force").at["Alpha", "persons"]
    assert alpha == PERSONS["Alpha"] + 1 + 10_000 + 1  # two districts summed
    # a district created after 2011 counts for its force through the successor table
    areas = national.read_force_areas()
    assert fp.district_forces(areas)["E06000065"] == "North Yorkshire"
    assert fp.district_forces(areas)["E08000036"] == "West Yorkshire"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("mid_year,force,persons\n2017,Alpha,100\n2017,Zulu,5\n", "line 3: force 'Zulu' is not a force"),
        ("mid_year,area_code,persons\n2017,E09999999,5\n", "line 2: district 'E09999999' is not in the district"),
        ("mid_year,force,persons\n2017,Alpha,100\n2017,Alpha,7\n", "line 3: Alpha in mid-2017 is listed again"),
        ("mid_year,force,persons\n2017,Alpha,many\n", "line 2: persons 'many' is not a whole number"),
        ("mid_year,force,persons\n2017,Alpha,0\n", "line 2: persons '0' is not a whole number above 0"),
        ("mid_year,force,persons\n17/18,Alpha,10\n", "line 2: mid_year '17/18' is not a year"),
        ("force,persons\nAlpha,10\n", "line 1: no mid_year column"),
        ("mid_year,persons\n2017,10\n", "neither a force column nor an area_code column"),
        ("mid_year,force,persons\n", "has a header but no data row"),
        ("", "is empty"),
        ("mid_year,force,persons\n2017,Alpha\n", "line 2: 2 fields where the header has 3"),
    ],
)
def test_a_bad_line_is_named_with_its_problem(text: str, problem: str):
    with pytest.raises(InputFileError, match="bad.csv") as caught:
        fp.parse_populations(text.encode(), "bad.csv", force_areas())
    assert problem in str(caught.value)


def test_a_year_without_every_force_is_refused():
    with pytest.raises(InputFileError, match=r"mid-2017 has no row for 1 force\(s\): Delta"):
        fp.parse_populations(by_force(skip="Delta").encode(), "short.csv", force_areas())


def test_a_file_that_is_not_utf8_is_refused():
    with pytest.raises(InputFileError, match="not UTF-8"):
        fp.parse_populations(b"mid_year,force,persons\n2017,\xff,1\n", "latin.csv", force_areas())


def bundled_forces_file(year: int, scale: float) -> bytes:
    pops = national.force_populations(national.read_force_areas())
    lines = ["mid_year,force,persons"] + [f'{year},"{r.force}",{round(r.persons * scale)}' for r in pops.itertuples()]
    return ("\n".join(lines) + "\n").encode()


def test_stored_years_merge_and_a_refused_file_keeps_what_is_stored(tmp_path: Path):
    store = tmp_path / "store"
    token = national.table_token(store)
    fp.store_populations(bundled_forces_file(2017, 1.05), "mye2017.csv", store)
    assert national.table_token(store) != token  # the national picture's caches see the new residents
    fp.store_populations(bundled_forces_file(2018, 1.06), "mye2018.csv", store)
    fp.store_populations(bundled_forces_file(2017, 1.07), "mye2017-revised.csv", store)
    stored = fp.read_stored_populations(store)
    assert sorted(stored["mid_year"].unique()) == [2017, 2018] and len(stored) == 2 * stored["force"].nunique()
    before = national.populations_path(store).read_bytes()
    with pytest.raises(InputFileError, match="broken.csv"):
        fp.store_populations(b"mid_year,force,persons\n2019,Nowhere,5\n", "broken.csv", store)
    assert national.populations_path(store).read_bytes() == before
    wy = stored[(stored["force"] == "West Yorkshire")].set_index("mid_year")["persons"]
    census = national.force_populations(national.read_force_areas()).set_index("force").at["West Yorkshire", "persons"]
    assert wy.to_dict() == {2017: round(census * 1.07), 2018: round(census * 1.06)}


def test_a_year_uses_its_own_estimates_else_census_2011_and_says_so():
    areas = force_areas()
    stored = fp.parse_populations(by_force(2017, 1.2).encode(), "m.csv", areas).rows
    used = fp.populations_for_year("2017/18", areas, stored)
    assert used.estimated and used.description == "ONS mid-2017 population estimates"
    assert_allclose(used.populations.set_index("force")["persons"].to_numpy(), [n * 1.2 for n in PERSONS.values()])
    # households and hectares stay the census's (household size and density for the peer group)
    assert used.populations["households"].tolist() == [n // 2 for n in PERSONS.values()]
    assert used.note == ""
    # a year whose estimates are not loaded yet uses the latest loaded before it, and says so
    later = fp.populations_for_year("2019/20", areas, stored)
    assert later.estimated and later.description == "ONS mid-2017 population estimates"
    assert "mid-2019 is not loaded" in later.note
    assert later.populations["persons"].tolist() == used.populations["persons"].tolist()
    old = fp.populations_for_year("2016/17", areas, stored)
    assert not old.estimated and old.description == "census 2011"
    assert "mid-2016" in old.note and "those loaded are for mid-2017" in old.note
    assert old.populations["persons"].tolist() == list(PERSONS.values())
    none = fp.populations_for_year("2017/18", areas, fp.read_stored_populations(Path("/nonexistent")))
    assert "none is loaded" in none.note


def test_rates_follow_the_estimates():
    from models import national as nm
    from tests.unit.records.test_national_table import table_bytes

    areas = force_areas()
    table = national.parse_recorded_crime(table_bytes(), "hand.csv", areas)
    stored = fp.parse_populations(by_force(2017, 2.0).encode(), "m.csv", areas).rows
    census = nm.national_picture(table.rows, national.force_populations(areas), "Alpha", "2017/18", small_base=1)
    mid = nm.national_picture(
        table.rows, fp.populations_for_year("2017/18", areas, stored).populations, "Alpha", "2017/18", small_base=1
    )
    rates = pd.concat(
        [census.rates.set_index(["force", "measure"])["rate"], mid.rates.set_index(["force", "measure"])["rate"]],
        axis=1,
    )
    assert_allclose(rates.iloc[:, 1].to_numpy(), rates.iloc[:, 0].to_numpy() / 2.0)


def _district_lines(year: int, replace: dict[str, tuple[str, ...]], keep_old: bool = False) -> list[str]:
    """The bundled district table as an ONS-like file by district: each successor in
    ``replace`` listed instead of (or with ``keep_old`` beside) the districts it replaced."""
    areas = national.read_force_areas()
    persons = dict(zip(areas["lad11cd"], areas["persons"], strict=True))
    replaced = {old for olds in replace.values() for old in olds}
    lines = ["Code,Name,Geography,Mid-year,All ages", f"K04000001,ENGLAND AND WALES,Country,{year},1"]
    lines += ["E12000003,YORKSHIRE AND THE HUMBER,Region,2019,1", f"S12000033,Aberdeen City,Council Area,{year},1"]
    lines += [f"{c},x,Lower Tier,{year},{n}" for c, n in persons.items() if keep_old or c not in replaced]
    lines += [f"{new},x,Unitary,{year},{sum(persons[o] for o in olds)}" for new, olds in replace.items()]
    return lines


def test_a_real_successor_counts_for_its_force_and_other_geographies_are_skipped():
    bcp = ("E06000028", "E06000029", "E07000048")
    text = "\n".join(_district_lines(2019, {"E06000058": bcp})) + "\n"
    table = fp.parse_populations(text.encode(), "MYE2-2019.csv")
    census = national.force_populations(national.read_force_areas()).set_index("force")["persons"]
    assert table.rows.set_index("force")["persons"].to_dict() == census.to_dict()  # BCP summed into Dorset
    assert table.skipped == 3 and "3 lines of other areas skipped" in table.summary()


def test_a_district_beside_the_one_it_replaced_is_refused():
    bcp = ("E06000028", "E06000029", "E07000048")
    text = "\n".join(_district_lines(2019, {"E06000058": bcp}, keep_old=True)) + "\n"
    with pytest.raises(InputFileError, match=r"E06000058 in mid-2019 replaced E06000028, also listed .*counted twice"):
        fp.parse_populations(text.encode(), "both.csv")
    # through two recodings: Somerset (2023) beside Taunton Deane (2011)
    lines = ["mid_year,area_code,persons", "2023,E06000066,500000", "2023,E07000190,100000"]
    with pytest.raises(InputFileError, match="line 3: E07000190 in mid-2023 was replaced by E06000066"):
        fp.parse_populations(("\n".join(lines) + "\n").encode(), "somerset.csv")
    assert fp.earlier_codes("E06000066") == {
        "E07000187",
        "E07000188",
        "E07000189",
        "E07000246",
        "E07000190",
        "E07000191",
    }


def test_an_empty_area_code_is_named():
    with pytest.raises(InputFileError, match="line 2: area_code is empty"):
        fp.parse_populations(b"mid_year,area_code,persons\n2017,,5\n", "blank.csv", force_areas())


def test_a_damaged_stored_file_is_named(tmp_path: Path):
    from core.errors import StoreError

    path = national.populations_path(tmp_path / "store")
    path.parent.mkdir(parents=True)
    path.write_text("mid_year,force,persons\n2017,Alpha,lots\n", encoding="utf-8")
    with pytest.raises(StoreError, match="populations.csv: the stored population estimates cannot be read"):
        fp.read_stored_populations(tmp_path / "store")
