"""Every error octoclr raises, in one tree.

    OctoclrError
    ├── BootstrapError                 fetching, verifying or caching packages
    │   ├── FeedError                  a source could not be reached or answered badly
    │   ├── PackageNotFoundError       (also LookupError) no such package or version
    │   ├── NoCompatibleFrameworkError the package has no lib/ folder the runtime can use
    │   ├── IntegrityError             a package's SHA-512 differs from the lock file
    │   ├── CorruptPackageError        not a readable .nupkg
    │   ├── UnsafePackageError         an entry would land outside its folder
    │   └── LockFileError              the lock file cannot be read or written
    ├── RuntimeLoadError               hosting .NET in this process
    │   ├── RuntimeNotFoundError       no runtime of the asked kind is installed
    │   ├── RuntimeUnusableError       found, but it cannot be started or loaded into
    │   └── RuntimeConflictError       another runtime is already hosted here
    ├── SimulatorError                 the embedded Octopus Server simulator
    ├── ConversionError                (also TypeError) a Python value does not fit the .NET type given for it
    │   ├── ConversionOverflowError    (also OverflowError) a number outside the range of its .NET type
    │   ├── InvalidTextError           (also UnicodeError) text a .NET string cannot hold (a lone surrogate)
    │   └── InvalidEnumValueError      (also ValueError) no member of the enum
    ├── KeyNotFoundError               (also KeyError) a .NET dictionary or indexer has no such key
    └── OctopusError                   a .NET exception raised by the client, converted
        ├── NotFoundError              (also LookupError)
        ├── ValidationError            (also ValueError)
        ├── SecurityError              (also PermissionError)
        ├── MethodNotAllowedError
        ├── ServerError
        ├── UnsupportedServerError
        ├── OctopusConnectionError     (also ConnectionError)
        ├── TimeoutError               (also the builtin TimeoutError) a call ran past its time limit
        └── DotNetError                any other .NET exception

Each message says what happened and what to do about it. None carries a secret:
build messages from values that are not API keys or passwords, and pass anything
user-supplied through :func:`octoclr.secrets.redact` first.
"""

from __future__ import annotations

import builtins
from typing import Any, Optional, Sequence

__all__ = [
    "OctoclrError",
    "BootstrapError",
    "FeedError",
    "PackageNotFoundError",
    "NoCompatibleFrameworkError",
    "IntegrityError",
    "CorruptPackageError",
    "UnsafePackageError",
    "LockFileError",
    "RuntimeLoadError",
    "RuntimeNotFoundError",
    "RuntimeUnusableError",
    "RuntimeConflictError",
    "SimulatorError",
    "ConversionError",
    "ConversionOverflowError",
    "InvalidTextError",
    "InvalidEnumValueError",
    "KeyNotFoundError",
    "OctopusError",
    "NotFoundError",
    "ValidationError",
    "SecurityError",
    "MethodNotAllowedError",
    "ServerError",
    "UnsupportedServerError",
    "OctopusConnectionError",
    "TimeoutError",
    "DotNetError",
]


class OctoclrError(Exception):
    """The base of every error octoclr raises on purpose."""

    #: Exit status of the command line when this error ends it.
    exit_code = 1


# --- bootstrap -----------------------------------------------------------------


class BootstrapError(OctoclrError):
    exit_code = 3


class FeedError(BootstrapError):
    pass


class PackageNotFoundError(BootstrapError, LookupError):
    pass


class NoCompatibleFrameworkError(BootstrapError):
    pass


class IntegrityError(BootstrapError):
    """A hash differs from the one recorded: in the lock file, or when a cache entry was written."""

    def __init__(self, package: str, expected: str, actual: str, source: str, *,
                 recorded_in: str = "the lock file", advice: Optional[str] = None) -> None:
        self.package = package
        self.expected = expected
        self.actual = actual
        self.source = source
        super().__init__(
            f"{package}: SHA-512 does not match {recorded_in}.\n"
            f"  expected: {expected}\n"
            f"  received: {actual}\n"
            f"  source:   {source}\n"
            + (advice or "The package changed since it was locked, or the source serves a different file. "
               "If the change is intended, delete its entry from the lock file and bootstrap again.")
        )


class CorruptPackageError(BootstrapError):
    pass


class UnsafePackageError(BootstrapError):
    pass


class LockFileError(BootstrapError):
    pass


# --- runtime --------------------------------------------------------------------


class RuntimeLoadError(OctoclrError):
    exit_code = 4


class RuntimeNotFoundError(RuntimeLoadError):
    pass


class RuntimeUnusableError(RuntimeLoadError):
    pass


class RuntimeConflictError(RuntimeLoadError):
    pass


# --- simulator ------------------------------------------------------------------


class SimulatorError(OctoclrError):
    exit_code = 5


# --- values crossing into .NET -----------------------------------------------------


class ConversionError(OctoclrError, TypeError):
    """A Python value does not fit the .NET type it was given for; the message names the member and position."""

    #: On the command line, an argument that cannot be used.
    exit_code = 2


class ConversionOverflowError(ConversionError, OverflowError):
    """A number outside the range of the .NET type it was given for (``2**40`` for an ``int``)."""


class InvalidTextError(ConversionError, UnicodeError):
    """Text with a lone surrogate (``"\\ud800"``), which a .NET string cannot hold."""

    def __init__(self, message: str, *, position: int = -1) -> None:
        super().__init__(message)
        #: Index of the first unpaired surrogate in the text.
        self.position = position


class InvalidEnumValueError(ConversionError, ValueError):
    """A name or number that is no member of the enum it was given for."""


class KeyNotFoundError(OctoclrError, KeyError):
    """A .NET dictionary (or an object's indexer) has no such key; ``key`` is the key asked for."""

    def __init__(self, message: str, *, key: Any = None) -> None:
        super().__init__(message)
        self.key = key

    def __str__(self) -> str:  # KeyError would show the message in quotes
        return str(self.args[0]) if self.args else ""


# --- errors raised by the client, converted from .NET -----------------------------


class OctopusError(OctoclrError):
    """A .NET exception from the client, converted at the bridge.

    ``status_code``, ``help_text`` and ``errors`` come from the server's error body
    where the client kept them; ``dotnet_exception`` is the original .NET object.
    """

    exit_code = 6

    def __init__(
        self,
        message: str,
        *,
        status_code: Optional[int] = None,
        help_text: Optional[str] = None,
        errors: Sequence[str] = (),
        dotnet_exception: Any = None,
        dotnet_type: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.help_text = help_text
        self.errors = list(errors)
        self.dotnet_exception = dotnet_exception
        self.dotnet_type = dotnet_type


class NotFoundError(OctopusError, LookupError):
    exit_code = 7


class ValidationError(OctopusError, ValueError):
    exit_code = 8


class SecurityError(OctopusError, PermissionError):
    exit_code = 9


class MethodNotAllowedError(OctopusError):
    pass


class ServerError(OctopusError):
    exit_code = 10


class UnsupportedServerError(OctopusError):
    pass


class OctopusConnectionError(OctopusError, ConnectionError):
    exit_code = 11


class TimeoutError(OctopusError, builtins.TimeoutError):  # noqa: A001  (octoclr.TimeoutError, also a builtin one)
    """A call to the server did not finish within its time limit (octoclr's, or the client's own)."""

    exit_code = 13


class DotNetError(OctopusError):
    pass
