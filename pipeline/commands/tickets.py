"""``warta ticket new | list | show | advance | reject | comment | assign | recur | sync |
report`` — IT service tickets (SOP 3) and incidents from the other modules (SOP 2 steps
5–7)."""

from __future__ import annotations

import shutil
import smtplib
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import cast
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from pipeline.accounts.store import audit
from pipeline.actor import Actor, as_actor
from pipeline.config import Config, derived
from pipeline.errors import ContentError, NotFoundError, Problem, WorkflowError
from pipeline.fsutil import sha256_file, staging_dir
from pipeline.health.alerts import mail_channel, send_mail
from pipeline.health.conditions import parse_condition
from pipeline.health.domains import endpoint_domain
from pipeline.health.store import open_history
from pipeline.htmlpdf import html_to_pdf
from pipeline.i18n import Locale
from pipeline.site.live import now_utc
from pipeline.tickets import engine, incidents, notices
from pipeline.tickets import report as render
from pipeline.tickets.calendar import WorkingCalendar
from pipeline.tickets.holidays import CourtHolidays


def calendar(config: Config) -> WorkingCalendar:
    """The working-day calendar: the official holidays and cuti bersama (``holidays``
    package) with the site's additions and removals."""
    settings = config.tickets.holidays
    return WorkingCalendar.of(CourtHolidays(settings.add, settings.remove), settings.weekend)


def rules(config: Config) -> engine.Rules:
    """The ticket rules of this site, made once per loaded configuration (the holiday
    calendar inside fills a year at its first lookup), so a desk page does not rebuild
    the workflows and the calendar at each request."""
    return derived(config, "ticket-rules", lambda: _rules(config))


def _rules(config: Config) -> engine.Rules:
    settings = config.tickets
    return engine.Rules(
        workflows=settings.workflow_set(),
        calendar=calendar(config),
        timezone=config.site.timezone,
        matrix=cast(Mapping[str, Mapping[str, str]], settings.priority_matrix),
        incident_targets=cast(Mapping[str, timedelta], settings.incident_targets),
        people={p.id: tuple(p.roles) for p in config.people},
    )


def actor(config: Config, by: Actor | str) -> Actor:
    """The acting person, who must be listed in ``people`` (see :mod:`pipeline.actor`)."""
    return as_actor(config, by)


def attachments_folder(config: Config) -> Path:
    """Where attachments are stored (write-once, named by their SHA-256)."""
    if config.tickets.attachments:
        return (config.root / config.tickets.attachments).resolve()
    return config.path("state") / "ticket-files"


def store_attachment(config: Config, path: Path | None) -> str:
    """Copy an attachment into the store; return its stored name (``<sha256>.<ext>``)."""
    if path is None:
        return ""
    if not path.is_file():
        raise NotFoundError("attachment not found", where=str(path), hint="pass an existing file")
    if path.stat().st_size == 0:
        raise ContentError(
            "empty attachment", [Problem(str(path), "the file is empty", "attach the real file")]
        )
    folder = attachments_folder(config)
    stored = folder / f"{sha256_file(path)}{path.suffix.lower()}"
    if not stored.exists():
        with staging_dir(stored, "attachment") as staging:
            shutil.copy2(path, staging / stored.name)
            (staging / stored.name).rename(stored)
    return stored.name


def new(
    config: Config,
    *,
    by: Actor | str,
    workflow: str,
    title: str,
    kind: str = "request",
    requester: str = "",
    description: str = "",
    unit: str = "",
    contact: str = "",
    impact: str = "",
    urgency: str = "",
    note: str = "",
    attachment: Path | None = None,
    smtp_password: str = "",
    now: datetime | None = None,
) -> Moved:
    """Open a ticket; it is assigned to ``tickets.receiver`` when one is set, and its
    requester is told by e-mail (:func:`tell_requester`)."""
    who = actor(config, by)
    stored = store_attachment(config, attachment)
    moment = now or now_utc()
    with open_history(config, write=True) as db:
        ticket = engine.open_ticket(
            db,
            rules(config),
            engine.NewTicket(
                workflow=workflow,
                title=title,
                kind=kind,
                requester=requester or who.name,
                description=description,
                unit=unit,
                contact=contact,
                impact=impact,
                urgency=urgency,
                assignee=config.tickets.receiver,
                note=note,
                attachment=stored,
            ),
            who,
            moment,
        )
    return Moved(ticket, tell_requester(config, ticket, "new", smtp_password, moment))


def listing(
    config: Config,
    *,
    status: str | None = "open",
    workflow: str | None = None,
    kind: str | None = None,
    assignee: str | None = None,
) -> list[engine.Ticket]:
    """Tickets matching the filters, oldest first."""
    with open_history(config, write=False) as db:
        return engine.find(db, status=status, workflow=workflow, kind=kind, assignee=assignee)


@dataclass
class TicketRecord:
    """A ticket with its record and checklist answers."""

    ticket: engine.Ticket
    events: list[engine.Event]
    checks: list[engine.Check]


def show(config: Config, ticket_id: int) -> TicketRecord:
    """One ticket with everything recorded about it."""
    with open_history(config, write=False) as db:
        ticket = engine.get(db, ticket_id)
        return TicketRecord(ticket, engine.events(db, ticket_id), engine.checks(db, ticket_id))


def advance(
    config: Config,
    ticket_id: int,
    *,
    by: Actor | str,
    step: str | None = None,
    note: str = "",
    attachment: Path | None = None,
    impact: str = "",
    urgency: str = "",
    checks: list[str] | None = None,
    smtp_password: str = "",
    now: datetime | None = None,
) -> Moved:
    """Record the current step as done (``checks``: ``ITEM=pass|fail[:note]``); the
    requester is told by e-mail (:func:`tell_requester`)."""
    who = actor(config, by)
    answers = [parse_check(text) for text in checks or []]
    stored = store_attachment(config, attachment)
    moment = now or now_utc()
    with open_history(config, write=True) as db:
        ticket = engine.advance(
            db,
            rules(config),
            ticket_id,
            who,
            moment,
            expected_step=step,
            note=note,
            attachment=stored,
            impact=impact,
            urgency=urgency,
            answers=answers,
        )
    return Moved(ticket, tell_requester(config, ticket, "moved", smtp_password, moment))


def parse_check(text: str) -> engine.Answer:
    """``fungsi=pass`` or ``fungsi=fail:the export button does nothing``."""
    item, sep, rest = text.partition("=")
    result, _, note = rest.partition(":")
    if not sep or not item.strip():
        raise WorkflowError(
            f"cannot read checklist answer {text!r}",
            where="--check",
            hint="write ITEM=pass or ITEM=fail:NOTE",
        )
    return engine.Answer(item.strip(), result.strip(), note.strip())


def reject(
    config: Config,
    ticket_id: int,
    *,
    by: Actor | str,
    note: str,
    step: str | None = None,
    attachment: Path | None = None,
    smtp_password: str = "",
    now: datetime | None = None,
) -> Moved:
    """Answer "no" at a decision step; the requester is told by e-mail."""
    who = actor(config, by)
    stored = store_attachment(config, attachment)
    moment = now or now_utc()
    with open_history(config, write=True) as db:
        ticket = engine.reject(
            db,
            rules(config),
            ticket_id,
            who,
            moment,
            note=note,
            expected_step=step,
            attachment=stored,
        )
    return Moved(ticket, tell_requester(config, ticket, "rejected", smtp_password, moment))


@dataclass(frozen=True)
class Told:
    """The e-mail telling a requester that their ticket moved."""

    to: str
    ok: bool
    error: str = ""
    """Why it was not delivered (also kept in the audit trail, ``mail-failed``)."""


@dataclass(frozen=True)
class Moved:
    """A ticket after a step, and the e-mail to its requester."""

    ticket: engine.Ticket
    told: Told | None
    """None when no mail channel is configured (``health.alerts.email``) or the requester
    is not a person of ``people``."""


def tell_requester(
    config: Config, ticket: engine.Ticket, kind: str, smtp_password: str, now: datetime
) -> Told | None:
    """Mail the requester that their ticket moved (the alert mail channel), after the
    step is stored: a failed mail never undoes the step; it is kept in the audit trail
    of the ticket (``mail-failed``) and returned, for the adapter to say so."""
    channel = mail_channel(config, smtp_password)
    requester = config.person(ticket.requester) if ticket.requester else None
    if channel is None or requester is None:
        return None
    subject, body = notices.notice(
        ticket,
        rules(config).workflow(ticket.workflow),
        kind,
        site=config.site.name,
        desk_url=config.desk.url,
    )
    mail = replace(channel, recipients=(requester.email,))
    try:
        send_mail(mail, subject, body)
    except (OSError, smtplib.SMTPException) as error:
        reason = str(error)[:200] or type(error).__name__
        with open_history(config, write=True) as db:
            audit(db, now, "warta", "", "mail-failed", target=f"ticket:{ticket.id}", detail=reason)
        return Told(requester.email, False, reason)
    return Told(requester.email, True)


def comment(
    config: Config,
    ticket_id: int,
    *,
    by: Actor | str,
    note: str,
    attachment: Path | None = None,
    now: datetime | None = None,
) -> engine.Ticket:
    """Add a note or an attachment to an open ticket."""
    who = actor(config, by)
    stored = store_attachment(config, attachment)
    with open_history(config, write=True) as db:
        return engine.comment(
            db, rules(config), ticket_id, who, now or now_utc(), note=note, attachment=stored
        )


def assign(
    config: Config,
    ticket_id: int,
    *,
    by: Actor | str,
    assignee: str,
    note: str = "",
    now: datetime | None = None,
) -> engine.Ticket:
    """Give the current step of a ticket to someone holding its role."""
    who = actor(config, by)
    with open_history(config, write=True) as db:
        return engine.assign(
            db, rules(config), ticket_id, who, now or now_utc(), assignee=assignee, note=note
        )


def month_of(config: Config, moment: datetime) -> str:
    """``YYYY-MM`` of a moment in the court's time zone."""
    return moment.astimezone(ZoneInfo(config.site.timezone)).strftime("%Y-%m")


def recur(
    config: Config, *, month: str | None = None, now: datetime | None = None
) -> list[engine.Ticket]:
    """Open the month's maintenance (C) and security (D) tickets; those that exist are
    left alone, so running it twice in a month opens nothing more."""
    moment = now or now_utc()
    period = month or month_of(config, moment)
    ticket_rules = rules(config)
    opened = []
    with open_history(config, write=True) as db:
        for letter, workflow in ticket_rules.workflows.items():
            if workflow.recurring:
                ticket = engine.open_recurring(db, ticket_rules, letter, period, moment)
                if ticket is not None:
                    opened.append(ticket)
    return opened


def _threshold(endpoint_conditions: list[str], placeholder: str) -> timedelta | None:
    """The duration of ``[PLACEHOLDER] > X`` (or ``>=``) in an endpoint's conditions."""
    for text in endpoint_conditions:
        condition = parse_condition(text)
        if condition.placeholder == placeholder and condition.op in (">", ">="):
            value = condition.value
            return value if isinstance(value, timedelta) else None
    return None


def watched(config: Config) -> list[incidents.Watched]:
    """The endpoints whose certificate and domain are watched, with their thresholds:
    the endpoint's own ``[CERTIFICATE_EXPIRATION]`` / ``[DOMAIN_EXPIRATION]`` condition,
    else ``tickets.tls_warning`` / ``tickets.domain_warning``."""
    settings = config.tickets
    found = []
    for endpoint in config.health.endpoints:
        parts = urlsplit(endpoint.url)
        tls = None
        if parts.scheme == "https":
            tls = _threshold(endpoint.conditions, "CERTIFICATE_EXPIRATION") or settings.tls_warning
        domain_threshold = (
            _threshold(endpoint.conditions, "DOMAIN_EXPIRATION") or settings.domain_warning
        )
        found.append(
            incidents.Watched(
                endpoint=endpoint.name,
                host=parts.hostname or "",
                tls_threshold=tls,
                domain=endpoint_domain(endpoint),
                domain_threshold=domain_threshold,
            )
        )
    return found


def sync_db(config: Config, db: sqlite3.Connection, now: datetime) -> incidents.SyncResult:
    """Open and close incident tickets from the other modules' state in ``db``."""
    settings = config.tickets
    loc = Locale(config.site.language, config.site.timezone)
    conditions = incidents.current_conditions(
        db, watched=watched(config), now=now, visitors_window=settings.visitors_window, loc=loc
    )
    return incidents.sync_incidents(
        db,
        rules(config),
        conditions,
        now,
        levels={k: (v.impact, v.urgency) for k, v in settings.incident_levels.items()},
        assignee=settings.receiver,
        loc=loc,
    )


def sync(config: Config, *, now: datetime | None = None) -> incidents.SyncResult:
    """``warta ticket sync``: incidents follow the health checks, certificates, domains,
    backups and visitor findings recorded in the operational database."""
    with open_history(config, write=True) as db:
        return sync_db(config, db, now or now_utc())


def report(
    config: Config,
    kind: str,
    *,
    fmt: str = "markdown",
    month: str | None = None,
    ticket_id: int | None = None,
    language: str | None = None,
    now: datetime | None = None,
) -> bytes:
    """One report (``recap``, ``compliance``, ``open``) or the request form (``form``) as
    Markdown, HTML, CSV or PDF bytes."""
    moment = now or now_utc()
    lang = language or config.site.language
    ticket_rules = rules(config)
    if kind == "form":
        if fmt not in ("html", "pdf"):
            raise WorkflowError(
                f"the request form is printed as HTML or PDF, not {fmt}",
                where="--format",
                hint="pass --format pdf --output FORM.pdf",
            )
        with open_history(config, write=False) as db:
            ticket = engine.get(db, ticket_id) if ticket_id is not None else None
            events = engine.events(db, ticket_id) if ticket_id is not None else []
        text = render.form_page(
            site_name=config.site.name,
            language=lang,
            timezone=config.site.timezone,
            workflow=ticket_rules.workflow(ticket.workflow if ticket else "B"),
            ticket=ticket,
            events=events,
        )
    else:
        with open_history(config, write=False) as db:
            figures = render.figures(
                db, ticket_rules, month or month_of(config, moment), now=moment, language=lang
            )
        if fmt == "csv":
            text = render.csv_text(kind, figures)
        elif fmt in ("html", "pdf"):
            text = render.page(kind, figures, site_name=config.site.name)
        else:
            text = render.markdown(kind, figures)
    if fmt == "pdf":
        return html_to_pdf(text)
    return text.encode("utf-8")
