"""Limit a deployment step to some environments.

Twin of the OctopusDeploy-Api sample "Add environment condition to step": find the
environments by name, add their ids to each action of the named step, save the process.
Arguments: project, step name, environment names... (defaults: "OctoFX Web", "Run a script",
Development Test).
"""

import sys

from octoclr.target import octopus_target

from _common import project_named, space_repository


def main() -> None:
    project_name = sys.argv[1] if len(sys.argv) > 1 else "OctoFX Web"
    step_name = sys.argv[2] if len(sys.argv) > 2 else "Run a script"
    environment_names = sys.argv[3:] or ["Development", "Test"]
    with octopus_target() as target:
        repository = space_repository(target)
        environment_ids = []
        for name in environment_names:
            environment = repository.environments.find_by_name(name)
            if environment is None:
                raise SystemExit(f"There is no environment named {name!r}.")
            environment_ids.append(environment.id)
        project = project_named(repository, project_name)
        process = repository.deployment_processes.get(project.deployment_process_id)
        step = process.find_step(step_name)
        if step is None:
            raise SystemExit(f"Project {project_name!r} has no step named {step_name!r}.")
        for action in step.actions:
            for environment_id in environment_ids:
                if environment_id not in action.environments:
                    action.environments.add(environment_id)
        repository.deployment_processes.modify(process)
        print(f"Step {step_name!r} now runs only in {', '.join(environment_names)}")


if __name__ == "__main__":
    main()
