"""Bootstrap timings: a cold bootstrap (empty cache, local feed) against a cached one.

    /tmp/venv/bin/python bench/bootstrap.py [--runs N]

Builds the test packages (mcs), serves them from a NuGet v3 feed on 127.0.0.1, and prints
medians side by side: the cold bootstrap (resolve, download, hash, extract, lock), the
cached bootstrap in-process (lock file + cache markers; goal under 50 ms), and the
cached ``octoclr bootstrap --offline`` as a whole process (interpreter start included).
"""

from __future__ import annotations

import argparse
import logging
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from octoclr.bootstrapper import bootstrap  # noqa: E402
from tests.support.feed import NuGetTestFeed  # noqa: E402
from tests.support.nupkg import NEWTONSOFT_NUPKG, build_test_client, compile_test_client  # noqa: E402

GOAL_MS = 50.0


def timed(function, runs: int) -> list:
    samples = []
    for index in range(runs):
        started = time.perf_counter()
        function(index)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    logging.getLogger("octoclr").setLevel(logging.ERROR)

    work = Path(tempfile.mkdtemp(prefix="octoclr-bench-"))
    try:
        folder = work / "feed"
        folder.mkdir()
        shutil.copyfile(NEWTONSOFT_NUPKG, folder / "newtonsoft.json.6.0.8.nupkg")
        dlls = compile_test_client(work / "build")
        packages = [folder / "newtonsoft.json.6.0.8.nupkg"] + [build_test_client(folder, v, dlls) for v in ("8.2.0", "11.0.0")]
        with NuGetTestFeed(packages) as feed:
            def cold(index: int) -> None:
                result = bootstrap(source=feed.url, runtime="mono", cache_dir=work / f"cold-{index}",
                                   lock_path=work / f"cold-{index}.lock.json")
                assert not result.from_cache

            cache, lock = work / "warm", work / "warm.lock.json"
            bootstrap(source=feed.url, runtime="mono", cache_dir=cache, lock_path=lock)

            def cached(index: int) -> None:
                assert bootstrap(source=feed.url, runtime="mono", cache_dir=cache, lock_path=lock).from_cache

            def cached_process(index: int) -> None:
                subprocess.run([sys.executable, "-m", "octoclr", "bootstrap", "--offline", "--quiet", "--runtime", "mono",
                                "--cache-dir", str(cache), "--lock-file", str(lock)], check=True, cwd=work)

            cold_ms = timed(cold, args.runs)
            requests_before = len(feed.requests)
            cached_ms = timed(cached, args.runs * 10)
            process_ms = timed(cached_process, max(3, args.runs // 2))
            requests_cached = len(feed.requests) - requests_before

        cold_median, cached_median, process_median = (statistics.median(s) for s in (cold_ms, cached_ms, process_ms))
        print(f"octoclr bootstrap: Octopus.Client 11.0.0 + Newtonsoft.Json 6.0.8 (net45, mono), local v3 feed")
        print(f"{'':34}{'median':>10}{'min':>10}{'max':>10}{'runs':>6}")
        for label, samples in (("cold (empty cache)", cold_ms), ("cached, in-process", cached_ms),
                               ("cached, `octoclr bootstrap` process", process_ms)):
            print(f"{label:34}{statistics.median(samples):>8.2f}ms{min(samples):>8.2f}ms{max(samples):>8.2f}ms{len(samples):>6}")
        print(f"cold / cached (in-process): {cold_median / cached_median:.0f}x faster when cached")
        print(f"cached in-process vs goal {GOAL_MS:.0f} ms: {'met' if cached_median < GOAL_MS else 'MISSED'} "
              f"({cached_median / GOAL_MS:.1%} of the goal)")
        print(f"feed requests: {requests_before // args.runs} per cold run, {requests_cached} during all cached runs")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
