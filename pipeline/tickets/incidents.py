"""Incidents from the other modules (SOP 2 steps 5–7): open a ticket when a condition
appears, close it when the condition clears.

Each module's state is read from its own tables in the operational database — the
ticket module never changes them:

=========================  ===============================================  ============
source                     condition                                        read from
=========================  ===============================================  ============
``health:<endpoint>``      the endpoint is down (an open health incident)   health_incidents
``tls:<host>``             the certificate expires within the threshold     health_results
``domain:<name>``          the domain expires within the threshold          health_domains
``backup:<repository>``    the latest backup or restore drill failed        backup_events
``visitors:<ip>``          suspicious activity within the window            visitors_findings
=========================  ===============================================  ============

:func:`sync_incidents` is idempotent: run it as often as wanted, a condition has at
most one open ticket (a partial UNIQUE index on ``source`` guarantees it even when two
runs race).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from pipeline import opsdb
from pipeline.tickets import engine

KINDS = ("health", "tls", "domain", "backup", "visitors")


@dataclass(frozen=True)
class Condition:
    """A problem another module reports now."""

    source: str
    """``kind:name``; the key of the incident."""
    title: str
    detail: str = ""
    link: str = ""
    """Where the problem is recorded (``health_incidents:12``, an address)."""

    @property
    def kind(self) -> str:
        return self.source.split(":", 1)[0]


@dataclass(frozen=True)
class Watched:
    """A checked endpoint: its TLS host and domain, and when each counts as expiring."""

    endpoint: str
    host: str
    tls_threshold: timedelta | None
    """None: the endpoint is not https."""
    domain: str = ""
    domain_threshold: timedelta | None = None
    """None: the domain is not watched."""


@dataclass
class SyncResult:
    """What one sync did."""

    opened: list[engine.Ticket] = field(default_factory=list)
    closed: list[engine.Ticket] = field(default_factory=list)
    still_open: list[engine.Ticket] = field(default_factory=list)


def _days(delta: timedelta) -> str:
    return f"{delta.total_seconds() / 86400:.1f}"


def health_conditions(db: sqlite3.Connection) -> list[Condition]:
    """One condition per endpoint with an open health incident."""
    rows = db.execute(
        "SELECT id, endpoint, opened_at, cause FROM health_incidents "
        "WHERE closed_at IS NULL ORDER BY id"
    )
    found: dict[str, Condition] = {}
    for incident_id, endpoint, opened_at, cause in rows:
        found.setdefault(
            endpoint,
            Condition(
                f"health:{endpoint}",
                f"Situs tidak tersedia: {endpoint}",
                f"down since {opened_at}: {cause}",
                f"health_incidents:{incident_id}",
            ),
        )
    return list(found.values())


def tls_conditions(
    db: sqlite3.Connection, watched: Iterable[Watched], now: datetime
) -> list[Condition]:
    """Certificates whose last seen expiry is within the endpoint's threshold."""
    found: dict[str, Condition] = {}
    for w in watched:
        if w.tls_threshold is None:
            continue
        row = db.execute(
            "SELECT id, certificate_expires FROM health_results WHERE endpoint = ? "
            "AND certificate_expires IS NOT NULL ORDER BY at DESC, id DESC LIMIT 1",
            (w.endpoint,),
        ).fetchone()
        if row is None:
            continue
        left = datetime.fromisoformat(row[1]) - now
        if left < w.tls_threshold and w.host not in found:
            found[w.host] = Condition(
                f"tls:{w.host}",
                f"Sertifikat TLS {w.host} akan kedaluwarsa",
                f"expires {row[1]} ({_days(left)} days left)",
                f"health_results:{row[0]}",
            )
    return list(found.values())


def domain_conditions(
    db: sqlite3.Connection, watched: Iterable[Watched], now: datetime
) -> list[Condition]:
    """Domains whose cached expiry is within the threshold."""
    thresholds: dict[str, timedelta] = {}
    for w in watched:
        if w.domain and w.domain_threshold is not None:
            previous = thresholds.get(w.domain)
            thresholds[w.domain] = max(previous or w.domain_threshold, w.domain_threshold)
    found = []
    for domain, threshold in sorted(thresholds.items()):
        row = db.execute(
            "SELECT expires FROM health_domains WHERE domain = ?", (domain,)
        ).fetchone()
        if row is None or row[0] is None:
            continue
        left = datetime.fromisoformat(row[0]) - now
        if left < threshold:
            found.append(
                Condition(
                    f"domain:{domain}",
                    f"Domain {domain} akan kedaluwarsa",
                    f"expires {row[0]} ({_days(left)} days left)",
                    f"health_domains:{domain}",
                )
            )
    return found


def backup_conditions(db: sqlite3.Connection) -> list[Condition]:
    """Repositories whose latest backup or latest restore drill failed."""
    rows = db.execute(
        "SELECT e.id, e.repository, e.kind, e.at, e.detail FROM backup_events e "
        "WHERE e.kind IN ('backup', 'drill') AND e.ok = 0 AND e.id = ("
        "  SELECT l.id FROM backup_events l WHERE l.repository = e.repository "
        "  AND l.kind = e.kind ORDER BY l.at DESC, l.id DESC LIMIT 1"
        ") ORDER BY e.repository, e.kind"
    ).fetchall()
    found: dict[str, Condition] = {}
    for event_id, repository, kind, at, detail in rows:
        what = f"{kind} failed at {at}" + (f": {detail}" if detail else "")
        earlier = found.get(repository)
        found[repository] = Condition(
            f"backup:{repository}",
            f"Cadangan gagal: {repository}",
            f"{earlier.detail}; {what}" if earlier else what,
            earlier.link if earlier else f"backup_events:{event_id}",
        )
    return list(found.values())


def visitor_conditions(db: sqlite3.Connection, now: datetime, window: timedelta) -> list[Condition]:
    """IPs with a suspicious-activity finding recorded within ``window``."""
    rows = db.execute(
        "SELECT ip, MAX(id), GROUP_CONCAT(DISTINCT rule), SUM(count) FROM visitors_findings "
        "WHERE recorded_at >= ? GROUP BY ip ORDER BY ip",
        ((now - window).isoformat(),),
    )
    return [
        Condition(
            f"visitors:{ip}",
            f"Aktivitas mencurigakan dari {ip}",
            f"rules {rules}, {hits} request(s)",
            f"visitors_findings:{last_id}",
        )
        for ip, last_id, rules, hits in rows
    ]


def current_conditions(
    db: sqlite3.Connection,
    *,
    watched: Sequence[Watched],
    now: datetime,
    visitors_window: timedelta,
) -> list[Condition]:
    """Every condition the other modules report now."""
    return [
        *health_conditions(db),
        *tls_conditions(db, watched, now),
        *domain_conditions(db, watched, now),
        *backup_conditions(db),
        *visitor_conditions(db, now, visitors_window),
    ]


def sync_incidents(
    db: sqlite3.Connection,
    rules: engine.Rules,
    conditions: Sequence[Condition],
    now: datetime,
    *,
    levels: dict[str, tuple[str, str]],
    kinds: Sequence[str] = KINDS,
    assignee: str = "",
) -> SyncResult:
    """Open an incident per new condition, close those whose condition cleared.

    ``kinds`` are the modules whose conditions were read: an open incident of another
    kind is left alone. ``levels`` gives (impact, urgency) per kind. One transaction.
    """
    result = SyncResult()
    wanted = {c.source: c for c in conditions}
    with opsdb.transaction(db):
        open_now = [
            t
            for t in engine.find(db, status="open", kind="incident")
            if t.source and t.source.split(":", 1)[0] in kinds
        ]
        by_source = {t.source: t for t in open_now}
        for ticket in open_now:
            if ticket.source not in wanted:
                engine.close_by_source(db, ticket, now, "condition cleared")
                result.closed.append(ticket)
            else:
                result.still_open.append(ticket)
        for source, condition in wanted.items():
            if source in by_source:
                continue
            impact, urgency = levels[condition.kind]
            opened = engine.insert_incident(
                db,
                rules,
                engine.NewTicket(
                    workflow="B",
                    kind="incident",
                    title=condition.title,
                    requester=engine.SYSTEM,
                    description=condition.detail,
                    impact=impact,
                    urgency=urgency,
                    source=source,
                    link=condition.link,
                    assignee=assignee,
                    note=condition.detail,
                ),
                now,
            )
            if opened is not None:
                result.opened.append(opened)
    return result
