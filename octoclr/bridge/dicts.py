"""``to_dict`` and ``from_dict``: .NET objects as plain Python data and back.

``to_dict`` serializes on the .NET side, a whole list of objects at once (a long list
in chunks of a thousand, written by two worker threads while this one parses), with
Newtonsoft.Json's contracts and converters through writers compiled per type
(:mod:`octoclr.bridge.writers`), and parses the text with orjson; reading properties one
by one through pythonnet costs a boundary crossing each and is many times slower.

* ``style="json"``: the REST shape, serialized with the client's own settings (a static
  ``GetDefaultSerializerSettings`` on a type named ``*.Serialization.JsonSerialization``
  in a loaded assembly, found by reflection), else Newtonsoft's defaults.
* ``style="python"`` (default): snake_case keys; dates → ``datetime``, ``decimal`` →
  ``Decimal``, enums → member names, nested objects → dicts, lists → lists, dictionaries
  (``links``) → dicts with their keys unchanged. A per-type plan, built once from
  reflection, says which key gets which name and conversion. An object is written from
  its own class's properties, also behind an abstract type: a client converter that
  claims a whole class hierarchy (there to pick the class when reading) is not used.

``from_dict`` accepts either style: keys match properties by snake_case, exact or JSON
name. An unknown key raises ``ValueError`` naming the key and the type (unless
``strict=False``), a value that does not fit raises ``TypeError`` naming the field.
Read-only properties in the input are skipped, so ``from_dict(to_dict(x))`` works.
"""

from __future__ import annotations

import collections
import decimal
import gc
import json
import threading
import uuid
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Callable, Dict, FrozenSet, List, Optional, Tuple, Union

import clr
import System

from octoclr.bridge import conversion, exceptions, masking, reflection

if TYPE_CHECKING:  # imported when a writer is first compiled: a one-shot to_dict never needs it
    from octoclr.bridge import writers

try:  # a dependency of octoclr; the standard library's json stands in when it is missing
    import orjson
except ImportError:  # pragma: no cover
    orjson = None  # type: ignore[assignment]
from octoclr.bridge.names import to_snake
from octoclr.bridge.plans import Plan, plain_values
from octoclr.bridge.plans import generic as _generic
from octoclr.bridge.reflection import type_info, type_key

Convert = Callable[[Any], Any]

import datetime as _datetime  # noqa: E402

_fromisoformat = _datetime.datetime.fromisoformat
STYLES = ("python", "json")

_lock = threading.RLock()
_newtonsoft: Dict[str, Any] = {}
_plans: Dict[str, "Plan"] = {}


# --------------------------------------------------------------------------------------
# Newtonsoft, found by reflection


def _find_type(full_name: str) -> Any:
    for assembly in reflection.loaded_assemblies():
        found = assembly.GetType(full_name)
        if found is not None:
            return found
    return None


def _json_convert() -> Any:
    if "convert" not in _newtonsoft:
        convert = _find_type("Newtonsoft.Json.JsonConvert")
        if convert is None:
            raise RuntimeError("to_dict needs Newtonsoft.Json, which is not loaded (load the client first)")
        assembly = convert.Assembly
        _newtonsoft["convert"] = convert
        _newtonsoft["serialize"] = next(
            m for m in convert.GetMethods()
            if m.Name == "SerializeObject" and [p.ParameterType.Name for p in m.GetParameters()] == ["Object", "JsonSerializerSettings"]
        )
        _newtonsoft["settings_type"] = assembly.GetType("Newtonsoft.Json.JsonSerializerSettings")
        _newtonsoft["enum_converter"] = assembly.GetType("Newtonsoft.Json.Converters.StringEnumConverter")
    return _newtonsoft["convert"]


def deserialize(data: Any, dotnet_type: Any) -> Any:
    """A .NET object of ``dotnet_type`` read by Newtonsoft (with the client's settings) from Python data.

    The way to build an abstract or interface-typed value: the client's converters know
    which concrete type a JSON object stands for (a discriminator property, say).
    Python-style keys are turned into PascalCase; Newtonsoft matches names ignoring case.
    """
    convert = _json_convert()
    if "deserialize" not in _newtonsoft:
        _newtonsoft["deserialize"] = next(
            m for m in convert.GetMethods()
            if m.Name == "DeserializeObject" and not m.IsGenericMethod
            and [p.ParameterType.Name for p in m.GetParameters()] == ["String", "Type", "JsonSerializerSettings"]
        )
    text = json.dumps(_json_shape(data), default=_json_default)
    arguments = System.Array[System.Object]([text, dotnet_type, _settings("json", dotnet_type)])
    return _newtonsoft["deserialize"].Invoke(None, arguments)


def _pascal(key: str) -> str:
    if "_" not in key and key[:1].isupper():
        return key
    return "".join(part[:1].upper() + part[1:] for part in key.rstrip("_").split("_"))


def _json_shape(value: Any) -> Any:
    if isinstance(value, dict):
        return {_pascal(k) if isinstance(k, str) else k: _json_shape(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_shape(v) for v in value]
    return value


def _json_default(value: Any) -> Any:
    import datetime as _dt

    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def client_serializer_settings(for_type: Any = None) -> Any:
    """The client's own serializer settings (``*.Serialization.JsonSerialization``), or None."""
    if for_type is not None:
        nearby = _serialization_beside(for_type)
        if nearby is not None:
            return nearby.Invoke(None, None)
    candidates = []
    for assembly in reflection.loaded_assemblies():
        for t in reflection.exported_types(assembly):
            if (t.FullName or "").endswith(".Serialization.JsonSerialization"):
                method = t.GetMethod("GetDefaultSerializerSettings", System.Type.EmptyTypes)
                if method is not None and method.IsStatic:
                    candidates.append((t, method))
    if not candidates:
        return None
    if for_type is not None:
        for t, method in candidates:
            if t.Assembly.Equals(for_type.Assembly):
                return method.Invoke(None, None)
    return candidates[0][1].Invoke(None, None)


def _serialization_beside(for_type: Any) -> Any:
    """``GetDefaultSerializerSettings`` of a ``Serialization.JsonSerialization`` class in the
    assembly of ``for_type``, under one of its enclosing namespaces (nearest first), or None.

    Looked up by name: listing every public type of every loaded assembly to find it costs
    a one-shot ``to_dict`` more than the serialization itself.
    """
    parts = str(for_type.Namespace or "").split(".")
    for length in range(len(parts), 0, -1):
        candidate = for_type.Assembly.GetType(".".join([*parts[:length], "Serialization", "JsonSerialization"]))
        if candidate is not None and candidate.IsPublic:
            method = candidate.GetMethod("GetDefaultSerializerSettings", System.Type.EmptyTypes)
            if method is not None and method.IsStatic:
                return method
    return None


def _settings(style: str, for_type: Any) -> Any:
    _json_convert()
    key = (style, str(for_type.Assembly.FullName) if for_type is not None else "")
    cache = _newtonsoft.setdefault("settings", {})
    if key not in cache:
        # Both styles start from the client's settings: its converters decide how its own
        # types (links, say) are written.
        settings = client_serializer_settings(for_type)
        if settings is None:
            settings = System.Activator.CreateInstance(_newtonsoft["settings_type"])
        elif style == "python":
            # Python values are .NET's values: no converter that formats dates (one that
            # rounds to milliseconds would lose digits) or writes enums (the contracts
            # do that, and each converter costs a check per value written). Nor one that
            # claims a whole class hierarchy (an abstract class): such a converter is there
            # to pick the concrete class when reading, and writes an object's properties,
            # which is what the python style writes anyway, from the object's own contract.
            samples = [reflection.clr_type(t) for t in (System.DateTime, System.DateTimeOffset, System.DayOfWeek)]
            converters = list(settings.Converters)
            roots = _hierarchy_roots([for_type.Assembly] if for_type is not None else [], converters)
            for converter in converters:
                if any(converter.CanConvert(t) for t in samples) or any(_claims(converter, t) for t in roots):
                    settings.Converters.Remove(converter)
        # Indentation (the client asks for it) only makes the text longer to write and parse;
        # the data is the same.
        formatting = settings.Formatting
        settings.Formatting = System.Enum.ToObject(formatting.GetType(), 0)
        if style == "python":
            _use_renaming_resolver(settings)
        cache[key] = settings
    return cache[key]


def _hierarchy_roots(assemblies: List[Any], converters: List[Any]) -> List[Any]:
    """The public abstract classes of these assemblies and of the converters' own assemblies."""
    seen = {str(a.FullName): a for a in [*assemblies, *(c.GetType().Assembly for c in converters)]}
    return [
        t for assembly in seen.values() for t in reflection.exported_types(assembly)
        if t.IsClass and t.IsAbstract and not t.IsSealed and not t.ContainsGenericParameters
    ]


def _claims(converter: Any, dotnet_type: Any) -> bool:
    try:
        return bool(converter.CanConvert(dotnet_type))
    except Exception:  # noqa: BLE001 - a converter that cannot answer for a type does not claim it
        return False


def _subclasses(dotnet_type: Any) -> List[Any]:
    """Public concrete classes of ``dotnet_type``'s assembly that derive from it (an abstract class or an interface)."""
    key = type_key(dotnet_type)
    found = _subclass_cache.get(key)
    if found is None:
        found = []
        if (dotnet_type.IsAbstract or dotnet_type.IsInterface) and not dotnet_type.ContainsGenericParameters:
            found = [
                t for t in reflection.exported_types(dotnet_type.Assembly)
                if t.IsClass and not t.IsAbstract and not t.ContainsGenericParameters and dotnet_type.IsAssignableFrom(t)
            ]
        _subclass_cache[key] = found
    return found


_subclass_cache: Dict[str, List[Any]] = {}
_DEFAULT_RESOLVER = "Newtonsoft.Json.Serialization.DefaultContractResolver"
_renamed: Dict[str, set] = {}


def _use_renaming_resolver(settings: Any) -> None:
    """Give python-style settings a contract resolver of their own that writes snake_case names.

    Renaming the resolved contracts' properties makes Newtonsoft write the Python keys, so
    Python only converts the few values that need it. Only a resolver this module created
    is renamed (never the client's, nor Newtonsoft's shared one); a client resolver of
    another class is left alone and Python renames the keys instead.
    """
    current = settings.ContractResolver
    if current is not None and str(current.GetType().FullName) != _DEFAULT_RESOLVER:
        return
    resolver_type = _json_convert().Assembly.GetType(_DEFAULT_RESOLVER)
    private_cache = resolver_type.GetConstructor(System.Array[System.Type]([reflection.clr_type(System.Boolean)]))
    if private_cache is not None:
        resolver = private_cache.Invoke(System.Array[System.Object]([False]))  # shareCache: false
    else:
        resolver = System.Activator.CreateInstance(resolver_type)
    settings.ContractResolver = resolver
    _renamed[str(id(settings))] = set()


def _rename_contracts(settings: Any, dotnet_type: Any) -> List[Any]:
    """Rename the contract of ``dotnet_type`` and of the types its plan reaches, once; return those renamed now."""
    done = _renamed.get(str(id(settings)))
    if done is None:
        return []
    resolver = settings.ContractResolver
    pending = [dotnet_type]
    renamed = []
    while pending:
        current = pending.pop()
        key = type_key(current)
        if key in done:
            continue
        done.add(key)
        renamed.append(current)
        plan = plan_for(current)
        pending.extend(plan.nested)
        # Objects behind an abstract type are written by their own class's contract:
        # rename those too, and let the abstract type's plan know their Python names.
        for subclass in _subclasses(current):
            pending.append(subclass)
            plan.python_keys.update(plan_for(subclass).python_keys)
        contract = resolver.ResolveContract(current)
        properties = getattr(contract, "Properties", None)
        if properties is None:
            continue
        named_by_contract = set()
        for json_property in properties:
            name = str(json_property.PropertyName)
            python_key = json_property.PropertyName = plan.names.get(name) or to_snake(name)
            # Every member appears, as reading the properties would show it (the client
            # leaves some out of its REST JSON when they are null).
            json_property.NullValueHandling = None
            json_property.DefaultValueHandling = None
            if _names_for_enums(resolver, json_property.PropertyType) and json_property.Converter is None:
                named_by_contract.add(python_key)
        # Enum values these contracts write are names already: nothing to convert.
        plan.set_converted_renamed([(key, convert) for key, convert in plan.converted if key not in named_by_contract])
    for current in renamed:
        subclasses = _subclasses(current)
        if subclasses:
            _adopt_subclass_conversions(plan_for(current), [plan_for(s) for s in subclasses])
    return renamed


_CONFLICT = object()


def _adopt_subclass_conversions(plan: Plan, subclass_plans: List[Plan]) -> None:
    """Let an abstract type's plan convert its subclasses' own keys too, where they agree.

    Objects behind an abstract type are read with that type's plan (the JSON does not say
    which class wrote it). A key only subclasses have is converted when every subclass
    that has it converts it the same way; when they differ (a date in one, text in
    another) the value is left as written.
    """
    own = {python_key for python_key, _ in plan.fields.values()}
    adopted = []
    for attribute in ("converted", "converted_renamed"):
        found: Dict[str, Any] = {}
        for subclass_plan in subclass_plans:
            conversions = dict(getattr(subclass_plan, attribute) or subclass_plan.converted)
            for key in subclass_plan.python_keys - own:
                convert = conversions.get(key)
                earlier = found.setdefault(key, convert)
                if earlier is not convert and earlier != convert:
                    found[key] = _CONFLICT
        adopted.append([(key, convert) for key, convert in found.items() if convert is not None and convert is not _CONFLICT])
    plan.adopt(*adopted)


def _names_for_enums(resolver: Any, dotnet_type: Any) -> bool:
    """Enum values written as names by a converter on the enum's own contract.

    A converter in the settings would be asked about every value written; one on the
    contract is only consulted for that enum type. True when values of ``dotnet_type``
    itself (an enum, not nullable) are now always written as names.
    """
    if dotnet_type is None:
        return False
    inner = System.Nullable.GetUnderlyingType(dotnet_type) or dotnet_type
    if not inner.IsEnum:
        return False
    contract = resolver.ResolveContract(inner)
    if contract.Converter is None:
        contract.Converter = System.Activator.CreateInstance(_newtonsoft["enum_converter"])
    if not inner.Equals(dotnet_type):
        return False  # Nullable<E> has a contract of its own, without this converter
    return bool(_newtonsoft["enum_converter"].IsInstanceOfType(contract.Converter))


# A single object is written by Newtonsoft: for an object of a few kilobytes it is faster
# than a compiled writer's call (measured on Mono: 0.05 ms against 0.3 ms for a project),
# and compiling costs 0.1-0.3 s per type. A compiled writer writes long text about twice
# as fast (170 against 80 MB/s), so it pays back after some 20 MB of a type's text: a type
# whose single objects have come to that much through Newtonsoft gets one from then on.
_COMPILE_AFTER_BYTES = 16 << 20
_single_text: Dict[str, int] = {}  # type key -> characters of its single objects written by Newtonsoft


def _newtonsoft_writes(text_key: str) -> bool:
    """Whether single objects of the type under ``text_key`` are still Newtonsoft's to write."""
    return _single_text.get(text_key, 0) < _COMPILE_AFTER_BYTES


def _single_by_newtonsoft(raw: Any) -> Optional[str]:
    """The key to account a single object's text to, or None when its type has earned a compiled writer."""
    key = type_key(raw.GetType())
    return key if _newtonsoft_writes(key) else None


def serialize(raw: Any, style: str, for_type: Any = None, item_types: Any = (), single: bool = False) -> Union[str, bytearray]:
    """JSON text of a .NET object (or array of objects), as Newtonsoft writes it (UTF-8 from a compiled writer).

    ``single``: one object, not a collection; Newtonsoft writes it until its type has
    written enough text for a compiled writer to pay back.
    """
    single_key = _single_by_newtonsoft(raw) if single else None
    if single_key is not None:
        _json_convert()
        settings = _settings(style, for_type)
        if style == "python":
            renamed = _rename_contracts(settings, raw.GetType())
            existing = _newtonsoft.get("writers", {}).get(str(id(settings)))
            if existing is not None:
                existing.forget(renamed)  # what it compiled of them wrote the old names
        text = _newtonsoft_text(raw, settings)
        _single_text[single_key] = _single_text.get(single_key, 0) + len(text)
        return text
    settings, writer = _prepared(style, for_type, [*item_types, raw.GetType()])
    if writer is None:
        return _newtonsoft_text(raw, settings)
    text = writer.write_utf8(raw)
    writer.learn()
    return text


def _prepared(style: str, for_type: Any, types: List[Any]) -> Tuple[Any, Any]:
    """The settings for ``style`` with the contracts of ``types`` ready, and their compiled writer (or None)."""
    _json_convert()
    settings = _settings(style, for_type)
    writer = _compiled_writer(settings)
    renamed: List[Any] = []
    if style == "python":
        for item_type in types:
            renamed += _rename_contracts(settings, item_type)
    if writer is not None:
        writer.forget(renamed)
        writer.prepare([*types, *renamed])
    return settings, writer


def _newtonsoft_text(raw: Any, settings: Any) -> str:
    return str(_newtonsoft["serialize"].Invoke(None, System.Array[System.Object]([raw, settings])))


def _compiled_writer(settings: Any) -> Optional[writers.CompiledWriter]:
    """The compiled writer of ``settings``, None where it would not write exactly what Newtonsoft writes."""
    cache = _newtonsoft.setdefault("writers", {})
    key = str(id(settings))
    if key not in cache:
        with _lock:
            if key not in cache:
                from octoclr.bridge import writers

                writer = writers.CompiledWriter(settings, _newtonsoft["convert"].Assembly)
                cache[key] = writer if writer.usable else None
    return cache[key]


# --------------------------------------------------------------------------------------
# Plans: per .NET type, how JSON keys and values become Python ones


def _keeps_plain(convert: Convert) -> bool:
    """Whether ``convert`` returns JSON text, numbers and booleans unchanged."""
    return convert is _generic or getattr(convert, "__func__", None) is Plan.apply


_DECLARED = reflection.binding_flags("Public", "Instance", "DeclaredOnly")


def json_name(entry: reflection.PropertyEntry) -> str:
    """The JSON key Newtonsoft writes for a member (``[JsonProperty("...")]`` honoured)."""
    try:
        member = entry.declaring_type.GetField(entry.name) if entry.is_field else entry.declaring_type.GetProperty(entry.name)
    except System.Reflection.AmbiguousMatchException:  # a property hiding an inherited one (``new``)
        member = entry.declaring_type.GetProperty(entry.name, _DECLARED)
    if member is not None:
        for attribute in member.GetCustomAttributes(True):
            attribute_type = attribute.GetType()
            if attribute_type.Name == "JsonPropertyAttribute":
                name = attribute_type.GetProperty("PropertyName").GetValue(attribute, None)
                if name:
                    return str(name)
    return entry.name


def plan_for(dotnet_type: Any) -> Plan:
    key = type_key(dotnet_type)
    found = _plans.get(key)
    if found is not None:
        return found
    with _lock:
        found = _plans.get(key)
        if found is None:
            found = Plan()
            _plans[key] = found  # registered first: types may refer to themselves
            for entry in type_info(dotnet_type).properties.values():
                if entry.is_static or not entry.readable:
                    continue
                found.add(json_name(entry), to_snake(entry.name), _value_converter(entry.dotnet_type))
                found.nested.extend(_object_types(entry.dotnet_type))
    return found


def _object_types(dotnet_type: Any) -> List[Any]:
    """The class or interface types a property's value holds objects of (element types included)."""
    target = conversion.target(dotnet_type)
    if target.kind == "nullable":
        return []
    if target.kind in ("array", "list", "collection_class"):
        return _object_types(target.element.type)  # type: ignore[union-attr]
    if target.kind in ("dictionary", "dictionary_class"):
        return _object_types(target.value_type.type)  # type: ignore[union-attr]
    if target.kind in ("object_class", "abstract") and reflection.is_public(dotnet_type):
        return [dotnet_type]
    return []


def _value_converter(dotnet_type: Any) -> Optional[Convert]:
    target = conversion.target(dotnet_type)
    kind = target.kind
    if kind == "nullable":
        return _value_converter(target.element.type)  # type: ignore[union-attr]
    if kind == "enum":
        return _enum_names(dotnet_type)
    if kind in ("string", "bool", "int", "char"):
        return None
    if kind == "float":
        return float
    if kind == "decimal":
        return None  # Newtonsoft writes decimals with a fraction, json.loads makes them Decimal
    if kind in ("datetimeoffset", "datetime"):
        return _parse_date
    if kind == "guid":
        return uuid.UUID
    if kind in ("array", "list", "collection_class"):
        element = _value_converter(target.element.type)  # type: ignore[union-attr]
        if element is None:
            return None  # text, numbers, booleans: JSON already has them right
        convert_list = lambda items: [None if v is None else element(v) for v in items]  # noqa: E731
        if _keeps_plain(element):
            # Objects a client converter writes as text (links, say) need no pass at all.
            return plain_values("list", convert_list)
        return convert_list
    if kind in ("dictionary", "dictionary_class"):
        value = _value_converter(target.value_type.type)  # type: ignore[union-attr]
        if value is None:
            return None
        convert_dict = lambda items: {k: None if v is None else value(v) for k, v in items.items()}  # noqa: E731
        if _keeps_plain(value):
            return plain_values("dict", convert_dict)
        return convert_dict
    if kind == "object_class" or (dotnet_type.IsClass and dotnet_type.FullName not in ("System.Object", "System.String")):
        if reflection.is_public(dotnet_type) and not _is_collection(dotnet_type):
            plan = plan_for(dotnet_type)
            return plan.apply
    if dotnet_type.IsInterface and not _is_collection(dotnet_type):
        return plan_for(dotnet_type).apply
    return _generic


def _enum_names(enum_type: Any) -> Convert:
    """Enum numbers (as Newtonsoft writes them by default) → member names, as property reads give."""
    names: Dict[Any, str] = {}
    for name in System.Enum.GetNames(enum_type):
        names[int(System.Convert.ToInt64(System.Enum.Parse(enum_type, name)))] = str(name)

    def convert(value: Any) -> Any:
        if isinstance(value, str):
            return value
        found = names.get(value)
        if found is None:  # a combination of flags
            found = names[value] = str(System.Enum.ToObject(enum_type, value).ToString())
        return found

    return convert


def _element_type(dotnet_type: Any) -> Any:
    """The object type a collection holds (dictionaries: their value type), if it is a class."""
    target = conversion.target(dotnet_type)
    element = target.value_type if target.kind in ("dictionary", "dictionary_class") else target.element
    if element is None:
        for interface in [dotnet_type, *dotnet_type.GetInterfaces()]:
            if interface.IsGenericType and interface.GetGenericTypeDefinition().FullName == "System.Collections.Generic.IEnumerable`1":
                element = conversion.target(interface.GetGenericArguments()[0])
                break
    if element is None or element.kind not in ("object_class", "abstract"):
        return None
    return element.type


def _is_collection(dotnet_type: Any) -> bool:
    return bool(reflection.clr_type(System.Collections.IEnumerable).IsAssignableFrom(dotnet_type))


@lru_cache(maxsize=4096)  # resources share dates (defaults, one import run): parse each once
def _parse_date(text: Any) -> Any:  # noqa: D401
    if not isinstance(text, str):
        return text
    try:
        return _fromisoformat(text)  # Python 3.11+ reads 7 fraction digits and "Z" itself
    except ValueError:
        parsed = conversion._parse_iso(text)
        return parsed if parsed is not None else text


# --------------------------------------------------------------------------------------
# to_dict


def _raw_and_type(value: Any) -> Tuple[Any, Any]:
    from octoclr.bridge import proxy

    if proxy.is_proxy(value):
        return value._raw, type(value).__info__.dotnet_type
    if conversion.is_dotnet(value):
        pyclass = type(value)
        declared = clr.GetClrType(pyclass)
        return value, (value.GetType() if declared.IsInterface or declared.IsAbstract else declared)
    return None, None


def to_dict(value: Any, style: str = "python", reveal: Any = ()) -> Any:
    """Plain Python data for a .NET object, or for a list of them (serialized together on the .NET side).

    Secrets are masked (:mod:`octoclr.bridge.masking`) but for the members named in ``reveal``
    (``True``: all of them).
    """
    shown = masking.NOTHING if reveal == () else masking.reveal_set(reveal)
    # Parsing builds many containers at once, which would set off the cycle collector over
    # and over (each run walks every object alive); what is built here holds no cycles.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _to_dict(value, style, shown)
    except System.Exception as error:  # a getter that throws, a reference loop, text that is not UTF-16
        raise exceptions.convert_exception(error) from None
    finally:
        if enabled:
            gc.enable()


def _to_dict(value: Any, style: str, reveal: Optional[FrozenSet[str]]) -> Any:
    cls = value.__class__
    single = _singles.get((id(cls), style))
    if single is not None and _newtonsoft_writes(single.text_key):
        data = single.convert(value._raw)
        return masking.mask(data, reveal) if single.secrets and reveal is not None else data
    if style not in STYLES:
        raise ValueError(f"style must be one of {', '.join(STYLES)}, not {style!r}")
    raw, dotnet_type = _raw_and_type(value)
    if raw is not None:
        if not _is_collection(dotnet_type):
            data = _loads(serialize(raw, style, dotnet_type, [dotnet_type], single=True), style, [dotnet_type])
            _remember_single(cls, style, dotnet_type)
            data = plan_for(dotnet_type).apply(data) if style == "python" else data
            return masking.masked(data, (dotnet_type,), reveal)
        element = _element_type(dotnet_type)
        data = _loads(serialize(raw, style, dotnet_type, [element] if element is not None else []), style, [element or dotnet_type])
        if style == "json" or element is None:
            data = data if style == "json" else _generic(data)
        else:
            plan = plan_for(element)
            if isinstance(data, dict):  # a dictionary: its keys stay, its values are objects
                data = {k: plan.apply(v) for k, v in data.items()}
            else:
                data = [plan.apply(item) for item in data]
        return masking.masked(data, (element,) if element is not None else (), reveal)
    if isinstance(value, (list, tuple)) or _is_sequence_proxy(value):
        items = list(value)
        pairs = _pairs(items)
        if all(r is not None for r, _ in pairs):
            first_type = pairs[0][1] if pairs else None
            item_types = list({id(t): t for _, t in pairs}.values())  # proxies of one class share their type object
            data = _convert_items([r for r, _ in pairs], [t for _, t in pairs], style, first_type, item_types)
            return masking.masked(data, item_types, reveal)
        return [_to_dict(item, style, reveal) for item in items]
    if isinstance(value, dict):
        return {k: _to_dict(v, style, reveal) for k, v in value.items()}
    return value


class _Single:
    """What to_dict decided for single objects of one proxy class in one style, kept so that
    the next object of the class costs Newtonsoft's text and its parsing only."""

    __slots__ = ("cls", "settings", "text_key", "decimals", "apply", "secrets")

    def __init__(self, cls: Any, style: str, dotnet_type: Any) -> None:
        self.cls = cls  # held, so that the id keying this stays its own
        self.settings = _settings(style, dotnet_type)
        self.text_key = type_key(dotnet_type)
        python = style == "python"
        self.decimals = python and _has_decimals(dotnet_type)
        self.apply = plan_for(dotnet_type).apply if python else None
        self.secrets = masking.holds_secrets(dotnet_type)

    def convert(self, raw: Any) -> Any:
        text = _newtonsoft_text(raw, self.settings)
        _single_text[self.text_key] = _single_text.get(self.text_key, 0) + len(text)
        data = json.loads(text, parse_float=decimal.Decimal) if self.decimals else _loads(text, "json")
        return data if self.apply is None else self.apply(data)


_singles: Dict[Tuple[int, str], _Single] = {}  # by (id of the proxy class, style)


def _remember_single(cls: Any, style: str, dotnet_type: Any) -> None:
    """Keep the decisions for single objects of a proxy class whose objects Newtonsoft writes."""
    from octoclr.bridge import proxy

    if not isinstance(cls, proxy.ProxyMeta) or cls.__dict__.get("__info__") is None:
        return  # a pythonnet object: its class does not say which .NET type it holds
    if type_key(dotnet_type) in _single_text:
        _singles[(id(cls), style)] = _Single(cls, style, dotnet_type)


def _pairs(items: List[Any]) -> List[Tuple[Any, Any]]:
    """(raw object, .NET type) per item; proxies answer from their class without a .NET call."""
    from octoclr.bridge import proxy

    result = []
    for item in items:
        cls = item.__class__
        info = cls.__dict__.get("__info__") if isinstance(cls, proxy.ProxyMeta) else None
        result.append((item._raw, info.dotnet_type) if info is not None else _raw_and_type(item))
    return result


def _is_sequence_proxy(value: Any) -> bool:
    from octoclr.bridge import proxy

    return proxy.is_proxy(value) and hasattr(type(value), "__len__")


# Long lists go to .NET in chunks: worker threads write the next chunks (pythonnet lets
# go of the interpreter lock during the call) while this thread parses the last one.
_CHUNK = 1000
_AHEAD = 2  # chunks written at once, each by a worker thread of its own
_pool: List[Any] = []  # the worker threads, started on first use


def _convert_items(raws: List[Any], types: List[Any], style: str, first_type: Any, item_types: List[Any]) -> List[Any]:
    """``to_dict`` of a list of .NET objects: one serialization, or a pipeline of chunks."""
    if len(raws) < 2 * _CHUNK:
        data = _loads(serialize(System.Array[System.Object](raws), style, first_type, item_types), style, item_types)
        return _apply_items(data, types) if style == "python" else data
    # Contracts renamed and writers compiled here, before the worker uses them.
    settings, writer = _prepared(style, first_type, [*item_types, reflection.clr_type(System.Array[System.Object])])

    def write(start: int) -> str:
        array = System.Array[System.Object](raws[start:start + _CHUNK])
        return _newtonsoft_text(array, settings) if writer is None else writer.write_utf8(array)

    result: List[Any] = []
    starts = list(range(0, len(raws), _CHUNK))
    pending = collections.deque(_worker().submit(write, start) for start in starts[:_AHEAD])
    for index, start in enumerate(starts):
        text = pending.popleft().result()
        if index + _AHEAD < len(starts):
            pending.append(_worker().submit(write, starts[index + _AHEAD]))
        if writer is not None:
            writer.learn()  # types this chunk met, compiled while the workers write the next
        data = _loads(text, style, item_types)
        result.extend(_apply_items(data, types[start:start + _CHUNK]) if style == "python" else data)
    return result


def _worker() -> Any:
    if not _pool:
        with _lock:
            if not _pool:
                from concurrent.futures import ThreadPoolExecutor

                _pool.append(ThreadPoolExecutor(max_workers=_AHEAD, thread_name_prefix="octoclr-to-dict"))
    return _pool[0]


def _apply_items(data: List[Any], types: List[Any]) -> List[Any]:
    if not isinstance(data, list):
        return _generic(data)
    if len(types) != len(data):
        return [_generic(item) for item in data]
    first = types[0] if types else None
    if first is not None and all(t is first for t in types):  # one class: the usual list
        apply = plan_for(first).apply
        return [apply(item) for item in data]
    plans: Dict[int, Plan] = {}  # by identity: hashing a .NET type object asks .NET
    result = []
    for item, dotnet_type in zip(data, types):
        if dotnet_type is None:
            result.append(_generic(item))
            continue
        plan = plans.get(id(dotnet_type))
        if plan is None:
            plan = plans[id(dotnet_type)] = plan_for(dotnet_type)
        result.append(plan.apply(item))
    return result


def _loads(text: Union[str, bytearray], style: str, types: Any = ()) -> Any:
    """Parse Newtonsoft's text; orjson (fast) unless a ``decimal`` member needs exact digits."""
    if style == "python" and any(_has_decimals(t) for t in types):
        return json.loads(text, parse_float=decimal.Decimal)
    if orjson is not None:
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:  # e.g. a lone surrogate, which json accepts
            pass
    return json.loads(text)


def _has_decimals(dotnet_type: Any) -> bool:
    """Whether objects of ``dotnet_type`` (or objects they hold) have ``decimal`` members."""
    key = type_key(dotnet_type)
    found = _decimal_types.get(key)
    if found is None:
        _decimal_types[key] = False  # types may refer to themselves
        plan = plan_for(dotnet_type)
        found = any(_decimal_member(e.dotnet_type) for e in type_info(dotnet_type).properties.values() if not e.is_static)
        found = found or any(_has_decimals(t) for t in plan.nested)
        _decimal_types[key] = found
    return found


def _decimal_member(dotnet_type: Any) -> bool:
    target = conversion.target(dotnet_type)
    while target.kind in ("nullable", "array", "list", "collection_class") and target.element is not None:
        target = target.element
    if target.kind in ("dictionary", "dictionary_class") and target.value_type is not None:
        return _decimal_member(target.value_type.type)
    return target.kind == "decimal"


_decimal_types: Dict[str, bool] = {}


# --------------------------------------------------------------------------------------
# from_dict


def _key_table(dotnet_type: Any) -> Dict[str, reflection.PropertyEntry]:
    info = type_info(dotnet_type)
    table = info.extras.get("from_dict_keys")
    if table is None:
        table = {}
        for entry in info.properties.values():
            if entry.is_static:
                continue
            for key in (entry.name, to_snake(entry.name), json_name(entry), entry.name.lower()):
                table.setdefault(key, entry)
        info.extras["from_dict_keys"] = table
    return table


def from_dict_raw(data: Any, dotnet_type: Any, strict: bool = True, path: str = "") -> Any:
    """A new .NET object of ``dotnet_type`` with the properties given in ``data``."""
    type_name = dotnet_type.FullName
    where = path or type_name
    if not isinstance(data, dict):
        raise TypeError(f"{where}: expected a dict for {type_name}, got {type(data).__name__}")
    if dotnet_type.IsAbstract or dotnet_type.IsInterface or dotnet_type.GetConstructor(System.Type.EmptyTypes) is None:
        raise TypeError(f"{where}: {type_name} cannot be created from a dict (no public parameterless constructor)")
    table = _key_table(dotnet_type)
    assignments = []
    for key, value in data.items():
        if not isinstance(key, str):
            raise TypeError(f"{where}: keys must be strings, got {key!r}")
        entry = table.get(key) or table.get(key.lower())
        if entry is None:
            if strict:
                import difflib

                close = difflib.get_close_matches(key, sorted({to_snake(e.name) for e in table.values()}), n=3)
                hint = f"; did you mean {', '.join(close)}?" if close else ""
                raise ValueError(f"unknown key '{key}' for {type_name}{' at ' + path if path else ''}{hint}")
            continue
        assignments.append((entry, value))
    # Convert everything before creating anything: bad input leaves nothing half-built.
    converted = []
    for entry, value in assignments:
        field = f"{where}.{to_snake(entry.name)}" if path else f"{type_name}.{entry.name}"
        if not entry.writable:
            continue
        target = conversion.target(entry.dotnet_type)
        conversion.note_secret(entry.name, value)
        if target.kind == "object_class" and isinstance(value, dict):
            converted.append((entry, from_dict_raw(value, entry.dotnet_type, strict, field)))
        else:
            converted.append((entry, conversion.to_dotnet(value, target, field)))
    instance = System.Activator.CreateInstance(dotnet_type)
    for entry, value in converted:
        entry.set(instance, value)
    return instance


def from_dict(data: Any, dotnet_type: Any, strict: bool = True) -> Any:
    """A proxy of a new ``dotnet_type`` object built from ``data`` (either to_dict style)."""
    from octoclr.bridge import proxy
    from octoclr.bridge.methods import resolve_type

    resolved = resolve_type(dotnet_type)
    return proxy.wrap(from_dict_raw(data, resolved, strict))
