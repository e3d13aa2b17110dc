"""Backup commands: run, list, verify, restore, drill and prune."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from pipeline.cli.common import (
    State,
    err,
    handle_errors,
    human_size,
    out,
    pass_state,
    progress_bar,
)

# -- backups ---------------------------------------------------------------


def _subset(value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    n, _, t = value.partition("/")
    if not (n.isdigit() and t.isdigit() and 1 <= int(n) <= int(t)):
        raise click.BadParameter("expected N/T with 1 <= N <= T, e.g. 1/5", param_hint="--subset")
    return int(n), int(t)


def _password() -> str | None:
    # The adapter reads the environment; the use cases take the password as a value.
    return os.environ.get("WARTA_BACKUP_PASSWORD") or None


wait_option = click.option(
    "--wait",
    type=float,
    metavar="SECONDS",
    help="Wait this long for another backup command's lock (default: backup.lock_wait).",
)


@click.group()
def backup() -> None:
    """Snapshots of the whole site system to a local disk or S3 (SOP 2 step 2)."""


@backup.command("run")
@wait_option
@pass_state
@handle_errors
def backup_run(state: State, wait: float | None) -> None:
    """Back up content, drafts, archive, site, configuration and the database.

    Exits 1 when some files could not be read (the snapshot is written without them).
    """
    from pipeline.commands.backup import run

    with progress_bar() as bar:
        result = run(state.config, wait=wait, progress=bar, password=_password())
    out.print(
        f"snapshot {result.snapshot[:8]}: {result.files} files ({human_size(result.bytes)}), "
        f"{len(result.read_files)} read ({human_size(result.read_bytes)}), "
        f"{human_size(result.stored_bytes)} added to {state.config.backup.repository}",
        markup=False,
    )
    if result.recovered_packs:
        out.print(f"reused {result.recovered_packs} pack(s) left by an interrupted run")
    for note in result.notes:
        err.print(f"note: {note}", markup=False)
    for problem in result.skipped:
        err.print(f"not backed up: {problem}", markup=False)
    if result.skipped:
        sys.exit(1)


@backup.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@pass_state
@handle_errors
def backup_list(state: State, fmt: str) -> None:
    """Snapshots in the repository, oldest first, and the last restore drill."""
    from pipeline.commands.backup import listing

    found = listing(state.config, password=_password())
    if fmt == "json":
        click.echo(
            json.dumps(
                [
                    {"id": s.id, "time": s.time.isoformat(), "host": s.host, **s.summary}
                    for s in found.snapshots
                ],
                indent=2,
            )
        )
        return
    table = Table("id", "time", "host", "files", "size", "added")
    for s in found.snapshots:
        table.add_row(
            s.short,
            s.time.strftime("%Y-%m-%d %H:%M:%S"),
            escape(s.host),
            str(s.summary.get("files", "")),
            human_size(int(s.summary.get("bytes", 0))),
            human_size(int(s.summary.get("stored_bytes", 0))),
        )
    out.print(table)
    for problem in found.damaged:
        err.print(f"skipped a damaged snapshot: {problem}", markup=False)
    drill = found.last_drill
    if drill is None:
        out.print("no restore drill yet: run warta backup drill")
    else:
        verdict = "proven" if drill.ok else "[red]FAILED[/]"
        out.print(f"last restore drill: {drill.at:%Y-%m-%d %H:%M} {verdict}")


@backup.command("verify")
@click.option("--read-data", is_flag=True, help="Read and re-hash every stored object.")
@click.option("--subset", metavar="N/T", help="Read only slice N of T of the data.")
@wait_option
@pass_state
@handle_errors
def backup_verify(state: State, read_data: bool, subset: str | None, wait: float | None) -> None:
    """Check that every object the snapshots need is there (and, with --read-data or
    --subset, intact). Exits 8 naming the files affected."""
    from pipeline.commands.backup import verify

    with progress_bar() as bar:
        result = verify(
            state.config,
            read_data=read_data,
            subset=_subset(subset),
            wait=wait,
            progress=bar,
            password=_password(),
        )
    read = (
        f", {result.packs_read} read ({human_size(result.bytes_read)})" if result.packs_read else ""
    )
    out.print(f"ok: {result.snapshots} snapshot(s), {result.packs} pack(s){read}")
    for note in result.notes:
        err.print(f"note: {note}", markup=False)


@backup.command("restore")
@click.argument("snapshot")
@click.option(
    "--target", type=click.Path(path_type=Path), required=True, help="Folder to restore into."
)
@click.option("--overwrite", is_flag=True, help="Write over files in a non-empty target.")
@click.option(
    "--partial",
    is_flag=True,
    help="Restore every intact file and list those that are damaged (exit 8 if any).",
)
@wait_option
@pass_state
@handle_errors
def backup_restore(
    state: State, snapshot: str, target: Path, overwrite: bool, partial: bool, wait: float | None
) -> None:
    """Restore SNAPSHOT (an id, its first characters, or 'latest') into a folder."""
    from pipeline.commands.backup import restore
    from pipeline.errors import IntegrityError

    with progress_bar() as bar:
        result = restore(
            state.config,
            snapshot,
            target,
            overwrite=overwrite,
            partial=partial,
            wait=wait,
            progress=bar,
            password=_password(),
        )
    out.print(
        f"restored snapshot {result.snapshot[:8]}: {result.files} files "
        f"({human_size(result.bytes)}) into {result.target}, every hash checked",
        markup=False,
    )
    for problem in result.failed:
        err.print(f"not restored: {problem}", markup=False)
    if result.failed:
        err.print(f"{len(result.not_restored)} file(s) not restored", markup=False)
        sys.exit(IntegrityError.exit_code)


@backup.command("repair")
@wait_option
@pass_state
@handle_errors
def backup_repair(state: State, wait: float | None) -> None:
    """Move damaged snapshots and index files aside (to damaged/) and remove the
    temporary files of killed runs, so that every command works again."""
    from pipeline.commands.backup import repair

    result = repair(state.config, wait=wait, password=_password())
    for key in result.moved:
        out.print(f"moved aside: {key}", markup=False)
    out.print(
        f"{len(result.moved)} damaged object(s) moved aside, "
        f"{result.temporaries} temporary file(s) removed"
    )


@backup.command("drill")
@wait_option
@pass_state
@handle_errors
def backup_drill(state: State, wait: float | None) -> None:
    """Restore the latest snapshot into a temporary folder, check every hash, record it."""
    from pipeline.commands.backup import drill

    with progress_bar() as bar:
        result = drill(state.config, wait=wait, progress=bar, password=_password())
    out.print(
        f"restore drill ok: snapshot {result.snapshot[:8]}, {result.checked} files "
        f"({human_size(result.bytes)}) restored and checked"
    )


@backup.command("prune")
@click.option("--keep-last", type=click.IntRange(0), help="Keep the N newest snapshots.")
@click.option("--keep-daily", type=click.IntRange(0), help="Default: backup.keep_daily.")
@click.option("--keep-weekly", type=click.IntRange(0), help="Default: backup.keep_weekly.")
@click.option("--keep-monthly", type=click.IntRange(0), help="Default: backup.keep_monthly.")
@click.option("--dry-run", is_flag=True, help="Show what would go; change nothing.")
@wait_option
@pass_state
@handle_errors
def backup_prune(
    state: State,
    keep_last: int | None,
    keep_daily: int | None,
    keep_weekly: int | None,
    keep_monthly: int | None,
    dry_run: bool,
    wait: float | None,
) -> None:
    """Forget snapshots outside the keep policy, then delete data no snapshot needs."""
    from pipeline.backup.policy import KeepPolicy
    from pipeline.commands.backup import prune

    settings = state.config.backup
    keep = KeepPolicy(
        last=keep_last or 0,
        daily=settings.keep_daily if keep_daily is None else keep_daily,
        weekly=settings.keep_weekly if keep_weekly is None else keep_weekly,
        monthly=settings.keep_monthly if keep_monthly is None else keep_monthly,
    )
    result = prune(state.config, keep=keep, dry_run=dry_run, wait=wait, password=_password())
    verb = "would forget" if dry_run else "forgot"
    for snapshot in result.forgotten:
        out.print(f"{verb} {snapshot.short} ({snapshot.time:%Y-%m-%d %H:%M})")
    out.print(
        f"kept {len(result.kept)} snapshot(s), {verb} {len(result.forgotten)}; "
        f"{'would delete' if dry_run else 'deleted'} {result.packs_deleted} pack(s) "
        f"({human_size(result.bytes_freed)})"
    )


COMMANDS = [backup]
