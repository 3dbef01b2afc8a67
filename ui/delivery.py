"""Widgets of the delivery log: the plan being delivered, marking its items delivered,
adding unplanned deliveries and editing records. Checks and storage are
:mod:`records.delivery_log` (which audits every change); the items are :mod:`models.delivery`."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd
import streamlit as st

from core.errors import RecordError
from core.settings import get_settings
from models.delivery import item_label, split_codes
from models.targeting import PlanConstraints
from records import delivery_log
from ui import session
from ui.comms import DEFAULT_SELECTED

#: Session key where the Comms plan page leaves the plan it shows (constraints, selected ids).
PLAN_KEY = "comms_plan_args"

#: Stored column -> heading in the page's table and its CSV.
LOG_HEADINGS = {
    "date": "Date",
    "kind": "Kind",
    "community_id": "Community",
    "community_name": "Community name",
    "district": "District",
    "lsoa_codes": "LSOAs",
    "flyers": "Flyers delivered",
    "live_viewers": "Live viewers",
    "later_views": "Later views",
    "comments": "Comments",
    "outlet": "Outlet",
    "title": "Title",
    "spoc": "Media SPOC",
    "planned_item": "Plan item",
    "recorded_by": "Recorded by",
    "recorded_at": "Recorded at",
    "edited_by": "Edited by",
    "record_id": "Record",
}


def plan_args(communities: gpd.GeoDataFrame, today: dt.date) -> tuple[PlanConstraints, tuple[str, ...], bool]:
    """The plan to deliver: the one last shown on the Comms plan page in this session, else
    the page's defaults; the flag says whether it came from the Comms plan page."""
    saved = st.session_state.get(PLAN_KEY)
    ids = communities["community_id"].tolist()
    if saved is not None:
        constraints, selected = saved
        kept = tuple(i for i in selected if i in set(ids))
        if kept:
            return constraints, kept, True
    start = today + dt.timedelta(days=7)
    return PlanConstraints(start=start, end=start + dt.timedelta(days=90)), tuple(ids[:DEFAULT_SELECTED]), False


def log_table(log: pd.DataFrame) -> pd.DataFrame:
    """The log as the page shows it and its CSV carries (newest first, readable headings)."""
    frame = log.sort_values(["date", "recorded_at"], ascending=False)[list(LOG_HEADINGS)]
    frame = frame.assign(
        kind=frame["kind"].map(delivery_log.KINDS), lsoa_codes=frame["lsoa_codes"].str.replace(";", ", ")
    )
    return frame.rename(columns=LOG_HEADINGS).reset_index(drop=True)


def _store(record: dict[str, object], done: str) -> None:
    user = session.current_user()
    if user is None:  # fails closed: a change nobody can be named for is not made
        st.error("Not recorded: sign in first.")
        return
    try:
        delivery_log.add_delivery(record, user.username, user.role)
    except RecordError as exc:
        st.error(f"Not recorded: {exc.reason}")
    else:
        st.session_state["delivery_done"] = done
        st.rerun()


def mark_delivered(items: pd.DataFrame, today: dt.date) -> None:
    """Pick a planned item not yet delivered and record its delivery."""
    kind = st.radio(
        "Mark as delivered",
        ["facebook_live", "flyer_drop"],
        format_func=lambda k: delivery_log.KINDS[k].capitalize() + "s",
        horizontal=True,
        key="delivery_mark_kind",
    )
    pending = items[(items["kind"] == kind) & ~items["delivered"]].reset_index(drop=True)
    if pending.empty:
        st.info(f"Every planned {delivery_log.KINDS[kind]} is marked delivered.")
        return
    choice = st.selectbox(
        "Planned item", range(len(pending)), format_func=lambda i: item_label(pending.iloc[i]), key="delivery_item"
    )
    item = pending.iloc[int(choice)]
    with st.form("delivery_mark", clear_on_submit=True):
        planned = dt.date.fromisoformat(str(item["planned_date"]))
        day = st.date_input("Delivered on", value=min(planned, today), max_value=today)
        record: dict[str, object] = {
            "kind": kind,
            "planned_item": item["item_id"],
            "community_id": item["community_id"],
            "community_name": item["community_name"],
            "district": item["district"],
            "cells": item["cells"],
            "resolution": int(item["resolution"]),
        }
        c = st.columns(3)
        if kind == "flyer_drop":
            lsoas = split_codes(item["lsoa_codes"])
            record["lsoa_codes"] = c[0].multiselect("LSOAs covered", lsoas, default=lsoas)
            record["flyers"] = c[1].number_input(
                "Flyers delivered", min_value=0, max_value=delivery_log.MAX_COUNT, value=int(item["planned_flyers"])
            )
        else:
            record["lsoa_codes"] = item["lsoa_codes"]
            record["live_viewers"] = c[0].number_input("Live viewers", min_value=0, max_value=delivery_log.MAX_COUNT)
            record["later_views"] = c[1].number_input("Later views", min_value=0, max_value=delivery_log.MAX_COUNT)
            record["comments"] = c[2].number_input("Comments", min_value=0, max_value=delivery_log.MAX_COUNT)
        if st.form_submit_button("Mark delivered", type="primary"):
            record["date"] = day
            _store(record, f"Marked delivered: {item_label(item)} on {day}.")


def add_unplanned(
    communities: gpd.GeoDataFrame, resolution: int, today: dt.date, default_day: dt.date | None = None
) -> None:
    """Record a delivery that was not in the plan (a flyer drop, a session or a media piece);
    the date offered is ``default_day`` (the data's plan day when the data are old, see
    :mod:`models.data_age`), never after ``today``."""
    kind = st.radio(
        "Kind",
        list(delivery_log.KINDS),
        format_func=lambda k: delivery_log.KINDS[k].capitalize(),
        horizontal=True,
        key="delivery_unplanned_kind",
    )
    ids = communities["community_id"].tolist()
    rows = communities.set_index("community_id")
    with st.form("delivery_unplanned", clear_on_submit=True):
        c = st.columns(3)
        day = c[0].date_input("Date", value=min(default_day or today, today), max_value=today)
        optional = kind == "media"
        community = c[1].selectbox(
            "Community" + (" (optional)" if optional else ""),
            ([""] if optional else []) + ids,
            format_func=lambda i: f"{i} · {rows.loc[i, 'name']}" if i else "None (district-wide)",
        )
        district = c[2].selectbox("District", sorted(get_settings().districts.values()))
        record: dict[str, object] = {"kind": kind, "date": day, "district": district}
        if community:
            row = rows.loc[community]
            record.update(
                community_id=community,
                community_name=row["name"],
                cells=[int(x) for x in row["cells"]],
                resolution=resolution,
                lsoa_codes=list(row["lsoas"]),
            )
        d = st.columns(3)
        if kind == "flyer_drop":
            record["flyers"] = d[0].number_input("Flyers delivered", min_value=0, max_value=delivery_log.MAX_COUNT)
            st.caption("The drop covers the community's LSOAs; pick the community above.")
        elif kind == "facebook_live":
            record["live_viewers"] = d[0].number_input("Live viewers", min_value=0, max_value=delivery_log.MAX_COUNT)
            record["later_views"] = d[1].number_input("Later views", min_value=0, max_value=delivery_log.MAX_COUNT)
            record["comments"] = d[2].number_input("Comments", min_value=0, max_value=delivery_log.MAX_COUNT)
        else:
            record["outlet"] = d[0].text_input("Outlet", max_chars=300)
            record["title"] = d[1].text_input("Title of the piece", max_chars=300)
            record["spoc"] = d[2].text_input("District media SPOC", max_chars=300)
        if st.form_submit_button("Add delivery"):
            _store(record, f"Added: {delivery_log.KINDS[kind]} on {day}.")


def edit_record(log: pd.DataFrame, today: dt.date) -> None:
    """Correct a stored record's date, counts or media details (audited as an edit)."""
    if log.empty:
        st.caption("Nothing recorded yet.")
        return
    ordered = log.sort_values("date", ascending=False).reset_index(drop=True)
    pick = st.selectbox(
        "Record",
        range(len(ordered)),
        format_func=lambda i: (
            f"{ordered.loc[i, 'date']} · {delivery_log.KINDS[ordered.loc[i, 'kind']]} · "
            f"{ordered.loc[i, 'community_name'] or ordered.loc[i, 'district']}"
        ),
        key="delivery_edit_pick",
    )
    row = ordered.iloc[int(pick)]
    kind = str(row["kind"])
    with st.form("delivery_edit"):
        changes: dict[str, object] = {
            "date": st.date_input("Date", value=dt.date.fromisoformat(str(row["date"])), max_value=today)
        }
        c = st.columns(3)
        for column, field in zip(c, delivery_log.COUNT_FIELDS[kind]):
            changes[field] = column.number_input(
                LOG_HEADINGS[field], min_value=0, max_value=delivery_log.MAX_COUNT, value=int(row[field])
            )
        if kind == "media":
            for column, field in zip(c, ("outlet", "title", "spoc")):
                changes[field] = column.text_input(LOG_HEADINGS[field], value=str(row[field]), max_chars=300)
        if st.form_submit_button("Save changes"):
            user = session.current_user()
            if user is None:  # fails closed, as _store
                st.error("Not saved: sign in first.")
                return
            try:
                delivery_log.edit_delivery(str(row["record_id"]), changes, user.username, user.role)
            except RecordError as exc:
                st.error(f"Not saved: {exc.reason}")
            else:
                st.session_state["delivery_done"] = f"Saved the changes to record {row['record_id']}."
                st.rerun()
