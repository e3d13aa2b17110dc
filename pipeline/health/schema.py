"""Health tables applied by :mod:`pipeline.opsdb`: the renewals register (version 3,
docs/renewals.md) and the hourly uptime counts (version 14, docs/health.md).

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

UPTIME_HOURS = """
CREATE TABLE IF NOT EXISTS health_hours (
    endpoint TEXT NOT NULL,
    hour TEXT NOT NULL,
    checks INTEGER NOT NULL,
    good INTEGER NOT NULL,
    PRIMARY KEY (endpoint, hour)
) WITHOUT ROWID;
INSERT INTO health_hours (endpoint, hour, checks, good)
    SELECT endpoint, substr(at, 1, 13), COUNT(*), SUM(success != 0)
    FROM health_results GROUP BY endpoint, substr(at, 1, 13);
CREATE TRIGGER IF NOT EXISTS health_hours_insert AFTER INSERT ON health_results
BEGIN
    INSERT INTO health_hours (endpoint, hour, checks, good)
        VALUES (NEW.endpoint, substr(NEW.at, 1, 13), 1, NEW.success != 0)
        ON CONFLICT (endpoint, hour) DO UPDATE
        SET checks = checks + 1, good = good + (NEW.success != 0);
END;
CREATE TRIGGER IF NOT EXISTS health_hours_delete AFTER DELETE ON health_results
BEGIN
    UPDATE health_hours SET checks = checks - 1, good = good - (OLD.success != 0)
        WHERE endpoint = OLD.endpoint AND hour = substr(OLD.at, 1, 13);
END;
"""
"""Checks and successful checks per endpoint and UTC hour (``hour`` is the first 13
characters of ``at``, ``2026-12-01T22``), kept by triggers in the transaction that writes
or removes a result, so uptime over 30 days sums 720 rows instead of reading 8,640."""
