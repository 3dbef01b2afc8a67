"""The Data page (admin): a backup of everything as an audited download, and deletion under
the retention policy, shown first and confirmed, audited with its counts."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core.settings import get_settings, override_settings
from geo.store import Store
from records import backup
from security import audit
from security.users import add_user
from tests.app.conftest import APP

pytestmark = pytest.mark.app

PASSWORD = "correct horse battery staple"


@pytest.fixture()
def page(sample_store_dir: Path, tmp_path: Path) -> Iterator[AppTest]:
    """The Data page, signed in as admin1, over a copy of the bundled store."""
    store_dir = tmp_path / "store"
    shutil.copytree(sample_store_dir, store_dir)
    users = tmp_path / "users.json"
    add_user("admin1", "admin", PASSWORD, path=users)
    st.cache_data.clear()
    st.cache_resource.clear()
    with override_settings(store_dir=store_dir, map_tiles=None, users_file=users):
        at = AppTest.from_file(APP, default_timeout=300).run()
        at.text_input[0].set_value("admin1")
        at.text_input[1].set_value(PASSWORD)
        at.button[0].click().run()
        at.switch_page("pages/data.py").run()
        assert not at.exception
        yield at
    st.cache_data.clear()
    st.cache_resource.clear()


def test_the_admin_downloads_a_checked_backup_and_the_download_is_audited(page: AppTest, tmp_path: Path):
    assert not page.get("download_button")  # nothing is made until asked
    next(b for b in page.button if b.label == "Make a backup").click().run()
    (button,) = page.get("download_button")
    assert button.proto.label == "Download the backup (.zip)"
    content = page.session_state["backup_file"].content
    archive = tmp_path / "download.zip"
    archive.write_bytes(content)
    manifest = backup.check_backup(archive)
    assert manifest["months"] == 2 and "users/users.json" in manifest["files"]
    assert "store/session_secret" not in zipfile.ZipFile(io.BytesIO(content)).namelist()
    page.get("download_button")[0].click().run()
    last = audit.read().iloc[0]
    assert (last["kind"], last["user"], last["role"]) == ("download_zip", "admin1", "admin")
    store_dir = get_settings().store_dir
    assert last["file"].startswith("precision-backup-") and json.loads(last["context"])["store"] == str(store_dir)
    assert audit.verify().intact


def test_retention_shows_what_is_due_and_deletes_only_once_confirmed(page: AppTest):
    assert "Nothing is due for deletion" in page.info[0].value  # the default keeps everything
    next(b for b in page.button if b.label.startswith("36 months")).click().run()
    assert page.number_input(key="retain_incidents").value == 36
    assert "Due for deletion" in page.warning[0].value and "2 force months" in page.warning[0].value
    delete = next(b for b in page.button if b.label == "Delete what is due")
    assert delete.disabled and Store(get_settings().store_dir).months() == ["2016-07", "2017-07"]
    page.checkbox(key="retain_confirm").check().run()
    next(b for b in page.button if b.label == "Delete what is due").click().run()
    assert not page.exception and "Deleted 2 force months" in page.success[0].value
    assert Store(get_settings().store_dir).months() == []
    last = audit.read().iloc[0]
    assert (last["kind"], last["user"]) == ("retention", "admin1")
    assert len(json.loads(last["context"])["months"]) == 2 and audit.verify().intact
