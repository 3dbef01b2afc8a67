"""The synthetic-data label of the incidents shown, read from the data, for every page,
chart, table, PDF, PNG and CSV of this session.

``app.py`` counts, once per store commit, the stored incidents whose ``Context`` carries the
synthetic mark (:func:`models.demo_history.is_synthetic_context`) and keeps the words here
for the run (:func:`remember`); pages, charts and exports read them with :func:`label`. The
label comes from the rows, never from the mode: a demo store of real months has none, and a
store mixing real and synthetic incidents says so.
"""

from __future__ import annotations

import streamlit as st

from core.synthetic import SYNTHETIC_LABEL, SYNTHETIC_MARKER

_KEY = "synthetic_incidents_label"


def words(synthetic: int, total: int) -> str:
    """The label of ``synthetic`` marked incidents among ``total`` ("" when none is marked).

    Examples
    --------
    >>> words(0, 10)
    ''
    >>> words(10, 10)[:28]
    'SYNTHETIC DEMONSTRATION DATA'
    """
    if synthetic <= 0:
        return ""
    if synthetic >= total:
        return (
            f"{SYNTHETIC_LABEL}: every incident shown is invented for demonstration "
            "(made by models/demo_history.py on the pattern of real data.police.uk months), not real crime."
        )
    return (
        f"{SYNTHETIC_LABEL} mixed with real data: {synthetic:,} of {total:,} stored incidents are synthetic "
        "demonstration data, and the figures shown count both."
    )


def remember(text: str) -> None:
    """Keep this run's label (called by ``app.py`` from the stored rows)."""
    st.session_state[_KEY] = text


def label() -> str:
    """This session's label of the incidents shown ("" when none is synthetic)."""
    return str(st.session_state.get(_KEY, ""))


def banner() -> None:
    """Show the label at the top of the page when the incidents shown are synthetic."""
    if text := label():
        st.error(text, icon=":material/science:")


def title(text: str, known: str | None = None) -> str:
    """A chart or document title, with "(synthetic demonstration data)" when the incidents are
    (``known``: the label, when made outside the page's run; default this session's)."""
    return f"{text} (synthetic demonstration data)" if (label() if known is None else known) else text


def source(text: str, known: str | None = None) -> str:
    """A source line, led by the synthetic label when the incidents are synthetic (``known``
    as for :func:`title`)."""
    return (
        f"{SYNTHETIC_LABEL}, not real crime: made on the pattern of {text}"
        if (label() if known is None else known)
        else text
    )


def csv_bytes(content: bytes) -> bytes:
    """A CSV export with the marker line first when the incidents shown are synthetic (once)."""
    if not label():
        return content
    bom = b"\xef\xbb\xbf"
    body = content.removeprefix(bom)
    if body.startswith(SYNTHETIC_MARKER.encode("ascii")):
        return content
    prefix = bom if content.startswith(bom) else b""
    return prefix + SYNTHETIC_MARKER.encode("ascii") + b"\n" + body
