"""``octoclr info``: what runtime, client and assemblies this process would use."""

from __future__ import annotations

import argparse
import json
from typing import Any, Dict

from octoclr import __version__


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("info", help="host the runtime, load the client and describe what was loaded")
    parser.add_argument("--runtime", help="mono, coreclr, netfx or auto (default: OCTOCLR_RUNTIME or auto)")
    parser.add_argument("--version", dest="client_version", help="Octopus.Client version or NuGet range")
    parser.add_argument("--source", help="NuGet feed URL, folder, .nupkg file or Octopus program folder")
    parser.add_argument("--framework", help="target framework folder to use, e.g. net45 or netstandard2.0")
    parser.add_argument("--offline", action="store_true", help="use only the cache; never contact a source")
    parser.add_argument("--json", action="store_true", help="print JSON for programs")
    parser.set_defaults(handler=run)


def describe(client: Any) -> Dict[str, Any]:
    """A plain description of a :class:`~octoclr.runtime.LoadedClient`."""
    from octoclr.runtime import loaded_assemblies

    package = client.bootstrap.packages[-1]
    assemblies = []
    for assembly in loaded_assemblies():
        name = assembly.GetName()
        location = "" if assembly.IsDynamic else str(assembly.Location or "")
        assemblies.append({"name": str(name.Name), "version": str(name.Version), "path": location})
    assemblies.sort(key=lambda a: a["name"].lower())
    return {
        "octoclr": __version__,
        "runtime": {"kind": client.runtime.kind, "version": client.runtime.version},
        "client": {"id": package.id, "version": package.version, "framework": package.framework, "path": str(package.path)},
        "packages": [
            {"id": p.id, "version": p.version, "framework": p.framework, "sha512": p.sha512, "path": str(p.path)}
            for p in client.bootstrap.packages
        ],
        "source": client.bootstrap.source,
        "cache_dir": str(client.bootstrap.cache_dir),
        "assemblies": assemblies,
    }


def run(args: argparse.Namespace) -> int:
    import octoclr

    client = octoclr.load(
        runtime=args.runtime, version=args.client_version, source=args.source, framework=args.framework, offline=args.offline
    )
    info = describe(client)
    if args.json:
        print(json.dumps(info, indent=2))
        return 0
    print(f"octoclr         {info['octoclr']}")
    print(f"runtime         {info['runtime']['kind']} {info['runtime']['version']}")
    print(f"client          {info['client']['id']} {info['client']['version']} ({info['client']['framework']})")
    print(f"source          {info['source']}")
    print(f"cache           {info['cache_dir']}")
    print("assemblies")
    width = max((len(a["name"]) for a in info["assemblies"]), default=0)
    for assembly in info["assemblies"]:
        print(f"  {assembly['name']:<{width}}  {assembly['version']:<14} {assembly['path']}")
    return 0
