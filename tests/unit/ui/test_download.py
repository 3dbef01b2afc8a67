"""ui.download: the one audited download button (no other download button anywhere, tables'
own CSV download off), its media types and audit kinds, and a click audited."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.settings import REPO_DIR, override_settings
from security import audit
from tests.app.test_downloads import EXPECTED
from ui.download import MIME_TYPES, ExportFile


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


@pytest.mark.parametrize(
    ("file_name", "mime", "kind"),
    [
        ("precision_drop_zones.csv", "text/csv", "download_csv"),
        ("precision_comms_brief.PDF", "application/pdf", "download_pdf"),
        ("precision_trends.png", "image/png", "download_png"),
        ("precision_facebook_live.ics", "text/calendar", "download_ics"),
        ("precision_drop_zones.geojson", "application/geo+json", "download_geojson"),
        ("precision_public_summary.html", "text/html", "download_html"),
    ],
)
def test_each_file_type_has_its_media_type_and_audit_kind(file_name: str, mime: str, kind: str):
    file = ExportFile("Save", b"x", file_name, "a file")
    assert (file.mime, file.kind) == (mime, kind)


def test_every_media_type_has_an_audit_kind_and_an_unknown_type_is_refused():
    assert set(MIME_TYPES) == set(audit.DOWNLOAD_KINDS)
    with pytest.raises(ValueError, match="no audit kind for downloading 'notes.txt'"):
        _ = ExportFile("Save", b"x", "notes.txt", "notes").kind
    with pytest.raises(KeyError):
        _ = ExportFile("Save", b"x", "notes.txt", "notes").mime


def _button() -> None:
    from ui.download import ExportFile, download

    download(
        ExportFile("Monthly figures (CSV)", b"month,count\n2017-07,3\n", "precision_trends.csv", "Trends", rows=1),
        {"districts": ["Leeds"]},
    )


def test_a_click_writes_one_audit_record_with_the_file_and_its_context(tmp_path: Path):
    log = tmp_path / "audit.jsonl"
    with override_settings(mode="demo", audit_path=log, users_file=tmp_path / "none.json"):
        at = AppTest.from_function(_button).run()
        (button,) = at.download_button
        assert button.label == "Monthly figures (CSV)" and audit.read(log).empty
        button.click().run()
        events = audit.read(log)
    assert len(events) == 1
    event = events.iloc[0]
    assert (event["kind"], event["file"], event["rows"], event["what"]) == (
        "download_csv",
        "precision_trends.csv",
        1,
        "Trends",
    )
    assert "Leeds" in str(event["context"])
