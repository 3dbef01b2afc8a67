"""``python -m cli.update`` against the local imitation: exit codes, one log line per step,
the audit event."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli.update import main
from core.settings import get_settings, override_settings
from geo.store import Store
from tests.imitation.police_uk_site import Faults, PoliceUkSite, build_archive

MONTHS = ["2026-08", "2026-09"]


@pytest.fixture(scope="module")
def archives(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("archive")
    build_archive(folder / "2026-09.zip", MONTHS, home_rows=80)
    return folder


@pytest.fixture()
def store_dir(tmp_path: Path) -> Iterator[Path]:
    with override_settings(store_dir=tmp_path / "default-store", http_backoff_s=0.0, http_retries=1):
        yield tmp_path / "store"


def audit_events(store_dir: Path) -> list[dict[str, object]]:
    path = store_dir / "audit.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_an_update_stores_logs_each_step_and_audits(
    archives: Path, store_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with PoliceUkSite(archives, MONTHS) as site:
        assert main(["--source", site.url, "--store", str(store_dir)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert all(re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ", line) for line in out)
    assert any("2 months published, 2026-08 to 2026-09" in line for line in out)
    assert any(line.endswith("to fetch: 2 missing (2026-08, 2026-09)") for line in out)
    assert any("2026-08: stored 180 incidents" in line for line in out)
    assert Store(store_dir).months() == MONTHS
    (event,) = audit_events(store_dir)
    assert event["kind"] == "data_update" and event["rows"] == 360
    assert event["context"] == {  # type: ignore[comparison-overlap]
        "months": MONTHS,
        "failed": {},
        "rows_by_month": {"2026-08": 180, "2026-09": 180},
        "via": "command line",
    }
    assert event["role"] == "command line" and event["user"].endswith("(command line)")


def test_a_rerun_says_it_is_up_to_date(archives: Path, store_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with PoliceUkSite(archives, MONTHS) as site:
        assert main(["--source", site.url, "--store", str(store_dir)]) == 0
        capsys.readouterr()
        assert main(["--source", site.url, "--store", str(store_dir)]) == 0
    assert "up to date: nothing to fetch" in capsys.readouterr().out
    assert len(audit_events(store_dir)) == 1


def test_failed_months_are_named_the_rest_kept_and_the_exit_is_1(
    archives: Path, store_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with PoliceUkSite(archives, MONTHS, faults=Faults(listed_extra=["2026-10"])) as site:
        assert main(["--source", site.url, "--store", str(store_dir)]) == 1
    out = capsys.readouterr().out
    assert "FAILED 2026-10:" in out and "2026-10.zip: not found (HTTP 404)" in out
    assert Store(store_dir).months() == MONTHS
    (event,) = audit_events(store_dir)
    assert list(event["context"]["failed"]) == ["2026-10"]  # type: ignore[index]


def test_an_unreachable_site_exits_1_and_changes_nothing(
    tmp_path: Path, store_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with PoliceUkSite(tmp_path, MONTHS, faults=Faults(errors_500=10)) as site:
        assert main(["--source", site.url, "--store", str(store_dir)]) == 1
    assert "HTTP 500 (after 2 tries); nothing was changed" in capsys.readouterr().err
    assert not (store_dir / "manifest.json").exists()


def test_an_address_that_is_not_http_exits_2(store_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--source", "ftp://mirror.example", "--store", str(store_dir)]) == 2
    assert "must start with http:// or https://" in capsys.readouterr().err


def test_a_window_of_no_months_exits_2(store_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--months", "0", "--store", str(store_dir)])
    assert caught.value.code == 2
    assert "--months must be at least 1" in capsys.readouterr().err


def test_a_missing_ca_bundle_exits_2(
    archives: Path, store_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with override_settings(http_ca_bundle=tmp_path / "missing.pem"), PoliceUkSite(archives, MONTHS) as site:
        assert main(["--source", site.url, "--store", str(store_dir)]) == 2
    assert "missing.pem: the CA bundle (http_ca_bundle) does not exist" in capsys.readouterr().err


def test_the_national_table_is_checked_too(
    archives: Path, store_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    renamed = tmp_path / "prc_pfa_2024_25.csv"
    bundled = get_settings().recorded_crime_file.read_bytes()
    renamed.write_bytes(bundled.replace(b"Number of Offences", b"Offence count"))
    with override_settings(national_table_source=str(renamed)), PoliceUkSite(archives, MONTHS) as site:
        assert main(["--source", site.url, "--store", str(store_dir)]) == 1  # months stored, the table refused
        newer = tmp_path / "prc_pfa_2018_19.csv"
        newer.write_bytes(bundled.replace(b"\n2017/18,", b"\n2018/19,"))
    with override_settings(national_table_source=str(newer)), PoliceUkSite(archives, MONTHS) as site:
        assert main(["--source", site.url, "--store", str(store_dir)]) == 0
    out = capsys.readouterr().out
    assert "national table: not loaded, the table in use stays" in out
    assert "national table: loaded" in out and "financial years 2018/19" in out
    kinds = [(e["kind"], e["context"].get("national_table")) for e in audit_events(store_dir)]  # type: ignore[union-attr]
    assert kinds == [("data_update", None), ("data_update", "refused"), ("data_update", "loaded")]
