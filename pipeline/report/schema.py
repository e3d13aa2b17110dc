"""Situation reports kept in the operational database (schema version 7).

    reports(id, kind, period_start, period_end, language, created_at, markdown_sha256,
            markdown, html, pdf, sent_to, sent_at)

The rendered copies are kept so that what was sent can always be shown again.
"""

SCHEMA = """
CREATE TABLE IF NOT EXISTS reports (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
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
"""
