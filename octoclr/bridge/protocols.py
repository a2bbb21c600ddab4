# The prototypes below are copied onto proxy classes, which have ``_raw`` and the Mapping
# and Sequence methods; checked on their own, they lack them.
# mypy: disable-error-code="attr-defined,call-overload,operator"
"""Python protocols for .NET collection and disposal interfaces, added once at the interface.

Registered as customizers (like JPype's ``_jcollection``): every proxy whose type
implements ``IEnumerable`` iterates, ``IList``/``IList<T>`` behave as mutable sequences,
``IDictionary``/``IDictionary<K, V>`` as mutable mappings with ``KeyError``, and
``IDisposable`` objects are (async) context managers. Items come back through the same
result conversion as everything else.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping, MutableSequence
from typing import Any, Iterator

from octoclr.bridge import conversion, reflection
from octoclr.bridge.customizers import implementation_for
from octoclr.errors import ConversionError, InvalidTextError, KeyNotFoundError


def _element_target(raw: Any, definition: str, index: int) -> Any:
    for interface in [raw.GetType(), *raw.GetType().GetInterfaces()]:
        if interface.IsGenericType and interface.GetGenericTypeDefinition().FullName == definition:
            return conversion.target(interface.GetGenericArguments()[index])
    return conversion.target(conversion.clr_type(__import__("System").Object))


@implementation_for("System.Collections.IEnumerable", "System.Collections.Generic.IEnumerable`1")
class _Enumerable:
    def __iter__(self) -> Iterator[Any]:
        for item in self._raw:
            yield conversion.to_python(item)


@implementation_for("System.Collections.Generic.ICollection`1", "System.Collections.ICollection")
class _Collection:
    def __len__(self) -> int:
        return int(self._raw.Count)


@implementation_for("System.Collections.IList", "System.Collections.Generic.IList`1")
class _List:
    def __len__(self) -> int:
        return int(self._raw.Count)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return conversion.to_python(self._raw[_index(self, index)])

    def __setitem__(self, index: Any, value: Any) -> None:
        self._raw[_index(self, index)] = _convert_item(self, value)

    def __delitem__(self, index: Any) -> None:
        self._raw.RemoveAt(_index(self, index))

    def __repr__(self) -> str:
        return repr(list(self))

    __str__ = __repr__

    def insert(self, index: int, value: Any) -> None:
        self._raw.Insert(max(0, min(index if index >= 0 else len(self) + index, len(self))), _convert_item(self, value))

    def append(self, value: Any) -> None:
        self._raw.Add(_convert_item(self, value))

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, (list, tuple)):
            return list(self) == list(other)
        from octoclr.bridge.proxy import Proxy

        return Proxy.__eq__(self, other)  # type: ignore[arg-type]

    __hash__ = None  # type: ignore[assignment]

    # MutableSequence's mixin methods (extend, pop, remove, index, count, reverse...)
    for _name in ("extend", "pop", "remove", "index", "count", "reverse", "__contains__", "__reversed__", "__iadd__", "clear"):
        locals()[_name] = getattr(MutableSequence, _name)
    del _name


def _index(sequence: Any, index: int) -> int:
    if not isinstance(index, int):
        raise TypeError(f"list indices must be integers, not {type(index).__name__}")
    length = len(sequence)
    if index < 0:
        index += length
    if not 0 <= index < length:
        raise IndexError("list index out of range")
    return index


def _convert_item(sequence: Any, value: Any) -> Any:
    target = _element_target(sequence._raw, "System.Collections.Generic.IList`1", 0)
    return conversion.to_dotnet(value, target, "list item")


@implementation_for("System.Collections.IDictionary", "System.Collections.Generic.IDictionary`2", "System.Collections.Generic.IReadOnlyDictionary`2")
class _Dictionary:
    def _targets(self) -> Any:
        for definition in ("System.Collections.Generic.IDictionary`2", "System.Collections.Generic.IReadOnlyDictionary`2"):
            try:
                return _element_target(self._raw, definition, 0), _element_target(self._raw, definition, 1)
            except Exception:
                continue
        raise TypeError("not a dictionary")

    def _key(self, key: Any) -> Any:
        """The .NET key for ``key``; KeyNotFoundError for one no key of this dictionary can be (None, another type)."""
        if key is None:  # a .NET dictionary throws for a null key: none is ever there
            raise _missing(self, key, " (its keys are never None)")
        try:
            return conversion.to_dotnet(key, self._targets()[0], f"{reflection.describe_type(self._raw.GetType())} key")
        except ConversionError as error:
            if isinstance(error, InvalidTextError):
                raise  # text that cannot be a key of anything: say so, not "not found"
            raise _missing(self, key, f" ({error})") from None

    def __getitem__(self, key: Any) -> Any:
        dotnet_key = self._key(key)
        if not self._raw.ContainsKey(dotnet_key):
            raise _missing(self, key)
        return conversion.property_to_python(self._raw[dotnet_key])

    def __setitem__(self, key: Any, value: Any) -> None:
        key_target, value_target = self._targets()
        what = reflection.describe_type(self._raw.GetType())
        if key is None:
            raise ConversionError(f"{what}: None cannot be a key of a .NET dictionary")
        dotnet_key = conversion.to_dotnet(key, key_target, f"{what} key")
        self._raw[dotnet_key] = conversion.to_dotnet(value, value_target, f"{what}[{key!r}]")

    def __delitem__(self, key: Any) -> None:
        if not self._raw.Remove(self._key(key)):
            raise _missing(self, key)

    def __contains__(self, key: Any) -> bool:
        try:
            return bool(self._raw.ContainsKey(self._key(key)))
        except KeyError:
            return False

    def __iter__(self) -> Iterator[Any]:
        for key in self._raw.Keys:
            yield conversion.to_python(key)

    def __len__(self) -> int:
        return int(self._raw.Count)

    def __repr__(self) -> str:
        return repr(dict(self.items()))

    __str__ = __repr__

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, Mapping):
            return dict(self.items()) == dict(other.items())
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    for _name in ("keys", "items", "values", "get", "pop", "popitem", "clear", "update", "setdefault"):
        locals()[_name] = getattr(MutableMapping, _name)
    del _name


def _missing(mapping: Any, key: Any, detail: str = "") -> KeyNotFoundError:
    from octoclr.secrets import redact

    what = reflection.describe_type(mapping._raw.GetType())
    return KeyNotFoundError(redact(f"{what} has no key {key!r}{detail}"), key=key)


@implementation_for("System.IDisposable")
class _Disposable:
    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        _dispose(self._raw)

    async def __aenter__(self) -> Any:
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        _dispose(self._raw)



def _dispose(raw: Any) -> None:
    import System

    System.IDisposable(raw).Dispose()
