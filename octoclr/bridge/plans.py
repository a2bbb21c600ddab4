"""Plans: per .NET type, how the JSON Newtonsoft writes becomes what ``to_dict`` returns.

A plan holds a type's JSON keys with their Python names and the few values that need
converting (dates, nested objects, ...). Its ``apply`` is Python source generated for
the type and compiled once, the way ``dataclasses`` generates ``__init__``: the checks and
conversions stand in line, with no loop over the fields, because ``to_dict`` of a long
list calls it once per object.

Objects arrive in one of two forms. A contract renamed for ``to_dict`` writes the Python
names itself (and enum names, see ``dicts._rename_contracts``), so the object only needs
``converted_renamed``. Anything else (a converter of the client's writing its own keys,
or a contract resolver that could not be renamed) is renamed here, once per key order.
"""

from __future__ import annotations

import decimal
from typing import Any, Callable, Dict, List, Optional, Tuple

from octoclr.bridge.names import to_snake

Convert = Callable[[Any], Any]

# JSON scalars that generic(), and so Plan.apply, return as they are.
PLAIN = frozenset({str, int, float, bool, type(None)})
_MAX_SHAPES = 64


def generic(value: Any) -> Any:
    """Python data of JSON with no plan: numbers read as ``Decimal`` become floats."""
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, list):
        return [generic(v) for v in value]
    if isinstance(value, dict):
        return {k: generic(v) for k, v in value.items()}
    return value


def plain_values(kind: str, convert: Convert) -> Convert:
    """``convert`` for a dict (``kind="dict"``) or list, skipped when every value is plain already.

    The mark lets a compiled plan make the check in line.
    """
    if kind == "dict":
        def values(items: Any) -> Any:
            return items if PLAIN.issuperset(map(type, items.values())) else convert(items)
    else:
        def values(items: Any) -> Any:
            return items if PLAIN.issuperset(map(type, items)) else convert(items)
    values.plain_values = kind  # type: ignore[attr-defined]
    values.convert = convert  # type: ignore[attr-defined]
    return values


class Plan:
    """JSON keys → Python keys for one type, and the few values that need converting."""

    __slots__ = ("fields", "names", "converted", "converted_renamed", "nested", "python_keys", "_shapes", "_apply")

    def __init__(self) -> None:
        self.fields: Dict[str, Tuple[str, Optional[Convert]]] = {}
        self.names: Dict[str, str] = {}
        self.converted: List[Tuple[str, Convert]] = []
        # What objects written by a renamed contract need converted (None: all of ``converted``).
        self.converted_renamed: Optional[List[Tuple[str, Convert]]] = None
        self.nested: List[Any] = []  # .NET types of nested objects, for contract renaming
        self.python_keys: set = set()
        # The Python keys for each key order met in JSON written with the client's names
        # (a client converter writes its types itself): objects of one class repeat one order.
        self._shapes: Dict[Tuple[str, ...], Tuple[str, ...]] = {}
        self._apply: Convert = self._compile_then_apply

    def add(self, json_key: str, python_key: str, convert: Optional[Convert]) -> None:
        self.fields[json_key] = (python_key, convert)
        self.names[json_key] = python_key
        self.python_keys.add(python_key)
        if convert is not None:
            self.converted.append((python_key, convert))
        self._apply = self._compile_then_apply

    def set_converted_renamed(self, converted: List[Tuple[str, Convert]]) -> None:
        self.converted_renamed = converted
        self._apply = self._compile_then_apply

    def adopt(self, converted: List[Tuple[str, Convert]], converted_renamed: List[Tuple[str, Convert]]) -> None:
        """Take on conversions of keys this type does not have (its subclasses' own, say), once each."""
        if self.converted_renamed is None:
            self.converted_renamed = list(self.converted)
        for target, extra in ((self.converted, converted), (self.converted_renamed, converted_renamed)):
            known = {key for key, _ in target}
            target.extend((key, convert) for key, convert in extra if key not in known)
        self._apply = self._compile_then_apply

    def apply(self, data: Any) -> Any:
        """The Python form of one object's JSON (a dict in either form; anything else as it is)."""
        return self._apply(data)

    def renamed(self, data: Dict[str, Any]) -> Dict[str, Any]:
        """``data`` with its keys given their Python names."""
        keys = tuple(data)
        python_keys = self._shapes.get(keys)
        if python_keys is None:
            names = self.names
            python_keys = tuple(names.get(key) or to_snake(key) for key in keys)
            if len(self._shapes) < _MAX_SHAPES:
                self._shapes[keys] = python_keys
        return dict(zip(python_keys, data.values()))

    def _compile_then_apply(self, data: Any) -> Any:
        self._apply = _compile(self)
        return self._apply(data)


def _compile(plan: Plan) -> Convert:
    namespace: Dict[str, Any] = {
        "generic": generic, "python_keys": plan.python_keys, "names": plan.names, "renamed": plan.renamed,
        "PLAIN": PLAIN, "dict": dict, "next": next, "iter": iter, "map": map, "type": type,
    }

    def conversions(converted: List[Tuple[str, Convert]], indent: str) -> List[str]:
        lines = []
        for key, convert in converted:
            name = f"c{len(namespace)}"
            nested = getattr(convert, "__self__", None)
            if isinstance(nested, Plan) and getattr(convert, "__func__", None) is Plan.apply:
                namespace[name] = nested
                call = f"{name}._apply(v)"  # the nested plan's current apply, compiled or not
            else:
                namespace[name] = getattr(convert, "convert", convert)
                call = f"{name}(v)"
            lines.append(f"{indent}v = result.get({key!r})")
            kind = getattr(convert, "plain_values", None)
            if kind is not None:
                values = "v.values()" if kind == "dict" else "v"
                lines.append(f"{indent}if v is not None and not PLAIN.issuperset(map(type, {values})):")
            else:
                lines.append(f"{indent}if v is not None:")
            lines.append(f"{indent}    result[{key!r}] = {call}")
        return lines

    renamed_conversions = plan.converted if plan.converted_renamed is None else plan.converted_renamed
    source = "\n".join([
        "def apply(data):",
        "    if data.__class__ is not dict:",
        "        return generic(data)",
        "    first = next(iter(data), None)",
        "    if first in python_keys and first not in names:",  # written with Python names already
        "        result = data",
        *conversions(renamed_conversions, "        "),
        "        return result",
        "    result = renamed(data)",
        *conversions(plan.converted, "    "),
        "    return result",
    ])
    exec(compile(source, "<octoclr plan>", "exec"), namespace)  # noqa: S102 - source built above from keys as literals
    return namespace["apply"]
