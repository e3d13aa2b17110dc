"""Account, invitation, session, attempt and audit rows (tables of ``schema.py``).

Every function takes an open connection and the moment it acts at; writes are single
statements or run inside ``opsdb.transaction`` by the caller. Tokens are random
(``secrets``) and stored as their SHA-256, so a copy of the database opens no session.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_HASHER = PasswordHasher()  # argon2id with the library's (RFC 9106 low-memory) defaults
_DUMMY = _HASHER.hash("not a password of anyone")
TOTP_PERIOD = 30


def token_hash(token: str) -> str:
    """How a token is stored: its SHA-256 in hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    """A fresh random token (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


# -- passwords -------------------------------------------------------------------------


def hash_password(password: str) -> str:
    """The argon2id hash of a password."""
    return _HASHER.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored``; a missing account costs the same time."""
    try:
        return _HASHER.verify(stored or _DUMMY, password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class Account:
    """One row of ``desk_accounts``."""

    person: str
    password_hash: str
    totp_secret: str
    totp_enabled: bool
    totp_last_step: int


def account(db: sqlite3.Connection, person: str) -> Account | None:
    """The account of ``person``, if they set a password."""
    row = db.execute(
        "SELECT person, password_hash, totp_secret, totp_enabled, totp_last_step "
        "FROM desk_accounts WHERE person = ?",
        (person,),
    ).fetchone()
    return Account(row[0], row[1], row[2], bool(row[3]), row[4]) if row else None


def set_password(db: sqlite3.Connection, person: str, password: str, now: datetime) -> None:
    """Create the account or replace its password (the one-time code is kept)."""
    db.execute(
        "INSERT INTO desk_accounts (person, password_hash, password_set_at, created_at) "
        "VALUES (?, ?, ?, ?) ON CONFLICT (person) DO UPDATE SET "
        "password_hash = excluded.password_hash, password_set_at = excluded.password_set_at",
        (person, hash_password(password), now.isoformat(), now.isoformat()),
    )


# -- invitations -----------------------------------------------------------------------


def create_invitation(
    db: sqlite3.Connection, person: str, by: str, now: datetime, valid: timedelta
) -> str:
    """A new one-time invitation token for ``person``; earlier unused ones stop working."""
    token = new_token()
    db.execute(
        "UPDATE desk_invitations SET used_at = ? WHERE person = ? AND used_at IS NULL",
        (now.isoformat(), person),
    )
    db.execute(
        "INSERT INTO desk_invitations (token_hash, person, created_by, created_at, "
        "expires_at) VALUES (?, ?, ?, ?, ?)",
        (token_hash(token), person, by, now.isoformat(), (now + valid).isoformat()),
    )
    return token


@dataclass(frozen=True)
class Invitation:
    """One row of ``desk_invitations``."""

    person: str
    expires_at: datetime
    used_at: datetime | None


def invitation(db: sqlite3.Connection, token: str) -> Invitation | None:
    """The invitation of ``token``, if it was ever issued."""
    row = db.execute(
        "SELECT person, expires_at, used_at FROM desk_invitations WHERE token_hash = ?",
        (token_hash(token),),
    ).fetchone()
    if row is None:
        return None
    used = datetime.fromisoformat(row[2]) if row[2] else None
    return Invitation(row[0], datetime.fromisoformat(row[1]), used)


def use_invitation(db: sqlite3.Connection, token: str, now: datetime) -> bool:
    """Mark the invitation used; False when someone used it first."""
    cursor = db.execute(
        "UPDATE desk_invitations SET used_at = ? WHERE token_hash = ? AND used_at IS NULL",
        (now.isoformat(), token_hash(token)),
    )
    return cursor.rowcount == 1


# -- one-time codes (TOTP, RFC 6238) ---------------------------------------------------


def new_totp_secret() -> str:
    """A fresh base32 secret for an authenticator app."""
    return pyotp.random_base32()


def totp_uri(secret: str, person: str, issuer: str) -> str:
    """The ``otpauth://`` address an authenticator app reads."""
    return pyotp.TOTP(secret).provisioning_uri(name=person, issuer_name=issuer)


def totp_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step whose code ``code`` is (now, or one step before or after), or None."""
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = int(now.timestamp()) // TOTP_PERIOD
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.at(step * TOTP_PERIOD), code):
            return step
    return None


def set_totp(db: sqlite3.Connection, person: str, secret: str, *, enabled: bool) -> None:
    """Keep a secret being enrolled (not yet enabled) or enable it."""
    db.execute(
        "UPDATE desk_accounts SET totp_secret = ?, totp_enabled = ? WHERE person = ?",
        (secret, int(enabled), person),
    )


def spend_totp_step(db: sqlite3.Connection, person: str, step: int) -> bool:
    """Record ``step`` as used; False when it (or a later one) was used already (replay)."""
    cursor = db.execute(
        "UPDATE desk_accounts SET totp_last_step = ? WHERE person = ? AND totp_last_step < ?",
        (step, person, step),
    )
    return cursor.rowcount == 1


# -- login attempts --------------------------------------------------------------------


def record_attempt(
    db: sqlite3.Connection, person: str, address: str, success: bool, now: datetime
) -> None:
    """Remember one login (or one-time code) attempt."""
    db.execute(
        "INSERT INTO desk_attempts (at, person, address, success) VALUES (?, ?, ?, ?)",
        (now.isoformat(), person, address, int(success)),
    )


def failures(
    db: sqlite3.Connection, since: datetime, *, person: str | None = None, address: str = ""
) -> tuple[int, datetime | None]:
    """(failed attempts since ``since`` for the person or the address, the oldest one)."""
    column, value = ("person", person) if person is not None else ("address", address)
    row = db.execute(
        f"SELECT COUNT(*), MIN(at) FROM desk_attempts WHERE {column} = ? AND at >= ? "
        "AND success = 0",
        (value, since.isoformat()),
    ).fetchone()
    return int(row[0]), datetime.fromisoformat(row[1]) if row[1] else None


# -- sessions --------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionRow:
    """One row of ``desk_sessions``."""

    person: str
    stage: str
    csrf: str
    created_at: datetime
    last_seen: datetime
    address: str
    language: str


def create_session(
    db: sqlite3.Connection, person: str, stage: str, address: str, language: str, now: datetime
) -> str:
    """A new session (its token, for the cookie) with a fresh CSRF token."""
    token = new_token()
    db.execute(
        "INSERT INTO desk_sessions (token_hash, person, stage, csrf, created_at, last_seen, "
        "address, language) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            token_hash(token),
            person,
            stage,
            new_token(),
            now.isoformat(),
            now.isoformat(),
            address,
            language,
        ),
    )
    return token


def session(db: sqlite3.Connection, token: str) -> SessionRow | None:
    """The session of a cookie's token, if it exists."""
    row = db.execute(
        "SELECT person, stage, csrf, created_at, last_seen, address, language "
        "FROM desk_sessions WHERE token_hash = ?",
        (token_hash(token),),
    ).fetchone()
    if row is None:
        return None
    return SessionRow(
        row[0],
        row[1],
        row[2],
        datetime.fromisoformat(row[3]),
        datetime.fromisoformat(row[4]),
        row[5],
        row[6],
    )


def touch_session(db: sqlite3.Connection, token: str, now: datetime) -> None:
    """Note that the session was used at ``now``."""
    db.execute(
        "UPDATE desk_sessions SET last_seen = ? WHERE token_hash = ?",
        (now.isoformat(), token_hash(token)),
    )


def set_stage(db: sqlite3.Connection, token: str, stage: str) -> None:
    """Move a session on (``totp`` or ``enrol`` → ``ok``)."""
    db.execute(
        "UPDATE desk_sessions SET stage = ? WHERE token_hash = ?", (stage, token_hash(token))
    )


def set_language(db: sqlite3.Connection, token: str, language: str) -> None:
    """The language the person chose for this session."""
    db.execute(
        "UPDATE desk_sessions SET language = ? WHERE token_hash = ?",
        (language, token_hash(token)),
    )


def end_session(db: sqlite3.Connection, token: str) -> None:
    """Delete one session (logout, timeout)."""
    db.execute("DELETE FROM desk_sessions WHERE token_hash = ?", (token_hash(token),))


def end_sessions_of(db: sqlite3.Connection, person: str) -> None:
    """Delete every session of a person (their password changed)."""
    db.execute("DELETE FROM desk_sessions WHERE person = ?", (person,))


# -- audit trail -----------------------------------------------------------------------


@dataclass(frozen=True)
class AuditEntry:
    """One row of ``desk_audit``: who did what, when, from which address."""

    id: int
    at: datetime
    person: str
    address: str
    action: str
    target: str
    detail: str


def audit(
    db: sqlite3.Connection,
    now: datetime,
    person: str,
    address: str,
    action: str,
    *,
    target: str = "",
    detail: str = "",
) -> None:
    """Append one audit record (never updated, never deleted)."""
    db.execute(
        "INSERT INTO desk_audit (at, person, address, action, target, detail) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (now.isoformat(), person, address, action, target, detail),
    )


def audit_entries(
    db: sqlite3.Connection,
    *,
    target: str | None = None,
    person: str | None = None,
    limit: int = 200,
) -> list[AuditEntry]:
    """The newest audit records, of one target or one person (or all), newest first."""
    where, args = [], []
    if target is not None:
        where.append("target = ?")
        args.append(target)
    if person is not None:
        where.append("person = ?")
        args.append(person)
    sql = "SELECT id, at, person, address, action, target, detail FROM desk_audit"
    if where:
        sql += " WHERE " + " AND ".join(where)
    rows = db.execute(sql + " ORDER BY id DESC LIMIT ?", (*args, limit))
    return [AuditEntry(r[0], datetime.fromisoformat(r[1]), *r[2:]) for r in rows]
