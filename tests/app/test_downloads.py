"""Every download is audited: no download button outside the one audited helper, tables' own
CSV download is off, and clicking each button the app shows, page by page and role by role,
writes one audit record of the right kind."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.settings import REPO_DIR
from security import audit
from tests.app.conftest import signed_in

#: The download buttons of each page, and the file each gives (demo mode unless said).
EXPECTED = {
    "pages/comms_plan.py": {
        "Drop zones (CSV)": "precision_drop_zones.csv",
        "Sessions (CSV)": "precision_facebook_live.csv",
        "Drop zones (GeoJSON)": "precision_drop_zones.geojson",
        "Sessions (Outlook .ics)": "precision_facebook_live.ics",
        "Brief (PDF)": "precision_comms_brief.pdf",
    },
    "pages/trends.py": {
        "Chart (PNG)": "precision_trends.png",
        "Monthly figures (CSV)": "precision_trends.csv",
        "Changes by district and crime type (CSV)": "precision_trends_changes.csv",
    },
    "pages/profile.py": {
        "Profile (PDF)": "precision_profile_bradford.pdf",
        "Silver meeting pack (PDF)": "precision_meeting_pack_bradford_2017-07.pdf",
    },
    "pages/delivery.py": {"Delivery log (CSV)": "precision_delivery_log.csv"},
    "pages/public_summary.py": {
        "Summary (PDF)": "precision_public_summary.pdf",
        "Web page (HTML)": "precision_public_summary.html",
    },
    "pages/national.py": {
        "Summary (CSV)": "precision_national_summary.csv",
        "Funnel figures (CSV)": "precision_national_funnel.csv",
        "Funnel plot (PNG)": "precision_national_funnel.png",
    },
    "pages/ocg.py": {
        "OCGs by district and criminality (CSV)": "precision_ocgs_by_district.csv",
        "Quarterly return (CSV)": "precision_ocg_quarterly_return.csv",
    },
    "pages/audit.py": {"Audit log (CSV)": "precision_audit_log.csv"},  # admin, secure mode
}


def _python_files() -> list[Path]:
    return [REPO_DIR / "app.py", *sorted((REPO_DIR / "pages").glob("*.py")), *sorted((REPO_DIR / "ui").glob("*.py"))]


def _calls(path: Path, name: str) -> list[tuple[int, str | None]]:
    """Line and enclosing function of each call of ``<anything>.name(...)`` or ``name(...)``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[int, str | None]] = []

    def visit(node: ast.AST, function: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else function
            if isinstance(child, ast.Call):
                f = child.func
                called = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else None
                if called == name:
                    found.append((child.lineno, function))
            visit(child, inner)

    visit(tree, None)
    return found


def test_no_download_button_outside_the_audited_helper():
    stray = [
        f"{path.relative_to(REPO_DIR)}:{line}"
        for path in _python_files()
        for line, function in _calls(path, "download_button")
        if (path.relative_to(REPO_DIR).as_posix(), function) != ("ui/download.py", "download")
    ]
    assert stray == [], "use ui.download.download, which audits the click"
    assert len(_calls(REPO_DIR / "ui" / "download.py", "download_button")) == 1
    # and every page's buttons are the helper's (each page listed in EXPECTED calls it)
    for page in EXPECTED:
        assert _calls(REPO_DIR / page, "download"), page


def test_tables_own_csv_download_is_off():
    config = tomllib.loads((REPO_DIR / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["disableDataExport"] is True
    assert any(
        isinstance(n, ast.Call) and [getattr(a, "value", None) for a in n.args] == ["client.disableDataExport", True]
        for n in ast.walk(ast.parse((REPO_DIR / "app.py").read_text(encoding="utf-8")))
    )


def _click_each(at: AppTest, page: str, user: str, role: str) -> None:
    """Click every download button of the page shown; each click writes one record."""
    labels = [b.label for b in at.download_button]
    assert sorted(labels) == sorted(EXPECTED[page]), page
    for i, label in enumerate(labels):
        before = len(audit.read())
        at.download_button[i].click().run(timeout=300)
        assert not at.exception, (page, label)
        log = audit.read()
        assert len(log) == before + 1, (page, label)
        event = log.iloc[0]
        file_name = EXPECTED[page][label]
        assert (event["kind"], event["file"]) == (audit.download_kind(file_name), file_name), (page, label)
        assert (event["user"], event["role"]) == (user, role), (page, label)
        assert event["what"], (page, label)
        if file_name.endswith(".csv"):
            assert event["rows"] >= 0, (page, label)


@pytest.mark.app
@pytest.mark.parametrize(
    "page",
    [
        "pages/comms_plan.py",
        "pages/trends.py",
        "pages/profile.py",
        "pages/ocg.py",
        "pages/national.py",
        "pages/delivery.py",
        "pages/public_summary.py",
    ],
)
def test_each_download_of_the_demo_is_audited_with_its_kind(app_with_sample: AppTest, page: str):
    at = app_with_sample.run()
    at.switch_page(page).run(timeout=300)
    assert not at.exception
    _click_each(at, page, "demo", "comms")


_signed_in = signed_in


@pytest.mark.app
def test_signed_in_downloads_record_the_user_and_role(secured: Path):
    at = _signed_in("opcc1")
    at.switch_page("pages/profile.py").run(timeout=300)
    _click_each(at, "pages/profile.py", "opcc1", "opcc")
    at = _signed_in("admin1")
    at.switch_page("pages/audit.py").run()
    _click_each(at, "pages/audit.py", "admin1", "admin")
    assert audit.read()["kind"].tolist() == ["download_csv", "sign_in", "download_pdf", "download_pdf", "sign_in"]
