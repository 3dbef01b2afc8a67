"""What each role may open and see: its pages, its level of organised crime group (OCG) data,
and the one message for a failed sign-in.

Pure values and functions (no Streamlit), so tests call them directly; ``app.py`` registers
only :func:`pages_for`'s pages, and :func:`ui.ocg_gate.visible_ocg` is the one gate for OCG data.
The roles themselves and the user record are :mod:`security.users`.
"""

from __future__ import annotations

#: Pages each role may open (keys of app.PAGES).
ROLE_PAGES: dict[str, frozenset[str]] = {
    "silver": frozenset(
        {"home", "map", "communities", "comms", "trends", "profile", "ocg", "accuracy", "national"}
        | {"delivery", "impact", "public", "accessibility"}
    ),
    "comms": frozenset(
        {"home", "map", "communities", "comms", "national"} | {"delivery", "impact", "public", "accessibility"}
    ),
    "opcc": frozenset({"home", "trends", "profile", "accuracy", "national"} | {"impact", "public", "accessibility"}),
    "admin": frozenset({"home", "data", "users", "audit", "accessibility"}),
}

#: Pages of the demo mode (no sign-in): public crime data, and OCG data only where every
#: row is synthetic.
DEMO_PAGES: frozenset[str] = frozenset(
    {"home", "map", "communities", "comms", "trends", "profile", "ocg", "accuracy", "national"}
    | {"delivery", "impact", "public", "accessibility"}
)

#: Roles that may show neighbouring forces' hexagons on the Hotspot map (the cross-border
#: view is for tactical leads).
CROSS_BORDER_ROLES: frozenset[str] = frozenset({"silver"})

#: How much organised crime group data a viewer may see, least first: nothing, the public
#: summary's disclosure-checked disruption counts (``models.public_summary``), counts of
#: groups (by district and criminality), or details (groups, activity, disruptions).
OCG_LEVELS: tuple[str, ...] = ("none", "public", "counts", "details")

#: The OCG level of each role; a role not listed sees none.
ROLE_OCG_LEVEL: dict[str, str] = {"silver": "details", "opcc": "counts", "comms": "public"}

#: Roles that see the impact evaluation in full (others with the page see its public version).
IMPACT_FULL: frozenset[str] = frozenset({"silver", "opcc"})


def impact_in_full(role: str | None, demo: bool) -> bool:
    """Whether a viewer sees the whole impact evaluation (tables, intervals, comparison
    areas, displacement) rather than its public sentences; the demo mode does."""
    return demo or (role or "") in IMPACT_FULL


#: The message for every failed sign-in (it never says which part was wrong).
SIGN_IN_FAILED = "Sign-in failed: check your user name and password."


def ocg_level(role: str | None, demo: bool) -> str:
    """The OCG level (:data:`OCG_LEVELS`) of a viewer.

    The demo mode sees details, of synthetic data only: real rows are withheld where the
    data is read (``ui.ocg_gate.visible_ocg``), whatever this returns. An unknown role sees none.
    """
    if demo:
        return "details"
    return ROLE_OCG_LEVEL.get(role or "", "none")


def ocg_allows(level: str, needed: str) -> bool:
    """Whether a viewer at ``level`` may see what needs ``needed`` (unknown levels: no)."""
    if level not in OCG_LEVELS or needed not in OCG_LEVELS:
        return False
    return OCG_LEVELS.index(level) >= OCG_LEVELS.index(needed) and needed != "none"


def pages_for(role: str | None, demo: bool = False) -> frozenset[str]:
    """Pages a role may open (the demo pages in demo mode; none for an unknown role)."""
    if demo:
        return DEMO_PAGES
    return ROLE_PAGES.get(role or "", frozenset())


def cross_border_allowed(role: str | None) -> bool:
    """Whether a role may turn on the Hotspot map's cross-border layer (unknown: no)."""
    return (role or "") in CROSS_BORDER_ROLES
