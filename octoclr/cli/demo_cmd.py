"""``octoclr demo``: the main job, every documented flow against the embedded simulator."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="fetch Octopus.Client, start the simulator and walk through the documented flows",
        description=(
            "Bootstraps Octopus.Client (from --source, OCTOCLR_SOURCE or nuget.org), starts the embedded "
            "Octopus Server simulator with demo data, and runs each flow of the client's documentation, "
            "printing the Python line and what came back."
        ),
    )
    parser.add_argument("--runtime", help="mono, coreclr, netfx or auto (default: OCTOCLR_RUNTIME or auto)")
    parser.add_argument(
        "--source",
        help="NuGet feed URL, folder of .nupkg files or Octopus program folder (default: OCTOCLR_SOURCE or nuget.org)",
    )
    parser.add_argument("--version", dest="client_version", help="Octopus.Client version or NuGet range")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import octoclr.demo as demo  # not "from octoclr import demo": the package answers unknown names with .NET types

    return demo.run(runtime=args.runtime, source=args.source, version=args.client_version)
