"""Data (admin): load data.police.uk months from uploaded CSVs or monthly zip archives."""

from __future__ import annotations

import streamlit as st

from core.errors import PrecisionError
from core.synthetic import SYNTHETIC_MARKER
from geo.ingest import ingest_files
from geo.police_uk import REJECT_REASONS, unique_labels, upload_sources
from records.census import store_census
from records.national_table import store_recorded_crime
from records.ocg_store import load_files
from ui import auth, cache
from ui import outcomes as outcome_ui

st.title("Data")
st.markdown(
    "Load data.police.uk street-level crime: the monthly `.zip` archive the site delivers, or "
    "`YYYY-MM-<force>-street.csv` files, for any force. Every row is checked; a force's month "
    "already loaded is replaced, and no other force's. A file that is not a street-level CSV, or an "
    "archive beyond the limits in `data/README.md`, stops the load and nothing is stored."
)
loaded_now = st.empty()  # filled once any load below has been committed

uploads = st.file_uploader("Files", type=["csv", "zip"], accept_multiple_files=True)
if uploads and st.button("Load", type="primary"):
    names = [u.name for u in uploads]
    try:
        with st.status("Loading…", expanded=True) as status:
            labels = unique_labels([u.name for u in uploads])  # two uploads with one name stay two files
            sources = [s for u, label in zip(uploads, labels) for s in upload_sources(label, u.getvalue())]
            summary = ingest_files(
                sources,
                cache.store(),
                lsoas=cache.lsoas(),
                progress=lambda f, text: status.update(label=f"Loading… {text}"),
            )
            status.update(label="Loaded", state="complete")
    except PrecisionError as exc:
        auth.audit_event("upload_rejected", str(exc), {"files": names})
        st.error(f"Nothing was stored. {exc}")
    else:
        auth.audit_event(
            "upload",
            f"{summary.stored:,} incidents",
            {"files": names, "months": summary.months, "rejected": summary.rejected},
            file_name=", ".join(names),
            rows=summary.stored,
        )
        st.session_state["store_token"] = cache.with_census(cache.store().token())
        st.success(f"Stored {summary.stored:,} incidents for {', '.join(summary.months)}.")
        st.code(summary.to_text(), language=None)
        if len(summary.rejects):
            st.dataframe(
                summary.rejects.assign(reason=summary.rejects["reason"].map(lambda r: REJECT_REASONS.get(r, r))),
                hide_index=True,
                width="stretch",
            )

stats = cache.month_stats(st.session_state["store_token"])
loaded_now.caption(f"Loaded now: {', '.join(stats['month']) or 'nothing'}")

st.divider()
st.subheader("Organised crime group data")
st.markdown(
    "Upload the OCG register and its activity file together (columns in `data/README.md`). "
    "Every row is checked; activity of an OCG not in the register is rejected. The stored "
    "OCG tables are replaced only when both files can be read."
)
st.caption(
    f"Synthetic or real is read from the files: files whose first line is `{SYNTHETIC_MARKER}` are "
    "synthetic demonstration data (their groups must be the generator's `Synthetic group N`); every other file "
    "is treated as real intelligence."
)
c = st.columns(2)
register_file = c[0].file_uploader("Register (CSV)", type=["csv"], key="ocg_register")
activity_file = c[1].file_uploader("Activity (CSV)", type=["csv"], key="ocg_activity")
if register_file and activity_file and st.button("Load OCG data", type="primary"):
    names = [register_file.name, activity_file.name]
    try:
        register, activity, rejects = load_files(
            register_file.getvalue(),
            register_file.name,
            activity_file.getvalue(),
            activity_file.name,
            demo=auth.is_demo(),
        )
    except PrecisionError as exc:
        auth.audit_event("upload_rejected", str(exc), {"files": names})
        st.error(f"Nothing was stored. {exc}")
    else:
        synthetic = bool(register["synthetic"].all())
        auth.audit_event(
            "upload_ocg",
            f"{len(register)} OCGs, {len(activity)} activity records",
            {"files": names, "rejected": len(rejects), "synthetic": synthetic},
            file_name=", ".join(names),
            rows=len(register) + len(activity),
        )
        label = "SYNTHETIC demonstration data" if synthetic else "real data"
        st.success(
            f"Stored {len(register)} OCGs and {len(activity):,} activity records ({label}, from the files); "
            f"{len(rejects)} rows rejected."
        )
        if len(rejects):
            st.dataframe(rejects, hide_index=True, width="stretch")

st.divider()
st.subheader("National table (police recorded crime by force area)")
st.markdown(
    "Upload a newer Home Office open data table of police recorded crime by police force area, as published "
    "(CSV with `Financial Year`, `Financial Quarter`, `Force Name`, `Offence Description`, `Offence Group`, "
    "`Offence Subgroup`, `Offence Code`, `Number of Offences`). Every row is checked; negative adjustments are "
    "kept. A table with an unusable row or an unknown force stores nothing; the National picture page uses the "
    "new table once stored."
)
national_file = st.file_uploader("Recorded crime table (CSV)", type=["csv"], key="national_table")
if national_file and st.button("Load national table", type="primary"):
    try:
        table = store_recorded_crime(national_file.getvalue(), national_file.name)
    except PrecisionError as exc:
        auth.audit_event("upload_rejected", str(exc), {"files": [national_file.name]}, file_name=national_file.name)
        st.error(f"Nothing was stored. {exc}")
    else:
        auth.audit_event(
            "upload",
            f"national table, {table.rows_read:,} rows",
            {"years": table.years},
            file_name=national_file.name,
            rows=table.rows_read,
        )
        st.success(f"Stored the national table: financial years {', '.join(table.years)}.")
        st.code(table.summary(), language=None)

st.divider()
st.subheader("Census 2021 (residents and households by 2021 LSOA)")
st.markdown(
    "Upload the Nomis bulk tables as published: `census2021-ts001.zip` (usual residents) and "
    "`census2021-ts041.zip` (households), or their `…-lsoa.csv` files. Every line is checked and every 2021 LSOA "
    "of the five districts must be there; a file with a problem stores nothing. Rates per 1,000 residents on "
    "Trends and the District profile then use census 2021 for months from March 2021."
)
census_files = st.file_uploader("Census 2021 tables", type=["csv", "zip"], accept_multiple_files=True, key="census")
if census_files and st.button("Load census tables", type="primary"):
    for upload in census_files:
        try:
            census = store_census(upload.getvalue(), upload.name)
        except PrecisionError as exc:
            auth.audit_event("upload_rejected", str(exc), {"files": [upload.name]}, file_name=upload.name)
            st.error(f"Nothing was stored from {upload.name}. {exc}")
        else:
            auth.audit_event(
                "upload", census.summary(), {"table": census.table}, file_name=upload.name, rows=census.lines
            )
            st.success(census.summary())

outcome_ui.upload_section("data_outcomes")
