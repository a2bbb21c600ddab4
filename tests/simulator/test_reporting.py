"""Deployment reports (counted by week, history as XML) and runbook progression."""

from __future__ import annotations

import datetime as dt
from xml.etree import ElementTree

import httpx

from tests.simulator.test_runbooks import SCRIPT, add_steps, new_runbook
from tests.simulator.test_tasks import wait_for_task


def _deploy(api: httpx.Client, environment: str = "Environments-1") -> dict:
    deployment = api.post("/api/Spaces-1/deployments", json={"ReleaseId": "Releases-1", "EnvironmentId": environment})
    assert deployment.status_code == 201, deployment.text
    wait_for_task(api, deployment.json()["Links"]["Task"])
    return deployment.json()


def test_deployments_are_counted_by_the_week_they_completed(api: httpx.Client) -> None:
    _deploy(api)
    _deploy(api)
    _deploy(api, "Environments-2")
    report = api.get("/api/Spaces-1/reporting/deployments-counted-by-week", params={"projectIds": "Projects-1"}).json()
    (project,) = report
    assert project["ProjectId"] == "Projects-1"
    labels = project["ReportData"]["Labels"]
    assert len(labels) in (12, 13) and all(dt.date.fromisoformat(label).weekday() == 0 for label in labels)
    series = {s["Label"]: s["Data"] for s in project["ReportData"]["Series"]}
    assert series["Development"][-1] == 2 and series["Test"][-1] == 1 and sum(series["Production"]) == 0
    assert all(len(data) == len(labels) for data in series.values())
    everyone = api.get("/api/Spaces-1/reporting/deployments-counted-by-week").json()
    assert {p["ProjectId"] for p in everyone} >= {"Projects-1", "Projects-2"}
    past = api.get("/api/Spaces-1/reporting/deployments-counted-by-week", params={
        "projectIds": "Projects-1", "fromCompletedTime": "2020-01-01", "toCompletedTime": "2020-02-01"}).json()
    assert past[0]["ReportData"]["Labels"][0] == "2019-12-30"
    assert all(sum(s["Data"]) == 0 for s in past[0]["ReportData"]["Series"])
    assert api.get("/api/Spaces-1/reporting/deployments-counted-by-week",
                   params={"fromCompletedTime": "soon"}).status_code == 400


def test_the_deployment_history_as_xml(api: httpx.Client) -> None:
    first = _deploy(api)
    second = _deploy(api, "Environments-2")
    response = api.get("/api/Spaces-1/reporting/deployments/xml")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/xml")
    root = ElementTree.fromstring(response.content)
    rows = [{child.tag: child.text for child in element} for element in root.findall("Deployment")]
    assert [r["Id"] for r in rows] == [second["Id"], first["Id"]]
    assert rows[0]["EnvironmentName"] == "Test" and rows[0]["ReleaseVersion"] == "1.0.0"
    assert rows[0]["TaskState"] == "Success" and rows[0]["CompletedTime"]
    later = api.get("/api/Spaces-1/reporting/deployments/xml", params={"fromCompletedTime": "2999-01-01"})
    assert ElementTree.fromstring(later.content).findall("Deployment") == []


def _run(api: httpx.Client, runbook: dict, environment: str) -> dict:
    run = api.post("/api/Spaces-1/runbookRuns", json={"RunbookId": runbook["Id"], "EnvironmentId": environment})
    assert run.status_code == 201, run.text
    wait_for_task(api, run.json()["Links"]["Task"])
    return run.json()


def test_runbook_progression_shows_the_latest_run_per_environment(api: httpx.Client) -> None:
    runbook = new_runbook(api, EnvironmentScope="Specified", Environments=["Environments-1", "Environments-2"])
    add_steps(api, runbook, SCRIPT)
    api.post("/api/Spaces-1/runbookSnapshots?publish=true", json={"Name": "Snapshot 1", "RunbookId": runbook["Id"]})
    _run(api, runbook, "Environments-1")
    latest = _run(api, runbook, "Environments-1")
    progression = api.get(f"/api/Spaces-1/progression/runbooks/{runbook['Id']}").json()
    assert [e["Id"] for e in progression["Environments"]] == ["Environments-1", "Environments-2"]
    (item,) = progression["RunbookRuns"]["Environments-1"]
    assert item["TaskId"] == latest["TaskId"] and item["State"] == "Success" and item["RunbookSnapshotName"] == "Snapshot 1"
    assert progression["RunbookRuns"]["Environments-2"] == []
    for link in item["Links"].values():
        assert api.get(link).status_code == 200, link
    runs = api.get("/api/Spaces-1/progression/runbooks/taskRuns", params={"runbookIds": runbook["Id"]}).json()
    assert runs["TotalResults"] == 2 and runs["Items"][0]["TaskId"] == latest["TaskId"]
    none = api.get("/api/Spaces-1/progression/runbooks/taskRuns", params={"environmentIds": "Environments-3"}).json()
    assert none["Items"] == []
    assert api.get("/api/Spaces-1/progression/runbooks/Runbooks-999").status_code == 404
