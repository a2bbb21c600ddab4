"""Use Octopus.Client inside an Octopus script step, loaded from the agent's own program folder.

A Python script step runs on a Tentacle (or on the Octopus Server, or a worker) that
already carries Octopus.Client and Newtonsoft.Json in its program folder, named by the
``Octopus.Tentacle.Agent.ProgramDirectoryPath`` variable. Loading from there needs no
download, and the server to talk to (``Octopus.Web.ServerUri``) and the step's space
(``Octopus.Space.Id``) are step variables too. Only the API key has to come from you,
e.g. from a sensitive project variable::

    import octoclr.step

    repository = octoclr.step.connect(get_octopusvariable("ApiKey"))
    print(repository.projects.get_all())

Octopus hands variables to Python scripts through a ``get_octopusvariable`` function
defined in the script's globals (Calamari runs the script with ``runpy.run_path`` and
its own configuration as initial globals). This module finds that function on the call
stack, in ``builtins`` or in the running script module; outside Octopus, variables may
also come from environment variables named the way Octopus's community step templates
name them: ``Octopus.Web.ServerUri`` → ``OCTOPUS_WEB_SERVERURI``.
"""

from __future__ import annotations

import builtins
import inspect
import logging
import os
import sys
from pathlib import Path
from typing import Any, Callable, Mapping, Optional

import octoclr.secrets as secrets
from octoclr.errors import OctoclrError

__all__ = [
    "StepError",
    "NotInStepError",
    "MissingStepVariableError",
    "PROGRAM_DIRECTORY",
    "SERVER_URI",
    "SPACE_ID",
    "in_step",
    "variable",
    "program_directory",
    "load",
    "connect",
]

log = logging.getLogger(__name__)

PROGRAM_DIRECTORY = "Octopus.Tentacle.Agent.ProgramDirectoryPath"
SERVER_URI = "Octopus.Web.ServerUri"
# Servers before 2019 had no ServerUri; BaseUrl is the older name of the same address.
SERVER_URI_FALLBACK = "Octopus.Web.BaseUrl"
SPACE_ID = "Octopus.Space.Id"

CLIENT_ASSEMBLY = "Octopus.Client.dll"
_GETTER = "get_octopusvariable"

VariableGetter = Callable[[str], Any]


class StepError(OctoclrError):
    """Using Octopus.Client from an Octopus step went wrong."""

    exit_code = 12


class NotInStepError(StepError):
    """The code does not run inside an Octopus script step."""


class MissingStepVariableError(StepError, LookupError):
    """A variable the step needs is not set."""


def environment_name(name: str) -> str:
    """The environment variable that carries an Octopus variable outside a step."""
    return name.replace(".", "_").upper()


def _from_environment(name: str, env: Mapping[str, str]) -> Optional[str]:
    # OCTOPUS_WEB_SERVERURI as community step templates write it; also the spellings the
    # bootstrap reads (Octopus_Tentacle_Agent_ProgramDirectoryPath) and the name itself.
    for candidate in (environment_name(name), name.replace(".", "_"), name):
        value = env.get(candidate)
        if value:
            return value
    return None


def _find_getter() -> Optional[VariableGetter]:
    # The step script's globals are on the call stack: its module-level code called us.
    frame = inspect.currentframe()
    try:
        while frame is not None:
            getter = frame.f_globals.get(_GETTER)
            if callable(getter):
                return getter  # type: ignore[no-any-return]
            frame = frame.f_back
    finally:
        del frame
    getter = getattr(builtins, _GETTER, None)
    if callable(getter):
        return getter  # type: ignore[no-any-return]
    # A function or thread started by the script no longer has it on the stack; the script's
    # module does (runpy registers it under "<run_path>", or it runs as __main__).
    for module_name in ("<run_path>", "__main__"):
        getter = getattr(sys.modules.get(module_name), _GETTER, None)
        if callable(getter):
            return getter  # type: ignore[no-any-return]
    return None


def in_step(environ: Optional[Mapping[str, str]] = None) -> bool:
    """Whether Octopus variables are at hand: a ``get_octopusvariable`` function, or the
    server's address in the environment."""
    env = os.environ if environ is None else environ
    return _find_getter() is not None or bool(_from_environment(SERVER_URI, env))


def variable(name: str, default: Optional[str] = None, *, environ: Optional[Mapping[str, str]] = None) -> str:
    """The value of the Octopus variable ``name``; ``default`` when it is unset or empty.

    Raises :class:`NotInStepError` when there are no Octopus variables at all, and
    :class:`MissingStepVariableError` when this one is missing and has no default.
    """
    env = os.environ if environ is None else environ
    getter = _find_getter()
    value: Any = None
    if getter is not None:
        try:
            value = getter(name)
        except KeyError:  # some step templates' stand-ins raise for unknown names
            value = None
    if value in (None, ""):
        value = _from_environment(name, env)
    if value not in (None, ""):
        return str(value)
    if default is not None:
        return default
    if getter is None and not in_step(env):
        raise NotInStepError(
            f"Not inside an Octopus script step: no {_GETTER} function is defined and "
            f"{environment_name(SERVER_URI)} is not set, so {name!r} cannot be read. Outside a step, "
            "connect with octoclr.connect(server, api_key, space) or set OCTOPUS_URL and OCTOPUS_API_KEY."
        )
    raise MissingStepVariableError(
        f"The Octopus variable {name!r} is not set in this step (nor {environment_name(name)} in the "
        "environment). Check that the step runs on a Tentacle, worker or server that provides it."
    )


def program_directory(environ: Optional[Mapping[str, str]] = None) -> Path:
    """The Tentacle's or Server's program folder, which holds Octopus.Client.dll."""
    folder = Path(variable(PROGRAM_DIRECTORY, environ=environ))
    if not folder.is_dir():
        raise MissingStepVariableError(
            f"{PROGRAM_DIRECTORY} names {folder}, which is not a folder on this machine."
        )
    if not (folder / CLIENT_ASSEMBLY).is_file():
        raise MissingStepVariableError(
            f"{folder} (from {PROGRAM_DIRECTORY}) holds no {CLIENT_ASSEMBLY}; this agent does not ship "
            "Octopus.Client. Use octoclr.load() with a NuGet source instead."
        )
    return folder


def load(runtime: Optional[str] = None, *, environ: Optional[Mapping[str, str]] = None) -> Any:
    """Load Octopus.Client from the agent's program folder, never from a feed."""
    import octoclr

    folder = program_directory(environ)
    log.info("loading Octopus.Client from the program folder %s", folder)
    return octoclr.load(runtime=runtime, source=str(folder))


def connect(api_key: str, *, runtime: Optional[str] = None, environ: Optional[Mapping[str, str]] = None) -> Any:
    """A repository for the step's space on the step's Octopus Server, signed in with ``api_key``.

    The client is loaded from the program folder first (see :func:`load`). Without
    ``Octopus.Space.Id`` (servers before spaces existed) the repository works in the
    default space.
    """
    if not api_key:
        raise StepError(
            "An API key is needed to connect from a step: pass it in, e.g. from a sensitive project "
            "variable: octoclr.step.connect(get_octopusvariable('ApiKey'))."
        )
    secrets.register(api_key)
    server = variable(SERVER_URI, default="", environ=environ) or variable(SERVER_URI_FALLBACK, default="", environ=environ)
    if not server:
        variable(SERVER_URI, environ=environ)  # raises the error that says what is missing
    space_id = variable(SPACE_ID, default="", environ=environ)
    load(runtime, environ=environ)

    import octoclr

    repository = octoclr.OctopusRepository(octoclr.OctopusServerEndpoint(server, api_key))
    if not space_id:
        return repository
    space = repository.spaces.get(space_id)
    log.info("connected to %s in space %s", server, space_id)
    return repository.for_space(space)
