"""What the deployment process, release, deployment and runbook samples share."""

from __future__ import annotations

from typing import Any

import octoclr
from octoclr.target import Target


def space_repository(target: Target) -> Any:
    """The repository of the target's space, found by the space's name."""
    endpoint = octoclr.OctopusServerEndpoint(target.url, target.api_key)
    space = octoclr.OctopusRepository(endpoint).spaces.find_by_name(target.space)
    if space is None:
        raise SystemExit(f"There is no space named {target.space!r} on {target.url}; set OCTOPUS_SPACE.")
    return octoclr.OctopusClient(endpoint).for_space(space)


def project_named(repository: Any, name: str) -> Any:
    project = repository.projects.find_by_name(name)
    if project is None:
        raise SystemExit(f"There is no project named {name!r}.")
    return project


def runbook_named(repository: Any, project: Any, name: str) -> Any:
    runbook = repository.runbooks.find_by_name(project, name)
    if runbook is None:
        raise SystemExit(f"Project {project.name!r} has no runbook named {name!r}.")
    return runbook


def script_step(name: str, role: str, script: str) -> Any:
    """A step of one inline PowerShell script action, run on the targets of ``role``."""
    model = octoclr.model
    action = model.DeploymentActionResource(name=name, action_type="Octopus.Script",
                                            condition=model.DeploymentActionCondition.Success)
    for key, value in {"Octopus.Action.RunOnServer": "false", "Octopus.Action.Script.ScriptSource": "Inline",
                       "Octopus.Action.Script.Syntax": "PowerShell", "Octopus.Action.Script.ScriptBody": script}.items():
        action.properties[key] = model.PropertyValueResource(value)
    step = model.DeploymentStepResource(name=name, condition=model.DeploymentStepCondition.Success,
                                        start_trigger=model.DeploymentStepStartTrigger.StartAfterPrevious,
                                        package_requirement=model.DeploymentStepPackageRequirement.LetOctopusDecide)
    step.properties["Octopus.Action.TargetRoles"] = model.PropertyValueResource(role)
    step.actions.add(action)
    return step
