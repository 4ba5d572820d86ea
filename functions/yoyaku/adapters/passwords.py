"""Password hashing with argon2id (argon2-cffi)."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


@cache
def _hasher() -> PasswordHasher:
    # argon2id, 64 MiB, 3 passes, 1 lane: see docs/architecture.md for the measured cost.
    return PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=1)


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# A hash of a password nobody has: verifying against it when the account does not exist
# costs the same time as a real check, so response times do not reveal which ids exist.
@cache
def decoy_hash() -> str:
    return hash_password("decoy password that matches nothing")
