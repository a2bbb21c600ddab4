"""Deployment targets and workers: endpoints, the state the server owns, and discovery.

A real server decides a machine's health: a new or changed machine keeps the
``HealthStatus``, ``Status``, ``StatusSummary``, ``HasLatestCalamari`` and ``IsInProcess``
the server last found (``Unknown`` until a health check ran), whatever the client sends; a
health check task marks the machines it covers healthy (see the backend's tasks).

``machines/discover`` and ``workers/discover`` make an endpoint up: a real server connects to
the Tentacle (or SSH daemon) at ``host:port`` and reads its certificate thumbprint (or host
key fingerprint); the simulator derives one from host and port, the same on every call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from octoclr.simulator import codec
from octoclr.simulator.exceptions import BadRequest, validation_failed
from octoclr.simulator.families.base import Call, Family
from octoclr.simulator.resources import Collection
from octoclr.simulator.store import ANY_SPACE

if TYPE_CHECKING:
    from octoclr.simulator.behaviours import Backend

ENDPOINT_STYLES = ("TentaclePassive", "TentacleActive", "Ssh", "OfflineDrop", "AzureCloudService", "AzureWebApp",
                   "AzureServiceFabricCluster", "Kubernetes", "KubernetesTentacle", "Ftp", "StepPackage", "None")

#: What the server alone decides about a machine, and what it says before any health check.
SERVER_STATE: dict[str, Any] = {
    "HealthStatus": "Unknown",
    "Status": "Unknown",
    "StatusSummary": "This machine has not been health checked yet.",
    "HasLatestCalamari": True,
    "IsInProcess": False,
    "OperatingSystem": "Unknown",
    "ShellName": "Unknown",
    "ShellVersion": "Unknown",
}

_MACHINE_DEFAULTS: dict[str, Any] = {"Name": None, "Thumbprint": None, "Uri": None, "IsDisabled": False,
                                     "MachinePolicyId": None, "Endpoint": None, **SERVER_STATE}

MACHINES = Collection(
    "machines", "Machines", "Machines", "DeploymentTarget",
    query=("skip", "take", "name", "ids", "partialName", "roles", "isDisabled", "healthStatuses", "commStyles",
           "tenantIds", "tenantTags", "environmentIds", "thumbprint", "deploymentId"),
    required=("Name", "Endpoint", "EnvironmentIds", "Roles"),
    references={"EnvironmentIds": "environments", "MachinePolicyId": "machinepolicies", "TenantIds": "tenants"},
    defaults={**_MACHINE_DEFAULTS, "EnvironmentIds": [], "Roles": [],
              "TenantedDeploymentParticipation": "Untenanted", "TenantIds": [], "TenantTags": []},
    links={"Connection": "{self}/connection", "TasksTemplate": "{self}/tasks{?skip,take,type}",
           "Tasks": "{self}/tasks{?skip,take}", "Web": "/app#/{space}/infrastructure/machines/{id}"},
    filters={"environmentIds": "EnvironmentIds", "roles": "Roles", "healthStatuses": "HealthStatus",
             "isDisabled": "IsDisabled", "tenantIds": "TenantIds", "thumbprint": "Thumbprint",
             "commStyles": "Endpoint.CommunicationStyle"},
)

WORKERS = Collection(
    "workers", "Workers", "Workers", "Worker",
    query=("skip", "take", "name", "ids", "partialName", "isDisabled", "healthStatuses", "commStyles",
           "workerpoolIds", "thumbprint"),
    required=("Name", "Endpoint", "WorkerPoolIds"),
    references={"WorkerPoolIds": "workerpools", "MachinePolicyId": "machinepolicies"},
    defaults={**_MACHINE_DEFAULTS, "WorkerPoolIds": []},
    links={"Connection": "{self}/connection", "Web": "/app#/{space}/infrastructure/workers/{id}"},
    filters={"workerpoolIds": "WorkerPoolIds", "healthStatuses": "HealthStatus"},
)

family = Family("machines", collections=(MACHINES, WORKERS))


def _check_endpoint(machine: dict[str, Any]) -> None:
    endpoint = machine.get("Endpoint")
    if endpoint is None:
        return
    if not isinstance(endpoint, dict) or endpoint.get("CommunicationStyle") not in ENDPOINT_STYLES:
        raise validation_failed([f"Endpoint.CommunicationStyle must be one of {', '.join(ENDPOINT_STYLES)}."])
    endpoint.setdefault("Id", None)
    if endpoint["CommunicationStyle"] in ("TentaclePassive", "TentacleActive"):
        machine["Thumbprint"] = machine.get("Thumbprint") or endpoint.get("Thumbprint")
        machine["Uri"] = machine.get("Uri") or endpoint.get("Uri")


def _default_policy(backend: "Backend", machine: dict[str, Any]) -> None:
    if not machine.get("MachinePolicyId"):
        for row in backend.store.rows("machinepolicies", machine.get("SpaceId")):
            if row.resource().get("IsDefault"):
                machine["MachinePolicyId"] = row.id
                break


def _new_machine(backend: "Backend", machine: dict[str, Any], actor: Optional[str]) -> None:
    _check_endpoint(machine)
    _default_policy(backend, machine)
    machine.update(SERVER_STATE)


def _changed_machine(backend: "Backend", machine: dict[str, Any], stored: dict[str, Any], actor: Optional[str]) -> None:
    _check_endpoint(machine)
    for key, default in SERVER_STATE.items():
        machine[key] = stored.get(key, default)


for _path in ("machines", "workers"):
    family.hook("before_create", _path)(_new_machine)
    family.hook("before_modify", _path)(_changed_machine)


def connection_status(machine: dict[str, Any]) -> dict[str, Any]:
    now = codec.now_iso()
    return {"Id": f"MachineConnectionStatus-{machine['Id']}", "MachineId": machine["Id"], "Logs": [],
            "Status": "Success" if machine.get("HealthStatus") == "Healthy" else "Unknown",
            "CurrentTentacleVersion": "6.3.417", "LastChecked": now, "LastModifiedOn": now,
            "LastModifiedBy": None, "Links": {"Self": machine["Links"]["Connection"]}}


@family.route("GET", "machines/{id}/connection")
async def machine_connection(call: Call) -> Any:
    return connection_status(call.backend.find(MACHINES, call.params["id"], call.space_id))


@family.route("GET", "workers/{id}/connection")
async def worker_connection(call: Call) -> Any:
    return connection_status(call.backend.find(WORKERS, call.params["id"], call.space_id))


# --- discovery ----------------------------------------------------------------------------------

_DISCOVERABLE = ("TentaclePassive", "TentacleActive", "Ssh")


def discovered(host: str, port: int, style: str) -> dict[str, Any]:
    """The endpoint a discovery of ``host:port`` finds: made up, but the same on every call."""
    from octoclr.simulator import x509

    digest = x509.fingerprint(f"{style}:{host.lower()}:{port}")
    if style == "Ssh":
        pairs = ":".join(digest[i:i + 2].lower() for i in range(0, 32, 2))
        endpoint: dict[str, Any] = {"CommunicationStyle": "Ssh", "Host": host, "Port": port,
                                    "Fingerprint": f"ssh-rsa 2048 {pairs}", "AccountId": None,
                                    "DotNetCorePlatform": "linux-x64", "ProxyId": None, "Id": None}
        thumbprint, uri = None, None
    else:
        uri = f"https://{host}:{port}/"
        thumbprint = digest
        endpoint = {"CommunicationStyle": style, "Uri": uri, "Thumbprint": thumbprint, "ProxyId": None,
                    "TentacleVersionDetails": {"UpgradeLocked": False, "Version": "6.3.417",
                                               "UpgradeSuggested": False, "UpgradeRequired": False}, "Id": None}
    return {"Id": None, "Name": host, "Thumbprint": thumbprint, "Uri": uri, "IsDisabled": False,
            "MachinePolicyId": None, **SERVER_STATE, "Endpoint": endpoint, "Links": {}}


def _discover(call: Call, extra: dict[str, Any]) -> dict[str, Any]:
    host = (call.query("host") or "").strip()
    if not host:
        raise BadRequest("The hostname of the machine to discover must be supplied as URI parameter named 'host'.")
    style_text = call.query("type") or "TentaclePassive"
    style = next((s for s in _DISCOVERABLE if s.lower() == style_text.strip().lower()), None)
    if style is None:
        raise BadRequest(f"The type '{style_text}' cannot be discovered; use one of {', '.join(_DISCOVERABLE)}.")
    port = call.query_int("port", 22 if style == "Ssh" else 10933)
    if port is None or not 0 < port < 65536:
        raise BadRequest(f"The port {port} is not a TCP port.")
    return {**discovered(host, port, style), **extra}


@family.route("GET", "machines/discover")
async def discover_machine(call: Call) -> Any:
    return _discover(call, {"EnvironmentIds": [], "Roles": [], "TenantedDeploymentParticipation": "Untenanted",
                            "TenantIds": [], "TenantTags": [], "SpaceId": call.space()})


@family.route("GET", "workers/discover")
async def discover_worker(call: Call) -> Any:
    return _discover(call, {"WorkerPoolIds": [], "SpaceId": call.space()})


# --- what the machines of an environment or pool add up to ------------------------------------

HEALTH_STATUSES = ("Healthy", "Unavailable", "Unknown", "HasWarnings", "Unhealthy")


def summarise(machines: list[dict[str, Any]], tenanted: bool = True) -> dict[str, Any]:
    """The counts a real server's environment and worker pool summaries carry, for these machines."""
    health = {status: 0 for status in HEALTH_STATUSES}
    endpoints = {style: 0 for style in ENDPOINT_STYLES}
    tenants: dict[str, int] = {}
    tags: dict[str, int] = {}
    disabled = 0
    for machine in machines:
        if machine.get("IsDisabled"):
            disabled += 1
        status = str(machine.get("HealthStatus") or "Unknown")
        health[status] = health.get(status, 0) + 1
        style = str((machine.get("Endpoint") or {}).get("CommunicationStyle") or "None")
        endpoints[style] = endpoints.get(style, 0) + 1
        for tenant_id in machine.get("TenantIds") or []:
            tenants[tenant_id] = tenants.get(tenant_id, 0) + 1
        for tag in machine.get("TenantTags") or []:
            tags[tag] = tags.get(tag, 0) + 1
    summary: dict[str, Any] = {
        "TotalMachines": len(machines), "TotalDisabledMachines": disabled,
        "MachineHealthStatusSummaries": health, "MachineEndpointSummaries": endpoints,
        "TentacleUpgradesRequired": False,
        "MachineIdsForCalamariUpgrade": [m["Id"] for m in machines if m.get("HasLatestCalamari") is False],
        "MachineIdsForTentacleUpgrade": [],
    }
    if tenanted:
        summary.update(MachineTenantSummaries=tenants, MachineTenantTagSummaries=tags)
    return summary


def _distinct(call: Call, path: str, field: str) -> list[str]:
    values = {str(row.resource().get(field)) for row in call.backend.store.rows(path, call.space())
              if row.resource().get(field) not in (None, "", "Unknown")}
    return sorted(values, key=str.lower)


@family.route("GET", "machines/operatingsystem/names/all")
async def _machine_systems(call: Call) -> Any:
    return _distinct(call, "machines", "OperatingSystem")


@family.route("GET", "machines/operatingsystem/shells/all")
async def _machine_shells(call: Call) -> Any:
    return _distinct(call, "machines", "ShellName")


@family.route("GET", "workers/operatingsystem/names/all")
async def _worker_systems(call: Call) -> Any:
    return _distinct(call, "workers", "OperatingSystem")


@family.route("GET", "workers/operatingsystem/shells/all")
async def _worker_shells(call: Call) -> Any:
    return _distinct(call, "workers", "ShellName")


@family.route("GET", "machinepolicies/template")
async def _policy_template(call: Call) -> Any:
    """A new machine policy with the server's default settings, for a client to fill in and create."""
    from octoclr.simulator import resources

    template = resources.BY_PATH["machinepolicies"].new_defaults()
    return {"Id": None, "SpaceId": call.space(), **{k: v for k, v in template.items() if k != "Id"},
            "LastModifiedOn": None, "LastModifiedBy": None, "Links": {}}


@family.route("GET", "machineroles/all")
async def machine_roles(call: Call) -> Any:
    """Every role a deployment target of the space has, sorted as a real server sorts them."""
    space = call.space_id or call.backend.default_space_id() or ""
    roles: set[str] = set()
    for row in call.backend.store.rows("machines", space):
        roles.update(r for r in row.resource().get("Roles", []) if isinstance(r, str))
    return sorted(roles, key=str.lower)


# --- health checks ------------------------------------------------------------------------------

def health_checked(backend: "Backend", task: dict[str, Any]) -> None:
    """A finished health check marks its targets healthy (the simulator's machines always answer)."""
    arguments = task.get("Arguments") or {}
    wanted = {str(m).lower() for m in arguments.get("MachineIds") or []}
    environment = str(arguments.get("EnvironmentId") or "").lower()
    for row in backend.store.rows("machines", task.get("SpaceId") or ANY_SPACE):
        machine = row.resource()
        in_scope = (row.id.lower() in wanted if wanted else
                    environment in (e.lower() for e in machine.get("EnvironmentIds", [])) if environment else True)
        if in_scope and not machine.get("IsDisabled"):
            machine.update(HealthStatus="Healthy", Status="Online", HasLatestCalamari=True,
                           StatusSummary="Octopus was able to connect to the machine (simulated).",
                           **_reported_shell(machine))
            backend._save(MACHINES, machine, None)


def _reported_shell(machine: dict[str, Any]) -> dict[str, str]:
    """What a health check learns of a machine's system and shell: Linux and Bash over SSH, else Windows."""
    style = (machine.get("Endpoint") or {}).get("CommunicationStyle")
    if style == "Ssh":
        return {"OperatingSystem": "Linux", "ShellName": "Bash", "ShellVersion": "5.0"}
    if style in ("TentaclePassive", "TentacleActive"):
        return {"OperatingSystem": "Microsoft Windows Server 2019", "ShellName": "PowerShell", "ShellVersion": "5.1"}
    return {}
