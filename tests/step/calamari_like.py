"""Run a Python script as an Octopus Python script step runs it.

Octopus's Calamari writes the step's variables into a configuration module that defines
``get_octopusvariable`` and runs the user's script with ``runpy.run_path``, that
module's namespace as the script's initial globals. This does the same with the
variables of a JSON file::

    python calamari_like.py variables.json script.py [script arguments]
"""

import json
import runpy
import sys


def main() -> None:
    variables_file, script = sys.argv[1], sys.argv[2]
    with open(variables_file, encoding="utf-8") as stream:
        octopusvariables = json.load(stream)

    def get_octopusvariable(key: str) -> str:
        return octopusvariables.get(key, "")  # Calamari answers "" for a variable that is not set

    sys.argv = [script, *sys.argv[3:]]
    runpy.run_path(script, init_globals={"octopusvariables": octopusvariables, "get_octopusvariable": get_octopusvariable})


if __name__ == "__main__":
    main()
