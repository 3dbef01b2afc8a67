"""The national picture (rates, ranks, funnel limits, peers, sentences): a hand-made five-force
table and the real one."""

from __future__ import annotations

import csv
import math

import numpy as np
import pandas as pd
from numpy.testing import assert_allclose

from core.settings import Settings
from models import national as nm
from records import national_table as national
from tests.unit.records.test_national_table import PERSONS, force_areas, table_bytes


def test_rates_ranks_and_funnel_limits_by_hand():
    table = national.parse_recorded_crime(table_bytes(), "hand.csv", force_areas())
    pops = national.force_populations(force_areas())
    rates = nm.force_rates(nm.measure_counts(table.rows, "2017/18"), pops, small_base=60_000)
    drugs = rates[rates["measure"] == "Trafficking in controlled drugs"].set_index("force")
    counts = {"Alpha": 50, "Bravo": 80, "Charlie": 215, "Delta": 20, "Echo, The": 550}
    assert drugs["offences"].to_dict() == counts
    assert_allclose(drugs.loc[list(counts), "rate"], [0.5, 0.4, 0.5375, 0.4, 0.55])
    assert drugs["rank"].to_dict() == {"Echo, The": 1, "Charlie": 2, "Alpha": 3, "Bravo": 4, "Delta": 4}
    assert set(drugs["forces"]) == {5} and "British Transport Police" not in drugs.index
    assert drugs["small_base"].to_dict() == {f: f == "Delta" for f in counts}
    slavery = rates[rates["measure"] == "Modern slavery"].set_index("force")
    assert_allclose(slavery.loc[["Alpha", "Echo, The"], "rate"], [2 / 100, 8 / 1000])  # 3 - 1 per 100,000
    total = rates[rates["measure"] == nm.ALL_OFFENCES].set_index("force")
    assert total.at["Alpha", "offences"] == 30 + 20 + 40 + 10 + 3 - 1
    assert_allclose(nm.pooled_rate(rates, ["Alpha", "Bravo"])["Drug offences"], (90 + 180) / 300_000 * 1000)

    # funnel, Poisson (phi = 1): p +/- z sqrt(p / n), per 1,000
    p = 915 / 1_750_000
    f = nm.funnel(rates, "Trafficking in controlled drugs", allow_overdispersion=False)
    assert_allclose(f.national_rate, p * 1000)
    alpha = f.forces.set_index("force").loc["Alpha"]
    assert_allclose(alpha["upper 95 %"], (p + 1.959963985 * math.sqrt(p / 100_000)) * 1000, rtol=1e-9)
    assert_allclose(alpha["lower 99.8 %"], (p - 3.090232306 * math.sqrt(p / 100_000)) * 1000, rtol=1e-9)
    assert_allclose(alpha["z"], (50 - 100_000 * p) / math.sqrt(100_000 * p))
    # over-dispersion: mean squared z (five forces: nothing winsorised), limits widened by sqrt(phi)
    z = [(counts[k] - PERSONS[k] * p) / math.sqrt(PERSONS[k] * p) for k in counts]
    phi = max(1.0, sum(v * v for v in z) / 5)
    g = nm.funnel(rates, "Trafficking in controlled drugs", allow_overdispersion=True)
    assert_allclose(g.phi, phi)
    echo = g.forces.set_index("force").loc["Echo, The"]
    assert_allclose(echo["upper 99.8 %"], (p + 3.090232306 * math.sqrt(phi * p / 1_000_000)) * 1000, rtol=1e-9)
    # positions against the widest limits
    limits = nm.funnel_limits(np.array([1_000_000.0]), p)
    assert f.forces.set_index("force").at["Echo, The", "position"] == (
        "above" if limits["upper 99.8 %"].iloc[0] < 0.55 else "inside"
    )
    small = nm.funnel_limits(np.array([10.0]), p)
    assert small["lower 95 %"].iloc[0] == 0.0  # clipped at zero


def test_overdispersion_winsorises_ten_percent_each_end():
    z = np.array([-10.0, *([1.0] * 8), 10.0])  # ten values: the extremes are pulled in to 1
    assert_allclose(nm.overdispersion(z), 1.0)
    assert_allclose(nm.overdispersion(np.array([2.0, -2.0, 2.0])), 4.0)
    assert nm.overdispersion(np.array([0.1, -0.1])) == 1.0


def test_the_peer_group_is_the_nearest_forces_and_editable():
    features = pd.DataFrame({"density": [0.0, 1.0, 3.0, 6.0, 10.0]}, index=["home", "a", "b", "c", "d"])
    assert nm.peer_group(features, "home", 2) == ["a", "b"]
    assert nm.peer_group(features, "home", 2, exclude=["a"]) == ["b", "c"]
    table = national.parse_recorded_crime(table_bytes(), "hand.csv", force_areas())
    pops = national.force_populations(force_areas())
    picture = nm.national_picture(table.rows, pops, "Alpha", "2017/18", peers=["Bravo", "Charlie"], small_base=60_000)
    row = picture.summary.set_index("measure").loc["Trafficking in controlled drugs"]
    assert_allclose(row["peer_rate"], (80 + 215) / 600_000 * 1000)
    assert row["sentence"].startswith(
        f"Trafficking in controlled drugs: 0.50 per 1,000 residents, 3rd of 5 forces, above the peer group's "
        f"{(80 + 215) / 600_000 * 1000:.2f}, "
    )
    # quarterly series: the home force, the peers pooled, every force pooled
    q = picture.quarterly[picture.quarterly["measure"] == "Trafficking in controlled drugs"].set_index(
        ["series", "quarter"]
    )["rate"]
    assert_allclose(q[("Alpha", 1)], 30 / 100)
    assert_allclose(q[("Peer group", 2)], (30 + 115) / 600_000 * 1000)
    assert_allclose(q[("England and Wales", 2)], (20 + 30 + 115 + 250) / 1_750_000 * 1000)
    # the default peer group never holds a force with a small resident base (Delta)
    default = nm.national_picture(table.rows, pops, "Alpha", "2017/18", k=4, small_base=60_000)
    assert "Delta" not in default.peers and len(default.peers) == 3


def test_a_small_resident_base_ranked_higher_is_said_in_the_sentence():
    text = nm.describe("Robbery", 1.4, 5, 43, 1.16, "inside", ["London, City of"])
    assert text == (
        "Robbery: 1.40 per 1,000 residents, 5th of 43 forces, above the peer group's 1.16, inside the 99.8 % "
        "limits. (London, City of ranks higher on a very small resident base.)"
    )
    assert nm.describe("Robbery", 1.4, 5, 43, float("nan"), "above", []) == (
        "Robbery: 1.40 per 1,000 residents, 5th of 43 forces, no peer group chosen, beyond the 99.8 % limits "
        "(higher than the national rate)."
    )
    assert [nm.ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 43)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "43rd",
    ]  # fmt: skip


def test_west_yorkshire_2017_18_against_an_independent_count():
    settings = Settings()
    total = 0
    with open(settings.recorded_crime_file, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["Force Name"] == "West Yorkshire" and row["Financial Year"] == "2017/18":
                total += int(row["Number of Offences"])
    persons = 0
    with open(settings.force_areas_file, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["force"] == "West Yorkshire":
                persons += int(row["persons"])
    assert persons == 2_226_058  # census 2011, as data/README.md gives it
    areas = national.read_force_areas()
    table = national.read_recorded_crime(areas=areas)
    assert len(set(table.rows["force"]) - national.NO_RESIDENT_BODIES) == 43 and table.unknown_forces == ()
    picture = nm.national_picture(table.rows, national.force_populations(areas), "West Yorkshire", "2017/18")
    row = picture.summary.set_index("measure").loc[nm.ALL_OFFENCES]
    assert row["offences"] == total
    assert_allclose(row["rate"], total / persons * 1000)
    assert row["forces"] == 43
    # the City of London's 7,375 residents put it first on the rate of all offences, flagged
    rates = picture.rates[picture.rates["measure"] == nm.ALL_OFFENCES].set_index("force")
    assert rates.at["London, City of", "rank"] == 1 and rates.at["London, City of", "small_base"]
    assert row["small_base_above"] == "London, City of"
    assert "London, City of" not in picture.peers and len(picture.peers) == 7
    soc = nm.sentences(picture.summary, soc=True)
    assert [t.split(":")[0] for t in soc] == list(nm.SOC_OFFENCES)
    assert soc[0].startswith(
        f"Trafficking in controlled drugs: {picture.summary.set_index('measure').at['Trafficking in controlled drugs', 'rate']:,.2f} per 1,000"
    )
    assert "Fraud offences" not in " ".join(nm.sentences(picture.summary, soc=False))  # no force records fraud
