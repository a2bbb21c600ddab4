"""The official TypeScript client edits a deployment process and runs a runbook against ``octoclr serve``.

``tests/typescript/process-walkthrough.mjs`` uses only the client's own repositories: the
deployment process of a new project, a release deployed through the Executions API, and a runbook
created below its project, its process edited, snapshotted and published, and run by names
(``runbook-runs/create/v1``). The server is the command users start, ``octoclr serve``, with the
demo data, so what is checked is what a user's script meets.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from typing import Any, Dict, Iterator

import pytest

from tests.simulator_conformance.test_typescript_client import PROJECT, node, reached, run_walkthrough  # noqa: F401  (node: a fixture)

SCRIPT = PROJECT / "process-walkthrough.mjs"
API_KEY = "API-PROCESSWALKTHROUGH0000000001"


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    """``octoclr serve`` on a free port with the demo data; its URL, read from what it prints."""
    environment = dict(os.environ, OCTOCLR_SIMULATOR_API_KEY=API_KEY)
    process = subprocess.Popen([sys.executable, "-m", "octoclr", "serve", "--port", "0", "--seed", "demo"],
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               env=environment, text=True)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        found = re.search(r"listening on (http://\S+)", first)
        if found is None:
            pytest.fail(f"octoclr serve did not say where it listens: {first!r}")
        yield found.group(1)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def walkthrough(node: str, served: str) -> Dict[str, Any]:
    return run_walkthrough(node, SCRIPT, served, API_KEY)


def test_the_deployment_process_is_edited_and_a_release_deployed(walkthrough: Dict[str, Any]) -> None:
    reached(walkthrough, "deploymentProcesses.get", "deploymentProcesses.update", "deploymentProcesses.get(again)",
            "releases.create", "deployments.create", "deployment.wait")
    process = walkthrough["deploymentProcess"]
    assert process["before"]["Steps"] == 0
    assert process["updated"]["Id"] == process["before"]["Id"]
    assert process["updated"]["Version"] == process["before"]["Version"] + 1
    assert process["updated"]["StepNames"] == process["fetchedStepNames"] == ["Say hello"]
    assert all(process["updated"]["ActionIds"])  # the server gives each action its id
    assert walkthrough["deployment"]["release"]["ReleaseVersion"] == "1.0.0"
    assert walkthrough["deployment"]["taskState"] == "Success"


def test_a_runbook_below_its_project_is_edited_published_and_run_by_names(walkthrough: Dict[str, Any]) -> None:
    reached(walkthrough, "runbooks.create", "runbooks.list", "runbooks.modify", "runbookProcesses.get",
            "runbookProcesses.update", "runbookSnapshots.create(publish)", "runbooks.get", "runbookRuns.create",
            "runbookRuns.get", "runbookRuns.list", "runbookRun.wait", "runbooks.del", "runbooks.list(after)")
    runbook = walkthrough["runbook"]
    project_id = walkthrough["project"]["Id"]
    assert runbook["created"]["ProjectId"] == project_id
    assert runbook["listedIds"] == [runbook["created"]["Id"]]
    assert runbook["modifiedDescription"] == "Bounce the site, gently"
    assert runbook["process"]["Id"] == runbook["created"]["RunbookProcessId"]
    assert runbook["process"]["RunbookId"] == runbook["created"]["Id"]
    assert runbook["process"]["stepNames"] == ["Restart"] and runbook["process"]["updatedVersion"] == 1
    snapshot = runbook["snapshot"]
    assert snapshot["ProjectId"] == project_id and snapshot["RunbookId"] == runbook["created"]["Id"]
    assert snapshot["FrozenRunbookProcessId"] and runbook["publishedSnapshotId"] == snapshot["Id"]
    run = runbook["run"]
    assert run["RunbookSnapshotId"] == snapshot["Id"] and run["TaskId"] == run["pair"]["ServerTaskId"]
    assert runbook["runListIds"] == [run["pair"]["RunbookRunId"]]
    assert runbook["taskState"] == "Success"
    assert runbook["listedAfterDelete"] == 0


def test_the_walkthrough_completed(walkthrough: Dict[str, Any]) -> None:
    assert walkthrough["ok"] is True, walkthrough["failures"]
