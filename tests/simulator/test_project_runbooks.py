"""Runbooks below their project, as newer clients call them, and runs by names (runbook-runs/create/v1)."""

from __future__ import annotations

import httpx

from tests.simulator.conftest import delete, error_of, put
from tests.simulator.test_runbooks import SCRIPT
from tests.simulator.test_tasks import wait_for_task

P1 = "/api/Spaces-1/projects/Projects-1"
P2 = "/api/Spaces-1/projects/Projects-2"


def project_runbook(api: httpx.Client, name: str = "Restart web", project: str = P1, **extra: object) -> dict:
    response = api.post(f"{project}/runbooks", json={"Name": name, **extra})
    assert response.status_code == 201, response.text
    return response.json()


def edit_process(api: httpx.Client, runbook: dict, *steps: dict, project: str = P1) -> dict:
    url = f"{project}/runbookProcesses/{runbook['RunbookProcessId']}"
    process = api.get(url).json()
    saved = put(api, url, {**process, "Steps": list(steps)})
    assert saved.status_code == 200, saved.text
    return saved.json()


def test_runbooks_below_their_project_are_the_space_level_runbooks(api: httpx.Client) -> None:
    runbook = project_runbook(api)
    assert runbook["ProjectId"] == "Projects-1"
    assert api.get(f"/api/Spaces-1/runbooks/{runbook['Id']}").json() == runbook
    assert api.get(f"{P1}/runbooks/{runbook['Id']}").json() == runbook
    listed = api.get(f"{P1}/runbooks", params={"partialName": "restart"}).json()
    assert listed["ItemType"] == "Runbook" and [r["Id"] for r in listed["Items"]] == [runbook["Id"]]
    assert api.get(f"{P1}/runbooks", params={"ids": "Runbooks-999"}).json()["Items"] == []
    changed = put(api, f"{P1}/runbooks/{runbook['Id']}", {**runbook, "Description": "Bounce the app pool"})
    assert changed.status_code == 200 and changed.json()["Description"] == "Bounce the app pool"
    saved = edit_process(api, runbook, SCRIPT)
    assert saved["Version"] == 1 and saved["Steps"][0]["Actions"][0]["Id"]
    assert api.get(f"/api/Spaces-1/runbookProcesses/{runbook['RunbookProcessId']}").json()["Steps"] == saved["Steps"]
    assert delete(api, f"{P1}/runbooks/{runbook['Id']}").status_code == 200
    assert api.get(f"/api/Spaces-1/runbooks/{runbook['Id']}").status_code == 404
    # The default space's routes work without the space in the URL, as the others do.
    assert api.get("/api/projects/Projects-1/runbooks").status_code == 200


def test_a_runbook_of_another_project_is_not_found_there(api: httpx.Client) -> None:
    runbook = project_runbook(api)
    process_url = f"{P2}/runbookProcesses/{runbook['RunbookProcessId']}"
    for response in (api.get(f"{P2}/runbooks/{runbook['Id']}"),
                     put(api, f"{P2}/runbooks/{runbook['Id']}", runbook),
                     delete(api, f"{P2}/runbooks/{runbook['Id']}"),
                     api.get(process_url), put(api, process_url, api.get(runbook["Links"]["RunbookProcesses"]).json())):
        assert response.status_code == 404, response.text
        assert "in project 'OctoFX Rate Service'" in error_of(response)["ErrorMessage"]
    assert api.get(f"{P2}/runbooks").json()["Items"] == []
    assert api.get(runbook["Links"]["Self"]).status_code == 200  # still there
    mismatched = api.post(f"{P2}/runbooks", json={"Name": "Elsewhere", "ProjectId": "Projects-1"})
    assert mismatched.status_code == 400 and "Leave ProjectId out" in error_of(mismatched)["Errors"][0]
    assert api.get("/api/Spaces-1/projects/Projects-404/runbooks").status_code == 404


def test_snapshots_below_the_project_with_publish(api: httpx.Client) -> None:
    runbook = project_runbook(api)
    edit_process(api, runbook, SCRIPT)
    created = api.post(f"{P1}/runbookSnapshots?publish=true", json={"Name": "Snapshot 1", "RunbookId": runbook["Id"]})
    assert created.status_code == 201, created.text
    snapshot = created.json()
    assert created.headers["Location"] == snapshot["Links"]["Self"]
    assert snapshot["ProjectId"] == "Projects-1" and snapshot["FrozenRunbookProcessId"]
    assert api.get(runbook["Links"]["Self"]).json()["PublishedRunbookSnapshotId"] == snapshot["Id"]
    unpublished = api.post(f"{P1}/runbookSnapshots", json={"Name": "Snapshot 2", "RunbookId": runbook["Id"]}).json()
    assert api.get(runbook["Links"]["Self"]).json()["PublishedRunbookSnapshotId"] == snapshot["Id"]
    listed = api.get(f"{P1}/runbookSnapshots").json()
    assert [s["Id"] for s in listed["Items"]] == [unpublished["Id"], snapshot["Id"]]
    assert api.get(f"{P1}/runbookSnapshots/{snapshot['Id']}").json()["Id"] == snapshot["Id"]
    assert api.get(f"{P1}/runbookSnapshots/Snapshot 1").json()["Id"] == snapshot["Id"]  # the 2020.5 {name} route
    noted = put(api, f"{P1}/runbookSnapshots/{unpublished['Id']}", {**unpublished, "Notes": "Before the fix"})
    assert noted.status_code == 200 and noted.json()["Notes"] == "Before the fix"
    assert noted.json()["FrozenRunbookProcessId"] == unpublished["FrozenRunbookProcessId"]
    published = delete(api, f"{P1}/runbookSnapshots/{snapshot['Id']}")
    assert published.status_code == 400 and "published snapshot" in error_of(published)["ErrorMessage"]
    assert delete(api, f"{P1}/runbookSnapshots/{unpublished['Id']}").status_code == 200
    # Under another project: neither the snapshot nor the runbook to snapshot exists.
    assert api.get(f"{P2}/runbookSnapshots/{snapshot['Id']}").status_code == 404
    assert put(api, f"{P2}/runbookSnapshots/{snapshot['Id']}", snapshot).status_code == 404
    assert delete(api, f"{P2}/runbookSnapshots/{snapshot['Id']}").status_code == 404
    foreign = api.post(f"{P2}/runbookSnapshots", json={"Name": "Snapshot 3", "RunbookId": runbook["Id"]})
    assert foreign.status_code == 404, foreign.text
    assert api.get(f"{P2}/runbookSnapshots").json()["Items"] == []


def test_runbook_runs_create_v1_runs_by_names(api: httpx.Client) -> None:
    runbook = project_runbook(api)
    edit_process(api, runbook, SCRIPT, {**SCRIPT, "Name": "Say goodbye",
                                        "Actions": [{**SCRIPT["Actions"][0], "Name": "Say goodbye"}]})
    unpublished = api.post("/api/Spaces-1/runbook-runs/create/v1", json={
        "spaceIdOrName": "Default", "ProjectName": "OctoFX Web", "RunbookName": "Restart web",
        "EnvironmentNames": ["Development"]})
    assert "no published snapshot" in " ".join(error_of(unpublished)["Errors"])
    first = api.post(f"{P1}/runbookSnapshots?publish=true", json={"Name": "Snapshot 1", "RunbookId": runbook["Id"]}).json()
    second = api.post(f"{P1}/runbookSnapshots", json={"Name": "Snapshot 2", "RunbookId": runbook["Id"]}).json()
    response = api.post("/api/Spaces-1/runbook-runs/create/v1", json={
        "spaceIdOrName": "Spaces-1", "ProjectName": "octofx-web", "RunbookName": "restart web",
        "EnvironmentNames": ["Development", "Test"], "SkipStepNames": ["Say goodbye"]})
    assert response.status_code == 200, response.text
    tasks = response.json()["RunbookRunServerTasks"]
    assert len(tasks) == 2 and all(set(t) == {"RunbookRunId", "ServerTaskId"} for t in tasks)
    runs = [api.get(f"/api/Spaces-1/runbookRuns/{t['RunbookRunId']}").json() for t in tasks]
    assert [r["EnvironmentId"] for r in runs] == ["Environments-1", "Environments-2"]
    assert all(r["RunbookSnapshotId"] == first["Id"] and r["TaskId"] == t["ServerTaskId"] for r, t in zip(runs, tasks))
    assert len(runs[0]["SkipActions"]) == 1
    task = wait_for_task(api, f"/api/tasks/{tasks[0]['ServerTaskId']}")
    assert task["State"] == "Success" and "Say goodbye is skipped" in api.get(task["Links"]["Raw"]).text
    # A snapshot by name, and a project by id.
    named = api.post("/api/Spaces-1/runbook-runs/create/v1", json={
        "ProjectName": "Projects-1", "RunbookName": "Restart web", "EnvironmentNames": ["Production"],
        "Snapshot": "Snapshot 2", "SpecificMachineNames": ["web02"]}).json()["RunbookRunServerTasks"]
    run = api.get(f"/api/Spaces-1/runbookRuns/{named[0]['RunbookRunId']}").json()
    assert run["RunbookSnapshotId"] == second["Id"] and run["SpecificMachineIds"] == ["Machines-2"]


def test_runbook_runs_create_v1_for_tenants_and_its_refusals(api: httpx.Client) -> None:
    runbook = project_runbook(api, "Flush cache", MultiTenancyMode="Tenanted")
    api.post(f"{P1}/runbookSnapshots?publish=true", json={"Name": "Snapshot 1", "RunbookId": runbook["Id"]})
    command = {"ProjectName": "OctoFX Web", "RunbookName": "Flush cache", "EnvironmentNames": ["Development"]}
    untenanted = api.post("/api/Spaces-1/runbook-runs/create/v1", json=command)
    assert "is tenanted" in " ".join(error_of(untenanted)["Errors"])
    ran = api.post("/api/Spaces-1/runbook-runs/create/v1", json={**command, "Tenants": ["Acme Corp"]})
    assert ran.status_code == 200, ran.text
    (pair,) = ran.json()["RunbookRunServerTasks"]
    tenant_id = api.get(f"/api/Spaces-1/runbookRuns/{pair['RunbookRunId']}").json()["TenantId"]
    assert api.get(f"/api/Spaces-1/tenants/{tenant_id}").json()["Name"] == "Acme Corp"
    for change, wanted in (({"RunbookName": "Nope"}, "runbook 'Nope' does not exist"),
                           ({"ProjectName": "Nope"}, "project 'Nope' does not exist"),
                           ({"EnvironmentNames": ["Nowhere"]}, "environment 'Nowhere' does not exist"),
                           ({"EnvironmentNames": []}, "at least one environment in EnvironmentNames"),
                           ({"EnvironmentNames": "Development"}, "EnvironmentNames must be a list"),
                           ({"Tenants": ["Nobody"]}, "tenant 'Nobody' does not exist"),
                           ({"Tenants": ["Acme Corp"], "SpecificMachineNames": ["nowhere01"]},
                            "deployment target 'nowhere01' does not exist"),
                           ({"Tenants": ["Acme Corp"], "SkipStepNames": ["No such step"]}, "no step named"),
                           ({"Tenants": ["Acme Corp"], "Snapshot": "Snapshot 9"}, "no snapshot named 'Snapshot 9'")):
        refused = api.post("/api/Spaces-1/runbook-runs/create/v1", json={**command, **change})
        assert refused.status_code == 400 and wanted in " ".join(error_of(refused)["Errors"]), (change, refused.text)
    # A runbook of another project is not run by naming it under this one.
    project_runbook(api, "Elsewhere", project=P2)
    other = api.post("/api/Spaces-1/runbook-runs/create/v1", json={**command, "RunbookName": "Elsewhere"})
    assert "does not exist in project OctoFX Web" in " ".join(error_of(other)["Errors"])


def test_runbook_runs_from_git_are_refused_for_a_project_in_the_database(api: httpx.Client) -> None:
    refused = api.post("/api/Spaces-1/runbook-runs/git/create/v1", json={
        "ProjectName": "OctoFX Web", "RunbookName": "Restart web", "EnvironmentNames": ["Development"],
        "gitRef": "refs/heads/main"})
    assert refused.status_code == 400
    assert "not version controlled" in error_of(refused)["ErrorMessage"]


def test_routes_at_a_git_reference_are_refused_for_a_project_in_the_database(api: httpx.Client) -> None:
    runbook = project_runbook(api)
    for method, path in (("GET", f"{P1}/refs%2Fheads%2Fmain/runbooks"), ("GET", f"{P1}/main/runbooks/{runbook['Id']}"),
                         ("POST", f"{P1}/refs/heads/main/runbooks/v2"),
                         ("GET", f"{P1}/main/runbookProcesses/{runbook['RunbookProcessId']}"),
                         ("GET", f"{P1}/main/deploymentprocesses")):
        refused = api.request(method, path, json={"Name": "From git"})
        assert refused.status_code == 400, (method, path, refused.text)
        assert "not version controlled" in error_of(refused)["ErrorMessage"]
    # A project marked as kept in git: the simulator has no git server, and says so.
    project = api.get(P1).json()
    assert put(api, P1, {**project, "IsVersionControlled": True}).status_code == 200
    unsimulated = api.get(f"{P1}/main/runbooks")
    assert unsimulated.status_code == 404 and "is not simulated" in error_of(unsimulated)["ErrorMessage"]
    # The routes without a reference are untouched.
    assert api.get(f"{P1}/runbooks/{runbook['Id']}").status_code == 200
    assert api.get(f"{P1}/deploymentprocesses").status_code == 200
