"""One-shot figures per runtime: whole processes of octoclr against plain pythonnet, side by side.

    python bench/oneshot.py [--runs 5] [--runtimes mono,coreclr:3.1,coreclr:8]

Builds the look-alike Octopus.Client (Mono's mcs), bootstraps it into a temporary cache,
starts the simulator in its own process, then times, in fresh interpreters alternating
with each other so that load from elsewhere weighs on both alike (medians of ``--runs``):

  call     ``octoclr call projects get Projects-1 --json`` against a plain pythonnet script
           loading the same assemblies, making the same call and printing Newtonsoft's JSON
           (goal: at most 1.2x)
  first    a script from its start to its first result (``import octoclr``, connect, one
           repository call) against the same in plain pythonnet (goal: at most 1.15x)

and inside one process per runtime:

  steady   a repository call through octoclr against the same call on the raw object
           (goal: at most 1.05x)
  to_dict  ``to_dict`` of one resource warm, against Newtonsoft's ``JsonConvert.SerializeObject``
           of it (goal: no more than Newtonsoft)

and in fresh processes again, each cold (nothing serialized before in that process):

  to_dict  the first ``to_dict`` of a resource against the first ``SerializeObject`` of it
           (goal: no more than Newtonsoft)

Byte-code caching is left on (``PYTHONDONTWRITEBYTECODE`` is removed), as on a user's machine.
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
from typing import Dict, List, Mapping, Sequence, Tuple

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

# A plain pythonnet script: host the runtime, load the assemblies, one call, print.
PLAIN = r"""
import json, os, sys
runtime, config, what = sys.argv[1], sys.argv[2], sys.argv[3]
assemblies = sys.argv[4:]
from pythonnet import set_runtime
if runtime == "mono":
    os.environ.setdefault("MONO_THREADS_SUSPEND", "preemptive")
    from clr_loader import get_mono
    set_runtime(get_mono())
else:
    from clr_loader import get_coreclr
    set_runtime(get_coreclr(runtime_config=config, dotnet_root=os.environ["DOTNET_ROOT"]))
import clr
for path in assemblies:
    clr.AddReference(path)
from Octopus.Client import OctopusRepository, OctopusServerEndpoint
repository = OctopusRepository(OctopusServerEndpoint(os.environ["OCTOPUS_URL"], os.environ["OCTOPUS_API_KEY"]))
project = repository.Projects.Get("Projects-1")
if what == "call":
    from Newtonsoft.Json import Formatting, JsonConvert
    print(JsonConvert.SerializeObject(project, Formatting.Indented))
else:
    print(project.Name)
"""

FIRST = r"""
import os, octoclr
repository = octoclr.connect(os.environ["OCTOPUS_URL"], os.environ["OCTOPUS_API_KEY"])
print(repository.projects.get("Projects-1").name)
"""

# Inside one process: steady-state calls and to_dict of one resource.
INSIDE = r"""
import json, os, statistics, sys, time
import octoclr
from octoclr.bridge.api import unwrap
repository = octoclr.connect(os.environ["OCTOPUS_URL"], os.environ["OCTOPUS_API_KEY"])
raw_projects = unwrap(repository).Projects
projects = repository.projects
projects.get("Projects-1"); raw_projects.Get("Projects-1")

def timed(function, calls):
    began = time.perf_counter()
    for _ in range(calls):
        function()
    return (time.perf_counter() - began) / calls

ratios, bridged, raw = [], [], []
for _ in range(7):
    b = timed(lambda: projects.get("Projects-1"), 20)
    r = timed(lambda: raw_projects.Get("Projects-1"), 20)
    bridged.append(b); raw.append(r); ratios.append(b / r)

from Newtonsoft.Json import JsonConvert
project = projects.get("Projects-1")
raw_project = unwrap(project)
octoclr.to_dict(project); JsonConvert.SerializeObject(raw_project)
warm_to_dict = statistics.median(timed(lambda: octoclr.to_dict(project), 50) for _ in range(5))
warm_newtonsoft = statistics.median(timed(lambda: JsonConvert.SerializeObject(raw_project), 50) for _ in range(5))
print(json.dumps({
    "steady": [statistics.median(bridged), statistics.median(raw), statistics.median(ratios)],
    "to_dict_warm": [warm_to_dict, warm_newtonsoft],
}))
"""


# In a fresh process: the first serialization of a resource, by octoclr or by Newtonsoft.
COLD = r"""
import json, os, sys, time
import octoclr
from octoclr.bridge.api import unwrap
repository = octoclr.connect(os.environ["OCTOPUS_URL"], os.environ["OCTOPUS_API_KEY"])
project = repository.projects.get("Projects-1")
from Newtonsoft.Json import JsonConvert
if sys.argv[1] == "to_dict":
    began = time.perf_counter(); octoclr.to_dict(project); took = time.perf_counter() - began
else:
    raw_project = unwrap(project)
    began = time.perf_counter(); JsonConvert.SerializeObject(raw_project); took = time.perf_counter() - began
print(json.dumps(took))
"""


def run(args: Sequence[str], env: Mapping[str, str], cwd: Path) -> subprocess.CompletedProcess:
    finished = subprocess.run([sys.executable, *args], capture_output=True, text=True, env=dict(env), cwd=cwd)
    if finished.returncode != 0:
        raise SystemExit(f"{' '.join(args[:3])}... failed ({finished.returncode}):\n{finished.stderr[-2000:]}")
    return finished


def timed_process(args: Sequence[str], env: Mapping[str, str], cwd: Path) -> Tuple[float, float]:
    """(wall seconds, CPU seconds of the process and its threads): the CPU figure holds
    steadier than the wall clock when something else loads the machine."""
    import resource
    import time

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    run(args, env, cwd)
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def prepare(folder: Path) -> Path:
    """A folder holding the look-alike client's nupkg and Debian's Newtonsoft.Json."""
    import shutil

    from tests.support.lookalike import pack_lookalike
    from tests.support.nupkg import NEWTONSOFT_NUPKG

    source = folder / "source"
    pack_lookalike(folder / "build", output_dir=source)
    shutil.copy2(NEWTONSOFT_NUPKG, source / NEWTONSOFT_NUPKG.name.lower())
    return source


def plain_runtime(spec: str, folder: Path) -> Tuple[str, str, Dict[str, str]]:
    """(kind, runtimeconfig, extra environment) for the plain script, the same .NET octoclr picks."""
    if spec == "mono":
        return "mono", "-", {}
    from octoclr.runtime.coreclr import CoreClrBackend

    version = spec.partition(":")[2] or None
    backend = CoreClrBackend(config_dir=folder / "runtimeconfig", version=version)
    install = backend.find()
    saved = dict(os.environ)
    try:
        invariant = backend._globalization(install.version)
        config = backend._write_runtimeconfig(install.version, invariant)
        extra = {k: v for k, v in os.environ.items() if saved.get(k) != v}
    finally:
        os.environ.clear()
        os.environ.update(saved)
    extra["DOTNET_ROOT"] = str(install.location)
    return "coreclr", str(config), extra


def assemblies_for(spec: str, env: Mapping[str, str], cwd: Path) -> List[str]:
    out = run(["-m", "octoclr", "bootstrap", "--json"], {**env, "OCTOCLR_RUNTIME": spec}, cwd).stdout
    return [a for p in json.loads(out)["packages"] for a in p["assemblies"]]


def ratio_row(label: str, octoclr_times: List[Tuple[float, float]], plain_times: List[Tuple[float, float]], goal: str) -> None:
    for index, clock in ((0, "wall"), (1, "CPU")):
        o = statistics.median(t[index] for t in octoclr_times)
        p = statistics.median(t[index] for t in plain_times)
        print(f"  {label + ', ' + clock:<34} {o:>8.3f} s  {p:>8.3f} s  {o / p:>6.2f}x   {goal}")


def available(spec: str) -> bool:
    if spec == "mono":
        from octoclr.runtime.mono import _find_libmono

        return _find_libmono() is not None
    from octoclr.runtime.coreclr import _matches, installed_runtimes

    version = spec.partition(":")[2]
    return any(_matches(v, version) for v, _ in installed_runtimes()) if version else bool(installed_runtimes())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--runtimes", default="mono,coreclr:3.1,coreclr:8")
    options = parser.parse_args()

    from octoclr.testing import Simulator

    with tempfile.TemporaryDirectory(prefix="octoclr-oneshot-") as temp, Simulator() as octopus:
        folder = Path(temp)
        source = prepare(folder)
        base = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "OCTOCLR_RUNTIME")}
        base.update(OCTOCLR_SOURCE=str(source), OCTOCLR_CACHE_DIR=str(folder / "cache"),
                    OCTOPUS_URL=octopus.url, OCTOPUS_API_KEY=octopus.api_key, OCTOCLR_NO_PROGRESS="1",
                    PYTHONPATH=str(REPO), PYTHONWARNINGS="ignore")
        print(f"whole processes, medians of {options.runs} (octoclr, plain pythonnet, ratio; wall clock and CPU time):")
        for spec in options.runtimes.split(","):
            if not available(spec):
                print(f"{spec}: not installed here, skipped")
                continue
            env = {**base, "OCTOCLR_RUNTIME": spec}
            assemblies = assemblies_for(spec, env, folder)
            kind, config, extra = plain_runtime(spec, folder)
            plain_env = {**env, **extra}
            call = ["-m", "octoclr", "call", "projects", "get", "Projects-1", "--json"]
            plain_call = ["-c", PLAIN, kind, config, "call", *assemblies]
            plain_first = ["-c", PLAIN, kind, config, "first", *assemblies]
            for warm_up in (call, ["-c", FIRST], plain_call):  # byte code written, caches filled
                run(warm_up, plain_env if warm_up is plain_call else env, folder)
            # On Mono, plain pythonnet also runs with the thread pool setting octoclr makes (see
            # octoclr.runtime.mono): the first figures are what a plain script gets as written,
            # the "tuned" ones compare what octoclr's own layers cost.
            from octoclr.runtime.mono import MONO_THREADS_PER_CPU

            tuned_env = {**plain_env, "MONO_THREADS_PER_CPU": str(MONO_THREADS_PER_CPU)} if kind == "mono" else None
            times: Dict[str, List[Tuple[float, float]]] = {
                "call": [], "plain_call": [], "first": [], "plain_first": [], "tuned_call": [], "tuned_first": []}
            for _ in range(options.runs):
                times["call"].append(timed_process(call, env, folder))
                times["plain_call"].append(timed_process(plain_call, plain_env, folder))
                times["first"].append(timed_process(["-c", FIRST], env, folder))
                times["plain_first"].append(timed_process(plain_first, plain_env, folder))
                if tuned_env is not None:
                    times["tuned_call"].append(timed_process(plain_call, tuned_env, folder))
                    times["tuned_first"].append(timed_process(plain_first, tuned_env, folder))
            inside = json.loads(run(["-c", INSIDE], env, folder).stdout)
            cold: Dict[str, List[float]] = {"to_dict": [], "newtonsoft": []}
            for _ in range(options.runs):
                for which in cold:
                    cold[which].append(json.loads(run(["-c", COLD, which], env, folder).stdout))
            inside["to_dict_first"] = [statistics.median(cold["to_dict"]), statistics.median(cold["newtonsoft"])]
            print(f"{spec}:")
            ratio_row("octoclr call, once", times["call"], times["plain_call"], "goal <= 1.2x")
            ratio_row("script to its first result", times["first"], times["plain_first"], "goal <= 1.15x")
            if tuned_env is not None:
                ratio_row("call, plain tuned alike", times["call"], times["tuned_call"], "goal <= 1.2x")
                ratio_row("first result, plain tuned alike", times["first"], times["tuned_first"], "goal <= 1.15x")
            bridged, raw, ratio = inside["steady"]
            print(f"  {'steady-state call':<34} {bridged * 1e3:>8.2f} ms {raw * 1e3:>8.2f} ms {ratio:>6.2f}x   goal <= 1.05x")
            for key, label in (("to_dict_first", "to_dict, first in a process"), ("to_dict_warm", "to_dict, warm")):
                mine, newtonsoft = inside[key]
                print(f"  {label:<34} {mine * 1e3:>8.2f} ms {newtonsoft * 1e3:>8.2f} ms {mine / newtonsoft:>6.2f}x   "
                      "vs Newtonsoft's SerializeObject; goal <= 1x")


if __name__ == "__main__":
    main()
