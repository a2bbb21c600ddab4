"""``octoclr stubs --out DIR``: type stubs of the loaded client for editors and mypy."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "stubs",
        help="write .pyi type stubs of the loaded client (for editors and mypy)",
        description=(
            "Load the client and write a stub package for octoclr into DIR/octoclr: one module per "
            ".NET namespace of the client, with snake_case members, Python types and the .NET "
            "signatures as docstrings. Put DIR on MYPYPATH for mypy; VS Code (Pylance) and pyright "
            "read ./typings by default, so 'octoclr stubs --out typings' in a project needs no setting."
        ),
    )
    parser.add_argument("--out", required=True, metavar="DIR", help="folder to write the stub package into")
    parser.add_argument("--runtime", help="mono, coreclr, netfx or auto (default: OCTOCLR_RUNTIME or auto)")
    parser.add_argument("--version", dest="client_version", help="Octopus.Client version or NuGet range")
    parser.add_argument("--source", help="NuGet feed URL, folder, .nupkg file or Octopus program folder")
    parser.add_argument("--framework", help="target framework folder to use, e.g. net45 or netstandard2.0")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import octoclr
    import octoclr.stubs as stubs

    octoclr.load(runtime=args.runtime, version=args.client_version, source=args.source, framework=args.framework)
    written = stubs.generate(args.out)
    print(f"wrote {len(written)} stub files to {args.out}")
    print(f"use them with: MYPYPATH={args.out} mypy your_script.py")
    return 0
