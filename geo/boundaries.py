"""LSOA, MSOA and district polygons with census 2011 figures, and the 2021 LSOAs.

Two generations of LSOAs exist: 2011 (1,388 in the five districts, the areas of the census
2011 figures, the grid and the hotspot communities) and 2021 (1,404; data.police.uk's
areas since its June 2023 changelog). :func:`read_lsoas` reads the 2011 ones with their
census figures, :func:`read_lsoas_2021` the 2021 ones; :mod:`geo.lsoa_lookup` relates them.

All polygons are returned in EPSG:4326 (longitude, latitude degrees), as published by the
ONS; project with ``to_crs(settings.crs_projected)`` (EPSG:27700) for metres.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyogrio.errors import DataLayerError, DataSourceError

from core.errors import InputFileError
from core.settings import Settings, get_settings

#: Columns of the frame returned by :func:`read_lsoas` (besides ``geometry``).
LSOA_COLUMNS: tuple[str, ...] = (
    "lsoa_code",
    "lsoa_name",
    "msoa_code",
    "msoa_name",
    "district_code",
    "district",
    "persons",
    "households",
    "hectares",
)


def read_lsoas(settings: Settings | None = None) -> gpd.GeoDataFrame:
    """Read the LSOA polygons of the five districts, joined to census 2011 figures.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per LSOA, columns :data:`LSOA_COLUMNS` and ``geometry`` (EPSG:4326).
        ``persons`` (usual residents) and ``households`` are census 2011 counts; ``hectares``
        is the LSOA's area.

    Raises
    ------
    InputFileError
        A file is missing, a column is missing, or a code repeats.
    """
    settings = settings or get_settings()
    path = settings.lsoa_boundaries_file
    try:
        gdf = gpd.read_file(path)
    except (DataSourceError, DataLayerError, OSError, ValueError) as exc:
        raise InputFileError(path, f"cannot be read as GeoJSON ({exc})") from exc
    need = {"LSOA11CD", "LSOA11NM", "MSOA11CD", "MSOA11NM", "LAD11CD", "LAD11NM"}
    if missing := need - set(gdf.columns):
        raise InputFileError(path, f"missing columns {sorted(missing)}")
    gdf = gdf.rename(
        columns={
            "LSOA11CD": "lsoa_code",
            "LSOA11NM": "lsoa_name",
            "MSOA11CD": "msoa_code",
            "MSOA11NM": "msoa_name",
            "LAD11CD": "district_code",
            "LAD11NM": "district",
        }
    )
    gdf = gdf[gdf["district_code"].isin(list(settings.districts))]
    if gdf["lsoa_code"].duplicated().any():
        raise InputFileError(path, "an LSOA code appears twice")
    gdf = gdf.set_crs(settings.crs_geographic, allow_override=True)
    gdf["geometry"] = shapely.make_valid(gdf.geometry.values)

    pop_path = settings.lsoa_population_file
    try:
        pop = pd.read_csv(pop_path, dtype={"LSOA11CD": "str"})
    except (OSError, pd.errors.ParserError) as exc:
        raise InputFileError(pop_path, f"cannot be read ({exc})") from exc
    if missing := {"LSOA11CD", "persons", "households", "hectares"} - set(pop.columns):
        raise InputFileError(pop_path, f"missing columns {sorted(missing)}")
    pop = pop.rename(columns={"LSOA11CD": "lsoa_code"})[["lsoa_code", "persons", "households", "hectares"]]
    gdf = gdf.merge(pop, on="lsoa_code", how="left")
    for col in ("persons", "households", "hectares"):
        gdf[col] = gdf[col].fillna(0)
    gdf["persons"] = gdf["persons"].astype("int64")
    gdf["households"] = gdf["households"].astype("int64")
    gdf = gdf.sort_values("lsoa_code").reset_index(drop=True)
    return gpd.GeoDataFrame(gdf[[*LSOA_COLUMNS, "geometry"]], geometry="geometry")


#: Columns of the frame returned by :func:`read_lsoas_2021` (besides ``geometry``).
LSOA21_COLUMNS: tuple[str, ...] = ("lsoa_code", "lsoa_name", "district_code", "district")


def read_lsoas_2021(settings: Settings | None = None) -> gpd.GeoDataFrame:
    """Read the 2021 LSOA polygons of the five districts (one GeoJSON per district).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per 2021 LSOA, columns :data:`LSOA21_COLUMNS` and ``geometry``
        (EPSG:4326), sorted by code. The district is the file's (``LADCD_ACTIVE``).

    Raises
    ------
    InputFileError
        A district's file is missing or unreadable, lacks ``LSOA21CD``/``LSOA21NM``/
        ``LADCD_ACTIVE``, holds an area of another district, or a code repeats.
    """
    settings = settings or get_settings()
    frames = []
    for code, name in sorted(settings.districts.items()):
        path = settings.lsoa2021_boundaries_dir / f"{code}.geojson"
        try:
            gdf = gpd.read_file(path)
        except (DataSourceError, DataLayerError, OSError, ValueError) as exc:
            raise InputFileError(path, f"cannot be read as GeoJSON ({exc})") from exc
        if missing := {"LSOA21CD", "LSOA21NM", "LADCD_ACTIVE"} - set(gdf.columns):
            raise InputFileError(path, f"missing columns {sorted(missing)}")
        if other := sorted(set(gdf["LADCD_ACTIVE"].astype(str)) - {code}):
            raise InputFileError(path, f"holds areas of district {other[0]}, not only {code} ({name})")
        gdf = gdf.set_crs(settings.crs_geographic, allow_override=True)
        frames.append(
            gpd.GeoDataFrame(
                {
                    "lsoa_code": gdf["LSOA21CD"].astype(str).to_numpy(),
                    "lsoa_name": gdf["LSOA21NM"].astype(str).to_numpy(),
                    "district_code": code,
                    "district": name,
                },
                geometry=shapely.make_valid(gdf.geometry.values),
                crs=settings.crs_geographic,
            )
        )
    out = pd.concat(frames, ignore_index=True)
    if out["lsoa_code"].duplicated().any():
        repeated = out.loc[out["lsoa_code"].duplicated(), "lsoa_code"].iloc[0]
        raise InputFileError(settings.lsoa2021_boundaries_dir, f"the LSOA code {repeated} appears twice")
    out = out.sort_values("lsoa_code").reset_index(drop=True)
    return gpd.GeoDataFrame(out[[*LSOA21_COLUMNS, "geometry"]], geometry="geometry", crs=settings.crs_geographic)


def lsoas_to_districts(lsoas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Dissolve LSOAs into district polygons.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per district: ``district_code``, ``district``, ``persons``, ``households``,
        ``geometry`` (EPSG:4326), sorted by district name.
    """
    out = lsoas.dissolve(
        by=["district_code", "district"], aggfunc={"persons": "sum", "households": "sum"}
    ).reset_index()
    return out.sort_values("district").reset_index(drop=True)


def points_to_lsoa(longitude: np.ndarray, latitude: np.ndarray, lsoas: gpd.GeoDataFrame) -> np.ndarray:
    """Return the LSOA code of the polygon holding each point ('' where none does).

    Parameters
    ----------
    longitude, latitude : numpy.ndarray
        Coordinates in degrees (EPSG:4326); NaN gives ''.
    lsoas : geopandas.GeoDataFrame
        As returned by :func:`read_lsoas`.
    """
    out = np.full(len(longitude), "", dtype=object)
    ok = np.isfinite(longitude) & np.isfinite(latitude)
    if not ok.any():
        return out
    points = shapely.points(longitude[ok], latitude[ok])
    point_idx, poly_idx = lsoas.sindex.query(points, predicate="intersects")
    # A point on a shared edge meets two polygons: keep the first for a stable answer.
    first = np.unique(point_idx, return_index=True)[1]
    found = np.flatnonzero(ok)
    out[found[point_idx[first]]] = lsoas["lsoa_code"].to_numpy()[poly_idx[first]]
    return out
