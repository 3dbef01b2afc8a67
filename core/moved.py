"""Where the old command-line entry points went.

Commands move as the code finds its rooms; an old ``python -m`` name must say where its
command went and fail, never succeed silently doing nothing.
"""

from __future__ import annotations

import sys

__all__ = ["MOVED_COMMANDS", "moved_command"]

#: Old ``python -m`` module -> the command that replaces it.
MOVED_COMMANDS: dict[str, str] = {
    "geo.ingest": "python -m cli.ingest PATH [PATH ...] [--store DIR]",
    "geo.national": "python -m cli.national PATH --check (to store it: python -m cli.national PATH)",
}


def moved_command(old: str) -> int:
    """Print where the command ``python -m <old>`` moved to (on stderr); return exit code 2.

    Parameters
    ----------
    old : str
        The old module name, a key of :data:`MOVED_COMMANDS`.
    """
    print(f"`python -m {old}` has moved: use `{MOVED_COMMANDS[old]}`.", file=sys.stderr)
    return 2
