"""Responses of the implemented collections match the official Swagger description of the API.

A population of resources is created through plain HTTP in a space of its own, the way a
client would: each collection's create, get, list, ``/all`` and PUT responses, and a few
related routes, are then validated against the definitions that the description promises for
that route and status. So is the first page of every collection the root documents link to,
seeded data included. A second check compares property sets: a real server serialises every
property of a resource (unset ones as ``null``), so a property the description defines but the
simulator leaves out is a gap.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple

import httpx
import pytest

from .conftest import space_body, unique

if TYPE_CHECKING:
    from .swagger import SwaggerDescription

Exchange = Tuple[str, str, int, Any]  # method, path, status, body

# Collections that have no ``/all`` route, or no PUT, in the reference description.
WITHOUT_ALL = {"releases", "deployments", "tasks"}
WITHOUT_PUT = {"deployments", "tasks"}
# What the modify check changes (Description where the resource has one).
MODIFICATIONS: Dict[str, Dict[str, Any]] = {
    name: {"Description": "changed"}
    for name in ("spaces", "teams", "environments", "machinepolicies", "projectgroups", "lifecycles", "projects",
                 "tenants", "channels")
}
MODIFICATIONS.update({"users": {"DisplayName": "Changed Name"}, "machines": {"Roles": ["changed-role"]},
                      "feeds": {"Name": "Changed Feed"}, "releases": {"ReleaseNotes": "changed"}})


@dataclass
class Collection:
    """What the checks saw of one collection."""

    exchanges: Dict[str, Exchange] = field(default_factory=dict)
    failures: List[str] = field(default_factory=list)
    responses: Dict[str, httpx.Response] = field(default_factory=dict)


class Population:
    """Creates one resource per collection and records the responses for the checks."""

    def __init__(self, api: httpx.Client) -> None:
        self.api = api
        self.collections: Dict[str, Collection] = {}

    def record(self, collection: str, kind: str, method: str, path: str, **kwargs: Any) -> Optional[Any]:
        entry = self.collections.setdefault(collection, Collection())
        response = self.api.request(method, path, **kwargs)
        entry.responses[kind] = response
        try:
            body = response.json() if response.content else None
        except ValueError:
            entry.failures.append(f"{method} {path}: {response.status_code} with a non-JSON body {response.text[:200]!r}")
            return None
        if response.status_code >= 300:
            entry.failures.append(f"{method} {path}: {response.status_code} {response.text[:400]}")
            return None
        entry.exchanges[kind] = (method, path, response.status_code, body)
        return body

    def collection(self, name: str, base: str, create: Optional[Dict[str, Any]] = None, *, resource: Any = None) -> Any:
        """create (POST base) or use ``resource``, then get, list, /all and PUT, all recorded."""
        if create is not None:
            resource = self.record(name, "create", "POST", base, json=create)
        if resource is None:
            return None
        fetched = self.record(name, "get", "GET", f"{base}/{resource['Id']}")
        self.record(name, "list", "GET", base)
        if create is not None and fetched is not None and name not in WITHOUT_PUT:
            # A real PUT, as the TypeScript client sends it; its response is the modified resource.
            self.record(name, "modify", "PUT", f"{base}/{resource['Id']}", json=dict(fetched, **MODIFICATIONS.get(name, {})))
        if name not in WITHOUT_ALL:
            self.record(name, "all", "GET", f"{base}/all")
        return resource


def _populate(api: httpx.Client, owner_id: str) -> Population:
    population = Population(api)
    population.record("root document", "get", "GET", "/api")
    population.record("user api keys", "get", "GET", f"/api/users/{owner_id}/apikeys")
    space = population.collection("spaces", "/api/spaces", space_body(owner_id))
    if space is None:
        return population
    s = f"/api/{space['Id']}"

    population.collection(
        "users",
        "/api/users",
        {
            "Username": unique("conformance-user").replace(" ", "-"),
            "DisplayName": "Conformance User",
            "EmailAddress": "conformance@example.com",
            "IsActive": True,
            "IsService": False,
            "Password": "Correct-Horse-Battery-9",
        },
    )
    population.collection(
        "teams",
        f"{s}/teams",
        {"Name": unique("Team"), "Description": "", "MemberUserIds": [owner_id], "ExternalSecurityGroups": [], "SpaceId": space["Id"]},
    )
    environment = population.collection(
        "environments",
        f"{s}/environments",
        {"Name": unique("Env"), "Description": "", "SortOrder": 0, "UseGuidedFailure": False,
         "AllowDynamicInfrastructure": False, "ExtensionSettings": []},
    )
    policy_template = api.get(f"{s}/machinepolicies/template")
    policy = policy_template.json() if policy_template.status_code == 200 else {}
    policy.update({"Name": unique("Policy"), "Description": ""})
    policy.pop("Id", None)
    population.collection("machinepolicies", f"{s}/machinepolicies", policy)
    if environment is not None:
        population.collection(
            "machines",
            f"{s}/machines",
            {
                "Name": unique("web"),
                "Roles": ["web-server"],
                "EnvironmentIds": [environment["Id"]],
                "TenantIds": [],
                "TenantTags": [],
                "TenantedDeploymentParticipation": "Untenanted",
                "IsDisabled": False,
                "Endpoint": {
                    "CommunicationStyle": "TentaclePassive",
                    "Uri": "https://web01.example.com:10933/",
                    "Thumbprint": "8A7E6157A34158EDA1B5127CB027B2A267760A4F",
                },
            },
        )
    group = population.collection("projectgroups", f"{s}/projectgroups", {"Name": unique("Group"), "Description": ""})
    retention = {"Unit": "Days", "QuantityToKeep": 30, "ShouldKeepForever": False}
    lifecycle = population.collection(
        "lifecycles",
        f"{s}/lifecycles",
        {"Name": unique("Lifecycle"), "Description": "", "Phases": [],
         "ReleaseRetentionPolicy": retention, "TentacleRetentionPolicy": retention},
    )
    project = None
    if group is not None and lifecycle is not None:
        project = population.collection(
            "projects",
            f"{s}/projects",
            {"Name": unique("Project"), "Description": "", "ProjectGroupId": group["Id"], "LifecycleId": lifecycle["Id"]},
        )
    population.collection(
        "feeds",
        f"{s}/feeds",
        {"Name": unique("Feed"), "FeedType": "NuGet", "FeedUri": "https://api.nuget.org/v3/index.json",
         "DownloadAttempts": 5, "DownloadRetryBackoffSeconds": 10, "EnhancedMode": False},
    )
    if project is None:
        return population
    if environment is not None:
        population.collection(
            "tenants",
            f"{s}/tenants",
            {"Name": unique("Tenant"), "Description": "", "TenantTags": [],
             "ProjectEnvironments": {project["Id"]: [environment["Id"]]}},
        )
    population.record("deploymentprocesses", "get", "GET", f"{s}/deploymentprocesses/{project['DeploymentProcessId']}")
    population.record("variables", "get", "GET", f"{s}/variables/{project['VariableSetId']}")
    channels = api.get(f"{s}/projects/{project['Id']}/channels").json().get("Items", [])
    default_channel = next((channel for channel in channels if channel.get("IsDefault")), None)
    population.collection(
        "channels",
        f"{s}/channels",
        {"Name": unique("Channel"), "Description": "", "ProjectId": project["Id"], "LifecycleId": None,
         "IsDefault": False, "Rules": [], "TenantTags": []},
    )
    release = population.collection(
        "releases",
        f"{s}/releases",
        {"ProjectId": project["Id"], "ChannelId": default_channel["Id"] if default_channel else None,
         "Version": "1.0.0", "ReleaseNotes": "", "SelectedPackages": []},
    )
    if release is None or environment is None:
        return population
    deployment = population.collection(
        "deployments",
        f"{s}/deployments",
        {"ReleaseId": release["Id"], "EnvironmentId": environment["Id"], "Comments": "",
         "ForcePackageDownload": False, "ForcePackageRedeployment": False, "SkipActions": [],
         "SpecificMachineIds": [], "ExcludedMachineIds": [], "UseGuidedFailure": False, "FormValues": {}},
    )
    if deployment is not None:
        task = {"Id": deployment["TaskId"]}
        population.collection("tasks", "/api/tasks", resource=task)
        population.record("task details", "get", "GET", f"/api/tasks/{deployment['TaskId']}/details")
    population.record("project channels", "get", "GET", f"{s}/projects/{project['Id']}/channels")
    population.record("project releases", "get", "GET", f"{s}/projects/{project['Id']}/releases")
    population.record("release deployments", "get", "GET", f"{s}/releases/{release['Id']}/deployments")
    population.record("environment machines", "get", "GET", f"{s}/environments/{environment['Id']}/machines")
    machines = population.collections.get("machines")
    if machines and "get" in machines.exchanges:
        machine = machines.exchanges["get"][3]
        population.record("machine connection", "get", "GET", machine["Links"]["Connection"])
        population.record("machine tasks", "get", "GET", f"{s}/machines/{machine['Id']}/tasks")
    return population


@pytest.fixture(scope="module")
def population(api: httpx.Client, current_user: Dict[str, Any]) -> Population:
    return _populate(api, current_user["Id"])


COLLECTIONS = [
    "spaces", "users", "teams", "environments", "machinepolicies", "machines", "projectgroups",
    "lifecycles", "projects", "feeds", "tenants", "channels", "releases", "deployments", "tasks",
]
KINDS = ["create", "get", "list", "all", "modify"]
CASES = [
    (name, kind)
    for name in COLLECTIONS
    for kind in KINDS
    if not (name == "tasks" and kind == "create")
    and not (name in WITHOUT_ALL and kind == "all")
    and not (name in WITHOUT_PUT and kind == "modify")
]
RELATED = [
    "deploymentprocesses", "variables", "root document", "user api keys", "task details", "project channels",
    "project releases", "release deployments", "environment machines", "machine connection", "machine tasks",
]
CASES += [(name, "get") for name in RELATED]


def _exchange(population: Population, name: str, kind: str) -> Exchange:
    collection = population.collections.get(name)
    if collection is None:
        pytest.fail(f"{name}: never reached, because a resource it depends on could not be created")
    if kind not in collection.exchanges:
        pytest.fail(f"{name} {kind}: no successful response; " + "; ".join(collection.failures))
    return collection.exchanges[kind]


def test_validator_accepts_real_pages_and_rejects_broken_ones(swagger: SwaggerDescription, reference_dir: Path) -> None:
    """The checker itself: real server data passes, a damaged copy fails on each damage."""
    path = "/api/machines/Machines-1/tasks"
    for skip in (0, 30, 60, 90, 120):
        page = json.loads((reference_dir / "canned" / f"machine-tasks-skip-{skip}.json").read_text(encoding="utf-8-sig"))
        assert swagger.response_errors("GET", path, 200, page) == []
    damaged = dict(page, TotalResults="139", Items=[dict(page["Items"][0], State="Done", StartTime="yesterday")])
    problems = swagger.response_errors("GET", path, 200, damaged)
    assert len(problems) == 3, problems


@pytest.mark.parametrize("name,kind", CASES, ids=[f"{n}-{k}" for n, k in CASES])
def test_response_matches_swagger_definition(
    population: Population, swagger: SwaggerDescription, name: str, kind: str
) -> None:
    method, path, status, body = _exchange(population, name, kind)
    problems = swagger.response_errors(method, path, status, body)
    assert not problems, f"{method} {path} ({status}) breaks its Swagger definition:\n" + "\n".join(problems[:20])


@pytest.mark.parametrize("name", [n for n in COLLECTIONS if n != "tasks"])
def test_create_answers_201_with_a_location_that_leads_to_the_resource(population: Population, name: str) -> None:
    """Octopus.Client's Create needs ``Location`` (root-relative) and GETs it (protocol notes S7)."""
    method, path, status, body = _exchange(population, name, "create")
    location = population.collections[name].responses["create"].headers.get("location", "")
    assert status == 201, f"POST {path} answered {status}"
    assert location.startswith("/api/") and "://" not in location, f"POST {path}: Location {location!r}"
    fetched = population.api.get(location)
    assert fetched.status_code == 200 and fetched.json()["Id"] == body["Id"], location


@pytest.mark.parametrize("name", sorted(MODIFICATIONS))
def test_modify_returns_the_modified_resource(population: Population, name: str) -> None:
    """The TypeScript client's ``modify`` returns the PUT response as the modified resource."""
    method, path, status, body = _exchange(population, name, "modify")
    for key, value in MODIFICATIONS[name].items():
        assert body.get(key) == value, f"PUT {path}: {key} is {body.get(key)!r}, not {value!r}"
    again = population.api.get(path).json()
    for key, value in MODIFICATIONS[name].items():
        assert again.get(key) == value, f"GET {path} after PUT: {key} is {again.get(key)!r}"


# Properties a real server leaves out: write-only secrets, and what the canned real responses lack.
NOT_SERVED = {"Password", "ApiKey"}
NOT_SERVED_ON_PAGES = {"Id", "LastModifiedOn", "LastModifiedBy"}


@pytest.mark.parametrize("name", COLLECTIONS + ["deploymentprocesses", "variables"])
def test_resource_carries_every_property_of_its_definition(
    population: Population, swagger: SwaggerDescription, name: str
) -> None:
    method, path, status, body = _exchange(population, name, "get")
    definition = swagger.definition_name(swagger.operation(method, path, status).schema)
    assert definition is not None
    missing = sorted(set(swagger.properties_of(definition)) - set(body) - NOT_SERVED)
    assert not missing, f"GET {path} lacks properties of {definition} that a real server sends: {missing}"


@pytest.mark.parametrize("name", [n for n in COLLECTIONS])
def test_page_carries_every_property_of_its_definition(
    population: Population, swagger: SwaggerDescription, name: str
) -> None:
    method, path, status, body = _exchange(population, name, "list")
    definition = swagger.definition_name(swagger.operation(method, path, status).schema)
    assert definition is not None and definition.startswith("ResourceCollection_of_")
    missing = sorted(set(swagger.properties_of(definition)) - set(body) - NOT_SERVED_ON_PAGES)
    assert not missing, f"GET {path} lacks page properties of {definition}: {missing}"


def test_current_user_and_user_spaces_match_their_definitions(
    api: httpx.Client, swagger: SwaggerDescription, current_user: Dict[str, Any]
) -> None:
    """The description leaves these two routes untyped; a real server sends a UserResource and SpaceResources."""
    problems = swagger.errors({"$ref": "#/definitions/UserResource"}, current_user)
    spaces = api.get(current_user["Links"]["Spaces"]).json()
    problems += swagger.errors({"type": "array", "items": {"$ref": "#/definitions/SpaceResource"}}, spaces)
    assert not problems, problems


def _collection_links(links: Dict[str, str], prefix: str) -> Dict[str, str]:
    """Collections among ``links``: ``{prefix}<segment>{/id}…`` templates, by segment."""
    found = {}
    for template in links.values():
        path = template.split("{", 1)[0]
        if template[len(path):].startswith("{/id}") and path.startswith(prefix) and "/" not in path[len(prefix):]:
            found[path[len(prefix):]] = path
    return found


SCOPES = ["default space", "second space", "system"]


def _served_collections(api: httpx.Client, current_user: Dict[str, Any], scope: str) -> Dict[str, str]:
    """Every collection that the root document (system) or a space root links to: the default
    space, or the demo seed's second space (the first space that is not the default one)."""
    if scope == "system":
        collections = _collection_links(api.get("/api").json()["Links"], "/api/")
        collections.pop("spaces", None)  # checked with the population
    else:
        spaces = api.get(current_user["Links"]["Spaces"]).json()
        if scope == "default space":
            (space,) = [s for s in spaces if s["IsDefault"]]
        else:
            space = min((s for s in spaces if not s["IsDefault"]), key=lambda s: int(s["Id"].split("-")[1]))
        links = api.get(space["Links"]["SpaceHome"]).json()["Links"]
        collections = _collection_links(links, f"/api/{space['Id']}/")
    assert collections, "no collection links found"
    return collections


@pytest.fixture(scope="module")
def served_pages(api: httpx.Client, swagger: SwaggerDescription, current_user: Dict[str, Any]) -> Dict[str, Any]:
    """scope → collection → (path, response) for the first page of every served collection."""
    pages: Dict[str, Any] = {}
    for scope in SCOPES:
        pages[scope] = {}
        for segment, path in sorted(_served_collections(api, current_user, scope).items()):
            try:
                swagger.operation("GET", path, 200)
            except LookupError:
                continue  # a collection newer than the 2020.5 description: nothing to compare with
            pages[scope][segment] = (path, api.get(path))
    return pages


@pytest.mark.parametrize("scope", SCOPES)
def test_every_served_collection_page_matches_swagger(
    served_pages: Dict[str, Any], swagger: SwaggerDescription, scope: str
) -> None:
    """Seeded and created data alike: the first page of every collection the root documents link to."""
    problems: Dict[str, List[str]] = {}
    for segment, (path, response) in served_pages[scope].items():
        if response.status_code != 200:
            problems[segment] = [f"GET {path}: {response.status_code} {response.text[:160]}"]
            continue
        found = swagger.response_errors("GET", path, 200, response.json())
        if found:
            problems[segment] = found[:5]
    assert not problems, "collections whose pages break the description:\n" + json.dumps(problems, indent=1)


@pytest.mark.parametrize("scope", SCOPES)
def test_every_served_item_carries_every_property_of_its_definition(
    served_pages: Dict[str, Any], swagger: SwaggerDescription, scope: str
) -> None:
    missing: Dict[str, List[str]] = {}
    for segment, (path, response) in served_pages[scope].items():
        if response.status_code != 200:
            continue  # reported by the test above
        page_definition = swagger.definition_name(swagger.operation("GET", path, 200).schema) or ""
        item_definition = page_definition.replace("ResourceCollection_of_", "", 1)
        if item_definition not in swagger.definitions:
            continue
        expected = set(swagger.properties_of(item_definition)) - NOT_SERVED
        for item in response.json()["Items"]:
            lacking = sorted(expected - set(item))
            if lacking:
                missing[f"{segment} ({item_definition})"] = lacking
                break
    assert not missing, "served items lack properties a real server sends:\n" + json.dumps(missing, indent=1)
