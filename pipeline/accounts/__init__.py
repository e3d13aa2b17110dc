"""Desk accounts: passwords, one-time codes, invitations, sessions, throttling, audit."""
