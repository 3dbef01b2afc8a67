"""Byte streams that an ingest reads through: limits counted as bytes go by, never a file
held whole.

:func:`check_archive` judges a zip archive from its directory before any member is read:
member count, unsafe paths, nested archives, each member's size and compression ratio, and
the archive's total. A directory can lie, so the sizes are held again while streaming:
Python's ``zipfile`` inflates a member a bounded piece at a time, never past the size its
directory entry declares, and checks the CRC at the end, so a member whose directory
understates its size stops there and is refused (:class:`LimitedReader` words the error).
The declared sizes are the ones the directory checks passed, so neither a member nor the
archive can grow beyond the limits while it is read.

:class:`LimitedReader` counts what it passes on and stops a file the moment it goes past its
size limit or holds a line longer than a street CSV ever has (a CSV reader would otherwise
hold a "row" of any length whole).
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import PurePosixPath
from typing import IO

from core.errors import InputFileError

#: Names of members that are archives themselves (refused: nested archives are not read).
ARCHIVE_SUFFIXES = (".zip", ".gz", ".tgz", ".tar", ".bz2", ".xz", ".7z", ".rar", ".zst")
#: First bytes of archive formats (a member named .csv holding an archive is refused too).
ARCHIVE_MAGIC = (b"PK\x03\x04", b"\x1f\x8b", b"BZh", b"\xfd7zXZ", b"7z\xbc\xaf", b"Rar!", b"(\xb5/\xfd")
#: Compression methods Python's zipfile reads: stored, deflated, bzip2, LZMA.
READABLE_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA})
#: Members smaller than this are not held to the compression ratio (tiny files compress
#: oddly, and cannot hurt).
RATIO_FLOOR = 1 << 20

_MIB = 1 << 20


def mib(n: float) -> str:
    """A size in words: ``"3.0 GiB"``, ``"512 MiB"``, ``"12 KiB"``."""
    for unit, size in (("GiB", 1 << 30), ("MiB", _MIB), ("KiB", 1 << 10)):
        if n >= size:
            value = n / size
            return f"{value:.1f} {unit}" if value < 10 else f"{value:,.0f} {unit}"
    return f"{int(n)} bytes"


class LimitedReader(io.RawIOBase):
    """A read-only stream over another that stops past a limit, with a clear message.

    Parameters
    ----------
    inner : binary file
        What is read (a file, an upload's bytes, a zip member being inflated).
    label : str
        The file's name in messages.
    max_bytes : int
        Most bytes this file may hold (settings.max_file_bytes).
    max_line : int or None
        Longest run of bytes without a line break (a CSV reader would otherwise hold a
        "row" of any length whole).

    Attributes
    ----------
    bytes_read : int
        Bytes passed on so far.
    last_byte : bytes
        The last byte passed on (``b""`` before any), to tell a file that ends in a line break.
    """

    def __init__(
        self, inner: IO[bytes] | io.RawIOBase, label: str, max_bytes: int, max_line: int | None = None
    ) -> None:
        super().__init__()
        self.inner = inner
        self.label = label
        self.max_bytes = max_bytes
        self.max_line = max_line
        self._since_newline = 0
        self.bytes_read = 0
        self.last_byte = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def read(self, size: int = -1) -> bytes:
        """Read at most ``size`` bytes (``-1``: up to the file's limit, plus one to tell)."""
        want = self.max_bytes + 1 - self.bytes_read if size is None or size < 0 else size
        try:
            data = self.inner.read(max(0, min(want, self.max_bytes + 1 - self.bytes_read)))
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise InputFileError(
                self.label,
                "archive member does not match its directory entry (its size or "
                f"checksum): the archive is corrupt, or its directory understates the "
                f"member's size; refused ({exc})",
            ) from exc
        except OSError as exc:
            raise InputFileError(self.label, f"cannot be read ({exc.strerror or exc})") from exc
        if not data:
            return b""
        self.bytes_read += len(data)
        self.last_byte = data[-1:]
        if self.bytes_read > self.max_bytes:
            raise InputFileError(
                self.label, f"is larger than {mib(self.max_bytes)} (the limit, settings.max_file_bytes): refused"
            )
        if self.max_line is not None:
            newline = data.rfind(b"\n")
            self._since_newline = len(data) - 1 - newline if newline >= 0 else self._since_newline + len(data)
            if self._since_newline > self.max_line:
                raise InputFileError(
                    self.label,
                    f"has a line longer than {mib(self.max_line)} (near byte "
                    f"{self.bytes_read:,}): not a street-level CSV; refused",
                )
        return data

    def close(self) -> None:
        try:
            self.inner.close()
        finally:
            super().close()


def unsafe_name(name: str) -> bool:
    """Whether an archive member's name is absolute or climbs out of its folder (``..``)."""
    posix = name.replace("\\", "/")
    return posix.startswith("/") or (len(posix) > 1 and posix[1] == ":") or ".." in PurePosixPath(posix).parts


def check_archive(
    label: str,
    infos: Sequence[zipfile.ZipInfo],
    wanted: Sequence[zipfile.ZipInfo],
    max_members: int,
    max_total: int,
    max_file: int,
    max_ratio: float,
) -> None:
    """Judge an archive from its directory before reading any member.

    Parameters
    ----------
    label : str
        The archive's name in messages.
    infos : sequence of ZipInfo
        Every member.
    wanted : sequence of ZipInfo
        The members that will be read (street CSVs).

    Raises
    ------
    InputFileError
        Too many members, an encrypted member, a member with an absolute or ``..`` path, a
        nested archive, a total or a member larger than its limit, or a member or the whole
        archive inflating beyond the ratio: one line naming the archive, the member and the
        limit.
    """
    if len(infos) > max_members:
        raise InputFileError(
            label,
            f"archive has {len(infos):,} members, more than {max_members:,} (the limit, "
            "settings.max_archive_members): refused",
        )
    for info in infos:
        if info.flag_bits & 0x1:
            raise InputFileError(label, f"archive member {info.filename!r} is encrypted: refused")
        if info.compress_type not in READABLE_METHODS:
            raise InputFileError(
                label,
                f"archive member {info.filename!r} uses compression method "
                f"{info.compress_type}, which cannot be read: refused",
            )
        if unsafe_name(info.filename):
            raise InputFileError(label, f"archive member {info.filename!r} has an absolute or '..' path: refused")
        if info.filename.lower().endswith(ARCHIVE_SUFFIXES):
            raise InputFileError(
                label, f"archive member {info.filename!r} is an archive itself: nested archives are refused"
            )
    total = sum(info.file_size for info in infos)
    if total > max_total:
        raise InputFileError(
            label,
            f"archive says it holds {mib(total)} uncompressed, more than {mib(max_total)} "
            "(the limit, settings.max_archive_bytes): refused",
        )
    for info in wanted:
        if info.file_size > max_file:
            raise InputFileError(
                label,
                f"archive member {info.filename!r} is {mib(info.file_size)} uncompressed, "
                f"more than {mib(max_file)} (the limit, settings.max_file_bytes): refused",
            )
        if info.file_size > RATIO_FLOOR and info.file_size > max_ratio * max(info.compress_size, 1):
            raise InputFileError(
                label,
                f"archive member {info.filename!r} inflates {info.file_size / max(info.compress_size, 1):,.0f} "
                f"times ({mib(info.compress_size)} to {mib(info.file_size)}), more than "
                f"{max_ratio:g} (the limit, settings.max_compression_ratio): a decompression "
                "bomb? Refused",
            )
    packed = sum(info.compress_size for info in infos)
    if total > RATIO_FLOOR and total > max_ratio * max(packed, 1):  # many small members, each under the floor
        raise InputFileError(
            label,
            f"archive inflates {total / max(packed, 1):,.0f} times ({mib(packed)} to "
            f"{mib(total)}), more than {max_ratio:g} (the limit, "
            "settings.max_compression_ratio): a decompression bomb? Refused",
        )
