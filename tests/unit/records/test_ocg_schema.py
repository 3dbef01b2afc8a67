"""OCG register and activity schema checks: every bad row named with its file, line and reason."""

from __future__ import annotations

import pandas as pd

from records.ocg_store import validate_files

ACT_HEADER = "ocg_id,date,longitude,latitude,lsoa_code,activity_type,disruption_level,strand\n"
REG_HEADER = "ocg_id,alias,principal_criminality,home_district,cross_border,threat_tier,status\n"


def test_every_bad_row_is_reported_with_file_line_and_reason():
    reg = (
        REG_HEADER
        + "\n".join(
            [
                "OCG-001,,drugs supply,Leeds,yes,1,active",
                "OCG-001,,drugs supply,Leeds,no,2,active",  # repeated id
                "BAD,,drugs supply,Leeds,no,2,active",  # malformed id
                "OCG-003,,jaywalking,Leeds,no,2,active",  # unknown criminality
                "OCG-004,,firearms,York,no,2,active",  # not a West Yorkshire district
                "OCG-005,,firearms,Leeds,no,7,active",  # tier out of range
            ]
        )
        + "\n"
    )
    act = (
        "# a comment line\n"
        + ACT_HEADER
        + "\n".join(
            [
                "OCG-001,2017-07-01,-1.5,53.8,,arrest,,pursue",
                "OCG-999,2017-07-01,-1.5,53.8,,arrest,,pursue",  # unknown OCG
                "OCG-001,2017-02-30,-1.5,53.8,,arrest,,pursue",  # no such date
                "OCG-001,2017-07-01,,,,arrest,,pursue",  # no location
                "OCG-001,2017-07-01,,,E01011365,disruption,,pursue",  # disruption without level
                "OCG-001,2017-07-01,-1.5,53.8,,arrest,major,pursue",  # level on a non-disruption
                "OCG-001,2017-07-01,0.0,0.0,,arrest,,pursue",  # outside the force area
                "OCG-001,2017-07-01,,,E01011365,disruption,major,prevent",
            ]
        )
        + "\n"
    )
    register, activity, rejects = validate_files(reg.encode(), "reg.csv", act.encode(), "act.csv")
    assert register["ocg_id"].tolist() == ["OCG-001"]
    assert rejects[rejects["file"] == "reg.csv"]["line"].tolist() == [3, 4, 5, 6, 7]
    act_rejects = rejects[rejects["file"] == "act.csv"]
    assert act_rejects["line"].tolist() == [4, 5, 6, 7, 8, 9]
    assert "unknown OCG" in act_rejects["reason"].iloc[0]
    assert len(activity) == 2


def test_activity_coordinates_are_checked_against_the_force_area_setting():
    from core.settings import override_settings
    from records.ocg_schema import ACTIVITY_COLUMNS, check_activity

    frame = pd.DataFrame(
        [["OCG-001", "2017-07-01", "-1.5", "53.8", "", "arrest", "", "pursue"]], columns=list(ACTIVITY_COLUMNS)
    ).assign(line=2)
    good, rejects = check_activity(frame, {"OCG-001"})
    assert len(good) == 1 and rejects.empty
    with override_settings(force_area_bounds=(-1.0, 53.0, 1.0, 54.0)):
        good, rejects = check_activity(frame, {"OCG-001"})
    assert good.empty and rejects["reason"].tolist() == ["longitude: in_range(-1.0, 1.0) (value -1.5)"]
