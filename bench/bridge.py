"""Bridge figures, side by side in one run: proxies against raw pythonnet.

    python bench/bridge.py [--runtime mono|coreclr] [--objects 10000]

1. a proxied call against the same call through raw pythonnet (goal: at most 1.3x);
2. ``to_dict`` of N resources against reading their properties one by one through raw
   pythonnet (goal: at least 5x faster): the Shop library's Widget (with a ``decimal``, so
   parsed exactly with the standard library) and the look-alike client's MachineResource,
   whose CPU time is printed too (long lists are written on two worker threads);
3. 1,000 concurrent awaits of a .NET ``Task<int>``.

Builds the look-alike Octopus.Client and the bridge tests' C# library
(tests/bridge/assets/Shop.cs) into a temporary folder.
Figures are medians of several repeats.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, List, Tuple

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.support.csharp import compile_library  # noqa: E402



def build(folder: Path, runtime: str) -> List[Path]:
    """The look-alike Octopus.Client with its Newtonsoft.Json (and CoreCLR shim), and the Shop library."""
    from tests.support.lookalike import build_lookalike

    lookalike = build_lookalike(folder)
    library = compile_library(
        [REPO / "tests" / "bridge" / "assets" / "Shop.cs"],
        folder / "Acme.Shop.dll",
        framework=lookalike.framework_for(runtime),
        references=[lookalike.newtonsoft],
    )
    return [*lookalike.assemblies(runtime), library]


def _time(function: Callable[[], object], calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        function()
    return (time.perf_counter() - started) / calls


def paired(bridge: Callable[[], object], raw: Callable[[], object], calls: int = 1, repeats: int = 7) -> Tuple[float, float, float]:
    """Median seconds per call of each, and the median of the per-repeat ratios.

    The two alternate within each repeat, so load from elsewhere on the machine weighs on
    both alike; the ratio's median is steadier than the ratio of medians.
    """
    bridge_samples, raw_samples, ratios = [], [], []
    for _ in range(repeats):
        b = _time(bridge, calls)
        r = _time(raw, calls)
        bridge_samples.append(b)
        raw_samples.append(r)
        ratios.append(b / r)
    return statistics.median(bridge_samples), statistics.median(raw_samples), statistics.median(ratios)


def once(function: Callable[[], object], repeats: int = 5) -> float:
    return statistics.median(_time(function, 1) for _ in range(repeats))


def cpu(function: Callable[[], object], repeats: int = 5) -> float:
    """Median CPU seconds of the whole process per call (every thread, .NET's included)."""
    samples = []
    for _ in range(repeats):
        started = time.process_time()
        function()
        samples.append(time.process_time() - started)
    return statistics.median(samples)


def row(label: str, figures: Tuple[float, float, float], goal: str = "") -> None:
    bridge, raw, ratio = figures
    print(f"  {label:<44} {bridge * 1e6:>10.2f} us  {raw * 1e6:>10.2f} us  {ratio:>6.2f}x  {goal}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runtime", default="mono", choices=["mono", "coreclr"])
    parser.add_argument("--objects", type=int, default=10_000)
    parser.add_argument("--calls", type=int, default=20_000)
    options = parser.parse_args()

    import octoclr.runtime

    with tempfile.TemporaryDirectory() as folder:
        files = build(Path(folder), options.runtime)
        octoclr.runtime.start(options.runtime)
        octoclr.runtime.load_assemblies(files)

        from octoclr.bridge import api

        root, model = api.namespace("Acme.Shop"), api.namespace("Acme.Shop.Model")
        repository = root.ShopRepository(root.ShopEndpoint("http://localhost"))
        store = repository.widgets
        raw_store = api.unwrap(store)
        calc = root.Calculator()
        raw_calc = api.unwrap(calc)
        first = store.create(model.Widget(name="first", tags=["a"], parts=[{"name": "p", "count": 1}]))
        raw_first = api.unwrap(first)

        print(f"octoclr bridge benchmark on {options.runtime} (medians)")
        print(f"  {'':<44} {'bridge':>13}  {'raw pythonnet':>13}  {'ratio':>7}")
        calls = options.calls
        first_id = first.id
        goal = "goal <= 1.3x"
        row("call Calculator.Add(1, 2) (3 overloads)", paired(lambda: calc.add(1, 2), lambda: raw_calc.Add(1, 2), calls), goal)
        row("call Calculator.Add('a', 'b')", paired(lambda: calc.add("a", "b"), lambda: raw_calc.Add("a", "b"), calls), goal)
        row("call Calculator.Twice(3) (one overload)", paired(lambda: calc.twice(3), lambda: raw_calc.Twice(3), calls), goal)
        row("call store.Get(id) -> object (interface)", paired(lambda: store.get(first_id), lambda: raw_store.Get(first_id), calls), goal)
        row("read property widget.name", paired(lambda: first.name, lambda: raw_first.Name, calls))

        # N resources, as a repository would return them.
        for index in range(options.objects - 1):
            raw_store.Create(_raw_widget(api, model, index))
        widgets = store.find_all()
        raw_widgets = [api.unwrap(w) for w in widgets]
        property_names = [p.Name for p in type(first).__info__.dotnet_type.GetProperties() if p.GetIndexParameters().Length == 0] + ["Revision"]

        def raw_read() -> list:
            result = []
            for raw in raw_widgets:
                item = {}
                for name in property_names:
                    value = getattr(raw, name)
                    if name in ("Tags",):
                        value = list(value)
                    elif name == "Parts":
                        value = [{"Name": p.Name, "Count": p.Count} for p in value]
                    elif name in ("Links", "Attributes"):
                        value = {k: value[k] for k in value.Keys}
                    item[name] = value
                result.append(item)
            return result

        bridge_seconds, raw_seconds, ratio = paired(lambda: api.to_dict(widgets), raw_read, repeats=5)
        print(f"  {'to_dict of %d resources' % len(widgets):<44} {bridge_seconds * 1e3:>10.1f} ms  {raw_seconds * 1e3:>10.1f} ms  "
              f"{1 / ratio:>5.1f}x faster  goal >= 5x")
        json_seconds = once(lambda: api.to_dict(widgets, style="json"))
        print(f"  {'to_dict(style=json) of %d resources' % len(widgets):<44} {json_seconds * 1e3:>10.1f} ms")

        # The look-alike client's machines: an Octopus resource shape (endpoint, links, references).
        octopus_model = api.namespace("Octopus.Client.Model")
        template = {
            "Name": "web01", "Roles": ["web-server", "db"], "EnvironmentIds": ["Environments-1", "Environments-2"],
            "Endpoint": {"CommunicationStyle": "TentaclePassive", "Uri": "https://web01:10933/", "Thumbprint": "8A7E61"},
            "Links": {"Self": "/api/machines/Machines-1", "Connection": "/api/machines/Machines-1/connection"},
            "Status": "Online", "HealthStatus": "Healthy", "StatusSummary": "Octopus was able to connect.",
        }
        machines = []
        for index in range(options.objects):
            template["Id"] = f"Machines-{index}"
            machines.append(api.from_dict(template, octopus_model.MachineResource))
        raw_machines = [api.unwrap(m) for m in machines]
        machine_names = [
            p.Name for p in type(machines[0]).__info__.dotnet_type.GetProperties() if p.GetIndexParameters().Length == 0
        ]

        def raw_machine_read() -> list:
            result = []
            for raw in raw_machines:
                item = {}
                for name in machine_names:
                    value = getattr(raw, name)
                    if name in ("Roles", "EnvironmentIds", "TenantIds", "TenantTags"):
                        value = list(value)
                    elif name == "Links":
                        value = {k: str(value[k]) for k in value.Keys}
                    elif name == "Endpoint" and value is not None:
                        value = {"CommunicationStyle": str(value.CommunicationStyle), "Id": value.Id}
                    item[name] = value
                result.append(item)
            return result

        bridge_seconds, raw_seconds, ratio = paired(lambda: api.to_dict(machines), raw_machine_read, repeats=5)
        print(f"  {'to_dict of %d look-alike MachineResource' % len(machines):<44} {bridge_seconds * 1e3:>10.1f} ms  {raw_seconds * 1e3:>10.1f} ms  "
              f"{1 / ratio:>5.1f}x faster  goal >= 5x")
        # to_dict writes long lists on two worker threads: its CPU time, beside the wall time above.
        bridge_cpu, raw_cpu = cpu(lambda: api.to_dict(machines)), cpu(raw_machine_read)
        print(f"  {'  the same, CPU time of all threads':<44} {bridge_cpu * 1e3:>10.1f} ms  {raw_cpu * 1e3:>10.1f} ms  "
              f"{raw_cpu / bridge_cpu:>5.1f}x less")

        async def gather(count: int) -> list:
            return await asyncio.gather(*(_await(calc.add_async(i, 1, 1)) for i in range(count)))

        def concurrent() -> None:
            results = asyncio.run(gather(1000))
            assert results == [i + 1 for i in range(1000)]

        print(f"  {'1,000 concurrent awaits (1 ms tasks)':<44} {once(concurrent) * 1e3:>10.1f} ms")
        sequential = once(lambda: [calc.add_async(i, 1, 0).result() for i in range(1000)], repeats=3)
        print(f"  {'1,000 sequential .result() (0 ms tasks)':<44} {sequential * 1e3:>10.1f} ms")


async def _await(awaitable):
    return await awaitable


def _raw_widget(api, model, index: int):
    return api.unwrap(model.Widget(name=f"widget-{index}", quantity=index, tags=["a", "b"], parts=[{"name": "p", "count": index}]))


if __name__ == "__main__":
    main()
