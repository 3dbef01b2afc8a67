"""Disclosure rules for public outputs: rounded counts, no OCG ids, coordinates or aliases."""

from __future__ import annotations

import pytest

from core.errors import DisclosureError
from models.disclosure import check_public_fields, check_public_text, public_count


def test_disclosure_rules():
    assert public_count(3) == "fewer than 10" and public_count(9.4) == "fewer than 10"
    assert public_count(10) == "about 10" and public_count(12) == "about 10" and public_count(13) == "about 15"
    assert public_count(1987) == "about 1,985"
    assert check_public_text("Briggate, Leeds") == "Briggate, Leeds"
    for bad in ("OCG 12 operates here", "seen at 53.79527, -1.54343", "alias Smithy"):
        with pytest.raises(DisclosureError):
            check_public_text(bad)
    with pytest.raises(DisclosureError):
        check_public_fields([{"community_id": "HC01", "ocg_id": "OCG-001"}])
