"""Fetch the months data.police.uk has published that the store lacks, and store them.

Command line::

    python -m cli.update [--source URL] [--store DIR] [--months N | --since YYYY-MM]

It asks the site which months exist, and reads West Yorkshire's street file and those of the
neighbouring forces of the cross-border view for each missing month out of the site's
archive (range requests: a few MB, not the whole archive), then ingests each month through
the same checks as ``cli.ingest``. One line of log per step; an audit event
(``data_update``) with the months and rows stored. Exits 0 when up to date or updated, 1
when some months failed (named; the others are stored), 2 when misconfigured (an address,
a CA bundle, a store that cannot be used). The work is :func:`geo.update.update`; when
months were stored, the default analyses are kept (:func:`services.analyses.precompute_store`).

Then, when ``PRECISION_NATIONAL_TABLE`` names a location, it looks there for a newer Home
Office table of recorded crime by force area and loads it through the checks of
``cli.national`` (:func:`records.national_update.update_national_table`), or says why not
(exit 1 when the location cannot be read or the table cannot be used).
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from core.errors import PrecisionError, RemoteError, SettingsError, StoreError
from core.settings import Settings, override_settings
from geo.store import Store
from geo.update import UpdateReport, update
from records.national_update import update_national_table
from security import audit
from services import analyses


def _log(line: str) -> None:
    """One line of log, with the time (UTC), flushed (a scheduled job's journal reads it)."""
    print(f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M:%S} {line}", flush=True)


def _month(text: str) -> str:
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a month YYYY-MM")
    return text


def _audit(report: UpdateReport) -> None:
    """Record what the run stored (and what failed) in the audit log."""
    audit.record_cli(
        "data_update",
        f"{len(report.stored_months)} month(s) stored from {report.source}",
        {
            "months": report.stored_months,
            "failed": {o.month: o.problem for o in report.failed},
            "rows_by_month": {o.month: sum(o.stored.values()) for o in report.outcomes if o.ok},
        },
        rows=report.rows_added,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 done, 1 some months failed, 2 misconfigured)."""
    parser = argparse.ArgumentParser(prog="python -m cli.update", description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", help="data.police.uk or a mirror (default: PRECISION_POLICE_UK_URL or the site)")
    parser.add_argument("--store", type=Path, help="store folder (default: settings.store_dir)")
    window = parser.add_mutually_exclusive_group()
    window.add_argument("--months", type=int, help="keep the newest N published months (default 36)")
    window.add_argument("--since", type=_month, help="keep every published month from YYYY-MM")
    args = parser.parse_args(argv)
    if args.months is not None and args.months < 1:
        parser.error("--months must be at least 1")
    changes: dict[str, object] = {"store_dir": args.store.resolve()} if args.store else {}
    with override_settings(**changes) as settings:
        code = _police_uk(args, settings)
        if code == 2:
            return 2
        national = update_national_table(settings, log=_log)
        _log(national.message)
        if national.status in {"loaded", "refused"}:
            audit.record_cli(
                "data_update",
                national.message,
                {"national_table": national.status, "source": settings.national_table_source},
            )
    return max(code, 1 if national.failed else 0)


def _police_uk(args: argparse.Namespace, settings: Settings) -> int:
    """The data.police.uk months: run, log, audit; return the exit code."""
    try:
        report = update(
            Store(settings.store_dir), settings, source=args.source, months=args.months, since=args.since, log=_log
        )
        if report.planned:
            _audit(report)
        if report.stored_months:  # data landed: keep the default analyses for the first users
            analyses.precompute_store(Store(settings.store_dir), settings, log=_log)
    except (SettingsError, StoreError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # the store or download folder cannot be written
        print(f"error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except RemoteError as exc:
        print(f"error: {exc}; nothing was changed", file=sys.stderr)
        return 1
    except PrecisionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    _log(report.to_text())
    return report.exit_code


if __name__ == "__main__":
    raise SystemExit(main())
