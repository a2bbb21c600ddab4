"""Run a runbook's published snapshot in one or more environments.

Twin of the OctopusDeploy-Api sample "Run runbook": for each environment, a
``RunbookRunResource`` naming the runbook, the project and the published snapshot, then
``RunbookRuns.Create``; the script then follows each run's task to its end. Arguments:
project, runbook, environment names... (defaults: "OctoFX Web", "Restart the web site",
Development Production).
"""

import sys
import time

import octoclr
from octoclr.target import octopus_target

from _common import project_named, space_repository


def main() -> None:
    project_name = sys.argv[1] if len(sys.argv) > 1 else "OctoFX Web"
    runbook_name = sys.argv[2] if len(sys.argv) > 2 else "Restart the web site"
    environment_names = sys.argv[3:] or ["Development", "Production"]
    with octopus_target() as target:
        repository = space_repository(target)
        project = project_named(repository, project_name)
        found = repository.runbooks.find_many(lambda r: r.name == runbook_name and r.project_id == project.id)
        if len(found) == 0:
            raise SystemExit(f"Project {project_name!r} has no runbook named {runbook_name!r}.")
        runbook = found[0]
        tasks = []
        for environment_name in environment_names:
            environment = repository.environments.find_by_name(environment_name)
            if environment is None:
                raise SystemExit(f"There is no environment named {environment_name!r}.")
            run = repository.runbook_runs.create(octoclr.model.RunbookRunResource(
                environment_id=environment.id, runbook_id=runbook.id, project_id=project.id,
                runbook_snapshot_id=runbook.published_runbook_snapshot_id))
            tasks.append((environment_name, repository.runbook_runs.get_task(run)))
        for environment_name, task in tasks:
            while not task.is_completed:
                time.sleep(0.5)
                task = repository.tasks.get(task.id)
            print(f"{runbook_name} in {environment_name}: task {task.id} {task.state}")


if __name__ == "__main__":
    main()
