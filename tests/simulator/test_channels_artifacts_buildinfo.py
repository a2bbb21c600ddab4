"""Channels' version rule test, artifacts and their content, build information deleted in bulk."""

from __future__ import annotations

import httpx
import pytest

from tests.simulator.conftest import delete, error_of, put


@pytest.mark.parametrize("version, version_range, tag, in_range, tag_ok", [
    ("1.5.0", "[1.0,2.0)", "", True, True),
    ("2.0.0", "[1.0,2.0)", "", False, True),
    ("1.0.0", "(1.0,2.0)", "", False, True),
    ("3.1.0", "3.0", "", True, True),  # a bare version: this or newer
    ("1.5.0-beta.2", "[1.0,2.0)", "^beta", True, True),
    ("1.5.0-alpha", "[1.0,2.0)", "^beta", True, False),
    ("1.5.0", "", "^$", True, True),  # ^$: stable versions only
    ("1.5.0-rc1", "", "^$", True, False),
    ("1.5.0-rc1", "", "", True, True),
])
def test_rule_test_checks_a_version_against_range_and_tag(
        api: httpx.Client, version: str, version_range: str, tag: str, in_range: bool, tag_ok: bool) -> None:
    by_query = api.get("/api/Spaces-1/channels/rule-test",
                       params={"version": version, "versionRange": version_range, "preReleaseTag": tag})
    assert by_query.status_code == 200, by_query.text
    by_body = api.post("/api/Spaces-1/channels/rule-test",
                       json={"Version": version, "VersionRange": version_range, "PreReleaseTag": tag})
    for answer in (by_query.json(), by_body.json()):
        assert answer["Errors"] == []
        assert (answer["SatisfiesVersionRange"], answer["SatisfiesPreReleaseTag"]) == (in_range, tag_ok)


def test_rule_test_reports_what_is_wrong_with_the_rule(api: httpx.Client) -> None:
    answer = api.post("/api/channels/rule-test", json={"Version": "one", "VersionRange": "[2.0,1.0]",
                                                       "PreReleaseTag": "(beta"}).json()
    errors = " ".join(answer["Errors"])
    assert "'one'" in errors and "version range" in errors and "regular expression" in errors
    assert answer["SatisfiesVersionRange"] is False and answer["SatisfiesPreReleaseTag"] is False
    assert api.post("/api/channels/rule-test", json=["1.0"]).status_code == 400


def test_one_default_channel_per_project(api: httpx.Client) -> None:
    old = next(c for c in api.get("/api/Spaces-1/projects/Projects-1/channels").json()["Items"] if c["IsDefault"])
    new = api.post("/api/Spaces-1/channels", json={"Name": "Mainline", "ProjectId": "Projects-1", "IsDefault": True})
    assert new.status_code == 201 and new.json()["IsDefault"] is True
    assert api.get(old["Links"]["Self"]).json()["IsDefault"] is False
    moved = put(api, new.json()["Links"]["Self"], {**new.json(), "ProjectId": "Projects-2"})
    assert moved.json()["ProjectId"] == "Projects-1", "a channel stays with its project"
    assert delete(api, new.json()["Links"]["Self"]).status_code == 400
    assert put(api, old["Links"]["Self"], {**api.get(old["Links"]["Self"]).json(), "IsDefault": True}).status_code == 200
    assert api.get(new.json()["Links"]["Self"]).json()["IsDefault"] is False


def _task(api: httpx.Client) -> str:
    task = api.post("/api/tasks", json={"Name": "Health", "Description": "Check health", "SpaceId": "Spaces-1"})
    assert task.status_code == 201, task.text
    return task.json()["Id"]


def test_artifact_content_goes_up_and_comes_back(api: httpx.Client) -> None:
    task = _task(api)
    created = api.post("/api/Spaces-1/artifacts", json={"Filename": "report.json", "ServerTaskId": task})
    assert created.status_code == 201, created.text
    artifact = created.json()
    assert artifact["Created"], "the server fills Created"
    content_link = artifact["Links"]["Content"]
    empty = api.get(content_link)
    assert empty.status_code == 404 and artifact["Id"] in error_of(empty)["ErrorMessage"]
    data = b'{"passed": 41, "failed": 1}'
    assert api.put(content_link, content=data).status_code == 200
    back = api.get(content_link)
    assert back.content == data and back.headers["content-type"].startswith("application/json")
    assert 'filename="report.json"' in back.headers["content-disposition"]
    regarding = api.get("/api/Spaces-1/artifacts", params={"regarding": task}).json()["Items"]
    assert [a["Id"] for a in regarding] == [artifact["Id"]]
    assert delete(api, artifact["Links"]["Self"]).status_code == 200
    assert api.get(content_link).status_code == 404


def test_an_artifact_names_a_task_that_exists(api: httpx.Client) -> None:
    wrong = api.post("/api/Spaces-1/artifacts", json={"Filename": "x.txt", "ServerTaskId": "ServerTasks-999"})
    assert wrong.status_code == 400


def _build_information(api: httpx.Client, version: str) -> str:
    created = api.post("/api/Spaces-1/build-information", json={
        "PackageId": "Acme.Web", "Version": version, "OctopusBuildInformation": {"BuildNumber": version}})
    assert created.status_code == 201, created.text
    return created.json()["Id"]


def test_build_information_is_deleted_in_bulk_all_or_none(api: httpx.Client) -> None:
    first, second, third = (_build_information(api, v) for v in ("1.0.0", "1.0.1", "1.0.2"))
    refused = api.delete("/api/Spaces-1/build-information/bulk", params={"ids": f"{first},BuildInformation-999"})
    assert refused.status_code == 404 and "BuildInformation-999" in error_of(refused)["ErrorMessage"]
    assert api.get(f"/api/Spaces-1/build-information/{first}").status_code == 200, "nothing was deleted"
    assert api.delete("/api/Spaces-1/build-information/bulk", params={"ids": f"{first},{second}"}).status_code == 200
    left = [b["Id"] for b in api.get("/api/Spaces-1/build-information", params={"packageId": "Acme.Web"}).json()["Items"]]
    assert left == [third]
    assert api.delete("/api/Spaces-1/build-information/bulk").status_code == 400
