"""Old entry point: ``python -m geo.national`` moved to ``python -m cli.national --check``.

The national tables now live in :mod:`records.national_table`; this module only says so.
"""

from __future__ import annotations

from core.moved import moved_command

if __name__ == "__main__":
    raise SystemExit(moved_command("geo.national"))
