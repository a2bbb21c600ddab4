"""The ``octoclr`` command line: one module per subcommand, each with ``register(subparsers)``.

A subcommand's handler returns an exit status. Any :class:`~octoclr.errors.OctoclrError`
ends the command with its one-line message on stderr and the error's exit code; no
traceback unless ``--debug`` is given.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from typing import NoReturn, Optional, Sequence

from octoclr import errors, secrets

# Modules under octoclr.cli, in the order their commands appear in --help.
COMMAND_MODULES = ("bootstrap_cmd", "lock_cmd", "info_cmd", "serve_cmd", "demo_cmd", "call_cmd", "stubs_cmd")


class RedactingParser(argparse.ArgumentParser):
    """argparse echoes the offending arguments in its errors; one of them may be an API key."""

    def error(self, message: str) -> "NoReturn":  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {secrets.redact(message)}\n")


def build_parser(command: Optional[str] = None) -> argparse.ArgumentParser:
    """The parser of every command, or of ``command`` alone (a module name of COMMAND_MODULES)."""
    parser = RedactingParser(
        prog="octoclr",
        description="Drive Octopus Deploy from Python through the official Octopus.Client.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logging")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what octoclr does")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in [command] if command else COMMAND_MODULES:
        importlib.import_module(f"octoclr.cli.{name}").register(subparsers)
    return parser


def _named_command(argv: Sequence[str]) -> Optional[str]:
    """The module of the command ``argv`` names, when it names one.

    Each command imports what it needs (the simulator, the bootstrapper...); a command
    that runs once per shell command should not pay for the others. Only the top-level
    help, which lists them all, needs every module.
    """
    for word in argv:
        if not word.startswith("-"):
            module = f"{word}_cmd"
            return module if module in COMMAND_MODULES else None
    return None


def _configure_logging(debug: bool, verbose: bool) -> None:
    level = logging.DEBUG if debug else logging.INFO if verbose else logging.WARNING
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("octoclr: %(message)s"))
    handler.addFilter(secrets.RedactingFilter())
    logger = logging.getLogger("octoclr")
    logger.addHandler(handler)
    logger.setLevel(level)
    secrets.install_log_filter()


def main(argv: Optional[Sequence[str]] = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(_named_command(arguments))
    args = parser.parse_args(arguments)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    _configure_logging(args.debug, args.verbose)
    try:
        return int(args.handler(args) or 0)
    except errors.OctoclrError as exc:
        if args.debug:
            raise
        print(f"octoclr: error: {secrets.redact(str(exc))}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("octoclr: interrupted", file=sys.stderr)
        return 130
