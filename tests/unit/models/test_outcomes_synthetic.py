"""The synthetic Crimestoppers and survey generator: the bundled demo files are its output."""

from __future__ import annotations

from models.outcomes_synthetic import demo_csv, make_crimestoppers, make_survey
from records import outcome_files as outcomes


def test_the_bundled_demo_files_are_the_generators_output():
    for kind, frame in (("crimestoppers", make_crimestoppers(2017)), ("survey", make_survey(2017))):
        assert outcomes.DEMO_FILES[kind].read_text(encoding="utf-8") == demo_csv(frame, 2017)
