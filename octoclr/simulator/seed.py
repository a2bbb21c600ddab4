"""Initial state: the administrator, built-in teams and roles, the default space, and seeds.

A seed file is JSON: an object whose keys are collection names (``spaces``,
``environments``, ``machines``, ``projects``, …) and whose values are lists of resource
bodies, exactly as they would be POSTed. A resource may carry an ``Id`` (so that
others can refer to it) and a ``SpaceId`` (the default space otherwise). Collections are
loaded in dependency order and go through the same validation as requests do.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any, Mapping, Optional, Union

from octoclr.errors import SimulatorError
from octoclr.simulator import codec, resources
from octoclr.simulator.auth import ADMINISTRATORS_TEAM, hash_api_key, hash_password
from octoclr.simulator.behaviours import Backend
from octoclr.simulator.exceptions import ApiError
from octoclr.simulator.families import machines
from octoclr.simulator.families.users import create_api_key

#: Collections in the order they can refer to each other.
LOAD_ORDER = (
    "users", "spaces", "teams", "userroles", "scopeduserroles", "environments", "machinepolicies", "workerpools",
    "lifecycles", "projectgroups", "feeds", "tagsets", "accounts", "certificates", "proxies", "libraryvariablesets",
    "projects", "channels", "runbooks", "projecttriggers", "tenants", "machines", "workers", "releases",
    "deployments", "subscriptions", "communityactiontemplates", "actiontemplates", "tasks",
)

_USER_ROLES: tuple[tuple[str, str, list[str], list[str]], ...] = (
    ("userroles-systemadministrator", "System administrator", ["AdministerSystem"], []),
    ("userroles-systemmanager", "System manager", ["SpaceCreate", "TeamCreate", "UserView"], []),
    ("userroles-spacemanager", "Space manager", [], ["SpaceEdit", "TeamEdit", "ProjectCreate", "EnvironmentCreate"]),
    ("userroles-projectdeployer", "Project deployer", [], ["DeploymentCreate", "ProjectView", "ReleaseView"]),
    ("userroles-projectviewer", "Project viewer", [], ["ProjectView", "ReleaseView", "EnvironmentView"]),
)


def bootstrap(backend: Backend, *, username: str, password: str, api_key: str, installation_id: Optional[str]) -> None:
    """Fill an empty database: administrator, teams, roles, server node and the default space."""
    store = backend.store
    with store.transaction():
        store.set_meta("installation_id", installation_id or str(uuid.uuid4()))
        admin = backend.create(resources.BY_PATH["users"],
                               None, {"Id": "Users-1", "Username": username, "DisplayName": "Administrator",
                                      "EmailAddress": "", "Password": password}, None, explicit_id=True)
        backend.reserve_id(resources.BY_PATH["users"], admin["Id"])
        teams = resources.BY_PATH["teams"]
        backend.create(teams, None, {"Id": ADMINISTRATORS_TEAM, "Name": "Octopus Administrators",
                                     "MemberUserIds": [admin["Id"]], "CanBeDeleted": False, "CanBeRenamed": False,
                                     "CanChangeRoles": False,
                                     "Description": "Members of this team can administer the whole server."},
                       admin["Id"], explicit_id=True)
        backend.create(teams, None, {"Id": "teams-everyone", "Name": "Everyone", "MemberUserIds": [admin["Id"]],
                                     "CanBeDeleted": False, "CanBeRenamed": False, "CanChangeMembers": False,
                                     "Description": "Every user is a member of this team."},
                       admin["Id"], explicit_id=True)
        roles = resources.BY_PATH["userroles"]
        for role_id, name, system_permissions, space_permissions in _USER_ROLES:
            backend.create(roles, None, {"Id": role_id, "Name": name, "CanBeDeleted": False,
                                         "GrantedSystemPermissions": system_permissions,
                                         "GrantedSpacePermissions": space_permissions},
                           admin["Id"], explicit_id=True)
        backend.create(resources.BY_PATH["scopeduserroles"], None,
                       {"UserRoleId": "userroles-systemadministrator", "TeamId": ADMINISTRATORS_TEAM}, admin["Id"])
        backend._put_child("octopusservernodes", {"Id": "OctopusServerNodes-octoclr", "Name": "octoclr-simulator",
                                                  "LastSeen": codec.now_iso()}, admin["Id"])
        backend.create(resources.BY_PATH["spaces"], None,
                       {"Name": "Default", "IsDefault": True, "Description": "The default space",
                        "SpaceManagersTeams": [ADMINISTRATORS_TEAM]}, admin["Id"])
        create_api_key(backend, admin["Id"], "Simulator administrator key", api_key)
    backend.reload()


def ensure_admin(backend: Backend, *, username: str, password: str, api_key: str) -> None:
    """On a database from an earlier run: make the given administrator credentials work."""
    store = backend.store
    users = resources.BY_PATH["users"]
    _, bodies = store.query("users", name=username)
    with store.transaction():
        if bodies:
            user_id = codec.loads(bodies[0])["Id"]
            store.set_password_hash(user_id, hash_password(password))
        else:
            user_id = backend.create(users, None, {"Username": username, "DisplayName": "Administrator",
                                                   "Password": password}, None)["Id"]
        team = backend.store.get("teams", ADMINISTRATORS_TEAM)
        if team is not None:
            body = team.resource()
            if user_id not in body.get("MemberUserIds", []):
                body["MemberUserIds"] = [*body.get("MemberUserIds", []), user_id]
                backend._save(resources.BY_PATH["teams"], body, user_id)
        if store.api_key_owner(hash_api_key(api_key)) is None:
            create_api_key(backend, user_id, "Simulator administrator key", api_key)
    backend.reload()


def load_seed_file(path: Union[str, Path]) -> dict[str, Any]:
    try:
        data = codec.loads(Path(path).read_bytes())
    except OSError as error:
        raise SimulatorError(f"Cannot read the seed file {path}: {error.strerror}. Give an existing JSON file.") from None
    except (codec.DecodeError, ValueError) as error:
        raise SimulatorError(f"The seed file {path} is not valid JSON: {error}.") from None
    if not isinstance(data, dict):
        raise SimulatorError(f"The seed file {path} must hold a JSON object of collection name -> list of resources.")
    return data


def apply_seed(backend: Backend, data: Mapping[str, Any], *, actor: str = "Users-1") -> None:
    """Create every resource of a seed, all or nothing."""
    unknown = [name for name in data if name not in LOAD_ORDER and not name.startswith("$")]
    if unknown:
        raise SimulatorError(f"The seed names collections the simulator cannot seed: {', '.join(unknown)}. "
                             f"Use any of: {', '.join(LOAD_ORDER)}.")
    try:
        with backend.store.transaction():
            for name in LOAD_ORDER:
                items = data.get(name) or []
                if not isinstance(items, list):
                    raise SimulatorError(f"Seed entry '{name}' must be a list of resources.")
                coll = resources.BY_PATH[name]
                for index, item in enumerate(items):
                    try:
                        _seed_one(backend, coll, item)
                    except ApiError as error:
                        raise SimulatorError(f"Seed {name}[{index}] was rejected: {error.message} "
                                             f"{' '.join(error.errors)}") from None
    finally:
        backend.reload()


def _seed_one(backend: Backend, coll: resources.Collection, item: Any) -> None:
    if not isinstance(item, dict):
        raise SimulatorError(f"Every seed item of '{coll.path}' must be a JSON object.")
    space_id = item.get("SpaceId") if coll.scope != resources.SYSTEM else None
    explicit = isinstance(item.get("Id"), str) and bool(item["Id"])
    if explicit:
        backend.reserve_id(coll, item["Id"])
    if resources.CREATE not in coll.verbs:
        # What clients cannot create is the server's own data (the community library): stored as given.
        backend._put_child(coll.path, dict(item), "Users-1")
        return
    created = backend.create(coll, space_id, dict(item), "Users-1", explicit_id=explicit)
    # A seed is a server's stored state: it may say what the server itself found (a target's
    # health), which a client's request cannot.
    owned = {key: item[key] for key in machines.SERVER_STATE if key in item} if coll in (machines.MACHINES,
                                                                                        machines.WORKERS) else {}
    if owned:
        created.update(owned)
        with backend.store.transaction():
            backend._save(coll, created, "Users-1")


def demo_seed() -> dict[str, Any]:
    """The built-in demo: two spaces with environments, targets, project groups and projects."""
    tentacle = {"CommunicationStyle": "TentaclePassive", "Thumbprint": "8A7E6157A34158EDA1B5127CB027B2A267760A4F"}
    healthy = {"HealthStatus": "Healthy", "Status": "Online", "StatusSummary": "Octopus was able to connect.",
               "OperatingSystem": "Linux", "ShellName": "Bash", "ShellVersion": "5.1"}
    return {
        "spaces": [{"Id": "Spaces-2", "Name": "Space Name", "Description": "A second space for examples",
                    "SpaceManagersTeams": [ADMINISTRATORS_TEAM]}],
        "environments": [
            {"Id": "Environments-1", "Name": "Development", "SortOrder": 0},
            {"Id": "Environments-2", "Name": "Test", "SortOrder": 1},
            {"Id": "Environments-3", "Name": "Production", "SortOrder": 2, "UseGuidedFailure": True},
            {"Id": "Environments-4", "Name": "Staging", "SortOrder": 0, "SpaceId": "Spaces-2"},
            {"Id": "Environments-5", "Name": "Live", "SortOrder": 1, "SpaceId": "Spaces-2"},
        ],
        "projectgroups": [
            {"Id": "ProjectGroups-10", "Name": "Websites", "Description": "Public web sites"},
            {"Id": "ProjectGroups-11", "Name": "Services", "SpaceId": "Spaces-2"},
        ],
        "lifecycles": [
            {"Id": "Lifecycles-10", "Name": "Dev to Production", "Phases": [
                {"Id": str(uuid.UUID(int=1)), "Name": "Development", "AutomaticDeploymentTargets": [],
                 "OptionalDeploymentTargets": ["Environments-1"], "MinimumEnvironmentsBeforePromotion": 0,
                 "IsOptionalPhase": False, "ReleaseRetentionPolicy": None, "TentacleRetentionPolicy": None},
                {"Id": str(uuid.UUID(int=2)), "Name": "Test", "AutomaticDeploymentTargets": [],
                 "OptionalDeploymentTargets": ["Environments-2"], "MinimumEnvironmentsBeforePromotion": 0,
                 "IsOptionalPhase": False, "ReleaseRetentionPolicy": None, "TentacleRetentionPolicy": None},
                {"Id": str(uuid.UUID(int=3)), "Name": "Production", "AutomaticDeploymentTargets": [],
                 "OptionalDeploymentTargets": ["Environments-3"], "MinimumEnvironmentsBeforePromotion": 0,
                 "IsOptionalPhase": False, "ReleaseRetentionPolicy": None, "TentacleRetentionPolicy": None}]},
        ],
        "feeds": [{"Name": "nuget.org", "FeedType": "NuGet", "FeedUri": "https://api.nuget.org/v3/index.json"}],
        "projects": [
            {"Id": "Projects-1", "Name": "OctoFX Web", "Description": "The OctoFX trading web site",
             "ProjectGroupId": "ProjectGroups-10", "LifecycleId": "Lifecycles-10",
             # Acme Corp is connected to it, which a real server allows only to a project that takes tenants.
             "TenantedDeploymentMode": "TenantedOrUntenanted"},
            {"Id": "Projects-2", "Name": "OctoFX Rate Service", "Description": "Exchange rates",
             "ProjectGroupId": "ProjectGroups-10", "LifecycleId": "Lifecycles-1"},
            {"Id": "Projects-3", "Name": "Inventory API", "SpaceId": "Spaces-2",
             "ProjectGroupId": "ProjectGroups-11", "LifecycleId": "Lifecycles-2"},
        ],
        "tenants": [{"Name": "Acme Corp", "ProjectEnvironments": {"Projects-1": ["Environments-1", "Environments-2"]}}],
        "machines": [
            {"Id": "Machines-1", "Name": "web01", "Roles": ["web-server"],
             "EnvironmentIds": ["Environments-1", "Environments-2"],
             "Endpoint": {**tentacle, "Uri": "https://web01.example.com:10933/"}, **healthy},
            {"Id": "Machines-2", "Name": "web02", "Roles": ["web-server"], "EnvironmentIds": ["Environments-3"],
             "Endpoint": {**tentacle, "Uri": "https://web02.example.com:10933/"}, **healthy},
            {"Id": "Machines-3", "Name": "db01", "Roles": ["db-server"],
             "EnvironmentIds": ["Environments-1", "Environments-2", "Environments-3"],
             "Endpoint": {"CommunicationStyle": "TentacleActive",
                          "Uri": "poll://db01000000000000000000/", "Thumbprint": "1F3E5B0D3C2A4E6F"}, **healthy},
            {"Id": "Machines-4", "Name": "inventory-region", "Roles": ["inventory"], "SpaceId": "Spaces-2",
             "EnvironmentIds": ["Environments-4", "Environments-5"],
             "Endpoint": {"CommunicationStyle": "None"}, **healthy},
        ],
        "releases": [{"ProjectId": "Projects-1", "Version": "1.0.0", "ReleaseNotes": "First release"}],
        # The simulator syncs no community library; these two stand in for it.
        "communityactiontemplates": [
            {"Id": "CommunityActionTemplates-1", "Name": "Check a URL answers", "Type": "Octopus.Script",
             "Author": "octoclr", "Version": 3, "Website": "https://example.com/step-templates/check-url",
             "HistoryUrl": "https://example.com/step-templates/check-url/history",
             "Description": "Fails the step unless the URL answers with the expected HTTP status.",
             "Properties": {"Octopus.Action.Script.Syntax": "Bash",
                            "Octopus.Action.Script.ScriptBody":
                                'code=$(curl -s -o /dev/null -w "%{http_code}" "#{CheckUrl}")\n'
                                '[ "$code" = "#{ExpectedStatus}" ] || { echo "got $code"; exit 1; }'},
             "Parameters": [{"Id": "5b3f7e21-8a0c-4d0e-9f57-3c1a2d4e6f01", "Name": "CheckUrl", "Label": "URL",
                             "HelpText": "The address to call.", "DefaultValue": "",
                             "DisplaySettings": {"Octopus.ControlType": "SingleLineText"}},
                            {"Id": "5b3f7e21-8a0c-4d0e-9f57-3c1a2d4e6f02", "Name": "ExpectedStatus",
                             "Label": "Expected status", "HelpText": "", "DefaultValue": "200",
                             "DisplaySettings": {"Octopus.ControlType": "SingleLineText"}}]},
            {"Id": "CommunityActionTemplates-2", "Name": "Wait for a file", "Type": "Octopus.Script",
             "Author": "octoclr", "Version": 1, "Website": "https://example.com/step-templates/wait-file",
             "HistoryUrl": "https://example.com/step-templates/wait-file/history",
             "Description": "Waits until a file exists on the target, or times out.",
             "Properties": {"Octopus.Action.Script.Syntax": "Bash",
                            "Octopus.Action.Script.ScriptBody":
                                'for i in $(seq "#{TimeoutSeconds}"); do [ -e "#{FilePath}" ] && exit 0; sleep 1; done\n'
                                "exit 1"},
             "Parameters": [{"Id": "8e1d2c3b-4a5f-4e6d-8c7b-9a0f1e2d3c01", "Name": "FilePath", "Label": "File",
                             "HelpText": "", "DefaultValue": "",
                             "DisplaySettings": {"Octopus.ControlType": "SingleLineText"}},
                            {"Id": "8e1d2c3b-4a5f-4e6d-8c7b-9a0f1e2d3c02", "Name": "TimeoutSeconds",
                             "Label": "Timeout (seconds)", "HelpText": "", "DefaultValue": "60",
                             "DisplaySettings": {"Octopus.ControlType": "SingleLineText"}}]},
        ],
    }
