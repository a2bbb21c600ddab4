"""The bridge's public functions, and the hook behind ``octoclr.<Name>`` at top level.

``top_level(name)`` answers for ``octoclr.__getattr__``: ``"model"`` is the configured
model namespace, any other name a public type of the configured root namespace. Both
namespaces are configuration (:func:`configure`), not knowledge of the bridge.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace
from typing import Any, Callable, Optional


@dataclass(frozen=True)
class BridgeConfig:
    #: The namespace whose public types are attributes of the ``octoclr`` package.
    root_namespace: str = "Octopus.Client"
    #: The namespace ``octoclr.model`` stands for.
    model_namespace: str = "Octopus.Client.Model"
    #: The attribute name of the model namespace at top level.
    model_attribute: str = "model"


config = BridgeConfig()

#: Called before the first top-level look-up when no runtime is hosted yet
#: (``octoclr/__init__.py`` points it at ``octoclr.load``).
loader: Optional[Callable[[], Any]] = None


def configure(**changes: Any) -> BridgeConfig:
    """Change the root or model namespace (``configure(root_namespace="Acme.Shop")``)."""
    global config
    config = replace(config, **changes)
    return config


def ensure_runtime() -> None:
    if "clr" in sys.modules:
        return
    (loader or _default_loader)()


def top_level(name: str) -> Any:
    """The value of ``octoclr.<name>`` for names the package does not define itself."""
    if name.startswith("_"):
        raise AttributeError(name)
    ensure_runtime()
    from octoclr.bridge.namespaces import namespace as _namespace

    if name == config.model_attribute:
        return _namespace(config.model_namespace)
    try:
        return getattr(_namespace(config.root_namespace), name)
    except AttributeError:
        if not _client_loaded():
            # A runtime is hosted but the client is not loaded yet: load it, then look again.
            (loader or _default_loader)()
    try:
        return getattr(_namespace(config.root_namespace), name)
    except AttributeError as error:
        raise AttributeError(f"module 'octoclr' has no attribute '{name}' ({error})") from None


def _client_loaded() -> bool:
    from octoclr import runtime

    return runtime.current() is not None


def _default_loader() -> Any:
    import octoclr

    return octoclr.load()


def wrap(raw: Any) -> Any:
    """The proxy for a pythonnet object; other values are returned unchanged."""
    ensure_runtime()
    from octoclr.bridge.proxy import wrap as _wrap

    return _wrap(raw)


def unwrap(value: Any) -> Any:
    """The pythonnet object behind a proxy (a proxy class gives the pythonnet class)."""
    ensure_runtime()
    from octoclr.bridge.proxy import unwrap as _unwrap

    return _unwrap(value)


def to_dict(value: Any, style: str = "python", reveal: Any = ()) -> Any:
    """Plain Python data for a .NET object or a list of them; ``style="json"`` gives the REST shape.

    Secrets (API keys, passwords, tokens, sensitive values) come out masked unless named in
    ``reveal`` (``reveal=("ApiKey",)``, either spelling), or ``reveal=True`` for all of them.
    """
    ensure_runtime()
    from octoclr.bridge.dicts import to_dict as _to_dict

    return _to_dict(value, style, reveal)


def from_dict(data: Any, type: Any, strict: bool = True) -> Any:  # noqa: A002  (public name)
    """A new .NET object of ``type`` (proxy class, pythonnet class, System.Type or name) from ``data``."""
    ensure_runtime()
    from octoclr.bridge.dicts import from_dict as _from_dict

    return _from_dict(data, type, strict)


def namespace(name: str) -> Any:
    """The public types of a .NET namespace as proxy classes."""
    ensure_runtime()
    from octoclr.bridge.namespaces import namespace as _namespace

    return _namespace(name)


def register_exception(type_name: str, error_class: Any) -> None:
    """Convert .NET exceptions named ``type_name`` (and subclasses) to ``error_class``."""
    ensure_runtime()
    from octoclr.bridge.exceptions import register

    register(type_name, error_class)
