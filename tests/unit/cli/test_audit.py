"""python -m cli.audit: ``verify`` exits 0 on an intact log and 1 naming the first changed
line; ``export`` writes the Audit log page's CSV bytes for the same filters and is audited."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from cli.audit import main
from core.settings import override_settings
from security import audit


@pytest.fixture()
def log(tmp_path: Path) -> Iterator[Path]:
    """A store whose audit log holds six chained events (key beside the users file)."""
    with override_settings(store_dir=tmp_path / "store", users_file=tmp_path / "config" / "users.json") as s:
        for i in range(6):
            audit.record("sign_in", f"user{i}", f"event {i}", role="silver")
        yield s.audit_file


def lines_of(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def write_lines(path: Path, lines: list[str]) -> None:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_the_command_line_verifies_and_exits_non_zero_naming_the_line(log: Path):
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["verify"]) == 0
    assert "intact" in out.getvalue()
    lines = lines_of(log)
    lines[1] = lines[1].replace("user1", "someone else")
    write_lines(log, lines)
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["verify"]) == 1
    assert "line 2 was changed" in out.getvalue()


def test_the_command_line_export_writes_the_pages_csv_bytes(log: Path, tmp_path: Path):
    audit.record("download_pdf", '=HYPERLINK("http://x","click")', file_name="=cmd|' /C calc'!A0.csv")
    page_bytes = audit.csv_bytes(audit.filter_events(audit.read(), (), ["download_pdf"], None, None))
    out = tmp_path / "extract.csv"
    assert main(["export", "--kind", "download_pdf", "--since", "2000-01-01", "--out", str(out)]) == 0
    assert out.read_bytes() == page_bytes
    assert b"'=cmd|' /C calc'!A0.csv" in page_bytes
    last = audit.read().iloc[0]
    assert last["kind"] == "download_csv" and last["what"] == "Audit log extract" and last["rows"] == 1
    assert audit.verify().intact


def test_an_unknown_kind_or_a_bad_date_exits_2(log: Path, capsys: pytest.CaptureFixture[str]):
    for argv in (["export", "--kind", "nonsense"], ["export", "--since", "yesterday"]):
        with pytest.raises(SystemExit) as stopped:
            main(argv)
        assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "'nonsense' is not an audit kind" in err and "'yesterday' is not a date YYYY-MM-DD" in err
    assert len(lines_of(log)) == 6  # nothing exported, nothing recorded
