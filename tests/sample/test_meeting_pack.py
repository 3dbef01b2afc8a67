"""The Silver meeting pack on the real sample, read back with pypdf: its marking on every
page, its communities (the ids every page uses), and OCG text only for a reader allowed it."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from geo import boundaries, hexes
from geo.store import Store
from models import pipeline, profile
from models.counts import Filters, filter_incidents
from models.meeting_pack import build_meeting_pack, with_ocg_note, with_ocgs
from models.pipeline import HotspotParams
from records import reference
from ui.briefs import profile_pdf
from ui.pack import meeting_pack_pdf

pytestmark = pytest.mark.sample


@pytest.fixture(scope="module")
def bradford(sample_store_dir: Path):
    store = Store(sample_store_dir)
    incidents = store.read_incidents()
    lsoas = boundaries.read_lsoas()
    grid = hexes.lsoas_to_grid(lsoas, 9)
    params = HotspotParams(permutations=99)
    months = ("2017-07",)
    county = pipeline.analyse_hotspots(
        filter_incidents(incidents, Filters(months=months)), grid, lsoas, reference.read_harm_weights(), params
    )
    view = pipeline.select_districts(county, grid, ("Bradford",))
    people = boundaries.lsoas_to_districts(lsoas).set_index("district")
    prof = profile.district_profile(
        incidents,
        "Bradford",
        months,
        int(people.loc["Bradford", "persons"]),
        int(people.loc["Bradford", "households"]),
        view.communities,
        loaded=store.months(),
    )
    pack = build_meeting_pack(
        prof,
        view.communities,
        view.result.cells,
        view.result.bins,
        incidents,
        store.months(),
        "h3_r9",
        None,
        "Emerging hot spots need at least 10 months.",
    )
    return pack, boundaries.lsoas_to_districts(lsoas), county


def _pages(pdf: bytes) -> list[str]:
    return [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]


def test_the_pack_without_ocg_data_is_official_on_every_page_and_says_nothing_of_ocgs(bradford):
    pack, districts, county = bradford
    pages = _pages(meeting_pack_pdf(pack, districts))
    assert len(pages) >= 2
    for text in pages:
        assert text.count("OFFICIAL") >= 2 and "OFFICIAL-SENSITIVE" not in text  # top and bottom
    whole = "\n".join(pages)
    assert "Bradford Silver meeting pack" in whole and "Period: 2017-07" in whole
    # the pack's communities are the county analysis's, with its ids and names
    county_names = dict(zip(county.communities["community_id"], county.communities["name"]))
    for row in pack.communities.itertuples():
        assert county_names[row.community_id] == row.name
        assert row.community_id in whole
    # change since last year on the same hexagons: 2016-07 is loaded
    assert pack.communities["before"].notna().all()
    assert "2017-07 against 2016-07" in whole
    assert "organised crime" not in whole.lower() and "OCG" not in whole


def test_the_pack_with_ocg_data_is_official_sensitive_on_every_page(bradford):
    pack, districts, _ = bradford
    first = pack.communities.iloc[0]
    register = pd.DataFrame(
        {
            "ocg_id": ["OCG-901", "OCG-902"],
            "principal_criminality": ["drugs supply", "firearms"],
            "threat_tier": [1, 2],
            "home_district": ["Bradford"] * 2,
            "status": ["active"] * 2,
        }
    )
    activity = pd.DataFrame({"ocg_id": ["OCG-901", "OCG-901"], "h3_r9": [int(c) for c in first["cells"][:2]]})
    marked = with_ocgs(pack, activity, register, 9, "Groups with recorded activity inside each listed community.")
    assert marked.has_ocg
    pages = _pages(meeting_pack_pdf(marked, districts))
    assert all(t.count("OFFICIAL-SENSITIVE") >= 2 for t in pages)
    whole = "\n".join(pages)
    assert "OCG-901" in whole and "OCG-902" not in whole  # only groups active in the communities
    # a reader allowed OCG data when none is loaded: a sentence, no OCG rows, OFFICIAL
    empty = meeting_pack_pdf(with_ocg_note(pack, "No organised crime group data is loaded."), districts)
    text = "\n".join(_pages(empty))
    assert "No organised crime group data is loaded." in text and "OFFICIAL-SENSITIVE" not in text


def test_the_profile_pdf_prints_what_the_page_shows_and_is_marked_by_it(bradford):
    pack, _, _ = bradford
    counts = pd.DataFrame({"principal criminality": ["drugs supply", "firearms"], "OCGs": [3, 1]})
    with_counts = "\n".join(_pages(profile_pdf(pack.profile, counts, "Active groups (SYNTHETIC).")))
    assert "Active groups (SYNTHETIC)." in with_counts and "OFFICIAL-SENSITIVE" in with_counts
    assert "No organised crime group data is loaded" not in with_counts
    without = "\n".join(_pages(profile_pdf(pack.profile, None, "Not shown for your role.")))
    assert "Not shown for your role." in without and "OFFICIAL-SENSITIVE" not in without
    assert f"{pack.profile.incidents:,}" in without and pack.profile.change_text.split(":")[0] in without
