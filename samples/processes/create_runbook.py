"""Create a runbook in a project.

Twin of the OctopusDeploy-Api sample "Create runbook": a ``RunbookResource`` with a name and
the project's id, then ``Runbooks.Create``. The server gives it its runbook process. (The
sample also sets a retention policy of 100 runs, not kept forever: what a new runbook gets
anyway.) Arguments: project, runbook name (defaults: "OctoFX Web", "Restart the web site").
"""

import sys

import octoclr
from octoclr.target import octopus_target

from _common import project_named, space_repository


def main() -> None:
    project_name = sys.argv[1] if len(sys.argv) > 1 else "OctoFX Web"
    runbook_name = sys.argv[2] if len(sys.argv) > 2 else "Restart the web site"
    with octopus_target() as target:
        repository = space_repository(target)
        project = project_named(repository, project_name)
        runbook = repository.runbooks.create(octoclr.model.RunbookResource(name=runbook_name, project_id=project.id))
        print(f"Created runbook {runbook.id} ({runbook.name}) with process {runbook.runbook_process_id}")


if __name__ == "__main__":
    main()
