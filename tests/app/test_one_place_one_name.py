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


def test_an_id_ending_new_is_explained_only_when_one_is_shown(app_with_sample: AppTest, monkeypatch):
    import dataclasses

    from ui import cache

    at = app_with_sample.run()
    at.session_state["filter:districts"] = ["Bradford"]
    at.switch_page("pages/communities.py").run(timeout=300)
    assert not at.exception
    assert not [c for c in at.caption if "Ids ending -new" in c.value]  # none shown, nothing said

    real = cache.hotspot_analysis

    def with_a_new_id(*args, **kwargs):
        # as if the second community's own id had been passed on to a continuing community
        analysis = real(*args, **kwargs)
        communities = analysis.communities.copy()
        communities.loc[communities.index[1], "community_id"] += "-new"
        return dataclasses.replace(analysis, communities=communities)

    monkeypatch.setattr(cache, "hotspot_analysis", with_a_new_id)
    at.run(timeout=300)
    assert not at.exception
    new_id = at.dataframe[0].value["community_id"].iloc[1]
    assert new_id.endswith("-new")
    note = next(c.value for c in at.caption if "Ids ending -new" in c.value)
    assert f"({new_id})" in note and f"e.g. {new_id.removesuffix('-new')})" in note


def test_the_command_line_prints_the_communities_the_page_shows(app_with_sample: AppTest, sample_store_dir):
    """python -m cli.analyse runs the page's own analysis (models.analysis): same ids, names, ranks."""
    import io

    from cli.analyse import run

    at = app_with_sample.run()
    at.session_state["filter:districts"] = ["Kirklees"]
    at.switch_page("pages/communities.py").run(timeout=300)
    assert not at.exception
    page = at.dataframe[0].value
    code, text = run(["--store", str(sample_store_dir), "--district", "Kirklees", "--csv"])
    assert code == 0
    import pandas as pd

    printed = pd.read_csv(io.StringIO(text))
    assert len(printed) == len(page) >= 3
    assert printed["community_id"].tolist() == page["community_id"].tolist()
    assert printed["name"].tolist() == page["name"].tolist()
    assert printed["rank"].tolist() == page["rank"].tolist()
