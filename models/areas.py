"""Which areas and which census a period's figures are on (pure; no I/O).

Months are published on the LSOAs of their generation (2011, or 2021 since data.police.uk's
June 2023 change); the app analyses every period on the 2011 LSOAs, the areas of its grid,
its hotspot communities and its census figures, putting 2021 codes on them through the
LSOA lookup (:func:`geo.lsoa_lookup.on_2011_areas`). Residents and households should come
from the census nearest the month: census 2011 before the 2021 census (21 March 2021),
census 2021 from then on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

#: First month whose nearest census is census 2021 (held on 21 March 2021).
CENSUS_2021_FROM = "2021-03"


def generation_of_month(month: str, recorded: str, from_month: str) -> str:
    """A stored month's LSOA generation: the one its ingest recorded, else (months stored
    before generations were recorded) ``"2021"`` from ``from_month`` on, else ``"2011"``."""
    if recorded in ("2011", "2021"):
        return recorded
    return "2021" if month >= from_month else "2011"


def months_on_2021_areas(month_generations: Mapping[str, str], months: Sequence[str], from_month: str) -> list[str]:
    """The months of a period published with 2021 LSOAs, sorted.

    Parameters
    ----------
    month_generations : mapping of str to str
        Stored month -> recorded generation (:meth:`geo.store.Store.month_generations`).
    months : sequence of str
        The period (``YYYY-MM``).
    from_month : str
        ``settings.lsoa2021_from_month``.
    """
    return sorted(m for m in set(months) if generation_of_month(m, month_generations.get(m, ""), from_month) == "2021")


def census_year(month: str) -> int:
    """The census nearest a month: 2011 before March 2021, 2021 from then on."""
    return 2021 if month >= CENSUS_2021_FROM else 2011


def months_needing_census_2021(months: Sequence[str]) -> list[str]:
    """The months of a period whose nearest census is census 2021, sorted."""
    return sorted(m for m in set(months) if census_year(m) == 2021)


def district_residents(
    months: Sequence[str], census2011: Mapping[str, int], census2021: Mapping[str, int] | None
) -> dict[str, tuple[int, Mapping[str, int]]]:
    """Residents (or households) by district for each month, from the census nearest it.

    Parameters
    ----------
    months : sequence of str
        ``YYYY-MM``.
    census2011, census2021 : mapping of str to int
        District -> count of each census; ``census2021`` None until census 2021 is loaded
        (census 2011 is then used for every month).

    Returns
    -------
    dict
        Month -> (census year used, district -> count).
    """
    out: dict[str, tuple[int, Mapping[str, int]]] = {}
    for month in months:
        if census_year(month) == 2021 and census2021 is not None:
            out[month] = (2021, census2021)
        else:
            out[month] = (2011, census2011)
    return out
