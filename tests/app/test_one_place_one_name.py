"""Issue 17: the same id names the same place on every page; no stale choice survives a
filter change; the meeting pack and the profile PDF agree with the page."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

pytestmark = pytest.mark.app


def _chips(at: AppTest):
    return next(m for m in at.multiselect if str(m.key).startswith("comms_selected:"))


def test_a_community_has_one_id_and_name_on_the_communities_profile_comms_and_trends_pages(app_with_sample: AppTest):
    at = app_with_sample.run()
    at.session_state["filter:districts"] = ["Bradford"]
    at.switch_page("pages/communities.py").run(timeout=300)
    assert not at.exception
    listed = at.dataframe[0].value
    names = dict(zip(listed["community_id"], listed["name"]))
    assert len(names) >= 3 and all(i.startswith("HC-E0") for i in names)

    at.switch_page("pages/profile.py").run(timeout=300)  # Bradford is the first district
    assert not at.exception
    top = at.dataframe[1].value
    assert len(top) >= 3
    for cid, name in zip(top["community_id"], top["name"]):
        assert names[cid] == name  # same id, same place name

    at.switch_page("pages/comms_plan.py").run(timeout=300)
    assert not at.exception
    chips = _chips(at)
    assert set(chips.options) >= {f"{cid} · {name}" for cid, name in zip(top["community_id"], top["name"])}


def test_after_a_district_change_no_stale_choice_remains_and_the_page_says_what_was_dropped(
    app_with_sample: AppTest,
):
    at = app_with_sample.run()
    at.session_state["filter:districts"] = ["Leeds"]
    at.switch_page("pages/comms_plan.py").run(timeout=300)
    assert not at.exception
    leeds = list(_chips(at).value)[1:4]
    _chips(at).set_value(leeds).run(timeout=300)  # a choice made by hand
    assert {m.label: m.value for m in at.metric}["Communities in the plan"].endswith("of 3")
    at.sidebar.multiselect(key="_w:districts").set_value(["Wakefield"]).run(timeout=300)
    assert not at.exception
    chips = _chips(at)
    offered = {o.split(" · ")[0] for o in chips.options}
    assert chips.value and set(chips.value) <= offered
    assert not set(chips.value) & set(leeds)  # no Leeds community is still in play
    plan_ids = set(next(d.value for d in at.dataframe if "In" in d.value.columns)["community_id"])
    assert plan_ids <= offered and not plan_ids & set(leeds)
    warning = next(w.value for w in at.warning if "dropped from your choice" in w.value)
    assert all(cid in warning for cid in leeds)
