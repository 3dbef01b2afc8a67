"""Disclosure control: rules for anything meant for the public.

Public material (flyer text, session briefs, the printable brief) shows no count below 10,
other counts rounded to the nearest 5, no organised-crime-group information and no exact
points: only community names, streets and themes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from core.errors import DisclosureError

#: Smallest count shown to the public.
MIN_PUBLIC_COUNT = 10
#: Public counts are rounded to a multiple of this.
ROUND_TO = 5

#: Words that mark organised-crime-group information (never in public material).
_OCG_MARKERS = re.compile(r"\b(OCG|organised crime group|ocg_id|threat tier|alias)\b", re.IGNORECASE)
#: A coordinate pair or a lone decimal degree with 4+ decimals (an exact point).
_EXACT_POINT = re.compile(r"-?\d{1,3}\.\d{4,}")
#: Field names that must not reach public outputs.
PRIVATE_FIELDS = frozenset({"ocg_id", "alias", "threat", "threat_tier", "longitude", "latitude", "cells", "lat", "lng"})


def public_count(n: float) -> str:
    """A count as the public may see it: "fewer than 10", or rounded to the nearest 5."""
    n = int(round(n))
    if n < MIN_PUBLIC_COUNT:
        return f"fewer than {MIN_PUBLIC_COUNT}"
    return f"about {int(ROUND_TO * round(n / ROUND_TO)):,}"


def check_public_text(text: str) -> str:
    """Return the text if it is fit for the public; raise DisclosureError otherwise."""
    if _OCG_MARKERS.search(text):
        raise DisclosureError("public text mentions organised crime group information")
    if _EXACT_POINT.search(text):
        raise DisclosureError("public text holds an exact coordinate")
    return text


def check_public_fields(records: Iterable[Mapping[str, object]]) -> None:
    """Raise DisclosureError if any record carries a private field."""
    for record in records:
        bad = PRIVATE_FIELDS & {k.lower() for k in record}
        if bad:
            raise DisclosureError(f"public output carries private fields {sorted(bad)}")
