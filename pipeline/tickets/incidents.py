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
``visitors:<day>``         suspicious requests on that local day, from      visitors_findings
                           addresses not denied, within the window          visitors_denied
=========================  ===============================================  ============

One grouping rule for every source (docs/tickets.md, "One incident per subject"): the
key ``kind:subject`` names what needs one decision — an endpoint, a certificate's host, a
domain, a backup repository, the website on one day of requests — never each piece of
evidence (each address, each failed check). A key has at most one open incident; new
evidence for an open key is added to it as a note; when the condition clears it closes.

:func:`sync_incidents` is idempotent: run it as often as wanted, a condition has at
most one open ticket (a partial UNIQUE index on ``source`` guarantees it even when two
runs race).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from pipeline import i18n, opsdb
from pipeline.health import causes
from pipeline.i18n import Locale
from pipeline.tickets import engine
from pipeline.visitors import labels
from pipeline.visitors.labels import request_time

i18n.register(
    {
        "id": {
            "incident.health_title": "Situs tidak tersedia: {endpoint}",
            "incident.health_detail": "Tidak tersedia sejak {since}: {cause}",
            "incident.tls_title": "Sertifikat TLS {host} akan kedaluwarsa",
            "incident.expiry_detail": "Kedaluwarsa {when} (sisa {left})",
            "incident.domain_title": "Domain {domain} akan kedaluwarsa",
            "incident.backup_title": "Cadangan gagal: {repository}",
            "incident.backup_failed": "{kind} gagal pada {when}",
            "incident.kind_backup": "Pencadangan",
            "incident.kind_drill": "Uji pemulihan",
            "incident.visitors_title": "Aktivitas mencurigakan pada situs, {day}: {count} "
            "alamat IP",
            "incident.visitors_detail": "Permintaan mencurigakan pada {day} dari {count} alamat "
            "IP (belum ditolak):",
            "incident.visitors_line": "{ip}: {rules}; {hits} permintaan, {first} – {last}",
            "incident.cleared": "kondisi sudah pulih",
        },
        "en": {
            "incident.health_title": "Site unavailable: {endpoint}",
            "incident.health_detail": "Unavailable since {since}: {cause}",
            "incident.tls_title": "TLS certificate of {host} expires soon",
            "incident.expiry_detail": "Expires {when} ({left} left)",
            "incident.domain_title": "Domain {domain} expires soon",
            "incident.backup_title": "Backup failed: {repository}",
            "incident.backup_failed": "{kind} failed at {when}",
            "incident.kind_backup": "Backup",
            "incident.kind_drill": "Restore drill",
            "incident.visitors_title": "Suspicious activity on the site, {day}: {count} IP "
            "addresses",
            "incident.visitors_title_one": "Suspicious activity on the site, {day}: {count} IP "
            "address",
            "incident.visitors_detail": "Suspicious requests on {day} from {count} IP addresses "
            "(not denied yet):",
            "incident.visitors_detail_one": "Suspicious requests on {day} from {count} IP "
            "address (not denied yet):",
            "incident.visitors_line": "{ip}: {rules}; {hits} requests, {first} – {last}",
            "incident.cleared": "condition cleared",
        },
    }
)

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


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def health_conditions(db: sqlite3.Connection, loc: Locale | None = None) -> list[Condition]:
    """One condition per endpoint with an open health incident."""
    rows = db.execute(
        "SELECT id, endpoint, opened_at, cause FROM health_incidents "
        "WHERE closed_at IS NULL ORDER BY id"
    )
    loc = loc or Locale()
    found: dict[str, Condition] = {}
    for incident_id, endpoint, opened_at, cause in rows:
        found.setdefault(
            endpoint,
            Condition(
                f"health:{endpoint}",
                loc.t("incident.health_title", endpoint=endpoint),
                loc.t(
                    "incident.health_detail",
                    since=loc.datetime(_moment(opened_at)),
                    cause=cause_text(cause, loc),
                ),
                f"health_incidents:{incident_id}",
            ),
        )
    return list(found.values())


def cause_text(cause: str, loc: Locale) -> str:
    """A recorded health cause in ``loc``'s language (see :mod:`pipeline.health.causes`)."""
    return causes.describe(cause, loc)


def tls_conditions(
    db: sqlite3.Connection, watched: Iterable[Watched], now: datetime, loc: Locale | None = None
) -> list[Condition]:
    """Certificates whose last seen expiry is within the endpoint's threshold."""
    loc = loc or Locale()
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
                loc.t("incident.tls_title", host=w.host),
                loc.t(
                    "incident.expiry_detail",
                    when=loc.datetime(_moment(row[1])),
                    left=loc.duration(left),
                ),
                f"health_results:{row[0]}",
            )
    return list(found.values())


def domain_conditions(
    db: sqlite3.Connection, watched: Iterable[Watched], now: datetime, loc: Locale | None = None
) -> list[Condition]:
    """Domains whose cached expiry is within the threshold."""
    loc = loc or Locale()
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
                    loc.t("incident.domain_title", domain=domain),
                    loc.t(
                        "incident.expiry_detail",
                        when=loc.datetime(_moment(row[0])),
                        left=loc.duration(left),
                    ),
                    f"health_domains:{domain}",
                )
            )
    return found


def backup_conditions(db: sqlite3.Connection, loc: Locale | None = None) -> list[Condition]:
    """Repositories whose latest backup or latest restore drill failed."""
    loc = loc or Locale()
    rows = db.execute(
        "SELECT e.id, e.repository, e.kind, e.at, e.detail FROM backup_events e "
        "WHERE e.kind IN ('backup', 'drill') AND e.ok = 0 AND e.id = ("
        "  SELECT l.id FROM backup_events l WHERE l.repository = e.repository "
        "  AND l.kind = e.kind ORDER BY l.at DESC, l.id DESC LIMIT 1"
        ") ORDER BY e.repository, e.kind"
    ).fetchall()
    found: dict[str, Condition] = {}
    for event_id, repository, kind, at, detail in rows:
        what = loc.t(
            "incident.backup_failed",
            kind=loc.t(f"incident.kind_{kind}"),
            when=loc.datetime(_moment(at)),
        ) + (f": {detail}" if detail else "")
        earlier = found.get(repository)
        found[repository] = Condition(
            f"backup:{repository}",
            loc.t("incident.backup_title", repository=repository),
            f"{earlier.detail}; {what}" if earlier else what,
            earlier.link if earlier else f"backup_events:{event_id}",
        )
    return list(found.values())


def visitor_conditions(
    db: sqlite3.Connection,
    now: datetime,
    window: timedelta,
    loc: Locale | None = None,
    denied: Collection[str] | None = None,
) -> list[Condition]:
    """One condition per local day with suspicious requests within ``window``, listing the
    addresses (never one per address); addresses already denied are left out.

    The day is the court's local day of the requests (a finding's ``first``), not the day
    the log was analysed. ``denied`` defaults to the ``visitors_denied`` table.
    """
    loc = loc or Locale()
    if denied is None:
        denied = {row[0] for row in db.execute("SELECT ip FROM visitors_denied")}
    since = now - window
    # A finding's requests all happened before it was recorded or extended: its last
    # request (recorded_at for rows older than schema 9) bounds the scan. first_at and
    # last_at are UTC ISO 8601, whatever the log's own time format.
    rows = db.execute(
        "SELECT id, ip, rule, COALESCE(first_at, first), COALESCE(last_at, last), count "
        "FROM visitors_findings WHERE COALESCE(last_at, recorded_at) >= ? ORDER BY id",
        (since.isoformat(),),
    )
    days: dict[date, dict[str, list[tuple[int, str, datetime, datetime, int]]]] = {}
    for finding_id, ip, rule, first, last, count in rows:
        if ip in denied:
            continue
        start = request_time(first)
        end = request_time(last) or start
        if start is None or end is None or end < since:
            continue
        day = loc.local(start).date()
        days.setdefault(day, {}).setdefault(ip, []).append((finding_id, rule, start, end, count))
    found = []
    for day, by_ip in sorted(days.items()):
        label = loc.date(day)
        lines = [loc.t("incident.visitors_detail", day=label, count=len(by_ip))]
        for ip, items in sorted(by_ip.items()):
            lines.append(
                "- "
                + loc.t(
                    "incident.visitors_line",
                    ip=ip,
                    rules=", ".join(sorted({labels.rule_name(r, loc) for _i, r, *_ in items})),
                    hits=loc.number(sum(i[4] for i in items)),
                    first=loc.time(min(i[2] for i in items)),
                    last=loc.time(max(i[3] for i in items)),
                )
            )
        last_id = max(i[0] for items in by_ip.values() for i in items)
        found.append(
            Condition(
                f"visitors:{day.isoformat()}",
                loc.t("incident.visitors_title", day=label, count=len(by_ip)),
                "\n".join(lines),
                f"visitors_findings:{last_id}",
            )
        )
    return found


def current_conditions(
    db: sqlite3.Connection,
    *,
    watched: Sequence[Watched],
    now: datetime,
    visitors_window: timedelta,
    loc: Locale | None = None,
) -> list[Condition]:
    """Every condition the other modules report now, described in ``loc``'s language."""
    loc = loc or Locale()
    return [
        *health_conditions(db, loc),
        *tls_conditions(db, watched, now, loc),
        *domain_conditions(db, watched, now, loc),
        *backup_conditions(db, loc),
        *visitor_conditions(db, now, visitors_window, loc),
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
    loc: Locale | None = None,
) -> SyncResult:
    """Open an incident per new condition, note new evidence on the open ones, close those
    whose condition cleared.

    ``kinds`` are the modules whose conditions were read: an open incident of another
    kind is left alone. ``levels`` gives (impact, urgency) per kind. One transaction.
    """
    loc = loc or Locale()
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
                engine.close_by_source(db, ticket, now, loc.t("incident.cleared"))
                result.closed.append(ticket)
            else:
                engine.note_by_source(db, ticket, now, wanted[ticket.source].detail)
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
