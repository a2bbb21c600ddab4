"""Test support: run the Octopus Server simulator in its own process.

    from octoclr.testing import Simulator

    with Simulator() as octopus:
        endpoint = OctopusServerEndpoint(octopus.url, octopus.api_key)
        ...

The server always runs in a separate process: pythonnet keeps the GIL while .NET runs a
property getter, so a server on a thread of the calling process could deadlock a
blocking client call. The pytest plugin (:mod:`octoclr.pytest_plugin`) wraps this class
in fixtures.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Mapping, NamedTuple, Optional, Union

from octoclr import secrets
from octoclr.errors import SimulatorError

__all__ = ["Simulator", "Endpoint"]

DEFAULT_VERSION = "2024.1.0"


class Endpoint(NamedTuple):
    url: str
    api_key: str


class Simulator:
    """A running simulator: ``url``, ``api_key``, ``username``, ``password``; faults and reset.

    ``seed`` is ``"demo"`` (default), ``None``/``"none"`` for only the administrator and
    the default space, a path to a JSON seed file, or the seed itself as a mapping.
    ``data`` keeps the state in that SQLite file (in memory otherwise), so a second
    ``Simulator`` on the same file sees everything the first one wrote.
    """

    def __init__(
        self,
        *,
        seed: Union[str, Path, Mapping[str, Any], None] = "demo",
        data: Union[str, Path, None] = None,
        version: str = DEFAULT_VERSION,
        username: str = "admin",
        password: Optional[str] = None,
        api_key: Optional[str] = None,
        host: str = "127.0.0.1",
        port: int = 0,
        task_duration: float = 0.2,
        startup_timeout: float = 30.0,
    ) -> None:
        from octoclr.simulator.auth import new_api_key, new_password

        self.seed = seed
        self.data = str(data) if data else None
        self.version = version
        self.username = username
        self.password = password or new_password()
        self.api_key = api_key or new_api_key()
        secrets.register(self.password)
        secrets.register(self.api_key)
        self.host = host
        self.port = port
        self.task_duration = task_duration
        self.startup_timeout = startup_timeout
        self.url = ""
        self._process: Optional[subprocess.Popen[bytes]] = None
        self._workdir: Optional[Path] = None

    def __repr__(self) -> str:
        state = self.url or "not started"
        return f"<Simulator {state}>"

    # --- lifecycle ------------------------------------------------------------------

    def __enter__(self) -> "Simulator":
        return self.start()

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()

    @property
    def endpoint(self) -> Endpoint:
        return Endpoint(self.url, self.api_key)

    @property
    def pid(self) -> Optional[int]:
        return self._process.pid if self._process else None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> "Simulator":
        if self.running:
            return self
        if self._workdir is None:
            self._workdir = Path(tempfile.mkdtemp(prefix="octoclr-simulator-"))
        ready = self._workdir / "ready.json"
        ready.unlink(missing_ok=True)
        self.url = ""  # learnt from the ready file: with port 0 every start gets a new port
        command = [sys.executable, "-m", "octoclr.simulator", "--host", self.host, "--port", str(self.port),
                   "--seed", self._seed_argument(), "--version", self.version, "--admin-username", self.username,
                   "--task-duration", str(self.task_duration), "--ready-file", str(ready),
                   "--parent-pid", str(os.getpid())]
        if self.data:
            command += ["--data", self.data]
        # Credentials travel in the environment, never on a command line other users can read.
        env = {**os.environ, "OCTOCLR_SIMULATOR_PASSWORD": self.password, "OCTOCLR_SIMULATOR_API_KEY": self.api_key}
        log = open(self._workdir / "server.log", "ab")
        try:
            self._process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=env)
        finally:
            log.close()
        try:
            self._wait_until_ready(ready)
        except BaseException:
            self.stop()
            raise
        return self

    def _seed_argument(self) -> str:
        if self.seed is None:
            return "none"
        if isinstance(self.seed, Mapping):
            assert self._workdir is not None
            path = self._workdir / "seed.json"
            path.write_text(json.dumps(self.seed))
            return str(path)
        return str(self.seed)

    def _wait_until_ready(self, ready: Path) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise SimulatorError(f"The simulator exited with status {self._process.returncode} while starting:\n"
                                     f"{self._log_tail()}")
            if not self.url and ready.exists():
                self.url = json.loads(ready.read_text())["url"]
            if self.url:
                try:
                    with urllib.request.urlopen(self.url + "/api", timeout=2) as response:
                        if response.status == 200:
                            return
                except (urllib.error.URLError, OSError):
                    pass
            time.sleep(0.02)
        raise SimulatorError(f"The simulator did not answer on /api within {self.startup_timeout:.0f} s. "
                             f"Its log:\n{self._log_tail()}")

    def read_log(self) -> str:
        """What the server process wrote to stdout and stderr so far (it logs warnings and errors only)."""
        if self._workdir is None:
            return ""
        try:
            return (self._workdir / "server.log").read_text(errors="replace")
        except OSError:
            return ""

    def _log_tail(self) -> str:
        if self._workdir is None:
            return ""
        try:
            text = (self._workdir / "server.log").read_text(errors="replace")
        except OSError:
            return ""
        return secrets.redact(text[-3000:], [self.password, self.api_key])

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 5 s) and remove its temporary files."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.url = ""
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None

    def kill(self) -> None:
        """End the server abruptly (SIGKILL), as a crash would; the data file stays."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.kill()  # SIGKILL on POSIX: no shutdown code runs
            process.wait()

    def restart(self) -> "Simulator":
        """Stop and start again with the same data file and credentials (a new port if it was 0)."""
        if self.running:
            self.stop()
        return self.start()

    # --- control routes ------------------------------------------------------------------

    def _control(self, method: str, action: str, body: Any = None) -> Any:
        if not self.url:
            raise SimulatorError("The simulator is not running; start it first (use it in a with block).")
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(f"{self.url}/_simulator/{action}", data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace")
            raise SimulatorError(f"The simulator refused {method} /_simulator/{action}: {error.code} {detail}") from None

    def reset(self) -> None:
        """Back to the seeded state (and no faults)."""
        self._control("POST", "reset", {})

    def set_fault(
        self,
        path: str = "*",
        *,
        method: Optional[str] = None,
        latency: float = 0.0,
        status: Optional[int] = None,
        drop: bool = False,
        body: Optional[str] = None,
        times: Optional[int] = None,
    ) -> None:
        """Make matching requests slow (``latency`` s), fail (``status``), lose their connection (``drop``)
        or answer ``body`` verbatim (``""``: no content, ``"null"``: a JSON null; with ``status``, else 200).

        ``path`` is an fnmatch pattern such as ``/api/*/machines*``; ``times`` limits the
        fault to the next N matching requests.
        """
        self._control("POST", "faults", {"path": path, "method": method, "latency": latency, "status": status,
                                         "drop": drop, "body": body, "times": times})

    def faults(self) -> list[dict[str, Any]]:
        return list(self._control("GET", "faults"))

    def clear_faults(self) -> None:
        self._control("DELETE", "faults")
