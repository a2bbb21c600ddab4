"""Blocking calls that Ctrl-C and a time limit stop, in child processes against the simulator.

Each child hosts the runtime of this pass, loads the look-alike Octopus.Client and talks
to a simulator whose fault injection makes the call slow. Bounds on time are generous:
they tell "stopped" from "waited for the server", not how fast.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.conftest import REPO

# A shell without job control starts a background job with SIGINT ignored, its children inherit
# that, and Python leaves an ignored SIGINT ignored; a script at a terminal has Python's own handler,
# which is what is tested here.
CHILD_PRELUDE = """
import json, os, signal, sys, time
signal.signal(signal.SIGINT, signal.default_int_handler)
sys.path.insert(0, {repo!r})
import octoclr, octoclr.runtime
octoclr.runtime.start({runtime!r})
octoclr.runtime.load_assemblies([__import__("pathlib").Path(p) for p in {assemblies!r}])
from octoclr.bridge import api
from octoclr.testing import Simulator
client = api.namespace("Octopus.Client")
def say(**what):
    print(json.dumps(what), flush=True)
"""


def _child(runtime_name: str, lookalike_build, body: str) -> subprocess.Popen:
    prelude = CHILD_PRELUDE.format(repo=str(REPO), runtime=runtime_name,
                                   assemblies=[str(p) for p in lookalike_build.assemblies(runtime_name)])
    script = prelude + textwrap.dedent(body)
    return subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})


def _read(process: subprocess.Popen, timeout: float = 120) -> dict:
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line:
        process.wait(timeout)
        raise AssertionError(f"the child ended early (status {process.returncode}):\n{process.stderr.read()}")
    return json.loads(line)


def _finish(process: subprocess.Popen) -> str:
    try:
        _, err = process.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        process.kill()
        _, err = process.communicate()
        raise AssertionError(f"the child did not exit:\n{err}")
    return err


SLOW_CALL = """
with Simulator(seed="demo") as server:
    repository = client.OctopusRepository(client.OctopusServerEndpoint(server.url, server.api_key))
    before = len(repository.environments.find_all())
    server.set_fault("/api/*environments*", latency=60)
    say(state="calling")
    started = time.monotonic()
    try:
        {call}
        say(state="returned")
    except KeyboardInterrupt:
        say(state="interrupted", after=time.monotonic() - started)
    server.clear_faults()
    say(state="usable", environments=len(repository.environments.find_all()), before=before)
"""


@pytest.mark.parametrize("call", [
    "repository.environments.find_all()",
    "repository.client.root_document.links['Environments'] and repository.environments.get_all()",
], ids=["method", "property-then-method"])
def test_ctrl_c_stops_a_blocking_call_and_the_process_stays_usable(runtime_name, lookalike_build, call) -> None:
    process = _child(runtime_name, lookalike_build, SLOW_CALL.format(call=call))
    try:
        assert _read(process)["state"] == "calling"
        time.sleep(0.5)  # inside the call by now: the server holds the answer for 60 s
        sent = time.monotonic()
        process.send_signal(signal.SIGINT)
        outcome = _read(process)
        waited = time.monotonic() - sent
        assert outcome["state"] == "interrupted", outcome
        assert waited < 5, f"KeyboardInterrupt came {waited:.1f} s after SIGINT"
        usable = _read(process)
        assert usable["state"] == "usable" and usable["environments"] == usable["before"] > 0
    finally:
        err = _finish(process)
    assert process.returncode == 0, err
    assert "Exception" not in err, err


def test_ctrl_c_stops_waiting_on_a_task_result(runtime_name, lookalike_build) -> None:
    body = """
    with Simulator(seed="demo") as server:
        endpoint = client.OctopusServerEndpoint(server.url, server.api_key)
        async_client = client.OctopusAsyncClient.create(endpoint).result()
        server.set_fault("/api/*environments*", latency=60)
        say(state="calling")
        task = async_client.repository.environments.find_all()
        try:
            task.result()
            say(state="returned")
        except KeyboardInterrupt:
            say(state="interrupted")
        server.clear_faults()
        say(state="usable", environments=len(async_client.repository.environments.find_all().result()))
        async_client.dispose()
    """
    process = _child(runtime_name, lookalike_build, body)
    try:
        assert _read(process)["state"] == "calling"
        time.sleep(0.5)
        sent = time.monotonic()
        process.send_signal(signal.SIGINT)
        assert _read(process)["state"] == "interrupted"
        assert time.monotonic() - sent < 5
        assert _read(process)["environments"] > 0
    finally:
        err = _finish(process)
    assert process.returncode == 0, err


def test_a_call_past_its_time_limit_raises_timeout_error(runtime_name, lookalike_build) -> None:
    body = """
    import builtins
    with Simulator(seed="demo") as server:
        repository = client.OctopusRepository(client.OctopusServerEndpoint(server.url, server.api_key))
        repository.environments.find_all()
        server.set_fault("/api/*environments*", latency=60)
        started = time.monotonic()
        try:
            with octoclr.timeout(1):
                repository.environments.find_all()
            say(state="returned")
        except octoclr.TimeoutError as error:
            say(state="timeout", after=time.monotonic() - started, builtin=isinstance(error, builtins.TimeoutError),
                message=str(error))
        server.clear_faults()
        say(state="usable", environments=len(repository.environments.find_all()))
    """
    process = _child(runtime_name, lookalike_build, body)
    try:
        outcome = _read(process)
        assert outcome["state"] == "timeout", outcome
        assert outcome["builtin"] and 0.9 < outcome["after"] < 10
        assert "EnvironmentRepository.FindAll() did not finish within 1 s" in outcome["message"]
        assert "octoclr.timeout" in outcome["message"]
        assert _read(process)["environments"] > 0
    finally:
        err = _finish(process)
    assert process.returncode == 0, err


@pytest.mark.parametrize("ending, status", [("", 0), ("sys.exit(3)", 3)], ids=["falls-off-the-end", "sys-exit-3"])
def test_a_daemon_thread_inside_a_slow_call_leaves_the_exit_status_alone(runtime_name, lookalike_build, ending, status) -> None:
    # Mono printed InternalPythonnetException (System.Net.WebException) and exited 1 for a script
    # that had succeeded: the daemon thread's call came back while the runtime shut down.
    body = f"""
    import threading
    server = Simulator(seed="demo").start()
    repository = client.OctopusRepository(client.OctopusServerEndpoint(server.url, server.api_key))
    repository.environments.find_all()
    server.set_fault("/api/*environments*", latency=30)
    threading.Thread(target=repository.environments.find_all, daemon=True).start()
    time.sleep(1)  # the thread is inside the call by now
    say(state="leaving")
    {ending}
    """
    process = _child(runtime_name, lookalike_build, body)
    try:
        assert _read(process)["state"] == "leaving"
    finally:
        err = _finish(process)
    assert process.returncode == status, err
    assert "Exception" not in err and "Traceback" not in err, err
