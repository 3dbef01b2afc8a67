"""geo._streams: archive limits checked from the zip directory (member count, sizes, paths, encryption, compression ratio)."""

from __future__ import annotations

import io

import pytest

from core.errors import InputFileError
from core.settings import override_settings
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
