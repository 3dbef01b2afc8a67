"""Mid-year population estimates by police force area, for the national picture.

The national picture divides each force's recorded crime in a financial year by its residents.
The bundled district table gives census 2011 residents only; a table of 2017/18 or later read
against them counts later crime against older, smaller populations. An admin loads ONS
mid-year estimates (the population at 30 June; financial year ``2017/18`` is read against
mid-2017, as ONS's Crime in England and Wales tables do) in either of two CSV forms:

By force
    ``mid_year, force, persons``: one row per force and year, forces named as the Home
    Office names them (``Devon and Cornwall``, ``London, City of``).
By district
    ``mid_year, area_code, persons``: one row per local authority district (ONS's mid-year
    estimates tables), summed to forces through the bundled district table's 2011 codes and
    :data:`SUCCESSOR_DISTRICTS` (districts created or recoded since 2011).

Column names are matched without regard to case; ``year`` may stand for ``mid_year``,
``code`` or ``lad_code`` for ``area_code``, ``population`` or ``all ages`` for ``persons``;
other columns are ignored. Every line is checked; a file with a problem is refused as a
whole, naming the file, the line and the problem (an unknown force or district, a district
or force twice in a year, a count that is not a whole number above 0, a year missing a
force that has residents), and what is stored is kept. A checked file's years are merged
into ``<store>/national/populations.csv`` (``mid_year, force, persons``): its years
replace those years, other years stay. Written atomically under the national table's lock.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from pathlib import Path

import pandas as pd

from core.errors import InputFileError, StoreError
from core.files import atomic_write_bytes
from records import national_table

#: Districts created or recoded since the 2011 codes of the district table -> their force and
#: the codes they replaced (names checked against the district table).
SUCCESSORS: dict[str, tuple[str, tuple[str, ...]]] = {
    "E08000037": ("Northumbria", ("E08000020",)),  # Gateshead, recoded 2013
    "E06000057": ("Northumbria", ("E06000048",)),  # Northumberland, recoded 2013
    "E07000240": ("Hertfordshire", ("E07000100",)),  # St Albans, recoded 2014
    "E07000241": ("Hertfordshire", ("E07000104",)),  # Welwyn Hatfield, recoded 2014
    "E07000242": ("Hertfordshire", ("E07000097",)),  # East Hertfordshire, recoded 2014
    "E07000243": ("Hertfordshire", ("E07000101",)),  # Stevenage, recoded 2014
    # Bournemouth, Christchurch and Poole, 2019
    "E06000058": ("Dorset", ("E06000028", "E06000029", "E07000048")),
    "E06000059": ("Dorset", ("E07000049", "E07000050", "E07000051", "E07000052", "E07000053")),  # Dorset, 2019
    "E07000244": ("Suffolk", ("E07000205", "E07000206")),  # East Suffolk, 2019
    "E07000245": ("Suffolk", ("E07000201", "E07000204")),  # West Suffolk, 2019
    "E07000246": ("Avon and Somerset", ("E07000190", "E07000191")),  # Somerset West and Taunton, 2019
    "E06000060": ("Thames Valley", ("E07000004", "E07000005", "E07000006", "E07000007")),  # Buckinghamshire, 2020
    # North and West Northamptonshire, 2021
    "E06000061": ("Northamptonshire", ("E07000150", "E07000152", "E07000153", "E07000156")),
    "E06000062": ("Northamptonshire", ("E07000151", "E07000154", "E07000155")),
    "E06000063": ("Cumbria", ("E07000026", "E07000028", "E07000029")),  # Cumberland, 2023
    "E06000064": ("Cumbria", ("E07000027", "E07000030", "E07000031")),  # Westmorland and Furness, 2023
    # North Yorkshire, 2023
    "E06000065": ("North Yorkshire", tuple(f"E07000{n}" for n in range(163, 170))),
    "E06000066": ("Avon and Somerset", ("E07000187", "E07000188", "E07000189", "E07000246")),  # Somerset, 2023
}

#: Successor code -> its force.
SUCCESSOR_DISTRICTS: dict[str, str] = {code: force for code, (force, _) in SUCCESSORS.items()}


def earlier_codes(code: str) -> set[str]:
    """Every code a district replaced, through each recoding (Somerset 2023 <- Somerset West
    and Taunton 2019 <- Taunton Deane and West Somerset)."""
    out: set[str] = set()
    for before in SUCCESSORS.get(code, ("", ()))[1]:
        out |= {before, *earlier_codes(before)}
    return out


#: Accepted names of each column (lower case), the first being the stored name.
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "mid_year": ("mid_year", "mid-year", "year"),
    "force": ("force", "force name", "police force area"),
    "area_code": ("area_code", "code", "lad_code", "area code", "geography code"),
    "persons": ("persons", "population", "all ages", "residents"),
}

_YEAR = re.compile(r"^(19|20)\d{2}$")
_DISTRICT = re.compile(r"^[EW]0[6-9]\d{6}$")
_WHOLE = re.compile(r"^\d+$")


@dataclasses.dataclass(frozen=True)
class ForcePopulations:
    """Checked mid-year estimates.

    Attributes
    ----------
    rows : pandas.DataFrame
        ``mid_year`` (int), ``force`` (str), ``persons`` (int64): one row per force and year.
    source : str
        The file read.
    lines : int
        Data lines read.
    skipped : int
        Lines of other geographies (countries, regions, counties, Scotland, Northern
        Ireland) in a file by district, skipped.
    """

    rows: pd.DataFrame
    source: str
    lines: int
    skipped: int = 0

    @property
    def years(self) -> list[int]:
        """Mid-years in the table, oldest first."""
        return sorted(int(y) for y in self.rows["mid_year"].unique())

    def summary(self) -> str:
        """One line: the years, forces and residents."""
        latest = self.rows[self.rows["mid_year"] == self.years[-1]]
        return (
            f"mid-year population estimates for {', '.join(f'mid-{y}' for y in self.years)}: "
            f"{latest['force'].nunique()} forces, {int(latest['persons'].sum()):,} residents in mid-{self.years[-1]} "
            f"(from {self.lines:,} lines"
            + (f"; {self.skipped:,} lines of other areas skipped)" if self.skipped else ")")
        )


def _columns(header: list[str], label: str) -> dict[str, int]:
    """The position of each column the file has (``force`` or ``area_code``, not both needed)."""
    lowered = [h.strip().lower() for h in header]
    found = {
        name: next((lowered.index(a) for a in aliases if a in lowered), -1) for name, aliases in COLUMN_NAMES.items()
    }
    for need in ("mid_year", "persons"):
        if found[need] < 0:
            raise InputFileError(
                label, f"line 1: no {need} column (one of {', '.join(COLUMN_NAMES[need])}; found: {', '.join(header)})"
            )
    if found["force"] < 0 and found["area_code"] < 0:
        raise InputFileError(label, "line 1: neither a force column nor an area_code column (district code)")
    return {name: i for name, i in found.items() if i >= 0}


def district_forces(areas: pd.DataFrame) -> dict[str, str]:
    """District code -> force: the district table's 2011 codes and :data:`SUCCESSOR_DISTRICTS`."""
    return {**dict(zip(areas["lad11cd"], areas["force"], strict=True)), **SUCCESSOR_DISTRICTS}


def _row(values: dict[str, str], districts: dict[str, str], forces: set[str]) -> tuple[tuple[int, str, str, int], str]:
    """One line as ``(year, force, key, persons)`` (key: the district or force counted), or its problem."""
    year, persons = values["mid_year"], values["persons"].replace(",", "")
    if not _YEAR.match(year):
        return (0, "", "", 0), f"mid_year {year!r} is not a year like 2017"
    if not _WHOLE.match(persons) or int(persons) == 0:
        return (0, "", "", 0), f"persons {values['persons']!r} is not a whole number above 0"
    if "area_code" in values and "force" not in values and not values["area_code"]:
        return (0, "", "", 0), "area_code is empty"
    code = values.get("area_code", "")
    if code:
        if code not in districts:
            return (0, "", "", 0), f"district {code!r} is not in the district table or its successors"
        return (int(year), districts[code], code, int(persons)), ""
    force = values.get("force", "")
    if force not in forces:
        return (0, "", "", 0), f"force {force!r} is not a force of the district table (names as the Home Office's)"
    return (int(year), force, force, int(persons)), ""


@dataclasses.dataclass
class _Reading:
    """What :func:`_records` has read so far."""

    records: list[tuple[int, str, int]] = dataclasses.field(default_factory=list)
    seen: dict[tuple[int, str], int] = dataclasses.field(default_factory=dict)
    lines: int = 0
    skipped: int = 0


def _records(text: str, label: str, areas: pd.DataFrame) -> _Reading:
    """Every line checked: ``(year, force, persons)`` records, the lines read and the lines
    of other geographies skipped (a district file's countries, regions and counties)."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header:
        raise InputFileError(label, "is empty")
    columns = _columns(header, label)
    districts, forces = district_forces(areas), set(areas["force"])
    read = _Reading()
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        read.lines += 1
        if len(row) <= max(columns.values()):
            raise InputFileError(label, f"line {line}: {len(row)} fields where the header has {len(header)}")
        values = {n: row[i].strip() for n, i in columns.items()}
        if "area_code" in values and values["area_code"] and not _DISTRICT.match(values["area_code"]):
            read.skipped += 1  # England, Wales, a region, a county, Scotland or Northern Ireland
            continue
        (year, force, key, persons), problem = _row(values, districts, forces)
        if problem:
            raise InputFileError(label, f"line {line}: {problem}")
        if (year, key) in read.seen:
            raise InputFileError(
                label, f"line {line}: {key} in mid-{year} is listed again (first on line {read.seen[year, key]})"
            )
        if twice := sorted(c for c in earlier_codes(key) if (year, c) in read.seen):
            raise InputFileError(
                label,
                f"line {line}: {key} in mid-{year} replaced {twice[0]}, also listed (line {read.seen[year, twice[0]]}): "
                "its residents would be counted twice",
            )
        if replaced := sorted(c for (y, c) in read.seen if y == year and key in earlier_codes(c)):
            raise InputFileError(
                label,
                f"line {line}: {key} in mid-{year} was replaced by {replaced[0]}, also listed "
                f"(line {read.seen[year, replaced[0]]}): its residents would be counted twice",
            )
        read.seen[year, key] = line
        read.records.append((year, force, persons))
    return read


def parse_populations(content: bytes, label: str, areas: pd.DataFrame | None = None) -> ForcePopulations:
    """Check a mid-year estimates file (bytes of the CSV) and return its force totals.

    Parameters
    ----------
    content : bytes
        The CSV (UTF-8), by force or by district (see the module notes).
    label : str
        The file's name, used in messages.
    areas : pandas.DataFrame, optional
        The district table (:func:`records.national_table.read_force_areas`; default the bundled one).

    Raises
    ------
    InputFileError
        Naming ``label``, the line and the problem; also when a year lacks a force that has
        residents in the district table (its rates would mix years).
    """
    areas = areas if areas is not None else national_table.read_force_areas()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(label, f"is not UTF-8 text (byte {exc.start}): save it as CSV UTF-8") from exc
    read = _records(text, label, areas)
    if not read.records:
        raise InputFileError(label, "has a header but no data row of a district or force")
    frame = pd.DataFrame.from_records(read.records, columns=["mid_year", "force", "persons"])
    rows = frame.groupby(["mid_year", "force"], as_index=False)["persons"].sum().astype({"persons": "int64"})
    for year, forces in rows.groupby("mid_year")["force"]:
        if missing := sorted(set(areas["force"]) - set(forces)):
            raise InputFileError(label, f"mid-{year} has no row for {len(missing)} force(s): {', '.join(missing[:5])}")
    return ForcePopulations(
        rows.sort_values(["mid_year", "force"]).reset_index(drop=True), label, read.lines, read.skipped
    )


def read_stored_populations(store_dir: Path | None = None) -> pd.DataFrame:
    """The stored estimates (``mid_year``, ``force``, ``persons``; empty when none is loaded)."""
    path = national_table.populations_path(store_dir)
    if not path.is_file():
        return pd.DataFrame({"mid_year": pd.Series(dtype="int64"), "force": [], "persons": pd.Series(dtype="int64")})
    try:
        return pd.read_csv(path, dtype={"mid_year": "int64", "force": str, "persons": "int64"})
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise StoreError(f"{path}: the stored population estimates cannot be read ({exc}); load them again") from exc


def store_populations(content: bytes, label: str, store_dir: Path | None = None) -> ForcePopulations:
    """Check a file and merge its years into the stored estimates (its years replace the
    same years; other years stay); a file that fails stores nothing."""
    table = parse_populations(content, label)
    with national_table.table_lock(store_dir):
        kept = read_stored_populations(store_dir)
        kept = kept[~kept["mid_year"].isin(table.years)]
        merged = pd.concat([kept, table.rows]).sort_values(["mid_year", "force"])
        atomic_write_bytes(national_table.populations_path(store_dir), merged.to_csv(index=False).encode("utf-8"))
    return table


def financial_year_mid_year(year: str) -> int:
    """The mid-year a financial year is read against: ``"2017/18"`` -> 2017."""
    return int(year[:4])


@dataclasses.dataclass(frozen=True)
class PopulationsInUse:
    """The residents a year's rates use, and what they are.

    Attributes
    ----------
    populations : pandas.DataFrame
        As :func:`records.national_table.force_populations`: ``force``, ``persons``,
        ``households``, ``hectares`` (households and hectares always census 2011).
    description : str
        What ``persons`` is, in a few words (``"ONS mid-2017 population estimates"`` or
        ``"census 2011"``).
    note : str
        Why other residents than the year's own estimates are used, and what is loaded (''
        when the year's estimates are used).
    """

    populations: pd.DataFrame
    description: str
    note: str = ""

    @property
    def estimated(self) -> bool:
        """True when ``persons`` are mid-year estimates (the year's own, or the latest before it)."""
        return self.description.startswith("ONS")


def populations_for_year(year: str, areas: pd.DataFrame, stored: pd.DataFrame) -> PopulationsInUse:
    """The force residents for a financial year's rates: the stored mid-year estimates of
    its first year (``2017/18`` -> mid-2017) if loaded, else the latest loaded before it
    (a table usually comes out before the estimates of its year), else census 2011 residents.

    Parameters
    ----------
    year : str
        A financial year, ``"2017/18"``.
    areas : pandas.DataFrame
        The district table (census 2011 residents, households and hectares).
    stored : pandas.DataFrame
        :func:`read_stored_populations`.
    """
    census = national_table.force_populations(areas)
    mid = financial_year_mid_year(year)
    loaded = sorted(int(y) for y in stored["mid_year"].unique())
    earlier = [y for y in loaded if y <= mid]
    if not earlier:
        have = f"those loaded are for {', '.join(f'mid-{y}' for y in loaded)}" if loaded else "none is loaded"
        note = (
            f"Rates for {year} use census 2011 residents: they are read against mid-{mid} population estimates, "
            f"and {have}. An admin loads ONS mid-year estimates on the Data page."
        )
        return PopulationsInUse(census, "census 2011", note)
    used = earlier[-1]
    estimates = stored[stored["mid_year"] == used].set_index("force")["persons"]
    out = census.copy()
    out["persons"] = out["force"].map(estimates).fillna(0).astype("int64")
    note = (
        ""
        if used == mid
        else f"Rates for {year} use mid-{used} population estimates, the latest loaded: mid-{mid} is not loaded."
    )
    return PopulationsInUse(out, f"ONS mid-{used} population estimates", note)
