"""Retention: which incident months, OCG activity and disruption records are due for
deletion under a policy, and their deletion.

A policy (:class:`RetentionPolicy`, from the settings ``retain_*``) gives, for each kind,
how many months are kept, or None to keep everything (the default). Ages count back from
a given day (today, for a person or a scheduled job):

- an incident month (every force's) is due when it is before the whole months kept: with
  36 months on 4 December 2026, 2023-12 to 2026-11 (and December itself) are kept and
  months up to 2023-11 are due;
- an OCG activity record (any type but ``disruption``) or a disruption record is due when
  its date is before the same day that many months earlier (4 December 2023).

:func:`plan` lists what is due without changing anything (the Data page shows it, and
``python -m cli.retention`` prints it); :func:`apply` deletes exactly the planned months
and the records due under the plan's cut-off days. Each table's deletion is atomic: the
incident store's months go in one commit (:meth:`geo.store.Store.drop`), the activity
records in one replacement of the activity table (:func:`records.ocg_store.drop_activity`).
Callers audit the deletion with its counts; the audit log is never purged by retention.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
from pathlib import Path

import pandas as pd

from core.settings import Settings, get_settings
from geo.store import Partition, Store
from records import ocg_store

#: The activity type of a disruption record (kept under its own period).
DISRUPTION = "disruption"


@dataclasses.dataclass(frozen=True)
class RetentionPolicy:
    """How long each kind is kept, in months; None keeps everything.

    Attributes
    ----------
    incident_months : int or None
        Incident months kept (36: what data.police.uk publishes).
    ocg_activity_months : int or None
        OCG activity records (other than disruptions) kept, by date.
    disruption_months : int or None
        Disruption records kept, by date.
    """

    incident_months: int | None = None
    ocg_activity_months: int | None = None
    disruption_months: int | None = None

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> RetentionPolicy:
        """The policy the settings give (``retain_*``)."""
        s = settings or get_settings()
        return cls(s.retain_incident_months, s.retain_ocg_activity_months, s.retain_disruption_months)

    def describe(self) -> str:
        """The policy in words."""

        def kept(months: int | None) -> str:
            return "kept without limit" if months is None else f"kept {months} months"

        return (
            f"incident months {kept(self.incident_months)}; OCG activity {kept(self.ocg_activity_months)}; "
            f"disruptions {kept(self.disruption_months)}"
        )


def first_month_kept(today: dt.date, months: int) -> str:
    """The earliest incident month kept (``YYYY-MM``): the ``months`` whole months before
    this one are kept (and this month, which is not over)."""
    index = today.year * 12 + today.month - 1 - months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def cutoff_day(today: dt.date, months: int) -> dt.date:
    """The earliest record date kept: the same day ``months`` months before ``today`` (the
    month's last day when it is shorter)."""
    index = today.year * 12 + today.month - 1 - months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(today.day, calendar.monthrange(year, month + 1)[1]))


@dataclasses.dataclass(frozen=True)
class RetentionPlan:
    """What a policy makes due on a day.

    Attributes
    ----------
    policy : RetentionPolicy
    today : datetime.date
    months : tuple of (str, str)
        Force months due: (force, ``YYYY-MM``), sorted.
    incidents : int
        Incidents stored in them.
    activity_cutoff, disruption_cutoff : datetime.date or None
        Records dated before these days are due; None keeps them all.
    activity, disruptions : int
        OCG activity records (not disruptions) and disruption records due.
    """

    policy: RetentionPolicy
    today: dt.date
    months: tuple[Partition, ...]
    incidents: int
    activity_cutoff: dt.date | None
    disruption_cutoff: dt.date | None
    activity: int
    disruptions: int

    @property
    def empty(self) -> bool:
        """Nothing is due."""
        return not (self.months or self.activity or self.disruptions)

    def summary(self) -> str:
        """What is due, in one sentence."""
        if self.empty:
            return f"Nothing is due for deletion on {self.today:%d %B %Y} ({self.policy.describe()})."
        return (
            f"Due for deletion on {self.today:%d %B %Y}: {len(self.months)} force months ({self.incidents:,} incidents), "
            f"{self.activity:,} OCG activity records and {self.disruptions:,} disruption records "
            f"({self.policy.describe()})."
        )

    def counts(self) -> dict[str, object]:
        """The plan as the audit log records it."""
        return {
            "months": [f"{force} {month}" for force, month in self.months],
            "incidents": self.incidents,
            "activity": self.activity,
            "disruptions": self.disruptions,
            "activity_before": None if self.activity_cutoff is None else self.activity_cutoff.isoformat(),
            "disruptions_before": None if self.disruption_cutoff is None else self.disruption_cutoff.isoformat(),
            "policy": dataclasses.asdict(self.policy),
        }


def _due_records(
    activity: pd.DataFrame, activity_cutoff: dt.date | None, disruption_cutoff: dt.date | None
) -> pd.Series:
    """True for each activity record due: dated before its kind's cut-off day."""
    dates = pd.to_datetime(activity["date"], errors="coerce").dt.date
    disruption = activity["activity_type"] == DISRUPTION
    due = pd.Series(False, index=activity.index)
    if activity_cutoff is not None:
        due |= ~disruption & dates.notna() & (dates < activity_cutoff)
    if disruption_cutoff is not None:
        due |= disruption & dates.notna() & (dates < disruption_cutoff)
    return due


def plan(policy: RetentionPolicy, today: dt.date, store_dir: Path | None = None) -> RetentionPlan:
    """What ``policy`` makes due on ``today``; nothing is changed.

    Parameters
    ----------
    policy : RetentionPolicy
    today : datetime.date
        The day ages count back from.
    store_dir : Path or None
        The store (default ``settings.store_dir``).
    """
    store_dir = store_dir or get_settings().store_dir
    months: list[Partition] = []
    incidents = 0
    if policy.incident_months is not None:
        first = first_month_kept(today, policy.incident_months)
        for force, entries in Store(store_dir).manifest()["forces"].items():
            for month, entry in entries.items():
                if month < first:
                    months.append((force, month))
                    incidents += int(entry["stats"]["stored"])
    activity_cutoff = None if policy.ocg_activity_months is None else cutoff_day(today, policy.ocg_activity_months)
    disruption_cutoff = None if policy.disruption_months is None else cutoff_day(today, policy.disruption_months)
    activity = disruptions = 0
    data = ocg_store.load_ocg(store_dir) if (activity_cutoff or disruption_cutoff) else None
    if data is not None:
        due = _due_records(data.activity, activity_cutoff, disruption_cutoff)
        disruption = data.activity["activity_type"] == DISRUPTION
        activity, disruptions = int((due & ~disruption).sum()), int((due & disruption).sum())
    return RetentionPlan(
        policy, today, tuple(sorted(months)), incidents, activity_cutoff, disruption_cutoff, activity, disruptions
    )


@dataclasses.dataclass(frozen=True)
class RetentionResult:
    """What :func:`apply` deleted: ``months`` force months (``incidents`` incidents) and
    ``records`` activity and disruption records."""

    months: int
    incidents: int
    records: int


def apply(due: RetentionPlan, store_dir: Path | None = None) -> RetentionResult:
    """Delete what ``due`` lists: its force months (one commit) and the activity records
    dated before its cut-off days (one atomic replacement). The audit log is not touched;
    the caller audits the deletion with :meth:`RetentionPlan.counts`.

    Raises
    ------
    StoreError
        An ingest or a backup is using the store (nothing of the store is deleted).
    """
    store_dir = store_dir or get_settings().store_dir
    if due.months:
        Store(store_dir).drop(due.months)
    records = 0
    if due.activity or due.disruptions:
        records = ocg_store.drop_activity(
            lambda activity: _due_records(activity, due.activity_cutoff, due.disruption_cutoff), store_dir
        )
    return RetentionResult(len(due.months), due.incidents, records)
