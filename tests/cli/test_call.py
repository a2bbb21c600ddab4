"""``octoclr call``: output and exit codes, run as a shell user runs it, against the simulator
through the look-alike client on the runtime of the pass."""

from __future__ import annotations

import json
import os
import pty
import re
import secrets as _random
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import Callable, Dict, Iterator, List

import pytest

from octoclr import errors
from tests.cli.support import environment, octoclr_argv, registered, run_octoclr
from tests.samples.harness import SCRIPT_TIMEOUT, Finished, ServerFacts, simulator_facts

@pytest.fixture(scope="module")
def facts() -> Iterator[ServerFacts]:
    """A simulator with the demo data for this module (the calls below only read)."""
    yield from simulator_facts()


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("octoclr-cache")


@pytest.fixture
def call(runtime_name: str, lookalike_source: Path, cache_dir: Path, facts: ServerFacts, tmp_path: Path) -> Callable[..., Finished]:
    """``call("machines", "get", "machines-1", env={...})``: ``octoclr call`` in a fresh process."""

    def run(*args: str, env: Dict[str, str] | None = None, before: List[str] = []) -> Finished:  # noqa: B006
        full = environment(runtime_name, lookalike_source, cache_dir, facts.url, facts.api_key)
        full.update(env or {})
        full = {k: v for k, v in full.items() if v is not None}
        return run_octoclr("call_cmd", [*before, "call", *args], full, tmp_path)

    return run


def one_error_line(finished: Finished) -> str:
    """The one error line a failed command prints (stderr, last), with nothing on stdout.

    Warnings logged on the way (e.g. about the package a runtime loads) may come before it.
    """
    lines = finished.stderr.strip().splitlines()
    assert finished.stdout == "", finished.explain()
    errors_printed = [line for line in lines if line.startswith("octoclr: error: ")]
    assert len(errors_printed) == 1 and lines[-1] == errors_printed[0], finished.explain()
    assert "Traceback" not in finished.stderr, finished.explain()
    return lines[-1]


def no_errors(finished: Finished) -> None:
    assert finished.returncode == 0, finished.explain()
    assert "error" not in finished.stderr.lower() and "Traceback" not in finished.stderr, finished.explain()


def test_call_command_is_registered() -> None:
    """The command line lists ``call`` (octoclr/cli/__init__.py COMMAND_MODULES)."""
    assert registered("call_cmd"), "add 'call_cmd' to COMMAND_MODULES in octoclr/cli/__init__.py"


# --- output -------------------------------------------------------------------------------


def test_get_prints_the_resource_as_the_rest_api_writes_it(call: Callable[..., Finished], facts: ServerFacts) -> None:
    finished = call("machines", "get", "machines-1", "--json")
    assert finished.returncode == 0, finished.explain()
    # One JSON document on stdout, as jq and PowerShell's ConvertFrom-Json read it.
    assert not finished.stdout.startswith("\ufeff")
    machine = json.loads(finished.stdout)
    expected = facts.machine_1
    assert machine["Id"] == expected["Id"]
    assert machine["Name"] == expected["Name"]
    for key in ("Roles", "EnvironmentIds", "Status"):
        assert machine[key] == expected[key]
    no_errors(finished)


def test_method_names_in_kebab_or_snake_case_and_a_space_by_name(call: Callable[..., Finished], facts: ServerFacts) -> None:
    space = facts.demo_space
    expected = sorted(p["Id"] for p in facts.projects_by_space[space["Id"]])
    assert expected, "the demo space has projects"
    for method in ("find-all", "find_all", "FindAll"):
        finished = call("projects", method, "--space", space["Name"], "--json")
        assert finished.returncode == 0, finished.explain()
        assert sorted(p["Id"] for p in json.loads(finished.stdout)) == expected


def test_text_output_is_for_people(call: Callable[..., Finished], facts: ServerFacts) -> None:
    space = facts.demo_space
    finished = call("projects", "find-all", "--space", space["Name"])
    assert finished.returncode == 0, finished.explain()
    with pytest.raises(ValueError):
        json.loads(finished.stdout)
    for project in facts.projects_by_space[space["Id"]]:
        assert f"name: {project['Name']}" in finished.stdout
        assert f"id: {project['Id']}" in finished.stdout


def test_python_style_keys(call: Callable[..., Finished], facts: ServerFacts) -> None:
    finished = call("machines", "get", "machines-1", "--json", "--style", "python")
    assert finished.returncode == 0, finished.explain()
    machine = json.loads(finished.stdout)
    assert machine["id"] == facts.machine_1["Id"]
    assert machine["environment_ids"] == facts.machine_1["EnvironmentIds"]


def test_arguments_take_the_declared_parameter_types(call: Callable[..., Finished], facts: ServerFacts) -> None:
    # An int parameter by name; a params string[] from several arguments.
    finished = call("machines", "list", "take=1", "--json")
    assert finished.returncode == 0, finished.explain()
    assert len(json.loads(finished.stdout)["Items"]) == 1
    finished = call("environments", "get", *[e["Id"] for e in facts.environments[:2]], "--json")
    assert finished.returncode == 0, finished.explain()
    assert [e["Id"] for e in json.loads(finished.stdout)] == [e["Id"] for e in facts.environments[:2]]


def test_objects_are_given_as_json(call: Callable[..., Finished], facts: ServerFacts, tmp_path: Path) -> None:
    name = f"Staging {_random.token_hex(4)}"
    finished = call("environments", "create", json.dumps({"Name": name}), "--json")
    assert finished.returncode == 0, finished.explain()
    created = json.loads(finished.stdout)
    assert created["Name"] == name and created["Id"]
    # What `get --json` prints goes back in, edited, as PowerShell and jq users do.
    created["Description"] = "edited from the command line"
    body = tmp_path / "environment.json"
    body.write_text(json.dumps(created), encoding="utf-8")
    finished = call("environments", "modify", f"@{body}", "--json")
    assert finished.returncode == 0, finished.explain()
    assert json.loads(finished.stdout)["Description"] == "edited from the command line"
    finished = call("environments", "get", created["Id"], "--json")
    assert json.loads(finished.stdout)["Description"] == "edited from the command line"
    # The same name again: the server's validation error, on one line, with its exit code.
    body.write_text(json.dumps({"Name": name}), encoding="utf-8")
    finished = call("environments", "create", f"@{body}")
    assert finished.returncode == errors.ValidationError.exit_code, finished.explain()
    assert name in one_error_line(finished)


def test_a_created_api_key_is_masked_unless_revealed(call: Callable[..., Finished], facts: ServerFacts, tmp_path: Path) -> None:
    # A shell script making a key for a CI job: the user from get-current goes back in as JSON.
    me = call("users", "get-current", "--json")
    assert me.returncode == 0, me.explain()
    user = tmp_path / "me.json"
    user.write_text(me.stdout, encoding="utf-8")
    masked = call("users", "create-api-key", f"@{user}", "purpose=masked", "--json")
    assert masked.returncode == 0, masked.explain()
    created = json.loads(masked.stdout)
    assert created["Purpose"] == "masked" and created["ApiKey"] == "********"
    shown = call("users", "create-api-key", f"@{user}", "purpose=for CI", "--json", "--reveal", "ApiKey")
    assert shown.returncode == 0, shown.explain()
    key = json.loads(shown.stdout)["ApiKey"]
    assert key.startswith("API-") and key != facts.api_key
    # The key printed is a working one.
    works = call("users", "get-current", "--json", env={"OCTOPUS_API_KEY": key})
    assert works.returncode == 0, works.explain()
    assert json.loads(works.stdout)["Id"] == json.loads(me.stdout)["Id"]


# --- errors: one line, an exit code by error class ------------------------------------------


@pytest.mark.parametrize(
    "args, exit_code, words",
    [
        (["machnes", "get", "machines-1"], 2, ["unknown repository 'machnes'", "did you mean machines"]),
        (["machines", "gett", "machines-1"], 2, ["unknown method", "'gett'", "did you mean get"]),
        (["machines", "list", "abc"], 2, ["skip", "whole number", "'abc'"]),
        (["machines", "get"], 2, ["missing id_or_href"]),
        (["machines", "get", "machines-999"], errors.NotFoundError.exit_code, ["machines-999"]),
    ],
    ids=["unknown-repository", "unknown-method", "bad-argument", "missing-argument", "not-found"],
)
def test_errors(call: Callable[..., Finished], args: List[str], exit_code: int, words: List[str]) -> None:
    finished = call(*args)
    assert finished.returncode == exit_code, finished.explain()
    line = one_error_line(finished)
    for word in words:
        assert word in line


def test_text_dotnet_cannot_hold_is_refused_naming_the_argument(call: Callable[..., Finished], tmp_path: Path) -> None:
    # A byte that is not UTF-8 reaches Python's argv as a lone surrogate (surrogateescape);
    # handed to .NET it would end the process. It is an unusable argument instead.
    finished = call("machines", "get", "machines-\udcff")
    assert finished.returncode == errors.ConversionError.exit_code == 2, finished.explain()
    line = one_error_line(finished)
    assert "argument id_or_href" in line and "unpaired surrogate U+DCFF at index 9" in line
    # The same from JSON in a file: half a surrogate pair, escaped.
    body = tmp_path / "environment.json"
    body.write_text('{"Name": "Staging \\ud800"}', encoding="utf-8")
    finished = call("environments", "create", f"@{body}")
    assert finished.returncode == 2, finished.explain()
    assert "argument resource.name" in one_error_line(finished) and "unpaired surrogate U+D800" in one_error_line(finished)
    # A file that is not UTF-8 at all.
    body.write_bytes(b'{"Name": "caf\xe9"}')
    finished = call("environments", "create", f"@{body}")
    assert finished.returncode == 2, finished.explain()
    assert "is not UTF-8 text" in one_error_line(finished)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_unreachable_server(call: Callable[..., Finished]) -> None:
    # The client retries the root document for a minute, as the real one does; the look-alike
    # lets a test shorten that.
    env = {"OCTOCLR_LOOKALIKE_ROOT_RETRY_SECONDS": "1"}
    finished = call("machines", "get", "machines-1", "--server", f"http://127.0.0.1:{_closed_port()}", env=env)
    assert finished.returncode == errors.OctopusConnectionError.exit_code, finished.explain()
    one_error_line(finished)


def test_wrong_api_key_is_refused_and_never_shown(call: Callable[..., Finished], facts: ServerFacts) -> None:
    wrong = "API-" + _random.token_hex(12).upper()
    for how in ({"env": {"OCTOPUS_API_KEY": wrong}}, {"env": {"OCTOPUS_API_KEY": None}, "extra": ["--api-key", wrong]}):
        finished = call("machines", "get", "machines-1", *how.get("extra", []), env=how["env"], before=["--verbose"])
        assert finished.returncode == errors.SecurityError.exit_code, finished.explain()
        assert wrong not in finished.stdout + finished.stderr
        assert wrong[4:] not in finished.stdout + finished.stderr
        assert finished.stderr.strip().splitlines()[-1].startswith("octoclr: error: ")


def test_a_mistyped_option_never_echoes_the_key(call: Callable[..., Finished]) -> None:
    key = "sekrit-" + _random.token_hex(8)
    finished = call("machines", "get", "machines-1", "--apikey", key, "--api-key", key)
    assert finished.returncode == 2, finished.explain()
    assert "unrecognized arguments: --apikey" in finished.stderr
    assert key not in finished.stdout + finished.stderr


def test_the_api_key_never_appears_in_output_or_logs(call: Callable[..., Finished], facts: ServerFacts) -> None:
    finished = call("users", "get-current", "--json", before=["--debug"])
    assert finished.returncode == 0, finished.explain()
    assert json.loads(finished.stdout)["Username"] == facts.current_user["Username"]
    assert "octoclr" in finished.stderr  # debug logging did run
    assert facts.api_key not in finished.stdout + finished.stderr


def test_no_server_given(call: Callable[..., Finished]) -> None:
    finished = call("machines", "get", "machines-1", env={"OCTOPUS_URL": None})
    assert finished.returncode == 2, finished.explain()
    assert "OCTOPUS_URL" in one_error_line(finished)


# --- what the loaded client offers ----------------------------------------------------------


def test_list_shows_repositories_and_methods_of_the_loaded_client(call: Callable[..., Finished]) -> None:
    finished = call("--list", "--json")
    assert finished.returncode == 0, finished.explain()
    listed = json.loads(finished.stdout)
    for repository in ("machines", "projects", "environments", "spaces", "users"):
        assert repository in listed
    assert {"get", "find-all", "find-by-name", "modify"} <= set(listed["machines"])
    assert all(methods for methods in listed.values())
    assert any("Get(string idOrHref)" in s for s in listed["machines"]["get"])


def test_help_lists_repositories_and_a_repositorys_methods(call: Callable[..., Finished]) -> None:
    finished = call("--help")
    assert finished.returncode == 0, finished.explain()
    assert "usage:" in finished.stdout and "exit codes" in finished.stdout
    # a repository's methods may wrap onto indented lines below its name
    machines = re.search(r"^  machines\s+(.*(?:\n {8,}\S.*)*)", finished.stdout, re.MULTILINE)
    assert machines and "get" in machines.group(1).split(), finished.stdout
    finished = call("machines", "--help")
    assert finished.returncode == 0, finished.explain()
    assert "methods of machines" in finished.stdout
    assert "find-by-name" in finished.stdout and "FindByName(string name" in finished.stdout


# --- progress on a terminal, none elsewhere --------------------------------------------------


def _run_with_terminal_stderr(argv: List[str], env: Dict[str, str], cwd: Path) -> Finished:
    master, slave = pty.openpty()
    chunks: List[bytes] = []

    def drain() -> None:
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        done = subprocess.run([sys.executable, *argv], env=env, cwd=str(cwd), stdout=subprocess.PIPE, stderr=slave, timeout=SCRIPT_TIMEOUT)
    finally:
        os.close(slave)
    reader.join(timeout=5)
    os.close(master)
    return Finished(done.returncode, done.stdout.decode("utf-8"), b"".join(chunks).decode("utf-8", "replace"))


def test_progress_counts_requests_on_a_terminal_only(
    runtime_name: str, lookalike_source: Path, cache_dir: Path, facts: ServerFacts, tmp_path: Path, call: Callable[..., Finished]
) -> None:
    env = environment(runtime_name, lookalike_source, cache_dir, facts.url, facts.api_key, OCTOCLR_PROGRESS_DELAY="0")
    argv = octoclr_argv("call_cmd", ["--debug", "call", "machines", "find-all", "--json"])
    finished = _run_with_terminal_stderr(argv, env, tmp_path)
    assert finished.returncode == 0, finished.explain()
    assert len(json.loads(finished.stdout)) >= 1
    assert re.search(r"\r[|/\\-] machines find-all  \d+ requests", finished.stderr), finished.stderr
    counted = re.search(r"machines find-all: done, (\d+) requests", finished.stderr)
    assert counted and int(counted.group(1)) >= 1, finished.stderr
    assert facts.api_key not in finished.stderr

    piped = call("machines", "find-all", "--json", env={"OCTOCLR_PROGRESS_DELAY": "0"})
    assert piped.returncode == 0, piped.explain()
    assert "\r" not in piped.stderr and "requests" not in piped.stderr
