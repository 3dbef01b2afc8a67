"""The frames shared by every session (st.cache_resource) are never modified.

``ui.cache.incidents``, ``ui.cache.filtered`` and ``ui.cache.ocg`` (the OCG register and
activity) hand every session the same object instead of a copy. A page or model that changed one in place would change it for everyone: a hash of
each shared frame is taken after the first page and compared after every page that reads it.
"""

from __future__ import annotations

import pandas as pd
from streamlit.testing.v1 import AppTest

from records import ocg_store
from ui import cache


def _fingerprint(frame: pd.DataFrame) -> tuple:
    """Shape, columns, dtypes and a hash of every value and index label."""
    return (
        frame.shape,
        tuple(frame.columns),
        tuple(str(t) for t in frame.dtypes),
        int(pd.util.hash_pandas_object(frame, index=True).sum()),
    )


def test_shared_incident_frames_are_shared_and_never_modified(app_with_sample: AppTest):
    at = app_with_sample.run()
    at.switch_page("pages/hotspot_map.py").run(timeout=300)
    assert not at.exception
    token, filters = at.session_state["store_token"], at.session_state["filters"]
    ocg = cache.ocg(ocg_store.token())
    assert ocg is not None and len(ocg.register) > 0 and len(ocg.activity) > 0  # the demo's synthetic groups
    shared = {
        "incidents": cache.incidents(token),
        "filtered": cache.filtered(token, filters),
        "OCG register": ocg.register,
        "OCG activity": ocg.activity,
    }
    # one object for every caller: no per-call copy
    assert cache.incidents(token) is shared["incidents"] and cache.filtered(token, filters) is shared["filtered"]
    assert cache.ocg(ocg_store.token()) is ocg
    before = {name: _fingerprint(frame) for name, frame in shared.items()}

    at.radio[0].set_value("Gi* hot spots").run(timeout=300)
    at.multiselect(key="ocg_layer").set_value([at.multiselect(key="ocg_layer").options[0]]).run(timeout=300)
    assert not at.exception
    for page in (
        "pages/communities.py",
        "pages/trends.py",
        "pages/profile.py",
        "pages/ocg.py",
        "pages/public_summary.py",
        "pages/home.py",
    ):
        at.switch_page(page).run(timeout=300)
        assert not at.exception, page
        assert at.session_state["store_token"] == token
        for name, frame in shared.items():
            assert _fingerprint(frame) == before[name], f"{page} modified the shared {name} frame"
    assert cache.incidents(token) is shared["incidents"]
    assert cache.ocg(ocg_store.token()) is ocg
