"""The official TypeScript client's package calls against the simulator: it packs a NuGet and a zip
package with its own builders, pushes them with each overwrite mode, lists and gets them, and
follows the built-in feed's version-search link (``tests/typescript/packages-walkthrough.mjs``)."""

from __future__ import annotations

from typing import Any, Dict

import pytest

from tests.simulator_conformance.test_typescript_client import PROJECT, node, run_walkthrough  # noqa: F401  (node: a fixture)

SCRIPT = PROJECT / "packages-walkthrough.mjs"


@pytest.fixture(scope="module")
def walkthrough(node: str, simulator: Any) -> Dict[str, Any]:
    summary = run_walkthrough(node, SCRIPT, str(simulator.url), simulator.api_key)
    assert summary["ok"], f"failures: {summary['failures']}\nexchanges: {summary['exchanges'][-8:]}"
    return summary


def test_the_built_in_feed_carries_the_package_links(walkthrough: Dict[str, Any]) -> None:
    assert walkthrough["feed"]["type"] == "BuiltIn"
    assert {"Packages", "VersionsTemplate", "SearchPackagesTemplate", "SearchPackageVersionsTemplate"} <= set(
        walkthrough["feed"]["links"])


def test_the_clients_packages_upload_and_a_duplicate_is_refused(walkthrough: Dict[str, Any]) -> None:
    uploads = [e for e in walkthrough["exchanges"] if e[0] == "POST" and "/packages/raw" in e[1]]
    assert [e[2] for e in uploads] == [201, 201, 409, 200, 201]  # new, new, FailIfExists, Ignore, Overwrite
    assert walkthrough["duplicateRefused"] and "already exists" in walkthrough["duplicateMessage"]


def test_the_clients_packages_list_get_and_search(walkthrough: Dict[str, Any]) -> None:
    assert [(p["version"], p["extension"]) for p in walkthrough["listed"]] == [("1.1.0", ".zip"), ("1.0.0", ".nupkg")]
    fetched = walkthrough["fetched"]
    assert fetched["version"] == "1.0.0" and fetched["releaseNotes"] == "First"  # from the client's own .nuspec
    assert walkthrough["versions"] == ["1.1.0", "1.0.0"]
