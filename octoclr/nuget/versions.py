"""NuGet versions and version ranges as immutable values.

NuGet's rules, not PEP 440's: up to four numeric parts (``1.2.3.4``), SemVer 2.0
prerelease labels compared part by part (numeric parts as numbers, the rest
case-insensitively), build metadata ignored for ordering. A range is either a bare
version (at least that version, as in a .nuspec dependency) or the interval notation
``[1.0,2.0)``, ``(,3.0]``, ``[1.2.3]``.

Prereleases take part in matching only when asked for with ``prerelease=True`` or
when the range itself names a prerelease bound (as ``packaging`` does for PEP 440).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Optional, Tuple, Union

__all__ = ["InvalidVersion", "InvalidVersionRange", "NuGetVersion", "VersionRange", "parse_requirement"]


class InvalidVersion(ValueError):
    """A string that is not a NuGet version."""


class InvalidVersionRange(ValueError):
    """A string that is not a NuGet version range."""


_VERSION_PATTERN = re.compile(
    r"""^\s*v?
    (?P<release>\d+(?:\.\d+){0,3})
    (?:-(?P<pre>[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?
    (?:\+(?P<meta>[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?
    \s*$""",
    re.VERBOSE,
)


def _label_key(label: str) -> Tuple[int, int, str]:
    # SemVer 2.0: numeric identifiers sort before alphanumeric ones and compare as numbers.
    if label.isdigit():
        return (0, int(label), "")
    return (1, 0, label.lower())


@dataclass(frozen=True, eq=False)
class NuGetVersion:
    """A NuGet package version, e.g. ``11.0.0``, ``4.5.2.1`` or ``22.0.0-beta.2``."""

    major: int
    minor: int = 0
    patch: int = 0
    revision: int = 0
    prerelease: Tuple[str, ...] = ()
    metadata: str = ""
    _key: tuple = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # A release sorts after every prerelease of the same numbers: (1,) > (0, labels...).
        pre_key = (0, tuple(_label_key(p) for p in self.prerelease)) if self.prerelease else (1, ())
        object.__setattr__(self, "_key", (self.major, self.minor, self.patch, self.revision, pre_key))

    @classmethod
    def parse(cls, text: Union[str, "NuGetVersion"]) -> "NuGetVersion":
        if isinstance(text, NuGetVersion):
            return text
        match = _VERSION_PATTERN.match(str(text))
        if not match:
            raise InvalidVersion(f"{text!r} is not a NuGet version (expected e.g. 11.0.0 or 22.0.0-beta)")
        numbers = [int(n) for n in match.group("release").split(".")] + [0, 0, 0]
        pre = tuple(match.group("pre").split(".")) if match.group("pre") else ()
        return cls(numbers[0], numbers[1], numbers[2], numbers[3], pre, match.group("meta") or "")

    @property
    def is_prerelease(self) -> bool:
        return bool(self.prerelease)

    @property
    def normalized(self) -> str:
        """NuGet's normalized form: three parts (four when the revision is set), no metadata."""
        text = f"{self.major}.{self.minor}.{self.patch}"
        if self.revision:
            text += f".{self.revision}"
        if self.prerelease:
            text += "-" + ".".join(self.prerelease)
        return text

    def __str__(self) -> str:
        return self.normalized

    def __repr__(self) -> str:
        return f"<NuGetVersion {self.normalized!r}>"

    def __hash__(self) -> int:
        return hash(self._key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NuGetVersion) and self._key == other._key

    def __lt__(self, other: "NuGetVersion") -> bool:
        return self._key < other._key

    def __le__(self, other: "NuGetVersion") -> bool:
        return self._key <= other._key

    def __gt__(self, other: "NuGetVersion") -> bool:
        return self._key > other._key

    def __ge__(self, other: "NuGetVersion") -> bool:
        return self._key >= other._key


@dataclass(frozen=True)
class VersionRange:
    """An interval of versions; ``None`` bounds are open-ended."""

    minimum: Optional[NuGetVersion] = None
    include_minimum: bool = True
    maximum: Optional[NuGetVersion] = None
    include_maximum: bool = False
    text: str = field(default="", compare=False)

    @classmethod
    def parse(cls, text: str) -> "VersionRange":
        """Parse NuGet range notation; a bare version means "this version or newer"."""
        raw = text.strip()
        if not raw:
            raise InvalidVersionRange("an empty version range")
        if raw[0] not in "[(":
            try:
                return cls(NuGetVersion.parse(raw), True, None, False, raw)
            except InvalidVersion as exc:
                raise InvalidVersionRange(str(exc)) from None
        if raw[-1] not in "])" or len(raw) < 3:
            raise InvalidVersionRange(f"{text!r} is not a version range (expected e.g. [8.0,9.0) or [8.2.0])")
        include_min, include_max = raw[0] == "[", raw[-1] == "]"
        parts = [p.strip() for p in raw[1:-1].split(",")]
        try:
            if len(parts) == 1:
                if not (include_min and include_max) or not parts[0]:
                    raise InvalidVersionRange(f"{text!r}: an exact version is written [1.2.3]")
                exact = NuGetVersion.parse(parts[0])
                return cls(exact, True, exact, True, raw)
            if len(parts) != 2:
                raise InvalidVersionRange(f"{text!r} has more than two bounds")
            low = NuGetVersion.parse(parts[0]) if parts[0] else None
            high = NuGetVersion.parse(parts[1]) if parts[1] else None
        except InvalidVersion as exc:
            raise InvalidVersionRange(f"{text!r}: {exc}") from None
        if low is None and high is None:
            raise InvalidVersionRange(f"{text!r} has no bounds")
        if low is not None and high is not None and (low > high or (low == high and not (include_min and include_max))):
            raise InvalidVersionRange(f"{text!r} contains no version")
        return cls(low, include_min if low else True, high, include_max if high else False, raw)

    @classmethod
    def exact(cls, version: Union[str, NuGetVersion]) -> "VersionRange":
        v = NuGetVersion.parse(version)
        return cls(v, True, v, True, f"[{v}]")

    @property
    def names_prerelease(self) -> bool:
        return any(b is not None and b.is_prerelease for b in (self.minimum, self.maximum))

    @property
    def is_exact(self) -> bool:
        return self.minimum is not None and self.minimum == self.maximum

    def contains(self, version: NuGetVersion, *, prerelease: bool = False) -> bool:
        if version.is_prerelease and not (prerelease or self.names_prerelease):
            return False
        if self.minimum is not None:
            if version < self.minimum or (version == self.minimum and not self.include_minimum):
                return False
        if self.maximum is not None:
            if version > self.maximum or (version == self.maximum and not self.include_maximum):
                return False
        return True

    def __contains__(self, version: object) -> bool:
        return isinstance(version, NuGetVersion) and self.contains(version)

    def filter(self, versions: Iterable[NuGetVersion], *, prerelease: bool = False) -> list:
        return sorted(v for v in versions if self.contains(v, prerelease=prerelease))

    def newest(self, versions: Iterable[NuGetVersion], *, prerelease: bool = False) -> Optional[NuGetVersion]:
        matching = self.filter(versions, prerelease=prerelease)
        return matching[-1] if matching else None

    def lowest(self, versions: Iterable[NuGetVersion], *, prerelease: bool = False) -> Optional[NuGetVersion]:
        """NuGet's rule for dependencies: the lowest version that satisfies the range."""
        matching = self.filter(versions, prerelease=prerelease)
        return matching[0] if matching else None

    def __str__(self) -> str:
        if self.text:
            return self.text
        if self.is_exact:
            return f"[{self.minimum}]"
        return "{}{},{}{}".format(
            "[" if self.include_minimum else "(",
            self.minimum or "",
            self.maximum or "",
            "]" if self.include_maximum else ")",
        )


#: Every version (stable ones; prereleases still need ``prerelease=True``).
ANY = VersionRange(text="(any)")


def parse_requirement(text: Optional[str]) -> VersionRange:
    """A version the user asked for: nothing (newest), an exact version, or a range.

    Unlike a .nuspec dependency, a bare version from a user means exactly that version.
    """
    if text is None or not str(text).strip():
        return ANY
    raw = str(text).strip()
    if raw[0] in "[(":
        return VersionRange.parse(raw)
    try:
        return VersionRange.exact(raw)
    except InvalidVersion as exc:
        raise InvalidVersionRange(f"{exc}; or give a range such as [8.0,9.0)") from None
