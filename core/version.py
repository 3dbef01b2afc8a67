"""The product's version, written into backups (:mod:`records.backup`) and shown by
``python -m cli.backup``.

Raise it when what the product stores changes in a way an older version could not read.
"""

from __future__ import annotations

#: Name of the product, as backups record it.
PRODUCT = "Precision Hotspots"

#: Version of the product (year.month of the release, then a count).
VERSION = "2026.12.1"
