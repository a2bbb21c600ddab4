"""The client protocol (../shared/reference/octopus-client-protocol.md), rule by rule, over HTTP."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import httpx
import pytest

from tests.simulator.conftest import delete, error_of, put

SPACE_SCOPED_LINKS = ("Projects", "Environments", "Machines", "ProjectGroups", "Lifecycles", "Tenants", "Releases",
                      "Deployments", "Channels", "Feeds", "MachinePolicies", "Variables", "DeploymentProcesses",
                      "Teams", "Tasks", "LibraryVariables", "Accounts", "WorkerPools", "Workers")


def all_links(document: object) -> list[str]:
    found: list[str] = []
    if isinstance(document, dict):
        for key, value in document.items():
            if key == "Links" and isinstance(value, dict):
                found.extend(v for v in value.values() if isinstance(v, str))
            else:
                found.extend(all_links(value))
    elif isinstance(document, list):
        for item in document:
            found.extend(all_links(item))
    return found


def test_root_document_is_anonymous_and_well_formed(anonymous: httpx.Client, sim) -> None:
    root = anonymous.get("/api").json()
    assert root["ApiVersion"] == "3.0.0"
    assert root["Version"] == sim.version
    uuid.UUID(root["InstallationId"])
    assert root["Links"]["Self"] == "/api"
    for name in ("CurrentUser", "SignIn", "SignOut", "Users", "Spaces", "SpaceHome", "Tasks", "Teams"):
        assert name in root["Links"], name
    assert "{/id}" in root["Links"]["Spaces"] and "name" in root["Links"]["Spaces"]


def test_installation_id_is_stable_across_requests_and_resets(anonymous: httpx.Client, sim) -> None:
    first = anonymous.get("/api").json()["InstallationId"]
    sim.reset()
    assert anonymous.get("/api").json()["InstallationId"] == first


def test_root_document_has_every_link_name_of_a_real_server(anonymous: httpx.Client, reference_dir: Path) -> None:
    real = json.loads((reference_dir / "canned" / "root-document-2019.7.12.json").read_text(encoding="utf-8-sig"))
    ours = anonymous.get("/api").json()["Links"]
    missing = sorted(set(real["Links"]) - set(ours))
    assert not missing, f"link names missing from /api: {missing}"


def test_every_link_is_a_root_relative_path(api: httpx.Client) -> None:
    documents = [api.get("/api").json(), api.get("/api/Spaces-1").json(), api.get("/api/users/me").json(),
                 api.get("/api/Spaces-1/machines").json(), api.get("/api/spaces").json()]
    links = [link for doc in documents for link in all_links(doc)]
    assert links
    for link in links:
        assert link.startswith("/") and "://" not in link.split("?")[0].split("#")[0], link


def test_default_space_discovery_sequence(api: httpx.Client) -> None:
    """GET /api -> CurrentUser -> user's Spaces (a plain array) -> the IsDefault space's SpaceHome."""
    root = api.get("/api").json()
    me = api.get(root["Links"]["CurrentUser"]).json()
    spaces = api.get(me["Links"]["Spaces"]).json()
    assert isinstance(spaces, list)
    defaults = [s for s in spaces if s["IsDefault"]]
    assert len(defaults) == 1
    home = defaults[0]["Links"]["SpaceHome"]
    assert "{" not in home
    space_root = api.get(home)
    assert space_root.status_code == 200
    links = space_root.json()["Links"]
    for name in SPACE_SCOPED_LINKS:
        assert links[name].startswith(f"/api/{defaults[0]['Id']}/"), name
        assert "{/id}" in links[name], name


def test_me_spaces_and_user_spaces_are_plain_arrays(api: httpx.Client) -> None:
    assert isinstance(api.get("/api/users/me/spaces").json(), list)
    spaces = api.get("/api/users/Users-1/spaces").json()
    assert {s["Name"] for s in spaces} >= {"Default", "Space Name"}


def test_every_space_scoped_collection_of_a_second_space_points_at_that_space(api: httpx.Client) -> None:
    links = api.get("/api/Spaces-2").json()["Links"]
    for name in SPACE_SCOPED_LINKS:
        assert links[name].startswith("/api/Spaces-2/"), (name, links[name])
    projects = api.get("/api/Spaces-2/projects/all").json()
    assert [p["SpaceId"] for p in projects] == ["Spaces-2"] * len(projects) and projects


def test_ids_match_case_insensitively(api: httpx.Client) -> None:
    machine = api.get("/api/Spaces-1/machines/machines-1")
    assert machine.status_code == 200
    assert machine.json()["Id"] == "Machines-1"
    assert api.get("/api/spaces-1/machines/MACHINES-1").json()["Id"] == "Machines-1"


def test_sync_client_headers_on_a_get_are_accepted(api: httpx.Client) -> None:
    response = api.get("/api/Spaces-1/environments", headers={
        "Content-Type": "application/json", "Expect": "100-continue", "Content-Length": "0",
        "User-Agent": "OctopusClient-dotnet/8.2.0 (Unix 6.18.44.657; x64) NoneOrUnknown", "Connection": "keep-alive"})
    assert response.status_code == 200
    assert "content-encoding" not in response.headers


def test_create_answers_201_with_location_and_links(api: httpx.Client) -> None:
    body = ('{\r\n  "Name": "Prod",\r\n  "Description": null,\r\n  "SortOrder": 0,\r\n  "UseGuidedFailure": false,\r\n'
            '  "AllowDynamicInfrastructure": false,\r\n  "SpaceId": null,\r\n  "ExtensionSettings": [],\r\n'
            '  "Links": {}\r\n}')
    response = api.post("/api/Spaces-1/environments", content=body.encode(),
                         headers={"Content-Type": "application/json", "Expect": "100-continue"})
    assert response.status_code == 201
    location = response.headers["Location"]
    assert location.startswith("/api/Spaces-1/environments/Environments-")
    created = api.get(location).json()
    assert created["Name"] == "Prod" and created["SpaceId"] == "Spaces-1"
    assert created["Links"]["Self"] == location
    assert created["LastModifiedBy"] == "admin" and created["LastModifiedOn"]


def test_create_without_space_in_url_uses_the_default_space(api: httpx.Client) -> None:
    response = api.post("/api/environments", json={"Name": "Unscoped"})
    assert response.status_code == 201
    assert response.json()["SpaceId"] == "Spaces-1"


def test_create_rejects_a_space_id_that_contradicts_the_url(api: httpx.Client) -> None:
    response = api.post("/api/Spaces-1/environments", json={"Name": "Elsewhere", "SpaceId": "Spaces-2"})
    assert response.status_code == 400
    error_of(response)


def test_modify_and_delete_through_method_override(api: httpx.Client) -> None:
    env = api.post("/api/Spaces-1/environments", json={"Name": "Temp"}).json()
    env["Name"] = "Temp renamed"
    modified = put(api, env["Links"]["Self"], env)
    assert modified.status_code == 200
    assert api.get(env["Links"]["Self"]).json()["Name"] == "Temp renamed"
    assert delete(api, env["Links"]["Self"]).status_code == 200
    assert api.get(env["Links"]["Self"]).status_code == 404
    again = delete(api, env["Links"]["Self"])
    assert again.status_code == 404
    error_of(again)


def test_real_put_and_delete_verbs_work_too(api: httpx.Client) -> None:
    env = api.post("/api/Spaces-1/environments", json={"Name": "Verbs"}).json()
    assert api.put(env["Links"]["Self"], json={**env, "Description": "x"}).json()["Description"] == "x"
    assert api.delete(env["Links"]["Self"]).status_code == 200


def test_machine_modify_without_space_id_keeps_the_stored_one(api: httpx.Client) -> None:
    machine = api.get("/api/Spaces-2/machines/Machines-4").json()
    body = {k: v for k, v in machine.items() if k != "SpaceId"}
    body["Name"] = "inventory-region-2"
    assert put(api, f"/api/Spaces-2/machines/{machine['Id'].lower()}", body).status_code == 200
    again = api.get("/api/Spaces-2/machines/Machines-4").json()
    assert again["SpaceId"] == "Spaces-2" and again["Name"] == "inventory-region-2"


def test_post_on_an_item_without_override_is_405(api: httpx.Client) -> None:
    response = api.post("/api/Spaces-1/environments/Environments-1", json={"Name": "x"})
    assert response.status_code == 405
    error_of(response)
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "PUT", "DELETE"}


def test_wrong_verbs_are_405(api: httpx.Client) -> None:
    assert api.delete("/api/Spaces-1/environments").status_code == 405
    assert api.put("/api/tasks/ServerTasks-1", json={}).status_code == 405
    assert api.post("/api/Spaces-1/projects/all", json={}).status_code == 405
    assert delete(api, "/api/Spaces-1/deploymentprocesses/deploymentprocess-Projects-1").status_code == 405
    assert api.post("/api", json={}).status_code == 405


def test_unknown_routes_ids_and_spaces_are_404(api: httpx.Client) -> None:
    for url in ("/api/no-such-collection", "/api/Spaces-1/environments/Environments-999", "/api/Spaces-99",
                "/api/Spaces-99/projects", "/nothing-here", "/api/Spaces-1/machines/Machines-1/nope"):
        response = api.get(url)
        assert response.status_code == 404, url
        error_of(response)


def test_a_resource_of_another_space_is_not_found_through_this_space(api: httpx.Client) -> None:
    assert api.get("/api/Spaces-2/machines/Machines-1").status_code == 404


def test_get_all_returns_a_plain_array(api: httpx.Client) -> None:
    projects = api.get("/api/Spaces-1/projects/all").json()
    assert isinstance(projects, list)
    assert {p["Name"] for p in projects} == {"OctoFX Web", "OctoFX Rate Service"}


def test_an_empty_collection_still_has_items_and_links(api: httpx.Client) -> None:
    page = api.get("/api/Spaces-1/certificates").json()
    assert page["Items"] == [] and isinstance(page["Links"], dict)
    assert page["TotalResults"] == 0 and "Page.Next" not in page["Links"]


def test_paging_follows_page_next_to_every_item_once(api: httpx.Client) -> None:
    for number in range(70):
        assert api.post("/api/Spaces-1/projectgroups", json={"Name": f"Group {number:02d}"}).status_code == 201
    seen: list[str] = []
    url = "/api/Spaces-1/projectgroups"
    pages = 0
    while url:
        page = api.get(url).json()
        pages += 1
        assert page["ItemType"] == "ProjectGroup" and page["ItemsPerPage"] == 30
        assert page["Links"]["Page.Current"].startswith("/api/Spaces-1/projectgroups?")
        seen.extend(item["Id"] for item in page["Items"])
        url = page["Links"].get("Page.Next")
    total = page["TotalResults"]
    assert total == 72  # the default group, "Websites" and the 70 new ones
    assert len(seen) == total == len(set(seen))
    assert pages == 3 and page["NumberOfPages"] == 3 and page["LastPageNumber"] == 2
    assert "Page.Previous" in page["Links"]


def test_paging_links_keep_the_filters(api: httpx.Client) -> None:
    for number in range(5):
        api.post("/api/Spaces-1/environments", json={"Name": f"Shard {number}"})
    page = api.get("/api/Spaces-1/environments", params={"partialName": "shard", "take": 2}).json()
    assert page["TotalResults"] == 5 and len(page["Items"]) == 2
    next_page = api.get(page["Links"]["Page.Next"]).json()
    assert all("Shard" in item["Name"] for item in next_page["Items"])
    assert "partialName=shard" in page["Links"]["Page.Next"]


def test_skip_take_ids_name_and_partial_name(api: httpx.Client) -> None:
    page = api.get("/api/Spaces-1/environments", params={"skip": 1, "take": 1}).json()
    assert [i["Name"] for i in page["Items"]] == ["Test"]
    by_ids = api.get("/api/Spaces-1/environments", params={"ids": "environments-3,Environments-1"}).json()
    assert sorted(i["Id"] for i in by_ids["Items"]) == ["Environments-1", "Environments-3"]
    repeated = api.get("/api/Spaces-1/environments?ids=Environments-1&ids=Environments-2").json()
    assert repeated["TotalResults"] == 2
    assert [i["Id"] for i in api.get("/api/spaces", params={"name": "space name"}).json()["Items"]] == ["Spaces-2"]
    assert [i["Name"] for i in api.get("/api/Spaces-1/environments",
                                       params={"partialName": "UCT"}).json()["Items"]] == ["Production"]
    bad = api.get("/api/Spaces-1/environments", params={"take": "many"})
    assert bad.status_code == 400
    error_of(bad)


def test_collection_specific_filters(api: httpx.Client) -> None:
    prod = api.get("/api/Spaces-1/machines", params={"environmentIds": "Environments-3"}).json()
    assert sorted(m["Name"] for m in prod["Items"]) == ["db01", "web02"]
    web = api.get("/api/Spaces-1/machines", params={"roles": "web-server"}).json()
    assert sorted(m["Name"] for m in web["Items"]) == ["web01", "web02"]


def test_mixed_scope_collections_accept_spaces_and_include_system(api: httpx.Client) -> None:
    def names(**params: str) -> set[str]:
        return {t["Id"] for t in api.get("/api/teams", params=params).json()["Items"]}

    everything = names()
    system = names(includeSystem="True")
    space_two = names(spaces="Spaces-2", includeSystem="False")
    assert "teams-administrators" in system and "teams-spacemanagers-Spaces-2" not in system
    assert space_two == {"teams-spacemanagers-Spaces-2"}
    assert names(spaces="all", includeSystem="True") == everything
    assert everything >= system | space_two
    scoped = {t["Id"] for t in api.get("/api/Spaces-2/teams", params={"includeSystem": "True"}).json()["Items"]}
    assert scoped == system | space_two


def test_malformed_json_is_400_and_writes_nothing(api: httpx.Client) -> None:
    before = api.get("/api/Spaces-1/environments").json()["TotalResults"]
    response = api.post("/api/Spaces-1/environments", content=b'{"Name": "Broken"',
                        headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    error_of(response)
    for body in (b"[]", b"", b'"text"'):
        assert api.post("/api/Spaces-1/environments", content=body).status_code == 400
    assert api.get("/api/Spaces-1/environments").json()["TotalResults"] == before


def test_body_over_the_limit_is_413(api: httpx.Client) -> None:
    huge = b'{"Name": "' + b"x" * (6 * 1024 * 1024) + b'"}'
    response = api.post("/api/Spaces-1/environments", content=huge)
    assert response.status_code == 413
    error_of(response)


def test_validation_errors_list_every_problem(api: httpx.Client) -> None:
    response = api.post("/api/Spaces-1/machines", json={"Name": "", "Endpoint": None})
    assert response.status_code == 400
    errors = " ".join(error_of(response)["Errors"])
    for field in ("Name", "Endpoint", "EnvironmentIds", "Roles"):
        assert field in errors


def test_unique_names_within_a_space_case_insensitive(api: httpx.Client) -> None:
    response = api.post("/api/Spaces-1/environments", json={"Name": "development"})
    assert response.status_code == 400
    assert "already exists" in " ".join(error_of(response)["Errors"])
    # The same name in another space is fine.
    assert api.post("/api/Spaces-2/environments", json={"Name": "Development"}).status_code == 201


def test_references_must_exist_in_the_same_space(api: httpx.Client) -> None:
    before = api.get("/api/Spaces-1/machines").json()["TotalResults"]
    response = api.post("/api/Spaces-1/machines", json={
        "Name": "ghost", "Roles": ["web"], "EnvironmentIds": ["Environments-4"],  # Environments-4 is in Spaces-2
        "Endpoint": {"CommunicationStyle": "None"}})
    assert response.status_code == 400
    assert "Environments-4" in " ".join(error_of(response)["Errors"])
    response = api.post("/api/Spaces-1/projects", json={"Name": "P", "LifecycleId": "Lifecycles-99",
                                                         "ProjectGroupId": "ProjectGroups-10"})
    assert response.status_code == 400
    assert api.get("/api/Spaces-1/machines").json()["TotalResults"] == before
    assert api.get("/api/Spaces-1/projects", params={"name": "P"}).json()["Items"] == []


def test_references_are_stored_in_their_canonical_case(api: httpx.Client) -> None:
    created = api.post("/api/Spaces-1/machines", json={
        "Name": "lower", "Roles": ["web"], "EnvironmentIds": ["environments-1"],
        "Endpoint": {"CommunicationStyle": "None"}}).json()
    assert created["EnvironmentIds"] == ["Environments-1"]


def test_machine_endpoint_needs_a_communication_style(api: httpx.Client) -> None:
    response = api.post("/api/Spaces-1/machines", json={
        "Name": "odd", "Roles": ["web"], "EnvironmentIds": ["Environments-1"], "Endpoint": {"Uri": "https://x"}})
    assert response.status_code == 400
    assert "CommunicationStyle" in " ".join(error_of(response)["Errors"])


def test_wrong_field_types_are_400(api: httpx.Client) -> None:
    response = api.post("/api/Spaces-1/environments", json={"Name": "Typed", "SortOrder": "first"})
    assert response.status_code == 400
    assert "SortOrder" in " ".join(error_of(response)["Errors"])


def test_machine_connection_link(api: httpx.Client) -> None:
    machine = api.get("/api/Spaces-1/machines/Machines-1").json()
    status = api.get(machine["Links"]["Connection"])
    assert status.status_code == 200
    assert status.json()["MachineId"] == "Machines-1"


def test_every_swagger_collection_is_served(api: httpx.Client, reference_dir: Path) -> None:
    import re

    spec = json.loads((reference_dir / "octopus-server-2020.5-swagger.json").read_text(encoding="utf-8-sig"))
    collections = {}
    for path in spec["paths"]:
        match = re.match(r"^/api/(\{baseSpaceId\}/)?([a-z0-9-]+)/\{id\}$", path)
        if match:
            collections[match.group(2)] = collections.get(match.group(2), False) or bool(match.group(1))
    missing = []
    for name, space_scoped in collections.items():
        if name in ("configuration", "progression"):
            continue  # not collections of resources with the {/id} pattern of list + item
        url = f"/api/Spaces-1/{name}" if space_scoped else f"/api/{name}"
        response = api.get(url)
        if response.status_code != 200 or "Items" not in response.json():
            missing.append((url, response.status_code))
    assert not missing


def test_page_walks_cover_the_list_exactly_for_any_page_size(api: httpx.Client) -> None:
    for number in range(35):
        api.post("/api/Spaces-1/tagsets", json={"Name": f"Tags {number:02d}", "SortOrder": number})
    everything = [t["Id"] for t in api.get("/api/Spaces-1/tagsets/all").json()]
    assert len(everything) == 35
    for take in (1, 7, 30, 34, 35, 36, 100):
        seen: list[str] = []
        url: str | None = f"/api/Spaces-1/tagsets?take={take}"
        while url:
            page = api.get(url).json()
            assert len(page["Items"]) <= take
            seen.extend(item["Id"] for item in page["Items"])
            url = page["Links"].get("Page.Next")
        assert seen == everything, take
        last = api.get(page["Links"]["Page.Last"]).json()
        assert last["Items"] and last["Items"][-1]["Id"] == everything[-1]
    beyond = api.get("/api/Spaces-1/tagsets", params={"skip": 500}).json()
    assert beyond["Items"] == [] and "Page.Next" not in beyond["Links"]
