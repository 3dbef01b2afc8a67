"""Show, or delete, what the retention policy makes due: incident months, OCG activity and
disruption records past their keeping period.

Command line::

    python -m cli.retention [--apply] [--store DIR] [--incident-months N]
                            [--ocg-activity-months N] [--disruption-months N] [--today YYYY-MM-DD]

The policy is the settings' (``PRECISION_RETAIN_INCIDENT_MONTHS``,
``PRECISION_RETAIN_OCG_ACTIVITY_MONTHS``, ``PRECISION_RETAIN_DISRUPTION_MONTHS``; unset keeps
everything), each overridable here. Without ``--apply`` it only prints what is due
(:func:`records.retention.plan`); with it, it deletes that (:func:`records.retention.apply`:
each table's deletion is atomic) and audits it (``retention``, with the counts) as a
command-line change, for scheduled use. The audit log is never purged. Exits 2 with a
message when the store is busy (an ingest or a backup) or an argument cannot be used.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

from core.errors import PrecisionError
from records.retention import RetentionPolicy, apply, plan
from security import audit


def _months(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of months from 1")
    return int(text)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 shown or deleted, 2 refused)."""
    parser = argparse.ArgumentParser(prog="python -m cli.retention", description=__doc__.split("\n\n")[0])
    parser.add_argument("--apply", action="store_true", help="delete what is due (default: only show it)")
    parser.add_argument("--store", type=Path, help="store folder (default: settings.store_dir)")
    parser.add_argument("--incident-months", type=_months, help="incident months kept (36: data.police.uk's window)")
    parser.add_argument("--ocg-activity-months", type=_months, help="months OCG activity records are kept")
    parser.add_argument("--disruption-months", type=_months, help="months disruption records are kept")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date.today(), help="day ages count from")
    args = parser.parse_args(argv)
    settings_policy = RetentionPolicy.from_settings()
    policy = RetentionPolicy(
        args.incident_months or settings_policy.incident_months,
        args.ocg_activity_months or settings_policy.ocg_activity_months,
        args.disruption_months or settings_policy.disruption_months,
    )
    due = plan(policy, args.today, args.store)
    print(due.summary())
    for force, month in due.months:
        print(f"  {force} {month}")
    if not args.apply or due.empty:
        return 0
    try:
        result = apply(due, args.store)
    except PrecisionError as exc:
        print(f"error: {exc}; nothing of the store was deleted", file=sys.stderr)
        return 2
    audit.record_cli(
        "retention",
        f"deleted {result.months} force months ({result.incidents:,} incidents) and {result.records:,} OCG records",
        due.counts() | {"records_deleted": result.records},
        rows=result.incidents + result.records,
        store_dir=args.store,
    )
    print(f"deleted {result.months} force months ({result.incidents:,} incidents) and {result.records:,} OCG records")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
