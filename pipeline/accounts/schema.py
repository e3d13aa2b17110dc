"""Account tables in the operational database (schema version 10, ``docs/desk.md``).

    desk_accounts(person, password_hash, password_set_at, totp_secret, totp_enabled,
                  totp_last_step, created_at)
    desk_invitations(token_hash, person, created_by, created_at, expires_at, used_at)
    desk_sessions(token_hash, person, stage, csrf, created_at, last_seen, address,
                  language)
    desk_attempts(id, at, person, address, success)
    desk_audit(id, at, person, address, action, target, detail)

Secrets never stored in clear: passwords are argon2id hashes, invitation and session
tokens are kept as their SHA-256 (the token itself is only in the link or the cookie).
The TOTP secret must be readable to check a code, so it is stored as is: the database
file is as sensitive as the server's disk (see docs/desk.md, "What the database holds").
``desk_audit`` rows are never updated or deleted.
"""

SCHEMA = """
CREATE TABLE IF NOT EXISTS desk_accounts (
    person TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    password_set_at TEXT NOT NULL,
    totp_secret TEXT NOT NULL DEFAULT '',
    totp_enabled INTEGER NOT NULL DEFAULT 0,
    totp_last_step INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS desk_invitations (
    token_hash TEXT PRIMARY KEY,
    person TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE TABLE IF NOT EXISTS desk_sessions (
    token_hash TEXT PRIMARY KEY,
    person TEXT NOT NULL,
    stage TEXT NOT NULL CHECK (stage IN ('totp', 'enrol', 'ok')),
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS desk_sessions_person ON desk_sessions (person);
CREATE TABLE IF NOT EXISTS desk_attempts (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    person TEXT NOT NULL,
    address TEXT NOT NULL,
    success INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS desk_attempts_person ON desk_attempts (person, at);
CREATE INDEX IF NOT EXISTS desk_attempts_address ON desk_attempts (address, at);
CREATE TABLE IF NOT EXISTS desk_audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    person TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    action TEXT NOT NULL,
    target TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS desk_audit_target ON desk_audit (target, id);
CREATE INDEX IF NOT EXISTS desk_audit_person ON desk_audit (person, id);
"""

COUNTED = (
    "api_tokens",
    "backup_events",
    "desk_accounts",
    "desk_invitations",
    "health_domains",
    "health_hours",
    "health_incidents",
    "health_results",
    "health_state",
    "renewal_payments",
    "renewals",
    "reports",
    "signing_keys",
    "ticket_checks",
    "ticket_events",
    "tickets",
    "visitors_denied",
    "visitors_findings",
    "visitors_positions",
)
"""The tables (of schema version 14) whose every write counts in ``desk_changes``."""
NOT_COUNTED = ("desk_attempts", "desk_audit", "visitors_buckets")
"""What no page the desk keeps reads: login attempts (the throttle), the audit trail
(shown on a ticket's and an account's page, which are never kept) and the visitor
analysis' rate buckets. ``desk_sessions`` counts, except an update of
``last_seen`` alone (a session's use noted every 30 s)."""


def _counting(table: str, event: str, columns: str = "") -> str:
    name = f"desk_changes_{table}_{event.lower()}"
    on = f"{event} OF {columns}" if columns else event
    return (
        f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {on} ON {table}\n"
        "BEGIN UPDATE desk_changes SET n = n + 1; END;\n"
    )


CHANGES = (
    """
CREATE TABLE IF NOT EXISTS desk_changes (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n INTEGER NOT NULL
);
INSERT OR IGNORE INTO desk_changes (id, n) VALUES (1, 0);
"""
    + "".join(
        _counting(table, event) for table in COUNTED for event in ("INSERT", "UPDATE", "DELETE")
    )
    + _counting("desk_sessions", "INSERT")
    + _counting("desk_sessions", "DELETE")
    + _counting(
        "desk_sessions", "UPDATE", "token_hash, person, stage, csrf, created_at, address, language"
    )
)
"""Schema version 15: one counter of the writes to everything a page the desk keeps
could show, kept by triggers in the writing transaction (docs/desk.md, "Speed"). The
desk serves a kept page, and a kept session, only while the counter is the one it was
made under; unlike SQLite's ``data_version`` it does not move when a session's use is
noted or a login attempt recorded, which happen at nearly every request."""
