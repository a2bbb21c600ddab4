"""Proxy classes, one per .NET type, generated from its member table and cached.

A proxy holds the pythonnet object in ``_raw``. Its class carries one descriptor per
member under both the snake_case and the exact .NET name, so attribute access costs a
dictionary look-up and no ``__getattr__``; ``__getattr__`` only runs for names the type
does not declare (extension methods, then an ``AttributeError`` with close matches).
The proxy classes mirror .NET inheritance, and ``isinstance`` also answers for
interfaces (and for raw pythonnet objects) through ``Type.IsAssignableFrom``.
"""

from __future__ import annotations

import difflib
import threading
from typing import Any, Dict, List, Optional

import clr

from octoclr.bridge import conversion, customizers, protocols, reflection  # noqa: F401  (protocols registers itself)
from octoclr.bridge.names import to_snake
from octoclr.bridge.reflection import PropertyEntry, TypeInfo, type_info, type_key

_lock = threading.RLock()
_classes: Dict[str, type] = {}
_by_pyclass: Dict[type, type] = {}


class ProxyMeta(type):
    """Metaclass of proxy classes: construction with keyword arguments, isinstance by .NET rules."""

    __dotnet_type__: Any
    __info__: Optional[TypeInfo]

    def __instancecheck__(cls, instance: Any) -> bool:
        if type.__instancecheck__(cls, instance):
            return True
        dotnet_type = cls.__dict__.get("__dotnet_type__")
        if dotnet_type is None:
            return False
        raw = instance._raw if is_proxy(instance) else instance
        if not conversion.is_dotnet(raw):
            return False
        return bool(dotnet_type.IsAssignableFrom(raw.GetType()))

    def __subclasscheck__(cls, subclass: Any) -> bool:
        if type.__subclasscheck__(cls, subclass):
            return True
        mine, theirs = cls.__dict__.get("__dotnet_type__"), getattr(subclass, "__dotnet_type__", None)
        return bool(mine is not None and theirs is not None and mine.IsAssignableFrom(theirs))

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        from octoclr.bridge.methods import construct

        return construct(cls, args, kwargs)

    def __getattr__(cls, name: str) -> Any:
        info = cls.__dict__.get("__info__")
        if info is None or name.startswith("_"):
            raise AttributeError(name)
        nested = info.dotnet_type.GetNestedType(name)
        if nested is not None and nested.IsVisible:
            found = proxy_class(nested)
            type.__setattr__(cls, name, found)
            return found
        raise MissingMember(info, name, static=True)

    def __setattr__(cls, name: str, value: Any) -> None:
        for klass in cls.__mro__:
            descriptor = klass.__dict__.get(name)
            if descriptor is not None:
                break
        if isinstance(descriptor, PropertyDescriptor):
            if not descriptor.entry.is_static:
                raise AttributeError(f"{descriptor.owner_name}.{descriptor.entry.name} belongs to objects, not to the class")
            descriptor.set_static(value)
            return
        type.__setattr__(cls, name, value)

    def __repr__(cls) -> str:
        dotnet_type = cls.__dict__.get("__dotnet_type__")
        return f"<.NET class {dotnet_type.FullName}>" if dotnet_type is not None else super().__repr__()


class Proxy(metaclass=ProxyMeta):
    """Base of every generated proxy class."""

    __slots__ = ("_raw", "__weakref__")
    __dotnet_type__: Any = None
    __info__: Optional[TypeInfo] = None
    _setters: Dict[str, Any] = {}

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # Python's own probes (_repr_html_, __length_hint__...)
            raise AttributeError(name)
        from octoclr.bridge import extensions

        method = extensions.bound_extension(self, name)
        if method is not None:
            return method
        raise MissingMember(type(self).__info__, name)

    def __setattr__(self, name: str, value: Any) -> None:
        descriptor = type(self)._setters.get(name)
        if descriptor is None:
            info = type(self).__info__
            dotnet = info.resolve(name) if info else None
            if dotnet is not None and dotnet in info.properties:  # type: ignore[union-attr]
                raise AttributeError(f"{info.full_name}.{dotnet} is read-only")  # type: ignore[union-attr]
            raise MissingMember(info, name)
        descriptor.__set__(self, value)

    def __dir__(self) -> List[str]:
        from octoclr.bridge import extensions

        info = type(self).__info__
        names = set(info.python_names()) if info else set()
        names.update(extensions.extension_names(self))
        names.update(n for n in dir(type(self)) if not n.startswith("_") and n == to_snake(n))
        return sorted(names)

    def __repr__(self) -> str:
        from octoclr.secrets import redact

        info = type(self).__info__
        raw = self._raw
        name = info.full_name if info else "?"
        runtime = raw.GetType()
        if not runtime.IsVisible:
            name = f"{name} ({runtime.FullName})"
        details = []
        if info is not None:
            for member in ("Id", "Name"):
                entry = info.properties.get(member)
                if entry is not None and entry.readable and not entry.is_static:
                    try:
                        details.append(f"{member}={entry.get(raw)!r}")
                    except Exception:  # a repr must never fail
                        pass
        text = f"<{name}{' ' + ' '.join(details) if details else ''}>"
        return redact(text)

    def __str__(self) -> str:
        from octoclr.secrets import redact

        return redact(str(self._raw.ToString()))

    def __eq__(self, other: Any) -> bool:
        other_raw = other._raw if is_proxy(other) else other
        if not conversion.is_dotnet(other_raw):
            return NotImplemented
        return bool(self._raw.Equals(other_raw))

    def __hash__(self) -> int:
        return int(self._raw.GetHashCode())

    def __reduce__(self) -> Any:
        raise TypeError(f"cannot pickle a .NET object ({type(self).__info__.full_name}); use octoclr.to_dict()")  # type: ignore[union-attr]


class MissingMember(AttributeError):
    """No such member: the message, with its suggestions, is worked out only when shown.

    ``hasattr`` and ``getattr(obj, name, default)`` ask proxies for names they lack all
    the time; listing every member and extension method for a message nobody reads
    would cost more than the look-up.
    """

    def __init__(self, info: Optional[TypeInfo], name: str, static: bool = False) -> None:
        super().__init__(name)
        self.name = name
        self._info = info
        self._static = static
        self._message: Optional[str] = None

    def __str__(self) -> str:
        if self._message is None:
            try:
                self._message = _unknown_message(self._info, self.name, self._static)
            except Exception:  # a message must never fail
                self._message = self.name
        return self._message


def _unknown_message(info: Optional[TypeInfo], name: str, static: bool = False) -> str:
    if info is None:
        return name
    candidates = info.python_names()
    if not static:
        from octoclr.bridge import extensions

        candidates = candidates + extensions.extension_names_for_type(info.dotnet_type)
    close = difflib.get_close_matches(name, candidates, n=3, cutoff=0.6)
    if not close:
        close = difflib.get_close_matches(to_snake(name), candidates, n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    clash = info.clashes.get(name)
    if clash:
        hint = f"; '{name}' is ambiguous here, use one of the exact names {', '.join(clash)}"
    return f"{info.full_name} has no member '{name}'{hint}"


def is_proxy(value: Any) -> bool:
    return isinstance(type(value), ProxyMeta) and not isinstance(value, type)


def is_proxy_class(value: Any) -> bool:
    return isinstance(value, ProxyMeta)


# --------------------------------------------------------------------------------------
# Descriptors


class PropertyDescriptor:
    """A .NET property or field on a proxy class."""

    __slots__ = ("entry", "owner_name", "target", "_doc", "_getter")

    def __init__(self, entry: PropertyEntry, owner_name: str) -> None:
        self.entry = entry
        self.owner_name = owner_name
        self.target: Any = None
        self._getter: Any = None
        kind = "field" if entry.is_field else "property"
        access = "get; set;" if entry.writable else "get;"
        static = "static " if entry.is_static else ""
        self._doc = f"{static}{reflection.describe_type(entry.dotnet_type)} {entry.name} {{ {access} }}  (.NET {kind})"

    @property
    def __doc__(self) -> str:  # type: ignore[override]
        return self._doc

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        getter = self._getter
        if getter is not None and instance is not None:
            # The common case, kept short: pythonnet's own descriptor, then the conversion.
            try:
                value = getter(instance._raw, None)
            except Exception:
                return self._read(instance._raw)
            return _property_to_python(value)
        if instance is None:
            if self.entry.is_static:
                return self._read(None)
            return self
        if not self.entry.is_static:
            try:
                self._getter = self.entry.descriptor().__get__
            except AttributeError:
                pass
        return self._read(instance._raw)

    def _read(self, raw: Any) -> Any:
        try:
            value = self.entry.get(raw)
        except Exception as error:
            from octoclr.bridge.exceptions import convert_exception, is_dotnet_exception

            if is_dotnet_exception(error):
                raise convert_exception(error) from None
            raise
        return conversion.property_to_python(value)

    def set_static(self, value: Any) -> None:
        self.__set__(None, value)

    def __set__(self, instance: Any, value: Any) -> None:
        from octoclr.bridge.exceptions import convert_exception, is_dotnet_exception

        entry = self.entry
        if not entry.writable:
            raise AttributeError(f"{self.owner_name}.{entry.name} is read-only")
        if self.target is None:
            self.target = conversion.target(entry.dotnet_type)
        conversion.note_secret(entry.name, value)
        dotnet_value = conversion.to_dotnet(value, self.target, f"{self.owner_name}.{entry.name}")
        try:
            entry.set(None if instance is None else instance._raw, dotnet_value)
        except Exception as error:
            if is_dotnet_exception(error):
                raise convert_exception(error) from None
            raise


_property_to_python = conversion.property_to_python


class BlockingPropertyDescriptor(PropertyDescriptor):
    """A property of a type whose members may block, handing out data (which it may have fetched).

    pythonnet keeps the GIL inside a property getter, so the getter runs as a method
    (``PropertyInfo.GetValue``, during which the GIL is free) on a worker thread of
    :mod:`octoclr.bridge.interruptible`: Ctrl-C and the time limit stop it.
    """

    __slots__ = ("_info", "_what")

    def __init__(self, entry: PropertyEntry, owner_name: str, info: Any) -> None:
        super().__init__(entry, owner_name)
        self._info = info
        self._what = f"{owner_name}.{entry.name}"

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        if instance is None:
            return super().__get__(instance, owner)
        from octoclr.bridge import interruptible
        from octoclr.bridge.exceptions import convert_exception, is_dotnet_exception

        try:
            value = interruptible.call(self._info.GetValue, (instance._raw, None), None, self._what)
        except Exception as error:
            if is_dotnet_exception(error):
                raise convert_exception(error) from None
            raise
        return _property_to_python(value)


def _property_descriptor(entry: PropertyEntry, owner_name: str, blocking_owner: bool) -> PropertyDescriptor:
    """A service handing out another service is wiring (read directly); handing out data, it may fetch it."""
    from octoclr.bridge import interruptible

    if not blocking_owner or entry.is_field or entry.is_static or not entry.readable or interruptible.may_block(entry.dotnet_type):
        return PropertyDescriptor(entry, owner_name)
    try:
        info = entry.declaring_type.GetProperty(entry.name)
    except Exception:  # hidden by a property of the same name: keep pythonnet's own getter
        info = None
    if info is None or info.GetIndexParameters().Length:
        return PropertyDescriptor(entry, owner_name)
    return BlockingPropertyDescriptor(entry, owner_name, info)


class MethodDescriptor:
    """A .NET method group on a proxy class; binds to the instance (or class, for static methods)."""

    __slots__ = ("group",)

    def __init__(self, group: Any) -> None:
        self.group = group

    @property
    def __doc__(self) -> str:  # type: ignore[override]
        return self.group.doc()

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        from octoclr.bridge.methods import BoundMethod

        return BoundMethod(self.group, None if instance is None else instance._raw, instance)


# --------------------------------------------------------------------------------------
# Class generation


def proxy_class(dotnet_type: Any) -> type:
    """The proxy class of ``dotnet_type`` (created on first use)."""
    key = type_key(dotnet_type)
    found = _classes.get(key)
    if found is not None:
        return found
    with _lock:
        found = _classes.get(key)
        if found is None:
            found = _create(dotnet_type)
            _classes[key] = found
    return found


def _bases(dotnet_type: Any) -> tuple:
    if dotnet_type.IsInterface:
        return (Proxy,)
    base = dotnet_type.BaseType
    if not dotnet_type.IsVisible:
        while base is not None and not base.IsVisible:
            base = base.BaseType
    if base is None or base.FullName == "System.Object":
        return (Proxy,)
    return (proxy_class(base),)


def _create(dotnet_type: Any) -> type:
    from octoclr.bridge.methods import method_function, method_group, plain_function_suits

    info = type_info(dotnet_type)
    shown = reflection.public_type(dotnet_type)
    namespace: Dict[str, Any] = {
        "__slots__": (),
        "__dotnet_type__": dotnet_type,
        "__info__": info,
        "__module__": "octoclr.dotnet." + (shown.Namespace or "global"),
        "__qualname__": shown.Name.split("`")[0],
    }
    setters: Dict[str, Any] = {}
    descriptors: Dict[str, Any] = {}
    from octoclr.bridge.interruptible import may_block

    blocking = may_block(dotnet_type)
    for name, entry in info.properties.items():
        descriptors[name] = _property_descriptor(entry, info.full_name, blocking)
    for name in info.methods:
        group = method_group(info, name)
        if plain_function_suits(group):
            descriptors[name] = method_function(group, to_snake(name))
        else:
            descriptors[name] = MethodDescriptor(group)
    for python_name, dotnet_name in info.aliases.items():
        if python_name.startswith("__") or python_name in ("_raw", "_setters"):
            continue
        descriptor = descriptors[dotnet_name]
        namespace[python_name] = descriptor
        if isinstance(descriptor, PropertyDescriptor) and descriptor.entry.writable and not descriptor.entry.is_static:
            setters[python_name] = descriptor
    namespace["_setters"] = setters
    namespace["__doc__"] = _class_doc(dotnet_type, info, descriptors)
    cls = ProxyMeta(namespace["__qualname__"], _bases(dotnet_type), namespace)
    names = tuple(reflection.base_names(dotnet_type)) + info.interface_names
    for prototype in customizers.implementations(names):
        customizers.copy_members(prototype, cls)
    if info.indexers and not hasattr(cls, "__getitem__"):
        customizers.copy_members(_Indexed, cls)
    return cls


class _Indexed:
    """``obj[key]`` for a type with an indexer that is not a collection (``this[string name]``)."""

    def __getitem__(self, key: Any) -> Any:
        return conversion.property_to_python(_index_call(self, key, lambda raw, k: raw[k]))

    def __setitem__(self, key: Any, value: Any) -> None:
        info: Any = type(self).__dict__.get("__info__") or getattr(type(self), "__info__")
        indexer = info.indexers[0]
        converted = conversion.to_dotnet(value, conversion.target(indexer.PropertyType), f"{info.full_name}[{key!r}]")

        def assign(raw: Any, k: Any) -> None:
            raw[k] = converted

        _index_call(self, key, assign)


def _index_call(instance: Any, key: Any, action: Any) -> Any:
    from octoclr.bridge.exceptions import convert_exception, is_dotnet_exception

    from octoclr.errors import ConversionError, InvalidTextError, KeyNotFoundError
    from octoclr.secrets import redact

    info = type(instance).__info__
    indexer = info.indexers[0]
    key_type = indexer.GetIndexParameters()[0].ParameterType
    missing = redact(f"{info.full_name}[{key!r}]: no such key")
    try:
        dotnet_key = conversion.to_dotnet(key, conversion.target(key_type), f"{info.full_name}[...] key")
    except ConversionError as error:
        if isinstance(error, InvalidTextError):
            raise
        raise KeyNotFoundError(f"{missing} ({error})", key=key) from None
    try:
        return action(instance._raw, dotnet_key)
    except Exception as error:
        if is_dotnet_exception(error):
            assert hasattr(error, "GetType")
            if str(error.GetType().FullName) in _MISSING_KEY_EXCEPTIONS:
                raise KeyNotFoundError(missing, key=key) from None
            raise convert_exception(error) from None
        raise


#: What an indexer throws for a key it does not have (a null one included).
_MISSING_KEY_EXCEPTIONS = (
    "System.Collections.Generic.KeyNotFoundException",
    "System.ArgumentOutOfRangeException",
    "System.ArgumentNullException",
)


def _on_new_implementation(type_name: str, prototype: type) -> None:
    for cls in list(_classes.values()):
        info = cls.__dict__.get("__info__")
        if info is None:
            continue
        if type_name in reflection.base_names(info.dotnet_type) or type_name in info.interface_names:
            customizers.copy_members(prototype, cls)


customizers.on_implementation(_on_new_implementation)


def _class_doc(dotnet_type: Any, info: TypeInfo, descriptors: Dict[str, Any]) -> str:
    lines = [f".NET {'interface' if dotnet_type.IsInterface else 'class'} {info.full_name}", ""]
    for name in sorted(descriptors):
        python = to_snake(name)
        doc = descriptors[name].__doc__ or ""
        lines.append(f"{python}: {doc.splitlines()[0] if doc else ''}")
        for extra in doc.splitlines()[1:]:
            lines.append(f"    {extra}")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------
# wrap / unwrap

_PLAIN = (str, int, float, bool, type(None))


def wrap(raw: Any) -> Any:
    """The proxy for a pythonnet object (other values are returned unchanged)."""
    if isinstance(raw, _PLAIN) or not conversion.is_dotnet(raw):
        return raw
    return wrap_dotnet(raw)


def wrap_dotnet(raw: Any) -> Any:
    """:func:`wrap` for a value known to be a pythonnet object."""
    pyclass = type(raw)
    cls = _by_pyclass.get(pyclass)
    if cls is None:
        declared = clr.GetClrType(pyclass)
        if declared.IsInterface or declared.IsAbstract:
            runtime = raw.GetType()
            if runtime.IsVisible:
                implementation = getattr(raw, "__implementation__", raw)
                return wrap(implementation) if type(implementation) is not pyclass else _make(proxy_class(runtime), raw)
            return _make(proxy_class(runtime), raw)
        cls = _by_pyclass[pyclass] = proxy_class(declared)
    return _make(cls, raw)


def _make(cls: type, raw: Any) -> Any:
    instance: Any = _new(cls)
    _set_raw(instance, raw)
    return instance


_new = object.__new__
_set_raw = Proxy.__dict__["_raw"].__set__


def unwrap(value: Any) -> Any:
    """The pythonnet object behind a proxy (other values are returned unchanged)."""
    if is_proxy(value):
        return value._raw
    if is_proxy_class(value):
        return reflection.pyclass_for(value.__dotnet_type__)
    return value
