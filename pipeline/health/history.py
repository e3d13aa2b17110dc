"""The health history in the operational SQLite database.

Schema version 2 (``PRAGMA user_version``), documented in ``docs/health.md``::

    health_results(id, endpoint, at, success, status, response_ms, certificate_expires,
                   error, failed, unknown)
    health_state(endpoint PRIMARY KEY, state, failures, successes, changed_at)
    health_incidents(id, endpoint, opened_at, closed_at, cause, resolution)
    health_domains(domain PRIMARY KEY, expires, source, problem, checked_at)   (version 2)

Every run is one transaction: the results, the new states and the incidents
they open or close are committed together or not at all.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pipeline.health.domains import DomainExpiry
from pipeline.health.policy import EndpointState, Transition
from pipeline.health.probe import CheckResult


@dataclass(frozen=True)
class Incident:
    id: int
    endpoint: str
    opened_at: datetime
    closed_at: datetime | None
    cause: str
    resolution: str


def _dt(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def load_state(db: sqlite3.Connection, endpoint: str) -> EndpointState:
    row = db.execute(
        "SELECT state, failures, successes, changed_at FROM health_state WHERE endpoint = ?",
        (endpoint,),
    ).fetchone()
    if row is None:
        return EndpointState(endpoint)
    return EndpointState(endpoint, row[0], row[1], row[2], _dt(row[3]))


def save_state(db: sqlite3.Connection, state: EndpointState) -> None:
    db.execute(
        "INSERT INTO health_state (endpoint, state, failures, successes, changed_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT(endpoint) DO UPDATE SET state=excluded.state, "
        "failures=excluded.failures, successes=excluded.successes, "
        "changed_at=excluded.changed_at",
        (
            state.name,
            state.state,
            state.failures,
            state.successes,
            state.changed_at.isoformat() if state.changed_at else None,
        ),
    )


def record_result(db: sqlite3.Connection, result: CheckResult) -> None:
    seen = result.observation
    db.execute(
        "INSERT INTO health_results (endpoint, at, success, status, response_ms, "
        "certificate_expires, error, failed, unknown) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            result.name,
            result.at.isoformat(),
            int(result.success),
            seen.status,
            result.response_ms,
            seen.certificate_expires.isoformat() if seen.certificate_expires else None,
            result.error,
            json.dumps(result.failed),
            json.dumps(result.unknown),
        ),
    )


def apply_transition(db: sqlite3.Connection, transition: Transition) -> None:
    """Open an incident when an endpoint goes down; close the open one when it comes up."""
    if transition.after == "down":
        db.execute(
            "INSERT INTO health_incidents (endpoint, opened_at, cause) VALUES (?, ?, ?)",
            (transition.name, transition.at.isoformat(), transition.cause),
        )
    else:
        db.execute(
            "UPDATE health_incidents SET closed_at = ?, resolution = ? "
            "WHERE endpoint = ? AND closed_at IS NULL",
            (transition.at.isoformat(), transition.cause, transition.name),
        )


def incidents(db: sqlite3.Connection, *, open_only: bool = False) -> list[Incident]:
    sql = (
        "SELECT id, endpoint, opened_at, closed_at, cause, resolution FROM health_incidents"
        + (" WHERE closed_at IS NULL" if open_only else "")
        + " ORDER BY opened_at DESC"
    )
    return [
        Incident(r[0], r[1], _dt(r[2]), _dt(r[3]), r[4], r[5])  # type: ignore[arg-type]
        for r in db.execute(sql)
    ]


def _counts(db: sqlite3.Connection, endpoint: str, since: datetime) -> tuple[int, int]:
    """(checks, successful checks) of ``endpoint`` at or after ``since``: whole hours
    from ``health_hours``, the rest of ``since``'s own hour from the results."""
    if since.tzinfo is not None:
        since = since.astimezone(UTC)
    start = since.isoformat()
    hour = start[:13]  # the hour key of health_hours (UTC: results are written in UTC)
    following = since.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    after = following.isoformat()[:13]
    hours = db.execute(
        "SELECT COALESCE(SUM(checks), 0), COALESCE(SUM(good), 0) FROM health_hours "
        "WHERE endpoint = ? AND hour > ?",
        (endpoint, hour),
    ).fetchone()
    edge = db.execute(
        "SELECT COUNT(*), COALESCE(SUM(success != 0), 0) FROM health_results "
        "WHERE endpoint = ? AND at >= ? AND at < ?",
        (endpoint, start, after),
    ).fetchone()
    return int(hours[0]) + int(edge[0]), int(hours[1]) + int(edge[1])


def uptime(db: sqlite3.Connection, endpoint: str, since: datetime) -> float | None:
    """Share of successful checks since ``since`` (None when there were none)."""
    total, good = _counts(db, endpoint, since)
    return None if total == 0 else good / total


def uptimes(
    db: sqlite3.Connection, endpoint: str, recent: datetime, since: datetime
) -> tuple[float | None, float | None]:
    """(share of successful checks since ``recent``, since ``since``); None where there
    were no checks."""
    return uptime(db, endpoint, recent), uptime(db, endpoint, since)


def response_times(
    db: sqlite3.Connection, endpoint: str, since: datetime
) -> list[tuple[datetime, float]]:
    """(time, milliseconds) of the successful checks since ``since``, oldest first."""
    return [
        (datetime.fromisoformat(at), ms)
        for at, ms in db.execute(
            "SELECT at, response_ms FROM health_results WHERE endpoint = ? AND at >= ? "
            "AND response_ms IS NOT NULL ORDER BY at",
            (endpoint, since.isoformat()),
        )
    ]


PERIODS = {"24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30)}


def cached_domain(
    db: sqlite3.Connection, domain: str, *, fresher_than: datetime
) -> DomainExpiry | None:
    """The last lookup of ``domain`` if it was made after ``fresher_than``."""
    row = db.execute(
        "SELECT expires, source, problem, checked_at FROM health_domains WHERE domain = ?",
        (domain,),
    ).fetchone()
    if row is None or datetime.fromisoformat(row[3]) < fresher_than:
        return None
    return DomainExpiry(domain, _dt(row[0]), row[1], row[2])


def save_domain(db: sqlite3.Connection, found: DomainExpiry, at: datetime) -> None:
    db.execute(
        "INSERT INTO health_domains (domain, expires, source, problem, checked_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT(domain) DO UPDATE SET expires=excluded.expires, "
        "source=excluded.source, problem=excluded.problem, checked_at=excluded.checked_at",
        (
            found.domain,
            found.expires.isoformat() if found.expires else None,
            found.source,
            found.problem,
            at.isoformat(),
        ),
    )
