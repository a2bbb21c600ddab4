"""``octoclr.namespace("Acme.Model")``: the public types of a .NET namespace as proxy classes.

Attributes are looked up across every loaded assembly on first access and cached; a
generic type definition is returned as a :class:`GenericType` that is subscripted with
type arguments (``ns.List[str]``). The proxy classes are the same objects ``wrap`` uses,
so ``isinstance(obj, ns.SomeType)`` holds and ``ns.SomeType(name="x")`` constructs.
"""

from __future__ import annotations

import difflib
from typing import Any, Dict, List, Tuple

from octoclr.bridge import proxy, reflection


class GenericType:
    """A generic .NET type definition; ``generic[T1, T2]`` gives the proxy class."""

    def __init__(self, definitions: List[Any]) -> None:
        self._definitions = {len(d.GetGenericArguments()): d for d in definitions}

    def __getitem__(self, arguments: Any) -> type:
        from octoclr.bridge.methods import resolve_type

        if not isinstance(arguments, tuple):
            arguments = (arguments,)
        definition = self._definitions.get(len(arguments))
        if definition is None:
            raise TypeError(f"no generic definition takes {len(arguments)} type arguments")
        import System

        constructed = definition.MakeGenericType(System.Array[System.Type]([resolve_type(a) for a in arguments]))
        return proxy.proxy_class(constructed)

    def __repr__(self) -> str:
        return f"<.NET generic type {', '.join(d.FullName for d in self._definitions.values())}>"


class Namespace:
    """The public types of one .NET namespace (and its child namespaces as attributes)."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._cache: Dict[str, Any] = {}
        self._scanned: Any = None  # (assembly count, types by name, child namespaces)

    def _types(self) -> Tuple[Dict[str, List[Any]], List[str]]:
        import System

        count = int(System.AppDomain.CurrentDomain.GetAssemblies().Length)
        if self._scanned is not None and self._scanned[0] == count:
            return self._scanned[1], self._scanned[2]
        by_name: Dict[str, List[Any]] = {}
        children = set()
        prefix = self._name + "."
        for assembly in reflection.loaded_assemblies():
            for t in reflection.exported_types(assembly):
                namespace = t.Namespace or ""
                if namespace == self._name and not t.IsNested:
                    by_name.setdefault(t.Name.split("`")[0], []).append(t)
                elif namespace.startswith(prefix):
                    children.add(namespace[len(prefix):].split(".")[0])
        self._scanned = (count, by_name, sorted(children))
        return by_name, sorted(children)

    def _direct(self, name: str) -> Any:
        """The proxy class of the public, non-generic type ``name``, asked of each assembly by full name.

        Listing every type of every loaded assembly (the core library alone holds thousands)
        is what a namespace's ``dir()`` needs, not one look-up.
        """
        if self._scanned is not None:
            return None  # the listing is at hand
        full_name = f"{self._name}.{name}"
        for assembly in reflection.loaded_assemblies():
            try:
                found = assembly.GetType(full_name, False)
            except Exception:  # an assembly that cannot answer: the listing will tell
                continue
            if found is not None and found.IsPublic:
                return proxy.proxy_class(found)
        return None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if name in self._cache:
            return self._cache[name]
        direct = self._direct(name)
        if direct is not None:
            self._cache[name] = direct
            return direct
        by_name, children = self._types()
        types = by_name.get(name)
        if types:
            plain = [t for t in types if not t.IsGenericTypeDefinition]
            value: Any = proxy.proxy_class(plain[0]) if plain else GenericType(types)
        elif name in children:
            value = Namespace(f"{self._name}.{name}")
        else:
            close = difflib.get_close_matches(name, list(by_name) + children, n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise AttributeError(f"no public type '{name}' in the .NET namespace {self._name} of the loaded assemblies{hint}")
        self._cache[name] = value
        return value

    def __dir__(self) -> List[str]:
        by_name, children = self._types()
        return sorted(set(by_name) | set(children))

    def __repr__(self) -> str:
        return f"<.NET namespace {self._name}>"


_namespaces: Dict[str, Namespace] = {}


def namespace(name: str) -> Namespace:
    if not isinstance(name, str) or not name:
        raise TypeError("namespace() takes a namespace name such as 'System.Collections.Generic'")
    found = _namespaces.get(name)
    if found is None:
        found = _namespaces[name] = Namespace(name)
    return found
