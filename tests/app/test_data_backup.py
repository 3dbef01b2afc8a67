"""The Data page offers the admin a backup of everything as a download, and audits it."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core.settings import get_settings, override_settings
from records import backup
from security import audit
from security.users import add_user
from tests.app.conftest import APP

pytestmark = pytest.mark.app

PASSWORD = "correct horse battery staple"


def test_the_admin_downloads_a_checked_backup_and_the_download_is_audited(sample_store_dir: Path, tmp_path: Path):
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
        assert not at.get("download_button")  # nothing is made until asked
        next(b for b in at.button if b.label == "Make a backup").click().run()
        (button,) = at.get("download_button")
        assert button.proto.label == "Download the backup (.zip)"
        content = at.session_state["backup_file"].content
        archive = tmp_path / "download.zip"
        archive.write_bytes(content)
        manifest = backup.check_backup(archive)
        assert manifest["months"] == 2 and "users/users.json" in manifest["files"]
        assert "store/session_secret" not in zipfile.ZipFile(io.BytesIO(content)).namelist()
        at.get("download_button")[0].click().run()
        last = audit.read().iloc[0]
        assert (last["kind"], last["user"], last["role"]) == ("download_zip", "admin1", "admin")
        assert last["file"].startswith("precision-backup-") and json.loads(last["context"])["store"] == str(store_dir)
        assert get_settings().store_dir == store_dir and audit.verify().intact
    st.cache_data.clear()
    st.cache_resource.clear()
