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
