"""The child process of ``test_fuzz.py``: random Python values into members of real .NET types.

    python -m tests.bridge.fuzz_child RUNTIME ASSEMBLY... < pickled list of values

Hosts the runtime, loads the assemblies (the look-alike client and Acme.Inventory), and hands
every value to every setter, to constructors and to methods of a few types, one argument
position at a time. Each attempt must return or raise what octoclr raises on purpose: an
:class:`octoclr.errors.OctoclrError`, or the TypeError, ValueError or KeyError of a Python
mapping or call that does not fit. Anything else (a raw .NET exception, a bare OverflowError)
is reported on stdout as JSON; a crash of the process is the parent's to see.
"""

from __future__ import annotations

import json
import pickle
import sys
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Tuple

Attempt = Tuple[str, Callable[[Any], Any]]


def _setters(instance: Any) -> Iterator[Attempt]:
    info = type(instance).__info__
    for name, entry in sorted(info.settable_properties().items()):
        yield f"{info.full_name}.{name} =", lambda value, n=name: setattr(instance, n, value)


def _constructors(cls: Any) -> Iterator[Attempt]:
    from octoclr.bridge.methods import constructor_group

    arities = sorted({len(o.parameters) for o in constructor_group(cls.__info__).overloads} - {0})
    for arity in arities:
        for position in range(arity):
            def construct(value: Any, a: int = arity, p: int = position) -> Any:
                args = [_PLAIN[i % len(_PLAIN)] for i in range(a)]
                args[p] = value
                return cls(*args)

            yield f"{cls.__info__.full_name}({arity} arguments, #{position})", construct
    yield f"{cls.__info__.full_name}(name=)", lambda value: cls(name=value)


# Values that fit many parameters, beside which the random one goes.
_PLAIN: List[Any] = ["a-1", 1, "Low"]


def attempts(client: Any, model: Any, inventory_ns: Any) -> List[Attempt]:
    from octoclr.bridge import api

    Item = inventory_ns.Item
    warehouse = inventory_ns.Warehouses.open("North", Item("a-1", "Apple", 10))
    inventory = warehouse.inventory
    links = model.MachineResource().links
    lifecycle = model.LifecycleResource()
    found: List[Attempt] = []
    # Objects of their own for the setters: a value set there must not change the objects the methods use.
    for instance in (Item(), inventory_ns.PerishableItem(), model.MachineResource(), model.LifecycleResource(),
                     model.EnvironmentResource(), model.LoginCommand()):
        found.extend(_setters(instance))
    for cls in (Item, inventory_ns.Parcel, model.RetentionPeriod, client.OctopusServerEndpoint):
        found.extend(_constructors(cls))
    found += [
        ("IInventory.Find", lambda v: inventory.find(v)),
        ("IInventory.Find(params)", lambda v: inventory.find("a-1", v)),
        ("IInventory.Take", lambda v: inventory.take("a-1", v)),
        ("IInventory.Take(sku)", lambda v: inventory.take(v, 0)),
        ("IInventory.Totals", lambda v: inventory.totals(v)),
        ("IInventory.Add", lambda v: inventory.add(v)),
        ("IWarehouse.LevelOf", lambda v: warehouse.level_of(v)),
        ("InventoryExtensions.Cheapest", lambda v: inventory_ns.InventoryExtensions.cheapest(inventory, v)),
        ("Parcel.Repeat<T>", lambda v: inventory_ns.Parcel.repeat(v, 2, "-")),
        ("Parcel.Repeat(times)", lambda v: inventory_ns.Parcel.repeat("x", v, "-")),
        ("Labels.Measure(Stream)", lambda v: inventory_ns.Labels.measure(v)),
        ("LifecycleResource.WithReleaseRetentionPolicy", lambda v: lifecycle.with_release_retention_policy(v)),
        ("LinkCollection[key]", lambda v: links[v]),
        ("LinkCollection[key] =", lambda v: links.__setitem__(v, "/api")),
        ("LinkCollection[Self] =", lambda v: links.__setitem__("Self", v)),
        ("from_dict(Item)", lambda v: api.from_dict(v, Item)),
        ("from_dict(Item, {name})", lambda v: api.from_dict({"name": v, "tags": [v]}, Item)),
    ]
    return found


def _expected(error: BaseException) -> bool:
    from octoclr import errors

    if isinstance(error, errors.OctoclrError):
        return True
    import System

    if isinstance(error, System.Exception):  # a .NET exception that got through unconverted
        return False
    return type(error) in (TypeError, ValueError, KeyError)


def main(argv: List[str]) -> int:
    runtime, *assemblies = argv
    values = pickle.loads(sys.stdin.buffer.read())
    import octoclr.runtime

    octoclr.runtime.start(runtime)
    octoclr.runtime.load_assemblies([Path(a) for a in assemblies])
    from octoclr.bridge import api

    found = attempts(api.namespace("Octopus.Client"), api.namespace("Octopus.Client.Model"), api.namespace("Acme.Inventory"))
    outcomes: Dict[str, int] = {}
    unexpected: List[Dict[str, str]] = []
    for value in values:
        for member, attempt in found:
            try:
                attempt(value)
                outcome = "returned"
            except Exception as error:  # noqa: BLE001 - sorting every outcome is the point
                outcome = type(error).__name__
                if not _expected(error) and len(unexpected) < 20:
                    unexpected.append({"member": member, "value": repr(value)[:200], "error": f"{type(error).__module__}.{outcome}",
                                       "message": str(error)[:300]})
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    print(json.dumps({"attempts": len(found) * len(values), "members": len(found), "outcomes": outcomes, "unexpected": unexpected}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
