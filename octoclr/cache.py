"""The package cache: one folder per package id, version and framework.

Layout under the cache root (``OCTOCLR_CACHE_DIR``, an argument, or the user cache
folder from platformdirs)::

    packages/<id>/<version>/package.json            what the .nupkg holds (written last)
    packages/<id>/<version>/<id>.<version>.nupkg    kept to extract other frameworks offline
    packages/<id>/<version>/<framework>/            the lib/<framework>/ files
    packages/<id>/<version>/<framework>/.octoclr-entry.json   marker: hashes and assemblies
    locks/        inter-process locks       tmp/      work folders, renamed into place

Every entry is written in ``tmp/`` and renamed into place, so an entry exists whole or
not at all; one without its marker is a miss. Processes that bootstrap at once take a
file lock per package version: the first downloads, the others find the entry.

The marker records the SHA-512 of every file extracted, and :meth:`PackageCache.verify`
hashes them again before they are used (a few megabytes: milliseconds), so a cached DLL
replaced by another build is noticed, not loaded. A cache hit reads no zip and no network.
An entry written before markers held file hashes is a miss, and is extracted again.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple, Union

from octoclr.errors import BootstrapError, IntegrityError

__all__ = ["CACHE_ENV", "CacheEntry", "PackageCache", "default_cache_root"]

CACHE_ENV = "OCTOCLR_CACHE_DIR"
MARKER = ".octoclr-entry.json"
PACKAGE_INFO = "package.json"
LOCK_TIMEOUT = 600.0  # a first download on a slow link may take minutes


def default_cache_root(cache_dir: Union[str, Path, None] = None) -> Path:
    if cache_dir:
        return Path(cache_dir).expanduser().resolve()
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]).expanduser().resolve()
    import platformdirs

    return Path(platformdirs.user_cache_dir("octoclr", appauthor=False)) 


def _safe_name(text: str) -> str:
    """A path component from a name that came from a package or a user: no separators, no dots-only."""
    cleaned = "".join(c if c.isalnum() or c in "._-+" else "_" for c in text.lower())
    if cleaned.strip(".") == "":
        cleaned = "_" + cleaned
    return cleaned


@dataclass(frozen=True)
class CacheEntry:
    id: str
    version: str
    framework: str
    sha512: str
    path: Path
    assemblies: Tuple[Path, ...]
    source: str
    files: Tuple[Tuple[str, str], ...] = ()  # (path relative to the entry, base64 SHA-512) of every file extracted


def _write_json_atomically(path: Path, content: Dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as sink:
            json.dump(content, sink, indent=2, sort_keys=True)
            sink.flush()
            os.fsync(sink.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _file_hashes(folder: Path) -> Dict[str, str]:
    from octoclr.nuget.download import hash_file

    return {str(f.relative_to(folder)).replace(os.sep, "/"): hash_file(f)
            for f in sorted(folder.rglob("*")) if f.is_file() and f.name != MARKER}


def _read_json(path: Path) -> Optional[Dict[str, Any]]:
    try:
        with open(path, encoding="utf-8") as source:
            value = json.load(source)
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


class PackageCache:
    def __init__(self, root: Union[str, Path]) -> None:
        self.root = Path(root)

    # --- locations --------------------------------------------------------------------

    def version_dir(self, package_id: str, version: str) -> Path:
        return self.root / "packages" / _safe_name(package_id) / _safe_name(version)

    def entry_dir(self, package_id: str, version: str, framework: str) -> Path:
        return self.version_dir(package_id, version) / _safe_name(framework or "_lib")

    def nupkg_path(self, package_id: str, version: str) -> Path:
        return self.version_dir(package_id, version) / f"{_safe_name(package_id)}.{_safe_name(version)}.nupkg"

    def _ensure(self, name: str) -> Path:
        path = self.root / name
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BootstrapError(
                f"The cache folder {self.root} cannot be written ({exc}). "
                f"Choose another with --cache-dir or {CACHE_ENV}."
            ) from None
        return path

    def work_dir(self) -> Path:
        """A fresh folder in ``tmp/`` (same file system as the entries, so rename is atomic)."""
        return Path(tempfile.mkdtemp(prefix="work-", dir=self._ensure("tmp")))

    # --- locks ------------------------------------------------------------------------

    def lock(self, name: str) -> Any:
        from filelock import FileLock

        return FileLock(str(self._ensure("locks") / f"{_safe_name(name)}.lock"), timeout=LOCK_TIMEOUT)

    # --- reading ----------------------------------------------------------------------

    def lookup(self, package_id: str, version: str, framework: str) -> Optional[CacheEntry]:
        """The complete entry, or None. Reads one small file."""
        folder = self.entry_dir(package_id, version, framework)
        marker = _read_json(folder / MARKER)
        if not marker:
            return None
        try:
            assemblies = tuple(folder / name for name in marker["assemblies"])
            files = tuple(sorted((str(k), str(v)) for k, v in marker["files"].items()))
            return CacheEntry(marker["id"], marker["version"], marker["framework"], marker["sha512"], folder,
                              assemblies, marker.get("source", ""), files)
        except (KeyError, TypeError, AttributeError):
            return None  # an entry we cannot read (or one without file hashes) is an entry we do not have

    def damage(self, entry: CacheEntry) -> Optional[Tuple[str, str, str]]:
        """The first file of ``entry`` that is missing or changed since it was extracted, as
        (relative path, expected hash, actual hash); None when every file is as written."""
        from octoclr.nuget.download import hash_file

        for name, expected in entry.files:
            path = entry.path / name
            try:
                actual = hash_file(path)
            except OSError:
                actual = "(missing)"
            if actual != expected:
                return name, expected, actual
        return None

    def verify(self, entry: CacheEntry) -> None:
        """Raise :class:`IntegrityError` naming the first cached file changed since it was extracted."""
        damaged = self.damage(entry)
        if damaged is None:
            return
        name, expected, actual = damaged
        raise IntegrityError(
            f"{entry.id} {entry.version} ({entry.framework or 'lib'}/{name})", expected, actual, str(entry.path / name),
            recorded_in="what was extracted into the cache",
            advice="A cached file was changed after it was installed, so it is not loaded. Run `octoclr bootstrap` "
                   "with network access, or `octoclr bootstrap --repair` (also offline, from the cached .nupkg), "
                   "to replace the cache entry.",
        )

    def package_info(self, package_id: str, version: str) -> Optional[Dict[str, Any]]:
        info = _read_json(self.version_dir(package_id, version) / PACKAGE_INFO)
        if info and self.nupkg_path(package_id, version).is_file():
            return info
        return None

    def cached_versions(self, package_id: str) -> List[str]:
        folder = self.root / "packages" / _safe_name(package_id)
        if not folder.is_dir():
            return []
        return [child.name for child in folder.iterdir() if (child / PACKAGE_INFO).is_file()]

    # --- writing ----------------------------------------------------------------------

    def store_nupkg(self, package_id: str, version: str, nupkg: Path, info: Dict[str, Any]) -> None:
        """Keep the .nupkg and what it holds; the info file is written last and marks it complete."""
        version_dir = self.version_dir(package_id, version)
        version_dir.mkdir(parents=True, exist_ok=True)
        target = self.nupkg_path(package_id, version)
        fd, temp = tempfile.mkstemp(prefix=".tmp-", suffix=".nupkg", dir=version_dir)
        os.close(fd)
        try:
            shutil.copyfile(nupkg, temp)
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        _write_json_atomically(version_dir / PACKAGE_INFO, info)

    def commit_entry(self, work: Path, package_id: str, version: str, framework: str, sha512: str,
                     assemblies: Tuple[Path, ...], source: str) -> CacheEntry:
        """Write the marker into ``work`` and rename it into place as the entry."""
        relative = [str(a.relative_to(work)).replace(os.sep, "/") for a in assemblies]
        marker = {"id": package_id, "version": version, "framework": framework, "sha512": sha512,
                  "assemblies": relative, "source": source, "files": _file_hashes(work)}
        _write_json_atomically(work / MARKER, marker)
        target = self.entry_dir(package_id, version, framework)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            existing = self.lookup(package_id, version, framework)
            if existing is not None and existing.sha512 == sha512 and self.damage(existing) is None:
                shutil.rmtree(work, ignore_errors=True)  # another process was first: keep its entry
                return existing
            # A leftover without its marker, an entry from before file hashes, or a damaged one: replace it.
            # Moved aside first, so that the rename below never meets a half-deleted folder.
            aside = Path(tempfile.mkdtemp(prefix="old-", dir=self._ensure("tmp")))
            os.rename(target, aside / "entry")
            shutil.rmtree(aside, ignore_errors=True)
        os.rename(work, target)
        entry = self.lookup(package_id, version, framework)
        assert entry is not None
        return entry
