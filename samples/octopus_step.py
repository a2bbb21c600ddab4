"""Loading inside an Octopus step: the client from the Tentacle's or Server's own folder.

PowerShell::

    Add-Type -Path 'C:\\Program Files\\Octopus Deploy\\Octopus\\Octopus.Client.dll'

C#::

    #r "C:\\Program Files\\Octopus Deploy\\Octopus\\Octopus.Client.dll"

Paste this into a Python script step and give the project a sensitive variable ``ApiKey``.
In the step, Octopus.Client is loaded from ``Octopus.Tentacle.Agent.ProgramDirectoryPath``
(no download) and connects to ``Octopus.Web.ServerUri`` in the step's space
(``Octopus.Space.Id``). Anywhere else it falls back to OCTOPUS_URL or the simulator.
"""

from typing import Any

import octoclr
import octoclr.step
from octoclr.target import octopus_target

API_KEY_VARIABLE = "ApiKey"


def show_projects(repository: Any) -> None:
    for project in repository.projects.get_all():
        print(f"Project {project.id}: {project.name} (space {project.space_id})")


def main() -> None:
    if octoclr.step.in_step():
        print(f"Inside an Octopus step: Octopus.Client from {octoclr.step.program_directory()}")
        repository = octoclr.step.connect(octoclr.step.variable(API_KEY_VARIABLE))
        show_projects(repository)
        return
    print("Not inside an Octopus step: using OCTOPUS_URL or the embedded simulator")
    with octopus_target() as target:
        show_projects(octoclr.connect(target.url, target.api_key, target.space))


# No "if __name__ == '__main__'" guard: Octopus runs a step's script with runpy.run_path,
# under another module name, and the guard would skip it.
main()
