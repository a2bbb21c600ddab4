"""``octoclr call REPOSITORY METHOD [ARGS...]``: one client call from a shell or PowerShell.

    octoclr call machines get machines-1 --json
    octoclr call projects find-all --space "Space Name"
    octoclr call machines get machines-1 --json | ConvertFrom-Json     # PowerShell
    octoclr call machines find-all --json | jq '.[].Name'

The server and API key come from ``--server``/``--api-key`` or ``OCTOPUS_URL``/
``OCTOPUS_API_KEY`` (the key is never printed or logged). ``--help`` after a repository
lists its methods; ``octoclr call --help`` or ``--list`` lists every repository. Exit
codes follow the error classes of :mod:`octoclr.errors`; 2 means the command line itself
was wrong (an unknown repository or method, unusable arguments).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import textwrap
from typing import Any, Dict, List, Optional, Sequence

import octoclr.secrets as secrets

log = logging.getLogger("octoclr.call")

_EPILOG = """\
arguments are converted to the declared parameter types: numbers, true/false, enum
names, ISO dates, JSON for objects, lists and dictionaries ('@file.json' or '@-' reads
JSON from a file or stdin), 'null' for none; 'name=value' passes a parameter by name.
Method names may be kebab-case (find-all) or snake_case (find_all).
"""


def exit_codes() -> str:
    """The exit codes, from the error classes themselves (octoclr.errors)."""
    from octoclr import errors

    by_code: Dict[int, List[str]] = {0: ["success"], 2: ["bad command line (unknown repository or method, unusable arguments)"]}
    for name in errors.__all__:
        error = getattr(errors, name)
        code = error.exit_code
        inherited = any(getattr(base, "exit_code", None) == code for base in error.__bases__)
        if not inherited:
            by_code.setdefault(code, []).append(name)
    lines = ["exit codes:"]
    lines += [f"  {code:>3}  {', '.join(names)}" for code, names in sorted(by_code.items())]
    return "\n".join(lines)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "call",
        help="call a repository method and print the result (JSON with --json)",
        description="Call a method of a repository of the client, e.g. 'octoclr call machines get machines-1 --json'.",
        epilog=_EPILOG + exit_codes(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        add_help=False,
    )
    parser.add_argument("repository", nargs="?", help="repository, e.g. machines (see --list)")
    parser.add_argument("method", nargs="?", help="method, e.g. get or find-all")
    parser.add_argument("arguments", nargs="*", metavar="ARGS", help="arguments of the method")
    parser.add_argument("-h", "--help", action=_HelpAction, help="show this help and the repositories (or a repository's methods)")
    parser.add_argument("--list", action="store_true", help="list the repositories and their methods")
    parser.add_argument("--json", action="store_true", help="print JSON (for jq and PowerShell's ConvertFrom-Json)")
    parser.add_argument(
        "--style", choices=("json", "python"), default=None,
        help="keys as the REST API writes them (json: Name, Links; the default with --json) or snake_case (python)",
    )
    parser.add_argument(
        "--reveal", action="append", metavar="MEMBER", default=[],
        help="print this secret member (e.g. ApiKey) instead of masking it; may be given more than once",
    )
    parser.add_argument("--space", help="space name (default: OCTOPUS_SPACE, else the default space)")
    parser.add_argument("--server", help="Octopus Server URL (default: OCTOPUS_URL)")
    parser.add_argument("--api-key", dest="api_key", help="API key (default: OCTOPUS_API_KEY; prefer the variable)")
    parser.add_argument("--runtime", help="mono, coreclr, netfx or auto (default: OCTOCLR_RUNTIME or auto)")
    parser.add_argument("--source", help="where to get the client (default: OCTOCLR_SOURCE, else nuget.org)")
    parser.set_defaults(handler=run)
    _redact_parser_errors(parser)


def _redact_parser_errors(parser: argparse.ArgumentParser) -> None:
    """argparse repeats offending arguments in its messages; an API key must not be one of them.

    Unknown options are reported here too (rather than by the main parser, which would
    echo them unredacted), e.g. a mistyped ``--apikey API-...``.
    """
    original_error = parser.error
    original_parse = parser.parse_known_args

    def error(message: str) -> Any:
        original_error(secrets.redact(message, extra=_keys_in_sight()))

    def parse_known_args(args: Any = None, namespace: Any = None) -> Any:
        parsed, extras = original_parse(args, namespace)
        if extras:
            error(f"unrecognized arguments: {' '.join(extras)}")
        return parsed, extras

    parser.error = error  # type: ignore[method-assign]
    parser.parse_known_args = parse_known_args  # type: ignore[method-assign]


def _keys_in_sight() -> List[str]:
    """API keys that may be in this command line or environment, before anything registered them."""
    keys = [os.environ.get("OCTOPUS_API_KEY") or ""]
    argv = sys.argv[1:]
    for index, argument in enumerate(argv):
        if argument.startswith("--api-key="):
            keys.append(argument.split("=", 1)[1])
        elif argument == "--api-key" and index + 1 < len(argv):
            keys.append(argv[index + 1])
    return [k for k in keys if k]


class _HelpAction(argparse.Action):
    """``--help``: the usual help, then what the loaded client offers (loading it takes a moment)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, default: Any = argparse.SUPPRESS, help: Optional[str] = None) -> None:  # noqa: A002
        super().__init__(option_strings=option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any, option_string: Optional[str] = None) -> None:
        parser.print_help()
        print()
        try:
            _load(namespace)
            print("\n".join(listing(getattr(namespace, "repository", None))))
        except Exception as error:  # help must never fail because the client cannot load
            print(f"(the repositories are listed once the client loads: {secrets.redact(str(error))})")
        parser.exit(0)


def _load(args: argparse.Namespace) -> Any:
    import octoclr

    return octoclr.load(runtime=getattr(args, "runtime", None), source=getattr(args, "source", None))


def listing(repository_name: Optional[str] = None) -> List[str]:
    """Lines listing the repositories and their methods (or one repository's methods with signatures)."""
    import octoclr.calls as calls

    available = calls.repositories()
    if repository_name:
        repository = calls.find_repository(repository_name, available)
        lines = [f"methods of {repository.command_name} ({repository.dotnet_type.FullName}):"]
        for method in repository.methods.values():
            lines.append(f"  {method.command_name}")
            lines.extend(f"      {signature}" for signature in method.signatures())
        return lines
    lines = ["repositories and their methods:"]
    width = max((len(r.command_name) for r in available.values()), default=0)
    for repository in available.values():
        names = " ".join(m.command_name for m in repository.methods.values())
        wrapped = textwrap.wrap(names, width=max(40, 100 - width - 4), break_on_hyphens=False) or [""]
        lines.append(f"  {repository.command_name:<{width}}  {wrapped[0]}")
        lines.extend(f"  {'':<{width}}  {more}" for more in wrapped[1:])
    lines.append("'octoclr call REPOSITORY --help' shows a repository's methods with their .NET signatures.")
    return lines


def listing_data() -> Dict[str, Dict[str, List[str]]]:
    import octoclr.calls as calls

    return {
        r.command_name: {m.command_name: m.signatures() for m in r.methods.values()}
        for r in calls.repositories().values()
    }


def run(args: argparse.Namespace) -> int:
    from octoclr.errors import OctoclrError

    try:
        return _run(args)
    except OctoclrError as error:
        # Shell scripts read one line per failure: the server's error list joins the message.
        error.args = (one_line(str(error)),)
        raise


def one_line(message: str) -> str:
    """``message`` on one line: its lines joined, list bullets dropped, repeats left out."""
    parts: List[str] = []
    for line in message.splitlines():
        text = line.strip().lstrip("-*• ").strip()
        if text and text not in parts:
            parts.append(text)
    joined = parts[0] if parts else ""
    for part in parts[1:]:
        joined = f"{joined} {part}" if joined.endswith((".", ":", ";", "!", "?")) else f"{joined}: {part}"
    return joined


def _run(args: argparse.Namespace) -> int:
    import octoclr.calls as calls

    api_key = args.api_key or os.environ.get("OCTOPUS_API_KEY") or None
    secrets.register(api_key)  # before anything can print or log it
    if args.list or not args.repository:
        _load(args)
        if args.json:
            print(json.dumps(listing_data(), indent=2))
        else:
            print("\n".join(listing()))
        return 0 if args.list else 2
    if not args.method:
        raise calls.UsageError(f"which method of {args.repository}? 'octoclr call {args.repository} --help' lists them")
    server = args.server or os.environ.get("OCTOPUS_URL") or None
    if not server:
        raise calls.UsageError("no server: pass --server URL or set OCTOPUS_URL")

    _load(args)
    repository = calls.find_repository(args.repository)
    method = calls.find_method(repository, args.method)
    bound = calls.bind_arguments(method, list(args.arguments))

    import octoclr

    log.info("connecting to %s%s", server, f" (space {args.space})" if args.space else "")
    connection = octoclr.connect(server, api_key, args.space)  # type: ignore[attr-defined]
    target = getattr(connection, repository.python_name)
    label = f"{repository.command_name} {method.command_name}"
    log.info("calling %s.%s", repository.dotnet_name, method.dotnet_name)
    with _RequestCounter(connection, label):
        result = calls.invoke(target, method, bound)
    style = args.style or ("json" if args.json else "python")
    data = calls.plain(result, style, reveal=tuple(args.reveal))
    if args.json:
        text = json.dumps(data, indent=2, ensure_ascii=False)
    elif data is None:
        return 0
    else:
        text = "\n".join(calls.format_text(data))
    # A member the user named in --reveal is shown even when it looks like an API key; the
    # key the call signed in with never is.
    sys.stdout.write(secrets.redact(text, shapes=not args.reveal) + "\n")
    return 0


class _RequestCounter:
    """A progress line on a terminal while a call runs, counting the client's requests.

    The count comes from the client's own events (any public event with one argument on
    the repository's properties, e.g. a request or response notification): pagination
    shows as a growing number of requests. Without such events only the time is shown.
    Nothing is drawn when stderr is not a terminal.
    """

    def __init__(self, connection: Any, label: str) -> None:
        from octoclr.progress import Progress

        self.progress = Progress(label, unit="requests")
        self._subscriptions: List[Any] = []
        self._counts: Dict[str, int] = {}
        if self.progress.enabled:
            self._subscribe(connection)

    def __enter__(self) -> "_RequestCounter":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        for event, raw, handler in self._subscriptions:
            try:
                event.RemoveEventHandler(raw, handler)
            except Exception:
                pass
        self.progress.close()

    def _subscribe(self, connection: Any) -> None:
        from octoclr.bridge.api import unwrap
        from octoclr.bridge.reflection import pyclass_for, type_info, view_types

        try:
            raw_connection = unwrap(connection)
            info = type_info(raw_connection.GetType())
            for name, entry in info.properties.items():
                if entry.is_static or not entry.readable:
                    continue
                events = [e for view in view_types(entry.dotnet_type) for e in view.GetEvents()]
                events = [e for e in events if len(e.EventHandlerType.GetMethod("Invoke").GetParameters()) == 1]
                if not events:
                    continue
                raw = entry.get(raw_connection)
                if raw is None:
                    continue
                for event in events:
                    key = f"{name}.{event.Name}"
                    handler = pyclass_for(event.EventHandlerType)(self._counter(key))
                    event.AddEventHandler(raw, handler)
                    self._subscriptions.append((event, raw, handler))
        except Exception as error:  # progress is a nicety; the call goes on without it
            log.debug("no request count: %s", error)

    def _counter(self, key: str) -> Any:
        def count(_argument: Any) -> None:
            try:
                self._counts[key] = self._counts.get(key, 0) + 1
                self.progress.set_count(max(self._counts.values()))
            except Exception:  # never let a callback break the client's request
                pass

        return count
