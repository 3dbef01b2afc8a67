"""The accessibility page shows the statement with the contact the deployment sets."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from core.settings import override_settings
from tests.app.conftest import APP


def test_the_accessibility_page_shows_the_contact(app_with_sample: AppTest):
    with override_settings(accessibility_contact="01234 567890"):
        at = AppTest.from_file(APP, default_timeout=120).run()
        at.switch_page("pages/accessibility.py").run()
        assert not at.exception
        shown = " ".join(m.value for m in at.markdown)
        assert "at 01234 567890" in shown and "service desk" not in shown
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("pages/accessibility.py").run()
    assert "through your organisation's service desk" in " ".join(m.value for m in at.markdown)
