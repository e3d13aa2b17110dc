"""The copies of generated reports in the ``reports`` table (schema in ``schema.py``)."""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class StoredReport:
    """One kept report; ``pdf`` is None when none was printed."""

    id: int
    kind: str
    period: str
    first: date
    last: date
    language: str
    created_at: datetime
    markdown: str
    html: str
    pdf: bytes | None
    sent_to: str
    sent_at: datetime | None
    annex: str = ""
    """The CSV annex: every item of every section (empty for copies made before it)."""


_COLUMNS = (
    "id, kind, period, period_start, period_end, language, created_at, markdown, html, pdf, "
    "sent_to, sent_at, annex"
)


def _row(row: tuple[object, ...]) -> StoredReport:
    id_, kind, period, first, last, language, created, md, page, pdf, sent_to, sent_at, annex = row
    return StoredReport(
        int(str(id_)),
        str(kind),
        str(period),
        date.fromisoformat(str(first)),
        date.fromisoformat(str(last)),
        str(language),
        datetime.fromisoformat(str(created)),
        str(md),
        str(page),
        bytes(pdf) if isinstance(pdf, bytes) else None,
        str(sent_to),
        datetime.fromisoformat(sent_at) if isinstance(sent_at, str) else None,
        str(annex or ""),
    )


def add(
    db: sqlite3.Connection,
    *,
    kind: str,
    period: str,
    first: date,
    last: date,
    language: str,
    created_at: datetime,
    markdown: str,
    html: str,
    pdf: bytes | None,
    annex: str = "",
) -> int:
    """Keep a copy; return its id."""
    cursor = db.execute(
        "INSERT INTO reports (kind, period, period_start, period_end, language, created_at, "
        "markdown_sha256, markdown, html, pdf, annex) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            kind,
            period,
            first.isoformat(),
            last.isoformat(),
            language,
            created_at.isoformat(),
            hashlib.sha256(markdown.encode("utf-8")).hexdigest(),
            markdown,
            html,
            pdf,
            annex,
        ),
    )
    return int(cursor.lastrowid or 0)


def get(db: sqlite3.Connection, report_id: int) -> StoredReport | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM reports WHERE id = ?", (report_id,)).fetchone()
    return None if row is None else _row(row)


def listing(db: sqlite3.Connection) -> list[StoredReport]:
    """Every kept report, newest first."""
    return [_row(r) for r in db.execute(f"SELECT {_COLUMNS} FROM reports ORDER BY id DESC")]


def keep_pdf(db: sqlite3.Connection, report_id: int, pdf: bytes) -> None:
    """Add the PDF printed later (for sending) to a copy that had none."""
    db.execute("UPDATE reports SET pdf = ? WHERE id = ? AND pdf IS NULL", (pdf, report_id))


def mark_sent(db: sqlite3.Connection, report_id: int, recipients: list[str], at: datetime) -> None:
    db.execute(
        "UPDATE reports SET sent_to = ?, sent_at = ? WHERE id = ?",
        (", ".join(recipients), at.isoformat(), report_id),
    )
