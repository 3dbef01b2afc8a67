"""Crimestoppers and survey files: checked line by line, stored atomically, labelled, refused when real in demo mode."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from core.errors import InputFileError
from core.settings import override_settings
from records import outcome_files as outcomes


@pytest.fixture()
def store(tmp_path: Path):
    with override_settings(store_dir=tmp_path / "store"):
        yield tmp_path / "store"


def test_outcome_files_name_the_file_line_and_reason():
    text = b"district,month,reports\nLeeds,2017-01,30\nLeeds,2017-13,4\nYork,2017-02,5\n"
    with pytest.raises(InputFileError) as err:
        outcomes.read_outcome_file(text, "cs.csv", "crimestoppers")
    assert str(err.value) == (
        "cs.csv: line 3: month must be a month YYYY-MM (found '2017-13') (1 more bad line(s)). Nothing was stored"
    )
    survey = b"# a comment\ndistrict,quarter,respondents,confident\nLeeds,2017-Q1,100,120\n"
    with pytest.raises(InputFileError, match=r"survey.csv: line 3: confident \(120\) is more than respondents"):
        outcomes.read_outcome_file(survey, "survey.csv", "survey")
    repeat = b"district,month,reports\nLeeds,2017-01,30\nLeeds,2017-01,31\n"
    with pytest.raises(InputFileError, match="line 3: district and month repeat an earlier line"):
        outcomes.read_outcome_file(repeat, "r.csv", "crimestoppers")
    with pytest.raises(InputFileError, match="columns must be district, month, reports"):
        outcomes.read_outcome_file(b"district,month\nLeeds,2017-01\n", "c.csv", "crimestoppers")
    with pytest.raises(InputFileError, match="does not name a generator"):
        outcomes.read_outcome_file(b"# SYNTHETIC DEMONSTRATION DATA\n" + text.split(b"\n", 1)[1][:0] +
                                   b"district,month,reports\nLeeds,2017-01,30\n", "c.csv", "crimestoppers")  # fmt: skip


def test_outcome_loads_are_atomic_labelled_and_refused_when_real_in_demo(store: Path):
    demo = outcomes.ensure_demo()
    assert demo.synthetic("crimestoppers") and demo.synthetic("survey")
    before = outcomes.load_outcomes().crimestoppers
    real = b"district,month,reports\nLeeds,2017-01,30\n"
    with pytest.raises(InputFileError, match="real data cannot be loaded while the app runs in demo mode"):
        outcomes.load_outcome_file(real, "real.csv", "crimestoppers", demo=True)
    with pytest.raises(InputFileError, match="line 2"):
        outcomes.load_outcome_file(b"district,month,reports\nLeeds,x,1\n", "bad.csv", "crimestoppers", demo=False)
    assert outcomes.load_outcomes().crimestoppers.equals(before)  # nothing stored is lost
    stored = outcomes.load_outcome_file(real, "real.csv", "crimestoppers", demo=False)
    assert not stored["synthetic"].any()
    now = outcomes.load_outcomes()
    assert not now.synthetic("crimestoppers") and now.synthetic("survey")
    assert now.sources["crimestoppers"] == "real.csv"


def test_the_demonstration_historys_outcome_files_are_synthetic_and_others_are_refused(tmp_path):
    from models.demo_history import outcome_csv

    frame = pd.DataFrame({"district": ["Leeds"], "month": ["2017-01"], "reports": [30]})
    stored = outcomes.store_demo_file("crimestoppers", outcome_csv(frame, 7), "h.csv", tmp_path)
    assert stored["synthetic"].all() and outcomes.load_outcomes(tmp_path).synthetic("crimestoppers")
    with pytest.raises(InputFileError, match="no '# SYNTHETIC DEMONSTRATION DATA' first line"):
        outcomes.store_demo_file(
            "survey", b"district,quarter,respondents,confident\nLeeds,2017-Q1,300,200\n", "s.csv", tmp_path
        )
    assert not outcomes.load_outcomes(tmp_path).loaded("survey")
