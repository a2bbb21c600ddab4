"""``octoclr.lock.json``: which packages a project uses and the SHA-512 of each.

It sits at the root of a project (see :func:`find_lock_path`). Every later install, and
every use of the cache, checks the package against the hash recorded here; a difference
is an :class:`~octoclr.errors.IntegrityError` naming the package, both hashes and the
source. The file is replaced atomically, so a reader never sees half of it.

Each entry is keyed by what was verified. A ``.nupkg`` (from a feed, a folder or a file)
records the package's SHA-512 (``"verified": "nupkg"``); a client used in place from an
Octopus Server or Tentacle program folder records each file's SHA-512
(``"verified": "files"``). The two are compared only with their own kind: moving between
a feed and a program folder of the same id and version is no mismatch, while another
``.nupkg`` for a locked id and version is.

Shape (``lockVersion`` 2; files of version 1, where every entry was a hash of one file,
are still read)::

    {"lockVersion": 2,
     "targets":  [{"package": "Octopus.Client", "target": "mono", "version": "11.0.0", "framework": "net45"}],
     "packages": [{"id": "Octopus.Client", "version": "11.0.0", "framework": "net45", "verified": "nupkg",
                   "source": "https://...", "sha512": "base64...", "dependencies": ["Newtonsoft.Json/6.0.8/net45"]},
                  {"id": "Octopus.Client", "version": "8.2.0", "framework": "program-folder", "verified": "files",
                   "source": "/opt/octopus/tentacle", "files": {"Octopus.Client.dll": "base64..."},
                   "dependencies": []}]}

A target records what a bootstrap for one runtime (or explicit framework) chose, so a
later run without a version reuses it without asking the feed.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple, Union

from octoclr.errors import IntegrityError, LockFileError

__all__ = ["FILES", "LOCK_FILE_ENV", "LOCK_FILE_NAME", "NUPKG", "PROGRAM_FOLDER_FRAMEWORK", "LockedPackage", "LockedTarget", "LockFile", "default_lock_path",
           "find_lock_path"]

LOCK_FILE_NAME = "octoclr.lock.json"
LOCK_VERSION = 2
READABLE_VERSIONS = (1, 2)

#: What an entry's hash covers: the .nupkg, or the files of a program folder.
NUPKG = "nupkg"
FILES = "files"
#: The framework recorded for a client used in place from a program folder.
PROGRAM_FOLDER_FRAMEWORK = "program-folder"


#: What makes a folder a project, whose lock file sits at its root (as npm, poetry and uv do).
PROJECT_MARKERS = (LOCK_FILE_NAME, "pyproject.toml", "setup.cfg", ".git")
LOCK_FILE_ENV = "OCTOCLR_LOCK_FILE"


def find_lock_path(lock_path: Union[str, Path, None] = None, start: Union[str, Path, None] = None) -> Tuple[Optional[Path], bool]:
    """Which lock file is in force, and whether it was asked for.

    A lock file belongs to a project. It is the one named (``lock_path``, else the
    ``OCTOCLR_LOCK_FILE`` environment variable), which must then be readable and writable;
    otherwise the one at the root of the nearest folder, from ``start`` (the current folder)
    up, that is a project (it holds a lock file, ``pyproject.toml``, ``setup.cfg`` or ``.git``).
    Outside any project there is none: a script run from ``/tmp`` or a step's work folder
    leaves nothing behind.
    """
    named = lock_path or os.environ.get(LOCK_FILE_ENV) or None
    if named:
        return Path(named).expanduser().absolute(), True
    folder = Path(start or Path.cwd()).absolute()
    for candidate in (folder, *folder.parents):
        if any((candidate / marker).exists() for marker in PROJECT_MARKERS):
            return candidate / LOCK_FILE_NAME, False
    return None, False


def default_lock_path(lock_path: Union[str, Path, None] = None) -> Optional[Path]:
    """The lock file in force (see :func:`find_lock_path`), or None outside any project."""
    return find_lock_path(lock_path)[0]


def _require(data: Mapping[str, Any], key: str, where: str, kind: type = str) -> Any:
    if key not in data:
        raise LockFileError(f"{where}.{key}: missing")
    value = data[key]
    if not isinstance(value, kind):
        raise LockFileError(f"{where}.{key}: expected {kind.__name__}, found {type(value).__name__}")
    return value


def _valid_sha512(text: str) -> bool:
    try:
        return len(base64.b64decode(text, validate=True)) == 64
    except (ValueError, binascii.Error):
        return False


@dataclass(frozen=True)
class LockedPackage:
    id: str
    version: str
    framework: str
    source: str
    sha512: str  # of the .nupkg; empty for an entry that verified files
    dependencies: Tuple[str, ...] = ()  # "Id/version/framework" of the packages it needs, in load order
    verified: str = NUPKG  # NUPKG or FILES
    files: Tuple[Tuple[str, str], ...] = ()  # (file name, SHA-512) for FILES entries

    def validate(self, where: str = "package") -> None:
        for name in ("id", "version"):
            if not getattr(self, name):
                raise LockFileError(f"{where}.{name}: empty")
        if self.verified == NUPKG:
            if not self.sha512:
                raise LockFileError(f"{where}.sha512: empty")
            if not _valid_sha512(self.sha512):
                raise LockFileError(f"{where}.sha512: not a base64 SHA-512")
        elif self.verified == FILES:
            if not self.files:
                raise LockFileError(f"{where}.files: empty")
            for name, digest in self.files:
                if not _valid_sha512(digest):
                    raise LockFileError(f"{where}.files[{name!r}]: not a base64 SHA-512")
        else:
            raise LockFileError(f"{where}.verified: expected {NUPKG!r} or {FILES!r}, found {self.verified!r}")
        for index, dep in enumerate(self.dependencies):
            if dep.count("/") != 2 or not dep.split("/")[0] or not dep.split("/")[1]:
                raise LockFileError(f"{where}.dependencies[{index}]: expected 'Id/version/framework', found {dep!r}")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], where: str = "package", lock_version: int = LOCK_VERSION) -> "LockedPackage":
        if not isinstance(data, Mapping):
            raise LockFileError(f"{where}: expected an object")
        deps = data.get("dependencies", [])
        if not isinstance(deps, list) or not all(isinstance(d, str) for d in deps):
            raise LockFileError(f"{where}.dependencies: expected a list of strings")
        ident = _require(data, "id", where)
        framework = _require(data, "framework", where)
        if lock_version == 1:
            # Version 1 hashed one file per entry: the .nupkg, or a program folder's assembly.
            sha512 = _require(data, "sha512", where)
            if framework.lower() == PROGRAM_FOLDER_FRAMEWORK:
                verified, files, sha512 = FILES, ((f"{ident}.dll", sha512),), ""
            else:
                verified, files = NUPKG, ()
        else:
            verified = data.get("verified", NUPKG)
            if verified == FILES:
                raw = data.get("files")
                if not isinstance(raw, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in raw.items()):
                    raise LockFileError(f"{where}.files: expected an object of file names and hashes")
                files, sha512 = tuple(sorted(raw.items())), ""
            else:
                files, sha512 = (), _require(data, "sha512", where)
        item = cls(
            id=ident,
            version=_require(data, "version", where),
            framework=framework,
            source=_require(data, "source", where),
            sha512=sha512,
            dependencies=tuple(deps),
            verified=verified if isinstance(verified, str) else repr(verified),
            files=files,
        )
        item.validate(where)
        return item

    def to_dict(self) -> Dict[str, Any]:
        result: Dict[str, Any] = {"id": self.id, "version": self.version, "framework": self.framework,
                                  "verified": self.verified, "source": self.source}
        if self.verified == FILES:
            result["files"] = dict(self.files)
        else:
            result["sha512"] = self.sha512
        result["dependencies"] = list(self.dependencies)
        return result

    @property
    def key(self) -> Tuple[str, str, str]:
        return (self.id.lower(), self.version.lower(), self.framework.lower())


@dataclass(frozen=True)
class LockedTarget:
    package: str
    target: str  # a runtime name, or "framework:<tfm>"
    version: str
    framework: str

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], where: str = "target") -> "LockedTarget":
        if not isinstance(data, Mapping):
            raise LockFileError(f"{where}: expected an object")
        item = cls(*(_require(data, k, where) for k in ("package", "target", "version", "framework")))
        item.validate(where)
        return item

    def validate(self, where: str = "target") -> None:
        for name in ("package", "target", "version"):
            if not getattr(self, name):
                raise LockFileError(f"{where}.{name}: empty")

    def to_dict(self) -> Dict[str, Any]:
        return {"package": self.package, "target": self.target, "version": self.version, "framework": self.framework}


@dataclass(frozen=True)
class LockFile:
    packages: Tuple[LockedPackage, ...] = ()
    targets: Tuple[LockedTarget, ...] = ()
    lock_version: int = LOCK_VERSION
    path: Optional[Path] = field(default=None, compare=False)

    # --- reading and writing -----------------------------------------------------------

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], path: Optional[Path] = None) -> "LockFile":
        if not isinstance(data, Mapping):
            raise LockFileError("the lock file must hold a JSON object")
        version = data.get("lockVersion")
        if version not in READABLE_VERSIONS:
            expected = " or ".join(str(v) for v in READABLE_VERSIONS)
            raise LockFileError(f"lockVersion: expected {expected}, found {version!r}")
        packages = data.get("packages", [])
        targets = data.get("targets", [])
        if not isinstance(packages, list):
            raise LockFileError("packages: expected a list")
        if not isinstance(targets, list):
            raise LockFileError("targets: expected a list")
        lock = cls(
            tuple(LockedPackage.from_dict(p, f"packages[{i}]", version) for i, p in enumerate(packages)),
            tuple(LockedTarget.from_dict(t, f"targets[{i}]") for i, t in enumerate(targets)),
            LOCK_VERSION,  # read in any readable version, written in the current one
            path,
        )
        lock.validate()
        return lock

    def to_dict(self) -> Dict[str, Any]:
        return {
            "lockVersion": self.lock_version,
            "targets": [t.to_dict() for t in sorted(self.targets, key=lambda t: (t.package.lower(), t.target))],
            "packages": [p.to_dict() for p in sorted(self.packages, key=lambda p: p.key)],
        }

    def validate(self) -> None:
        """The same package version must carry the same .nupkg hash wherever it appears."""
        seen: Dict[Tuple[str, str], str] = {}
        for index, item in enumerate(self.packages):
            if item.verified != NUPKG:
                continue
            key = (item.id.lower(), item.version.lower())
            if seen.setdefault(key, item.sha512) != item.sha512:
                raise LockFileError(f"packages[{index}].sha512: {item.id} {item.version} appears with two different hashes")

    @classmethod
    def load(cls, path: Union[str, Path]) -> "LockFile":
        """The lock file at ``path``, or an empty one when there is none yet."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls(path=path)
        except OSError as exc:
            raise LockFileError(f"The lock file {path} cannot be read ({exc}).") from None
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise LockFileError(f"The lock file {path} is not valid JSON ({exc}). Fix it or delete it to lock afresh.") from None
        try:
            return cls.from_dict(data, path)
        except LockFileError as exc:
            raise LockFileError(f"The lock file {path} is invalid: {exc}. Fix it or delete it to lock afresh.") from None

    def save(self, path: Union[str, Path, None] = None) -> None:
        target = Path(path or self.path or LOCK_FILE_NAME)
        temp: Optional[str] = None
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as sink:
                json.dump(self.to_dict(), sink, indent=2)
                sink.write("\n")
                sink.flush()
                os.fsync(sink.fileno())
            os.replace(temp, target)
        except OSError as exc:
            if temp is not None:
                Path(temp).unlink(missing_ok=True)
            raise LockFileError(
                f"The lock file {target} cannot be written ({exc}). Give a writable path with --lock-file."
            ) from None

    # --- queries -------------------------------------------------------------------------

    def hash_of(self, package_id: str, version: str) -> Optional[LockedPackage]:
        """The entry that locks this version's .nupkg, if any."""
        key = (package_id.lower(), version.lower())
        for item in self.packages:
            if item.verified == NUPKG and (item.id.lower(), item.version.lower()) == key:
                return item
        return None

    def files_of(self, package_id: str, version: str) -> Optional[LockedPackage]:
        """The entry that locks this version's files in a program folder, if any."""
        key = (package_id.lower(), version.lower())
        for item in self.packages:
            if item.verified == FILES and (item.id.lower(), item.version.lower()) == key:
                return item
        return None

    def package(self, package_id: str, version: str, framework: str) -> Optional[LockedPackage]:
        key = (package_id.lower(), version.lower(), framework.lower())
        return next((p for p in self.packages if p.key == key), None)

    def versions_of(self, package_id: str) -> List[str]:
        """The versions whose .nupkg is locked (what a dependency prefers)."""
        return sorted({p.version for p in self.packages if p.id.lower() == package_id.lower() and p.verified == NUPKG})

    def target(self, package_id: str, target: str) -> Optional[LockedTarget]:
        return next((t for t in self.targets if t.package.lower() == package_id.lower() and t.target == target), None)

    def verify(self, package_id: str, version: str, sha512: str, source: str) -> None:
        """Raise :class:`IntegrityError` when the lock file knows another .nupkg hash for this package.

        Only a locked .nupkg is compared: files locked from a program folder are another thing verified.
        """
        locked = self.hash_of(package_id, version)
        if locked is not None and locked.sha512 != sha512:
            raise IntegrityError(f"{locked.id} {locked.version}", locked.sha512, sha512, source)

    def verify_files(self, package_id: str, version: str, files: Mapping[str, str], source: str) -> None:
        """Raise :class:`IntegrityError` naming the first program-folder file whose hash changed."""
        locked = self.files_of(package_id, version)
        if locked is None:
            return
        for name, expected in locked.files:
            actual = next((v for k, v in files.items() if k.lower() == name.lower()), None)
            if actual is not None and actual != expected:
                raise IntegrityError(f"{locked.id} {locked.version} ({name})", expected, actual, source)

    # --- updating (returns a new value) ---------------------------------------------------

    def with_result(self, packages: Iterable[LockedPackage], target: Optional[LockedTarget]) -> "LockFile":
        merged = {p.key: p for p in self.packages}
        for item in packages:
            merged[item.key] = item
        targets = [t for t in self.targets if target is None or not (t.package.lower() == target.package.lower() and t.target == target.target)]
        if target is not None:
            targets.append(target)
        updated = replace(self, packages=tuple(merged.values()), targets=tuple(targets))
        updated.validate()
        return updated
