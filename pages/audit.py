"""Audit log (admin): whether the log's hash chain is intact and since when, then sign-ins,
uploads, disruptions, downloads and user changes, newest first, filtered by user, kind and
date (UK time), exportable as CSV (itself audited; ``python -m cli.audit export`` writes the
same bytes)."""

from __future__ import annotations

import streamlit as st

from security import audit
from ui import cache, download

st.title("Audit log")
chain = cache.audit_chain(audit.log_stamp())
(st.success if chain.intact else st.error)(chain.summary())
log = audit.read()
c = st.columns([2, 2, 2])
who = c[0].multiselect("Users", sorted(set(log["user"])), placeholder="All users")
kinds = c[1].multiselect(
    "Kinds", audit.kinds_in(log), format_func=audit.kind_label, placeholder="All kinds", key="audit_kinds"
)
days = c[2].date_input("Dates (UK)", value=(), format="DD/MM/YYYY", help="One day, or the first and last day.")
start, end = audit.date_range(days)
shown = audit.filter_events(log, who, kinds, start, end)
st.caption(f"{len(shown):,} of {len(log):,} events. Times are UK local time. The log is append-only.")
st.dataframe(audit.readable(shown), hide_index=True, width="stretch")
download.download(
    download.ExportFile(
        "Audit log (CSV)", audit.csv_bytes(shown), "precision_audit_log.csv", "Audit log extract", len(shown)
    ),
    {"users": who, "kinds": kinds, "from": start, "to": end},
)
