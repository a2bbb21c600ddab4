"""The simulator's state: one SQLite database (a file in WAL mode, or in memory).

Resources are stored as their JSON bodies, ready to send, beside the columns the
server filters on (id, space, parent, name). Every request that changes state runs in
one transaction, so a rejected or interrupted request leaves nothing half-written, and
a write is acknowledged only after its transaction committed.
"""

from __future__ import annotations

import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Optional, Sequence, Union

from octoclr.simulator import codec

_SCHEMA = """
CREATE TABLE IF NOT EXISTS resources (
    coll TEXT NOT NULL,
    id TEXT NOT NULL,
    id_key TEXT NOT NULL,
    space_id TEXT,
    parent_id TEXT,
    name_key TEXT,
    sort_num REAL NOT NULL DEFAULT 0,
    seq INTEGER NOT NULL,
    body BLOB NOT NULL,
    PRIMARY KEY (coll, id_key)
);
CREATE INDEX IF NOT EXISTS resources_by_space ON resources (coll, space_id, sort_num, seq);
CREATE TABLE IF NOT EXISTS counters (prefix TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS passwords (user_id TEXT PRIMARY KEY, hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS api_keys (
    id TEXT PRIMARY KEY, user_id TEXT NOT NULL, key_hash TEXT NOT NULL UNIQUE,
    purpose TEXT, created TEXT NOT NULL, hint TEXT NOT NULL
);
-- Sensitive values (passwords, keys, certificate data, sensitive variables): kept apart from the
-- bodies, which are what responses are made of, so that no response can carry one.
CREATE TABLE IF NOT EXISTS secrets (
    coll TEXT NOT NULL, id_key TEXT NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL,
    PRIMARY KEY (coll, id_key, field)
);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, csrf TEXT NOT NULL, created TEXT NOT NULL
);
"""

#: Matches any space, for listing mixed or space-scoped collections across spaces.
ANY_SPACE = object()

#: Tables that families keep of their own (e.g. the built-in feed's package files), created
#: with the rest of the schema; see :func:`register_schema`.
_FAMILY_SCHEMAS: list[str] = []


def register_schema(sql: str) -> None:
    """Create these tables (``CREATE TABLE IF NOT EXISTS …``) in every store opened from now on."""
    if sql not in _FAMILY_SCHEMAS:
        _FAMILY_SCHEMAS.append(sql)


@dataclass
class Row:
    coll: str
    id: str
    space_id: Optional[str]
    body: bytes

    def resource(self) -> dict[str, Any]:
        return codec.loads(self.body)


class Store:
    """Plain methods over the database; the caller decides what is valid."""

    def __init__(self, path: Union[str, Path, None] = None) -> None:
        self.path = str(path) if path else ":memory:"
        self._conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._lock = threading.RLock()
        self._depth = 0
        if self.path != ":memory:":
            self._conn.execute("PRAGMA journal_mode=WAL")
            # In WAL mode NORMAL survives a killed process: a commit is in the WAL file
            # before the call returns; only an OS crash could lose the last commits.
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute("PRAGMA busy_timeout=5000")
        self._conn.executescript(_SCHEMA)
        for schema in _FAMILY_SCHEMAS:
            self._conn.executescript(schema)

    # --- transactions -------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic unit; nested calls join the outer transaction."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self._conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield
            except BaseException:
                self._depth = 0
                self._conn.execute("ROLLBACK")
                raise
            self._depth = 0
            self._conn.execute("COMMIT")

    def close(self) -> None:
        self._conn.close()

    def execute(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """One statement on a family's own table; inside :meth:`transaction` it joins it."""
        with self._lock:
            return self._conn.execute(sql, args).fetchall()

    # --- counters and metadata -------------------------------------------------------

    def next_number(self, prefix: str) -> int:
        with self.transaction():
            row = self._conn.execute("SELECT value FROM counters WHERE prefix=?", (prefix,)).fetchone()
            value = (row[0] if row else 0) + 1
            self._conn.execute("INSERT OR REPLACE INTO counters (prefix, value) VALUES (?, ?)", (prefix, value))
            return value

    def get_meta(self, key: str) -> Optional[str]:
        row = self._conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction():
            self._conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    # --- resources ------------------------------------------------------------------

    def get(self, coll: str, resource_id: str) -> Optional[Row]:
        row = self._conn.execute(
            "SELECT id, space_id, body FROM resources WHERE coll=? AND id_key=?", (coll, resource_id.lower())
        ).fetchone()
        return Row(coll, row[0], row[1], row[2]) if row else None

    def put(
        self,
        coll: str,
        resource: dict[str, Any],
        *,
        name: Optional[str],
        parent_id: Optional[str] = None,
        sort_num: float = 0,
    ) -> bytes:
        """Insert or replace a resource; returns the stored body."""
        body = codec.dumps(resource)
        resource_id = resource["Id"]
        with self.transaction():
            existing = self._conn.execute(
                "SELECT seq FROM resources WHERE coll=? AND id_key=?", (coll, resource_id.lower())
            ).fetchone()
            seq = existing[0] if existing else self.next_number("#seq")
            self._conn.execute(
                "INSERT OR REPLACE INTO resources (coll, id, id_key, space_id, parent_id, name_key, sort_num, seq, body)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (coll, resource_id, resource_id.lower(), resource.get("SpaceId"),
                 parent_id.lower() if parent_id else None, name.strip().lower() if name else None,
                 sort_num, seq, body),
            )
        return body

    def delete(self, coll: str, resource_id: str) -> bool:
        with self.transaction():
            cursor = self._conn.execute("DELETE FROM resources WHERE coll=? AND id_key=?", (coll, resource_id.lower()))
            self._conn.execute("DELETE FROM secrets WHERE coll=? AND id_key=?", (coll, resource_id.lower()))
            return cursor.rowcount > 0

    def name_taken(
        self, coll: str, name: str, space_id: Optional[str], parent_id: Optional[str], except_id: Optional[str]
    ) -> bool:
        row = self._conn.execute(
            "SELECT 1 FROM resources WHERE coll=? AND space_id IS ? AND parent_id IS ? AND name_key=?"
            " AND id_key IS NOT ? LIMIT 1",
            (coll, space_id, parent_id.lower() if parent_id else None, name.strip().lower(),
             except_id.lower() if except_id else None),
        ).fetchone()
        return row is not None

    def query(
        self,
        coll: str,
        *,
        spaces: Any = ANY_SPACE,
        include_system: bool = False,
        ids: Optional[Sequence[str]] = None,
        name: Optional[str] = None,
        partial_name: Optional[str] = None,
        parent_id: Optional[str] = None,
        newest_first: bool = False,
        skip: int = 0,
        take: Optional[int] = None,
    ) -> tuple[int, list[bytes]]:
        """Matching bodies in list order: (total count, the bodies of the requested window)."""
        where = ["coll=?"]
        args: list[Any] = [coll]
        if spaces is not ANY_SPACE:
            space_list = [s for s in spaces if s is not None]
            clauses = []
            if space_list:
                clauses.append(f"space_id IN ({','.join('?' * len(space_list))})")
                args.extend(space_list)
            if include_system or None in spaces:
                clauses.append("space_id IS NULL")
            where.append("(" + " OR ".join(clauses) + ")" if clauses else "0")
        if ids is not None:
            where.append(f"id_key IN ({','.join('?' * len(ids))})" if ids else "0")
            args.extend(i.lower() for i in ids)
        if name is not None:
            where.append("name_key=?")
            args.append(name.strip().lower())
        if partial_name:
            where.append("instr(name_key, ?) > 0")
            args.append(partial_name.strip().lower())
        if parent_id is not None:
            where.append("parent_id=?")
            args.append(parent_id.lower())
        clause = " AND ".join(where)
        order = "seq DESC" if newest_first else "sort_num, seq"
        total = self._conn.execute(f"SELECT count(*) FROM resources WHERE {clause}", args).fetchone()[0]
        window = ""
        if take is not None:
            window = " LIMIT ? OFFSET ?"
            args = [*args, max(take, 0), max(skip, 0)]
        elif skip:
            window = " LIMIT -1 OFFSET ?"
            args = [*args, skip]
        rows = self._conn.execute(f"SELECT body FROM resources WHERE {clause} ORDER BY {order}{window}", args)
        return total, [r[0] for r in rows]

    def rows(self, coll: str, space_id: Any = ANY_SPACE) -> list[Row]:
        if space_id is ANY_SPACE:
            cursor = self._conn.execute("SELECT id, space_id, body FROM resources WHERE coll=? ORDER BY seq", (coll,))
        else:
            cursor = self._conn.execute(
                "SELECT id, space_id, body FROM resources WHERE coll=? AND space_id IS ? ORDER BY seq", (coll, space_id)
            )
        return [Row(coll, r[0], r[1], r[2]) for r in cursor]

    def delete_space_contents(self, space_id: str) -> None:
        with self.transaction():
            self._conn.execute("DELETE FROM resources WHERE space_id=?", (space_id,))
            self._conn.execute("DELETE FROM secrets WHERE NOT EXISTS (SELECT 1 FROM resources r"
                               " WHERE r.coll=secrets.coll AND r.id_key=secrets.id_key)")

    # --- sensitive values (see :mod:`.families.secrets`) ------------------------------

    def secrets(self, coll: str, resource_id: str) -> dict[str, str]:
        """Every sensitive value of one resource, by field."""
        cursor = self._conn.execute("SELECT field, value FROM secrets WHERE coll=? AND id_key=?",
                                    (coll, resource_id.lower()))
        return {r[0]: r[1] for r in cursor}

    def set_secret(self, coll: str, resource_id: str, field: str, value: Optional[str]) -> None:
        """Keep a sensitive value, or forget it (``None``)."""
        with self.transaction():
            if value is None:
                self._conn.execute("DELETE FROM secrets WHERE coll=? AND id_key=? AND field=?",
                                   (coll, resource_id.lower(), field))
            else:
                self._conn.execute("INSERT OR REPLACE INTO secrets (coll, id_key, field, value) VALUES (?, ?, ?, ?)",
                                   (coll, resource_id.lower(), field, value))

    # --- credentials ----------------------------------------------------------------

    def set_password_hash(self, user_id: str, password_hash: str) -> None:
        with self.transaction():
            self._conn.execute("INSERT OR REPLACE INTO passwords (user_id, hash) VALUES (?, ?)", (user_id, password_hash))

    def password_hash(self, user_id: str) -> Optional[str]:
        row = self._conn.execute("SELECT hash FROM passwords WHERE user_id=?", (user_id,)).fetchone()
        return row[0] if row else None

    def add_api_key(self, key_id: str, user_id: str, key_hash: str, purpose: Optional[str], created: str, hint: str) -> None:
        with self.transaction():
            self._conn.execute(
                "INSERT INTO api_keys (id, user_id, key_hash, purpose, created, hint) VALUES (?, ?, ?, ?, ?, ?)",
                (key_id, user_id, key_hash, purpose, created, hint),
            )

    def api_key_owner(self, key_hash: str) -> Optional[str]:
        row = self._conn.execute("SELECT user_id FROM api_keys WHERE key_hash=?", (key_hash,)).fetchone()
        return row[0] if row else None

    def api_keys(self, user_id: str) -> list[dict[str, Any]]:
        cursor = self._conn.execute(
            "SELECT id, purpose, created, hint FROM api_keys WHERE user_id=? ORDER BY created, id", (user_id,)
        )
        return [{"Id": r[0], "Purpose": r[1], "Created": r[2], "Hint": r[3]} for r in cursor]

    def delete_api_key(self, user_id: str, key_id: str) -> bool:
        with self.transaction():
            cursor = self._conn.execute(
                "DELETE FROM api_keys WHERE user_id=? AND lower(id)=?", (user_id, key_id.lower())
            )
            return cursor.rowcount > 0

    def delete_user_credentials(self, user_id: str) -> None:
        with self.transaction():
            for table in ("passwords", "api_keys", "sessions"):
                self._conn.execute(f"DELETE FROM {table} WHERE user_id=?", (user_id,))

    def add_session(self, token_hash: str, user_id: str, csrf: str, created: str) -> None:
        with self.transaction():
            self._conn.execute(
                "INSERT INTO sessions (token_hash, user_id, csrf, created) VALUES (?, ?, ?, ?)",
                (token_hash, user_id, csrf, created),
            )

    def session(self, token_hash: str) -> Optional[tuple[str, str]]:
        row = self._conn.execute("SELECT user_id, csrf FROM sessions WHERE token_hash=?", (token_hash,)).fetchone()
        return (row[0], row[1]) if row else None

    def delete_session(self, token_hash: str) -> None:
        with self.transaction():
            self._conn.execute("DELETE FROM sessions WHERE token_hash=?", (token_hash,))

    # --- whole-database copies (seeded template, reset) -----------------------------------

    def copy_to(self, other: "Store") -> None:
        """Replace ``other``'s whole content with this database's."""
        with self._lock, other._lock:
            self._conn.backup(other._conn)

    def is_empty(self) -> bool:
        return self.get_meta("installation_id") is None
