"""``octoclr lock``: create or update the project's lock file, or check it (``--check``), and nothing else."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "lock",
        help="create or update the project's lock file (--check: verify it is up to date, write nothing)",
        description=(
            "Resolve and verify Octopus.Client and the packages it needs for each runtime, as a bootstrap "
            "does, and record them in the lock file: the project's octoclr.lock.json, or one in the current "
            "folder outside a project. The file changes once with every runtime's result, or not at all. "
            "With --check nothing is written, and the exit status is 1 when the lock file is missing or "
            "would change."
        ),
    )
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 when the lock file is missing or lacks what a bootstrap would lock")
    parser.add_argument("--runtime", action="append", choices=("auto", "mono", "coreclr", "netfx"),
                        help="runtime to lock for; repeat for several (default: $OCTOCLR_RUNTIME, else auto)")
    parser.add_argument("--version", metavar="V|RANGE", help="exact version (11.0.0) or NuGet range; default: the locked one, else newest stable")
    parser.add_argument("--source", metavar="S", help="feed URL, folder, .nupkg or program folder (default: as octoclr bootstrap)")
    parser.add_argument("--framework", metavar="TFM", help="target framework, e.g. net48 or netstandard2.0 (default: what the runtime needs)")
    parser.add_argument("--offline", action="store_true", help="use only the cache (and, with no source named, the machine's package folders)")
    parser.add_argument("--prerelease", action="store_true", help="allow prerelease versions")
    parser.add_argument("--lock-file", metavar="P", help="lock file path (default: $OCTOCLR_LOCK_FILE, else the project's, else ./octoclr.lock.json)")
    parser.add_argument("--download-deadline", metavar="SECONDS", type=float,
                        help="how long one download may take in all (default: $OCTOCLR_DOWNLOAD_DEADLINE, else 600)")
    parser.add_argument("--cache-dir", metavar="D", help="cache folder (default: $OCTOCLR_CACHE_DIR, else the user cache folder)")
    parser.add_argument("--package", default="Octopus.Client", help=argparse.SUPPRESS)
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing; the exit status tells")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from octoclr.locking import lock_project

    runtimes = [None if r == "auto" else r for r in args.runtime or ["auto"]]
    report = lock_project(
        runtimes,
        check=args.check,
        version=args.version,
        source=args.source,
        framework=args.framework,
        offline=args.offline,
        prerelease=args.prerelease,
        lock_file=args.lock_file,
        cache_dir=args.cache_dir,
        download_deadline=args.download_deadline,
        package_id=args.package,
        quiet=args.quiet or args.json,
    )
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    elif not args.quiet:
        _print(report, args.check)
    return 1 if args.check and not report.up_to_date else 0


def _print(report: Any, check: bool) -> None:
    if check and report.up_to_date:
        print(f"{report.path} is up to date")
        return
    if check:
        problem = "does not exist" if not report.existed else "is out of date"
        print(f"{report.path} {problem}; run `octoclr lock` to update it", file=sys.stderr)
    elif report.written:
        print(f"{'updated' if report.existed else 'wrote'} {report.path}")
    else:
        print(f"{report.path} is up to date")
    stream = sys.stderr if check else sys.stdout
    for line in report.changed:
        print(f"  target {line}", file=stream)
    for line in report.added:
        print(f"  package {line}", file=stream)
