"""The home force in the national picture: rates, ranks, peer groups and funnel plots.

Pure functions over the checked Home Office table (:class:`records.national_table.RecordedCrime`
rows) and the force populations (:func:`records.national_table.force_populations`). No I/O.

Measures
    Every offence group of the table, all offences, and the offences serious and organised
    crime drives (:data:`SOC_OFFENCES`), each mapped to Home Office offence codes:

    - *Trafficking in controlled drugs*: 92A;
    - *Possession of weapons offences* (the offence group: 10A, 10B, 10C, 10D, 81, 90), and
      within it *Possession of knives and bladed articles* (10D possession of article with
      blade or point, 90 other knives offences) and *Possession of firearms* (10A with
      intent, 10B possession offences, 81 other firearms offences);
    - *Modern slavery*: 106;
    - *Sexual exploitation*: 71 (abuse of children through sexual exploitation), 72
      (trafficking for sexual exploitation) and 24 (exploitation of prostitution);
    - *Robbery*: 34A and 34B (robbery of business and of personal property).

    A measure named like an offence group (Robbery, Possession of weapons offences) is that
    group, counted once. Negative rows (reclassifications) are summed as published. Offence
    groups no force with residents records (fraud, recorded by Action Fraud and the fraud
    bodies) are left out of rates.

Rates
    Offences per 1,000 usual residents (the populations given: census 2011, or the year's
    mid-year estimates, :mod:`records.force_populations`), for the forces with residents (the 43
    territorial forces); ranks count from the highest rate (1st = highest).

Peer group
    The forces nearest the home force by Euclidean distance over standardised features
    (:func:`peer_features`): population density (log10 residents per hectare), residents per
    household, and crime mix (each offence group's share of the force's recorded crime).
    Each feature is a z-score across the forces with residents; the three families weigh
    the same (a family of m columns is divided by sqrt(m)).

Funnel plot
    After Spiegelhalter (2005), "Funnel plots for comparing institutional performance",
    Statistics in Medicine 24:1185-1202: a force's count is Poisson with mean population x
    national rate; the control limits of its rate are the national rate p ± z sqrt(φ p / n)
    (normal approximation, z = 1.960 for 95 %, 3.090 for 99.8 %, clipped at 0), with n the
    residents and φ the over-dispersion factor: the mean of the squared z-scores after
    winsorising the top and bottom 10 % (taken as 1 when below 1, or when not allowed for).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

#: Offences serious and organised crime drives: label -> Home Office offence codes.
SOC_OFFENCES: Mapping[str, tuple[str, ...]] = {
    "Trafficking in controlled drugs": ("92A",),
    "Possession of weapons offences": ("10A", "10B", "10C", "10D", "81", "90"),
    "Possession of knives and bladed articles": ("10D", "90"),
    "Possession of firearms": ("10A", "10B", "81"),
    "Modern slavery": ("106",),
    "Sexual exploitation": ("71", "72", "24"),
    "Robbery": ("34A", "34B"),
}

#: The measure of every offence.
ALL_OFFENCES = "All offences"

#: Control limit levels drawn on the funnel plot.
LEVELS: tuple[float, ...] = (0.95, 0.998)

#: Fraction winsorised at each end when estimating over-dispersion.
WINSOR = 0.1


def level_label(level: float) -> str:
    """``0.998`` -> ``"99.8 %"``."""
    return f"{level * 100:g} %"


def ordinal(n: int) -> str:
    """``1`` -> ``"1st"``, ``12`` -> ``"12th"``, ``23`` -> ``"23rd"``."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def measure_counts(rows: pd.DataFrame, year: str, by_quarter: bool = False) -> pd.DataFrame:
    """Offences per force and measure in one financial year.

    Parameters
    ----------
    rows : pandas.DataFrame
        :attr:`records.national_table.RecordedCrime.rows`.
    year : str
        Financial year, ``"2017/18"``.
    by_quarter : bool
        Also split by ``quarter`` (1-4).

    Returns
    -------
    pandas.DataFrame
        ``force``, [``quarter``], ``measure``, ``kind`` (``"total"``, ``"group"`` (an
        offence group of the table) or ``"soc"`` (a measure of :data:`SOC_OFFENCES` that is
        not an offence group)), ``soc`` (a measure of :data:`SOC_OFFENCES`; Robbery is both
        a group and one of these), ``offences`` (int64, negative adjustments included).
        Every force has every measure (0 where it has no row).
    """
    sub = rows[rows["year"] == year]
    keys = ["force", "quarter"] if by_quarter else ["force"]
    parts = [sub.groupby(keys)["offences"].sum().rename(ALL_OFFENCES).to_frame()]
    parts.append(sub.pivot_table(index=keys, columns="offence_group", values="offences", aggfunc="sum", fill_value=0))
    groups = set(parts[1].columns)
    for label, codes in SOC_OFFENCES.items():
        if label not in groups:  # "Robbery" is an offence group of its own: counted once
            parts.append(sub[sub["offence_code"].isin(codes)].groupby(keys)["offences"].sum().rename(label).to_frame())
    wide = pd.concat(parts, axis=1)
    if by_quarter:  # every force in every quarter of the year, 0 where it has no row
        full = pd.MultiIndex.from_product([sorted(sub["force"].unique()), sorted(sub["quarter"].unique())], names=keys)
        wide = wide.reindex(full)
    wide = wide.fillna(0)
    long = wide.reset_index().melt(id_vars=keys, var_name="measure", value_name="offences")
    long["kind"] = np.where(
        long["measure"] == ALL_OFFENCES, "total", np.where(long["measure"].isin(list(groups)), "group", "soc")
    )
    long["soc"] = long["measure"].isin(list(SOC_OFFENCES))
    long["offences"] = long["offences"].astype("int64")
    return long[[*keys, "measure", "kind", "soc", "offences"]]


def force_rates(counts: pd.DataFrame, populations: pd.DataFrame, small_base: int) -> pd.DataFrame:
    """Rates per 1,000 residents and ranks among the forces with residents.

    Parameters
    ----------
    counts : pandas.DataFrame
        :func:`measure_counts` (without quarters).
    populations : pandas.DataFrame
        ``force``, ``persons`` (census residents).
    small_base : int
        Forces with fewer residents are flagged ``small_base`` (their rates are distorted).

    Returns
    -------
    pandas.DataFrame
        ``force``, ``measure``, ``kind``, ``soc``, ``offences``, ``persons``, ``rate`` (per 1,000),
        ``rank`` (1 = highest rate, ties share the best rank), ``forces`` (how many are
        ranked), ``small_base``. Forces without residents are left out, and so are
        measures no force with residents records (fraud).
    """
    out = counts.merge(populations[["force", "persons"]], on="force", how="inner")
    out = out[out["persons"] > 0]
    recorded = out.groupby("measure")["offences"].transform(lambda s: s.abs().sum()) > 0
    out = out[recorded].copy()
    out["rate"] = out["offences"] / out["persons"] * 1000.0
    out["rank"] = out.groupby("measure")["rate"].rank(ascending=False, method="min").astype("int64")
    out["forces"] = out.groupby("measure")["force"].transform("size").astype("int64")
    out["small_base"] = out["persons"] < small_base
    return out.sort_values(["measure", "rank", "force"]).reset_index(drop=True)


def pooled_rate(rates: pd.DataFrame, forces: Sequence[str] | None = None) -> pd.Series:
    """Rate per 1,000 residents of a set of forces taken together (all by default), per
    measure: their offences over their residents."""
    sub = rates if forces is None else rates[rates["force"].isin(list(forces))]
    sums = sub.groupby("measure")[["offences", "persons"]].sum()
    return (sums["offences"] / sums["persons"] * 1000.0).rename("rate")


# ------------------------------------------------------------------------ peer group
def peer_features(counts: pd.DataFrame, populations: pd.DataFrame) -> pd.DataFrame:
    """Features of each force with residents (index ``force``), unstandardised.

    Columns: ``density`` (log10 residents per hectare), ``household_size`` (residents per
    household) and one ``mix: <offence group>`` column per offence group (its share of
    the force's recorded crime, 0 to 1).
    """
    pop = populations[populations["persons"] > 0].set_index("force")
    groups = counts[counts["kind"] == "group"].pivot_table(index="force", columns="measure", values="offences")
    groups = groups.reindex(pop.index).fillna(0)
    totals = groups.sum(axis=1).replace(0, np.nan)
    mix = groups.div(totals, axis=0).fillna(0).add_prefix("mix: ")
    base = pd.DataFrame(
        {
            "density": np.log10(pop["persons"] / pop["hectares"]),
            "household_size": pop["persons"] / pop["households"],
        },
        index=pop.index,
    )
    return pd.concat([base, mix], axis=1).rename_axis("force")


def peer_distances(features: pd.DataFrame, home: str) -> pd.Series:
    """Distance of every other force from ``home`` over standardised features (see the
    module notes); nearest first."""
    sd = features.std(ddof=0).replace(0, 1.0)
    z = (features - features.mean()) / sd
    mix_cols = [c for c in z.columns if c.startswith("mix: ")]
    weights = pd.Series(1.0, index=z.columns)
    if mix_cols:
        weights[mix_cols] = 1.0 / np.sqrt(len(mix_cols))
    zw = z * weights
    d = np.sqrt(((zw - zw.loc[home]) ** 2).sum(axis=1)).drop(home)
    return d.sort_values(kind="stable").rename("distance")


def peer_group(features: pd.DataFrame, home: str, k: int, exclude: Sequence[str] = ()) -> list[str]:
    """The ``k`` forces nearest ``home`` (see :func:`peer_distances`), leaving out
    ``exclude`` (forces whose small resident base distorts their rates)."""
    distances = peer_distances(features, home)
    return [str(f) for f in distances.index[~distances.index.isin(list(exclude))][:k]]


def small_base_forces(populations: pd.DataFrame, small_base: int) -> list[str]:
    """Forces with residents but fewer than ``small_base`` (rates per resident distorted)."""
    pop = populations[(populations["persons"] > 0) & (populations["persons"] < small_base)]
    return sorted(pop["force"])


def small_base_note(populations: pd.DataFrame, small_base: int) -> str:
    """One sentence naming the forces whose small resident base distorts their rates ('' if
    none)."""
    pop = populations[(populations["persons"] > 0) & (populations["persons"] < small_base)].sort_values("force")
    if pop.empty:
        return ""
    names = "; ".join(f"{r.force} has {int(r.persons):,} residents" for r in pop.itertuples())
    return (
        f"{names}: its rates per resident count offences against very many workers and visitors, so it "
        "ranks far above every other force. It is shown, flagged, and never a peer by default."
    )


def ranking(rates: pd.DataFrame, measure: str) -> pd.DataFrame:
    """Every force's rank on one measure, highest rate first: ``rank``, ``force``, ``rate``
    per 1,000 residents (3 decimals), ``small_base``."""
    sub = rates[rates["measure"] == measure].sort_values(["rank", "force"])
    return sub[["rank", "force", "rate", "small_base"]].round({"rate": 3}).reset_index(drop=True)


def quarterly_table(quarterly: pd.DataFrame, measure: str) -> pd.DataFrame:
    """One measure's quarterly rates, one row a quarter, one column a series (3 decimals)."""
    sub = quarterly[quarterly["measure"] == measure]
    return sub.pivot(index="quarter", columns="series", values="rate").round(3).reset_index().rename_axis(None, axis=1)


PEER_EXPLANATION = (
    "Peers are the {k} forces most like {home} on three equally weighted measures, each "
    "standardised across the forces: population density, residents per household and crime "
    "mix (each offence group's share of recorded crime); you can change them."
)


# ------------------------------------------------------------------------ funnel plot
def z_scores(offences: np.ndarray, persons: np.ndarray, rate: float) -> np.ndarray:
    """Standardised difference of each count from its expectation (Poisson variance):
    ``(y - n p) / sqrt(n p)``, with ``p`` the national rate per person."""
    expected = np.asarray(persons, dtype=float) * rate
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(expected > 0, (np.asarray(offences, dtype=float) - expected) / np.sqrt(expected), 0.0)


def overdispersion(z: np.ndarray, winsor: float = WINSOR) -> float:
    """Spiegelhalter's multiplicative over-dispersion factor: the mean of the squared
    z-scores winsorised at ``winsor`` of each end (1 at least)."""
    z = np.sort(np.asarray(z, dtype=float))
    n = len(z)
    if n == 0:
        return 1.0
    k = int(np.floor(n * winsor))
    if k > 0:
        z = np.clip(z, z[k], z[n - 1 - k])
    return max(1.0, float(np.mean(z**2)))


def funnel_limits(persons: np.ndarray, rate: float, phi: float = 1.0, levels: Sequence[float] = LEVELS) -> pd.DataFrame:
    """Control limits of a rate per 1,000 around the national rate, for populations.

    Parameters
    ----------
    persons : array
        Residents.
    rate : float
        National rate per person (not per 1,000).
    phi : float
        Over-dispersion factor (1 = Poisson).
    levels : sequence of float
        Two-sided coverage of each pair of limits.

    Returns
    -------
    pandas.DataFrame
        ``persons`` and, per level, ``lower <label>`` and ``upper <label>`` per 1,000
        residents (``label`` from :func:`level_label`); lower limits clipped at 0.
    """
    n = np.asarray(persons, dtype=float)
    out = pd.DataFrame({"persons": n})
    spread = np.sqrt(phi * rate / n)
    for level in levels:
        z = stats.norm.ppf(0.5 + level / 2)
        out[f"lower {level_label(level)}"] = np.maximum(0.0, rate - z * spread) * 1000.0
        out[f"upper {level_label(level)}"] = (rate + z * spread) * 1000.0
    return out


@dataclasses.dataclass(frozen=True)
class Funnel:
    """A funnel plot of one measure.

    Attributes
    ----------
    measure : str
    national_rate : float
        Per 1,000 residents (all forces with residents together).
    phi : float
        Over-dispersion factor used (1 when not allowed for).
    forces : pandas.DataFrame
        One row per force: ``force``, ``persons``, ``offences``, ``rate``, ``z``, the limits
        at its population, ``position`` (``"inside"``, ``"above"`` or ``"below"`` the
        widest limits), ``small_base``.
    curve : pandas.DataFrame
        The limits over a grid of populations, for drawing (:func:`funnel_limits`).
    """

    measure: str
    national_rate: float
    phi: float
    forces: pd.DataFrame
    curve: pd.DataFrame


def funnel(rates: pd.DataFrame, measure: str, allow_overdispersion: bool = True, points: int = 200) -> Funnel:
    """Build the funnel plot of one measure from :func:`force_rates`."""
    sub = rates[rates["measure"] == measure].sort_values("persons").reset_index(drop=True)
    p = float(sub["offences"].sum() / sub["persons"].sum())
    z = z_scores(sub["offences"].to_numpy(), sub["persons"].to_numpy(), p)
    phi = overdispersion(z) if allow_overdispersion else 1.0
    limits = funnel_limits(sub["persons"].to_numpy(), p, phi).drop(columns="persons")
    widest = level_label(max(LEVELS))
    position = np.where(
        sub["rate"] > limits[f"upper {widest}"],
        "above",
        np.where(sub["rate"] < limits[f"lower {widest}"], "below", "inside"),
    )
    forces = pd.concat(
        [sub[["force", "persons", "offences", "rate", "small_base"]], pd.Series(z, name="z"), limits], axis=1
    ).assign(position=position)
    lo, hi = float(sub["persons"].min()), float(sub["persons"].max())
    grid = np.geomspace(max(lo * 0.8, 1.0), hi * 1.1, points)
    return Funnel(measure, p * 1000.0, phi, forces, funnel_limits(grid, p, phi))


# ------------------------------------------------------------------------ the picture
@dataclasses.dataclass(frozen=True)
class NationalPicture:
    """The home force among the forces of England and Wales, one year.

    Attributes
    ----------
    year : str
    home : str
        The home force as the table names it.
    peers : tuple of str
    rates : pandas.DataFrame
        :func:`force_rates` of every force and measure.
    summary : pandas.DataFrame
        One row per measure for the home force: ``measure``, ``kind``, ``soc``, ``offences``,
        ``rate``, ``rank``, ``forces``, ``peer_rate``, ``national_rate``, ``position``
        (funnel, widest limits), ``small_base_above`` (forces with a small resident base
        ranked above the home force), ``sentence``.
    quarterly : pandas.DataFrame
        ``measure``, ``quarter`` (1-4), ``series`` (home force, ``"Peer group"``,
        ``"England and Wales"``), ``rate`` per 1,000 residents in that quarter.
    phi : Mapping[str, float]
        Over-dispersion factor of each measure's funnel.
    """

    year: str
    home: str
    peers: tuple[str, ...]
    rates: pd.DataFrame
    summary: pd.DataFrame
    quarterly: pd.DataFrame
    phi: Mapping[str, float]


def describe(
    measure: str, rate: float, rank: int, forces: int, peer_rate: float, position: str, small_base_above: Sequence[str]
) -> str:
    """The plain sentence of one measure, e.g. "Trafficking in controlled drugs: 0.85 per
    1,000 residents, 12th of 43 forces, above the peer group's 0.71, inside the 99.8 %
    limits"."""
    if np.isnan(peer_rate):
        peer_text = "no peer group chosen"
    else:
        relation = "above" if rate > peer_rate else "below" if rate < peer_rate else "level with"
        peer_text = f"{relation} the peer group's {peer_rate:,.2f}"
    where = {
        "inside": "inside the 99.8 % limits",
        "above": "beyond the 99.8 % limits (higher than the national rate)",
        "below": "beyond the 99.8 % limits (lower than the national rate)",
    }[position]
    text = f"{measure}: {rate:,.2f} per 1,000 residents, {ordinal(rank)} of {forces} forces, {peer_text}, {where}."
    if small_base_above:
        text += f" ({', '.join(small_base_above)} ranks higher on a very small resident base.)"
    return text


def national_picture(
    rows: pd.DataFrame,
    populations: pd.DataFrame,
    home: str,
    year: str,
    peers: Sequence[str] | None = None,
    k: int = 7,
    small_base: int = 100_000,
    allow_overdispersion: bool = True,
) -> NationalPicture:
    """Rates, ranks, peer comparison, funnel positions and quarterly series of ``home``.

    Parameters
    ----------
    rows : pandas.DataFrame
        :attr:`records.national_table.RecordedCrime.rows`.
    populations : pandas.DataFrame
        :func:`records.national_table.force_populations`.
    home : str
        The home force as the table names it (``"West Yorkshire"``).
    year : str
        Financial year.
    peers : sequence of str, optional
        The peer group as the user chose it; default the ``k`` nearest
        (:func:`peer_group`).
    k : int
        Size of the default peer group.
    small_base : int
        Residents below which a force's rates are flagged.
    allow_overdispersion : bool
        Widen the funnel limits by the over-dispersion factor.
    """
    counts = measure_counts(rows, year)
    rates = force_rates(counts, populations, small_base)
    if home not in set(rates["force"]):
        raise ValueError(f"{home!r} has no rate in {year}: not in the table or without residents")
    if peers is None:
        peers = peer_group(peer_features(counts, populations), home, k, small_base_forces(populations, small_base))
    peers = tuple(p for p in peers if p != home)
    peer = pooled_rate(rates, peers) if peers else pd.Series(np.nan, index=rates["measure"].unique())
    national = pooled_rate(rates)
    mine = rates[rates["force"] == home].set_index("measure")
    order = [ALL_OFFENCES, *sorted(mine.index[mine["kind"] == "group"]), *mine.index[mine["kind"] == "soc"]]
    records = []
    phis: dict[str, float] = {}
    for measure in order:
        f = funnel(rates, measure, allow_overdispersion, points=2)
        phis[measure] = f.phi
        position = str(f.forces.set_index("force").at[home, "position"])
        records.append(_summary_row(rates, mine.loc[measure], measure, position, peer, national))
    summary = pd.DataFrame.from_records(records)
    return NationalPicture(
        year=year,
        home=home,
        peers=peers,
        rates=rates,
        summary=summary,
        quarterly=quarterly_series(rows, populations, home, peers, year),
        phi=phis,
    )


def _summary_row(
    rates: pd.DataFrame, r: pd.Series, measure: str, position: str, peer: pd.Series, national: pd.Series
) -> dict[str, object]:
    """The home force's row of the summary for one measure: its rate and rank, the peer and
    national rates, its funnel ``position``, the small-base forces ranked above it, and the
    sentence."""
    above = rates[(rates["measure"] == measure) & rates["small_base"] & (rates["rate"] > r["rate"])]
    small_above = tuple(above["force"])
    return {
        "measure": measure,
        "kind": r["kind"],
        "soc": bool(r["soc"]),
        "offences": int(r["offences"]),
        "rate": float(r["rate"]),
        "rank": int(r["rank"]),
        "forces": int(r["forces"]),
        "peer_rate": float(peer.get(measure, np.nan)),
        "national_rate": float(national[measure]),
        "position": position,
        "small_base_above": ", ".join(small_above),
        "sentence": describe(
            measure,
            float(r["rate"]),
            int(r["rank"]),
            int(r["forces"]),
            float(peer.get(measure, np.nan)),
            position,
            small_above,
        ),
    }


def sentences(summary: pd.DataFrame, soc: bool) -> list[str]:
    """The plain sentences of :attr:`NationalPicture.summary`: the serious and organised
    crime measures in the order of :data:`SOC_OFFENCES` (``soc``), or every other measure."""
    if not soc:
        return [str(t) for t in summary.loc[~summary["soc"], "sentence"]]
    by_measure = summary.set_index("measure")["sentence"]
    return [str(by_measure[m]) for m in SOC_OFFENCES if m in by_measure.index]


def quarterly_series(
    rows: pd.DataFrame, populations: pd.DataFrame, home: str, peers: Sequence[str], year: str
) -> pd.DataFrame:
    """Rate per 1,000 residents of each measure in each quarter for the home force, the
    peer group (pooled) and England and Wales (every force with residents, pooled)."""
    counts = measure_counts(rows, year, by_quarter=True)
    pop = populations[populations["persons"] > 0][["force", "persons"]]
    counts = counts.merge(pop, on="force", how="inner")
    label = np.where(counts["force"] == home, home, np.where(counts["force"].isin(list(peers)), "Peer group", ""))
    pieces = []
    for series, sub in (
        (home, counts[label == home]),
        ("Peer group", counts[label == "Peer group"]),
        ("England and Wales", counts),
    ):
        g = sub.groupby(["measure", "quarter"])[["offences", "persons"]].sum().reset_index()
        g["series"] = series
        g["rate"] = g["offences"] / g["persons"] * 1000.0
        pieces.append(g)
    out = pd.concat(pieces, ignore_index=True)
    return out[["measure", "quarter", "series", "offences", "rate"]]
