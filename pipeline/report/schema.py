"""Situation reports kept in the operational database (schema version 7; ``annex``
added in version 13).

    reports(id, kind, period, period_start, period_end, language, created_at,
            markdown_sha256, markdown, html, pdf, sent_to, sent_at, annex)

``kind`` is ``situation`` (the SOP 2 step 5 report); ``period`` is ``week`` or ``month``;
``period_start`` and ``period_end`` are the first and the last day covered (ISO dates, the
court's time zone); ``created_at`` is an ISO date-time. Every generated report is kept,
rendered, so that what was sent can always be shown again: ``markdown`` and ``html``
always, ``pdf`` when one was printed, ``annex`` the CSV of every item of every section
(the report itself lists the top ten of each kind; empty for copies made before v13).
``sent_to`` lists the addresses (comma-separated) of
the last delivery and ``sent_at`` its moment; both stay empty until a delivery succeeds.
Rows are never updated except for ``sent_to`` / ``sent_at`` (and ``pdf`` when a stored
report is printed for sending), never deleted by warta.
"""

SCHEMA = """
CREATE TABLE IF NOT EXISTS reports (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    period TEXT NOT NULL DEFAULT '',
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    language TEXT NOT NULL,
    created_at TEXT NOT NULL,
    markdown_sha256 TEXT NOT NULL,
    markdown TEXT NOT NULL,
    html TEXT NOT NULL DEFAULT '',
    pdf BLOB,
    sent_to TEXT NOT NULL DEFAULT '',
    sent_at TEXT
);
CREATE INDEX IF NOT EXISTS reports_period ON reports (kind, period_end);
"""

ANNEX = """
ALTER TABLE reports ADD COLUMN annex TEXT NOT NULL DEFAULT '';
"""
