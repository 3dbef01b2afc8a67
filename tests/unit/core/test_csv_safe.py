"""The one CSV writer: formula cells neutralised, numbers kept, every CSV export found in
the source goes through it, and nothing else writes CSV."""

from __future__ import annotations

import ast
import csv
import io
import types
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from cli.analyse import format_rows
from cli.ocg_synthetic import demo_file_text
from core.csv_safe import FORMULA_STARTS, frame_to_csv, frame_to_csv_text, safe_cell
from models.outcomes_synthetic import demo_csv as outcomes_demo_csv
from security import audit
from ui import exports

REPO = Path(__file__).resolve().parents[3]
#: The product's packages (tests and benchmarks write fixtures, not exports).
PACKAGES = ("core", "geo", "security", "records", "models", "ui", "pages", "cli")
WRITER_MODULE = Path("core/csv_safe.py")

#: Text a spreadsheet would run, as the issue found it and as OWASP lists the starts.
HOSTILE = (
    '=HYPERLINK("http://x","click")',
    "=cmd|' /C calc'!A0.csv",
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
)


def _sources() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (REPO / package).rglob("*.py"))


def _calls(tree: ast.AST) -> list[ast.Call]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)]


def _callee(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def test_safe_cell_neutralises_formula_text_and_keeps_numbers():
    for text in HOSTILE:
        assert safe_cell(text) == "'" + text.replace("\r", "\n")
    assert safe_cell("\r=1+1") == "'\n=1+1"
    assert safe_cell("two\r\nlines\r") == "two\nlines\n"
    for kept in ("-45", "+3.5", "-1e3", ".5", "Leeds", "a=b", "", "'=already quoted"):
        assert safe_cell(kept) == kept
    for number in (-45, -0.5, 3, None, True):
        assert safe_cell(number) is number
    assert set(FORMULA_STARTS) == {"=", "+", "-", "@", "\t", "\r"}


def test_frame_to_csv_keeps_numeric_columns_and_neutralises_text_and_headers():
    frame = pd.DataFrame(
        {
            "count": [-45, 3],
            "rate": [-0.25, 1.5],
            "name": pd.Series(["=1+1", "-45"], dtype="category"),
            "=evil header": ["@x", None],
        }
    )
    rows = list(csv.reader(io.StringIO(frame_to_csv(frame).decode("utf-8-sig"), newline="")))
    assert rows == [
        ["count", "rate", "name", "'=evil header"],
        ["-45", "-0.25", "'=1+1", "'@x"],
        ["3", "1.5", "-45", ""],
    ]
    assert frame_to_csv(frame).startswith(b"\xef\xbb\xbf")
    assert frame_to_csv_text(frame, preamble="# marker\n").startswith("# marker\ncount,")
    assert list(frame["name"]) == ["=1+1", "-45"]  # the caller's table is not changed


def _hostile_frame(columns: list[str], numeric: tuple[str, ...] = ()) -> pd.DataFrame:
    """A table with the given columns: hostile text in each text column, -45 in numeric ones."""
    return pd.DataFrame(
        {c: ([-45] * len(HOSTILE) if c in numeric else list(HOSTILE)) for c in columns},
    )


def _audit_csv() -> bytes:
    log = pd.DataFrame(
        {
            "time": pd.to_datetime(["2026-11-25T11:45:03+00:00"] * len(HOSTILE), utc=True),
            "user": list(HOSTILE),
            "role": ["silver"] * len(HOSTILE),
            "kind": ["upload"] * len(HOSTILE),
            "what": list(HOSTILE),
            "file": list(HOSTILE),
            "rows": pd.array([-45] * len(HOSTILE), dtype="Int64"),
            "context": list(HOSTILE),
        }
    )
    return audit.csv_bytes(log)


def _drops_csv() -> bytes:
    drops = _hostile_frame(
        ["community_id", "name", "district", "lsoa_code", "households", "flyers", "streets"],
        numeric=("households", "flyers"),
    )
    return exports.drops_csv(types.SimpleNamespace(drops=drops))  # type: ignore[arg-type]


def _sessions_csv() -> bytes:
    sessions = _hostile_frame(["district", "community_id", "name", "theme", "spot"])
    sessions["start"] = pd.Timestamp("2017-09-05 19:00")
    sessions["end"] = pd.Timestamp("2017-09-05 19:30")
    return exports.sessions_csv(types.SimpleNamespace(sessions=sessions))  # type: ignore[arg-type]


def _national_csv() -> bytes:
    numeric = ("offences", "rate", "rank", "forces", "peer_rate", "national_rate")
    return exports.national_csv(_hostile_frame(list(exports.NATIONAL_COLUMNS), numeric))


def _funnel_csv() -> bytes:
    points = _hostile_frame(
        ["force", "role", "persons", "offences", "rate", "lower 99.8", "upper 99.8", "position"],
        numeric=("persons", "offences", "rate", "lower 99.8", "upper 99.8"),
    )
    return exports.funnel_csv(points)


#: Every function that writes CSV (found in the source by the test below), and how to feed
#: it hostile cells. A new CSV export fails the test until it is listed here.
FEEDERS: dict[str, Callable[[], bytes | str]] = {
    "security.audit.csv_bytes": _audit_csv,
    "ui.exports.table_csv": lambda: exports.table_csv(_hostile_frame(["Outlet", "Title", "Count"], ("Count",)), True),
    "ui.exports.drops_csv": _drops_csv,
    "ui.exports.sessions_csv": _sessions_csv,
    "ui.exports.national_csv": _national_csv,
    "ui.exports.funnel_csv": _funnel_csv,
    "models.outcomes_synthetic.demo_csv": lambda: outcomes_demo_csv(_hostile_frame(["district", "n"], ("n",)), 1),
    "cli.ocg_synthetic.demo_file_text": lambda: demo_file_text(_hostile_frame(["ocg_id", "n"], ("n",)), 1),
    "cli.analyse.format_rows": lambda: format_rows(_hostile_frame(["community_id", "name", "n"], ("n",)), "", True),
}


def _csv_writers() -> set[str]:
    """Functions of the product that call the CSV writer, as ``module.function``."""
    found = set()
    for path in _sources():
        module = ".".join(path.relative_to(REPO).with_suffix("").parts)
        if path.relative_to(REPO) == WRITER_MODULE:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and any(
                _callee(c) in {"frame_to_csv", "frame_to_csv_text"} for c in _calls(node)
            ):
                found.add(f"{module}.{node.name}")
    return found


def test_every_csv_export_in_the_source_is_fed_hostile_cells():
    assert _csv_writers() == set(FEEDERS)


#: CSV that is not an export: written and read back by the product itself, never handed to a
#: user, so neutralising its cells would change the data. Each entry says why.
INTERNAL_CSV = {
    Path(
        "geo/police_uk_api.py"
    ): "the API's crimes as a data.police.uk street CSV, ingested at once (the input format)",
    Path("geo/lsoa_lookup.py"): "the LSOA 2011-2021 lookup in the ONS columns: codes and names the product reads back",
    Path("records/census.py"): "census 2021 figures by LSOA kept in the store and read back by the product",
    Path("records/force_populations.py"): "mid-year estimates by force kept in the store and read back by the product",
    Path("models/demo_history.py"): "generated street CSVs and outcome files in the input formats, ingested or loaded",
    Path("cli/demo_history.py"): "the generated demonstration history's files, in the input formats the product loads",
}


def test_no_module_writes_csv_without_the_safe_writer():
    bypass = []
    for path in _sources():
        if path.relative_to(REPO) == WRITER_MODULE or path.relative_to(REPO) in INTERNAL_CSV:
            continue
        for call in _calls(ast.parse(path.read_text(encoding="utf-8"))):
            func = call.func
            name = _callee(call)
            via_csv = isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "csv"
            if name in {"to_csv", "write_csv"} or (via_csv and name in {"writer", "DictWriter"}):
                bypass.append(f"{path.relative_to(REPO)}:{call.lineno}: {name}")
    assert bypass == [], "CSV written without core.csv_safe: " + "; ".join(bypass)


@pytest.mark.parametrize("writer", sorted(FEEDERS))
def test_hostile_cells_come_out_as_text_and_numbers_as_numbers(writer: str):
    out = FEEDERS[writer]()
    text = out.decode("utf-8-sig") if isinstance(out, bytes) else out
    body = text.split("\n", 1)[1] if text.startswith("#") else text  # the synthetic marker line
    cells = [cell for row in csv.reader(io.StringIO(body, newline="")) for cell in row]
    running = [c for c in cells if c.startswith(FORMULA_STARTS) and c != "-45"]
    assert running == []
    assert "'" + HOSTILE[0] in cells
    if writer != "ui.exports.sessions_csv":  # the sessions file has no number column
        assert "-45" in cells
