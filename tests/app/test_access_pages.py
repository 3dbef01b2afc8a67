"""Sign-in and each role's navigation under AppTest."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.settings import override_settings
from security import audit
from security.users import add_user
from tests.app.conftest import APP, PASSWORD

pytestmark = pytest.mark.app

ROLE_TITLES = {
    "silver": {
        "Home",
        "Hotspot map",
        "Hotspot communities",
        "Comms plan",
        "Trends",
        "District profile",
        "Organised crime groups",
        "Accuracy",
        "National picture",
        "Delivery log",
        "Impact",
        "Public summary",
        "Accessibility",
    },
    "comms": {
        "Home",
        "Hotspot map",
        "Hotspot communities",
        "Comms plan",
        "National picture",
        "Delivery log",
        "Impact",
        "Public summary",
        "Accessibility",
    },
    "opcc": {
        "Home",
        "Trends",
        "District profile",
        "Accuracy",
        "National picture",
        "Impact",
        "Public summary",
        "Accessibility",
    },
    "admin": {"Home", "Data", "Users", "Audit log", "Accessibility"},
}


def _sign_in(at: AppTest, username: str, password: str) -> AppTest:
    at.text_input[0].set_value(username)
    at.text_input[1].set_value(password)
    return at.button[0].click().run()


def _nav_titles(at: AppTest) -> set[str]:
    return {p.title for p in at.session_state["pages"].values()}


def test_sign_in_is_required_and_a_failure_does_not_say_why(secured: Path):
    at = AppTest.from_file(APP, default_timeout=300).run()
    assert not at.exception
    assert at.button[0].label == "Sign in" and "pages" not in at.session_state
    for name, password in (("silver1", "wrong password here"), ("nobody", PASSWORD)):
        _sign_in(at, name, password)
        assert [e.value for e in at.error] == ["Sign-in failed: check your user name and password."]
    log = audit.read()
    assert log["kind"].tolist() == ["sign_in_failed", "sign_in_failed"]


@pytest.mark.parametrize("role", list(ROLE_TITLES))
def test_each_role_gets_its_pages_and_no_others(secured: Path, role: str):
    at = _sign_in(AppTest.from_file(APP, default_timeout=300).run(), f"{role}1", PASSWORD)
    assert not at.exception
    assert _nav_titles(at) == ROLE_TITLES[role]
    forbidden = {
        "comms": "pages/accuracy.py",
        "opcc": "pages/comms_plan.py",
        "admin": "pages/hotspot_map.py",
        "silver": "pages/users.py",
    }[role]
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(forbidden)
    assert audit.read()[["kind", "role"]].iloc[0].tolist() == ["sign_in", role]


def test_admin_uploads_a_month_and_sees_the_audit(secured: Path):
    at = _sign_in(AppTest.from_file(APP, default_timeout=300).run(), "admin1", PASSWORD)
    at.switch_page("pages/audit.py").run()
    assert not at.exception
    assert "Signed in" in at.dataframe[0].value["Kind"].tolist()
    at.switch_page("pages/users.py").run()
    assert sorted(at.dataframe[0].value["User name"]) == ["admin1", "comms1", "opcc1", "silver1"]


def test_comms_users_never_see_ocg_data(secured: Path):
    at = _sign_in(AppTest.from_file(APP, default_timeout=300).run(), "comms1", PASSWORD)
    at.switch_page("pages/communities.py").run(timeout=300)
    assert not at.exception
    assert not any("Organised crime groups" in m.value for m in at.markdown)
    at.switch_page("pages/comms_plan.py").run(timeout=300)
    assert not at.exception
    columns = {c for d in at.dataframe for c in d.value.columns}
    assert not {"ocg_id", "alias", "threat_tier", "principal_criminality"} & columns


def test_admin_data_page_offers_both_uploads(secured: Path):
    at = _sign_in(AppTest.from_file(APP, default_timeout=300).run(), "admin1", PASSWORD)
    at.switch_page("pages/data.py").run(timeout=300)
    assert not at.exception
    assert at.title[0].value == "Data"
    assert any(s.value == "Organised crime group data" for s in at.subheader)


def test_single_sign_on_mode_offers_only_the_sso_button(secured: Path):
    with override_settings(auth_mode="oidc"):
        at = AppTest.from_file(APP, default_timeout=300).run()
        assert not at.exception
        assert [b.label for b in at.button] == ["Sign in with single sign-on"]
        assert not at.text_input  # no password form
        assert "pages" not in at.session_state


def test_a_single_sign_on_user_is_audited_once_per_session(secured: Path, tmp_path: Path):
    add_user("ana@westyorks.example", "opcc", None, "Ana", path=tmp_path / "users.json")
    with override_settings(auth_mode="oidc"):
        at = AppTest.from_file(APP, default_timeout=300)
        at.user = {"is_logged_in": True, "email": "Ana@westyorks.example"}
        at.run()
        assert not at.exception and _nav_titles(at) == ROLE_TITLES["opcc"]
        at.run()  # a second run of the same session is no second sign-in
        log = audit.read()
    assert log[["kind", "user", "role"]].values.tolist() == [["sign_in", "ana@westyorks.example", "opcc"]]
