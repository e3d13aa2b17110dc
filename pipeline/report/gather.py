"""Gather the situation report of one period from what warta already records.

Pure: every function reads the operational database it is given (and the content items
and configuration passed in) and returns :mod:`pipeline.report.model` data; nothing is
written, nothing is fetched. Other areas' tables are read through their documented
contract columns only (``backup_events``: ``pipeline/backup/schema.py``; ``tickets`` and
``ticket_events``: ``pipeline/tickets/schema.py``), so the report never depends on those
modules' code.
"""

from __future__ import annotations

import json
import sqlite3
import statistics
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from pipeline.config import Config, WorkflowTargets
from pipeline.content.model import FrontMatter, Status
from pipeline.content.status import item_status
from pipeline.content.store import Item
from pipeline.health import history
from pipeline.health import renewals as register
from pipeline.health.freshness import Dated, judge
from pipeline.report.model import (
    Availability,
    BackupEvent,
    Backups,
    CategoryFigures,
    Concern,
    Content,
    DayFigures,
    Due,
    EndpointFigures,
    Note,
    Period,
    Published,
    Renewals,
    SituationReport,
    StepTime,
    Suspicious,
    Ticket,
    Tickets,
    Visitors,
)
from pipeline.site import compliance as site_compliance
from pipeline.site.live import aware, is_live
from pipeline.tickets.engine import COLUMNS
from pipeline.tickets.engine import Ticket as TicketRecord
from pipeline.visitors.labels import request_time

UTC = ZoneInfo("UTC")


def _utc(moment: datetime) -> str:
    """The ISO text the tables are compared with (they are written in UTC)."""
    return moment.astimezone(UTC).isoformat()


def _when(text: str | None) -> datetime | None:
    if not text:
        return None
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# -- availability ---------------------------------------------------------------------


def availability(
    db: sqlite3.Connection, names: list[str], period: Period, *, target: float
) -> Availability:
    """Per endpoint and local day: checks, successes and the median response time."""
    tz = ZoneInfo(period.tz)
    endpoints = []
    for name in names:
        checks: dict[date, list[bool]] = {day: [] for day in period.days()}
        for at, success in db.execute(
            "SELECT at, success FROM health_results WHERE endpoint = ? AND at >= ? AND at < ?",
            (name, _utc(period.since), _utc(period.until)),
        ):
            day = datetime.fromisoformat(at).astimezone(tz).date()
            if day in checks:
                checks[day].append(bool(success))
        timed: dict[date, list[float]] = {day: [] for day in period.days()}
        response = []
        for moment, ms in history.response_times(db, name, period.since.astimezone(UTC)):
            if period.covers(moment):
                timed[moment.astimezone(tz).date()].append(ms)
                response.append(ms)
        days = [
            DayFigures(
                day,
                len(checks[day]),
                sum(checks[day]),
                statistics.median(timed[day]) if timed[day] else None,
            )
            for day in period.days()
        ]
        endpoints.append(EndpointFigures(name, days, response))
    incidents = [
        i
        for i in history.incidents(db)
        if i.opened_at < period.until and (i.closed_at is None or i.closed_at >= period.since)
    ]
    incidents.sort(key=lambda i: i.opened_at)
    return Availability(endpoints, incidents, target)


# -- content --------------------------------------------------------------------------


def step_times(
    front: FrontMatter, targets: WorkflowTargets, tz: str, published_at: datetime
) -> list[StepTime]:
    """The time each SOP 1 step took, read from the item's history (its last pass through
    the workflow, as ``warta status`` measures a step: from the entry that started it).

    collect: draft → collected; convert: collected → converted; draft: the later of draft
    and converted → in-review; review: in-review → the editor's review record; approval:
    the review → approved; publish: approved (or the embargo, when later) → published.
    The archive step is not measured: a bag records only its date.
    """
    entries = [
        (e.status, aware(e.at, tz)) for e in front.history if aware(e.at, tz) <= published_at
    ]

    def last(statuses: tuple[str, ...], before: datetime) -> datetime | None:
        found = [at for status, at in entries if status in statuses and at <= before]
        return found[-1] if found else None

    steps: list[StepTime] = []

    def add(step: str, start: datetime | None, end: datetime | None, target: timedelta) -> None:
        if start is not None and end is not None and end >= start:
            steps.append(StepTime(step, end - start, target))

    approved = last(("approved",), published_at)
    in_review = last(("in-review",), approved) if approved else None
    if in_review is not None:
        converted = last(("converted",), in_review)
        collected = last(("collected",), converted or in_review)
        if collected is not None:
            add("collect", last(("draft",), collected), collected, targets.collect)
        if converted is not None:
            add("convert", last(("collected", "draft"), converted), converted, targets.convert)
        add("draft", last(("converted", "draft"), in_review), in_review, targets.draft)
        reviewed = aware(front.review.at, tz) if front.review else None
        if reviewed is not None and approved is not None and in_review <= reviewed <= approved:
            add("review", in_review, reviewed, targets.review)
            add("approval", reviewed, approved, targets.approval)
        else:
            add("approval", in_review, approved, targets.review + targets.approval)
    if approved is not None:
        embargo = aware(front.publish_at, tz) if front.publish_at else None
        add("publish", max(filter(None, [approved, embargo])), published_at, targets.publish)
    return steps


def content(
    config: Config,
    items: Iterable[Item],
    period: Period,
    language: str,
    now: datetime | None = None,
) -> Content:
    """What was published per category, each step against its target, freshness at the
    end of the period, and the drafts that are late at ``now`` (the moment the report is
    made: a draft's age runs to now, not to the end of the period)."""
    moment = now or period.until
    tz = config.site.timezone
    published: list[Published] = []
    live: list[Dated] = []
    waiting = []
    for item in items:
        front = item.front
        if item.location == "draft":
            row = item_status(config, item, now=moment, archived=set())
            if row.late:
                waiting.append(row)
            continue
        if front.status is not Status.PUBLISHED or front.published_at is None:
            continue
        at = aware(front.published_at, tz)
        if at >= period.until:
            continue  # not yet published at the end of the period
        live.append(Dated(front.category, front.slug, front.date, front.published_at))
        if at >= period.since:
            steps = step_times(front, config.workflow.targets, tz, at)
            published.append(Published(front.slug, front.title, front.category, at, steps))
    published.sort(key=lambda p: (p.published_at, p.slug))
    categories = [
        CategoryFigures(
            c.id,
            c.label.get(language),
            sum(1 for p in published if p.category == c.id),
            sum(1 for p in published if p.category == c.id and p.late_steps),
        )
        for c in config.categories
    ]
    freshness = judge(config.categories, live, now=period.until, tz=tz, language=language)
    waiting.sort(key=lambda r: (r.since or period.until, r.slug))
    score = checklist_score(config, items, period.until)
    return Content(
        categories,
        published,
        freshness,
        waiting,
        site_compliance=score.percent,
        site_to_fill=tuple(f.item.id for f in score.to_do),
    )


def checklist_score(
    config: Config, items: Iterable[Item], moment: datetime
) -> site_compliance.Score:
    """The site's live content at ``moment`` against the assessment's checklist."""
    docs = config.path("content")
    live = []
    for item in items:
        if item.location != "content" or not is_live(
            item.front, now=moment, tz=config.site.timezone
        ):
            continue
        folder = item.folder.resolve()
        if folder.is_relative_to(docs):
            live.append((folder.relative_to(docs).as_posix(), item))
    home = docs / "index.md"
    return site_compliance.score(
        config,
        site_compliance.load_checklist(),
        live,
        home_markdown=home.read_text(encoding="utf-8") if home.is_file() else None,
        now=moment,
    )


# -- visitors -------------------------------------------------------------------------


def visitors(db: sqlite3.Connection, period: Period) -> Visitors:
    """The findings whose requests happened during the period (dated by their first
    request, not by the analysis that found them; a finding whose dates cannot be read
    falls back to the moment it was recorded)."""
    analysed = bool(
        db.execute("SELECT 1 FROM visitors_findings LIMIT 1").fetchone()
        or db.execute("SELECT 1 FROM visitors_positions LIMIT 1").fetchone()
    )
    findings = []
    for recorded_at, ip, rule, first, last, count, samples in db.execute(
        "SELECT COALESCE(last_at, recorded_at), ip, rule, first, last, count, samples "
        "FROM visitors_findings "
        "ORDER BY id"
    ):
        moment = request_time(first) or _when(recorded_at)
        if moment is not None and period.covers(moment):
            sample = next(iter(json.loads(samples)), "")
            findings.append(Suspicious(ip, rule, first, last, count, sample))
    findings.sort(key=lambda f: (-f.count, f.ip, f.rule))
    return Visitors(analysed, findings)


# -- renewals, certificates, domains ---------------------------------------------------


def renewals(
    db: sqlite3.Connection, config: Config, period: Period, *, horizon_days: int
) -> Renewals:
    """Contracts due within the horizon (or overdue), the newest TLS certificate expiry seen
    per endpoint and the registry expiry of each domain, counted from the period's end."""
    today = period.last
    contracts = register.all_renewals(db)
    due = [
        Due(r.kind, r.id, r.provider, r.due, r.days_left(today), r.description)
        for r in contracts
        if r.days_left(today) <= horizon_days
    ]
    for endpoint in config.health.endpoints:
        row = db.execute(
            "SELECT certificate_expires FROM health_results WHERE endpoint = ? AND at < ? "
            "AND certificate_expires IS NOT NULL ORDER BY at DESC LIMIT 1",
            (endpoint.name, _utc(period.until)),
        ).fetchone()
        expires = _when(row[0]) if row else None
        if expires is not None:
            cert_day = expires.astimezone(ZoneInfo(period.tz)).date()
            due.append(Due("tls", endpoint.name, "", cert_day, (cert_day - today).days))
    for domain, expires_text, source, problem in db.execute(
        "SELECT domain, expires, source, problem FROM health_domains ORDER BY domain"
    ):
        expires = _when(expires_text)
        day = expires.astimezone(ZoneInfo(period.tz)).date() if expires else None
        left = (day - today).days if day else None
        due.append(Due("registration", domain, source, day, left, problem))
    due.sort(key=lambda d: (d.days_left is None, d.days_left or 0, d.what, d.name))
    return Renewals(len(contracts), due, horizon_days)


# -- backups --------------------------------------------------------------------------

_BACKUP_COLUMNS = "at, repository, kind, snapshot, ok, files, bytes, detail"


def _backup(row: tuple[object, ...]) -> BackupEvent:
    at, repository, kind, snapshot, ok, files, size, detail = row
    return BackupEvent(
        _when(str(at)) or datetime.min.replace(tzinfo=UTC),
        str(repository),
        str(kind),
        str(snapshot or ""),
        bool(ok),
        files if isinstance(files, int) else None,
        size if isinstance(size, int) else None,
        str(detail or ""),
    )


def backups(db: sqlite3.Connection, period: Period) -> Backups:
    """The last backup, the last proven restore (newest successful drill) and the period's
    events, from the ``backup_events`` contract table."""
    events = [
        _backup(row)
        for row in db.execute(f"SELECT {_BACKUP_COLUMNS} FROM backup_events ORDER BY at, id")
    ]
    upto = [e for e in events if e.at < period.until]

    def newest(kind: str) -> BackupEvent | None:
        return next((e for e in reversed(upto) if e.kind == kind and e.ok), None)

    during = [e for e in upto if e.at >= period.since]
    counts: dict[str, tuple[int, int]] = {}
    for e in during:
        good, bad = counts.get(e.kind, (0, 0))
        counts[e.kind] = (good + e.ok, bad + (not e.ok))
    return Backups(
        bool(events),
        newest("backup"),
        newest("drill"),
        counts,
        [e for e in during if not e.ok],
    )


# -- tickets --------------------------------------------------------------------------

CONSIDERATION_STEP = "B7"


def tickets(db: sqlite3.Connection, period: Period) -> Tickets:
    """Tickets open at the end of the period and those closed during it, each with the
    alternatives considered (B7 notes) and the actions taken (the other notes)."""
    recorded = db.execute("SELECT 1 FROM tickets LIMIT 1").fetchone() is not None
    found: list[Ticket] = []
    opened = 0
    for row in db.execute(f"SELECT {COLUMNS} FROM tickets ORDER BY opened_at, id").fetchall():
        record = TicketRecord.from_row(row)
        opened_at = record.opened_at
        if opened_at is None or opened_at >= period.until:
            continue
        opened += period.covers(opened_at)
        closed_at = record.closed_at
        if closed_at is not None and closed_at >= period.until:
            closed_at = None  # still open at the end of the period
        if closed_at is not None and closed_at < period.since:
            continue
        alternatives: list[Note] = []
        actions: list[Note] = []
        for at, actor, action, event_step, note in db.execute(
            "SELECT at, actor, action, step, note FROM ticket_events WHERE ticket_id = ? "
            "AND note != '' AND action NOT IN ('evidence') ORDER BY at, id",
            (record.id,),
        ):
            moment = _when(at)
            if moment is None or moment >= period.until:
                continue
            entry = Note(moment, actor, event_step, action, note)
            (alternatives if event_step == CONSIDERATION_STEP else actions).append(entry)
        found.append(Ticket(record, closed_at, alternatives, actions))
    still_open = [t for t in found if t.closed_at is None]
    still_open.sort(key=lambda t: (t.kind != "incident", t.opened_at, t.id))
    closed = [t for t in found if t.closed_at is not None]
    return Tickets(recorded, still_open, closed, opened)


# -- summary --------------------------------------------------------------------------


def concerns(
    availability_: Availability,
    content_: Content,
    visitors_: Visitors,
    renewals_: Renewals,
    backups_: Backups,
    tickets_: Tickets,
    *,
    period: Period,
    backup_max_age: timedelta,
    restore_max_age: timedelta,
    warn_days: int,
) -> list[Concern]:
    """The problems the summary lists, worst first within each area."""
    found: list[Concern] = []
    for e in availability_.endpoints:
        if e.uptime is not None and e.uptime < availability_.target:
            found.append(
                Concern("uptime_low", "trouble", {"name": e.name, "uptime": f"{e.uptime}"})
            )
    for i in availability_.incidents:
        if i.closed_at is None or i.closed_at >= period.until:
            found.append(Concern("incident_open", "trouble", {"name": i.endpoint}))
    for f in content_.freshness:
        if f.stale:
            found.append(Concern("stale", "attention", {"name": f.label}))
    late = sum(1 for p in content_.published if p.late_steps)
    if late:
        found.append(Concern("published_late", "attention", {"count": str(late)}))
    if content_.waiting_late:
        found.append(
            Concern("waiting_late", "attention", {"count": str(len(content_.waiting_late))})
        )
    if visitors_.findings:
        ips = len({f.ip for f in visitors_.findings})
        found.append(Concern("suspicious", "attention", {"count": str(ips)}))
    for d in renewals_.due:
        if d.days_left is not None and d.days_left < 0:
            found.append(Concern("overdue", "trouble", {"what": d.what, "name": d.name}))
        elif d.days_left is not None and d.days_left <= warn_days:
            values = {"what": d.what, "name": d.name, "days": str(d.days_left)}
            found.append(Concern("due_soon", "attention", values))
    if backups_.recorded:
        last = backups_.last_backup
        if last is None or period.until - last.at > backup_max_age:
            found.append(Concern("backup_old", "trouble"))
        if backups_.failures:
            found.append(
                Concern("backup_failed", "trouble", {"count": str(len(backups_.failures))})
            )
        restore = backups_.last_restore
        if restore is None or period.until - restore.at > restore_max_age:
            found.append(Concern("restore_old", "attention"))
    incidents = [t for t in tickets_.open if t.kind == "incident"]
    if incidents:
        found.append(Concern("tickets_open", "attention", {"count": str(len(incidents))}))
    order = {"trouble": 0, "attention": 1}
    return sorted(found, key=lambda c: order[c.severity])


def gather(
    db: sqlite3.Connection,
    config: Config,
    items: Iterable[Item],
    period: Period,
    *,
    now: datetime,
    language: str,
) -> SituationReport:
    """The whole report of ``period`` as it can be known at ``now``."""
    settings = config.report
    parts = (
        availability(
            db, [e.name for e in config.health.endpoints], period, target=settings.uptime_target
        ),
        content(config, items, period, language, now),
        visitors(db, period),
        renewals(db, config, period, horizon_days=settings.renewal_horizon_days),
        backups(db, period),
        tickets(db, period),
    )
    found = concerns(
        *parts,
        period=period,
        backup_max_age=settings.backup_max_age,
        restore_max_age=settings.restore_max_age,
        warn_days=settings.warn_days,
    )
    return SituationReport(
        config.site.name,
        config.site.url,
        period,
        now,
        [p.name for p in config.people if "penanggung-jawab" in p.roles],
        *parts,
        concerns=found,
    )
