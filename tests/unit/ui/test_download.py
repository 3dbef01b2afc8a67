"""ui.download: the one audited download button (no other download button anywhere, tables' own CSV download off), its MIME types and audit kinds."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

from core.settings import REPO_DIR
from tests.app.test_downloads import EXPECTED


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
