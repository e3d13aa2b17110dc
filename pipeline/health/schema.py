"""The renewals register's tables (operational database version 3, docs/renewals.md).

Kept apart from :mod:`pipeline.health.renewals` so that :mod:`pipeline.opsdb` can apply
the migration without importing the domain module.
"""

SCHEMA = """
CREATE TABLE IF NOT EXISTS renewals (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    provider TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    period_months INTEGER NOT NULL,
    cost INTEGER NOT NULL,
    due TEXT NOT NULL,
    reminded INTEGER,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS renewal_payments (
    id INTEGER PRIMARY KEY,
    renewal_id TEXT NOT NULL REFERENCES renewals (id),
    paid_on TEXT NOT NULL,
    amount INTEGER NOT NULL,
    invoice_sha256 TEXT NOT NULL,
    invoice_name TEXT NOT NULL,
    previous_due TEXT NOT NULL,
    new_due TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL DEFAULT ''
);
"""
