"""The incident store: Parquet files partitioned by force and month, committed atomically.

Layout under the store folder (Hive-style partitions, readable by any Parquet engine)::

    manifest.json                                           the committed state (source of truth)
    incidents/force=<slug>/month=YYYY-MM/<commit>-<n>.parquet incidents of one force's month
    rejects/force=<slug>/month=YYYY-MM/<commit>.parquet      rows rejected by the ingest that wrote it
    .lock                                                   held while a commit is written

``<slug>`` is the force's name in lower case with hyphens (``west-yorkshire-police``), see
:func:`force_slug`. A partition is one force's month: the force that published the rows
(``Reported by``). An ingest replaces exactly the partitions it writes, so a file of
another force for a month already stored never touches the home force's month.

A commit writes new files under fresh names (an ingest writes each file's incidents as soon
as they are checked, see :meth:`Store.begin`), then replaces ``manifest.json`` in one
``os.replace``. A failed ingest removes what it wrote, and a killed one leaves the manifest,
and so the store as readers see it, exactly as it was; files it left behind are removed by
the next commit. Ingesting a force's month again replaces that force's month (no duplicates).

Manifest formats: 3 (``forces``: force -> month -> entry); 1 and 2 (``months``: month ->
entry, written before stores were keyed by force) are still read, their months counted as
the home force's (those versions stored only what the app analysed), and rewritten as
format 3 by the next commit. Their files stay where they are: entries name their files.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import itertools
import json
import re
import threading
import uuid
from collections.abc import Collection, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from core.errors import StoreError
from core.files import atomic_write_bytes, fsync_path, locked
from core.settings import get_settings
from geo.schemas import DICTIONARY_COLUMNS, H3_COLUMNS, INCIDENT_COLUMNS, REJECT_SCHEMA

MANIFEST = "manifest.json"
_UNCOMPRESSED = frozenset({"crime_id"})
_ENCODINGS = {
    "longitude": "BYTE_STREAM_SPLIT",
    "latitude": "BYTE_STREAM_SPLIT",
    "source_line": "DELTA_BINARY_PACKED",
    **{name: "BYTE_STREAM_SPLIT" for name in H3_COLUMNS.values()},
}
_FORMAT = 3  # 3: partitions per force and month; 2: parts per month; 1: one file per kind

#: A partition: (force name as in ``Reported by``, month ``YYYY-MM``).
Partition = tuple[str, str]


#: Keys of a month's ``lsoa_matches`` counting rows placed in a district by their LSOA code.
CODE_MATCHES: tuple[str, ...] = ("code_2011", "code_2021", "code_shared")


def force_slug(force: str) -> str:
    """Return the folder name of a force's partitions: ``"West Yorkshire Police"`` ->
    ``"west-yorkshire-police"`` (lower case, runs of other characters as one hyphen)."""
    slug = re.sub(r"[^a-z0-9]+", "-", force.strip().lower()).strip("-")
    return slug or "unknown"


@dataclasses.dataclass(frozen=True)
class MonthData:
    """What one commit writes for one partition (a force's month).

    Attributes
    ----------
    rejects : pandas.DataFrame
        Rejected rows of the files that supplied the month (``file``, ``line``, ``reason``,
        ``detail``).
    stats : dict
        Figures kept in the manifest: ``files``, ``rows_read``, ``stored``, ``unmapped``,
        ``outside``, ``rejected`` (reason -> count).
    parts : tuple of str
        Incident files of the month already written by the commit
        (:meth:`Transaction.write_incidents`), relative to the store folder.
    """

    rejects: pd.DataFrame
    stats: dict[str, Any]
    parts: tuple[str, ...] = ()


def entry_files(entry: Mapping[str, Any], kind: str) -> list[str]:
    """Return the files of one kind (``incidents`` or ``rejects``) of a manifest month entry.

    Format 1 stores named one file per kind; format 2 lists the incident parts and leaves
    ``rejects`` null when a month had none.
    """
    value = entry.get(kind)
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


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
        """Return the committed manifest in format 3 (an empty one for a new store).

        ``{"format": 3, "commit": str, "forces": {force: {month: entry}}}``; a format 1 or 2
        manifest is returned converted, its months under the home force.

        Raises
        ------
        StoreError
            The manifest exists but is not valid JSON of the expected shape.
        """
        path = self.root / MANIFEST
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {"format": _FORMAT, "commit": "", "forces": {}}
        except OSError as exc:
            raise StoreError(f"{path}: cannot be read ({exc})") from exc
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise StoreError(f"{path}: is not valid JSON ({exc})") from exc
        if isinstance(data, dict) and isinstance(data.get("months"), dict) and "forces" not in data:
            data = {
                "format": _FORMAT,
                "commit": data.get("commit", ""),
                "forces": {get_settings().home_force: data["months"]} if data["months"] else {},
            }
        if (
            not isinstance(data, dict)
            or not isinstance(data.get("forces"), dict)
            or not all(isinstance(months, dict) for months in data["forces"].values())
        ):
            raise StoreError(f"{path}: has no 'forces' table")
        return data

    def token(self) -> str:
        """Return an id that changes with every commit (for cache keys)."""
        return str(self.manifest().get("commit", ""))

    @staticmethod
    def _force(force: str | None) -> str:
        return get_settings().home_force if force is None else force

    def _entries(self, force: str | None) -> dict[str, Any]:
        return dict(self.manifest()["forces"].get(self._force(force), {}))

    def forces(self) -> list[str]:
        """Return the forces with at least one stored month, sorted."""
        return sorted(f for f, months in self.manifest()["forces"].items() if months)

    def months(self, force: str | None = None) -> list[str]:
        """Return the stored months of a force (default the home force), sorted (``'YYYY-MM'``)."""
        return sorted(self._entries(force))

    def month_stats(self, force: str | None = None) -> pd.DataFrame:
        """Return one row per stored month of a force (default the home force) with its
        ingest figures.

        Columns: ``month``, ``stored``, ``unmapped``, ``outside``, ``rows_read``,
        ``rejected`` (total), ``ingested_at``, ``files`` (comma-separated),
        ``lsoa_generation`` (``""`` for months stored before it was recorded), ``by_code``
        (rows placed by an LSOA code of West Yorkshire, either generation) and ``by_point``
        (rows placed by point; both 0 for months stored before they were counted).
        """
        rows = []
        for month, entry in sorted(self._entries(force).items()):
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
                    "lsoa_generation": str(s.get("lsoa_generation", "")),
                    "by_code": int(sum(s.get("lsoa_matches", {}).get(k, 0) for k in CODE_MATCHES)),
                    "by_point": int(s.get("lsoa_matches", {}).get("point", 0)),
                }
            )
        cols = [
            "month",
            "stored",
            "unmapped",
            "outside",
            "rows_read",
            "rejected",
            "ingested_at",
            "files",
            "lsoa_generation",
            "by_code",
            "by_point",
        ]
        return pd.DataFrame(rows, columns=cols)

    def month_generations(self, force: str | None = None) -> dict[str, str]:
        """Return each stored month's LSOA generation (``"2011"`` or ``"2021"``) of a force
        (default the home force), as its ingest found it from the file's codes; ``""`` for
        months stored before generations were recorded."""
        return {
            month: str(entry["stats"].get("lsoa_generation", ""))
            for month, entry in sorted(self._entries(force).items())
        }

    def force_stats(self) -> pd.DataFrame:
        """Return one row per stored force: ``force``, ``months`` (comma-separated),
        ``stored`` (incidents in all its months)."""
        rows = [
            {
                "force": force,
                "months": ", ".join(sorted(months)),
                "stored": int(sum(int(e["stats"]["stored"]) for e in months.values())),
            }
            for force, months in sorted(self.manifest()["forces"].items())
            if months
        ]
        return pd.DataFrame(rows, columns=["force", "months", "stored"])

    def rejected_by_reason(self, force: str | None = None) -> dict[str, int]:
        """Return rejected-row counts by reason over the stored months of a force (default
        the home force)."""
        out: dict[str, int] = {}
        for entry in self._entries(force).values():
            for reason, n in entry["stats"]["rejected"].items():
                out[reason] = out.get(reason, 0) + int(n)
        return out

    def read_incidents(
        self, months: Sequence[str] | None = None, columns: Sequence[str] | None = None, force: str | None = None
    ) -> pd.DataFrame:
        """Return stored incidents of a force (default the home force) in the given months
        (all by default). Other forces' rows are never mixed in.

        Text columns with few distinct values come back as pandas categoricals.
        """
        return self._read("incidents", months, columns or INCIDENT_COLUMNS, force)

    def read_rejects(self, months: Sequence[str] | None = None, force: str | None = None) -> pd.DataFrame:
        """Return the rejected rows recorded with the given months of a force (all by
        default; default the home force)."""
        return self._read("rejects", months, REJECT_SCHEMA.names, force)

    def _read(self, kind: str, months: Sequence[str] | None, columns: Sequence[str], force: str | None) -> pd.DataFrame:
        entries = self._entries(force)
        wanted = sorted(entries) if months is None else [m for m in sorted(set(months)) if m in entries]
        cols = list(columns)
        dictionary = [c for c in DICTIONARY_COLUMNS if c in cols] if kind == "incidents" else []
        tables = []
        for month in wanted:
            for relative in entry_files(entries[month], kind):
                path = self.root / relative
                try:
                    tables.append(pq.read_table(path, columns=cols, read_dictionary=dictionary, partitioning=None))
                except (OSError, pa.ArrowInvalid) as exc:
                    raise StoreError(f"{path}: stored {kind} of {month} cannot be read ({exc})") from exc
        if not tables:
            if kind == "rejects":
                return REJECT_SCHEMA.empty_table().to_pandas()
            return pd.DataFrame({c: pd.Series(dtype="category" if c in dictionary else "object") for c in cols})
        return pa.concat_tables(tables, promote_options="permissive").to_pandas()

    def held(self) -> contextlib.AbstractContextManager[None]:
        """Hold the store's lock, waiting for a commit under way to finish: inside, the
        manifest and every file it names stay as they are (a backup copies them)."""
        return locked(self.root / ".lock")

    def exclusive(self) -> contextlib.AbstractContextManager[None]:
        """Hold the store's lock as a commit does (a restore swapping the folder): refused
        at once with :class:`~core.errors.StoreError` while an ingest or a backup holds it."""
        return self._locked()

    # ----------------------------------------------------------------- writing
    def _locked(self) -> contextlib.AbstractContextManager[None]:
        return locked(self.root / ".lock", wait=False, busy="another ingest or a backup is using this store")

    @contextlib.contextmanager
    def begin(self) -> Iterator[Transaction]:
        """Start a commit: hold the store's lock and yield a :class:`Transaction`.

        Files the transaction wrote are removed if the block raises or ends before
        :meth:`Transaction.finish`, so the store is left exactly as it was.

        Raises
        ------
        StoreError
            Another ingest is writing to the store.
        """
        commit = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
        with self._locked():
            transaction = Transaction(self, commit)
            try:
                yield transaction
            finally:
                if not transaction.finished:
                    transaction.abandon()

    def drop(self, partitions: Collection[Partition]) -> str:
        """Remove force months from the store in one commit (retention); return its id.

        The manifest without them replaces the old one in one ``os.replace`` (readers see
        every month or none of them gone), then their files are removed. Partitions not
        stored are ignored.

        Raises
        ------
        StoreError
            An ingest or a backup is using the store.
        """
        commit = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
        with self._locked():
            forces = {force: dict(months) for force, months in self.manifest()["forces"].items()}
            for force, month in partitions:
                forces.get(force, {}).pop(month, None)
            new = {"format": _FORMAT, "commit": commit, "forces": {f: m for f, m in forces.items() if m}}
            atomic_write_bytes(self.root / MANIFEST, json.dumps(new, indent=1, sort_keys=True).encode("utf-8"))
            fsync_path(self.root)
            self._collect_garbage(new)
        return commit

    def _write_table(self, relative: str, table: pa.Table) -> str:
        """Write a new file (a name no manifest refers to yet); :meth:`Transaction.finish`
        flushes it to disk before the manifest names it."""
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        # Dictionary pages where values repeat: the text columns an ingest keeps
        # dictionary-encoded are written as they are (never a 64-character Crime ID). No
        # column statistics: reads never filter on them. No Arrow schema either, so every
        # column reads back as :meth:`_read` asks, whatever its type in memory.
        dictionary = sorted(
            {c for c in DICTIONARY_COLUMNS if c in table.column_names}
            | {f.name for f in table.schema if pa.types.is_dictionary(f.type)}
        )
        # LZ4 finds nothing to squeeze in a 64-character hexadecimal hash: Crime IDs are stored
        # uncompressed, which halves the cost of writing them. Numbers are split into byte
        # streams (cells, degrees) or deltas (line numbers) first, which LZ4 then packs well.
        compression = {c: "none" if c in _UNCOMPRESSED else "lz4" for c in table.column_names}
        encoding = {c: e for c, e in _ENCODINGS.items() if c in table.column_names and c not in dictionary}
        pq.write_table(
            table,
            path,
            compression=compression,
            use_dictionary=dictionary,
            column_encoding=encoding,
            write_statistics=False,
            store_schema=False,
        )
        return relative

    def _collect_garbage(self, manifest: Mapping[str, Any]) -> None:
        """Remove files no commit refers to (left by replaced months or killed ingests), then
        the folders they leave empty."""
        live = {
            (self.root / relative).resolve()
            for months in manifest["forces"].values()
            for e in months.values()
            for k in ("incidents", "rejects")
            for relative in entry_files(e, k)
        }
        for kind in ("incidents", "rejects"):
            folder = self.root / kind
            if not folder.is_dir():
                continue
            for path in folder.rglob("*"):
                if path.is_file() and path.resolve() not in live:
                    path.unlink(missing_ok=True)
            # deepest first, so a force folder goes once its month folders have gone
            for sub in sorted((p for p in folder.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
                if not any(sub.iterdir()):
                    sub.rmdir()


class Transaction:
    """One commit being written (see :meth:`Store.begin`).

    Incident files can be written while the rest of an ingest is still running, from
    several threads; nothing is visible to readers until :meth:`finish` replaces the
    manifest. Each file is flushed to disk on a background thread as soon as it is written
    (flushing waits on the disk, not the CPU), and :meth:`finish` waits for every flush
    before the manifest names the files.
    """

    def __init__(self, store: Store, commit: str) -> None:
        self.store = store
        self.commit = commit
        self.finished = False
        self._written: list[str] = []
        self._lock = threading.Lock()
        self._count = itertools.count()
        self._flusher = ThreadPoolExecutor(2, thread_name_prefix="store-fsync")
        self._flushes: dict[str, Future[None]] = {}

    def write_incidents(self, partition: Partition, table: pa.Table) -> str:
        """Write one part of a force's month now; return its path for :class:`MonthData`."""
        force, month = partition
        with self._lock:
            relative = f"incidents/force={force_slug(force)}/month={month}/{self.commit}-{next(self._count)}.parquet"
        return self._write(relative, table.select(INCIDENT_COLUMNS))

    def _write(self, relative: str, table: pa.Table) -> str:
        with self._lock:
            self._written.append(relative)
        self.store._write_table(relative, table)
        flush = self._flusher.submit(fsync_path, self.store.root / relative)
        with self._lock:
            self._flushes[relative] = flush
        return relative

    def discard(self, relative: str) -> None:
        """Remove a part written by this transaction that is no longer wanted (after its
        flush to disk, if one is under way, so that nothing flushes a file that is gone)."""
        with self._lock:
            self._written.remove(relative)
            flush = self._flushes.pop(relative, None)
        if flush is not None and not flush.cancel():
            flush.result()
        (self.store.root / relative).unlink(missing_ok=True)

    def finish(self, partitions: Mapping[Partition, MonthData]) -> str:
        """Write what is left of the given partitions and replace the manifest; return the
        commit id. Every other partition (other forces, other months) is kept as it was.

        The incident parts were written as they were read; the non-empty rejected rows are
        written here, and the manifest is replaced last.
        """
        store = self.store
        forces = {force: dict(months) for force, months in store.manifest()["forces"].items()}
        jobs: list[tuple[str, Partition, pa.Table]] = []
        for partition, data in sorted(partitions.items()):
            if len(data.rejects):
                rejects = pa.Table.from_pandas(
                    data.rejects[REJECT_SCHEMA.names], schema=REJECT_SCHEMA, preserve_index=False
                )
                jobs.append(("rejects", partition, rejects))

        def run(job: tuple[str, Partition, pa.Table]) -> tuple[str, Partition, str]:
            kind, partition, table = job
            force, month = partition
            with self._lock:
                relative = f"rejects/force={force_slug(force)}/month={month}/{self.commit}-{next(self._count)}.parquet"
            return kind, partition, self._write(relative, table)

        with ThreadPoolExecutor(2) as pool:
            written = list(pool.map(run, jobs))
        # Everything written reaches the disk before the manifest names it: the files, then
        # the folders that list them.
        with self._lock:
            flushes = list(self._flushes.values())
            folders = sorted({(store.root / relative).parent for relative in self._written})
        for flush in flushes:
            flush.result()
        list(self._flusher.map(fsync_path, folders))
        self._flusher.shutdown()
        stamp = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        for (force, month), data in partitions.items():
            forces.setdefault(force, {})[month] = {
                "incidents": [*data.parts, *(w[2] for w in written if w[:2] == ("incidents", (force, month)))],
                "rejects": next((w[2] for w in written if w[:2] == ("rejects", (force, month))), None),
                "stats": data.stats,
                "ingested_at": stamp,
            }
        new = {"format": _FORMAT, "commit": self.commit, "forces": forces}
        atomic_write_bytes(store.root / MANIFEST, json.dumps(new, indent=1, sort_keys=True).encode("utf-8"))
        self.finished = True
        store._collect_garbage(new)
        return self.commit

    def abandon(self) -> None:
        """Remove every file this transaction wrote (the manifest was never replaced)."""
        self._flusher.shutdown(wait=True, cancel_futures=True)
        for relative in self._written:
            path = self.store.root / relative
            path.unlink(missing_ok=True)
            with contextlib.suppress(OSError):  # only empty folders go; others are in use
                path.parent.rmdir()
