"""Desk accounts: ``warta desk invite`` and the desk's login, one-time code, session and
logout use cases (docs/desk.md).

Who may log in is decided by ``people`` in ``warta.yml``: an account only holds the
password (argon2) and the one-time code secret of a person listed there. A person taken
out of ``people`` cannot log in any more, whatever the database holds.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from pipeline import opsdb
from pipeline.accounts import store
from pipeline.config import Config, Person
from pipeline.errors import AuthError, NotFoundError
from pipeline.health.store import open_history, watch
from pipeline.site.live import now_utc

MIN_PASSWORD = 12
ISSUER = "warta"


def _person(config: Config, person_id: str) -> Person:
    person = next((p for p in config.people if p.id == person_id), None)
    if person is None:
        raise NotFoundError(
            f"{person_id!r} is not listed in people",
            where=f"{config.source}: people",
            hint="invite a person of warta.yml by their id",
        )
    return person


def needs_totp(config: Config, person: Person) -> bool:
    """Whether the person must log in with a one-time code (``desk.totp_roles``)."""
    return bool(set(person.roles) & set(config.desk.totp_roles))


@dataclass(frozen=True)
class Invited:
    """An invitation made: the link to give the person (once) and until when it works."""

    person: str
    link: str
    expires_at: datetime


def invite(
    config: Config, person_id: str, *, by: str, address: str = "", now: datetime | None = None
) -> Invited:
    """A one-time link where ``person_id`` sets their password (``desk.invitation_valid``).

    Inviting again replaces an unused link; inviting someone with an account lets them
    set a new password (their sessions end when they do).
    """
    person = _person(config, person_id)
    moment = now or now_utc()
    valid = config.desk.invitation_valid
    with open_history(config, write=True) as db, opsdb.transaction(db):
        token = store.create_invitation(db, person.id, by, moment, valid)
        store.audit(db, moment, by, address, "invite", target=f"person:{person.id}")
    return Invited(person.id, f"{config.desk.url}/undangan/{token}", moment + valid)


def invitation_person(config: Config, token: str, *, now: datetime | None = None) -> Person:
    """The person an invitation is for, refused when unknown, used or expired."""
    with open_history(config, write=False) as db:
        return _valid_invitation(config, db, token, now or now_utc())


def _valid_invitation(config: Config, db: sqlite3.Connection, token: str, now: datetime) -> Person:
    found = store.invitation(db, token)
    hint = "ask the IT unit for a new invitation (warta desk invite PERSON)"
    if found is None:
        raise AuthError("this invitation link is not valid", where="invitation", hint=hint)
    if found.used_at is not None:
        raise AuthError("this invitation link was already used", where="invitation", hint=hint)
    if now >= found.expires_at:
        raise AuthError(
            f"this invitation link expired at {found.expires_at.isoformat(timespec='minutes')}",
            where="invitation",
            hint=hint,
        )
    person = next((p for p in config.people if p.id == found.person), None)
    if person is None:
        raise AuthError(
            f"{found.person!r} is no longer listed in people", where="invitation", hint=hint
        )
    return person


def password_problem(person: Person, password: str, confirm: str) -> str:
    """Why a new password is refused, or ''."""
    if password != confirm:
        return "the two passwords differ"
    if len(password) < MIN_PASSWORD:
        return f"the password is shorter than {MIN_PASSWORD} characters"
    lowered = password.lower()
    if person.id in lowered or len(set(password)) < 4:
        return "the password is too easy to guess (it contains your id or repeats itself)"
    return ""


def accept(
    config: Config,
    token: str,
    password: str,
    confirm: str,
    *,
    address: str = "",
    now: datetime | None = None,
) -> str:
    """Set the password of an invitation's person; the link is spent. Returns the id."""
    moment = now or now_utc()
    with open_history(config, write=True) as db, opsdb.transaction(db):
        person = _valid_invitation(config, db, token, moment)
        problem = password_problem(person, password, confirm)
        if problem:
            raise AuthError(problem, where="password", hint="choose a longer password")
        if not store.use_invitation(db, token, moment):
            raise AuthError("this invitation link was already used", where="invitation")
        store.set_password(db, person.id, password, moment)
        store.end_sessions_of(db, person.id)
        store.audit(db, moment, person.id, address, "password-set", target=f"person:{person.id}")
    return person.id


@dataclass(frozen=True)
class Login:
    """A new session: its cookie token and what it still needs (``totp``, ``enrol``,
    ``ok``)."""

    token: str
    person: str
    stage: str


def _throttle(config: Config, db: sqlite3.Connection, person: str, address: str, now: datetime):
    settings = config.desk
    since = now - settings.throttle_window
    for count, oldest, limit, whom in (
        (*store.failures(db, since, person=person), settings.max_failures_account, "account"),
        (*store.failures(db, since, address=address), settings.max_failures_address, "address"),
    ):
        if count >= limit:
            wait = (oldest + settings.throttle_window - now) if oldest else timedelta(0)
            seconds = max(1, int(wait.total_seconds()) + 1)
            raise AuthError(
                f"too many failed logins for this {whom}",
                where=whom,
                hint=f"wait {seconds // 60 + 1} minutes, or ask the IT unit",
                retry_after=seconds,
            )


def login(
    config: Config,
    person_id: str,
    password: str,
    *,
    address: str,
    language: str = "",
    now: datetime | None = None,
) -> Login:
    """Check a password (throttled per account and per address) and open a session."""
    moment = now or now_utc()
    person_id = person_id.strip().lower()
    with open_history(config, write=True) as db:
        with opsdb.transaction(db):
            _throttle(config, db, person_id, address, moment)
        person = next((p for p in config.people if p.id == person_id), None)
        found = store.account(db, person_id) if person else None
        ok = store.verify_password(found.password_hash if found else None, password)
        if not ok or person is None or found is None:
            with opsdb.transaction(db):  # committed: the failure counts for the throttle
                store.record_attempt(db, person_id, address, False, moment)
                store.audit(db, moment, person_id, address, "login-failed")
            raise AuthError(
                "wrong id or password",
                where="login",
                hint="check both; after several failures logins wait a while",
            )
        with opsdb.transaction(db):
            store.record_attempt(db, person_id, address, True, moment)
            if found.totp_enabled:
                stage = "totp"
            elif needs_totp(config, person):
                stage = "enrol"
            else:
                stage = "ok"
            token = store.create_session(db, person.id, stage, address, language, moment)
            store.audit(db, moment, person.id, address, "login", detail=stage)
    return Login(token, person.id, stage)


@dataclass(frozen=True)
class Session:
    """A live session: who, with which roles, at which stage, and its CSRF token."""

    person: str
    name: str
    roles: frozenset[str]
    stage: str
    csrf: str
    language: str
    needs_totp: bool
    totp_enabled: bool

    def has_role(self, *roles: str) -> bool:
        """Whether the person holds one of ``roles``."""
        return bool(self.roles & set(roles))


TOUCH_EVERY = timedelta(seconds=30)
"""A session's last use is written at most this often (fewer writes under load)."""


def _read_session(
    config: Config, db: sqlite3.Connection, token: str, moment: datetime
) -> tuple[store.SessionRow, Session] | None:
    """:func:`session`'s look-up on an open database: ends an expired session (and
    records it), notes the use of a live one, and returns its row and what it allows."""
    row = store.session(db, token)
    if row is None:
        return None
    person = next((p for p in config.people if p.id == row.person), None)
    if person is None or _expired(config, row, moment):
        store.end_session(db, token)
        store.audit(db, moment, row.person, row.address, "session-expired")
        return None
    if moment - row.last_seen > TOUCH_EVERY:
        store.touch_session(db, token, moment)
        row = replace(row, last_seen=moment)  # what the database now holds
    found = store.account(db, person.id)
    return row, Session(
        person.id,
        person.name,
        frozenset(person.roles),
        row.stage,
        row.csrf,
        row.language,
        needs_totp(config, person),
        bool(found and found.totp_enabled),
    )


def _expired(config: Config, row: store.SessionRow, moment: datetime) -> bool:
    settings = config.desk
    return (
        moment - row.last_seen > settings.idle_timeout
        or moment - row.created_at > settings.session_max
    )


def session(config: Config, token: str, *, now: datetime | None = None) -> Session | None:
    """The session of a cookie, or None when unknown, idle too long, too old, or its
    person left ``people``. Using it keeps it alive."""
    if not token:
        return None
    with open_history(config, write=True) as db:
        found = _read_session(config, db, token, now or now_utc())
    return found[1] if found else None


def session_key(token: str) -> str:
    """What names a session in memory and in the database: its token's SHA-256, never the
    token itself."""
    return store.token_hash(token)


class Sessions:
    """The session look-up of a long-running process (the desk), which keeps what it read.

    :func:`session`'s look-up, kept per token while the count of changes is the same
    (:class:`pipeline.opsdb.Watch`: no write by any process since the row was read,
    except the noting of a session's use and login attempts). A kept row is then the
    row the database holds, or one with an older ``last_seen`` (another process noted a
    use), and the same rules decide on it: the idle timeout, the maximum age, the person
    still in ``people``, the interval of :data:`TOUCH_EVERY`. A kept row that is still
    fine is fine in the database too (``last_seen`` only grows); whenever the look-up
    may end the session or must note a use, it goes to the database as :func:`session`
    does. A logout, an expiry, a new password, a one-time code step: each is a counted
    write, after which nothing kept is used. Without a watch (a history shared through
    S3), nothing is kept.
    """

    LIMIT = 10_000
    """Sessions kept at most (all are forgotten past it: a bound, not a policy)."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self._watch = watch(config)
        self._kept: dict[str, tuple[tuple[int, int], store.SessionRow, Session]] = {}
        self._lock = threading.Lock()

    def version(self) -> tuple[int, int] | None:
        """The database's version now (None: nothing may be kept); read it *before*
        reading anything that is kept under it."""
        return self._watch.version() if self._watch is not None else None

    def kept(
        self, token: str, now: datetime, version: tuple[int, int] | None = None
    ) -> tuple[bool, Session | None]:
        """(True, the session of ``token``) decided without reading the database, or
        (False, None) when it must be read (:meth:`session`). ``version``: one the
        caller has just read."""
        if not token:
            return True, None
        version = version or self.version()
        found = self._kept.get(store.token_hash(token)) if version is not None else None
        if found is None or found[0] != version:
            return False, None
        _, row, live = found
        if _expired(self.config, row, now) or now - row.last_seen > TOUCH_EVERY:
            return False, None  # the database's look-up writes: it decides
        return True, live

    def session(self, token: str, *, now: datetime | None = None) -> Session | None:
        """:func:`session`, keeping what it read for :meth:`kept`."""
        if not token:
            return None
        version = self.version()  # before the read: what is kept is never older
        with open_history(self.config, write=True) as db:
            found = _read_session(self.config, db, token, now or now_utc())
        key = store.token_hash(token)
        with self._lock:
            if found is None or version is None:
                self._kept.pop(key, None)
                return found[1] if found else None
            if len(self._kept) >= self.LIMIT:
                self._kept.clear()
            self._kept[key] = (version, *found)
        return found[1]

    def forget(self, token: str) -> None:
        """Drop what is kept of ``token`` (its logout in this process)."""
        with self._lock:
            self._kept.pop(store.token_hash(token), None)


def _code(
    config: Config,
    db: sqlite3.Connection,
    person: str,
    secret: str,
    code: str,
    address: str,
    now: datetime,
) -> None:
    """Check a one-time code (throttled like passwords, each code used once)."""
    _throttle(config, db, person, address, now)
    store.record_attempt(db, person, address, True, now)
    step = store.totp_step(secret, code, now)
    if step is None or not store.spend_totp_step(db, person, step):
        # the caller's transaction rolls back; it records the failure after
        raise AuthError(
            "wrong or already used one-time code",
            where="code",
            hint="type the 6 digits your authenticator app shows now",
        )


def verify_code(
    config: Config, token: str, code: str, *, address: str, now: datetime | None = None
) -> None:
    """The second step of a login: the one-time code of the person's app."""
    moment = now or now_utc()
    with open_history(config, write=True) as db:
        row = store.session(db, token)
        found = store.account(db, row.person) if row else None
        if row is None or found is None or row.stage != "totp":
            raise AuthError("no login waits for a one-time code", where="code", hint="log in")
        try:
            with opsdb.transaction(db):
                _code(config, db, row.person, found.totp_secret, code, address, moment)
                store.set_stage(db, token, "ok")
                store.audit(db, moment, row.person, address, "code-ok")
        except AuthError:
            with opsdb.transaction(db):  # the failure is kept even though the step failed
                store.record_attempt(db, row.person, address, False, moment)
                store.audit(db, moment, row.person, address, "code-failed")
            raise


@dataclass(frozen=True)
class Enrolment:
    """A one-time code secret offered to a person's authenticator app."""

    secret: str
    uri: str


def begin_enrolment(config: Config, token: str) -> Enrolment:
    """Offer a new secret (kept, not yet enabled) to a session that may enrol."""
    with open_history(config, write=True) as db:
        row = store.session(db, token)
        found = store.account(db, row.person) if row else None
        if row is None or found is None or row.stage not in ("enrol", "ok"):
            raise AuthError("log in first", where="code", hint="log in")
        if found.totp_enabled:
            raise AuthError(
                "one-time codes are already set up for this account",
                where="code",
                hint="ask the IT unit to reset them if the phone is lost",
            )
        secret = found.totp_secret or store.new_totp_secret()
        with opsdb.transaction(db):
            store.set_totp(db, row.person, secret, enabled=False)
    return Enrolment(secret, store.totp_uri(secret, row.person, ISSUER))


def confirm_enrolment(
    config: Config, token: str, code: str, *, address: str, now: datetime | None = None
) -> None:
    """Enable one-time codes once the app shows a right code; the session is then ok."""
    moment = now or now_utc()
    with open_history(config, write=True) as db:
        row = store.session(db, token)
        found = store.account(db, row.person) if row else None
        if row is None or found is None or not found.totp_secret or found.totp_enabled:
            raise AuthError("no one-time code set-up is under way", where="code", hint="log in")
        try:
            with opsdb.transaction(db):
                _code(config, db, row.person, found.totp_secret, code, address, moment)
                store.set_totp(db, row.person, found.totp_secret, enabled=True)
                store.set_stage(db, token, "ok")
                store.audit(db, moment, row.person, address, "code-enabled")
        except AuthError:
            with opsdb.transaction(db):
                store.record_attempt(db, row.person, address, False, moment)
                store.audit(db, moment, row.person, address, "code-failed")
            raise


def set_language(config: Config, token: str, language: str) -> None:
    """Keep the language a person chose for the rest of the session."""
    with open_history(config, write=True) as db:
        store.set_language(db, token, language)


def logout(config: Config, token: str, *, address: str, now: datetime | None = None) -> None:
    """End a session."""
    moment = now or now_utc()
    with open_history(config, write=True) as db, opsdb.transaction(db):
        row = store.session(db, token)
        if row is not None:
            store.end_session(db, token)
            store.audit(db, moment, row.person, address, "logout")


def audit_trail(
    config: Config, *, target: str | None = None, person: str | None = None, limit: int = 200
) -> list[store.AuditEntry]:
    """The newest audit records of one target (``ticket:12``) or one person."""
    with open_history(config, write=False) as db:
        return store.audit_entries(db, target=target, person=person, limit=limit)


def record(
    config: Config,
    person: str,
    address: str,
    action: str,
    *,
    target: str = "",
    detail: str = "",
    now: datetime | None = None,
) -> None:
    """Append one audit record for an action done through the desk."""
    with open_history(config, write=True) as db, opsdb.transaction(db):
        store.audit(db, now or now_utc(), person, address, action, target=target, detail=detail)
