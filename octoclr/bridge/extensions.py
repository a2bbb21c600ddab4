"""Static extension methods of the loaded assemblies, callable as methods of the objects they extend.

C# lets ``repository.ForSpace(space)`` call ``OctopusRepositoryExtensions.ForSpace(repository,
space)``; so does the bridge: every public static method marked ``[Extension]`` in a loaded
assembly is indexed by name, and a proxy whose type fits the method's first parameter
finds it through ``__getattr__`` (after its own members). The index is rebuilt when new
assemblies are loaded.
"""

from __future__ import annotations

import threading
from typing import Any, Dict, List, Optional

import System

from octoclr.bridge import interruptible, reflection
from octoclr.bridge.methods import BoundMethod, MethodGroup
from octoclr.bridge.names import to_snake

_lock = threading.RLock()
_index: Dict[str, List[Any]] = {}
_indexed_assemblies: set = set()
_groups: Dict[tuple, Optional[MethodGroup]] = {}

_EXTENSION_ATTRIBUTE = "System.Runtime.CompilerServices.ExtensionAttribute"


_assembly_count = [0]


def _refresh() -> None:
    count = int(System.AppDomain.CurrentDomain.GetAssemblies().Length)
    if count == _assembly_count[0]:
        return  # nothing loaded since the index was built
    _assembly_count[0] = count
    assemblies = reflection.loaded_assemblies()
    with _lock:
        for assembly in assemblies:
            name = str(assembly.FullName)
            if name in _indexed_assemblies:
                continue
            _indexed_assemblies.add(name)
            # pythonnet's own assembly extends every object (ToPython); it is plumbing, not API.
            if not _has_extensions(assembly) or assembly.GetName().Name == "Python.Runtime":
                continue
            for t in reflection.exported_types(assembly):
                if not (t.IsAbstract and t.IsSealed) or not _marked(t):  # static classes only
                    continue
                for method in t.GetMethods(reflection.PUBLIC):
                    if method.IsStatic and _marked(method) and len(method.GetParameters()) > 0:
                        for key in {method.Name, to_snake(method.Name)}:
                            _index.setdefault(key, []).append(method)
        _groups.clear()


def _extension_attribute() -> Any:
    found = System.Type.GetType(_EXTENSION_ATTRIBUTE)  # in the core library from .NET 4.5 on
    if found is None:
        for assembly in reflection.loaded_assemblies():
            found = assembly.GetType(_EXTENSION_ATTRIBUTE, False)
            if found is not None:
                break
    return found


_attribute: List[Any] = []


def _marked(member: Any) -> bool:
    # IsDefined asks for one attribute type without building every attribute of the member.
    if not _attribute:
        _attribute.append(_extension_attribute())
    if _attribute[0] is not None:
        return bool(member.IsDefined(_attribute[0], False))
    return any(a.GetType().FullName == _EXTENSION_ATTRIBUTE for a in member.GetCustomAttributes(False))


def _has_extensions(assembly: Any) -> bool:
    try:
        return _marked(assembly)
    except Exception:
        return False


def _applies(method: Any, dotnet_type: Any) -> bool:
    first = method.GetParameters()[0].ParameterType
    if first.ContainsGenericParameters:
        # Extending an open generic (``this IEnumerable<T>``): compare definitions.
        if first.IsGenericParameter:
            return True
        definition = first.GetGenericTypeDefinition() if first.IsGenericType else first
        candidates = [dotnet_type, *dotnet_type.GetInterfaces()]
        base = dotnet_type.BaseType
        while base is not None:
            candidates.append(base)
            base = base.BaseType
        return any(c.IsGenericType and c.GetGenericTypeDefinition() == definition for c in candidates)
    return bool(first.IsAssignableFrom(dotnet_type))


def group_for(dotnet_type: Any, name: str) -> Optional[MethodGroup]:
    _refresh()
    key = (reflection.type_key(dotnet_type), name)
    if key in _groups:
        return _groups[key]
    methods = [m for m in _index.get(name, []) if _applies(m, dotnet_type)]
    # Extension methods live in static classes; the object they extend decides whether they may block.
    group = MethodGroup(reflection.type_info(dotnet_type).full_name, methods[0].Name, methods,
                        interruptible.may_block(dotnet_type)) if methods else None
    _groups[key] = group
    return group


def bound_extension(instance: Any, name: str) -> Optional[BoundMethod]:
    """The extension method ``name`` bound to ``instance`` (a proxy), or None."""
    dotnet_type = type(instance).__info__.dotnet_type
    group = group_for(dotnet_type, name)
    if group is None:
        return None
    return BoundMethod(group, None, instance, prefix=(instance,))


def extension_names_for_type(dotnet_type: Any) -> List[str]:
    _refresh()
    found = set()
    for name, methods in _index.items():
        if name == to_snake(name) and any(_applies(m, dotnet_type) for m in methods):
            found.add(name)
    return sorted(found)


def extension_names(instance: Any) -> List[str]:
    return extension_names_for_type(type(instance).__info__.dotnet_type)
