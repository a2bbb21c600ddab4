"""HTTP in front of the backend: routing, authentication, paging, errors and faults.

The route table is small and regular, so it is matched here by path segments rather
than by a list of Starlette routes: ``/api[/<space>]/<collection>[/all | /<id>[/<sub>…]]``
plus the user, task and control routes. Starlette supplies the request and response
objects. Every error is answered with the Octopus error body; links are always
root-relative paths.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import math
import re
from typing import Any, Awaitable, Callable, Optional
from urllib.parse import quote, urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import Response

from octoclr.simulator import codec, families, query, resources
from octoclr.simulator.families import configuration, users
from octoclr.simulator.auth import Principal
from octoclr.simulator.behaviours import SUBCOLLECTIONS, Backend
from octoclr.simulator.exceptions import (
    ApiError,
    BadRequest,
    Forbidden,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
    Unauthorized,
)
from octoclr.simulator.faults import Fault, FaultTable
from octoclr.simulator.resources import Collection
from octoclr.simulator.store import ANY_SPACE, Store

log = logging.getLogger("octoclr.simulator")

JSON_TYPE = "application/json; charset=utf-8"
DEFAULT_PAGE_SIZE = 30
MAX_TAKE = 2147483647
DEFAULT_MAX_BODY = 5 * 1024 * 1024
_SPACE_ID = re.compile(r"^spaces-\d+$", re.IGNORECASE)
_ALL_METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE")

Handler = Callable[[Request, Optional[Principal]], Awaitable[Response]]


def json_response(body: Any, status: int = 200, headers: Optional[dict[str, str]] = None) -> Response:
    content = body if isinstance(body, bytes) else codec.dumps(body)
    return Response(content, status_code=status, headers=headers, media_type=JSON_TYPE)


def error_response(error: ApiError) -> Response:
    return json_response(error.body(), error.status, error.headers or None)


class Route:
    """What a path resolved to: a handler per method, and who may call it."""

    __slots__ = ("handlers", "anonymous", "system")

    def __init__(self, handlers: dict[str, Handler], *, anonymous: bool = False, system: Any = False) -> None:
        self.handlers = handlers
        self.anonymous = anonymous
        # True: system-level, administrators only; "read": anyone may GET, administrators change.
        self.system = system


class SimulatorApp:
    """The ASGI application."""

    def __init__(
        self,
        backend: Backend,
        *,
        template: Optional[Store] = None,
        max_body: int = DEFAULT_MAX_BODY,
        on_reset: Optional[Callable[[], None]] = None,
    ) -> None:
        self.backend = backend
        self.template = template
        self.max_body = max_body
        self.faults = FaultTable()
        self._on_reset = on_reset

    # --- ASGI entry -------------------------------------------------------------------

    async def __call__(self, scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        path = scope["path"]
        if self.faults and not path.startswith("/_simulator"):
            fault = self.faults.take(self._method(request), path)
            if fault is not None:
                if fault.latency:
                    await asyncio.sleep(fault.latency)
                if fault.drop:
                    self._drop(receive)
                    return
                if fault.body is not None:
                    response = Response(fault.body.encode("utf-8"), status_code=fault.status or 200,
                                        media_type=JSON_TYPE)
                    await response(scope, receive, send)
                    return
                if fault.status:
                    response = error_response(_injected(fault))
                    await response(scope, receive, send)
                    return
        try:
            response = await self.handle(request)
        except ApiError as error:
            response = error_response(error)
        except Exception:  # a bug in the simulator: answer like a server would, and log it
            log.exception("unhandled error for %s %s", request.method, path)
            response = json_response(
                {"ErrorMessage": "The simulator failed to handle this request.", "Errors": ["Internal error"],
                 "HelpText": None, "FullException": None, "Details": {}}, 500)
        await response(scope, receive, send)

    @staticmethod
    def _drop(receive: Callable[..., Any]) -> None:
        # uvicorn's receive is a bound method of the request cycle that owns the transport.
        transport = getattr(getattr(receive, "__self__", None), "transport", None)
        if transport is None:
            raise ConnectionAbortedError("fault injection: connection dropped")
        transport.abort()

    @staticmethod
    def _method(request: Request) -> str:
        method = request.method.upper()
        if method == "POST":
            override = request.headers.get("x-http-method-override")
            if override:
                return override.strip().upper()
        return method

    # --- dispatch -----------------------------------------------------------------------

    async def handle(self, request: Request) -> Response:
        path = request.url.path
        if path.startswith("/_simulator/"):
            return await self.control(request, path[len("/_simulator/"):].strip("/"))
        segments = [s for s in path.split("/") if s]
        if not segments or segments[0].lower() != "api":
            found = families.match_site_route(segments)
            if found is None:
                raise NotFound(f"There is no route for {path}. The Octopus API lives under /api.")
            route = self._family_route(found, None)
        else:
            route = self.resolve(segments[1:])
        method = self._method(request)
        if method == "HEAD":
            method = "GET"
        handler = route.handlers.get(method)
        if handler is None:
            if method not in _ALL_METHODS and method not in route.handlers:
                raise MethodNotAllowed(f"The method {method} is not supported.")
            allowed = ", ".join(sorted({*route.handlers, *(["HEAD"] if "GET" in route.handlers else [])}))
            raise MethodNotAllowed(f"{method} is not allowed on {path}. Allowed: {allowed or 'none'}.",
                                   headers={"Allow": allowed})
        principal = None
        if not route.anonymous:
            principal = self.backend.auth.identify(request.headers, request.query_params, request.cookies)
            if principal is None:
                raise Unauthorized(
                    "You must be logged in to perform this action. Please provide a valid API key or log in again.",
                    help_text="Send your API key in the X-Octopus-ApiKey header.",
                )
            if route.system and not principal.is_admin and not (method == "GET" and route.system == "read"):
                raise Forbidden(
                    "You do not have permission to perform this action. Please contact your Octopus administrator.",
                    help_text="This needs the AdministerSystem permission of the Octopus Administrators team.",
                )
            if method != "GET" and not principal.is_admin and configuration.in_maintenance(self.backend):
                raise Forbidden("Octopus is in maintenance mode: only administrators may make changes.",
                                help_text="Ask an administrator to turn maintenance mode off.")
        return await handler(request, principal)

    def resolve(self, parts: list[str]) -> Route:
        b = self.backend
        if not parts:
            return Route({"GET": self._static(b.root_document)}, anonymous=True)
        head = parts[0]
        user_route = users.match_route(parts)
        if user_route is not None:
            return self._family_route(user_route, None)
        space_id: Optional[str] = None
        rest = parts
        if _SPACE_ID.match(head):
            space_id = head
            if len(parts) == 1:
                return Route({"GET": self._space_root(head)})
            rest = parts[1:]
            if self.backend.store.get("spaces", head) is None:
                return Route({m: self._missing_space(head) for m in _ALL_METHODS})
        found = families.match_route(rest, space_id)
        if found is not None:
            return self._family_route(found, space_id)
        coll = resources.collection(rest[0])
        if coll is None or (space_id and coll.scope == resources.SYSTEM):
            return self._other_route(rest, space_id)
        system: Any = coll.scope == resources.SYSTEM
        if coll.path == "spaces":
            system = "read"
        if len(rest) == 1:
            return Route({"GET": self._list(coll, space_id), "POST": self._create(coll, space_id)}, system=system)
        item = rest[1]
        if item.lower() == "create" and len(rest) >= 3:
            return self._execution_route(coll, space_id, [p.lower() for p in rest[2:]])
        if len(rest) == 2:
            if item.lower() == "all":
                return Route({"GET": self._all(coll, space_id)}, system=system)
            handlers: dict[str, Handler] = {"GET": self._get(coll, space_id, item)}
            if resources.MODIFY in coll.verbs:
                handlers["PUT"] = self._modify(coll, space_id, item)
            if resources.DELETE in coll.verbs:
                handlers["DELETE"] = self._delete(coll, space_id, item)
            if coll.path == "users":
                # Everyone may read their own user; changing users stays with administrators.
                handlers["GET"] = self._own_user(item)
                system = "read"
            return Route(handlers, system=system)
        return self._item_route(coll, space_id, item, rest[2:], system)

    def _family_route(self, found: families.RouteMatch, space_id: Optional[str]) -> Route:
        def bind(handler: families.base.RouteHandler) -> Handler:
            async def call(request: Request, principal: Optional[Principal]) -> Response:
                result = await handler(families.Call(request, principal, self.backend, self, space_id, found.params))
                if isinstance(result, Response):
                    return result
                if result is None:
                    return Response(status_code=200)
                return json_response(result)
            return call
        return Route({method: bind(h) for method, h in found.handlers.items()},
                     anonymous=found.anonymous, system=found.system)

    # --- the Executions API ---------------------------------------------------------------------

    @staticmethod
    def _execution_route(coll: Collection, space_id: Optional[str], tail: list[str]) -> Route:
        """What the executions family does not serve below ``…/create/``: there is no such command."""
        raise NotFound(f"There is no route /create/{'/'.join(tail)} for {coll.item_type.lower()}s.")

    # --- routes below an item ------------------------------------------------------------------

    def _item_route(self, coll: Collection, space_id: Optional[str], item: str, sub: list[str], system: Any) -> Route:
        name = sub[0].lower()
        child = SUBCOLLECTIONS.get((coll.path, name))
        if child is not None and len(sub) == 1:
            return Route({"GET": self._children(coll, space_id, item, *child)}, system=system)
        where = f"/api/{space_id}/" if space_id else "/api/"
        raise NotFound(f"The route {where}{coll.path}/{item}/{'/'.join(sub)} is not simulated "
                       f"(nothing is served at /{'/'.join(sub)} below a {coll.item_type.lower()}).")

    # --- users -------------------------------------------------------------------------------

    def _own_user(self, user_id: str) -> Handler:
        async def handler(request: Request, principal: Optional[Principal]) -> Response:
            assert principal is not None
            if not principal.is_admin and user_id.lower() != principal.user_id.lower():
                raise Forbidden("You do not have permission to see other users.")
            return json_response(self.backend.find_row(resources.BY_PATH["users"], user_id, None).body)
        return handler

    # --- non-collection routes -----------------------------------------------------------------

    def _other_route(self, rest: list[str], space_id: Optional[str]) -> Route:
        where = f"/api/{space_id}/" if space_id else "/api/"
        raise NotFound(f"The route {where}{'/'.join(rest)} is not simulated.",
                       help_text="See the root document (GET /api) for the routes it serves.")

    async def _not_simulated(self, request: Request, principal: Optional[Principal]) -> Response:
        raise NotFound("This route is not simulated.")

    # --- generic handlers -------------------------------------------------------------------------

    @staticmethod
    def _static(render: Callable[[], bytes]) -> Handler:
        async def handler(request: Request, principal: Optional[Principal]) -> Response:
            return json_response(render())
        return handler

    def _space_root(self, space_id: str) -> Handler:
        async def handler(request: Request, principal: Optional[Principal]) -> Response:
            return json_response(self.backend.space_root_document(space_id))
        return handler

    @staticmethod
    def _missing_space(space_id: str) -> Handler:
        async def handler(request: Request, principal: Optional[Principal]) -> Response:
            raise NotFound(f"The space '{space_id}' was not found.")
        return handler

    def _scope(self, coll: Collection, space_id: Optional[str], request: Request) -> tuple[Any, bool]:
        """Which spaces a list covers, and whether system-level resources are included."""
        b = self.backend
        if coll.scope == resources.SYSTEM:
            return ANY_SPACE, True
        include = request.query_params.get("includeSystem")
        include_system = include is not None and include.strip().lower() == "true"
        if space_id:
            row = b.store.get("spaces", space_id)
            return [row.id if row else space_id], include_system and coll.scope == resources.MIXED
        if coll.scope == resources.SPACE:
            return [b.default_space_id()], False
        wanted = request.query_params.get("spaces")
        if wanted is None:
            return (ANY_SPACE, True) if include is None else ([], include_system)
        names = [s.strip() for s in wanted.split(",") if s.strip()]
        if any(n.lower() == "all" for n in names):
            return [r.id for r in b.store.rows("spaces")], include_system
        rows = [(name, b.store.get("spaces", name)) for name in names]
        return [row.id if row else name for name, row in rows], include_system

    @staticmethod
    def _int_param(request: Request, name: str, default: Optional[int]) -> Optional[int]:
        text = query.first(request, name)
        if text is None or text == "":
            return default
        try:
            value = int(text)
        except ValueError:
            raise BadRequest(f"The query parameter '{name}' must be a whole number, not '{text}'.") from None
        if value < 0:
            raise BadRequest(f"The query parameter '{name}' cannot be negative.")
        return min(value, MAX_TAKE)


    def _query(self, coll: Collection, space_id: Optional[str], request: Request,
               extra: Optional[dict[str, list[str]]] = None, window: bool = True) -> tuple[int, list[bytes], int, int]:
        spaces, include_system = self._scope(coll, space_id, request)
        skip = self._int_param(request, "skip", 0) or 0
        take = self._int_param(request, "take", DEFAULT_PAGE_SIZE)
        filters = dict(extra or {})
        for param, field in coll.filters.items():
            if param == "name" or param not in coll.query and param not in ("projectId", "channelId"):
                continue
            values = query.listed(request, param)
            if values:
                filters[field] = values
        total, bodies = self.backend.query_collection(
            coll, spaces=spaces, include_system=include_system, ids=query.listed(request, "ids"),
            name=query.first(request, "name") if "name" in coll.query else None,
            partial_name=query.first(request, "partialName"), filters=filters,
            skip=skip if window else 0, take=take if window else None,
        )
        return total, bodies, skip, take if take is not None else DEFAULT_PAGE_SIZE

    def _list(self, coll: Collection, space_id: Optional[str]) -> Handler:
        async def handler(request: Request, principal: Optional[Principal]) -> Response:
            total, bodies, skip, take = self._query(coll, space_id, request)
            template = resources.link_template(coll, space_id)
            return json_response(self._page(request, coll.item_type, total, bodies, skip, take, template))
        return handler

    def _children(self, coll: Collection, space_id: Optional[str], item: str, child_path: str, field: str) -> Handler:
        child = resources.BY_PATH[child_path]

        async def handler(request: Request, principal: Optional[Principal]) -> Response:
            parent = self.backend.find(coll, item, space_id)
            parent_space = parent.get("SpaceId")
            total, bodies, skip, take = self._query(child, parent_space or space_id, request, {field: [parent["Id"]]})
            template = request.url.path + "{?skip,take}"
            return json_response(self._page(request, child.item_type, total, bodies, skip, take, template))
        return handler

    def _all(self, coll: Collection, space_id: Optional[str]) -> Handler:
        async def handler(request: Request, principal: Optional[Principal]) -> Response:
            _, bodies, _, _ = self._query(coll, space_id, request, window=False)
            return json_response(b"[" + b",".join(bodies) + b"]")
        return handler

    def _get(self, coll: Collection, space_id: Optional[str], item: str) -> Handler:
        async def handler(request: Request, principal: Optional[Principal]) -> Response:
            return json_response(self.backend.find_row(coll, item, space_id).body)
        return handler

    def _create(self, coll: Collection, space_id: Optional[str]) -> Handler:
        async def handler(request: Request, principal: Optional[Principal]) -> Response:
            body = await self._json(request)
            self._check_mixed_write(coll, space_id, body, principal)
            created = self.backend.create(coll, space_id, body, principal.user_id if principal else None)
            location = created["Links"]["Self"]
            return json_response(created, 201, {"Location": location})
        return handler

    def _modify(self, coll: Collection, space_id: Optional[str], item: str) -> Handler:
        async def handler(request: Request, principal: Optional[Principal]) -> Response:
            body = await self._json(request)
            if coll.scope == resources.MIXED:
                stored = self.backend.find(coll, item, space_id)
                self._check_mixed_write(coll, stored.get("SpaceId"), stored, principal)
            modified = self.backend.modify(coll, space_id, item, body, principal.user_id if principal else None)
            return json_response(modified)
        return handler

    def _delete(self, coll: Collection, space_id: Optional[str], item: str) -> Handler:
        async def handler(request: Request, principal: Optional[Principal]) -> Response:
            if coll.scope == resources.MIXED:
                stored = self.backend.find(coll, item, space_id)
                self._check_mixed_write(coll, stored.get("SpaceId"), stored, principal)
            self.backend.delete(coll, space_id, item, principal.user_id if principal else None)
            return Response(status_code=200)
        return handler

    @staticmethod
    def _check_mixed_write(coll: Collection, space_id: Optional[str], body: Any, principal: Optional[Principal]) -> None:
        """Only administrators create or change the system-level half of a mixed collection."""
        if coll.scope != resources.MIXED or principal is None or principal.is_admin:
            return
        target = space_id or (body.get("SpaceId") if isinstance(body, dict) else None)
        if not target:
            raise Forbidden("You do not have permission to change system-level resources. "
                            "Please contact your Octopus administrator.")

    # --- bodies and pages ---------------------------------------------------------------------

    async def read_body(self, request: Request, limit: Optional[int] = None) -> bytes:
        """The raw body, refused with 413 past ``limit`` bytes (the app's ``max_body`` by default)."""
        limit = self.max_body if limit is None else limit
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise PayloadTooLarge(f"The request body is larger than the limit of {limit} bytes.")
        chunks = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise PayloadTooLarge(f"The request body is larger than the limit of {limit} bytes.")
            chunks.append(chunk)
        return b"".join(chunks)

    async def read_json(self, request: Request) -> Any:
        return await self._json(request)

    async def _json(self, request: Request) -> Any:
        data = await self.read_body(request)
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        if not data.strip():
            raise BadRequest("No request body was supplied.")
        try:
            return codec.loads(data)
        except (codec.DecodeError, ValueError, UnicodeDecodeError) as error:
            raise BadRequest("The request body is not valid JSON.", [f"The request body is not valid JSON: {error}"]) from None

    def page(self, request: Request, item_type: str, total: int, bodies: list[bytes], skip: int, take: int,
             template: str) -> bytes:
        return self._page(request, item_type, total, bodies, skip, take, template)

    @staticmethod
    def _page(request: Request, item_type: str, total: int, bodies: list[bytes], skip: int, take: int,
              template: str) -> bytes:
        path = request.url.path
        kept = [(k, v) for k, v in request.query_params.multi_items() if k.lower() not in ("skip", "take", "apikey")]

        def link(at: int, size: int) -> str:
            return path + "?" + urlencode([*kept, ("skip", str(at)), ("take", str(size))], quote_via=quote)

        size = take if take > 0 else DEFAULT_PAGE_SIZE
        pages = max(1, math.ceil(total / size))
        last_skip = (pages - 1) * size
        links = {"Self": link(skip, take), "Template": template, "Page.All": link(0, MAX_TAKE),
                 "Page.Current": link(skip, take), "Page.Last": link(last_skip, size)}
        if skip > 0:
            links["Page.Previous"] = link(max(0, skip - size), size)
        if take > 0 and skip + take < total:
            links["Page.Next"] = link(skip + take, take)
        head = codec.dumps({"ItemType": item_type, "TotalResults": total, "ItemsPerPage": take,
                            "NumberOfPages": pages, "LastPageNumber": pages - 1, "IsStale": False})
        return head[:-1] + b',"Items":[' + b",".join(bodies) + b'],"Links":' + codec.dumps(links) + b"}"

    # --- control routes (outside /api, loopback only) ----------------------------------------

    async def control(self, request: Request, action: str) -> Response:
        client = request.client.host if request.client else ""
        try:
            loopback = ipaddress.ip_address(client).is_loopback
        except ValueError:
            loopback = client in ("localhost", "testclient")
        if not loopback:
            raise Forbidden("The simulator's control routes answer only on the loopback interface.")
        method = request.method.upper()
        _check_control_request(request, method)
        if action == "faults":
            if method == "GET":
                return json_response(self.faults.list())
            if method == "DELETE":
                self.faults.clear()
                return json_response([])
            if method == "POST":
                body = await self._json(request)
                try:
                    items = body if isinstance(body, list) else [body]
                    faults = [Fault.from_json(item) for item in items]
                except (TypeError, ValueError) as error:
                    raise BadRequest(str(error)) from None
                for fault in faults:
                    self.faults.add(fault)
                return json_response(self.faults.list(), 201)
            raise MethodNotAllowed(f"{method} is not allowed on /_simulator/faults.")
        if action == "reset":
            if method != "POST":
                raise MethodNotAllowed("Use POST to reset the simulator.")
            await self._json(request)  # a JSON body ({}), which a cross-site form cannot send
            self.reset()
            return json_response({"Reset": True})
        if action == "health":
            return json_response({"Ready": True})
        raise NotFound(f"There is no control route /_simulator/{action}.")

    def reset(self) -> None:
        """Back to the seeded state: data, sessions and faults."""
        self.faults.clear()
        if self.template is not None:
            self.template.copy_to(self.backend.store)
        self.backend.reload()
        if self._on_reset:
            self._on_reset()


def _is_loopback_origin(origin: str) -> bool:
    host = urlsplit(origin).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_control_request(request: Request, method: str) -> None:
    """Refuse what a web page open in the user's browser could send to the control routes.

    Loopback alone is not enough: the browser runs on the loopback interface too. A page of
    another site names its own ``Origin``, and a cross-site form can only post ``text/plain``,
    form or multipart bodies without a CORS preflight, which these routes never grant: so a
    foreign ``Origin`` is refused, and a POST must be ``application/json``.
    """
    origin = request.headers.get("origin")
    if origin is not None and not _is_loopback_origin(origin):
        raise Forbidden(f"The simulator's control routes refuse requests from the web origin {origin}; "
                        "only pages served from the loopback interface may call them.")
    if method == "POST":
        media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if media != "application/json":
            raise BadRequest(f"POST to /_simulator/… needs a JSON body (Content-Type: application/json), "
                             f"not {media or 'no content type'}.")


def _injected(fault: Fault) -> ApiError:
    error = ApiError(f"Fault injected by the simulator: status {fault.status}.",
                     help_text="Remove the fault with DELETE /_simulator/faults.")
    error.status = int(fault.status or 500)
    return error
