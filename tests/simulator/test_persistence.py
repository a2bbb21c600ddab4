"""State in a data file: restarts, crashes and concurrent writers."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx

from octoclr.testing import Simulator


def client(octopus: Simulator) -> httpx.Client:
    return httpx.Client(base_url=octopus.url, headers={"X-Octopus-ApiKey": octopus.api_key}, timeout=10)


def test_restart_with_the_same_data_file_keeps_everything(tmp_path: Path) -> None:
    data = tmp_path / "octopus.db"
    octopus = Simulator(data=data)
    with octopus, client(octopus) as api:
        env = api.post("/api/Spaces-1/environments", json={"Name": "Kept"}).json()
        space = api.post("/api/spaces", json={"Name": "Kept space", "SpaceManagersTeamMembers": ["Users-1"]}).json()
        api.post("/api/users/Users-1/apikeys", json={"Purpose": "kept"})
        installation = api.get("/api").json()["InstallationId"]
    with octopus, client(octopus) as api:
        assert api.get(env["Links"]["Self"]).json()["Name"] == "Kept"
        assert api.get(space["Links"]["SpaceHome"]).status_code == 200
        assert api.get("/api").json()["InstallationId"] == installation
        assert len(api.get("/api/users/Users-1/apikeys").json()["Items"]) == 2
        # New ids continue after the old ones.
        assert api.post("/api/Spaces-1/environments", json={"Name": "Next"}).json()["Id"] != env["Id"]
    # Another run with other credentials: they work, and the data is still there.
    with Simulator(data=data) as other, client(other) as api:
        assert api.get(env["Links"]["Self"]).status_code == 200


def test_kill_during_a_burst_of_writes_loses_no_acknowledged_write(tmp_path: Path) -> None:
    data = tmp_path / "octopus.db"
    octopus = Simulator(data=data, seed=None).start()
    acknowledged: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def writer(number: int) -> None:
        with client(octopus) as api:
            count = 0
            while not stop.is_set():
                try:
                    response = api.post("/api/Spaces-1/environments", json={"Name": f"w{number}-{count}"})
                except httpx.TransportError:
                    return
                if response.status_code == 201:
                    with lock:
                        acknowledged.append(response.json()["Id"])
                count += 1

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    octopus.kill()
    stop.set()
    for thread in threads:
        thread.join(timeout=10)
    assert len(acknowledged) > 50
    with octopus, client(octopus) as api:
        stored = {e["Id"] for e in api.get("/api/Spaces-1/environments/all").json()}
    lost = set(acknowledged) - stored
    assert not lost, f"{len(lost)} acknowledged writes lost"


def test_eight_concurrent_writers_lose_no_update(tmp_path: Path) -> None:
    octopus = Simulator(data=tmp_path / "octopus.db", seed=None)
    url = "/api/Spaces-1/variables/variableset-Projects-1"
    per_writer = 15
    with octopus, client(octopus) as api:
        api.post("/api/Spaces-1/projects", json={"Name": "Shared", "LifecycleId": "Lifecycles-1",
                                                 "ProjectGroupId": "ProjectGroups-1"})
        errors: list[str] = []

        def writer(number: int) -> None:
            with client(octopus) as own:
                for count in range(per_writer):
                    while True:  # optimistic concurrency: re-read and retry on 409
                        current = own.get(url).json()
                        current["Variables"].append({"Name": f"w{number}-{count}", "Value": "x"})
                        response = own.put(url, json=current)
                        if response.status_code == 200:
                            break
                        if response.status_code != 409:
                            errors.append(response.text)
                            return
                    own.post("/api/Spaces-1/environments", json={"Name": f"env-{number}-{count}"})

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors
        final = api.get(url).json()
        names = {v["Name"] for v in final["Variables"]}
        assert len(names) == len(final["Variables"]) == 8 * per_writer
        assert final["Version"] == 8 * per_writer
        environments = api.get("/api/Spaces-1/environments/all").json()
        assert len({e["Id"] for e in environments}) == len(environments) == 8 * per_writer
