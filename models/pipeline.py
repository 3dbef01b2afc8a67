"""The hotspot pipeline as one call: values per cell -> Gi* -> communities.

Pure: takes frames and parameters, returns a result object.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
from libpysal.weights import W

from geo.schemas import H3_COLUMNS
from models.communities import CommunityParams, carry_ids, community_table
from models.hotspots import HotspotResult, gi_star, grid_values, ring_weights


@dataclasses.dataclass(frozen=True)
class HotspotParams:
    """Choices of the hotspot analysis.

    Attributes
    ----------
    resolution : int
        H3 resolution of the grid.
    k : int
        Ring distance of the Gi* weights.
    permutations : int
        Conditional permutations (999 or 9,999).
    seed : int
        Seed of the Gi* permutations (the community split has its own, ``community.seed``).
    use_fdr : bool
        Correct the bins for the false discovery rate.
    inference : {"permutation", "analytical"}
        How each cell is confirmed (:func:`models.hotspots.gi_star`); "analytical" is fast,
        used for reference analyses that only name places.
    harm_weighted : bool
        Weight each incident by its crime type's harm weight instead of counting it.
    community : CommunityParams
        How hot cells are grouped.
    """

    resolution: int = 9
    k: int = 1
    permutations: int = 999
    seed: int = 12345
    use_fdr: bool = True
    inference: str = "permutation"
    harm_weighted: bool = False
    community: CommunityParams = CommunityParams()


@dataclasses.dataclass(frozen=True)
class HotspotAnalysis:
    """Gi* of every grid cell and the communities built from the hot ones."""

    result: HotspotResult
    communities: gpd.GeoDataFrame
    params: HotspotParams


def incident_weights(incidents: pd.DataFrame, harm_weights: Mapping[str, float] | None) -> np.ndarray | None:
    """Harm weight of each incident (None = count every incident as 1)."""
    if harm_weights is None:
        return None
    weights: np.ndarray = incidents["crime_type"].astype(str).map(harm_weights).fillna(1.0).to_numpy(dtype=float)
    return weights


def analyse_hotspots(
    incidents: pd.DataFrame,
    grid: pd.DataFrame,
    lsoas: gpd.GeoDataFrame,
    harm_weights: Mapping[str, float],
    params: HotspotParams = HotspotParams(),
    weights: W | None = None,
) -> HotspotAnalysis:
    """Run Gi* over the grid and group the significant hot cells into communities.

    Parameters
    ----------
    incidents : pandas.DataFrame
        Incidents to analyse (already filtered by district, month and crime type).
    grid : pandas.DataFrame
        The grid at ``params.resolution`` (:func:`geo.hexes.lsoas_to_grid`).
    lsoas : geopandas.GeoDataFrame
        LSOAs with census figures.
    harm_weights : mapping
        Crime type -> harm weight (used for the community ranking always, and for the
        cell values when ``params.harm_weighted``).
    weights : libpysal.weights.W, optional
        Precomputed :func:`models.hotspots.ring_weights` of the grid.
    """
    cells = grid["cell"].to_numpy(dtype=np.int64)
    column = H3_COLUMNS[params.resolution]
    values = grid_values(
        cells,
        incidents[column].to_numpy(),
        incident_weights(incidents, harm_weights if params.harm_weighted else None),
    )
    w = weights if weights is not None else ring_weights(cells, params.k)
    result = gi_star(
        values,
        cells,
        k=params.k,
        permutations=params.permutations,
        seed=params.seed,
        use_fdr=params.use_fdr,
        weights=w,
        inference=params.inference,
    )
    hot = result.cells[result.bins >= params.community.min_bin]
    communities = community_table(hot, params.resolution, grid, incidents, lsoas, harm_weights, params.community)
    return HotspotAnalysis(result, communities, params)


def keep_earlier_ids(analysis: HotspotAnalysis, earlier: pd.DataFrame, min_share: float = 0.5) -> HotspotAnalysis:
    """The analysis with its communities named after the earlier period's communities they
    mostly overlap (:func:`models.communities.carry_ids`): a place keeps its id from
    one period to the next."""
    return HotspotAnalysis(analysis.result, carry_ids(analysis.communities, earlier, min_share), analysis.params)


def select_districts(analysis: HotspotAnalysis, grid: pd.DataFrame, districts: Sequence[str]) -> HotspotAnalysis:
    """The part of a county-wide analysis that lies in some districts.

    Hot spots are always found against the whole county (the Gi* study area is the five
    districts' grid), and a district filter is a view of that one analysis: the cells of the
    chosen districts, and the communities that touch them, with their county ids, names and
    ranks. So a community is the same place, with the same id, on every page.

    Parameters
    ----------
    analysis : HotspotAnalysis
        An analysis of the whole grid (:func:`analyse_hotspots` with no district filter).
    grid : pandas.DataFrame
        The grid it was run on (``cell``, ``district``).
    districts : sequence of str
        Districts to keep; empty keeps everything.
    """
    if not districts:
        return analysis
    chosen = set(districts)
    district_of = grid.set_index("cell")["district"].astype(str)
    r = analysis.result
    keep = district_of.reindex(r.cells).isin(chosen).to_numpy()
    result = dataclasses.replace(
        r,
        cells=r.cells[keep],
        values=r.values[keep],
        z=r.z[keep],
        p_sim=r.p_sim[keep],
        p_value=r.p_value[keep],
        bins=r.bins[keep],
    )
    touching = [bool(chosen & set(str(d).split(", "))) for d in analysis.communities["districts"]]
    communities = analysis.communities[touching].reset_index(drop=True)
    return HotspotAnalysis(result, communities, analysis.params)


def monthly_gi(
    incidents: pd.DataFrame,
    grid_cells: np.ndarray,
    resolution: int,
    months: Sequence[str],
    weights: W,
    harm_weights: Mapping[str, float] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Gi* bins and z-scores of every cell for each month (analytical inference).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Bins and z-scores, each (cells x months), months in the order given.
    """
    column = H3_COLUMNS[resolution]
    month_of = incidents["month"].astype(str).to_numpy()
    bins = np.zeros((len(grid_cells), len(months)), dtype=np.int8)
    z = np.zeros((len(grid_cells), len(months)))
    for j, month in enumerate(months):
        chosen = incidents.loc[month_of == month]
        values = grid_values(grid_cells, chosen[column].to_numpy(), incident_weights(chosen, harm_weights))
        r = gi_star(values, grid_cells, weights=weights, inference="analytical")
        bins[:, j] = r.bins
        z[:, j] = r.z
    return bins, z
