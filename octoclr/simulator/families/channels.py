"""Channels: a project's release streams, their default, and the version rules a release must meet.

A project has one default channel: making another the default clears it on the others, and the
default cannot be deleted. ``…/channels/rule-test`` checks a version against a rule as a real
server does when a user edits a channel: ``VersionRange`` in NuGet notation (``[1.0,2.0)``, a
bare version meaning "this or newer"; pre-release versions are tested against the range
like any other, since the tag rule is what decides on them) and ``PreReleaseTag``, a
regular expression matched against the version's pre-release label ("" for a stable version,
so ``^$`` means stable only). ``GET`` takes them as query parameters, ``POST`` as a JSON body.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Optional

from octoclr.nuget.versions import InvalidVersion, InvalidVersionRange, NuGetVersion, VersionRange
from octoclr.simulator.exceptions import BadRequest
from octoclr.simulator.families.base import SPACE, Call, Family
from octoclr.simulator.resources import Collection

if TYPE_CHECKING:
    from octoclr.simulator.behaviours import Backend

CHANNELS = Collection(
    "channels", "Channels", "Channels", "Channel",
    required=("Name", "ProjectId"),
    references={"ProjectId": "projects", "LifecycleId": "lifecycles"},
    parent_field="ProjectId",
    defaults={"Name": None, "Description": "", "ProjectId": None, "LifecycleId": None, "IsDefault": False,
              "Rules": [], "TenantTags": []},
    links={"Releases": "{self}/releases{?skip,take,searchByVersion}", "Project": "/api/{space}/projects/{ProjectId}"},
)

family = Family("channels", collections=(CHANNELS,))


# --- the default channel ----------------------------------------------------------------------

def _clear_default(backend: "Backend", channel: dict[str, Any], actor: Optional[str]) -> None:
    for row in backend.store.rows("channels", channel.get("SpaceId")):
        other = row.resource()
        if (other.get("ProjectId") or "").lower() == str(channel["ProjectId"]).lower() and other.get("IsDefault") \
                and other["Id"] != channel.get("Id"):
            other["IsDefault"] = False
            backend._save(CHANNELS, other, actor)


@family.hook("before_create", "channels")
def _new_channel(backend: "Backend", channel: dict[str, Any], actor: Optional[str]) -> None:
    if channel.get("IsDefault") and channel.get("ProjectId"):
        _clear_default(backend, channel, actor)


@family.hook("before_modify", "channels")
def _changed_channel(backend: "Backend", channel: dict[str, Any], stored: dict[str, Any], actor: Optional[str]) -> None:
    channel["ProjectId"] = stored.get("ProjectId")  # a channel stays with its project
    if channel.get("IsDefault") and not stored.get("IsDefault"):
        _clear_default(backend, channel, actor)


@family.hook("before_delete", "channels")
def _deleting_channel(backend: "Backend", channel: dict[str, Any], actor: Optional[str]) -> None:
    if channel.get("IsDefault"):
        raise BadRequest("The default channel of a project cannot be deleted.",
                         help_text="Make another channel the default first.")


# --- version rules ----------------------------------------------------------------------------

def test_rule(version_text: Optional[str], range_text: Optional[str], tag_pattern: Optional[str]) -> dict[str, Any]:
    """What a real server answers for one version against one rule (errors instead of a 400)."""
    errors: list[str] = []
    version: Optional[NuGetVersion] = None
    if not (version_text or "").strip():
        errors.append("Please provide a version to test.")
    else:
        try:
            version = NuGetVersion.parse(version_text.strip())
        except InvalidVersion:
            errors.append(f"'{version_text}' is not a valid version.")
    version_range: Optional[VersionRange] = None
    if (range_text or "").strip():
        try:
            version_range = VersionRange.parse(range_text.strip())
        except InvalidVersionRange as error:
            errors.append(f"The version range is not valid: {error}.")
    tag: Optional[re.Pattern[str]] = None
    if (tag_pattern or "").strip():
        try:
            tag = re.compile(tag_pattern.strip())
        except re.error as error:
            errors.append(f"The pre-release tag is not a valid regular expression: {error}.")
    satisfies_range = satisfies_tag = False
    if version is not None and not errors:
        satisfies_tag = tag is None or tag.search(".".join(version.prerelease)) is not None
        satisfies_range = version_range is None or version_range.contains(version, prerelease=True)
    return {"SatisfiesVersionRange": satisfies_range, "SatisfiesPreReleaseTag": satisfies_tag, "Errors": errors,
            "Links": {}}


@family.route("GET", "channels/rule-test", scope=SPACE)
async def _rule_test(call: Call) -> Any:
    return test_rule(call.query("version"), call.query("versionRange"), call.query("preReleaseTag"))


@family.route("POST", "channels/rule-test", scope=SPACE)
async def _rule_test_body(call: Call) -> Any:
    sent = await call.json()
    if not isinstance(sent, dict):
        raise BadRequest("The rule test must be a JSON object with Version, VersionRange and PreReleaseTag.")
    return test_rule(sent.get("Version"), sent.get("VersionRange"), sent.get("PreReleaseTag"))
