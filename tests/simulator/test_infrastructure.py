"""Environments, worker pools, tag sets and machines over HTTP: sort orders, summaries, systems, logos."""

from __future__ import annotations

import httpx

from octoclr.simulator.families.logos import default_logo, media_type_of
from tests.simulator.conftest import error_of, put
from tests.simulator.test_tasks import wait_for_task

SPACE = "/api/Spaces-1"
PNG = default_logo("a test image", size=4)


def names(items: list[dict]) -> list[str]:
    return [i["Name"] for i in items]


def test_the_sort_order_sent_is_the_order_listed(api: httpx.Client) -> None:
    listed = api.get(f"{SPACE}/environments").json()["Items"]
    wanted = [e["Id"] for e in reversed(listed)]
    answered = put(api, f"{SPACE}/environments/sortorder", wanted)
    assert answered.status_code == 200, answered.text
    again = api.get(f"{SPACE}/environments").json()["Items"]
    assert [e["Id"] for e in again] == wanted and [e["SortOrder"] for e in again] == list(range(len(wanted)))
    # Left out: after those named, in their old order.
    put(api, f"{SPACE}/environments/sortorder", [wanted[-1]])
    assert [e["Id"] for e in api.get(f"{SPACE}/environments").json()["Items"]] == [wanted[-1], *wanted[:-1]]
    refused = put(api, f"{SPACE}/environments/sortorder", ["Environments-999"])
    assert refused.status_code == 400 and "Environments-999" in error_of(refused)["Errors"][0]
    assert put(api, f"{SPACE}/environments/sortorder", {"not": "a list"}).status_code == 400


def test_worker_pools_and_tag_sets_take_a_sort_order_too(api: httpx.Client) -> None:
    api.post(f"{SPACE}/workerpools", json={"Name": "Second pool"})
    pools = [p["Id"] for p in api.get(f"{SPACE}/workerpools").json()["Items"]]
    assert put(api, f"{SPACE}/workerpools/sortorder", pools[::-1]).status_code == 200
    assert [p["Id"] for p in api.get(f"{SPACE}/workerpools/all").json()] == pools[::-1]
    for name in ("B tags", "A tags"):
        api.post(f"{SPACE}/tagsets", json={"Name": name, "Tags": []})
    sets = [t["Id"] for t in api.get(f"{SPACE}/tagsets").json()["Items"]]
    assert put(api, f"{SPACE}/tagsets/sortorder", sets[::-1]).status_code == 200
    assert [t["Id"] for t in api.get(f"{SPACE}/tagsets").json()["Items"]] == sets[::-1]


def test_the_environment_summary_counts_the_targets_of_each_environment(api: httpx.Client) -> None:
    summary = api.get(f"{SPACE}/environments/summary").json()
    by_name = {s["Environment"]["Name"]: s for s in summary["EnvironmentSummaries"]}
    machines = api.get(f"{SPACE}/machines/all").json()
    for environment_summary in summary["EnvironmentSummaries"]:
        expected = [m for m in machines if environment_summary["Environment"]["Id"] in m["EnvironmentIds"]]
        assert environment_summary["TotalMachines"] == len(expected)
        assert sum(environment_summary["MachineHealthStatusSummaries"].values()) == len(expected)
    assert summary["TotalMachines"] == len(machines)
    assert summary["MachineEndpointSummaries"]["TentaclePassive"] == sum(
        1 for m in machines if m["Endpoint"]["CommunicationStyle"] == "TentaclePassive")
    assert by_name  # the seeded environments are all there
    db_only = api.get(f"{SPACE}/environments/summary", params={"roles": "db-server"}).json()
    assert db_only["TotalMachines"] == sum(1 for m in machines if "db-server" in m["Roles"])
    hidden = api.get(f"{SPACE}/environments/summary", params={"roles": "no-such-role", "hideEmptyEnvironments": "true"})
    assert hidden.json()["EnvironmentSummaries"] == [] and hidden.json()["TotalMachines"] == 0


def test_variables_scoped_to_one_environment_alone_are_listed(api: httpx.Client) -> None:
    variables = api.get(f"{SPACE}/variables/variableset-Projects-1").json()
    variables["Variables"] = [{"Name": "OnlyDev", "Value": "1", "Scope": {"Environment": ["Environments-1"]}},
                              {"Name": "DevAndTest", "Value": "2", "Scope": {"Environment": ["Environments-1", "Environments-2"]}}]
    assert put(api, variables["Links"]["Self"], variables).status_code == 200
    environment = api.get(f"{SPACE}/environments/Environments-1").json()
    details = api.get(environment["Links"]["SinglyScopedVariableDetails"]).json()
    listed = [v["VariableName"] for vs in details["VariableMap"].values() for v in vs]
    assert listed == ["OnlyDev"] and details["VariableMap"]["Projects-1"][0]["OwnerName"] == "OctoFX Web"
    assert api.get(environment["Links"]["Metadata"]).json() == []
    assert api.get(f"{SPACE}/environments/Environments-999/singlyScopedVariableDetails").status_code == 404


def test_worker_pool_summary_and_kinds(api: httpx.Client) -> None:
    pool = api.get(f"{SPACE}/workerpools/all").json()[0]
    api.post(f"{SPACE}/workers", json={"Name": "w1", "WorkerPoolIds": [pool["Id"]], "Endpoint": {
        "CommunicationStyle": "TentaclePassive", "Uri": "https://w1:10933/", "Thumbprint": "ABCDEF0123456789"}})
    summary = api.get(f"{SPACE}/workerpools/summary").json()
    first = next(s for s in summary["WorkerPoolSummaries"] if s["WorkerPool"]["Id"] == pool["Id"])
    assert first["TotalMachines"] == 1 and first["MachineHealthStatusSummaries"]["Unknown"] == 1
    assert api.get(f"{SPACE}/workerpools/supportedtypes").json()["SupportedPoolTypes"] == ["StaticWorkerPool"]
    assert api.get(f"{SPACE}/workerpools/dynamicworkertypes").json()["WorkerTypes"] == []


def test_a_health_check_learns_the_system_and_shell_of_its_machines(api: httpx.Client) -> None:
    machine = api.post(f"{SPACE}/machines", json={
        "Name": "ssh01", "EnvironmentIds": ["Environments-1"], "Roles": ["web-server"],
        "Endpoint": {"CommunicationStyle": "Ssh", "Host": "ssh01", "Port": 22, "Fingerprint": "aa:bb",
                     "AccountId": None}}).json()
    assert machine["OperatingSystem"] == "Unknown" and machine["ShellName"] == "Unknown"
    task = api.post("/api/tasks", json={"Name": "Health", "Description": "check", "SpaceId": "Spaces-1",
                                        "Arguments": {"MachineIds": [machine["Id"]]}}).json()
    wait_for_task(api, task["Links"]["Self"])
    assert api.get(f"{SPACE}/machines/{machine['Id']}").json()["OperatingSystem"] == "Linux"
    machines = api.get(f"{SPACE}/machines/all").json()
    systems = api.get(f"{SPACE}/machines/operatingsystem/names/all").json()
    assert "Linux" in systems and systems == sorted({m["OperatingSystem"] for m in machines} - {"Unknown"}, key=str.lower)
    assert "Bash" in api.get(f"{SPACE}/machines/operatingsystem/shells/all").json()
    assert api.get(f"{SPACE}/workers/operatingsystem/names/all").json() == []


def test_the_machine_policy_template_carries_the_default_settings(api: httpx.Client) -> None:
    template = api.get(f"{SPACE}/machinepolicies/template").json()
    assert template["Id"] is None and template["MachineHealthCheckPolicy"]["HealthCheckInterval"] == "01:00:00"
    template["Name"] = "From the template"
    created = api.post(f"{SPACE}/machinepolicies", json=template)
    assert created.status_code == 201, created.text


def test_logos_are_uploaded_served_and_refused_when_not_images(api: httpx.Client) -> None:
    logo = api.get(f"{SPACE}/projects/Projects-1/logo")
    assert logo.status_code == 200 and media_type_of(logo.content) == "image/png"  # the default one
    upload = api.post(f"{SPACE}/projects/Projects-1/logo", files={"file": ("logo.png", PNG, "image/png")})
    assert upload.status_code == 200, upload.text
    served = api.get(f"{SPACE}/projects/Projects-1/logo")
    assert served.content == PNG and served.headers["content-type"].startswith("image/png")
    assert api.get(f"{SPACE}/projects/Projects-1/logo", headers={"If-None-Match": served.headers["etag"]}).status_code == 304
    gif = b"GIF89a" + b"\x00" * 20
    assert put(api, f"{SPACE}/projects/Projects-2/logo", {}).status_code == 400
    assert api.put(f"{SPACE}/tenants/Tenants-1/logo", content=gif, headers={"Content-Type": "image/gif"}).status_code == 200
    assert api.get(f"{SPACE}/tenants/Tenants-1/logo").content == gif
    refused = api.post(f"{SPACE}/projects/Projects-1/logo", files={"file": ("logo.txt", b"plain text", "text/plain")})
    assert refused.status_code == 400 and "Invalid image" in error_of(refused)["ErrorMessage"]
    assert api.get(f"{SPACE}/projects/Projects-1/logo").content == PNG  # the refused upload changed nothing
    assert api.get("/api/spaces/Spaces-1/logo").status_code == 200
    assert api.get(f"{SPACE}/projects/Projects-999/logo").status_code == 404
