"""Run ``octoclr`` commands as users do: a fresh process with the runtime of the pass, the
look-alike client from a local folder (``OCTOCLR_SOURCE``) and a cache of its own."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Mapping, Optional, Sequence

from tests.samples.harness import Finished, run_python, script_environment

# Until the command line registers a command module, run it through a main that does.
_MAIN_WITH = (
    "import sys, octoclr.cli as cli; "
    "cli.COMMAND_MODULES = tuple(cli.COMMAND_MODULES) + tuple(m for m in sys.argv[1].split(',') if m not in cli.COMMAND_MODULES); "
    "sys.exit(cli.main(sys.argv[2:]))"
)


def registered(module: str) -> bool:
    import octoclr.cli

    return module in octoclr.cli.COMMAND_MODULES


def octoclr_argv(module: str, args: Sequence[str]) -> List[str]:
    """``-m octoclr ARGS``, or the same main with ``module`` added while it is not registered."""
    if registered(module):
        return ["-m", "octoclr", *args]
    return ["-c", _MAIN_WITH, module, *args]


def environment(runtime: str, source: Path, cache_dir: Path, server: Optional[str] = None, api_key: Optional[str] = None, **extra: str) -> Dict[str, str]:
    env = script_environment(runtime, source, cache_dir, **extra)
    if server is not None:
        env["OCTOPUS_URL"] = server
    if api_key is not None:
        env["OCTOPUS_API_KEY"] = api_key
    env.pop("OCTOCLR_NO_PROGRESS", None)
    return env


def run_octoclr(module: str, args: Sequence[str], env: Mapping[str, str], cwd: Path) -> Finished:
    return run_python(octoclr_argv(module, args), env, cwd)
