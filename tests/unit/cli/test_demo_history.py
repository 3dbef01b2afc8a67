"""cli.demo_history: the demonstration history's truth, and a history too short refused."""

from __future__ import annotations

import json

import pytest

from cli.demo_history import MIN_MONTHS, main

pytestmark = pytest.mark.sample  # patterned on the bundled real months


def test_the_truth_is_printed_for_the_seed(capsys: pytest.CaptureFixture[str]):
    assert main(["--seed", "5", "--json"]) == 0
    out = capsys.readouterr().out
    truth = json.loads(out[out.index("{") :])
    assert len(truth["months"]) == 36 and truth["months"][-1] == "2017-07"
    assert {c["district"] for c in truth["campaigns"]} == {"Leeds", "Bradford", "Kirklees", "Wakefield"}


def test_a_history_too_short_for_its_campaigns_is_refused(capsys: pytest.CaptureFixture[str]):
    with pytest.raises(SystemExit) as stop:
        main(["--months", str(MIN_MONTHS - 1)])
    assert stop.value.code == 2 and f"at least {MIN_MONTHS}" in capsys.readouterr().err
