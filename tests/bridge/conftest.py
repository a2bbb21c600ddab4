"""Fixtures of the bridge tests: a small C# library with unrelated names, built during the run.

``shop`` compiles ``assets/Shop.cs`` (against Debian's real Newtonsoft.Json) for the
framework the runtime of this pass loads, hosts that runtime in this process with
``octoclr.runtime.start`` and loads the library. Its exception types are registered with
the bridge's mapping table, exactly as the client's names are in the default table.
"""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.support.csharp import compile_library, mcs_available

ASSETS = Path(__file__).resolve().parent / "assets"
PERMISSIONS_SHIM = Path(__file__).resolve().parents[1] / "lookalike" / "shims" / "System.Security.Permissions.cs"
NEWTONSOFT_NUPKG = Path("/usr/share/nupkg/Newtonsoft.Json.6.0.8.nupkg")


def _newtonsoft(folder: Path) -> Path:
    target = folder / "Newtonsoft.Json.dll"
    if not target.exists():
        with zipfile.ZipFile(NEWTONSOFT_NUPKG) as archive:
            target.write_bytes(archive.read("lib/net45/Newtonsoft.Json.dll"))
    return target


def _permissions_shim(folder: Path) -> Path:
    """CoreCLR only: Debian's net45 Newtonsoft.Json asks for System.Security.Permissions (see the shim's notes)."""
    key = folder / "shim.snk"
    subprocess.run(["sn", "-q", "-k", str(key)], check=True, capture_output=True)
    signing = folder / "shim.KeyFile.cs"
    signing.write_text(f'[assembly: System.Reflection.AssemblyKeyFile(@"{key}")]\n')
    return compile_library(
        [PERMISSIONS_SHIM, signing], folder / "System.Security.Permissions.dll", framework="netstandard2.0", assembly_version="4.0.3.0"
    )


@pytest.fixture(scope="session")
def shop(runtime_name: str, tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    if not mcs_available() or not NEWTONSOFT_NUPKG.exists():
        pytest.skip("needs mcs and Debian's Newtonsoft.Json nupkg")
    folder = tmp_path_factory.mktemp("shop")
    newtonsoft = _newtonsoft(folder)
    framework = "netstandard2.0" if runtime_name == "coreclr" else "net45"
    library = compile_library([ASSETS / "Shop.cs"], folder / "Acme.Shop.dll", framework=framework, references=[newtonsoft])

    import octoclr.runtime

    octoclr.runtime.start(runtime_name)
    assemblies = [newtonsoft, library]
    if runtime_name == "coreclr" and PERMISSIONS_SHIM.exists():
        assemblies.insert(0, _permissions_shim(folder))
    octoclr.runtime.load_assemblies(assemblies)

    from octoclr import errors
    from octoclr.bridge import api, exceptions

    for name, error_class in {
        "ShopNotFoundException": errors.NotFoundError,
        "ShopValidationException": errors.ValidationError,
        "ShopServerException": errors.ServerError,
        "ShopException": errors.ServerError,
    }.items():
        exceptions.register(name, error_class)
    api.configure(root_namespace="Acme.Shop", model_namespace="Acme.Shop.Model")
    return SimpleNamespace(
        root=api.namespace("Acme.Shop"),
        model=api.namespace("Acme.Shop.Model"),
        errors=api.namespace("Acme.Shop.Errors"),
        folder=folder,
    )
