"""Hotspot communities: significant hot cells grouped into named, ranked places.

Hot cells are clustered with scikit-learn's DBSCAN on their centres in metres
(``settings.crs_projected``, EPSG:27700). The neighbourhood radius is 1.5 times the
distance between neighbouring cell centres, so touching hot cells join and a gap of a whole
cell does not. A group larger than ``max_cells`` (a city centre can be one hot area of 18 km²) is split into parts of about
that size with k-means on the cell centres weighted by incidents, so that every community
is a place a team can cover. Both steps run on sorted cells with fixed seeds, so the same
inputs and parameters always give the same communities.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
from sklearn.cluster import DBSCAN, KMeans

from core.settings import get_settings
from geo import hexes
from geo.crs import lnglat_to_projected
from geo.schemas import H3_COLUMNS


@dataclasses.dataclass(frozen=True)
class CommunityParams:
    """Parameters of the grouping.

    Attributes
    ----------
    min_bin : int
        Smallest Gi* bin counted as hot (1 = 90 % confidence).
    eps_rings : float
        DBSCAN radius, in distances between neighbouring cell centres.
    min_cells : int
        Smallest community, in cells; smaller groups are left out of the ranking.
    max_cells : int
        Largest community, in cells, before it is split (30 cells at resolution 9 are about
        3 km²; the number is scaled by cell area at other resolutions).
    seed : int
        Seed of the k-means split.
    top_streets : int
        Streets kept per community.
    """

    min_bin: int = 1
    eps_rings: float = 1.5
    min_cells: int = 2
    max_cells: int = 30
    top_streets: int = 5
    seed: int = 0


def cluster_cells(
    cells: np.ndarray,
    resolution: int,
    eps_rings: float = 1.5,
    weights: np.ndarray | None = None,
    max_cells: int | None = None,
    seed: int = 0,
) -> np.ndarray:
    """Return a community label per cell.

    DBSCAN (min_samples 1) on projected centres (metres, EPSG:27700) joins cells closer than ``eps_rings``
    neighbour distances; groups above ``max_cells`` are split by k-means weighted by
    ``weights``. Labels are numbered in the order of each community's smallest cell.

    Parameters
    ----------
    cells : numpy.ndarray
        int64 cells of one resolution.
    resolution : int
        Their H3 resolution.
    weights : numpy.ndarray, optional
        Incidents per cell, used to place the split (default 1 each).
    max_cells : int, optional
        Split groups larger than this; None never splits.
    """
    cells = np.asarray(cells, dtype=np.int64)
    if len(cells) == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.argsort(cells, kind="stable")
    sorted_cells = cells[order]
    w = np.ones(len(cells)) if weights is None else np.asarray(weights, dtype=float)[order]
    lat, lng = hexes.cells_to_centroids(sorted_cells)
    x, y = lnglat_to_projected(lng, lat)
    xy = np.column_stack([x, y])
    eps = eps_rings * hexes.ring_distance_m(resolution)
    raw = DBSCAN(eps=eps, min_samples=1, algorithm="kd_tree").fit_predict(xy)
    if max_cells:
        next_label = int(raw.max()) + 1
        for label in np.unique(raw):
            members = np.flatnonzero(raw == label)
            if len(members) <= max_cells:
                continue
            parts = int(np.ceil(len(members) / max_cells))
            km = KMeans(n_clusters=parts, n_init=10, random_state=seed)
            sub = km.fit_predict(xy[members], sample_weight=np.maximum(w[members], 0.1))
            for part in range(1, parts):
                raw[members[sub == part]] = next_label
                next_label += 1
    first_seen: dict[int, int] = {}
    for label in raw:
        first_seen.setdefault(int(label), len(first_seen))
    labels = np.empty(len(cells), dtype=np.int64)
    labels[order] = [first_seen[int(label)] for label in raw]
    return labels


#: data.police.uk's generic place types, used instead of a street name for some map points
#: (poor names for a community). Any name with a "/" is one too.
PLACE_TYPES = frozenset(
    {
        "no location",
        "supermarket",
        "parking area",
        "shopping area",
        "petrol station",
        "nightclub",
        "pedestrian subway",
        "prison",
        "hospital",
        "police station",
        "motorway service area",
        "place of worship",
        "railway station",
        "bus station",
        "shopping centre",
        "supermarket car park",
    }
)


def is_street(name: str) -> bool:
    """Return True when a location names a street rather than a generic place type."""
    text = name.strip().lower()
    return bool(text) and "/" not in text and text not in PLACE_TYPES


def street(location: str) -> str:
    """The street of a data.police.uk location: "On or near " dropped, "'S" read as "'s"
    (and "s'S" as the plural possessive "s'")."""
    text = location.strip()
    text = text[len("On or near ") :] if text.lower().startswith("on or near ") else text
    text = re.sub(r"s'S\b", "s'", text)  # "Queens'S Court" (a plural possessive) -> "Queens' Court"
    return re.sub(r"'S\b", "'s", text)


def anchor_lsoa(cell_lsoas: pd.Series, incident_lsoas: pd.Series) -> str:
    """The LSOA a community is named by: the one holding most of its cells.

    Ties go to the LSOA with more of the community's incidents, then to the smaller code,
    so the anchor depends on the place and its incidents only, never on other communities.

    Parameters
    ----------
    cell_lsoas : pandas.Series
        LSOA code of each of the community's cells (the grid's LSOA of the cell centre).
    incident_lsoas : pandas.Series
        LSOA code of each of the community's incidents.
    """
    cells = cell_lsoas.value_counts()
    if cells.empty:
        return ""
    incidents = incident_lsoas.value_counts()
    ranked = sorted(cells.index, key=lambda code: (-int(cells[code]), -int(incidents.get(code, 0)), str(code)))
    return str(ranked[0])


def community_ids(anchors: pd.Series, first_cells: pd.Series) -> list[str]:
    """Ids derived from the place: ``"HC-"`` and the anchor LSOA's code.

    A community keeps its id whatever it ranks and whatever else is analysed with it, so
    every page, export and PDF names the same place the same way. When two communities share
    an anchor (a large area split in two), the one with the smaller H3 cell keeps the plain
    id and the others get ``-2``, ``-3``... by their smallest cell.

    Parameters
    ----------
    anchors : pandas.Series
        Anchor LSOA code of each community (:func:`anchor_lsoa`).
    first_cells : pandas.Series
        Smallest H3 cell (int64) of each community, aligned with ``anchors``.
    """
    frame = pd.DataFrame({"anchor": anchors.to_numpy(), "first": first_cells.to_numpy()})
    order = frame.sort_values(["anchor", "first"], kind="stable")
    suffix = order.groupby("anchor").cumcount() + 1
    ids = pd.Series(
        [f"HC-{a}" if n == 1 else f"HC-{a}-{n}" for a, n in zip(order["anchor"], suffix)], index=order.index
    )
    return [str(i) for i in ids.reindex(frame.index)]


def id_to_lsoa(community_id: str) -> str:
    """The LSOA code a community id is named after (:func:`community_ids`): ``"HC-E01011365"``,
    ``"HC-E01011365-2"`` and ``"HC-E01011365-new"`` give ``"E01011365"``."""
    return str(community_id).removeprefix("HC-").split("-")[0]


#: Ending of the id of a community whose own place-derived id an earlier community passed on
#: (:func:`carry_ids`).
NEW_SUFFIX = "-new"


def new_id_note(ids: Iterable[str]) -> str:
    """What an id ending :data:`NEW_SUFFIX` means, for the ids of a table (empty when none
    ends so).

    Parameters
    ----------
    ids : iterable of str
        The community ids shown.

    Returns
    -------
    str
        One sentence naming the ``-new`` ids and the ids they stand beside, or "".
    """
    new = sorted({str(i) for i in ids if str(i).endswith(NEW_SUFFIX)})
    if not new:
        return ""
    named = ", ".join(new[:5]) + (f" and {len(new) - 5:,} more" if len(new) > 5 else "")
    example = new[0].removesuffix(NEW_SUFFIX)
    return (
        f"Ids ending {NEW_SUFFIX} ({named}) mark a community new in this period whose place would give it the id "
        f"of an earlier community: that id (e.g. {example}) stays with the community that continues the "
        "earlier one (the community of this period with half or more of its hexagons inside it), so the same "
        "id always means the same hot spot."
    )


def kept_id_note(communities: pd.DataFrame) -> str:
    """What an id carried from an earlier period means when the LSOA it is named after is
    not among the community's LSOAs now (the hot spot moved, or the period is on the other
    generation of LSOAs: an id named after a 2011 LSOA kept on the 2021 areas); "" when none.

    Parameters
    ----------
    communities : pandas.DataFrame
        Community table (:func:`community_table` after :func:`carry_ids`) with
        ``community_id``, ``carried_from`` and ``lsoas`` (list of LSOA codes).

    Returns
    -------
    str
        One sentence naming such ids (five at most, then how many more), or "".
    """
    if communities.empty or not {"carried_from", "lsoas"} <= set(communities.columns):
        return ""
    kept = []
    for row in communities.itertuples():
        if str(row.carried_from) and id_to_lsoa(row.community_id) not in set(row.lsoas):
            kept.append(str(row.community_id))
    if not kept:
        return ""
    listed = ", ".join(kept[:5]) + (f" and {len(kept) - 5:,} more" if len(kept) > 5 else "")
    return (
        f"{listed} keep the id of the earlier period's hot spot they continue, named after the LSOA where it was "
        "first found; that LSOA is not among their LSOAs now (the hot spot has moved, or this period is on the "
        "other generation of LSOAs). An id names a hot spot, not an area."
    )


def carry_ids(current: pd.DataFrame, earlier: pd.DataFrame, min_share: float = 0.5) -> pd.DataFrame:
    """Give a later period's communities the ids of the earlier ones they mostly overlap.

    A current community takes the id of the earlier community that holds the
    largest share of its cells, when that share is at least ``min_share``; each earlier id
    goes to one current community at most (the one it overlaps most, then the higher
    ranked). Other communities keep their own place-derived ids, unless that id is one an
    earlier community passed on, in which case it is marked ``-new``.

    Parameters
    ----------
    current, earlier : pandas.DataFrame
        Community tables (:func:`community_table`) with ``community_id``, ``name``, ``cells``.
    min_share : float
        Smallest share (0..1) of a current community's cells inside an earlier one.

    The name stays the current one: it describes the period's own streets.

    Returns
    -------
    pandas.DataFrame
        ``current`` with ``community_id`` carried over where it applies, and
        ``carried_from`` (the earlier id, or "").
    """
    out = current.copy()
    out["carried_from"] = ""
    if out.empty or earlier.empty:
        return out
    owner = {int(c): str(row.community_id) for row in earlier.itertuples() for c in row.cells}
    candidates = []
    for i, cells in enumerate(out["cells"]):
        shares: dict[str, int] = {}
        for c in cells:
            hit = owner.get(int(c))
            if hit is not None:
                shares[hit] = shares.get(hit, 0) + 1
        if shares:
            best, n = max(shares.items(), key=lambda kv: (kv[1], kv[0]))
            share = n / max(len(cells), 1)
            if share >= min_share:
                candidates.append((-share, i, best))
    taken: set[str] = set()
    ids, carried = list(out["community_id"]), [""] * len(out)
    for _, i, earlier_id in sorted(candidates):
        if earlier_id in taken:
            continue
        taken.add(earlier_id)
        ids[i], carried[i] = earlier_id, earlier_id
    ids = [f"{cid}{NEW_SUFFIX}" if not carried[i] and cid in taken else cid for i, cid in enumerate(ids)]
    out["community_id"], out["carried_from"] = ids, carried
    return out


def community_table(
    hot_cells: np.ndarray,
    resolution: int,
    grid: pd.DataFrame,
    incidents: pd.DataFrame,
    lsoas: gpd.GeoDataFrame,
    harm_weights: Mapping[str, float],
    params: CommunityParams = CommunityParams(),
) -> gpd.GeoDataFrame:
    """Group hot cells into communities and describe each one.

    Parameters
    ----------
    hot_cells : numpy.ndarray
        int64 cells judged hot (e.g. ``HotspotResult.cells[bins >= 1]``).
    resolution : int
        Their H3 resolution.
    grid : pandas.DataFrame
        The district grid at that resolution (:func:`geo.hexes.lsoas_to_grid`).
    incidents : pandas.DataFrame
        The incidents analysed (filtered), with ``crime_type``, ``location``, ``month`` and
        the H3 column of the resolution.
    lsoas : geopandas.GeoDataFrame
        LSOAs with ``persons`` and ``households`` (the census the period uses, see
        :func:`models.analysis.lsoas_with_census`).
    harm_weights : mapping
        Crime type -> weight for the harm score.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per community, ranked by harm score (then incidents): ``rank``,
        ``community_id`` (``"HC-"`` and the anchor LSOA's code, see :func:`community_ids`),
        ``anchor_lsoa``, ``name``, ``districts``, ``n_cells``, ``area_km2``,
        ``incidents``, ``harm``, ``residents``, ``households`` (census, shared by area),
        ``top_crime_types``, ``streets``, ``lsoas``, ``msoas``, ``cells`` (list of int),
        ``lsoa_households`` (LSOA -> households inside the community), ``lsoa_streets``
        (LSOA -> its most frequent streets in the community), ``lsoa_districts`` (LSOA -> its
        district), ``district_harm`` (district -> harm of the incidents in the community's
        cells of that district, placed by the grid's district of the cell; adds up to
        ``harm``), ``by_type`` (dict), ``by_month`` (dict), ``geometry`` (dissolved outline,
        in ``settings.crs_geographic``, EPSG:4326).
    """
    hot_cells = np.unique(np.asarray(hot_cells, dtype=np.int64))
    cell_col = H3_COLUMNS[resolution]
    per_cell = incidents[cell_col].value_counts().reindex(hot_cells).fillna(0).to_numpy()
    scale = hexes.resolution_to_cell_area_km2(9) / hexes.resolution_to_cell_area_km2(resolution)
    max_cells = max(params.min_cells, int(round(params.max_cells * scale)))
    labels = cluster_cells(hot_cells, resolution, params.eps_rings, per_cell, max_cells, params.seed)
    parts = _Parts.of(hot_cells, labels, resolution, grid, incidents, lsoas, harm_weights)
    rows = [
        parts.describe(label, hot_cells[labels == label], params.top_streets)
        for label in np.unique(labels)
        if (labels == label).sum() >= params.min_cells
    ]
    crs = get_settings().crs_geographic  # the outlines are in the stored coordinates' CRS
    if not rows:
        return gpd.GeoDataFrame({c: [] for c in COMMUNITY_TABLE_COLUMNS}, geometry=gpd.GeoSeries([], crs=crs))
    table = pd.DataFrame(rows).sort_values(["harm", "incidents", "n_cells"], ascending=False, kind="stable")
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    table.insert(1, "community_id", community_ids(table["anchor_lsoa"], table.pop("first_cell")))
    return gpd.GeoDataFrame(table.reset_index(drop=True), geometry="geometry", crs=crs)


#: The columns of :func:`community_table` (geometry aside).
COMMUNITY_TABLE_COLUMNS = [
    "rank",
    "community_id",
    "anchor_lsoa",
    "name",
    "districts",
    "n_cells",
    "area_km2",
    "incidents",
    "harm",
    "residents",
    "households",
    "top_crime_types",
    "streets",
    "lsoas",
    "msoas",
    "cells",
    "lsoa_households",
    "lsoa_streets",
    "lsoa_districts",
    "district_harm",
    "by_type",
    "by_month",
]


@dataclasses.dataclass(frozen=True)
class _Parts:
    """What every community of one :func:`community_table` call is described from: the grid
    by cell, LSOA sizes in cells and census figures, and the incidents in hot cells with
    their community label, harm weight and the district of their cell."""

    grid_idx: pd.DataFrame
    cells_per_lsoa: pd.Series
    census: pd.DataFrame
    inc: pd.DataFrame
    inc_label: np.ndarray
    weights: pd.Series
    inc_district: np.ndarray
    cell_area: float

    @classmethod
    def of(
        cls,
        hot_cells: np.ndarray,
        labels: np.ndarray,
        resolution: int,
        grid: pd.DataFrame,
        incidents: pd.DataFrame,
        lsoas: gpd.GeoDataFrame,
        harm_weights: Mapping[str, float],
    ) -> _Parts:
        cell_col = H3_COLUMNS[resolution]
        grid_idx = grid.set_index("cell")
        inc = incidents[incidents[cell_col].isin(hot_cells)]
        label_of = dict(zip(hot_cells.tolist(), labels.tolist()))
        return cls(
            grid_idx=grid_idx,
            cells_per_lsoa=grid.groupby("lsoa_code").size(),
            census=lsoas.set_index("lsoa_code")[["persons", "households"]],
            inc=inc,
            inc_label=inc[cell_col].map(label_of).to_numpy(),
            weights=inc["crime_type"].astype(str).map(harm_weights).fillna(1.0),
            inc_district=inc[cell_col].map(grid_idx["district"]).to_numpy(),  # hot cells are grid cells
            cell_area=hexes.resolution_to_cell_area_km2(resolution),
        )

    def describe(self, label: int, cells: np.ndarray, top_streets: int) -> dict[str, object]:
        """One community's row (before its rank and id): name, places, census shares by
        area, harm and its districts, streets by LSOA, mix by type and month, outline."""
        in_label = self.inc_label == label
        mine = self.inc[in_label]
        on_grid = self.grid_idx.reindex(cells).dropna(subset=["lsoa_code"])
        lsoa_share = (on_grid.groupby("lsoa_code").size() / self.cells_per_lsoa).dropna()
        shared = self.census.reindex(lsoa_share.index).mul(lsoa_share, axis=0)
        district_harm = self.weights[in_label].groupby(self.inc_district[in_label]).sum()
        by_type = mine["crime_type"].astype(str).value_counts()
        streets = mine["location"].astype(str).map(street).value_counts()
        streets = streets[streets.index != ""]
        msoa_names = on_grid["msoa_name"].value_counts()
        top_msoa = str(msoa_names.index[0]) if len(msoa_names) else ""
        named = [s for s in streets.index if is_street(s)] or list(streets.index)
        name_streets = " & ".join(named[:2]) if named else "no named street"
        return {
            "anchor_lsoa": anchor_lsoa(on_grid["lsoa_code"].astype(str), mine["lsoa_code"].astype(str)),
            "first_cell": int(cells.min()),
            "name": f"{name_streets} ({top_msoa})" if top_msoa else name_streets,
            "districts": ", ".join(sorted(on_grid["district"].astype(str).unique())),
            "n_cells": len(cells),
            "area_km2": round(len(cells) * self.cell_area, 3),
            "incidents": len(mine),
            "harm": float(self.weights[in_label].sum()),
            "residents": round(float(shared["persons"].sum())),
            "households": round(float(shared["households"].sum())),
            "top_crime_types": ", ".join(by_type.index[:3]),
            "streets": list(streets.index[:top_streets]),
            "lsoas": sorted(on_grid["lsoa_code"].astype(str).unique()),
            "msoas": sorted(msoa_names.index.astype(str)),
            "cells": cells.tolist(),
            "lsoa_households": {str(k): round(float(v), 1) for k, v in shared["households"].items()},
            "lsoa_streets": _lsoa_streets(mine, lsoa_share.index),
            "lsoa_districts": {
                str(k): str(v)
                for k, v in on_grid.groupby("lsoa_code", observed=True)["district"].first().items()
                if k in lsoa_share.index
            },
            "district_harm": {str(k): float(v) for k, v in district_harm.sort_index().items()},
            "by_type": {str(k): int(v) for k, v in by_type.items()},
            "by_month": {str(k): int(v) for k, v in mine["month"].astype(str).value_counts().sort_index().items()},
            "geometry": hexes.cells_to_outline(cells.tolist()),
        }


def _lsoa_streets(mine: pd.DataFrame, lsoas: pd.Index) -> dict[str, list[str]]:
    """Each of the community's LSOAs -> its three most frequent streets in the community."""
    return {
        str(code): [s for s in group["location"].astype(str).map(street).value_counts().index if is_street(s)][:3]
        for code, group in mine.groupby(mine["lsoa_code"].astype(str), observed=True)
        if code in lsoas
    }
