"""Build the look-alike ``Octopus.Client`` (and the unrelated ``Acme.Inventory``) during the test run.

The real client is never vendored. ``tests/lookalike/Octopus.Client/*.cs`` follows its
public surface for a working subset; this module compiles it with ``mcs`` for ``net45``
and ``netstandard2.0`` against Debian's Newtonsoft.Json 6.0.8 and packs it as a .nupkg::

    build = build_lookalike(build_dir)        # LookalikeBuild: dlls per framework, Newtonsoft, shim
    build.assemblies("coreclr")               # what to load, in order, for a runtime
    package = pack_lookalike(build_dir)       # Octopus.Client.22.5.0.nupkg for the local feed
    acme = build_acme(build_dir)              # Acme.Inventory.dll

Builds are cached under ``build_dir`` in a folder named by a hash of the sources and the
compiler, so a session compiles once however many tests ask, and an edited source
rebuilds. A build is written to a temporary folder and renamed into place, so a failed
compile never leaves a half-built cache entry.

On CoreCLR, Debian's net45 Newtonsoft.Json needs ``System.Security.Permissions``, which
.NET Core does not ship; the netstandard2.0 folder carries a test-only stand-in
(``tests/lookalike/shims``), strong-named with a key generated for the build.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence

from tests.support.csharp import compile_library
from tests.support.nupkg import NEWTONSOFT_NUPKG, build_nupkg, client_dependencies, newtonsoft_dll

LOOKALIKE_DIR = Path(__file__).resolve().parent.parent / "lookalike"
CLIENT_SOURCE_DIR = LOOKALIKE_DIR / "Octopus.Client"
ACME_SOURCE_DIR = LOOKALIKE_DIR / "acme"
SHIM_SOURCE = LOOKALIKE_DIR / "shims" / "System.Security.Permissions.cs"

FRAMEWORKS = ("net45", "netstandard2.0")
#: The package version of the look-alike (the public surface it follows is 22.5).
CLIENT_VERSION = "22.5.0"
CLIENT_ASSEMBLY_VERSION = "22.5.0.0"
#: The assembly version Newtonsoft.Json 6.0.8's forwarded permission types are looked up with.
SHIM_ASSEMBLY_VERSION = "4.0.3.0"


@dataclass(frozen=True)
class LookalikeBuild:
    """The compiled look-alike: one ``Octopus.Client.dll`` per framework and what it needs."""

    folder: Path
    client: Dict[str, Path]  # framework -> Octopus.Client.dll
    newtonsoft: Path  # Debian's Newtonsoft.Json.dll (lib/net45)
    permissions_shim: Path  # System.Security.Permissions stand-in, for CoreCLR only

    def framework_for(self, runtime_name: str) -> str:
        """The folder a runtime loads: Mono takes net45, CoreCLR netstandard2.0."""
        return "netstandard2.0" if runtime_name == "coreclr" else "net45"

    def assemblies(self, runtime_name: str) -> List[Path]:
        """The files to load into ``runtime_name``, dependencies first."""
        framework = self.framework_for(runtime_name)
        files = [self.newtonsoft]
        if framework == "netstandard2.0":
            files.append(self.permissions_shim)
        files.append(self.client[framework])
        return files


def _sources(folder: Path) -> List[Path]:
    sources = sorted(folder.glob("*.cs"))
    if not sources:
        raise FileNotFoundError(f"no C# sources in {folder}")
    return sources


def _compiler_identity() -> str:
    result = subprocess.run(["mcs", "--version"], capture_output=True, text=True)
    return result.stdout.strip()


def _fingerprint(parts: Sequence[Path], *extra: str) -> str:
    digest = hashlib.sha256()
    for path in parts:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    for text in extra:
        digest.update(text.encode())
    return digest.hexdigest()[:16]


def _cached(build_dir: Path, name: str, fingerprint: str, build: Callable[[Path], None]) -> Path:
    """``build_dir/<name>-<fingerprint>``, built by ``build(folder)`` into a temporary folder first."""
    target = build_dir / f"{name}-{fingerprint}"
    if target.is_dir():
        return target
    build_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=build_dir))
    try:
        build(work)
        try:
            os.replace(work, target)
        except OSError:
            if not target.is_dir():  # another process won the race: use its build
                raise
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    return target


def _signing_key(folder: Path) -> Path:
    """A fresh strong-name key: CoreCLR wants a strong name for a reference with a token, any will do."""
    key = folder / "shim.snk"
    result = subprocess.run(["sn", "-q", "-k", str(key)], capture_output=True, text=True)
    if result.returncode != 0 or not key.exists():
        raise RuntimeError(f"sn -k failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return key


def _compile_shim(source: Path, output: Path, key: Path) -> Path:
    output.parent.mkdir(parents=True, exist_ok=True)
    info = output.with_suffix(".AssemblyInfo.cs")
    info.write_text(f'[assembly: System.Reflection.AssemblyVersion("{SHIM_ASSEMBLY_VERSION}")]\n')
    command = ["mcs", "-target:library", "-sdk:4.5", "-nowarn:0436", "-debug-", "-optimize+",
               f"-keyfile:{key}", f"-out:{output}", "-r:System.dll", str(source), str(info)]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"mcs failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return output


def build_lookalike(build_dir: Path) -> LookalikeBuild:
    """Compile the look-alike for both frameworks (cached by source hash under ``build_dir``)."""
    newtonsoft = newtonsoft_dll(build_dir)
    sources = _sources(CLIENT_SOURCE_DIR)
    fingerprint = _fingerprint([*sources, SHIM_SOURCE, NEWTONSOFT_NUPKG], _compiler_identity(), CLIENT_ASSEMBLY_VERSION)

    def build(folder: Path) -> None:
        for framework in FRAMEWORKS:
            compile_library(sources, folder / framework / "Octopus.Client.dll", framework=framework,
                            references=[newtonsoft], assembly_version=CLIENT_ASSEMBLY_VERSION)
        _compile_shim(SHIM_SOURCE, folder / "shim" / "System.Security.Permissions.dll", _signing_key(folder))

    folder = _cached(build_dir, "lookalike", fingerprint, build)
    return LookalikeBuild(
        folder=folder,
        client={framework: folder / framework / "Octopus.Client.dll" for framework in FRAMEWORKS},
        newtonsoft=newtonsoft,
        permissions_shim=folder / "shim" / "System.Security.Permissions.dll",
    )


def pack_lookalike(build_dir: Path, version: str = CLIENT_VERSION, output_dir: Optional[Path] = None) -> Path:
    """``octopus.client.<version>.nupkg`` with both frameworks, depending on Newtonsoft.Json."""
    build = build_lookalike(build_dir)
    output_dir = output_dir or build.folder / "packages"
    path = output_dir / f"octopus.client.{version}.nupkg".lower()
    if path.exists():
        return path
    return build_nupkg(
        output_dir,
        "Octopus.Client",
        version,
        libs={
            "net45": [build.client["net45"]],
            "netstandard2.0": [build.client["netstandard2.0"], build.permissions_shim],
        },
        dependencies=client_dependencies(),
    )


def build_acme(build_dir: Path, framework: str = "net45") -> Path:
    """``Acme.Inventory.dll``, a library unrelated to Octopus (no dependencies)."""
    sources = _sources(ACME_SOURCE_DIR)
    fingerprint = _fingerprint(sources, _compiler_identity(), framework)

    def build(folder: Path) -> None:
        compile_library(sources, folder / "Acme.Inventory.dll", framework=framework, assembly_version="1.2.0.0")

    return _cached(build_dir, f"acme-{framework}", fingerprint, build) / "Acme.Inventory.dll"
