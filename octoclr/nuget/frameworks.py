"""Target framework monikers (TFMs) and the choice of a package's ``lib/<tfm>/`` folder.

A :class:`Target` says what the assemblies must run on. :class:`RuntimeTarget` follows the
preference order of a runtime in ``bootstrap/frameworks.json`` (Mono and .NET Framework:
the newest ``net4x`` they can run, else ``netstandard2.0``; CoreCLR: ``netstandard2.0``,
and .NET Framework builds only as a fallback, with a warning). :class:`FrameworkTarget`
is an explicit TFM, matched the way NuGet picks the nearest compatible folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from octoclr.nuget import data

__all__ = [
    "Framework",
    "FrameworkChoice",
    "InvalidFramework",
    "Target",
    "RuntimeTarget",
    "FrameworkTarget",
    "parse_framework",
]

NET, NETSTANDARD, NETCOREAPP, ANY, OTHER = "net", "netstandard", "netcoreapp", "any", "other"

_FAMILY_RANK = {NETCOREAPP: 0, NET: 0, NETSTANDARD: 1, ANY: 2}


class InvalidFramework(ValueError):
    """A string that is not a target framework moniker octoclr understands."""


@dataclass(frozen=True, order=True)
class Framework:
    family: str
    version: Tuple[int, int, int] = (0, 0, 0)
    platform: str = ""

    @property
    def short_name(self) -> str:
        major, minor, patch = self.version
        if self.family == NET:
            return "net" + "".join(str(p) for p in (major, minor, patch)[: 3 if patch else 2])
        if self.family == NETSTANDARD:
            return f"netstandard{major}.{minor}"
        if self.family == NETCOREAPP:
            name = f"net{major}.{minor}" if major >= 5 else f"netcoreapp{major}.{minor}"
            return name + (f"-{self.platform}" if self.platform else "")
        if self.family == ANY:
            return "any"
        return self.platform

    def __str__(self) -> str:
        return self.short_name


def _version(text: str, *, dotted: bool) -> Tuple[int, int, int]:
    if "." in text or dotted:
        parts = [int(p) for p in text.split(".") if p != ""]
    else:  # net452 -> 4.5.2; a two-digit minor never occurs in these short forms
        parts = [int(c) for c in text]
    parts = (parts + [0, 0, 0])[:3]
    return (parts[0], parts[1], parts[2])


_SHORT = re.compile(r"^(?P<name>netstandard|netcoreapp|net)(?P<ver>\d+(?:\.\d+)*)(?:-(?P<platform>[a-z0-9.]+))?$")
_LONG = re.compile(r"^\.?(?P<name>netframework|netstandard|netcoreapp)(?:,version=)?v?(?P<ver>\d+(?:\.\d+)*)$")


def parse_framework(text: str) -> Framework:
    """Parse ``net45``, ``net4.5``, ``net472``, ``netstandard2.0``, ``.NETStandard2.0``,
    ``.NETFramework4.5``, ``.NETFramework,Version=v4.5``, ``netcoreapp3.1``, ``net6.0``..."""
    raw = text.strip().lower()
    if raw in ("", "any"):
        return Framework(ANY)
    match = _SHORT.match(raw)
    if match:
        name, ver, platform = match.group("name"), match.group("ver"), match.group("platform") or ""
        if name == NET:
            version = _version(ver, dotted=False)
            if "." in ver and version[0] >= 5:  # net5.0 and later are .NET (Core)
                return Framework(NETCOREAPP, version, platform)
            if platform:
                raise InvalidFramework(f"{text!r}: .NET Framework monikers take no platform")
            return Framework(NET, version)
        dotted = "." in ver or name == NETSTANDARD and len(ver) > 2
        return Framework(name, _version(ver, dotted=dotted), platform)
    match = _LONG.match(raw.replace(" ", ""))
    if match:
        name = NET if match.group("name") == "netframework" else match.group("name")
        return Framework(name, _version(match.group("ver"), dotted=True))
    if raw.startswith(("portable", "uap", "win", "wp", "sl", "monoandroid", "xamarin", "native", "tizen", "netcore4", "netmf", "dnx")):
        return Framework(OTHER, (0, 0, 0), raw)
    raise InvalidFramework(
        f"{text!r} is not a target framework moniker (expected e.g. net48, net45, netstandard2.0)"
    )


def _netstandard_supported_by(target: Framework) -> Tuple[int, int, int]:
    """The newest .NET Standard a framework implements (per Microsoft's table)."""
    v = target.version
    if target.family == NET:
        if v >= (4, 6, 1):
            return (2, 0, 0)
        if v >= (4, 6, 0):
            return (1, 3, 0)
        if v >= (4, 5, 1):
            return (1, 2, 0)
        if v >= (4, 5, 0):
            return (1, 1, 0)
        return (0, 0, 0)
    if target.family == NETCOREAPP:
        return (2, 1, 0) if v >= (3, 0, 0) else (2, 0, 0) if v >= (2, 0, 0) else (1, 6, 0)
    if target.family == NETSTANDARD:
        return v
    return (0, 0, 0)


def is_compatible(target: Framework, candidate: Framework) -> bool:
    """Can assemblies built for ``candidate`` run on ``target``?"""
    if candidate.family == ANY:
        return True
    if candidate.family == OTHER or target.family == OTHER:
        return False
    if candidate.family == target.family:
        return candidate.version <= target.version and (not candidate.platform or candidate.platform == target.platform)
    if candidate.family == NETSTANDARD:
        return candidate.version <= _netstandard_supported_by(target)
    return False


@dataclass(frozen=True)
class FrameworkChoice:
    folder: str  # the lib/ sub-folder as spelled in the package
    framework: Framework
    fallback: bool = False  # chosen only because nothing preferred was there: warn
    note: str = ""


def _parsed(folders: Iterable[str]) -> List[Tuple[str, Framework]]:
    result = []
    for folder in folders:
        try:
            result.append((folder, parse_framework(folder)))
        except InvalidFramework:
            continue  # a folder we cannot read is a folder we cannot use
    return result


class Target:
    """What assemblies must run on. ``key`` names it in the lock file."""

    key: str
    label: str

    def choose(self, folders: Iterable[str]) -> Optional[FrameworkChoice]:
        raise NotImplementedError

    def choose_group(self, frameworks: Sequence[Optional[str]], chosen: Framework) -> Optional[int]:
        """Index of the .nuspec dependency group that applies to the chosen lib folder.

        ``None`` in ``frameworks`` is a group without a target framework (applies to all).
        """
        best: Optional[Tuple[tuple, int]] = None
        for index, text in enumerate(frameworks):
            fw = Framework(ANY) if not text else _safe_parse(text)
            if fw is None or not is_compatible(chosen, fw):
                continue
            rank = (_FAMILY_RANK.get(fw.family, 3) if fw.family != chosen.family else -1, tuple(-x for x in fw.version))
            if best is None or rank < best[0]:
                best = (rank, index)
        return best[1] if best else None


def _safe_parse(text: str) -> Optional[Framework]:
    try:
        return parse_framework(text)
    except InvalidFramework:
        return None


class FrameworkTarget(Target):
    """An explicit TFM: the nearest compatible folder, same family first, newest first."""

    def __init__(self, framework: str, runtime: Optional[str] = None) -> None:
        self.framework = parse_framework(framework)
        # The runtime's fallback (CoreCLR: .NET Framework builds) applies when nothing is compatible.
        self._fallback = list(data.runtime_profile(runtime).get("fallback", ())) if runtime else []
        if self.framework.family in (ANY, OTHER):
            raise InvalidFramework(f"{framework!r} cannot be a target; use e.g. net48 or netstandard2.0")
        self.key = f"framework:{self.framework.short_name}"
        self.label = self.framework.short_name

    def choose(self, folders: Iterable[str]) -> Optional[FrameworkChoice]:
        best: Optional[Tuple[tuple, str, Framework]] = None
        for folder, fw in _parsed(folders):
            if not is_compatible(self.framework, fw):
                continue
            family_rank = -1 if fw.family == self.framework.family else _FAMILY_RANK.get(fw.family, 3)
            rank = (family_rank, tuple(-x for x in fw.version))
            if best is None or rank < best[0]:
                best = (rank, folder, fw)
        if best:
            return FrameworkChoice(best[1], best[2])
        picked = RuntimeTarget._pick(self._fallback, _parsed(folders))
        return FrameworkChoice(picked[0], picked[1], fallback=True, note=picked[2]) if picked else None


class RuntimeTarget(Target):
    """A runtime's preference list from ``bootstrap/frameworks.json``."""

    def __init__(self, runtime: str) -> None:
        profile = data.runtime_profile(runtime)
        self.runtime = runtime
        self.key = runtime
        self.label = str(profile.get("target", runtime))
        self._prefer = list(profile.get("prefer", ()))
        self._fallback = list(profile.get("fallback", ()))

    @staticmethod
    def _pick(rules: List[Dict[str, str]], folders: List[Tuple[str, Framework]]) -> Optional[Tuple[str, Framework, str]]:
        for rule in rules:
            family = rule["family"]
            ceiling = _version(rule["max"], dotted=True) if "max" in rule else (99, 0, 0)
            floor = _version(rule["min"], dotted=True) if "min" in rule else (0, 0, 0)
            matching = [(f, fw) for f, fw in folders if fw.family == family and floor <= fw.version <= ceiling]
            if matching:
                folder, fw = max(matching, key=lambda item: item[1].version)
                return folder, fw, rule.get("note", "")
        return None

    def choose(self, folders: Iterable[str]) -> Optional[FrameworkChoice]:
        parsed = _parsed(folders)
        picked = self._pick(self._prefer, parsed)
        if picked:
            return FrameworkChoice(picked[0], picked[1])
        picked = self._pick(self._fallback, parsed)
        if picked:
            return FrameworkChoice(picked[0], picked[1], fallback=True, note=picked[2])
        for folder, fw in parsed:  # assemblies directly under lib/ fit anything
            if fw.family == ANY:
                return FrameworkChoice(folder, fw)
        return None
