"""Staff password hashes: scrypt, stored as one self-describing string.

Format: ``scrypt$<n>$<r>$<p>$<salt, base64>$<hash, base64>``. The cost parameters travel with
the hash so they can be raised later without invalidating existing hashes. Only the hash is
kept in memory or configuration; the plain password never is.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SCHEME = "scrypt"
N, R, P = 2**15, 8, 1  # ~0.1 s and 32 MiB per check: slow for guessing, fine for a sign-in
SALT_BYTES, KEY_BYTES = 16, 32
MAX_MEMORY = 128 * 1024 * 1024


class BadPasswordHash(ValueError):
    """FRONTDESK_PASSWORD_HASH is not a hash this module wrote."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _derive(password: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=MAX_MEMORY, dklen=length
    )


def hash_password(password: str) -> str:
    if not password:
        raise ValueError("the password is empty")
    salt = secrets.token_bytes(SALT_BYTES)
    key = _derive(password, salt, N, R, P, KEY_BYTES)
    return f"{SCHEME}${N}${R}${P}${_b64(salt)}${_b64(key)}"


def parse_hash(encoded: str) -> tuple[bytes, int, int, int, bytes]:
    """(salt, n, r, p, key); raises BadPasswordHash with the reason."""
    parts = encoded.strip().split("$")
    if len(parts) != 6 or parts[0] != SCHEME:
        raise BadPasswordHash(
            "expected scrypt$<n>$<r>$<p>$<salt>$<hash> "
            "(make one with: python -m webapp.frontdesk.hash_password)"
        )
    try:
        n, r, p = (int(value) for value in parts[1:4])
        salt, key = (
            base64.b64decode(parts[4], validate=True),
            base64.b64decode(parts[5], validate=True),
        )
    except ValueError as err:
        raise BadPasswordHash(f"unreadable cost or base64 in the hash: {err}") from None
    if n < 2 or n & (n - 1) or r < 1 or p < 1 or not salt or len(key) < 16:
        raise BadPasswordHash("the hash's cost parameters, salt or key are out of range")
    return salt, n, r, p, key


def verify_password(password: str, encoded: str) -> bool:
    """True when `password` matches; compares in constant time."""
    salt, n, r, p, key = parse_hash(encoded)
    candidate = _derive(password, salt, n, r, p, len(key))
    return hmac.compare_digest(candidate, key)
