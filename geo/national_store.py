"""Multi-force queries over the incident store, run by DuckDB on the Parquet files in place.

The store keeps one folder per force and month (``incidents/force=<slug>/month=YYYY-MM/``,
see :mod:`geo.store`). Aggregates over many forces (counts by force, month, crime type and
area) are computed by DuckDB reading those files where they lie: nothing is concatenated in
pandas, and only the aggregate comes back to Python. The files read are the ones the
manifest names (the committed state), never a glob, so parts left by a killed ingest are
never counted; the force is taken from the Hive folder name (``force=<slug>``) and mapped
back to the force's name, and months stored before the force key (``incidents/month=...``,
read as the home force's) are read in a second scan.

The same layout is readable by any Parquet engine (Spark, Dask, Trino, DuckDB)::

    SELECT force, month, count(*) FROM read_parquet('store/incidents/force=*/month=*/*.parquet',
        hive_partitioning = true) GROUP BY ALL
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import duckdb
import pandas as pd

from core.errors import StoreError
from core.settings import get_settings
from geo.schemas import H3_COLUMNS
from geo.store import Store, entry_files, force_slug

#: Columns an aggregate may be grouped by (besides ``force``).
GROUP_COLUMNS: frozenset[str] = frozenset({"month", "crime_type", "district", "lsoa_code", *H3_COLUMNS.values()})


class NationalStore:
    """Multi-force aggregates over a store, by DuckDB.

    One DuckDB database per handle, with its Parquet metadata cache on, so a repeated query
    does not read the files' footers again; each query runs on its own cursor (safe from
    several threads).

    Parameters
    ----------
    store : Store
        The store to read.
    memory : str, optional
        DuckDB's memory limit (default ``settings.national_query_memory``); it spills to a
        temporary folder beyond it.
    threads : int, optional
        DuckDB threads (default: DuckDB's, one per core).
    """

    def __init__(self, store: Store, memory: str | None = None, threads: int | None = None) -> None:
        self.store = store
        config: dict[str, str | bool | int | float | list[str]] = {
            "memory_limit": memory or get_settings().national_query_memory,
            "enable_object_cache": True,
        }
        if threads:
            config["threads"] = threads
        self._con = duckdb.connect(config=config)
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close the DuckDB database."""
        self._con.close()

    def _files(
        self, forces: Sequence[str] | None, months: Sequence[str] | None
    ) -> tuple[list[str], list[str], dict[str, str]]:
        """(files in force folders, files of the home force stored before the force key,
        slug -> force name), from the manifest."""
        manifest = self.store.manifest()["forces"]
        wanted_forces = set(manifest) if forces is None else set(forces)
        wanted_months = None if months is None else set(months)
        keyed: list[str] = []
        legacy: list[str] = []
        names: dict[str, str] = {}
        for force, entries in manifest.items():
            if force not in wanted_forces:
                continue
            names[force_slug(force)] = force
            for month, entry in entries.items():
                if wanted_months is not None and month not in wanted_months:
                    continue
                for relative in entry_files(entry, "incidents"):
                    path = str(self.store.root / relative)
                    (keyed if f"force={force_slug(force)}/" in relative else legacy).append(path)
        return sorted(keyed), sorted(legacy), names

    def counts(
        self,
        by: Sequence[str] = ("month",),
        forces: Sequence[str] | None = None,
        months: Sequence[str] | None = None,
        crime_types: Sequence[str] | None = None,
        bounds: tuple[float, float, float, float] | None = None,
    ) -> pd.DataFrame:
        """Incidents counted by force and the given columns.

        Parameters
        ----------
        by : sequence of str
            Columns among :data:`GROUP_COLUMNS` (``month``, ``crime_type``, ``district``,
            ``lsoa_code``, ``h3_r7`` … ``h3_r10``); ``force`` is always one.
        forces, months, crime_types : sequence of str, optional
            Only these (all by default). Forces as in ``Reported by``.
        bounds : tuple of float, optional
            ``(min_lon, min_lat, max_lon, max_lat)``: only incidents located in this box.

        Returns
        -------
        pandas.DataFrame
            ``force`` (name), the ``by`` columns, ``incidents`` (int64), sorted.

        Raises
        ------
        StoreError
            A column is not groupable, or a stored file cannot be read.
        """
        by = list(dict.fromkeys(c for c in by if c != "force"))
        unknown = [c for c in by if c not in GROUP_COLUMNS]
        if unknown:
            raise StoreError(f"cannot count by {', '.join(unknown)} (choose among {', '.join(sorted(GROUP_COLUMNS))})")
        keyed, legacy, names = self._files(forces, months)
        columns = ["force", *by]
        if not keyed and not legacy:
            return pd.DataFrame(
                {c: pd.Series(dtype="object") for c in columns} | {"incidents": pd.Series(dtype="int64")}
            )
        selected = ", ".join(f"CAST({c} AS VARCHAR) AS {c}" if not c.startswith("h3_") else c for c in by)
        selected = f", {selected}" if selected else ""
        scans = []
        params: dict[str, object] = {}
        if keyed:
            scans.append(
                f"SELECT force{selected}, crime_type, longitude, latitude FROM read_parquet($keyed, hive_partitioning = true)"
            )
            params["keyed"] = keyed
        if legacy:
            scans.append(
                f"SELECT $home_slug AS force{selected}, crime_type, longitude, latitude "
                "FROM read_parquet($legacy, hive_partitioning = false)"
            )
            params["legacy"] = legacy
            params["home_slug"] = force_slug(get_settings().home_force)
        where = []
        if crime_types is not None:
            where.append("CAST(crime_type AS VARCHAR) IN (SELECT unnest($types))")
            params["types"] = list(crime_types)
        if bounds is not None:
            where.append("longitude BETWEEN $lon0 AND $lon1 AND latitude BETWEEN $lat0 AND $lat1")
            params.update(dict(zip(("lon0", "lat0", "lon1", "lat1"), (float(b) for b in bounds))))
        sql = (
            f"SELECT {', '.join(columns)}, count(*) AS incidents FROM ({' UNION ALL '.join(scans)}) "
            f"{'WHERE ' + ' AND '.join(where) if where else ''} GROUP BY ALL ORDER BY ALL"
        )
        try:
            with self._lock:
                cursor = self._con.cursor()
            try:
                out = cursor.execute(sql, params).df()
            finally:
                cursor.close()
        except duckdb.Error as exc:
            raise StoreError(f"{self.store.root}: the stored incidents cannot be read ({exc})") from exc
        out["force"] = out["force"].map(names).fillna(out["force"])
        out["incidents"] = out["incidents"].astype("int64")
        return out

    def cell_counts(
        self,
        force: str,
        resolution: int,
        months: Sequence[str] | None = None,
        crime_types: Sequence[str] | None = None,
        bounds: tuple[float, float, float, float] | None = None,
    ) -> pd.DataFrame:
        """One force's incidents per H3 cell at a stored resolution: ``cell`` (int64),
        ``incidents``; incidents without coordinates (cell 0) left out."""
        column = H3_COLUMNS[resolution]
        out = self.counts((column,), [force], months, crime_types, bounds)
        out = out[out[column] != 0].rename(columns={column: "cell"})
        return out[["cell", "incidents"]].reset_index(drop=True)
