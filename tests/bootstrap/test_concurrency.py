"""Eight processes bootstrapping into one cache at once: all succeed, each package is downloaded once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.bootstrap.conftest import snapshot

SCRIPT = """
import json, sys
from octoclr.bootstrapper import bootstrap
result = bootstrap(source=sys.argv[1], runtime="mono", cache_dir=sys.argv[2], lock_path=sys.argv[3])
print(json.dumps([str(a) for a in result.assemblies]))
"""


def test_eight_concurrent_bootstraps_download_once(feed, cache_dir, lock_path, tmp_path) -> None:
    env = dict(os.environ, OCTOCLR_HTTP_TIMEOUT="60")  # eight interpreters on two cores: be patient
    processes = [
        subprocess.Popen([sys.executable, "-c", SCRIPT, feed.url, str(cache_dir), str(lock_path)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path)
        for _ in range(8)
    ]
    outcomes = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in processes]
    for process in processes:
        process.stdout.close()
        process.stderr.close()
    assert [code for code, _, _ in outcomes] == [0] * 8, [err for _, _, err in outcomes]
    results = {out for _, out, _ in outcomes}
    assert len(results) == 1
    assemblies = [Path(a) for a in json.loads(results.pop())]
    assert [a.name for a in assemblies] == ["Newtonsoft.Json.dll", "Octopus.Client.dll"]
    assert all(a.is_file() for a in assemblies)
    # One download per package, however many processes asked.
    assert feed.count("octopus.client.11.0.0.nupkg") == 1
    assert feed.count("newtonsoft.json.6.0.8.nupkg") == 1
    # One complete lock file, and no work folders left behind.
    lock = json.loads(lock_path.read_text())
    assert {p["id"] for p in lock["packages"]} == {"Octopus.Client", "Newtonsoft.Json"}
    assert list((cache_dir / "tmp").iterdir()) == []
    assert not [name for name in snapshot(lock_path.parent) if name.endswith(".tmp")]
