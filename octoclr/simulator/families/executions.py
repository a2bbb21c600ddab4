"""The Executions API: the commands newer clients create releases, deployments and runbook runs with.

The TypeScript api-client and the Octopus CLI name the project, channel, environments, tenants
and runbook by name, slug or id in one command (``…/releases/create/v1``,
``…/deployments/create/{untenanted,tenanted}/v1``, ``…/runbook-runs/create/v1``) instead of
posting resources; :class:`~octoclr.simulator.executions.Executions` carries each out with the
backend's ordinary create operations. Other ``…/create/…`` tails below releases and deployments
answer 404 from the app.
"""

from __future__ import annotations

from typing import Any

from octoclr.simulator.executions import Executions
from octoclr.simulator.families.base import ANY, Call, Family

family = Family("executions")


@family.route("POST", "releases/create/v1", scope=ANY)
async def _create_release(call: Call) -> Any:
    return Executions(call.backend).create_release(call.space_id, await call.json(), call.actor)


@family.route("POST", "deployments/create/untenanted/v1", scope=ANY)
async def _deploy(call: Call) -> Any:
    return Executions(call.backend).deploy(call.space_id, await call.json(), call.actor, tenanted=False)


@family.route("POST", "deployments/create/tenanted/v1", scope=ANY)
async def _deploy_tenanted(call: Call) -> Any:
    return Executions(call.backend).deploy(call.space_id, await call.json(), call.actor, tenanted=True)


@family.route("POST", "runbook-runs/create/v1", scope=ANY)
async def _run_by_names(call: Call) -> Any:
    return Executions(call.backend).run_runbook(call.space_id, await call.json(), call.actor)


@family.route("POST", "runbook-runs/git/create/v1", scope=ANY)
async def _run_from_git(call: Call) -> Any:
    Executions(call.backend).run_git_runbook(call.space_id, await call.json())
