"""Hosting figures per runtime: start() and load() in fresh processes, medians side by side.

    python bench/runtime.py [--runs 5]

Builds a small test client package (Mono's mcs), serves it from a local feed, bootstraps it
once into a temporary cache, then times in fresh interpreters (a process hosts one runtime):
  start  hosting the runtime alone (octoclr.runtime.start)
  load   octoclr.load() with a warm cache: host + confirm the cache + load the assemblies
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

from tests.support.feed import NuGetTestFeed  # noqa: E402
from tests.support.nupkg import NEWTONSOFT_NUPKG, build_test_client, compile_test_client  # noqa: E402

PROBE = """
import json, sys, time
began = time.perf_counter()
import octoclr.runtime as runtime
if sys.argv[1] == "start":
    runtime.start(sys.argv[2])
else:
    import octoclr
    octoclr.load(runtime=sys.argv[2])
print(json.dumps({"seconds": time.perf_counter() - began}))
"""


def measure(what: str, runtime: str, env: dict, cwd: Path) -> float:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, what, runtime], capture_output=True, text=True, env=env, cwd=cwd, check=True
    )
    return json.loads(out.stdout)["seconds"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        client = build_test_client(root / "packages", "8.2.0", compile_test_client(root))
        with NuGetTestFeed([client, NEWTONSOFT_NUPKG]) as feed:
            env = {**os.environ, "OCTOCLR_SOURCE": feed.url, "OCTOCLR_CACHE_DIR": str(root / "cache")}
            rows = []
            for runtime in ("mono", "coreclr"):
                measure("load", runtime, env, root)  # warm the cache and the lock file
                start = [measure("start", runtime, env, root) for _ in range(args.runs)]
                load = [measure("load", runtime, env, root) for _ in range(args.runs)]
                rows.append((runtime, statistics.median(start), statistics.median(load)))
    print(f"runtime hosting, median of {args.runs} fresh processes (import of octoclr included)")
    print(f"{'runtime':<10}{'start':>10}{'load':>10}{'load/start':>12}")
    for runtime, start, load in rows:
        print(f"{runtime:<10}{start * 1000:>8.0f}ms{load * 1000:>8.0f}ms{load / start:>11.2f}x")


if __name__ == "__main__":
    main()
