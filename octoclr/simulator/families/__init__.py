"""Families of resources, one module each: routes, rules and links kept together.

A family is the place a reader looks for everything the simulator does about one area of
the Octopus API (runbooks, packages, certificates…), as moto keeps one folder per service.
Each module builds one :class:`Family` and lists it in :data:`FAMILIES` below; the app asks
the families first when it resolves a route, and the backend runs their hooks around the
generic create, modify and delete rules.

A family declares:

* **collections**: extra :class:`~octoclr.simulator.resources.Collection` definitions,
  served by the generic list/get/create/modify/delete handlers;
* **routes**: ``@family.route("GET", "runbooks/{id}/runbookprocess")`` handlers for paths
  below ``/api[/Spaces-N]/``. Literal segments match case-insensitively, ``{name}``
  captures one segment and ``{name*}`` the rest of the path. A handler receives a
  :class:`~octoclr.simulator.families.base.Call` and returns a JSON-able value, ``bytes``
  of JSON, or a Starlette ``Response``;
* **hooks**: ``@family.hook("after_create", "runbooks")`` functions called by the backend
  (``before_create(backend, resource, actor)``, ``assign(backend, resource)``,
  ``after_create(backend, resource, actor, incoming)``,
  ``before_modify(backend, resource, stored, actor)``, ``before_delete(backend, resource, actor)``);
* **root links**: lines of the same table as :mod:`~octoclr.simulator.rootdoc`'s, for the
  links a real server advertises for the family.
"""

from __future__ import annotations

from octoclr.simulator.families.base import Call, Family, RouteMatch
from octoclr.simulator.families import spaces, users, teams, userroles  # noqa: E402  (each family module is imported once, here)
from octoclr.simulator.families import packages  # noqa: E402
from octoclr.simulator.families import events  # noqa: E402
from octoclr.simulator.families import tasks, interruptions, releases, deployments, runbooks, projectrunbooks, executions, gitrefs  # noqa: E402
from octoclr.simulator.families import accounts, certificates, lifecycles, machines, tagsets  # noqa: E402
from octoclr.simulator.families import projects, tenants, environments, workerpools, logos, progression, variables  # noqa: E402
from octoclr.simulator.families import proxies, subscriptions, projecttriggers, machinepolicies, projectgroups  # noqa: E402
from octoclr.simulator.families import configuration, serverstatus, channels, artifacts, buildinformation, actiontemplates, permissions, permissiondefinitions, reporting, invitations, authentication, notsimulated  # noqa: E402

# In a fixed order: earlier families' routes win.
FAMILIES: tuple[Family, ...] = (
    spaces.family, users.family, teams.family, userroles.family,  # first: their hooks run before the others'
    projects.family, environments.family, workerpools.family, variables.family,
    events.family, packages.family, tasks.family, interruptions.family, releases.family, deployments.family, runbooks.family,
    projectrunbooks.family, executions.family, gitrefs.family,
    accounts.family, certificates.family, lifecycles.family, machines.family, tagsets.family,
    tenants.family, logos.family, progression.family, configuration.family, serverstatus.family,
    channels.family, artifacts.family, buildinformation.family, actiontemplates.family, permissions.family, permissiondefinitions.family, reporting.family,
    invitations.family, authentication.family,
    proxies.family, subscriptions.family, projecttriggers.family, machinepolicies.family, projectgroups.family,
    notsimulated.family,  # last: only what no family serves
)


def match_route(parts: list[str], space_id: object) -> "RouteMatch | None":
    """The first family route for these path segments (after ``/api[/Spaces-N]``)."""
    for family in FAMILIES:
        found = family.match(parts, space_id is not None)
        if found is not None:
            return found
    return None


def match_site_route(parts: list[str]) -> "RouteMatch | None":
    """The first family route for a path outside ``/api`` (its segments from the root)."""
    for family in FAMILIES:
        found = family.match(parts, False, site=True)
        if found is not None:
            return found
    return None


def hooks(event: str, path: str) -> list:
    """Every family's hook for one event of one collection, in family order."""
    return [fn for family in FAMILIES for fn in family.hooks.get((event, path), ())]


__all__ = ["Call", "FAMILIES", "Family", "RouteMatch", "hooks", "match_route", "match_site_route"]
