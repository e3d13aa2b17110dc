"""Approval commands: submit, approve, reject, withdraw, roles sync and verify."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pipeline.cli.common import (
    State,
    as_option,
    base_option,
    handle_errors,
    key_option,
    now_option,
    out,
    parse_now,
    pass_state,
    progress_bar,
    trust_file_option,
    whoami,
)


@click.command()
@click.argument("slug")
@as_option
@now_option
@key_option
@pass_state
@handle_errors
def submit(state: State, slug: str, as_: str | None, now: str | None, key: str | None) -> None:
    """Editor: review a draft and mark it in-review (ready for approval).

    With signing.enabled, the review is a commit signed with --key.
    """
    from pipeline.commands.approval import submit as do_submit

    config = state.config
    step = do_submit(config, slug, by=whoami(config, as_), now=parse_now(now), key=key)
    front = step.front
    assert front is not None
    out.print(f"{slug}: {front.status} — waiting for approval ({front.attention.value})")
    if step.commit:
        out.print(f"signed review commit {step.commit[:12]} on {step.branch}")


@click.command()
@click.argument("slug")
@click.option("--note", default="", help="Note kept with the approval.")
@as_option
@now_option
@key_option
@pass_state
@handle_errors
def approve(
    state: State, slug: str, note: str, as_: str | None, now: str | None, key: str | None
) -> None:
    """Penanggung jawab (routine) or ketua (special): approve a reviewed draft.

    With signing.enabled, SLUG may also be a branch: it is merged into the
    published branch with --no-ff, signed with --key.
    """
    from pipeline.commands.approval import approve as do_approve

    config = state.config
    step = do_approve(config, slug, by=whoami(config, as_), note=note, now=parse_now(now), key=key)
    front = step.front
    if front is not None:
        out.print(f"{slug}: {front.status} by {front.approval.by if front.approval else '?'}")
    if step.commit:
        out.print(
            f"signed merge {step.commit[:12]} of {step.branch} into "
            f"{config.signing.branch} ({step.route}); push it: git push origin "
            f"{config.signing.branch}"
        )


@click.command()
@click.argument("slug")
@click.option("--reason", required=True, help="Why it goes back.")
@as_option
@now_option
@pass_state
@handle_errors
def reject(state: State, slug: str, reason: str, as_: str | None, now: str | None) -> None:
    """Send a draft back to its writer."""
    from pipeline.commands.content import reject as do_reject

    config = state.config
    front = do_reject(config, slug, by=whoami(config, as_), reason=reason, now=parse_now(now))
    out.print(f"{slug}: back to {front.status}")


@click.command()
@click.argument("slug")
@click.option("--reason", required=True, help="Why it is withdrawn (kept in the archive).")
@as_option
@now_option
@pass_state
@handle_errors
def withdraw(state: State, slug: str, reason: str, as_: str | None, now: str | None) -> None:
    """Take a published item off the site; it stays in content/ and the archive."""
    from pipeline.commands.approval import withdraw as do_withdraw

    config = state.config
    do_withdraw(config, slug, by=whoami(config, as_), reason=reason, now=parse_now(now))
    out.print(f"{slug}: withdrawn — run 'warta publish' and 'warta archive' to apply")


# -- roles, signed approval, verify -------------------------------------


@click.group()
def roles() -> None:
    """People, roles and signing keys (warta.yml people)."""


@roles.command("sync")
@click.option("--check", is_flag=True, help="Change nothing; exit 1 when a file is out of date.")
@pass_state
@handle_errors
def roles_sync_cmd(state: State, check: bool) -> None:
    """Write the allowed-signers file and CODEOWNERS from warta.yml people."""
    from pipeline.commands.approval import roles_sync

    config = state.config
    result = roles_sync(config, check=check)
    for path in result.changed:
        shown = path.relative_to(config.root) if path.is_relative_to(config.root) else path
        out.print(f"{'out of date' if check else 'wrote'} {shown}", markup=False)
    for path in result.unchanged:
        shown = path.relative_to(config.root) if path.is_relative_to(config.root) else path
        out.print(f"up to date {shown}", markup=False)
    if check and result.changed:
        sys.exit(1)


@click.command("verify")
@base_option
@trust_file_option
@click.option("--rev", default="HEAD", show_default=True, help="The commit to be published.")
@click.option(
    "--no-worktree", is_flag=True, help="Do not compare the working tree with the commit."
)
@pass_state
@handle_errors
def verify_cmd(
    state: State, base: str | None, trust_file: Path | None, rev: str, no_worktree: bool
) -> None:
    """Prove from git that every change since the pinned base was approved by its owners.

    The base is a full commit id given from outside the repository (--base,
    $WARTA_TRUSTED_BASE) or kept in --trust-file, which also records the tip verified
    last: a new tip must descend from it. Exits 8, naming each refused commit and rule,
    when anything was not approved: CI runs it before publishing.
    """
    from pipeline.commands.approval import verify

    with progress_bar() as bar:
        report = verify(
            state.config,
            base=base,
            trust_file=trust_file,
            tip=rev,
            worktree=not no_worktree,
            record=trust_file is not None,
            progress=bar,
        )
    for verdict in report.approvals:
        out.print(
            f"{verdict.commit[:12]} approved by {verdict.signer} ({verdict.route})"
            + (f", reviewed by {verdict.reviewer}" if verdict.reviewer else "")
            + f": {len(verdict.changes)} change(s)",
            markup=False,
        )
    out.print(
        f"verified {len(report.verdicts)} commit(s) after {report.base[:12]}: "
        f"{len(report.approvals)} approval merge(s), no unapproved change"
    )


COMMANDS = [submit, approve, reject, withdraw, roles, verify_cmd]
