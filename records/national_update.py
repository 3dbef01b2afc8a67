"""Keep the national table current: look at a configured location for a newer Home Office
table of police recorded crime by force area, and load it through the table's checks.

The location (``settings.national_table_source``, ``PRECISION_NATIONAL_TABLE``) is an
``http(s)://`` address (asked with ``If-None-Match`` / ``If-Modified-Since``, so an unchanged
file is not sent again) or a file on disk (a shared folder where the newest release is
dropped). A table is loaded when its content differs from the table in use and its newest
financial year is not older than the table in use's; it goes through
:func:`records.national_table.store_recorded_crime` (every check of ``cli.national``), so a
release whose columns differ, or whose forces are unknown, is refused with the reason and
the table in use stays. What was seen is kept in ``<store>/national/source_check.json``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

from core.errors import InputFileError, RemoteError
from core.files import atomic_write_bytes
from core.settings import Settings
from geo.police_uk_remote import Log, PoliceUkClient
from records.national_table import (
    parse_recorded_crime,
    read_force_areas,
    read_recorded_crime,
    recorded_crime_path,
    store_recorded_crime,
)


@dataclasses.dataclass(frozen=True)
class NationalCheck:
    """What the check found.

    Attributes
    ----------
    status : str
        ``"skipped"`` (no location configured), ``"unchanged"``, ``"loaded"``, ``"older"``
        (the table found is older than the one in use), ``"refused"`` (the table found
        cannot be used: the reason says why) or ``"failed"`` (the location could not be
        read).
    message : str
        One line saying what happened and why.
    """

    status: str
    message: str

    @property
    def failed(self) -> bool:
        """Whether the location could not be read or the table found could not be used."""
        return self.status in {"failed", "refused"}


def _check_file(settings: Settings) -> Path:
    return settings.store_dir / "national" / "source_check.json"


def _previous(settings: Settings) -> dict[str, Any]:
    try:
        data = json.loads(_check_file(settings).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _fetch(
    source: str, settings: Settings, before: dict[str, Any], client: PoliceUkClient | None
) -> tuple[bytes | None, dict[str, str]]:
    """The file's bytes (None when the server says it is unchanged) and what to remember."""
    if not source.lower().startswith(("http://", "https://")):
        path = Path(source).expanduser()
        try:
            return path.read_bytes(), {}
        except OSError as exc:
            raise InputFileError(path, f"cannot be read ({exc.strerror or exc})") from exc
    own = client is None
    client = client or PoliceUkClient(settings, source)
    headers = {}
    if before.get("etag"):
        headers["If-None-Match"] = str(before["etag"])
    if before.get("last_modified"):
        headers["If-Modified-Since"] = str(before["last_modified"])
    try:
        response = client.get_file(source, headers)
    finally:
        if own:
            client.close()
    seen = {
        k: v
        for k, v in (("etag", response.headers.get("ETag")), ("last_modified", response.headers.get("Last-Modified")))
        if v
    }
    return (None if response.status_code == 304 else response.content), seen


def update_national_table(
    settings: Settings, client: PoliceUkClient | None = None, log: Log | None = None
) -> NationalCheck:
    """Look for a newer national table at ``settings.national_table_source`` and load it.

    Never raises for a location that cannot be read or a table that cannot be used: the
    :class:`NationalCheck` says why, and the table in use stays.
    """
    say = log or (lambda line: None)
    source = settings.national_table_source
    if not source:
        return NationalCheck(
            "skipped", "national table: no location configured (PRECISION_NATIONAL_TABLE); not checked"
        )
    say(f"national table: looking at {source}")
    before = _previous(settings)
    try:
        content, seen = _fetch(source, settings, before, client)
    except (RemoteError, InputFileError) as exc:
        return NationalCheck("failed", f"national table: {exc}")
    if content is None:
        return NationalCheck(
            "unchanged", f"national table: {source} is unchanged since {before.get('checked_at', 'the last check')}"
        )
    check = _judge(content, source, settings)
    record = {**seen, "checked_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "source": source}
    record["digest"] = hashlib.sha256(content).hexdigest()
    atomic_write_bytes(_check_file(settings), json.dumps(record, indent=1).encode("utf-8"))
    return check


def _judge(content: bytes, source: str, settings: Settings) -> NationalCheck:
    """Load ``content`` if it is a different, not older, usable table."""
    in_use = recorded_crime_path(settings.store_dir)
    if in_use.is_file() and hashlib.sha256(in_use.read_bytes()).digest() == hashlib.sha256(content).digest():
        return NationalCheck("unchanged", f"national table: {source} is the table in use already")
    if content[:4] == b"PK\x03\x04":
        return NationalCheck(
            "refused",
            f"national table: {source} is a spreadsheet (ODS or XLSX), not CSV: save its force-area sheet as "
            "CSV and point PRECISION_NATIONAL_TABLE at that; the table in use stays",
        )
    current = read_recorded_crime(in_use, read_force_areas())
    try:
        candidate = parse_recorded_crime(content, source, read_force_areas())
        if max(candidate.years) < max(current.years):
            return NationalCheck(
                "older",
                f"national table: {source} ends in {max(candidate.years)}, before the table in use "
                f"({max(current.years)}); not loaded",
            )
        table = store_recorded_crime(content, source, settings.store_dir)
    except InputFileError as exc:
        return NationalCheck("refused", f"national table: not loaded, the table in use stays: {exc}")
    return NationalCheck("loaded", f"national table: loaded {source}: financial years {', '.join(table.years)}")
