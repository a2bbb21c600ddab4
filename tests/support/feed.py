"""A NuGet v3 feed on 127.0.0.1 for tests: a service index and a flat container serving .nupkg files.

    with NuGetTestFeed() as feed:
        feed.add_package(path)            # any time, also while serving
        feed.url                          # the service index: http://127.0.0.1:<port>/v3/index.json
        feed.v2_url                       # the same packages as a NuGet v2 (OData) feed
        feed.fail(".nupkg", status=500)   # next matching request answers 500 (then normally)
        feed.hang("index.json")           # next matching request never answers (until stop)
        feed.truncate(".nupkg")           # next matching download stops halfway
        feed.dribble(".nupkg", 2.0)       # matching downloads send one byte every 2 s
        feed.tamper("octopus.client.8")   # matching downloads serve changed bytes from now on
        feed.count("/octopus.client/8.2.0/")  # how many requests matched

It runs in a thread (``http.server``), so a session fixture can serve it to the whole
suite; each fault is armed for a number of requests (``times``), or for good (``times=None``).
"""

from __future__ import annotations

import json
import re
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Dict, List, Optional, Tuple

_FAULTS = ("status", "hang", "truncate", "tamper", "dribble")


def _nuspec_identity(path: Path) -> Tuple[str, str]:
    with zipfile.ZipFile(path) as archive:
        name = next(n for n in archive.namelist() if "/" not in n and n.lower().endswith(".nuspec"))
        text = archive.read(name).decode("utf-8-sig")
    package_id = re.search(r"<id>\s*([^<]+?)\s*</id>", text).group(1)  # type: ignore[union-attr]
    version = re.search(r"<version>\s*([^<]+?)\s*</version>", text).group(1)  # type: ignore[union-attr]
    return package_id, version


class _Fault:
    def __init__(self, kind: str, pattern: str, times: Optional[int], status: int = 500, interval: float = 0.0) -> None:
        self.kind, self.pattern, self.times, self.status, self.interval = kind, pattern, times, status, interval


class NuGetTestFeed:
    def __init__(self, packages: Optional[List[Path]] = None, *, hang_seconds: float = 60.0) -> None:
        self._packages: Dict[str, Dict[str, Path]] = {}
        self._faults: List[_Fault] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self.hang_seconds = hang_seconds
        self.requests: List[str] = []
        self._server: Optional[ThreadingHTTPServer] = None
        self._thread: Optional[threading.Thread] = None
        for package in packages or ():
            self.add_package(package)

    # --- packages ---------------------------------------------------------------------------

    def add_package(self, path: Path, *, as_id: Optional[str] = None, as_version: Optional[str] = None) -> None:
        """Serve ``path``; ``as_id``/``as_version`` list it under another identity (broken packages)."""
        if as_id is None or as_version is None:
            package_id, version = _nuspec_identity(path)
            as_id, as_version = as_id or package_id, as_version or version
        with self._lock:
            self._packages.setdefault(as_id.lower(), {})[as_version.lower()] = Path(path)

    def remove_package(self, package_id: str, version: Optional[str] = None) -> None:
        with self._lock:
            if version is None:
                self._packages.pop(package_id.lower(), None)
            else:
                self._packages.get(package_id.lower(), {}).pop(version.lower(), None)

    # --- faults -------------------------------------------------------------------------------

    def _arm(self, fault: _Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def fail(self, pattern: str, status: int = 500, times: Optional[int] = 1) -> None:
        self._arm(_Fault("status", pattern, times, status))

    def hang(self, pattern: str, times: Optional[int] = None) -> None:
        self._arm(_Fault("hang", pattern, times))

    def truncate(self, pattern: str, times: Optional[int] = None) -> None:
        self._arm(_Fault("truncate", pattern, times))

    def tamper(self, pattern: str, times: Optional[int] = None) -> None:
        self._arm(_Fault("tamper", pattern, times))

    def dribble(self, pattern: str, interval: float = 2.0, times: Optional[int] = None) -> None:
        """Answer at once, then send the body one byte every ``interval`` seconds (each read is quick enough)."""
        self._arm(_Fault("dribble", pattern, times, interval=interval))

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def reset(self) -> None:
        """Forget faults and counted requests (between tests sharing one feed)."""
        with self._lock:
            self._faults.clear()
            self.requests.clear()

    def _take_fault(self, path: str) -> Optional[_Fault]:
        with self._lock:
            for fault in self._faults:
                if fault.pattern in path:
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            self._faults.remove(fault)
                    return fault
        return None

    def count(self, pattern: str) -> int:
        with self._lock:
            return sum(1 for p in self.requests if pattern in p)

    # --- serving ------------------------------------------------------------------------------

    @property
    def base(self) -> str:
        assert self._server is not None, "the feed is not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def url(self) -> str:
        return f"{self.base}/v3/index.json"

    @property
    def v2_url(self) -> str:
        return f"{self.base}/api/v2"

    def start(self) -> "NuGetTestFeed":
        feed = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:  # noqa: N802
                feed._handle(self)

        self._stopping.clear()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="nuget-test-feed", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> "NuGetTestFeed":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _send(self, handler: BaseHTTPRequestHandler, status: int, body: bytes, content_type: str) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path.split("?", 1)[0]
        with self._lock:
            self.requests.append(path)
        fault = self._take_fault(path)
        if fault and fault.kind == "hang":
            self._stopping.wait(self.hang_seconds)
            handler.close_connection = True
            return
        if fault and fault.kind == "status":
            self._send(handler, fault.status, b"simulated failure", "text/plain")
            return
        body, content_type = self._route(path, handler.path)
        if body is None:
            self._send(handler, 404, b"not found", "text/plain")
            return
        if fault and fault.kind == "tamper":
            middle = len(body) // 2
            body = body[:middle] + bytes([body[middle] ^ 0xFF]) + body[middle + 1:]
        if fault and fault.kind == "dribble":
            handler.send_response(200)
            handler.send_header("Content-Type", content_type)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            try:
                for index in range(len(body)):
                    handler.wfile.write(body[index:index + 1])
                    handler.wfile.flush()
                    if self._stopping.wait(fault.interval):
                        break
            except OSError:  # the client gave up: what the fault is for
                pass
            handler.close_connection = True
            return
        if fault and fault.kind == "truncate":
            handler.send_response(200)
            handler.send_header("Content-Type", content_type)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body[: len(body) // 2])
            handler.wfile.flush()
            handler.close_connection = True
            return
        self._send(handler, 200, body, content_type)

    def _route(self, path: str, full_path: str) -> Tuple[Optional[bytes], str]:
        if path == "/v3/index.json":
            index = {
                "version": "3.0.0",
                "resources": [
                    {"@id": f"{self.base}/v3/flatcontainer/", "@type": "PackageBaseAddress/3.0.0"},
                ],
            }
            return json.dumps(index).encode(), "application/json"
        match = re.fullmatch(r"/v3/flatcontainer/([^/]+)/index\.json", path)
        if match:
            with self._lock:
                versions = self._packages.get(match.group(1))
                listing = sorted(versions) if versions else None
            if listing is None:
                return None, ""
            return json.dumps({"versions": listing}).encode(), "application/json"
        match = re.fullmatch(r"/v3/flatcontainer/([^/]+)/([^/]+)/([^/]+)\.nupkg", path)
        if match:
            package_id, version, name = match.groups()
            with self._lock:
                package = self._packages.get(package_id, {}).get(version)
            if package is None or name != f"{package_id}.{version}":
                return None, ""
            return package.read_bytes(), "application/octet-stream"
        if path == "/api/v2/FindPackagesById()":
            from urllib.parse import parse_qs, urlsplit
            from xml.sax.saxutils import escape

            package_id = parse_qs(urlsplit(full_path).query).get("id", ["''"])[0].strip("'").lower()
            with self._lock:
                versions = sorted(self._packages.get(package_id, {}))
            entries = "".join(
                f"<entry><m:properties><d:Version>{escape(v)}</d:Version></m:properties></entry>" for v in versions
            )
            feed = (
                '<feed xmlns="http://www.w3.org/2005/Atom" '
                'xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata" '
                f'xmlns:d="http://schemas.microsoft.com/ado/2007/08/dataservices">{entries}</feed>'
            )
            return feed.encode(), "application/atom+xml"
        match = re.fullmatch(r"/api/v2/package/([^/]+)/([^/]+)", path)
        if match:
            with self._lock:
                package = self._packages.get(match.group(1).lower(), {}).get(match.group(2).lower())
            return (package.read_bytes(), "application/octet-stream") if package else (None, "")
        return None, ""


def unreachable_url() -> str:
    """A feed URL where nothing listens (a port just released)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v3/index.json"


# --- session fixtures, for any conftest to import ---------------------------------------------
#
#     from tests.support.feed import nuget_feed, nuget_test_packages  # noqa: F401
#
# ``nuget_test_packages`` builds the look-alike Octopus.Client (7.1.0, 8.2.0, 11.0.0,
# 22.0.0-beta) once per session beside Debian's Newtonsoft.Json 6.0.8; ``nuget_feed``
# serves them for the whole session. Serve more with ``nuget_feed.add_package(path)``;
# call ``nuget_feed.reset()`` between tests that arm faults or count requests.

import shutil  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from typing import Iterator  # noqa: E402

import pytest  # noqa: E402

CLIENT_VERSIONS = ("7.1.0", "8.2.0", "11.0.0", "22.0.0-beta")


@dataclass
class BuiltPackages:
    folder: Path  # every good package, as a feed folder holds them
    client_dlls: Dict[str, Path]  # {"net45": Octopus.Client.dll, "netstandard2.0": ...}
    newtonsoft: Path
    clients: Dict[str, Path] = field(default_factory=dict)  # {version: .nupkg}

    def all(self) -> List[Path]:
        return [self.newtonsoft, *self.clients.values()]


@pytest.fixture(scope="session")
def nuget_test_packages(build_dir: Path) -> BuiltPackages:
    from tests.support.csharp import mcs_available
    from tests.support.nupkg import NEWTONSOFT_NUPKG, build_test_client, compile_test_client

    if not mcs_available():
        pytest.skip("mcs (mono-devel) is needed to build the test packages")
    if not NEWTONSOFT_NUPKG.is_file():
        pytest.skip(f"{NEWTONSOFT_NUPKG} (Debian's nupkg-newtonsoft.json) is needed")
    folder = build_dir / "nuget-feed"
    folder.mkdir(exist_ok=True)
    newtonsoft = folder / "newtonsoft.json.6.0.8.nupkg"
    shutil.copyfile(NEWTONSOFT_NUPKG, newtonsoft)
    dlls = compile_test_client(build_dir)
    packages = BuiltPackages(folder, dlls, newtonsoft)
    for version in CLIENT_VERSIONS:
        packages.clients[version] = build_test_client(folder, version, dlls)
    return packages


@pytest.fixture(scope="session")
def nuget_feed(nuget_test_packages: BuiltPackages) -> Iterator[NuGetTestFeed]:
    with NuGetTestFeed(nuget_test_packages.all(), hang_seconds=30) as feed:
        yield feed
