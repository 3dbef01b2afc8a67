"""The role policy: what each role is for, the pages it may open, its level of organised
crime group (OCG) data, the cross-border view and the impact evaluation, in one table
(:data:`POLICY`), and the one message for a failed sign-in.

Pure values and functions (no Streamlit), so the app (``app.py`` registers only
:func:`pages_for`'s pages; :func:`ui.ocg_gate.visible_ocg` is the one gate for OCG data), the
command-line tools (``python -m cli.users``) and tests use the same policy. The user record
is :mod:`security.users`.
"""

from __future__ import annotations

import dataclasses

#: How much organised crime group data a viewer may see, least first: nothing, the public
#: summary's disclosure-checked disruption counts (``models.public_summary``), counts of
#: groups (by district and criminality), or details (groups, activity, disruptions).
OCG_LEVELS: tuple[str, ...] = ("none", "public", "counts", "details")


@dataclasses.dataclass(frozen=True)
class RolePolicy:
    """What one role may do.

    Attributes
    ----------
    purpose : str
        Who holds the role and what for (shown on the Users page and by ``cli.users``).
    pages : frozenset of str
        Pages the role may open (keys of ``app.PAGES``).
    ocg_level : str
        One of :data:`OCG_LEVELS`.
    cross_border : bool
        Whether the role may show neighbouring forces' hexagons on the Hotspot map (the
        cross-border view is for tactical leads).
    impact_in_full : bool
        Whether the role sees the impact evaluation in full (others with the page see its
        public version).
    """

    purpose: str
    pages: frozenset[str]
    ocg_level: str = "none"
    cross_border: bool = False
    impact_in_full: bool = False


_SHARED = frozenset({"delivery", "impact", "public", "accessibility"})

#: The one table of the role policy.
POLICY: dict[str, RolePolicy] = {
    "silver": RolePolicy(
        "District Silver groups: every analysis page, organised crime group data included",
        frozenset({"home", "map", "communities", "comms", "trends", "profile", "ocg", "accuracy", "national"})
        | _SHARED,
        ocg_level="details",
        cross_border=True,
        impact_in_full=True,
    ),
    "comms": RolePolicy(
        "Corporate communications: hotspot map, communities and the comms plan; no OCG data",
        frozenset({"home", "map", "communities", "comms", "national"}) | _SHARED,
        ocg_level="public",
    ),
    "opcc": RolePolicy(
        "Police and Crime Commissioner's office: trends, accuracy and profiles; OCG counts only",
        frozenset({"home", "trends", "profile", "accuracy", "national"} | {"impact", "public", "accessibility"}),
        ocg_level="counts",
        impact_in_full=True,
    ),
    "admin": RolePolicy(
        "Administrators: data upload, user management and the audit log",
        frozenset({"home", "data", "users", "audit", "accessibility"}),
    ),
}

#: Roles and what they are for (from :data:`POLICY`).
ROLES: dict[str, str] = {role: p.purpose for role, p in POLICY.items()}

#: Pages each role may open (from :data:`POLICY`).
ROLE_PAGES: dict[str, frozenset[str]] = {role: p.pages for role, p in POLICY.items()}

#: Pages of the demo mode (no sign-in): public crime data, and OCG data only where every
#: row is synthetic.
DEMO_PAGES: frozenset[str] = frozenset(
    {"home", "map", "communities", "comms", "trends", "profile", "ocg", "accuracy", "national"}
    | {"delivery", "impact", "public", "accessibility"}
)

#: Roles that may show neighbouring forces' hexagons on the Hotspot map (from :data:`POLICY`).
CROSS_BORDER_ROLES: frozenset[str] = frozenset(r for r, p in POLICY.items() if p.cross_border)

#: The OCG level of each role (from :data:`POLICY`); a role not listed sees none.
ROLE_OCG_LEVEL: dict[str, str] = {r: p.ocg_level for r, p in POLICY.items() if p.ocg_level != "none"}

#: Roles that see the impact evaluation in full (from :data:`POLICY`).
IMPACT_FULL: frozenset[str] = frozenset(r for r, p in POLICY.items() if p.impact_in_full)


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
