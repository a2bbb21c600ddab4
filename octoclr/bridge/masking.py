"""Secrets masked in ``to_dict`` output, unless the caller names them.

A secret is what the bridge already treats as one when it registers values for
redaction (:data:`octoclr.bridge.conversion._SECRET_NAME`: members named like a password,
an API key, a secret or a token), plus the value of an object that says of itself that it
is sensitive (an ``IsSensitive`` member that is true beside a ``Value``). Under a secret
key a string becomes :data:`octoclr.secrets.MASK`; an object there (a sensitive value
such as ``{"HasValue": true, "NewValue": "..."}``) keeps its flags and loses its strings;
``None`` stays ``None``.

Whether a type can hold a secret at all (itself, its properties' types, the concrete
classes behind an abstract one) is decided once per type, so objects with none cost one
dictionary lookup; only data of types that can hold one is walked.
"""

from __future__ import annotations

import re
import threading
from typing import Any, Dict, FrozenSet, Iterable, List, Optional, Union

from octoclr.bridge import conversion, reflection
from octoclr.bridge.names import to_snake
from octoclr.secrets import MASK

Reveal = Union[str, Iterable[str]]

_SECRET_NAME = conversion._SECRET_NAME  # the bridge's one notion of a secret member's name
_SENSITIVE_FLAG = re.compile(r"^is_?sensitive$", re.IGNORECASE)
_VALUE = re.compile(r"^value$", re.IGNORECASE)

_lock = threading.RLock()
_holds: Dict[str, bool] = {}
# The keys (JSON and snake_case spellings) of the secret members of every type decided: keys
# are masked by exact name, so that a dictionary's entries (a links dictionary's "ApiKeys")
# are left alone.
_secret_keys: set = set()


NOTHING: FrozenSet[str] = frozenset()


def reveal_set(reveal: Union[bool, Reveal]) -> Optional[FrozenSet[str]]:
    """The member names the caller asked to see, spelled either way (``ApiKey``, ``api_key``); None for all."""
    if reveal is True:
        return None
    if reveal is False or reveal is None or reveal == ():
        return NOTHING
    if isinstance(reveal, str):
        reveal = (reveal,)
    names = []
    for name in reveal:
        if not isinstance(name, str):
            raise TypeError(f"reveal takes member names such as 'ApiKey' or 'password', not {type(name).__name__}")
        names.append(_normal(name))
    return frozenset(names)


def _normal(name: str) -> str:
    return name.replace("_", "").lower()


def holds_secrets(dotnet_type: Any) -> bool:
    """Whether objects of ``dotnet_type`` may carry a secret anywhere in what to_dict writes."""
    if dotnet_type is None:
        return False
    key = reflection.type_key(dotnet_type)
    found = _holds.get(key)
    if found is None:
        with _lock:
            found = _holds.get(key)
            if found is None:
                found = _decide(dotnet_type, key)
    return found


def _decide(dotnet_type: Any, key: str) -> bool:
    from octoclr.bridge import dicts

    _holds[key] = False  # for now: types may refer to themselves
    found = False
    candidates: List[Any] = [dotnet_type]
    candidates.extend(dicts._subclasses(dotnet_type))
    for candidate in candidates:
        info = reflection.type_info(candidate)
        entries = [entry for entry in info.properties.values() if not entry.is_static and entry.readable]
        secret = [entry for entry in entries if _SECRET_NAME.search(entry.name)]
        for entry in secret:
            _secret_keys.update((dicts.json_name(entry), to_snake(entry.name)))
        if secret or any(_SENSITIVE_FLAG.match(entry.name) for entry in entries):
            found = True
        if any([holds_secrets(nested) for nested in dicts.plan_for(candidate).nested]):  # every one: their keys
            found = True
    _holds[key] = found
    return found


def any_holds_secrets(dotnet_types: Iterable[Any]) -> bool:
    return any(holds_secrets(t) for t in dotnet_types)


def mask(data: Any, reveal: FrozenSet[str] = frozenset()) -> Any:
    """``data`` (to_dict's output) with its secrets masked, but for the members named in ``reveal``."""
    if isinstance(data, dict):
        sensitive = any(_SENSITIVE_FLAG.match(k) and v is True for k, v in data.items() if isinstance(k, str))
        result = {}
        for k, v in data.items():
            if (k in _secret_keys or (sensitive and isinstance(k, str) and _VALUE.match(k))) and _normal(k) not in reveal:
                result[k] = _hidden(v)
            else:
                result[k] = mask(v, reveal)
        return result
    if isinstance(data, list):
        return [mask(item, reveal) for item in data]
    return data


def _hidden(value: Any) -> Any:
    if isinstance(value, str):
        return MASK if value else value
    if isinstance(value, dict):
        return {k: _hidden(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_hidden(v) for v in value]
    return value  # None, flags and numbers say nothing secret


def masked(data: Any, dotnet_types: Iterable[Any], reveal: Optional[FrozenSet[str]]) -> Any:
    """``data`` masked where one of the types it was written from can hold a secret; ``reveal=None``: all shown."""
    if reveal is None or not any_holds_secrets(dotnet_types):
        return data
    return mask(data, reveal)
