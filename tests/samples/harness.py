"""Run samples, the demo and step scripts as users do: each in its own Python process.

A process hosts one .NET runtime, and users run these scripts as programs, so every
test starts a subprocess with the runtime of the pass (``OCTOCLR_RUNTIME``), the
look-alike client served from a local folder (``OCTOCLR_SOURCE``) and a cache of its
own (``OCTOCLR_CACHE_DIR``). The real Octopus.Client is never downloaded.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Mapping, Optional, Sequence

import httpx
import pytest

if TYPE_CHECKING:
    from tests.support.lookalike import LookalikeBuild

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"

#: Seconds one script may take: hosting a runtime, loading the client and a simulator start.
SCRIPT_TIMEOUT = 300

# Variables of the machine that would point the scripts elsewhere than the test asks.
_SCRUBBED = (
    "OCTOPUS_URL",
    "OCTOPUS_API_KEY",
    "OCTOPUS_SPACE",
    "OCTOPUS_USERNAME",
    "OCTOPUS_PASSWORD",
    "OCTOCLR_SOURCE",
    "OCTOCLR_RUNTIME",
    "OCTOCLR_CACHE_DIR",
    "OCTOPUS_WEB_SERVERURI",
    "OCTOPUS_TENTACLE_AGENT_PROGRAMDIRECTORYPATH",
    "OCTOPUS_SPACE_ID",
)


def script_environment(runtime: str, source: Optional[Path], cache_dir: Path, **extra: str) -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED}
    env["OCTOCLR_RUNTIME"] = runtime
    env["OCTOCLR_CACHE_DIR"] = str(cache_dir)
    if source is not None:
        env["OCTOCLR_SOURCE"] = str(source)
    env["PYTHONUNBUFFERED"] = "1"
    env["PYTHONIOENCODING"] = "utf-8"
    env.update(extra)
    return env


@dataclass(frozen=True)
class Finished:
    returncode: int
    stdout: str
    stderr: str

    def explain(self) -> str:
        return f"exit status {self.returncode}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


def run_python(args: Sequence[str], env: Mapping[str, str], cwd: Path) -> Finished:
    """Run Python in ``cwd``: a folder of the test's own, since a bootstrap writes its lock file
    (``octoclr.lock.json``) into the working directory."""
    done = subprocess.run(
        [sys.executable, *args],
        env=dict(env),
        cwd=str(cwd),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=SCRIPT_TIMEOUT,
    )
    return Finished(done.returncode, done.stdout, done.stderr)


def run_ok(args: Sequence[str], env: Mapping[str, str], cwd: Path) -> str:
    finished = run_python(args, env, cwd)
    assert finished.returncode == 0, finished.explain()
    return finished.stdout


# --- what the demo data holds, read over plain HTTP ------------------------------------------


@dataclass(frozen=True)
class ServerFacts:
    """The state of a simulator, read with httpx rather than through the client under test."""

    url: str
    api_key: str
    username: str
    password: str
    spaces: List[Mapping[str, Any]]
    projects_by_space: Dict[str, List[Mapping[str, Any]]]  # space id -> projects
    environments: List[Mapping[str, Any]]  # of the default space
    machine_1: Mapping[str, Any]  # machines-1 of the default space
    connection: Mapping[str, Any]  # what machines-1's Connection link gives
    current_user: Mapping[str, Any]
    root: Mapping[str, Any]  # the root document

    @property
    def default_space(self) -> Mapping[str, Any]:
        return next(s for s in self.spaces if s.get("IsDefault"))

    @property
    def demo_space(self) -> Mapping[str, Any]:
        return next(s for s in self.spaces if not s.get("IsDefault"))

    def space_named(self, name: str) -> Mapping[str, Any]:
        return next(s for s in self.spaces if s["Name"] == name)


def read_facts(url: str, api_key: str, username: str, password: str) -> ServerFacts:
    with httpx.Client(base_url=url, headers={"X-Octopus-ApiKey": api_key}, timeout=30) as http:

        def get(path: str) -> Any:
            response = http.get(path)
            response.raise_for_status()
            return response.json()

        root = get("/api")
        spaces = get("/api/spaces/all")
        default_id = next(s["Id"] for s in spaces if s.get("IsDefault"))
        machine_1 = get(f"/api/{default_id}/machines/machines-1")
        projects = {s["Id"]: get(f"/api/{s['Id']}/projects/all") for s in spaces}
        return ServerFacts(
            url=url,
            api_key=api_key,
            username=username,
            password=password,
            spaces=spaces,
            projects_by_space=projects,
            environments=get(f"/api/{default_id}/environments/all"),
            machine_1=machine_1,
            connection=get(machine_1["Links"]["Connection"]),
            current_user=get("/api/users/me"),
            root=root,
        )


def simulator_facts(seed: str = "demo") -> Iterator[ServerFacts]:
    """A simulator with the demo data, and what it holds (for a fixture to yield)."""
    from octoclr.testing import Simulator

    with Simulator(seed=seed) as simulator:
        yield read_facts(simulator.url.rstrip("/"), simulator.api_key, simulator.username, simulator.password)


def lines_with(text: str, prefix: str) -> List[str]:
    return [line for line in text.splitlines() if line.startswith(prefix)]


# --- fixtures shared by tests/samples, tests/demo and tests/step (imported by their conftest) --


@pytest.fixture(scope="session")
def demo_facts() -> Iterator[ServerFacts]:
    """What a fresh simulator with the demo data holds: the scripts' own simulators start the same."""
    yield from simulator_facts()


@pytest.fixture
def live_simulator() -> Iterator[ServerFacts]:
    """A simulator with the demo data that this test owns, for scripts pointed at it by OCTOPUS_URL."""
    yield from simulator_facts()


# --- the look-alike client, built once per session ------------------------------------------


@pytest.fixture(scope="session")
def lookalike(build_dir: Path) -> "LookalikeBuild":
    """The look-alike Octopus.Client compiled for net45 and netstandard2.0 (tests/support/lookalike.py)."""
    from tests.support.csharp import mcs_available
    from tests.support.lookalike import build_lookalike
    from tests.support.nupkg import NEWTONSOFT_NUPKG

    if not mcs_available():
        pytest.skip("mcs (mono-devel) is needed to build the look-alike Octopus.Client")
    if not NEWTONSOFT_NUPKG.is_file():
        pytest.skip(f"{NEWTONSOFT_NUPKG} is needed (Debian package nupkg-newtonsoft.json.6.0.8)")
    return build_lookalike(build_dir)


@pytest.fixture(scope="session")
def lookalike_source(lookalike: "LookalikeBuild", build_dir: Path) -> Path:
    """A folder with the look-alike Octopus.Client nupkg and Debian's Newtonsoft.Json, for OCTOCLR_SOURCE."""
    import shutil

    from tests.support.lookalike import pack_lookalike
    from tests.support.nupkg import NEWTONSOFT_NUPKG

    folder = build_dir / "lookalike-source"
    pack_lookalike(build_dir, output_dir=folder)
    shutil.copy2(NEWTONSOFT_NUPKG, folder / NEWTONSOFT_NUPKG.name.lower())
    return folder
