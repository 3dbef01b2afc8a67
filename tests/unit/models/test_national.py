"""The national tables and the national picture: hand-made five-force table and the real one."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from cli.national import main as national_cli
from core.errors import InputFileError
from core.settings import Settings, override_settings
from models import national as nm
from records import national_table as national

HEADER = (
    "Financial Year,Financial Quarter,Force Name,Offence Description,Offence Group,Offence Subgroup,"
    "Offence Code,Number of Offences"
)
OFFENCES = {
    "92A": ("Trafficking in controlled drugs", "Drug offences", "Trafficking of drugs"),
    "92D": ("Possession of controlled drugs (excl. Cannabis)", "Drug offences", "Possession of drugs"),
    "34B": ("Robbery of personal property", "Robbery", "Robbery of personal property"),
    "106": ("Modern slavery", "Violence against the person", "Violence without injury"),
    "10D": ("Possession of article with blade or point", "Possession of weapons offences", "Possession of weapons"),
}
# (quarter, force, code, offences): negative adjustments, and one key published twice (C, Q2, 92A)
ROWS = [
    (1, "Alpha", "92A", 30), (2, "Alpha", "92A", 20), (1, "Alpha", "92D", 40), (1, "Alpha", "34B", 10),
    (1, "Alpha", "106", 3), (2, "Alpha", "106", -1),
    (1, "Bravo", "92A", 50), (2, "Bravo", "92A", 30), (1, "Bravo", "92D", 100), (2, "Bravo", "34B", 40),
    (1, "Bravo", "10D", 12),
    (1, "Charlie", "92A", 100), (2, "Charlie", "92A", 120), (2, "Charlie", "92A", -5), (1, "Charlie", "92D", 150),
    (1, "Charlie", "34B", 60),
    (1, "Delta", "92A", 20), (1, "Delta", "92D", 5),
    (1, "Echo, The", "92A", 300), (2, "Echo, The", "92A", 250), (1, "Echo, The", "92D", 700),
    (2, "Echo, The", "34B", 200), (1, "Echo, The", "106", 8),
    (1, "British Transport Police", "92A", 10),
]  # fmt: skip
PERSONS = {"Alpha": 100_000, "Bravo": 200_000, "Charlie": 400_000, "Delta": 50_000, "Echo, The": 1_000_000}


def _line(quarter: int, force: str, code: str, n: int, year: str = "2017/18") -> str:
    description, group, subgroup = OFFENCES[code]
    quoted = f'"{force}"' if "," in force else force
    return f"{year},{quarter},{quoted},{description},{group},{subgroup},{code},{n}"


def _table(rows: list[tuple[int, str, str, int]] = ROWS) -> bytes:
    return ("\n".join([HEADER, *(_line(*r) for r in rows)]) + "\n").encode("utf-8")


def _areas() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "lad11cd": [f"E0600000{i}" for i in range(len(PERSONS))],
            "lad11nm": list(PERSONS),
            "force": list(PERSONS),
            "persons": list(PERSONS.values()),
            "households": [n // 2 for n in PERSONS.values()],
            "hectares": [10_000.0] * len(PERSONS),
        }
    )


def test_the_table_is_read_with_negative_adjustments_summed_and_bodies_without_residents_reported():
    table = national.parse_recorded_crime(_table(), "hand.csv", _areas())
    assert table.rows_read == len(ROWS) and table.negative_rows == 2
    assert table.years == ["2017/18"]
    assert table.no_resident_forces == ("British Transport Police",) and table.unknown_forces == ()
    charlie = table.rows[(table.rows["force"] == "Charlie") & (table.rows["offence_code"] == "92A")]
    assert charlie.set_index("quarter")["offences"].to_dict() == {1: 100, 2: 115}  # 120 - 5, never clipped
    alpha = table.rows[(table.rows["force"] == "Alpha") & (table.rows["offence_code"] == "106")]
    assert alpha["offences"].tolist() == [3, -1]


def test_rates_ranks_and_funnel_limits_by_hand():
    table = national.parse_recorded_crime(_table(), "hand.csv", _areas())
    pops = national.force_populations(_areas())
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
    table = national.parse_recorded_crime(_table(), "hand.csv", _areas())
    pops = national.force_populations(_areas())
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


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("2017-18,1,Alpha,x,Drug offences,y,92A,3", "line 3: Financial Year '2017-18' is not like 2017/18"),
        ("2017/18,5,Alpha,x,Drug offences,y,92A,3", "line 3: Financial Quarter '5' is not 1, 2, 3 or 4"),
        ("2017/18,1,,x,Drug offences,y,92A,3", "line 3: Force Name is empty"),
        ("2017/18,1,Alpha,x,Drug offences,y,92A,3.5", "line 3: Number of Offences '3.5' is not a whole number"),
        ("2017/18,1,Alpha", "line 3: 3 fields, 8 expected"),
    ],
)
def test_a_bad_row_names_the_file_and_line(line: str, problem: str):
    content = (HEADER + "\n" + _line(1, "Alpha", "92A", 4) + "\n" + line + "\n").encode()
    with pytest.raises(InputFileError, match="new.csv") as caught:
        national.parse_recorded_crime(content, "new.csv")
    assert problem in str(caught.value)


def test_an_unusable_file_says_why():
    with pytest.raises(InputFileError, match="the header lacks Offence Code"):
        national.parse_recorded_crime(HEADER.replace("Offence Code", "Code").encode() + b"\n", "x.csv")
    with pytest.raises(InputFileError, match="is empty"):
        national.parse_recorded_crime(b"", "x.csv")
    with pytest.raises(InputFileError, match="not UTF-8"):
        national.parse_recorded_crime(HEADER.encode() + b"\n2017/18,1,Caf\xe9,x,y,z,1,1\n", "x.csv")
    with pytest.raises(InputFileError, match="line 3: district E06000001 is listed again"):
        national.parse_force_areas(
            b"lad11cd,lad11nm,force,persons,households,hectares\nE06000001,A,F,10,5,1.5\nE06000001,A,F,10,5,1.5\n",
            "areas.csv",
        )


def test_a_newer_table_is_stored_atomically_and_an_unknown_force_stores_nothing(tmp_path: Path):
    real = Settings().recorded_crime_file
    with override_settings(store_dir=tmp_path / "store"):
        assert national.recorded_crime_path() == real and national.stored_table_meta() is None
        newer = real.read_bytes().replace(b"2017/18,", b"2018/19,")
        table = national.store_recorded_crime(newer, "prc_pfa_2018_19.csv")
        assert table.years == ["2018/19"]
        assert national.recorded_crime_path() == national.stored_table_path()
        assert national.stored_table_meta()["source"] == "prc_pfa_2018_19.csv"
        assert national.read_recorded_crime().years == ["2018/19"]
        token = national.table_token()
        misspelt = newer.replace(b",West Yorkshire,", b",West Yorks,")
        with pytest.raises(InputFileError, match="West Yorks"):
            national.store_recorded_crime(misspelt, "bad.csv")
        assert national.read_recorded_crime().years == ["2018/19"] and national.table_token() == token
        # a table without the home force cannot be compared: refused, the table in use kept
        without_home = b"\n".join(line for line in newer.split(b"\n") if b",West Yorkshire," not in line)
        with pytest.raises(InputFileError, match="no rows for West Yorkshire in 2018/19"):
            national.store_recorded_crime(without_home, "no_wy.csv")
        assert national.read_recorded_crime().years == ["2018/19"] and national.table_token() == token
        assert not list(national.stored_table_path().parent.glob("*.tmp"))


def test_the_command_lines_check_and_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    path = tmp_path / "bad.csv"
    path.write_bytes(HEADER.encode() + b"\n2017/18,9,Alpha,x,y,z,92A,1\n")
    assert national_cli([str(path), "--store", str(tmp_path / "store")]) == 2
    assert "bad.csv: 1 row(s) cannot be used: line 2: Financial Quarter '9'" in capsys.readouterr().err
    assert not (tmp_path / "store" / "national").exists()
    assert national_cli([str(Settings().recorded_crime_file), "--store", str(tmp_path / "store")]) == 0
    out = capsys.readouterr().out
    assert "23,068 rows, financial years 2017/18" in out and "negative adjustments kept: 36 rows" in out
    assert (tmp_path / "store" / "national" / "prc_pfa.csv").is_file()


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


def test_python_m_cli_national_check_checks_and_reports(tmp_path: Path):
    import subprocess
    import sys

    from core.settings import REPO_DIR

    unknown = tmp_path / "unknown.csv"
    unknown.write_bytes(HEADER.encode() + b"\n2017/18,1,West Yorks,x,y,z,92A,-3\n")
    good = Settings().recorded_crime_file
    run = subprocess.run(
        [sys.executable, "-m", "cli.national", "--check", str(good), str(unknown)],
        cwd=REPO_DIR,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2
    assert "23,068 rows, financial years 2017/18" in run.stdout
    assert "UNKNOWN forces (not in the district table): West Yorks" in run.stdout
    assert "negative adjustments kept: 1 rows" in run.stdout
    assert f"{unknown}: unknown force(s) West Yorks" in run.stderr
