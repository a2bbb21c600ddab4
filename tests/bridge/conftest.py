"""Fixtures of the bridge tests: libraries built during the run and loaded into this process.

``shop`` compiles ``assets/Shop.cs`` — a small library with names unrelated to Octopus —
against Debian's real Newtonsoft.Json for the framework the runtime of this pass loads,
hosts that runtime with ``octoclr.runtime.start`` and loads it. Its exception types are
registered with the bridge's mapping table, as the client's names are in the default
table. ``octopus`` loads the look-alike Octopus.Client into the same process, and
``shapes`` the library of every shape Newtonsoft.Json writes (``assets/Shapes.cs``).
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

import pytest

from tests.support.csharp import compile_library, mcs_available
from tests.support.nupkg import NEWTONSOFT_NUPKG

if TYPE_CHECKING:
    from tests.support.lookalike import LookalikeBuild

ASSETS = Path(__file__).resolve().parent / "assets"


@pytest.fixture(scope="session")
def lookalike_build(build_dir: Path) -> "LookalikeBuild":
    """The look-alike Octopus.Client with Debian's Newtonsoft.Json (and, for CoreCLR, its shim)."""
    if not mcs_available() or not NEWTONSOFT_NUPKG.exists():
        pytest.skip("needs mcs and Debian's Newtonsoft.Json nupkg")
    from tests.support.lookalike import build_lookalike

    return build_lookalike(build_dir)


@pytest.fixture(scope="session")
def shop(runtime_name: str, lookalike_build: "LookalikeBuild", tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    folder = tmp_path_factory.mktemp("shop")
    framework = lookalike_build.framework_for(runtime_name)
    library = compile_library(
        [ASSETS / "Shop.cs"], folder / "Acme.Shop.dll", framework=framework, references=[lookalike_build.newtonsoft]
    )
    dependencies = [p for p in lookalike_build.assemblies(runtime_name) if p.stem != "Octopus.Client"]

    import octoclr.runtime

    octoclr.runtime.start(runtime_name)
    octoclr.runtime.load_assemblies([*dependencies, library])

    from octoclr import errors
    from octoclr.bridge import api, exceptions

    for name, error_class in {
        "ShopNotFoundException": errors.NotFoundError,
        "ShopValidationException": errors.ValidationError,
        "ShopServerException": errors.ServerError,
        "ShopException": errors.ServerError,
    }.items():
        exceptions.register(name, error_class)
    return SimpleNamespace(
        root=api.namespace("Acme.Shop"),
        model=api.namespace("Acme.Shop.Model"),
        errors=api.namespace("Acme.Shop.Errors"),
        folder=folder,
    )


@pytest.fixture(scope="session")
def octopus(runtime_name: str, lookalike_build: "LookalikeBuild", shop: SimpleNamespace) -> SimpleNamespace:
    import octoclr.runtime
    from octoclr.bridge import api

    octoclr.runtime.load_assemblies(lookalike_build.assemblies(runtime_name))
    return SimpleNamespace(client=api.namespace("Octopus.Client"), model=api.namespace("Octopus.Client.Model"))


@pytest.fixture(scope="session")
def shapes(shop: SimpleNamespace, runtime_name: str, lookalike_build: "LookalikeBuild", tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """The Shapes library, loaded beside the Shop library (whose fixture hosts the runtime)."""
    library = compile_library(
        [ASSETS / "Shapes.cs"],
        tmp_path_factory.mktemp("shapes") / "Acme.Shapes.dll",
        framework=lookalike_build.framework_for(runtime_name),
        references=[lookalike_build.newtonsoft],
    )
    import octoclr.runtime

    octoclr.runtime.load_assemblies([library])
    import Acme.Shapes as module  # noqa: F401  (a namespace of the loaded library)
    import Newtonsoft.Json as newtonsoft

    return SimpleNamespace(module=module, newtonsoft=newtonsoft, samples=list(module.Samples.All()))


@pytest.fixture(scope="session")
def acme(shop: SimpleNamespace, build_dir: Path) -> SimpleNamespace:
    """``Acme.Inventory`` (``tests/lookalike/acme``), loaded beside the Shop library; no dependencies."""
    from tests.support.lookalike import build_acme

    import octoclr.runtime
    from octoclr.bridge import api

    octoclr.runtime.load_assemblies([build_acme(build_dir)])
    return SimpleNamespace(inventory=api.namespace("Acme.Inventory"))
