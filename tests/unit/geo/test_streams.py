"""geo._streams: archive limits checked from the zip directory (member count, sizes, paths,
encryption, compression ratio), sizes in words, and the limited reader."""

from __future__ import annotations

import io

import pytest

from core.errors import InputFileError
from core.settings import override_settings
from geo import _streams
from geo.police_uk import upload_sources
from tests.conftest import HEADER, street_csv, street_row, zip_bytes

MEMBER = "2018-01/2018-01-west-yorkshire-street.csv"


@pytest.mark.parametrize(
    "name",
    [
        "../2018-01-west-yorkshire-street.csv",
        "/etc/2018-01-west-yorkshire-street.csv",
        "2018-01/../../2018-01-west-yorkshire-street.csv",
        "C:/x/2018-01-x-street.csv",
    ],
)
def test_members_with_absolute_or_parent_paths_are_refused(name: str):
    content = zip_bytes({MEMBER: street_csv([street_row(month="2018-01")]), name: b"x"})
    with pytest.raises(InputFileError, match="absolute or '..' path") as info:
        upload_sources("upload.zip", content)
    assert info.value.path == "upload.zip" and name in str(info.value)


def test_archive_limits_are_checked_from_the_directory():
    content = zip_bytes(
        {
            f"2018-{m:02d}/2018-{m:02d}-x-street.csv": street_csv([street_row(month=f"2018-{m:02d}")])
            for m in range(1, 13)
        }
    )
    with (
        override_settings(max_archive_members=10),
        pytest.raises(InputFileError, match="12 members, more than 10 .*settings.max_archive_members"),
    ):
        upload_sources("year.zip", content)
    with override_settings(max_archive_bytes=1000), pytest.raises(InputFileError, match="settings.max_archive_bytes"):
        upload_sources("year.zip", content)
    with (
        override_settings(max_file_bytes=100),
        pytest.raises(InputFileError, match="2018-01-x-street.csv.*settings.max_file_bytes"),
    ):
        upload_sources("year.zip", content)
    assert len(upload_sources("year.zip", content)) == 12  # within the defaults


def test_encrypted_members_and_archives_of_many_small_bombs_are_refused():
    import zipfile as zf

    content = bytearray(zip_bytes({MEMBER: street_csv([street_row(month="2018-01")])}))
    at = content.find(b"PK\x01\x02")
    content[at + 8] |= 0x1  # the central directory's "encrypted" flag
    with pytest.raises(InputFileError, match="is encrypted: refused"):
        upload_sources("locked.zip", bytes(content))
    content[at + 8] &= 0xFE
    content[at + 10] = 99  # a compression method zipfile cannot read
    with pytest.raises(InputFileError, match="compression method 99, which cannot be read"):
        upload_sources("odd.zip", bytes(content))
    small = {f"2018-01/{i}-x-street.csv": (HEADER + "\n").encode() + b"0" * (1 << 19) for i in range(8)}
    with pytest.raises(InputFileError, match="archive inflates .* settings.max_compression_ratio"):
        upload_sources("many.zip", zip_bytes(small))
    assert zf.is_zipfile(io.BytesIO(zip_bytes(small)))


@pytest.mark.parametrize(
    ("n", "words"),
    [(512, "512 bytes"), (12 * 1024, "12 KiB"), (1536, "1.5 KiB"), (1.5 * (1 << 20), "1.5 MiB"), (64 << 30, "64 GiB")],
)
def test_sizes_are_said_in_words(n: float, words: str):
    assert _streams.mib(n) == words


@pytest.mark.parametrize(
    ("name", "unsafe"),
    [
        ("2018-01/2018-01-x-street.csv", False),
        ("a..b/street.csv", False),  # dots inside a name are not a parent folder
        ("../street.csv", True),
        ("2018-01/../../street.csv", True),
        ("/etc/street.csv", True),
        ("C:/x/street.csv", True),
        ("..\\street.csv", True),  # a Windows separator
    ],
)
def test_unsafe_member_names(name: str, unsafe: bool):
    assert _streams.unsafe_name(name) is unsafe


def test_a_limited_reader_passes_bytes_up_to_its_limit_and_refuses_one_more():
    reader = _streams.LimitedReader(io.BytesIO(b"a,b\n1,2\n"), "ok.csv", max_bytes=8)
    assert reader.read() == b"a,b\n1,2\n" and reader.bytes_read == 8 and reader.last_byte == b"\n"
    assert reader.read() == b""
    with pytest.raises(InputFileError, match=r"big.csv: is larger than 8 bytes \(the limit, settings.max_file_bytes\)"):
        _streams.LimitedReader(io.BytesIO(b"a,b\n1,2\n3"), "big.csv", max_bytes=8).read()


def test_a_limited_reader_refuses_a_line_longer_than_its_limit_across_reads():
    reader = _streams.LimitedReader(io.BytesIO(b"ab\n" + b"x" * 10), "flood.csv", max_bytes=100, max_line=8)
    assert reader.read(6) == b"ab\nxxx"  # 3 bytes since the line break
    assert reader.read(5) == b"xxxxx"  # 8: at the limit
    with pytest.raises(InputFileError, match="flood.csv: has a line longer than 8 bytes"):
        reader.read(5)
