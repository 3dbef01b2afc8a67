"""Keep the store current from data.police.uk: the work of ``python -m cli.update``.

:func:`update` asks the site which months it publishes (``/api/crimes-street-dates``),
compares them with the home force's months in the store, and for each month to fetch reads
only the street files of the home force and its neighbours (``settings.neighbour_forces``)
out of the archive that holds it (:mod:`geo.police_uk_remote`: range requests, or the whole
archive where the server offers none). Each month is ingested by :func:`geo.ingest.ingest_files`,
the same checks as every other file, in one commit of its own: a month is stored whole or
not at all, and a month that fails leaves the others stored.

Which months: the newest ``settings.update_months`` published (or those from ``since``)
that the home force lacks; and, when ``/api/crime-last-updated`` has moved since the last
successful run, the newest ``settings.update_refresh_months`` stored ones again (street
files are revised after publication). With nothing to fetch, nothing is fetched.

What was found is kept in ``settings.update_state_file`` (months published, the site's
last-updated date, when it was checked, months newer than the store) for the app's "how
fresh" line (:func:`read_state`).
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import json
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd

from core.errors import InputFileError, PrecisionError, RemoteError, StoreError
from core.files import atomic_write_bytes, locked
from core.settings import Settings
from geo import boundaries
from geo.ingest import ingest_files
from geo.police_uk import Source
from geo.police_uk_api import crimes_in_area, outline, street_csv
from geo.police_uk_remote import (
    ARCHIVE_WINDOW_MONTHS,
    Log,
    PoliceUkClient,
    Traffic,
    archive_force_id,
    extract_members,
    open_archive,
    street_member,
)
from geo.store import Store

#: Called with (fraction done 0..1, what is happening).
Progress = Callable[[float, str], None]


@dataclasses.dataclass(frozen=True)
class MonthOutcome:
    """What became of one month.

    Attributes
    ----------
    month : str
        ``YYYY-MM``.
    stored : dict of str to int
        Force (``Reported by``) -> incidents stored for it; empty when the month failed.
    missing_forces : tuple of str
        Forces wanted whose street file the archive does not hold (named, not an error).
    problem : str or None
        Why the month was not stored; None when it was.
    refreshed : bool
        The month was stored before and was fetched again (a revision).
    gap : bool
        The archive could not give the home force's month at all (not in it, or the
        archive not found): the API may fill it.
    source : str
        ``"archive"`` or ``"api"`` (the street-level crime API filled the gap).
    """

    month: str
    stored: dict[str, int] = dataclasses.field(default_factory=dict)
    missing_forces: tuple[str, ...] = ()
    problem: str | None = None
    refreshed: bool = False
    gap: bool = False
    source: str = "archive"

    @property
    def ok(self) -> bool:
        """Whether the month was stored."""
        return self.problem is None


@dataclasses.dataclass
class UpdateReport:
    """What :func:`update` did.

    Attributes
    ----------
    source : str
        The site's address.
    published : list of str
        Months the site lists.
    planned : list of str
        Months fetched (missing ones and refreshed ones), sorted.
    outcomes : list of MonthOutcome
        One per planned month.
    last_updated : str or None
        The site's ``crime-last-updated`` date, if it gave one.
    traffic : Traffic
        Requests made and bytes received.
    """

    source: str
    published: list[str] = dataclasses.field(default_factory=list)
    planned: list[str] = dataclasses.field(default_factory=list)
    outcomes: list[MonthOutcome] = dataclasses.field(default_factory=list)
    last_updated: str | None = None
    traffic: Traffic = dataclasses.field(default_factory=Traffic)

    @property
    def failed(self) -> list[MonthOutcome]:
        """Months not stored."""
        return [o for o in self.outcomes if not o.ok]

    @property
    def stored_months(self) -> list[str]:
        """Months stored by this run."""
        return [o.month for o in self.outcomes if o.ok]

    @property
    def rows_added(self) -> int:
        """Incidents stored by this run, every force counted."""
        return sum(sum(o.stored.values()) for o in self.outcomes)

    @property
    def exit_code(self) -> int:
        """0 up to date or updated; 1 some months failed."""
        return 1 if self.failed else 0

    def to_text(self) -> str:
        """The closing summary the command prints."""
        if not self.planned:
            return f"up to date: nothing to fetch ({len(self.published)} months published)"
        lines = [
            f"stored {len(self.stored_months)} of {len(self.planned)} month(s): {self.rows_added:,} incidents; "
            f"{self.traffic.bytes_received:,} bytes in {self.traffic.requests} request(s)"
        ]
        lines += [f"FAILED {o.month}: {o.problem}" for o in self.failed]
        return "\n".join(lines)


def add_months(month: str, n: int) -> str:
    """``YYYY-MM`` moved by ``n`` months."""
    year, mon = (int(x) for x in month.split("-"))
    index = year * 12 + mon - 1 + n
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def archive_for(month: str, newest: str) -> str:
    """The archive (its month) to read ``month`` from: the newest one while the month is in
    its 36-month window, else the one whose window ends 35 months after it."""
    return min(newest, add_months(month, ARCHIVE_WINDOW_MONTHS - 1))


def plan_months(
    published: Sequence[str],
    stored: Sequence[str],
    months: int,
    since: str | None,
    refresh: int,
) -> tuple[list[str], list[str]]:
    """Return (missing months, months to fetch again), each sorted.

    Parameters
    ----------
    published : sequence of str
        Months the site lists.
    stored : sequence of str
        The home force's months in the store.
    months : int
        Keep the newest ``months`` published (ignored when ``since`` is given).
    since : str or None
        Keep every published month from this one (``YYYY-MM``).
    refresh : int
        The newest ``refresh`` stored months within the window are fetched again (0: none).
    """
    ordered = sorted(set(published))
    window = [m for m in ordered if m >= since] if since else ordered[-months:]
    have = set(stored)
    missing = [m for m in window if m not in have]
    again = [m for m in window if m in have][-refresh:] if refresh else []
    return missing, again


def read_state(settings: Settings) -> dict[str, Any]:
    """What the last update found (empty before the first): ``checked_at`` (UTC, ISO),
    ``source``, ``published`` (months), ``last_updated``, ``newer_months`` (months published
    after the newest stored when it finished)."""
    try:
        data = json.loads(settings.update_state_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise StoreError(f"{settings.update_state_file}: cannot be read ({exc})") from exc
    return data if isinstance(data, dict) else {}


def newer_months(published: Sequence[str], stored: Sequence[str]) -> list[str]:
    """Published months after the newest stored one (all of them when none is stored)."""
    newest = max(stored, default="")
    return sorted(m for m in published if m > newest)


def gaps(months: Sequence[str]) -> list[str]:
    """Months missing inside a series (between its first and last): ``["2026-03"]`` for
    2026-01, 2026-02, 2026-04."""
    have = sorted(set(months))
    if not have:
        return []
    out, month = [], have[0]
    while month < have[-1]:
        month = add_months(month, 1)
        if month not in have:
            out.append(month)
    return out


def _fetch_month(
    archive: Any,
    archive_name: str,
    month: str,
    forces: Sequence[str],
    store: Store,
    settings: Settings,
    lsoas: gpd.GeoDataFrame,
    work: Path,
) -> MonthOutcome:
    """Extract one month's street files of ``forces`` and ingest them in one commit."""
    members = {street_member(month, archive_force_id(f)): f for f in forces}
    with tempfile.TemporaryDirectory(prefix=f"update-{month}-", dir=work) as tmp:
        written = extract_members(archive, archive_name, list(members), Path(tmp), settings)
        got = {p.relative_to(tmp).as_posix() for p in written}
        missing = tuple(f for name, f in members.items() if name not in got)
        if forces[0] in missing:
            return MonthOutcome(
                month,
                missing_forces=missing,
                gap=True,
                problem=(
                    f"listed by /api/crimes-street-dates, but {archive_name} holds no "
                    f"{street_member(month, archive_force_id(forces[0]))} (withdrawn since the "
                    "listing?); tried again next run"
                ),
            )
        sources = [Source(f"{archive_name}!{p.relative_to(tmp).as_posix()}", p) for p in written]
        summary = ingest_files(sources, store, settings, lsoas=lsoas)  # the checks of cli.ingest
    stored = {force: n for (force, m), n in summary.partitions.items() if m == month}
    return MonthOutcome(month, stored, missing)


def update(
    store: Store,
    settings: Settings,
    source: str | None = None,
    months: int | None = None,
    since: str | None = None,
    log: Log | None = None,
    progress: Progress | None = None,
    client: PoliceUkClient | None = None,
    lsoas: gpd.GeoDataFrame | None = None,
) -> UpdateReport:
    """Fetch and store the months the store lacks (see the module's description).

    Parameters
    ----------
    store : Store
    settings : Settings
    source : str, optional
        The site's address; default ``settings.police_uk_url``.
    months : int, optional
        Keep the newest ``months`` published; default ``settings.update_months``.
    since : str, optional
        Keep every published month from ``YYYY-MM`` on (instead of ``months``).
    log : callable, optional
        Given one line per step.
    progress : callable, optional
        Given (fraction done, what is happening) as months are stored.
    client : PoliceUkClient, optional
        The HTTP client (default: a new one for ``source``).
    lsoas : geopandas.GeoDataFrame, optional
        The LSOAs, if already read.

    Returns
    -------
    UpdateReport
        Failed months are in it, named with their problem; the others are stored.

    Raises
    ------
    SettingsError
        The address or the CA bundle cannot be used.
    RemoteError
        The list of months cannot be had (nothing was changed).
    StoreError
        Another update is running, or the store cannot be read.
    """
    say = log or (lambda line: None)
    report_progress = progress or (lambda fraction, text: None)
    own = client is None
    client = client or PoliceUkClient(settings, source, log=say)
    report = UpdateReport(client.base_url, traffic=client.traffic)
    try:
        with locked(settings.store_dir / ".update.lock", wait=False, busy="another update is running"):
            _run(report, client, store, settings, months, since, say, report_progress, lsoas)
    finally:
        if own:
            client.close()
    return report


def _run(
    report: UpdateReport,
    client: PoliceUkClient,
    store: Store,
    settings: Settings,
    months: int | None,
    since: str | None,
    say: Log,
    report_progress: Progress,
    lsoas: gpd.GeoDataFrame | None,
) -> None:
    """The steps of :func:`update`, under its lock."""
    say(f"asking {client.url('/api/crimes-street-dates')} which months are published")
    report.published = client.street_months()
    report.last_updated = client.last_updated()
    say(
        f"{len(report.published)} months published, {report.published[0]} to {report.published[-1]}"
        + (f"; data last updated {report.last_updated}" if report.last_updated else "")
        if report.published
        else "no months published"
    )
    state = read_state(settings)
    changed = report.last_updated is not None and report.last_updated != state.get("last_updated")
    from_api = set(state.get("from_api", []))
    stored = [m for m in store.months(settings.home_force) if m not in from_api]  # the archive's version wanted
    missing, again = plan_months(
        report.published,
        stored,
        months or settings.update_months,
        since,
        settings.update_refresh_months if changed else 0,
    )
    report.planned = sorted({*missing, *again})
    say(
        f"store holds {len(stored)} month(s) of {settings.home_force}"
        + (f", newest {stored[-1]}" if stored else "")
        + f"; to fetch: {len(missing)} missing"
        + (f" ({', '.join(missing)})" if missing else "")
        + (f", {len(again)} again as the site was updated ({', '.join(again)})" if again else "")
    )
    if report.planned:
        forces = [settings.home_force, *settings.neighbour_forces]
        lsoas = lsoas if lsoas is not None else boundaries.read_lsoas(settings)
        _fetch_all(report, client, store, settings, forces, set(again), say, report_progress, lsoas)
        if settings.update_api_fallback:
            _fill_gaps(report, client, store, settings, lsoas, say)
    else:
        say("up to date: nothing to fetch")
    _save_state(report, store, settings, state)


def _fetch_all(
    report: UpdateReport,
    client: PoliceUkClient,
    store: Store,
    settings: Settings,
    forces: Sequence[str],
    again: set[str],
    say: Log,
    report_progress: Progress,
    lsoas: gpd.GeoDataFrame,
) -> None:
    """Read each planned month from its archive and ingest it; failures are recorded.

    An archive not found (HTTP 404: the newest month listed but its archive not yet, or no
    longer, there) hands the months it would have held to the archive a month older, once;
    the months that one cannot hold fail, named.
    """
    newest = report.published[-1]
    queue: dict[str, list[str]] = {}
    for month in report.planned:
        queue.setdefault(archive_for(month, newest), []).append(month)
    work = settings.download_dir
    work.mkdir(parents=True, exist_ok=True)
    tried: set[str] = set()
    while queue:
        archive_month = max(queue)
        months = queue.pop(archive_month)
        tried.add(archive_month)
        try:
            _from_archive(
                report, client, archive_month, months, forces, again, store, settings, lsoas, say, report_progress
            )
        except (RemoteError, InputFileError) as exc:
            left = [m for m in months if m not in {o.month for o in report.outcomes}]
            older = add_months(archive_month, -1)
            if isinstance(exc, RemoteError) and exc.status == 404 and older not in tried and archive_month == newest:
                handed = [m for m in left if m <= older and archive_for(m, older) == older]
                if handed:
                    say(f"{archive_month}.zip: not found (HTTP 404); reading {', '.join(handed)} from {older}.zip")
                    queue.setdefault(older, []).extend(handed)
                    left = [m for m in left if m not in handed]
            problem = (
                f"{exc.url}: not found (HTTP 404): not published yet, or gone since the months were listed; "
                "tried again next run"
                if isinstance(exc, RemoteError) and exc.status == 404
                else str(exc)
            )
            gone = isinstance(exc, RemoteError) and exc.status == 404
            for month in left:
                report.outcomes.append(MonthOutcome(month, problem=problem, gap=gone))
                say(f"{month}: FAILED: {problem}")
    report.outcomes.sort(key=lambda o: o.month)
    report_progress(1.0, "done")


def _from_archive(
    report: UpdateReport,
    client: PoliceUkClient,
    archive_month: str,
    months: Sequence[str],
    forces: Sequence[str],
    again: set[str],
    store: Store,
    settings: Settings,
    lsoas: gpd.GeoDataFrame,
    say: Log,
    report_progress: Progress,
) -> None:
    """Open one archive and store each of ``months`` from it (a month's failure recorded)."""
    name = f"{archive_month}.zip"
    with open_archive(client, client.url(f"/data/archive/{name}"), settings.download_dir, say) as archive:
        for month in sorted(months):
            report_progress(len(report.outcomes) / len(report.planned), f"fetching and storing {month}")
            outcome = _one_month(archive, name, month, forces, store, settings, lsoas, settings.download_dir)
            outcome = dataclasses.replace(outcome, refreshed=month in again)
            report.outcomes.append(outcome)
            say(_outcome_line(outcome))


def _fill_gaps(
    report: UpdateReport,
    client: PoliceUkClient,
    store: Store,
    settings: Settings,
    lsoas: gpd.GeoDataFrame,
    say: Log,
) -> None:
    """Ask the street-level crime API for each month the archive could not give at all, for
    the home force's area; a month it fills is stored (and fetched from the archive again
    by later runs, which carries every column)."""
    area = outline(lsoas.geometry.union_all())
    for i, outcome in enumerate(report.outcomes):
        if outcome.ok or not outcome.gap:
            continue
        month = outcome.month
        say(f"{month}: asking the street-level crime API for West Yorkshire's area instead (no LSOA or 'Falls within')")
        try:
            filled = _month_from_api(client, area, month, store, settings, lsoas, say)
        except PrecisionError as exc:
            report.outcomes[i] = dataclasses.replace(outcome, problem=f"{outcome.problem}; the API: {exc}")
            say(f"{month}: FAILED: the API could not fill it either ({exc})")
            continue
        report.outcomes[i] = filled
        say(_outcome_line(filled))


def _month_from_api(
    client: PoliceUkClient,
    area: Any,
    month: str,
    store: Store,
    settings: Settings,
    lsoas: gpd.GeoDataFrame,
    say: Log,
) -> MonthOutcome:
    """One month of the home force's area from the API, ingested like a street CSV."""
    crimes = crimes_in_area(client, area, month, log=say)
    if not crimes:
        raise RemoteError(client.url("/api/crimes-street/all-crime"), f"has no crimes for {month}")
    with tempfile.TemporaryDirectory(prefix=f"api-{month}-", dir=settings.download_dir) as tmp:
        path = Path(tmp) / street_member(month, archive_force_id(settings.home_force))
        path.parent.mkdir(parents=True)
        path.write_bytes(street_csv(crimes, month, settings.home_force))
        source = Source(f"api:crimes-street/all-crime?date={month}", path)
        summary = ingest_files([source], store, settings, lsoas=lsoas)
    stored = {force: n for (force, m), n in summary.partitions.items() if m == month}
    return MonthOutcome(month, stored, source="api")


def _one_month(
    archive: Any,
    name: str,
    month: str,
    forces: Sequence[str],
    store: Store,
    settings: Settings,
    lsoas: gpd.GeoDataFrame,
    work: Path,
) -> MonthOutcome:
    """One month, its failure caught: a problem with this month never stops the others."""
    try:
        return _fetch_month(archive, name, month, forces, store, settings, lsoas, work)
    except PrecisionError as exc:  # a member's fetch, a check or the commit: this month only
        return MonthOutcome(month, problem=str(exc))


def _outcome_line(outcome: MonthOutcome) -> str:
    if not outcome.ok:
        return f"{outcome.month}: FAILED: {outcome.problem}"
    forces = "; ".join(f"{force} {n:,}" for force, n in sorted(outcome.stored.items()))
    verb = "stored again" if outcome.refreshed else "stored"
    via = " from the API" if outcome.source == "api" else ""
    line = f"{outcome.month}: {verb}{via} {sum(outcome.stored.values()):,} incidents ({forces})"
    if outcome.missing_forces:
        line += f"; not in the archive: {', '.join(outcome.missing_forces)}"
    return line


def _save_state(report: UpdateReport, store: Store, settings: Settings, before: dict[str, Any]) -> None:
    """Keep what was found; the site's last-updated date only once every month was stored
    (so revisions that failed are fetched again next run)."""
    _write_json(
        settings.update_state_file,
        {
            "checked_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "source": report.source,
            "published": report.published,
            "last_updated": report.last_updated if not report.failed else before.get("last_updated"),
            "newer_months": newer_months(report.published, store.months(settings.home_force)),
            "failed": {o.month: o.problem for o in report.failed},
            "from_api": sorted(
                ({str(m) for m in before.get("from_api", [])} - set(report.stored_months))
                | {o.month for o in report.outcomes if o.ok and o.source == "api"}
            ),
        },
    )


@dataclasses.dataclass(frozen=True)
class Freshness:
    """How current the store is, for the app's header line.

    Attributes
    ----------
    newest : str or None
        The home force's newest stored month.
    missing : list of str
        Months missing inside the stored series (between its first and newest month).
    newer : list of str
        Months data.police.uk listed at the last check that are newer than ``newest``.
    checked_at : str or None
        When the last update checked the site (UTC, ISO 8601), or None if never.
    """

    newest: str | None
    missing: list[str]
    newer: list[str]
    checked_at: str | None

    def sentence(self) -> str:
        """For everyone: the newest month stored and the months missing in the series."""
        if self.newest is None:
            return "No month of data.police.uk data is stored yet."
        text = f"Newest month stored: {month_name(self.newest)}."
        if self.missing:
            plural = "month" if len(self.missing) == 1 else "months"
            text += f" Missing in the series: {month_runs(self.missing)} ({len(self.missing)} {plural})."
        return text

    def admin_sentence(self) -> str | None:
        """For admins, when the last check found more: ``data.police.uk has N newer months
        (checked <time>)``; None otherwise."""
        if not self.newer or not self.checked_at:
            return None
        when = self.checked_at.replace("T", " ")[:16] + " UTC"
        plural = "month" if len(self.newer) == 1 else "months"
        return (
            f"data.police.uk has {len(self.newer)} newer {plural} ({', '.join(month_name(m) for m in self.newer)}) "
            f"(checked {when}). Fetch them on the Data page or with `python -m cli.update`."
        )


def month_runs(months: Sequence[str]) -> str:
    """Months in words, consecutive ones as a run: ``"June 2026"``, ``"August 2016 to June
    2017, March 2026"``."""
    runs: list[list[str]] = []
    for month in sorted(months):
        if runs and add_months(runs[-1][-1], 1) == month:
            runs[-1].append(month)
        else:
            runs.append([month])
    return ", ".join(
        month_name(run[0]) if len(run) == 1 else f"{month_name(run[0])} to {month_name(run[-1])}" for run in runs
    )


def month_name(month: str) -> str:
    """``"2026-09"`` -> ``"September 2026"``."""
    year, mon = month.split("-")
    return f"{calendar.month_name[int(mon)]} {year}"


def freshness(stored: Sequence[str], state: dict[str, Any]) -> Freshness:
    """How current the store is, from the home force's stored months and :func:`read_state`."""
    newest = max(stored, default=None)
    published = [str(m) for m in state.get("published", [])]
    return Freshness(
        newest=newest,
        missing=gaps(stored),
        newer=newer_months(published, stored) if published else [],
        checked_at=state.get("checked_at"),
    )


def state_stamp(settings: Settings) -> int:
    """A number that changes whenever the update state is written (for cache keys)."""
    try:
        return settings.update_state_file.stat().st_mtime_ns
    except FileNotFoundError:
        return 0


def _write_json(path: Path, data: Any) -> None:
    """Write ``data`` as JSON, atomically."""
    atomic_write_bytes(path, json.dumps(data, indent=1, sort_keys=True).encode("utf-8"))
