"""Signing keys held for browser approvals (operational database version 11, docs/desk.md).

    signing_keys(person, public, encrypted, created_at)

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
