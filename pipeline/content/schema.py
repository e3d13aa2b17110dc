"""Signing keys held for browser approvals (operational database version 11) and tokens
of the headless content API (version 12); both in docs/desk.md.

    signing_keys(person, public, encrypted, created_at)
    api_tokens(id, person, name, scopes, secret_hash, created_at, expires_at,
               last_used_at, revoked_at)

``encrypted`` is the OpenSSH private key encrypted with the person's passphrase
(:mod:`pipeline.content.keys`), or NULL when the person registered a public key made on
their own computer and signs with the command line. A row is replaced, never edited in
part, when a person makes or registers a new key.
"""

SCHEMA = """
CREATE TABLE IF NOT EXISTS signing_keys (
    person TEXT PRIMARY KEY,
    public TEXT NOT NULL,
    encrypted BLOB,
    created_at TEXT NOT NULL
);
"""

TOKENS = """
CREATE TABLE IF NOT EXISTS api_tokens (
    id TEXT PRIMARY KEY,
    person TEXT NOT NULL,
    name TEXT NOT NULL,
    scopes TEXT NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    expires_at TEXT,
    last_used_at TEXT,
    revoked_at TEXT
);
"""
