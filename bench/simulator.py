"""How fast the Octopus Server simulator answers: requests/s and p50/p99 latency.

    python bench/simulator.py [--seconds 3]

Scenarios: GET of one resource by id, the first page of a collection of 1,000
environments (the client's default request, 30 per page) and a page in the middle,
each with 1 and 8 concurrent clients (separate processes on keep-alive connections,
so the client's GIL is not the limit). The server runs in its own process, as in tests.
Goal: at least 1,000 GETs/s on a 2-core machine, so the simulator never dominates a
client benchmark.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import statistics
import sys
import time
from pathlib import Path
from typing import Optional
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from octoclr.testing import Simulator  # noqa: E402

GOAL_PER_SECOND = 1000


def _client(url: str, path: str, api_key: str, start_at: float, seconds: float) -> list[float]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    headers = {"X-Octopus-ApiKey": api_key, "Accept": "application/json"}
    latencies: list[float] = []
    while time.time() < start_at:
        time.sleep(0.001)
    end = start_at + seconds
    while True:
        started = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"GET {path} answered {response.status}")
        latencies.append(time.perf_counter() - started)
        if time.time() >= end:
            break
    connection.close()
    return latencies


def measure(pool: multiprocessing.pool.Pool, url: str, path: str, api_key: str, clients: int,
            seconds: float) -> tuple[float, float, float, int]:
    start_at = time.time() + 0.3
    results = pool.starmap(_client, [(url, path, api_key, start_at, seconds)] * clients)
    latencies = sorted(x for result in results for x in result)
    total = len(latencies)
    p99 = latencies[min(total - 1, int(total * 0.99))]
    return total / seconds, statistics.median(latencies) * 1000, p99 * 1000, total


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="duration of each measurement")
    args = parser.parse_args(argv)
    seed = {"environments": [{"Name": f"Environment {n:04d}", "SortOrder": n} for n in range(1000)]}
    print("Seeding 1,000 environments and starting the simulator…", flush=True)
    with Simulator(seed=seed) as octopus, multiprocessing.Pool(8) as pool:
        scenarios = [
            ("GET by id", "/api/Spaces-1/environments/Environments-500"),
            ("list page 1 of 1,000 (30 items)", "/api/Spaces-1/environments"),
            ("list page at skip=500 (30 items)", "/api/Spaces-1/environments?skip=500&take=30"),
        ]
        print(f"\n{'scenario':36} {'clients':>7} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'requests':>9}")
        worst_get = None
        for name, path in scenarios:
            for clients in (1, 8):
                rate, p50, p99, total = measure(pool, octopus.url, path, octopus.api_key, clients, args.seconds)
                print(f"{name:36} {clients:>7} {rate:>9.0f} {p50:>8.2f} {p99:>8.2f} {total:>9}", flush=True)
                if name == "GET by id":
                    worst_get = rate if worst_get is None else min(worst_get, rate)
        verdict = "meets" if worst_get and worst_get >= GOAL_PER_SECOND else "misses"
        print(f"\nGET by id: {worst_get:.0f} req/s at worst, {worst_get / GOAL_PER_SECOND:.1f}x the goal of "
              f"{GOAL_PER_SECOND} ({verdict} it).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
