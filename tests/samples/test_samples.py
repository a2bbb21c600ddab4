"""Every sample, run as a user runs it, against the simulator through the look-alike client.

The samples start their own simulator with the demo data; ``demo_facts`` is what a fresh
simulator with the same data holds, read over plain HTTP, so each printed line is checked
against the server rather than against the client that printed it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, Iterable, Mapping, Set

import httpx
import pytest

from tests.samples.harness import SAMPLES, ServerFacts, lines_with, run_python, script_environment

# Each sample and the test that runs it; test_every_sample_is_run keeps this complete.
COVERED = {
    "sync_repository.py",
    "sign_in.py",
    "async_client.py",
    "load_and_save.py",
    "client_links.py",
    "root_document.py",
    "spaces_client.py",
    "spaces_repository.py",
    "octopus_step.py",
}


@pytest.fixture
def env(runtime_name: str, lookalike_source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Dict[str, str]:
    monkeypatch.chdir(tmp_path)  # the samples run here: a bootstrap writes its lock file into the working folder
    return script_environment(runtime_name, lookalike_source, tmp_path / "cache")


def run_sample(name: str, env: Mapping[str, str], facts: ServerFacts) -> str:
    finished = run_python([str(SAMPLES / name)], env, Path.cwd())
    assert finished.returncode == 0, finished.explain()
    for secret in (facts.api_key, facts.password):
        assert secret not in finished.stdout and secret not in finished.stderr
    return finished.stdout


def project_lines(projects: Iterable[Mapping[str, str]]) -> Set[str]:
    return {f"Project {p['Id']}: {p['Name']}" for p in projects}


def test_every_sample_is_run() -> None:
    assert {p.name for p in SAMPLES.glob("*.py")} == COVERED


def test_sync_repository(env: Dict[str, str], demo_facts: ServerFacts) -> None:
    out = run_sample("sync_repository.py", env, demo_facts)
    root = demo_facts.root
    assert f"Connected to {root['Application']} {root['Version']} at http://127.0.0.1:" in out
    environments = {f"Environment {e['Id']}: {e['Name']}" for e in demo_facts.environments}
    assert environments, "the demo data should hold environments"
    assert set(lines_with(out, "Environment ")) == environments


def test_sign_in(env: Dict[str, str], demo_facts: ServerFacts) -> None:
    out = run_sample("sign_in.py", env, demo_facts)
    me = demo_facts.current_user
    assert out.strip() == f"Signed in as {me['Username']} ({me['Id']})"


def test_sign_in_needs_credentials_for_a_real_server(env: Dict[str, str], live_simulator: ServerFacts) -> None:
    env = dict(env, OCTOPUS_URL=live_simulator.url, OCTOPUS_API_KEY=live_simulator.api_key)
    finished = run_python([str(SAMPLES / "sign_in.py")], env, Path.cwd())
    assert finished.returncode == 1
    assert "Set OCTOPUS_USERNAME and OCTOPUS_PASSWORD" in finished.stderr


def test_async_client(env: Dict[str, str], demo_facts: ServerFacts) -> None:
    out = run_sample("async_client.py", env, demo_facts)
    me = demo_facts.current_user
    assert out.splitlines() == [
        f"API key belongs to {me['Username']} ({me['Id']})",
        f"Signed in as {me['Username']} ({me['Id']})",
    ]


def test_load_and_save(env: Dict[str, str], demo_facts: ServerFacts) -> None:
    out = run_sample("load_and_save.py", env, demo_facts)
    machine = demo_facts.machine_1
    assert out.splitlines() == [
        f"Sync:  {machine['Id']} renamed from {machine['Name']!r} to 'Test Server 1'",
        f"Async: {machine['Id']} renamed from 'Test Server 1' to {machine['Name']!r}",
    ]


def test_load_and_save_uses_octopus_url(env: Dict[str, str], live_simulator: ServerFacts) -> None:
    # A name only this server has shows that the sample worked on it, not on a simulator of its own.
    machine_url = live_simulator.machine_1["Links"]["Self"]
    with httpx.Client(base_url=live_simulator.url, headers={"X-Octopus-ApiKey": live_simulator.api_key}) as http:
        machine = http.get(machine_url).json()
        machine["Name"] = "Renamed by the test"
        http.put(machine_url, json=machine).raise_for_status()

        env = dict(env, OCTOPUS_URL=live_simulator.url, OCTOPUS_API_KEY=live_simulator.api_key)
        out = run_sample("load_and_save.py", env, live_simulator)

        assert "renamed from 'Renamed by the test' to 'Test Server 1'" in out
        assert http.get(machine_url).json()["Name"] == "Renamed by the test"


def test_client_links(env: Dict[str, str], demo_facts: ServerFacts) -> None:
    out = run_sample("client_links.py", env, demo_facts)
    link = demo_facts.machine_1["Links"]["Connection"]
    status = demo_facts.connection["Status"]
    assert f"Sync:  {link} -> Status {status}" in out.splitlines()
    assert f"Async: {link} -> Status {status}" in out.splitlines()
    # Plain Python data: the JSON's own field names, not a proxy's.
    assert f"       fields: {', '.join(sorted(demo_facts.connection))}" in out.splitlines()


def test_root_document(env: Dict[str, str], demo_facts: ServerFacts) -> None:
    out = run_sample("root_document.py", env, demo_facts)
    me = f"{demo_facts.current_user['Username']} ({demo_facts.current_user['Id']})"
    assert out.splitlines() == [
        f"Root document link CurrentUser:    {demo_facts.root['Links']['CurrentUser']}",
        f"Sync client.get[UserResource]:     {me}",
        f"repository.users.get_current():    {me}",
        f"Async client.get[UserResource]:    {me}",
    ]


@pytest.mark.parametrize("sample", ["spaces_client.py", "spaces_repository.py"])
def test_spaces(sample: str, env: Dict[str, str], demo_facts: ServerFacts) -> None:
    out = run_sample(sample, env, demo_facts)
    space = demo_facts.demo_space
    projects = demo_facts.projects_by_space[space["Id"]]
    assert projects, "the demo space should hold projects"
    assert lines_with(out, "Space ") == [f"Space {space['Id']}: {space['Name']}"]
    assert set(lines_with(out, "Project ")) == project_lines(projects)
    assert f"Projects in {space['Name']}: {len(projects)}" in out.splitlines()


def test_spaces_honours_octopus_space(env: Dict[str, str], demo_facts: ServerFacts) -> None:
    space = demo_facts.default_space
    out = run_sample("spaces_client.py", dict(env, OCTOPUS_SPACE=space["Name"]), demo_facts)
    assert lines_with(out, "Space ") == [f"Space {space['Id']}: {space['Name']}"]
    assert set(lines_with(out, "Project ")) == project_lines(demo_facts.projects_by_space[space["Id"]])


def test_octopus_step_outside_a_step(env: Dict[str, str], demo_facts: ServerFacts) -> None:
    out = run_sample("octopus_step.py", env, demo_facts)
    space = demo_facts.demo_space
    assert out.splitlines()[0] == "Not inside an Octopus step: using OCTOPUS_URL or the embedded simulator"
    expected = {f"Project {p['Id']}: {p['Name']} (space {space['Id']})" for p in demo_facts.projects_by_space[space["Id"]]}
    assert set(lines_with(out, "Project ")) == expected
