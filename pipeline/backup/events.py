"""The ``backup_events`` record: every run, verify, drill and prune, ok or not.

Other areas read it (the situation report shows the last backup and the last proven
restore; the ticket module opens an incident from a failed one), so a failure is
recorded with a ``detail`` a person can act on.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from pipeline import opsdb


@dataclass(frozen=True)
class BackupEvent:
    at: datetime
    repository: str
    kind: str
    snapshot: str | None
    ok: bool
    files: int | None = None
    bytes: int | None = None
    duration_s: float | None = None
    detail: str = ""


def record(db: sqlite3.Connection, event: BackupEvent) -> None:
    """Append one event."""
    with opsdb.transaction(db):
        db.execute(
            "INSERT INTO backup_events (at, repository, kind, snapshot, ok, files, bytes, "
            "duration_s, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                event.at.isoformat(timespec="seconds"),
                event.repository,
                event.kind,
                event.snapshot,
                int(event.ok),
                event.files,
                event.bytes,
                event.duration_s,
                event.detail,
            ),
        )


def recent(db: sqlite3.Connection, kind: str | None = None, limit: int = 20) -> list[BackupEvent]:
    """The newest events first (of one kind when given)."""
    query = (
        "SELECT at, repository, kind, snapshot, ok, files, bytes, duration_s, detail "
        "FROM backup_events"
    )
    params: tuple[object, ...] = ()
    if kind:
        query += " WHERE kind = ?"
        params = (kind,)
    rows = db.execute(query + " ORDER BY at DESC, id DESC LIMIT ?", (*params, limit)).fetchall()
    return [
        BackupEvent(
            datetime.fromisoformat(r[0]), r[1], r[2], r[3], bool(r[4]), r[5], r[6], r[7], r[8]
        )
        for r in rows
    ]
