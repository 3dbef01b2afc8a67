"""Access fails closed, and the demo mode never shows real OCG data (AppTest, every page)."""

from __future__ import annotations

import dataclasses
import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from core.settings import override_settings
from geo.store import Store
from records import ocg_store
from records.ocg_store import DEMO_ACTIVITY, DEMO_REGISTER, load_ocg, store_ocg, validate_files
from tests.app.conftest import APP
from tests.conftest import without_marker

pytestmark = pytest.mark.app

#: Every page of the demo mode.
DEMO_PAGE_FILES = [
    "pages/home.py",
    "pages/hotspot_map.py",
    "pages/communities.py",
    "pages/comms_plan.py",
    "pages/trends.py",
    "pages/profile.py",
    "pages/ocg.py",
    "pages/accuracy.py",
]


def _store_real_ocg(store_dir: Path) -> pd.DataFrame:
    register, activity, rejects = validate_files(
        without_marker(DEMO_REGISTER), "register.csv", without_marker(DEMO_ACTIVITY), "activity.csv"
    )
    assert rejects.empty and not register["synthetic"].any()
    store_ocg(register, activity, "register.csv, activity.csv", store_dir)
    return register


def _everything_shown(at: AppTest) -> str:
    """All text a user sees: markdown, captions, alerts, titles, metrics, tables, widget labels
    and options."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "error", "warning", "info", "success", "code"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    for frame in at.dataframe:
        parts.append(frame.value.to_csv())
    for kind in ("multiselect", "selectbox", "radio"):
        for w in getattr(at, kind):
            parts.append(f"{w.label} {' '.join(map(str, getattr(w, 'options', [])))}")
    parts += [str(e.proto) for e in at.get("download_button")]
    return "\n".join(parts)


@pytest.fixture()
def store_copy(sample_store_dir: Path, tmp_path: Path) -> Iterator[Path]:
    store_dir = tmp_path / "store"
    shutil.copytree(sample_store_dir, store_dir)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield store_dir
    st.cache_data.clear()
    st.cache_resource.clear()


def test_a_mistyped_users_path_shows_the_set_up_message_and_no_data(store_copy: Path, tmp_path: Path):
    # secure is the default: no PRECISION_MODE, and a users file path with a typo
    with override_settings(store_dir=store_copy, map_tiles=None, users_file=tmp_path / "usres.json"):
        at = AppTest.from_file(APP, default_timeout=120).run()
        assert not at.exception
        assert [t.value for t in at.title] == ["Precision Hotspots: set-up needed"]
        assert "usres.json" in at.error[0].value and "PRECISION_MODE=demo" in at.error[0].value
        assert str(tmp_path) not in at.error[0].value  # anyone sees this page: no server folders
        assert "pages" not in at.session_state and "store_token" not in at.session_state
        assert not at.metric and not at.dataframe and not at.text_input  # no data, not even a sign-in form
        for page in DEMO_PAGE_FILES[1:]:  # no data page is even registered
            with pytest.raises(ValueError, match=r"Known pages: \['Set-up needed'\]"):
                at.switch_page(page)
        assert Store(store_copy).token() and load_ocg(store_copy) is None  # nothing loaded either


def test_a_broken_or_empty_users_file_also_fails_closed(store_copy: Path, tmp_path: Path):
    for content in ("{not json", '{"users": []}'):
        users = tmp_path / "users.json"
        users.write_text(content)
        with override_settings(store_dir=store_copy, map_tiles=None, users_file=users):
            at = AppTest.from_file(APP, default_timeout=120).run()
            assert [t.value for t in at.title] == ["Precision Hotspots: set-up needed"]
            assert "users.json" in at.error[0].value and not at.dataframe


def test_a_mistyped_mode_means_secure_and_is_reported(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    from core import settings as settings_mod

    monkeypatch.setenv("PRECISION_MODE", "dmeo")
    monkeypatch.setenv("PRECISION_AUTH", "passwrd")
    built = settings_mod.from_environment()
    assert built.mode == "secure" and not built.demo and built.auth_mode == "password"
    assert any("PRECISION_MODE='dmeo'" in p for p in built.problems)
    assert any("PRECISION_AUTH='passwrd'" in p for p in built.problems)
    monkeypatch.setenv("PRECISION_MODE", " Demo ")
    assert settings_mod.from_environment().demo
    monkeypatch.delenv("PRECISION_MODE")
    assert not settings_mod.from_environment().demo


def test_real_ocg_data_is_never_shown_in_demo_mode_on_any_page(
    store_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from ui import briefs

    pdfs: list[bytes] = []
    real_pdf = briefs.profile_pdf
    monkeypatch.setattr(briefs, "profile_pdf", lambda *a, **k: pdfs.append(real_pdf(*a, **k)) or pdfs[-1])
    register = _store_real_ocg(store_copy)
    secrets = set(register["ocg_id"]) | set(register["alias"])
    with override_settings(store_dir=store_copy, map_tiles=None, users_file=tmp_path / "none.json", mode="demo"):
        at = AppTest.from_file(APP, default_timeout=300).run()
        assert not at.exception
        banner = at.warning[0].value
        assert "Real organised crime group data is loaded" in banner and "SYNTHETIC" not in banner
        for page in DEMO_PAGE_FILES:
            at = AppTest.from_file(APP, default_timeout=300).run()
            at.switch_page(page).run(timeout=300)
            assert not at.exception, page
            shown = _everything_shown(at)
            leaked = sorted(s for s in secrets if s and s in shown)
            assert not leaked, f"{page} shows real OCG data: {leaked[:5]}"
            assert "SYNTHETIC" not in shown, page
            if page == "pages/hotspot_map.py":
                assert not [m for m in at.multiselect if "OCG" in m.label]  # no OCG map layer
            if page == "pages/ocg.py":
                assert any("sign-in" in w.value for w in at.warning)
                assert not at.dataframe and not at.get("download_button")
            if page == "pages/profile.py":
                assert len(pdfs) == 1  # the PDF behind the page's download button
                text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdfs[0])).pages)
                assert "Real organised crime group data is loaded" in text
                assert not any(s in text for s in secrets)
        # the demo did not overwrite the real data with its synthetic files
        assert not load_ocg(store_copy).synthetic


def test_one_real_row_among_synthetic_ones_withholds_everything_in_demo_mode(store_copy: Path, tmp_path: Path):
    register, activity, _ = validate_files(DEMO_REGISTER.read_bytes(), "r", DEMO_ACTIVITY.read_bytes(), "a")
    real = activity.iloc[:1].assign(synthetic=False)  # e.g. a disruption of a real group recorded later
    store_ocg(register, pd.concat([activity, real], ignore_index=True), "mixed", store_copy)
    with override_settings(store_dir=store_copy, map_tiles=None, users_file=tmp_path / "none.json", mode="demo"):
        at = AppTest.from_file(APP, default_timeout=300).run()
        assert "Real organised crime group data is loaded" in at.warning[0].value
        at.switch_page("pages/ocg.py").run(timeout=300)
        assert not at.dataframe


def test_the_demo_banner_states_what_is_stored(store_copy: Path, tmp_path: Path):
    with override_settings(store_dir=store_copy, map_tiles=None, users_file=tmp_path / "none.json", mode="demo"):
        at = AppTest.from_file(APP, default_timeout=300).run()
        stored = load_ocg(store_copy)
        assert stored is not None and stored.synthetic  # the demo loaded its synthetic files
        banner = at.warning[0].value
        assert f"SYNTHETIC organised crime group data made for demonstration ({len(stored.register)} groups" in banner
        assert "No police intelligence is shown here." in banner


def test_ocg_data_is_not_auto_loaded_outside_demo_mode(store_copy: Path, tmp_path: Path):
    from security.users import add_user

    users = tmp_path / "users.json"
    add_user("silver1", "silver", "correct horse battery staple", path=users)
    with override_settings(store_dir=store_copy, map_tiles=None, users_file=users):
        at = AppTest.from_file(APP, default_timeout=300).run()
        assert not at.exception and at.button[0].label == "Sign in"
        at.text_input[0].set_value("silver1")
        at.text_input[1].set_value("correct horse battery staple")
        at.button[0].click().run(timeout=300)
        assert not at.exception
        assert load_ocg(store_copy) is None  # synthetic demo files are never slipped in beside real work


def test_new_ocg_data_replaces_what_is_on_screen(store_copy: Path, tmp_path: Path):
    with override_settings(store_dir=store_copy, map_tiles=None, users_file=tmp_path / "none.json", mode="demo"):
        at = AppTest.from_file(APP, default_timeout=300).run()
        at.switch_page("pages/ocg.py").run(timeout=300)
        assert at.dataframe[0].value.set_index("principal_criminality").loc["Total", "Total"] == 146
        token = ocg_store.token(store_copy)
        # another process (the command line) loads new OCG files; the incident store is untouched
        data = load_ocg(store_copy)
        fewer = data.register.iloc[:100]
        store_ocg(fewer, data.activity[data.activity["ocg_id"].isin(fewer["ocg_id"])], "fewer", store_copy)
        assert (
            ocg_store.token(store_copy) != token
            and Store(store_copy).token() == at.session_state["store_token"].split("|")[0]
        )
        at.run(timeout=300)
        assert at.dataframe[0].value.set_index("principal_criminality").loc["Total", "Total"] == 100


def test_a_session_follows_the_users_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from security.users import add_user, read_users, remove_user, write_users
    from ui import session as ui_session

    users = tmp_path / "users.json"
    signed_in = add_user("silver1", "silver", "correct horse battery staple", path=users)
    add_user("admin1", "admin", "correct horse battery staple", path=users)
    session: dict[str, object] = {"user": signed_in}  # what sign-in leaves in the session
    monkeypatch.setattr(ui_session.st, "session_state", session)
    with override_settings(users_file=users):
        assert ui_session.current_user() == signed_in
        # an administrator moves the account to comms: the next run knows it
        records = read_users(users)
        records["silver1"] = dataclasses.replace(records["silver1"], role="comms")
        write_users(records, users)
        assert ui_session.current_user() is None and "user" not in session  # to sign in again, as comms
        session["user"] = read_users(users)["silver1"]
        assert ui_session.current_user().role == "comms"
        remove_user("silver1", path=users)  # removed: out at the next run
        assert ui_session.current_user() is None and "user" not in session


def test_the_users_file_is_read_once_per_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from security import users as access
    from ui import session

    users = tmp_path / "users.json"
    signed_in = access.add_user("silver1", "silver", "correct horse battery staple", path=users)
    reads: list[Path] = []
    real = access.read_users
    monkeypatch.setattr(session, "read_users", lambda path=None: reads.append(path) or real(path))
    monkeypatch.setattr(session.st, "session_state", {"user": signed_in})
    with override_settings(users_file=users):
        for _ in range(5):  # a run asks again and again: set-up check, the user, each gate
            assert session.setup_problem() is None and session.current_user() == signed_in
        assert len(reads) == 1
        access.add_user("opcc1", "opcc", "correct horse battery staple", path=users)  # a new version
        assert session.current_user() == signed_in and len(reads) == 2
