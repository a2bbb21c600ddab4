"""Deploy a release of a project to an environment, and wait for the deployment to finish.

Twin of the OctopusDeploy-Api sample "Deploy release": find the release by version
(``Projects.GetReleaseByVersion``), create a ``DeploymentResource`` for the environment, then
follow its server task. Arguments: project, version, environment (defaults: "OctoFX Web",
"1.0.0", "Development"). ``--queue-minutes N`` queues the deployment N minutes ahead and does
not wait.
"""

import sys
import time
from datetime import datetime, timedelta, timezone

import octoclr
from octoclr.target import octopus_target

from _common import project_named, space_repository


def queue_time(minutes: int) -> object:
    """A .NET ``DateTimeOffset`` ``minutes`` from now (parsed from ISO 8601: culture-proof)."""
    at = datetime.now(timezone.utc) + timedelta(minutes=minutes)
    return octoclr.namespace("System").DateTimeOffset.Parse(at.isoformat(timespec="seconds"))


def main() -> None:
    args = sys.argv[1:]
    minutes = None
    if "--queue-minutes" in args:
        at = args.index("--queue-minutes")
        minutes = int(args[at + 1])
        del args[at:at + 2]
    project_name, version, environment_name = args[:3] + ["OctoFX Web", "1.0.0", "Development"][len(args[:3]):]
    with octopus_target() as target:
        repository = space_repository(target)
        environment = repository.environments.find_by_name(environment_name)
        if environment is None:
            raise SystemExit(f"There is no environment named {environment_name!r}.")
        project = project_named(repository, project_name)
        release = repository.projects.get_release_by_version(project, version)
        deployment = octoclr.model.DeploymentResource(release_id=release.id, environment_id=environment.id)
        if minutes is not None:
            deployment.queue_time = queue_time(minutes)
        deployment = repository.deployments.create(deployment)
        task = repository.deployments.get_task(deployment)
        print(f"Deployment {deployment.id} of {project_name} {version} to {environment_name}: task {task.id}")
        if minutes is not None:
            print(f"Queued for {minutes} minutes from now")
            return
        while not task.is_completed:
            time.sleep(0.5)
            task = repository.tasks.get(task.id)
        print(f"Task {task.id} finished: {task.state}")


if __name__ == "__main__":
    main()
