"""Call a method of a repository by name, with arguments given as text: the logic of ``octoclr call``.

    octoclr call machines get machines-1 --json
    octoclr call projects find-all --space "Space Name"

The repositories are the properties of the repository class (``octoclr.OctopusRepository``,
the class ``octoclr.connect()`` returns) whose types are the client's own and have
methods; their methods are the member tables the bridge builds. Nothing here names a
particular repository or method: all of it is reflection over the loaded client.

Text arguments become values of the declared parameter types (numbers, booleans, enum
names, dates, JSON for objects, lists and dictionaries, ``@file`` or ``@-`` for JSON
read from a file or stdin, ``name=value`` for a parameter by name); results become
plain data through the bridge's ``to_dict``.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import difflib
import json
import logging
import sys
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from octoclr.connection import REPOSITORY_CLASS
from octoclr.errors import OctoclrError

__all__ = [
    "UsageError",
    "Repository",
    "Method",
    "repositories",
    "find_repository",
    "find_method",
    "bind_arguments",
    "invoke",
    "plain",
    "format_text",
]

log = logging.getLogger(__name__)

_OBJECT_MEMBERS = {"ToString", "Equals", "GetHashCode", "GetType"}
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}
_NULL = "null"


class UsageError(OctoclrError):
    """The command line asks for something the client does not have, or gives unusable arguments."""

    exit_code = 2


# --------------------------------------------------------------------------------------
# What can be called


@dataclass
class Method:
    python_name: str
    dotnet_name: str
    overloads: List[Any]  # MethodInfo

    @property
    def command_name(self) -> str:
        return self.python_name.replace("_", "-")

    def signatures(self) -> List[str]:
        from octoclr.bridge.reflection import describe_method

        return [str(describe_method(m)) for m in self.overloads]


@dataclass
class Repository:
    python_name: str
    dotnet_name: str
    dotnet_type: Any
    methods: Dict[str, Method] = field(default_factory=dict)

    @property
    def command_name(self) -> str:
        return self.python_name.replace("_", "-")


def repository_type() -> Any:
    """The ``System.Type`` of the repository class of the loaded client."""
    from octoclr.bridge.api import top_level

    try:
        cls = top_level(REPOSITORY_CLASS)
    except AttributeError as error:
        raise UsageError(f"the loaded client has no {REPOSITORY_CLASS} class to call repositories on ({error})") from None
    return cls.__dotnet_type__


def repositories(dotnet_type: Any = None) -> Dict[str, Repository]:
    """The repositories of ``dotnet_type`` (default: the repository class), by Python name."""
    from octoclr.bridge.reflection import type_info

    dotnet_type = dotnet_type if dotnet_type is not None else repository_type()
    info = type_info(dotnet_type)
    found: Dict[str, Repository] = {}
    for dotnet_name in sorted(info.properties):
        repository = _repository(info, dotnet_type, dotnet_name)
        if repository is not None:
            found[repository.python_name] = repository
    return found


def _repository(info: Any, dotnet_type: Any, dotnet_name: str) -> Optional[Repository]:
    """The repository behind the property ``dotnet_name``, or None when it is not one."""
    from octoclr.bridge.names import to_snake

    entry = info.properties[dotnet_name]
    python_name = to_snake(dotnet_name)
    if entry.is_static or not entry.readable or info.aliases.get(python_name) != dotnet_name:
        return None
    property_type = entry.dotnet_type
    # The client's own types only: System types are values, not repositories.
    if property_type.Assembly != dotnet_type.Assembly or property_type.IsEnum or property_type.IsValueType:
        return None
    methods = methods_of(property_type)
    return Repository(python_name, dotnet_name, property_type, methods) if methods else None


def methods_of(dotnet_type: Any) -> Dict[str, Method]:
    from octoclr.bridge.names import to_snake
    from octoclr.bridge.reflection import type_info

    info = type_info(dotnet_type)
    methods: Dict[str, Method] = {}
    for dotnet_name, overloads in sorted(info.methods.items()):
        python_name = to_snake(dotnet_name)
        if dotnet_name in _OBJECT_MEMBERS or info.aliases.get(python_name) != dotnet_name:
            continue
        callable_overloads = [m for m in overloads if not m.IsStatic and _callable_from_text(m)]
        if callable_overloads:
            methods[python_name] = Method(python_name, dotnet_name, callable_overloads)
    return methods


def _callable_from_text(method: Any) -> bool:
    for parameter in method.GetParameters():
        if parameter.ParameterType.IsByRef:
            return False
        if _kind(parameter.ParameterType) == "delegate" and not parameter.IsOptional:
            return False
    return True


def _normalise(name: str) -> str:
    return name.strip().replace("-", "_")


def _lookup(name: str, choices: Dict[str, Any], what: str, hint: str) -> Any:
    from octoclr.bridge.names import to_snake

    wanted = _normalise(name)
    for candidate in (wanted, to_snake(wanted), wanted.lower()):
        if candidate in choices:
            return choices[candidate]
    by_lower = {key.replace("_", ""): value for key, value in choices.items()}
    if wanted.replace("_", "").lower() in by_lower:
        return by_lower[wanted.replace("_", "").lower()]
    shown = [c.replace("_", "-") for c in choices]
    close = difflib.get_close_matches(wanted.replace("_", "-").lower(), shown, n=3, cutoff=0.6)
    suggestion = f"; did you mean {' or '.join(close)}?" if close else ""
    raise UsageError(f"unknown {what} '{name}'{suggestion} ({hint})")


def find_repository(name: str, available: Optional[Dict[str, Repository]] = None) -> Repository:
    if available is None:
        # A name that spells a property exactly needs that repository alone, not all of them.
        direct = _exact_repository(name)
        if direct is not None:
            return direct
        available = repositories()
    return _lookup(name, available, "repository", "'octoclr call --list' lists them")  # type: ignore[no-any-return]


def _exact_repository(name: str) -> Optional[Repository]:
    from octoclr.bridge.reflection import type_info

    dotnet_type = repository_type()
    info = type_info(dotnet_type)
    dotnet_name = info.aliases.get(_normalise(name))
    if dotnet_name is None or dotnet_name not in info.properties:
        return None
    return _repository(info, dotnet_type, dotnet_name)


def find_method(repository: Repository, name: str) -> Method:
    hint = f"'octoclr call {repository.command_name} --help' lists its methods"
    return _lookup(name, repository.methods, f"method of {repository.command_name}", hint)  # type: ignore[no-any-return]


# --------------------------------------------------------------------------------------
# Text → values of the declared parameter types


def _kind(dotnet_type: Any) -> str:
    from octoclr.bridge.conversion import target

    if dotnet_type.ContainsGenericParameters:
        return "object"
    return str(target(dotnet_type).kind)


class _Mismatch(Exception):
    pass


def read_json_argument(text: str, stdin: Callable[[], str]) -> Optional[str]:
    """The JSON text of ``@file`` or ``@-`` (stdin); None for any other argument."""
    if not text.startswith("@") or len(text) < 2:
        return None
    if text == "@-":
        return stdin()
    try:
        with open(text[1:], encoding="utf-8-sig") as handle:
            return handle.read()
    except OSError as error:
        raise UsageError(f"cannot read {text[1:]}: {error.strerror}") from None
    except UnicodeDecodeError as error:
        raise UsageError(f"cannot read {text[1:]}: byte {error.start} is not UTF-8 text ({error.reason}); save the file as UTF-8") from None


def _json(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as error:
        raise _Mismatch(f"{what}: not valid JSON ({error})") from None


def convert_text(text: str, dotnet_type: Any, what: str, stdin: Callable[[], str] = lambda: sys.stdin.read()) -> Any:
    """``text`` as a value for a parameter of ``dotnet_type`` (raises _Mismatch when it cannot be)."""
    from octoclr.bridge.conversion import target

    kind = _kind(dotnet_type)
    from_file = read_json_argument(text, stdin)
    if from_file is not None:
        return _json(from_file, what)
    if kind == "nullable":
        if text.lower() == _NULL:
            return None
        return convert_text(text, dotnet_type.GetGenericArguments()[0], what, stdin)
    if text == _NULL and not dotnet_type.IsValueType and kind != "string":
        return None
    if kind in ("string", "type"):
        return text
    if kind == "char":
        if len(text) != 1:
            raise _Mismatch(f"{what}: expected one character, got {text!r}")
        return text
    if kind == "int":
        try:
            return int(text, 0) if text.lower().startswith(("0x", "0o", "0b")) else int(text)
        except ValueError:
            raise _Mismatch(f"{what}: expected a whole number, got {text!r}") from None
    if kind == "float":
        try:
            return float(text)
        except ValueError:
            raise _Mismatch(f"{what}: expected a number, got {text!r}") from None
    if kind == "decimal":
        try:
            return decimal.Decimal(text)
        except decimal.InvalidOperation:
            raise _Mismatch(f"{what}: expected a decimal number, got {text!r}") from None
    if kind == "bool":
        lowered = text.lower()
        if lowered in _TRUE or lowered in _FALSE:
            return lowered in _TRUE
        raise _Mismatch(f"{what}: expected true or false, got {text!r}")
    if kind == "enum":
        import System

        names = [str(n) for n in System.Enum.GetNames(dotnet_type)]
        parts = [p.strip().lower() for p in text.split(",")]
        if all(p in {n.lower() for n in names} for p in parts):
            return text
        raise _Mismatch(f"{what}: expected one of {', '.join(names)}, got {text!r}")
    if kind in ("datetimeoffset", "datetime"):
        from octoclr.bridge.conversion import _parse_iso  # the bridge's own ISO 8601 reader

        if _parse_iso(text) is None:
            raise _Mismatch(f"{what}: expected an ISO 8601 date, e.g. 2024-05-01T12:00:00Z, got {text!r}")
        return text
    if kind == "timespan":
        return _timespan(text, what)
    if kind == "guid":
        try:
            return uuid.UUID(text)
        except ValueError:
            raise _Mismatch(f"{what}: expected a GUID, got {text!r}") from None
    if kind == "delegate":
        raise _Mismatch(f"{what}: a callback cannot be given on the command line")
    if kind in ("array", "list"):
        element = target(dotnet_type).element
        if text.lstrip().startswith("["):
            items = _json(text, what)
            if not isinstance(items, list):
                raise _Mismatch(f"{what}: expected a JSON array")
            return [_from_json(item, element.type if element else None, f"{what}[{i}]", stdin) for i, item in enumerate(items)]
        return [convert_text(text, element.type, what, stdin)] if element is not None else [text]
    if kind in ("dictionary", "dictionary_class"):
        value = _json(text, what)
        if not isinstance(value, dict):
            raise _Mismatch(f"{what}: expected a JSON object")
        return value
    if kind == "object_class" or kind == "other":
        if text.lstrip().startswith("{"):
            value = _json(text, what)
            if not isinstance(value, dict):
                raise _Mismatch(f"{what}: expected a JSON object")
            return value
        return text  # the bridge turns text into types with an implicit string conversion (or says why not)
    # object: JSON where it looks like JSON, else the text itself
    if text.lstrip().startswith(("{", "[")):
        return _json(text, what)
    return text


def _from_json(value: Any, dotnet_type: Any, what: str, stdin: Callable[[], str]) -> Any:
    if isinstance(value, str) and dotnet_type is not None and _kind(dotnet_type) not in ("string", "object"):
        return convert_text(value, dotnet_type, what, stdin)
    return value


def _timespan(text: str, what: str) -> _dt.timedelta:
    try:
        return _dt.timedelta(seconds=float(text))
    except ValueError:
        pass
    try:
        days = 0
        rest = text
        if "." in text.split(":")[0]:
            day_text, rest = text.split(".", 1)
            days = int(day_text)
        parts = [float(p) for p in rest.split(":")]
        while len(parts) < 3:
            parts.insert(0, 0.0)
        hours, minutes, seconds = parts[-3:]
        return _dt.timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
    except ValueError:
        raise _Mismatch(f"{what}: expected seconds or [d.]hh:mm:ss, got {text!r}") from None


@dataclass
class Bound:
    """Arguments converted for one overload."""

    overload: Any
    positional: List[Any]
    keywords: Dict[str, Any]
    score: Tuple[int, ...]


def bind_arguments(method: Method, arguments: Sequence[str], stdin: Callable[[], str] = lambda: sys.stdin.read()) -> Bound:
    """Pick the overload the text arguments fit best and convert them; UsageError when none fits."""
    reasons: List[str] = []
    best: Optional[Bound] = None
    for overload in method.overloads:
        try:
            bound = _bind(overload, arguments, stdin)
        except _Mismatch as mismatch:
            reasons.append(str(mismatch))
            continue
        if best is None or bound.score > best.score:
            best = bound
    if best is None:
        signatures = "; ".join(method.signatures())
        reason = reasons[0] if len(reasons) == 1 else "; ".join(dict.fromkeys(reasons))
        raise UsageError(f"bad arguments for {method.command_name}: {reason} (takes: {signatures})")
    return best


def _bind(overload: Any, arguments: Sequence[str], stdin: Callable[[], str]) -> Bound:
    from octoclr.bridge.names import to_snake
    from octoclr.bridge.reflection import is_params_parameter

    parameters = [p for p in overload.GetParameters() if str(p.ParameterType.FullName) != "System.Threading.CancellationToken"]
    by_name = {}
    for parameter in parameters:
        by_name[to_snake(str(parameter.Name))] = parameter
        by_name[str(parameter.Name)] = parameter
    positional_text: List[str] = []
    keyword_text: Dict[str, str] = {}
    for argument in arguments:
        name, sep, value = argument.partition("=")
        if sep and name.replace("-", "_") in by_name:
            keyword_text[to_snake(str(by_name[name.replace("-", "_")].Name))] = value
        else:
            positional_text.append(argument)
    params_parameter = parameters[-1] if parameters and is_params_parameter(parameters[-1]) else None
    fixed = parameters[:-1] if params_parameter is not None else parameters
    if len(positional_text) > len(fixed) and params_parameter is None:
        raise _Mismatch(f"{len(positional_text)} arguments given, at most {len(fixed)} taken")
    positional: List[Any] = []
    specific = 0
    for index, text in enumerate(positional_text[: len(fixed)]):
        parameter = fixed[index]
        what = to_snake(str(parameter.Name))
        if what in keyword_text:
            raise _Mismatch(f"{what} given twice")
        positional.append(convert_text(text, parameter.ParameterType, what, stdin))
        specific += _kind(parameter.ParameterType) not in ("string", "object", "other")
    used_params = False
    if params_parameter is not None and len(positional_text) <= len(fixed) and to_snake(str(params_parameter.Name)) not in keyword_text:
        # An empty params array is legal .NET, but on a command line it is a forgotten argument.
        raise _Mismatch(f"missing {to_snake(str(params_parameter.Name))}")
    if params_parameter is not None:
        element = params_parameter.ParameterType.GetElementType()
        what = to_snake(str(params_parameter.Name))
        rest = positional_text[len(fixed):]
        if what in keyword_text:
            rest = rest + [keyword_text.pop(what)]
        positional.append([convert_text(t, element, what, stdin) for t in rest])
        used_params = True
    keywords: Dict[str, Any] = {}
    for name, text in keyword_text.items():
        parameter = by_name[name]
        keywords[name] = convert_text(text, parameter.ParameterType, name, stdin)
    for index, parameter in enumerate(fixed):
        name = to_snake(str(parameter.Name))
        if index >= len(positional) and name not in keywords and not (parameter.IsOptional or parameter.HasDefaultValue):
            raise _Mismatch(f"missing {name}")
    score = (0 if used_params else 1, specific, -len(parameters))
    return Bound(overload, positional, keywords, score)


# --------------------------------------------------------------------------------------
# Calling, and the results as plain data


def invoke(target: Any, method: Method, bound: Bound) -> Any:
    """Call ``method`` on the proxy ``target``; a .NET task is waited for, a stream read to the end."""
    function = getattr(target, method.python_name)
    try:
        result = function(*bound.positional, **bound.keywords)
    except TypeError as error:
        if isinstance(error, OctoclrError):
            raise
        raise UsageError(f"bad arguments for {method.command_name}: {error}") from None
    # Asked of the class: a missing attribute of a proxy would search the extension methods.
    if hasattr(type(result), "__await__") and callable(getattr(type(result), "result", None)):
        result = result.result()
    if _is_iterator(result):
        result = list(result)
    return result


def _is_iterator(value: Any) -> bool:
    return hasattr(type(value), "__next__") and hasattr(type(value), "__iter__")


def plain(value: Any, style: str = "json", reveal: Sequence[str] = ()) -> Any:
    """``value`` as JSON-ready data: proxies through the bridge's ``to_dict`` in ``style``,
    secrets masked but for the members named in ``reveal``."""
    from octoclr.bridge.proxy import is_proxy

    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if is_proxy(value):
        data = _to_dict(value, style, reveal)
        return plain(data, style, reveal) if data is not value else str(value)
    if isinstance(value, dict):
        return {str(k): plain(v, style, reveal) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v, style, reveal) for v in value]
    if isinstance(value, _dt.datetime):
        return value.isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, _dt.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if hasattr(value, "items"):
        return {str(k): plain(v, style, reveal) for k, v in value.items()}
    if isinstance(value, Iterable):
        return [plain(v, style, reveal) for v in value]
    return str(value)


def _to_dict(value: Any, style: str, reveal: Sequence[str]) -> Any:
    from octoclr.bridge.api import to_dict

    return to_dict(value, style=style, reveal=tuple(reveal))


def format_text(data: Any, indent: str = "") -> List[str]:
    """A readable, YAML-like rendering of plain data for a terminal."""
    lines: List[str] = []
    if isinstance(data, dict):
        if not data:
            return [f"{indent}{{}}"]
        for key, value in data.items():
            if isinstance(value, (dict, list)) and value:
                lines.append(f"{indent}{key}:")
                lines.extend(format_text(value, indent + "  "))
            else:
                lines.append(f"{indent}{key}: {_scalar(value)}")
        return lines
    if isinstance(data, list):
        if not data:
            return [f"{indent}[]"]
        for item in data:
            if isinstance(item, (dict, list)) and item:
                nested = format_text(item, indent + "  ")
                lines.append(f"{indent}- {nested[0].strip()}")
                lines.extend(nested[1:])
            else:
                lines.append(f"{indent}- {_scalar(item)}")
        return lines
    return [f"{indent}{_scalar(data)}"]


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)
