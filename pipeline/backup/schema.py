"""Backup tables in the operational database (schema version 5).

``backup_events`` is the record other areas read (the situation report shows the last
backup and the last proven restore; the ticket module opens an incident on a failure).
Its columns are a contract: more columns and tables may be added, none removed.

    backup_events(id, at, repository, kind, snapshot, ok, files, bytes, duration_s, detail)

``kind`` is one of backup, verify, drill, prune; ``ok`` is 1 or 0; ``detail`` says what
failed, in words a person can act on.
"""

SCHEMA = """
CREATE TABLE IF NOT EXISTS backup_events (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    repository TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('backup', 'verify', 'drill', 'prune')),
    snapshot TEXT,
    ok INTEGER NOT NULL,
    files INTEGER,
    bytes INTEGER,
    duration_s REAL,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS backup_events_kind_at ON backup_events (kind, at);
"""
