"""The Silver meeting pack as a PDF: one district, one period, marked on every page.

Drawn from a :class:`models.meeting_pack.MeetingPack` as it is: nothing here counts,
ranks or compares. The hot-spot map is drawn offline (Pillow), its legend below the map so
it covers nothing.
"""

from __future__ import annotations

import io
import math

import geopandas as gpd
import numpy as np
import shapely
import streamlit as st
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

from geo import hexes
from models.hotspots import BIN_LABELS
from models.meeting_pack import MeetingPack, with_ocg_note, with_ocgs
from ui import ocg_gate
from ui.maps import BIN_COLOURS
from ui.pdf import PRODUCER, MarkedPDF, heading, latin1, marking_for, para


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.truetype("DejaVuSans.ttf", size)
    except OSError:
        return ImageFont.load_default()


def hotspot_map_png(pack: MeetingPack, district_outline: shapely.Geometry, width: int = 1400) -> bytes:
    """The district's Gi* hot and cold hexagons, its communities outlined and numbered as in
    the pack's table, and a legend under the map (PNG, ``width`` pixels wide)."""
    minx, miny, maxx, maxy = district_outline.bounds
    kx = math.cos(math.radians((miny + maxy) / 2))
    map_h = int(width * (maxy - miny) / max((maxx - minx) * kx, 1e-9))
    map_h = max(400, min(map_h, int(width * 1.1)))
    legend_h = 90
    scale = min((width - 40) / ((maxx - minx) * kx), (map_h - 40) / (maxy - miny))
    img = Image.new("RGB", (width, map_h + legend_h), "white")
    draw = ImageDraw.Draw(img)

    def px(x: float, y: float) -> tuple[float, float]:
        return 20 + (x - minx) * kx * scale, map_h - 20 - (y - miny) * scale

    for cell_ring, b in zip(hexes.cells_to_rings(pack.hot_cells["cell"].to_numpy()), pack.hot_cells["bin"]):
        draw.polygon([px(x, y) for x, y in cell_ring], fill=BIN_COLOURS[int(b)])
    for poly in getattr(district_outline, "geoms", [district_outline]):
        if poly.geom_type == "Polygon":
            draw.line([px(x, y) for x, y in poly.exterior.coords], fill="#333333", width=3)
    font = _font(22)
    for row in pack.communities.itertuples():
        geom = row.geometry
        for poly in getattr(geom, "geoms", [geom]):
            if poly.geom_type == "Polygon":
                draw.line([px(x, y) for x, y in poly.exterior.coords], fill="#000000", width=3)
        point = geom.representative_point()
        x, y = px(point.x, point.y)
        text = str(row.label)
        box = draw.textbbox((x, y), text, font=font, anchor="mm")
        draw.rectangle((box[0] - 5, box[1] - 3, box[2] + 5, box[3] + 3), fill="white", outline="black", width=2)
        draw.text((x, y), text, fill="black", font=font, anchor="mm")
    small = _font(18)
    x0, y0 = 20, map_h + 12
    for i, b in enumerate((3, 2, 1, -1, -2, -3)):
        col, line = i % 3, i // 3
        x, y = x0 + col * 460, y0 + line * 34
        draw.rectangle((x, y, x + 26, y + 22), fill=BIN_COLOURS[b], outline="#555555")
        draw.text((x + 36, y + 1), BIN_LABELS[b], fill="black", font=small)
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def _number(value: object, fmt: str) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "-"
    return format(value, fmt)


def meeting_pack_pdf(pack: MeetingPack, districts: gpd.GeoDataFrame) -> bytes:
    """The pack as an A4 PDF, every page marked OFFICIAL-SENSITIVE when it holds OCG data and
    OFFICIAL otherwise."""
    profile = pack.profile
    pdf = MarkedPDF(marking_for(pack.has_ocg))
    pdf.set_title(f"Precision Hotspots - {profile.district} Silver meeting pack")
    pdf.set_author(PRODUCER)
    pdf.add_page()
    heading(pdf, latin1(f"{profile.district} Silver meeting pack"), size=16)
    para(
        pdf,
        latin1(
            f"Period: {', '.join(profile.months)}. Source: data.police.uk street-level crime (OGL v3.0); "
            f"census {profile.census_year}; hot spots by Gi* against the whole county, FDR-corrected; "
            f"communities on the LSOAs ({profile.community_areas})."
        ),
    )
    para(
        pdf,
        latin1(
            f"Recorded incidents: {profile.incidents:,}. Per 1,000 residents a month: {profile.rate_per_1000:.1f}. "
            + profile.change_text
        ),
    )
    pdf.ln(1)
    outline = districts.loc[districts["district"] == profile.district, "geometry"].union_all()
    png = hotspot_map_png(pack, outline)
    with pdf.local_context():
        pdf.image(io.BytesIO(png), w=180)
    para(pdf, "Numbers on the map are the communities listed overleaf.", 4)

    pdf.add_page()
    _communities_section(pdf, pack)
    pdf.ln(3)
    _emerging_section(pdf, pack)
    if not pack.ocg_note:  # the reader may not see OCG data: no section at all
        return bytes(pdf.output())
    pdf.ln(3)
    _ocg_section(pdf, pack)
    return bytes(pdf.output())


def _communities_section(pdf: FPDF, pack: MeetingPack) -> None:
    """The numbered top communities with their change since the same months a year before."""
    heading(pdf, "Top hotspot communities, with change since last year", body_size=9)
    para(pdf, latin1(pack.change_note), 4)
    if pack.communities.empty:
        para(pdf, "No significant hotspot community in this district for the period.")
        return
    widths = (10, 34, 70, 20, 20, 18, 18)
    with pdf.table(col_widths=widths, text_align=("RIGHT", "LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT")) as t:
        t.row(["No.", "Community id", "Community", "Incidents", "Year before", "Change %", "p"])
        for r in pack.communities.itertuples():
            t.row(
                [
                    str(r.label),
                    r.community_id,
                    latin1(r.name),
                    f"{r.incidents:,}",
                    _number(r.before, ",.0f"),
                    _number(r.percent, "+.1f"),
                    _number(r.p_value, ".3f"),
                ]
            )


def _emerging_section(pdf: FPDF, pack: MeetingPack) -> None:
    """Emerging hot-spot categories by community (or why there are none yet)."""
    heading(pdf, "Emerging hot spots", body_size=9)
    para(pdf, latin1(pack.emerging_note), 4)
    if not pack.emerging.empty:
        columns = [c for c in pack.emerging.columns if c != "community_id"]
        with pdf.table(col_widths=(34, *([146 / max(len(columns), 1)] * len(columns)))) as t:
            t.row(["Community id", *[latin1(c) for c in columns]])
            for row in pack.emerging.itertuples(index=False):
                t.row([str(row[0]), *[f"{int(v):,}" for v in row[1:]]])


def _ocg_section(pdf: FPDF, pack: MeetingPack) -> None:
    """The OCGs active in the listed communities (silver readers only: the caller decides)."""
    heading(pdf, "Organised crime groups active in these communities", body_size=9)
    para(pdf, latin1(pack.ocg_note), 4)
    if pack.ocgs is None:
        return
    if pack.ocgs.empty:
        para(pdf, "No recorded OCG activity inside the listed communities.", 4)
        return
    with pdf.table(col_widths=(34, 30, 70, 26, 20)) as t:
        t.row(["Community id", "OCG", "Principal criminality", "Threat tier", "Records"])
        for r in pack.ocgs.itertuples():
            t.row(
                [
                    r.community_id,
                    latin1(str(r.ocg_id)),
                    latin1(str(r.principal_criminality)),
                    latin1(str(r.threat_tier)),
                    f"{int(r.records):,}",
                ]
            )


def pack_for(pack: MeetingPack, resolution: int) -> MeetingPack:
    """The pack as the signed-in reader may have it: OCGs active in its communities for a
    reader allowed OCG details (:func:`ui.ocg_gate.visible_ocg`), a note when none is loaded, and
    no OCG section at all otherwise."""
    view = ocg_gate.visible_ocg("details")
    if view.data is not None:
        label = "SYNTHETIC DEMONSTRATION DATA: not real intelligence. " if view.data.synthetic else ""
        note = f"{label}Groups with recorded activity inside each listed community ({view.data.source})."
        return with_ocgs(pack, view.data.activity, view.data.register, resolution, note)
    if view.allowed:
        return with_ocg_note(pack, view.notice or "No organised crime group data is loaded.")
    return pack


def pack_pdf_bytes(pack: MeetingPack, districts: gpd.GeoDataFrame, store_token: str) -> bytes:
    """The pack's PDF, made once per pack: keyed by the store's commit (every figure of the
    pack comes from it) and by the reader's OCG section."""
    key = (
        store_token,
        pack.profile.district,
        tuple(pack.profile.months),
        tuple(pack.communities["community_id"]),
        pack.has_ocg,
        pack.ocg_note,
        "" if pack.ocgs is None else pack.ocgs.to_json(),
        pack.change_note,
        pack.profile.incidents,
    )
    return _pack_pdf_cached(key, pack, districts)


@st.cache_data(show_spinner="Drawing the meeting pack…", max_entries=8, hash_funcs={MeetingPack: lambda _: 0})
def _pack_pdf_cached(key: tuple[object, ...], pack: MeetingPack, _districts: gpd.GeoDataFrame) -> bytes:
    del key  # the cache key: the pack's identity (the district outlines are the bundled ones)
    return meeting_pack_pdf(pack, _districts)
