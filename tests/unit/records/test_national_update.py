"""The national table's check for a newer release: from a file or an address (the local
imitation), loaded through the table's checks, or the reason it is not."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.settings import Settings, get_settings, override_settings
from records import national_table as national
from records.national_update import update_national_table
from tests.imitation.police_uk_site import PoliceUkSite

BUNDLED = Settings().recorded_crime_file


def relabelled(year: str) -> bytes:
    """The bundled 2017/18 table as if published for ``year``."""
    return BUNDLED.read_bytes().replace(b"\n2017/18,", f"\n{year},".encode())


@pytest.fixture()
def settings(tmp_path: Path) -> Iterator[Settings]:
    with override_settings(store_dir=tmp_path / "store", http_retries=0) as s:
        yield s


def test_without_a_location_nothing_is_looked_for(settings: Settings) -> None:
    check = update_national_table(settings)
    assert check.status == "skipped" and not check.failed


def test_a_newer_table_in_a_folder_is_loaded_then_unchanged(settings: Settings, tmp_path: Path) -> None:
    newer = tmp_path / "drop" / "prc_pfa_2018_19.csv"
    newer.parent.mkdir()
    newer.write_bytes(relabelled("2018/19"))
    located = dataclasses.replace(settings, national_table_source=str(newer))
    check = update_national_table(located)
    assert check.status == "loaded" and "financial years 2018/19" in check.message
    assert national.stored_table_path(settings.store_dir).read_bytes() == newer.read_bytes()
    assert update_national_table(located).status == "unchanged"


def test_an_older_table_is_not_loaded(settings: Settings, tmp_path: Path) -> None:
    older = tmp_path / "prc_pfa_2016_17.csv"
    older.write_bytes(relabelled("2016/17"))
    check = update_national_table(dataclasses.replace(settings, national_table_source=str(older)))
    assert check.status == "older" and "ends in 2016/17, before the table in use (2017/18)" in check.message
    assert not check.failed
    assert not national.stored_table_path(settings.store_dir).exists()


def test_a_release_whose_columns_differ_says_why_and_the_table_stays(settings: Settings, tmp_path: Path) -> None:
    renamed = tmp_path / "prc_pfa_2024_25.csv"
    renamed.write_bytes(relabelled("2024/25").replace(b"Number of Offences", b"Offence count"))
    check = update_national_table(dataclasses.replace(settings, national_table_source=str(renamed)))
    assert check.status == "refused" and check.failed
    assert "Number of Offences" in check.message
    assert not national.stored_table_path(settings.store_dir).exists()


def test_a_spreadsheet_is_named_as_such(settings: Settings, tmp_path: Path) -> None:
    ods = tmp_path / "prc-pfa-mar2013-onwards-tables-240725.ods"
    ods.write_bytes(b"PK\x03\x04" + b"\0" * 100)
    check = update_national_table(dataclasses.replace(settings, national_table_source=str(ods)))
    assert check.status == "refused" and "is a spreadsheet (ODS or XLSX), not CSV" in check.message


def test_from_an_address_an_unchanged_file_is_not_sent_again(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "prc_pfa.csv").write_bytes(relabelled("2018/19"))
    with PoliceUkSite(tmp_path, [], files={"/national/prc_pfa.csv": folder / "prc_pfa.csv"}) as site:
        located = dataclasses.replace(settings, national_table_source=f"{site.url}/national/prc_pfa.csv")
        assert update_national_table(located).status == "loaded"
        again = update_national_table(located)
        statuses = [s.status for s in site.served]
    assert again.status == "unchanged" and statuses == [200, 304]
    remembered = json.loads((settings.store_dir / "national" / "source_check.json").read_text())
    assert remembered["etag"] and remembered["source"].endswith("/national/prc_pfa.csv")


def test_an_unreachable_address_fails_and_the_table_stays(settings: Settings, tmp_path: Path) -> None:
    with PoliceUkSite(tmp_path, []) as site:
        check = update_national_table(
            dataclasses.replace(settings, national_table_source=f"{site.url}/national/missing.csv")
        )
    assert check.status == "failed" and check.failed and "HTTP 404" in check.message
    assert national.recorded_crime_path(get_settings().store_dir) == BUNDLED
