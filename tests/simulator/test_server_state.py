"""State a real server owns: machines' health until a health check, discovered endpoints,
tag ids and canonical names, lifecycle phase ids."""

from __future__ import annotations

import re

import httpx

from tests.simulator.conftest import error_of, put

GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _machine(**extra: object) -> dict:
    return {"Name": "app01", "Roles": ["app"], "EnvironmentIds": ["Environments-1"],
            "Endpoint": {"CommunicationStyle": "TentaclePassive", "Uri": "https://app01:10933/",
                         "Thumbprint": "ABCDEF"}, **extra}


def test_a_new_machine_is_unknown_whatever_the_client_sends(api: httpx.Client) -> None:
    claimed = {"HealthStatus": "Healthy", "Status": "Online", "StatusSummary": "All good", "IsInProcess": True,
               "HasLatestCalamari": False}
    machine = api.post("/api/Spaces-1/machines", json=_machine(**claimed)).json()
    assert machine["HealthStatus"] == "Unknown" and machine["Status"] == "Unknown"
    assert machine["StatusSummary"] == "This machine has not been health checked yet."
    assert machine["IsInProcess"] is False and machine["HasLatestCalamari"] is True
    changed = put(api, machine["Links"]["Self"], {**machine, **claimed, "Name": "app01b"}).json()
    assert changed["Name"] == "app01b" and changed["HealthStatus"] == "Unknown"
    pool = api.get("/api/Spaces-1/workerpools/all").json()[0]["Id"]
    worker = api.post("/api/Spaces-1/workers", json={**_machine(**claimed), "Name": "w1", "WorkerPoolIds": [pool]})
    assert worker.json()["HealthStatus"] == "Unknown"


def test_the_demo_seed_keeps_its_health_checked_targets(api: httpx.Client) -> None:
    assert api.get("/api/Spaces-1/machines/Machines-1").json()["HealthStatus"] == "Healthy"


def test_discover_makes_up_an_endpoint_from_host_and_port(api: httpx.Client) -> None:
    found = api.get("/api/Spaces-1/machines/discover", params={"host": "web09.example.com", "port": 10933,
                                                              "type": "TentaclePassive"})
    assert found.status_code == 200, found.text
    machine = found.json()
    assert machine["Name"] == "web09.example.com" and machine["HealthStatus"] == "Unknown"
    endpoint = machine["Endpoint"]
    assert endpoint["CommunicationStyle"] == "TentaclePassive"
    assert endpoint["Uri"] == "https://web09.example.com:10933/"
    assert re.fullmatch(r"[0-9A-F]{40}", endpoint["Thumbprint"])
    again = api.get("/api/machines/discover?host=WEB09.example.com&port=10933").json()
    assert again["Endpoint"]["Thumbprint"] == endpoint["Thumbprint"], "the same host and port, the same thumbprint"
    other = api.get("/api/machines/discover?host=web09.example.com&port=10934").json()
    assert other["Endpoint"]["Thumbprint"] != endpoint["Thumbprint"]
    ssh = api.get("/api/Spaces-1/workers/discover?host=linux01&type=Ssh").json()
    assert ssh["Endpoint"]["CommunicationStyle"] == "Ssh" and ssh["Endpoint"]["Port"] == 22
    assert ssh["Endpoint"]["Fingerprint"].startswith("ssh-rsa 2048 ")
    # What discovery found can be saved as a target.
    machine.update(EnvironmentIds=["Environments-1"], Roles=["web"])
    assert api.post("/api/Spaces-1/machines", json=machine).status_code == 201


def test_discover_needs_a_host_and_a_known_type(api: httpx.Client) -> None:
    missing = api.get("/api/Spaces-1/machines/discover")
    assert missing.status_code == 400 and "host" in error_of(missing)["ErrorMessage"]
    assert api.get("/api/Spaces-1/machines/discover?host=a&type=Kubernetes").status_code == 400
    assert api.get("/api/Spaces-1/machines/discover?host=a&port=70000").status_code == 400


def test_the_discover_link_of_the_space_root_resolves(api: httpx.Client) -> None:
    template = api.get("/api/Spaces-1").json()["Links"]["DiscoverMachine"]
    assert api.get(template.split("{")[0] + "?host=x").status_code == 200


def test_tags_get_ids_and_canonical_names_that_survive_renames(api: httpx.Client) -> None:
    created = api.post("/api/Spaces-1/tagsets", json={"Name": "Tier", "Tags": [
        {"Name": "Gold", "Color": "#ECAD3F"}, {"Name": "Silver"}]})
    assert created.status_code == 201, created.text
    tag_set = created.json()
    assert [t["Id"] for t in tag_set["Tags"]] == [f"{tag_set['Id']}-1", f"{tag_set['Id']}-2"]
    assert [t["CanonicalTagName"] for t in tag_set["Tags"]] == ["Tier/Gold", "Tier/Silver"]
    tag_set["Name"] = "Level"
    tag_set["Tags"][0]["Name"] = "Platinum"
    tag_set["Tags"] = [tag_set["Tags"][0], {"Name": "Bronze"}]  # Silver removed, Bronze added
    renamed = put(api, tag_set["Links"]["Self"], tag_set).json()
    assert [(t["Id"], t["CanonicalTagName"]) for t in renamed["Tags"]] == [
        (f"{tag_set['Id']}-1", "Level/Platinum"), (f"{tag_set['Id']}-3", "Level/Bronze")]
    duplicate = api.post("/api/Spaces-1/tagsets", json={"Name": "Dup", "Tags": [{"Name": "A"}, {"Name": "a"}]})
    assert duplicate.status_code == 400


def test_lifecycle_phases_get_ids_kept_on_modify(api: httpx.Client) -> None:
    lifecycle = api.post("/api/Spaces-1/lifecycles", json={"Name": "Two phases", "Phases": [
        {"Name": "Dev", "OptionalDeploymentTargets": ["Environments-1"]},
        {"Name": "Prod", "AutomaticDeploymentTargets": ["Environments-3"]}]}).json()
    ids = [p["Id"] for p in lifecycle["Phases"]]
    assert all(GUID.match(i) for i in ids) and len(set(ids)) == 2
    assert lifecycle["Phases"][0]["MinimumEnvironmentsBeforePromotion"] == 0
    lifecycle["Phases"].append({"Name": "Audit", "Id": "made-up"})
    saved = put(api, lifecycle["Links"]["Self"], lifecycle).json()
    assert [p["Id"] for p in saved["Phases"]][:2] == ids
    assert GUID.match(saved["Phases"][2]["Id"]) and saved["Phases"][2]["Id"] != "made-up"
    bad = api.post("/api/Spaces-1/lifecycles", json={"Name": "Bad", "Phases": [
        {"Name": "X", "OptionalDeploymentTargets": ["Environments-999"]}]})
    assert bad.status_code == 400 and "Environments-999" in " ".join(error_of(bad)["Errors"])
    preview = api.get(saved["Links"]["Preview"])
    assert preview.status_code == 200 and [p["Name"] for p in preview.json()["Phases"]] == ["Dev", "Prod", "Audit"]
