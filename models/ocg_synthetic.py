"""A seeded generator of SYNTHETIC organised-crime-group data for demonstrations.

There is no public OCG data. This makes a register faithful to the published strategy's
figures (146 OCGs: drugs supply 69, organised acquisitive crime 34, criminal finances 13,
modern slavery and human trafficking 12, county lines 12, firearms 3, child sexual
exploitation and abuse 3; 40 operating across county borders) and activity records placed
at the map points of real incidents of related crime types. Everything it makes is labelled
synthetic demonstration data.

Pure functions of a seed (and the incidents to place activity near); the command that
writes the demo files is :mod:`cli.ocg_synthetic`:

    python -m cli.ocg_synthetic [--seed 2017] [--out data/ocg_demo]
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from records.ocg_schema import (
    ACTIVITY_COLUMNS,
    DISRUPTION_LEVELS,
    REGISTER_COLUMNS,
    STRANDS,
)

#: OCGs per principal criminality (the strategy's figures).
SPLIT: dict[str, int] = {
    "drugs supply": 69,
    "organised acquisitive crime": 34,
    "criminal finances": 13,
    "modern slavery and human trafficking": 12,
    "county lines": 12,
    "firearms": 3,
    "child sexual exploitation and abuse": 3,
}
CROSS_BORDER = 40

#: data.police.uk crime types near which each criminality's activity is placed.
RELATED_CRIME: dict[str, tuple[str, ...]] = {
    "drugs supply": ("Drugs", "Possession of weapons"),
    "county lines": ("Drugs", "Possession of weapons"),
    "organised acquisitive crime": ("Burglary", "Robbery", "Vehicle crime"),
    "criminal finances": ("Other theft", "Shoplifting", "Other crime"),
    "modern slavery and human trafficking": ("Other crime", "Violence and sexual offences"),
    "firearms": ("Possession of weapons", "Violence and sexual offences"),
    "child sexual exploitation and abuse": ("Violence and sexual offences",),
}

#: Districts weighted by population (census 2011), for home districts.
_DISTRICT_WEIGHTS = {
    "Bradford": 522_452,
    "Calderdale": 203_826,
    "Kirklees": 422_458,
    "Leeds": 751_485,
    "Wakefield": 325_837,
}


def make_register(seed: int) -> pd.DataFrame:
    """The synthetic register: 146 OCGs with the strategy's split and 40 cross-border."""
    rng = np.random.default_rng(seed)
    criminality = [c for c, n in SPLIT.items() for _ in range(n)]
    n = len(criminality)
    districts = list(_DISTRICT_WEIGHTS)
    weights = np.array(list(_DISTRICT_WEIGHTS.values()), dtype=float)
    home = rng.choice(districts, size=n, p=weights / weights.sum())
    cross = np.zeros(n, dtype=bool)
    cross[rng.choice(n, size=CROSS_BORDER, replace=False)] = True
    tier = rng.choice([1, 2, 3], size=n, p=[0.15, 0.35, 0.5])
    status = rng.choice(["active", "archived", "dismantled"], size=n, p=[0.8, 0.1, 0.1])
    return pd.DataFrame(
        {
            "ocg_id": [f"OCG-{i + 1:03d}" for i in range(n)],
            "alias": [f"Synthetic group {i + 1}" for i in range(n)],
            "principal_criminality": criminality,
            "home_district": home,
            "cross_border": np.where(cross, "yes", "no"),
            "threat_tier": tier,
            "status": status,
        }
    )[list(REGISTER_COLUMNS)]


def make_activity(
    register: pd.DataFrame,
    incidents: pd.DataFrame,
    seed: int,
    start: dt.date,
    months: int = 12,
    per_group: tuple[int, int] = (4, 30),
) -> pd.DataFrame:
    """Synthetic activity records at the map points of related real incidents.

    Parameters
    ----------
    incidents : pandas.DataFrame
        Real incidents (``crime_type``, ``district``, ``longitude``, ``latitude``,
        ``lsoa_code``) to place activity near.
    start : datetime.date
        First day of the period covered.
    months : int
        Length of the period.
    per_group : (int, int)
        Fewest and most records per OCG.
    """
    rng = np.random.default_rng(seed + 1)
    mapped = incidents[incidents["longitude"].notna() & (incidents["district"].astype(str) != "")]
    days = (start.replace(year=start.year + months // 12) - start).days or 365
    rows = []
    for g in register.itertuples():
        pool = mapped[mapped["crime_type"].astype(str).isin(RELATED_CRIME[g.principal_criminality])]
        local = pool[pool["district"].astype(str) == g.home_district]
        pool = local if len(local) >= 20 else pool
        if pool.empty:  # no related incident loaded: any mapped incident of the district
            pool = mapped
        count = int(rng.integers(per_group[0], per_group[1] + 1))
        picks = pool.iloc[rng.integers(0, len(pool), size=count)]
        for p in picks.itertuples():
            kind = rng.choice(
                ["intelligence report", "arrest", "seizure", "warrant", "disruption"], p=[0.45, 0.15, 0.12, 0.08, 0.2]
            )
            rows.append(
                {
                    "ocg_id": g.ocg_id,
                    "date": (start + dt.timedelta(days=int(rng.integers(0, days)))).isoformat(),
                    "longitude": round(float(p.longitude), 6),
                    "latitude": round(float(p.latitude), 6),
                    "lsoa_code": str(p.lsoa_code),
                    "activity_type": str(kind),
                    "disruption_level": str(rng.choice(DISRUPTION_LEVELS, p=[0.15, 0.35, 0.5]))
                    if kind == "disruption"
                    else "",
                    "strand": str(rng.choice(STRANDS, p=[0.7, 0.1, 0.1, 0.1])) if kind == "disruption" else "pursue",
                }
            )
    return pd.DataFrame(rows, columns=list(ACTIVITY_COLUMNS)).sort_values(["date", "ocg_id"]).reset_index(drop=True)
