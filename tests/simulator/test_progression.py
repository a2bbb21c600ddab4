"""Progression, defects, deployment previews and task reruns over HTTP."""

from __future__ import annotations

import httpx

from tests.simulator.conftest import error_of, put
from tests.simulator.test_tasks import script, wait_for_task

SPACE = "/api/Spaces-1"


def release(api: httpx.Client, version: str, steps: list | None = None) -> dict:
    if steps is not None:
        process = api.get(f"{SPACE}/deploymentprocesses/deploymentprocess-Projects-1").json()
        process["Steps"] = steps
        assert put(api, process["Links"]["Self"], process).status_code == 200
    made = api.post(f"{SPACE}/releases", json={"ProjectId": "Projects-1", "Version": version})
    assert made.status_code == 201, made.text
    return made.json()


def deployed(api: httpx.Client, release_id: str, environment: str) -> dict:
    deployment = api.post(f"{SPACE}/deployments", json={"ReleaseId": release_id, "EnvironmentId": environment}).json()
    return wait_for_task(api, deployment["Links"]["Task"])


def test_a_release_moves_through_the_phases_of_its_lifecycle(api: httpx.Client) -> None:
    made = release(api, "5.0.0", [script("Go")])
    progression = api.get(made["Links"]["Progression"]).json()
    assert [(p["Name"], p["Progress"]) for p in progression["Phases"]] == [
        ("Development", "Current"), ("Test", "Pending"), ("Production", "Pending")]
    assert progression["NextDeployments"] == ["Environments-1"]
    deployed(api, made["Id"], "Environments-1")
    progression = api.get(made["Links"]["Progression"]).json()
    assert [p["Progress"] for p in progression["Phases"]] == ["Complete", "Current", "Pending"]
    assert progression["NextDeployments"] == ["Environments-1", "Environments-2"]
    assert progression["Phases"][0]["Deployments"][0]["State"] == "Success"


def test_a_failed_deployment_does_not_complete_a_phase(api: httpx.Client) -> None:
    made = release(api, "5.1.0", [script("Break", "exit 1")])
    assert deployed(api, made["Id"], "Environments-1")["State"] == "Failed"
    phases = api.get(made["Links"]["Progression"]).json()["Phases"]
    assert phases[0]["Progress"] == "Current" and phases[0]["Deployments"][0]["State"] == "Failed"


def test_the_project_progression_lists_releases_newest_first_with_their_deployments(api: httpx.Client) -> None:
    older = release(api, "6.0.0", [script("Go")])
    newer = release(api, "6.1.0")
    deployed(api, older["Id"], "Environments-1")
    progression = api.get(f"{SPACE}/progression/Projects-1").json()
    versions = [r["Release"]["Version"] for r in progression["Releases"]]
    assert versions.index("6.1.0") < versions.index("6.0.0")
    assert [e["Name"] for e in progression["Environments"]] == ["Development", "Test", "Production"]
    default_channel = next(iter(progression["ChannelEnvironments"]))
    assert [e["Id"] for e in progression["ChannelEnvironments"][default_channel]] == [
        "Environments-1", "Environments-2", "Environments-3"]
    by_version = {r["Release"]["Version"]: r for r in progression["Releases"]}
    assert list(by_version["6.0.0"]["Deployments"]) == ["Environments-1"]
    assert by_version["6.0.0"]["NextDeployments"] == ["Environments-1", "Environments-2"]
    assert by_version["6.1.0"]["Deployments"] == {} and by_version["6.1.0"]["Channel"]["Name"] == "Default"
    assert api.get(f"{SPACE}/progression/Projects-999").status_code == 404
    assert newer["Id"] in {r["Release"]["Id"] for r in progression["Releases"]}


def test_a_defect_blocks_a_release_until_it_is_resolved(api: httpx.Client) -> None:
    made = release(api, "7.0.0")
    assert api.get(f"{SPACE}/releases/{made['Id']}/defects").json()["TotalResults"] == 0
    reported = api.post(f"{SPACE}/releases/{made['Id']}/defects", json={"Description": "Breaks checkout"})
    assert reported.status_code == 200 and reported.json()["Status"] == "Unresolved"
    assert api.post(f"{SPACE}/releases/{made['Id']}/defects", json={"Description": "again"}).status_code == 400
    assert api.post(f"{SPACE}/releases/{made['Id']}/defects", json={}).status_code == 400
    progression = api.get(made["Links"]["Progression"]).json()
    assert progression["NextDeployments"] == [] and progression["Phases"][0]["Blocked"]
    project = api.get(f"{SPACE}/progression/Projects-1").json()
    assert next(r for r in project["Releases"] if r["Release"]["Id"] == made["Id"])["HasUnresolvedDefect"]
    resolved = api.post(f"{SPACE}/releases/{made['Id']}/defects/resolve", json={})
    assert resolved.status_code == 200 and resolved.json()["Status"] == "Resolved"
    assert api.get(made["Links"]["Progression"]).json()["NextDeployments"] == ["Environments-1"]
    assert api.post(f"{SPACE}/releases/{made['Id']}/defects/resolve", json={}).status_code == 400
    listed = api.get(f"{SPACE}/releases/{made['Id']}/defects").json()
    assert [(d["Description"], d["Status"]) for d in listed["Items"]] == [("Breaks checkout", "Resolved")]


def test_a_deployment_preview_lists_the_steps_and_the_machines_they_would_run_on(api: httpx.Client) -> None:
    steps = [{"Name": "Web", "Properties": {"Octopus.Action.TargetRoles": "web-server"},
              "Actions": [{"Name": "Web", "ActionType": "Octopus.Script", "Properties": {}}]},
             {"Name": "Nowhere", "Properties": {"Octopus.Action.TargetRoles": "no-such-role"},
              "Actions": [{"Name": "Nowhere", "ActionType": "Octopus.Script", "Properties": {}}]}]
    made = release(api, "8.0.0", steps)
    variables = api.get(f"{SPACE}/variables/{made['ProjectVariableSetSnapshotId']}").json()
    preview = api.get(f"{SPACE}/releases/{made['Id']}/deployments/preview/Environments-1").json()
    web, nowhere = preview["StepsToExecute"]
    assert web["ActionName"] == "Web" and web["ActionNumber"] == "1" and web["Roles"] == ["web-server"]
    assert web["MachineNames"] == ["web01"] and not web["HasNoApplicableMachines"]
    assert nowhere["HasNoApplicableMachines"] and nowhere["Machines"] == []
    assert preview["Form"] == {"Values": {}, "Elements": []} and variables["Id"]
    several = api.post(f"{SPACE}/releases/{made['Id']}/deployments/previews",
                       json={"DeploymentPreviews": [{"EnvironmentId": "Environments-1"}, {"EnvironmentId": "Environments-3"}]})
    assert several.status_code == 200
    assert [s["StepsToExecute"][0]["MachineNames"] for s in several.json()] == [["web01"], ["web02"]]
    tenant = api.get(f"{SPACE}/releases/{made['Id']}/deployments/preview/Environments-1/Tenants-1").json()
    assert tenant["StepsToExecute"][0]["MachineNames"] == []  # no target of the tenant
    missing = api.get(f"{SPACE}/releases/{made['Id']}/deployments/preview/Environments-999")
    assert missing.status_code == 404
    assert api.post(f"{SPACE}/releases/{made['Id']}/deployments/previews", json={}).status_code == 400


def test_a_finished_task_can_be_run_again_in_place(api: httpx.Client) -> None:
    made = release(api, "9.0.0", [script("Go")])
    task = deployed(api, made["Id"], "Environments-1")
    assert task["CanRerun"]
    rerun = api.post(task["Links"]["Rerun"], json={})
    assert rerun.status_code == 200, rerun.text
    assert rerun.json()["Id"] == task["Id"] and rerun.json()["State"] == "Queued"
    again = wait_for_task(api, task["Links"]["Self"])
    assert again["State"] == "Success" and again["CompletedTime"]
    assert api.get(task["Links"]["Raw"]).text.count("Task queued") == 2
    busy = api.post(f"{SPACE}/deployments", json={"ReleaseId": made["Id"], "EnvironmentId": "Environments-1",
                                                  "QueueTime": "2099-01-01T00:00:00+00:00"}).json()
    refused = api.post(f"/api/tasks/rerun/{busy['TaskId']}", json={})
    assert refused.status_code == 400 and "not finished" in error_of(refused)["ErrorMessage"]
    types = {t["Id"] for t in api.get("/api/tasks/tasktypes").json()}
    assert {"Deploy", "Health", "RunbookRun"} <= types
