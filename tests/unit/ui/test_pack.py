"""ui.pack: the Silver meeting pack's map and PDF drawn from a pack as it is, marked by its
OCG content, and the OCG section each reader gets."""

from __future__ import annotations

import io

import geopandas as gpd
import h3
import numpy as np
import pandas as pd
import pytest
from PIL import Image
from pypdf import PdfReader
from shapely.geometry import box

from models.meeting_pack import build_meeting_pack, with_ocgs
from models.profile import district_profile
from records.ocg_store import OcgData
from ui import pack as pack_ui
from ui.maps import BIN_COLOURS
from ui.ocg_gate import OcgView

CENTRE = h3.latlng_to_cell(53.80, -1.55, 9)
CELLS = sorted(h3.str_to_int(c) for c in h3.grid_disk(CENTRE, 1))
DISTRICTS = gpd.GeoDataFrame({"district": ["Leeds"]}, geometry=[box(-1.60, 53.77, -1.50, 53.83)], crs="EPSG:4326")
REGISTER = pd.DataFrame(
    {
        "ocg_id": ["OCG-007"],
        "principal_criminality": ["county lines"],
        "threat_tier": [1],
        "home_district": ["Leeds"],
        "status": ["active"],
    }
)
ACTIVITY = pd.DataFrame({"ocg_id": ["OCG-007"], "h3_r9": [CELLS[0]]})


@pytest.fixture()
def pack():
    incidents = pd.DataFrame(
        {"month": ["2017-07"] * 5, "district": "Leeds", "crime_type": "Drugs", "h3_r9": np.array(CELLS[:5])}
    )
    communities = pd.DataFrame(
        {
            "rank": [1],
            "community_id": ["HC-E01011365"],
            "name": ["Briggate – Boar Lane (Leeds 111)"],
            "districts": ["Leeds"],
            "incidents": [5],
            "harm": [30.0],
            "residents": [1200],
            "cells": [CELLS],
            "geometry": [box(-1.56, 53.795, -1.54, 53.805)],
        }
    )
    profile = district_profile(incidents, "Leeds", ["2017-07"], 2000, 800, communities, loaded=["2017-07"])
    return build_meeting_pack(
        profile,
        communities,
        np.array(CELLS),
        np.array([3, 0, 0, 0, 0, 0, -1], dtype=np.int8),
        incidents,
        ["2017-07"],
        "h3_r9",
        None,
        "Emerging hot spots need at least 10 months.",
    )


def _pages(pdf: bytes) -> list[str]:
    return [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]


def test_the_map_colours_the_hot_cell_and_leaves_room_for_the_legend(pack):
    image = Image.open(io.BytesIO(pack_ui.hotspot_map_png(pack, DISTRICTS.geometry.iloc[0], width=600)))
    assert image.width == 600 and image.height >= 400 + 90
    colours = {colour for _, colour in image.convert("RGB").getcolors(maxcolors=1 << 16)}
    hot = tuple(int(BIN_COLOURS[3].lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    cold = tuple(int(BIN_COLOURS[-1].lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    assert hot in colours and cold in colours


def test_without_ocg_data_the_pack_is_official_and_has_no_ocg_section(pack):
    pages = _pages(pack_ui.meeting_pack_pdf(pack, DISTRICTS))
    assert len(pages) == 2 and all(p.count("OFFICIAL") == 2 and "OFFICIAL-SENSITIVE" not in p for p in pages)
    assert "Leeds Silver meeting pack" in pages[0]
    assert "HC-E01011365" in pages[1] and "Briggate - Boar Lane (Leeds 111)" in pages[1]
    assert "No change since last year: 2016-07 not loaded." in pages[1]
    assert "Organised crime groups" not in " ".join(pages)


def test_with_ocg_data_every_page_is_official_sensitive(pack):
    sensitive = with_ocgs(pack, ACTIVITY, REGISTER, 9, "Groups with recorded activity inside each listed community.")
    pages = _pages(pack_ui.meeting_pack_pdf(sensitive, DISTRICTS))
    assert all(p.count("OFFICIAL-SENSITIVE") == 2 for p in pages)
    text = " ".join(pages)
    assert "Organised crime groups active in these communities" in text and "OCG-007" in text


@pytest.mark.parametrize(
    ("view", "has_ocg", "note"),
    [
        (OcgView(None, allowed=False), False, ""),  # no OCG section at all
        (OcgView(None, "Real data is withheld in demo mode."), False, "Real data is withheld in demo mode."),
        (OcgView(None), False, "No organised crime group data is loaded."),
        (
            OcgView(OcgData(REGISTER.assign(synthetic=True), ACTIVITY.assign(synthetic=True), "demo files")),
            True,
            "SYNTHETIC DEMONSTRATION DATA: not real intelligence. Groups with recorded activity inside each "
            "listed community (demo files).",
        ),
    ],
)
def test_each_reader_gets_the_ocg_section_the_gate_allows(pack, monkeypatch, view: OcgView, has_ocg: bool, note: str):
    monkeypatch.setattr(pack_ui.ocg_gate, "visible_ocg", lambda needed: view)
    shown = pack_ui.pack_for(pack, 9)
    assert (shown.has_ocg, shown.ocg_note) == (has_ocg, note)
    if has_ocg:
        assert shown.ocgs["ocg_id"].tolist() == ["OCG-007"]
