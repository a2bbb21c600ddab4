"""The ways users start the simulator: ``octoclr serve``, ``Simulator(...)`` and the pytest fixtures."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import httpx

from octoclr.testing import Simulator


def test_octoclr_serve_prints_url_and_credentials_and_serves(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "octoclr", "serve", "--port", "0", "--seed", "none", "--data", str(tmp_path / "s.db"),
         "--admin-username", "boss", "--version", "2023.4.1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(6)]
        url = lines[0].rsplit(" ", 1)[1].strip()
        fields = dict(line.strip().split(": ", 1) for line in lines[1:5])
        assert url.startswith("http://127.0.0.1:")
        assert fields["username"] == "boss"
        assert fields["API key"].strip().startswith("API-")
        root = httpx.get(url + "/api").json()
        assert root["Version"] == "2023.4.1"
        me = httpx.get(url + "/api/users/me", headers={"X-Octopus-ApiKey": fields["API key"].strip()}).json()
        assert me["Username"] == "boss"
        login = httpx.post(url + "/api/users/login", json={"Username": "boss", "Password": fields["password"]})
        assert login.status_code == 200
    finally:
        process.terminate()
        process.communicate(timeout=10)


def test_serve_refuses_a_busy_port() -> None:
    with Simulator(seed=None) as running:
        port = running.url.rsplit(":", 1)[1]
        result = subprocess.run([sys.executable, "-m", "octoclr", "serve", "--port", port, "--seed", "none"],
                                capture_output=True, text=True, timeout=60)
    assert result.returncode == 5
    assert "Cannot listen" in result.stderr and "Traceback" not in result.stderr


def test_no_secret_reaches_the_server_log(tmp_path: Path) -> None:
    with Simulator(seed=None) as octopus:
        with httpx.Client(base_url=octopus.url) as client:
            client.get("/api/users/me", params={"apikey": octopus.api_key})
            client.get("/api/users/me", headers={"X-Octopus-ApiKey": octopus.api_key + "X"})
            client.post("/api/users/login", json={"Username": octopus.username, "Password": octopus.password})
            client.post("/api/users/login", json={"Username": octopus.username, "Password": octopus.password + "X"})
        log = octopus.read_log()
    assert octopus.api_key not in log and octopus.password not in log
    assert octopus.api_key not in repr(octopus) and octopus.password not in repr(octopus)


def test_pytest_fixtures_give_a_clean_simulator_per_test(tmp_path: Path) -> None:
    (tmp_path / "test_user_suite.py").write_text(textwrap.dedent('''
        import httpx

        def test_first(octopus_endpoint):
            url, key = octopus_endpoint
            created = httpx.post(url + "/api/Spaces-1/environments", json={"Name": "Left over"},
                                 headers={"X-Octopus-ApiKey": key})
            assert created.status_code == 201

        def test_second(octopus_endpoint, octopus_simulator):
            url, key = octopus_endpoint
            assert url == octopus_simulator.url
            found = httpx.get(url + "/api/Spaces-1/environments", params={"name": "Left over"},
                              headers={"X-Octopus-ApiKey": key}).json()
            assert found["Items"] == []
            assert httpx.get(url + "/api/Spaces-1/machines/machines-1",
                             headers={"X-Octopus-ApiKey": key}).status_code == 200
    '''))
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
                            capture_output=True, text=True, timeout=120, cwd=tmp_path,
                            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout


def test_a_simulator_does_not_outlive_the_process_that_started_it() -> None:
    import time

    script = ("import os\nfrom octoclr.testing import Simulator\n"
              "s = Simulator(seed=None).start()\nprint(s.pid, flush=True)\nos._exit(0)\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    server_pid = int(result.stdout.strip())
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            os.kill(server_pid, 0)
        except ProcessLookupError:
            return
        status = Path(f"/proc/{server_pid}/status")
        if status.exists() and "State:\tZ" in status.read_text():
            return  # exited; only waiting for a parent that does not reap (e.g. PID 1 in a container)
        time.sleep(0.1)
    os.kill(server_pid, 9)
    raise AssertionError("the simulator kept running after its parent ended")
