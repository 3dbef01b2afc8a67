"""records.analysis_results: signed results keyed by the store's commit, never stale, never
unpickled unsigned."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import Settings, override_settings
from records import analysis_results as results


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    with override_settings(store_dir=tmp_path / "store", cookie_secret="k" * 40) as s:
        yield s


def test_a_result_comes_back_for_its_commit_and_request_only(settings: Settings):
    key = results.request_key(("2017-07",), 9)
    assert results.save_result("c1", key, {"communities": [1, 2, 3]})
    assert results.load_result("c1", key) == {"communities": [1, 2, 3]}
    assert results.load_result("c2", key) is None  # another state of the store: never stale
    assert results.load_result("c1", results.request_key(("2017-06",), 9)) is None
    assert results.request_key(("2017-07",), 9) == key and len(key) == 32


def test_a_newer_commit_removes_the_results_of_earlier_ones(settings: Settings):
    results.save_result("c1", "a" * 32, 1)
    results.save_result("c2", "a" * 32, 2)
    assert [p.name for p in results.results_dir().iterdir()] == ["c2"]
    assert results.load_result("c1", "a" * 32) is None and results.load_result("c2", "a" * 32) == 2


def test_a_planted_or_changed_file_is_never_unpickled(settings: Settings, tmp_path: Path):
    import pickle

    key = "b" * 32
    results.save_result("c1", key, [1])
    path = results.results_dir() / "c1" / f"{key}.result"
    head, mac, _ = path.read_bytes().split(b"\n", 2)

    class Boom:
        def __reduce__(self):
            return (Path.touch, (tmp_path / "ran",))

    path.write_bytes(head + b"\n" + mac + b"\n" + pickle.dumps(Boom()))  # the old signature, a new payload
    assert results.load_result("c1", key) is None
    assert not (tmp_path / "ran").exists()
    path.write_bytes(b"garbage")
    assert results.load_result("c1", key) is None


def test_another_secret_cannot_read_them_and_without_one_nothing_is_kept(tmp_path: Path):
    with override_settings(store_dir=tmp_path / "store", cookie_secret="k" * 40):
        results.save_result("c1", "c" * 32, 7)
    with override_settings(store_dir=tmp_path / "store", cookie_secret="j" * 40):
        assert results.load_result("c1", "c" * 32) is None
    with override_settings(store_dir=tmp_path / "store", cookie_secret="short"):  # unusable: no secret
        assert not results.save_result("c1", "d" * 32, 7)
        assert results.load_result("c1", "c" * 32) is None


def test_a_commit_id_cannot_name_another_folder(settings: Settings):
    assert results.load_result("../x", "e" * 32) is None
    with pytest.raises(ValueError, match="not a store commit id"):
        results.save_result("../x", "e" * 32, 1)
