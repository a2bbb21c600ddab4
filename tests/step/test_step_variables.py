"""How octoclr.step finds a step's variables and says what is wrong, without hosting .NET."""

from __future__ import annotations

import builtins
import os
import runpy
from pathlib import Path
from typing import Any, Dict, Iterator

import pytest

import octoclr
import octoclr.step as step

@pytest.fixture(autouse=True)
def outside_octopus(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in list(os.environ):
        if name.upper().startswith("OCTOPUS") or name.upper() == "APIKEY":
            monkeypatch.delenv(name)
    yield


@pytest.fixture
def never_load(monkeypatch: pytest.MonkeyPatch) -> None:
    def load(**kwargs: Any) -> None:
        raise AssertionError(f"nothing may be loaded here (asked for {kwargs})")

    monkeypatch.setattr(octoclr, "load", load)


def run_as_step(tmp_path: Path, code: str, variables: Dict[str, str]) -> Dict[str, Any]:
    """Run ``code`` the way Octopus runs a step script: get_octopusvariable in its globals."""
    script = tmp_path / "Script.py"
    script.write_text(code)
    return runpy.run_path(str(script), init_globals={"get_octopusvariable": lambda key: variables.get(key, "")})


def client_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "tentacle"
    folder.mkdir()
    (folder / "Octopus.Client.dll").write_bytes(b"MZ")
    return folder


def test_not_in_a_step() -> None:
    assert not step.in_step()
    with pytest.raises(step.NotInStepError, match=r"Not inside an Octopus script step.*octoclr\.connect"):
        step.variable(step.SERVER_URI)


def test_connect_outside_a_step_says_so_and_loads_nothing(never_load: None) -> None:
    with pytest.raises(step.NotInStepError, match="OCTOPUS_WEB_SERVERURI is not set"):
        step.connect("API-ABCDEFGHIJKLMNOPQRSTU")


def test_connect_needs_an_api_key(never_load: None) -> None:
    with pytest.raises(step.StepError, match="API key is needed"):
        step.connect("")


def test_variables_come_from_get_octopusvariable_in_the_script_globals(tmp_path: Path) -> None:
    found = run_as_step(
        tmp_path,
        "import octoclr.step\n"
        "inside = octoclr.step.in_step()\n"
        "space = octoclr.step.variable('Octopus.Space.Id')\n"
        "def later():\n"
        "    return octoclr.step.variable('Octopus.Space.Id')\n"
        "from_function = later()\n",
        {"Octopus.Space.Id": "Spaces-2"},
    )
    assert found["inside"] is True
    assert found["space"] == "Spaces-2"
    assert found["from_function"] == "Spaces-2"


def test_variables_come_from_builtins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(builtins, "get_octopusvariable", lambda key: {"Octopus.Space.Id": "Spaces-3"}.get(key, ""), raising=False)
    assert step.in_step()
    assert step.variable(step.SPACE_ID) == "Spaces-3"


def test_variables_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OCTOPUS_WEB_SERVERURI", "https://octopus.example.com")
    monkeypatch.setenv("OCTOPUS_SPACE_ID", "Spaces-4")
    assert step.environment_name("Octopus.Tentacle.Agent.ProgramDirectoryPath") == "OCTOPUS_TENTACLE_AGENT_PROGRAMDIRECTORYPATH"
    assert step.in_step()
    assert step.variable(step.SPACE_ID) == "Spaces-4"
    assert step.variable("Octopus.Missing", default="fallback") == "fallback"


def test_a_missing_variable_is_named(tmp_path: Path) -> None:
    with pytest.raises(step.MissingStepVariableError) as caught:
        run_as_step(tmp_path, "import octoclr.step\noctoclr.step.program_directory()\n", {"Octopus.Web.ServerUri": "http://x"})
    assert "'Octopus.Tentacle.Agent.ProgramDirectoryPath' is not set" in str(caught.value)
    assert isinstance(caught.value, LookupError)


def test_a_missing_server_uri_is_named_before_anything_loads(tmp_path: Path, never_load: None) -> None:
    folder = client_folder(tmp_path)
    with pytest.raises(step.MissingStepVariableError, match="'Octopus.Web.ServerUri' is not set"):
        run_as_step(
            tmp_path,
            "import octoclr.step\noctoclr.step.connect('API-ABCDEFGHIJKLMNOPQRSTU')\n",
            {step.PROGRAM_DIRECTORY: str(folder)},
        )


def test_program_folder_must_exist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OCTOPUS_WEB_SERVERURI", "http://x")
    monkeypatch.setenv("OCTOPUS_TENTACLE_AGENT_PROGRAMDIRECTORYPATH", str(tmp_path / "gone"))
    with pytest.raises(step.MissingStepVariableError, match="not a folder on this machine"):
        step.program_directory()


def test_program_folder_must_hold_the_client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OCTOPUS_WEB_SERVERURI", "http://x")
    monkeypatch.setenv("OCTOPUS_TENTACLE_AGENT_PROGRAMDIRECTORYPATH", str(tmp_path))
    with pytest.raises(step.MissingStepVariableError, match="holds no Octopus.Client.dll"):
        step.program_directory()


def test_the_client_is_loaded_from_the_program_folder_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = client_folder(tmp_path)
    monkeypatch.setenv("OCTOPUS_WEB_SERVERURI", "http://x")
    monkeypatch.setenv("OCTOPUS_TENTACLE_AGENT_PROGRAMDIRECTORYPATH", str(folder))
    calls = []

    def load(**kwargs: Any) -> str:
        calls.append(kwargs)
        return "loaded"

    monkeypatch.setattr(octoclr, "load", load)
    assert step.load(runtime="coreclr") == "loaded"
    assert calls == [{"runtime": "coreclr", "source": str(folder)}]
