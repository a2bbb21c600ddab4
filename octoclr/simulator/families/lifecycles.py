"""Lifecycles: each phase gets an id (GUID-shaped, as a real server gives) and its defaults.

A phase sent back with its id keeps it; a phase without one, or with an id this lifecycle
never had, gets a new one. Environments named by a phase must exist in the space.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, Optional

from octoclr.simulator.exceptions import validation_failed
from octoclr.simulator.families.base import Call, Family
from octoclr.simulator.resources import Collection

if TYPE_CHECKING:
    from octoclr.simulator.behaviours import Backend


def _retention(unit: str = "Days", quantity: int = 30) -> dict[str, Any]:
    return {"Unit": unit, "QuantityToKeep": quantity, "ShouldKeepForever": False}


LIFECYCLES = Collection(
    "lifecycles", "Lifecycles", "Lifecycles", "Lifecycle",
    defaults={"Name": None, "Description": "", "Phases": [], "ReleaseRetentionPolicy": _retention(),
              "TentacleRetentionPolicy": _retention()},
    links={"Preview": "{self}/preview", "Projects": "{self}/projects", "Web": "/app#/{space}/library/lifecycles/{id}"},
    blocked_by=(("projects", "LifecycleId"), ("channels", "LifecycleId")),
)

family = Family("lifecycles", collections=(LIFECYCLES,))

_PHASE_DEFAULTS: dict[str, Any] = {"Name": None, "AutomaticDeploymentTargets": [], "OptionalDeploymentTargets": [],
                                   "MinimumEnvironmentsBeforePromotion": 0, "IsOptionalPhase": False,
                                   "IsPriorityPhase": False, "ReleaseRetentionPolicy": None,
                                   "TentacleRetentionPolicy": None}


def _phases(backend: "Backend", lifecycle: dict[str, Any], stored: Optional[dict[str, Any]]) -> None:
    phases = lifecycle.get("Phases")
    if not isinstance(phases, list) or not all(isinstance(p, dict) for p in phases):
        raise validation_failed(["Phases must be a list of phases, each with a Name."])
    known = {str(p.get("Id")).lower() for p in (stored or {}).get("Phases", []) if p.get("Id")}
    errors: list[str] = []
    seen: set[str] = set()
    for phase in phases:
        name = str(phase.get("Name") or "").strip()
        if not name:
            errors.append("Every phase needs a Name.")
        elif name.lower() in seen:
            errors.append(f"Phase names must be unique within a lifecycle; '{name}' is repeated.")
        seen.add(name.lower())
        for key, default in _PHASE_DEFAULTS.items():
            if phase.get(key) is None:
                phase[key] = list(default) if isinstance(default, list) else default
        phase_id = phase.get("Id")
        if not phase_id or str(phase_id).lower() not in known:
            phase["Id"] = str(uuid.uuid4())
        for key in ("AutomaticDeploymentTargets", "OptionalDeploymentTargets"):
            for environment_id in phase[key]:
                row = backend.store.get("environments", str(environment_id))
                if row is None or row.space_id != lifecycle.get("SpaceId"):
                    errors.append(f"The environment '{environment_id}' in phase '{name}' ({key}) does not exist "
                                  f"in space {lifecycle.get('SpaceId')}.")
    if errors:
        raise validation_failed(errors)


@family.hook("before_create", "lifecycles")
def _new_lifecycle(backend: "Backend", lifecycle: dict[str, Any], actor: Optional[str]) -> None:
    _phases(backend, lifecycle, None)


@family.hook("before_modify", "lifecycles")
def _changed_lifecycle(backend: "Backend", lifecycle: dict[str, Any], stored: dict[str, Any],
                       actor: Optional[str]) -> None:
    _phases(backend, lifecycle, stored)


@family.route("GET", "lifecycles/{id}/preview")
async def preview(call: Call) -> Any:
    """The lifecycle with each phase's environments, as the server plans deployments with it."""
    lifecycle = call.backend.find(LIFECYCLES, call.params["id"], call.space_id)
    return {**lifecycle, "Phases": planned_phases(call.backend, lifecycle)}


def planned_phases(backend: "Backend", lifecycle: dict[str, Any]) -> list[dict[str, Any]]:
    """The phases deployments go through; a lifecycle without phases has one per environment of the space."""
    phases = lifecycle.get("Phases") or []
    if phases:
        return phases
    environments = sorted((row.resource() for row in backend.store.rows("environments", lifecycle.get("SpaceId"))),
                          key=lambda e: (e.get("SortOrder") or 0))
    return [{**_PHASE_DEFAULTS, "Id": f"{lifecycle['Id']}-{e['Id']}", "Name": e.get("Name"),
             "OptionalDeploymentTargets": [e["Id"]]} for e in environments]
