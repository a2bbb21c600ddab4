"""The package cache: one folder per package id, version and framework.

Layout under the cache root (``OCTOCLR_CACHE_DIR``, an argument, or the user cache
folder from platformdirs)::

    packages/<id>/<version>/package.json            what the .nupkg holds (written last)
    packages/<id>/<version>/<id>.<version>.nupkg    kept to extract other frameworks offline
    packages/<id>/<version>/<framework>/            the lib/<framework>/ files
    packages/<id>/<version>/<framework>/.octoclr-entry.json   marker: hash and assemblies
    locks/        inter-process locks       tmp/      work folders, renamed into place

Every entry is written in ``tmp/`` and renamed into place, so an entry exists whole or
not at all; one without its marker is a miss. Processes that bootstrap at once take a
file lock per package version: the first downloads, the others find the entry.
A cache hit reads only the small marker file: no network, no zip.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple, Union

from octoclr.errors import BootstrapError

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
            return CacheEntry(marker["id"], marker["version"], marker["framework"], marker["sha512"], folder, assemblies, marker.get("source", ""))
        except (KeyError, TypeError):
            return None  # an entry we cannot read is an entry we do not have

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
                  "assemblies": relative, "source": source}
        _write_json_atomically(work / MARKER, marker)
        target = self.entry_dir(package_id, version, framework)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            if (target / MARKER).is_file():
                shutil.rmtree(work, ignore_errors=True)  # another process was first: keep its entry
                entry = self.lookup(package_id, version, framework)
                if entry:
                    return entry
            else:
                shutil.rmtree(target)  # a leftover without its marker is not an entry
        os.rename(work, target)
        entry = self.lookup(package_id, version, framework)
        assert entry is not None
        return entry
