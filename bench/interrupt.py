"""How fast a call stops: Ctrl-C, a server answering 503, nobody listening; per runtime, side by side.

    python bench/interrupt.py [--runtime mono --runtime coreclr:3.1 --runtime coreclr:8] [--runs 5] [--no-before]

Builds the look-alike Octopus.Client (Mono's mcs), starts the simulator, and in one fresh
process per runtime measures, as medians over ``--runs``:

  sigint sync      SIGINT to KeyboardInterrupt, a blocking call held 30 s by a latency fault
  sigint await     the same for an awaited Task (asyncio.run), the async client's call
  503 on /api      until the call fails, the server answering 503 to the root document:
                   before = no time limit (the client retries for 60 s), after = octoclr.timeout(5)
  nobody listening until the call fails, a closed port: before = without octoclr's look at the
                   server (the client's 60 s of retries), after = as shipped

A "before" figure costs a minute per runtime: ``--no-before`` leaves them out.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.support.lookalike import build_lookalike  # noqa: E402

CHILD = r"""
import asyncio, json, os, signal, socket, statistics, sys, threading, time
signal.signal(signal.SIGINT, signal.default_int_handler)
sys.path.insert(0, {repo!r})
import octoclr, octoclr.runtime
octoclr.runtime.start({runtime!r})
octoclr.runtime.load_assemblies([__import__("pathlib").Path(p) for p in {assemblies!r}])
from octoclr.bridge import api, interruptible
from octoclr.testing import Simulator
client = api.namespace("Octopus.Client")
RUNS, BEFORE = {runs!r}, {before!r}

def interrupted_after(call):
    sent = []
    def fire():
        sent.append(time.monotonic())
        os.kill(os.getpid(), signal.SIGINT)
    threading.Timer(0.5, fire).start()
    try:
        call()
    except KeyboardInterrupt:
        return time.monotonic() - sent[0]
    raise SystemExit("the call returned before the interrupt")

def failed_after(call):
    started = time.monotonic()
    try:
        call()
    except octoclr.OctopusError:
        return time.monotonic() - started
    raise SystemExit("the call did not fail")

def median(samples):
    return statistics.median(samples) if samples else None

figures = {{}}
with Simulator(seed="demo") as server:
    endpoint = client.OctopusServerEndpoint(server.url, server.api_key)
    repository = client.OctopusRepository(endpoint)
    repository.environments.find_all()
    async_client = client.OctopusAsyncClient.create(endpoint).result()
    server.set_fault("/api/*environments*", latency=30)
    figures["sigint sync"] = median([interrupted_after(repository.environments.find_all) for _ in range(RUNS)])
    async def awaited():
        return await async_client.repository.environments.find_all()
    figures["sigint await"] = median([interrupted_after(lambda: asyncio.run(awaited())) for _ in range(RUNS)])
    server.clear_faults()
    server.set_fault("/api", status=503)
    fresh = lambda: client.OctopusRepository(client.OctopusServerEndpoint(server.url, server.api_key)).environments.find_all()
    if BEFORE:
        with octoclr.timeout(None):
            figures["503 on /api before"] = failed_after(fresh)
    with octoclr.timeout(5):
        figures["503 on /api after"] = median([failed_after(fresh) for _ in range(RUNS)])
    server.clear_faults()
free = socket.socket(); free.bind(("127.0.0.1", 0)); port = free.getsockname()[1]; free.close()
nobody = lambda: client.OctopusRepository(client.OctopusServerEndpoint(f"http://127.0.0.1:{{port}}", "API-" + "X" * 26)).environments.find_all()
if BEFORE:
    shipped, interruptible.PROBE_AFTER = interruptible.PROBE_AFTER, float("inf")
    figures["nobody listening before"] = failed_after(nobody)
    interruptible.PROBE_AFTER = shipped
figures["nobody listening after"] = median([failed_after(nobody) for _ in range(RUNS)])
print(json.dumps(figures), flush=True)
"""

ROWS = [("sigint sync", None), ("sigint await", None), ("503 on /api", "503 on /api before"),
        ("nobody listening", "nobody listening before")]


def measure(runtime: str, assemblies: list, runs: int, before: bool) -> dict:
    script = CHILD.format(repo=str(REPO), runtime=runtime, assemblies=[str(p) for p in assemblies], runs=runs, before=before)
    env = dict(os.environ)
    if runtime.startswith("coreclr:3"):
        env.pop("DOTNET_ROOT", None)  # 3.1 comes from the dotnetcore2 wheel, not a pinned folder
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=900)
    if out.returncode != 0 or not out.stdout.strip():
        raise SystemExit(f"{runtime}: the measuring process failed (status {out.returncode}):\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _cell(value: object) -> str:
    if value is None:
        return "-"
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"  # type: ignore[operator]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runtime", action="append", help="mono, coreclr:3.1, coreclr:8 (default: mono)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-before", action="store_true", help="leave out the minute-long figures without the fixes")
    args = parser.parse_args()
    runtimes = args.runtime or ["mono"]
    with tempfile.TemporaryDirectory() as scratch:
        build = build_lookalike(Path(scratch))
        results = {r: measure(r, build.assemblies("mono" if r == "mono" else "coreclr"), args.runs, not args.no_before)
                   for r in runtimes}
    print(f"medians of {args.runs} runs (the 'before' figures: one run)")
    header = f"{'':<18}" + "".join(f"{r + ' before':>20}{r + ' after':>18}" for r in runtimes)
    print(header)
    for label, before_key in ROWS:
        line = f"{label:<18}"
        for runtime in runtimes:
            figures = results[runtime]
            after = figures.get(label if before_key is None else label + " after")
            line += f"{_cell(figures.get(before_key) if before_key else None):>20}{_cell(after):>18}"
        print(line)


if __name__ == "__main__":
    main()
