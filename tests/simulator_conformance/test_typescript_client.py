"""The official TypeScript client, @octopusdeploy/api-client, works against the simulator unchanged.

This is the check that the simulator matches a real client we did not write: the walkthrough in
``tests/typescript/client-walkthrough.mjs`` uses only the client's own repositories. CI installs
the pinned client with ``npm ci --prefix tests/typescript``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any, Dict

import pytest

PROJECT = Path(__file__).resolve().parents[1] / "typescript"
SCRIPT = PROJECT / "client-walkthrough.mjs"
CLIENT_PACKAGE = PROJECT / "node_modules" / "@octopusdeploy" / "api-client" / "package.json"


@pytest.fixture(scope="module")
def node() -> str:
    executable = shutil.which("node")
    if executable is None:
        pytest.skip("node is not installed; install Node.js 18+ to run the TypeScript client check")
    if not CLIENT_PACKAGE.is_file():
        pytest.skip(f"@octopusdeploy/api-client is not installed; run: npm ci --prefix {PROJECT}")
    return executable


def run_walkthrough(node: str, script: Path, url: str, api_key: str, timeout: float = 120) -> Dict[str, Any]:
    """The JSON summary one run of a walkthrough script prints, against the server at ``url``."""
    environment = dict(os.environ, OCTOPUS_URL=url, OCTOPUS_API_KEY=api_key)
    completed = subprocess.run([node, str(script)], cwd=PROJECT, env=environment, capture_output=True, text=True,
                               timeout=timeout)
    try:
        summary: Dict[str, Any] = json.loads(completed.stdout)
    except ValueError:
        pytest.fail(f"the walkthrough printed no JSON (exit {completed.returncode}): {completed.stderr[-2000:]}")
    return summary


@pytest.fixture(scope="module")
def walkthrough(node: str, simulator: Any) -> Dict[str, Any]:
    """The summary of one run of the walkthrough; it stops at the first step that fails."""
    return run_walkthrough(node, SCRIPT, str(simulator.url), simulator.api_key, timeout=90)


def reached(summary: Dict[str, Any], *steps: str) -> None:
    """Fail with the client's own error unless the walkthrough completed ``steps``."""
    missing = [step for step in steps if step not in summary["steps"]]
    if missing:
        refused = [exchange for exchange in summary["exchanges"] if isinstance(exchange[2], int) and exchange[2] >= 400]
        recent = "\n".join(" ".join(str(part) for part in exchange) for exchange in refused[-6:])
        pytest.fail(
            f"the TypeScript client did not complete {missing}; failures: {summary['failures']}\n"
            f"refused requests:\n{recent}"
        )


def test_installed_client_is_the_pinned_version() -> None:
    if not CLIENT_PACKAGE.is_file():
        pytest.skip(f"@octopusdeploy/api-client is not installed; run: npm ci --prefix {PROJECT}")
    pinned = json.loads((PROJECT / "package.json").read_text())["dependencies"]["@octopusdeploy/api-client"]
    installed = json.loads(CLIENT_PACKAGE.read_text())["version"]
    assert installed == pinned


def test_client_connects_and_reads_server_information(walkthrough: Dict[str, Any]) -> None:
    reached(walkthrough, "Client.create", "userGetCurrent")
    assert walkthrough["server"]["version"]
    assert walkthrough["server"]["installationId"]
    assert walkthrough["currentUser"]["Id"].startswith("Users-")


def test_spaces_list_create_get(walkthrough: Dict[str, Any]) -> None:
    reached(walkthrough, "spaces.list", "spaces.create", "spaces.get", "spaces.list(partialName)")
    before = walkthrough["spacesBefore"]
    assert before["itemType"] == "Space"
    assert len(before["defaultSpaces"]) == 1
    space = walkthrough["space"]
    assert space["created"]["Id"].startswith("Spaces-")
    assert space["created"]["IsDefault"] is False
    assert space["fetched"]["Id"] == space["created"]["Id"]
    assert space["fetched"]["Name"] == space["created"]["Name"]
    assert space["foundByPartialName"] == [space["created"]["Id"]]


def test_environments_create_get_modify_delete_list_in_the_new_space(walkthrough: Dict[str, Any]) -> None:
    reached(walkthrough, "environments.modify", "environments.del", "environments.list")
    environments = walkthrough["environments"]
    space_id = walkthrough["space"]["created"]["Id"]
    assert environments["created"]["Id"].startswith("Environments-")
    assert environments["created"]["SpaceId"] == space_id
    assert environments["fetched"]["Id"] == environments["created"]["Id"]
    assert environments["modifiedDescription"] == "changed through PUT"
    # "Scratch" was deleted through the client, so only "Development" is left in the new space.
    assert environments["listedNames"] == ["Development"]
    assert environments["totalResults"] == 1


def test_project_with_its_group_and_lifecycle(walkthrough: Dict[str, Any]) -> None:
    reached(walkthrough, "projectGroups.create", "lifecycles.create", "projects.create", "projects.get", "projects.list")
    space_id = walkthrough["space"]["created"]["Id"]
    project = walkthrough["project"]
    assert walkthrough["projectGroup"]["SpaceId"] == space_id
    assert walkthrough["lifecycle"]["SpaceId"] == space_id
    assert [phase["Name"] for phase in walkthrough["lifecycle"]["Phases"]] == ["Development"]
    assert project["created"]["Id"].startswith("Projects-")
    assert project["created"]["SpaceId"] == space_id
    assert project["created"]["ProjectGroupId"] == walkthrough["projectGroup"]["Id"]
    assert project["created"]["LifecycleId"] == walkthrough["lifecycle"]["Id"]
    assert project["created"]["DeploymentProcessId"]
    assert project["created"]["VariableSetId"]
    assert project["fetched"]["ProjectGroupId"] == walkthrough["projectGroup"]["Id"]
    assert project["listedIds"] == [project["created"]["Id"]]


def test_release_created_through_the_executions_api(walkthrough: Dict[str, Any]) -> None:
    reached(walkthrough, "releases.create", "releases.get", "releases.listForProject")
    release = walkthrough["release"]
    assert release["created"]["ReleaseId"].startswith("Releases-")
    assert release["created"]["ReleaseVersion"] == "1.0.0"
    assert release["fetched"]["Id"] == release["created"]["ReleaseId"]
    assert release["fetched"]["Version"] == "1.0.0"
    assert release["fetched"]["ProjectId"] == walkthrough["project"]["created"]["Id"]
    assert release["fetched"]["ChannelId"]
    assert release["forProject"] == [release["created"]["ReleaseId"]]


def test_deployment_runs_a_server_task_to_success(walkthrough: Dict[str, Any]) -> None:
    reached(walkthrough, "deployments.create", "deployments.get", "deployments.list",
            "serverTasks.waitForServerTaskToComplete", "serverTasks.getById", "serverTasks.getDetails")
    deployment = walkthrough["deployment"]
    (created,) = deployment["created"]["DeploymentServerTasks"]
    assert deployment["fetched"]["Id"] == created["DeploymentId"]
    assert deployment["fetched"]["TaskId"] == created["ServerTaskId"]
    assert deployment["fetched"]["ReleaseId"] == walkthrough["release"]["created"]["ReleaseId"]
    assert deployment["fetched"]["EnvironmentId"] == walkthrough["environments"]["created"]["Id"]
    assert deployment["listedIds"] == [created["DeploymentId"]]
    task = walkthrough["task"]
    assert task["completed"]["Id"] == created["ServerTaskId"]
    assert task["completed"]["State"] == "Success"
    assert task["completed"]["IsCompleted"] is True
    assert task["completed"]["FinishedSuccessfully"] is True
    assert task["fetched"]["State"] == "Success"
    assert task["detailsTaskId"] == created["ServerTaskId"]


def test_task_repositories_follow_a_deployment_made_through_the_rest_collections(walkthrough: Dict[str, Any]) -> None:
    """ServerTaskWaiter and SpaceServerTaskRepository, on a deployment posted to /deployments."""
    reached(walkthrough, "rest.releases.create", "rest.deployments.create",
            "rest.serverTasks.waitForServerTaskToComplete", "rest.serverTasks.getById", "rest.serverTasks.getDetails")
    task = walkthrough["restTask"]
    assert task["completed"]["Id"] == walkthrough["restDeployment"]["TaskId"]
    assert task["completed"]["State"] == "Success"
    assert task["completed"]["IsCompleted"] is True
    assert task["completed"]["FinishedSuccessfully"] is True
    assert task["fetched"]["State"] == "Success"
    assert task["detailsTaskId"] == task["completed"]["Id"]


def test_refusals_reach_the_client_as_octopus_errors_with_the_server_message(walkthrough: Dict[str, Any]) -> None:
    """The client turns the error body (ErrorMessage, then each of Errors) into the error's message."""
    reached(walkthrough, "errors.getMissingProject", "errors.duplicateEnvironment", "errors.projectWithoutLifecycle")
    errors = walkthrough["errors"]
    assert errors["errors.getMissingProject"]["statusCode"] == 404
    assert errors["errors.duplicateEnvironment"]["statusCode"] == 400
    assert errors["errors.projectWithoutLifecycle"]["statusCode"] == 400
    for name, error in errors.items():
        # "undefined" is what the client prints when the body has no ErrorMessage.
        assert error["message"] and "undefined" not in error["message"], (name, error)
