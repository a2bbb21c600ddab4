"""How much of the Octopus Server 2020.5 API the simulator serves with behaviour.

    python bench/simulator_coverage.py [--swagger PATH] [--misses] [--area TAG]

Reads the official Swagger description (``../shared/reference/octopus-server-2020.5-swagger.json``,
never copied into the project), starts a simulator in its own process with the demo seed,
adds one resource of each kind the seed lacks (so that ``{id}`` resolves), then calls every
operation once and prints the totals and a table by area (the operation's Swagger tag).

**Served with behaviour** means the simulator has a route for the method and path and does
something about the request:

* any 2xx or 3xx answer;
* a 400, 401, 403 or 409 from a served route (the request was read and refused for a reason,
  e.g. the bench's empty body failed validation);
* a 404 for a missing resource that names a value the bench put in the path
  (``The task 'Tasks-999999' was not found``): the route exists, the seed lacks the resource.

**Not served**:

* a 404 whose message says the route is not simulated or has no route (``not simulated``,
  ``does not serve``, ``no route``): the simulator's own answer for what it does not do;
* any other 404 that names no value of the bench's: the generic handlers read
  ``/api/environments/summary`` as environment ``summary``, which is a missing route, not a
  missing resource;
* a 405 (the path exists for other methods only) and a 501;
* a 500 or a broken or timed-out connection: a simulator bug, counted apart as "errors".

Path parameters are filled from the seeded data: ``{baseSpaceId}`` is the default space,
``{id}`` the first resource of the collection named by the segment before it (listed through
the API), other names a seeded value of their kind. A PUT sends back what a GET of the same
path answered; a POST sends ``{}`` unless the operation is listed in ``_BODIES``.
Operations run as GETs first, then POST, PUT and finally DELETE, so deleting a resource does
not hide the routes below it.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from octoclr.testing import Simulator  # noqa: E402

GOAL = 0.90
DEFAULT_SWAGGER = Path(__file__).resolve().parents[2] / "shared" / "reference" / "octopus-server-2020.5-swagger.json"
_NOT_SERVED_404 = re.compile(r"not simulated|does not serve|no route", re.IGNORECASE)
_METHOD_ORDER = {"get": 0, "head": 0, "post": 1, "put": 2, "delete": 3}

#: Resources the demo seed lacks, created before the run so that their routes resolve an id.
#: (collection path below the space, body); "{env}", "{project}"… are filled from the seed.
_EXTRA_RESOURCES: tuple[tuple[str, dict[str, Any]], ...] = (
    ("tenants", {"Name": "Coverage Tenant", "ProjectEnvironments": {}}),
    ("tagsets", {"Name": "Coverage Tags", "Tags": [{"Name": "One", "Color": "#333333"}]}),
    ("workerpools", {"Name": "Coverage Pool", "WorkerPoolType": "StaticWorkerPool"}),
    ("workers", {"Name": "coverage-worker", "WorkerPoolIds": ["{workerpool}"],
                 "Endpoint": {"CommunicationStyle": "TentaclePassive", "Uri": "https://worker:10933/",
                              "Thumbprint": "ABCDEF0123456789"}}),
    ("accounts", {"Name": "Coverage Account", "AccountType": "UsernamePassword", "Username": "user",
                  "Password": {"HasValue": True, "NewValue": "secret"}}),
    ("runbooks", {"Name": "Coverage Runbook", "ProjectId": "{project}"}),
    ("projecttriggers", {"Name": "Coverage Trigger", "ProjectId": "{project}",
                         "Filter": {"FilterType": "MachineFilter", "EventGroups": ["MachineAvailableForDeployment"]},
                         "Action": {"ActionType": "AutoDeploy", "ShouldRedeployWhenMachineHasBeenDeployedTo": False}}),
    ("subscriptions", {"Name": "Coverage Subscription"}),
    ("actiontemplates", {"Name": "Coverage Template", "ActionType": "Octopus.Script",
                         "Properties": {"Octopus.Action.Script.ScriptBody": "echo hi"}}),
    ("proxies", {"Name": "Coverage Proxy", "Host": "proxy.example", "Port": 8080}),
    ("libraryvariablesets", {"Name": "Coverage Variables"}),
    ("deployments", {"ReleaseId": "{release}", "EnvironmentId": "{env}"}),
    ("runbooksnapshots", {"Name": "Snapshot 1", "ProjectId": "{project}", "RunbookId": "{runbook}"}),
    ("runbookruns", {"RunbookSnapshotId": "{runbooksnapshot}", "EnvironmentId": "{env}"}),
    ("artifacts", {"Filename": "coverage.txt", "ServerTaskId": "{task}"}),
    ("build-information", {"PackageId": "Coverage.Package", "Version": "1.0.0",
                           "OctopusBuildInformation": {"BuildEnvironment": "bench", "Commits": []}}),
)

#: Values for path parameters other than {id} and {baseSpaceId}.
_NAMED = {"environment": "environment", "tenant": "tenant", "projectId": "project", "userId": "user",
          "spaceId": "space", "typeOrId": "actiontemplate"}


@dataclass
class Outcome:
    area: str
    method: str
    path: str
    url: str
    status: int
    served: bool
    error: bool
    message: str


class Resolver:
    """Real ids from the running simulator, by the collection a path segment names."""

    def __init__(self, client: httpx.Client, space: str) -> None:
        self.client = client
        self.space = space
        self._cache: dict[str, Optional[dict[str, Any]]] = {}

    def first(self, segment: str) -> Optional[dict[str, Any]]:
        key = segment.lower()
        if key not in self._cache:
            self._cache[key] = self._lookup(key)
        return self._cache[key]

    def _lookup(self, segment: str) -> Optional[dict[str, Any]]:
        for url in (f"/api/{self.space}/{segment}", f"/api/{segment}"):
            try:
                response = self.client.get(url, params={"take": "5"})
            except httpx.HTTPError:
                continue
            if response.status_code != 200:
                continue
            try:
                body = response.json()
            except ValueError:
                continue
            items = body.get("Items") if isinstance(body, dict) else body
            if isinstance(items, list):
                for item in items:
                    if isinstance(item, dict) and item.get("Id"):
                        return item
        return None

    def id_of(self, segment: str) -> str:
        found = self.first(segment)
        return str(found["Id"]) if found else f"{segment.capitalize()}-999999"

    def forget(self) -> None:
        self._cache.clear()


def _fill(template: str, resolver: Resolver) -> tuple[str, list[str]]:
    """The concrete path, and the values put in place of its parameters."""
    segments = template.split("/")
    out: list[str] = []
    values: list[str] = []
    for index, segment in enumerate(segments):
        name = segment[1:-1] if segment.startswith("{") and segment.endswith("}") else None
        if name is None:
            out.append(segment)
        elif name == "baseSpaceId":
            out.append(resolver.space)
        elif name == "id":
            out.append(resolver.id_of(segments[index - 1] if index else ""))
        elif name in _NAMED:
            kind = _NAMED[name]
            out.append(resolver.space if kind == "space" else resolver.id_of(kind + "s"))
        elif name in ("version", "baseVersion"):
            out.append(_package_version(resolver) or _release_version(resolver) or "1.0.0")
        elif name == "packageId":
            out.append(_package_id(resolver) or "Coverage.Package")
        elif name == "name":
            out.append("Snapshot 1" if "runbookSnapshots" in template else "TaskQueue")
        else:
            out.append("coverage")
        if name is not None and name != "baseSpaceId":
            values.append(out[-1])
    return "/".join(out), values


def _package(resolver: Resolver) -> Optional[dict[str, Any]]:
    return resolver.first("packages")


def _package_id(resolver: Resolver) -> Optional[str]:
    found = _package(resolver)
    return str(found.get("PackageId")) if found else None


def _package_version(resolver: Resolver) -> Optional[str]:
    found = _package(resolver)
    return str(found.get("Version")) if found else None


def _release_version(resolver: Resolver) -> Optional[str]:
    found = resolver.first("releases")
    return str(found.get("Version")) if found else None


def _query(operation: dict[str, Any], resolver: Resolver) -> dict[str, str]:
    params: dict[str, str] = {}
    for param in operation.get("parameters", []):
        if param.get("in") != "query" or not param.get("required"):
            continue
        name = param["name"]
        if name == "ids":
            params[name] = "none-1"
        elif name == "userId":
            params[name] = resolver.id_of("users")
        elif name == "packageId":
            params[name] = _package_id(resolver) or "Coverage.Package"
        else:
            params[name] = "1"
    return params


def _seed_extra(client: httpx.Client, resolver: Resolver) -> None:
    values = {"project": resolver.id_of("projects"), "env": resolver.id_of("environments")}
    for path, body in _EXTRA_RESOURCES:
        if resolver.first(path):
            continue
        for kind in ("workerpool", "release", "runbook", "runbooksnapshot", "task"):
            values[kind] = resolver.id_of(kind + "s")
        text = json.dumps(body)
        for key, value in values.items():
            text = text.replace("{" + key + "}", value)
        client.post(f"/api/{resolver.space}/{path}", content=text, headers={"Content-Type": "application/json"})
        resolver.forget()


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:120]
    if isinstance(body, dict) and "ErrorMessage" in body:
        return str(body.get("ErrorMessage") or "")
    return ""


def classify(status: int, message: str, values: list[str]) -> tuple[bool, bool]:
    """(served with behaviour, simulator error) for one answer; see the module's docstring.

    ``values`` are what the bench put in the path's parameters.
    """
    if status >= 500 and status != 501:
        return False, True
    if status in (405, 501):
        return False, False
    if status == 404:
        if _NOT_SERVED_404.search(message):
            return False, False
        lowered = message.lower()
        return any(v.lower() in lowered for v in values if v), False
    return True, False


def _call(client: httpx.Client, resolver: Resolver, method: str, template: str,
          operation: dict[str, Any]) -> tuple[str, list[str], int, str]:
    url, values = _fill(template, resolver)
    params = _query(operation, resolver)
    headers = {"Content-Type": "application/json"}
    content: Optional[bytes] = None
    if method == "put":
        current = client.get(url)
        content = current.content if current.status_code == 200 and current.content.startswith(b"{") else b"{}"
    elif method == "post":
        content = b"{}"
    try:
        response = client.request(method.upper(), url, params=params, content=content, headers=headers)
    except httpx.HTTPError as error:
        return url, values, 0, f"{type(error).__name__}: {error}"
    return url, values, response.status_code, _message(response)


def run(swagger: Path) -> list[Outcome]:
    spec = json.loads(swagger.read_text(encoding="utf-8"))
    operations = [(path, method, op) for path, ops in spec["paths"].items() for method, op in ops.items()
                  if method in _METHOD_ORDER]
    operations.sort(key=lambda item: _METHOD_ORDER[item[1]])
    outcomes: list[Outcome] = []
    with Simulator(seed="demo") as sim, httpx.Client(
            base_url=sim.url, headers={"X-Octopus-ApiKey": sim.api_key, "Accept": "application/json"},
            timeout=15, follow_redirects=False) as client:
        space = client.get("/api").json().get("Links", {}).get("Spaces") and "Spaces-1"
        resolver = Resolver(client, space or "Spaces-1")
        _seed_extra(client, resolver)
        for path, method, op in operations:
            area = (op.get("tags") or [path.split("/")[2] if path.count("/") > 1 else path])[0]
            url, values, status, message = _call(client, resolver, method, path, op)
            served, error = classify(status, message, values) if status else (False, True)
            outcomes.append(Outcome(area, method.upper(), path, url, status, served, error, message))
            if method in ("post", "delete"):
                resolver.forget()  # what was listed may be gone, or new
    return outcomes


def report(outcomes: list[Outcome], *, misses: bool, area: Optional[str]) -> None:
    by_area: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by_area[outcome.area].append(outcome)
    total = len(outcomes)
    served = sum(o.served for o in outcomes)
    errors = sum(o.error for o in outcomes)
    print(f"{'area':<28}{'operations':>11}{'served':>8}{'2xx':>6}{'refused':>9}{'missing':>9}{'errors':>8}")
    for name in sorted(by_area):
        rows = by_area[name]
        ok = sum(o.served and 200 <= o.status < 400 for o in rows)
        refused = sum(o.served and o.status >= 400 for o in rows)
        missing = sum(not o.served and not o.error for o in rows)
        print(f"{name:<28}{len(rows):>11}{sum(o.served for o in rows):>8}{ok:>6}{refused:>9}{missing:>9}"
              f"{sum(o.error for o in rows):>8}")
    print()
    print(f"served with behaviour: {served} of {total} operations ({served / total:.1%}); goal {GOAL:.0%}"
          f" -> {'met' if served / total >= GOAL else 'not met'}")
    print(f"  2xx/3xx: {sum(o.served and o.status < 400 for o in outcomes)}, "
          f"refused by a served route (400/401/403/404 id/409): {sum(o.served and o.status >= 400 for o in outcomes)},"
          f" not served: {total - served - errors}, errors (5xx, no answer): {errors}")
    if misses or area:
        print()
        for o in outcomes:
            if (area and o.area.lower() != area.lower()) or (not area and o.served):
                continue
            mark = "ok " if o.served else ("ERR" if o.error else "-- ")
            print(f"{mark} {o.status:>3} {o.method:<6} {o.path}  [{o.message[:90]}]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--swagger", type=Path, default=DEFAULT_SWAGGER)
    parser.add_argument("--misses", action="store_true", help="list every operation not served")
    parser.add_argument("--area", help="list every operation of one area (Swagger tag)")
    args = parser.parse_args()
    if not args.swagger.is_file():
        sys.exit(f"The Swagger description is not at {args.swagger}; pass --swagger PATH.")
    report(run(args.swagger), misses=args.misses, area=args.area)


if __name__ == "__main__":
    main()
