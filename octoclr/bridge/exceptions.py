"""Converting .NET exceptions into :mod:`octoclr.errors`, in one place.

The class is found by exception type name, walking from the thrown type up its base
classes; the first name in :data:`EXCEPTION_CLASSES` wins. After that come two rules
that read the exception rather than its name: a ``NotSupportedException`` that speaks of
the server's version is the client's version gate (``UnsupportedServerError``), and an
exception that is, or wraps, a network failure means the server cannot be reached
(``OctopusConnectionError``), as does a generic exception around the server's 502, 503 or
504 (the client's "Unable to connect" after retrying the root document), with that status.
``System.TimeoutException``, and a cancellation caused by one, is ``octoclr.TimeoutError``.
A ``NullReferenceException`` thrown in the library during a call to the server is what the
client does with a response that has no content (an empty body, or ``null``) where it
expected JSON: a ``ServerError`` that says so, naming the call and the server. Everything
else is ``DotNetError``. ``AggregateException`` and ``TargetInvocationException`` are
unwrapped first. Messages are redacted.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Dict, List, Optional, Type, Union

import System

from octoclr import errors
from octoclr.bridge import network, reflection
from octoclr.secrets import redact

#: Exception type name (short or full) → error class. Extend with :func:`register`.
EXCEPTION_CLASSES: Dict[str, Type[errors.OctopusError]] = {
    "OctopusResourceNotFoundException": errors.NotFoundError,
    "OctopusValidationException": errors.ValidationError,
    "OctopusSecurityException": errors.SecurityError,
    "OctopusMethodNotAllowedFoundException": errors.MethodNotAllowedError,
    "OctopusServerException": errors.ServerError,
    "UnsupportedApiVersionException": errors.UnsupportedServerError,
    "OperationNotSupportedByOctopusServerException": errors.UnsupportedServerError,
    "OctopusDeserializationException": errors.ServerError,
    # The client's abstract base of every error the server reported.
    "OctopusException": errors.ServerError,
    "System.TimeoutException": errors.TimeoutError,
}

#: Exception types meaning the server could not be reached.
CONNECTION_EXCEPTIONS = (
    "System.Net.WebException",
    "System.Net.Http.HttpRequestException",
    "System.Net.Sockets.SocketException",
)

_WRAPPERS = ("System.AggregateException", "System.Reflection.TargetInvocationException")
_CANCELLATIONS = ("System.OperationCanceledException", "System.Threading.Tasks.TaskCanceledException")
#: Statuses of a server that is there but not serving (yet): the client retries them.
_UNAVAILABLE = (502, 503, 504)
# Assemblies whose NullReferenceException is not the library reading a missing body.
_FRAMEWORK_ASSEMBLIES = ("System", "mscorlib", "netstandard", "Microsoft.", "Mono.", "Newtonsoft.", "Python.Runtime")
_VERSION_GATE = re.compile(r"\bversion\b.*\bserver\b|\bserver\b.*\bversion\b", re.IGNORECASE | re.DOTALL)

# Property names under which exceptions carry the server's answer.
_STATUS_PROPERTIES = ("HttpStatusCode", "StatusCode")
_HELP_PROPERTIES = ("HelpText",)
_ERRORS_PROPERTIES = ("Errors", "ValidationErrors")


def register(type_name: str, error_class: Type[errors.OctopusError]) -> None:
    """Map exceptions named ``type_name`` (and their subclasses) to ``error_class``."""
    if not (isinstance(error_class, type) and issubclass(error_class, errors.OctopusError)):
        raise TypeError("error_class must be a subclass of octoclr.errors.OctopusError")
    EXCEPTION_CLASSES[type_name] = error_class


def is_dotnet_exception(error: BaseException) -> bool:
    return isinstance(error, System.Exception)


def unwrap(exception: Any) -> Any:
    """The meaningful exception inside AggregateException / TargetInvocationException layers."""
    current = exception
    for _ in range(32):
        name = current.GetType().FullName
        if name == "System.AggregateException":
            inner = current.Flatten().InnerExceptions
            if inner.Count == 0:
                return current
            current = inner[0]
        elif name in _WRAPPERS and current.InnerException is not None:
            current = current.InnerException
        else:
            return current
    return current


def _names(dotnet_type: Any) -> List[str]:
    result = []
    current = dotnet_type
    while current is not None:
        result.append(current.FullName or current.Name)
        current = current.BaseType
    return result


def error_class_for(dotnet_type: Any, exception: Any = None) -> Type[errors.OctopusError]:
    """The error class for an exception type (and, when given, the exception itself)."""
    by_name: Optional[Type[errors.OctopusError]] = None
    for full_name in _names(dotnet_type):
        short = full_name.rsplit(".", 1)[-1]
        by_name = EXCEPTION_CLASSES.get(full_name) or EXCEPTION_CLASSES.get(short)
        if by_name is not None:
            break
    if exception is None:
        if by_name is None and any(n in CONNECTION_EXCEPTIONS for n in _names(dotnet_type)):
            return errors.OctopusConnectionError
        return by_name or errors.DotNetError
    # A generic or unmapped exception that wraps a network failure ("Unable to connect...")
    # means the server could not be reached; so does one around a 503 the client gave up on.
    if by_name in (None, errors.ServerError) and _wraps_connection_failure(exception):
        return errors.OctopusConnectionError
    if by_name is None and exception.InnerException is not None and network.status_in(exception.InnerException) in _UNAVAILABLE:
        return errors.OctopusConnectionError
    if by_name is None and _names(dotnet_type)[0] in _CANCELLATIONS and _caused_by_timeout(exception):
        return errors.TimeoutError
    if by_name is not None:
        return by_name
    if _names(dotnet_type)[0] == "System.NotSupportedException" and _VERSION_GATE.search(str(exception.Message or "")):
        return errors.UnsupportedServerError
    return errors.DotNetError


def _caused_by_timeout(exception: Any) -> bool:
    """A cancellation because time ran out (.NET 5 and later put a TimeoutException inside)."""
    current = exception.InnerException
    while current is not None:
        if "System.TimeoutException" in _names(current.GetType()):
            return True
        current = current.InnerException
    return False


def _wraps_connection_failure(exception: Any) -> bool:
    current = exception
    while current is not None:
        if any(n in CONNECTION_EXCEPTIONS for n in _names(current.GetType())):
            return True
        current = current.InnerException
    return False


def _read(exception: Any, names: tuple) -> Any:
    info = reflection.type_info(exception.GetType())
    for name in names:
        entry = info.properties.get(name)
        if entry is not None and entry.readable and not entry.is_static:
            try:
                return entry.get(exception)
            except Exception:
                return None
    return None


def _status(exception: Any) -> Optional[int]:
    value = _read(exception, _STATUS_PROPERTIES)
    if value is None:
        return None
    try:
        return int(value) if isinstance(value, int) else int(System.Convert.ToInt32(value))
    except Exception:
        return None


def _errors(exception: Any) -> List[str]:
    value = _read(exception, _ERRORS_PROPERTIES)
    if value is None or isinstance(value, str):
        return [] if value is None else [value]
    try:
        return [redact(str(item)) for item in value]
    except TypeError:
        return []


def _validation_text(exception: Any, message: str, problems: List[str]) -> str:
    """The server's ErrorMessage, then each error once.

    Octopus.Client's own message already joins ErrorMessage and the errors, and a server often
    repeats its ErrorMessage as the only error ("Invalid username or password." in both):
    appending the errors to that message would show each two or three times.
    """
    head = _read(exception, ("ErrorMessage",))
    head = redact(str(head)).strip() if head else message.split("\n\n", 1)[0].strip()
    lines = [head] + [f"  - {p}" for p in dict.fromkeys(problems) if p.strip() and p.strip() != head]
    return "\n".join(lines)


Address = Union[None, str, Callable[[], Optional[str]]]


def convert_exception(error: Any, what: Optional[str] = None, address: Address = None) -> errors.OctopusError:
    """The :mod:`octoclr.errors` exception for a .NET exception (raised by pythonnet or read from a task).

    ``what`` names the call to the server that raised it and ``address`` (a string, or a
    function that finds it) that server; given, they go into the messages that need them.
    """
    exception = unwrap(error)
    dotnet_type = exception.GetType()
    if what is not None and _reads_missing_content(exception):
        return _no_content(exception, what, _address(address))
    error_class = error_class_for(dotnet_type, exception)
    message = redact(str(exception.Message or dotnet_type.Name))
    help_text = _read(exception, _HELP_PROPERTIES)
    problems = _errors(exception)
    status = _status(exception)
    text = message
    if error_class is errors.ValidationError:
        text = _validation_text(exception, message, problems)
    if error_class is errors.DotNetError:
        text = f"{dotnet_type.FullName}: {message}"
    elif error_class is errors.OctopusConnectionError:
        status = status if status is not None else network.status_in(exception)
        where = _address(address)
        last = f" The server{' at ' + where if where else ''} last answered HTTP {status}." if status is not None else ""
        text = f"{message}{last} (check the server URL and that the server is running)"
    return error_class(
        text,
        status_code=status,
        help_text=redact(str(help_text)) if help_text else None,
        errors=problems,
        dotnet_exception=exception,
        dotnet_type=dotnet_type.FullName,
    )


def _address(address: Address) -> Optional[str]:
    if callable(address):
        try:
            return address()
        except Exception:  # an aid to the message only
            return None
    return address


def _reads_missing_content(exception: Any) -> bool:
    """A NullReferenceException thrown by the library itself (not the framework, not the bridge)."""
    if "System.NullReferenceException" not in _names(exception.GetType()):
        return False
    frame = _first_frame(exception)
    return frame is None or not frame.startswith(_FRAMEWORK_ASSEMBLIES)


def _first_frame(exception: Any) -> Optional[str]:
    """The method that threw, from the stack trace (``TargetSite`` names the rethrow after an ``await``)."""
    match = _FRAME.search(str(exception.StackTrace or ""))
    return match.group(1) if match else None


_FRAME = re.compile(r"^\s*at ([\w.`+<>\[\],]+?)\s*\(", re.MULTILINE)


def _no_content(exception: Any, what: str, address: Optional[str]) -> errors.ServerError:
    frame = _first_frame(exception)
    where = f" (in {frame})" if frame else ""
    server = f"the server at {address}" if address else "the server"
    return errors.ServerError(
        redact(f"{what} failed: {server} sent no content (an empty or null body) where the client expected JSON, "
               f"and the client could not go on without it{where}. Check that the URL is an Octopus Server's and "
               "that no proxy or load balancer answers in its place."),
        dotnet_exception=exception,
        dotnet_type=exception.GetType().FullName,
    )
