"""Projects over HTTP: what a project owns, and cloning one with its process, channels, variables and settings."""

from __future__ import annotations

from typing import Iterator

import httpx
import pytest
from starlette.testclient import TestClient

from octoclr.simulator.app import SimulatorApp
from octoclr.simulator.behaviours import Backend
from octoclr.simulator.families import secrets as sealing
from octoclr.simulator.seed import apply_seed, bootstrap, demo_seed
from octoclr.simulator.store import Store
from tests.simulator.conftest import delete, error_of, put

API_KEY = "API-PROJECTSTEST00000000000000"


@pytest.fixture
def inside(tmp_path) -> Iterator[tuple[TestClient, Backend]]:
    backend = Backend(Store(tmp_path / "octopus.db"))
    bootstrap(backend, username="admin", password="Password01!", api_key=API_KEY, installation_id=None)
    apply_seed(backend, demo_seed())
    with TestClient(SimulatorApp(backend), headers={"X-Octopus-ApiKey": API_KEY}) as client:
        yield client, backend

SPACE = "/api/Spaces-1"


def furnished(api: httpx.Client) -> dict:
    """Projects-1 with a two-step process, a second channel, scoped and sensitive variables and custom settings."""
    project = api.get(f"{SPACE}/projects/Projects-1").json()
    project["VersioningStrategy"] = {"Template": "#{Octopus.Version.NextMajor}.0.0", "DonorPackage": None}
    project["DefaultGuidedFailureMode"] = "On"
    project["Templates"] = [{"Name": "Region", "DefaultValue": "eu", "DisplaySettings": {}}]
    project = put(api, project["Links"]["Self"], project).json()
    process = api.get(project["Links"]["DeploymentProcess"]).json()
    process["Steps"] = [
        {"Name": "Migrate", "Actions": [{"Name": "Migrate", "ActionType": "Octopus.Script",
                                         "Properties": {"Octopus.Action.Script.ScriptBody": "migrate"}}]},
        {"Name": "Deploy", "Actions": [{"Name": "Deploy", "ActionType": "Octopus.TentaclePackage"}]}]
    process = put(api, process["Links"]["Self"], process).json()
    hotfix = api.post(f"{SPACE}/channels", json={"Name": "Hotfix", "ProjectId": project["Id"],
                                                 "Rules": [], "TenantTags": []}).json()
    variables = api.get(project["Links"]["Variables"]).json()
    variables["Variables"] = [
        {"Name": "ConnectionString", "Value": "Server=dev", "Scope": {"Environment": ["Environments-1"]}},
        {"Name": "Password", "Value": "hunter2", "IsSensitive": True, "Type": "Sensitive"},
        {"Name": "OnHotfix", "Value": "yes",
         "Scope": {"Channel": [hotfix["Id"]], "Action": [process["Steps"][0]["Actions"][0]["Id"]]}}]
    assert put(api, variables["Links"]["Self"], variables).status_code == 200
    return {"project": project, "process": process, "hotfix": hotfix}


def clone_of(api: httpx.Client, source_id: str, name: str = "OctoFX Web (copy)") -> httpx.Response:
    return api.post(f"{SPACE}/projects", params={"clone": source_id},
                    json={"Name": name, "Description": "cloned", "ProjectGroupId": "ProjectGroups-10",
                          "LifecycleId": "Lifecycles-1"})


def test_a_clone_copies_settings_and_names_its_source(api: httpx.Client) -> None:
    made = furnished(api)
    response = clone_of(api, "Projects-1")
    assert response.status_code == 201, response.text
    copy = response.json()
    assert response.headers["Location"] == copy["Links"]["Self"]
    assert copy["Id"] != "Projects-1" and copy["ClonedFromProjectId"] == "Projects-1"
    assert copy["Name"] == "OctoFX Web (copy)" and copy["Description"] == "cloned" and copy["Slug"] == "octofx-web-copy"
    assert copy["LifecycleId"] == "Lifecycles-1"  # from the request, not the source's Lifecycles-10
    assert copy["VersioningStrategy"]["Template"] == "#{Octopus.Version.NextMajor}.0.0"
    assert copy["DefaultGuidedFailureMode"] == "On"
    assert [t["Name"] for t in copy["Templates"]] == ["Region"]
    assert copy["Templates"][0]["Id"] != made["project"]["Templates"][0]["Id"]
    assert copy["DeploymentProcessId"] != made["project"]["DeploymentProcessId"]
    assert copy["VariableSetId"] != made["project"]["VariableSetId"]
    found = api.get(f"{SPACE}/projects", params={"clonedFromProjectId": "Projects-1"}).json()["Items"]
    assert [p["Id"] for p in found] == [copy["Id"]]
    # Saving the copy keeps what names its source.
    assert put(api, copy["Links"]["Self"], {**copy, "ClonedFromProjectId": None}).json()["ClonedFromProjectId"] \
        == "Projects-1"


def test_a_clone_has_its_own_process_with_new_step_and_action_ids(api: httpx.Client) -> None:
    made = furnished(api)
    copy = clone_of(api, "Projects-1").json()
    process = api.get(copy["Links"]["DeploymentProcess"]).json()
    assert process["Id"] == copy["DeploymentProcessId"] and process["ProjectId"] == copy["Id"]
    source = made["process"]
    assert [s["Name"] for s in process["Steps"]] == ["Migrate", "Deploy"]
    assert process["Steps"][0]["Actions"][0]["Properties"] == {"Octopus.Action.Script.ScriptBody": "migrate"}
    old_ids = {s["Id"] for s in source["Steps"]} | {a["Id"] for s in source["Steps"] for a in s["Actions"]}
    new_ids = {s["Id"] for s in process["Steps"]} | {a["Id"] for s in process["Steps"] for a in s["Actions"]}
    assert len(new_ids) == 4 and not old_ids & new_ids
    # Changing the copy leaves the source alone.
    process["Steps"] = process["Steps"][:1]
    assert put(api, process["Links"]["Self"], process).status_code == 200
    assert len(api.get(source["Links"]["Self"]).json()["Steps"]) == 2


def test_a_clone_copies_channels_and_variables_with_scopes_following_the_copies(api: httpx.Client) -> None:
    made = furnished(api)
    copy = clone_of(api, "Projects-1").json()
    channels = api.get(f"{SPACE}/projects/{copy['Id']}/channels").json()["Items"]
    assert sorted((c["Name"], c["IsDefault"]) for c in channels) == [("Default", True), ("Hotfix", False)]
    hotfix = next(c for c in channels if c["Name"] == "Hotfix")
    assert hotfix["Id"] != made["hotfix"]["Id"]
    variables = api.get(copy["Links"]["Variables"]).json()
    assert variables["Id"] == copy["VariableSetId"] and variables["OwnerId"] == copy["Id"]
    by_name = {v["Name"]: v for v in variables["Variables"]}
    assert by_name["ConnectionString"]["Value"] == "Server=dev"
    assert by_name["ConnectionString"]["Scope"] == {"Environment": ["Environments-1"]}
    assert by_name["Password"]["IsSensitive"] and by_name["Password"]["Value"] is None
    assert "hunter2" not in api.get(copy["Links"]["Variables"]).text
    copied_action = api.get(copy["Links"]["DeploymentProcess"]).json()["Steps"][0]["Actions"][0]["Id"]
    assert by_name["OnHotfix"]["Scope"] == {"Channel": [hotfix["Id"]], "Action": [copied_action]}
    source_ids = {v["Id"] for v in api.get(made["project"]["Links"]["Variables"]).json()["Variables"]}
    assert not source_ids & {v["Id"] for v in variables["Variables"]}


def test_a_clone_keeps_the_sensitive_value_it_copied(inside: tuple[TestClient, Backend]) -> None:
    """The kept value travels to the copy's variable set (and its release snapshot); no response carries it."""
    api, backend = inside
    furnished(api)  # type: ignore[arg-type]
    copy = clone_of(api, "Projects-1").json()  # type: ignore[arg-type]
    password = next(v for v in api.get(copy["Links"]["Variables"]).json()["Variables"] if v["Name"] == "Password")
    assert sealing.reveal(backend.store, "variables", copy["VariableSetId"], f"Variables[].Value:{password['Id']}") \
        == "hunter2"
    release = api.post(f"{SPACE}/releases", json={"ProjectId": copy["Id"], "Version": "9.0.0"})
    assert release.status_code == 201, release.text
    snapshot = api.get(f"{SPACE}/variables/{release.json()['ProjectVariableSetSnapshotId']}")
    assert "hunter2" not in snapshot.text
    assert {v["Name"]: v["Value"] for v in snapshot.json()["Variables"]}["Password"] is None


def test_cloning_what_is_not_there_is_refused(api: httpx.Client) -> None:
    refused = clone_of(api, "Projects-999")
    assert refused.status_code == 400 and "Projects-999" in " ".join(error_of(refused)["Errors"])
    other_space = clone_of(api, "Projects-3")  # Spaces-2's project
    assert other_space.status_code == 400
    nameless = api.post(f"{SPACE}/projects", params={"clone": "Projects-1"}, json={"Name": None})
    assert nameless.status_code == 400  # the source's name, which is taken
    # A plain create still works, and deleting the copy leaves the source whole.
    copy = clone_of(api, "Projects-1", "Second copy").json()
    assert delete(api, copy["Links"]["Self"]).status_code == 200
    assert api.get(copy["Links"]["DeploymentProcess"]).status_code == 404
    assert api.get(f"{SPACE}/projects/Projects-1").status_code == 200
    assert api.get(f"{SPACE}/projects").json()["TotalResults"] >= 2


def test_the_summary_says_whether_a_project_has_steps_and_runbooks(api: httpx.Client) -> None:
    project = api.get("/api/Spaces-1/projects/Projects-1").json()
    assert api.get(f"{project['Links']['Self']}/summary").json() == {"HasDeploymentProcess": False,
                                                                     "HasRunbooks": False}
    process = api.get(project["Links"]["DeploymentProcess"]).json()
    process["Steps"] = [{"Name": "Hello", "Actions": [{"Name": "Hello", "ActionType": "Octopus.Script",
                                                       "Properties": {"Octopus.Action.Script.ScriptBody": "echo"}}]}]
    assert put(api, process["Links"]["Self"], process).status_code == 200
    assert api.post("/api/Spaces-1/runbooks", json={"Name": "Tidy", "ProjectId": "Projects-1"}).status_code == 201
    assert api.get(f"{project['Links']['Self']}/summary").json() == {"HasDeploymentProcess": True, "HasRunbooks": True}
    assert api.get(project["Links"]["Metadata"]).json() == []
    assert api.get("/api/Spaces-1/projects/Projects-999/summary").status_code == 404
