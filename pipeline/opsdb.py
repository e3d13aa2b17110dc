"""The operational database: one SQLite file shared by every area that keeps state.

Health history, the domain cache, renewals, visitor activity, backup events, tickets
and situation reports live in ``health.database`` (default ``.warta/warta.sqlite``).
The schema version is SQLite's ``PRAGMA user_version``; each version below is one
script, applied together with its version bump in one transaction, so a database is
always at exactly one version. Versions are append-only: a released script is never
edited, a change is a new version.

====  ==========================================  =========================
 v    tables                                      documented in
====  ==========================================  =========================
 1    health_results, health_state,               docs/health.md
      health_incidents
 2    health_domains                              docs/health.md
 3    renewals, renewal_payments                  docs/renewals.md
 4    visitors_positions, visitors_findings       docs/visitors.md
 5    backup_events (+ backup's own tables)       docs/backup-format.md
 6    tickets, ticket_events (+ ticket tables)    docs/tickets.md
 7    reports                                     docs/report.md
 8    visitors_denied                             docs/visitors.md
 9    visitors_findings dated by the requests     docs/visitors.md
      (first_at, last_at, unique key),
      visitors_buckets
 10   desk_accounts, desk_sessions, desk_audit    docs/desk.md
      (+ invitations, login attempts; indexes
      of the ticket queue)
 11   signing_keys                                docs/desk.md
 12   api_tokens                                  docs/desk.md
 13   reports.annex                               docs/report.md
 14   health_hours (uptime counts per hour, kept  docs/health.md
      by triggers on health_results)
 15   desk_changes (a counter of the writes to    docs/desk.md
      what the desk's kept pages show, kept by
      triggers on those tables); the index of
      tickets by kind and status
====  ==========================================  =========================
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.accounts.schema import CHANGES as desk_changes
from pipeline.accounts.schema import SCHEMA as accounts_schema
from pipeline.backup.schema import SCHEMA as backup_schema
from pipeline.content.schema import SCHEMA as signing_keys_schema
from pipeline.content.schema import TOKENS as api_tokens_schema
from pipeline.errors import IntegrityError, Problem
from pipeline.health.schema import SCHEMA as renewals_schema
from pipeline.health.schema import UPTIME_HOURS
from pipeline.report.schema import ANNEX as report_annex
from pipeline.report.schema import SCHEMA as report_schema
from pipeline.tickets.schema import KIND_INDEX, QUEUE_INDEXES
from pipeline.tickets.schema import SCHEMA as tickets_schema

MIGRATIONS = [
    """
    CREATE TABLE IF NOT EXISTS health_results (
        id INTEGER PRIMARY KEY,
        endpoint TEXT NOT NULL,
        at TEXT NOT NULL,
        success INTEGER NOT NULL,
        status INTEGER,
        response_ms REAL,
        certificate_expires TEXT,
        error TEXT NOT NULL DEFAULT '',
        failed TEXT NOT NULL DEFAULT '[]',
        unknown TEXT NOT NULL DEFAULT '[]'
    );
    CREATE INDEX IF NOT EXISTS health_results_endpoint_at ON health_results (endpoint, at);
    CREATE TABLE IF NOT EXISTS health_state (
        endpoint TEXT PRIMARY KEY,
        state TEXT NOT NULL,
        failures INTEGER NOT NULL,
        successes INTEGER NOT NULL,
        changed_at TEXT
    );
    CREATE TABLE IF NOT EXISTS health_incidents (
        id INTEGER PRIMARY KEY,
        endpoint TEXT NOT NULL,
        opened_at TEXT NOT NULL,
        closed_at TEXT,
        cause TEXT NOT NULL,
        resolution TEXT NOT NULL DEFAULT ''
    );
    """,
    """
    CREATE TABLE IF NOT EXISTS health_domains (
        domain TEXT PRIMARY KEY,
        expires TEXT,
        source TEXT NOT NULL,
        problem TEXT NOT NULL DEFAULT '',
        checked_at TEXT NOT NULL
    );
    """,
    renewals_schema,
    """
    CREATE TABLE IF NOT EXISTS visitors_positions (
        path TEXT PRIMARY KEY,
        inode INTEGER NOT NULL,
        offset INTEGER NOT NULL,
        head TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS visitors_findings (
        id INTEGER PRIMARY KEY,
        recorded_at TEXT NOT NULL,
        ip TEXT NOT NULL,
        rule TEXT NOT NULL,
        first TEXT NOT NULL,
        last TEXT NOT NULL,
        count INTEGER NOT NULL,
        samples TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS visitors_findings_ip ON visitors_findings (ip);
    """,
    backup_schema,
    tickets_schema,
    report_schema,
    """
    CREATE TABLE IF NOT EXISTS visitors_denied (
        ip TEXT PRIMARY KEY,
        denied_at TEXT NOT NULL,
        list TEXT NOT NULL
    );
    """,
    """
    ALTER TABLE visitors_findings ADD COLUMN first_at TEXT;
    ALTER TABLE visitors_findings ADD COLUMN last_at TEXT;
    CREATE UNIQUE INDEX IF NOT EXISTS visitors_findings_key
        ON visitors_findings (ip, rule, first_at);
    CREATE INDEX IF NOT EXISTS visitors_findings_last ON visitors_findings (last_at);
    CREATE TABLE IF NOT EXISTS visitors_buckets (
        rule TEXT NOT NULL,
        ip TEXT NOT NULL,
        until REAL NOT NULL,
        latest REAL NOT NULL,
        seen TEXT NOT NULL DEFAULT '[]',
        count INTEGER NOT NULL DEFAULT 0,
        start REAL NOT NULL DEFAULT 0,
        start_text TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (rule, ip)
    );
    """,
    accounts_schema + QUEUE_INDEXES,
    signing_keys_schema,
    api_tokens_schema,
    report_annex,
    UPTIME_HOURS,
    desk_changes + KIND_INDEX,
]


SQLITE_HEADER = b"SQLite format 3\x00"
_CORRUPT, _NOTADB = 11, 26  # SQLite's primary result codes for a damaged or foreign file


def _fix(path: Path) -> str:
    return (
        f"move {path.name} aside and restore it from the latest backup (warta backup "
        f"restore latest --target DIR, then copy {path.name} back); or move it aside to "
        "start an empty database"
    )


def damaged(path: Path, what: str) -> IntegrityError:
    """The error for a database that is damaged or not warta's, naming the file and the fix."""
    return IntegrityError(
        "the operational database cannot be used", [Problem(str(path), what, _fix(path))]
    )


_HEADS: set[tuple[int, int]] = set()
"""Files (device, inode) whose header this process read: read once per file, never again."""
_HEADS_LOCK = threading.Lock()


def _check_header(path: Path) -> None:
    # The header is read once per file and process, before this process opens it with
    # SQLite. Closing *any* descriptor of a file drops every POSIX lock the process holds
    # on it, the locks of SQLite's open connections included (SQLite's "how to corrupt"
    # list, 2.2): a plain open and close at every open, while another thread's connection
    # was open, let another process take the file as unused, checkpoint and remove the
    # WAL under that connection ("disk I/O error", SQLITE_IOERR_SHORT_READ, in the desk's
    # bench with two workers). Damage to the header later is SQLite's own refusal
    # (SQLITE_NOTADB, :func:`is_damage`).
    try:
        found = path.stat()
    except FileNotFoundError:
        return
    with _HEADS_LOCK:
        if (found.st_dev, found.st_ino) in _HEADS:
            return
        try:
            with path.open("rb") as handle:
                head = handle.read(len(SQLITE_HEADER))
        except FileNotFoundError:
            return
        if head and head != SQLITE_HEADER:
            raise damaged(path, "not a SQLite database (its first bytes are not SQLite's header)")
        if head:  # an empty file becomes SQLite's at its first open (see connect)
            _HEADS.add((found.st_dev, found.st_ino))


def _known(path: Path) -> None:
    """Note a file this process opened as a sound database (SQLite wrote its header)."""
    try:
        found = path.stat()
    except FileNotFoundError:
        return
    with _HEADS_LOCK:
        _HEADS.add((found.st_dev, found.st_ino))


def is_damage(error: sqlite3.DatabaseError) -> bool:
    """Whether SQLite says the file is damaged or foreign (not merely busy or locked)."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (_CORRUPT, _NOTADB)
    text = str(error)
    return "malformed" in text or "not a database" in text


def integrity(db: sqlite3.Connection, *, full: bool = False) -> list[str]:
    """SQLite's own check: ``quick_check`` (O(size), no index cross-check) or the full
    ``integrity_check``; the problems it lists, none when the file is sound."""
    pragma = "integrity_check" if full else "quick_check"
    rows = [str(r[0]) for r in db.execute(f"PRAGMA {pragma}(20)").fetchall()]
    return [] if rows == ["ok"] else rows


_SOUND: set[tuple[str, int, int]] = set()
"""Files (path, device, inode) a long-running process checked at its start
(:func:`check_at_start`): their opens skip ``quick_check``."""


def _identity(path: Path) -> tuple[str, int, int] | None:
    try:
        found = path.stat()
    except FileNotFoundError:
        return None
    return (str(path), found.st_dev, found.st_ino)


def check_at_start(path: Path) -> None:
    """Open the database with its ``quick_check`` once, for a long-running process (the
    desk): later opens of the same file in this process skip the check, which costs
    ~30 ms on a year of history. A file replaced since (a restore moves a new one in: a
    new inode) is checked again at its next open; damage SQLite meets later while
    reading is still reported (:func:`is_damage`). Refuses as :func:`connect` does."""
    connect(path).close()
    identity = _identity(path)
    if identity is not None:
        _SOUND.add(identity)


def connect(path: Path, *, check: bool = True) -> sqlite3.Connection:
    """Open (creating and migrating) the database; safe for concurrent processes.

    Refuses, naming the file and the fix: a file that is not SQLite, a damaged one
    (``PRAGMA quick_check`` at every open, unless ``check`` is False or this process
    checked the file at its start, :func:`check_at_start`), and one whose schema version
    is newer than this program's (written by a later warta).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    _check_header(path)
    check = check and (not _SOUND or _identity(path) not in _SOUND)
    db = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        db.execute("PRAGMA busy_timeout=30000")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise IntegrityError(
                "the operational database is newer than this warta",
                [
                    Problem(
                        str(path),
                        f"schema version {version}, this warta knows up to {len(MIGRATIONS)}",
                        "upgrade warta to the version that wrote it; nothing was changed",
                    )
                ],
            )
        if check and (found := integrity(db)):
            raise damaged(path, "damaged: " + "; ".join(found[:3]))
        db.execute("PRAGMA journal_mode=WAL")
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            # One script per version, applied with its version bump in one transaction.
            db.executescript(f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version={number};\nCOMMIT;")
    except sqlite3.DatabaseError as error:
        db.close()
        if is_damage(error):
            raise damaged(path, f"damaged or not a database ({error})") from None
        raise
    except BaseException:
        db.close()
        raise
    _known(path)  # a file it created has SQLite's header now: never read it again
    return db


class Watch:
    """The count of changes to what the desk keeps, as one long-lived connection sees it:
    for a long-running process that keeps what it read (the desk's sessions and pages).

    :meth:`version` is the ``desk_changes`` counter (schema version 15), which triggers
    move at every write of every table a kept page or session shows (not at a session's
    noted use, not at a login attempt). It is read again only when SQLite's ``PRAGMA
    data_version`` says another connection (of this process or another) committed since
    the last call, so an unchanged database costs ~15 µs and no read of a page. A file
    replaced (a restore moves a new one in: a new inode) is a new connection and a new
    epoch. Read the version *before* reading what it guards, so that what is kept is
    never older than its version. Safe from several threads; the watch never writes.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._identity: tuple[str, int, int] | None = None
        self._epoch = 0
        self._data: int | None = None
        self._count = 0

    def version(self) -> tuple[int, int] | None:
        """(epoch, changes) now; None when nothing may be kept (no file yet, or one
        without the counter, or SQLite refused)."""
        with self._lock:
            identity = _identity(self.path)
            if identity is None:
                self._close()
                return None
            if self._db is None or identity != self._identity:
                self._close()
                _check_header(self.path)  # before this process' first connection to it
                self._db = sqlite3.connect(
                    self.path, timeout=30, isolation_level=None, check_same_thread=False
                )
                self._identity = identity
            try:
                data = int(self._db.execute("PRAGMA data_version").fetchone()[0])
                if data != self._data:  # someone committed: count again
                    self._count = int(self._db.execute("SELECT n FROM desk_changes").fetchone()[0])
                    self._data = data
            except (sqlite3.DatabaseError, IntegrityError, TypeError):
                self._close()  # the next call opens again; nothing kept is trusted
                return None
            return (self._epoch, self._count)

    def _close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
        self._data = None
        self._epoch += 1

    def close(self) -> None:
        """Close the watch's connection (a later :meth:`version` opens a new one)."""
        with self._lock:
            self._close()


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE … COMMIT, rolled back on error."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
