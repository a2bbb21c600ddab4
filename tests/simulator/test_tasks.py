"""Server tasks the server owns: queue times, cancelling, steps that run or fail, and interruptions."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import httpx

from tests.simulator.conftest import error_of, put


def wait_for_task(api: httpx.Client, task_url: str, timeout: float = 10, until: str = "") -> dict:
    """Poll a task until it completes (or, with ``until``, reaches that state); its states seen in ``_states``."""
    deadline = time.monotonic() + timeout
    states: list[str] = []
    while time.monotonic() < deadline:
        task = api.get(task_url).json()
        if not states or states[-1] != task["State"]:
            states.append(task["State"])
        if task["IsCompleted"] or (until == "interrupted" and task["HasPendingInterruptions"]):
            task["_states"] = states
            return task
        time.sleep(0.03)
    raise AssertionError(f"task did not get there: {states}")


def deploy(api: httpx.Client, steps: list, version: str = "3.0.0", **extra: object) -> dict:
    process = api.get("/api/Spaces-1/deploymentprocesses/deploymentprocess-Projects-1").json()
    process["Steps"] = steps
    assert put(api, process["Links"]["Self"], process).status_code == 200
    release = api.post("/api/Spaces-1/releases", json={"ProjectId": "Projects-1", "Version": version}).json()
    deployment = api.post("/api/Spaces-1/deployments", json={"ReleaseId": release["Id"],
                                                             "EnvironmentId": "Environments-1", **extra})
    assert deployment.status_code == 201, deployment.text
    return deployment.json()


def script(name: str, body: str = "echo ok", **step: object) -> dict:
    return {"Name": name, **step, "Actions": [{"Name": name, "ActionType": "Octopus.Script",
                                               "Properties": {"Octopus.Action.Script.ScriptBody": body}}]}


def manual(name: str, instructions: str) -> dict:
    return {"Name": name, "Actions": [{"Name": name, "ActionType": "Octopus.Manual", "Properties": {
        "Octopus.Action.Manual.Instructions": instructions,
        "Octopus.Action.Manual.ResponsibleTeamIds": "teams-administrators"}}]}


def test_a_deployment_queued_for_later_waits_and_can_be_cancelled(api: httpx.Client) -> None:
    later = (datetime.now(timezone.utc) + timedelta(hours=1)).isoformat()
    deployment = deploy(api, [script("One")], QueueTime=later)
    time.sleep(0.5)  # longer than the whole task would take
    task = api.get(deployment["Links"]["Task"]).json()
    assert task["State"] == "Queued" and task["QueueTime"] == later and not task["HasBeenPickedUpByProcessor"]
    cancelled = api.post(task["Links"]["Cancel"])
    assert cancelled.status_code == 200
    body = cancelled.json()
    assert body["State"] == "Canceled" and body["IsCompleted"] and not body["FinishedSuccessfully"]
    assert "canceled by admin" in body["ErrorMessage"]
    again = api.post(task["Links"]["Cancel"])
    assert "already completed" in error_of(again)["ErrorMessage"]
    assert "Canceled" in api.get(task["Links"]["Raw"]).text


def test_a_queue_time_expiry_must_follow_the_queue_time(api: httpx.Client) -> None:
    release = api.get("/api/Spaces-1/releases").json()["Items"][0]
    now = datetime.now(timezone.utc)
    refused = api.post("/api/Spaces-1/deployments", json={
        "ReleaseId": release["Id"], "EnvironmentId": "Environments-1",
        "QueueTime": (now + timedelta(hours=2)).isoformat(), "QueueTimeExpiry": (now + timedelta(hours=1)).isoformat()})
    assert "QueueTimeExpiry" in " ".join(error_of(refused)["Errors"])
    nonsense = api.post("/api/Spaces-1/deployments", json={"ReleaseId": release["Id"], "EnvironmentId": "Environments-1",
                                                           "QueueTime": "next tuesday"})
    assert nonsense.status_code == 400


def test_steps_run_in_order_and_show_in_the_log_and_details(api: httpx.Client) -> None:
    deployment = deploy(api, [script("First"), {**script("Disabled"), "IsDisabled": True}, script("Last")])
    task = wait_for_task(api, deployment["Links"]["Task"])
    assert task["State"] == "Success" and task["_states"][0] in ("Queued", "Executing")
    log = api.get(task["Links"]["Raw"]).text
    assert log.index("Step 1: First") < log.index("Step 3: Last") and "Disabled is skipped" in log
    details = api.get(task["Links"]["Details"].split("{")[0]).json()
    activity = details["ActivityLogs"][0]
    assert activity["Status"] == "Success" and details["Progress"]["ProgressPercentage"] == 100
    assert [c["Status"] for c in activity["Children"]] == ["Success", "Skipped", "Success"]
    assert activity["Children"][0]["LogElements"][0]["MessageText"] == "Step 1: First"


def test_a_failing_step_fails_the_task_and_only_failure_steps_run_after_it(api: httpx.Client) -> None:
    deployment = deploy(api, [script("Break", "Write-Host x\nexit 3"), script("Next"),
                              script("Clean up", Condition="Failure")])
    task = wait_for_task(api, deployment["Links"]["Task"])
    assert task["State"] == "Failed" and task["HasWarningsOrErrors"] and "Break" in task["ErrorMessage"]
    statuses = [c["Status"] for c in api.get(task["Links"]["Details"].split("{")[0]).json()["ActivityLogs"][0]["Children"]]
    assert statuses == ["Failed", "Skipped", "Success"]
    failed = api.get("/api/tasks", params={"states": "Failed"}).json()
    assert task["Id"] in [t["Id"] for t in failed["Items"]]


def test_a_manual_intervention_waits_for_a_responsible_person_to_proceed(api: httpx.Client) -> None:
    deployment = deploy(api, [manual("Approve", "Check the site"), script("After")])
    task = wait_for_task(api, deployment["Links"]["Task"], until="interrupted")
    assert task["State"] == "Executing" and task["HasPendingInterruptions"] is True
    pending = api.get("/api/Spaces-1/interruptions", params={"regarding": deployment["Id"], "pendingOnly": "true"}).json()
    assert pending["TotalResults"] == 1
    interruption = pending["Items"][0]
    assert interruption["Type"] == "ManualIntervention" and interruption["IsPending"]
    assert interruption["TaskId"] == task["Id"] and interruption["ResponsibleTeamIds"] == ["teams-administrators"]
    assert interruption["Form"]["Elements"][0]["Control"]["Text"] == "Check the site"
    assert api.get("/api/tasks", params={"hasPendingInterruptions": "true"}).json()["Items"][0]["Id"] == task["Id"]
    time.sleep(0.4)  # it keeps waiting
    assert api.get(deployment["Links"]["Task"]).json()["State"] == "Executing"
    not_yet = api.post(interruption["Links"]["Submit"], json={"Result": "Proceed"})
    assert "take responsibility" in error_of(not_yet)["ErrorMessage"]
    taken = api.put(interruption["Links"]["Responsible"])
    assert taken.status_code == 200 and taken.json()["Username"] == "admin"
    assert api.get(interruption["Links"]["Responsible"]).json()["Id"] == "Users-1"
    wrong = api.post(interruption["Links"]["Submit"], json={"Result": "Maybe"})
    assert "Proceed, Abort" in " ".join(error_of(wrong)["Errors"])
    submitted = api.post(interruption["Links"]["Submit"], json={"Result": "Proceed", "Notes": "looks fine"})
    assert submitted.status_code == 200 and submitted.json()["IsPending"] is False
    done = wait_for_task(api, deployment["Links"]["Task"])
    assert done["State"] == "Success" and done["HasPendingInterruptions"] is False
    assert "chose to proceed (looks fine)" in api.get(done["Links"]["Raw"]).text
    assert api.get("/api/interruptions", params={"regarding": task["Id"], "pendingOnly": "true"}).json()["TotalResults"] == 0
    assert api.get("/api/interruptions", params={"regarding": task["Id"]}).json()["TotalResults"] == 1
    assert "already been submitted" in error_of(api.post(interruption["Links"]["Submit"], json={"Result": "Abort"}))[
        "ErrorMessage"]


def test_aborting_a_manual_intervention_fails_the_task(api: httpx.Client) -> None:
    deployment = deploy(api, [manual("Approve", "Check")])
    task = wait_for_task(api, deployment["Links"]["Task"], until="interrupted")
    interruption = api.get(f"/api/Spaces-1/interruptions?regarding={task['Id']}").json()["Items"][0]
    api.put(interruption["Links"]["Responsible"])
    api.post(interruption["Links"]["Submit"], json={"Result": "Abort"})
    done = wait_for_task(api, deployment["Links"]["Task"])
    assert done["State"] == "Failed" and "aborted by admin" in done["ErrorMessage"]


def _guided(api: httpx.Client, deployment: dict) -> tuple[dict, dict]:
    task = wait_for_task(api, deployment["Links"]["Task"], until="interrupted")
    interruptions = api.get(f"/api/Spaces-1/interruptions?regarding={task['Id']}&pendingOnly=true").json()["Items"]
    assert len(interruptions) == 1 and interruptions[0]["Type"] == "GuidedFailure"
    api.put(interruptions[0]["Links"]["Responsible"])
    return task, interruptions[0]


def test_guided_failure_retry_ignore_and_fail(api: httpx.Client) -> None:
    deployment = deploy(api, [script("Flaky", "throw 'no'"), script("After")], UseGuidedFailure=True)
    task, interruption = _guided(api, deployment)
    api.post(interruption["Links"]["Submit"], json={"Guidance": "Retry"})
    # The step fails again (the simulator's scripts are what they say), so it asks again.
    task, second = _guided(api, deployment)
    assert second["Id"] != interruption["Id"]
    api.post(second["Links"]["Submit"], json={"Guidance": "Ignore"})
    done = wait_for_task(api, deployment["Links"]["Task"])
    assert done["State"] == "Success" and done["HasWarningsOrErrors"] is True
    statuses = [c["Status"] for c in api.get(done["Links"]["Details"].split("{")[0]).json()["ActivityLogs"][0]["Children"]]
    assert statuses == ["SuccessWithWarning", "Success"]

    failing = deploy(api, [script("Flaky", "exit 1"), script("After")], version="3.0.1")
    # Production has guided failure on by default; Development does not, unless asked as above.
    assert wait_for_task(api, failing["Links"]["Task"])["State"] == "Failed"
    release = api.get(failing["Links"]["Release"]).json()
    production = api.post("/api/Spaces-1/deployments", json={"ReleaseId": release["Id"], "EnvironmentId": "Environments-3"})
    task, interruption = _guided(api, production.json())
    refused = api.post(interruption["Links"]["Submit"], json={"Guidance": "Exclude"})
    assert refused.status_code == 400
    api.post(interruption["Links"]["Submit"], json={"Guidance": "Fail"})
    done = wait_for_task(api, production.json()["Links"]["Task"])
    assert done["State"] == "Failed"
    statuses = [c["Status"] for c in api.get(done["Links"]["Details"].split("{")[0]).json()["ActivityLogs"][0]["Children"]]
    assert statuses == ["Failed", "Skipped"]


def test_cancelling_a_waiting_task_closes_its_interruption(api: httpx.Client) -> None:
    deployment = deploy(api, [manual("Approve", "Check")])
    task = wait_for_task(api, deployment["Links"]["Task"], until="interrupted")
    assert api.post(task["Links"]["Cancel"]).json()["State"] == "Canceled"
    interruption = api.get(f"/api/Spaces-1/interruptions?regarding={task['Id']}").json()["Items"][0]
    assert interruption["IsPending"] is False
    assert api.get(f"/api/Spaces-1/interruptions?regarding={task['Id']}&pendingOnly=true").json()["TotalResults"] == 0
