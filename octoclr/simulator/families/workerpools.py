"""Worker pools: their order, the summary of their workers, and the kinds of pool served.

A space's pools are static pools of registered workers (``StaticWorkerPool``); dynamic
pools (``DynamicWorkerPool``, Octopus Cloud's hosted workers) are not simulated, so
``…/workerpools/supportedtypes`` names the static kind only and
``…/workerpools/dynamicworkertypes`` lists no worker types.
"""

from __future__ import annotations

from typing import Any

from octoclr.simulator.families import machines
from octoclr.simulator.families.base import SPACE, Call, Family
from octoclr.simulator.families.environments import filtered_machines
from octoclr.simulator.families.ordering import reorder
from octoclr.simulator.resources import Collection

WORKERPOOLS = Collection(
    "workerpools", "WorkerPools", "WorkerPools", "WorkerPool",
    query=("name", "skip", "ids", "take", "partialName"),
    defaults={"Name": None, "Description": "", "IsDefault": False, "SortOrder": 0,
              "WorkerPoolType": "StaticWorkerPool", "CanAddWorkers": True},
    links={"Workers": "{self}/workers{?skip,take}"},
    sort_field="SortOrder",
)

family = Family("workerpools", collections=(WORKERPOOLS,))

SUPPORTED_TYPES = ("StaticWorkerPool",)


@family.route("PUT", "workerpools/sortorder", scope=SPACE)
async def _sort(call: Call) -> Any:
    return reorder(call.backend, WORKERPOOLS, call.space(), await call.json(), call.actor)


@family.route("GET", "workerpools/summary", scope=SPACE)
async def _summary(call: Call) -> Any:
    workers = filtered_machines(call, "workers")
    pools = sorted((row.resource() for row in call.backend.store.rows("workerpools", call.space())),
                   key=lambda p: (p.get("SortOrder") or 0))
    summaries = [{"WorkerPool": pool, **machines.summarise(
        [w for w in workers if pool["Id"] in (w.get("WorkerPoolIds") or [])], tenanted=False)} for pool in pools]
    return {"WorkerPoolSummaries": summaries, **machines.summarise(workers, tenanted=False)}


@family.route("GET", "workerpools/supportedtypes", scope=SPACE)
async def _supported(call: Call) -> Any:
    return {"Id": None, "SupportedPoolTypes": list(SUPPORTED_TYPES),
            "Links": {"Self": f"/api/{call.space()}/workerpools/supportedtypes"}}


@family.route("GET", "workerpools/dynamicworkertypes", scope=SPACE)
async def _dynamic(call: Call) -> Any:
    return {"Id": None, "WorkerTypes": [], "Links": {"Self": f"/api/{call.space()}/workerpools/dynamicworkertypes"}}

