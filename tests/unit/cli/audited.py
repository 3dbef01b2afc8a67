"""What the command-line tests read back from a store's audit log."""

from __future__ import annotations

import json
from pathlib import Path


def events(store_dir: Path) -> list[dict[str, object]]:
    """Every line of the store's audit log, oldest first."""
    return [json.loads(x) for x in (store_dir / "audit.jsonl").read_text(encoding="utf-8").splitlines()]


def is_cli_change(event: dict[str, object]) -> bool:
    """Whether an event was recorded as a command-line change by the operating-system user ``analyst``."""
    context = event["context"]
    return (
        event["user"] == "analyst (command line)"
        and event["role"] == "command line"
        and isinstance(context, dict)
        and context["via"] == "command line"
    )
