"""The staff desk's use cases: the IT service request room (SOP 3) and the situation
dashboard (docs/desk.md).

Every step goes through the same use cases as ``warta ticket`` (:mod:`.tickets`), so the
desk refuses exactly what the command line refuses, with the same message. What is the
desk's own: who may *see* a ticket, the queues, checking uploaded files (the check of
``warta collect``) and the audit record of each action with the client's address. The
e-mail to the requester when their request moves is the ticket use case's
(``tickets.tell_requester``), the same from the command line.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from pipeline.accounts import store as accounts
from pipeline.actor import Actor
from pipeline.commands import report as reports
from pipeline.commands import tickets
from pipeline.config import Config, Person
from pipeline.content.documents import check_file, detect
from pipeline.content.store import file_stamp, scan, scan_state
from pipeline.errors import ContentError, NotFoundError, Problem, WartaError, WorkflowError
from pipeline.health import history
from pipeline.health.policy import EndpointState
from pipeline.health.store import check_at_start, open_history
from pipeline.report import gather
from pipeline.report import store as kept_reports
from pipeline.report.model import Backups, Content, Renewals, Visitors, period_ending
from pipeline.report.store import StoredReport
from pipeline.site.live import now_utc
from pipeline.tickets import engine, queue
from pipeline.tickets.calendar import WorkingCalendar
from pipeline.tickets.workflows import Step, Workflow

DASHBOARD_ROLES = ("penanggung-jawab", "ketua", "pranata-komputer", "web-admin", "kasubbag-ti")
"""Who sees the situation dashboard: the penanggung jawab, the ketua and the IT unit."""
UPLOAD_FAMILIES = ("image", "pdf")
"""What a request or a step may carry: photos, screenshots and PDF documents."""
MAX_FILES = 5
ATTACHMENT_NAME = re.compile(r"^[0-9a-f]{64}\.[a-z0-9]{1,5}$")
CLASSIFICATIONS = ("perangkat-keras", "perangkat-lunak", "jaringan", "aplikasi", "akun", "lainnya")
"""The B4 classification the desk offers (kept at the start of the step's note)."""


def start(config: Config) -> None:
    """What a desk process does once before serving: check the operational database
    (``PRAGMA quick_check``), so that the opens of each request skip it; refuses a
    damaged or foreign database naming the file and the fix."""
    check_at_start(config)


def _person(config: Config, person_id: str) -> Person:
    found = next((p for p in config.people if p.id == person_id), None)
    if found is None:
        raise WorkflowError(
            f"{person_id!r} is not listed in people",
            where=f"{config.source}: people",
            hint="log in as a person of warta.yml",
        )
    return found


def _audit(config: Config, who: Actor, action: str, target: str, detail: str = "") -> None:
    with open_history(config, write=True) as db:
        accounts.audit(
            db, now_utc(), who.person, who.address or "", action, target=target, detail=detail
        )


# -- uploads ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    """A file received by the desk, already on disk in a staging folder under a name the
    desk chose (the sender's file name is only shown, never used as a path)."""

    path: Path
    shown: str


def check_uploads(config: Config, uploads: Sequence[Upload]) -> None:
    """Refuse files that are not what they claim, too big, or of another kind than a
    photo, a screenshot or a PDF (the checks of ``warta collect``)."""
    if len(uploads) > MAX_FILES:
        raise ContentError(
            "too many files",
            [Problem("lampiran", f"{len(uploads)} files", f"attach at most {MAX_FILES}")],
        )
    problems: list[Problem] = []
    for upload in uploads:
        detected, found = check_file(
            upload.path,
            upload.shown,
            limit_mb=config.desk.max_upload_mb,
            limit_setting="desk.max_upload_mb",
            max_pixels=config.convert.max_pixels,
            name=upload.shown,
        )
        if detected is not None and detected.family not in UPLOAD_FAMILIES:
            found = [
                Problem(
                    upload.shown, "not a photo, a screenshot or a PDF", "attach JPEG, PNG or PDF"
                )
            ]
        problems += found
    if problems:
        raise ContentError("attachment refused", problems)


def _store(config: Config, uploads: Sequence[Upload]) -> list[str]:
    check_uploads(config, uploads)
    return [tickets.store_attachment(config, u.path) for u in uploads]


# -- seeing tickets --------------------------------------------------------------------


def _names(person: Person) -> tuple[str, ...]:
    return (person.id, person.name)


def _staff_roles(workflow: Workflow) -> set[str]:
    return {role for step in workflow.steps for role in step.roles}


def may_see(config: Config, who: Actor, ticket: engine.Ticket) -> bool:
    """The requester sees their ticket; those holding a role of its workflow see all."""
    person = _person(config, who.person)
    workflow = tickets.rules(config).workflow(ticket.workflow)
    return ticket.requester in _names(person) or bool(who.roles & _staff_roles(workflow))


def _refuse_sight(config: Config, ticket: engine.Ticket) -> WorkflowError:
    workflow = tickets.rules(config).workflow(ticket.workflow)
    roles = sorted(_staff_roles(workflow))
    return WorkflowError(
        f"ticket {ticket.label} is not yours: only its requester and the roles "
        f"{', '.join(roles)} see it",
        where=f"ticket {ticket.label}",
        hint="open your own requests from the desk's home page",
    )


@dataclass(frozen=True)
class Standing:
    """Where a ticket stands, as its requester and the queues show it."""

    ticket: engine.Ticket
    step: Step | None
    holders: list[str]
    """Names of who holds the current step (its assignee, else everyone with its role)."""
    due_days: int | None
    """Working days left until the current step is due; negative when late."""


class _WorkingDays:
    """Working days between ``today`` and many due days, from one pass over the calendar
    (a queue of hundreds of tickets, some a year late, asks the holiday calendar once per
    day, not once per day per ticket)."""

    def __init__(self, calendar: WorkingCalendar, today: date) -> None:
        self.calendar = calendar
        self.today = today
        self.counts: dict[date, int] = {today: 0}
        self.low = self.high = today

    def _extend(self, day: date) -> None:
        while self.high < day:
            following = self.high + timedelta(days=1)
            step = 1 if self.calendar.is_working_day(following) else 0
            self.counts[following] = self.counts[self.high] + step
            self.high = following
        while self.low > day:
            earlier = self.low - timedelta(days=1)
            # counts[d] = working days after d up to today, negated for days before today
            step = 1 if self.calendar.is_working_day(self.low) else 0
            self.counts[earlier] = self.counts[self.low] - step
            self.low = earlier

    def until(self, day: date) -> int:
        """Working days from today to ``day`` (negative: ``day`` is that many working days
        ago), as :meth:`WorkingCalendar.working_days_between` counts them."""
        self._extend(day)
        return self.counts[day]


def _standing(
    config: Config, rules: engine.Rules, ticket: engine.Ticket, days: _WorkingDays
) -> Standing:
    step = rules.workflow(ticket.workflow).step(ticket.step) if ticket.status == "open" else None
    holders: list[str] = []
    if step is not None:
        assignee = config.person(ticket.assignee) if ticket.assignee else None
        if assignee is not None and set(assignee.roles) & set(step.roles):
            holders = [assignee.name]
        else:
            holders = [p.name for p in config.people if set(p.roles) & set(step.roles)]
    due_days = None
    if ticket.due is not None and ticket.status == "open":
        due_days = days.until(ticket.due.astimezone(ZoneInfo(config.site.timezone)).date())
    return Standing(ticket, step, holders, due_days)


def _today(config: Config, now: datetime) -> date:
    return now.astimezone(ZoneInfo(config.site.timezone)).date()


@dataclass(frozen=True)
class Listing:
    """The first tickets of a list (a page's worth) and how many there are in all."""

    items: list[Standing]
    total: int


QUEUE_PAGE = 100
"""Tickets a queue page shows (the most urgent); the rest are counted."""
MINE_PAGE = 50
"""Own requests a home page shows (the newest); the rest are counted."""


def my_requests(config: Config, who: Actor, *, now: datetime | None = None) -> Listing:
    """The person's own requests, newest first, with step, holder and working days left."""
    person = _person(config, who.person)
    rules = tickets.rules(config)
    days = _WorkingDays(rules.calendar, _today(config, now or now_utc()))
    with open_history(config, write=False) as db:
        found = queue.requested_by(db, _names(person), limit=MINE_PAGE)
        total = queue.count_requested_by(db, _names(person)) if len(found) == MINE_PAGE else 0
    return Listing([_standing(config, rules, t, days) for t in found], total or len(found))


def steps_for(config: Config, who: Actor) -> list[str]:
    """Ids of the steps (of every workflow) that the person's roles may do."""
    rules = tickets.rules(config)
    return [
        step.id
        for workflow in rules.workflows.values()
        for step in workflow.steps
        if who.roles & set(step.roles)
    ]


def my_queue(config: Config, who: Actor, *, now: datetime | None = None) -> Listing:
    """Open tickets (requests, incidents, the monthly rounds) whose current step the
    person's roles may do, the earliest due first."""
    rules = tickets.rules(config)
    days = _WorkingDays(rules.calendar, _today(config, now or now_utc()))
    steps = steps_for(config, who)
    with open_history(config, write=False) as db:
        found = queue.at_steps(db, steps, limit=QUEUE_PAGE)
        total = queue.count_at_steps(db, steps) if len(found) == QUEUE_PAGE else 0
    return Listing([_standing(config, rules, t, days) for t in found], total or len(found))


@dataclass(frozen=True)
class TicketPage:
    """Everything the ticket page shows."""

    standing: Standing
    workflow: Workflow
    events: list[engine.Event]
    checks: list[engine.Check]
    audit: list[accounts.AuditEntry]
    may_act: bool
    """The person holds a role of the current step: its form is offered."""
    may_assign: bool
    assignable: list[Person] = field(default_factory=list)


def ticket_page(
    config: Config, who: Actor, ticket_id: int, *, now: datetime | None = None
) -> TicketPage:
    """One ticket as the desk shows it to ``who`` (refused when it is not theirs to see)."""
    record = tickets.show(config, ticket_id)
    ticket = record.ticket
    if not may_see(config, who, ticket):
        raise _refuse_sight(config, ticket)
    rules = tickets.rules(config)
    days = _WorkingDays(rules.calendar, _today(config, now or now_utc()))
    standing = _standing(config, rules, ticket, days)
    with open_history(config, write=False) as db:
        trail = accounts.audit_entries(db, target=f"ticket:{ticket.id}")
    step = standing.step
    may_act = step is not None and bool(who.roles & set(step.roles))
    may_assign = step is not None and bool(who.roles & {*step.roles, "kasubbag-ti"})
    assignable = (
        [p for p in config.people if set(p.roles) & set(step.roles)] if step is not None else []
    )
    return TicketPage(
        standing,
        rules.workflow(ticket.workflow),
        record.events,
        record.checks,
        trail,
        may_act,
        may_assign,
        assignable,
    )


# -- acting ----------------------------------------------------------------------------


def file_request(
    config: Config,
    who: Actor,
    *,
    title: str,
    unit: str,
    description: str,
    since: str = "",
    hindrance: str = "",
    contact: str = "",
    uploads: Sequence[Upload] = (),
    smtp_password: str = "",
    now: datetime | None = None,
) -> tickets.Moved:
    """File an IT service request (workflow B) with its photos or screenshots; the
    requester is mailed that it was received (``tickets.tell_requester``)."""
    person = _person(config, who.person)
    problems = [
        Problem(name, "is empty", "fill it in")
        for name, value in (("judul", title), ("unit", unit), ("uraian", description))
        if not value.strip()
    ]
    if problems:
        raise ContentError("the request is incomplete", problems)
    moment = now or now_utc()
    stored = _store(config, uploads)  # files first: a refused file opens no ticket
    parts = [description.strip()]
    if since.strip():
        parts.append(f"Sejak: {since.strip()}")
    if hindrance.strip():
        parts.append(f"Hambatan pada pekerjaan: {hindrance.strip()}")
    moved = tickets.new(
        config,
        by=who,
        workflow="B",
        title=title.strip(),
        requester=person.name,
        description="\n\n".join(parts),
        unit=unit.strip(),
        contact=contact.strip() or person.email,
        attachment=None,
        smtp_password=smtp_password,
        now=moment,
    )
    ticket = moved.ticket
    for name in stored:  # each file is a comment right after the opening
        tickets.comment(
            config, ticket.id, by=who, note="", attachment=_path(config, name), now=moment
        )
    _audit(config, who, "ticket-new", f"ticket:{ticket.id}", ticket.title)
    return moved


def act(
    config: Config,
    who: Actor,
    ticket_id: int,
    *,
    step: str,
    decision: str = "yes",
    note: str = "",
    impact: str = "",
    urgency: str = "",
    classification: str = "",
    checks: Sequence[tuple[str, str, str]] = (),
    uploads: Sequence[Upload] = (),
    smtp_password: str = "",
    now: datetime | None = None,
) -> tickets.Moved:
    """Do the current step ``step`` of a ticket (``decision`` "no" rejects it at a yes/no
    step), exactly as ``warta ticket advance`` / ``reject`` do, requester's e-mail
    included."""
    stored = _store(config, uploads)
    attachment = stored[0] if stored else None
    if classification:
        if classification not in CLASSIFICATIONS:
            raise WorkflowError(
                f"unknown classification {classification!r}",
                where=f"ticket #{ticket_id}, step {step}",
                hint=f"choose one of {', '.join(CLASSIFICATIONS)}",
            )
        note = f"Klasifikasi: {classification}" + (f"\n{note}" if note.strip() else "")
    target = f"ticket:{ticket_id}"
    try:
        if decision == "no":
            moved = tickets.reject(
                config,
                ticket_id,
                by=who,
                note=note,
                step=step,
                now=now,
                attachment=_path(config, attachment),
                smtp_password=smtp_password,
            )
        else:
            answers = [
                f"{item}={result}" + (f":{text}" if text else "") for item, result, text in checks
            ]
            moved = tickets.advance(
                config,
                ticket_id,
                by=who,
                step=step,
                note=note,
                impact=impact,
                urgency=urgency,
                checks=answers,
                attachment=_path(config, attachment),
                smtp_password=smtp_password,
                now=now,
            )
    except WartaError as error:
        _audit(config, who, "refused", target, f"{step}: {error.message}")
        raise
    _audit(config, who, "reject" if decision == "no" else "advance", target, step)
    return moved


def _path(config: Config, stored: str | None) -> Path | None:
    """The stored file, handed to the ticket use case (which finds it already stored)."""
    return tickets.attachments_folder(config) / stored if stored else None


def comment(
    config: Config,
    who: Actor,
    ticket_id: int,
    *,
    note: str,
    uploads: Sequence[Upload] = (),
    now: datetime | None = None,
) -> engine.Ticket:
    """A note or a file on an open ticket the person may see."""
    page = ticket_page(config, who, ticket_id, now=now)
    stored = _store(config, uploads)
    ticket = page.standing.ticket
    try:
        for index, name in enumerate(stored or [""]):
            ticket = tickets.comment(
                config,
                ticket_id,
                by=who,
                note=note if index == 0 else "",
                attachment=_path(config, name or None),
                now=now,
            )
    except WartaError as error:
        _audit(config, who, "refused", f"ticket:{ticket_id}", f"comment: {error.message}")
        raise
    _audit(config, who, "comment", f"ticket:{ticket_id}")
    return ticket


def assign(
    config: Config, who: Actor, ticket_id: int, *, assignee: str, now: datetime | None = None
) -> engine.Ticket:
    """Give the current step to someone holding its role (``warta ticket assign``)."""
    try:
        ticket = tickets.assign(config, ticket_id, by=who, assignee=assignee, now=now)
    except WartaError as error:
        _audit(config, who, "refused", f"ticket:{ticket_id}", f"assign: {error.message}")
        raise
    _audit(config, who, "assign", f"ticket:{ticket_id}", assignee)
    return ticket


ROUND_ROLES = ("kasubbag-ti", "pranata-komputer", "web-admin")


def open_rounds(config: Config, who: Actor, *, now: datetime | None = None) -> list[engine.Ticket]:
    """Open this month's maintenance (C) and security (D) rounds (``warta ticket recur``)."""
    if not who.has_role(*ROUND_ROLES):
        raise WorkflowError(
            f"{who.person} may not open the monthly rounds: it needs the role "
            f"{' or '.join(ROUND_ROLES)}",
            where="rounds",
            hint="ask the IT unit (kasubbag-ti)",
        )
    opened = tickets.recur(config, now=now)
    _audit(config, who, "rounds", "rounds", ", ".join(t.label for t in opened))
    return opened


def attachment_file(config: Config, who: Actor, name: str) -> tuple[Path, str]:
    """(path, media type) of a stored attachment the person may see; the name must be a
    stored name (``<sha256>.<ext>``), so no path of a request reaches the file system."""
    missing = NotFoundError("no such attachment", where=name[:80], hint="open it from its ticket")
    if not ATTACHMENT_NAME.match(name):
        raise missing
    with open_history(config, write=False) as db:
        owners = queue.referenced(db, name)
        found = [engine.get(db, i) for i in owners]
    if not any(may_see(config, who, t) for t in found):
        raise missing
    path = tickets.attachments_folder(config) / name
    if not path.is_file():
        raise missing
    detected = detect(path)
    return path, detected.mime if detected is not None else "application/octet-stream"


def form_pdf(config: Config, who: Actor, ticket_id: int) -> bytes:
    """The printable request form of a ticket (``warta ticket report form``)."""
    ticket_page(config, who, ticket_id)  # refused when not theirs to see
    language = "id"
    return tickets.report(config, "form", fmt="pdf", ticket_id=ticket_id, language=language)


RECAP_ROLES = (
    "kasubbag-ti",
    "pranata-komputer",
    "web-admin",
    "kabag-perencanaan",
    "sekretaris",
    "penanggung-jawab",
    "ketua",
)


def recap(config: Config, who: Actor, *, month: str, fmt: str, language: str = "id") -> bytes:
    """The monthly recap (C9) as HTML or PDF (``warta ticket report recap``)."""
    if not who.has_role(*RECAP_ROLES):
        raise WorkflowError(
            f"{who.person} may not read the monthly recap: it needs the role "
            f"{' or '.join(RECAP_ROLES)}",
            where="recap",
            hint="ask the IT unit",
        )
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
        raise WorkflowError(f"{month[:20]!r} is not a month", where="month", hint="write YYYY-MM")
    return tickets.report(config, "recap", fmt=fmt, month=month, language=language)


# -- the situation dashboard -----------------------------------------------------------


@dataclass(frozen=True)
class EndpointView:
    """One endpoint on the dashboard."""

    name: str
    url: str
    state: str
    """up, down or unknown (no check yet)."""
    changed_at: datetime | None
    uptime_7d: float | None
    uptime_30d: float | None


@dataclass(frozen=True)
class Dashboard:
    """The situation now, for the penanggung jawab, the ketua and the IT unit."""

    now: datetime
    endpoints: list[EndpointView]
    health_incidents: list[history.Incident]
    incident_tickets: list[engine.Ticket]
    content: Content
    renewals: Renewals
    backups: Backups
    visitors: Visitors
    reports: list[StoredReport]


def _refuse_dashboard(who: Actor) -> WorkflowError:
    return WorkflowError(
        f"{who.person} may not see the situation dashboard: it needs the role "
        f"{' or '.join(DASHBOARD_ROLES)}",
        where="dashboard",
        hint="ask the IT unit or the penanggung jawab",
    )


def dashboard(config: Config, who: Actor, *, now: datetime | None = None) -> Dashboard:
    """Each endpoint's state and uptime, open incidents, freshness per category, renewals
    of the next 60 days, the last backup and drill, visitor findings of 7 days, late
    drafts, and the kept situation reports."""
    if not who.has_role(*DASHBOARD_ROLES):
        raise _refuse_dashboard(who)
    moment = now or now_utc()
    period = period_ending("week", _today(config, moment), config.site.timezone)
    items = scan(config).items
    with open_history(config, write=False) as db:
        endpoints = _endpoints(config, db, moment)
        found = Dashboard(
            moment,
            endpoints,
            history.incidents(db, open_only=True),
            engine.find(db, status="open", kind="incident"),
            gather.content(config, items, period, "id"),
            gather.renewals(db, config, period, horizon_days=60),
            gather.backups(db, period),
            gather.visitors(db, period),
            kept_reports.listing(db),
        )
    return found


def dashboard_files(config: Config) -> tuple[object, ...]:
    """What the dashboard reads besides the operational database, the configuration and
    the clock: the drafts' and the content's files (:func:`scan_state`) and the home
    page (``content/index.md``, for the compliance score). A kept dashboard is made
    again when this changes."""
    home = config.path("content") / "index.md"
    try:
        stamp: tuple[int, int, int] | None = file_stamp(home.stat())
    except FileNotFoundError:
        stamp = None
    return (scan_state(config), stamp)


def _endpoints(config: Config, db: sqlite3.Connection, now: datetime) -> list[EndpointView]:
    views = []
    for endpoint in config.health.endpoints:
        state: EndpointState = history.load_state(db, endpoint.name)
        week, month = history.uptimes(
            db, endpoint.name, now - timedelta(days=7), now - timedelta(days=30)
        )
        views.append(
            EndpointView(endpoint.name, endpoint.url, state.state, state.changed_at, week, month)
        )
    return views


def situation_report(config: Config, who: Actor, report_id: int) -> StoredReport:
    """One kept situation report, to read or download."""
    if not who.has_role(*DASHBOARD_ROLES):
        raise _refuse_dashboard(who)
    return reports.show(config, report_id)
