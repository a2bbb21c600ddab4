"""Python names for .NET members: one pure function each way, no runtime needed.

``FindByName`` → ``find_by_name``, ``HTTPStatusCode`` → ``http_status_code``,
``IsDisabled`` → ``is_disabled``; a result that is a Python keyword or builtin-shadowing
soft keyword gets a trailing underscore (``From`` → ``from_``, ``class`` → ``class_``),
as JPype's ``pysafe`` does. The exact .NET name always works as well, which is how a
name is reached when two members map to the same snake_case name (see :func:`alias_table`).
"""

from __future__ import annotations

import keyword
import re
from functools import lru_cache
from typing import Dict, Iterable, List, Mapping

# An upper-case run followed by an upper+lower pair splits before the pair ("HTTPStatus" →
# "HTTP_Status"); a lower case letter or digit followed by upper case splits between them.
_ACRONYM_BOUNDARY = re.compile(r"([A-Z]+)([A-Z][a-z])")
_WORD_BOUNDARY = re.compile(r"([a-z0-9])([A-Z])")


@lru_cache(maxsize=None)
def to_snake(name: str) -> str:
    """The Python spelling of a .NET member or parameter name."""
    text = name.lstrip("@")
    text = _ACRONYM_BOUNDARY.sub(r"\1_\2", text)
    text = _WORD_BOUNDARY.sub(r"\1_\2", text)
    text = text.lower()
    return python_safe(text)


def python_safe(name: str) -> str:
    """``name`` with a trailing underscore when it would be a Python keyword."""
    if keyword.iskeyword(name) or name in ("None", "True", "False"):
        return name + "_"
    return name


def alias_table(dotnet_names: Iterable[str]) -> Dict[str, str]:
    """Map every name a Python caller may use to the .NET member name it means.

    Each exact .NET name maps to itself. Each snake_case name maps to its member unless
    two members share it (``Size`` and ``size``): then the member spelled exactly like
    the snake_case name keeps it, and otherwise the snake_case name is left out so that
    nobody reaches the wrong member by accident; :func:`clashes` reports those names.
    """
    names = sorted(set(dotnet_names))
    table: Dict[str, str] = {}
    by_snake: Dict[str, List[str]] = {}
    for name in names:
        by_snake.setdefault(to_snake(name), []).append(name)
    for snake, owners in by_snake.items():
        if len(owners) == 1:
            table[snake] = owners[0]
        elif snake in owners:
            table[snake] = snake
    for name in names:
        table[name] = name
    return table


def clashes(dotnet_names: Iterable[str]) -> Mapping[str, List[str]]:
    """snake_case names that more than one .NET member maps to, with those members."""
    by_snake: Dict[str, List[str]] = {}
    for name in sorted(set(dotnet_names)):
        by_snake.setdefault(to_snake(name), []).append(name)
    return {snake: owners for snake, owners in by_snake.items() if len(owners) > 1}
