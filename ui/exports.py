"""Exports: the one audited download button, and the writers of the files, as pure
functions returning bytes.

Every file the app lets a user take away leaves through :func:`download`, which draws the
button and audits the click (``download_csv``, ``download_pdf``, ... by the file's
extension; :func:`security.audit.download_kind`) with the user, their role, what the file is,
its name and the number of rows it holds. ``tests/app/test_downloads.py`` fails on any
``st.download_button`` elsewhere. Streamlit's own table download (the CSV button of
``st.dataframe``) is turned off for the whole app (``client.disableDataExport``).

The writers: for the communications plan

CSV (drop zones, sessions), GeoJSON of drop zones (EPSG:4326, for GIS and print vendors),
iCalendar of the Facebook Live sessions (opens in Outlook) and a printable PDF brief with one
page per community. Nothing here carries organised-crime-group fields or exact points, and
crime counts in public text follow :mod:`models.disclosure`.

Every flyer and household figure is read from the :class:`models.targeting.Plan` as it is
(``plan.drops``, ``plan.communities["flyers"]``, ``plan.flyers_used``): nothing here
rounds or adds up flyers of its own, so the CSV, the GeoJSON, the brief and the page agree.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import math
import uuid
from collections.abc import Mapping
from pathlib import PurePath
from zoneinfo import ZoneInfo

import geopandas as gpd
import icalendar
import pandas as pd
import shapely
import streamlit as st
from fpdf import FPDF
from PIL import Image, ImageDraw
from streamlit.delta_generator import DeltaGenerator

from core.settings import get_settings
from core.synthetic import SYNTHETIC_MARKER
from models.disclosure import check_public_fields, check_public_text, public_count
from models.profile import DistrictProfile
from models.targeting import CRIMESTOPPERS, CRIMESTOPPERS_PROMISE, Plan
from security import audit
from ui import auth, synthetic

LONDON = ZoneInfo("Europe/London")
#: Stamped on every export.
PRODUCER = "Precision Hotspots (Programme Precision, West Yorkshire)"

#: The media type of each file extension a download may have (see security.audit.DOWNLOAD_KINDS).
MIME_TYPES: dict[str, str] = {
    ".csv": "text/csv",
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".ics": "text/calendar",
    ".geojson": "application/geo+json",
    ".html": "text/html",
}


@dataclasses.dataclass(frozen=True)
class ExportFile:
    """A file a user may download, and what the audit log says of it.

    Attributes
    ----------
    label : str
        The button's text.
    content : bytes
        The file.
    file_name : str
        Its name; the extension gives the media type and the audit kind.
    what : str
        What the file is, in words, for the audit log (e.g. ``"District profile: Leeds"``).
    rows : int or None
        The number of records it holds (table rows, features, events, pages), if any.
    """

    label: str
    content: bytes
    file_name: str
    what: str
    rows: int | None = None

    @property
    def kind(self) -> str:
        """The audit kind of downloading it (``download_csv``, ``download_pdf``, ...)."""
        return audit.download_kind(self.file_name)

    @property
    def mime(self) -> str:
        """Its media type, from the extension."""
        return MIME_TYPES[PurePath(self.file_name).suffix.lower()]


def download(
    file: ExportFile,
    context: Mapping[str, object] | None = None,
    *,
    where: DeltaGenerator | None = None,
    key: str | None = None,
) -> None:
    """Draw a download button whose every click is audited.

    The click records ``file.kind`` for the signed-in user and role, with ``file.what``, the
    file name, ``file.rows`` and ``context`` (the filters or choices behind the file). This
    is the app's only ``st.download_button``.

    Parameters
    ----------
    file : ExportFile
        The file and what it is.
    context : mapping or None
        Filters or settings the file was made with (JSON-able; others are written as text).
    where : DeltaGenerator or None
        A column or container to draw the button in (default: the page).
    key : str or None
        Widget key, when one page offers two buttons with the same label.
    """
    content = synthetic.csv_bytes(file.content) if file.mime.startswith("text/csv") else file.content
    (st if where is None else where).download_button(
        file.label,
        content,
        file.file_name,
        file.mime,
        key=key,
        on_click=auth.audit_event,
        args=(file.kind, file.what, dict(context or {})),
        kwargs={"file_name": file.file_name, "rows": file.rows},
    )


def table_csv(frame: pd.DataFrame, synthetic: bool = False) -> bytes:
    """A table as CSV (UTF-8 with BOM, opens in Excel); synthetic OCG data says so on its
    first line (:data:`SYNTHETIC_MARKER`)."""
    text = frame.to_csv(index=False)
    return ((SYNTHETIC_MARKER + "\n" if synthetic else "") + text).encode("utf-8-sig")


def drops_csv(plan: Plan) -> bytes:
    """Flyer drop zones: one row per community and LSOA (UTF-8 with BOM, opens in Excel)."""
    frame = plan.drops.rename(
        columns={
            "community_id": "Community",
            "name": "Community name",
            "district": "District",
            "lsoa_code": "LSOA",
            "households": "Households",
            "flyers": "Flyers to print",
            "streets": "Streets",
        }
    )
    check_public_fields(frame.to_dict(orient="records"))
    return frame.to_csv(index=False).encode("utf-8-sig")


def sessions_csv(plan: Plan) -> bytes:
    """Facebook Live sessions, one row each (UTF-8 with BOM)."""
    frame = plan.sessions.assign(
        Date=plan.sessions["start"].dt.strftime("%a %d %b %Y") if len(plan.sessions) else [],
        Time=[f"{s:%H:%M}–{e:%H:%M}" for s, e in zip(plan.sessions["start"], plan.sessions["end"])],
    )[["Date", "Time", "district", "community_id", "name", "theme", "spot"]].rename(
        columns={
            "district": "District",
            "community_id": "Community",
            "name": "Community name",
            "theme": "Theme",
            "spot": "Suggested spot",
        }
    )
    return frame.to_csv(index=False).encode("utf-8-sig")


def drop_zones(plan: Plan, communities: gpd.GeoDataFrame, lsoas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Drop-zone polygons: each chosen community's outline cut by each LSOA it covers.

    One feature per row of ``plan.drops``, with its households and flyers as the plan has
    them, so the features add up to the plan. A drop zone whose shape cannot be drawn (its
    community or LSOA has no geometry here, or they do not meet) keeps its row with no
    geometry rather than being left out of the print run.
    """
    outline = communities.set_index("community_id").geometry
    lsoa_geom = lsoas.set_index("lsoa_code").geometry
    rows = []
    for d in plan.drops.itertuples():
        shape = None
        if d.community_id in outline.index and d.lsoa_code in lsoa_geom.index:
            cut = shapely.intersection(outline[d.community_id], lsoa_geom[d.lsoa_code])
            shape = None if cut.is_empty else shapely.set_precision(cut, 1e-5)
        rows.append(
            {
                "community_id": d.community_id,
                "community_name": d.name,
                "district": d.district,
                "lsoa_code": d.lsoa_code,
                "households": int(d.households),
                "flyers": int(d.flyers),
                "streets": d.streets,
                "geometry": shape,
            }
        )
    crs = get_settings().crs_geographic  # the communities' and LSOAs' CRS
    return (
        gpd.GeoDataFrame(rows, geometry="geometry", crs=crs)
        if rows
        else gpd.GeoDataFrame({"community_id": []}, geometry=gpd.GeoSeries([], crs=crs))
    )


def drop_zones_geojson(plan: Plan, communities: gpd.GeoDataFrame, lsoas: gpd.GeoDataFrame) -> bytes:
    """GeoJSON (EPSG:4326) of the drop zones, with households, flyers and streets."""
    zones = drop_zones(plan, communities, lsoas)
    check_public_fields(zones.drop(columns="geometry").to_dict(orient="records"))
    data = json.loads(zones.to_json(drop_id=True))
    data["name"] = "Precision Hotspots flyer drop zones"
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def sessions_ics(plan: Plan, themes: pd.DataFrame) -> bytes:
    """iCalendar of the Facebook Live sessions (Europe/London times, opens in Outlook)."""
    message = dict(zip(themes["theme"], themes["message"]))
    cal = icalendar.Calendar()
    cal.add("prodid", f"-//{PRODUCER}//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Facebook Live sessions – Precision Hotspots")
    stamp = dt.datetime.now(dt.UTC)
    for s in plan.sessions.itertuples():
        event = icalendar.Event()
        event.add(
            "uid",
            f"{uuid.uuid5(uuid.NAMESPACE_URL, f'precision/{s.community_id}/{s.start:%Y%m%dT%H%M}')}@precision-hotspots",
        )
        event.add("dtstamp", stamp)
        event.add("dtstart", s.start.replace(tzinfo=LONDON))
        event.add("dtend", s.end.replace(tzinfo=LONDON))
        event.add("summary", f"Facebook Live: {s.theme} – {s.name}")
        event.add("location", f"{s.spot}, {s.district}")
        description = check_public_text(
            f"Community: {s.community_id} {s.name} ({s.district})\n"
            f"Theme: {s.theme}\n{message.get(s.theme, '')}\n\n{CRIMESTOPPERS_PROMISE}"
        )
        event.add("description", description)
        event.add("categories", ["Facebook Live", "Precision"])
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


def _latin1(text: str) -> str:
    """Text the PDF's core font can print (typographic characters mapped, others replaced)."""
    table = {"–": "-", "—": "-", "’": "'", "‘": "'", "“": '"', "”": '"', "…": "...", "·": "-", "²": "2", "≈": "~"}
    return "".join(table.get(ch, ch) for ch in text).encode("latin-1", "replace").decode("latin-1")


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


#: Government Security Classification markings printed on every page of a PDF.
OFFICIAL = "OFFICIAL"
OFFICIAL_SENSITIVE = "OFFICIAL-SENSITIVE"


def marking_for(has_ocg: bool) -> str:
    """The marking of a document: OFFICIAL-SENSITIVE when it holds any organised crime group
    data, OFFICIAL otherwise."""
    return OFFICIAL_SENSITIVE if has_ocg else OFFICIAL


class MarkedPDF(FPDF):
    """An A4 PDF whose every page carries its security marking at the top and bottom, and
    the page number."""

    def __init__(self, marking: str) -> None:
        super().__init__(format="A4", unit="mm")
        self.marking = marking
        # the incidents' synthetic label of this session (read from the data), on every page
        self.synthetic = SYNTHETIC_MARKER.removeprefix("# ") if synthetic.label() else ""
        self.set_auto_page_break(auto=True, margin=18)

    def header(self) -> None:
        self.set_font("Helvetica", "B", 10)
        self.cell(0, 6, self.marking, align="C", new_x="LMARGIN", new_y="NEXT")
        if self.synthetic:
            self.cell(
                0,
                6,
                f"{self.synthetic}: invented for demonstration, not real crime",
                align="C",
                new_x="LMARGIN",
                new_y="NEXT",
            )
        self.ln(2)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font("Helvetica", "B", 10)
        self.cell(0, 5, self.marking, align="C", new_x="LMARGIN", new_y="NEXT")
        self.set_font("Helvetica", size=8)
        self.cell(0, 4, f"Page {self.page_no()}", align="C")


def _heading(pdf: FPDF, text: str, size: int = 12, body_size: int = 10) -> None:
    """A bold heading, then the body font for what follows."""
    pdf.set_font("Helvetica", "B", size)
    _para(pdf, text, size * 0.55)
    pdf.set_font("Helvetica", size=body_size)


def _para(pdf: FPDF, text: str, height: float = 5) -> None:
    """A paragraph across the page, the cursor left at the next line's start."""
    pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")


def brief_pdf(
    plan: Plan,
    communities: gpd.GeoDataFrame,
    lsoas: gpd.GeoDataFrame,
    themes: pd.DataFrame,
    contact: str = "",
) -> bytes:
    """Printable brief: one A4 page per chosen community.

    Each page: the plan's total flyers (``plan.flyers_used``), the community's map, themes
    and their messages, streets, flyers to print (the community's and each drop zone's, as
    the plan has them), Facebook Live dates, a contact field and the Crimestoppers promise.
    Crime counts are shown as the public may see them.
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
        _para(pdf, "No community is in the plan.", 7)
        _para(pdf, total, 7)
    for row in chosen.itertuples():
        pdf.add_page()
        pdf.set_font("Helvetica", size=9)
        _para(pdf, total, 5)
        _heading(pdf, _latin1(f"{row.community_id} - {row.name}"), size=16)
        _para(
            pdf,
            _latin1(
                f"District: {row.districts}.  Recorded incidents in the period: "
                f"{public_count(row.incidents)}.  Households: {public_count(row.households)}."
            ),
        )
        pdf.ln(2)
        if row.community_id in outline.index:
            png = outline_png(outline.loc[row.community_id, "geometry"], lsoas)
            pdf.image(io.BytesIO(png), w=85, h=85)
        _heading(pdf, "Themes")
        for theme in row.themes:
            _para(pdf, _latin1(check_public_text(f"{theme}: {message.get(theme, '')}")), 5)
            pdf.ln(1)
        _heading(pdf, "Flyer drop")
        drops = plan.drops[plan.drops["community_id"] == row.community_id]
        _para(
            pdf,
            _latin1(
                f"Flyers to print: {int(row.flyers):,} (households plus "
                f"{plan.constraints.spare_margin:.0%} spare, in packs of {plan.constraints.pack_size})."
            ),
        )
        streets = sorted({s.strip() for v in drops["streets"] for s in v.split(",") if s.strip()})
        _para(pdf, _latin1("Streets: " + (", ".join(streets) or "see the drop-zone map")), 5)
        _para(
            pdf,
            _latin1(
                "Drop zones (LSOA: flyers): "
                + ", ".join(f"{code}: {int(n):,}" for code, n in zip(drops["lsoa_code"], drops["flyers"]))
            ),
            5,
        )
        _heading(pdf, "Facebook Live sessions")
        sessions = plan.sessions[plan.sessions["community_id"] == row.community_id]
        if sessions.empty:
            _para(pdf, "None planned in the window.", 5)
        for s in sessions.itertuples():
            _para(pdf, _latin1(f"{s.start:%a %d %b %Y, %H:%M}-{s.end:%H:%M}: {s.theme} ({s.spot})"), 5)
        pdf.ln(2)
        pdf.set_font("Helvetica", "B", 11)
        _para(pdf, _latin1(f"Contact: {contact or '______________________________'}"), 6)
        pdf.set_font("Helvetica", size=9)
        _para(pdf, _latin1(f"{CRIMESTOPPERS}. {CRIMESTOPPERS_PROMISE}"), 5)
    return bytes(pdf.output())


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
    _heading(pdf, _latin1(f"{profile.district}: serious and organised crime profile"), size=16)
    _para(
        pdf,
        _latin1(
            f"Period: {', '.join(profile.months)}. Source: data.police.uk street-level crime (OGL v3.0); "
            f"census 2011 residents."
        ),
    )
    pdf.ln(2)
    _heading(pdf, "Headline figures")
    _para(
        pdf,
        _latin1(
            f"Recorded incidents: {profile.incidents:,}.  Residents: {profile.residents:,}.  "
            f"Households: {profile.households:,}."
        ),
    )
    _para(pdf, _latin1(f"Incidents per 1,000 residents per month: {profile.rate_per_1000:.1f}."))
    _para(pdf, _latin1(profile.change_text))
    pdf.ln(2)
    _heading(pdf, "Crime mix against the West Yorkshire average", body_size=9)
    with pdf.table(col_widths=(70, 30, 35, 45), text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT")) as table:
        table.row(["Crime type", "Incidents", f"{profile.district} %", "West Yorkshire %"])
        for r in profile.mix.itertuples():
            table.row(
                [
                    _latin1(r.crime_type),
                    f"{r.incidents:,}",
                    f"{100 * r.district_share:.1f}",
                    f"{100 * r.west_yorkshire_share:.1f}",
                ]
            )
    pdf.ln(3)
    _heading(pdf, "Top hotspot communities", body_size=9)
    if profile.communities.empty:
        _para(pdf, "No significant hotspot community in this district for these months.")
    else:
        with pdf.table(col_widths=(32, 98, 22, 28), text_align=("LEFT", "LEFT", "RIGHT", "RIGHT")) as table:
            table.row(["Community id", "Community", "Incidents", "Residents"])
            for r in profile.communities.itertuples():
                table.row([r.community_id, _latin1(r.name), f"{r.incidents:,}", f"{r.residents:,}"])
    pdf.ln(3)
    _heading(pdf, "Organised crime groups", body_size=9)
    _para(pdf, _latin1(ocg_note))
    if ocg_counts is not None:
        with pdf.table(col_widths=(100, 30), text_align=("LEFT", "RIGHT")) as table:
            table.row([_latin1(str(c)) for c in ocg_counts.columns])
            for row in ocg_counts.itertuples(index=False):
                table.row([_latin1(str(row[0])), f"{int(row[1]):,}"])
    return bytes(pdf.output())


# ---------------------------------------------------------------- national picture
#: Columns of the national summary CSV, as the page shows them.
NATIONAL_COLUMNS = {
    "measure": "Measure",
    "offences": "Offences",
    "rate": "Per 1,000 residents",
    "rank": "Rank",
    "forces": "Of forces",
    "peer_rate": "Peer group per 1,000",
    "national_rate": "England and Wales per 1,000",
    "position": "Against the 99.8 % limits",
    "small_base_above": "Small resident base ranked higher",
    "sentence": "In words",
}


def national_table(summary: pd.DataFrame) -> pd.DataFrame:
    """The home force's measures as the page shows them and the CSV holds them (rates to
    3 decimals)."""
    table = summary[list(NATIONAL_COLUMNS)].rename(columns=NATIONAL_COLUMNS)
    for column in ("Per 1,000 residents", "Peer group per 1,000", "England and Wales per 1,000"):
        table[column] = table[column].round(3)
    return table


def national_csv(summary: pd.DataFrame) -> bytes:
    """The home force's rates, ranks, peer and national rates and sentences (UTF-8 with BOM)."""
    return national_table(summary).to_csv(index=False).encode("utf-8-sig")


def funnel_table(points: pd.DataFrame) -> pd.DataFrame:
    """The funnel plot's figures, one row per force (its text alternative, and its CSV)."""
    limits = [c for c in points.columns if c.startswith(("lower ", "upper "))]
    table = points[["force", "role", "persons", "offences", "rate", *limits, "position"]].rename(
        columns={
            "force": "Force",
            "role": "Shown as",
            "persons": "Residents",
            "offences": "Offences",
            "rate": "Per 1,000 residents",
            "position": "Against the 99.8 % limits",
            **{c: f"{c.split(' ', 1)[0].capitalize()} limit {c.split(' ', 1)[1]}" for c in limits},
        }
    )
    numeric = ["Per 1,000 residents", *[c for c in table.columns if " limit " in c]]
    table[numeric] = table[numeric].round(3)
    return table.sort_values("Per 1,000 residents", ascending=False).reset_index(drop=True)


def funnel_csv(points: pd.DataFrame) -> bytes:
    """:func:`funnel_table` as CSV (UTF-8 with BOM)."""
    return funnel_table(points).to_csv(index=False).encode("utf-8-sig")


def chart_png_landscape(chart: object, width: int = 960, height: int = 520) -> bytes:
    """An Altair chart (with its title, source and date in the chart's title block) as a
    landscape PNG, rendered offline by vl-convert."""
    import vl_convert

    sized = chart.properties(width=width, height=height)  # type: ignore[attr-defined]
    return bytes(vl_convert.vegalite_to_png(sized.to_json(), scale=2))
