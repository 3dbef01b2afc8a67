"""Plan items, their match to deliveries, and campaigns grouped by place."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from core.settings import override_settings
from models import delivery as delivery_model
from records import delivery_log as delivery
from tests.unit.models.test_targeting import make_communities, plan_for_tests
from tests.unit.records.test_delivery_log import CELLS, TODAY, session_record


@pytest.fixture()
def store(tmp_path: Path):
    with override_settings(store_dir=tmp_path / "store"):
        yield tmp_path / "store"


def test_plan_items_carry_the_place_and_are_matched_to_deliveries():
    plan = plan_for_tests()
    communities = make_communities().assign(cells=[CELLS, CELLS[:2], CELLS[2:4]])
    items = delivery_model.plan_items(plan, communities, 9)
    drops = items[items["kind"] == "flyer_drop"]
    assert set(drops["community_id"]) == set(plan.communities.loc[plan.communities["chosen"], "community_id"])
    assert drops["planned_flyers"].sum() == plan.flyers_used
    assert (items["kind"] == "facebook_live").sum() == len(plan.sessions)
    assert items["item_id"].is_unique
    first = items.iloc[0]
    # ids follow the place and date, not the community id
    assert (
        delivery_model.item_id(first["kind"], [int(c) for c in first["cells"].split(";")], first["planned_date"])
        == (first["item_id"])
    )
    log = pd.DataFrame({"planned_item": [first["item_id"], ""], "date": ["2027-01-05", "2027-01-06"]})
    status = delivery_model.with_status(items, log)
    assert status["delivered"].tolist() == [True] + [False] * (len(items) - 1)


def test_campaigns_group_deliveries_by_place(store: Path):
    delivery.add_delivery(session_record(date="2027-02-10"), "c", "comms", today=TODAY)
    delivery.add_delivery(
        session_record(kind="flyer_drop", date="2027-01-20", live_viewers=0, later_views=0, comments=0, flyers=500),
        "c",
        "comms",
        today=TODAY,
    )
    delivery.add_delivery(
        session_record(date="2027-02-20", cells=CELLS[:1], community_name="Elsewhere"), "c", "comms", today=TODAY
    )
    found = delivery_model.campaigns(delivery.read_log())
    assert found["community_name"].tolist() == ["Westgate (Wakefield 017)", "Elsewhere"]
    first = found.iloc[0]
    assert (first["start_month"], first["what"], first["flyers"], first["deliveries"]) == (
        "2027-01",
        "flyer drops and Facebook Live sessions",
        500,
        2,
    )
