"""python -m cli.audit: ``verify`` exits 0 on an intact log and 1 naming the first changed
line; ``export`` writes the Audit log page's CSV bytes for the same filters and is audited."""

from __future__ import annotations

import io
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from cli.audit import main
from security import audit
from tests.unit.security import test_audit_chain
from tests.unit.security.test_audit_chain import lines_of, write_lines

log = test_audit_chain.log  # the same fixture: six chained events


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
