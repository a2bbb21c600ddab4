"""``octoclr info``: what runtime, client and assemblies this process would use.

It first finds what it can without hosting or downloading anything
(:mod:`octoclr.diagnostics`), then loads the client. When loading fails (no runtime,
nothing cached and the feed out of reach, a changed cache file) it still prints what it
found, what is missing and how to get it, and exits 0: it is the command to run when
something is wrong.
"""

from __future__ import annotations

import argparse
import json
from typing import Any, Dict

from octoclr import __version__


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("info", help="describe the runtimes, cache, lock file and client; what is missing and how to get it")
    parser.add_argument("--runtime", help="mono, coreclr, netfx or auto (default: OCTOCLR_RUNTIME or auto)")
    parser.add_argument("--version", dest="client_version", help="Octopus.Client version or NuGet range")
    parser.add_argument("--source", help="NuGet feed URL, folder, .nupkg file or Octopus program folder")
    parser.add_argument("--framework", help="target framework folder to use, e.g. net45 or netstandard2.0")
    parser.add_argument("--offline", action="store_true", help="use only the cache; never contact a source")
    parser.add_argument("--cache-dir", metavar="D", help="cache folder (default: $OCTOCLR_CACHE_DIR, else the user cache folder)")
    parser.add_argument("--lock-file", metavar="P", help="lock file (default: $OCTOCLR_LOCK_FILE, else the project's)")
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
    from octoclr.diagnostics import diagnose, render
    from octoclr.errors import OctoclrError

    diagnosis = diagnose(runtime=args.runtime, version=args.client_version, source=args.source,
                         framework=args.framework, cache_dir=args.cache_dir, lock_file=args.lock_file)
    info: Dict[str, Any] = {"octoclr": __version__}
    try:
        client = octoclr.load(
            runtime=args.runtime, version=args.client_version, source=args.source, framework=args.framework,
            offline=args.offline, cache_dir=args.cache_dir, lock_file=args.lock_file,
        )
    except OctoclrError as exc:
        # The point of info: say what was found and what is missing, not fail with the first problem.
        info.update({"loaded": False, "problem": str(exc), "runtime": None, "client": None})
        if not diagnosis.missing:
            diagnosis.missing.append({"what": "a loaded client", "why": str(exc).splitlines()[0],
                                      "how": "Fix what the message says, then run octoclr info again."})
    else:
        info.update({"loaded": True, "problem": None, **describe(client)})
        diagnosis.missing = []  # loading fetched whatever was missing
    info["diagnostics"] = diagnosis.to_dict()
    if args.json:
        print(json.dumps(info, indent=2))
        return 0
    print(f"octoclr         {info['octoclr']}")
    if info["loaded"]:
        print(f"runtime         {info['runtime']['kind']} {info['runtime']['version']}")
        print(f"client          {info['client']['id']} {info['client']['version']} ({info['client']['framework']})")
        print(f"source          {info['source']}")
        print(f"cache           {info['cache_dir']}")
    else:
        print("client          not loaded: " + info["problem"].splitlines()[0])
    for line in render(diagnosis):
        print(line)
    if info["loaded"]:
        print("assemblies")
        width = max((len(a["name"]) for a in info["assemblies"]), default=0)
        for assembly in info["assemblies"]:
            print(f"  {assembly['name']:<{width}}  {assembly['version']:<14} {assembly['path']}")
    return 0
