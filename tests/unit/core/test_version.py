"""core.version: the version's form, and that a backup records it and the product's name."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

from core.settings import override_settings
from core.version import PRODUCT, VERSION
from geo.ingest import ingest
from geo.store import Store
from records.backup import write_backup
from tests.conftest import street_csv, street_row


def test_the_version_is_year_month_then_a_count():
    match = re.fullmatch(r"(\d{4})\.(\d{1,2})\.(\d+)", VERSION)
    assert match is not None, VERSION
    year, month, count = (int(g) for g in match.groups())
    assert year >= 2026 and 1 <= month <= 12 and count >= 1
    assert PRODUCT == "Precision Hotspots"


def test_a_backup_records_the_version_and_the_product(tmp_path: Path):
    month = tmp_path / "2017-07-west-yorkshire-street.csv"
    month.write_bytes(street_csv([street_row()]))
    with override_settings(store_dir=tmp_path / "store", users_file=tmp_path / "config" / "users.json") as settings:
        ingest([month], Store(settings.store_dir))
        buffer = io.BytesIO()
        write_backup(buffer)
    manifest = json.loads(zipfile.ZipFile(buffer).read("backup.json"))
    assert (manifest["version"], manifest["product"]) == (VERSION, PRODUCT)
