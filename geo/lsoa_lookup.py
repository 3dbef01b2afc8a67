"""The LSOA 2011 <-> 2021 lookup: which areas of one generation make up those of the other.

The lookup has the ONS columns ``LSOA11CD, LSOA11NM, LSOA21CD, LSOA21NM, CHGIND``, one row
per pair of a 2011 and a 2021 LSOA that share ground, with the change indicator of both:

``U``
    unchanged: the same code in both generations (ONS keeps a code only for an unchanged area);
``S``
    split: one 2011 area became several 2021 areas;
``M``
    merged: several 2011 areas became one 2021 area;
``X``
    complex: anything else (parts of several areas redrawn together).

ONS publishes the exact-fit lookup for England and Wales; it is not bundled, so
:func:`build_lookup` derives the same table for the five districts from the two boundary sets
(area of overlap in EPSG:27700, metres), and :func:`read_lookup` reads either that or the ONS
file as published. :class:`Generations` then tells a code's generation and puts LSOA codes
of either generation on the 2011 areas.

The derivation is deterministic (no randomness, sorted output): codes shared by both
generations are unchanged; among the other codes, a 2011 and a 2021 area are paired when
at least ``min_share`` (half) of either lies in the other. The bundled boundaries are
generalised differently (2011 super generalised, 2021 generalised), so neighbouring areas
overlap by slivers of up to 43 % of a small area: shares are never used for unchanged
codes, only among the changed ones, where every pair kept is above 0.5 and every pair
dropped below 0.1 in the bundled data.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from core.errors import InputFileError
from core.files import atomic_write_bytes
from core.settings import Settings, get_settings
from geo import boundaries

#: The lookup's columns, as ONS names them.
LOOKUP_COLUMNS: tuple[str, ...] = ("LSOA11CD", "LSOA11NM", "LSOA21CD", "LSOA21NM", "CHGIND")

#: Change indicators: unchanged, split, merged, complex.
CHANGE_KINDS: Mapping[str, str] = {"U": "unchanged", "S": "split", "M": "merged", "X": "complex"}

_CODE = re.compile(r"^[EW]01\d{6}$")


def build_lookup(
    lsoas11: gpd.GeoDataFrame, lsoas21: gpd.GeoDataFrame, crs_projected: str, min_share: float = 0.5
) -> pd.DataFrame:
    """Derive the 2011 <-> 2021 lookup from the two boundary sets.

    Parameters
    ----------
    lsoas11, lsoas21 : geopandas.GeoDataFrame
        The two generations (``lsoa_code``, ``lsoa_name``, ``geometry``), as read by
        :func:`geo.boundaries.read_lsoas` and :func:`geo.boundaries.read_lsoas_2021`.
    crs_projected : str
        Equal-distance CRS for areas (``"EPSG:27700"``, metres).
    min_share : float
        Share of an area (0 to 1) that must lie in the other for a changed pair to count.

    Returns
    -------
    pandas.DataFrame
        :data:`LOOKUP_COLUMNS`, sorted by 2011 then 2021 code. Every code of both sets
        appears at least once.
    """
    codes11, codes21 = set(lsoas11["lsoa_code"]), set(lsoas21["lsoa_code"])
    names11 = dict(zip(lsoas11["lsoa_code"], lsoas11["lsoa_name"]))
    names21 = dict(zip(lsoas21["lsoa_code"], lsoas21["lsoa_name"]))
    same = codes11 & codes21
    pairs = _changed_pairs(
        lsoas11[~lsoas11["lsoa_code"].isin(same)], lsoas21[~lsoas21["lsoa_code"].isin(same)], crs_projected, min_share
    )
    kinds = _classify(pairs)
    rows = [(c, c, "U") for c in same] + [(a, b, kinds[(a, b)]) for a, b in pairs]
    out = pd.DataFrame(
        {
            "LSOA11CD": [a for a, _, _ in rows],
            "LSOA11NM": [names11[a] for a, _, _ in rows],
            "LSOA21CD": [b for _, b, _ in rows],
            "LSOA21NM": [names21[b] for _, b, _ in rows],
            "CHGIND": [k for _, _, k in rows],
        },
        columns=list(LOOKUP_COLUMNS),
    )
    return out.sort_values(["LSOA11CD", "LSOA21CD"]).reset_index(drop=True)


def _changed_pairs(
    old: gpd.GeoDataFrame, new: gpd.GeoDataFrame, crs_projected: str, min_share: float
) -> list[tuple[str, str]]:
    """Pairs of changed 2011 and 2021 codes sharing at least ``min_share`` of either area;
    a code left without a pair takes the area of the other generation it overlaps most."""
    if old.empty or new.empty:
        return []
    a = old.to_crs(crs_projected).reset_index(drop=True)
    b = new.to_crs(crs_projected).reset_index(drop=True)
    ia, ib = b.sindex.query(a.geometry.values, predicate="intersects")
    shared = shapely.area(shapely.intersection(a.geometry.values[ia], b.geometry.values[ib]))
    share_a = shared / a.geometry.area.to_numpy()[ia]
    share_b = shared / b.geometry.area.to_numpy()[ib]
    code_a, code_b = a["lsoa_code"].to_numpy()[ia], b["lsoa_code"].to_numpy()[ib]
    keep = (share_a >= min_share) | (share_b >= min_share)
    pairs = {(str(x), str(y)) for x, y in zip(code_a[keep], code_b[keep])}
    for codes, other, pick in ((a["lsoa_code"], code_a, 0), (b["lsoa_code"], code_b, 1)):
        paired = {p[pick] for p in pairs}
        for code in sorted(set(codes) - paired):
            mine = np.flatnonzero(other == code)
            if len(mine):
                best = mine[np.argmax(shared[mine])]
                pairs.add((str(code_a[best]), str(code_b[best])))
    return sorted(pairs)


def _classify(pairs: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """CHGIND of each changed pair from its connected group: one 2011 area and several 2021
    ones is a split (S), several 2011 and one 2021 a merge (M), anything else complex (X)."""
    group: dict[str, str] = {}

    def find(node: str) -> str:
        while group.setdefault(node, node) != node:
            node = group[node]
        return node

    for a, b in pairs:
        group[find("11:" + a)] = find("21:" + b)
    members: dict[str, tuple[set[str], set[str]]] = {}
    for a, b in pairs:
        root = find("11:" + a)
        old, new = members.setdefault(root, (set(), set()))
        old.add(a)
        new.add(b)
    kinds = {}
    for a, b in pairs:
        old, new = members[find("11:" + a)]
        kinds[(a, b)] = "S" if len(old) == 1 and len(new) > 1 else "M" if len(new) == 1 and len(old) > 1 else "X"
    return kinds


def lookup_csv(lookup: pd.DataFrame) -> bytes:
    """The lookup as CSV bytes (UTF-8, ``\\n`` line ends), as :func:`write_lookup` writes it."""
    buf = io.StringIO()
    lookup[list(LOOKUP_COLUMNS)].to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue().encode("utf-8")


def write_lookup(lookup: pd.DataFrame, path: Path) -> None:
    """Write the lookup to ``path`` atomically (the whole file or nothing)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, lookup_csv(lookup))


def read_lookup(path: Path) -> pd.DataFrame:
    """Read a lookup in the ONS columns: the bundled one, or the ONS file as published.

    Other columns (``LAD22CD``, ``ObjectId`` …) are ignored; a byte-order mark is allowed.

    Returns
    -------
    pandas.DataFrame
        :data:`LOOKUP_COLUMNS`, one row per distinct pair.

    Raises
    ------
    InputFileError
        Unreadable, a column missing, or a line with a code that is not an LSOA code
        or a change indicator other than U, S, M, X (the first such line is named).
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(path, f"cannot be read ({exc})") from exc
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    if missing := [c for c in LOOKUP_COLUMNS if c not in header]:
        raise InputFileError(path, f"missing columns {missing}; a lookup has {', '.join(LOOKUP_COLUMNS)}")
    reader.fieldnames = header
    rows = []
    for line, record in enumerate(reader, start=2):
        row = tuple(str(record.get(c) or "").strip() for c in LOOKUP_COLUMNS)
        for column, value in ((0, row[0]), (2, row[2])):
            if not _CODE.match(value):
                raise InputFileError(path, f"line {line}: {LOOKUP_COLUMNS[column]} {value!r} is not an LSOA code")
        if row[4] not in CHANGE_KINDS:
            raise InputFileError(path, f"line {line}: CHGIND {row[4]!r} is not one of U, S, M, X")
        if row[4] == "U" and row[0] != row[2]:
            raise InputFileError(path, f"line {line}: an unchanged (U) area keeps its code, not {row[0]} -> {row[2]}")
        rows.append(row)
    if not rows:
        raise InputFileError(path, "holds no lookup rows")
    out = pd.DataFrame(rows, columns=list(LOOKUP_COLUMNS)).drop_duplicates()
    return out.sort_values(["LSOA11CD", "LSOA21CD"]).reset_index(drop=True)


@dataclasses.dataclass(frozen=True)
class Generations:
    """The two generations of LSOAs of the five districts and the lookup between them.

    Attributes
    ----------
    lsoas11, lsoas21 : geopandas.GeoDataFrame
        The 2011 and 2021 areas (``lsoa_code``, ``lsoa_name``, ``district``, ``geometry``).
    lookup : pandas.DataFrame
        :data:`LOOKUP_COLUMNS`, restricted to the codes of the five districts.
    """

    lsoas11: gpd.GeoDataFrame
    lsoas21: gpd.GeoDataFrame
    lookup: pd.DataFrame

    @property
    def only_2011(self) -> frozenset[str]:
        """Codes of 2011 areas that no longer exist in 2021."""
        return frozenset(self.lsoas11["lsoa_code"]) - frozenset(self.lsoas21["lsoa_code"])

    @property
    def only_2021(self) -> frozenset[str]:
        """Codes of 2021 areas that did not exist in 2011."""
        return frozenset(self.lsoas21["lsoa_code"]) - frozenset(self.lsoas11["lsoa_code"])

    def generation_of(self, codes: pd.Series) -> str:
        """Say which generation a set of published codes belongs to: ``"2011"``,
        ``"2021"``, ``"2011 and 2021"`` (codes of both), or ``""`` (only codes both share,
        or none: the codes do not tell)."""
        present = set(codes.astype(str).unique())
        old, new = bool(present & self.only_2011), bool(present & self.only_2021)
        return "2011 and 2021" if old and new else "2011" if old else "2021" if new else ""

    def to_2011(self, codes: np.ndarray, longitude: np.ndarray, latitude: np.ndarray) -> np.ndarray:
        """Put LSOA codes of either generation on the 2011 areas.

        A 2011 code (unchanged or not) stays. A 2021 code of a split area goes to the
        2011 area it was split from: exact. A 2021 code of a merged or redrawn area, which
        covers several 2011 areas, goes to the one of them nearest the row's point (0 m when
        the point lies in it; ties to the one sharing most ground), or, without a point, to
        the one sharing most ground with it (see :meth:`parents`). This is the one
        approximation of the lookup: the bundled 2011 boundaries are super generalised, so a
        point near the edge between two merged areas may go to the other one (in the test
        month made from July 2017, 7 of the 9 incidents recoded to a merged area went back to
        their own 2011 area; the merged group's total is always exact). Other codes (other
        areas, empty) stay as they are.

        Parameters
        ----------
        codes : numpy.ndarray
            Published LSOA codes (text).
        longitude, latitude : numpy.ndarray
            The rows' points in degrees (NaN where missing).
        """
        codes = np.asarray(codes, dtype=object)
        out = codes.copy()
        parents = self.parents()
        lon = np.asarray(longitude, dtype=float)
        lat = np.asarray(latitude, dtype=float)
        geometry = self.lsoas11.set_index("lsoa_code").geometry
        for code in sorted(set(codes.tolist()) & self.only_2021):
            rows = np.flatnonzero(codes == code)
            candidates = parents[code]
            out[rows] = candidates[0]
            if len(candidates) == 1:
                continue
            ok = rows[np.isfinite(lon[rows]) & np.isfinite(lat[rows])]
            if not len(ok):
                continue
            points = shapely.points(lon[ok], lat[ok])
            distance = np.stack([shapely.distance(geometry[c], points) for c in candidates])
            out[ok] = np.array(candidates, dtype=object)[np.argmin(distance, axis=0)]  # first wins a tie
        return out

    def parents(self) -> dict[str, list[str]]:
        """2021 code -> its 2011 areas, the one sharing most ground first (then by code)."""
        overlap = self._overlap()
        out: dict[str, list[str]] = {}
        for new, group in self.lookup.groupby("LSOA21CD", sort=True):
            olds = sorted(group["LSOA11CD"], key=lambda old: (-overlap.get((old, str(new)), 0.0), old))
            out[str(new)] = olds
        return out

    def _overlap(self) -> dict[tuple[str, str], float]:
        changed = self.lookup[self.lookup["CHGIND"] == "M"].to_numpy().tolist()
        changed += self.lookup[self.lookup["CHGIND"] == "X"].to_numpy().tolist()
        if not changed:
            return {}
        g11 = self.lsoas11.set_index("lsoa_code").geometry
        g21 = self.lsoas21.set_index("lsoa_code").geometry
        return {
            (a, b): float(shapely.area(shapely.intersection(g11[a], g21[b])))
            for a, _, b, _, _ in changed
            if a in g11.index and b in g21.index
        }


def on_2011_areas(incidents: pd.DataFrame, generations: Generations) -> pd.DataFrame:
    """Put incidents' LSOAs on the 2011 areas, so that a series crossing the change (trends,
    year-on-year, communities' LSOA lists) counts each area one way.

    Rows whose ``lsoa_code`` is a 2021 code found only in 2021 get the 2011 code and name of
    :meth:`Generations.to_2011`; every other row, and every other column, is unchanged, and
    the published codes are kept in a ``published_lsoa`` column (a period of months published
    on 2021 areas is analysed on them: :func:`models.areas.incidents_on_2021_areas`). The frame
    is returned as it is (no copy, no ``published_lsoa``) when no row needs it.

    Parameters
    ----------
    incidents : pandas.DataFrame
        Stored incidents (``lsoa_code``, ``lsoa_name``, ``longitude``, ``latitude``).
    generations : Generations
        Both generations and the lookup.
    """
    codes = incidents["lsoa_code"]
    newer = codes.isin(sorted(generations.only_2021)).to_numpy()
    if not newer.any():
        return incidents
    rows = incidents.loc[newer]
    moved = generations.to_2011(
        rows["lsoa_code"].astype(str).to_numpy(),
        rows["longitude"].to_numpy(dtype=float, na_value=np.nan),
        rows["latitude"].to_numpy(dtype=float, na_value=np.nan),
    )
    names = dict(zip(generations.lsoas11["lsoa_code"], generations.lsoas11["lsoa_name"]))
    out = incidents.copy()
    out["published_lsoa"] = codes
    for column, values in (("lsoa_code", moved), ("lsoa_name", np.array([names[c] for c in moved], dtype=object))):
        series = out[column]
        if isinstance(series.dtype, pd.CategoricalDtype):
            extra = sorted(set(values.tolist()) - set(series.cat.categories))
            series = series.cat.add_categories(extra)
        series = series.copy()
        series.loc[newer] = values
        out[column] = series
    return out


def restrict(lookup: pd.DataFrame, lsoas11: gpd.GeoDataFrame, lsoas21: gpd.GeoDataFrame, path: Path) -> pd.DataFrame:
    """The rows of a (national) lookup for the five districts' codes; every 2021 code of the
    five districts must be there, or the file is refused naming the first missing code."""
    mine = lookup[
        lookup["LSOA21CD"].isin(set(lsoas21["lsoa_code"])) | lookup["LSOA11CD"].isin(set(lsoas11["lsoa_code"]))
    ]
    if missing := sorted(set(lsoas21["lsoa_code"]) - set(mine["LSOA21CD"])):
        raise InputFileError(path, f"has no row for the 2021 LSOA {missing[0]} ({len(missing)} missing)")
    return mine.reset_index(drop=True)


def read_generations(settings: Settings | None = None) -> Generations:
    """Read both generations of LSOAs and the lookup in force (``settings.lsoa_lookup_file``:
    an admin's ONS file, else the bundled one), restricted to the five districts.

    Raises
    ------
    InputFileError
        A boundary file or the lookup is unusable, or the lookup lacks a 2021 area of the
        five districts.
    """
    settings = settings or get_settings()
    lsoas11 = boundaries.read_lsoas(settings)
    lsoas21 = boundaries.read_lsoas_2021(settings)
    path = settings.lsoa_lookup_file
    lookup = restrict(read_lookup(path), lsoas11, lsoas21, path)
    return Generations(lsoas11, lsoas21, lookup)
