"""What the comms plan asks for, as items a team can mark delivered, and what was delivered,
grouped into campaigns for the impact evaluation.

Pure functions. The stored delivery log and its checks are :mod:`records.delivery_log`; the plan is
:func:`models.targeting.make_plan`.

Every item and every delivery record carries the community's id **and** its name, district,
LSOA codes and H3 cells as they were when planned, so a later change in how community ids
are made, or a new analysis, never changes what a past delivery was about. Item ids are
digests of the kind, the cells and the planned date, not of the community id.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import pandas as pd

from models.targeting import Plan
from records.delivery_log import KINDS

#: What a figure made from synthetic delivery records says of them (after the synthetic label),
#: when the crime figures are real.
SYNTHETIC_CAMPAIGNS = (
    "the campaigns here are the demonstration's own delivery records, not real deliveries; the crime figures "
    "they are measured against are real."
)
#: The same when the crime figures are synthetic too (the demonstration history).
SYNTHETIC_CAMPAIGNS_AND_CRIME = (
    "the campaigns here are the demonstration's own delivery records, not real deliveries, and the crime figures "
    "they are measured against are synthetic too: the effects were injected by models/demo_history.py, so the "
    "page shows how well the evaluation recovers them."
)

#: Columns of :func:`plan_items`.
ITEM_COLUMNS = [
    "item_id",
    "kind",
    "planned_date",
    "community_id",
    "community_name",
    "district",
    "lsoa_codes",
    "cells",
    "resolution",
    "planned_flyers",
    "detail",
]


def join_codes(values: Sequence[object]) -> str:
    """Values joined with ';' (the stored form of LSOA codes and cells)."""
    return ";".join(str(v) for v in values)


def split_codes(text: object) -> list[str]:
    """The values of a ';'-joined text (empty text: none)."""
    return [t for t in str(text or "").split(";") if t.strip()]


def item_id(kind: str, cells: Sequence[int], planned_date: str) -> str:
    """A stable id of a plan item: a digest of its kind, cells and planned date."""
    key = f"{kind}|{join_codes(sorted(int(c) for c in cells))}|{planned_date}"
    return hashlib.sha256(key.encode()).hexdigest()[:12]


def plan_items(plan: Plan, communities: pd.DataFrame, resolution: int) -> pd.DataFrame:
    """The plan's flyer drops (one per chosen community, all its drop zones) and Facebook
    Live sessions, as items to mark delivered.

    Parameters
    ----------
    plan : Plan
        The comms plan.
    communities : pandas.DataFrame
        The community table the plan was made from (``community_id``, ``cells``).
    resolution : int
        The H3 resolution of the cells.

    Returns
    -------
    pandas.DataFrame
        :data:`ITEM_COLUMNS`; ``planned_date`` is ISO (a drop's is the window's first day).
    """
    cells_of = dict(zip(communities["community_id"], communities["cells"]))
    rows = []
    start = plan.constraints.start.isoformat()
    chosen = plan.communities[plan.communities["chosen"]]
    for c in chosen.itertuples():
        drops = plan.drops[plan.drops["community_id"] == c.community_id]
        cells = [int(x) for x in cells_of.get(c.community_id, [])]
        rows.append(
            {
                "item_id": item_id("flyer_drop", cells, start),
                "kind": "flyer_drop",
                "planned_date": start,
                "community_id": str(c.community_id),
                "community_name": str(c.name),
                "district": str(c.district),
                "lsoa_codes": join_codes(drops["lsoa_code"].tolist()),
                "cells": join_codes(cells),
                "resolution": resolution,
                "planned_flyers": int(drops["flyers"].sum()),
                "detail": f"{int(drops['flyers'].sum()):,} flyers in {len(drops)} LSOA(s)",
            }
        )
    for s in plan.sessions.itertuples():
        cells = [int(x) for x in cells_of.get(s.community_id, [])]
        day = pd.Timestamp(s.date).date().isoformat()
        lsoas = plan.drops.loc[plan.drops["community_id"] == s.community_id, "lsoa_code"].tolist()
        rows.append(
            {
                "item_id": item_id("facebook_live", cells, day),
                "kind": "facebook_live",
                "planned_date": day,
                "community_id": str(s.community_id),
                "community_name": str(s.name),
                "district": str(s.district),
                "lsoa_codes": join_codes(lsoas),
                "cells": join_codes(cells),
                "resolution": resolution,
                "planned_flyers": 0,
                "detail": f"{s.theme} at {s.spot}",
            }
        )
    return pd.DataFrame(rows, columns=ITEM_COLUMNS)


def with_status(items: pd.DataFrame, log: pd.DataFrame) -> pd.DataFrame:
    """The items with ``delivered`` (bool) and ``delivered_on`` (ISO date or "") from the log."""
    done = log[log["planned_item"] != ""].drop_duplicates("planned_item", keep="last")
    on = dict(zip(done["planned_item"], done["date"]))
    return items.assign(
        delivered=items["item_id"].isin(list(on)),
        delivered_on=[str(on.get(i, "")) for i in items["item_id"]],
    )


def item_label(item: pd.Series) -> str:
    """How an item reads in a picker: "Facebook Live session · 2026-12-01 · HC03 Leeds Road"."""
    return f"{KINDS[item['kind']]} · {item['planned_date']} · {item['community_id']} {item['community_name']}"


def _what(kinds: Sequence[str]) -> str:
    words = {"flyer_drop": "flyer drops", "facebook_live": "Facebook Live sessions", "media": "media pieces"}
    present = [words[k] for k in KINDS if k in set(kinds)]
    return " and ".join(present) if len(present) < 3 else f"{present[0]}, {present[1]} and {present[2]}"


#: Columns of :func:`campaigns`.
CAMPAIGN_COLUMNS = [
    "campaign",
    "community_id",
    "community_name",
    "district",
    "cells",
    "resolution",
    "start_month",
    "what",
    "deliveries",
    "flyers",
    "live_viewers",
]


def campaigns(log: pd.DataFrame) -> pd.DataFrame:
    """Deliveries in a place, grouped into campaigns (one per recorded set of cells).

    Media pieces with no community (a district-wide piece) are not a campaign of a place and
    are left out; they count in the public summary.

    Returns
    -------
    pandas.DataFrame
        :data:`CAMPAIGN_COLUMNS`: ``cells`` a list of int, ``start_month`` the month of the
        first delivery, ``what`` the kinds delivered in words; ordered by start.
    """
    placed = log[log["cells"].astype(str) != ""]
    if placed.empty:
        return pd.DataFrame(columns=CAMPAIGN_COLUMNS)
    rows = []
    for (cells, resolution), group in placed.groupby(["cells", "resolution"], sort=False):
        group = group.sort_values("date")
        first = group.iloc[0]
        rows.append(
            {
                "campaign": hashlib.sha256(f"{cells}|{resolution}".encode()).hexdigest()[:12],
                "community_id": str(first["community_id"]),
                "community_name": str(first["community_name"]),
                "district": str(first["district"]),
                "cells": [int(c) for c in split_codes(cells)],
                "resolution": int(resolution),
                "start_month": str(first["date"])[:7],
                "what": _what(group["kind"].tolist()),
                "deliveries": len(group),
                "flyers": int(group["flyers"].sum()),
                "live_viewers": int(group["live_viewers"].sum()),
            }
        )
    return (
        pd.DataFrame(rows, columns=CAMPAIGN_COLUMNS)
        .sort_values(["start_month", "community_name"])
        .reset_index(drop=True)
    )
