"""Tickets in the operational database: opening, the step rules, and the record.

Rules enforced here (and only here, so the CLI and a future web interface share them):

- a step is done only by someone holding one of its roles;
- steps are done in order: the next step is always the one after the current one;
- a closed or rejected ticket does not change;
- every change is an event (who, in which role, when, the note, the attachment), written
  in the same transaction as the change;
- a change is applied only if the ticket is still where the actor saw it (optimistic
  check), so two people acting at once cannot both do one step.

Every function takes an open connection and writes inside ``opsdb.transaction``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from pipeline import opsdb
from pipeline.actor import SYSTEM as SYSTEM_ACTOR
from pipeline.actor import SYSTEM_ID, Actor
from pipeline.errors import NotFoundError, WorkflowError
from pipeline.tickets.calendar import WorkingCalendar
from pipeline.tickets.priority import priority as matrix_priority
from pipeline.tickets.workflows import Step, Workflow

SYSTEM = SYSTEM_ID
"""Actor recorded for changes made by warta itself (recurring tickets, incidents)."""

COLUMNS = (
    "id, workflow, kind, title, status, step, priority, requester, opened_at, due, "
    "closed_at, source, description, unit, contact, impact, urgency, assignee, starts_at, "
    "period, link"
)


@dataclass(frozen=True)
class Ticket:
    """One row of ``tickets``."""

    id: int
    workflow: str
    kind: str
    title: str
    status: str
    step: str
    priority: str
    requester: str
    opened_at: datetime
    due: datetime | None
    closed_at: datetime | None
    source: str
    description: str
    unit: str
    contact: str
    impact: str
    urgency: str
    assignee: str
    starts_at: datetime
    period: str
    link: str

    @classmethod
    def from_row(cls, row: Sequence[object]) -> Ticket:
        values = list(row)
        for index in (8, 9, 10, 18):  # opened_at, due, closed_at, starts_at
            text = values[index]
            values[index] = datetime.fromisoformat(str(text)) if text else None
        return cls(*values)  # type: ignore[arg-type]

    @property
    def label(self) -> str:
        """``#12`` — how a ticket is named in messages."""
        return f"#{self.id}"


@dataclass(frozen=True)
class Event:
    """One row of ``ticket_events``."""

    id: int
    ticket_id: int
    at: datetime
    actor: str
    role: str
    action: str
    step: str
    note: str
    attachment: str


@dataclass(frozen=True)
class Check:
    """One checklist answer."""

    step: str
    item: str
    result: str
    note: str
    actor: str
    at: datetime


@dataclass(frozen=True)
class Rules:
    """Everything the rules need from the configuration."""

    workflows: Mapping[str, Workflow]
    calendar: WorkingCalendar
    timezone: str
    matrix: Mapping[str, Mapping[str, str]]
    incident_targets: Mapping[str, timedelta]
    people: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Person id → roles, to name who may do a step."""

    def workflow(self, letter: str) -> Workflow:
        return self.workflows[letter]

    def holders(self, roles: Sequence[str]) -> list[str]:
        """People holding any of ``roles``."""
        return sorted(p for p, held in self.people.items() if set(held) & set(roles))

    def step_due(self, ticket_start: datetime, step: Step) -> datetime:
        """``ticket_start`` + the step's working day, in the court's time zone."""
        local = ticket_start.astimezone(ZoneInfo(self.timezone))
        return self.calendar.add_working_days(local, step.day)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def get(db: sqlite3.Connection, ticket_id: int) -> Ticket:
    """The ticket, or NotFoundError."""
    row = db.execute(f"SELECT {COLUMNS} FROM tickets WHERE id = ?", (ticket_id,)).fetchone()
    if row is None:
        raise NotFoundError(
            f"no ticket #{ticket_id}",
            where=f"ticket #{ticket_id}",
            hint="see the open tickets with: warta ticket list",
        )
    return Ticket.from_row(row)


def find(
    db: sqlite3.Connection,
    *,
    status: str | None = None,
    workflow: str | None = None,
    kind: str | None = None,
    assignee: str | None = None,
    source: str | None = None,
) -> list[Ticket]:
    """Tickets matching every filter given, oldest first."""
    where, args = [], []
    for column, value in (
        ("status", status),
        ("workflow", workflow),
        ("kind", kind),
        ("assignee", assignee),
        ("source", source),
    ):
        if value is not None:
            where.append(f"{column} = ?")
            args.append(value)
    sql = f"SELECT {COLUMNS} FROM tickets"
    if where:
        sql += " WHERE " + " AND ".join(where)
    return [Ticket.from_row(r) for r in db.execute(sql + " ORDER BY id", args)]


def events(db: sqlite3.Connection, ticket_id: int) -> list[Event]:
    """The record of one ticket, oldest first."""
    return [
        Event(r[0], r[1], datetime.fromisoformat(r[2]), *r[3:])
        for r in db.execute(
            "SELECT id, ticket_id, at, actor, role, action, step, note, attachment "
            "FROM ticket_events WHERE ticket_id = ? ORDER BY id",
            (ticket_id,),
        )
    ]


def checks(db: sqlite3.Connection, ticket_id: int) -> list[Check]:
    """Checklist answers of one ticket."""
    return [
        Check(r[0], r[1], r[2], r[3], r[4], datetime.fromisoformat(r[5]))
        for r in db.execute(
            "SELECT step, item, result, note, actor, at FROM ticket_checks "
            "WHERE ticket_id = ? ORDER BY step, item",
            (ticket_id,),
        )
    ]


def _event(
    db: sqlite3.Connection,
    ticket_id: int,
    at: datetime,
    actor: str,
    action: str,
    *,
    role: str = "",
    step: str = "",
    note: str = "",
    attachment: str = "",
) -> None:
    db.execute(
        "INSERT INTO ticket_events (ticket_id, at, actor, role, action, step, note, "
        "attachment) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (ticket_id, at.isoformat(), actor, role, action, step, note, attachment),
    )


@dataclass(frozen=True)
class NewTicket:
    """What a person (or a module) gives to open a ticket."""

    workflow: str
    title: str
    kind: str = "request"
    requester: str = ""
    description: str = ""
    unit: str = ""
    contact: str = ""
    impact: str = ""
    urgency: str = ""
    source: str = ""
    link: str = ""
    assignee: str = ""
    period: str = ""
    starts_at: datetime | None = None
    note: str = ""
    attachment: str = ""


def _insert(
    db: sqlite3.Connection, rules: Rules, new: NewTicket, actor: Actor, now: datetime
) -> Ticket | None:
    """Insert a ticket and its open event; None when a UNIQUE key says it exists."""
    workflow = rules.workflow(new.workflow)
    first = workflow.steps[0]
    starts_at = new.starts_at or now
    level = ""
    if new.impact and new.urgency:
        level = matrix_priority(new.impact, new.urgency, rules.matrix)
    if new.kind == "incident":
        if not level:
            raise WorkflowError(
                "an incident needs its impact and urgency",
                where=new.title,
                hint="pass --impact and --urgency (high, medium or low)",
            )
        due = now + rules.incident_targets[level]
    else:
        due = rules.step_due(starts_at, first)
    cursor = db.execute(
        "INSERT INTO tickets (workflow, kind, title, status, step, priority, requester, "
        "opened_at, due, source, description, unit, contact, impact, urgency, assignee, "
        "starts_at, period, link) VALUES (?, ?, ?, 'open', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (
            new.workflow,
            new.kind,
            new.title,
            first.id,
            level,
            new.requester,
            now.isoformat(),
            due.isoformat(),
            new.source,
            new.description,
            new.unit,
            new.contact,
            new.impact,
            new.urgency,
            new.assignee,
            starts_at.isoformat(),
            new.period,
            new.link,
        ),
    )
    if cursor.rowcount == 0:
        return None
    ticket_id = int(cursor.lastrowid or 0)
    # a requester acts as themself; a role is recorded only if they hold the first step's
    role = next((r for r in actor.roles if r in first.roles), "")
    _event(
        db,
        ticket_id,
        now,
        actor.id,
        "open",
        role=role,
        step=first.id,
        note=new.note,
        attachment=new.attachment,
    )
    if new.assignee:  # tickets.receiver: assigned by warta, not by the requester
        _event(db, ticket_id, now, SYSTEM, "assign", step=first.id, note=new.assignee)
    return get(db, ticket_id)


def open_ticket(
    db: sqlite3.Connection, rules: Rules, new: NewTicket, actor: Actor, now: datetime
) -> Ticket:
    """Open a ticket at the first step of its workflow.

    Anyone listed in ``people`` may ask for an IT service (workflow B); a policy,
    maintenance or security ticket is opened by someone holding a role of its first step.
    """
    workflow = rules.workflow(new.workflow)
    first = workflow.steps[0]
    if new.workflow != "B" and not set(actor.roles) & set(first.roles):
        raise WorkflowError(
            f"{actor.id} may not open a workflow {new.workflow} ticket: its first step "
            f"{first.id} needs the role {' or '.join(first.roles)}",
            where=f"workflow {new.workflow}",
            hint=_who(rules, first),
        )
    with opsdb.transaction(db):
        ticket = _insert(db, rules, new, actor, now)
    if ticket is None:  # only a source or a period can collide
        raise WorkflowError(
            f"an open ticket for {new.source or new.period} already exists",
            where=new.source or new.period,
            hint="see it with: warta ticket list",
        )
    return ticket


def open_recurring(
    db: sqlite3.Connection, rules: Rules, letter: str, month: str, now: datetime
) -> Ticket | None:
    """Open the monthly ticket of workflow ``letter`` for ``month`` (``2026-03``).

    Idempotent under concurrency: the UNIQUE key (workflow, period) makes a second
    run — even one racing this one — a no-op that returns None. The steps are due on
    working days of the month (day 1 = the month's first working day).
    """
    workflow = rules.workflow(letter)
    year, number = (int(p) for p in month.split("-"))
    tz = ZoneInfo(rules.timezone)
    first_day = datetime(year, number, 1, 23, 59, 59, tzinfo=tz)
    starts_at = first_day - timedelta(days=1)  # the end of the previous month's last day
    title = f"{workflow.title.id} — {month}"
    new = NewTicket(
        workflow=letter, title=title, requester=SYSTEM, period=month, starts_at=starts_at
    )
    with opsdb.transaction(db):
        return _insert(db, rules, new, SYSTEM_ACTOR, now)


def _load_open(db: sqlite3.Connection, rules: Rules, ticket_id: int) -> tuple[Ticket, Step]:
    ticket = get(db, ticket_id)
    if ticket.status != "open":
        since = ticket.closed_at.strftime("%Y-%m-%d %H:%M") if ticket.closed_at else "?"
        raise WorkflowError(
            f"ticket {ticket.label} is {ticket.status} (since {since}) and cannot change",
            where=f"ticket {ticket.label}",
            hint="open a new ticket with: warta ticket new",
        )
    step = rules.workflow(ticket.workflow).step(ticket.step)
    if step is None:  # the site's configuration lost the step the ticket is at
        raise WorkflowError(
            f"ticket {ticket.label} is at step {ticket.step}, which workflow "
            f"{ticket.workflow} does not have",
            where=f"ticket {ticket.label}",
            hint="check tickets.workflows in warta.yml",
        )
    return ticket, step


def _who(rules: Rules, step: Step) -> str:
    holders = rules.holders(step.roles)
    named = f" ({', '.join(holders)})" if holders else " (nobody in people holds it yet)"
    return f"ask someone with the role {' or '.join(step.roles)}{named}"


def _role_for(rules: Rules, ticket: Ticket, step: Step, actor: Actor, doing: str) -> str:
    role = next((r for r in actor.roles if r in step.roles), None)
    if role is None:
        raise WorkflowError(
            f"{actor.id} may not {doing} step {step.id} ({step.title.en}) of ticket "
            f"{ticket.label}: it needs the role {' or '.join(step.roles)}",
            where=f"ticket {ticket.label}, step {step.id}",
            hint=_who(rules, step),
        )
    return role


def _expect(rules: Rules, ticket: Ticket, step: Step, expected: str | None) -> None:
    """Refuse when the actor names another step than the current one (no skipping)."""
    if expected is None or expected == ticket.step:
        return
    ids = [s.id for s in rules.workflow(ticket.workflow).steps]
    if expected not in ids:
        raise WorkflowError(
            f"workflow {ticket.workflow} has no step {expected}",
            where=f"ticket {ticket.label}",
            hint=f"its steps are {', '.join(ids)}",
        )
    if ids.index(expected) > ids.index(ticket.step):
        message = (
            f"ticket {ticket.label} is at step {ticket.step}: {expected} cannot be done "
            f"before it (no step is skipped)"
        )
    else:
        message = f"step {expected} of ticket {ticket.label} is already done"
    raise WorkflowError(
        message,
        where=f"ticket {ticket.label}, step {expected}",
        hint=f"the next step is {step.id} ({step.title.en}); {_who(rules, step)}",
    )


def _apply(db: sqlite3.Connection, ticket: Ticket, sql: str, args: Sequence[object]) -> None:
    """Run an UPDATE that only applies if the ticket is still open at its step."""
    cursor = db.execute(
        sql + " WHERE id = ? AND status = 'open' AND step = ?",
        (
            *args,
            ticket.id,
            ticket.step,
        ),
    )
    if cursor.rowcount != 1:
        raise WorkflowError(
            f"ticket {ticket.label} changed while you were acting on it",
            where=f"ticket {ticket.label}",
            hint="look at it again with: warta ticket show " + str(ticket.id),
        )


@dataclass(frozen=True)
class Answer:
    """A checklist answer given with an advance."""

    item: str
    result: str
    note: str = ""


def advance(
    db: sqlite3.Connection,
    rules: Rules,
    ticket_id: int,
    actor: Actor,
    now: datetime,
    *,
    expected_step: str | None = None,
    note: str = "",
    attachment: str = "",
    impact: str = "",
    urgency: str = "",
    answers: Sequence[Answer] = (),
) -> Ticket:
    """Record the current step as done and move to the next (closing after the last)."""
    with opsdb.transaction(db):
        ticket, step = _load_open(db, rules, ticket_id)
        _expect(rules, ticket, step, expected_step)
        role = _role_for(rules, ticket, step, actor, "do")
        where = f"ticket {ticket.label}, step {step.id}"
        if step.note is not None and not note.strip():
            raise WorkflowError(
                f"step {step.id} of ticket {ticket.label} needs a note: {step.note.en}",
                where=where,
                hint="pass --note TEXT",
            )
        updates: dict[str, object] = {}
        if step.priority:
            impact, urgency = impact or ticket.impact, urgency or ticket.urgency
            if not (impact and urgency):
                raise WorkflowError(
                    f"step {step.id} of ticket {ticket.label} sets the priority: impact and "
                    "urgency are needed",
                    where=where,
                    hint="pass --impact and --urgency (high, medium or low)",
                )
            updates |= {
                "impact": impact,
                "urgency": urgency,
                "priority": matrix_priority(impact, urgency, rules.matrix),
            }
        if step.checklist:
            _record_answers(db, ticket, step, actor, now, answers)
        following = rules.workflow(ticket.workflow).after(step.id)
        if following is None:
            updates |= {"status": "closed", "closed_at": now.isoformat(), "due": None}
        else:
            updates["step"] = following.id
            if ticket.kind != "incident":  # an incident keeps its time target
                updates["due"] = rules.step_due(ticket.starts_at, following).isoformat()
        columns = ", ".join(f"{k} = ?" for k in updates)
        _apply(db, ticket, f"UPDATE tickets SET {columns}", list(updates.values()))
        _event(
            db,
            ticket.id,
            now,
            actor.id,
            "advance",
            role=role,
            step=step.id,
            note=note,
            attachment=attachment,
        )
        if following is None:
            _event(db, ticket.id, now, actor.id, "close", role=role, step=step.id)
        return get(db, ticket.id)


def _record_answers(
    db: sqlite3.Connection,
    ticket: Ticket,
    step: Step,
    actor: Actor,
    now: datetime,
    answers: Sequence[Answer],
) -> None:
    where = f"ticket {ticket.label}, step {step.id}"
    known = {item.id for item in step.checklist}
    for answer in answers:
        if answer.item not in known:
            raise WorkflowError(
                f"step {step.id} has no checklist item {answer.item!r}",
                where=where,
                hint=f"its items are {', '.join(sorted(known))}",
            )
        if answer.result not in ("pass", "fail"):
            raise WorkflowError(
                f"checklist answer {answer.item}={answer.result} is neither pass nor fail",
                where=where,
                hint="answer with --check ITEM=pass or --check ITEM=fail",
            )
        db.execute(
            "INSERT INTO ticket_checks (ticket_id, step, item, result, note, actor, at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (ticket_id, step, item) DO UPDATE SET "
            "result = excluded.result, note = excluded.note, actor = excluded.actor, "
            "at = excluded.at",
            (
                ticket.id,
                step.id,
                answer.item,
                answer.result,
                answer.note,
                actor.id,
                now.isoformat(),
            ),
        )
    stored = {
        row[0]: row[1]
        for row in db.execute(
            "SELECT item, result FROM ticket_checks WHERE ticket_id = ? AND step = ?",
            (ticket.id, step.id),
        )
    }
    missing = sorted(known - set(stored))
    if missing:
        raise WorkflowError(
            f"the checklist of step {step.id} of ticket {ticket.label} is not complete: "
            f"{', '.join(missing)} not answered",
            where=where,
            hint="answer each item with --check ITEM=pass or --check ITEM=fail",
        )
    failed = sorted(item for item, result in stored.items() if result == "fail")
    if step.decision and failed:
        raise WorkflowError(
            f"step {step.id} of ticket {ticket.label} cannot be approved with failed "
            f"checklist items: {', '.join(failed)}",
            where=where,
            hint=f"reject it with: warta ticket reject {ticket.id} --note REASON",
        )


def reject(
    db: sqlite3.Connection,
    rules: Rules,
    ticket_id: int,
    actor: Actor,
    now: datetime,
    *,
    note: str,
    expected_step: str | None = None,
    attachment: str = "",
) -> Ticket:
    """Answer "no" at a decision step (disposition, approval): the ticket ends rejected."""
    with opsdb.transaction(db):
        ticket, step = _load_open(db, rules, ticket_id)
        _expect(rules, ticket, step, expected_step)
        if not step.decision:
            decisions = [s.id for s in rules.workflow(ticket.workflow).steps if s.decision]
            raise WorkflowError(
                f"ticket {ticket.label} is at step {step.id} ({step.title.en}), which is not "
                "a yes/no decision",
                where=f"ticket {ticket.label}, step {step.id}",
                hint=f"a ticket is rejected only at {', '.join(decisions) or 'no step'}; "
                "say what is wrong with: warta ticket comment",
            )
        role = _role_for(rules, ticket, step, actor, "decide")
        if not note.strip():
            raise WorkflowError(
                f"rejecting ticket {ticket.label} needs the reason",
                where=f"ticket {ticket.label}, step {step.id}",
                hint="pass --note REASON",
            )
        _apply(
            db,
            ticket,
            "UPDATE tickets SET status = 'rejected', closed_at = ?, due = NULL",
            [now.isoformat()],
        )
        _event(
            db,
            ticket.id,
            now,
            actor.id,
            "reject",
            role=role,
            step=step.id,
            note=note,
            attachment=attachment,
        )
        return get(db, ticket.id)


def comment(
    db: sqlite3.Connection,
    rules: Rules,
    ticket_id: int,
    actor: Actor,
    now: datetime,
    *,
    note: str,
    attachment: str = "",
) -> Ticket:
    """Add a note (and an attachment) to an open ticket without moving it."""
    with opsdb.transaction(db):
        ticket, step = _load_open(db, rules, ticket_id)
        if not note.strip() and not attachment:
            raise WorkflowError(
                "a comment needs a note or an attachment",
                where=f"ticket {ticket.label}",
                hint="pass --note TEXT or --attachment FILE",
            )
        role = next((r for r in actor.roles if r in step.roles), "")
        _event(
            db,
            ticket.id,
            now,
            actor.id,
            "comment",
            role=role,
            step=step.id,
            note=note,
            attachment=attachment,
        )
        return ticket


def assign(
    db: sqlite3.Connection,
    rules: Rules,
    ticket_id: int,
    actor: Actor,
    now: datetime,
    *,
    assignee: str,
    note: str = "",
) -> Ticket:
    """Give the current step to someone who holds its role.

    The person assigning holds a role of the current step, or heads the IT unit
    (kasubbag-ti).
    """
    with opsdb.transaction(db):
        ticket, step = _load_open(db, rules, ticket_id)
        where = f"ticket {ticket.label}, step {step.id}"
        if not set(actor.roles) & {*step.roles, "kasubbag-ti"}:
            raise WorkflowError(
                f"{actor.id} may not assign ticket {ticket.label}: it needs the role "
                f"{' or '.join(step.roles)} of step {step.id}, or kasubbag-ti",
                where=where,
                hint=_who(rules, step),
            )
        held = rules.people.get(assignee)
        if held is None:
            raise NotFoundError(
                f"no person {assignee!r}", where="people", hint="use a person id of warta.yml"
            )
        if not set(held) & set(step.roles):
            raise WorkflowError(
                f"{assignee} cannot do step {step.id} ({step.title.en}) of ticket "
                f"{ticket.label}: it needs the role {' or '.join(step.roles)}",
                where=where,
                hint=_who(rules, step),
            )
        _apply(db, ticket, "UPDATE tickets SET assignee = ?", [assignee])
        role = next((r for r in actor.roles if r in {*step.roles, "kasubbag-ti"}), "")
        _event(
            db,
            ticket.id,
            now,
            actor.id,
            "assign",
            role=role,
            step=step.id,
            note=note or assignee,
        )
        return get(db, ticket.id)


def close_by_source(db: sqlite3.Connection, ticket: Ticket, now: datetime, note: str) -> None:
    """Close an incident whose condition cleared (inside the caller's transaction)."""
    cursor = db.execute(
        "UPDATE tickets SET status = 'closed', closed_at = ?, due = NULL "
        "WHERE id = ? AND status = 'open'",
        (now.isoformat(), ticket.id),
    )
    if cursor.rowcount == 1:
        _event(db, ticket.id, now, SYSTEM, "close", step=ticket.step, note=note)


def note_by_source(db: sqlite3.Connection, ticket: Ticket, now: datetime, note: str) -> bool:
    """Add the condition's new evidence to its open incident (inside the caller's
    transaction), unless it says what warta last wrote there; True when noted."""
    row = db.execute(
        "SELECT note FROM ticket_events WHERE ticket_id = ? AND actor = ? "
        "AND action IN ('open', 'evidence') ORDER BY id DESC LIMIT 1",
        (ticket.id, SYSTEM),
    ).fetchone()
    if row is not None and row[0] == note:
        return False
    _event(db, ticket.id, now, SYSTEM, "evidence", step=ticket.step, note=note)
    return True


def insert_incident(
    db: sqlite3.Connection, rules: Rules, new: NewTicket, now: datetime
) -> Ticket | None:
    """Open an incident for ``new.source`` unless one is open (inside the caller's
    transaction); None when it already exists."""
    return _insert(db, rules, new, SYSTEM_ACTOR, now)
