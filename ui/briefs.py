"""The PDF documents of a plan and a district: the comms brief (with each community's
outline drawn offline as a PNG) and the district profile.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
from fpdf import FPDF
from PIL import Image, ImageDraw

from models.areas import HOUSEHOLDS_2011, HouseholdsSource
from models.disclosure import check_public_text, public_count
from models.profile import DistrictProfile
from models.targeting import CRIMESTOPPERS, CRIMESTOPPERS_PROMISE, Plan
from ui.pdf import PRODUCER, MarkedPDF, heading, latin1, marking_for, para


def outline_png(community: shapely.Geometry, lsoas: gpd.GeoDataFrame, size: int = 520) -> bytes:
    """A small offline map image: the community (red) over the LSOA boundaries it touches."""
    minx, miny, maxx, maxy = community.bounds
    pad_x, pad_y = (maxx - minx) * 0.15 + 0.002, (maxy - miny) * 0.15 + 0.002
    minx, maxx, miny, maxy = minx - pad_x, maxx + pad_x, miny - pad_y, maxy + pad_y
    kx = math.cos(math.radians((miny + maxy) / 2))
    scale = (size - 20) / max((maxx - minx) * kx, maxy - miny)
    img = Image.new("RGB", (size, size), "white")
    draw = ImageDraw.Draw(img)

    def px(x: float, y: float) -> tuple[float, float]:
        return 10 + (x - minx) * kx * scale, size - 10 - (y - miny) * scale

    def rings(geom: shapely.Geometry) -> list[list[tuple[float, float]]]:
        polys = getattr(geom, "geoms", [geom])
        return [[px(x, y) for x, y in p.exterior.coords] for p in polys if p.geom_type == "Polygon"]

    near = lsoas[lsoas.intersects(shapely.box(minx, miny, maxx, maxy))]
    for geom in near.geometry:
        for ring in rings(geom):
            draw.line(ring, fill="#9e9e9e", width=1)
    for ring in rings(community):
        draw.polygon(ring, fill="#f4a582", outline="#b2182b")
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def brief_pdf(
    plan: Plan,
    communities: gpd.GeoDataFrame,
    lsoas: gpd.GeoDataFrame,
    themes: pd.DataFrame,
    contact: str = "",
    source: HouseholdsSource = HOUSEHOLDS_2011,
) -> bytes:
    """Printable brief: one A4 page per chosen community.

    Each page: the plan's total flyers (``plan.flyers_used``), the community's map, themes
    and their messages, streets, flyers to print (the community's and each drop zone's, as
    the plan has them), Facebook Live dates, a contact field and the Crimestoppers promise.
    Crime counts are shown as the public may see them. ``source`` says where the households (and so the flyers) come from and the generation of
    the drop zones' LSOA codes (:func:`models.areas.households_source`), said where the
    flyers are.
    """
    message = dict(zip(themes["theme"], themes["message"]))
    outline = communities.set_index("community_id")
    pdf = MarkedPDF(marking_for(has_ocg=False))  # the brief never carries OCG fields
    pdf.set_title("Precision Hotspots - communications brief")
    pdf.set_author(PRODUCER)
    chosen = plan.communities[plan.communities["chosen"]]
    total = (
        f"Plan total: {plan.flyers_used:,} flyers to print for {len(chosen)} community(ies) "
        f"(budget {plan.constraints.flyer_budget:,})."
    )
    if chosen.empty:
        pdf.add_page()
        pdf.set_font("Helvetica", size=12)
        para(pdf, "No community is in the plan.", 7)
        para(pdf, total, 7)
    for row in chosen.itertuples():
        pdf.add_page()
        pdf.set_font("Helvetica", size=9)
        para(pdf, total, 5)
        heading(pdf, latin1(f"{row.community_id} - {row.name}"), size=16)
        para(
            pdf,
            latin1(
                f"District: {row.districts}.  Recorded incidents in the period: "
                f"{public_count(row.incidents)}.  Households: {public_count(row.households)}."
            ),
        )
        pdf.ln(2)
        if row.community_id in outline.index:
            png = outline_png(outline.loc[row.community_id, "geometry"], lsoas)
            pdf.image(io.BytesIO(png), w=85, h=85)
        heading(pdf, "Themes")
        for theme in row.themes:
            para(pdf, latin1(check_public_text(f"{theme}: {message.get(theme, '')}")), 5)
            pdf.ln(1)
        _flyer_drop(pdf, plan, row, source)
        _sessions_and_contact(pdf, plan, row.community_id, contact)
    return bytes(pdf.output())


def _flyer_drop(pdf: FPDF, plan: Plan, row: Any, source: HouseholdsSource) -> None:
    """A brief page's flyer drop: flyers to print, streets and drop zones, as the plan has them."""
    heading(pdf, "Flyer drop")
    drops = plan.drops[plan.drops["community_id"] == row.community_id]
    para(
        pdf,
        latin1(
            f"Flyers to print: {int(row.flyers):,} (households, {source.households}, plus "
            f"{plan.constraints.spare_margin:.0%} spare, in packs of {plan.constraints.pack_size})."
        ),
    )
    streets = sorted({s.strip() for v in drops["streets"] for s in v.split(",") if s.strip()})
    para(pdf, latin1("Streets: " + (", ".join(streets) or "see the drop-zone map")), 5)
    para(
        pdf,
        latin1(
            f"Drop zones ({source.areas}: flyers): "
            + ", ".join(f"{code}: {int(n):,}" for code, n in zip(drops["lsoa_code"], drops["flyers"]))
        ),
        5,
    )


def _sessions_and_contact(pdf: FPDF, plan: Plan, community_id: str, contact: str) -> None:
    """A brief page's Facebook Live dates, the contact field and the Crimestoppers promise."""
    heading(pdf, "Facebook Live sessions")
    sessions = plan.sessions[plan.sessions["community_id"] == community_id]
    if sessions.empty:
        para(pdf, "None planned in the window.", 5)
    for s in sessions.itertuples():
        para(pdf, latin1(f"{s.start:%a %d %b %Y, %H:%M}-{s.end:%H:%M}: {s.theme} ({s.spot})"), 5)
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 11)
    para(pdf, latin1(f"Contact: {contact or '______________________________'}"), 6)
    pdf.set_font("Helvetica", size=9)
    para(pdf, latin1(f"{CRIMESTOPPERS}. {CRIMESTOPPERS_PROMISE}"), 5)


def plan_summary(plan: Plan) -> Mapping[str, object]:
    """Headline figures of a plan, for the page and the audit of exports (read from the plan)."""
    chosen = plan.communities[plan.communities["chosen"]]
    return {
        "communities": len(chosen),
        "flyers": plan.flyers_used,
        "households": plan.households_covered,
        "sessions": len(plan.sessions),
        "harm_covered": plan.harm_covered,
    }


def profile_pdf(
    profile: DistrictProfile,
    ocg_counts: pd.DataFrame | None = None,
    ocg_note: str = "No organised crime group data is loaded.",
) -> bytes:
    """The district profile as a printable PDF (headline figures, crime mix, communities,
    and the OCG counts with their note exactly as the page shows them; see
    ``ui.panels.profile_ocg``). Every page is marked OFFICIAL-SENSITIVE when OCG counts are
    printed, OFFICIAL otherwise."""
    pdf = MarkedPDF(marking_for(has_ocg=ocg_counts is not None))
    pdf.set_title(f"Precision Hotspots - {profile.district} profile")
    pdf.set_author(PRODUCER)
    pdf.add_page()
    heading(pdf, latin1(f"{profile.district}: serious and organised crime profile"), size=16)
    para(
        pdf,
        latin1(
            f"Period: {', '.join(profile.months)}. Source: data.police.uk street-level crime (OGL v3.0); "
            f"census {profile.census_year} residents; hotspot communities on the LSOAs ({profile.community_areas})."
        ),
    )
    pdf.ln(2)
    heading(pdf, "Headline figures")
    para(
        pdf,
        latin1(
            f"Recorded incidents: {profile.incidents:,}.  Residents: {profile.residents:,}.  "
            f"Households: {profile.households:,}."
        ),
    )
    para(pdf, latin1(f"Incidents per 1,000 residents per month: {profile.rate_per_1000:.1f}."))
    para(pdf, latin1(profile.change_text))
    pdf.ln(2)
    heading(pdf, "Crime mix against the West Yorkshire average", body_size=9)
    with pdf.table(col_widths=(70, 30, 35, 45), text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT")) as table:
        table.row(["Crime type", "Incidents", f"{profile.district} %", "West Yorkshire %"])
        for r in profile.mix.itertuples():
            table.row(
                [
                    latin1(r.crime_type),
                    f"{r.incidents:,}",
                    f"{100 * r.district_share:.1f}",
                    f"{100 * r.west_yorkshire_share:.1f}",
                ]
            )
    pdf.ln(3)
    heading(pdf, "Top hotspot communities", body_size=9)
    if profile.communities.empty:
        para(pdf, "No significant hotspot community in this district for these months.")
    else:
        with pdf.table(col_widths=(32, 98, 22, 28), text_align=("LEFT", "LEFT", "RIGHT", "RIGHT")) as table:
            table.row(["Community id", "Community", "Incidents", "Residents"])
            for r in profile.communities.itertuples():
                table.row([r.community_id, latin1(r.name), f"{r.incidents:,}", f"{r.residents:,}"])
    pdf.ln(3)
    heading(pdf, "Organised crime groups", body_size=9)
    para(pdf, latin1(ocg_note))
    if ocg_counts is not None:
        with pdf.table(col_widths=(100, 30), text_align=("LEFT", "RIGHT")) as table:
            table.row([latin1(str(c)) for c in ocg_counts.columns])
            for row in ocg_counts.itertuples(index=False):
                table.row([latin1(str(row[0])), f"{int(row[1]):,}"])
    return bytes(pdf.output())
