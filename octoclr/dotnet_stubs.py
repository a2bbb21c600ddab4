"""Stub text for .NET types, by reflection over the loaded assemblies: the core of ``octoclr stubs``.

:class:`StubBuilder` turns the public types of the given assemblies into one
:class:`Module` per .NET namespace: a class per type, snake_case properties and methods
as the bridge exposes them, parameter and result types mapped to Python types or to
other stub classes, generics, overloads, constructors taking the settable properties as
keywords, extension methods on the types they extend, Python protocols the bridge adds
(context managers, mappings, sequences) and the .NET signature as every member's
docstring. Member tables, names, extension methods and the value conversions are the
bridge's (:mod:`octoclr.bridge`); only .NET's own types are mapped here by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Sequence, Set, Tuple

__all__ = ["StubBuilder", "Module", "module_for_namespace", "support_module", "PACKAGE", "DOTNET_PACKAGE"]

PACKAGE = "octoclr"
DOTNET_PACKAGE = "_dotnet"
SUPPORT_MODULE = f"{PACKAGE}.{DOTNET_PACKAGE}._support"

# Per-file switches for the generated .NET modules. .NET allows what Python's type rules
# reject (members hidden with ``new``, overloads that overlap, properties re-declared
# with another type); those are faithful to the client, so mypy is told not to report
# them in the stubs. User code is checked as strictly as ever.
_MYPY_HEADER = '# mypy: disable-error-code="override, overload-overlap, misc, assignment"'


# --------------------------------------------------------------------------------------
# .NET types that are not the client's, as the bridge converts them


_NUMBERS = {
    "System.Int16": "int", "System.Int32": "int", "System.Int64": "int", "System.Byte": "int",
    "System.SByte": "int", "System.UInt16": "int", "System.UInt32": "int", "System.UInt64": "int",
    "System.Single": "float", "System.Double": "float",
}
_SIMPLE_RESULTS = {
    "System.String": "str", "System.Char": "str", "System.Boolean": "bool",
    "System.Decimal": "_decimal.Decimal", "System.DateTimeOffset": "_datetime.datetime",
    "System.DateTime": "_datetime.datetime", "System.TimeSpan": "_datetime.timedelta",
    "System.Guid": "_uuid.UUID", "System.Object": "Any", "System.Void": "None", "System.Type": "type",
    **_NUMBERS,
}
_SIMPLE_PARAMETERS = {
    **_SIMPLE_RESULTS,
    "System.Decimal": "_decimal.Decimal | int | float",
    "System.DateTimeOffset": "_datetime.datetime | str",
    "System.DateTime": "_datetime.datetime | _datetime.date | str",
    "System.Guid": "_uuid.UUID | str",
    "System.Type": "type | str",
}
_LIST_DEFINITIONS = {
    "System.Collections.Generic.List`1", "System.Collections.Generic.IList`1",
    "System.Collections.Generic.ICollection`1", "System.Collections.Generic.IReadOnlyList`1",
    "System.Collections.Generic.IReadOnlyCollection`1",
}
_SET_DEFINITIONS = {"System.Collections.Generic.HashSet`1", "System.Collections.Generic.ISet`1"}
_DICTIONARY_DEFINITIONS = {
    "System.Collections.Generic.Dictionary`2", "System.Collections.Generic.IDictionary`2",
    "System.Collections.Generic.SortedDictionary`2", "System.Collections.Concurrent.ConcurrentDictionary`2",
}
_READONLY_DICTIONARY = "System.Collections.Generic.IReadOnlyDictionary`2"
_ENUMERABLE = "System.Collections.Generic.IEnumerable`1"
_TASK, _TASK_OF = "System.Threading.Tasks.Task", "System.Threading.Tasks.Task`1"
_NULLABLE = "System.Nullable`1"
_OBJECT_MEMBERS = {"ToString", "Equals", "GetHashCode", "GetType", "Finalize", "MemberwiseClone", "ReferenceEquals"}


def _definition_name(t: Any) -> str:
    if t.IsGenericType:
        return str(t.GetGenericTypeDefinition().FullName or t.Name)
    return str(t.FullName or t.Name)


def _is_delegate(t: Any) -> bool:
    base = t.BaseType
    while base is not None:
        if base.FullName == "System.MulticastDelegate":
            return True
        base = base.BaseType
    return False


def _implements(t: Any, definitions: Iterable[str]) -> Any:
    """The first interface or base of ``t`` (itself included) whose generic definition is in ``definitions``."""
    wanted = set(definitions)
    candidates = [t, *list(t.GetInterfaces())]
    base = t.BaseType
    while base is not None:
        candidates.append(base)
        base = base.BaseType
    for candidate in candidates:
        if candidate.IsGenericType and _definition_name(candidate) in wanted:
            return candidate
    return None


# --------------------------------------------------------------------------------------
# The stub model: plain data, so rendering needs no .NET


@dataclass
class Module:
    """One ``.pyi`` file for a .NET namespace."""

    namespace: str
    imports: Set[str] = field(default_factory=set)  # "import x as y" / "from x import y" lines
    typevars: Set[str] = field(default_factory=set)  # covariant ones end in "_co"
    classes: List[str] = field(default_factory=list)
    helpers: List[str] = field(default_factory=list)
    aliases: List[str] = field(default_factory=list)

    @property
    def module_name(self) -> str:
        return module_for_namespace(self.namespace)

    def render(self, header: str) -> str:
        lines = [header, _MYPY_HEADER, "from __future__ import annotations", ""]
        lines.append("import datetime as _datetime")
        lines.append("import decimal as _decimal")
        lines.append("import uuid as _uuid")
        lines.append(
            "from typing import Any, Callable, ClassVar, Collection, Generic, Iterable, Iterator, Literal, Mapping, "
            "MutableMapping, MutableSequence, MutableSet, Sequence, TypeVar, overload"
        )
        lines.append("from typing_extensions import Self")
        lines.extend(sorted(self.imports))
        lines.append("")
        for name in sorted(self.typevars):
            variance = ", covariant=True" if name.endswith("_co") else ""
            lines.append(f'{name} = TypeVar("{name}"{variance})')
        if self.typevars:
            lines.append("")
        lines.extend(self.aliases)
        if self.aliases:
            lines.append("")
        for block in self.classes + self.helpers:
            lines.append(block)
            lines.append("")
        return "\n".join(lines).rstrip() + "\n"


def module_for_namespace(namespace: str) -> str:
    from octoclr.bridge.names import python_safe

    parts = [python_safe(p) for p in (namespace or "_global").split(".")]
    return ".".join([PACKAGE, DOTNET_PACKAGE, *parts])


def _docstring(text: str, indent: str) -> str:
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    return f'{indent}"""{text}"""'


# --------------------------------------------------------------------------------------
# Reflection → stub text


class StubBuilder:
    """Builds the modules for the public types of ``assemblies`` (the client's own)."""

    def __init__(self, assemblies: Sequence[Any]) -> None:
        from octoclr.bridge import reflection

        self._reflection = reflection
        self.assemblies = list(assemblies)
        self.assembly_names = {str(a.GetName().Name) for a in self.assemblies}
        self.types: Dict[str, Any] = {}  # full name (generic definitions with `N) → System.Type
        for assembly in self.assemblies:
            for t in reflection.exported_types(assembly):
                self.types[str(t.FullName)] = t
        self.class_names = self._python_class_names()
        self.modules: Dict[str, Module] = {}
        self.extensions = self._extension_methods()

    # --- naming ----------------------------------------------------------------------

    def _python_class_names(self) -> Dict[str, str]:
        """Python names of the types: ``ResourceCollection`1`` → ``ResourceCollection``, unless taken."""
        names: Dict[str, str] = {}
        taken: Dict[Tuple[str, str], str] = {}
        for full_name in sorted(self.types, key=lambda n: (n.count("`"), n)):
            t = self.types[full_name]
            scope = str(t.DeclaringType.FullName) if t.IsNested else str(t.Namespace or "")
            base = str(t.Name).split("`")[0]
            name = base
            if (scope, name) in taken:
                name = f"{base}_{str(t.Name).split('`')[1]}" if "`" in str(t.Name) else f"{base}_"
            taken[(scope, name)] = full_name
            names[full_name] = name
        return names

    def is_stubbed(self, t: Any) -> bool:
        if t.IsGenericType and not t.IsGenericTypeDefinition:
            t = t.GetGenericTypeDefinition()
        return bool(t.IsVisible) and str(t.FullName) in self.types

    def class_ref(self, t: Any, module: Module) -> str:
        """The name of stub class ``t`` (a definition or a plain type) as written in ``module``."""
        chain = []
        current = t
        while current.IsNested:
            chain.append(self.class_names[str(current.FullName)])
            current = current.DeclaringType
        chain.append(self.class_names[str(current.FullName)])
        dotted = ".".join(reversed(chain))
        namespace = str(current.Namespace or "")
        if namespace == module.namespace:
            return dotted
        target = module_for_namespace(namespace)
        alias = "_" + namespace.replace(".", "_")
        module.imports.add(f"import {target} as {alias}")
        return f"{alias}.{dotted}"

    # --- types -------------------------------------------------------------------------

    def typevar(self, name: str, module: Module, covariant: bool = False) -> str:
        python = "_" + name + ("_co" if covariant else "")
        module.typevars.add(python)
        return python

    def annotation(self, t: Any, module: Module, position: str, bound: Dict[str, str]) -> str:
        """The Python type of ``t`` in ``position``: ``result`` (method results), ``property``
        (live values read from properties), ``parameter`` (what a caller may pass)."""
        if t is None:
            return "None"
        if t.IsByRef or t.IsPointer:
            return "Any"
        if t.IsGenericParameter:
            return bound.get(str(t.Name), "Any")
        parameter = position == "parameter"
        name = str(t.FullName or "")
        definition = _definition_name(t)
        if definition == _NULLABLE:
            inner = self.annotation(t.GetGenericArguments()[0], module, position, bound)
            return f"{inner} | None"
        simple = (_SIMPLE_PARAMETERS if parameter else _SIMPLE_RESULTS).get(name)
        if simple is not None:
            return self._nullable(simple, t, parameter)
        if t.IsEnum:
            return self._enum_annotation(t, module)
        if definition == _TASK or definition == _TASK_OF:
            task = self._support("Task", module)
            inner = "None" if definition == _TASK else self.annotation(t.GetGenericArguments()[0], module, "result", bound)
            return f"{task}[{inner}]"
        if _is_delegate(t):
            if not parameter:
                return "Any"
            return self._callable(t, module, bound)
        if t.IsArray:
            element = self.annotation(t.GetElementType(), module, position, bound)
            return self._nullable(f"Iterable[{element}]" if parameter else f"list[{element}]", t, parameter)
        if self.is_stubbed(t):
            return self._client_type(t, module, position, bound)
        return self._system_collection(t, module, position, bound)

    def _nullable(self, text: str, t: Any, parameter: bool) -> str:
        if parameter and not t.IsValueType and text not in ("Any", "None"):
            return f"{text} | None"
        return text

    def _support(self, name: str, module: Module) -> str:
        module.imports.add(f"import {SUPPORT_MODULE} as _support")
        return f"_support.{name}"

    def _enum_annotation(self, t: Any, module: Module) -> str:
        if not self.is_stubbed(t):
            return "str"
        # The names alias lives at module level (``Outer_InnerName`` for a nested enum).
        ref = self.class_ref(t, module)  # records the import of the enum's module where needed
        outer = t
        while outer.IsNested:
            outer = outer.DeclaringType
        prefix = ref.split(".", 1)[0] + "." if str(outer.Namespace or "") != module.namespace else ""
        return prefix + self._alias_name(t)

    def _callable(self, t: Any, module: Module, bound: Dict[str, str]) -> str:
        invoke = t.GetMethod("Invoke")
        if invoke is None:
            return "Callable[..., Any]"
        arguments = [self.annotation(p.ParameterType, module, "result", bound) for p in invoke.GetParameters()]
        returns = self.annotation(invoke.ReturnType, module, "parameter", bound).replace(" | None", "")
        if str(invoke.ReturnType.FullName) == "System.Void":
            returns = "object"  # a callback's result is ignored: any callable will do
        return f"Callable[[{', '.join(arguments)}], {returns}]"

    def _client_type(self, t: Any, module: Module, position: str, bound: Dict[str, str]) -> str:
        parameter = position == "parameter"
        definition = t.GetGenericTypeDefinition() if t.IsGenericType and not t.IsGenericTypeDefinition else t
        ref = self.class_ref(definition, module)
        if t.IsGenericType:
            arguments = [self.annotation(a, module, "result", bound) for a in t.GetGenericArguments()]
            ref = f"{ref}[{', '.join(arguments)}]"
        if parameter:
            extra = []
            if self._converts_to_string(t):
                extra.append("str")
            if self._constructible_from_dict(t):
                extra.append("Mapping[str, Any]")
            return " | ".join([ref, *extra, "None"]) if not t.IsValueType else " | ".join([ref, *extra])
        if self._converts_to_string(t):
            return "str"  # the bridge reads values with an implicit string conversion as text
        return ref

    def _converts_to_string(self, t: Any) -> bool:
        for method in t.GetMethods(self._reflection.PUBLIC):
            if method.Name == "op_Implicit" and method.IsStatic and str(method.ReturnType.FullName) == "System.String":
                return True
        return False

    def _constructible_from_dict(self, t: Any) -> bool:
        import System

        return bool(t.IsClass and not t.IsAbstract and t.GetConstructor(System.Type.EmptyTypes) is not None)

    def _system_collection(self, t: Any, module: Module, position: str, bound: Dict[str, str]) -> str:
        parameter = position == "parameter"
        definition = _definition_name(t)
        arguments = list(t.GetGenericArguments()) if t.IsGenericType else []

        def arg(i: int, where: str = position) -> str:
            return self.annotation(arguments[i], module, "result" if where != "parameter" else "parameter", bound)

        if definition in _DICTIONARY_DEFINITIONS or definition == _READONLY_DICTIONARY:
            if parameter:
                return f"Mapping[{arg(0)}, {arg(1)}] | None"
            kind = "Mapping" if definition == _READONLY_DICTIONARY else "MutableMapping"
            return f"{kind}[{arg(0)}, {arg(1)}]"
        if definition in _LIST_DEFINITIONS or definition in _SET_DEFINITIONS or definition == _ENUMERABLE:
            if parameter:
                return f"Iterable[{arg(0)}] | None"
            if position == "result":
                return f"Iterator[{arg(0)}]" if definition == _ENUMERABLE else f"list[{arg(0)}]"
            if definition in _SET_DEFINITIONS:
                return f"MutableSet[{arg(0)}]"
            if definition == _ENUMERABLE:
                return f"Iterable[{arg(0)}]"
            readonly = definition.startswith("System.Collections.Generic.IReadOnly")
            return f"{'Sequence' if readonly else 'MutableSequence'}[{arg(0)}]"
        return "Any"

    # --- members -----------------------------------------------------------------------

    def _signature(
        self, method: Any, module: Module, bound: Dict[str, str], skip_first: bool = False,
        keywords: Sequence[Tuple[str, str]] = (), returns: Optional[str] = None,
    ) -> Optional[str]:
        """``(self, a: int, b: str | None = ...) -> X`` for ``method``; None when Python cannot call it."""
        from octoclr.bridge.names import to_snake

        parameters = list(method.GetParameters())[1 if skip_first else 0:]
        text = ["self"]
        used = {"self"}
        for parameter in parameters:
            if parameter.ParameterType.IsByRef or parameter.IsOut:
                return None
            name = to_snake(str(parameter.Name))
            while name in used:
                name += "_"
            used.add(name)
            if self._reflection.is_params_parameter(parameter):
                element = self.annotation(parameter.ParameterType.GetElementType(), module, "parameter", bound)
                text.append(f"*{name}: {element}")
                continue
            annotation = self.annotation(parameter.ParameterType, module, "parameter", bound)
            optional = bool(parameter.IsOptional or parameter.HasDefaultValue)
            if _is_cancellation_token(parameter.ParameterType):
                annotation, optional = "Any", True  # the bridge passes one itself
            if not optional:
                # Python has no required parameter after an optional one; .NET callers
                # pass those optional ones positionally anyway.
                text = [t.replace(" = ...", "") for t in text]
            text.append(f"{name}: {annotation}{' = ...' if optional else ''}")
        keywords = [(name, annotation) for name, annotation in keywords if name not in used]
        if keywords:
            if not any(t.startswith("*") for t in text):
                text.append("*")
            text.extend(f"{name}: {annotation} = ..." for name, annotation in keywords)
        if returns is None:
            returns = self.annotation(getattr(method, "ReturnType", None), module, "result", bound)
        return f"({', '.join(text)}) -> {returns}"

    def _describe(self, method: Any) -> str:
        return str(self._reflection.describe_method(method))

    def _method_lines(
        self, name: str, methods: List[Any], module: Module, bound: Dict[str, str], owner: str,
        static: bool = False, extension: bool = False, indent: str = "    ",
    ) -> List[str]:
        """The ``def`` lines of one Python method name (with overloads) or of a generic-method helper."""
        inferable, uninferable = [], []
        for method in methods:
            if method.IsGenericMethodDefinition and not _type_arguments_inferable(method, extension):
                uninferable.append(method)
            else:
                inferable.append(method)
        mixed = any(m.IsStatic for m in methods) and not all(m.IsStatic for m in methods)
        if uninferable or mixed:
            helper = self._generic_helper(name, methods, module, bound, owner, extension)
            prefix = "ClassVar[" if static else ""
            return [f"{indent}{name}: {prefix}{helper}{']' if static else ''}"]
        rendered: List[Tuple[str, str]] = []
        seen: Set[str] = set()
        for method in methods:
            method_bound = dict(bound)
            if method.IsGenericMethodDefinition:
                for argument in method.GetGenericArguments():
                    method_bound[str(argument.Name)] = self.typevar(str(argument.Name), module)
            signature = self._signature(method, module, method_bound, skip_first=extension)
            if signature is None or signature in seen:
                continue
            seen.add(signature)
            rendered.append((signature, self._describe(method)))
        rendered.sort(key=lambda item: item[0].count("Any"))
        lines: List[str] = []
        for signature, doc in rendered:
            if len(rendered) > 1:
                lines.append(f"{indent}@overload")
            if static:
                lines.append(f"{indent}@staticmethod")
                signature = signature.replace("(self, ", "(", 1).replace("(self)", "()", 1)
            lines.append(f"{indent}def {name}{signature}:")
            lines.append(_docstring(doc, indent + "    "))
        return lines

    def _generic_helper(
        self, name: str, methods: List[Any], module: Module, bound: Dict[str, str], owner: str, extension: bool
    ) -> str:
        """A callable class for a method whose type arguments are given as ``method[T](...)``.

        Called without them, the bridge applies the documented default (a result of an
        unknown type comes back as plain Python data: ``Any``).
        """
        helper = f"_{owner.replace('.', '_')}_{name}"
        arities = sorted({len(m.GetGenericArguments()) for m in methods if m.IsGenericMethodDefinition})
        # The helper lives at module level, outside any generic class: the class's own
        # type parameters are not in scope there.
        bound = {key: "Any" for key in bound}
        calls: List[Tuple[str, str]] = []
        for method in methods:
            method_bound = dict(bound)
            if method.IsGenericMethodDefinition:
                inferable = _type_arguments_inferable(method, extension)
                for argument in method.GetGenericArguments():
                    method_bound[str(argument.Name)] = self.typevar(str(argument.Name), module) if inferable else "Any"
            signature = self._signature(method, module, method_bound, skip_first=extension)
            if signature is not None and signature not in {c[0] for c in calls}:
                calls.append((signature, self._describe(method)))
        lines = [f"class {helper}:"]
        lines.extend(_overloaded("__call__", calls, "    "))
        typed_helpers: List[str] = []
        getitems: List[Tuple[str, str]] = []
        for arity in arities:
            typevars = [self.typevar(f"T{i}", module, covariant=True) for i in range(arity)]
            typed = f"{helper}_{arity}"
            typed_calls: List[Tuple[str, str]] = []
            for method in methods:
                if not method.IsGenericMethodDefinition or len(method.GetGenericArguments()) != arity:
                    continue
                method_bound = dict(bound)
                for argument, typevar in zip(method.GetGenericArguments(), typevars):
                    method_bound[str(argument.Name)] = typevar
                signature = self._signature(method, module, method_bound, skip_first=extension)
                if signature is not None and signature not in {c[0] for c in typed_calls}:
                    typed_calls.append((signature, self._describe(method)))
            if not typed_calls:
                continue
            block = [f"class {typed}(Generic[{', '.join(typevars)}]):"]
            block.extend(_overloaded("__call__", typed_calls, "    "))
            typed_helpers.append("\n".join(block))
            key = f"type[{typevars[0]}]" if arity == 1 else f"tuple[{', '.join(f'type[{v}]' for v in typevars)}]"
            getitems.append((f"(self, type_arguments: {key}) -> {typed}[{', '.join(typevars)}]", f"{name}[T](...): the .NET type argument(s)"))
        lines.extend(_overloaded("__getitem__", getitems, "    "))
        module.helpers.append("\n".join(lines))
        module.helpers.extend(typed_helpers)
        return helper

    # --- classes -----------------------------------------------------------------------

    def build(self) -> Dict[str, Module]:
        for full_name in sorted(self.types):
            t = self.types[full_name]
            if t.IsNested:
                continue  # rendered inside their declaring class
            module = self._module(str(t.Namespace or ""))
            module.classes.append(self._class(t, module, ""))
        return self.modules

    def _module(self, namespace: str) -> Module:
        module = self.modules.get(namespace)
        if module is None:
            module = self.modules[namespace] = Module(namespace)
        return module

    def _class(self, t: Any, module: Module, indent: str) -> str:
        name = self.class_names[str(t.FullName)]
        if t.IsEnum:
            return self._enum(t, name, module, indent)
        bound = {}
        typevars = []
        for argument in t.GetGenericArguments() if t.IsGenericTypeDefinition else []:
            typevar = self.typevar(str(argument.Name), module)
            bound[str(argument.Name)] = typevar
            typevars.append(typevar)
        bases, collection = self._bases(t, module, bound)
        if typevars and not any("[" in b and any(v in b for v in typevars) for b in bases):
            bases.append(f"Generic[{', '.join(typevars)}]")
        elif typevars and not all(any(v in b for b in bases) for v in typevars):
            bases.append(f"Generic[{', '.join(typevars)}]")
        header = f"{indent}class {name}({', '.join(bases)}):" if bases else f"{indent}class {name}:"
        inner = indent + "    "
        kind = "interface" if t.IsInterface else "struct" if t.IsValueType else "class"
        doc = f".NET {kind} {self._reflection.describe_type(t)} ({t.FullName})"
        lines = [header, _docstring(doc, inner)]
        lines.extend(self._members(t, module, bound, inner, collection))
        for nested in sorted(t.GetNestedTypes(), key=lambda n: str(n.Name)):
            if nested.IsVisible and str(nested.FullName) in self.types:
                lines.append(self._class(nested, module, inner))
        return "\n".join(lines)

    def _enum(self, t: Any, name: str, module: Module, indent: str) -> str:
        import keyword

        import System
        from octoclr.bridge.names import to_snake

        names = [str(n) for n in System.Enum.GetNames(t)]
        flags = bool(t.IsDefined(_clr_type(System.FlagsAttribute), False))
        literal = "str" if flags or not names else "Literal[" + ", ".join(repr(n) for n in names) + "]"
        qualified = name if not indent else f"{name}"
        if not indent:
            module.aliases.append(f"{name}Name = {literal}")
        else:
            module.aliases.append(f"{self._alias_name(t)} = {literal}")
        lines = [f"{indent}class {qualified}:", _docstring(f".NET enum {t.FullName}{' (flags)' if flags else ''}: the bridge passes its members by name", indent + "    ")]
        for member in names:
            # Reading a member gives its name (the bridge's enum conversion). A name Python
            # cannot spell (None) is reached by its snake_case alias.
            attribute = member if member.isidentifier() and not keyword.iskeyword(member) else to_snake(member)
            lines.append(f"{indent}    {attribute}: ClassVar[Literal[{member!r}]]")
        return "\n".join(lines)

    def _alias_name(self, t: Any) -> str:
        chain = []
        current = t
        while current.IsNested:
            chain.append(self.class_names[str(current.FullName)])
            current = current.DeclaringType
        chain.append(self.class_names[str(current.FullName)])
        return "_".join(reversed(chain)) + "Name"

    def _bases(self, t: Any, module: Module, bound: Dict[str, str]) -> Tuple[List[str], Optional[str]]:
        """Stub bases of ``t`` and, when it is a .NET collection, which kind (its Python ABC)."""
        bases: List[str] = []
        collection: Optional[str] = None
        base = t.BaseType
        if base is not None and self.is_stubbed(base):
            bases.append(self._client_type(base, module, "result", bound) if not self._converts_to_string(base) else self.class_ref(base, module))
        elif base is not None and str(base.FullName) not in ("System.Object", "System.ValueType"):
            dictionary = _implements(t, _DICTIONARY_DEFINITIONS)
            collection_type = _implements(t, _LIST_DEFINITIONS | _SET_DEFINITIONS)
            if dictionary is not None:
                key, value = [self.annotation(a, module, "result", bound) for a in dictionary.GetGenericArguments()]
                bases.append(f"MutableMapping[{key}, {value}]")
                collection = "mapping"
            elif collection_type is not None:
                element = self.annotation(collection_type.GetGenericArguments()[0], module, "result", bound)
                if _definition_name(collection_type) in _SET_DEFINITIONS or _implements(t, _SET_DEFINITIONS) is not None:
                    # The bridge iterates and counts sets; adding and removing are the .NET methods.
                    bases.append(f"Collection[{element}]")
                    collection = "set"
                else:
                    bases.append(f"MutableSequence[{element}]")
                    collection = "sequence"
        # Sorted: runtimes list interfaces in different orders, the stubs must not differ.
        interfaces = sorted((i for i in t.GetInterfaces() if self.is_stubbed(i)), key=lambda i: str(i.ToString()))
        inherited = set()
        for i in interfaces:
            for j in i.GetInterfaces():
                inherited.add(str(j.ToString()))
        if base is not None:
            for j in base.GetInterfaces():
                inherited.add(str(j.ToString()))
        for interface in interfaces:
            if str(interface.ToString()) in inherited:
                continue
            bases.append(self._client_type(interface, module, "result", bound))
        return bases, collection

    def _declared_here(self, t: Any, declaring: Any) -> bool:
        """Whether a member declared by ``declaring`` is rendered on ``t`` (not reached through a stub base)."""
        if declaring is None:
            return False
        if _definition_name(declaring) == _definition_name(t):
            return True
        # Members of .NET's own bases (Exception, collections) are rendered on the first
        # client class; System.Object's are left out.
        return not self.is_stubbed(declaring) and str(declaring.FullName) not in ("System.Object",)

    def _members(self, t: Any, module: Module, bound: Dict[str, str], indent: str, collection: Optional[str]) -> List[str]:
        from octoclr.bridge.names import to_snake

        info = self._reflection.type_info(t)
        owner = self.class_names[str(t.FullName)]
        lines: List[str] = []
        python_names = {python: dotnet for python, dotnet in info.aliases.items() if python == to_snake(dotnet)}
        python_names = {p: d for p, d in python_names.items() if not p.startswith("__") and d not in _OBJECT_MEMBERS}
        # The collection's Python protocol replaces the .NET members of that shape.
        if collection in ("mapping", "sequence"):
            python_names = {p: d for p, d in python_names.items() if self.is_stubbed(self._declaring(info, d))}
        keywords = []
        for dotnet, settable in sorted(info.settable_properties().items()):
            python = to_snake(dotnet)
            if python_names.get(python) == dotnet:
                keywords.append((python, self.annotation(settable.dotnet_type, module, "parameter", bound)))
        lines.extend(self._constructors(t, module, bound, indent, keywords))
        for python in sorted(python_names):
            dotnet = python_names[python]
            entry = info.properties.get(dotnet)
            if entry is not None:
                if self._declared_here(t, entry.declaring_type):
                    lines.extend(self._property(python, entry, module, bound, indent))
                continue
            methods = info.methods.get(dotnet, [])
            if not methods or not any(self._declared_here(t, m.DeclaringType) for m in methods):
                continue
            # A name with static and instance overloads (a static factory beside an instance
            # method) is reachable from the class and from instances: a callable attribute.
            static = any(m.IsStatic for m in methods)
            lines.extend(self._method_lines(python, methods, module, bound, f"{owner}", static=static, indent=indent))
        for python, methods in sorted(self.extensions.get(_definition_name(t), {}).items()):
            if python in python_names:
                continue
            lines.extend(self._method_lines(python, methods, module, bound, f"{owner}", extension=True, indent=indent))
        lines.extend(self._protocols(t, info, module, bound, indent, collection))
        return lines

    def _declaring(self, info: Any, dotnet: str) -> Any:
        entry = info.properties.get(dotnet)
        if entry is not None:
            return entry.declaring_type
        methods = info.methods.get(dotnet) or []
        return methods[0].DeclaringType if methods else info.dotnet_type

    def _property(self, python: str, entry: Any, module: Module, bound: Dict[str, str], indent: str) -> List[str]:
        describe = self._reflection.describe_type
        access = "get; set;" if entry.writable else "get;"
        doc = f"{'static ' if entry.is_static else ''}{describe(entry.dotnet_type)} {entry.name} {{ {access} }}"
        getter = self.annotation(entry.dotnet_type, module, "property", bound)
        name = _python_attribute(python)
        if entry.is_static:
            return [f"{indent}{name}: ClassVar[{getter}]"]
        lines = [f"{indent}@property", f"{indent}def {name}(self) -> {getter}:", _docstring(doc, indent + "    ")]
        if entry.writable:
            setter = self.annotation(entry.dotnet_type, module, "parameter", bound)
            lines += [f"{indent}@{name}.setter", f"{indent}def {name}(self, value: {setter}) -> None: ..."]
        return lines

    def _constructors(self, t: Any, module: Module, bound: Dict[str, str], indent: str, keywords: List[Tuple[str, str]]) -> List[str]:
        if t.IsInterface or t.IsAbstract:
            return []
        calls: List[Tuple[str, str]] = []
        for constructor in self._reflection.constructors(t):
            signature = self._signature(constructor, module, bound, keywords=keywords, returns="None")
            if signature is not None and signature not in {c[0] for c in calls}:
                calls.append((signature, self._describe(constructor)))
        if t.IsValueType and not calls:
            calls.append(("(self) -> None", f"{t.Name}()"))
        return _overloaded("__init__", calls, indent)

    def _protocols(self, t: Any, info: Any, module: Module, bound: Dict[str, str], indent: str, collection: Optional[str]) -> List[str]:
        """Python protocols the bridge gives .NET shapes: context managers, indexers, collections."""
        import System

        lines: List[str] = []
        disposable = _clr_type(System.IDisposable)
        if disposable.IsAssignableFrom(t) and not (t.BaseType is not None and self.is_stubbed(t.BaseType) and disposable.IsAssignableFrom(t.BaseType)):
            lines += [
                f"{indent}def __enter__(self) -> Self: ...",
                f"{indent}def __exit__(self, *exc_info: object) -> None: ...",
                f"{indent}async def __aenter__(self) -> Self: ...",
                f"{indent}async def __aexit__(self, *exc_info: object) -> None: ...",
            ]
        if collection == "mapping":
            dictionary = _implements(t, _DICTIONARY_DEFINITIONS)
            key, value = [self.annotation(a, module, "result", bound) for a in dictionary.GetGenericArguments()]
            key_in, value_in = [self.annotation(a, module, "parameter", bound) for a in dictionary.GetGenericArguments()]
            lines += [
                f"{indent}def __getitem__(self, key: {key}) -> {value}: ...",
                f"{indent}def __setitem__(self, key: {key}, value: {value_in}) -> None: ...",
                f"{indent}def __delitem__(self, key: {key}) -> None: ...",
                f"{indent}def __iter__(self) -> Iterator[{key}]: ...",
                f"{indent}def __len__(self) -> int: ...",
            ]
        elif collection in ("set", "sequence"):
            source = _implements(t, _LIST_DEFINITIONS | _SET_DEFINITIONS)
            element = self.annotation(source.GetGenericArguments()[0], module, "result", bound)
            lines += [f"{indent}def __iter__(self) -> Iterator[{element}]: ...", f"{indent}def __len__(self) -> int: ..."]
            if collection == "set":
                lines += [f"{indent}def __contains__(self, value: object) -> bool: ..."]
            else:
                lines += [
                    f"{indent}@overload",
                    f"{indent}def __getitem__(self, index: int) -> {element}: ...",
                    f"{indent}@overload",
                    f"{indent}def __getitem__(self, index: slice) -> MutableSequence[{element}]: ...",
                    f"{indent}@overload",
                    f"{indent}def __setitem__(self, index: int, value: {element}) -> None: ...",
                    f"{indent}@overload",
                    f"{indent}def __setitem__(self, index: slice, value: Iterable[{element}]) -> None: ...",
                    f"{indent}def __delitem__(self, index: int | slice) -> None: ...",
                    f"{indent}def insert(self, index: int, value: {element}) -> None:",
                    _docstring("void Insert(int index, T item)  (the list protocol's insert)", indent + "    "),
                ]
        elif info.indexers and collection is None:
            calls = []
            setters = []
            for indexer in info.indexers:
                keys = list(indexer.GetIndexParameters())
                if len(keys) != 1 or not self._declared_here(t, indexer.DeclaringType):
                    continue
                key = self.annotation(keys[0].ParameterType, module, "parameter", bound)
                value = self.annotation(indexer.PropertyType, module, "property", bound)
                calls.append((f"(self, key: {key}) -> {value}", f"{self._reflection.describe_type(indexer.PropertyType)} this[{self._reflection.describe_type(keys[0].ParameterType)}]"))
                if indexer.CanWrite:
                    value_in = self.annotation(indexer.PropertyType, module, "parameter", bound)
                    setters.append((f"(self, key: {key}, value: {value_in}) -> None", "indexer"))
            lines += _overloaded("__getitem__", calls, indent) + _overloaded("__setitem__", setters, indent)
        return lines

    # --- extension methods -----------------------------------------------------------

    def _extension_methods(self) -> Dict[str, Dict[str, List[Any]]]:
        """Extension methods of the client by the client type they apply to, under their Python names.

        The names come from the client's own static classes; which types a method applies
        to is the bridge's rule (:func:`octoclr.bridge.extensions.group_for`).
        """
        import System
        from octoclr.bridge import extensions
        from octoclr.bridge.names import to_snake

        attribute = _clr_type(System.Runtime.CompilerServices.ExtensionAttribute)
        names: Set[str] = set()
        for t in self.types.values():
            if t.IsAbstract and t.IsSealed and t.IsDefined(attribute, False):
                names.update(to_snake(str(m.Name)) for m in t.GetMethods(self._reflection.PUBLIC) if m.IsStatic and m.IsDefined(attribute, False))
        found: Dict[str, Dict[str, List[Any]]] = {}
        for t in self.types.values():
            if t.IsGenericTypeDefinition or t.IsEnum:
                continue
            for python in sorted(names):
                group = extensions.group_for(t, python)
                methods = [o.method for o in group.overloads] if group is not None else []
                # Only those extending a client type by name; the stubs cannot say more.
                methods = [m for m in methods if self.is_stubbed(m.GetParameters()[0].ParameterType)]
                if methods:
                    found.setdefault(_definition_name(t), {})[python] = methods
        return found


def _clr_type(pyclass: Any) -> Any:
    import clr

    return clr.GetClrType(pyclass)


def _is_cancellation_token(t: Any) -> bool:
    return str(t.FullName) == "System.Threading.CancellationToken"


def _type_arguments_inferable(method: Any, extension: bool) -> bool:
    """Whether every type argument of a generic method appears in its parameters' types."""
    mentioned: Set[str] = set()

    def visit(t: Any) -> None:
        if t.IsGenericParameter:
            mentioned.add(str(t.Name))
        elif t.HasElementType:
            visit(t.GetElementType())
        elif t.IsGenericType:
            for argument in t.GetGenericArguments():
                visit(argument)

    for parameter in list(method.GetParameters())[1 if extension else 0:]:
        visit(parameter.ParameterType)
    return all(str(a.Name) in mentioned for a in method.GetGenericArguments())


def _overloaded(name: str, calls: List[Tuple[str, str]], indent: str) -> List[str]:
    lines: List[str] = []
    for signature, doc in calls:
        if len(calls) > 1:
            lines.append(f"{indent}@overload")
        lines.append(f"{indent}def {name}{signature}:")
        lines.append(_docstring(doc, indent + "    "))
    return lines


def _python_attribute(name: str) -> str:
    from octoclr.bridge.names import python_safe

    return python_safe(name)


def support_module(header: str) -> str:
    return f'''{header}
from __future__ import annotations

from typing import Any, Generator, Generic, TypeVar

_T_co = TypeVar("_T_co", covariant=True)

class Task(Generic[_T_co]):
    """A .NET Task as the bridge returns it: await it, or call result() to wait."""
    def __await__(self) -> Generator[Any, None, _T_co]: ...
    def result(self, timeout: float | None = None) -> _T_co:
        """Wait for the task (at most timeout seconds) and return its result."""
    def done(self) -> bool:
        """Whether the task has finished."""
    def cancel(self) -> bool:
        """Cancel the call where the method takes a CancellationToken."""
'''
