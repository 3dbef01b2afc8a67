"""Ingest reads no more than it must: hostile archives and huge files are judged early,
refused with one line naming the file and the limit, and streamed in blocks."""

from __future__ import annotations

import os
import struct
import zipfile
from concurrent.futures import Future
from pathlib import Path

import pytest

from cli.ingest import main
from core.settings import override_settings
from geo import _streams
from geo.ingest import ingest
from geo.police_uk import upload_sources
from geo.store import Store
from tests.conftest import HEADER, street_csv, street_row, zip_bytes

MEMBER = "2018-01/2018-01-west-yorkshire-street.csv"


@pytest.fixture()
def bytes_read(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Bytes each stream passed on, for tests that a refusal read only the file's start."""
    seen: list[int] = []
    real = _streams.LimitedReader.close

    def close(self: _streams.LimitedReader) -> None:
        seen.append(self.bytes_read)
        real(self)

    monkeypatch.setattr(_streams.LimitedReader, "close", close)
    return seen


def _refused(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main([*args]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    return err[0]


def test_a_zip_bomb_is_refused_from_its_directory(tmp_path: Path, capsys, bytes_read: list[int]):
    bomb = tmp_path / "bomb.zip"
    bomb.write_bytes(zip_bytes({MEMBER: (HEADER + "\n").encode() + b"\0" * (64 << 20)}))  # 64 MiB in ~64 KiB
    assert bomb.stat().st_size < 1 << 20
    line = _refused(capsys, str(bomb), "--store", str(tmp_path / "store"))
    assert str(bomb) in line and MEMBER in line and "settings.max_compression_ratio" in line
    assert bytes_read == []  # refused before a byte was inflated
    assert not (tmp_path / "store" / "manifest.json").exists()


def understate_size(archive: bytes, member: str, size: int) -> bytes:
    """Rewrite the uncompressed size of ``member`` in the central directory (and the local
    header) of a zip: a directory that lies."""
    data = bytearray(archive)
    name = member.encode()
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        n, m, k = struct.unpack_from("<HHH", data, at + 28)
        if data[at + 46 : at + 46 + n] == name:
            struct.pack_into("<I", data, at + 24, size)
            local = struct.unpack_from("<I", data, at + 42)[0]
            struct.pack_into("<I", data, local + 22, size)
        at = data.find(b"PK\x01\x02", at + 46 + n + m + k)
    return bytes(data)


def test_a_directory_that_understates_a_size_is_caught_while_streaming(tmp_path: Path, capsys):
    rows = [street_row(crime_id=f"c{i}", month="2018-01", crime_type="Drugs") for i in range(20_000)]
    honest = zip_bytes({MEMBER: street_csv(rows)})
    liar = tmp_path / "liar.zip"
    liar.write_bytes(understate_size(honest, MEMBER, 1000))
    with zipfile.ZipFile(liar) as z:
        assert z.getinfo(MEMBER).file_size == 1000  # what the directory claims
    line = _refused(capsys, str(liar), "--store", str(tmp_path / "store"))
    assert f"{liar}!{MEMBER}" in line and "directory" in line
    assert not (tmp_path / "store" / "manifest.json").exists()


def test_nested_archives_are_refused(tmp_path: Path, capsys):
    inner = zip_bytes({MEMBER: street_csv([street_row(month="2018-01")])})
    nested = tmp_path / "nested.zip"
    nested.write_bytes(zip_bytes({MEMBER: street_csv([street_row(month="2018-01")]), "more/2018-02.zip": inner}))
    line = _refused(capsys, str(nested), "--store", str(tmp_path / "store"))
    assert "more/2018-02.zip" in line and "nested archives are refused" in line
    # an archive dressed as a street CSV is judged by its first bytes
    disguised = tmp_path / "disguised.zip"
    disguised.write_bytes(zip_bytes({MEMBER: inner}))
    line = _refused(capsys, str(disguised), "--store", str(tmp_path / "store"))
    assert f"{disguised}!{MEMBER}" in line and "nested archives are refused" in line


def test_a_plain_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path, capsys, bytes_read: list[int]):
    f = tmp_path / "2018-01-west-yorkshire-street.csv"
    f.write_bytes(street_csv([street_row(month="2018-01")] * 100))
    with override_settings(max_file_bytes=1000):
        line = _refused(capsys, str(f), "--store", str(tmp_path / "store"))
    assert str(f) in line and "settings.max_file_bytes" in line and bytes_read == []


def test_a_huge_binary_file_is_judged_by_its_first_block(tmp_path: Path, capsys, bytes_read: list[int]):
    # 3 GiB on paper (a sparse file: no disk, no time): a valid header, then zero bytes
    f = tmp_path / "2018-01-west-yorkshire-street.csv"
    with open(f, "wb") as fh:
        fh.write((HEADER + "\n").encode())
        fh.truncate(3 << 30)
    line = _refused(capsys, str(f), "--store", str(tmp_path / "store"))
    assert str(f) in line and "binary" in line
    assert bytes_read and max(bytes_read) <= 1 << 20  # the first block, not 3 GiB


def test_valid_rows_then_a_flood_without_line_breaks_stop_within_a_block(tmp_path: Path, capsys, bytes_read: list[int]):
    f = tmp_path / "2018-01-west-yorkshire-street.csv"
    head = street_csv([street_row(crime_id=f"c{i}", month="2018-01", crime_type="Drugs") for i in range(2000)])
    with open(f, "wb") as fh:
        fh.write(head + b"x" * (8 << 20))  # one 8 MiB "row" with no line break
    with override_settings(ingest_block_bytes=1 << 20):
        line = _refused(capsys, str(f), "--store", str(tmp_path / "store"))
    assert str(f) in line
    assert max(bytes_read) <= 4 << 20  # a few blocks, not the whole flood


def test_a_file_larger_than_a_block_is_streamed_and_repeats_across_blocks_are_found(tmp_path: Path):
    rows = [street_row(crime_id=f"{i:064x}", month="2018-01", crime_type="Drugs") for i in range(6000)]
    rows.append(street_row(crime_id=f"{5:064x}", month="2018-01", crime_type="Drugs"))  # repeats line 7, far above
    f = tmp_path / "2018-01-west-yorkshire-street.csv"
    f.write_bytes(street_csv(rows))
    store = Store(tmp_path / "store")
    with override_settings(ingest_block_bytes=64 << 10):  # about 380 rows a block
        summary = ingest([f], store)
    assert summary.stored == 6000 and summary.rejected == {"duplicate_crime_id": 1}
    reject = store.read_rejects().iloc[0]
    assert (reject["line"], reject["reason"]) == (6002, "duplicate_crime_id")
    assert reject["detail"].endswith("repeats line 7 in 2018-01")
    entry = store.manifest()["forces"]["West Yorkshire Police"]["2018-01"]
    assert len(entry["incidents"]) >= 15  # one part per block (about 1 MiB in 64 KiB blocks)
    stored = store.read_incidents()
    assert stored["source_line"].tolist() == list(range(2, 6002))


def test_a_1_gib_file_is_ingested_in_blocks(tmp_path: Path):
    """A valid file of about 1 GiB built on the fly; its peak memory is measured by
    ``python -m bench.ingest --huge``, not here."""
    template = street_row(crime_id="{:064x}", month="2018-01", crime_type="Drugs") + "\n"
    per = len(template.format(0))
    n = (1 << 30) // per + 1
    f = tmp_path / "2018-01-west-yorkshire-street.csv"
    with open(f, "w") as fh:
        fh.write(HEADER + "\n")
        chunk = 100_000
        for start in range(0, n, chunk):
            fh.write("".join(template.format(i) for i in range(start, min(n, start + chunk))))
    assert f.stat().st_size >= 1 << 30
    store = Store(tmp_path / "store")
    summary = ingest([f], store)
    assert summary.rows_read == summary.stored == n and summary.rejected == {}
    entry = store.manifest()["forces"]["West Yorkshire Police"]["2018-01"]
    assert len(entry["incidents"]) >= 16  # 64 MiB blocks
    assert store.month_stats()["stored"].tolist() == [n]
    os.remove(f)


class _LazyFuture(Future):  # type: ignore[type-arg]
    """A flush that runs only when someone waits for it (so a test controls the order)."""

    def __init__(self, fn, args):  # type: ignore[no-untyped-def]
        super().__init__()
        self._job = (fn, args)

    def result(self, timeout=None):  # type: ignore[no-untyped-def]
        if not self.done():
            self.set_running_or_notify_cancel()
            fn, args = self._job
            try:
                self.set_result(fn(*args))
            except BaseException as exc:  # handed to whoever waits, as a real Future does
                self.set_exception(exc)
        return super().result(timeout)


class _LazyExecutor:
    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.jobs: list[_LazyFuture] = []

    def submit(self, fn, *args):  # type: ignore[no-untyped-def]
        self.jobs.append(_LazyFuture(fn, args))
        return self.jobs[-1]

    def map(self, fn, items):  # type: ignore[no-untyped-def]
        return [fn(item) for item in items]

    def shutdown(self, wait=True, cancel_futures=False):  # type: ignore[no-untyped-def]
        for job in self.jobs:
            if not job.cancelled() and not cancel_futures:
                job.result()

    def __enter__(self):  # type: ignore[no-untyped-def]
        return self

    def __exit__(self, *exc):  # type: ignore[no-untyped-def]
        self.shutdown()


@pytest.mark.parametrize("late", ["a Windows-1252 byte", "a repeated Crime ID"])
def test_parts_discarded_before_their_flush_do_not_break_the_ingest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, late: str
):
    import geo.store as store_mod

    # Flushes to disk wait until the commit asks for them, as on a slow disk: a part the
    # ingest throws away (a file read again as Windows-1252, a part rewritten without a
    # repeated Crime ID) must not leave a flush of a file that is gone.
    monkeypatch.setattr(store_mod, "ThreadPoolExecutor", _LazyExecutor)
    rows = [street_row(crime_id=f"c{i}", month="2018-01", crime_type="Drugs") for i in range(1500)]
    if late == "a Windows-1252 byte":
        rows.append(street_row(crime_id="x", month="2018-01", crime_type="Drugs", location="On or near Caf\xe9 Row"))
        raw = street_csv(rows).decode("utf-8").encode("cp1252")
    else:
        rows.append(street_row(crime_id="c3", month="2018-01", crime_type="Drugs"))
        raw = street_csv(rows)
    f = tmp_path / "2018-01-west-yorkshire-street.csv"
    f.write_bytes(raw)
    store = Store(tmp_path / "store")
    with override_settings(ingest_block_bytes=16 << 10):
        summary = ingest([f], store)
    assert summary.stored == 1501 - (late == "a repeated Crime ID")
    assert len(store.read_incidents()) == summary.stored


def test_a_month_loaded_twice_lists_at_most_the_limit_and_counts_every_repeat(tmp_path: Path):
    import shutil

    from tests.conftest import SAMPLE_DIR

    month = SAMPLE_DIR / "2017-07" / "2017-07-west-yorkshire-street.csv"
    ids = sum(1 for line in month.read_text().splitlines()[1:] if not line.startswith(","))
    for copy in ("a", "b"):
        (tmp_path / copy).mkdir()
        shutil.copy(month, tmp_path / copy / month.name)
    store = Store(tmp_path / "store")
    with override_settings(max_rejects_listed=100):
        summary = ingest([tmp_path / "a", tmp_path / "b"], store)
    assert summary.rejected == {"duplicate_crime_id": ids}  # every repeat counted
    assert len(summary.rejects) == 100 and len(store.read_rejects()) == 100  # the first 100 listed
    assert set(summary.rejects["file"]) == {str(tmp_path / "b" / month.name)}  # the later file loses them
    assert summary.stored == 28_537 + (28_537 - ids)  # anti-social behaviour rows have no ID to compare


def test_a_quoted_line_break_reads_the_same_whatever_the_block_size(tmp_path: Path):
    rows = [street_row(crime_id=f"c{i}", month="2018-01", crime_type="Drugs") for i in range(300)]
    rows[150] = street_row(crime_id="q", month="2018-01", crime_type="Drugs", location="On or near Park, Row").replace(
        '"On or near Park, Row"', '"On or near Park\nRow"'
    )
    f = tmp_path / "2018-01-west-yorkshire-street.csv"
    f.write_bytes(street_csv(rows))
    results = set()
    for block in (4096, 4500, 5000, 6000, 9000, 1 << 20):
        with override_settings(ingest_block_bytes=block):
            summary = ingest([f], Store(tmp_path / f"store-{block}"))
        results.add((summary.stored, tuple(sorted(summary.rejected.items()))))
    assert results == {(300, ())}


def test_two_uploads_with_one_name_stay_two_files(tmp_path: Path):
    from geo.ingest import ingest_files
    from geo.police_uk import unique_labels

    labels = unique_labels(["street.csv", "street.csv", "m.zip", "m.zip"])
    assert labels == ["street.csv", "street (2).csv", "m.zip", "m (2).zip"]
    june = street_csv([street_row(crime_id="a", month="2017-06", crime_type="Drugs"), street_row(month="2017-6")])
    july = street_csv([street_row(crime_id="b", month="2017-07", crime_type="Drugs")])
    sources = [s for label, raw in zip(labels, (june, july)) for s in upload_sources(label, raw)]
    summary = ingest_files(sources, Store(tmp_path / "store"))
    assert summary.rows_read == 3 and summary.rejected == {"bad_month": 1}
    assert Store(tmp_path / "store").month_stats()["rows_read"].tolist() == [2, 1]
