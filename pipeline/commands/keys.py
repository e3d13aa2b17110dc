"""Signing keys of the people who approve or review in the desk (issue 19).

A person makes a key in the desk (kept encrypted with their passphrase) or registers the
public half of a key made on their own computer (then they sign with the command line).
Either way the key is trusted only once its public line is the person's ``ssh_key`` in
``warta.yml``, changed through an approved commit: holding a key grants nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from pipeline import opsdb
from pipeline.actor import Actor, as_actor
from pipeline.config import Config
from pipeline.content import keys
from pipeline.errors import NotFoundError
from pipeline.health.store import open_history
from pipeline.site.live import now_utc


@dataclass(frozen=True)
class KeyStatus:
    """A person's key as the desk shows it."""

    person: str
    public: str
    """Empty when the person has no key yet."""
    held: bool
    """True when the desk keeps the (encrypted) private key; False for a registered one."""
    trusted: bool
    """True when ``warta.yml`` lists this public key for the person (signatures verify)."""


def _trusted(config: Config, person: str, public: str) -> bool:
    configured = config.person(person)
    if configured is None or not configured.ssh_key or not public:
        return False
    return configured.ssh_key.split()[:2] == public.split()[:2]


def status(config: Config, *, by: Actor | str) -> KeyStatus:
    """The acting person's key: none, held by the desk, or registered."""
    actor = as_actor(config, by)
    with open_history(config, write=False) as db:
        row = db.execute(
            "SELECT public, encrypted IS NOT NULL FROM signing_keys WHERE person = ?",
            (actor.person,),
        ).fetchone()
    if row is None:
        return KeyStatus(actor.person, "", False, False)
    return KeyStatus(actor.person, row[0], bool(row[1]), _trusted(config, actor.person, row[0]))


def _store(
    config: Config, person: str, public: str, encrypted: bytes | None, now: datetime
) -> None:
    with open_history(config, write=True) as db, opsdb.transaction(db):
        db.execute(
            "INSERT OR REPLACE INTO signing_keys (person, public, encrypted, created_at) "
            "VALUES (?, ?, ?, ?)",
            (person, public, encrypted, now.isoformat()),
        )


def make(
    config: Config, *, by: Actor | str, passphrase: str, now: datetime | None = None
) -> KeyStatus:
    """Make a new key for the acting person, kept encrypted with ``passphrase``."""
    actor = as_actor(config, by)
    person = config.person(actor.person)
    comment = person.email if person is not None and person.email else actor.person
    held = keys.generate(passphrase, comment)
    _store(config, actor.person, held.public, held.encrypted, now or now_utc())
    return KeyStatus(actor.person, held.public, True, _trusted(config, actor.person, held.public))


def register(
    config: Config, *, by: Actor | str, public: str, now: datetime | None = None
) -> KeyStatus:
    """Register the public half of a key the person made on their own computer."""
    actor = as_actor(config, by)
    line = keys.public_line(public)
    _store(config, actor.person, line, None, now or now_utc())
    return KeyStatus(actor.person, line, False, _trusted(config, actor.person, line))


@contextmanager
def signer(config: Config, *, by: Actor | str, passphrase: str) -> Iterator[keys.Signer]:
    """Unlock the acting person's held key for the block (signing through a private agent)."""
    actor = as_actor(config, by)
    with open_history(config, write=False) as db:
        row = db.execute(
            "SELECT public, encrypted FROM signing_keys WHERE person = ?", (actor.person,)
        ).fetchone()
    if row is None or row[1] is None:
        raise NotFoundError(
            f"the desk holds no signing key of {actor.person}",
            where="signing_keys",
            hint="make a key in the desk (Akun → Kunci tanda tangan) or sign with the "
            "command line: warta approve SLUG --key PATH",
        )
    held = keys.HeldKey(row[0], bytes(row[1]))
    with keys.signing_agent(keys.unlock(held, passphrase), held.public) as agent:
        yield agent
