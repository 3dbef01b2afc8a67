"""The public performance summary: disruptions by quarter, level and 4P strand, campaigns
delivered, and the Crimestoppers trend, fit for the partnership's website.

Pure functions. Disclosure follows :mod:`models.disclosure`: every count is shown as
:func:`models.disclosure.public_count` gives it ("fewer than 10", or rounded to the nearest
5), nothing names a group, and nothing places anything more exactly than West Yorkshire.
The disruption figures come from :func:`models.ocg.quarterly_return` (counts only); the
summary keeps no other OCG field. :func:`check_summary` checks a summary before anything
shows or exports it. The page, the PDF and the HTML all print one :class:`PublicSummary`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd

from core.errors import DisclosureError
from models.disclosure import MIN_PUBLIC_COUNT, ROUND_TO, check_public_fields, check_public_text, public_count
from models.targeting import CRIMESTOPPERS_PROMISE
from records.delivery_log import KINDS
from records.delivery_log import synthetic as synthetic_log
from records.ocg_schema import DISRUPTION_LEVELS, STRANDS

#: The synthetic-data label, in every output built from synthetic rows.
SYNTHETIC_LABEL = "SYNTHETIC DEMONSTRATION DATA"

#: The words next to a figure made from synthetic rows.
DEMO_DATA = "synthetic demo data"


@dataclasses.dataclass(frozen=True)
class PublicSummary:
    """What the public summary says.

    Attributes
    ----------
    title : str
        Its heading.
    made : str
        The date it was made, in words.
    disruptions_by_level, disruptions_by_strand : pandas.DataFrame
        ``Quarter`` and one text column per level (or 4P strand), and ``All``: public counts.
    campaigns : pandas.DataFrame
        ``Quarter``, one text column per kind of delivery, ``Flyers delivered``.
    crimestoppers : pandas.DataFrame
        ``Quarter``, ``Reports`` (public count text) and ``value`` (the rounded number the
        chart draws; None when under the threshold).
    notes : tuple of str
        Sentences under the tables (synthetic labels first, then what the figures are).
    campaigns_synthetic : bool
        Whether the campaigns delivered come from synthetic demonstration records (read from
        the delivery log's ``synthetic`` flags); their heading then says so.
    """

    title: str
    made: str
    disruptions_by_level: pd.DataFrame
    disruptions_by_strand: pd.DataFrame
    campaigns: pd.DataFrame
    crimestoppers: pd.DataFrame
    notes: tuple[str, ...]
    campaigns_synthetic: bool = False

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables by heading, in the order every output prints them."""
        campaigns = "Community campaigns delivered" + (f" ({DEMO_DATA})" if self.campaigns_synthetic else "")
        return {
            "Disruptions of organised crime by quarter and level": self.disruptions_by_level,
            "Disruptions by quarter and strand of the 4P plan": self.disruptions_by_strand,
            campaigns: self.campaigns,
            "Reports to Crimestoppers by quarter": self.crimestoppers.drop(columns="value"),
        }


def _rounded(n: float) -> int | None:
    n = int(round(n))
    return None if n < MIN_PUBLIC_COUNT else int(ROUND_TO * round(n / ROUND_TO))


def _disruptions(ret: pd.DataFrame, groups: tuple[str, ...], of: str) -> pd.DataFrame:
    cols = ["Quarter", *[g.capitalize() for g in groups], "All"]
    if ret.empty:
        return pd.DataFrame(columns=cols)
    rows = []
    for _, r in ret.iterrows():
        row: dict[str, str] = {"Quarter": str(r["quarter"])}
        for g in groups:
            row[g.capitalize()] = public_count(sum(int(v) for k, v in r.items() if _part(k, of) == g))
        row["All"] = public_count(int(r["total"]))
        rows.append(row)
    return pd.DataFrame(rows, columns=cols)


def _part(column: object, of: str) -> str:
    """The level or strand of a quarterly return column ``"<strand> <level>"``."""
    words = str(column).split(" ")
    if len(words) != 2 or words[0] not in STRANDS:
        return ""
    return words[1] if of == "level" else words[0]


def _quarter(dates: pd.Series) -> pd.Series:
    d = pd.to_datetime(dates)
    return d.dt.year.astype(str) + "-Q" + d.dt.quarter.astype(str)


def public_summary(
    quarterly: pd.DataFrame | None,
    disruptions_synthetic: bool,
    deliveries: pd.DataFrame,
    crimestoppers: pd.DataFrame,
    today: dt.date,
) -> PublicSummary:
    """Build the summary.

    Parameters
    ----------
    quarterly : pandas.DataFrame or None
        :func:`models.ocg.quarterly_return` (None when no disruption data may be used).
    disruptions_synthetic : bool
        Whether those disruptions are synthetic (read from the stored rows).
    deliveries : pandas.DataFrame
        The delivery log (:func:`records.delivery_log.read_log`), with its ``synthetic`` flags.
    crimestoppers : pandas.DataFrame
        ``district``, ``month``, ``reports``, ``synthetic`` (:mod:`records.outcome_files`).
    today : datetime.date
        The day it is made.
    """
    ret = quarterly if quarterly is not None else pd.DataFrame(columns=["quarter", "total"])
    by_level = _disruptions(ret, DISRUPTION_LEVELS, "level")
    by_strand = _disruptions(ret, STRANDS, "strand")
    kind_cols = {k: f"{w[0].upper()}{w[1:]}s" for k, w in KINDS.items()}
    if deliveries.empty:
        campaigns = pd.DataFrame(columns=["Quarter", *kind_cols.values(), "Flyers delivered"])
    else:
        d = deliveries.assign(quarter=_quarter(deliveries["date"]))
        rows = []
        for q, g in d.groupby("quarter"):
            row = {"Quarter": str(q)}
            row.update({col: public_count(int((g["kind"] == k).sum())) for k, col in kind_cols.items()})
            row["Flyers delivered"] = public_count(int(g["flyers"].sum()))
            rows.append(row)
        campaigns = pd.DataFrame(rows)
    cs_rows = []
    if len(crimestoppers):
        cs = crimestoppers.assign(quarter=[f"{m[:4]}-Q{(int(m[5:7]) - 1) // 3 + 1}" for m in crimestoppers["month"]])
        months = cs.groupby("quarter")["month"].nunique()
        for q, n in cs.groupby("quarter")["reports"].sum().items():
            # a quarter the files cover only in part is named so, never read as a low quarter
            label = str(q) if months[q] >= 3 else f"{q} ({months[q]} of 3 months)"
            cs_rows.append({"Quarter": label, "Reports": public_count(int(n)), "value": _rounded(int(n))})
    cs_table = pd.DataFrame(cs_rows, columns=["Quarter", "Reports", "value"])
    notes: list[str] = []
    if quarterly is not None and disruptions_synthetic:
        notes.append(f"{SYNTHETIC_LABEL}: the disruption figures are invented for demonstration, not real.")
    campaigns_synthetic = synthetic_log(deliveries)
    if campaigns_synthetic:
        notes.append(
            f"{SYNTHETIC_LABEL}: the campaigns delivered are the demonstration's own records, not real deliveries."
        )
    if len(crimestoppers) and bool(crimestoppers["synthetic"].all()):
        notes.append(f"{SYNTHETIC_LABEL}: the Crimestoppers figures are invented for demonstration, not real.")
    if quarterly is None:
        notes.append("Disruption figures are not available here.")
    notes.append(
        f"Counts under {MIN_PUBLIC_COUNT} are shown as 'fewer than {MIN_PUBLIC_COUNT}' and others are rounded to "
        f"the nearest {ROUND_TO}. Figures cover the five West Yorkshire districts together."
    )
    notes.append(CRIMESTOPPERS_PROMISE)
    return PublicSummary(
        title="Programme Precision: public performance summary",
        made=f"Made on {today:%d %B %Y} for West Yorkshire's serious and organised crime partnership.",
        disruptions_by_level=by_level,
        disruptions_by_strand=by_strand,
        campaigns=campaigns,
        crimestoppers=cs_table,
        notes=tuple(notes),
        campaigns_synthetic=campaigns_synthetic,
    )


def check_summary(summary: PublicSummary) -> PublicSummary:
    """Return the summary if every text and table is fit for the public.

    Raises
    ------
    core.errors.DisclosureError
        A private field, an OCG word, an exact point, or a count that is not a public count
        (every table cell but the quarter must read "fewer than 10" or "about N").
    """
    for text in (summary.title, summary.made, *summary.notes):
        check_public_text(text)
    for heading, table in summary.tables().items():
        check_public_text(heading)
        records = table.to_dict(orient="records")
        check_public_fields(records)
        for record in records:
            for key, value in record.items():
                check_public_text(f"{key} {value}")
                if key != "Quarter" and not str(value).startswith(("fewer than", "about ")):
                    raise DisclosureError(f"{heading}: {key} {value!r} is not a public count")
    for value in summary.crimestoppers["value"].dropna():
        if int(value) < MIN_PUBLIC_COUNT or int(value) % ROUND_TO:
            raise DisclosureError(f"the Crimestoppers chart would draw {value}, not a public count")
    return summary
