"""``octoclr lock``: create or update a project's lock file, or check that it is up to date.

Locking resolves and verifies what each target (a runtime, or an explicit framework) uses,
exactly as a bootstrap does, but against a working copy of the lock file: the project's file
changes once, with every target's result, or not at all (``check``, or a failure for any
target). What is found goes into the cache as in any bootstrap; nothing is loaded or run.

A lock file is up to date when resolving changes none of its targets and adds no package;
an entry whose hash differs from what a source serves is an
:class:`~octoclr.errors.IntegrityError`, as in any bootstrap.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Optional, Sequence, Tuple, Union

from octoclr.lockfile import LOCK_FILE_NAME, LockedPackage, LockFile, find_lock_path

__all__ = ["LockReport", "lock_project"]


@dataclass(frozen=True)
class LockReport:
    path: Path
    existed: bool  # the lock file was there before
    added: Tuple[str, ...]  # packages the lock file did not hold ("Octopus.Client 11.0.0 (net45)")
    changed: Tuple[str, ...]  # targets set or moved ("mono: Octopus.Client 11.0.0 (net45), locked: 8.2.0 (net45)")
    written: bool  # the file was (re)written

    @property
    def up_to_date(self) -> bool:
        return self.existed and not self.added and not self.changed

    def to_dict(self) -> Dict[str, Any]:
        return {"lock_file": str(self.path), "existed": self.existed, "up_to_date": self.up_to_date,
                "written": self.written, "added": list(self.added), "changed": list(self.changed)}


def lock_path_for_locking(lock_file: Union[str, Path, None] = None) -> Path:
    """The lock file in force, or, outside any project, ``octoclr.lock.json`` in the current folder."""
    return find_lock_path(lock_file)[0] or Path.cwd() / LOCK_FILE_NAME


def lock_project(
    runtimes: Sequence[Optional[str]] = (None,),
    *,
    check: bool = False,
    version: Optional[str] = None,
    source: Optional[str] = None,
    framework: Optional[str] = None,
    offline: bool = False,
    prerelease: bool = False,
    lock_file: Union[str, Path, None] = None,
    cache_dir: Union[str, Path, None] = None,
    download_deadline: Optional[float] = None,
    package_id: str = "Octopus.Client",
    quiet: bool = True,
) -> LockReport:
    """Lock ``package_id`` for each of ``runtimes`` (None: the one ``octoclr.load()`` would choose).

    ``check`` writes nothing: see :attr:`LockReport.up_to_date`. Raises what a bootstrap raises
    (:class:`~octoclr.errors.BootstrapError` and its kinds), leaving the lock file as it was.
    """
    from octoclr.bootstrapper import bootstrap

    path = lock_path_for_locking(lock_file)
    before = LockFile.load(path)
    existed = path.is_file()
    with tempfile.TemporaryDirectory(prefix="octoclr-lock-") as work:
        draft_path = Path(work) / LOCK_FILE_NAME
        if existed:
            before.save(draft_path)
        for runtime in runtimes or (None,):
            bootstrap(version=version, source=source, framework=framework, offline=offline, runtime=runtime,
                      lock_file=draft_path, cache_dir=cache_dir, quiet=quiet, package_id=package_id,
                      prerelease=prerelease, repair=not offline, download_deadline=download_deadline)
        draft = LockFile.load(draft_path)
    added, changed = _differences(before, draft)
    written = False
    if not check and (added or changed or not existed):
        # Merged into the file as it is now: another process may have locked meanwhile. An entry
        # verified the same stays as it is, naming the source it was first locked from.
        current = LockFile.load(path)
        known = {p.key: p for p in current.packages}
        updated = current.with_result([p for p in draft.packages if p.key not in known
                                       or _what_is_verified(known[p.key]) != _what_is_verified(p)], None)
        for target in draft.targets:
            updated = updated.with_result((), target)
        updated.save(path)
        written = True
    return LockReport(path, existed, added, changed, written)


def _what_is_verified(item: LockedPackage) -> Tuple[Any, ...]:
    # Where a package came from is a note: the same hash from another source is the same package.
    return (item.verified, item.sha512, item.files, item.dependencies)


def _differences(before: LockFile, after: LockFile) -> Tuple[Tuple[str, ...], Tuple[str, ...]]:
    known = {p.key: p for p in before.packages}
    added = tuple(sorted(f"{p.id} {p.version} ({p.framework})" for p in after.packages
                         if p.key not in known or _what_is_verified(known[p.key]) != _what_is_verified(p)))
    changed = []
    for target in sorted(after.targets, key=lambda t: (t.package.lower(), t.target)):
        old = before.target(target.package, target.target)
        if old is None or (old.version, old.framework) != (target.version, target.framework):
            was = f"{old.version} ({old.framework})" if old else "not locked"
            changed.append(f"{target.target}: {target.package} {target.version} ({target.framework}), was {was}")
    return added, tuple(changed)
