"""Add a script step to a project's deployment process.

Twin of the OctopusDeploy-Api sample "Create script step": read the project's deployment
process, append a step with one ``Octopus.Script`` action aimed at a role, and save the
process. Arguments: project, step name, role (defaults: "OctoFX Web", "Run a script", "web-server").
"""

import sys

from octoclr.target import octopus_target

from _common import project_named, script_step, space_repository


def main() -> None:
    defaults = ["OctoFX Web", "Run a script", "web-server"]
    project_name, step_name, role = sys.argv[1:4] + defaults[len(sys.argv[1:4]):]
    with octopus_target() as target:
        repository = space_repository(target)
        project = project_named(repository, project_name)
        process = repository.deployment_processes.get(project.deployment_process_id)
        if process.find_step(step_name) is not None:
            raise SystemExit(f"Project {project_name!r} already has a step named {step_name!r}.")
        process.steps.add(script_step(step_name, role, 'Write-Host "Hello world"'))
        saved = repository.deployment_processes.modify(process)
        print(f"Added step {step_name!r} for role {role!r}; {project_name} now has {len(saved.steps)} steps "
              f"(process version {saved.version})")


if __name__ == "__main__":
    main()
