"""Tokens of the headless content API: scoped, hashed at rest, never enough to approve."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pipeline.commands import tokens
from pipeline.errors import AuthError, ContentError, NotFoundError
from pipeline.health.store import open_history
from tests.conftest import Project

NOW = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)


def test_a_token_acts_for_its_person_within_its_scopes(project: Project) -> None:
    made = tokens.issue(
        project.config, by="rina", name="laptop", scopes=["read", "drafts"], now=NOW
    )
    assert made.secret.startswith(f"warta_{made.info.id}_")
    actor = tokens.authenticate(project.config, made.secret, scope="drafts", now=NOW)
    assert actor.person == "rina" and actor.how == "token" and actor.roles == {"operator"}
    with pytest.raises(AuthError, match="may not submit: its scopes are read, drafts"):
        tokens.authenticate(project.config, made.secret, scope="submit", now=NOW)


def test_only_the_hash_is_kept(project: Project) -> None:
    made = tokens.issue(project.config, by="rina", name="x", scopes=["read"], now=NOW)
    with open_history(project.config, write=False) as db:
        dump = "\n".join(db.iterdump())
    assert made.secret not in dump and made.secret.split("_", 2)[2] not in dump


@pytest.mark.parametrize("scopes", [["approve"], ["publish"], [], ["read", "root"]])
def test_no_scope_approves_or_publishes(project: Project, scopes: list[str]) -> None:
    with pytest.raises(ContentError, match="scopes are not valid"):
        tokens.issue(project.config, by="hasan", name="x", scopes=scopes, now=NOW)


def test_expired_revoked_forged_tokens_are_refused(project: Project) -> None:
    made = tokens.issue(
        project.config, by="sari", name="x", scopes=["read"], valid_for=timedelta(days=1), now=NOW
    )
    later = NOW + timedelta(days=2)
    with pytest.raises(AuthError, match="revoked or has expired"):
        tokens.authenticate(project.config, made.secret, scope="read", now=later)
    other = tokens.issue(project.config, by="sari", name="y", scopes=["read"], now=NOW)
    tokens.revoke(project.config, by="sari", token_id=other.info.id, now=NOW)
    with pytest.raises(AuthError, match="revoked"):
        tokens.authenticate(project.config, other.secret, scope="read", now=NOW)
    # One character changed (never the same one: a random secret may end in "A").
    altered = other.secret[:-1] + ("B" if other.secret.endswith("A") else "A")
    for forged in ("", "Bearer x", altered, f"warta_{other.info.id}_x"):
        with pytest.raises(AuthError, match="not valid"):
            tokens.authenticate(project.config, forged, scope="read", now=NOW)


def test_a_person_revokes_only_their_own_tokens(project: Project) -> None:
    made = tokens.issue(project.config, by="sari", name="x", scopes=["read"], now=NOW)
    with pytest.raises(NotFoundError):
        tokens.revoke(project.config, by="rina", token_id=made.info.id, now=NOW)
    assert tokens.authenticate(project.config, made.secret, scope="read", now=NOW).person == "sari"
    listed = tokens.listing(project.config, by="sari")
    assert [t.id for t in listed] == [made.info.id] and listed[0].last_used_at == NOW
