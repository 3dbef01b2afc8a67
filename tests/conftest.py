"""Shared fixtures: tiny hand-made CSVs and a store holding the real bundled sample."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from core.settings import POLICE_UK_COLUMNS, Settings, override_settings

(SAMPLE_DIR,) = Settings().sample_paths  # the bundled data.police.uk months
HEADER = ",".join(POLICE_UK_COLUMNS)


def street_row(
    crime_id: str = "",
    month: str = "2017-07",
    lon: str = "-1.549",
    lat: str = "53.800",
    location: str = "On or near Park Row",
    lsoa_code: str = "E01011365",
    lsoa_name: str = "Leeds 111B",
    crime_type: str = "Anti-social behaviour",
) -> str:
    """Return one street-level CSV line (no line break)."""
    return ",".join(
        [
            crime_id,
            month,
            "West Yorkshire Police",
            "West Yorkshire Police",
            lon,
            lat,
            f'"{location}"' if "," in location else location,
            lsoa_code,
            lsoa_name,
            crime_type,
            "",
            "",
        ]
    )


def street_csv(rows: Sequence[str], newline: str = "\n") -> bytes:
    """Return a whole CSV (header and rows) as UTF-8 bytes."""
    return (newline.join([HEADER, *rows]) + newline).encode("utf-8")


def zip_bytes(members: dict[str, bytes]) -> bytes:
    """Return a deflated zip archive holding ``members`` (name -> content)."""
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in members.items():
            z.writestr(name, content)
    return buf.getvalue()


def without_marker(path: Path) -> bytes:
    """An OCG file without its '#' lines: the SYNTHETIC marker gone, real data as far as
    anyone can tell."""
    return b"\n".join(line for line in path.read_bytes().split(b"\n") if not line.startswith(b"#"))


@pytest.fixture()
def tmp_store_dir(tmp_path: Path) -> Iterator[Path]:
    """A fresh store folder, installed as the settings' store for the test."""
    store_dir = tmp_path / "store"
    with override_settings(store_dir=store_dir):
        yield store_dir


@pytest.fixture(scope="session")
def sample_store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the two bundled months (ingested once per test session)."""
    from geo.ingest import ingest
    from geo.store import Store

    store_dir = tmp_path_factory.mktemp("sample") / "store"
    ingest([SAMPLE_DIR], Store(store_dir))
    return store_dir
