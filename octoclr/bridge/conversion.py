"""Values across the boundary: Python → .NET for a declared type, .NET → Python for results.

Python → .NET follows narrow rules per target type (JPype's lesson: broad implicit
conversions make overloads ambiguous). :func:`score` says how well a value fits a
parameter type (None: not at all) and drives overload resolution; :func:`to_dotnet`
converts. The rules:

=====================================  ===================================================
target                                 accepts
=====================================  ===================================================
proxy / raw .NET object                an object of an assignable type
``string``, numbers, ``bool``          ``str``, ``int``, ``float``, ``bool`` (no bool → int); numbers within
                                       the type's range (else ConversionOverflowError)
``decimal``                            ``decimal.Decimal``, ``int``, ``float``
enum                                   a member name (case-insensitive, ``"A, B"`` for flags), a defined
                                       number (any in range for flags); else InvalidEnumValueError
``Nullable<T>``, reference types       ``None``
``DateTimeOffset`` / ``DateTime``      ``datetime`` (naive means UTC for DateTimeOffset), ISO text
``TimeSpan``, ``Guid``                 ``timedelta``; ``uuid.UUID`` or text
delegate (``Func<T, bool>``...)        a Python callable; its arguments arrive as Python values
``T[]``, ``List<T>``, ``IEnumerable<T>``  a list, tuple, set or other non-text iterable
``IDictionary<K, V>``, ``Dictionary``  a ``dict``
class with a parameterless constructor a ``dict`` of its settable properties (see dicts.py)
type with ``implicit operator(string)`` ``str``
``Stream``                             a binary file, ``bytes``, ``bytearray``, ``memoryview``, ``io.BytesIO``
                                       or anything with ``read`` (see streams.py)
``object``                             anything: dict → Dictionary<string, object>, list → List<object>
=====================================  ===================================================

Text is checked for what a .NET string cannot hold (lone surrogates, see
:mod:`octoclr.bridge.text`) wherever it goes: a ``string``, ``char`` or ``object`` slot, a
list item, a dictionary key or value, a type name, a GUID. A .NET object where text is
declared is refused unless its type converts to string implicitly: its ``ToString()`` is
never sent in the text's place. Errors are :class:`octoclr.errors.ConversionError` and its
subclasses, naming the member and the position (argument, key, list index).

The other direction, .NET → Python, is :mod:`octoclr.bridge.results`.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import math
import re
import uuid
from typing import Any, Callable, Dict, Iterable, Optional, Tuple

import clr
import System
from System import DateTimeOffset, TimeSpan
from System.Globalization import CultureInfo

from octoclr.bridge import reflection, streams
from octoclr.bridge.reflection import clr_type, pyclass_for, type_key
from octoclr.bridge.text import checked as _checked_text
from octoclr.bridge.text import checked_data as _checked_data
from octoclr.errors import ConversionError, ConversionOverflowError, InvalidEnumValueError

Converter = Callable[[Any], Any]

_INVARIANT = CultureInfo.InvariantCulture
_EPOCH_TICKS = 621355968000000000  # DateTime(1970, 1, 1).Ticks

_INTEGER_TYPES = {
    "System.Int32": 3, "System.Int64": 2, "System.Int16": 1, "System.Byte": 1, "System.SByte": 1,
    "System.UInt16": 1, "System.UInt32": 1, "System.UInt64": 1,
}
#: The values each integer type holds (an enum: its underlying type's).
_INTEGER_RANGES = {
    "System.Int32": (-2**31, 2**31 - 1), "System.Int64": (-2**63, 2**63 - 1), "System.Int16": (-2**15, 2**15 - 1),
    "System.Byte": (0, 2**8 - 1), "System.SByte": (-2**7, 2**7 - 1), "System.UInt16": (0, 2**16 - 1),
    "System.UInt32": (0, 2**32 - 1), "System.UInt64": (0, 2**64 - 1),
}
_FLOAT_TYPES = {"System.Double": 3, "System.Single": 2}
_SINGLE_MAX = 3.4028234663852886e38
_DECIMAL_MAX = decimal.Decimal("79228162514264337593543950335")
_ITERABLE_DEFINITIONS = {
    "System.Collections.Generic.IEnumerable`1",
    "System.Collections.Generic.ICollection`1",
    "System.Collections.Generic.IList`1",
    "System.Collections.Generic.IReadOnlyList`1",
    "System.Collections.Generic.IReadOnlyCollection`1",
    "System.Collections.Generic.List`1",
}
_DICTIONARY_DEFINITIONS = {
    "System.Collections.Generic.IDictionary`2",
    "System.Collections.Generic.IReadOnlyDictionary`2",
    "System.Collections.Generic.Dictionary`2",
}


_dotnet_classes: Dict[type, bool] = {}


def is_dotnet(value: Any) -> bool:
    """Whether ``value`` is a raw pythonnet object (an instance of a .NET type)."""
    pyclass = type(value)
    known = _dotnet_classes.get(pyclass)
    if known is None:
        known = _dotnet_classes[pyclass] = isinstance(value, System.Object)
    return known


def _proxy_module():
    from octoclr.bridge import proxy

    return proxy


def raw_of(value: Any) -> Any:
    """The pythonnet object behind a proxy, or ``value`` itself."""
    return getattr(value, "_raw", value) if _proxy_module().is_proxy(value) else value


# --------------------------------------------------------------------------------------
# Target types: one small rule object per .NET type, cached


class Target:
    """How Python values fit one .NET type."""

    __slots__ = ("type", "name", "definition", "nullable", "is_value_type", "element", "key", "value_type", "kind", "bounds",
                 "_members")

    def __init__(self, dotnet_type: Any) -> None:
        self.type = dotnet_type
        self.name = dotnet_type.FullName or dotnet_type.Name
        self.definition = (
            dotnet_type.GetGenericTypeDefinition().FullName if dotnet_type.IsGenericType else self.name
        )
        self.is_value_type = bool(dotnet_type.IsValueType)
        self.nullable = not self.is_value_type
        self.element: Optional[Target] = None
        self.key: Optional[Target] = None
        self.value_type: Optional[Target] = None
        #: (lowest, highest) value of an integer type or of an enum's underlying type.
        self.bounds: Optional[Tuple[int, int]] = None
        self._members: Optional[Tuple[Dict[str, str], frozenset, bool]] = None
        self.kind = self._classify()
        if self.kind == "int":
            self.bounds = _INTEGER_RANGES[self.name]
        elif self.kind == "enum":
            self.bounds = _INTEGER_RANGES.get(System.Enum.GetUnderlyingType(dotnet_type).FullName)

    def members(self) -> Tuple[Dict[str, str], frozenset, bool]:
        """An enum's names (lowercase → exact), its defined values, and whether it is a [Flags] enum; read once."""
        if self._members is None:
            names = {str(n).lower(): str(n) for n in System.Enum.GetNames(self.type)}
            values = frozenset(int(System.Convert.ToInt64(v)) for v in System.Enum.GetValues(self.type))
            flags = bool(self.type.IsDefined(clr_type(System.FlagsAttribute), False))
            self._members = (names, values, flags)
        return self._members

    def _classify(self) -> str:
        t = self.type
        if self.definition == "System.Nullable`1":
            inner = target(t.GetGenericArguments()[0])
            self.element = inner
            self.nullable = True
            return "nullable"
        if t.IsGenericParameter:
            return "object"
        if self.name == "System.Object":
            return "object"
        if self.name == "System.String":
            return "string"
        if self.name == "System.Boolean":
            return "bool"
        if self.name in _INTEGER_TYPES:
            return "int"
        if self.name in _FLOAT_TYPES:
            return "float"
        if self.name == "System.Decimal":
            return "decimal"
        if self.name == "System.Char":
            return "char"
        if self.name == "System.DateTimeOffset":
            return "datetimeoffset"
        if self.name == "System.DateTime":
            return "datetime"
        if self.name == "System.TimeSpan":
            return "timespan"
        if self.name == "System.Guid":
            return "guid"
        if self.name == "System.Type":
            return "type"
        if streams.is_stream_type(t):
            return "stream"
        if t.IsEnum:
            return "enum"
        if clr_type(System.Delegate).IsAssignableFrom(t) and t != clr_type(System.Delegate):
            return "delegate"
        if t.IsArray:
            self.element = target(t.GetElementType())
            return "array"
        if t.IsGenericType and self.definition in _DICTIONARY_DEFINITIONS:
            key, value = t.GetGenericArguments()
            self.key, self.value_type = target(key), target(value)
            return "dictionary"
        if t.IsGenericType and self.definition in _ITERABLE_DEFINITIONS:
            self.element = target(t.GetGenericArguments()[0])
            return "list"
        if _dictionary_interface(t) is not None and _has_default_constructor(t):
            key, value = _dictionary_interface(t).GetGenericArguments()
            self.key, self.value_type = target(key), target(value)
            return "dictionary_class"
        collection = _generic_interface(t, "System.Collections.Generic.ICollection`1")
        if collection is not None and t.IsClass and not t.IsAbstract and _has_default_constructor(t):
            self.element = target(collection.GetGenericArguments()[0])
            return "collection_class"
        if t.IsClass and not t.IsAbstract and _has_default_constructor(t):
            return "object_class"
        if (t.IsAbstract or t.IsInterface) and not _generic_interface(t, "System.Collections.Generic.IEnumerable`1"):
            return "abstract"
        return "other"

    def __repr__(self) -> str:
        return f"<Target {self.name} {self.kind}>"


def _has_default_constructor(t: Any) -> bool:
    return t.GetConstructor(System.Type.EmptyTypes) is not None


def _generic_interface(t: Any, definition: str) -> Any:
    for interface in t.GetInterfaces():
        if interface.IsGenericType and interface.GetGenericTypeDefinition().FullName == definition:
            return interface
    return None


def _dictionary_interface(t: Any) -> Any:
    for interface in t.GetInterfaces():
        if interface.IsGenericType and interface.GetGenericTypeDefinition().FullName == "System.Collections.Generic.IDictionary`2":
            return interface
    return None


_targets: Dict[str, Target] = {}


def target(dotnet_type: Any) -> Target:
    key = type_key(dotnet_type)
    found = _targets.get(key)
    if found is None:
        found = _targets[key] = Target(dotnet_type)
    return found


# --------------------------------------------------------------------------------------
# Scoring: how well a Python value fits a target (None: not at all)

_TEXT = (str, bytes)


def _is_iterable(value: Any) -> bool:
    if isinstance(value, (list, tuple, set, frozenset)):
        return True
    if isinstance(value, (str, bytes, dict)) or is_dotnet(value) or _proxy_module().is_proxy(value):
        return False
    return hasattr(value, "__iter__")


def _runtime_type(value: Any) -> Any:
    raw = raw_of(value)
    if is_dotnet(raw):
        return raw.GetType()
    return None


def score(value: Any, t: Target, ranges: bool = True) -> Optional[int]:
    """How well ``value`` fits ``t`` (higher is closer), None when it does not.

    A number outside the range of an integer type does not fit it (so ``2**40`` picks a
    ``long`` overload over an ``int`` one); ``ranges=False`` lets it fit, to tell an
    argument that is too large from one of the wrong kind.
    """
    kind = t.kind
    if value is None:
        return 2 if t.nullable else None
    proxy = _proxy_module()
    if proxy.is_proxy(value) or is_dotnet(value):
        runtime = _runtime_type(value)
        if runtime is None:
            return None
        if t.kind == "nullable":
            return score(value, t.element, ranges)  # type: ignore[arg-type]
        if runtime == t.type:
            return 4
        if t.type.IsAssignableFrom(runtime):
            return 1 if kind == "object" else 3
        # C# converts implicitly only where the type says so (a link to its text); never by ToString().
        if kind == "string" and _implicit_to_string(runtime) is not None:
            return 1
        return None
    if kind == "object":
        return 1
    if kind == "nullable":
        return score(value, t.element, ranges)  # type: ignore[arg-type]
    if kind == "string":
        return 4 if isinstance(value, str) else None
    if kind == "bool":
        return 4 if isinstance(value, bool) else None
    if kind == "int":
        if isinstance(value, int) and not isinstance(value, bool):
            low, high = t.bounds  # type: ignore[misc]
            return _INTEGER_TYPES[t.name] if (low <= value <= high or not ranges) else None
        return None
    if kind == "float":
        if isinstance(value, float):
            if ranges and t.name == "System.Single" and abs(value) > _SINGLE_MAX and math.isfinite(value):
                return None
            return _FLOAT_TYPES[t.name]
        if isinstance(value, int) and not isinstance(value, bool):
            return 1
        return None
    if kind == "decimal":
        if isinstance(value, decimal.Decimal):
            return 4
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return 1
        return None
    if kind == "char":
        return 2 if isinstance(value, str) and len(value) == 1 else None
    if kind == "enum":
        if isinstance(value, str):
            return 3 if _enum_names_fit(t, value) else None
        if isinstance(value, int) and not isinstance(value, bool):
            return 1 if (_enum_number_fits(t, value) or not ranges) else None
        return None
    if kind in ("datetimeoffset", "datetime"):
        if isinstance(value, _dt.datetime):
            return 3
        if isinstance(value, _dt.date) and kind == "datetime":
            return 2
        if isinstance(value, str) and _parse_iso(value) is not None:
            return 1
        return None
    if kind == "timespan":
        return 3 if isinstance(value, _dt.timedelta) else None
    if kind == "guid":
        return 3 if isinstance(value, uuid.UUID) else (1 if isinstance(value, str) else None)
    if kind == "type":
        return 3 if isinstance(value, type) and (proxy.is_proxy_class(value) or _is_pythonnet_class(value)) else (1 if isinstance(value, str) else None)
    if kind == "delegate":
        return 2 if callable(value) and not isinstance(value, type) else None
    if kind == "stream":
        return 3 if streams.fits(value) else None
    if kind in ("array", "list", "collection_class"):
        if not _is_iterable(value):
            return None
        if isinstance(value, (list, tuple)) and t.element is not None and score_items(value, t.element, ranges) is None:
            return None
        return 2
    if kind in ("dictionary", "dictionary_class"):
        return 3 if isinstance(value, dict) else None
    if kind == "abstract":
        return 1 if isinstance(value, dict) else None
    if kind == "object_class":
        if isinstance(value, dict):
            return 2
        if isinstance(value, str) and _implicit_from_string(t.type) is not None:
            return 2
        return None
    if isinstance(value, str) and _implicit_from_string(t.type) is not None:
        return 2
    return None


def score_items(items: Iterable[Any], element: Target, ranges: bool = True) -> Optional[int]:
    """The worst fit of ``items`` for ``element`` (4 for none), None when one does not fit.

    Items of one class fit alike: a .NET object is asked its type once per class, not per item.
    """
    worst = 4
    by_class: Dict[type, Optional[int]] = {}
    for item in items:
        cls = type(item)
        if cls in by_class and cls not in _VALUE_DEPENDENT:
            fit = by_class[cls]
        else:
            fit = by_class[cls] = score(item, element, ranges)
        if fit is None:
            return None
        worst = min(worst, fit)
    return worst


#: Python types whose fit depends on the value, not only on the class.
_VALUE_DEPENDENT = frozenset({str, int, float, list, tuple, type(None)})


def _enum_names_fit(t: Target, text: str) -> bool:
    names = t.members()[0]
    parts = [p.strip().lower() for p in text.split(",")]
    return bool(parts) and all(p in names for p in parts)


def _enum_number_fits(t: Target, number: int) -> bool:
    """A defined value, or for a [Flags] enum any number its underlying type holds."""
    _, values, flags = t.members()
    if flags:
        low, high = t.bounds or (-2**63, 2**64 - 1)
        return low <= number <= high
    return number in values


def _is_pythonnet_class(value: type) -> bool:
    try:
        clr.GetClrType(value)
        return True
    except Exception:
        return False


# --------------------------------------------------------------------------------------
# Python → .NET


_SECRET_NAME = re.compile(r"password|apikey|api_key|secret|token", re.IGNORECASE)


def note_secret(name: str, value: Any) -> None:
    """Register text given for a member or parameter whose name says it is a secret.

    The bridge knows no types, but names like ``Password`` or ``apiKey`` speak for
    themselves: their values are masked in every message octoclr formats from then on.
    """
    if isinstance(value, str) and _SECRET_NAME.search(name):
        from octoclr import secrets

        secrets.register(value)


def to_dotnet(value: Any, t: Target, what: str = "value") -> Any:
    """Convert ``value`` for a .NET slot of type ``t``; raise ConversionError naming ``what``.

    Every value bound for .NET passes here, text included: this is where a ``str`` is checked
    for what a .NET string cannot hold (:mod:`octoclr.bridge.text`), at any depth of a list or
    dictionary, since their items come back here one by one.
    """
    kind = t.kind
    if value is None:
        if not t.nullable:
            raise misfit(value, t, what)
        return None
    proxy = _proxy_module()
    if proxy.is_proxy(value):
        value = value._raw
    if is_dotnet(value):
        return _dotnet_value(value, t, what)
    try:
        converter = _CONVERTERS[kind]
    except KeyError:
        converter = _convert_other
    if score(value, t) is None:
        raise misfit(value, t, what)
    return converter(value, t, what)


def _dotnet_value(value: Any, t: Target, what: str) -> Any:
    """A .NET object for a slot of type ``t``: as it is where it fits, through the type's own implicit conversion to text."""
    if t.kind == "string" and not isinstance(value, System.String):
        implicit = _implicit_to_string(value.GetType())
        if implicit is None:
            raise ConversionError(
                f"{what}: cannot use a {reflection.describe_type(value.GetType())} as string (it has no implicit "
                "conversion to text; pass the text you mean, an id or a name, instead of the object)"
            )
        return implicit.Invoke(None, System.Array[System.Object]([value]))
    if t.kind not in ("object", "nullable") and score(value, t) is None:
        raise misfit(value, t, what)
    return value


def misfit(value: Any, t: Target, what: str) -> ConversionError:
    """The error for a value that does not fit ``t``: out of range, no enum member, or of the wrong kind."""
    inner = t.element if t.kind == "nullable" and t.element is not None else t
    described = reflection.describe_type(t.type)
    if value is None:
        return ConversionError(f"{what}: None given where a {described} value is required")
    if inner.kind in ("array", "list", "collection_class") and isinstance(value, (list, tuple)) and inner.element is not None:
        for index, item in enumerate(value):  # the item that does not fit, by its position
            if score(item, inner.element) is None:
                return misfit(item, inner.element, f"{what}[{index}]")
    if inner.kind == "enum" and not is_dotnet(value) and isinstance(value, (str, int)) and not isinstance(value, bool):
        names = ", ".join(inner.members()[0].values())
        return InvalidEnumValueError(f"{what}: {_short(value)} is not a member of {described} (its members: {names})")
    if score(value, t, ranges=False) is not None:
        low, high = inner.bounds or (None, None)
        limits = f" ({low} to {high})" if low is not None else ""
        return ConversionOverflowError(f"{what}: {_short(value)} is outside the range of {described}{limits}")
    return ConversionError(f"{what}: cannot use {type(value).__name__} {_short(value)} as {described}")


def _short(value: Any) -> str:
    from octoclr.secrets import redact

    text = repr(value)
    return redact(text if len(text) <= 60 else text[:57] + "...")


def _convert_object(value: Any, t: Target, what: str) -> Any:
    if isinstance(value, dict):
        return to_dotnet(value, target(clr_type(System.Collections.Generic.Dictionary[System.String, System.Object])), what)
    if _is_iterable(value):
        return to_dotnet(list(value), target(clr_type(System.Collections.Generic.List[System.Object])), what)
    if isinstance(value, decimal.Decimal):
        return _convert_decimal(value, t, what)
    if isinstance(value, _dt.datetime):
        return _convert_datetimeoffset(value, t, what)
    if isinstance(value, type):
        return _convert_type(value, t, what)
    if isinstance(value, str):
        return _checked_text(value, what)
    return value


def _convert_identity(value: Any, t: Target, what: str) -> Any:
    return value


def _convert_text(value: Any, t: Target, what: str) -> Any:
    return _checked_text(value, what)


def _convert_nullable(value: Any, t: Target, what: str) -> Any:
    return to_dotnet(value, t.element, what)  # type: ignore[arg-type]


def _convert_decimal(value: Any, t: Target, what: str) -> Any:
    exact = decimal.Decimal(repr(value)) if isinstance(value, float) else decimal.Decimal(value)
    if not exact.is_finite():
        raise ConversionError(f"{what}: {_short(value)} is not a number a decimal can hold")
    if abs(exact) > _DECIMAL_MAX:
        raise ConversionOverflowError(f"{what}: {_short(value)} is outside the range of decimal (±{_DECIMAL_MAX})")
    # repr() of a float is the shortest text that reads back as it: 9.99, not 9.9900000000000002131...
    text = repr(value) if isinstance(value, float) else str(value)
    return System.Decimal.Parse(text, System.Globalization.NumberStyles.Float, _INVARIANT)


def _convert_float(value: Any, t: Target, what: str) -> Any:
    try:
        number = float(value)
    except OverflowError:  # an int beyond any double
        number = math.inf
    if math.isinf(number) and not (isinstance(value, float) and math.isinf(value)) or (
            t.name == "System.Single" and abs(number) > _SINGLE_MAX and math.isfinite(number)):
        raise ConversionOverflowError(f"{what}: {_short(value)} is outside the range of {reflection.describe_type(t.type)}")
    return number


def _convert_char(value: Any, t: Target, what: str) -> Any:
    return _checked_text(value, what)


def _convert_enum(value: Any, t: Target, what: str) -> Any:
    if isinstance(value, int):
        return System.Enum.ToObject(t.type, value)  # in range: scored against the underlying type
    return _enum_parse(t.type, value)


def _enum_parse(enum_type: Any, text: str) -> Any:
    if not _enum_names_fit(target(enum_type), text):
        return None
    return System.Enum.Parse(enum_type, text, True)


_ISO = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$"
)


def _parse_iso(text: str) -> Optional[_dt.datetime]:
    """Parse the ISO 8601 forms JSON serializers write (7 fraction digits, ``Z``) on Python 3.9 too."""
    match = _ISO.match(text.strip())
    if not match:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    micro = int((fraction or "0").ljust(6, "0")[:6])
    tz = None
    if zone:
        if zone == "Z":
            tz = _dt.timezone.utc
        else:
            sign = -1 if zone[0] == "-" else 1
            digits = zone[1:].replace(":", "")
            tz = _dt.timezone(sign * _dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    try:
        return _dt.datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0), micro, tz)
    except ValueError:
        return None


def _ticks(moment: _dt.datetime) -> int:
    naive = moment.replace(tzinfo=None)
    delta = naive - _dt.datetime(1970, 1, 1)
    return _EPOCH_TICKS + (delta.days * 86400 + delta.seconds) * 10_000_000 + delta.microseconds * 10


def _as_datetime(value: Any) -> _dt.datetime:
    if isinstance(value, str):
        parsed = _parse_iso(value)
        assert parsed is not None
        return parsed
    if not isinstance(value, _dt.datetime):
        return _dt.datetime(value.year, value.month, value.day)
    return value


def _convert_datetimeoffset(value: Any, t: Target, what: str) -> Any:
    moment = _as_datetime(value)
    offset = moment.utcoffset() or _dt.timedelta(0)
    return DateTimeOffset(_ticks(moment), TimeSpan.FromTicks(int(offset.total_seconds()) * 10_000_000))


def _convert_datetime(value: Any, t: Target, what: str) -> Any:
    moment = _as_datetime(value)
    if moment.tzinfo is not None:
        utc = moment.astimezone(_dt.timezone.utc)
        return System.DateTime(_ticks(utc), System.DateTimeKind.Utc)
    return System.DateTime(_ticks(moment), System.DateTimeKind.Unspecified)


def _convert_timespan(value: Any, t: Target, what: str) -> Any:
    return TimeSpan.FromTicks((value.days * 86400 + value.seconds) * 10_000_000 + value.microseconds * 10)


def _convert_guid(value: Any, t: Target, what: str) -> Any:
    try:
        return System.Guid.Parse(_checked_text(str(value), what))
    except Exception:
        raise ConversionError(f"{what}: {value!r} is not a GUID") from None


def _convert_type(value: Any, t: Target, what: str) -> Any:
    from octoclr.bridge.methods import resolve_type

    if isinstance(value, str):
        _checked_text(value, what)
    return resolve_type(value)


def _convert_delegate(value: Any, t: Target, what: str) -> Any:
    invoke = t.type.GetMethod("Invoke")
    parameter_count = len(invoke.GetParameters())
    returns = invoke.ReturnType
    void = returns.FullName == "System.Void"
    result_target = None if void else target(returns)
    callback = value

    def call(*args: Any) -> Any:
        result = callback(*(to_python(a) for a in args[:parameter_count]))
        if void:
            return None
        if result_target.kind == "bool":  # type: ignore[union-attr]
            return bool(result)
        return to_dotnet(result, result_target, f"result of {getattr(callback, '__name__', 'callback')}")  # type: ignore[arg-type]

    return pyclass_for(t.type)(call)


def _convert_array(value: Any, t: Target, what: str) -> Any:
    element = t.element
    items = [to_dotnet(item, element, f"{what}[{index}]") for index, item in enumerate(value)]  # type: ignore[arg-type]
    return System.Array[pyclass_for(element.type)](items)  # type: ignore[union-attr]


def _convert_list(value: Any, t: Target, what: str) -> Any:
    element = t.element
    result = System.Collections.Generic.List[pyclass_for(element.type)]()  # type: ignore[union-attr]
    for index, item in enumerate(value):
        result.Add(to_dotnet(item, element, f"{what}[{index}]"))  # type: ignore[arg-type]
    return result


def _convert_collection_class(value: Any, t: Target, what: str) -> Any:
    result = System.Activator.CreateInstance(t.type)
    add = pyclass_for(_generic_interface(t.type, "System.Collections.Generic.ICollection`1")).Add
    for index, item in enumerate(value):
        add(result, to_dotnet(item, t.element, f"{what}[{index}]"))  # type: ignore[arg-type]
    return result


def _convert_dictionary(value: Any, t: Target, what: str) -> Any:
    if t.kind == "dictionary_class":
        result = System.Activator.CreateInstance(t.type)
    else:
        klass = System.Collections.Generic.Dictionary[pyclass_for(t.key.type), pyclass_for(t.value_type.type)]  # type: ignore[union-attr]
        result = klass()
    key_target, value_target = t.key, t.value_type
    for key, item in value.items():
        if key is None:  # a .NET dictionary throws for a null key
            raise ConversionError(f"{what}: None cannot be a key of a {reflection.describe_type(t.type)}")
        dotnet_key = to_dotnet(key, key_target, f"{what} key")  # type: ignore[arg-type]
        result[dotnet_key] = to_dotnet(item, value_target, f"{what}[{key!r}]")  # type: ignore[arg-type]
    return result


def _convert_object_class(value: Any, t: Target, what: str) -> Any:
    if isinstance(value, str):
        return _convert_other(value, t, what)
    from octoclr.bridge.dicts import from_dict_raw

    return from_dict_raw(value, t.type, strict=True, path=what)


def _convert_abstract(value: Any, t: Target, what: str) -> Any:
    from octoclr.bridge.dicts import deserialize

    _checked_data(value, what)  # read by Newtonsoft from JSON text, not item by item
    try:
        return deserialize(value, t.type)
    except Exception as error:
        if isinstance(error, System.Exception):
            raise ConversionError(f"{what}: cannot read {reflection.describe_type(t.type)} from {_short(value)}: {error.Message}") from None
        raise


def _convert_other(value: Any, t: Target, what: str) -> Any:
    if isinstance(value, str):
        implicit = _implicit_from_string(t.type)
        if implicit is not None:
            return implicit.Invoke(None, System.Array[System.Object]([_checked_text(value, what)]))
    raise ConversionError(f"{what}: cannot use {type(value).__name__} as {reflection.describe_type(t.type)}")


_CONVERTERS: Dict[str, Callable[[Any, Target, str], Any]] = {
    "object": _convert_object,
    "string": _convert_text,
    "bool": _convert_identity,
    "int": _convert_identity,
    "float": _convert_float,
    "decimal": _convert_decimal,
    "char": _convert_char,
    "nullable": _convert_nullable,
    "enum": _convert_enum,
    "datetimeoffset": _convert_datetimeoffset,
    "datetime": _convert_datetime,
    "timespan": _convert_timespan,
    "guid": _convert_guid,
    "type": _convert_type,
    "delegate": _convert_delegate,
    "stream": lambda value, t, what: streams.to_stream(value, what),
    "array": _convert_array,
    "list": _convert_list,
    "collection_class": _convert_collection_class,
    "dictionary": _convert_dictionary,
    "dictionary_class": _convert_dictionary,
    "object_class": _convert_object_class,
    "abstract": _convert_abstract,
}


_implicit_cache: Dict[str, Any] = {}


def _implicit_operator(dotnet_type: Any, source: str, result: str) -> Any:
    key = f"{type_key(dotnet_type)}|{source}|{result}"
    if key in _implicit_cache:
        return _implicit_cache[key]
    found = None
    for method in dotnet_type.GetMethods(reflection.PUBLIC):
        if method.Name in ("op_Implicit",) and method.IsStatic:
            parameters = method.GetParameters()
            if (
                len(parameters) == 1
                and parameters[0].ParameterType.FullName == source
                and method.ReturnType.FullName == result
            ):
                found = method
                break
    _implicit_cache[key] = found
    return found


def _implicit_from_string(dotnet_type: Any) -> Any:
    return _implicit_operator(dotnet_type, "System.String", dotnet_type.FullName)


def _implicit_to_string(dotnet_type: Any) -> Any:
    return _implicit_operator(dotnet_type, dotnet_type.FullName, "System.String")


# .NET → Python lives in results.py; these names are part of this module's interface.
from octoclr.bridge.results import property_to_python, streaming_return, to_python  # noqa: E402,F401
