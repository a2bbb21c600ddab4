"""The deployment process, release, deployment and runbook samples (``samples/processes/``), run
as users run them, one after another against one simulator, each result checked over plain HTTP."""

from __future__ import annotations

from pathlib import Path
from typing import Dict

import httpx
import pytest

from tests.samples.harness import SAMPLES, ServerFacts, run_python, script_environment
from tests.support.packages import zip_package

PROCESS_SAMPLES = SAMPLES / "processes"


@pytest.fixture
def env(runtime_name: str, lookalike_source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Dict[str, str]:
    monkeypatch.chdir(tmp_path)
    return script_environment(runtime_name, lookalike_source, tmp_path / "cache")


def run(env: Dict[str, str], name: str, *args: str) -> str:
    finished = run_python([str(PROCESS_SAMPLES / name), *args], env, Path.cwd())
    assert finished.returncode == 0, finished.explain()
    return finished.stdout


def put(http: httpx.Client, url: str, body: dict) -> dict:
    response = http.put(url, json=body)
    assert response.status_code == 200, response.text
    return response.json()


def test_the_process_samples_against_one_server(env: Dict[str, str], live_simulator: ServerFacts) -> None:
    facts = live_simulator
    env = dict(env, OCTOPUS_URL=facts.url, OCTOPUS_API_KEY=facts.api_key, OCTOPUS_SPACE="Default")
    with httpx.Client(base_url=facts.url, headers={"X-Octopus-ApiKey": facts.api_key}, timeout=30) as http:
        # A package step whose package the built-in feed holds in two versions.
        for version in ("1.0.0", "1.2.0"):
            pushed = http.post("/api/Spaces-1/packages/raw",
                               files={"file": (f"OctoFX.Web.{version}.zip", zip_package(version.encode()))})
            assert pushed.status_code == 201, pushed.text
        project = http.get("/api/Spaces-1/projects/Projects-1").json()
        process_url = project["Links"]["DeploymentProcess"]
        process = http.get(process_url).json()
        process["Steps"].append({"Name": "Deploy web", "Actions": [{
            "Name": "Deploy web", "ActionType": "Octopus.TentaclePackage",
            "Packages": [{"Name": "", "PackageId": "OctoFX.Web", "FeedId": "feeds-builtin"}]}]})
        put(http, process_url, process)

        added = run(env, "create_script_step.py")
        assert "Added step 'Run a script' for role 'web-server'; OctoFX Web now has 2 steps" in added
        step = http.get(process_url).json()["Steps"][1]
        assert step["Properties"]["Octopus.Action.TargetRoles"] == "web-server"
        assert step["Actions"][0]["Properties"]["Octopus.Action.Script.ScriptBody"] == 'Write-Host "Hello world"'
        again = run_python([str(PROCESS_SAMPLES / "create_script_step.py")], env, Path.cwd())
        assert again.returncode != 0 and "already has a step named 'Run a script'" in again.stderr

        run(env, "add_environment_condition_to_step.py", "OctoFX Web", "Run a script", "Development", "Test")
        assert http.get(process_url).json()["Steps"][1]["Actions"][0]["Environments"] == \
            ["Environments-1", "Environments-2"]
        assert run(env, "get_steps_using_role.py", "web-server").splitlines() == [
            "Step [Run a script] from project [OctoFX Web] is using the role [web-server]"]
        assert run(env, "get_steps_using_role.py", "db-server") == ""

        created = run(env, "create_release.py", "OctoFX Web", "2.0.0")
        assert "  Deploy web: OctoFX.Web 1.2.0" in created
        release = http.get("/api/Spaces-1/projects/Projects-1/releases/2.0.0").json()
        assert f"Created release 2.0.0 ({release['Id']}) of OctoFX Web in channel Default" in created
        assert [(p["ActionName"], p["Version"]) for p in release["SelectedPackages"]] == [("Deploy web", "1.2.0")]
        suggested = run(env, "create_release.py")
        assert "Created release 2.0.1 " in suggested  # the release template's next version

        snapshot = run(env, "update_release_variable_snapshot.py", "OctoFX Web", "2.0.0")
        renewed = http.get(f"/api/Spaces-1/releases/{release['Id']}").json()["ProjectVariableSetSnapshotId"]
        assert renewed != release["ProjectVariableSetSnapshotId"]
        assert snapshot.strip() == \
            f"Release 2.0.0: variable snapshot {release['ProjectVariableSetSnapshotId']} replaced by {renewed}"

        deployed = run(env, "deploy_release.py", "OctoFX Web", "2.0.0", "Development")
        assert deployed.strip().endswith("finished: Success")
        task_id = deployed.split("task ")[1].split()[0].rstrip(":")
        assert http.get(f"/api/tasks/{task_id}").json()["State"] == "Success"

        queued = run(env, "deploy_release.py", "OctoFX Web", "2.0.0", "Test", "--queue-minutes", "60")
        queued_task = queued.split("task ")[1].split()[0]
        assert http.get(f"/api/tasks/{queued_task}").json()["State"] == "Queued"
        cancelled = run(env, "cancel_queued_deployments.py")
        assert f"Cancelled {queued_task}: " in cancelled and "1 queued deployments cancelled" in cancelled
        assert http.get(f"/api/tasks/{queued_task}").json()["State"] == "Canceled"

        made = run(env, "create_runbook.py", "OctoFX Web", "Restart the web site")
        runbook = http.get("/api/Spaces-1/runbooks", params={"partialName": "Restart the web site"}).json()["Items"][0]
        assert made.strip() == f"Created runbook {runbook['Id']} (Restart the web site) with process " \
                               f"{runbook['RunbookProcessId']}"
        assert "now has steps: Restart IIS" in run(env, "add_script_step_to_runbook_process.py")
        runbook_process = http.get(f"/api/Spaces-1/runbookProcesses/{runbook['RunbookProcessId']}").json()
        assert runbook_process["Steps"][0]["Properties"]["Octopus.Action.TargetRoles"] == "web-server"

        published = run(env, "create_and_publish_runbook_snapshot.py")
        runbook = http.get(f"/api/Spaces-1/runbooks/{runbook['Id']}").json()
        snapshot_id = runbook["PublishedRunbookSnapshotId"]
        assert published.strip() == f"Published runbook snapshot: {snapshot_id} (Snapshot 1)"

        ran = run(env, "run_runbook.py", "OctoFX Web", "Restart the web site", "Development", "Production")
        lines = ran.splitlines()
        assert [line.split(": task")[0] for line in lines] == ["Restart the web site in Development",
                                                              "Restart the web site in Production"]
        assert all(line.endswith(" Success") for line in lines)
        runs = http.get(f"/api/Spaces-1/runbookSnapshots/{snapshot_id}/runbookRuns").json()["Items"]
        assert sorted(r["EnvironmentId"] for r in runs) == ["Environments-1", "Environments-3"]
