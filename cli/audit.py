"""Check the audit log's chain, or export it as the Audit log page does.

Command line::

    python -m cli.audit verify
    python -m cli.audit export [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--kind KIND]...
                               [--user NAME]... [--out FILE]

``verify`` walks the keyed hash chain (:func:`security.audit.verify`) and prints one
sentence: intact since when, or the first line that was changed, removed or inserted; it
exits 0 when intact and 1 when not. Lines written before the chain existed are counted as
unchained, never refused. ``export`` writes the same CSV bytes as the Audit log page's
download for the same filters (:func:`security.audit.filter_events` then
:func:`security.audit.csv_bytes`; dates are UK days, inclusive) to ``--out`` (replaced
atomically) or to standard output, and is itself audited (``download_csv``), like the
page's download. Exits 2 with a message when an argument cannot be used.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

from core.files import atomic_write_bytes
from security import audit


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD") from exc


def _kind(text: str) -> str:
    if text not in audit.KINDS and text not in audit.LEGACY_KINDS:
        raise argparse.ArgumentTypeError(f"{text!r} is not an audit kind ({', '.join(audit.KINDS)})")
    return text


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m cli.audit", description="Check or export the audit log.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("verify", help="check the hash chain; exit 1 naming the first bad line")
    export = sub.add_parser("export", help="write the audit log as the Audit log page's CSV")
    export.add_argument("--since", type=_day, help="first UK day kept (YYYY-MM-DD)")
    export.add_argument("--until", type=_day, help="last UK day kept (YYYY-MM-DD)")
    export.add_argument("--kind", type=_kind, action="append", default=[], help="keep this kind (repeatable)")
    export.add_argument("--user", action="append", default=[], help="keep this user (repeatable)")
    export.add_argument("--out", type=Path, help="file to write (default: standard output)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 intact or written, 1 chain broken,
    2 unusable argument)."""
    args = _parser().parse_args(argv)
    if args.command == "verify":
        check = audit.verify()
        print(check.summary())
        return 0 if check.intact else 1
    shown = audit.filter_events(audit.read(), args.user, args.kind, args.since, args.until)
    content = audit.csv_bytes(shown)
    if args.out is None:
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()
    else:
        atomic_write_bytes(args.out, content)
        print(f"wrote {len(shown):,} events to {args.out}", file=sys.stderr)
    audit.record_cli(
        audit.download_kind("precision_audit_log.csv"),
        "Audit log extract",
        {"users": args.user, "kinds": args.kind, "from": args.since, "to": args.until},
        file_name=args.out.name if args.out else "precision_audit_log.csv",
        rows=len(shown),
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
