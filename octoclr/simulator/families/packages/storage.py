"""The built-in feed's packages: their records and files, in the simulator's database.

One row per package version and space, with the resource body (without links) beside the
file's bytes, so that packages persist with the rest of the state, are copied by a reset,
and a replaced package is swapped in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from octoclr.nuget.versions import NuGetVersion
from octoclr.simulator import codec
from octoclr.simulator.store import Store, register_schema

SCHEMA = """
CREATE TABLE IF NOT EXISTS builtin_packages (
    space_id TEXT NOT NULL,
    id_key TEXT NOT NULL,
    package_key TEXT NOT NULL,
    seq INTEGER NOT NULL,
    body BLOB NOT NULL,
    content BLOB NOT NULL,
    PRIMARY KEY (space_id, id_key)
);
CREATE INDEX IF NOT EXISTS builtin_packages_by_id ON builtin_packages (space_id, package_key);
"""
register_schema(SCHEMA)


def version_key(package_id: str, version: str) -> str:
    """One key for equal versions however written (``1.0`` and ``1.0.0``), case-insensitive."""
    return f"{package_id.lower()}.{NuGetVersion.parse(version).normalized.lower()}"


@dataclass(frozen=True)
class StoredPackage:
    body: dict[str, Any]

    @property
    def package_id(self) -> str:
        return str(self.body["PackageId"])

    @property
    def version(self) -> str:
        return str(self.body["Version"])

    @property
    def sort_version(self) -> NuGetVersion:
        return NuGetVersion.parse(self.version)


class PackageStore:
    def __init__(self, store: Store) -> None:
        self.store = store
        # register_schema created the table when the store opened; a database copied in from an
        # older file (a restore) may still lack it.
        for statement in SCHEMA.strip().split(";"):
            if statement.strip():
                self.store.execute(statement)

    def all(self, space_id: str) -> list[StoredPackage]:
        rows = self.store.execute("SELECT body FROM builtin_packages WHERE space_id=? ORDER BY seq", (space_id,))
        return [StoredPackage(codec.loads(r[0])) for r in rows]

    def versions_of(self, space_id: str, package_id: str) -> list[StoredPackage]:
        rows = self.store.execute("SELECT body FROM builtin_packages WHERE space_id=? AND package_key=? ORDER BY seq",
                                  (space_id, package_id.lower()))
        return [StoredPackage(codec.loads(r[0])) for r in rows]

    def get(self, space_id: str, package_id: str, version: str) -> Optional[StoredPackage]:
        rows = self.store.execute("SELECT body FROM builtin_packages WHERE space_id=? AND id_key=?",
                                  (space_id, version_key(package_id, version)))
        return StoredPackage(codec.loads(rows[0][0])) if rows else None

    def content(self, space_id: str, package_id: str, version: str) -> Optional[bytes]:
        rows = self.store.execute("SELECT content FROM builtin_packages WHERE space_id=? AND id_key=?",
                                  (space_id, version_key(package_id, version)))
        return bytes(rows[0][0]) if rows else None

    def put(self, space_id: str, body: dict[str, Any], content: bytes) -> None:
        key = version_key(body["PackageId"], body["Version"])
        with self.store.transaction():
            existing = self.store.execute("SELECT seq FROM builtin_packages WHERE space_id=? AND id_key=?",
                                          (space_id, key))
            seq = existing[0][0] if existing else self.store.next_number("#packages")
            self.store.execute(
                "INSERT OR REPLACE INTO builtin_packages (space_id, id_key, package_key, seq, body, content)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (space_id, key, body["PackageId"].lower(), seq, codec.dumps(body), content))

    def delete(self, space_id: str, package_id: str, version: str) -> bool:
        with self.store.transaction():
            found = self.store.execute("SELECT 1 FROM builtin_packages WHERE space_id=? AND id_key=?",
                                       (space_id, version_key(package_id, version)))
            self.store.execute("DELETE FROM builtin_packages WHERE space_id=? AND id_key=?",
                               (space_id, version_key(package_id, version)))
        return bool(found)

    def count(self, space_id: Optional[str]) -> int:
        if space_id is None:
            return int(self.store.execute("SELECT count(*) FROM builtin_packages")[0][0])
        return int(self.store.execute("SELECT count(*) FROM builtin_packages WHERE space_id=?", (space_id,))[0][0])
