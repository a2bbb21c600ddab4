"""``octoclr demo``, the main job, run as a new user runs it: a fresh process, a local source."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, List

import pytest

from octoclr.errors import FeedError
from tests.samples.harness import ServerFacts, run_python, script_environment
from tests.support.lookalike import CLIENT_VERSION

# The documentation's flows, in the order the demo walks through them.
SECTIONS = [
    "Bootstrapping Octopus.Client from ",
    "Starting the embedded Octopus Server simulator",
    "Synchronous API",
    "Signing in with a username and password",
    "Working with resources",
    "Working directly with the client",
    "The root document and the current user",
    "Spaces through the client",
    "Spaces through the repository",
    "Asynchronous API",
    "Done",
]


def section_titles(out: str) -> List[str]:
    return [line[3:] for line in out.splitlines() if line.startswith("== ")]


def results(out: str) -> List[str]:
    return [line.strip()[3:] for line in out.splitlines() if line.strip().startswith("-> ")]


def test_demo_walks_through_every_documented_flow(
    runtime_name: str, lookalike_source: Path, tmp_path: Path, demo_facts: ServerFacts
) -> None:
    env = script_environment(runtime_name, lookalike_source, tmp_path / "cache")
    finished = run_python(["-m", "octoclr", "demo"], env, tmp_path)
    assert finished.returncode == 0, finished.explain()
    out = finished.stdout

    titles = section_titles(out)
    assert len(titles) == len(SECTIONS)
    for title, expected in zip(titles, SECTIONS):
        assert title.startswith(expected), titles
    assert titles[0] == f"Bootstrapping Octopus.Client from {lookalike_source}"

    said = results(out)
    assert said[0].startswith(f"Octopus.Client {CLIENT_VERSION} (")
    assert f" on {runtime_name} " in said[0]
    root, me, machine = demo_facts.root, demo_facts.current_user, demo_facts.machine_1
    space = demo_facts.demo_space
    assert f"administrator {demo_facts.username!r}, demo space {space['Name']!r}" in out
    assert f"connected to {root['Application']} {root['Version']} (API {root['ApiVersion']})" in said
    assert f"signed in as {me['Id']} {me['Username']!r}" in said
    assert f"{machine['Id']} {machine['Name']!r}" in said  # loaded
    assert "'Test Server 1'" in said  # saved and read back
    assert f'"Status": "{demo_facts.connection["Status"]}"' in out
    assert root["Links"]["CurrentUser"] in said
    assert said.count(f"{me['Id']} {me['Username']!r}") == 2  # client.get[UserResource] and get_current
    assert f"{space['Id']} {space['Name']!r}" in said
    projects = demo_facts.projects_by_space[space["Id"]]
    assert projects
    for project in projects:
        assert out.count(f"{project['Id']} {project['Name']!r}") == 2  # through the client and the repository
    assert f"saved: {machine['Id']} 'Test Server 1 (async)'" in said

    for secret in (demo_facts.api_key, demo_facts.password):
        assert secret not in out and secret not in finished.stderr


def test_demo_source_option_wins_over_the_environment(runtime_name: str, lookalike_source: Path, tmp_path: Path) -> None:
    env = script_environment(runtime_name, tmp_path / "no-such-folder", tmp_path / "cache")
    finished = run_python(["-m", "octoclr", "demo", "--runtime", runtime_name, "--source", str(lookalike_source)], env, tmp_path)
    assert finished.returncode == 0, finished.explain()
    assert section_titles(finished.stdout)[0] == f"Bootstrapping Octopus.Client from {lookalike_source}"


def test_demo_says_what_to_do_when_nuget_org_is_unreachable(runtime_name: str, tmp_path: Path) -> None:
    from tests.support.feed import unreachable_url

    # Every request to nuget.org goes through a proxy where nothing listens: unreachable on any machine.
    dead_proxy = unreachable_url().rsplit("/v3/", 1)[0]
    env = script_environment(runtime_name, None, tmp_path / "cache")
    for name in ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "https_proxy", "http_proxy", "all_proxy"):
        env[name] = dead_proxy
    env["OCTOCLR_HTTP_RETRIES"] = "0"
    env.pop("NO_PROXY", None)
    env.pop("no_proxy", None)
    finished = run_python(["-m", "octoclr", "demo"], env, tmp_path)
    assert finished.returncode == FeedError.exit_code, finished.explain()
    error_lines = finished.stderr.strip().splitlines()
    assert len(error_lines) == 1, finished.stderr
    assert error_lines[0].startswith("octoclr: error: ")
    assert "nuget.org cannot be reached from here: set OCTOCLR_SOURCE" in error_lines[0]
    assert "program folder" in error_lines[0]
    assert "Starting the embedded" not in finished.stdout


# --- without .NET: the wording of the source error and the command's options ------------------


def test_unreachable_default_source_error_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    import octoclr
    import octoclr.demo as demo

    def unreachable(**kwargs: Any) -> None:
        raise FeedError("Cannot reach https://api.nuget.org/v3/index.json: ConnectError.")

    monkeypatch.delenv("OCTOCLR_SOURCE", raising=False)
    monkeypatch.setattr(octoclr, "load", unreachable)
    with pytest.raises(FeedError) as caught:
        demo.run(write=lambda line: None)
    message = str(caught.value)
    assert "Cannot reach https://api.nuget.org" in message
    assert "set OCTOCLR_SOURCE" in message and "program folder" in message


def test_a_chosen_source_that_fails_is_reported_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    import octoclr
    import octoclr.demo as demo

    def unreachable(**kwargs: Any) -> None:
        raise FeedError(f"Cannot reach {kwargs['source']}.")

    monkeypatch.setattr(octoclr, "load", unreachable)
    with pytest.raises(FeedError, match=r"^Cannot reach http://127\.0\.0\.1:9/\.$"):
        demo.run(source="http://127.0.0.1:9/", write=lambda line: None)


def test_demo_command_options(monkeypatch: pytest.MonkeyPatch) -> None:
    import octoclr.demo as demo
    from octoclr.cli import demo_cmd

    calls = []

    def run(**kwargs: Any) -> int:
        calls.append(kwargs)
        return 0

    monkeypatch.setattr(demo, "run", run)
    parser = argparse.ArgumentParser()
    demo_cmd.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["demo", "--runtime", "mono", "--source", "/feed", "--version", "[22,23)"])
    assert args.handler(args) == 0
    assert calls == [{"runtime": "mono", "source": "/feed", "version": "[22,23)"}]
