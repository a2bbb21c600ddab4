"""JSON writers compiled per .NET type: Newtonsoft's own text, without its per-value cost.

``to_dict`` has Newtonsoft write objects as JSON text. For every value it writes,
Newtonsoft works out again which contract and which converter apply (a contract look-up
and a ``CanConvert`` call per configured converter, per value); on a list of thousands of
resources that is most of the time. A :class:`CompiledWriter` takes the same decisions
once per type, from the same contracts and converters of the same settings, and compiles
them with ``System.Linq.Expressions`` into delegates that read the properties and call
the same ``JsonWriter`` methods. The text is exactly what
``JsonConvert.SerializeObject(value, settings)`` writes.

What a compiled writer does not reproduce exactly it leaves to Newtonsoft: settings that
change the output as a whole (type names, references, a different loop handling, a trace
writer, an error handler) turn the compiled writer off; a type with callbacks,
conditional or reference properties, item converters, extension data or non-string
dictionary keys is written by Newtonsoft wherever it appears. Nesting deeper than
``DEPTH_LIMIT`` is also handed to Newtonsoft, which reports a reference loop as it always does.

Types are compiled ahead of a call (the items' own types and the concrete types their
properties declare). A value of a type met only while writing (a subclass behind an
abstract property) is written by Newtonsoft and noted; :meth:`CompiledWriter.learn`
compiles the noted types for the next call.
"""

from __future__ import annotations

import ctypes
import re
import threading
from typing import Any, Iterable, List, Optional, Set, Tuple

import clr
import System

from octoclr.bridge.reflection import binding_flags, clr_type, type_key

for _assembly in ("System.Linq.Expressions", "System.Core"):  # CoreCLR, then Mono and .NET Framework
    try:
        clr.AddReference(_assembly)
    except Exception:  # noqa: BLE001 - the other name holds the namespace
        pass
from System.Linq.Expressions import Expression, ParameterExpression  # noqa: E402

DEPTH_LIMIT = 64
_NON_PUBLIC = binding_flags("NonPublic", "Instance")
_ANY_INSTANCE = binding_flags("Public", "NonPublic", "Instance")
_CONTRACTS = "Newtonsoft.Json.Serialization."
# The contracts a compiled writer reproduces; the others (ISerializable, dynamic, LINQ, string) are Newtonsoft's.
_KINDS = ("JsonPrimitiveContract", "JsonObjectContract", "JsonArrayContract", "JsonDictionaryContract")
_DEFAULT_RESOLVER = "Newtonsoft.Json.Serialization.DefaultContractResolver"
# JsonSerializer's own fields for the writer settings it applies in Serialize, when set.
_WRITER_SETTINGS = ("DateFormatHandling", "DateTimeZoneHandling", "FloatFormatHandling", "StringEscapeHandling", "Culture")


def _types(*types: Any) -> Any:
    return System.Array[System.Type](list(types))


def _expressions(items: Iterable[Any]) -> Any:
    return System.Array[Expression](list(items))


def _parameters(items: Iterable[Any]) -> Any:
    return System.Array[ParameterExpression](list(items))


class Unsupported(Exception):
    """A type (or settings) whose output a compiled writer would not reproduce exactly."""


class CompiledWriter:
    """Writes JSON text exactly as ``JsonConvert.SerializeObject(value, settings)`` does."""

    def __init__(self, settings: Any, newtonsoft: Any) -> None:
        self._lock = threading.RLock()
        self._n = _Newtonsoft(newtonsoft)
        serializer = self._n.create_default(settings)
        self.serializer = serializer
        self.reason = self._unsupported_settings(serializer)
        if self.reason is not None:
            return
        self.resolver = serializer.ContractResolver
        self._converters = list(serializer.Converters)
        n = self._n
        self._entry_type = clr_type(System.Action).Assembly.GetType("System.Action`3").MakeGenericType(
            _types(clr_type(System.Object), n.writer, clr_type(System.Int32))
        )
        table_type = clr_type(System.Collections.Concurrent.ConcurrentDictionary).Assembly.GetType(
            "System.Collections.Concurrent.ConcurrentDictionary`2"
        )
        self._table = System.Activator.CreateInstance(table_type.MakeGenericType(_types(clr_type(System.Type), self._entry_type)))
        self._misses = System.Activator.CreateInstance(table_type.MakeGenericType(_types(clr_type(System.Type), clr_type(System.Boolean))))
        self._compiled: Set[str] = set()
        self._left_to_newtonsoft: Set[str] = set()
        self._dispatch = self._compile_dispatch()
        self._compile_entry_points()

    # ----------------------------------------------------------------------------------
    # Public

    @property
    def usable(self) -> bool:
        return self.reason is None

    def prepare(self, dotnet_types: Iterable[Any]) -> None:
        """Compile writers for these types and the concrete types their properties declare."""
        with self._lock:
            pending = list(dotnet_types)
            while pending:
                current = pending.pop()
                key = type_key(current)
                if key in self._compiled:
                    continue
                self._compiled.add(key)
                pending.extend(self._compile_entry(current))

    def compiles(self, dotnet_type: Any) -> Optional[bool]:
        """Whether values of exactly ``dotnet_type`` have a compiled writer (False: Newtonsoft's; None: not met yet)."""
        key = type_key(dotnet_type)
        if key not in self._compiled:
            return None
        return key not in self._left_to_newtonsoft

    def forget(self, dotnet_types: Iterable[Any]) -> None:
        """Drop the writers of these types (their contracts changed); they are compiled again when next needed."""
        with self._lock:
            for dotnet_type in dotnet_types:
                self._compiled.discard(type_key(dotnet_type))
                self._table.TryRemove(dotnet_type, None)

    def learn(self) -> None:
        """Compile the types met while writing that had no writer yet."""
        if self._misses.Count == 0:
            return
        missed = list(self._misses.Keys)
        # A type noted again meanwhile is noted again on its next meeting.
        self._misses.Clear()
        self.prepare(missed)

    def write(self, value: Any) -> str:
        """JSON text of ``value`` (an object, or an array of objects)."""
        text_writer = System.IO.StringWriter(System.Text.StringBuilder(256), System.Globalization.CultureInfo.InvariantCulture)
        self._write_text(value, text_writer)
        return text_writer.ToString()

    def write_utf8(self, value: Any) -> bytearray:
        """The same text as :meth:`write`, encoded as UTF-8.

        No .NET string is made and no Python string decoded from one: the text goes into
        a buffer this thread keeps, and from there into Python memory in one copy, with
        the interpreter lock released. A lone surrogate raises an encoder error.
        """
        # Two calls into .NET, each a compiled delegate: a worker thread waits for the
        # interpreter lock after every call, so the fewer the better.
        stream = _thread_buffer()
        copied = False
        try:
            length = self._write_stream(value, stream)
            data = bytearray(length)
            self._copy_out(stream, ctypes.addressof(ctypes.c_char.from_buffer(data)) if length else 0)
            copied = True  # (the copy empties the stream for the next call)
            return data
        finally:
            if not copied:
                stream.SetLength(0)

    def _compile_entry_points(self) -> None:
        """The delegates Python calls: text writer → JSON, stream → UTF-8 JSON, stream → memory."""
        n = self._n
        value = Expression.Parameter(clr_type(System.Object), "value")
        text = Expression.Parameter(clr_type(System.IO.TextWriter), "text")
        writer = Expression.Variable(n.writer, "writer")
        steps = [
            Expression.Assign(writer, Expression.New(n.text_writer.GetConstructor(_types(clr_type(System.IO.TextWriter))), _expressions([text]))),
            Expression.Assign(Expression.Property(writer, "Formatting"), Expression.Constant(self.serializer.Formatting)),
        ]
        for name, given in n.writer_settings(self.serializer):
            setting = Expression.Property(writer, name)
            steps.append(Expression.Assign(setting, Expression.Constant(given, setting.Type)))
        steps += [
            Expression.Invoke(Expression.Constant(self._dispatch), _expressions([value, writer, _constant(0, System.Int32)])),
            n.call(writer, "Flush"),
        ]
        write_text = Expression.Lambda(
            _generic("System.Action`2", clr_type(System.Object), clr_type(System.IO.TextWriter)),
            Expression.Block(_parameters([writer]), _expressions(steps)), _parameters([value, text]),
        ).Compile()
        self._write_text = write_text

        stream = Expression.Parameter(clr_type(System.IO.MemoryStream), "stream")
        stream_writer = Expression.New(
            clr_type(System.IO.StreamWriter).GetConstructor(_types(clr_type(System.IO.Stream), clr_type(System.Text.Encoding), clr_type(System.Int32), clr_type(System.Boolean))),
            _expressions([stream, Expression.Constant(_UTF8, clr_type(System.Text.Encoding)), _constant(1 << 16, System.Int32), _constant(True, System.Boolean)]),
        )  # (leaves the stream open)
        self._write_stream = Expression.Lambda(
            _generic("System.Func`3", clr_type(System.Object), clr_type(System.IO.MemoryStream), clr_type(System.Int32)),
            Expression.Block(_expressions([
                Expression.Invoke(Expression.Constant(write_text), _expressions([value, stream_writer])),
                Expression.Convert(Expression.Property(stream, "Length"), clr_type(System.Int32)),
            ])),
            _parameters([value, stream]),
        ).Compile()

        address = Expression.Parameter(clr_type(System.Int64), "address")
        marshal_copy = clr_type(System.Runtime.InteropServices.Marshal).GetMethod(
            "Copy", _types(clr_type(System.Array[System.Byte]), clr_type(System.Int32), clr_type(System.IntPtr), clr_type(System.Int32))
        )
        length = Expression.Convert(Expression.Property(stream, "Length"), clr_type(System.Int32))
        self._copy_out = Expression.Lambda(
            _generic("System.Action`2", clr_type(System.IO.MemoryStream), clr_type(System.Int64)),
            Expression.Block(_expressions([
                Expression.IfThen(
                    Expression.GreaterThan(length, _constant(0, System.Int32)),
                    Expression.Call(marshal_copy, _expressions([
                        Expression.Call(stream, clr_type(System.IO.MemoryStream).GetMethod("GetBuffer")), _constant(0, System.Int32),
                        Expression.New(clr_type(System.IntPtr).GetConstructor(_types(clr_type(System.Int64))), _expressions([address])), length,
                    ])),
                ),
                Expression.Call(stream, clr_type(System.IO.MemoryStream).GetMethod("SetLength"), _expressions([_constant(0, System.Int64)])),
            ])),
            _parameters([stream, address]),
        ).Compile()

    # ----------------------------------------------------------------------------------
    # Settings and contracts

    def _unsupported_settings(self, serializer: Any) -> Optional[str]:
        n = self._n
        if int(serializer.TypeNameHandling) != 0:
            return "type names are written"
        if int(serializer.PreserveReferencesHandling) != 0:
            return "references are preserved"
        if int(serializer.ReferenceLoopHandling) != 0:
            return "reference loops are not errors"
        if serializer.TraceWriter is not None:
            return "a trace writer is set"
        if n.error_handlers(serializer):
            return "an error handler is set"
        if not n.writer_settings_known(serializer):
            return "this Newtonsoft.Json keeps its writer settings elsewhere"
        if n.date_format_string_set(serializer):
            # JsonSerializer.Serialize, which converters call, leaves the writer without it.
            return "a date format string is set"
        if n.internal_converter is None:
            return "this Newtonsoft.Json keeps its built-in converters elsewhere"
        return None

    def _converter(self, contract: Any) -> Any:
        """The converter Newtonsoft uses for values of a contract (None: the contract itself)."""
        converter = contract.Converter
        if converter is None:
            underlying = contract.UnderlyingType
            converter = next((c for c in self._converters if c.CanConvert(underlying)), None)
        if converter is None:
            converter = self._n.internal_converter.GetValue(contract, None)
        if converter is not None and not converter.CanWrite:
            raise Unsupported("a converter that cannot write")
        return converter

    def _contract_kind(self, contract: Any) -> str:
        kind = str(contract.GetType().FullName)[len(_CONTRACTS):]
        if kind not in _KINDS or not str(contract.GetType().FullName).startswith(_CONTRACTS):
            raise Unsupported(f"a contract of class {contract.GetType().FullName}")
        if contract.OnSerializingCallbacks.Count or contract.OnSerializedCallbacks.Count or contract.IsReference:
            raise Unsupported("serialization callbacks or references")
        if kind != "JsonPrimitiveContract":
            if contract.ItemConverter is not None or contract.ItemIsReference or contract.ItemTypeNameHandling is not None \
                    or contract.ItemReferenceLoopHandling is not None:
                raise Unsupported("item settings")
        return kind

    # ----------------------------------------------------------------------------------
    # Compilation

    def _compile_dispatch(self) -> Any:
        """(value, writer, depth): the writer of the value's runtime type, else Newtonsoft."""
        value = Expression.Parameter(clr_type(System.Object), "value")
        writer = Expression.Parameter(self._n.writer, "writer")
        depth = Expression.Parameter(clr_type(System.Int32), "depth")
        runtime_type = Expression.Variable(clr_type(System.Type), "type")
        entry = Expression.Variable(self._entry_type, "entry")
        get_type = Expression.Call(value, clr_type(System.Object).GetMethod("GetType"))
        table = Expression.Constant(self._table)
        misses = Expression.Constant(self._misses)
        newtonsoft = self._n.serialize_call(Expression.Constant(self.serializer, self._n.serializer), writer, value)
        found = Expression.Call(table, self._table.GetType().GetMethod("TryGetValue"), _expressions([runtime_type, entry]))
        note = Expression.Call(misses, self._misses.GetType().GetMethod("TryAdd"), _expressions([runtime_type, _constant(True, System.Boolean)]))
        body = Expression.IfThenElse(
            Expression.Equal(value, Expression.Constant(None)),
            self._n.call(writer, "WriteNull"),
            Expression.IfThenElse(
                Expression.GreaterThan(depth, _constant(DEPTH_LIMIT, System.Int32)),
                newtonsoft,
                Expression.Block(
                    _parameters([runtime_type, entry]),
                    _expressions([
                        Expression.Assign(runtime_type, get_type),
                        Expression.IfThenElse(
                            found,
                            Expression.Invoke(entry, _expressions([value, writer, depth])),
                            Expression.Block(_expressions([note, newtonsoft])),
                        ),
                    ]),
                ),
            ),
        )
        return self._lambda(body, value, writer, depth)

    def _lambda(self, body: Any, value: Any, writer: Any, depth: Any) -> Any:
        return Expression.Lambda(self._entry_type, body, _parameters([value, writer, depth])).Compile()

    def _compile_entry(self, dotnet_type: Any) -> List[Any]:
        """Compile and register the writer of values of exactly ``dotnet_type``; return types to compile next."""
        value = Expression.Parameter(clr_type(System.Object), "value")
        writer = Expression.Parameter(self._n.writer, "writer")
        depth = Expression.Parameter(clr_type(System.Int32), "depth")
        reached: List[Any] = []
        try:
            body = self._entry_body(dotnet_type, value, writer, depth, reached)
            self._left_to_newtonsoft.discard(type_key(dotnet_type))
        except Unsupported:
            body, reached = self._n.serialize_call(Expression.Constant(self.serializer, self._n.serializer), writer, value), []
            self._left_to_newtonsoft.add(type_key(dotnet_type))
        self._table[dotnet_type] = self._lambda(body, value, writer, depth)
        return reached

    def _entry_body(self, dotnet_type: Any, value: Any, writer: Any, depth: Any, reached: List[Any]) -> Any:
        if dotnet_type.IsGenericTypeDefinition or dotnet_type.ContainsGenericParameters:
            raise Unsupported("an open generic type")
        contract = self.resolver.ResolveContract(dotnet_type)
        converter = self._converter(contract)
        if converter is not None:
            return self._converter_call(converter, writer, value)
        kind = self._contract_kind(contract)
        if kind == "JsonPrimitiveContract":
            return self._n.call(writer, "WriteValue", value, parameter=clr_type(System.Object))
        if kind == "JsonObjectContract":
            return self._object_body(dotnet_type, contract, value, writer, depth, reached)
        if kind == "JsonArrayContract":
            return self._array_body(dotnet_type, contract, value, writer, depth, reached)
        return self._dictionary_body(dotnet_type, contract, value, writer, depth, reached)

    def _object_body(self, dotnet_type: Any, contract: Any, value: Any, writer: Any, depth: Any, reached: List[Any]) -> Any:
        if contract.ExtensionDataGetter is not None:
            raise Unsupported("extension data")
        target = Expression.Variable(dotnet_type, "target")
        steps = [Expression.Assign(target, Expression.Convert(value, dotnet_type)), self._n.call(writer, "WriteStartObject")]
        locals_ = [target]
        for json_property in contract.Properties:
            if json_property.Ignored or not json_property.Readable:
                continue
            if json_property.ShouldSerialize is not None or json_property.GetIsSpecified is not None:
                raise Unsupported("a conditional property")
            if json_property.IsReference or json_property.TypeNameHandling is not None \
                    or json_property.ReferenceLoopHandling is not None or json_property.ItemConverter is not None \
                    or json_property.ItemIsReference or json_property.ItemTypeNameHandling is not None \
                    or json_property.ItemReferenceLoopHandling is not None:
                raise Unsupported("a property with reference, type name or item settings")
            default_handling = json_property.DefaultValueHandling
            if int(default_handling if default_handling is not None else self.serializer.DefaultValueHandling) & 1:
                raise Unsupported("default values left out")
            null_handling = json_property.NullValueHandling
            skip_nulls = int(null_handling if null_handling is not None else self.serializer.NullValueHandling) == 1
            declared = json_property.PropertyType
            member = _member(target, json_property)
            current = Expression.Variable(declared, "current")
            locals_.append(current)
            steps.append(Expression.Assign(current, member))
            write = Expression.Block(_expressions([
                self._property_name(writer, str(json_property.PropertyName)),
                self._value(current, declared, json_property.Converter, writer, depth, reached),
            ]))
            if skip_nulls and _nullable(declared):
                write = Expression.IfThen(Expression.NotEqual(Expression.Convert(current, clr_type(System.Object)), Expression.Constant(None)), write)
            steps.append(write)
        steps.append(self._n.call(writer, "WriteEndObject"))
        return Expression.Block(_parameters(locals_), _expressions(steps))

    def _array_body(self, dotnet_type: Any, contract: Any, value: Any, writer: Any, depth: Any, reached: List[Any]) -> Any:
        if contract.IsMultidimensionalArray:
            raise Unsupported("a multidimensional array")
        item_type = contract.CollectionItemType or clr_type(System.Object)
        enumerable = _generic("System.Collections.Generic.IEnumerable`1", item_type)
        if not enumerable.IsAssignableFrom(dotnet_type):
            enumerable, item_type = clr_type(System.Collections.IEnumerable), clr_type(System.Object)

        def each(item: Any) -> Any:
            return self._value(item, item_type, None, writer, depth, reached)

        return Expression.Block(_expressions([
            self._n.call(writer, "WriteStartArray"),
            _for_each(Expression.Convert(value, enumerable), enumerable, item_type, each),
            self._n.call(writer, "WriteEndArray"),
        ]))

    def _dictionary_body(self, dotnet_type: Any, contract: Any, value: Any, writer: Any, depth: Any, reached: List[Any]) -> Any:
        if contract.DictionaryKeyType is None or contract.DictionaryKeyType.FullName != "System.String":
            raise Unsupported("dictionary keys that are not strings")
        if str(self.resolver.GetType().FullName) != _DEFAULT_RESOLVER:
            raise Unsupported("a resolver that may rename dictionary keys")
        value_type = contract.DictionaryValueType or clr_type(System.Object)
        pair_type = _generic("System.Collections.Generic.KeyValuePair`2", clr_type(System.String), value_type)
        enumerable = _generic("System.Collections.Generic.IEnumerable`1", pair_type)
        if not enumerable.IsAssignableFrom(dotnet_type):
            raise Unsupported("a dictionary that is not an IEnumerable of pairs")

        def each(pair: Any) -> Any:
            return Expression.Block(_expressions([
                self._n.call(writer, "WritePropertyName", Expression.Property(pair, "Key")),
                self._value(Expression.Property(pair, "Value"), value_type, None, writer, depth, reached),
            ]))

        return Expression.Block(_expressions([
            self._n.call(writer, "WriteStartObject"),
            _for_each(Expression.Convert(value, enumerable), enumerable, pair_type, each),
            self._n.call(writer, "WriteEndObject"),
        ]))

    def _value(self, current: Any, declared: Any, member_converter: Any, writer: Any, depth: Any, reached: List[Any]) -> Any:
        """Write ``current``, a value of declared type ``declared``, as Newtonsoft would."""
        boxed = Expression.Convert(current, clr_type(System.Object))
        if member_converter is not None:
            if not member_converter.CanWrite:
                raise Unsupported("a property converter that cannot write")
            return self._null_or(boxed, writer, self._converter_call(member_converter, writer, boxed))
        # Newtonsoft takes the declared contract for sealed types (value types included),
        # the runtime type's otherwise: the dispatch table looks that one up.
        if declared.IsSealed:
            contract = self.resolver.ResolveContract(declared)
            converter = self._converter(contract)
            if converter is not None:
                return self._null_or(boxed, writer, self._converter_call(converter, writer, boxed))
            if str(contract.GetType().FullName) == _CONTRACTS + "JsonPrimitiveContract":
                method = self._n.writer.GetMethod("WriteValue", _types(declared))
                # (the binder would offer WriteValue(int) for an enum: only an exact overload will do)
                if method is not None and method.GetParameters()[0].ParameterType.Equals(declared):
                    return Expression.Call(writer, method, _expressions([current]))
            else:
                reached.append(System.Nullable.GetUnderlyingType(declared) or declared)
        elif not (declared.IsAbstract or declared.IsInterface) and not declared.ContainsGenericParameters:
            reached.append(declared)
        deeper = Expression.Add(depth, _constant(1, System.Int32))
        return Expression.Invoke(Expression.Constant(self._dispatch), _expressions([boxed, writer, deeper]))

    def _property_name(self, writer: Any, name: str) -> Any:
        """Write a property's name; one no escaping setting would change is written without the check."""
        name_constant = _constant(name, System.String)
        if _PLAIN_NAME.match(name):
            method = self._n.writer.GetMethod("WritePropertyName", _types(clr_type(System.String), clr_type(System.Boolean)))
            if method is not None:
                return Expression.Call(writer, method, _expressions([name_constant, _constant(False, System.Boolean)]))
        return self._n.call(writer, "WritePropertyName", name_constant)

    def _null_or(self, boxed: Any, writer: Any, write: Any) -> Any:
        return Expression.IfThenElse(Expression.Equal(boxed, Expression.Constant(None)), self._n.call(writer, "WriteNull"), write)

    def _converter_call(self, converter: Any, writer: Any, value: Any) -> Any:
        n = self._n
        method = n.converter.GetMethod("WriteJson", _types(n.writer, clr_type(System.Object), n.serializer))
        return Expression.Call(
            Expression.Constant(converter, n.converter), method,
            _expressions([writer, value, Expression.Constant(self.serializer, n.serializer)]),
        )


# --------------------------------------------------------------------------------------
# Helpers


_PLAIN_NAME = re.compile(r"[A-Za-z0-9_.$-]*\Z")
_UTF8 = System.Text.UTF8Encoding(False, True)  # no byte order mark; throws on a lone surrogate
_buffers = threading.local()
_KEPT_BUFFER = 16 << 20  # a larger buffer is not kept for the thread's next call


def _thread_buffer() -> Any:
    stream = getattr(_buffers, "stream", None)
    if stream is None or stream.Capacity > _KEPT_BUFFER:
        stream = _buffers.stream = System.IO.MemoryStream()
    return stream


def _generic(definition: str, *arguments: Any) -> Any:
    return clr_type(System.Object).Assembly.GetType(definition).MakeGenericType(_types(*arguments))


def _constant(value: Any, pyclass: Any) -> Any:
    """A typed constant (pythonnet would pass a Python int or bool as an object of its own)."""
    return Expression.Constant(pyclass(value), clr_type(pyclass))


def _nullable(dotnet_type: Any) -> bool:
    return not dotnet_type.IsValueType or System.Nullable.GetUnderlyingType(dotnet_type) is not None


def _member(target: Any, json_property: Any) -> Any:
    """The expression reading a contract's property (or field) from ``target``."""
    declaring = json_property.DeclaringType
    name = json_property.UnderlyingName
    try:
        found = declaring.GetProperty(name, _ANY_INSTANCE)
    except System.Reflection.AmbiguousMatchException:
        raise Unsupported(f"more than one property named {name}") from None
    if found is not None and found.GetIndexParameters().Length == 0 and found.PropertyType.Equals(json_property.PropertyType):
        return Expression.Property(Expression.Convert(target, declaring), found)
    field = declaring.GetField(name, _ANY_INSTANCE)
    if field is not None and field.FieldType.Equals(json_property.PropertyType):
        return Expression.Field(Expression.Convert(target, declaring), field)
    raise Unsupported(f"member {name} not found as Newtonsoft reads it")


def _for_each(enumerable_value: Any, enumerable: Any, item_type: Any, body: Any) -> Any:
    """``foreach (var item in value) body(item)`` over an ``IEnumerable<T>`` (or ``IEnumerable``)."""
    get_enumerator = enumerable.GetMethod("GetEnumerator")
    enumerator_type = get_enumerator.ReturnType
    enumerator = Expression.Variable(enumerator_type, "enumerator")
    item = Expression.Variable(item_type, "item")
    done = Expression.Label("done")
    move_next = clr_type(System.Collections.IEnumerator).GetMethod("MoveNext")
    current = Expression.Property(enumerator, enumerator_type.GetProperty("Current"))
    loop = Expression.Loop(
        Expression.IfThenElse(
            Expression.Call(enumerator, move_next),
            Expression.Block(_expressions([Expression.Assign(item, Expression.Convert(current, item_type)), body(item)])),
            Expression.Break(done),
        ),
        done,
    )
    steps = [Expression.Assign(enumerator, Expression.Call(enumerable_value, get_enumerator)), loop]
    if clr_type(System.IDisposable).IsAssignableFrom(enumerator_type):
        steps.append(Expression.Call(enumerator, clr_type(System.IDisposable).GetMethod("Dispose")))
    return Expression.Block(_parameters([enumerator, item]), _expressions(steps))


class _Newtonsoft:
    """The Newtonsoft.Json types and members a compiled writer uses, from the loaded assembly."""

    def __init__(self, assembly: Any) -> None:
        self.writer = assembly.GetType("Newtonsoft.Json.JsonWriter")
        self.text_writer = assembly.GetType("Newtonsoft.Json.JsonTextWriter")
        self.serializer = assembly.GetType("Newtonsoft.Json.JsonSerializer")
        self.converter = assembly.GetType("Newtonsoft.Json.JsonConverter")
        settings = assembly.GetType("Newtonsoft.Json.JsonSerializerSettings")
        self._create_default = self.serializer.GetMethod("CreateDefault", _types(settings))
        self._serialize = self.serializer.GetMethod("Serialize", _types(self.writer, clr_type(System.Object)))
        contract = assembly.GetType(_CONTRACTS + "JsonContract")
        self.internal_converter = contract.GetProperty("InternalConverter", _NON_PUBLIC)
        self._error = self.serializer.GetField("Error", _NON_PUBLIC)
        self._fields = {name: self.serializer.GetField("_" + name[0].lower() + name[1:], _NON_PUBLIC) for name in _WRITER_SETTINGS}
        self._format_string = self.serializer.GetField("_dateFormatString", _NON_PUBLIC)
        self._format_string_set = self.serializer.GetField("_dateFormatStringSet", _NON_PUBLIC)

    def create_default(self, settings: Any) -> Any:
        return self._create_default.Invoke(None, System.Array[System.Object]([settings]))

    def error_handlers(self, serializer: Any) -> bool:
        return self._error is None or self._error.GetValue(serializer) is not None

    def writer_settings_known(self, serializer: Any) -> bool:
        return all(f is not None for f in self._fields.values()) and None not in (self._format_string, self._format_string_set)

    def date_format_string_set(self, serializer: Any) -> bool:
        return bool(self._format_string_set.GetValue(serializer))

    def writer_settings(self, serializer: Any) -> List[Tuple[str, Any]]:
        """What ``JsonSerializer.Serialize`` sets on the writer: the settings given explicitly, nothing else."""
        given = [(name, field.GetValue(serializer)) for name, field in self._fields.items()]
        return [(name, value) for name, value in given if value is not None]

    def call(self, instance: Any, name: str, *arguments: Any, parameter: Any = None) -> Any:
        if parameter is not None:
            method = self.writer.GetMethod(name, _types(parameter))
        elif arguments:
            method = self.writer.GetMethod(name, _types(*(a.Type for a in arguments)))
        else:
            method = self.writer.GetMethod(name, System.Type.EmptyTypes)
        return Expression.Call(instance, method, _expressions(arguments))

    def serialize_call(self, serializer: Any, writer: Any, value: Any) -> Any:
        return Expression.Call(serializer, self._serialize, _expressions([writer, value]))

