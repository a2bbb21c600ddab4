"""Fixtures for the bootstrap tests: test packages built once per session, a local NuGet feed,
and an environment with no stray octoclr settings."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, Iterator

import pytest

from tests.support.feed import BuiltPackages, NuGetTestFeed, nuget_feed, nuget_test_packages  # noqa: F401

#: Settings that would leak the developer's machine into a test.
ISOLATED_ENV = (
    "OCTOCLR_SOURCE",
    "OCTOCLR_CACHE_DIR",
    "OCTOCLR_RUNTIME",
    "OCTOCLR_LOCK_FILE",
    "OCTOCLR_DOWNLOAD_DEADLINE",
    "NUGET_PACKAGES",
    "XDG_DATA_HOME",
    "LOCALAPPDATA",
    "ProgramFiles",
    "Octopus.Tentacle.Agent.ProgramDirectoryPath",
    "Octopus_Tentacle_Agent_ProgramDirectoryPath",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
)


@pytest.fixture
def test_packages(nuget_test_packages: BuiltPackages) -> BuiltPackages:
    return nuget_test_packages


@pytest.fixture
def feed(nuget_feed: NuGetTestFeed) -> Iterator[NuGetTestFeed]:
    """The session's feed with no faults armed and no requests counted."""
    nuget_feed.reset()
    yield nuget_feed
    nuget_feed.reset()


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ISOLATED_ENV:
        monkeypatch.delenv(name, raising=False)
    # Short timeouts and pauses keep the fault tests quick (the messages quote them).
    monkeypatch.setenv("OCTOCLR_HTTP_TIMEOUT", "1")
    monkeypatch.setenv("OCTOCLR_HTTP_RETRIES", "2")
    monkeypatch.setenv("OCTOCLR_HTTP_BACKOFF", "0.05")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    # PowerShell's and NuGet's package folders are found from HOME: the developer's own stay out.
    home = tmp_path.parent / f"{tmp_path.name}-home"
    home.mkdir(exist_ok=True)
    monkeypatch.setenv("HOME", str(home))
    from octoclr.nuget import local

    monkeypatch.setattr(local, "UNIX_ALL_USERS", tmp_path.parent / f"{tmp_path.name}-all-users")
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "cache"


@pytest.fixture
def lock_path(tmp_path: Path) -> Path:
    return tmp_path / "project" / "octoclr.lock.json"


def snapshot(*roots: Path) -> Dict[str, bytes]:
    """Every file under the cache's packages and the lock file, with its content."""
    files: Dict[str, bytes] = {}
    for root in roots:
        if root.is_file():
            files[str(root)] = root.read_bytes()
        elif root.is_dir():
            for path in sorted(p for p in root.rglob("*") if p.is_file()):
                if "locks" in path.relative_to(root).parts:
                    continue  # lock files for processes: state of nothing
                files[str(path)] = path.read_bytes()
    return files
