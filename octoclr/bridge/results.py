""".NET values as Python sees them: results of calls and values of properties.

Strings, numbers, booleans and null arrive as Python values (pythonnet does that);
``decimal`` → ``Decimal``, dates → ``datetime``, ``TimeSpan`` → ``timedelta``, ``Guid`` →
``UUID``, enums → their member name, types with an implicit conversion to string (a
link) → ``str``, JSON read without a type (``JToken``) → plain Python data; arrays and
lists returned by a method → ``list``, other enumerables returned by a method → a lazy
iterator; a ``Stream`` returned by a method → a Python binary file reading it in chunks
(see streams.py); lists, dictionaries and enumerables read from a property → live Python
views (see protocols.py); a ``Task`` → an awaitable; anything else → a proxy.

The converter is chosen once per pythonnet class and cached.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import uuid
from typing import Any, Callable, Dict

import System
from System.Globalization import CultureInfo

from octoclr.bridge import customizers, reflection
from octoclr.bridge.conversion import _EPOCH_TICKS, _implicit_to_string, _proxy_module, is_dotnet
from octoclr.bridge.reflection import clr_type

Converter = Callable[[Any], Any]

_INVARIANT = CultureInfo.InvariantCulture


_PLAIN = (str, int, float, bool, type(None))
_result_converters: Dict[Any, Converter] = {}
_property_converters: Dict[Any, Converter] = {}


_PLAIN_TYPES = frozenset(_PLAIN)


def to_python(value: Any, streaming: bool = False) -> Any:
    """A method result as Python sees it (lists copied; ``streaming`` enumerables lazily)."""
    if value.__class__ in _PLAIN_TYPES and not streaming:
        return value
    converter = _result_converters.get(type(value))
    if converter is not None and not streaming:
        return converter(value)
    if isinstance(value, _PLAIN):
        return value
    if streaming:
        return _iterate(value)
    pyclass = type(value)
    if converter is None:
        converter = _result_converters[pyclass] = _make_converter(value, live=False)
    return converter(value)


def property_to_python(value: Any) -> Any:
    """A property or field value: collections stay live .NET views."""
    if value.__class__ in _PLAIN_TYPES:
        return value
    converter = _property_converters.get(type(value))
    if converter is not None:
        return converter(value)
    if isinstance(value, _PLAIN):
        return value
    pyclass = type(value)
    if converter is None:
        converter = _property_converters[pyclass] = _make_converter(value, live=True)
    return converter(value)


def _to_list(value: Any) -> list:
    return [to_python(item) for item in value]


def _iterate(value: Any) -> Any:
    for item in value:
        yield to_python(item)


def _decimal(value: Any) -> decimal.Decimal:
    return decimal.Decimal(value.ToString(_INVARIANT))


def _datetimeoffset(value: Any) -> _dt.datetime:
    offset_ticks = value.Offset.Ticks
    tz = _dt.timezone(_dt.timedelta(microseconds=offset_ticks // 10))
    return _from_ticks(value.Ticks, tz)


def _from_ticks(ticks: int, tz: Any) -> _dt.datetime:
    micro = (ticks - _EPOCH_TICKS) // 10
    return (_dt.datetime(1970, 1, 1) + _dt.timedelta(microseconds=micro)).replace(tzinfo=tz)


def _datetime(value: Any) -> _dt.datetime:
    kind = value.Kind
    if kind == System.DateTimeKind.Utc:
        return _from_ticks(value.Ticks, _dt.timezone.utc)
    if kind == System.DateTimeKind.Local:
        return _from_ticks(value.ToUniversalTime().Ticks, _dt.timezone.utc)
    return _from_ticks(value.Ticks, None)


def _timespan(value: Any) -> _dt.timedelta:
    return _dt.timedelta(microseconds=value.Ticks // 10)


def _enum(value: Any) -> str:
    return value.ToString()


def _guid(value: Any) -> uuid.UUID:
    return uuid.UUID(value.ToString())


def _make_converter(value: Any, live: bool) -> Converter:
    if not is_dotnet(value):
        return _identity
    dotnet_type = value.GetType()
    name = dotnet_type.FullName or ""
    simple = {
        "System.Decimal": _decimal,
        "System.DateTimeOffset": _datetimeoffset,
        "System.DateTime": _datetime,
        "System.TimeSpan": _timespan,
        "System.Guid": _guid,
    }.get(name)
    if simple is not None:
        return simple
    if dotnet_type.IsEnum:
        return _enum
    if not live and clr_type(System.IO.Stream).IsAssignableFrom(dotnet_type):
        from octoclr.bridge.streams import DotNetStream

        return DotNetStream  # the caller's to read and close; a property's stream stays its object's
    registered = customizers.result_converter(reflection.base_names(dotnet_type))
    if registered is not None:
        return registered
    implicit = _implicit_to_string(dotnet_type) if not dotnet_type.IsPrimitive else None
    if implicit is not None:
        return lambda v: str(v.ToString())
    from octoclr.bridge import tasks

    if clr_type(System.Threading.Tasks.Task).IsAssignableFrom(dotnet_type):
        return tasks.wrap_task
    if not live:
        if dotnet_type.IsArray or clr_type(System.Collections.IList).IsAssignableFrom(dotnet_type) or _is_generic_list(dotnet_type):
            return _to_list
    return _proxy_module().wrap_dotnet


def _is_generic_list(dotnet_type: Any) -> bool:
    for interface in dotnet_type.GetInterfaces():
        if interface.IsGenericType and interface.GetGenericTypeDefinition().FullName in (
            "System.Collections.Generic.IList`1",
            "System.Collections.Generic.IReadOnlyList`1",
        ):
            return True
    return False


def _identity(value: Any) -> Any:
    return value


def streaming_return(method: Any) -> bool:
    """Whether a method's declared result is an enumerable that is not a collection (read lazily)."""
    returns = method.ReturnType
    if returns.IsGenericType:
        return returns.GetGenericTypeDefinition().FullName == "System.Collections.Generic.IEnumerable`1"
    return returns.FullName == "System.Collections.IEnumerable"


@customizers.result_converter_for("Newtonsoft.Json.Linq.JToken")
def _json_token(value: Any) -> Any:
    """JSON read without a target type becomes plain Python data."""
    import json

    return json.loads(value.ToString(_formatting_none(value)))


def _formatting_none(value: Any) -> Any:
    formatting = value.GetType().Assembly.GetType("Newtonsoft.Json.Formatting")
    return System.Enum.ToObject(formatting, 0)
