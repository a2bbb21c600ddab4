"""Who is calling: API keys (header, ``apikey`` query, Bearer) and sign-in cookies with CSRF.

API keys and passwords are stored only as hashes. A key is random and long, so a plain
SHA-256 is enough to look it up; a password is salted and stretched (PBKDF2).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
from dataclasses import dataclass
from typing import Mapping, Optional

from octoclr.simulator.exceptions import Forbidden, Unauthorized
from octoclr.simulator.store import Store

ADMINISTRATORS_TEAM = "teams-administrators"
AUTH_COOKIE = "OctopusIdentificationToken"
CSRF_COOKIE = "Octopus-Csrf-Token"
CSRF_HEADER = "x-octopus-csrf-token"
_PBKDF2_ROUNDS = 60_000
_KEY_ALPHABET = string.ascii_uppercase + string.digits


def new_api_key() -> str:
    """A key in the server's shape: ``API-`` and 26 upper-case letters and digits."""
    return "API-" + "".join(secrets.choice(_KEY_ALPHABET) for _ in range(26))


def new_password() -> str:
    return secrets.token_urlsafe(12)


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def key_hint(key: str) -> str:
    """What the server shows of a stored key: the prefix and the last four characters."""
    return "API-" + "*" * 8 + key[-4:]


def hash_password(password: str) -> str:
    salt = secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), bytes.fromhex(salt), _PBKDF2_ROUNDS)
    return f"pbkdf2_sha256${_PBKDF2_ROUNDS}${salt}${digest.hex()}"


def check_password(password: str, stored: Optional[str]) -> bool:
    if not stored:
        return False
    try:
        _, rounds, salt, expected = stored.split("$")
        digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), bytes.fromhex(salt), int(rounds))
    except ValueError:
        return False
    return hmac.compare_digest(digest.hex(), expected)


@dataclass(frozen=True)
class Principal:
    user_id: str
    is_admin: bool
    session_token_hash: Optional[str] = None  # set when signed in with a cookie


class Authenticator:
    """Resolves the caller of a request; caches what it looked up until the next write."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._keys: dict[str, str] = {}
        self._admins: Optional[frozenset[str]] = None

    def invalidate(self) -> None:
        self._keys.clear()
        self._admins = None

    def admins(self) -> frozenset[str]:
        if self._admins is None:
            row = self.store.get("teams", ADMINISTRATORS_TEAM)
            members = row.resource().get("MemberUserIds", []) if row else []
            self._admins = frozenset(m.lower() for m in members)
        return self._admins

    def is_admin(self, user_id: str) -> bool:
        return user_id.lower() in self.admins()

    def _user_for_key(self, key: str) -> Optional[str]:
        key_hash = hash_api_key(key)
        if key_hash in self._keys:
            return self._keys[key_hash]
        user_id = self.store.api_key_owner(key_hash)
        if user_id is not None:
            row = self.store.get("users", user_id)
            if row is None or not row.resource().get("IsActive", True):
                return None
            self._keys[key_hash] = user_id  # only hits are cached: random wrong keys must not grow the cache
        return user_id

    def identify(
        self, headers: Mapping[str, str], query: Mapping[str, str], cookies: Mapping[str, str]
    ) -> Optional[Principal]:
        """The caller, or None when the request carries no credentials at all.

        Wrong credentials raise :class:`Unauthorized`; a cookie without its CSRF
        header raises :class:`Forbidden`.
        """
        key = headers.get("x-octopus-apikey") or query.get("apikey") or query.get("apiKey")
        if not key:
            authorization = headers.get("authorization", "")
            if authorization[:7].lower() == "bearer ":
                key = authorization[7:].strip()
        if key:
            user_id = self._user_for_key(key.strip())
            if user_id is None:
                raise Unauthorized("The API key you provided was not valid. Please double-check your API key and try again.")
            return Principal(user_id, self.is_admin(user_id))
        token = next((v for k, v in cookies.items() if k.startswith(AUTH_COOKIE)), None)
        if not token:
            return None
        token_hash = hash_api_key(token)
        session = self.store.session(token_hash)
        if session is None:
            raise Unauthorized("Your session has expired or is not valid. Please sign in again.")
        user_id, csrf = session
        sent = headers.get(CSRF_HEADER, "")
        if not sent or not hmac.compare_digest(sent, csrf):
            raise Forbidden(
                "A required anti-forgery token was not supplied or was invalid.",
                help_text="Send the value of the Octopus-Csrf-Token cookie in the X-Octopus-Csrf-Token header.",
            )
        return Principal(user_id, self.is_admin(user_id), token_hash)

    def sign_in(self, user_id: str, created: str) -> tuple[str, str]:
        """Start a session: returns (auth token, CSRF token); only the token's hash is stored."""
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(24)
        self.store.add_session(hash_api_key(token), user_id, csrf, created)
        return token, csrf
