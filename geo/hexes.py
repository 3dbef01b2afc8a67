"""H3 indexing: points to cells, the district cell grid, hexagon outlines, cell sizes.

Cells are handled as 64-bit integers (``int64``; every valid H3 index is below 2**63),
with 0 meaning "no cell" (a row without coordinates). h3-py's traps are dealt with here
once: boundaries come as (lat, lng) and are flipped to (lng, lat) for GeoJSON, and
``geo_to_cells`` returns cells in no set order, so grids are sorted.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import geopandas as gpd
import h3
import numpy as np
import pandas as pd
import shapely
from h3.api.basic_int import latlng_to_cell as _latlng_to_cell

#: The "no cell" marker stored for incidents without coordinates.
NO_CELL = 0


class CellMemo:
    """Cells of coordinate pairs already indexed, shared by the files of one ingest.

    data.police.uk snaps crimes to a fixed set of anonymised map points, so consecutive
    months repeat most pairs; each pair is indexed once. Lookups are vectorised (a hash
    index over all known pairs) and safe from several threads.

    Parameters
    ----------
    resolutions : sequence of int
        The H3 resolutions kept for every pair, in this order.
    """

    def __init__(self, resolutions: Sequence[int]) -> None:
        self.resolutions = tuple(int(r) for r in resolutions)
        self._keys = pd.Index(np.empty(0, dtype=np.complex128))
        self._cells = np.empty((0, len(self.resolutions)), dtype=np.int64)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._keys)

    def pairs_to_cells(self, keys: np.ndarray) -> np.ndarray:
        """Return the cells of distinct pairs (``lat + 1j * lng``), one row per pair.

        Returns
        -------
        numpy.ndarray
            int64, shape ``(len(keys), len(resolutions))``.
        """
        with self._lock:
            known, cells = self._keys, self._cells
        position = known.get_indexer(keys)
        missing = position < 0
        out = np.empty((len(keys), len(self.resolutions)), dtype=np.int64)
        out[~missing] = cells[position[~missing]]
        if missing.any():
            new_keys = keys[missing]
            new_cells = np.fromiter(
                (_latlng_to_cell(k.real, k.imag, r) for k in new_keys.tolist() for r in self.resolutions),
                dtype=np.int64,
                count=len(new_keys) * len(self.resolutions),
            ).reshape(-1, len(self.resolutions))
            out[missing] = new_cells
            with self._lock:
                fresh = ~pd.Index(new_keys).isin(self._keys)
                self._keys = self._keys.append(pd.Index(new_keys[fresh]))
                self._cells = np.concatenate([self._cells, new_cells[fresh]])
        return out


def latlng_to_cells(
    latitude: np.ndarray,
    longitude: np.ndarray,
    resolution: int,
    memo: CellMemo | None = None,
) -> np.ndarray:
    """Return the H3 cell of each point, as int64 (0 where a coordinate is NaN).

    Each distinct coordinate pair is indexed once: data.police.uk snaps crimes to a fixed set
    of map points, so a month of West Yorkshire (about 28,000 rows) has about 12,500 pairs.

    Parameters
    ----------
    latitude, longitude : numpy.ndarray
        Degrees, EPSG:4326.
    resolution : int
        H3 resolution, 0 to 15.
    memo : CellMemo, optional
        Pairs already indexed (its resolutions must include ``resolution``).
    """
    return latlng_to_cells_multi(latitude, longitude, (resolution,), memo)[resolution]


def latlng_to_cells_multi(
    latitude: np.ndarray,
    longitude: np.ndarray,
    resolutions: Sequence[int],
    memo: CellMemo | None = None,
) -> dict[int, np.ndarray]:
    """Return the cell of each point at several resolutions (see :func:`latlng_to_cells`).

    Each resolution is indexed directly: H3 is not exactly nested, so the parent of a point's
    fine cell is not always the coarse cell that contains the point.

    Parameters
    ----------
    latitude, longitude : numpy.ndarray
        Degrees, EPSG:4326.
    resolutions : sequence of int
        H3 resolutions, 0 to 15.
    memo : CellMemo, optional
        Pairs already indexed; its resolutions must include every one asked for.
    """
    lat = np.asarray(latitude, dtype=np.float64)
    lng = np.asarray(longitude, dtype=np.float64)
    codes, unique = _factorize_pairs(lat, lng)
    pair_ok = np.isfinite(unique)
    memo = memo if memo is not None else CellMemo(resolutions)
    found = np.zeros((len(unique), len(memo.resolutions)), dtype=np.int64)  # 0 for the NaN pair
    found[pair_ok] = memo.pairs_to_cells(unique[pair_ok])
    return {r: found[:, memo.resolutions.index(int(r))][codes] for r in resolutions}


_MICRO = 1e6  # data.police.uk publishes degrees with 6 decimals


def _factorize_pairs(lat: np.ndarray, lng: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return a code per point and the distinct pairs as ``lat + 1j * lng`` (NaN for a
    pair with a missing coordinate; all such pairs share one code).

    Pairs given in whole microdegrees (as data.police.uk gives them) are packed into one
    int64 each, which hashes three times faster than the complex pair; that is exact only
    when every point survives the round trip, which is checked, else the pair is hashed.
    """
    ok = np.isfinite(lat) & np.isfinite(lng)
    with np.errstate(invalid="ignore"):
        lat_u = np.rint(np.where(ok, lat, 0.0) * _MICRO)
        lng_u = np.rint(np.where(ok, lng, 0.0) * _MICRO)
    exact = bool(np.all((lat_u / _MICRO == lat) | ~ok) and np.all((lng_u / _MICRO == lng) | ~ok))
    if exact and np.all(np.abs(lat_u) < 2**27) and np.all(np.abs(lng_u) < 2**28):
        key = ((lat_u.astype(np.int64) + 2**27) << 29) | (lng_u.astype(np.int64) + 2**28)
        key[~ok] = -1
        codes, unique_key = pd.factorize(key)
        unique_key = np.asarray(unique_key)
        u_lat = ((unique_key >> 29) - 2**27) / _MICRO
        u_lng = ((unique_key & (2**29 - 1)) - 2**28) / _MICRO
        unique = np.where(unique_key == -1, np.nan + 0j, u_lat + 1j * u_lng)
        return codes, unique
    codes, unique = pd.factorize(np.where(ok, lat + 1j * lng, np.nan + 0j), use_na_sentinel=False)
    return codes, np.asarray(unique)


def cell_to_str(cell: int) -> str:
    """Return the usual hexadecimal form of an int cell (``'89195da49b7ffff'``)."""
    return str(h3.int_to_str(int(cell)))


def lsoas_to_grid(lsoas: gpd.GeoDataFrame, resolution: int) -> pd.DataFrame:
    """Return the full H3 grid of the given LSOAs: every cell whose centre lies in one.

    Cells with no incident are part of the grid, so that they count as zeros in statistics.

    Parameters
    ----------
    lsoas : geopandas.GeoDataFrame
        EPSG:4326 polygons with ``lsoa_code``, ``msoa_code``, ``msoa_name``,
        ``district_code`` and ``district`` (see :func:`geo.boundaries.read_lsoas`).
    resolution : int
        H3 resolution.

    Returns
    -------
    pandas.DataFrame
        ``cell`` (int64, sorted, unique), ``lsoa_code``, ``msoa_code``, ``msoa_name``,
        ``district_code``, ``district``.
    """
    cells: list[int] = []
    owner: list[int] = []
    for i, geom in enumerate(lsoas.geometry.values):
        found = h3.geo_to_cells(geom, resolution)
        cells.extend(h3.str_to_int(c) for c in found)
        owner.extend([i] * len(found))
    frame = pd.DataFrame({"cell": np.array(cells, dtype=np.int64), "row": owner})
    frame = frame.drop_duplicates("cell").sort_values("cell").reset_index(drop=True)
    attrs = lsoas[["lsoa_code", "msoa_code", "msoa_name", "district_code", "district"]]
    attrs = attrs.reset_index(drop=True)
    out = attrs.iloc[frame["row"].to_numpy()].reset_index(drop=True)
    out.insert(0, "cell", frame["cell"].to_numpy())
    return out


def cells_to_rings(cells: np.ndarray, decimals: int = 5) -> list[list[list[float]]]:
    """Return each cell's outline as a closed GeoJSON ring of [lng, lat] pairs.

    Parameters
    ----------
    cells : numpy.ndarray
        int64 cells.
    decimals : int
        Decimals kept (5 ≈ 1 m), to keep what is sent to a browser small.
    """
    rings = []
    for cell in np.asarray(cells, dtype=np.int64).tolist():
        boundary = h3.cell_to_boundary(h3.int_to_str(cell))  # (lat, lng) pairs
        ring = [[round(lng, decimals), round(lat, decimals)] for lat, lng in boundary]
        ring.append(ring[0])
        rings.append(ring)
    return rings


def cells_to_centroids(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the (latitude, longitude) of each cell's centre, in degrees."""
    pts = [h3.cell_to_latlng(h3.int_to_str(c)) for c in np.asarray(cells, dtype=np.int64).tolist()]
    arr = np.array(pts, dtype=np.float64).reshape(-1, 2)
    return arr[:, 0], arr[:, 1]


def cells_to_neighbours(cells: np.ndarray, k: int = 1) -> dict[int, list[int]]:
    """Return, for each cell's position, the positions of the cells within k rings of it.

    Only cells present in ``cells`` count (the grid's edge has fewer neighbours); a cell is
    not its own neighbour. Positions index into ``cells``.

    Parameters
    ----------
    cells : numpy.ndarray
        int64 cells of one resolution, no repeats.
    k : int
        Ring distance (1 = the six touching cells).
    """
    texts = [h3.int_to_str(c) for c in np.asarray(cells, dtype=np.int64).tolist()]
    position = {t: i for i, t in enumerate(texts)}
    return {i: sorted(position[n] for n in h3.grid_disk(t, k) if n != t and n in position) for i, t in enumerate(texts)}


def cells_to_disk(cells: Sequence[int], k: int) -> set[int]:
    """Every cell within ``k`` H3 rings of some cells (the cells themselves included),
    whether or not it lies on the district grid."""
    out: set[int] = set()
    for c in {int(c) for c in cells}:
        out.update(h3.str_to_int(n) for n in h3.grid_disk(h3.int_to_str(c), k))
    return out


def ring_distance_m(resolution: int) -> float:
    """Return the distance between the centres of neighbouring cells, in metres (average)."""
    return float(np.sqrt(3.0) * h3.average_hexagon_edge_length(resolution, unit="m"))


def cells_to_outline(cells: Sequence[int], decimals: int = 7) -> shapely.Geometry:
    """Return the dissolved outline of cells: the union of their hexagons.

    Parameters
    ----------
    cells : sequence of int
        int64 cells (any resolutions; usually one).
    decimals : int
        Decimals kept in the hexagons' vertices (7 ≈ 1 cm) before the union, so that shared
        edges match exactly.

    Returns
    -------
    shapely.Geometry
        Polygon (cells in one piece) or MultiPolygon, in (lng, lat) degrees, EPSG:4326;
        an empty GeometryCollection for no cells.
    """
    rings = cells_to_rings(np.asarray(cells, dtype=np.int64), decimals=decimals)
    return shapely.union_all([shapely.Polygon(r) for r in rings])


def resolution_to_cell_area_km2(resolution: int) -> float:
    """Return the average area of a hexagon at an H3 resolution, in km².

    H3's published average (``h3.average_hexagon_area``): 5.16 km² at resolution 7,
    0.737 km² at 8, 0.105 km² at 9, 0.0150 km² at 10. A cell's own area differs from the
    average by up to about a factor of two across the globe (less within one country).

    Parameters
    ----------
    resolution : int
        H3 resolution, 0 to 15.
    """
    return float(h3.average_hexagon_area(resolution, unit="km^2"))
