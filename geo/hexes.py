"""H3 indexing: points to cells, parents, the district cell grid, hexagon outlines.

Cells are handled as 64-bit integers (``int64``; every valid H3 index is below 2**63),
with 0 meaning "no cell" (a row without coordinates). h3-py's traps are dealt with here
once: boundaries come as (lat, lng) and are flipped to (lng, lat) for GeoJSON, and
``geo_to_cells`` returns cells in no set order, so grids are sorted.
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import h3
import numpy as np
import pandas as pd

#: The "no cell" marker stored for incidents without coordinates.
NO_CELL = 0



def latlng_to_cells(
    latitude: np.ndarray,
    longitude: np.ndarray,
    resolution: int,
    memo: dict[complex, tuple[int, ...]] | None = None,
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
    memo : dict, optional
        As for :func:`latlng_to_cells_multi` (with this one resolution).
    """
    return latlng_to_cells_multi(latitude, longitude, (resolution,), memo)[resolution]


def latlng_to_cells_multi(
    latitude: np.ndarray,
    longitude: np.ndarray,
    resolutions: Sequence[int],
    memo: dict[complex, tuple[int, ...]] | None = None,
) -> dict[int, np.ndarray]:
    """Return the cell of each point at several resolutions (see :func:`latlng_to_cells`).

    Each resolution is indexed directly: H3 is not exactly nested, so the parent of a point's
    fine cell is not always the coarse cell that contains the point.

    Parameters
    ----------
    memo : dict, optional
        Cells already found, keyed by ``lat + 1j * lng``, one tuple per pair in the order of
        ``resolutions``; filled in as new pairs are met. Share it across the files of an
        ingest (and keep ``resolutions`` the same).
    """
    lat = np.asarray(latitude, dtype=np.float64)
    lng = np.asarray(longitude, dtype=np.float64)
    out = {r: np.zeros(len(lat), dtype=np.int64) for r in resolutions}
    ok = np.isfinite(lat) & np.isfinite(lng)
    if not ok.any():
        return out
    codes, unique = pd.factorize(lat[ok] + 1j * lng[ok])
    memo = {} if memo is None else memo
    found = np.empty((len(unique), len(resolutions)), dtype=np.int64)
    for i, key in enumerate(np.asarray(unique).tolist()):
        cells = memo.get(key)
        if cells is None:
            cells = memo[key] = tuple(
                h3.str_to_int(h3.latlng_to_cell(key.real, key.imag, r)) for r in resolutions
            )
        found[i] = cells
    for j, r in enumerate(resolutions):
        out[r][ok] = found[codes, j]
    return out


def cell_to_str(cell: int) -> str:
    """Return the usual hexadecimal form of an int cell (``'89195da49b7ffff'``)."""
    return h3.int_to_str(int(cell))


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
    return {
        i: sorted(position[n] for n in h3.grid_disk(t, k) if n != t and n in position)
        for i, t in enumerate(texts)
    }


def ring_distance_m(resolution: int) -> float:
    """Return the distance between the centres of neighbouring cells, in metres (average)."""
    return float(np.sqrt(3.0) * h3.average_hexagon_edge_length(resolution, unit="m"))
