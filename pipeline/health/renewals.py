"""The renewals register (SOP 2 step 4): connection, hosting, domain and other contracts.

Each contract has a provider, a period, a cost and a due date. Recording a renewal
stores its invoice (content-addressed, write-once) and moves the due date by one
period. Reminders go out once per threshold (60/30/14/7 days before the due date,
configurable) and once more when the date has passed.

Tables (operational database, schema version 3; see ``docs/renewals.md``)::

    renewals(id PRIMARY KEY, kind, provider, description, period_months, cost, due,
             reminded, created_at)
    renewal_payments(id, renewal_id, paid_on, amount, invoice_sha256, invoice_name,
                     previous_due, new_due, recorded_at, recorded_by)
"""

from __future__ import annotations

import calendar
import re
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pipeline.health.schema import SCHEMA as SCHEMA  # the tables live in the vocabulary layer

KINDS = ("connection", "hosting", "domain", "other")
_PERIOD = re.compile(r"^\s*(\d+)\s*(mo|y)\s*$")


@dataclass(frozen=True)
class Renewal:
    """One contract of the register."""

    id: str
    kind: str
    provider: str
    description: str
    period_months: int
    cost: int
    """In rupiah."""
    due: date
    reminded: int | None
    """The smallest reminder threshold (days) already sent for the current due date;
    0 once the overdue notice was sent."""

    def days_left(self, today: date) -> int:
        return (self.due - today).days


@dataclass(frozen=True)
class Payment:
    renewal_id: str
    paid_on: date
    amount: int
    invoice_sha256: str
    invoice_name: str
    previous_due: date
    new_due: date


def parse_period(text: str) -> int:
    """``"1y"`` → 12, ``"3mo"`` → 3 (months); ValueError otherwise."""
    match = _PERIOD.match(text)
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"expected a period such as 1mo, 3mo, 6mo or 1y, got {text!r}")
    return int(match.group(1)) * (12 if match.group(2) == "y" else 1)


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months``, the day clamped to the month's end (31 Jan + 1 → 28 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def reminder_due(renewal: Renewal, today: date, thresholds: list[int]) -> int | None:
    """The threshold to remind about now, or None.

    Reminds once per threshold crossed (only the nearest one when several were
    crossed since the last run) and once (``0``) when the due date has passed.
    """
    left = renewal.days_left(today)
    if left < 0:
        return 0 if renewal.reminded != 0 else None
    crossed = [t for t in sorted(thresholds) if left <= t]
    if not crossed:
        return None
    nearest = crossed[0]
    if renewal.reminded is not None and renewal.reminded <= nearest:
        return None
    return nearest


def _row(row: Any) -> Renewal:
    return Renewal(
        row[0], row[1], row[2], row[3], row[4], row[5], date.fromisoformat(row[6]), row[7]
    )


_COLUMNS = "id, kind, provider, description, period_months, cost, due, reminded"


def all_renewals(db: sqlite3.Connection) -> list[Renewal]:
    return [_row(r) for r in db.execute(f"SELECT {_COLUMNS} FROM renewals ORDER BY due, id")]


def get(db: sqlite3.Connection, renewal_id: str) -> Renewal | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM renewals WHERE id = ?", (renewal_id,)).fetchone()
    return None if row is None else _row(row)


def add(db: sqlite3.Connection, renewal: Renewal, now: datetime) -> None:
    db.execute(
        "INSERT INTO renewals (id, kind, provider, description, period_months, cost, due, "
        "reminded, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?)",
        (
            renewal.id,
            renewal.kind,
            renewal.provider,
            renewal.description,
            renewal.period_months,
            renewal.cost,
            renewal.due.isoformat(),
            now.isoformat(),
        ),
    )


def record_payment(db: sqlite3.Connection, payment: Payment, now: datetime, by: str) -> None:
    """Store the payment and move the due date (reminders start again for the new date)."""
    db.execute(
        "INSERT INTO renewal_payments (renewal_id, paid_on, amount, invoice_sha256, "
        "invoice_name, previous_due, new_due, recorded_at, recorded_by) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            payment.renewal_id,
            payment.paid_on.isoformat(),
            payment.amount,
            payment.invoice_sha256,
            payment.invoice_name,
            payment.previous_due.isoformat(),
            payment.new_due.isoformat(),
            now.isoformat(),
            by,
        ),
    )
    db.execute(
        "UPDATE renewals SET due = ?, reminded = NULL WHERE id = ?",
        (payment.new_due.isoformat(), payment.renewal_id),
    )


def mark_reminded(db: sqlite3.Connection, renewal_id: str, threshold: int) -> None:
    db.execute("UPDATE renewals SET reminded = ? WHERE id = ?", (threshold, renewal_id))


def payments(db: sqlite3.Connection, renewal_id: str) -> list[Payment]:
    return [
        Payment(
            r[0],
            date.fromisoformat(r[1]),
            r[2],
            r[3],
            r[4],
            date.fromisoformat(r[5]),
            date.fromisoformat(r[6]),
        )
        for r in db.execute(
            "SELECT renewal_id, paid_on, amount, invoice_sha256, invoice_name, previous_due, "
            "new_due FROM renewal_payments WHERE renewal_id = ? ORDER BY id",
            (renewal_id,),
        )
    ]
