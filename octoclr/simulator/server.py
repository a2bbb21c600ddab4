"""Build and run the simulator: ``python -m octoclr.simulator.server`` or ``octoclr serve``."""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Sequence

from octoclr import secrets as octoclr_secrets
from octoclr.errors import SimulatorError
from octoclr.simulator import seed as seeding
from octoclr.simulator.app import DEFAULT_MAX_BODY, SimulatorApp
from octoclr.simulator.auth import new_api_key, new_password
from octoclr.simulator.behaviours import Backend
from octoclr.simulator.store import Store

DEFAULT_VERSION = "2024.1.0"
#: Environment variables that carry credentials to a child process without putting them on its command line.
ENV_USERNAME = "OCTOCLR_SIMULATOR_USERNAME"
ENV_PASSWORD = "OCTOCLR_SIMULATOR_PASSWORD"
ENV_API_KEY = "OCTOCLR_SIMULATOR_API_KEY"


@dataclass
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 8065
    data: Optional[str] = None  # SQLite file; None = in memory
    seed: Optional[str] = "demo"  # "demo", "none"/None, or a JSON file
    admin_username: str = "admin"
    admin_password: Optional[str] = None
    api_key: Optional[str] = None
    version: str = DEFAULT_VERSION
    task_duration: float = 0.5
    max_body: int = DEFAULT_MAX_BODY
    installation_id: Optional[str] = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Built:
    app: SimulatorApp
    config: ServerConfig
    username: str
    password: str
    api_key: str
    fresh: bool  # the database was created by this run


def build(config: ServerConfig) -> Built:
    """Open the database, seed it if new, and return the ASGI app with the credentials that work."""
    password = config.admin_password or new_password()
    api_key = config.api_key or new_api_key()
    octoclr_secrets.register(password)
    octoclr_secrets.register(api_key)
    seed_data: Optional[dict[str, Any]] = None
    if config.seed and config.seed.lower() == "demo":
        seed_data = seeding.demo_seed()
    elif config.seed and config.seed.lower() != "none":
        seed_data = seeding.load_seed_file(config.seed)
    if config.data:
        Path(config.data).parent.mkdir(parents=True, exist_ok=True)
    try:
        store = Store(config.data)
    except Exception as error:  # sqlite3 errors: unreadable file, not a database
        raise SimulatorError(f"Cannot open the simulator data file {config.data}: {error}.") from None
    fresh = store.is_empty()
    installation_id = config.installation_id or (None if fresh else store.get_meta("installation_id"))

    # The seeded state lives in a template database: a new data file starts as a copy of it,
    # and /_simulator/reset copies it back.
    template = Store()
    template_backend = Backend(template, version=config.version, task_duration=config.task_duration)
    seeding.bootstrap(template_backend, username=config.admin_username, password=password, api_key=api_key,
                      installation_id=installation_id)
    if seed_data:
        seeding.apply_seed(template_backend, seed_data)
    if fresh:
        template.copy_to(store)
    backend = Backend(store, version=config.version, task_duration=config.task_duration)
    if not fresh:
        seeding.ensure_admin(backend, username=config.admin_username, password=password, api_key=api_key)
    app = SimulatorApp(backend, template=template, max_body=config.max_body)
    return Built(app, config, config.admin_username, password, api_key, fresh)


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP matters: asyncio sets TCP_NODELAY only on accepted sockets whose proto says TCP,
    # and without it a keep-alive client waits for a delayed ACK (40 ms) on every response.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise SimulatorError(f"Cannot listen on {host}:{port}: {error.strerror}. Choose another --port.") from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://{'[' + host + ']' if ':' in host else host}:{port}"


def serve(built: Built, sock: socket.socket) -> None:
    """Run until interrupted."""
    import uvicorn

    try:
        import httptools  # noqa: F401  (several times faster than h11)

        http = "httptools"
    except ImportError:  # pragma: no cover
        http = "h11"
    config = uvicorn.Config(built.app, http=http, loop="asyncio", lifespan="off", log_level="warning",
                            access_log=False, timeout_keep_alive=30, server_header=False, date_header=True)
    server = uvicorn.Server(config)
    server.run(sockets=[sock])


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m octoclr.simulator.server")
    add_arguments(parser)
    parser.add_argument("--ready-file", help="write {url, pid} as JSON to this file once listening")
    parser.add_argument("--parent-pid", type=int, help="stop when this process (the test run that started us) ends")
    return parser.parse_args(argv)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8065, help="port (default 8065; 0 picks a free one)")
    parser.add_argument("--data", help="SQLite file that keeps the state (default: in memory)")
    parser.add_argument("--seed", default="demo", help="'demo' (default), 'none', or a JSON seed file")
    parser.add_argument("--admin-username", default=os.environ.get(ENV_USERNAME, "admin"),
                        help="the administrator's username (default admin)")
    parser.add_argument("--admin-password", help=f"default: ${ENV_PASSWORD} or a random password")
    parser.add_argument("--api-key", help=f"default: ${ENV_API_KEY} or a random key")
    parser.add_argument("--version", dest="server_version", default=DEFAULT_VERSION,
                        help=f"the Octopus Server version to report (default {DEFAULT_VERSION})")
    parser.add_argument("--task-duration", type=float, default=0.5,
                        help="seconds a server task takes to reach Success (default 0.5)")


def config_from_args(args: argparse.Namespace) -> ServerConfig:
    return ServerConfig(
        host=args.host, port=args.port, data=args.data, seed=args.seed, admin_username=args.admin_username,
        admin_password=args.admin_password or os.environ.get(ENV_PASSWORD),
        api_key=args.api_key or os.environ.get(ENV_API_KEY), version=args.server_version,
        task_duration=args.task_duration,
    )


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    try:
        config = config_from_args(args)
        sock = bind(config.host, config.port)
        built = build(config)
    except SimulatorError as error:
        print(f"octoclr simulator: error: {octoclr_secrets.redact(str(error))}", file=sys.stderr)
        return error.exit_code
    if args.ready_file:
        ready = Path(args.ready_file)
        partial = ready.with_suffix(".partial")
        partial.write_text(json.dumps({"url": url_of(sock), "pid": os.getpid()}))
        partial.replace(ready)
    if args.parent_pid:
        _exit_with_parent(args.parent_pid)
    serve(built, sock)
    return 0


def _exit_with_parent(parent_pid: int) -> None:
    """Stop gracefully once the parent is gone, so a killed test run leaves no server behind."""
    import signal
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(0.5)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
