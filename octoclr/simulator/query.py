"""Query parameters read as ASP.NET binds them: names matched case-insensitively (published
scripts write ``environmentids``, ``partialname``…), lists given comma-separated or repeated."""

from __future__ import annotations

from typing import Optional

from starlette.requests import Request


def values(request: Request, name: str) -> list[str]:
    """Every value given for ``name``."""
    wanted = name.lower()
    return [value for key, value in request.query_params.multi_items() if key.lower() == wanted]


def first(request: Request, name: str, default: Optional[str] = None) -> Optional[str]:
    """The first value given for ``name``, else ``default``."""
    found = values(request, name)
    return found[0] if found else default


def listed(request: Request, name: str) -> Optional[list[str]]:
    """The items of a list parameter, given once comma-separated or repeated; None when absent."""
    found = values(request, name)
    if not found:
        return None
    return [part.strip() for value in found for part in value.split(",") if part.strip()]
