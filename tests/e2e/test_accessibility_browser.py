"""WCAG 2.2 AA in a real browser: axe-core on every page of every role, and the keyboard.

axe-core (vendored for the tests only, ``tests/e2e/vendor``) is injected into the page and
into every iframe on it (the maps and other components are same-origin iframes), and runs
with ``iframes: true``, so a map's own markup is checked too. The pages are read from the
sidebar navigation each role is shown, never listed here: a page added later is checked
without editing this file. Each page must report no serious or critical violation; every
violation found (of any impact) is written to ``tests/artifacts/axe-<role>.json`` and the
serious and critical ones are printed in the failure message.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from security.users import add_user
from tests.e2e.conftest import ARTIFACTS, MAP_IFRAME, Session, serve_app

pytestmark = pytest.mark.e2e

VENDOR = Path(__file__).parent / "vendor"
AXE_JS = VENDOR / "axe.min.js"
AXE_VERSION = "4.14.1"
#: WCAG 2.0, 2.1 and 2.2 success criteria at levels A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING_IMPACTS = {"serious", "critical"}
PASSWORD = "correct horse battery staple"
ROLES = ("silver", "comms", "opcc", "admin")

AXE_RUN_JS = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags}, iframes: true, resultTypes: ["violations"],
  });
  return {version: axe.version, violations: result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, tags: v.tags,
    nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary, html: n.html.slice(0, 300)})),
  }))};
}"""

#: The links of the sidebar navigation, in order (the "View more" button opened first).
NAV_LINKS_JS = """() => Array.from(document.querySelectorAll("[data-testid='stSidebarNav'] a"))
  .map(a => ({name: a.innerText.trim().split("\\n").pop(), href: a.getAttribute("href")}))"""


@pytest.fixture(scope="module")
def roles_url(sample_store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The secure app over the sample, with one user of each role."""
    root = tmp_path_factory.mktemp("a11y")
    store_dir = root / "store"
    shutil.copytree(sample_store_dir, store_dir)
    users = root / "users.json"
    for role in ROLES:
        add_user(f"{role}1", role, PASSWORD, path=users)
    with serve_app(store_dir, root, PRECISION_USERS=str(users)) as url:
        yield url


def sign_in(session: Session, username: str) -> None:
    """Fill the sign-in form and wait for the role's navigation."""
    page = session.page
    page.get_by_label("User name").fill(username)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    session.wait_idle(180, expect=page.locator("[data-testid='stSidebarNav']"))


def nav_links(session: Session) -> list[dict[str, str]]:
    """The pages the navigation shows now (opening a collapsed list first)."""
    more = session.page.locator("[data-testid='stSidebarNavViewButton']")
    if more.count() and "more" in more.inner_text().lower():
        more.click()
    links: list[dict[str, str]] = session.page.evaluate(NAV_LINKS_JS)
    assert links, "the navigation shows no page"
    return links


def axe_violations(session: Session) -> list[dict[str, object]]:
    """Run axe-core in the page and its iframes; return every violation found."""
    page = session.page
    for frame in page.frames:
        if frame is not page.main_frame and not frame.is_detached():
            frame.wait_for_load_state()
            if not frame.evaluate("() => typeof axe !== 'undefined'"):
                frame.add_script_tag(path=str(AXE_JS))
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(AXE_RUN_JS, AXE_TAGS)
    assert result["version"] == AXE_VERSION
    return list(result["violations"])


def check_every_page(session: Session, label: str) -> None:
    """Open each page of the navigation in turn, run axe on it, and fail on any serious or
    critical violation (all listed; the full report goes to the artifacts folder)."""
    page = session.page
    report: dict[str, list[dict[str, object]]] = {}
    for link in nav_links(session):
        page.locator(f"[data-testid='stSidebarNav'] a[href='{link['href']}']").click()
        session.wait_idle(240)
        if page.locator(MAP_IFRAME).count():
            session.map_frame()  # checked once Leaflet has drawn, its own markup included
        report[link["name"]] = axe_violations(session)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"axe-{label}.json").write_text(json.dumps(report, indent=1))
    failing = [
        f"{name}: [{v['impact']}] {v['id']} ({v['help']}) at {[n['target'] for n in v['nodes']][:5]}"  # type: ignore[index, union-attr]
        for name, violations in report.items()
        for v in violations
        if v["impact"] in FAILING_IMPACTS
    ]
    assert not failing, f"axe-core {AXE_VERSION} ({label}):\n" + "\n".join(failing)


def test_axe_finds_no_serious_violation_in_demo_mode(app_url: str, session: Session):
    session.page.goto(app_url)
    session.wait_idle(180)
    check_every_page(session, "demo")


@pytest.mark.parametrize("role", ROLES)
def test_axe_finds_no_serious_violation_for_each_role(roles_url: str, session: Session, role: str):
    session.page.goto(roles_url)
    session.wait_idle(180)
    report = axe_violations(session)  # the sign-in page itself
    serious = [v["id"] for v in report if v["impact"] in FAILING_IMPACTS]
    assert not serious, f"sign-in page: {serious}"
    sign_in(session, f"{role}1")
    check_every_page(session, role)


#: After a Tab press: mark what has focus, and say what it was ("body", "frame", "first" when
#: focus is back on the first element reached, which ends the round, or its tag). An element
#: reached again is no end: a data grid keeps focus while Tab moves through its columns.
FOCUS_MARK_JS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return "body";
  if (e.tagName === "IFRAME") return "frame";
  if (e.dataset.tabFirst) return "first";
  if (!document.querySelector("[data-tab-first]")) e.dataset.tabFirst = "1";
  e.dataset.tabSeen = "1";
  return e.tagName;
}"""

#: Every visible, enabled control and export of the page that the Tab key has not reached
#: (a radio group counts as reached when one of its options was: arrows move within it).
#: Controls inside a closed expander are not shown: the expander's own summary is, and it
#: must be reached (Enter opens it).
UNREACHED_JS = """() => {
  const shown = (e) => !e.disabled && e.getAttribute("aria-disabled") !== "true" && e.getClientRects().length > 0
    && !(e.closest("details:not([open])") && !e.matches("details > summary"));
  const controls = [...document.querySelectorAll([
    "details > summary",
    "[data-testid='stDownloadButton'] button", "[data-testid='stButton'] button",
    "[data-testid='stFormSubmitButton'] button", "input[role='combobox']", "[role='slider']",
    "input[type='text']", "input[type='number']", "input[type='password']", "textarea",
    "[data-testid='stSidebarNav'] a",
  ].join(","))].filter(shown);
  const missed = controls.filter((e) => !e.dataset.tabSeen)
    .map((e) => (e.getAttribute("aria-label") || e.innerText || e.outerHTML).slice(0, 80));
  for (const group of document.querySelectorAll("[role='radiogroup']")) {
    if (shown(group) && !group.querySelector("[data-tab-seen]")) missed.push("radio group " + (group.getAttribute("aria-label") || ""));
  }
  return {missed, downloads: document.querySelectorAll("[data-testid='stDownloadButton'] button").length,
          reached: document.querySelectorAll("[data-tab-seen]").length};
}"""


def tab_through(session: Session, limit: int = 600) -> dict[str, object]:
    """Press Tab until focus comes back to the first element it reached, a whole round of
    the page (at most ``limit`` presses); return what was never reached."""
    page = session.page
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUS_MARK_JS) == "first":
            break
    else:
        pytest.fail(f"focus did not come round in {limit} Tab presses at {page.url}")
    result: dict[str, object] = page.evaluate(UNREACHED_JS)
    return result


def test_the_keyboard_alone_reaches_every_control_and_export(app_url: str, session: Session):
    page = session.page
    page.goto(app_url)
    session.wait_idle(180)
    downloads = 0
    unreached: dict[str, object] = {}
    for link in nav_links(session):
        page.locator(f"[data-testid='stSidebarNav'] a[href='{link['href']}']").click()
        session.wait_idle(240)
        result = tab_through(session)
        downloads += int(result["downloads"])  # type: ignore[call-overload]
        if result["missed"]:
            unreached[link["name"]] = result["missed"]
    assert downloads >= 3, "no page showed its exports: the check proved nothing"
    assert not unreached, f"not reachable with the Tab key: {unreached}"
    assert session.errors == []
