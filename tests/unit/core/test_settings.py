"""Settings: every data path under data_dir, overrides followed by the readers."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from core.errors import InputFileError
from core.settings import CRIME_TYPES, REPO_DIR, STORED_RESOLUTIONS, Settings, get_settings, override_settings
from geo.schemas import H3_COLUMNS, INCIDENT_COLUMNS
from records import reference


def _data_files(s: Settings) -> list[Path]:
    return [s.lsoa_boundaries_file, s.lsoa_population_file, s.harm_weights_file, s.comms_themes_file, *s.sample_paths]


def test_default_data_paths_are_the_bundled_files_under_data_dir():
    s = Settings()
    assert s.data_dir == REPO_DIR / "data"
    assert s.lsoa_boundaries_file == REPO_DIR / "data" / "boundaries" / "west_yorkshire_lsoa_2011_bsc.geojson"
    assert s.lsoa_population_file == REPO_DIR / "data" / "population" / "west_yorkshire_lsoa_census2011.csv"
    assert s.harm_weights_file == REPO_DIR / "data" / "harm_weights.csv"
    assert s.comms_themes_file == REPO_DIR / "data" / "comms_themes.csv"
    assert s.sample_paths == (REPO_DIR / "data" / "police_uk",)
    assert all(path.exists() for path in _data_files(s))


def test_every_data_path_follows_data_dir_through_overrides(tmp_path: Path):
    with override_settings(data_dir=tmp_path) as s:
        assert get_settings() is s
        assert all(path.is_relative_to(tmp_path) for path in _data_files(s))
    moved = dataclasses.replace(Settings(), data_dir=tmp_path)
    again = dataclasses.replace(moved, store_dir=tmp_path / "store")  # as override_settings does
    assert again.harm_weights_file == tmp_path / "harm_weights.csv"
    assert get_settings().data_dir == REPO_DIR / "data"


def test_the_store_override_leaves_the_data_paths(tmp_path: Path):
    with override_settings(store_dir=tmp_path / "store") as s:
        assert s.store_dir == tmp_path / "store" and s.audit_file == tmp_path / "store" / "audit.jsonl"
        assert s.harm_weights_file == REPO_DIR / "data" / "harm_weights.csv"


def test_reference_tables_are_read_from_the_settings_data_dir(tmp_path: Path):
    (tmp_path / "harm_weights.csv").write_text(
        "crime_type,weight\n" + "".join(f"{t},{i + 1}\n" for i, t in enumerate(CRIME_TYPES))
    )
    with override_settings(data_dir=tmp_path):
        weights = reference.read_harm_weights()
        assert weights["Anti-social behaviour"] == 1.0 and weights[CRIME_TYPES[-1]] == len(CRIME_TYPES)
        with pytest.raises(InputFileError, match="comms_themes.csv"):
            reference.read_themes()  # not in the new data folder: not read from the old one
    assert reference.read_harm_weights() != weights


def test_the_stored_h3_columns_are_the_documented_ones():
    # data/README.md documents h3_r7 ... h3_r10 to analysts: the one place they are typed out
    assert STORED_RESOLUTIONS == (7, 8, 9, 10)
    assert list(H3_COLUMNS.items()) == [(7, "h3_r7"), (8, "h3_r8"), (9, "h3_r9"), (10, "h3_r10")]
    assert INCIDENT_COLUMNS[-len(H3_COLUMNS) :] == list(H3_COLUMNS.values())
    s = Settings()
    assert set(s.h3_resolutions) <= set(STORED_RESOLUTIONS) and s.h3_default_resolution in s.h3_resolutions
