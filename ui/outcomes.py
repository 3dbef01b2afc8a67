"""Uploading the outcome files (Crimestoppers, confidence survey) and their labels.

The same section serves admins on the Data page and OPCC users on the Impact page. Files
are checked and stored by :func:`records.outcome_files.load_outcome_file`; every load, refused or
not, is audited.
"""

from __future__ import annotations

import dataclasses

import streamlit as st

from core.errors import PrecisionError
from core.synthetic import SYNTHETIC_MARKER
from records import outcome_files as outcomes_store
from ui import cache, session

SCHEMA_TEXT = (
    "**Crimestoppers reports** (`district,month,reports`): one row per district and month "
    "(`YYYY-MM`), reports a whole number. **OPCC confidence survey** "
    "(`district,quarter,respondents,confident`): one row per district and quarter (`YYYY-Qn`), "
    "respondents and how many of them said they were confident. Districts: Bradford, Calderdale, "
    "Kirklees, Leeds, Wakefield. A file with any bad line is refused as a whole, and what is stored is "
    f"kept. Files whose first line is `{SYNTHETIC_MARKER}` (from `models/outcomes_synthetic.py`) are "
    "synthetic demonstration data; every other file is real. Details in `data/README.md`."
)


def synthetic_label(data: outcomes_store.Outcomes, kind: str) -> str | None:
    """The synthetic banner of a kind, read from its stored rows (None when real or empty)."""
    if not data.synthetic(kind):
        return None
    words = outcomes_store.KINDS[kind][2]
    return f"SYNTHETIC DEMONSTRATION DATA: these {words} figures are invented for demonstration, not real."


def current() -> outcomes_store.Outcomes:
    """The stored outcome data (cached by its state), as this viewer may have it: in the demo
    mode a kind whose stored rows are not all synthetic is withheld (an empty table), as OCG
    data is, so real figures never reach anonymous demo visitors."""
    data = cache.outcome_data(outcomes_store.token())
    if not session.is_demo():
        return data
    withheld = {
        kind: getattr(data, kind).iloc[0:0]
        for kind in outcomes_store.KINDS
        if data.loaded(kind) and not data.synthetic(kind)
    }
    return dataclasses.replace(data, **withheld) if withheld else data


def upload_section(key: str) -> None:
    """Draw the outcome uploads (a subheader, the schema, one uploader per kind)."""
    st.subheader("Outcome data: Crimestoppers and confidence survey")
    st.markdown(SCHEMA_TEXT)
    columns = st.columns(len(outcomes_store.KINDS))
    for column, (kind, (_, _, words)) in zip(columns, outcomes_store.KINDS.items()):
        upload = column.file_uploader(f"{words} (CSV)", type=["csv"], key=f"{key}_{kind}")
        if upload is None or not column.button(f"Load {words}", key=f"{key}_{kind}_load"):
            continue
        try:
            table = outcomes_store.load_outcome_file(upload.getvalue(), upload.name, kind, demo=session.is_demo())
        except PrecisionError as exc:
            session.audit_event(
                "upload_rejected", str(exc), {"files": [upload.name], "kind": kind}, file_name=upload.name
            )
            column.error(f"Nothing was stored. {exc}")
        else:
            synthetic = bool(table["synthetic"].all())
            session.audit_event(
                "outcome_upload",
                f"{words}: {len(table)} rows",
                {"files": [upload.name], "kind": kind, "synthetic": synthetic},
                file_name=upload.name,
                rows=len(table),
            )
            label = "SYNTHETIC demonstration data" if synthetic else "real data"
            column.success(f"Stored {len(table)} rows of {words} ({label}, from the file).")
