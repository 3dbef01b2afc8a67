"""Hot spots across the county border: neighbouring forces' hexagons near West Yorkshire.

Pure functions. Neighbouring forces' incidents are counted per H3 cell by
:meth:`geo.national_store.NationalStore.cell_counts` (DuckDB, the store read in place);
here they are kept where the cell's centre lies within a buffer of the county
(:func:`border_area`), their hot cells marked, and the cross-border organised crime groups
listed with the neighbouring hot spots they touch. West Yorkshire's own analyses never see
these rows: they read the home force's partitions only.
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import h3
import numpy as np
import pandas as pd
import shapely

from geo.schemas import H3_COLUMNS

#: Share of the neighbouring border hexagons marked hot: the top decile by incidents.
HOT_QUANTILE = 0.9


def border_area(districts: gpd.GeoDataFrame, buffer_m: float, crs_projected: str) -> shapely.Geometry:
    """The county and a band of ``buffer_m`` metres around it, in EPSG:4326 degrees.

    Parameters
    ----------
    districts : geopandas.GeoDataFrame
        District polygons (any CRS).
    buffer_m : float
        Width of the band, in metres (buffered in ``crs_projected``).
    crs_projected : str
        A metric CRS (``"EPSG:27700"``).
    """
    county = districts.to_crs(crs_projected).union_all()
    band = gpd.GeoSeries([county.buffer(buffer_m)], crs=crs_projected).to_crs("EPSG:4326")
    return band.iloc[0]


def border_cells(counts: pd.DataFrame, area: shapely.Geometry, hot_quantile: float = HOT_QUANTILE) -> pd.DataFrame:
    """Neighbouring forces' cells whose centre lies in ``area``, with the hot ones marked.

    Parameters
    ----------
    counts : pandas.DataFrame
        ``force``, ``cell`` (int64 H3 cell), ``incidents``.
    area : shapely geometry
        In EPSG:4326 (:func:`border_area`).
    hot_quantile : float
        Cells at or above this quantile of incidents (over every border cell) are ``hot``.

    Returns
    -------
    pandas.DataFrame
        ``force``, ``cell``, ``incidents``, ``hot`` (bool); most incidents first. A cell
        shared by two forces' rows appears once per force.
    """
    if counts.empty:
        return pd.DataFrame(
            {
                "force": pd.Series(dtype="object"),
                "cell": pd.Series(dtype="int64"),
                "incidents": pd.Series(dtype="int64"),
                "hot": pd.Series(dtype="bool"),
            }
        )
    unique = np.unique(counts["cell"].to_numpy(dtype=np.int64))
    centres = np.array([h3.cell_to_latlng(h3.int_to_str(int(c))) for c in unique])
    inside = shapely.contains_xy(area, centres[:, 1], centres[:, 0])
    out = counts[counts["cell"].isin(unique[inside])].copy()
    threshold = float(out["incidents"].quantile(hot_quantile)) if len(out) else 0.0
    out["hot"] = out["incidents"] >= threshold
    return out.sort_values(["incidents", "force", "cell"], ascending=[False, True, True]).reset_index(drop=True)[
        ["force", "cell", "incidents", "hot"]
    ]


def ocgs_touching(
    activity: pd.DataFrame, register: pd.DataFrame, cells: pd.DataFrame, resolution: int, rings: int = 1
) -> pd.DataFrame:
    """Cross-border OCGs (``cross_border == "yes"``) with the neighbouring hot spots they
    touch: activity in a hot cell or within ``rings`` rings of one.

    Parameters
    ----------
    activity : pandas.DataFrame
        OCG activity with its H3 columns (``h3_r7`` …), as :mod:`records.ocg_store` stores it.
    register : pandas.DataFrame
        The OCG register.
    cells : pandas.DataFrame
        :func:`border_cells` at ``resolution``.
    resolution : int
    rings : int
        How many rings of neighbours around a hot cell count as touching it.

    Returns
    -------
    pandas.DataFrame
        ``ocg_id``, ``principal_criminality``, ``threat_tier``, ``forces`` (neighbouring
        forces whose hot spots it touches, comma-separated), ``hot_spots`` (hot cells
        touched), ``incidents`` (in those cells), ``records`` (its activity records near
        them); most hot spots first.
    """
    columns = ["ocg_id", "principal_criminality", "threat_tier", "forces", "hot_spots", "incidents", "records"]
    hot = cells[cells["hot"]]
    crossing = register[register["cross_border"] == "yes"]
    mine = activity[activity["ocg_id"].isin(crossing["ocg_id"])]
    if hot.empty or mine.empty:
        return pd.DataFrame(columns=columns)
    near = pd.DataFrame(
        [(h3.str_to_int(n), int(c)) for c in hot["cell"].unique() for n in h3.grid_disk(h3.int_to_str(int(c)), rings)],
        columns=["activity_cell", "cell"],
    )
    touched = mine[["ocg_id", H3_COLUMNS[resolution]]].rename(columns={H3_COLUMNS[resolution]: "activity_cell"})
    pairs = touched.merge(near, on="activity_cell")
    if pairs.empty:
        return pd.DataFrame(columns=columns)
    records = pairs.groupby("ocg_id").size().rename("records")
    links = pairs[["ocg_id", "cell"]].drop_duplicates().merge(hot, on="cell")
    summary = links.groupby("ocg_id").agg(
        forces=("force", lambda s: ", ".join(sorted(set(s)))),
        hot_spots=("cell", "nunique"),
        incidents=("incidents", "sum"),
    )
    out = (
        summary.join(records)
        .reset_index()
        .merge(crossing[["ocg_id", "principal_criminality", "threat_tier"]], on="ocg_id", how="left")
    )
    return out.sort_values(["hot_spots", "incidents", "ocg_id"], ascending=[False, False, True]).reset_index(drop=True)[
        columns
    ]


def neighbour_forces(stored: Sequence[str], neighbours: Sequence[str]) -> list[str]:
    """The neighbouring forces (``settings.neighbour_forces``) that the store holds."""
    held = set(stored)
    return [f for f in neighbours if f in held]
