"""Reading and row validation of data.police.uk street CSVs, on tiny hand-made files."""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.errors import InputFileError
from geo.ingest import ingest_files
from geo.police_uk import (
    REJECT_REASONS,
    ParsedFile,
    Source,
    find_sources,
    parse_street_csv,
    read_source,
    upload_sources,
)
from geo.store import Store
from tests.conftest import HEADER, street_csv, street_row, zip_bytes


@dataclasses.dataclass(frozen=True)
class Batch:
    """What the production ingest made of some files: the incidents stored, the rows
    rejected and the records read per file."""

    incidents: pd.DataFrame
    rejects: pd.DataFrame
    rows_read: dict[str, int]


def _ingest(sources: list[Source]) -> Batch:
    """Run the production ingest (blocks, row rules, repeats across files) into a scratch
    store and read back what it stored."""
    with tempfile.TemporaryDirectory() as folder:
        summary = ingest_files(sources, Store(folder))
        return Batch(Store(folder).read_incidents(), summary.rejects, summary.rows_read_by_file)


def validate(parsed: list[ParsedFile]) -> Batch:
    """Ingest the files the parsed ones came from."""
    return _ingest([p.source for p in parsed])


def read_and_validate(paths: list[Path]) -> Batch:
    return _ingest(find_sources(paths))


def _validate(*files: tuple[str, bytes]) -> Batch:
    return _ingest([Source(name, Path(name), None, raw) for name, raw in files])


Parse = Callable[[bytes, str], ParsedFile]


@pytest.fixture(params=["memory", "disk"])
def parse(request: pytest.FixtureRequest, tmp_path: Path) -> Parse:
    """Both ways a CSV arrives: bytes in memory (uploads) and a file on disk (the command,
    first start)."""
    if request.param == "memory":
        return parse_street_csv

    def from_disk(raw: bytes, name: str) -> ParsedFile:
        path = tmp_path / f"{len(list(tmp_path.iterdir()))}.csv"
        path.write_bytes(raw)
        return read_source(Source(name, path))

    return from_disk


def test_good_rows_are_kept_with_numeric_coordinates_and_lines():
    raw = street_csv([street_row(), street_row(crime_id="a1", crime_type="Burglary", lon="-1.6", lat="53.7")])
    batch = _validate(("f.csv", raw))
    assert len(batch.rejects) == 0
    assert batch.rows_read == {"f.csv": 2}
    assert batch.incidents["source_line"].tolist() == [2, 3]
    np.testing.assert_allclose(batch.incidents["longitude"], [-1.549, -1.6])
    np.testing.assert_allclose(batch.incidents["latitude"], [53.8, 53.7])


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (street_row(month="2017-13"), "bad_month"),
        (street_row(month="July 2017"), "bad_month"),
        (street_row(month=""), "bad_month"),
        (street_row(crime_type="Jaywalking"), "unknown_crime_type"),
        (street_row(lon="abc"), "bad_coordinates"),
        (street_row(lat=""), "bad_coordinates"),
        (street_row(lon="nan", lat="nan"), "bad_coordinates"),
        (street_row(lon="0.0", lat="0.0"), "outside_force_area"),
        (street_row(lon="53.8", lat="-1.55"), "outside_force_area"),
        (street_row() + ",extra", "malformed_row"),
        ("2017-07,West Yorkshire Police", "malformed_row"),
    ],
)
def test_each_rejection_reason_names_file_line_and_reason(row: str, reason: str, parse: Parse):
    raw = street_csv([street_row(), row, street_row()])
    batch = validate([parse(raw, "area/2017-07-west-yorkshire-street.csv")])
    assert batch.rejects["reason"].tolist() == [reason]
    assert batch.rejects["line"].tolist() == [3]
    assert batch.rejects["file"].tolist() == ["area/2017-07-west-yorkshire-street.csv"]
    assert batch.rejects["detail"].iloc[0]
    assert reason in REJECT_REASONS
    assert batch.incidents["source_line"].tolist() == [2, 4]


def test_duplicate_crime_id_within_month_is_rejected_across_files_but_not_across_months():
    a = street_csv([street_row(crime_id="X1", crime_type="Burglary"), street_row(crime_id="X1", crime_type="Burglary")])
    b = street_csv(
        [
            street_row(crime_id="X1", crime_type="Burglary"),
            street_row(crime_id="X1", crime_type="Burglary", month="2017-08"),
            street_row(),  # anti-social behaviour rows have no Crime ID: never duplicates
            street_row(),
        ]
    )
    batch = _validate(("a.csv", a), ("b.csv", b))
    rejected = batch.rejects[["file", "line", "reason"]].values.tolist()
    assert rejected == [["a.csv", 3, "duplicate_crime_id"], ["b.csv", 2, "duplicate_crime_id"]]
    assert "a.csv line 2" in batch.rejects["detail"].iloc[1]
    assert len(batch.incidents) == 4


def test_rows_without_coordinates_are_kept_unmapped():
    batch = _validate(("f.csv", street_csv([street_row(lon="", lat="", lsoa_code="", lsoa_name="")])))
    assert len(batch.rejects) == 0
    assert np.isnan(batch.incidents["longitude"].iloc[0])


def test_blank_lines_are_skipped_and_line_numbers_stay_physical(parse: Parse):
    raw = (HEADER + "\n" + street_row() + "\n\n" + street_row(month="bad") + "\n").encode()
    batch = validate([parse(raw, "f.csv")])
    assert batch.rejects["line"].tolist() == [4]
    assert batch.rows_read == {"f.csv": 2}


@pytest.mark.parametrize("encoding", ["latin-1", "utf-8"])
def test_bom_crlf_and_latin1_are_read(encoding: str, parse: Parse):
    rows = [street_row(location="On or near Café Street"), street_row(crime_id="z", crime_type="Drugs")]
    text = "\r\n".join([HEADER, *rows]) + "\r\n"
    raw = b"\xef\xbb\xbf" + text.encode(encoding)
    parsed = parse(raw, "latin.csv")
    assert parsed.encoding in ({"cp1252", "latin-1"} if encoding == "latin-1" else {"utf-8"})
    batch = validate([parsed])
    assert len(batch.rejects) == 0
    assert batch.incidents["location"].iloc[0] == "On or near Café Street"
    assert batch.incidents["outcome"].iloc[1] == ""  # no stray carriage return


def test_quoted_commas_in_location_are_one_field():
    batch = _validate(("f.csv", street_csv([street_row(location="On or near Kirkgate, Market")])))
    assert batch.incidents["location"].iloc[0] == "On or near Kirkgate, Market"


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"a,b,c\n1,2,3\n", "columns"),
        ((HEADER.replace("Crime type,", "") + "\n").encode(), "missing 'Crime type'"),
        ((HEADER + "\n").encode(), "no data rows"),
        (street_csv([street_row(), street_row()])[:-30], "truncated"),
        (b" " * 70_000 + b"\n" * 10, "empty"),  # blank past the first 64 KiB
        (b"\xef\xbb\xbf" + b"\r\n" * 40_000, "empty"),
        (street_csv([street_row()] * 1000) + b"\x00\x01", "truncated"),  # past the sniffed start
    ],
)
def test_unusable_files_raise_naming_the_file_and_problem(raw: bytes, problem: str, parse: Parse):
    with pytest.raises(InputFileError) as info:
        parse(raw, "bad/2017-07-x-street.csv")
    assert info.value.path == "bad/2017-07-x-street.csv"
    assert problem in str(info.value)


def test_last_line_without_line_break_is_not_truncation(parse: Parse):
    raw = street_csv([street_row(), street_row()]).rstrip(b"\n")
    assert len(validate([parse(raw, "f.csv")]).incidents) == 2


@pytest.mark.parametrize(
    ("lon", "lat", "expected"),
    [
        (" -1.549 ", "53.800\t", (-1.549, 53.8)),  # padded numbers are read as text, then trimmed
        ("-1.549", "53.800", (-1.549, 53.8)),
        ("inf", "53.8", None),
        ("1e400", "53.8", None),
    ],
)
def test_coordinates_read_as_numbers_or_as_text_give_the_same_answer(lon: str, lat: str, expected, parse: Parse):
    raw = street_csv([street_row(), street_row(lon=lon, lat=lat), street_row(lon="-1.6", lat="53.7")])
    batch = validate([parse(raw, "f.csv")])
    if expected is None:
        assert batch.rejects["reason"].tolist() == ["bad_coordinates"]
        assert batch.incidents["longitude"].tolist() == [-1.549, -1.6]
    else:
        assert len(batch.rejects) == 0
        np.testing.assert_allclose(batch.incidents[["longitude", "latitude"]].iloc[1], expected)


def test_a_file_is_read_from_disk_exactly_as_from_memory(tmp_path: Path):
    rows = [street_row(crime_id=f"id{i}", crime_type="Drugs") for i in range(300)]
    raw = street_csv([*rows, street_row(month="2017-7"), street_row() + ",x", street_row(lon="abc")])
    path = tmp_path / "f.csv"
    path.write_bytes(raw)
    on_disk, in_memory = validate([read_source(Source("f.csv", path))]), _validate(("f.csv", raw))
    assert on_disk.incidents.equals(in_memory.incidents)
    assert on_disk.rejects.equals(in_memory.rejects)
    assert on_disk.rejects["reason"].tolist() == ["bad_month", "malformed_row", "bad_coordinates"]


@pytest.mark.parametrize(
    ("ids", "repeated"),
    [
        ([f"{i:016x}" * 4 for i in range(50)], []),  # settled by the hash of the first 16 characters
        ([f"{i:016x}" * 4 for i in range(50)] + [f"{7:016x}" * 4], [50]),
        ([f"{i:064x}" for i in range(50)], []),  # equal first 16 characters: the texts decide
        ([f"{i:064x}" for i in range(50)] + ["0" * 63 + "7"], [50]),
        (["a", "bb", "a", ""], [2]),  # uneven lengths: compared as text
        ([f"{i:064x}" for i in range(5)] + ["", ""], []),  # anti-social behaviour rows have none
    ],
)
def test_repeated_crime_ids_are_found_exactly(ids: list[str], repeated: list[int]):
    raw = street_csv([street_row(crime_id=i, crime_type="Drugs" if i else "Anti-social behaviour") for i in ids])
    batch = _validate(("f.csv", raw))
    assert (batch.rejects["line"] - 2).tolist() == repeated
    assert set(batch.rejects["reason"]) <= {"duplicate_crime_id"}


def test_folders_and_zip_archives_are_searched_for_street_files(tmp_path: Path):
    month = tmp_path / "2017-07"
    month.mkdir()
    (month / "2017-07-west-yorkshire-street.csv").write_bytes(street_csv([street_row()]))
    (month / "2017-07-west-yorkshire-outcomes.csv").write_text("not read")
    archive = tmp_path / "latest.zip"
    archive.write_bytes(
        zip_bytes(
            {
                "2017-08/2017-08-west-yorkshire-street.csv": street_csv([street_row(month="2017-08")]),
                "2017-08/2017-08-west-yorkshire-stop-and-search.csv": b"x",
            }
        )
    )
    labels = [s.label for s in find_sources([tmp_path])]
    assert labels == [str(month / "2017-07-west-yorkshire-street.csv")]
    batch = read_and_validate([month, archive])
    assert sorted(batch.incidents["month"].unique()) == ["2017-07", "2017-08"]
    assert f"{archive}!2017-08/2017-08-west-yorkshire-street.csv" in batch.rows_read


def test_broken_archives_and_missing_paths_raise(tmp_path: Path):
    bad = tmp_path / "cut.zip"
    bad.write_bytes(zip_bytes({"2017-07/2017-07-x-street.csv": street_csv([street_row()] * 50)})[:-40])
    with pytest.raises(InputFileError, match="cut.zip"):
        read_and_validate([bad])
    with pytest.raises(InputFileError, match="no such file"):
        find_sources([tmp_path / "nothing.csv"])
    empty = tmp_path / "empty_folder"
    empty.mkdir()
    with pytest.raises(InputFileError, match="no \\*-street.csv"):
        find_sources([empty])


def test_uploads_are_read_from_memory():
    content = zip_bytes(
        {
            "2017-07/2017-07-west-yorkshire-street.csv": street_csv([street_row(), street_row()]),
            "2017-07/2017-07-west-yorkshire-outcomes.csv": b"not read",
        }
    )
    sources = upload_sources("2017-07.zip", content)
    assert [s.label for s in sources] == ["2017-07.zip!2017-07/2017-07-west-yorkshire-street.csv"]
    assert read_source(sources[0]).rows_read == 2
    plain = upload_sources("2017-08-west-yorkshire-street.csv", street_csv([street_row()]))
    assert read_source(plain[0]).rows_read == 1
    with pytest.raises(InputFileError, match="not a readable zip"):
        upload_sources("x.zip", b"PK\x03\x04garbage")
    with pytest.raises(InputFileError, match="no \\*-street.csv"):
        upload_sources("y.zip", zip_bytes({"readme.txt": b"hello"}))


def test_a_file_read_in_several_blocks_gives_the_same_rows(monkeypatch: pytest.MonkeyPatch):
    from core.settings import override_settings

    rows = [
        street_row(crime_id=f"c{i}", crime_type="Drugs", location=f"On or near Street {i % 37}") for i in range(400)
    ]
    raw = street_csv([*rows, street_row(month="2017-7"), street_row(crime_id="c3", crime_type="Drugs")])
    whole = _validate(("f.csv", raw))
    with override_settings(ingest_block_bytes=4096):  # each block gets its own dictionaries
        parsed = parse_street_csv(raw, "f.csv")
    assert parsed.table.column("location").num_chunks == 1  # unified and combined
    with override_settings(ingest_block_bytes=4096):  # parts per block, repeats found across them
        blocks = validate([parsed])
    assert blocks.incidents.equals(whole.incidents)
    assert blocks.rejects.equals(whole.rejects)
    assert blocks.rejects["reason"].tolist() == ["bad_month", "duplicate_crime_id"]
