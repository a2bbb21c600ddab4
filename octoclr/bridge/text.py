"""Text bound for .NET: every Python ``str`` is checked here before it crosses.

A Python ``str`` can hold lone surrogates: ``json.loads('"\\ud800"')`` makes one, and so
does ``surrogateescape`` for a command-line byte that is not UTF-8. A .NET string is
UTF-16, pythonnet encodes text to it strictly, and the encoding error it raises there is
caught by nothing: Mono stops with FATAL UNHANDLED EXCEPTION, CoreCLR aborts. So text is
refused on this side, with an error that says which member and position it was meant for.

The check costs one flag test for ASCII text (the usual case, kept by ``str`` itself) and
one C-level encode for other text; only a failure looks further, to say where. Valid
characters beyond the BMP (emoji) pass: .NET takes them as surrogate pairs.
"""

from __future__ import annotations

from typing import Any, Callable

from octoclr.errors import InvalidTextError


def checked(text: str, what: str) -> str:
    """``text`` unchanged when a .NET string can hold it; else InvalidTextError naming ``what``."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")  # strict UTF-8 fails exactly where UTF-16 does: on surrogate code points
    except UnicodeEncodeError as error:
        raise _invalid(text, error.start, what) from None
    return text


def checker(what: str) -> Callable[[str], str]:
    """A one-argument :func:`checked` for ``what``, for conversion plans made once and run often."""

    def check(text: str) -> str:
        if text.isascii():
            return text
        return checked(text, what)

    return check


def checked_data(value: Any, what: str) -> Any:
    """``value`` unchanged when no text in it (nested dict keys and values, list items) holds a lone surrogate.

    For Python data handed to .NET in one piece (as JSON text, say) rather than item by item.
    """
    if isinstance(value, str):
        checked(value, what)
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str):
                checked(key, f"{what} key {key!r}")
            checked_data(item, f"{what}[{key!r}]")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            checked_data(item, f"{what}[{index}]")
    return value


def _invalid(text: str, position: int, what: str) -> InvalidTextError:
    from octoclr.secrets import redact

    code = ord(text[position])
    return InvalidTextError(
        f"{redact(what)}: the text holds an unpaired surrogate U+{code:04X} at index {position}, which a .NET "
        "string cannot hold (it comes from bytes that were not valid UTF-8, or a JSON \\u escape of half a "
        "character); pass valid Unicode text, e.g. decode the bytes with errors='replace'",
        position=position,
    )
