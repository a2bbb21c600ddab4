"""``octoclr serve``: run the Octopus Server simulator in the foreground."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    from octoclr.simulator.server import add_arguments

    parser = subparsers.add_parser(
        "serve",
        help="run the Octopus Server simulator",
        description="Run an Octopus Server simulator on this machine. It prints its URL and the administrator's "
        "credentials, and keeps its state in --data (in memory otherwise).",
    )
    add_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from octoclr.simulator import server

    config = server.config_from_args(args)
    sock = server.bind(config.host, config.port)
    built = server.build(config)
    url = server.url_of(sock)
    where = config.data or "memory (lost when the server stops)"
    print(f"Octopus Server simulator {config.version} listening on {url}", flush=True)
    print(f"  username: {built.username}")
    print(f"  password: {built.password}")
    print(f"  API key:  {built.api_key}")
    print(f"  data:     {where}{'' if built.fresh or not config.data else ' (existing data kept)'}")
    print("Press Ctrl+C to stop.", flush=True)
    server.serve(built, sock)
    return 0
