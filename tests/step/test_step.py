"""octoclr.step in a reproduced Octopus script step: a Tentacle's program folder holding the
client, the step's variables, a simulator as the Octopus Server, and no way to download."""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import pytest

from tests.support.feed import NuGetTestFeed
from tests.support.lookalike import LookalikeBuild
from tests.samples.harness import SAMPLES, ServerFacts, lines_with, run_ok, run_python, script_environment

HERE = Path(__file__).resolve().parent
CALAMARI_LIKE = HERE / "calamari_like.py"


STEP_SCRIPT = """\
import octoclr.runtime
import octoclr.step

repository = octoclr.step.connect(get_octopusvariable("ApiKey"))

loaded = octoclr.runtime.current()
for assembly in loaded.assemblies:
    print(f"Assembly {assembly.GetName().Name} at {assembly.Location}")
for project in repository.projects.get_all():
    print(f"Project {project.id}: {project.name} (space {project.space_id})")
"""


@pytest.fixture
def tentacle_folder(tmp_path: Path, runtime_name: str, lookalike: LookalikeBuild) -> Path:
    """The program folder of a Tentacle installed on Linux, with the client it ships: the
    build the runtime takes (.NET Core's on CoreCLR, .NET Framework's on Mono) and its
    Newtonsoft.Json."""
    folder = tmp_path / "opt" / "octopus" / "tentacle"
    folder.mkdir(parents=True)
    # Debian's Newtonsoft.Json is the net45 build; on CoreCLR it needs the test stand-in of
    # System.Security.Permissions beside it (a real Tentacle ships a .NET Core Newtonsoft).
    for assembly in lookalike.assemblies(runtime_name):
        shutil.copy2(assembly, folder / assembly.name)
    agent = folder / "Tentacle"
    agent.write_text("#!/bin/sh\nexit 0\n")
    agent.chmod(agent.stat().st_mode | stat.S_IXUSR)
    return folder


@pytest.fixture
def feed(lookalike_source: Path) -> Iterator[NuGetTestFeed]:
    """A feed that would serve the client: the step must never ask it."""
    with NuGetTestFeed(sorted(lookalike_source.glob("*.nupkg"))) as running:
        yield running


def as_step(runtime_name: str, folder: Path, script: Path, variables: Optional[Path] = None) -> List[str]:
    """The command that runs ``script`` as Octopus runs a step script (see calamari_like.py)."""
    command = [str(CALAMARI_LIKE)]
    if variables is not None:
        command += ["--variables", str(variables)]
    shim = folder / "System.Security.Permissions.dll"
    if runtime_name == "coreclr" and shim.is_file():
        command += ["--preload", str(shim)]
    return [*command, str(script)]


def step_variables(facts: ServerFacts, folder: Path, space_id: str) -> Dict[str, str]:
    return {
        "Octopus.Tentacle.Agent.ProgramDirectoryPath": str(folder),
        "Octopus.Web.ServerUri": facts.url,
        "Octopus.Space.Id": space_id,
        "Octopus.Environment.Name": "Production",
        "ApiKey": facts.api_key,
    }


def step_environment(runtime_name: str, feed: NuGetTestFeed, cache: Path) -> Dict[str, str]:
    return script_environment(runtime_name, None, cache, OCTOCLR_SOURCE=feed.url)


def assert_loaded_from(out: str, folder: Path) -> None:
    locations = {line.split(" at ", 1)[0][len("Assembly "):]: Path(line.split(" at ", 1)[1]) for line in lines_with(out, "Assembly ")}
    assert locations["Octopus.Client"].resolve() == (folder / "Octopus.Client.dll").resolve()
    assert locations["Newtonsoft.Json"].resolve() == (folder / "Newtonsoft.Json.dll").resolve()


def assert_nothing_downloaded(feed: NuGetTestFeed, cache: Path) -> None:
    assert feed.requests == []
    assert not list(cache.rglob("*.nupkg"))


def project_lines(facts: ServerFacts, space_id: str) -> List[str]:
    projects = facts.projects_by_space[space_id]
    assert projects, f"the demo data should hold projects in {space_id}"
    return sorted(f"Project {p['Id']}: {p['Name']} (space {space_id})" for p in projects)


def test_step_connects_in_its_space_with_the_client_of_its_tentacle(
    runtime_name: str, tentacle_folder: Path, feed: NuGetTestFeed, live_simulator: ServerFacts, tmp_path: Path
) -> None:
    space_id = live_simulator.demo_space["Id"]
    variables = tmp_path / "variables.json"
    variables.write_text(json.dumps(step_variables(live_simulator, tentacle_folder, space_id)))
    script = tmp_path / "Script.py"
    script.write_text(STEP_SCRIPT)
    cache = tmp_path / "cache"

    out = run_ok(as_step(runtime_name, tentacle_folder, script, variables), step_environment(runtime_name, feed, cache), cwd=tmp_path)

    assert sorted(lines_with(out, "Project ")) == project_lines(live_simulator, space_id)
    assert_loaded_from(out, tentacle_folder)
    assert_nothing_downloaded(feed, cache)
    assert live_simulator.api_key not in out


def test_step_variables_from_the_environment(
    runtime_name: str, tentacle_folder: Path, feed: NuGetTestFeed, live_simulator: ServerFacts, tmp_path: Path
) -> None:
    space_id = live_simulator.default_space["Id"]
    script = tmp_path / "script.py"
    script.write_text(STEP_SCRIPT.replace('get_octopusvariable("ApiKey")', 'octoclr.step.variable("ApiKey")'))
    env = step_environment(runtime_name, feed, tmp_path / "cache")
    for name, value in step_variables(live_simulator, tentacle_folder, space_id).items():
        env[name.replace(".", "_").upper()] = value

    out = run_ok(as_step(runtime_name, tentacle_folder, script), env, cwd=tmp_path)

    assert sorted(lines_with(out, "Project ")) == project_lines(live_simulator, space_id)
    assert_loaded_from(out, tentacle_folder)
    assert_nothing_downloaded(feed, tmp_path / "cache")


def test_the_step_sample_inside_a_step(
    runtime_name: str, tentacle_folder: Path, feed: NuGetTestFeed, live_simulator: ServerFacts, tmp_path: Path
) -> None:
    space_id = live_simulator.demo_space["Id"]
    variables = tmp_path / "variables.json"
    variables.write_text(json.dumps(step_variables(live_simulator, tentacle_folder, space_id)))

    command = as_step(runtime_name, tentacle_folder, SAMPLES / "octopus_step.py", variables)
    out = run_ok(command, step_environment(runtime_name, feed, tmp_path / "cache"), cwd=tmp_path)

    assert out.splitlines()[0] == f"Inside an Octopus step: Octopus.Client from {tentacle_folder}"
    assert sorted(lines_with(out, "Project ")) == project_lines(live_simulator, space_id)
    assert_nothing_downloaded(feed, tmp_path / "cache")


def test_a_wrong_api_key_is_refused_without_showing_it(
    runtime_name: str, tentacle_folder: Path, feed: NuGetTestFeed, live_simulator: ServerFacts, tmp_path: Path
) -> None:
    wrong_key = "API-WRONGSTEPKEY000000000001"
    variables = tmp_path / "variables.json"
    values = step_variables(live_simulator, tentacle_folder, live_simulator.demo_space["Id"])
    variables.write_text(json.dumps(dict(values, ApiKey=wrong_key)))
    script = tmp_path / "Script.py"
    script.write_text(STEP_SCRIPT)

    finished = run_python(as_step(runtime_name, tentacle_folder, script, variables), step_environment(runtime_name, feed, tmp_path / "cache"), tmp_path)

    assert finished.returncode != 0
    assert "octoclr.errors.SecurityError" in finished.stderr, finished.explain()
    assert wrong_key not in finished.stdout + finished.stderr
