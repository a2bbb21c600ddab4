"""Where a call's server is, and whether anything answers there: so that a call stuck in the
client's retries ends early with a message that says why.

Octopus.Client retries the root document for 60 s on a 503 and on a refused connection,
then throws a plain ``System.Exception``. While a call waits, octoclr looks at the server
itself: :func:`address_of` finds the address among the call's objects (fields only: no
property getter runs, none reaches the server), :func:`nobody_listening` tries a TCP
connection to it (refused at once when no process listens), and :func:`root_status` asks
``/api`` what it answers when the time limit ends a call. This is done from Python with
the standard library, so it works the same on Mono (which never raises
``AppDomain.FirstChanceException``), CoreCLR and .NET 8, and costs nothing for a call
that returns within a second.
"""

from __future__ import annotations

from typing import Any, Iterable, Optional

# socket and urllib are imported where a probe is made: most calls end before any is.

#: Seconds a probe may take: a refused connection on a reachable host is answered at once.
PROBE_TIMEOUT = 0.5


def address_of(objects: Iterable[Any], depth: int = 8, limit: int = 400) -> Optional[str]:
    """The server address held by the objects of a call (the target, its arguments), if one is found.

    Only fields are read (never properties, whose getters may call the server), breadth
    first through the library's own objects, each object once, down to ``depth`` and at
    most ``limit`` objects: a client keeps its endpoint, and the endpoint its address, as a
    ``System.Uri`` a few fields down.
    """
    from System.Runtime.CompilerServices import RuntimeHelpers

    from octoclr.bridge.reflection import binding_flags

    flags = binding_flags("Instance", "Public", "NonPublic")
    level = [o for o in flat(objects) if hasattr(o, "GetType")]
    seen: set = set()
    for _ in range(depth):
        following = []
        for item in level:
            if len(seen) >= limit:
                return None
            try:
                kind = item.GetType()
                identity = (kind.FullName, int(RuntimeHelpers.GetHashCode(item)))
            except Exception:
                continue
            if identity in seen:
                continue
            seen.add(identity)
            name = identity[0] or ""
            if name == "System.Uri":
                if str(item.Scheme) in ("http", "https"):
                    return str(item.AbsoluteUri).rstrip("/")
                continue
            if name.startswith(("System.", "Microsoft.")) or kind.IsPrimitive or kind.IsArray:
                continue
            current = kind
            while current is not None and not (current.FullName or "").startswith("System."):
                for field in current.GetFields(flags):
                    if field.FieldType.IsPrimitive:
                        continue
                    try:
                        value = field.GetValue(item)
                    except Exception:
                        continue
                    if value is not None and hasattr(value, "GetType"):
                        following.append(value)
                current = current.BaseType
        level = following
    return None


def flat(objects: Iterable[Any]) -> Iterable[Any]:
    """The items of ``objects``, lists and tuples in it opened, Nones left out."""
    for item in objects:
        if isinstance(item, (list, tuple)):
            yield from flat(item)
        elif item is not None:
            yield item


def nobody_listening(address: str) -> bool:
    """True when a TCP connection to ``address`` is refused (no process listens there)."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(address)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if not parts.hostname:
        return False
    try:
        with socket.create_connection((parts.hostname, port), timeout=PROBE_TIMEOUT):
            return False
    except ConnectionRefusedError:
        return True
    except OSError:  # unreachable, slow, unresolvable: not a clear "nobody listens"; the client decides
        return False


def root_status(address: str) -> Optional[int]:
    """The HTTP status ``address``'s root document (``/api``) answers now, or None when nothing answers."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(address + "/api", headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=2 * PROBE_TIMEOUT) as response:  # noqa: S310  (the call's own server)
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except (OSError, ValueError):
        return None


def status_in(exception: Any) -> Optional[int]:
    """The HTTP status carried by a .NET exception or one of its inner exceptions, if any."""
    current = exception
    for _ in range(16):
        if current is None:
            return None
        status = _status_of(current)
        if status is not None:
            return status
        current = current.InnerException
    return None


def _status_of(exception: Any) -> Optional[int]:
    import System

    kind = exception.GetType()
    prop = kind.GetProperty("HttpStatusCode")
    value = None
    if prop is not None:
        value = prop.GetValue(exception, None)
    elif kind.FullName == "System.Net.WebException" and exception.Response is not None:
        response = exception.Response
        status_prop = response.GetType().GetProperty("StatusCode")
        value = status_prop.GetValue(response, None) if status_prop is not None else None
    if value is None:
        return None
    try:
        return int(System.Convert.ToInt32(value))
    except Exception:
        return None
