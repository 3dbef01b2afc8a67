"""python -m cli.backtest: the printed table, exit 2 naming what is wrong, and a run on the
bundled sample as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from cli.backtest import format_table, main, run
from models.evaluation import Backtest


def test_the_table_has_a_column_pair_per_coverage_and_a_line_per_method():
    table = pd.DataFrame(
        {
            "method": ["Counts", "Counts", "Hindsight", "Hindsight"],
            "coverage": [0.05, 0.01, 0.01, 0.05],
            "hit_rate": [0.3, 0.1234, 0.2, 0.5],
            "pai": [6.0, 12.34, 20.0, 10.0],
        }
    )
    text = format_table(Backtest(table, ("2016-07",), ("2017-07",), 21_783, 12_345.0))
    header, columns, counts, hindsight = text.split("\n")
    assert header == "train 2016-07  ->  test 2017-07; 21,783 cells, 12,345 test incidents on the grid"
    assert columns.split() == ["method", "1%", "hit", "PAI", "5%", "hit", "PAI"]
    assert counts.split() == ["Counts", "0.123", "12.34", "0.300", "6.00"]  # sorted by coverage
    assert hindsight.split() == ["Hindsight", "0.200", "20.00", "0.500", "10.00"]


def test_months_not_loaded_and_a_bad_resolution_exit_2_saying_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    store = tmp_path / "empty"
    code, text = run(["--train", "2016-07", "--test", "2017-07", "--store", str(store)])
    assert code == 2 and text == f"error: month(s) 2016-07, 2017-07 not loaded in {store} (loaded: none)"
    assert run(["--train", "2016-07", "--test", "2017-07", "--resolution", "12"]) == (
        2,
        "error: resolution must be one of (7, 8, 9, 10)",
    )
    assert main(["--train", "2016-07", "--test", "2017-07", "--store", str(store)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("error: month(s) 2016-07, 2017-07 not loaded")


def test_the_sample_backtest_as_json(sample_store_dir: Path, capsys: pytest.CaptureFixture[str]):
    args = ["--train", "2016-07", "--test", "2017-07", "--store", str(sample_store_dir), "--resolution", "7", "--json"]
    assert main(args) == 0
    payload = json.loads(capsys.readouterr().out)
    assert (payload["train"], payload["test"], payload["resolution"]) == (["2016-07"], ["2017-07"], 7)
    results = pd.DataFrame(payload["results"])
    assert payload["cells"] > 0 and payload["test_incidents"] > 0
    assert results["hit_rate"].between(0, 1).all()
    best = results.groupby("coverage")["hit_rate"].max()
    hindsight = results[results["method"].str.contains("indsight")].set_index("coverage")["hit_rate"]
    assert (hindsight >= best - 1e-12).all()  # nothing beats hindsight
