"""The marker that labels synthetic demonstration data, in files and in exports.

One definition, read by every loader (OCG files, outcome files, demonstration histories)
and written at the head of every CSV that carries synthetic figures.
"""

from __future__ import annotations

__all__ = ["SYNTHETIC_LABEL", "SYNTHETIC_MARKER", "is_marked_synthetic"]

#: What every page, chart, table, PDF and CSV that shows synthetic figures says.
SYNTHETIC_LABEL = "SYNTHETIC DEMONSTRATION DATA"

#: First line of a synthetic demonstration file, and of a CSV export of synthetic data.
SYNTHETIC_MARKER = f"# {SYNTHETIC_LABEL}"


def is_marked_synthetic(content: bytes) -> bool:
    """Whether a file's first line is :data:`SYNTHETIC_MARKER` (a UTF-8 BOM is allowed)."""
    first = content.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t").split(b"\n", 1)[0]
    return first.startswith(SYNTHETIC_MARKER.encode("ascii"))
