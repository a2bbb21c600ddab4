"""Environments: their order, their summary of deployment targets, and the variables scoped to one.

``PUT …/environments/sortorder`` sets the order (see :mod:`.ordering`);
``…/environments/summary`` counts the space's deployment targets per environment (health,
endpoint kind, tenants, tenant tags, disabled) with the list filters of the machines list;
``…/environments/{id}/singlyScopedVariableDetails`` lists the project and library variables
scoped to that environment alone (what deleting it would leave unscoped);
``…/environments/{id}/metadata`` lists the settings that extensions add to an environment:
the simulator runs no extensions, so none.
"""

from __future__ import annotations

from typing import Any

from octoclr.simulator.behaviours import matches
from octoclr.simulator.families import machines
from octoclr.simulator.families.base import SPACE, Call, Family
from octoclr.simulator.families.ordering import reorder
from octoclr.simulator.resources import Collection

ENVIRONMENTS = Collection(
    "environments", "Environments", "Environments", "Environment",
    query=("name", "skip", "ids", "take", "partialName"),
    defaults={"Name": None, "Description": "", "SortOrder": 0, "UseGuidedFailure": False,
              "AllowDynamicInfrastructure": False, "ExtensionSettings": []},
    links={"Machines": "{self}/machines{?skip,take,partialName,roles,isDisabled,healthStatuses,commStyles,"
                       "tenantIds,tenantTags}",
           "SinglyScopedVariableDetails": "{self}/singlyScopedVariableDetails",
           "Metadata": "{self}/metadata", "Web": "/app#/{space}/infrastructure/environments/{id}"},
    sort_field="SortOrder",
    blocked_by=(("machines", "EnvironmentIds"),),
)

family = Family("environments", collections=(ENVIRONMENTS,))

#: Query parameters of the summary that filter machines, and the machine field each reads.
_MACHINE_FILTERS = {"roles": "Roles", "healthStatuses": "HealthStatus", "commStyles": "Endpoint.CommunicationStyle",
                    "tenantIds": "TenantIds", "tenantTags": "TenantTags"}


@family.route("PUT", "environments/sortorder", scope=SPACE)
async def _sort(call: Call) -> Any:
    return reorder(call.backend, ENVIRONMENTS, call.space(), await call.json(), call.actor)


def filtered_machines(call: Call, path: str) -> list[dict[str, Any]]:
    """The space's machines (or workers) that pass the summary's machine filters."""
    found = [row.resource() for row in call.backend.store.rows(path, call.space())]
    partial = (call.query("machinePartialName") or "").lower()
    if partial:
        found = [m for m in found if partial in str(m.get("Name") or "").lower()]
    disabled = call.query("isDisabled")
    if disabled not in (None, ""):
        found = [m for m in found if bool(m.get("IsDisabled")) == (disabled.lower() == "true")]
    for param, field in _MACHINE_FILTERS.items():
        wanted = call.query_list(param)
        if wanted:
            found = [m for m in found if matches(m, field, wanted)]
    return found


@family.route("GET", "environments/summary", scope=SPACE)
async def _summary(call: Call) -> Any:
    space = call.space()
    found = filtered_machines(call, "machines")
    environments = [row.resource() for row in call.backend.store.rows("environments", space)]
    wanted = {i.lower() for i in call.query_list("ids") or []}
    partial = (call.query("partialName") or "").lower()
    environments = [e for e in environments if (not wanted or e["Id"].lower() in wanted)
                    and partial in str(e.get("Name") or "").lower()]
    environments.sort(key=lambda e: (e.get("SortOrder") or 0))
    summaries = []
    for environment in environments:
        inside = [m for m in found if environment["Id"] in (m.get("EnvironmentIds") or [])]
        if call.query_bool("hideEmptyEnvironments") and not inside:
            continue
        summaries.append({"Environment": environment, **machines.summarise(inside)})
    shown = {e["Environment"]["Id"] for e in summaries}
    covered = [m for m in found if shown & set(m.get("EnvironmentIds") or [])]
    total = machines.summarise(covered)
    total.pop("MachineIdsForTentacleUpgrade")
    return {"EnvironmentSummaries": summaries, **total}


@family.route("GET", "environments/{id}/metadata", scope=SPACE)
async def _metadata(call: Call) -> Any:
    call.backend.find(ENVIRONMENTS, call.params["id"], call.space_id)
    return []


def _owner_name(call: Call, owner_id: str) -> tuple[str, Any]:
    for path in ("projects", "libraryvariablesets"):
        row = call.backend.store.get(path, owner_id)
        if row is not None:
            return path, row.resource().get("Name")
    return "", None


@family.route("GET", "environments/{id}/singlyScopedVariableDetails", scope=SPACE)
async def _singly_scoped(call: Call) -> Any:
    environment = call.backend.find(ENVIRONMENTS, call.params["id"], call.space_id)
    variable_map: dict[str, list[dict[str, Any]]] = {}
    for row in call.backend.store.rows("variables", environment["SpaceId"]):
        if "-s-" in row.id:
            continue  # a release's or snapshot's frozen copy, not a live variable set
        variable_set = row.resource()
        for variable in variable_set.get("Variables") or []:
            scope = (variable.get("Scope") or {}).get("Environment") or []
            if [e.lower() for e in scope] != [environment["Id"].lower()]:
                continue
            path, owner_name = _owner_name(call, str(variable_set.get("OwnerId") or ""))
            variable_map.setdefault(variable_set.get("OwnerId") or row.id, []).append({
                "VariableName": variable.get("Name"), "VariableId": variable.get("Id"),
                "OwnerId": variable_set.get("OwnerId"), "OwnerName": owner_name,
                "OwnerType": {"projects": "Project", "libraryvariablesets": "LibraryVariableSet"}.get(path),
                "VariableSetId": row.id})
    return {"VariableMap": variable_map, "HasUnauthorizedProjectVariables": False,
            "HasUnauthorizedLibraryVariableSetVariables": False}

