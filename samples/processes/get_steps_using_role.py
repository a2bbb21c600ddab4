"""List the deployment steps, across every project of the space, that target a role.

Twin of the OctopusDeploy-Api sample "Get steps using role": read each project's deployment
process (``DeploymentProcesses.Get(project)``) and look at each step's
``Octopus.Action.TargetRoles``. Argument: the role (default "web-server").
"""

import sys

from octoclr.target import octopus_target

from _common import space_repository


def main() -> None:
    role = sys.argv[1] if len(sys.argv) > 1 else "web-server"
    with octopus_target() as target:
        repository = space_repository(target)
        for project in repository.projects.get_all():
            process = repository.deployment_processes.get(project)
            for step in process.steps:
                targets = step.properties.get("Octopus.Action.TargetRoles")
                roles = [r.strip() for r in (targets.value or "").split(",")] if targets is not None else []
                if role in roles:
                    print(f"Step [{step.name}] from project [{project.name}] is using the role [{role}]")


if __name__ == "__main__":
    main()
