"""File writers of tables, plans and charts, as pure functions returning bytes.

Every file leaves the app through :func:`ui.download.download` (the one audited button);
PDF documents are in :mod:`ui.briefs` (plan brief, district profile) on the base of
:mod:`ui.pdf`. Here: tables as CSV (UTF-8 with BOM, a synthetic marker line where the data
is synthetic), the communications plan's CSVs (drop zones, sessions), GeoJSON of drop zones
(EPSG:4326, for GIS and print vendors), iCalendar of the Facebook Live sessions (opens in
Outlook), the national tables, and charts as PNG. Nothing here carries organised-crime-group
fields or exact points, and crime counts in public text follow :mod:`models.disclosure`.

Every flyer and household figure is read from the :class:`models.targeting.Plan` as it is
(``plan.drops``, ``plan.communities["flyers"]``, ``plan.flyers_used``): nothing here
rounds or adds up flyers of its own, so the CSV, the GeoJSON, the brief and the page agree."""

from __future__ import annotations

import datetime as dt
import io
import json
import uuid
from zoneinfo import ZoneInfo

import geopandas as gpd
import icalendar
import pandas as pd
import shapely

from core.csv_safe import frame_to_csv
from core.settings import get_settings
from core.synthetic import SYNTHETIC_MARKER
from models.areas import HOUSEHOLDS_2011, HouseholdsSource
from models.disclosure import check_public_fields, check_public_text
from models.targeting import CRIMESTOPPERS_PROMISE, Plan
from records.backup import write_backup
from ui import download
from ui.pdf import PRODUCER

LONDON = ZoneInfo("Europe/London")


def table_csv(frame: pd.DataFrame, synthetic: bool = False) -> bytes:
    """A table as CSV (UTF-8 with BOM, opens in Excel); synthetic OCG data says so on its
    first line (:data:`SYNTHETIC_MARKER`)."""
    return frame_to_csv(frame, preamble=SYNTHETIC_MARKER + "\n" if synthetic else "")


def drops_csv(plan: Plan, source: HouseholdsSource = HOUSEHOLDS_2011) -> bytes:
    """Flyer drop zones: one row per community and LSOA (UTF-8 with BOM, opens in Excel).

    ``source`` (the LSOAs' generation and the households' census,
    :func:`models.areas.households_source`) is stated on every row, as columns "LSOA areas"
    and "Households from", so a printer's file says what its counts are.
    """
    frame = plan.drops.assign(lsoa_areas=source.areas, households_from=source.households).rename(
        columns={
            "community_id": "Community",
            "name": "Community name",
            "district": "District",
            "lsoa_code": "LSOA",
            "households": "Households",
            "flyers": "Flyers to print",
            "streets": "Streets",
            "lsoa_areas": "LSOA areas",
            "households_from": "Households from",
        }
    )
    check_public_fields(frame.to_dict(orient="records"))
    return frame_to_csv(frame)


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
    return frame_to_csv(frame)


def drop_zones(
    plan: Plan,
    communities: gpd.GeoDataFrame,
    lsoas: gpd.GeoDataFrame,
    source: HouseholdsSource = HOUSEHOLDS_2011,
) -> gpd.GeoDataFrame:
    """Drop-zone polygons: each chosen community's outline cut by each LSOA it covers.

    One feature per row of ``plan.drops``, with its households and flyers as the plan has
    them, so the features add up to the plan. A drop zone whose shape cannot be drawn (its
    community or LSOA has no geometry here, or they do not meet) keeps its row with no
    geometry rather than being left out of the print run. ``lsoas`` are the period's areas;
    ``source`` names their generation and the households' census, kept on every feature as
    ``lsoa_areas`` and ``households_from``.
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
                "lsoa_areas": source.areas,
                "households_from": source.households,
                "geometry": shape,
            }
        )
    crs = get_settings().crs_geographic  # the communities' and LSOAs' CRS
    return (
        gpd.GeoDataFrame(rows, geometry="geometry", crs=crs)
        if rows
        else gpd.GeoDataFrame({"community_id": []}, geometry=gpd.GeoSeries([], crs=crs))
    )


def drop_zones_geojson(
    plan: Plan, communities: gpd.GeoDataFrame, lsoas: gpd.GeoDataFrame, source: HouseholdsSource = HOUSEHOLDS_2011
) -> bytes:
    """GeoJSON (EPSG:4326) of the drop zones, with households, flyers, streets and where
    the areas and households come from (:func:`drop_zones`)."""
    zones = drop_zones(plan, communities, lsoas, source)
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
    return frame_to_csv(national_table(summary))


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
    return frame_to_csv(funnel_table(points))


def chart_png_landscape(chart: object, width: int = 960, height: int = 520) -> bytes:
    """An Altair chart (with its title, source and date in the chart's title block) as a
    landscape PNG, rendered offline by vl-convert."""
    import vl_convert

    sized = chart.properties(width=width, height=height)  # type: ignore[attr-defined]
    return bytes(vl_convert.vegalite_to_png(sized.to_json(), scale=2))


def backup_file() -> download.ExportFile:
    """A backup of the store in force, made now (:func:`records.backup.write_backup`), as
    the Data page offers it for download (the click is audited as ``download_zip``)."""
    buffer = io.BytesIO()
    summary = write_backup(buffer)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return download.ExportFile(
        "Download the backup (.zip)",
        buffer.getvalue(),
        f"precision-backup-{stamp}.zip",
        f"Backup: {summary.files} files, {summary.months} force months, snapshot {summary.created}",
        summary.files,
    )
