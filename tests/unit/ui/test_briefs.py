"""ui.briefs: the comms brief, the plan's headline figures and the district profile PDF,
read back with pypdf and Pillow."""

from __future__ import annotations

import io

import pandas as pd
from PIL import Image
from pypdf import PdfReader
from shapely.geometry import box

from models.areas import HouseholdsSource
from models.profile import district_profile
from tests.unit.models.test_targeting import LSOAS, THEMES, make_communities, plan_for_tests
from ui import briefs


def _text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_the_outline_is_a_square_png_with_the_community_filled():
    png = briefs.outline_png(box(-1.55, 53.79, -1.53, 53.80), LSOAS, size=200)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.size == (200, 200)
    assert image.getpixel((100, 100)) == (0xF4, 0xA5, 0x82)  # the community's fill, at its centre
    assert image.getpixel((2, 2)) == (255, 255, 255)  # the margin stays white


def test_the_brief_has_a_page_per_chosen_community_marked_official():
    plan = plan_for_tests(flyer_budget=5_000)
    pages = _text(briefs.brief_pdf(plan, make_communities(), LSOAS, THEMES, contact="Comms team, 01924 000000"))
    chosen = plan.communities[plan.communities["chosen"]]
    assert len(pages) == len(chosen) == 3
    for text, cid in zip(pages, chosen["community_id"]):
        assert cid in text and text.count("OFFICIAL") == 2 and "OFFICIAL-SENSITIVE" not in text
        assert "Contact: Comms team, 01924 000000" in text and "Crimestoppers" in text
        assert "(households, census 2011, plus" in text  # the census the flyers come from
    pages = _text(
        briefs.brief_pdf(plan, make_communities(), LSOAS, THEMES, source=HouseholdsSource("LSOA 2011", "census 2021"))
    )
    assert all("(households, census 2021, plus" in text for text in pages)


def test_a_plan_without_communities_still_prints_its_total():
    plan = plan_for_tests(flyer_budget=0)
    (page,) = _text(briefs.brief_pdf(plan, make_communities(), LSOAS, THEMES))
    assert "No community is in the plan." in page and "Plan total: 0 flyers" in page
    assert "Contact: ____" not in page


def test_plan_summary_reads_the_plans_own_figures():
    plan = plan_for_tests(flyer_budget=5_000)
    assert briefs.plan_summary(plan) == {
        "communities": 3,
        "flyers": plan.flyers_used,
        "households": plan.households_covered,
        "sessions": len(plan.sessions),
        "harm_covered": plan.harm_covered,
    }
    assert plan.flyers_used == 2_050


def _profile():
    incidents = pd.DataFrame(
        {
            "month": ["2017-07"] * 6,
            "district": ["Leeds"] * 4 + ["Bradford"] * 2,
            "crime_type": ["Drugs", "Drugs", "Burglary", "Drugs", "Drugs", "Drugs"],
        }
    )
    communities = pd.DataFrame(
        {
            "community_id": ["HC-E1"],
            "name": ["Briggate – Boar Lane (Leeds 111)"],
            "districts": ["Leeds"],
            "incidents": [3],
            "harm": [18.0],
            "residents": [1200],
        }
    )
    return district_profile(incidents, "Leeds", ["2017-07"], 2000, 800, communities)


def test_the_profile_is_official_without_ocg_counts_and_sensitive_with_them():
    profile = _profile()
    (page,) = _text(briefs.profile_pdf(profile))
    assert page.count("OFFICIAL") == 2 and "OFFICIAL-SENSITIVE" not in page
    assert "Leeds: serious and organised crime profile" in page
    assert "Briggate - Boar Lane (Leeds 111)" in page  # typographic dash fitted to the font
    assert "No organised crime group data is loaded." in page
    counts = pd.DataFrame({"principal criminality": ["drugs supply"], "OCGs": [4]})
    (sensitive,) = _text(briefs.profile_pdf(profile, counts, "OCGs with Leeds as home district."))
    assert sensitive.count("OFFICIAL-SENSITIVE") == 2
    assert "OCGs with Leeds as home district." in sensitive and "drugs supply" in sensitive
