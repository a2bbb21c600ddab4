"""Runbooks over HTTP: the runbook process, snapshots and publishing, runs that run to an end, tenanted runs."""

from __future__ import annotations

import httpx

from tests.simulator.conftest import delete, error_of, put
from tests.simulator.test_tasks import wait_for_task

SCRIPT = {"Name": "Say hello", "Actions": [{"Name": "Say hello", "ActionType": "Octopus.Script",
                                            "Properties": {"Octopus.Action.Script.ScriptBody": "echo hello"}}]}


def new_runbook(api: httpx.Client, name: str = "Restart web", **extra: object) -> dict:
    response = api.post("/api/Spaces-1/runbooks", json={"Name": name, "ProjectId": "Projects-1", **extra})
    assert response.status_code == 201, response.text
    return response.json()


def add_steps(api: httpx.Client, runbook: dict, *steps: dict) -> dict:
    process = api.get(runbook["Links"]["RunbookProcesses"]).json()
    process["Steps"] = list(steps)
    saved = put(api, process["Links"]["Self"], process)
    assert saved.status_code == 200, saved.text
    return saved.json()


def publish_snapshot(api: httpx.Client, runbook: dict) -> dict:
    template = api.get(runbook["Links"]["RunbookSnapshotTemplate"]).json()
    snapshot = api.post("/api/Spaces-1/runbookSnapshots", json={
        "Name": template["NextNameIncrement"], "RunbookId": runbook["Id"], "ProjectId": runbook["ProjectId"]})
    assert snapshot.status_code == 201, snapshot.text
    stored = api.get(runbook["Links"]["Self"]).json()
    stored["PublishedRunbookSnapshotId"] = snapshot.json()["Id"]
    assert put(api, stored["Links"]["Self"], stored).status_code == 200
    return snapshot.json()


def test_a_new_runbook_brings_its_process_and_every_link_resolves(api: httpx.Client) -> None:
    runbook = new_runbook(api)
    assert runbook["RunbookProcessId"] == f"RunbookProcess-{runbook['Id']}"
    assert runbook["Slug"] == "restart-web" and runbook["PublishedRunbookSnapshotId"] is None
    for name in ("Self", "Project", "RunbookProcesses", "RunbookSnapshots", "RunbookSnapshotTemplate",
                 "RunbookRunTemplate", "Environments"):
        assert api.get(runbook["Links"][name].split("{")[0]).status_code == 200, name
    assert runbook["Links"]["CreateRunbookRun"].endswith("/run")
    assert runbook["Links"]["Web"].startswith("/app#/Spaces-1/projects/Projects-1/operations/runbooks/")
    process = api.get(runbook["Links"]["RunbookProcesses"]).json()
    assert process["RunbookId"] == runbook["Id"] and process["ProjectId"] == "Projects-1" and process["Steps"] == []
    assert api.get(process["Links"]["Runbook"]).json()["Id"] == runbook["Id"]
    assert api.get(process["Links"]["RunbookSnapshotTemplate"]).json()["RunbookProcessId"] == process["Id"]
    # The project lists it, and the space root document advertises the runbook collections.
    listed = api.get(f"/api/Spaces-1/projects/Projects-1/runbooks").json()
    assert [r["Id"] for r in listed["Items"]] == [runbook["Id"]]
    links = api.get("/api/Spaces-1").json()["Links"]
    for name in ("RunbookProcesses", "RunbookSnapshots", "RunbookRuns", "Runbooks"):
        assert api.get(links[name].split("{")[0]).status_code == 200, name


def test_the_runbook_process_is_versioned_like_a_deployment_process(api: httpx.Client) -> None:
    runbook = new_runbook(api)
    saved = add_steps(api, runbook, SCRIPT)
    assert saved["Version"] == 1 and saved["Steps"][0]["Id"] and saved["Steps"][0]["Actions"][0]["Id"]
    stale = put(api, saved["Links"]["Self"], {**saved, "Version": 0})
    assert stale.status_code == 409
    nameless = put(api, saved["Links"]["Self"], {**saved, "Steps": [{"Actions": []}]})
    assert "Every step needs a Name." in error_of(nameless)["Errors"]
    # Its RunbookProcessId cannot be changed through the runbook.
    changed = put(api, runbook["Links"]["Self"], {**runbook, "RunbookProcessId": "RunbookProcess-X"}).json()
    assert changed["RunbookProcessId"] == runbook["RunbookProcessId"]


def test_a_snapshot_freezes_the_process_and_variables_and_can_be_published(api: httpx.Client) -> None:
    runbook = new_runbook(api)
    add_steps(api, runbook, SCRIPT)
    template = api.get(runbook["Links"]["RunbookSnapshotTemplate"]).json()
    assert template["NextNameIncrement"] == "Snapshot 1" and template["RunbookProcessId"] == runbook["RunbookProcessId"]
    snapshot = publish_snapshot(api, runbook)
    assert snapshot["ProjectId"] == "Projects-1" and snapshot["Assembled"]
    frozen = api.get(snapshot["Links"]["FrozenRunbookProcess"]).json()
    assert frozen["Steps"][0]["Name"] == "Say hello" and "-s-" in frozen["Id"]
    assert api.get(snapshot["Links"]["FrozenProjectVariableSet"]).status_code == 200
    # Later edits leave the snapshot as it was, and the snapshot's process cannot be edited.
    add_steps(api, runbook, {**SCRIPT, "Name": "Something else"})
    assert api.get(snapshot["Links"]["FrozenRunbookProcess"]).json()["Steps"][0]["Name"] == "Say hello"
    assert put(api, frozen["Links"]["Self"], frozen).status_code == 400
    assert api.get(runbook["Links"]["Self"]).json()["PublishedRunbookSnapshotId"] == snapshot["Id"]
    assert api.get(runbook["Links"]["RunbookSnapshotTemplate"]).json()["NextNameIncrement"] == "Snapshot 2"
    # By name, through the runbook and the project.
    by_name = api.get(f"{runbook['Links']['Self']}/runbookSnapshots/Snapshot 1")
    assert by_name.json()["Id"] == snapshot["Id"]
    assert api.get("/api/Spaces-1/projects/Projects-1/runbookSnapshots", params={"name": "Snapshot 1"}).json()["Id"] \
        == snapshot["Id"]
    # A published snapshot cannot be deleted; another runbook's snapshot cannot be published.
    assert delete(api, snapshot["Links"]["Self"]).status_code == 400
    other = new_runbook(api, "Other")
    refused = put(api, other["Links"]["Self"], {**other, "PublishedRunbookSnapshotId": snapshot["Id"]})
    assert refused.status_code == 400
    # Snapshot variables again: a new variable snapshot.
    again = api.post(snapshot["Links"]["SnapshotVariables"]).json()
    assert again["FrozenProjectVariableSetId"] != snapshot["FrozenProjectVariableSetId"]


def test_publish_on_create_and_a_run_of_the_published_snapshot(api: httpx.Client) -> None:
    runbook = new_runbook(api)
    add_steps(api, runbook, SCRIPT)
    created = api.post("/api/Spaces-1/runbookSnapshots?publish=true",
                       json={"Name": "Snapshot 1", "RunbookId": runbook["Id"]}).json()
    assert api.get(runbook["Links"]["Self"]).json()["PublishedRunbookSnapshotId"] == created["Id"]
    run = api.post("/api/Spaces-1/runbookRuns", json={"RunbookId": runbook["Id"], "EnvironmentId": "Environments-1"})
    assert run.status_code == 201, run.text
    body = run.json()
    assert body["RunbookSnapshotId"] == created["Id"] and body["FrozenRunbookProcessId"] == created["FrozenRunbookProcessId"]
    assert body["DeployedBy"] == "admin" and body["TaskId"].startswith("ServerTasks-")
    task = wait_for_task(api, body["Links"]["Task"])
    assert task["State"] == "Success" and task["Name"] == "RunbookRun"
    assert "Step 1: Say hello" in api.get(task["Links"]["Raw"]).text
    details = api.get(task["Links"]["Details"].split("{")[0]).json()
    assert [c["Status"] for c in details["ActivityLogs"][0]["Children"]] == ["Success"]
    listed = api.get(created["Links"]["RunbookRuns"].split("{")[0]).json()
    assert [r["Id"] for r in listed["Items"]] == [body["Id"]]
    filtered = api.get("/api/Spaces-1/runbookRuns", params={"runbooks": runbook["Id"]}).json()
    assert [r["Id"] for r in filtered["Items"]] == [body["Id"]]
    for name in ("Runbook", "RunbookSnapshot", "Environment", "Project", "Task"):
        assert api.get(body["Links"][name]).status_code == 200, name


def test_a_run_needs_a_published_snapshot_and_an_environment_in_scope(api: httpx.Client) -> None:
    runbook = new_runbook(api, EnvironmentScope="Specified", Environments=["Environments-2"])
    refused = api.post("/api/Spaces-1/runbookRuns", json={"RunbookId": runbook["Id"], "EnvironmentId": "Environments-2"})
    assert "no published snapshot" in " ".join(error_of(refused)["Errors"])
    publish_snapshot(api, runbook)
    out_of_scope = api.post("/api/Spaces-1/runbookRuns",
                            json={"RunbookId": runbook["Id"], "EnvironmentId": "Environments-1"})
    assert "cannot run in environment" in " ".join(error_of(out_of_scope)["Errors"])
    assert [e["Id"] for e in api.get(runbook["Links"]["Environments"]).json()] == ["Environments-2"]
    template = api.get(runbook["Links"]["RunbookRunTemplate"]).json()
    assert [t["Id"] for t in template["PromoteTo"]] == ["Environments-2"]
    preview = api.get(template["PromoteTo"][0]["Links"]["RunbookRunPreview"])
    assert preview.status_code == 200 and "StepsToExecute" in preview.json()


def test_run_parameters_run_in_each_environment_and_for_each_tenant(api: httpx.Client) -> None:
    runbook = new_runbook(api, MultiTenancyMode="Tenanted")
    add_steps(api, runbook, SCRIPT)
    snapshot = publish_snapshot(api, runbook)
    untenanted = api.post(runbook["Links"]["CreateRunbookRun"], json={"EnvironmentIds": ["Environments-1"]})
    assert "is tenanted" in " ".join(error_of(untenanted)["Errors"])
    tenant = api.get("/api/Spaces-1/tenants/all").json()[0]
    runs = api.post(runbook["Links"]["CreateRunbookRun"], json={
        "RunbookId": runbook["Id"], "EnvironmentIds": ["Environments-1", "Environments-2"],
        "TenantIds": [tenant["Id"]], "UseDefaultSnapshot": True})
    assert runs.status_code == 200, runs.text
    created = runs.json()
    assert [(r["EnvironmentId"], r["TenantId"]) for r in created] == [
        ("Environments-1", tenant["Id"]), ("Environments-2", tenant["Id"])]
    assert all(r["RunbookSnapshotId"] == snapshot["Id"] for r in created)
    for run in created:
        task = wait_for_task(api, run["Links"]["Task"])
        assert task["State"] == "Success" and tenant["Name"] in task["Description"]
    # The tenant is not connected in Production.
    refused = api.post(runbook["Links"]["CreateRunbookRun"], json={
        "EnvironmentIds": ["Environments-3"], "TenantIds": [tenant["Id"]]})
    assert "not connected" in " ".join(error_of(refused)["Errors"])


def test_a_run_through_the_snapshot_and_deleting_the_runbook(api: httpx.Client) -> None:
    runbook = new_runbook(api)
    snapshot = publish_snapshot(api, runbook)
    posted = api.post(snapshot["Links"]["RunbookRuns"].split("{")[0], json={"EnvironmentId": "Environments-1"})
    assert posted.status_code == 201, posted.text
    assert posted.json()["RunbookId"] == runbook["Id"]
    wait_for_task(api, posted.json()["Links"]["Task"])
    assert delete(api, runbook["Links"]["Self"]).status_code == 200
    assert api.get(snapshot["Links"]["Self"]).status_code == 404
    assert api.get(posted.json()["Links"]["Self"]).status_code == 404
    assert api.get(runbook["Links"]["RunbookProcesses"]).status_code == 404


def test_run_parameters_are_taken_from_2020_3_1_on() -> None:
    from octoclr.simulator.families.runbooks import _takes_run_parameters

    assert [_takes_run_parameters(v) for v in ("2019.12.0", "2020.3.0", "2020.3.1", "2020.3.1-beta", "2024.1.0")] \
        == [False, False, True, True, True]


PACKAGE_SCRIPT = {"Name": "Migrate", "Actions": [{
    "Name": "Migrate", "ActionType": "Octopus.Script",
    "Properties": {"Octopus.Action.Script.ScriptSource": "Package", "Octopus.Action.Script.ScriptFileName": "go.ps1"},
    "Packages": [{"Name": "", "PackageId": "OctoFX.Database", "FeedId": "feeds-builtin"}]}]}


def test_the_snapshot_template_lists_packages_and_the_version_the_last_snapshot_took(api: httpx.Client) -> None:
    runbook = new_runbook(api)
    add_steps(api, runbook, PACKAGE_SCRIPT)
    template = api.get(runbook["Links"]["RunbookSnapshotTemplate"]).json()
    [package] = template["Packages"]
    assert (package["ActionName"], package["PackageReferenceName"], package["PackageId"], package["FeedId"]) == \
        ("Migrate", "", "OctoFX.Database", "feeds-builtin")
    assert package["FeedName"] == "Octopus Server (built-in)" and package["IsResolvable"]
    assert package["VersionSelectedLastRelease"] is None
    created = api.post("/api/Spaces-1/runbookSnapshots", json={
        "Name": template["NextNameIncrement"], "RunbookId": runbook["Id"],
        "SelectedPackages": [{"ActionName": "Migrate", "PackageReferenceName": "", "Version": "3.1.0"}]})
    assert created.status_code == 201, created.text
    stored = api.get(created.json()["Links"]["Self"]).json()
    assert [(p["ActionName"], p["Version"]) for p in stored["SelectedPackages"]] == [("Migrate", "3.1.0")]
    # The next snapshot starts from the version this one took, whether asked of the runbook or its process.
    for link in (runbook["Links"]["RunbookSnapshotTemplate"],
                 api.get(runbook["Links"]["RunbookProcesses"]).json()["Links"]["RunbookSnapshotTemplate"]):
        after = api.get(link).json()
        assert after["NextNameIncrement"] == "Snapshot 2"
        assert [p["VersionSelectedLastRelease"] for p in after["Packages"]] == ["3.1.0"]
