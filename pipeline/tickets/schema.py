"""Ticket tables in the operational database (schema version 6).

The core columns below are a contract read by the situation report; the ticket module
may add columns and tables, never remove these.

    tickets(id, workflow, kind, title, status, step, priority, requester, opened_at,
            due, closed_at, source)
    ticket_events(id, ticket_id, at, actor, role, action, step, note, attachment)

``workflow`` is the SOP section (A policy, B service request, C maintenance, D security);
``kind`` is request or incident; ``status`` is open, closed or rejected; ``step`` is the
current step id (``B3``); ``source`` links an incident to the module that opened it
(``health:<endpoint>``, ``tls:<host>``, ``domain:<name>``, ``backup:<repository>``,
``visitors:<day>``), empty for tickets opened by a person. ``action`` is one of open,
advance, reject, comment, assign, evidence, close; the note of the consideration step (B7) is the
alternatives considered, the other notes are the actions taken.

Columns and tables added by the ticket module (documented in ``docs/tickets.md``)::

    tickets(..., description, unit, contact, impact, urgency, assignee, starts_at,
            period, link)
    ticket_checks(ticket_id, step, item, result, note, actor, at)

``starts_at`` is the moment the due dates of the steps count from (``opened_at``, or
the end of the previous month for a recurring ticket); ``period`` is the month
(``2026-03``) of a recurring C or D ticket, empty otherwise. ``due`` is the due time of
the current step. Times are ISO 8601 with their offset. Two partial UNIQUE indexes make
the idempotent writes safe under concurrency: one recurring ticket per workflow and
month, and one open ticket per ``source``. ``ticket_checks`` holds the checklist
answers (``pass`` or ``fail``) of the UAT (D2, D3) and application approval (D5) steps.
"""

SCHEMA = """
CREATE TABLE IF NOT EXISTS tickets (
    id INTEGER PRIMARY KEY,
    workflow TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('request', 'incident')),
    title TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'closed', 'rejected')),
    step TEXT NOT NULL,
    priority TEXT NOT NULL DEFAULT '',
    requester TEXT NOT NULL DEFAULT '',
    opened_at TEXT NOT NULL,
    due TEXT,
    closed_at TEXT,
    source TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    unit TEXT NOT NULL DEFAULT '',
    contact TEXT NOT NULL DEFAULT '',
    impact TEXT NOT NULL DEFAULT '',
    urgency TEXT NOT NULL DEFAULT '',
    assignee TEXT NOT NULL DEFAULT '',
    starts_at TEXT NOT NULL,
    period TEXT NOT NULL DEFAULT '',
    link TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS tickets_status ON tickets (status);
CREATE INDEX IF NOT EXISTS tickets_source ON tickets (source);
CREATE UNIQUE INDEX IF NOT EXISTS tickets_recurring
    ON tickets (workflow, period) WHERE period != '';
CREATE UNIQUE INDEX IF NOT EXISTS tickets_open_source
    ON tickets (source) WHERE source != '' AND status = 'open';
CREATE TABLE IF NOT EXISTS ticket_events (
    id INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets (id),
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    role TEXT NOT NULL DEFAULT '',
    action TEXT NOT NULL,
    step TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    attachment TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS ticket_events_ticket ON ticket_events (ticket_id, at);
CREATE TABLE IF NOT EXISTS ticket_checks (
    ticket_id INTEGER NOT NULL REFERENCES tickets (id),
    step TEXT NOT NULL,
    item TEXT NOT NULL,
    result TEXT NOT NULL CHECK (result IN ('pass', 'fail')),
    note TEXT NOT NULL DEFAULT '',
    actor TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (ticket_id, step, item)
);
"""

QUEUE_INDEXES = """
CREATE INDEX IF NOT EXISTS tickets_open_step ON tickets (status, step, due);
CREATE INDEX IF NOT EXISTS tickets_requester ON tickets (requester, id);
CREATE INDEX IF NOT EXISTS ticket_events_attachment ON ticket_events (attachment)
    WHERE attachment != '';
"""
"""Indexes of the desk's queue, own-requests and attachment lookups (schema version 10)."""

KIND_INDEX = """
CREATE INDEX IF NOT EXISTS tickets_kind_status ON tickets (kind, status);
"""
"""The dashboard's open incidents (``kind = 'incident' AND status = 'open'``) without
reading every open ticket (schema version 15)."""
