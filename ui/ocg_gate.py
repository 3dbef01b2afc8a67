"""The one gate for organised crime group data, and the demo banner worded from what is stored.

Every page, map layer, table, profile and export gets OCG data through :func:`visible_ocg`
(or :func:`public_disruptions` for the public figures), for the session's role.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import streamlit as st

from models.ocg import quarterly_return
from records import ocg_store
from records.ocg_store import OcgData
from security.policy import ocg_allows, ocg_level
from ui import cache, synthetic
from ui.session import current_user, is_demo


@dataclasses.dataclass(frozen=True)
class OcgView:
    """The OCG data a viewer may see now.

    Attributes
    ----------
    data : OcgData or None
        The stored data, or None when nothing may be shown (none stored, the role may not
        see it, or real data in demo mode).
    notice : str or None
        Why stored data is withheld, when the viewer should be told (real data in demo mode).
    allowed : bool
        Whether the viewer's role may see this level of OCG data at all.
    token : str
        The OCG state ``data`` was loaded for (:func:`records.ocg_store.token`), to key caches
        of figures made from it ("" without data).
    """

    data: OcgData | None
    notice: str | None = None
    allowed: bool = True
    token: str = ""


def visible_ocg(needed: str = "details") -> OcgView:
    """The stored OCG data if this viewer may see what needs ``needed`` ("counts" or
    "details"); the one gate every page, map layer, table, profile and export goes through.

    In demo mode nothing is shown unless every stored row is synthetic. The data is cached
    by :func:`records.ocg_store.token`, which changes with every OCG write. The "public" level
    never gets the data itself: :func:`public_disruptions` hands it the public figures only.
    """
    if needed not in ("counts", "details"):
        raise ValueError(f"visible_ocg gives OCG data at 'counts' or 'details' only, not {needed!r}")
    return _ocg_view(needed)


def _ocg_view(needed: str) -> OcgView:
    user = current_user()
    if user is None or not ocg_allows(ocg_level(user.role, is_demo()), needed):
        return OcgView(None, allowed=False)
    token = ocg_store.token()
    data = cache.ocg(token)
    if data is None:
        return OcgView(None)
    if is_demo() and not data.synthetic:
        return OcgView(None, ocg_store.REAL_DATA_IN_DEMO)
    return OcgView(data, token=token)


def public_disruptions() -> tuple[pd.DataFrame | None, bool, str | None]:
    """Disruptions by quarter, level and 4P strand (:func:`models.ocg.quarterly_return`), the
    only OCG-derived figures the public level may have: no register, no activity rows, no
    group. Returns the table (None when none may be shown), whether its rows are synthetic,
    and why stored data is withheld (real data in demo mode)."""
    view = _ocg_view("public")
    if view.data is None:
        return None, False, view.notice
    return quarterly_return(view.data.activity), view.data.synthetic, None


def demo_banner() -> None:
    """The banner of the demo mode, worded from what is stored."""
    view = visible_ocg()
    crime = (
        "a SYNTHETIC demonstration history of crime (invented, patterned on real data.police.uk months)"
        if synthetic.label()
        else "public data.police.uk crime data"
    )
    if view.notice:
        text = f"Demo mode, no sign-in: {crime} only. " + view.notice
    elif view.data is not None:
        text = (
            f"Demo mode, no sign-in: {crime}, and SYNTHETIC organised crime group "
            f"data made for demonstration ({len(view.data.register)} groups, every row synthetic). "
            "No police intelligence is shown here."
        )
    else:
        text = f"Demo mode, no sign-in: {crime} only. No organised crime group data is loaded."
    st.warning(text, icon=":material/info:")
