"""Data (admin): load data.police.uk months from uploaded CSVs or monthly zip archives."""

from __future__ import annotations

import streamlit as st

from geo import audit
from geo.errors import PrecisionError
from geo.ingest import ingest_parsed
from geo.police_uk import REJECT_REASONS, parse_upload
from ui import auth, cache

st.title("Data")
st.markdown(
    "Load data.police.uk street-level crime: the monthly `.zip` archive the site delivers, or "
    "`YYYY-MM-<force>-street.csv` files. Every row is checked; a month already loaded is "
    "replaced. A file that is not a street-level CSV stops the load and nothing is stored."
)
stats = cache.month_stats(st.session_state["store_token"])
st.caption(f"Loaded now: {', '.join(stats['month']) or 'nothing'}")

uploads = st.file_uploader("Files", type=["csv", "zip"], accept_multiple_files=True)
if uploads and st.button("Load", type="primary"):
    user = auth.current_user()
    names = [u.name for u in uploads]
    try:
        with st.status("Loading…", expanded=True) as status:
            parsed = [p for u in uploads for p in parse_upload(u.name, u.getvalue())]
            summary = ingest_parsed(parsed, cache.store(), progress=lambda f, text: status.write(text))
            status.update(label="Loaded", state="complete")
    except PrecisionError as exc:
        audit.record("upload_rejected", user.username, str(exc), {"files": names})
        st.error(f"Nothing was stored. {exc}")
    else:
        audit.record("upload", user.username, f"{summary.stored:,} incidents",
                     {"files": names, "months": summary.months, "rejected": summary.rejected})
        st.success(f"Stored {summary.stored:,} incidents for {', '.join(summary.months)}.")
        st.code(summary.to_text(), language=None)
        if len(summary.rejects):
            st.dataframe(summary.rejects.assign(reason=summary.rejects["reason"].map(lambda r: REJECT_REASONS.get(r, r))),
                         hide_index=True, width="stretch")
