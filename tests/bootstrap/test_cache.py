from __future__ import annotations

from pathlib import Path

import pytest

from octoclr.cache import MARKER, PackageCache, default_cache_root


def test_root_from_argument_environment_or_platform(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert default_cache_root(tmp_path / "arg") == (tmp_path / "arg").resolve()
    monkeypatch.setenv("OCTOCLR_CACHE_DIR", str(tmp_path / "env"))
    assert default_cache_root() == (tmp_path / "env").resolve()
    assert default_cache_root(tmp_path / "arg") == (tmp_path / "arg").resolve()
    monkeypatch.delenv("OCTOCLR_CACHE_DIR")
    assert "octoclr" in str(default_cache_root()).lower()


def test_an_entry_appears_whole_and_an_incomplete_one_is_a_miss(tmp_path: Path) -> None:
    cache = PackageCache(tmp_path)
    assert cache.lookup("A", "1.0.0", "net45") is None
    # A folder without its marker (a crash halfway through) is not an entry, and is replaced.
    leftover = cache.entry_dir("A", "1.0.0", "net45")
    leftover.mkdir(parents=True)
    (leftover / "half.dll").write_bytes(b"x")
    assert cache.lookup("A", "1.0.0", "net45") is None
    work = cache.work_dir()
    (work / "A.dll").write_bytes(b"assembly")
    entry = cache.commit_entry(work, "A", "1.0.0", "net45", "sha", (work / "A.dll",), "src")
    assert not work.exists()
    assert entry.assemblies == (leftover / "A.dll",)
    assert not (leftover / "half.dll").exists()
    assert cache.lookup("a", "1.0.0", "net45") == entry
    assert (leftover / MARKER).is_file()


def test_a_second_writer_keeps_the_first_entry(tmp_path: Path) -> None:
    cache = PackageCache(tmp_path)
    for content in (b"first", b"second"):
        work = cache.work_dir()
        (work / "A.dll").write_bytes(content)
        entry = cache.commit_entry(work, "A", "1.0.0", "net45", "sha", (work / "A.dll",), "src")
    assert entry.assemblies[0].read_bytes() == b"first"
    assert list((tmp_path / "tmp").iterdir()) == []


def test_names_from_packages_are_sanitised(tmp_path: Path) -> None:
    cache = PackageCache(tmp_path)
    folder = cache.entry_dir("../../evil", "..", "../x")
    assert tmp_path in folder.resolve().parents
