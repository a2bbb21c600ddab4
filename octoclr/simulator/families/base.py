"""What a family is made of: its collections, routes, hooks and root-document links."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Optional

from octoclr.simulator import query, resources
from octoclr.simulator.resources import Collection

if TYPE_CHECKING:
    from starlette.requests import Request

    from octoclr.simulator.app import SimulatorApp
    from octoclr.simulator.auth import Principal
    from octoclr.simulator.behaviours import Backend

#: Where a route answers: below a space (``/api/Spaces-1/…``, and ``/api/…`` for the default
#: space), only at system level (``/api/…``), or both; SITE routes match the path from the server's
#: root, outside ``/api`` (such as the NuGet push endpoint ``/nuget/packages``).
SPACE, SYSTEM, ANY, SITE = "space", "system", "any", "site"

HOOK_EVENTS = ("before_create", "assign", "after_create", "before_modify", "before_delete")

RouteHandler = Callable[["Call"], Awaitable[Any]]


@dataclass
class Call:
    """One request to a family route, with what its handler needs to answer it."""

    request: "Request"
    principal: "Optional[Principal]"
    backend: "Backend"
    app: "SimulatorApp"
    space_id: Optional[str]  # as given in the URL, or None for /api/…
    params: dict[str, str]  # the route's {captures}

    @property
    def actor(self) -> Optional[str]:
        return self.principal.user_id if self.principal else None

    def space(self) -> str:
        """The space the call is about: the URL's, else the default space."""
        space = self.space_id or self.backend.default_space_id()
        if not space:
            from octoclr.simulator.exceptions import NotFound

            raise NotFound("There is no default space; use /api/Spaces-N/… instead.")
        row = self.backend.store.get("spaces", space)
        return row.id if row else space

    def query(self, name: str, default: Optional[str] = None) -> Optional[str]:
        """A query parameter, matched case-insensitively as ASP.NET does."""
        return query.first(self.request, name, default)

    def query_list(self, name: str) -> Optional[list[str]]:
        """A list parameter given once comma-separated or repeated; None when absent."""
        return query.listed(self.request, name)

    def query_int(self, name: str, default: Optional[int]) -> Optional[int]:
        from octoclr.simulator.exceptions import BadRequest

        text = self.query(name)
        if text is None or text == "":
            return default
        try:
            return int(text)
        except ValueError:
            raise BadRequest(f"The query parameter '{name}' must be a whole number, not '{text}'.") from None

    def query_bool(self, name: str, default: bool = False) -> bool:
        text = self.query(name)
        if text is None or text == "":
            return default
        return text.strip().lower() == "true"

    async def json(self) -> Any:
        """The request body as JSON, with the app's size limit and error messages."""
        return await self.app.read_json(self.request)

    async def body(self, limit: Optional[int] = None) -> bytes:
        """The raw request body, refused with 413 past ``limit`` bytes (the app's limit by default)."""
        return await self.app.read_body(self.request, limit)

    def page(self, item_type: str, bodies: list[bytes], template: str, total: Optional[int] = None,
             skip: Optional[int] = None, take: Optional[int] = None) -> bytes:
        """A ``ResourceCollection`` page of already-encoded items.

        With ``total`` unset, ``bodies`` is the whole list and is windowed here by the
        request's ``skip`` and ``take``.
        """
        from octoclr.simulator.app import DEFAULT_PAGE_SIZE

        skip = self.query_int("skip", 0) or 0 if skip is None else skip
        take = self.query_int("take", DEFAULT_PAGE_SIZE) if take is None else take
        take = DEFAULT_PAGE_SIZE if take is None else take
        if total is None:
            total = len(bodies)
            bodies = bodies[skip:skip + take]
        return self.app.page(self.request, item_type, total, bodies, skip, take, template)


@dataclass(frozen=True)
class RouteMatch:
    handlers: dict[str, RouteHandler]
    params: dict[str, str]
    system: Any
    anonymous: bool


@dataclass
class _Pattern:
    text: str
    regex: re.Pattern[str]
    scope: str
    system: Any
    anonymous: bool
    handlers: dict[str, RouteHandler] = field(default_factory=dict)


def _compile(pattern: str) -> re.Pattern[str]:
    parts = []
    for segment in pattern.strip("/").split("/"):
        if segment.startswith("{") and segment.endswith("*}"):
            parts.append(f"(?P<{segment[1:-2]}>.+)")
        elif segment.startswith("{") and segment.endswith("}"):
            parts.append(f"(?P<{segment[1:-1]}>[^/]+)")
        else:
            parts.append(re.escape(segment.lower()))
    return re.compile("/".join(parts) + r"\Z", re.IGNORECASE)


class Family:
    """One area of the API: its collections, routes, hooks and advertised links."""

    def __init__(self, name: str, *, collections: tuple[Collection, ...] = (), root_links: str = "") -> None:
        self.name = name
        self.collections = collections
        self.root_links = root_links
        self.hooks: dict[tuple[str, str], list[Callable[..., Any]]] = {}
        self._patterns: list[_Pattern] = []
        for coll in collections:
            resources.register(coll)

    def route(self, method: str, pattern: str, *, scope: str = ANY, system: Any = False,
              anonymous: bool = False) -> Callable[[RouteHandler], RouteHandler]:
        """Serve ``method`` on ``pattern``; ``system`` as for the app's routes (True: administrators
        only; "read": anyone may GET)."""
        if scope not in (SPACE, SYSTEM, ANY, SITE):
            raise ValueError(f"scope must be one of {SPACE}, {SYSTEM}, {ANY}, {SITE}")

        def register(handler: RouteHandler) -> RouteHandler:
            for existing in self._patterns:
                if existing.text == pattern.lower() and existing.scope == scope:
                    existing.handlers[method.upper()] = handler
                    return handler
            entry = _Pattern(pattern.lower(), _compile(pattern), scope, system, anonymous)
            entry.handlers[method.upper()] = handler
            self._patterns.append(entry)
            return handler
        return register

    def hook(self, event: str, path: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        if event not in HOOK_EVENTS:
            raise ValueError(f"unknown hook event {event!r}; one of {', '.join(HOOK_EVENTS)}")

        def register(fn: Callable[..., Any]) -> Callable[..., Any]:
            self.hooks.setdefault((event, path), []).append(fn)
            return fn
        return register

    def match(self, parts: list[str], in_space: bool, *, site: bool = False) -> Optional[RouteMatch]:
        """The route for these segments: below ``/api[/Spaces-N]``, or from the root with ``site``."""
        path = "/".join(parts)
        for entry in self._patterns:
            if (entry.scope == SITE) != site or (entry.scope == SYSTEM and in_space):
                continue
            found = entry.regex.match(path)
            if found is not None:
                return RouteMatch(dict(entry.handlers), found.groupdict(), entry.system, entry.anonymous)
        return None
