"""Member tables of .NET types, built once per type by reflection and cached.

A *view* is the set of types whose public members a Python caller sees on an object:
a public class shows its own members (inherited ones included) plus members of its
interfaces it implements explicitly; an interface shows its members and those of every
interface it inherits (``Type.GetMethods`` on an interface leaves those out); an object
whose class is not public (the client's repositories are internal classes) is seen
through its public base class and public interfaces, like C# code outside the assembly.
"""

from __future__ import annotations

import importlib
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Tuple

import clr  # noqa: F401  (the runtime is hosted before the bridge is imported)
import System
from System.Reflection import BindingFlags

from octoclr.bridge.names import alias_table, clashes, to_snake

# BindingFlags by their documented values: the first ``|`` of two .NET enum values costs
# pythonnet some 20 ms of one-time work, which a one-shot process need not pay.
_BINDING_FLAG_VALUES = {"DeclaredOnly": 2, "Instance": 4, "Static": 8, "Public": 16, "NonPublic": 32, "FlattenHierarchy": 64}


def binding_flags(*names: str) -> Any:
    """``BindingFlags`` holding the named flags."""
    return BindingFlags(sum(_BINDING_FLAG_VALUES[name] for name in set(names)))


PUBLIC = binding_flags("Public", "Instance", "Static")
PUBLIC_FLAT = binding_flags("Public", "Instance", "Static", "FlattenHierarchy")

_lock = threading.RLock()
_pyclasses: Dict[str, Any] = {}
_infos: Dict[str, "TypeInfo"] = {}


def type_key(dotnet_type: Any) -> str:
    return dotnet_type.AssemblyQualifiedName or dotnet_type.FullName or dotnet_type.Name


def clr_type(pyclass: Any) -> Any:
    """The ``System.Type`` of a pythonnet class."""
    return clr.GetClrType(pyclass)


def pyclass_for(dotnet_type: Any) -> Any:
    """The pythonnet class of a public ``System.Type`` (constructed generics and arrays included)."""
    key = type_key(dotnet_type)
    found = _pyclasses.get(key)
    if found is not None:
        return found
    if dotnet_type.IsArray:
        pyclass = System.Array[pyclass_for(dotnet_type.GetElementType())]
    elif dotnet_type.IsGenericType and not dotnet_type.IsGenericTypeDefinition:
        definition = pyclass_for(dotnet_type.GetGenericTypeDefinition())
        arguments = tuple(pyclass_for(a) for a in dotnet_type.GetGenericArguments())
        pyclass = definition[arguments if len(arguments) > 1 else arguments[0]]
    elif dotnet_type.IsNested:
        pyclass = getattr(pyclass_for(dotnet_type.DeclaringType), dotnet_type.Name.split("`")[0])
    else:
        module = importlib.import_module(dotnet_type.Namespace or "System")
        pyclass = getattr(module, dotnet_type.Name.split("`")[0])
    _pyclasses[key] = pyclass
    return pyclass


def is_public(dotnet_type: Any) -> bool:
    return bool(dotnet_type.IsVisible)


def view_types(dotnet_type: Any) -> List[Any]:
    """The types whose public members make up what Python sees on an object of ``dotnet_type``."""
    if dotnet_type.IsInterface:
        return [dotnet_type, *dotnet_type.GetInterfaces()]
    if is_public(dotnet_type):
        return [dotnet_type, *(i for i in dotnet_type.GetInterfaces() if is_public(i))]
    base = dotnet_type.BaseType
    while base is not None and not is_public(base):
        base = base.BaseType
    views = [base] if base is not None else []
    return views + [i for i in dotnet_type.GetInterfaces() if is_public(i)]


def public_type(dotnet_type: Any) -> Any:
    """``dotnet_type`` when public, else the public type that best stands for it."""
    if is_public(dotnet_type):
        return dotnet_type
    interfaces = [i for i in dotnet_type.GetInterfaces() if is_public(i)]
    # The interface that inherits the most others is the one the class was written for.
    if interfaces:
        return max(interfaces, key=lambda i: len(i.GetInterfaces()))
    return view_types(dotnet_type)[0]


@dataclass
class PropertyEntry:
    name: str
    dotnet_type: Any
    declaring_type: Any
    readable: bool
    writable: bool
    is_static: bool
    is_field: bool = False
    is_literal: bool = False
    _descriptor: Any = None
    _getter: Any = None

    def descriptor(self) -> Any:
        if self._descriptor is None:
            owner = pyclass_for(self.declaring_type)
            for klass in getattr(owner, "__mro__", (owner,)):
                if self.name in klass.__dict__:
                    self._descriptor = klass.__dict__[self.name]
                    break
            else:
                raise AttributeError(self.name)
        return self._descriptor

    def get(self, raw: Any) -> Any:
        if self.is_static or raw is None:
            return getattr(pyclass_for(self.declaring_type), self.name)
        getter = self._getter
        if getter is None:
            getter = self._getter = self.descriptor().__get__
        return getter(raw, None)

    def set(self, raw: Any, value: Any) -> None:
        if self.is_static or raw is None:
            setattr(pyclass_for(self.declaring_type), self.name, value)
        else:
            self.descriptor().__set__(raw, value)


@dataclass
class TypeInfo:
    """What the bridge knows about one .NET type, as Python sees it."""

    dotnet_type: Any
    full_name: str
    properties: Dict[str, PropertyEntry]
    methods: Dict[str, List[Any]]
    indexers: List[Any]
    aliases: Dict[str, str]
    clashes: Dict[str, List[str]]
    interface_names: Tuple[str, ...]
    is_public: bool
    extras: Dict[str, Any] = field(default_factory=dict)

    @property
    def member_names(self) -> List[str]:
        return sorted(set(self.properties) | set(self.methods))

    def python_names(self) -> List[str]:
        return sorted({to_snake(n) for n in self.member_names if to_snake(n) in self.aliases})

    def resolve(self, python_name: str) -> Optional[str]:
        """The .NET member name a Python name means, or None."""
        return self.aliases.get(python_name)

    def settable_properties(self) -> Dict[str, PropertyEntry]:
        return {n: p for n, p in self.properties.items() if p.writable and not p.is_static}


def _generic_definition_name(t: Any) -> str:
    if t.IsGenericType:
        return t.GetGenericTypeDefinition().FullName or t.Name
    return t.FullName or t.Name


def all_interface_names(dotnet_type: Any) -> Tuple[str, ...]:
    types = list(dotnet_type.GetInterfaces())
    if dotnet_type.IsInterface:
        types.append(dotnet_type)
    return tuple(sorted({_generic_definition_name(t) for t in types}))


def base_names(dotnet_type: Any) -> List[str]:
    """Full names of ``dotnet_type`` and its base classes, most derived first."""
    names = []
    current = dotnet_type
    while current is not None:
        names.append(_generic_definition_name(current))
        current = current.BaseType
    return names


def type_info(dotnet_type: Any) -> TypeInfo:
    """The cached member table of ``dotnet_type`` (see the module docstring for what it covers)."""
    key = type_key(dotnet_type)
    info = _infos.get(key)
    if info is not None:
        return info
    with _lock:
        info = _infos.get(key)
        if info is None:
            info = _build(dotnet_type)
            _infos[key] = info
    return info


def _build(dotnet_type: Any) -> TypeInfo:
    properties: Dict[str, PropertyEntry] = {}
    methods: Dict[str, List[Any]] = {}
    indexers: List[Any] = []
    seen_signatures: set = set()
    for view in view_types(dotnet_type):
        flags = PUBLIC if view.IsInterface else PUBLIC_FLAT
        for prop in view.GetProperties(flags):
            if len(prop.GetIndexParameters()) > 0:
                indexers.append(prop)
                continue
            if prop.Name in properties:
                continue
            getter, setter = prop.GetGetMethod(), prop.GetSetMethod()
            accessor = getter or setter
            properties[prop.Name] = PropertyEntry(
                name=prop.Name,
                dotnet_type=prop.PropertyType,
                declaring_type=prop.DeclaringType,
                readable=getter is not None,
                writable=setter is not None,
                is_static=bool(accessor is not None and accessor.IsStatic),
            )
        for fld in view.GetFields(flags):
            if fld.Name in properties:
                continue
            properties[fld.Name] = PropertyEntry(
                name=fld.Name,
                dotnet_type=fld.FieldType,
                declaring_type=fld.DeclaringType,
                readable=True,
                writable=not (fld.IsInitOnly or fld.IsLiteral),
                is_static=bool(fld.IsStatic),
                is_field=True,
                is_literal=bool(fld.IsLiteral),
            )
        for method in view.GetMethods(flags):
            if method.IsSpecialName:
                continue
            signature = (method.Name, str(method))
            if signature in seen_signatures:
                continue
            seen_signatures.add(signature)
            methods.setdefault(method.Name, []).append(method)
    names = list(properties) + list(methods)
    return TypeInfo(
        dotnet_type=dotnet_type,
        full_name=dotnet_type.FullName or dotnet_type.Name,
        properties=properties,
        methods=methods,
        indexers=indexers,
        aliases=alias_table(names),
        clashes=dict(clashes(names)),
        interface_names=all_interface_names(dotnet_type),
        is_public=is_public(dotnet_type),
    )


def describe_type(dotnet_type: Any) -> str:
    """A C#-like name: ``List<Widget>``, ``Func<Widget, bool>``, ``int?``."""
    if dotnet_type is None:
        return "void"
    if dotnet_type.IsByRef:
        return "ref " + describe_type(dotnet_type.GetElementType())
    if dotnet_type.IsArray:
        return describe_type(dotnet_type.GetElementType()) + "[]"
    if dotnet_type.IsGenericType:
        name = dotnet_type.Name.split("`")[0]
        arguments = ", ".join(describe_type(a) for a in dotnet_type.GetGenericArguments())
        if name == "Nullable":
            return arguments + "?"
        return f"{name}<{arguments}>"
    return _ALIASES.get(dotnet_type.FullName or "", dotnet_type.Name)


_ALIASES = {
    "System.String": "string",
    "System.Int32": "int",
    "System.Int64": "long",
    "System.Boolean": "bool",
    "System.Double": "double",
    "System.Object": "object",
    "System.Void": "void",
    "System.Decimal": "decimal",
}


def describe_method(method: Any) -> str:
    """``Widget Get(string id)``-style signature for messages and help()."""
    parameters = []
    for p in method.GetParameters():
        text = f"{describe_type(p.ParameterType)} {p.Name}"
        if _is_params(p):
            text = "params " + text
        if p.IsOptional:
            text += " = " + repr(_default_of(p))
        parameters.append(text)
    generic = ""
    if method.IsGenericMethodDefinition:
        generic = "<" + ", ".join(a.Name for a in method.GetGenericArguments()) + ">"
    static = "static " if getattr(method, "IsStatic", False) else ""
    returns = describe_type(method.ReturnType) + " " if hasattr(method, "ReturnType") else ""
    name = method.DeclaringType.Name if method.IsConstructor else method.Name
    return f"{static}{returns}{name}{generic}({', '.join(parameters)})"


def _is_params(parameter: Any) -> bool:
    return parameter.ParameterType.IsArray and parameter.IsDefined(clr_type(System.ParamArrayAttribute), False)


def _default_of(parameter: Any) -> Any:
    value = parameter.DefaultValue
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if value.GetType().FullName in ("System.DBNull", "System.Reflection.Missing"):
        return None
    return value


is_params_parameter = _is_params
default_of = _default_of


def constructors(dotnet_type: Any) -> List[Any]:
    return list(dotnet_type.GetConstructors())


def loaded_assemblies() -> List[Any]:
    return [a for a in System.AppDomain.CurrentDomain.GetAssemblies() if not a.IsDynamic]


def exported_types(assembly: Any) -> List[Any]:
    """The public types of a loaded assembly, read once (callers must not change the list)."""
    key = str(assembly.FullName)
    found = _exported.get(key)
    if found is None:
        try:
            found = list(assembly.GetExportedTypes())
        except Exception:  # dependencies missing (perhaps loaded later): skip it this time
            return []
        if not assembly.IsDynamic:  # a dynamic assembly can gain types
            _exported[key] = found
    return found


_exported: Dict[str, List[Any]] = {}


def accessor_for(entry: PropertyEntry) -> Tuple[Callable[[Any], Any], Callable[[Any, Any], None]]:
    return entry.get, entry.set
