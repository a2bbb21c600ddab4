"""Fixtures for the bootstrap tests: test packages built once per session, a local NuGet feed,
and an environment with no stray octoclr settings."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List

import pytest

from tests.support.csharp import mcs_available
from tests.support.feed import NuGetTestFeed
from tests.support.nupkg import NEWTONSOFT_NUPKG, build_test_client, compile_test_client

CLIENT_VERSIONS = ("7.1.0", "8.2.0", "11.0.0", "22.0.0-beta")

#: Settings that would leak the developer's machine into a test.
ISOLATED_ENV = (
    "OCTOCLR_SOURCE",
    "OCTOCLR_CACHE_DIR",
    "OCTOCLR_RUNTIME",
    "Octopus.Tentacle.Agent.ProgramDirectoryPath",
    "Octopus_Tentacle_Agent_ProgramDirectoryPath",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
)


@dataclass
class TestPackages:
    folder: Path  # every good package, as a feed folder would hold them
    client_dlls: Dict[str, Path]
    newtonsoft: Path
    clients: Dict[str, Path] = field(default_factory=dict)

    def all(self) -> List[Path]:
        return [self.newtonsoft, *self.clients.values()]


@pytest.fixture(scope="session")
def test_packages(build_dir: Path) -> TestPackages:
    if not mcs_available():
        pytest.skip("mcs (mono-devel) is needed to build the test packages")
    if not NEWTONSOFT_NUPKG.is_file():
        pytest.skip(f"{NEWTONSOFT_NUPKG} (Debian's nupkg-newtonsoft.json) is needed")
    folder = build_dir / "feed"
    folder.mkdir()
    newtonsoft = folder / "newtonsoft.json.6.0.8.nupkg"
    shutil.copyfile(NEWTONSOFT_NUPKG, newtonsoft)
    dlls = compile_test_client(build_dir)
    packages = TestPackages(folder, dlls, newtonsoft)
    for version in CLIENT_VERSIONS:
        packages.clients[version] = build_test_client(folder, version, dlls)
    return packages


@pytest.fixture(scope="session")
def nuget_feed_session(test_packages: TestPackages) -> Iterator[NuGetTestFeed]:
    with NuGetTestFeed(test_packages.all(), hang_seconds=30) as feed:
        yield feed


@pytest.fixture
def feed(nuget_feed_session: NuGetTestFeed) -> Iterator[NuGetTestFeed]:
    """The session's feed with no faults armed and no requests counted."""
    nuget_feed_session.reset()
    yield nuget_feed_session
    nuget_feed_session.reset()


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ISOLATED_ENV:
        monkeypatch.delenv(name, raising=False)
    # Short timeouts and pauses keep the fault tests quick; the values are what is tested.
    monkeypatch.setenv("OCTOCLR_HTTP_TIMEOUT", "1")
    monkeypatch.setenv("OCTOCLR_HTTP_RETRIES", "2")
    monkeypatch.setenv("OCTOCLR_HTTP_BACKOFF", "0.05")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
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
