"""Read-only ticket lists of the desk: a role's queue and a requester's own requests.

Queries on the ``tickets`` table only (its columns are those of :data:`engine.COLUMNS`);
each is one SELECT on an index of schema version 10 (``schema.QUEUE_INDEXES``), so a queue
page costs about the same with 10 or 10,000 tickets.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from pipeline.tickets.engine import COLUMNS, Ticket


def at_steps(db: sqlite3.Connection, steps: Sequence[str], *, limit: int = 500) -> list[Ticket]:
    """Open tickets standing at one of ``steps``, the most urgent (earliest due) first."""
    if not steps:
        return []
    marks = ", ".join("?" for _ in steps)
    # the page's ids first, sorted on the covering index alone; then only their rows
    # (sorting every open ticket's whole row cost twice as much)
    order = "ORDER BY due IS NULL, due, id"
    rows = db.execute(
        f"SELECT {COLUMNS} FROM tickets WHERE id IN (SELECT id FROM tickets "
        f"WHERE status = 'open' AND step IN ({marks}) {order} LIMIT ?) {order}",
        (*steps, limit),
    )
    return [Ticket.from_row(r) for r in rows]


def count_at_steps(db: sqlite3.Connection, steps: Sequence[str]) -> int:
    """How many open tickets stand at one of ``steps``."""
    if not steps:
        return 0
    marks = ", ".join("?" for _ in steps)
    row = db.execute(
        f"SELECT COUNT(*) FROM tickets WHERE status = 'open' AND step IN ({marks})", tuple(steps)
    ).fetchone()
    return int(row[0])


def count_requested_by(db: sqlite3.Connection, names: Sequence[str]) -> int:
    """How many tickets one of ``names`` requested."""
    marks = ", ".join("?" for _ in names)
    row = db.execute(
        f"SELECT COUNT(*) FROM tickets WHERE requester IN ({marks})", tuple(names)
    ).fetchone()
    return int(row[0])


def requested_by(db: sqlite3.Connection, names: Sequence[str], *, limit: int = 200) -> list[Ticket]:
    """Tickets whose requester is one of ``names`` (a person's id and full name), newest
    first."""
    marks = ", ".join("?" for _ in names)
    rows = db.execute(
        f"SELECT {COLUMNS} FROM tickets WHERE requester IN ({marks}) ORDER BY id DESC LIMIT ?",
        (*names, limit),
    )
    return [Ticket.from_row(r) for r in rows]


def referenced(db: sqlite3.Connection, attachment: str) -> list[int]:
    """Tickets whose record names the stored attachment ``attachment``."""
    rows = db.execute(
        "SELECT DISTINCT ticket_id FROM ticket_events WHERE attachment = ?", (attachment,)
    )
    return [int(r[0]) for r in rows]
