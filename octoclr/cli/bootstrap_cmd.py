"""``octoclr bootstrap``: fetch Octopus.Client and its dependencies into the cache."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "bootstrap",
        help="fetch Octopus.Client and its dependencies into the cache",
        description=(
            "Fetch Octopus.Client and the packages it needs for a runtime from a NuGet feed, a folder of "
            ".nupkg files, a .nupkg, or an Octopus Server/Tentacle folder; verify them against the lock "
            "file; keep them in the cache."
        ),
    )
    parser.add_argument("--version", metavar="V|RANGE", help="exact version (11.0.0) or NuGet range ([8.0,9.0)); default: newest stable, or the locked one")
    parser.add_argument("--source", metavar="S", help="feed URL, folder, .nupkg or program folder (default: $OCTOCLR_SOURCE; else the cache, "
                             "PowerShell's and NuGet's package folders, then nuget.org)")
    parser.add_argument("--framework", metavar="TFM", help="target framework, e.g. net48 or netstandard2.0 (default: what the runtime needs)")
    parser.add_argument("--runtime", choices=("auto", "mono", "coreclr", "netfx"), help="runtime the assemblies are for (default: $OCTOCLR_RUNTIME, else auto)")
    parser.add_argument("--offline", action="store_true", help="use only the cache; verify it against the lock file")
    parser.add_argument("--repair", action="store_true",
                        help="replace cache entries whose files changed since they were extracted (done anyway when "
                             "online; with --offline, from the cached .nupkg)")
    parser.add_argument("--prerelease", action="store_true", help="allow prerelease versions")
    parser.add_argument("--lock-file", metavar="P",
                        help="lock file path (default: $OCTOCLR_LOCK_FILE, else octoclr.lock.json at the root of "
                             "the project the current folder is in; none outside a project)")
    parser.add_argument("--lock", action="store_true",
                        help="lock what is installed: in the project's lock file, or ./octoclr.lock.json outside a project")
    parser.add_argument("--download-deadline", metavar="SECONDS", type=float,
                        help="how long one download may take in all (default: $OCTOCLR_DOWNLOAD_DEADLINE, else 600)")
    parser.add_argument("--cache-dir", metavar="D", help="cache folder (default: $OCTOCLR_CACHE_DIR, else the user cache folder)")
    parser.add_argument("--package", default="Octopus.Client", help=argparse.SUPPRESS)
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--print-powershell", action="store_true", help="print the Add-Type lines that load the same assemblies, in load order")
    output.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from octoclr.bootstrapper import bootstrap
    from octoclr.locking import lock_path_for_locking

    lock_path = args.lock_file
    if args.lock and not lock_path:
        # Asked to lock: the lock file in force, or a new one here; either way it must be written.
        lock_path = lock_path_for_locking()

    result = bootstrap(
        version=args.version,
        source=args.source,
        framework=args.framework,
        offline=args.offline,
        runtime=None if args.runtime in (None, "auto") else args.runtime,
        lock_path=lock_path,
        cache_dir=args.cache_dir,
        quiet=args.quiet or args.json or args.print_powershell,
        package_id=args.package,
        prerelease=args.prerelease,
        # Asked to bootstrap, online, a damaged cache entry is replaced rather than refused.
        repair=args.repair or not args.offline,
        download_deadline=args.download_deadline,
    )
    if args.print_powershell:
        sys.stdout.write(result.powershell())
    elif args.json:
        print(json.dumps(result.to_dict(), indent=2))
    elif not args.quiet:
        client = result.client
        print(f"{client.id} {client.version} ({result.framework}) from {result.source}"
              + (" [cached]" if result.from_cache else ""))
        for package in result.packages:
            for assembly in package.assemblies:
                print(f"  {package.id} {package.version}: {assembly}")
        if result.lock_path:
            print(f"lock file: {result.lock_path}")
    return 0
