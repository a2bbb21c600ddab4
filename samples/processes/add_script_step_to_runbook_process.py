"""Add a script step to a runbook's process.

Twin of the OctopusDeploy-Api sample "Add script step to runbook process": find the runbook,
read its runbook process, refuse a step name already there, append an inline PowerShell step
for a role and save. Arguments: project, runbook, step name, role (defaults: "OctoFX Web",
"Restart the web site", "Restart IIS", "web-server").
"""

import sys

from octoclr.target import octopus_target

from _common import project_named, runbook_named, script_step, space_repository


def main() -> None:
    defaults = ["OctoFX Web", "Restart the web site", "Restart IIS", "web-server"]
    project_name, runbook_name, step_name, role = sys.argv[1:5] + defaults[len(sys.argv[1:5]):]
    with octopus_target() as target:
        repository = space_repository(target)
        runbook = runbook_named(repository, project_named(repository, project_name), runbook_name)
        process = repository.runbook_processes.get(runbook.runbook_process_id)
        if any(s.name == step_name for s in process.steps):
            raise SystemExit(f"Runbook {runbook_name!r} already has a step named {step_name!r}.")
        process.steps.add(script_step(step_name, role, 'Write-Host "Hello World"'))
        saved = repository.runbook_processes.modify(process)
        print(f"Runbook {runbook_name!r} now has steps: {', '.join(s.name for s in saved.steps)}")


if __name__ == "__main__":
    main()
