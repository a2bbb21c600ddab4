"""Calling .NET methods and constructors from Python arguments.

Overload resolution scores every overload against the arguments (positional, keyword by
parameter name in snake_case or exact spelling, ``params`` arrays, optional parameters)
and keeps the best; the choice is cached per (method group, argument types, keyword
names), so a repeated call costs a dictionary look-up and the conversions. The chosen
overload is invoked through pythonnet's pre-selected binding (``Method.Overloads[...]``),
which skips pythonnet's own search. Generic methods take their type arguments as
``method[T]`` (a proxy class, a pythonnet class, a ``System.Type`` or a type name);
type arguments that cannot be inferred from the arguments default to ``System.Object``,
and JSON read that way comes back as plain Python data.

A ``CancellationToken`` parameter the caller does not give is filled in: with the token
of a fresh ``CancellationTokenSource`` for methods returning a ``Task`` (so cancelling the
awaiting asyncio task cancels the .NET call), else with ``CancellationToken.None``.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

import clr
import System

from octoclr.bridge import conversion, interruptible, reflection, streams, text
from octoclr.bridge import exceptions as _exceptions
from octoclr.bridge import tasks as _tasks
from octoclr.bridge.compat import UNBOUND_CALLS_WORK
from octoclr.bridge.conversion import ConversionError, Target, target
from octoclr.bridge.names import to_snake
from octoclr.bridge.reflection import TypeInfo, clr_type, pyclass_for

_CANCELLATION_TOKEN = "System.Threading.CancellationToken"

_MISSING = object()


class Parameter:
    __slots__ = ("name", "python_name", "dotnet_type", "target", "optional", "default", "is_params", "is_token", "is_secret", "position")

    def __init__(self, info: Any, position: int) -> None:
        self.name = info.Name or f"arg{position}"  # some framework methods leave parameters unnamed
        self.python_name = to_snake(self.name)
        self.dotnet_type = info.ParameterType
        self.position = position
        self.is_params = reflection.is_params_parameter(info)
        self.is_token = (self.dotnet_type.FullName == _CANCELLATION_TOKEN)
        self.is_secret = bool(conversion._SECRET_NAME.search(self.name))
        self.optional = bool(info.IsOptional) or self.is_params or self.is_token
        self.default = reflection.default_of(info) if info.IsOptional else _MISSING
        self.target: Optional[Target] = None if self.dotnet_type.ContainsGenericParameters else target(self.dotnet_type)


class _InstanceBinding:
    """An overload bound through the instance, for pythonnet versions without safe unbound calls."""

    __slots__ = ("name", "selector")

    def __init__(self, name: str, selector: Any) -> None:
        self.name = name
        self.selector = selector

    def __call__(self, raw_self: Any, *arguments: Any) -> Any:
        group = getattr(raw_self, self.name)
        return (group if self.selector is None else group.Overloads[self.selector])(*arguments)


class Overload:
    """One method or constructor with what is needed to call it quickly."""

    def __init__(self, method: Any, name: str) -> None:
        self.method = method
        self.name = name
        self.is_constructor = bool(method.IsConstructor)
        self.is_static = bool(method.IsStatic) and not self.is_constructor
        self.is_generic = bool(getattr(method, "IsGenericMethodDefinition", False))
        self.parameters = [Parameter(p, i) for i, p in enumerate(method.GetParameters())]
        self.by_name: Dict[str, Parameter] = {}
        for p in self.parameters:
            self.by_name[p.name] = p
            self.by_name[p.python_name] = p
        self.signature = reflection.describe_method(method)
        returns = None if self.is_constructor else method.ReturnType
        self.returns_void = returns is not None and returns.FullName == "System.Void"
        self.returns_task = returns is not None and clr_type(System.Threading.Tasks.Task).IsAssignableFrom(returns)
        self.streaming = returns is not None and conversion.streaming_return(method)
        self.token_index = next((p.position for p in self.parameters if p.is_token), None)
        # Set by the group: whether a call may wait on I/O and so runs interruptibly.
        self.blocking = False
        self.bounds_itself = any("timeout" in p.name.lower() for p in self.parameters)
        self._binding: Any = None
        self._generic: Dict[tuple, "Overload"] = {}

    # -- matching --------------------------------------------------------------------

    def match(self, args: Sequence[Any], kwargs: Dict[str, Any], ranges: bool = True) -> Optional[Tuple[int, List[Any]]]:
        """(score, values by parameter) when the arguments fit, else None (``ranges``: see conversion.score)."""
        parameters = self.parameters
        values: List[Any] = [_MISSING] * len(parameters)
        positional = list(args)
        params_parameter = parameters[-1] if parameters and parameters[-1].is_params else None
        fixed = len(parameters) - (1 if params_parameter else 0)
        if len(positional) > fixed and params_parameter is None:
            return None
        for index, value in enumerate(positional[:fixed]):
            values[index] = value
        if params_parameter is not None and len(positional) > fixed:
            rest = positional[fixed:]
            if len(rest) == 1 and conversion._is_iterable(rest[0]):
                values[-1] = list(rest[0])
            else:
                values[-1] = list(rest)
        for key, value in kwargs.items():
            parameter = self.by_name.get(key)
            if parameter is None or values[parameter.position] is not _MISSING:
                return None
            values[parameter.position] = value
        total = 0
        for parameter, value in zip(parameters, values):
            if value is _MISSING:
                if not parameter.optional:
                    return None
                continue
            if parameter.target is None:  # open generic parameter: anything, inferred later
                total += 1
                continue
            if parameter.is_params and isinstance(value, list) and parameter.target.element is not None:
                # The items of a params array must fit its element type, as in C#.
                fit = conversion.score_items(value, parameter.target.element, ranges)
            else:
                fit = conversion.score(value, parameter.target, ranges)
            if fit is None:
                return None
            total += fit
        # Fewer defaulted parameters is a closer match.
        total -= sum(1 for v in values if v is _MISSING)
        return total, values

    def convert(self, values: List[Any], owner: str) -> Tuple[List[Any], Any]:
        """Arguments converted for .NET, and the CancellationTokenSource made for the call (if any)."""
        converted: List[Any] = []
        source = None
        for parameter, value in zip(self.parameters, values):
            what = f"{owner}.{self.name}() argument {to_snake(parameter.name)}"
            if value is _MISSING:
                if parameter.is_token:
                    if self.returns_task or self.blocking:
                        source = System.Threading.CancellationTokenSource()
                        converted.append(source.Token)
                    else:
                        converted.append(getattr(System.Threading.CancellationToken, "None"))
                    continue
                if parameter.is_params:
                    value = []
                elif parameter.default is not _MISSING and parameter.default is not None:
                    converted.append(parameter.default)
                    continue
                else:
                    converted.append(_default_value(parameter.dotnet_type))
                    continue
            if parameter.target is None:
                # An open generic parameter, inferred from the value: text still must be text .NET can hold.
                converted.append(text.checked(value, what) if isinstance(value, str) else conversion.raw_of(value))
                continue
            if parameter.is_secret:
                conversion.note_secret(parameter.name, value)
            converted.append(conversion.to_dotnet(value, parameter.target, what))
        return converted, source

    # -- invoking --------------------------------------------------------------------

    def binding(self) -> Any:
        """pythonnet's callable for exactly this overload (unbound: the instance comes first)."""
        if self._binding is None:
            self._binding = self._make_binding()
        return self._binding

    def _make_binding(self) -> Any:
        declaring = self.method.DeclaringType
        types = [p.dotnet_type for p in self.parameters]
        # Constructors go through ConstructorInfo.Invoke: pythonnet's Overloads on a class
        # does not select a constructor.
        if self.is_constructor or self.method.IsGenericMethod or any(t.IsByRef or t.IsPointer for t in types) or not declaring.IsVisible:
            return None
        try:
            pytypes = tuple(pyclass_for(t) for t in types)
            selector = pytypes if len(pytypes) > 1 else pytypes[0] if pytypes else None
            if not self.is_static and not UNBOUND_CALLS_WORK:
                return _InstanceBinding(self.method.Name, selector)
            group = getattr(pyclass_for(declaring), self.method.Name)
            return group if selector is None else group.Overloads[selector]
        except Exception:
            return None

    def invoke(self, raw_self: Any, converted: List[Any]) -> Any:
        binding = self._binding
        if binding is None:
            binding = self.binding()
        if binding is not None:
            if self.is_static:
                return binding(*converted)
            return binding(raw_self, *converted)
        return self._reflect_invoke(raw_self, converted)

    def _reflect_invoke(self, raw_self: Any, converted: List[Any]) -> Any:
        array = System.Array.CreateInstance(clr_type(System.Object), len(converted))
        for index, value in enumerate(converted):
            _store(array, index, value, self.parameters[index].dotnet_type)
        if self.is_constructor:
            return self.method.Invoke(array)
        return self.method.Invoke(None if self.is_static else raw_self, array)

    def method_parameter_type(self, index: int) -> Any:
        return self.method.GetParameters()[index].ParameterType

    def specialise(self, type_arguments: Tuple[Any, ...]) -> "Overload":
        key = tuple(reflection.type_key(t) for t in type_arguments)
        found = self._generic.get(key)
        if found is None:
            array = System.Array[System.Type](list(type_arguments))
            found = Overload(self.method.MakeGenericMethod(array), self.name)
            self._generic[key] = found
        return found


def _store(array: Any, index: int, value: Any, dotnet_type: Any) -> None:
    """Put ``value`` into the ``object[]`` of a reflection call, as a value of ``dotnet_type``.

    pythonnet hands a Python number stored into an ``object[]`` over as a ``PyInt`` or
    ``PyFloat``, which ``MethodBase.Invoke`` refuses for an ``int`` parameter. Stored into a
    one-element array of the declared type instead, it is converted by pythonnet's own rules
    for that type (every integer width, ``char``, ``Nullable<T>``), and ``Array.Copy`` boxes
    it into the ``object[]`` on the .NET side, without crossing back into Python.
    """
    if dotnet_type.IsByRef:
        dotnet_type = dotnet_type.GetElementType()
    if isinstance(value, (bool, int, float, str)):
        if not dotnet_type.IsValueType:
            dotnet_type = _natural_type(value, dotnet_type)
        if dotnet_type is not None:
            typed = System.Array.CreateInstance(dotnet_type, 1)
            typed[0] = value
            System.Array.Copy(typed, 0, array, index, 1)
            return
    array[index] = value


def _natural_type(value: Any, declared: Any) -> Any:
    """The .NET type a number takes where ``object`` (or another reference type) is declared; None for text."""
    if isinstance(value, (str, bool)):
        return None  # pythonnet stores these as String and Boolean already
    if isinstance(value, float):
        return clr_type(System.Double)
    return clr_type(System.Int32) if -2**31 <= value < 2**31 else clr_type(System.Int64)


def _default_value(dotnet_type: Any) -> Any:
    if dotnet_type.IsValueType and not (dotnet_type.IsGenericType and dotnet_type.GetGenericTypeDefinition().FullName == "System.Nullable`1"):
        return System.Activator.CreateInstance(dotnet_type)
    return None


class MethodGroup:
    """All overloads of one name on one type (or a type's constructors)."""

    def __init__(self, owner: str, name: str, methods: Sequence[Any], blocking: bool = False) -> None:
        self.owner = owner
        self.name = name
        self.overloads = [Overload(m, name) for m in methods]
        self.constructs = any(o.is_constructor for o in self.overloads)
        # Task-returning methods start their work and return: only the others wait.
        for overload in self.overloads:
            overload.blocking = blocking and not overload.returns_task
        self._cache: Dict[Any, Overload] = {}
        # Argument types → (pythonnet binding, is static, converters or None, result conversion).
        self._fast: Dict[Tuple[type, ...], Plan] = {}

    def doc(self) -> str:
        return "\n".join(o.signature for o in self.overloads)

    def generic_arity(self) -> int:
        return max((len(o.method.GetGenericArguments()) for o in self.overloads if o.is_generic), default=0)

    def resolve(self, args: Sequence[Any], kwargs: Dict[str, Any], type_arguments: Tuple[Any, ...] = ()) -> Tuple[Overload, List[Any]]:
        best: Optional[Tuple[int, Overload, List[Any]]] = None
        for overload in self._candidates(type_arguments, args):
            matched = overload.match(args, kwargs)
            if matched is not None and (best is None or matched[0] > best[0]):
                best = (matched[0], overload, matched[1])
        if best is None:
            self._raise_overflow(args, kwargs, type_arguments)
            raise TypeError(self.mismatch_message(args, kwargs))
        return best[1], best[2]

    def _raise_overflow(self, args: Sequence[Any], kwargs: Dict[str, Any], type_arguments: Tuple[Any, ...]) -> None:
        """Raise ConversionOverflowError when an overload would take the arguments but for a number out of range."""
        for overload in self._candidates(type_arguments, args):
            matched = overload.match(args, kwargs, ranges=False)
            if matched is not None:
                overload.convert(matched[1], self.owner)  # raises, naming the argument and the range

    def out_of_range(self, args: Sequence[Any]) -> bool:
        """Whether an integer among ``args`` lies outside the range of the parameter it would go to in some overload."""
        for overload in self.overloads:
            for parameter, value in zip(overload.parameters, args):
                if isinstance(value, int) and parameter.target is not None and conversion.score(value, parameter.target) is None \
                        and conversion.score(value, parameter.target, ranges=False) is not None:
                    return True
        return False

    def _candidates(self, type_arguments: Tuple[Any, ...], args: Sequence[Any]) -> List[Overload]:
        result = []
        for overload in self.overloads:
            if overload.is_generic:
                count = len(overload.method.GetGenericArguments())
                if type_arguments:
                    if len(type_arguments) != count:
                        continue
                    result.append(overload.specialise(type_arguments))
                else:
                    result.append(overload.specialise(_infer(overload, args)))
            elif not type_arguments:
                result.append(overload)
        return result

    def mismatch_message(self, args: Sequence[Any], kwargs: Dict[str, Any]) -> str:
        from octoclr.secrets import redact

        given = [type(a).__name__ if not conversion.is_dotnet(conversion.raw_of(a)) else reflection.describe_type(conversion.raw_of(a).GetType()) for a in args]
        given += [f"{k}={type(v).__name__}" for k, v in kwargs.items()]
        detail = ""
        if len(self.overloads) == 1:
            detail = self._why(self.overloads[0], args, kwargs)
        lines = [f"{self.owner}.{self.name}({', '.join(given)}) matches no overload{detail}; the .NET overloads are:"]
        lines += [f"    {o.signature}" for o in self.overloads]
        return redact("\n".join(lines))

    def _why(self, overload: Overload, args: Sequence[Any], kwargs: Dict[str, Any]) -> str:
        for key in kwargs:
            if key not in overload.by_name:
                close = [p.python_name for p in overload.parameters]
                return f" (no parameter named '{key}'; parameters: {', '.join(close)})"
        if overload.is_generic:
            return ""
        for parameter, value in zip(overload.parameters, args):
            if parameter.target is not None and conversion.score(value, parameter.target) is None:
                if value is None:
                    return f" (None given for '{parameter.python_name}', which needs a {reflection.describe_type(parameter.dotnet_type)} value)"
                needs = f"'{parameter.python_name}' needs {reflection.describe_type(parameter.dotnet_type)}, got {type(value).__name__}"
                if isinstance(value, (list, tuple)):  # say which item does not fit
                    return f" ({needs}: {conversion.misfit(value, parameter.target, parameter.python_name)})"
                return f" ({needs})"
        return ""

    def call(self, raw_self: Any, args: Sequence[Any], kwargs: Dict[str, Any], type_arguments: Tuple[Any, ...] = ()) -> Any:
        # Fast path: positional arguments of types seen before, with a conversion plan.
        if not kwargs and not type_arguments:
            plan = self._fast.get(tuple(map(type, args)))
            if plan is not None:
                done, result = run_plan(plan, raw_self, args)
                if done:
                    return result
        if self.constructs:  # an object made from a stream keeps it (a reader, say): it is the object's
            overload, converted, source = self._converted(args, kwargs, type_arguments)
            return self._invoke(overload, raw_self, converted, source)
        # Streams made for a method's arguments (a file's FileStream, say) are the call's to dispose.
        call_streams = streams.CallStreams()
        try:
            with call_streams:
                overload, converted, source = self._converted(args, kwargs, type_arguments)
            result = self._invoke(overload, raw_self, converted, source)
        except BaseException:
            call_streams.release()
            raise
        call_streams.release(result)
        return result

    def _converted(self, args: Sequence[Any], kwargs: Dict[str, Any], type_arguments: Tuple[Any, ...]) -> Tuple[Overload, List[Any], Any]:
        """The overload for these arguments, the arguments converted for it, and the call's CancellationTokenSource."""
        key = (tuple(map(type, args)), tuple(kwargs), type_arguments and tuple(reflection.type_key(t) for t in type_arguments))
        cached = self._cache.get(key)
        converted: Optional[List[Any]] = None
        source: Any = None
        if cached is not None:
            overload = cached
            matched = overload.match(args, kwargs)
            if matched is not None:
                try:
                    converted, source = overload.convert(matched[1], self.owner)
                except ConversionError:
                    converted = None
        if converted is None:
            overload, values = self.resolve(args, kwargs, type_arguments)
            converted, source = overload.convert(values, self.owner)
            self._cache[key] = overload
            if not kwargs and not type_arguments:
                self._remember(overload, args)
        return overload, converted, source

    def _remember(self, overload: Overload, args: Sequence[Any]) -> None:
        """Keep a conversion plan for calls with the same positional argument types."""
        parameters = overload.parameters
        if len(args) != len(parameters) or any(p.is_params or p.is_token or p.is_secret or p.target is None for p in parameters):
            return
        if any(p.target.kind == "stream" for p in parameters):  # type: ignore[union-attr]
            return  # a stream made for the call is disposed after it, which call() does
        if overload.is_constructor:
            return
        binding = overload.binding()
        if binding is None:
            return
        converters: List[Any] = []
        for parameter, value in zip(parameters, args):
            assert parameter.target is not None
            converters.append(_fast_converter(parameter.target, type(value), f"{self.owner}.{self.name}() argument {parameter.python_name}"))
        if overload.blocking:
            binding = _interruptible_binding(binding, f"{self.owner}.{self.name}()", overload.bounds_itself)
        self._fast[tuple(map(type, args))] = (
            binding,
            overload.is_static,
            converters if any(c is not None for c in converters) else None,
            _finisher(overload),
            self,
        )

    def _invoke(self, overload: Overload, raw_self: Any, converted: List[Any], source: Any) -> Any:
        if raw_self is None and not overload.is_static and not overload.is_constructor:
            raise TypeError(f"{self.owner}.{self.name} is an instance method; call it on an object")
        try:
            if overload.blocking:
                result = interruptible.call(overload.invoke, (raw_self, converted), source, f"{self.owner}.{self.name}()",
                                            overload.bounds_itself)
            else:
                result = overload.invoke(raw_self, converted)
        except Exception as error:
            if _exceptions.is_dotnet_exception(error):
                raise _exceptions.convert_exception(error) from None
            raise
        if overload.is_constructor:
            return result
        if overload.returns_task:
            return _tasks.wrap_task(result, source, (raw_self, converted))
        if overload.returns_void:
            return None
        return conversion.to_python(result, overload.streaming)


Plan = Tuple[Any, bool, Optional[List[Any]], Any, "MethodGroup"]


def run_plan(plan: Plan, raw_self: Any, args: Sequence[Any]) -> Tuple[bool, Any]:
    """(True, result) when a remembered plan made the call; (False, None) to resolve again."""
    binding, is_static, converters, finish, group = plan
    if converters is not None:
        try:
            args = [a if c is None else c(a) for c, a in zip(converters, args)]
        except ConversionError:
            return False, None  # a value-dependent rule failed (an enum name, say)
    if not is_static and raw_self is None:
        return False, None
    try:
        result = binding(*args) if is_static else binding(raw_self, *args)
    except Exception as error:
        if _exceptions.is_dotnet_exception(error):
            raise _exceptions.convert_exception(error) from None
        if _refused_number(error, group, args):
            return False, None
        raise
    return True, finish(result)


def _refused_number(error: BaseException, group: "MethodGroup", args: Sequence[Any]) -> bool:
    """Whether pythonnet refused the call for a number out of a parameter's range.

    A plan keeps pythonnet's own binding and checks no ranges (that would cost every call);
    pythonnet then refuses the number before calling (TypeError or OverflowError). Resolved
    again, the call goes to an overload that takes it, or fails naming the argument.
    """
    return isinstance(error, (TypeError, OverflowError)) and group.out_of_range(args)


def _interruptible_binding(binding: Any, what: str, bounds_itself: bool) -> Any:
    """``binding`` made on a worker thread, so that Ctrl-C and the time limit stop it."""
    run = interruptible.call

    def call(*args: Any) -> Any:
        return run(binding, args, None, what, bounds_itself)

    return call


def _finisher(overload: Overload) -> Any:
    if overload.returns_task:
        return _tasks.wrap_task
    if overload.returns_void:
        return _none
    if overload.streaming:
        return _streaming
    return conversion.to_python


def _none(result: Any) -> None:
    return None


def _streaming(result: Any) -> Any:
    return conversion.to_python(result, True)


_IDENTITY_KINDS = {int: ("int",), bool: ("bool",), float: ("float",)}


def _fast_converter(parameter_target: Target, python_type: type, what: str) -> Any:
    """None when pythonnet takes the value as it is, else a one-argument converter."""
    from octoclr.bridge import proxy

    if python_type is str and parameter_target.kind in ("string", "object"):
        return text.checker(what)
    if parameter_target.kind in _IDENTITY_KINDS.get(python_type, ()):
        return None
    if python_type is type(None) and parameter_target.nullable:
        return None
    if proxy.is_proxy_class(python_type):
        return _raw_of_proxy
    return lambda value: conversion.to_dotnet(value, parameter_target, what)


def _raw_of_proxy(value: Any) -> Any:
    return value._raw


def _infer(overload: Overload, args: Sequence[Any]) -> Tuple[Any, ...]:
    """Type arguments from the arguments where a parameter is exactly ``T``; else ``object``."""
    generic = list(overload.method.GetGenericArguments())
    inferred: List[Any] = [clr_type(System.Object)] * len(generic)
    names = [g.Name for g in generic]
    for parameter, value in zip(overload.parameters, args):
        t = parameter.dotnet_type
        if t.IsGenericParameter and t.Name in names:
            raw = conversion.raw_of(value)
            if conversion.is_dotnet(raw):
                inferred[names.index(t.Name)] = raw.GetType()
            elif isinstance(value, str):
                inferred[names.index(t.Name)] = clr_type(System.String)
            elif isinstance(value, bool):
                inferred[names.index(t.Name)] = clr_type(System.Boolean)
            elif isinstance(value, int):
                inferred[names.index(t.Name)] = clr_type(System.Int32)
            elif isinstance(value, float):
                inferred[names.index(t.Name)] = clr_type(System.Double)
    return tuple(inferred)


def resolve_type(value: Any) -> Any:
    """A ``System.Type`` from a proxy class, a pythonnet class, a ``System.Type`` or a type name."""
    from octoclr.bridge import proxy

    if proxy.is_proxy_class(value):
        return value.__dotnet_type__
    if isinstance(value, str):
        found = _type_by_name(value)
        if found is None:
            raise TypeError(f"no loaded .NET type is named '{value}'")
        return found
    if conversion.is_dotnet(value) and clr_type(System.Type).IsAssignableFrom(value.GetType()):
        return value
    if isinstance(value, type):
        try:
            return clr.GetClrType(value)
        except Exception:
            pass
        python_types = {str: System.String, int: System.Int32, float: System.Double, bool: System.Boolean, object: System.Object}
        if value in python_types:
            return clr_type(python_types[value])
    raise TypeError(f"{value!r} is not a .NET type (give a proxy class, a pythonnet class, a System.Type or a type name)")


def _type_by_name(name: str) -> Any:
    found = System.Type.GetType(name)
    if found is not None:
        return found
    candidates: List[Any] = []
    for assembly in reflection.loaded_assemblies():
        direct = assembly.GetType(name)
        if direct is not None:
            return direct
        if "." not in name:
            candidates.extend(t for t in reflection.exported_types(assembly) if t.Name == name)
    return candidates[0] if len(candidates) == 1 else None


def method_group(info: TypeInfo, name: str) -> MethodGroup:
    key: Any = ("methods", name)
    group = info.extras.get(key)
    if group is None:
        group = info.extras[key] = MethodGroup(info.full_name, name, info.methods[name], interruptible.may_block(info.dotnet_type))
    return group


def constructor_group(info: TypeInfo) -> MethodGroup:
    key: Any = ("constructors",)
    group = info.extras.get(key)
    if group is None:
        group = info.extras[key] = MethodGroup(info.full_name, info.dotnet_type.Name, reflection.constructors(info.dotnet_type),
                                               interruptible.may_block(info.dotnet_type))
    return group


def method_function(group: MethodGroup, python_name: str) -> Any:
    """A plain function for a method group, for the proxy class's dictionary.

    Python binds functions to instances in C, and the function runs the remembered plan
    inline; this is what keeps a proxied call close to a raw pythonnet call. Groups with
    generic overloads or a mix of static and instance overloads use :class:`BoundMethod`.
    """
    fast_get = group._fast.get
    call = group.call
    owner, name = group.owner, group.name

    if all(o.is_static for o in group.overloads):

        def static_method(*args: Any, **kwargs: Any) -> Any:
            if not kwargs:
                plan = fast_get(tuple(map(type, args)))
                if plan is not None:
                    done, result = run_plan(plan, None, args)
                    if done:
                        return result
            return call(None, args, kwargs)

        function: Any = static_method
    else:

        def method(self: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                raw = self._raw
            except AttributeError:
                raise TypeError(f"{owner}.{name} is an instance method; call it on an object") from None
            if not kwargs:
                plan = fast_get(tuple(map(type, args)))
                if plan is not None:
                    binding, is_static, converters, finish, _ = plan
                    if converters is None and not is_static:
                        try:
                            result = binding(raw, *args)
                        except Exception as error:
                            if _exceptions.is_dotnet_exception(error):
                                raise _exceptions.convert_exception(error) from None
                            if _refused_number(error, group, args):
                                return call(raw, args, kwargs)
                            raise
                        return finish(result)
                    done, result = run_plan(plan, raw, args)
                    if done:
                        return result
            return call(raw, args, kwargs)

        function = method
    function.__name__ = python_name
    function.__qualname__ = f"{owner}.{python_name}"
    function.__doc__ = f".NET {owner}.{name}:\n" + group.doc()
    function.group = group
    return staticmethod(function) if all(o.is_static for o in group.overloads) else function


def plain_function_suits(group: MethodGroup) -> bool:
    """Whether a group can be a plain function (no generic overloads, not static and instance mixed)."""
    statics = {o.is_static for o in group.overloads}
    return len(statics) == 1 and not any(o.is_generic for o in group.overloads)


class BoundMethod:
    """A method group bound to an object (or to its class, for static methods)."""

    __slots__ = ("group", "raw_self", "instance", "type_arguments", "prefix")

    def __init__(self, group: MethodGroup, raw_self: Any, instance: Any, type_arguments: Tuple[Any, ...] = (), prefix: Tuple[Any, ...] = ()) -> None:
        self.group = group
        self.raw_self = raw_self
        self.instance = instance
        self.type_arguments = type_arguments
        self.prefix = prefix

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.prefix:
            args = self.prefix + args
        group = self.group
        if not kwargs and not self.type_arguments:
            # The fast path of MethodGroup.call, inlined: this is every repeated call.
            plan = group._fast.get(tuple(map(type, args)))
            if plan is not None:
                done, result = run_plan(plan, self.raw_self, args)
                if done:
                    return result
        return group.call(self.raw_self, args, kwargs, self.type_arguments)

    def __getitem__(self, type_arguments: Any) -> "BoundMethod":
        if not isinstance(type_arguments, tuple):
            type_arguments = (type_arguments,)
        if not self.group.generic_arity():
            raise TypeError(f"{self.group.owner}.{self.group.name} is not generic")
        resolved = tuple(resolve_type(t) for t in type_arguments)
        return BoundMethod(self.group, self.raw_self, self.instance, resolved, self.prefix)

    @property
    def __doc__(self) -> str:  # type: ignore[override]
        return f".NET {self.group.owner}.{self.group.name}:\n" + self.group.doc()

    @property
    def __name__(self) -> str:
        return to_snake(self.group.name)

    @property
    def overloads(self) -> List[str]:
        return [o.signature for o in self.group.overloads]

    def __repr__(self) -> str:
        return f"<.NET method {self.group.owner}.{self.group.name}: {' | '.join(self.overloads)}>"


def construct(cls: Any, args: Sequence[Any], kwargs: Dict[str, Any]) -> Any:
    """Create the .NET object of a proxy class; keyword arguments not taken by the constructor set properties."""
    from octoclr.bridge import proxy

    info = cls.__info__
    dotnet_type = info.dotnet_type
    if dotnet_type.IsInterface or dotnet_type.IsAbstract:
        raise TypeError(f"{info.full_name} is {'an interface' if dotnet_type.IsInterface else 'abstract'} and cannot be created")
    group = constructor_group(info)
    constructor_kwargs: Dict[str, Any] = {}
    property_kwargs: Dict[str, Any] = {}
    names = {n for o in group.overloads for n in o.by_name}
    for key, value in kwargs.items():
        (constructor_kwargs if key in names else property_kwargs)[key] = value
    if not group.overloads and dotnet_type.IsValueType:
        raw = System.Activator.CreateInstance(dotnet_type)
    else:
        try:
            raw = group.call(None, args, constructor_kwargs)
        except ConversionError:
            raise  # the arguments matched a constructor; a value of theirs could not be used
        except TypeError:
            if constructor_kwargs and not args:
                # The keywords may name properties as well as constructor parameters.
                property_kwargs.update(constructor_kwargs)
                raw = group.call(None, args, {})
            else:
                raise
    instance = proxy.wrap(raw)
    for key, value in property_kwargs.items():
        try:
            setattr(instance, key, value)
        except AttributeError as error:
            raise TypeError(f"{info.full_name}() got an unexpected keyword argument '{key}': {error}") from None
    return instance
