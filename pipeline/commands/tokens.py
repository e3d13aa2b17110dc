"""Tokens of the headless content API: per person, limited by scopes, never enough to approve.

A token is shown once when it is made (``warta_<id>_<secret>``); the database keeps only
the SHA-256 of its secret. Its scopes say what it may do:

``read``    read every published item and every draft
``drafts``  create and update drafts
``attach``  attach files to drafts
``submit``  submit a draft for the editor's review (an editor's token: the editor's step)

No scope approves, rejects, publishes or withdraws: those need a person in a session (and
their signature when signing is on). A token acts as its person with ``how="token"``, so
every role rule of the use cases still applies.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from pipeline import opsdb
from pipeline.actor import Actor, actor_for, as_actor
from pipeline.config import Config
from pipeline.errors import AuthError, ContentError, NotFoundError, Problem
from pipeline.health.store import open_history
from pipeline.site.live import now_utc

SCOPES = ("read", "drafts", "attach", "submit")
PREFIX = "warta_"


@dataclass(frozen=True)
class TokenInfo:
    """A token as listed (never its secret)."""

    id: str
    person: str
    name: str
    scopes: tuple[str, ...]
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked: bool


@dataclass(frozen=True)
class Issued:
    """A new token: ``secret`` is shown once and never again."""

    info: TokenInfo
    secret: str


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _info(row: tuple[object, ...]) -> TokenInfo:
    ident, person, name, scopes, created, expires, used, revoked = row
    return TokenInfo(
        str(ident),
        str(person),
        str(name),
        tuple(str(scopes).split()),
        datetime.fromisoformat(str(created)),
        _when(expires),  # type: ignore[arg-type]
        _when(used),  # type: ignore[arg-type]
        revoked is not None,
    )


def issue(
    config: Config,
    *,
    by: Actor | str,
    name: str,
    scopes: list[str],
    valid_for: timedelta | None = timedelta(days=90),
    now: datetime | None = None,
) -> Issued:
    """Make a token for the acting person; ``scopes`` must be known, and at least one."""
    actor = as_actor(config, by)
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown or not scopes:
        raise ContentError(
            "token scopes are not valid",
            [
                Problem(
                    "scopes",
                    f"unknown: {', '.join(unknown)}" if unknown else "none given",
                    f"choose from {', '.join(SCOPES)} (no scope can approve or publish)",
                )
            ],
        )
    moment = now or now_utc()
    ident = secrets.token_hex(4)
    secret = f"{PREFIX}{ident}_{secrets.token_urlsafe(32)}"
    expires = moment + valid_for if valid_for else None
    ordered = " ".join(s for s in SCOPES if s in scopes)
    with open_history(config, write=True) as db, opsdb.transaction(db):
        db.execute(
            "INSERT INTO api_tokens (id, person, name, scopes, secret_hash, created_at, "
            "expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                ident,
                actor.person,
                name,
                ordered,
                _hash(secret),
                moment.isoformat(),
                expires.isoformat() if expires else None,
            ),
        )
    info = TokenInfo(
        ident, actor.person, name, tuple(ordered.split()), moment, expires, None, False
    )
    return Issued(info, secret)


def listing(config: Config, *, by: Actor | str) -> list[TokenInfo]:
    """The acting person's tokens, newest first."""
    actor = as_actor(config, by)
    with open_history(config, write=False) as db:
        rows = db.execute(
            "SELECT id, person, name, scopes, created_at, expires_at, last_used_at, revoked_at "
            "FROM api_tokens WHERE person = ? ORDER BY created_at DESC",
            (actor.person,),
        ).fetchall()
    return [_info(row) for row in rows]


def revoke(config: Config, *, by: Actor | str, token_id: str, now: datetime | None = None) -> None:
    """Revoke one of the acting person's tokens (a revoked token never works again)."""
    actor = as_actor(config, by)
    with open_history(config, write=True) as db, opsdb.transaction(db):
        done = db.execute(
            "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND person = ? "
            "AND revoked_at IS NULL",
            ((now or now_utc()).isoformat(), token_id, actor.person),
        )
    if done.rowcount == 0:
        raise NotFoundError(
            f"no token {token_id!r} of {actor.person} to revoke",
            where="api_tokens",
            hint="list your tokens in the desk (Akun → Token API)",
        )


def authenticate(config: Config, secret: str, *, scope: str, now: datetime | None = None) -> Actor:
    """The person a token acts for, if it is valid and carries ``scope``."""
    moment = now or now_utc()
    refused = AuthError(
        "the API token is not valid",
        where="Authorization",
        hint="send 'Authorization: Bearer warta_…' with a token made in the desk",
    )
    if not secret.startswith(PREFIX):
        raise refused
    with open_history(config, write=True) as db:
        row = db.execute(
            "SELECT id, person, name, scopes, created_at, expires_at, last_used_at, "
            "revoked_at, secret_hash FROM api_tokens WHERE secret_hash = ?",
            (_hash(secret),),
        ).fetchone()
        if row is None or not hmac.compare_digest(str(row[8]), _hash(secret)):
            raise refused
        info = _info(row[:8])
        if info.revoked or (info.expires_at is not None and info.expires_at <= moment):
            raise AuthError(
                "the API token was revoked or has expired",
                where=f"token {info.id}",
                hint="make a new token in the desk",
            )
        if scope not in info.scopes:
            raise AuthError(
                f"the API token may not {scope}: its scopes are {', '.join(info.scopes)}",
                where=f"token {info.id}",
                hint=f"make a token with the scope {scope!r}",
            )
        with opsdb.transaction(db):
            db.execute(
                "UPDATE api_tokens SET last_used_at = ? WHERE id = ?",
                (moment.isoformat(), info.id),
            )
    return actor_for(config, info.person, how="token")
