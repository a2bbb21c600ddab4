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
    return _communicate(process)[1]


def _communicate(process: subprocess.Popen, timeout: float = 240) -> tuple:
    """(stdout, stderr) of the child once it has exited."""
    try:
        return process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        raise AssertionError(f"the child did not exit:\n{out}\n{err}")


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


def _outcomes(runtime_name: str, lookalike_build, body: str) -> list:
    """Every line the child says, once it has exited with status 0."""
    process = _child(runtime_name, lookalike_build, body)
    out, err = _communicate(process)
    assert process.returncode == 0, err
    assert out.strip(), err
    return [json.loads(line) for line in out.splitlines()]


FAILING_CALLS = """
import builtins, socket, System
def attempt(label, call):
    started = time.monotonic()
    try:
        call()
        say(label=label, outcome="returned")
    except BaseException as error:
        say(label=label, outcome=type(error).__name__, message=str(error), after=time.monotonic() - started,
            status=getattr(error, "status_code", None), connection=isinstance(error, ConnectionError),
            timeout=isinstance(error, builtins.TimeoutError))
def sync(url, key):
    return lambda: client.OctopusRepository(client.OctopusServerEndpoint(url, key)).environments.find_all()
def task(url, key):
    return lambda: client.OctopusAsyncClient.create(client.OctopusServerEndpoint(url, key)).result()
"""


def test_a_server_answering_503_fails_within_the_time_limit_with_its_status(runtime_name, lookalike_build) -> None:
    # The client retries the root document for 60 s on a 503; the time limit ends that, and says why.
    body = FAILING_CALLS + textwrap.dedent("""
    with Simulator(seed="demo") as server:
        server.set_fault("/api", status=503)
        with octoclr.timeout(2):
            attempt("sync", sync(server.url, server.api_key))
            attempt("task", task(server.url, server.api_key))
        server.clear_faults()
        attempt("after", sync(server.url, server.api_key))
    """)
    sync_call, task_call, after = _outcomes(runtime_name, lookalike_build, body)
    for outcome in (sync_call, task_call):
        assert outcome["outcome"] == "OctopusConnectionError" and outcome["connection"], outcome
        assert outcome["status"] == 503 and "HTTP 503" in outcome["message"] and "127.0.0.1" in outcome["message"]
        assert outcome["after"] < 30, outcome  # the limit, not the client's 60 s of retries
    assert after["outcome"] == "returned"


def test_the_clients_own_unable_to_connect_after_503s_is_a_connection_error_with_the_status(runtime_name, lookalike_build) -> None:
    body = FAILING_CALLS + textwrap.dedent("""
    System.Environment.SetEnvironmentVariable("OCTOCLR_LOOKALIKE_ROOT_RETRY_SECONDS", "1")
    with Simulator(seed="demo") as server:
        server.set_fault("/api", status=503)
        attempt("sync", sync(server.url, server.api_key))
        attempt("task", task(server.url, server.api_key))
    """)
    for outcome in _outcomes(runtime_name, lookalike_build, body):
        assert outcome["outcome"] == "OctopusConnectionError" and outcome["connection"], outcome
        assert outcome["status"] == 503 and "Unable to connect" in outcome["message"]
        assert "DotNetError" not in outcome["message"]


def test_nobody_listening_fails_at_once_naming_the_address(runtime_name, lookalike_build) -> None:
    body = FAILING_CALLS + textwrap.dedent("""
    free = socket.socket(); free.bind(("127.0.0.1", 0)); port = free.getsockname()[1]; free.close()
    url = f"http://127.0.0.1:{port}"
    attempt("sync", sync(url, "API-" + "X" * 26))
    attempt("task", task(url, "API-" + "X" * 26))
    """)
    for outcome in _outcomes(runtime_name, lookalike_build, body):
        assert outcome["outcome"] == "OctopusConnectionError" and outcome["connection"], outcome
        assert "nobody is listening at http://127.0.0.1:" in outcome["message"], outcome
        assert outcome["after"] < 30, outcome  # not the client's 60 s of retries


@pytest.mark.parametrize("content", ["", "null"], ids=["empty", "null"])
def test_a_root_document_with_no_content_is_a_server_error_that_says_so(runtime_name, lookalike_build, content) -> None:
    body = FAILING_CALLS + textwrap.dedent(f"""
    with Simulator(seed="demo") as server:
        server.set_fault("/api", body={content!r})
        attempt("sync", sync(server.url, server.api_key))
        attempt("task", task(server.url, server.api_key))
    """)
    for outcome in _outcomes(runtime_name, lookalike_build, body):
        assert outcome["outcome"] == "ServerError", outcome
        assert "sent no content (an empty or null body) where the client expected JSON" in outcome["message"]
        assert "the server at http://127.0.0.1:" in outcome["message"]


def test_the_async_clients_own_timeout_is_a_timeout_error_and_a_token_cancelled_by_the_caller_a_cancellation(
        runtime_name, lookalike_build) -> None:
    body = """
    import asyncio, builtins, System
    def outcome(label, run):
        try:
            run()
            say(label=label, outcome="returned")
        except BaseException as error:
            say(label=label, outcome=type(error).__name__, builtin=isinstance(error, builtins.TimeoutError))
    with Simulator(seed="demo") as server:
        options = client.OctopusClientOptions()
        options.timeout = System.TimeSpan.FromSeconds(1)
        async_client = client.OctopusAsyncClient.create(client.OctopusServerEndpoint(server.url, server.api_key), options).result()
        server.set_fault("/api/*environments*", latency=30)
        environments = async_client.repository.environments
        async def awaited():
            return await environments.find_all()
        outcome("result", lambda: environments.find_all().result())
        outcome("await", lambda: asyncio.run(awaited()))
        tokens = System.Threading.CancellationTokenSource()
        tokens.CancelAfter(300)
        outcome("token", lambda: environments.find_all(tokens.Token).result())
        server.clear_faults()
        async_client.dispose()
    """
    by_label = {o["label"]: o for o in _outcomes(runtime_name, lookalike_build, body)}
    assert by_label["result"]["outcome"] == "TimeoutError" and by_label["result"]["builtin"], by_label
    assert by_label["await"]["outcome"] == "TimeoutError" and by_label["await"]["builtin"], by_label
    assert by_label["token"]["outcome"] == "CancelledError", by_label
