"""The incident store: Parquet files partitioned by month, committed atomically.

Layout under the store folder::

    manifest.json                              the committed state (source of truth)
    incidents/month=YYYY-MM/<commit>.parquet   incidents of one month
    rejects/month=YYYY-MM/<commit>.parquet     rows rejected by the ingest that wrote it
    .lock                                      held while a commit is written

A commit writes new files under fresh names, then replaces ``manifest.json`` in one
``os.replace``. A failed or killed ingest therefore leaves the manifest, and so the store as
readers see it, exactly as it was; files it left behind are removed by the next commit.
Ingesting a month again replaces that month (no duplicates).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import fcntl
import json
import os
import uuid
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from geo._schemas import DICTIONARY_COLUMNS, INCIDENT_COLUMNS, REJECT_SCHEMA
from geo.errors import StoreError

MANIFEST = "manifest.json"
_FORMAT = 1


@dataclasses.dataclass(frozen=True)
class MonthData:
    """What one commit writes for one month.

    Attributes
    ----------
    incidents : pyarrow.Table
        Rows with the columns :data:`geo._schemas.INCIDENT_COLUMNS`.
    rejects : pandas.DataFrame
        Rejected rows of the files that supplied the month (``file``, ``line``, ``reason``,
        ``detail``).
    stats : dict
        Figures kept in the manifest: ``files``, ``rows_read``, ``stored``, ``unmapped``,
        ``outside``, ``rejected`` (reason -> count).
    """

    incidents: pa.Table
    rejects: pd.DataFrame
    stats: dict[str, Any]


def atomic_write_bytes(path: Path, content: bytes) -> None:
    """Write a file so that readers see the old content or the new, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


class Store:
    """Handle on a store folder (cheap to create; reads the manifest on demand).

    Parameters
    ----------
    root : Path
        The store folder; created on the first commit.
    """

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    # ----------------------------------------------------------------- reading
    def manifest(self) -> dict[str, Any]:
        """Return the committed manifest (an empty one for a new store).

        Raises
        ------
        StoreError
            The manifest exists but is not valid JSON of the expected shape.
        """
        path = self.root / MANIFEST
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {"format": _FORMAT, "commit": "", "months": {}}
        except OSError as exc:
            raise StoreError(f"{path}: cannot be read ({exc})") from exc
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise StoreError(f"{path}: is not valid JSON ({exc})") from exc
        if not isinstance(data, dict) or not isinstance(data.get("months"), dict):
            raise StoreError(f"{path}: has no 'months' table")
        return data

    def token(self) -> str:
        """Return an id that changes with every commit (for cache keys)."""
        return str(self.manifest().get("commit", ""))

    def months(self) -> list[str]:
        """Return the stored months, sorted (``'YYYY-MM'``)."""
        return sorted(self.manifest()["months"])

    def is_empty(self) -> bool:
        """Return True when no month is stored."""
        return not self.manifest()["months"]

    def month_stats(self) -> pd.DataFrame:
        """Return one row per stored month with its ingest figures.

        Columns: ``month``, ``stored``, ``unmapped``, ``outside``, ``rows_read``,
        ``rejected`` (total), ``ingested_at``, ``files`` (comma-separated).
        """
        rows = []
        for month, entry in sorted(self.manifest()["months"].items()):
            s = entry["stats"]
            rows.append(
                {
                    "month": month,
                    "stored": int(s["stored"]),
                    "unmapped": int(s["unmapped"]),
                    "outside": int(s["outside"]),
                    "rows_read": int(s["rows_read"]),
                    "rejected": int(sum(s["rejected"].values())),
                    "ingested_at": entry.get("ingested_at", ""),
                    "files": ", ".join(s["files"]),
                }
            )
        cols = ["month", "stored", "unmapped", "outside", "rows_read", "rejected", "ingested_at", "files"]
        return pd.DataFrame(rows, columns=cols)

    def rejected_by_reason(self) -> dict[str, int]:
        """Return rejected-row counts by reason over all stored months."""
        out: dict[str, int] = {}
        for entry in self.manifest()["months"].values():
            for reason, n in entry["stats"]["rejected"].items():
                out[reason] = out.get(reason, 0) + int(n)
        return out

    def read_incidents(
        self, months: Sequence[str] | None = None, columns: Sequence[str] | None = None
    ) -> pd.DataFrame:
        """Return stored incidents of the given months (all by default).

        Text columns with few distinct values come back as pandas categoricals.
        """
        return self._read("incidents", months, columns or INCIDENT_COLUMNS)

    def read_rejects(self, months: Sequence[str] | None = None) -> pd.DataFrame:
        """Return the rejected rows recorded with the given months (all by default)."""
        return self._read("rejects", months, REJECT_SCHEMA.names)

    def _read(self, kind: str, months: Sequence[str] | None, columns: Sequence[str]) -> pd.DataFrame:
        entries = self.manifest()["months"]
        wanted = sorted(entries) if months is None else [m for m in sorted(set(months)) if m in entries]
        cols = list(columns)
        dictionary = [c for c in DICTIONARY_COLUMNS if c in cols] if kind == "incidents" else []
        tables = []
        for month in wanted:
            path = self.root / entries[month][kind]
            try:
                tables.append(pq.read_table(path, columns=cols, read_dictionary=dictionary))
            except (OSError, pa.ArrowInvalid) as exc:
                raise StoreError(f"{path}: stored {kind} of {month} cannot be read ({exc})") from exc
        if not tables:
            if kind == "rejects":
                return REJECT_SCHEMA.empty_table().to_pandas()
            return pd.DataFrame({c: pd.Series(dtype="category" if c in dictionary else "object") for c in cols})
        return pa.concat_tables(tables, promote_options="permissive").to_pandas()

    # ----------------------------------------------------------------- writing
    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "a+b") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise StoreError(f"{self.root}: another ingest is writing to this store") from exc
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def commit(self, months: Mapping[str, MonthData]) -> str:
        """Write the given months, replacing any stored version, in one atomic commit.

        Month files are written in parallel (Parquet encoding releases the GIL); the
        manifest is replaced last.

        Returns
        -------
        str
            The new commit id.
        """
        commit = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
        with self._locked():
            manifest = self.manifest()
            entries = dict(manifest["months"])
            jobs = []
            for month, data in sorted(months.items()):
                rejects = pa.Table.from_pandas(data.rejects[REJECT_SCHEMA.names], schema=REJECT_SCHEMA, preserve_index=False)
                jobs.append((f"incidents/month={month}/{commit}.parquet", data.incidents.select(INCIDENT_COLUMNS)))
                jobs.append((f"rejects/month={month}/{commit}.parquet", rejects))
            with ThreadPoolExecutor(2) as pool:
                list(pool.map(lambda job: self._write_table(*job), jobs))
            stamp = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            for month, data in months.items():
                entries[month] = {
                    "incidents": f"incidents/month={month}/{commit}.parquet",
                    "rejects": f"rejects/month={month}/{commit}.parquet",
                    "stats": data.stats,
                    "ingested_at": stamp,
                }
            new = {"format": _FORMAT, "commit": commit, "months": entries}
            atomic_write_bytes(self.root / MANIFEST, json.dumps(new, indent=1, sort_keys=True).encode("utf-8"))
            self._collect_garbage(new)
        return commit

    def _write_table(self, relative: str, table: pa.Table) -> str:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        # Dictionary pages only where values repeat (a 64-character Crime ID never does), and
        # no column statistics: reads never filter on them.
        dictionary = [c for c in DICTIONARY_COLUMNS if c in table.column_names]
        pq.write_table(table, tmp, compression="lz4", use_dictionary=dictionary, write_statistics=False)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        return relative

    def _collect_garbage(self, manifest: Mapping[str, Any]) -> None:
        """Remove files no commit refers to (left by replaced months or killed ingests)."""
        live = {
            (self.root / e[k]).resolve()
            for e in manifest["months"].values()
            for k in ("incidents", "rejects")
        }
        for kind in ("incidents", "rejects"):
            folder = self.root / kind
            if not folder.is_dir():
                continue
            for path in folder.rglob("*"):
                if path.is_file() and path.resolve() not in live:
                    path.unlink(missing_ok=True)
            for sub in sorted(folder.iterdir()):
                if sub.is_dir() and not any(sub.iterdir()):
                    sub.rmdir()
