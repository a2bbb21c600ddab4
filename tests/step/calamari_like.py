"""Run a Python script as an Octopus Python script step runs it.

Octopus's Calamari writes the step's variables into a configuration module that defines
``get_octopusvariable`` and runs the user's script with ``runpy.run_path``, that
module's namespace as the script's initial globals (so ``__name__`` is not
``"__main__"``). This does the same with the variables of a JSON file::

    python calamari_like.py [--variables variables.json] [--preload DLL]... script.py [arguments]

Without ``--variables`` the script gets no ``get_octopusvariable`` (variables then come
from the environment only). ``--preload`` loads an assembly from the program folder
before the script runs: on CoreCLR, Debian's net45 Newtonsoft.Json that the tests use
needs the test stand-in of System.Security.Permissions loaded beside it, which a real
Tentacle (shipping a .NET Core Newtonsoft.Json) does not.
"""

import argparse
import json
import runpy
import sys
from pathlib import Path
from typing import Any, Dict


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--variables")
    parser.add_argument("--preload", action="append", default=[])
    parser.add_argument("script")
    parser.add_argument("arguments", nargs=argparse.REMAINDER)
    options = parser.parse_args()

    if options.preload:
        import octoclr
        import octoclr.runtime

        octoclr.load(source=str(Path(options.preload[0]).parent))
        octoclr.runtime.load_assemblies([Path(p) for p in options.preload])

    init_globals: Dict[str, Any] = {}
    if options.variables:
        with open(options.variables, encoding="utf-8") as stream:
            octopusvariables = json.load(stream)

        def get_octopusvariable(key: str) -> str:
            return octopusvariables.get(key, "")  # Calamari answers "" for a variable that is not set

        init_globals = {"octopusvariables": octopusvariables, "get_octopusvariable": get_octopusvariable}

    sys.argv = [options.script, *options.arguments]
    runpy.run_path(options.script, init_globals=init_globals)


if __name__ == "__main__":
    main()
