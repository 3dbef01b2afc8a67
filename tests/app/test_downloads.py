"""Every download is audited: clicking each button the app shows, page by page and role by role,
writes one audit record of the right kind (the static checks are in tests/unit/ui/test_download.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from security import audit
from tests.app.conftest import signed_in

#: The download buttons of each page, and the file each gives (demo mode unless said).
EXPECTED = {
    "pages/comms_plan.py": {
        "Drop zones (CSV)": "precision_drop_zones.csv",
        "Sessions (CSV)": "precision_facebook_live.csv",
        "Drop zones (GeoJSON)": "precision_drop_zones.geojson",
        "Sessions (Outlook .ics)": "precision_facebook_live.ics",
        "Brief (PDF)": "precision_comms_brief.pdf",
    },
    "pages/trends.py": {
        "Chart (PNG)": "precision_trends.png",
        "Monthly figures (CSV)": "precision_trends.csv",
        "Changes by district and crime type (CSV)": "precision_trends_changes.csv",
    },
    "pages/profile.py": {
        "Profile (PDF)": "precision_profile_bradford.pdf",
        "Silver meeting pack (PDF)": "precision_meeting_pack_bradford_2017-07.pdf",
    },
    "pages/delivery.py": {"Delivery log (CSV)": "precision_delivery_log.csv"},
    "pages/public_summary.py": {
        "Summary (PDF)": "precision_public_summary.pdf",
        "Web page (HTML)": "precision_public_summary.html",
    },
    "pages/national.py": {
        "Summary (CSV)": "precision_national_summary.csv",
        "Funnel figures (CSV)": "precision_national_funnel.csv",
        "Funnel plot (PNG)": "precision_national_funnel.png",
    },
    "pages/ocg.py": {
        "OCGs by district and criminality (CSV)": "precision_ocgs_by_district.csv",
        "Quarterly return (CSV)": "precision_ocg_quarterly_return.csv",
    },
    "pages/audit.py": {"Audit log (CSV)": "precision_audit_log.csv"},  # admin, secure mode
}


def _click_each(at: AppTest, page: str, user: str, role: str) -> None:
    """Click every download button of the page shown; each click writes one record."""
    labels = [b.label for b in at.download_button]
    assert sorted(labels) == sorted(EXPECTED[page]), page
    for i, label in enumerate(labels):
        before = len(audit.read())
        at.download_button[i].click().run(timeout=300)
        assert not at.exception, (page, label)
        log = audit.read()
        assert len(log) == before + 1, (page, label)
        event = log.iloc[0]
        file_name = EXPECTED[page][label]
        assert (event["kind"], event["file"]) == (audit.download_kind(file_name), file_name), (page, label)
        assert (event["user"], event["role"]) == (user, role), (page, label)
        assert event["what"], (page, label)
        if file_name.endswith(".csv"):
            assert event["rows"] >= 0, (page, label)


@pytest.mark.app
@pytest.mark.parametrize(
    "page",
    [
        "pages/comms_plan.py",
        "pages/trends.py",
        "pages/profile.py",
        "pages/ocg.py",
        "pages/national.py",
        "pages/delivery.py",
        "pages/public_summary.py",
    ],
)
def test_each_download_of_the_demo_is_audited_with_its_kind(app_with_sample: AppTest, page: str):
    at = app_with_sample.run()
    at.switch_page(page).run(timeout=300)
    assert not at.exception
    _click_each(at, page, "demo", "comms")


_signed_in = signed_in


@pytest.mark.app
def test_signed_in_downloads_record_the_user_and_role(secured: Path):
    at = _signed_in("opcc1")
    at.switch_page("pages/profile.py").run(timeout=300)
    _click_each(at, "pages/profile.py", "opcc1", "opcc")
    at = _signed_in("admin1")
    at.switch_page("pages/audit.py").run()
    _click_each(at, "pages/audit.py", "admin1", "admin")
    assert audit.read()["kind"].tolist() == ["download_csv", "sign_in", "download_pdf", "download_pdf", "sign_in"]
