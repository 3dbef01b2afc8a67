"""Data (admin): fetch new data.police.uk months, or load them from uploaded CSVs or monthly
zip archives; OCG, national and outcome tables; download a backup of everything (audited);
review and confirm deletion under the retention policy (audited with counts)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from core.errors import PrecisionError
from core.settings import get_settings
from core.synthetic import SYNTHETIC_MARKER
from geo.ingest import ingest_files
from geo.police_uk import REJECT_REASONS, unique_labels, upload_sources
from geo.update import update
from records.census import store_census
from records.force_populations import store_populations
from records.national_table import store_recorded_crime
from records.ocg_store import load_files
from records.retention import RetentionPolicy, apply, plan
from ui import cache, context, download, exports, loading, session
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
        session.audit_event("upload_rejected", str(exc), {"files": names})
        st.error(f"Nothing was stored. {exc}")
    else:
        session.audit_event(
            "upload",
            f"{summary.stored:,} incidents",
            {"files": names, "months": summary.months, "rejected": summary.rejected},
            file_name=", ".join(names),
            rows=summary.stored,
        )
        st.session_state["store_token"] = cache.with_census(cache.store().token())
        st.success(f"Stored {summary.stored:,} incidents for {', '.join(summary.months)}.")
        loading.prepare_analyses(cache.store())
        st.code(summary.to_text(), language=None)
        if len(summary.rejects):
            st.dataframe(
                summary.rejects.assign(reason=summary.rejects["reason"].map(lambda r: REJECT_REASONS.get(r, r))),
                hide_index=True,
                width="stretch",
            )

st.subheader("New months from data.police.uk")
settings = get_settings()
st.markdown(
    f"Asks {settings.police_uk_url} which months are published and fetches those the store lacks "
    f"(the newest {settings.update_months}), for {settings.home_force} and the neighbouring forces of the "
    "cross-border view, reading only their files out of the site's archive. Each month goes through the "
    "checks above and is stored whole or not at all; the same as `python -m cli.update`."
)
freshness_now = st.container()  # filled after the button: what the store holds then
if st.button("Fetch new months"):
    with st.status("Asking data.police.uk…", expanded=True) as status:
        bar = st.progress(0.0)
        try:
            report = update(
                cache.store(),
                settings,
                log=status.write,
                progress=lambda fraction, text: bar.progress(fraction, text=text),
                lsoas=cache.lsoas(),
            )
        except PrecisionError as exc:
            status.update(label="Nothing was changed", state="error")
            st.error(f"Nothing was changed. {exc}")
        else:
            if report.planned:
                session.audit_event(
                    "data_update",
                    f"{len(report.stored_months)} month(s) stored from {report.source}",
                    {"months": report.stored_months, "failed": {o.month: o.problem for o in report.failed}},
                    rows=report.rows_added,
                )
            st.session_state["store_token"] = cache.store().token()
            status.update(label=report.to_text().splitlines()[0], state="error" if report.failed else "complete")
            if report.stored_months:
                loading.prepare_analyses(cache.store())
            for failed in report.failed:
                st.error(f"{failed.month} was not stored: {failed.problem}")
with freshness_now:
    context.freshness_line(st.session_state["store_token"])

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
            demo=session.is_demo(),
        )
    except PrecisionError as exc:
        session.audit_event("upload_rejected", str(exc), {"files": names})
        st.error(f"Nothing was stored. {exc}")
    else:
        synthetic = bool(register["synthetic"].all())
        session.audit_event(
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
    table = session.audited_upload(
        national_file.name,
        national_file.getvalue(),
        store_recorded_crime,
        lambda t: session.Loaded(
            f"national table, {t.rows_read:,} rows",
            {"years": t.years},
            t.rows_read,
            f"Stored the national table: financial years {', '.join(t.years)}.",
        ),
    )
    if table is not None:
        st.code(table.summary(), language=None)

st.markdown(
    "Load ONS mid-year population estimates so each financial year's rates use the residents of its own year "
    "(2017/18 is read against mid-2017): a CSV with `mid_year`, `persons` and either `force` (names as the Home "
    "Office writes them) or `area_code` (district codes, summed to forces). Every line is checked; a year must "
    "cover every force. A year not loaded uses the latest loaded before it, else census 2011; the page says which."
)
populations_file = st.file_uploader("Mid-year population estimates (CSV)", type=["csv"], key="force_populations")
if populations_file and st.button("Load population estimates", type="primary"):
    session.audited_upload(
        populations_file.name,
        populations_file.getvalue(),
        store_populations,
        lambda e: session.Loaded(e.summary(), {"years": e.years}, e.lines, f"Stored {e.summary()}."),
    )

st.divider()
st.subheader("Census 2021 (residents and households by 2021 LSOA)")
st.markdown(
    "Upload the Nomis bulk tables as published: `census2021-ts001.zip` (usual residents) and "
    "`census2021-ts041.zip` (households), or their `…-lsoa.csv` files. Every line is checked and every 2021 LSOA "
    "of the five districts must be there; a file with a problem stores nothing. Rates per 1,000 residents on "
    "Trends and the District profile, and communities' residents and households (flyer counts), then use "
    "census 2021 for months from March 2021."
)
census_files = st.file_uploader("Census 2021 tables", type=["csv", "zip"], accept_multiple_files=True, key="census")
if census_files and st.button("Load census tables", type="primary"):
    for upload in census_files:
        session.audited_upload(
            upload.name,
            upload.getvalue(),
            store_census,
            lambda c: session.Loaded(c.summary(), {"table": c.table}, c.lines),
        )

outcome_ui.upload_section("data_outcomes")

st.divider()
st.subheader("Backup")
st.markdown(
    "A backup is one `.zip` of everything the app keeps, taken consistently while it runs: the incident months, "
    "the OCG, outcome, national and delivery tables, revoked sign-ins, the users file and the audit log, with a "
    "SHA-256 sum of every file. It never holds the secret that signs sign-ins, nor the audit key. Restore it on "
    "the server with `python -m cli.restore FILE --store DIR`, which checks every sum before changing anything. "
    "Downloading it is recorded in the audit log."
)
if st.button("Make a backup", key="make_backup"):
    st.session_state["backup_file"] = exports.backup_file()
if (made := st.session_state.get("backup_file")) is not None:
    download.download(made, {"store": str(get_settings().store_dir)})

st.divider()
st.subheader("Retention")
policy = RetentionPolicy.from_settings()
st.markdown(
    f"The settings keep {policy.describe()}. Choose the periods to review (0 keeps everything), check what is due, "
    "and confirm. Each table's deletion is atomic and recorded in the audit log with its counts; the audit log "
    "itself is never purged. `python -m cli.retention --apply` does the same on a schedule."
)
c = st.columns(3)
kept = [
    c[0].number_input("Incident months kept", 0, 600, policy.incident_months or 0, key="retain_incidents"),
    c[1].number_input("OCG activity months kept", 0, 600, policy.ocg_activity_months or 0, key="retain_activity"),
    c[2].number_input("Disruption months kept", 0, 600, policy.disruption_months or 0, key="retain_disruptions"),
]
c[0].button("36 months, as data.police.uk", on_click=lambda: st.session_state.update(retain_incidents=36))
due = plan(RetentionPolicy(*(int(k) or None for k in kept)), dt.date.today())
(st.info if due.empty else st.warning)(due.summary())
if not due.empty:
    if due.months:
        st.dataframe(pd.DataFrame(due.months, columns=["Force", "Month"]), hide_index=True, width="stretch")
    confirmed = st.checkbox("I have checked what is due and confirm its deletion", key="retain_confirm")
    if st.button("Delete what is due", type="primary", disabled=not confirmed):
        try:
            done = apply(due)
        except PrecisionError as exc:
            st.error(f"Nothing of the store was deleted. {exc}")
        else:
            what = f"deleted {done.months} force months ({done.incidents:,} incidents) and {done.records:,} OCG records"
            session.audit_event(
                "retention", what, {**due.counts(), "records_deleted": done.records}, rows=done.incidents + done.records
            )
            st.session_state["store_token"] = cache.store().token()
            st.success(what[0].upper() + what[1:] + ".")
