"""The ``warta`` command: parse arguments, load config, call one use case, map errors.

Nothing here decides anything: use cases in :mod:`pipeline.commands` do the
work and raise :mod:`pipeline.errors`, which :func:`_run` turns into a
one-line message on stderr and the exit code of :data:`~pipeline.errors.EXIT_CODES`.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pipeline import __version__
from pipeline.config import Config, load_config
from pipeline.content.model import Attention
from pipeline.errors import ConfigError, Problem, ProblemsError, WartaError

if TYPE_CHECKING:  # imported lazily at run time, like every use case
    from pipeline.tickets.incidents import SyncResult

F = TypeVar("F", bound=Callable[..., Any])
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


class State:
    """Per-invocation state: where the configuration is, loaded on first use."""

    def __init__(self, config_path: Path) -> None:
        self.config_path = config_path
        self._config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.config_path)
        return self._config


def _run(func: F) -> F:
    """Translate warta errors into messages and exit codes at the CLI boundary."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ProblemsError as error:
            err.print(f"[bold red]error:[/] {escape(error.message)}")
            for problem in error.problems:
                err.print(f"  {problem}", markup=False)
            sys.exit(error.exit_code)
        except WartaError as error:
            err.print(f"[bold red]error:[/] {escape(str(error))}")
            sys.exit(error.exit_code)
        except KeyboardInterrupt:
            err.print("interrupted")
            sys.exit(130)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception:  # a bug: say so, show where, exit 70 (EX_SOFTWARE)
            err.print_exception(show_locals=False)
            err.print(
                "[bold red]internal error:[/] this is a bug in warta; please report it "
                "with the traceback above"
            )
            sys.exit(70)

    return wrapper  # type: ignore[return-value]


class RichProgress:
    """:class:`pipeline.progress.Progress` drawn with rich (only on a terminal)."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task: Any = None

    def start(self, task: str, total: int | None = None) -> None:
        if self.task is not None:
            self.progress.update(self.task, visible=False)
        self.task = self.progress.add_task(task, total=total)

    def advance(self, steps: int = 1) -> None:
        if self.task is not None:
            self.progress.advance(self.task, steps)


@contextmanager
def progress_bar() -> Iterator[RichProgress]:
    bar = Progress(
        TextColumn("{task.description:>10}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )
    with bar:
        yield RichProgress(bar)


def _whoami(config: Config, given: str | None) -> str:
    """The acting person: --as, $WARTA_USER, or the configured person with git's e-mail."""
    if given:
        return given
    email = subprocess.run(
        ["git", "config", "user.email"],
        capture_output=True,
        text=True,
        cwd=config.root,
        check=False,
    ).stdout.strip()
    person = next((p for p in config.people if email and p.email == email), None)
    if person is None:
        raise ConfigError(
            "who is acting?",
            [
                Problem(
                    "--as",
                    "no person given and git's user.email matches nobody in people",
                    "pass --as PERSON or set WARTA_USER",
                )
            ],
        )
    return person.id


def _parse_now(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            "expected an ISO date-time such as 2026-11-25T08:00+08:00", param_hint="--now"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


as_option = click.option(
    "--as",
    "as_",
    metavar="PERSON",
    envvar="WARTA_USER",
    help="Person id acting (default: $WARTA_USER or git's user.email).",
)
now_option = click.option("--now", metavar="ISO", help="Act as if it were this moment.")
key_option = click.option(
    "--key",
    metavar="PATH",
    envvar="WARTA_SIGNING_KEY",
    help="SSH private key to sign with when signing.enabled (default: git's user.signingkey).",
)
pass_state = click.make_pass_decorator(State)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "-c",
    "config_path",
    type=click.Path(path_type=Path),
    default="warta.yml",
    envvar="WARTA_CONFIG",
    show_default=True,
    help="Configuration file.",
)
@click.version_option(__version__, prog_name="warta")
@click.pass_context
def cli(ctx: click.Context, config_path: Path) -> None:
    """warta: publishing and operations for a court's public website."""
    ctx.obj = State(config_path)


# -- configuration ----------------------------------------------------------------


@cli.group("config")
def config_group() -> None:
    """Inspect the configuration."""


@config_group.command("check")
@pass_state
@_run
def config_check(state: State) -> None:
    """Validate warta.yml and report every problem at once."""
    config = state.config
    out.print(
        f"{config.source}: OK ({len(config.categories)} categories, {len(config.people)} people)"
    )


# -- the editorial workflow ------------------------------------------------------


@cli.command()
@click.argument("title")
@click.option("--category", "-k", required=True, help="Category id from warta.yml.")
@click.option("--slug", help="URL name (default: made from the title).")
@click.option(
    "--attention",
    type=click.Choice([a.value for a in Attention]),
    default="routine",
    show_default=True,
    help="Approval route.",
)
@click.option(
    "--sources",
    is_flag=True,
    help="Also create sources/: the material is being gathered (SOP step 1).",
)
@as_option
@pass_state
@_run
def new(
    state: State,
    title: str,
    category: str,
    slug: str | None,
    attention: str,
    sources: bool,
    as_: str | None,
) -> None:
    """Scaffold drafts/<slug>/index.md with a files/ folder."""
    from pipeline.commands.content import create

    config = state.config
    path = create(
        config,
        title=title,
        category=category,
        author=_whoami(config, as_),
        slug=slug,
        attention=Attention(attention),
        sources=sources,
    )
    out.print(f"created {path.relative_to(config.root)}")


@cli.command("review")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
)
@click.option(
    "--output", "-o", type=click.Path(path_type=Path), help="Also write the report to this file."
)
@click.option(
    "--all", "include_content", is_flag=True, help="Review published content/ too, not only drafts."
)
@pass_state
@_run
def review_cmd(
    state: State, paths: tuple[Path, ...], fmt: str, output: Path | None, include_content: bool
) -> None:
    """Check drafts (default: every draft) against the editorial rules.

    Exits 1 when any error is found.
    """
    from pipeline.commands.content import run_review
    from pipeline.content.review_format import to_markdown, to_text

    report = run_review(state.config, list(paths) or None, include_content=include_content)
    if fmt == "json":
        text = json.dumps(report.as_dict(), ensure_ascii=False, indent=2)
    elif fmt == "markdown":
        text = to_markdown(report)
    else:
        text = to_text(report)
    if output:
        output.write_text(text + "\n", encoding="utf-8")
    if fmt == "text" and out.is_terminal:
        _review_table(report)
    else:
        click.echo(text)
    if not report.ok:
        sys.exit(1)


def _review_table(report: Any) -> None:
    table = Table(show_lines=False)
    for column in ("", "where", "rule", "problem", "what to do"):
        table.add_column(column)
    for f in report.findings:
        table.add_row(
            "[red]✗[/]" if f.severity == "error" else "[yellow]![/]",
            f.where,
            f.rule,
            f.message,
            f.hint,
        )
    if report.findings:
        out.print(table)
    colour = "green" if report.ok else "red"
    out.print(
        f"[{colour}]{len(report.files)} file(s): {report.errors} error(s), "
        f"{report.warnings} warning(s)[/]"
    )


@cli.command()
@click.argument("slug")
@as_option
@now_option
@key_option
@pass_state
@_run
def submit(state: State, slug: str, as_: str | None, now: str | None, key: str | None) -> None:
    """Editor: review a draft and mark it in-review (ready for approval).

    With signing.enabled, the review is a commit signed with --key (issue 4).
    """
    from pipeline.commands.approval import submit as do_submit

    config = state.config
    step = do_submit(config, slug, by=_whoami(config, as_), now=_parse_now(now), key=key)
    front = step.front
    assert front is not None
    out.print(f"{slug}: {front.status} — waiting for approval ({front.attention.value})")
    if step.commit:
        out.print(f"signed review commit {step.commit[:12]} on {step.branch}")


@cli.command()
@click.argument("slug")
@click.option("--note", default="", help="Note kept with the approval.")
@as_option
@now_option
@key_option
@pass_state
@_run
def approve(
    state: State, slug: str, note: str, as_: str | None, now: str | None, key: str | None
) -> None:
    """Penanggung jawab (routine) or ketua (special): approve a reviewed draft.

    With signing.enabled, SLUG may also be a branch: it is merged into the
    published branch with --no-ff, signed with --key (issue 4).
    """
    from pipeline.commands.approval import approve as do_approve

    config = state.config
    step = do_approve(
        config, slug, by=_whoami(config, as_), note=note, now=_parse_now(now), key=key
    )
    front = step.front
    if front is not None:
        out.print(f"{slug}: {front.status} by {front.approval.by if front.approval else '?'}")
    if step.commit:
        out.print(
            f"signed merge {step.commit[:12]} of {step.branch} into "
            f"{config.signing.branch} ({step.route}); push it: git push origin "
            f"{config.signing.branch}"
        )


@cli.command()
@click.argument("slug")
@click.option("--reason", required=True, help="Why it goes back.")
@as_option
@now_option
@pass_state
@_run
def reject(state: State, slug: str, reason: str, as_: str | None, now: str | None) -> None:
    """Send a draft back to its writer."""
    from pipeline.commands.content import reject as do_reject

    config = state.config
    front = do_reject(config, slug, by=_whoami(config, as_), reason=reason, now=_parse_now(now))
    out.print(f"{slug}: back to {front.status}")


@cli.command()
@click.argument("slug")
@click.option("--reason", required=True, help="Why it is withdrawn (kept in the archive).")
@as_option
@now_option
@pass_state
@_run
def withdraw(state: State, slug: str, reason: str, as_: str | None, now: str | None) -> None:
    """Take a published item off the site; it stays in content/ and the archive."""
    from pipeline.commands.content import withdraw as do_withdraw

    config = state.config
    do_withdraw(config, slug, by=_whoami(config, as_), reason=reason, now=_parse_now(now))
    out.print(f"{slug}: withdrawn — run 'warta publish' and 'warta archive' to apply")


@cli.command()
@click.option("--no-build", is_flag=True, help="Promote drafts only; do not build the site.")
@as_option
@now_option
@pass_state
@_run
def publish(state: State, no_build: bool, as_: str | None, now: str | None) -> None:
    """Promote approved drafts to content/ and build site/ (mkdocs --strict)."""
    from pipeline.commands.publish import publish as do_publish

    config = state.config
    with progress_bar() as bar:
        result = do_publish(
            config, by=as_ or "warta", now=_parse_now(now), build=not no_build, progress=bar
        )
    for slug in result.promoted:
        out.print(f"published {slug}")
    for slug, when in result.embargoed:
        out.print(f"embargoed {slug} until {when.isoformat()}")
    for problem in result.refused:
        err.print(f"refused: {problem}", markup=False)
    if result.build:
        site = result.build.site_dir
        shown = site.relative_to(config.root) if site.is_relative_to(config.root) else site
        out.print(f"built {result.build.pages} pages into {shown}/")
    if result.refused:
        sys.exit(1)


# -- archive ------------------------------------------------------------------------


@cli.group(invoke_without_command=True)
@now_option
@click.pass_context
@_run
def archive(ctx: click.Context, now: str | None) -> None:
    """Archive every published version as a BagIt bag (SOP 1 step 7)."""
    if ctx.invoked_subcommand is not None:
        return
    from pipeline.commands.archive import run_archive

    config = ctx.ensure_object(State).config
    with progress_bar() as bar:
        result = run_archive(config, now=_parse_now(now), progress=bar)
    for entry in result.created:
        out.print(f"archived {entry.slug} → archive/{entry.path}")
    out.print(f"{len(result.created)} new bag(s), {result.unchanged} version(s) already archived")


@archive.command("verify")
@pass_state
@_run
def archive_verify(state: State) -> None:
    """Validate every bag's manifests and checksums."""
    from pipeline.commands.archive import run_verify

    with progress_bar() as bar:
        bags = run_verify(state.config, progress=bar)
    out.print(f"{len(bags)} bag(s) valid")


@archive.command("push")
@pass_state
@_run
def archive_push_cmd(state: State) -> None:
    """Copy the archive bags to the bucket, write-once (never overwriting a key)."""
    from pipeline.commands.deploy import run_archive_push

    with progress_bar() as bar:
        result = run_archive_push(state.config, progress=bar)
    out.print(f"pushed {len(result.uploaded)} file(s), {result.present} already there")


@archive.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@pass_state
@_run
def archive_list(state: State, fmt: str) -> None:
    """List the bags of the archive."""
    from pipeline.commands.archive import list_bags

    bags = list_bags(state.config)
    if fmt == "json":
        click.echo(json.dumps([b.as_dict() for b in bags], ensure_ascii=False, indent=2))
        return
    table = Table("slug", "bag", "status", "bagged")
    for bag in bags:
        table.add_row(bag.slug, bag.path, bag.status, bag.bagged_at)
    out.print(table)


# -- status and watch -------------------------------------------------------------


@cli.command()
@click.option("--all", "include_done", is_flag=True, help="Also list items that are done.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--check", is_flag=True, help="Exit 1 when an item is late.")
@now_option
@pass_state
@_run
def status(state: State, include_done: bool, fmt: str, check: bool, now: str | None) -> None:
    """Where each item stands against the SOP's target times."""
    from pipeline.commands.status import run_status

    rows, found = run_status(state.config, now=_parse_now(now), include_done=include_done)
    if fmt == "json":
        click.echo(json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=2))
    else:
        table = Table("slug", "status", "stage", "holder", "since", "age", "target", "")
        for r in rows:
            table.add_row(
                r.slug,
                r.status,
                r.stage,
                r.holder,
                r.since.strftime("%Y-%m-%d %H:%M") if r.since else "",
                _minutes(r.age),
                _minutes(r.target),
                "[red]LATE[/]" if r.late else "",
            )
        out.print(table)
        late = sum(r.late for r in rows)
        out.print(f"{len(rows)} item(s), {late} late")
    for problem in found.problems:
        err.print(f"unreadable: {problem}", markup=False)
    if check and any(r.late for r in rows):
        sys.exit(1)


def _minutes(delta: Any) -> str:
    if delta is None:
        return ""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 120:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // 1440} d"


@cli.command()
@click.option(
    "--address",
    "-a",
    default="127.0.0.1:8000",
    show_default=True,
    help="Where the live preview listens.",
)
@click.option("--no-preview", is_flag=True, help="Only re-run reviews; no preview server.")
@pass_state
@_run
def watch(state: State, address: str, no_preview: bool) -> None:
    """Re-run the review of a draft each time it is saved; serve a live preview."""
    from pipeline.commands.watch import start_preview, watch_drafts
    from pipeline.content.review_format import to_text

    config = state.config
    server = None if no_preview else start_preview(config, address)
    if server is not None:
        out.print(f"preview: http://{address}/ (drafts shown at their future place)")
    out.print(f"watching {config.path('drafts')} — Ctrl+C to stop")

    def report(path: Path, result: Any) -> None:
        out.print(f"[bold]{path.relative_to(config.root)}[/]")
        out.print(to_text(result), markup=False)

    stop = threading.Event()
    try:
        watch_drafts(config, report, stop=stop)
    finally:
        stop.set()
        if server is not None:
            server.terminate()
            server.wait(timeout=10)


# -- collect and convert (issue 3) -------------------------------------------------


@cli.command("collect")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--into", "slug", required=True, metavar="SLUG", help="The draft to collect into.")
@click.option(
    "--kind",
    type=click.Choice(["scan", "photo", "pdf", "audio", "video"]),
    help="What the files are (default: read from each file; images with camera EXIF are photos).",
)
@click.option(
    "--document",
    metavar="NAME",
    help="Name of the document these scans make together, in the order given.",
)
@click.option("--title", help="Create the draft with this title if it does not exist.")
@click.option("--category", "-k", help="Category of the draft created with --title.")
@click.option(
    "--attention",
    type=click.Choice([a.value for a in Attention]),
    default="routine",
    show_default=True,
    help="Approval route of the draft created with --title.",
)
@as_option
@now_option
@pass_state
@_run
def collect_cmd(
    state: State,
    sources: tuple[Path, ...],
    slug: str,
    kind: str | None,
    document: str | None,
    title: str | None,
    category: str | None,
    attention: str,
    as_: str | None,
    now: str | None,
) -> None:
    """Operator: copy source material into drafts/SLUG/sources/ with a manifest (SOP 1.1).

    Exits 4 when a file was refused (the others are still collected).
    """
    from pipeline.commands.sources import collect
    from pipeline.errors import ContentError

    config = state.config
    outcome = collect(
        config,
        slug,
        list(sources),
        by=_whoami(config, as_),
        now=_parse_now(now),
        kind=kind,  # type: ignore[arg-type]
        document=document,
        title=title,
        category=category,
        attention=Attention(attention),
    )
    if outcome.created:
        out.print(f"created drafts/{slug}/index.md")
    result = outcome.result
    for entry in result.collected:
        out.print(
            f"collected {entry.original} → sources/{entry.name} ({entry.type}, {entry.kind})",
            markup=False,
        )
    for path in result.unchanged:
        out.print(f"unchanged {path} (already collected)", markup=False)
    for problem in result.refused:
        err.print(f"refused: {problem}", markup=False)
    out.print(
        f"{len(result.collected)} collected, {len(result.unchanged)} unchanged, "
        f"{len(result.refused)} refused"
    )
    if result.refused:
        sys.exit(ContentError.exit_code)


@cli.command("convert")
@click.argument("slug")
@click.option("--check", "check_only", is_flag=True, help="Validate only; write nothing.")
@click.option("--force", is_flag=True, help="Convert again even when the outputs are current.")
@as_option
@now_option
@pass_state
@_run
def convert_cmd(
    state: State, slug: str, check_only: bool, force: bool, as_: str | None, now: str | None
) -> None:
    """Operator: turn the sources into valid electronic documents in files/ (SOP 1.2).

    Exits 4 when a source or an attachment fails (the others are still converted).
    """
    from pipeline.commands.sources import check, convert
    from pipeline.errors import ContentError

    config = state.config
    if check_only:
        report = check(config, slug)
        for problem in report.problems:
            err.print(f"invalid: {problem}", markup=False)
        out.print(
            f"{report.sources} source(s), {report.attachments} attachment(s): "
            f"{len(report.problems)} problem(s)"
        )
        if report.problems:
            sys.exit(ContentError.exit_code)
        return
    with progress_bar() as bar:
        result = convert(
            config, slug, by=_whoami(config, as_), now=_parse_now(now), force=force, progress=bar
        )
    for output in result.made:
        out.print(f"made {output.path} from {', '.join(output.sources)}", markup=False)
    for note in result.notes:
        out.print(f"note: {note}", markup=False)
    for problem in result.refused:
        err.print(f"refused: {problem}", markup=False)
    out.print(
        f"{len(result.made)} made, {len(result.unchanged)} unchanged, {len(result.refused)} refused"
    )
    if result.refused:
        sys.exit(ContentError.exit_code)


# -- roles, signed approval, verify (issue 4) -------------------------------------


@cli.group()
def roles() -> None:
    """People, roles and signing keys (warta.yml people)."""


@roles.command("sync")
@click.option("--check", is_flag=True, help="Change nothing; exit 1 when a file is out of date.")
@pass_state
@_run
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


@cli.command("verify")
@click.option(
    "--base", metavar="REV", help="Trusted commit or tag (default: signing.trusted_base)."
)
@click.option("--rev", default="HEAD", show_default=True, help="The commit to be published.")
@click.option(
    "--no-worktree", is_flag=True, help="Do not compare the working tree with the commit."
)
@pass_state
@_run
def verify_cmd(state: State, base: str | None, rev: str, no_worktree: bool) -> None:
    """Prove from git that every change to content/ since the trusted base was approved.

    Exits 8, naming each refused commit and rule, when anything was not: CI runs it
    before publishing.
    """
    from pipeline.commands.approval import verify

    with progress_bar() as bar:
        report = verify(state.config, base=base, tip=rev, worktree=not no_worktree, progress=bar)
    for verdict in report.approvals:
        out.print(
            f"{verdict.commit[:12]} approved by {verdict.signer} ({verdict.route}): "
            f"{len(verdict.changes)} item(s)",
            markup=False,
        )
    out.print(
        f"verified {len(report.verdicts)} commit(s) after {report.base[:12]}: "
        f"{len(report.approvals)} approval merge(s), no unapproved change"
    )


# -- deploy to S3-compatible storage (issue 5) -------------------------------------


@cli.command("deploy")
@click.option("--dry-run", is_flag=True, help="Print the plan; change nothing.")
@click.option("--force", is_flag=True, help="Upload every file (e.g. after a cache policy change).")
@pass_state
@_run
def deploy_cmd(state: State, dry_run: bool, force: bool) -> None:
    """Upload the built site to the configured bucket: changed files only, stale ones after."""
    from pipeline.commands.deploy import run_deploy

    with progress_bar() as bar:
        result = run_deploy(state.config, dry_run=dry_run, force=force, progress=bar)
    plan = result.plan
    if dry_run:
        for file in plan.uploads:
            out.print(f"upload {file.key} ({file.size} bytes)", markup=False)
        for key in plan.deletes:
            out.print(f"delete {key}", markup=False)
    verb = "would upload" if dry_run else "uploaded"
    out.print(
        f"{verb} {len(plan.uploads)} file(s) ({plan.upload_bytes} bytes), "
        f"{'would delete' if dry_run else 'deleted'} {len(plan.deletes)}, "
        f"{plan.unchanged} unchanged"
    )
    if result.website is False:
        out.print(
            "note: the store does not take a website configuration; set the index and "
            "error documents on the web server or CDN in front of it"
        )


# -- health (issue 6) ----------------------------------------------------------------


@cli.group()
def health() -> None:
    """Availability, TLS and content freshness of the public site (SOP 2)."""


@health.command("check")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@pass_state
@_run
def health_check(state: State, fmt: str) -> None:
    """Run every check concurrently, record it, open or close incidents.

    Exits 1 when any check failed, so that schedulers notice.
    """
    from pipeline.commands.health import run_checks

    config = state.config
    email = config.health.alerts.email
    password = os.environ.get(email.password_env, "") if email else ""
    with progress_bar() as bar:
        report = run_checks(config, progress=bar, smtp_password=password)
    if fmt == "json":
        click.echo(
            json.dumps(
                [_result_dict(r, report) for r in report.results], ensure_ascii=False, indent=2
            )
        )
    else:
        table = Table("endpoint", "result", "status", "ms", "cert days", "state", "note")
        for r in report.results:
            table.add_row(
                r.name,
                "[green]ok[/]" if r.success else "[red]FAIL[/]",
                str(r.observation.status or ""),
                _num(r.response_ms),
                _num(r.certificate_days),
                report.states[r.name].state,
                escape(_note(r, report)),
            )
        out.print(table)
        if report.maintenance:
            out.print("maintenance window: results recorded, states unchanged")
        for change in report.transitions:
            verb = "incident opened" if change.after == "down" else "incident closed"
            out.print(f"{verb}: {change.name} ({escape(change.cause)})")
        if report.tickets is not None:  # incident tickets follow the checks (SOP 3)
            _print_ticket_changes(report.tickets, prefix="ticket ")
    for delivery in report.deliveries:
        if not delivery.ok:
            err.print(
                f"alert not sent ({delivery.channel}, {delivery.endpoint}): {delivery.error}",
                markup=False,
            )
    if not report.ok:
        sys.exit(1)


def _note(result: Any, report: Any) -> str:
    if result.error or result.failed:
        return str(result.error or "; ".join(result.failed))
    if result.unknown:
        domain = report.domains.get(result.name)
        why = f" ({domain.problem})" if domain is not None and domain.problem else ""
        return "unknown: " + "; ".join(result.unknown) + why
    return ""


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _result_dict(result: Any, report: Any) -> dict[str, Any]:
    return {
        "endpoint": result.name,
        "url": result.url,
        "at": result.at.isoformat(),
        "success": result.success,
        "status": result.observation.status,
        "response_ms": result.response_ms,
        "certificate_days": result.certificate_days,
        "error": result.error,
        "failed": result.failed,
        "unknown": result.unknown,
        "attempts": result.attempts,
        "state": report.states[result.name].state,
        "domain": (
            {
                "name": d.domain,
                "expires": d.expires.isoformat() if d.expires else None,
                "source": d.source,
                "problem": d.problem,
            }
            if (d := report.domains.get(result.name))
            else None
        ),
    }


@health.command("freshness")
@click.option(
    "--live/--no-live",
    default=True,
    show_default=True,
    help="Also judge the live site's content API.",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@now_option
@pass_state
@_run
def health_freshness(state: State, live: bool, fmt: str, now: str | None) -> None:
    """List stale categories (each category's max_age), from content/ and the live site.

    Exits 1 when any category is stale.
    """
    from pipeline.commands.health import run_freshness

    verdicts = run_freshness(state.config, live=live, now=_parse_now(now))
    if fmt == "json":
        click.echo(
            json.dumps(
                {k: [v.as_dict() for v in vs] for k, vs in verdicts.items()},
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for source, rows in verdicts.items():
            table = Table("category", "newest", "date", "age", "max age", "", title=source)
            for v in rows:
                table.add_row(
                    v.label,
                    v.newest.slug if v.newest else "—",
                    v.newest.day.isoformat() if v.newest else "",
                    _minutes(v.age),
                    _minutes(v.max_age),
                    "[red]STALE[/]" if v.stale else "[green]ok[/]",
                )
            out.print(table)
    if any(v.stale for rows in verdicts.values() for v in rows):
        sys.exit(1)


@health.command("status-page")
@pass_state
@_run
def health_status_page(state: State) -> None:
    """Write the public status page into site/status/ from the history."""
    from pipeline.commands.health import write_status_page

    for path in write_status_page(state.config):
        out.print(f"wrote {path}")


@health.command("rdap-refresh")
@click.option(
    "--url",
    default="https://data.iana.org/rdap/dns.json",
    show_default=True,
    help="Where to download the RDAP bootstrap from.",
)
@pass_state
@_run
def health_rdap_refresh(state: State, url: str) -> None:
    """Download IANA's RDAP bootstrap file (replaces the subset bundled with warta)."""
    from pipeline.commands.health import rdap_bootstrap_path, refresh_rdap_bootstrap

    count = refresh_rdap_bootstrap(state.config, url)
    out.print(f"{count} RDAP services saved to {rdap_bootstrap_path(state.config)}")


@health.command("incidents")
@click.option("--open", "open_only", is_flag=True, help="Only incidents still open.")
@pass_state
@_run
def health_incidents(state: State, open_only: bool) -> None:
    """Incidents opened and closed by the checks."""
    from pipeline.commands.health import list_incidents

    table = Table("endpoint", "opened", "closed", "cause", "resolution")
    for i in list_incidents(state.config, open_only=open_only):
        table.add_row(
            i.endpoint,
            i.opened_at.strftime("%Y-%m-%d %H:%M"),
            i.closed_at.strftime("%Y-%m-%d %H:%M") if i.closed_at else "[red]open[/]",
            escape(i.cause),
            escape(i.resolution),
        )
    out.print(table)


# -- renewals (issue 6) --------------------------------------------------------------


@cli.group()
def renewals() -> None:
    """Connection, hosting and domain contracts: due dates, invoices, reminders (SOP 2)."""


@renewals.command("add")
@click.argument("renewal_id", metavar="ID")
@click.option(
    "--kind", type=click.Choice(["connection", "hosting", "domain", "other"]), required=True
)
@click.option("--provider", required=True, help="Who is paid.")
@click.option("--period", required=True, help="1mo, 3mo, 6mo, 1y, …")
@click.option("--cost", type=int, required=True, help="Cost per period, in rupiah.")
@click.option(
    "--due", type=click.DateTime(["%Y-%m-%d"]), required=True, help="Next due date (YYYY-MM-DD)."
)
@click.option("--description", default="")
@pass_state
@_run
def renewals_add(
    state: State,
    renewal_id: str,
    kind: str,
    provider: str,
    period: str,
    cost: int,
    due: datetime,
    description: str,
) -> None:
    """Add a contract to the register."""
    from pipeline.commands.renewals import add

    renewal = add(
        state.config,
        renewal_id=renewal_id,
        kind=kind,
        provider=provider,
        period=period,
        cost=cost,
        due=due.date(),
        description=description,
    )
    out.print(f"added {renewal.id}, due {renewal.due.isoformat()}")


@renewals.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@now_option
@pass_state
@_run
def renewals_list(state: State, fmt: str, now: str | None) -> None:
    """The register, soonest due first."""
    from pipeline.commands.renewals import listing

    rows = listing(state.config, now=_parse_now(now))
    if fmt == "json":
        click.echo(
            json.dumps(
                [{**r.__dict__, "due": r.due.isoformat(), "days_left": left} for r, left in rows],
                indent=2,
            )
        )
        return
    table = Table("id", "kind", "provider", "period", "cost (Rp)", "due", "days left")
    for r, left in rows:
        table.add_row(
            r.id,
            r.kind,
            r.provider,
            f"{r.period_months} mo",
            f"{r.cost:,}".replace(",", "."),
            r.due.isoformat(),
            f"[red]{left}[/]" if left < 14 else str(left),
        )
    out.print(table)


@renewals.command("record")
@click.argument("renewal_id", metavar="ID")
@click.option(
    "--invoice",
    type=click.Path(path_type=Path),
    required=True,
    help="The provider's invoice (kept write-once in the state folder).",
)
@click.option("--paid-on", type=click.DateTime(["%Y-%m-%d"]), help="Default: today.")
@click.option("--amount", type=int, help="Amount paid, in rupiah (default: the cost).")
@as_option
@pass_state
@_run
def renewals_record(
    state: State,
    renewal_id: str,
    invoice: Path,
    paid_on: datetime | None,
    amount: int | None,
    as_: str | None,
) -> None:
    """Record a paid renewal: store the invoice and move the due date by one period."""
    from pipeline.commands.renewals import record

    payment = record(
        state.config,
        renewal_id,
        invoice=invoice,
        paid_on=paid_on.date() if paid_on else None,
        amount=amount,
        by=as_ or "",
    )
    out.print(
        f"{renewal_id}: paid {payment.paid_on.isoformat()}, next due "
        f"{payment.new_due.isoformat()} (invoice sha256 {payment.invoice_sha256[:12]}…)"
    )


@renewals.command("remind")
@now_option
@pass_state
@_run
def renewals_remind(state: State, now: str | None) -> None:
    """Send the reminders due (60/30/14/7 days before, and when overdue).

    Exits 1 when a contract is overdue.
    """
    from pipeline.commands.renewals import remind

    config = state.config
    email = config.health.alerts.email
    password = os.environ.get(email.password_env, "") if email else ""
    result = remind(config, now=_parse_now(now), smtp_password=password)
    for renewal, threshold in result.due:
        when = "overdue" if threshold == 0 else f"{threshold}-day reminder"
        out.print(f"{renewal.id}: {when} (due {renewal.due.isoformat()})")
    for delivery in result.deliveries:
        if not delivery.ok:
            err.print(
                f"reminder not sent ({delivery.channel}, {delivery.endpoint}): {delivery.error}",
                markup=False,
            )
    if result.overdue:
        sys.exit(1)


# -- visitors (issue 7) --------------------------------------------------------------


@cli.group()
def visitors() -> None:
    """Visitor activity from access logs, and early detection of suspicious activity."""


@visitors.command("analyze")
@click.argument("logs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown", "html"]),
    default="text",
    show_default=True,
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    help="Write the report here instead of standard output.",
)
@click.option(
    "--incremental",
    is_flag=True,
    help="Read only what was added since the last run (follows rotation).",
)
@click.option(
    "--deny-list",
    type=click.Path(path_type=Path),
    help="Write an nginx include file denying the IPs found suspicious.",
)
@pass_state
@_run
def visitors_analyze(
    state: State,
    logs: tuple[Path, ...],
    fmt: str,
    output: Path | None,
    incremental: bool,
    deny_list: Path | None,
) -> None:
    """Read nginx/Apache access logs (plain or gzip, rotated sets in order).

    Exits 1 when suspicious activity was found.
    """
    from pipeline.commands.visitors import analyze
    from pipeline.visitors import report as render

    config = state.config
    with progress_bar() as bar:
        result = analyze(
            config, list(logs), incremental=incremental, deny_list=deny_list, progress=bar
        )
    data = result.as_dict()
    language = config.site.language
    if fmt == "json":
        text = json.dumps(data, ensure_ascii=False, indent=2)
    elif fmt == "markdown":
        text = render.markdown(data, language)
    elif fmt == "html":
        text = render.page(data, site_name=config.site.name, language=language)
    else:
        text = (
            f"{data['total_requests']} requests ({data['failed_requests']} failed), "
            f"{data['unique_visitors']} unique visitors, "
            f"{render.size(int(str(data['bandwidth'])))}, "
            f"{len(result.findings)} suspicious finding(s)"
        )
        for finding in result.findings:
            text += (
                f"\n  {finding.ip}  {finding.rule}  x{finding.count}  "
                f"{finding.first} — {finding.samples[0]}"
            )
    if output is not None:
        from pipeline.fsutil import atomic_write_text

        atomic_write_text(output, text + "\n")
        out.print(f"wrote {output}")
    else:
        click.echo(text)
    for note in result.notes:
        err.print(f"note: {note}", markup=False)
    if result.findings:
        sys.exit(1)


# -- backups (issue 8) ---------------------------------------------------------------


def _size(count: int) -> str:
    value = float(count)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{count} B"


def _subset(value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    n, _, t = value.partition("/")
    if not (n.isdigit() and t.isdigit() and 1 <= int(n) <= int(t)):
        raise click.BadParameter("expected N/T with 1 <= N <= T, e.g. 1/5", param_hint="--subset")
    return int(n), int(t)


wait_option = click.option(
    "--wait",
    type=float,
    metavar="SECONDS",
    help="Wait this long for another backup command's lock (default: backup.lock_wait).",
)


@cli.group()
def backup() -> None:
    """Snapshots of the whole site system to a local disk or S3 (SOP 2 step 2)."""


@backup.command("run")
@wait_option
@pass_state
@_run
def backup_run(state: State, wait: float | None) -> None:
    """Back up content, drafts, archive, site, configuration and the database.

    Exits 1 when some files could not be read (the snapshot is written without them).
    """
    from pipeline.commands.backup import run

    with progress_bar() as bar:
        result = run(state.config, wait=wait, progress=bar)
    out.print(
        f"snapshot {result.snapshot[:8]}: {result.files} files ({_size(result.bytes)}), "
        f"{len(result.read_files)} read ({_size(result.read_bytes)}), "
        f"{_size(result.stored_bytes)} added to {state.config.backup.repository}",
        markup=False,
    )
    if result.recovered_packs:
        out.print(f"reused {result.recovered_packs} pack(s) left by an interrupted run")
    for problem in result.skipped:
        err.print(f"not backed up: {problem}", markup=False)
    if result.skipped:
        sys.exit(1)


@backup.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@pass_state
@_run
def backup_list(state: State, fmt: str) -> None:
    """Snapshots in the repository, oldest first, and the last restore drill."""
    from pipeline.commands.backup import listing

    found = listing(state.config)
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
            _size(int(s.summary.get("bytes", 0))),
            _size(int(s.summary.get("stored_bytes", 0))),
        )
    out.print(table)
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
@_run
def backup_verify(state: State, read_data: bool, subset: str | None, wait: float | None) -> None:
    """Check that every object the snapshots need is there (and, with --read-data or
    --subset, intact). Exits 8 naming the files affected."""
    from pipeline.commands.backup import verify

    with progress_bar() as bar:
        result = verify(
            state.config, read_data=read_data, subset=_subset(subset), wait=wait, progress=bar
        )
    read = f", {result.packs_read} read ({_size(result.bytes_read)})" if result.packs_read else ""
    out.print(f"ok: {result.snapshots} snapshot(s), {result.packs} pack(s){read}")
    for note in result.notes:
        err.print(f"note: {note}", markup=False)


@backup.command("restore")
@click.argument("snapshot")
@click.option(
    "--target", type=click.Path(path_type=Path), required=True, help="Folder to restore into."
)
@click.option("--overwrite", is_flag=True, help="Write over files in a non-empty target.")
@wait_option
@pass_state
@_run
def backup_restore(
    state: State, snapshot: str, target: Path, overwrite: bool, wait: float | None
) -> None:
    """Restore SNAPSHOT (an id, its first characters, or 'latest') into a folder."""
    from pipeline.commands.backup import restore

    with progress_bar() as bar:
        result = restore(
            state.config, snapshot, target, overwrite=overwrite, wait=wait, progress=bar
        )
    out.print(
        f"restored snapshot {result.snapshot[:8]}: {result.files} files "
        f"({_size(result.bytes)}) into {result.target}, every hash checked",
        markup=False,
    )


@backup.command("drill")
@wait_option
@pass_state
@_run
def backup_drill(state: State, wait: float | None) -> None:
    """Restore the latest snapshot into a temporary folder, check every hash, record it."""
    from pipeline.commands.backup import drill

    with progress_bar() as bar:
        result = drill(state.config, wait=wait, progress=bar)
    out.print(
        f"restore drill ok: snapshot {result.snapshot[:8]}, {result.checked} files "
        f"({_size(result.bytes)}) restored and checked"
    )


@backup.command("prune")
@click.option("--keep-last", type=click.IntRange(0), help="Keep the N newest snapshots.")
@click.option("--keep-daily", type=click.IntRange(0), help="Default: backup.keep_daily.")
@click.option("--keep-weekly", type=click.IntRange(0), help="Default: backup.keep_weekly.")
@click.option("--keep-monthly", type=click.IntRange(0), help="Default: backup.keep_monthly.")
@click.option("--dry-run", is_flag=True, help="Show what would go; change nothing.")
@wait_option
@pass_state
@_run
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
    result = prune(state.config, keep=keep, dry_run=dry_run, wait=wait)
    verb = "would forget" if dry_run else "forgot"
    for snapshot in result.forgotten:
        out.print(f"{verb} {snapshot.short} ({snapshot.time:%Y-%m-%d %H:%M})")
    out.print(
        f"kept {len(result.kept)} snapshot(s), {verb} {len(result.forgotten)}; "
        f"{'would delete' if dry_run else 'deleted'} {result.packs_deleted} pack(s) "
        f"({_size(result.bytes_freed)})"
    )


# -- tickets (issue 9) ---------------------------------------------------------------


@cli.group()
def ticket() -> None:
    """IT service tickets (SOP 3) and incidents from the checks (SOP 2 steps 5-7)."""


def _ticket_line(t: Any) -> str:
    due = t.due.strftime("%Y-%m-%d %H:%M") if t.due else "-"
    return (
        f"#{t.id}  {t.workflow}/{t.kind}  {t.status}  step {t.step}  "
        f"{t.priority or '-'}  due {due}  {t.title}"
    )


level_choice = click.Choice(["high", "medium", "low"])
attachment_option = click.option(
    "--attachment", type=click.Path(path_type=Path), help="A file kept with the record."
)


@ticket.command("new")
@click.argument("title")
@click.option(
    "--workflow", "-w", type=click.Choice(["A", "B", "C", "D"]), default="B", show_default=True
)
@click.option("--kind", type=click.Choice(["request", "incident"]), default="request")
@click.option("--requester", default="", help="Who asks (default: the person acting).")
@click.option("--unit", default="", help="The requester's unit or sub-section.")
@click.option("--contact", default="", help="Phone or extension of the requester.")
@click.option("--description", "-d", default="", help="What is needed or what is wrong.")
@click.option("--impact", type=level_choice, help="Required for an incident.")
@click.option("--urgency", type=level_choice, help="Required for an incident.")
@click.option("--note", default="")
@attachment_option
@as_option
@now_option
@pass_state
@_run
def ticket_new(
    state: State,
    title: str,
    workflow: str,
    kind: str,
    requester: str,
    unit: str,
    contact: str,
    description: str,
    impact: str | None,
    urgency: str | None,
    note: str,
    attachment: Path | None,
    as_: str | None,
    now: str | None,
) -> None:
    """Open a ticket (an IT service request by default)."""
    from pipeline.commands.tickets import new

    config = state.config
    t = new(
        config,
        by=_whoami(config, as_),
        workflow=workflow,
        title=title,
        kind=kind,
        requester=requester,
        description=description,
        unit=unit,
        contact=contact,
        impact=impact or "",
        urgency=urgency or "",
        note=note,
        attachment=attachment,
        now=_parse_now(now),
    )
    out.print(_ticket_line(t), markup=False)


@ticket.command("list")
@click.option(
    "--status",
    type=click.Choice(["open", "closed", "rejected", "all"]),
    default="open",
    show_default=True,
)
@click.option("--workflow", "-w", type=click.Choice(["A", "B", "C", "D"]))
@click.option("--kind", type=click.Choice(["request", "incident"]))
@click.option("--assignee", metavar="PERSON")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@pass_state
@_run
def ticket_list(
    state: State,
    status: str,
    workflow: str | None,
    kind: str | None,
    assignee: str | None,
    fmt: str,
) -> None:
    """Tickets, oldest first."""
    from pipeline.commands.tickets import listing
    from pipeline.tickets.report import ticket_dict

    rows = listing(
        state.config,
        status=None if status == "all" else status,
        workflow=workflow,
        kind=kind,
        assignee=assignee,
    )
    if fmt == "json":
        click.echo(json.dumps([ticket_dict(t) for t in rows], indent=2, ensure_ascii=False))
        return
    table = Table("#", "wf", "kind", "status", "step", "prio", "due", "assignee", "title")
    for t in rows:
        table.add_row(
            str(t.id),
            t.workflow,
            t.kind,
            t.status,
            t.step,
            t.priority or "-",
            t.due.strftime("%Y-%m-%d %H:%M") if t.due else "-",
            t.assignee or "-",
            escape(t.title),
        )
    out.print(table)


@ticket.command("show")
@click.argument("ticket_id", type=int, metavar="ID")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@pass_state
@_run
def ticket_show(state: State, ticket_id: int, fmt: str) -> None:
    """One ticket, its steps and its record."""
    from pipeline.commands.tickets import show
    from pipeline.tickets.report import record_dict, record_text

    r = show(state.config, ticket_id)
    if fmt == "json":
        data = record_dict(r.ticket, r.events, r.checks)
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        workflow = state.config.tickets.workflow_set()[r.ticket.workflow]
        click.echo(record_text(r.ticket, r.events, r.checks, workflow))


@ticket.command("advance")
@click.argument("ticket_id", type=int, metavar="ID")
@click.option("--step", help="The step being done (refused unless it is the current one).")
@click.option("--note", default="", help="What was done (B7: the alternatives considered).")
@click.option("--impact", type=level_choice, help="At the priority step (B6).")
@click.option("--urgency", type=level_choice, help="At the priority step (B6).")
@click.option(
    "--check",
    "checks",
    multiple=True,
    metavar="ITEM=pass|fail[:NOTE]",
    help="A checklist answer (UAT and approval steps); repeat per item.",
)
@attachment_option
@as_option
@now_option
@pass_state
@_run
def ticket_advance(
    state: State,
    ticket_id: int,
    step: str | None,
    note: str,
    impact: str | None,
    urgency: str | None,
    checks: tuple[str, ...],
    attachment: Path | None,
    as_: str | None,
    now: str | None,
) -> None:
    """Record the current step as done; the last step closes the ticket."""
    from pipeline.commands.tickets import advance

    config = state.config
    t = advance(
        config,
        ticket_id,
        by=_whoami(config, as_),
        step=step,
        note=note,
        attachment=attachment,
        impact=impact or "",
        urgency=urgency or "",
        checks=list(checks),
        now=_parse_now(now),
    )
    out.print(_ticket_line(t), markup=False)


@ticket.command("reject")
@click.argument("ticket_id", type=int, metavar="ID")
@click.option("--note", required=True, help="Why the answer is no.")
@click.option("--step", help="The decision step (refused unless it is the current one).")
@attachment_option
@as_option
@now_option
@pass_state
@_run
def ticket_reject(
    state: State,
    ticket_id: int,
    note: str,
    step: str | None,
    attachment: Path | None,
    as_: str | None,
    now: str | None,
) -> None:
    """Answer "no" at a decision step (disposition B2, approval B8, A3, D5)."""
    from pipeline.commands.tickets import reject

    config = state.config
    t = reject(
        config,
        ticket_id,
        by=_whoami(config, as_),
        note=note,
        step=step,
        attachment=attachment,
        now=_parse_now(now),
    )
    out.print(_ticket_line(t), markup=False)


@ticket.command("comment")
@click.argument("ticket_id", type=int, metavar="ID")
@click.option("--note", default="")
@attachment_option
@as_option
@now_option
@pass_state
@_run
def ticket_comment(
    state: State,
    ticket_id: int,
    note: str,
    attachment: Path | None,
    as_: str | None,
    now: str | None,
) -> None:
    """Add a note or an attachment to an open ticket."""
    from pipeline.commands.tickets import comment

    config = state.config
    comment(
        config,
        ticket_id,
        by=_whoami(config, as_),
        note=note,
        attachment=attachment,
        now=_parse_now(now),
    )
    out.print(f"#{ticket_id}: comment recorded")


@ticket.command("assign")
@click.argument("ticket_id", type=int, metavar="ID")
@click.argument("assignee", metavar="PERSON")
@click.option("--note", default="")
@as_option
@now_option
@pass_state
@_run
def ticket_assign(
    state: State, ticket_id: int, assignee: str, note: str, as_: str | None, now: str | None
) -> None:
    """Give the current step to someone holding its role."""
    from pipeline.commands.tickets import assign

    config = state.config
    t = assign(
        config,
        ticket_id,
        by=_whoami(config, as_),
        assignee=assignee,
        note=note,
        now=_parse_now(now),
    )
    out.print(f"#{t.id}: step {t.step} assigned to {t.assignee}")


@ticket.command("recur")
@click.option("--month", metavar="YYYY-MM", help="Default: the current month.")
@now_option
@pass_state
@_run
def ticket_recur(state: State, month: str | None, now: str | None) -> None:
    """Open the month's maintenance (C) and security (D) tickets, once per month."""
    from pipeline.commands.tickets import recur

    opened = recur(state.config, month=month, now=_parse_now(now))
    for t in opened:
        out.print(_ticket_line(t), markup=False)
    if not opened:
        out.print("nothing to open: this month's tickets exist")


@ticket.command("sync")
@now_option
@pass_state
@_run
def ticket_sync(state: State, now: str | None) -> None:
    """Open and close incident tickets from the health checks, certificates, domains,
    backups and visitor findings."""
    from pipeline.commands.tickets import sync

    result = sync(state.config, now=_parse_now(now))
    _print_ticket_changes(result)
    out.print(
        f"{len(result.opened)} opened, {len(result.closed)} closed, "
        f"{len(result.still_open)} still open"
    )


def _print_ticket_changes(result: SyncResult, *, prefix: str = "") -> None:
    """The incident tickets a sync opened and closed, one line each."""
    for t in result.opened:
        out.print(f"{prefix}opened {_ticket_line(t)}  [{t.source}]", markup=False)
    for t in result.closed:
        out.print(f"{prefix}closed #{t.id}  [{t.source}]: condition cleared", markup=False)


@ticket.command("report")
@click.argument("kind", type=click.Choice(["recap", "compliance", "open", "form"]))
@click.option("--month", metavar="YYYY-MM", help="recap, compliance: default the current month.")
@click.option("--ticket", "ticket_id", type=int, metavar="ID", help="form: the request.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "html", "csv", "pdf"]),
    default="markdown",
    show_default=True,
)
@click.option("--lang", type=click.Choice(["id", "en"]), help="Default: site.language.")
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Default: stdout.")
@now_option
@pass_state
@_run
def ticket_report(
    state: State,
    kind: str,
    month: str | None,
    ticket_id: int | None,
    fmt: str,
    lang: str | None,
    output: Path | None,
    now: str | None,
) -> None:
    """The monthly recap (C9), step compliance, open requests by priority, or the
    printable IT service request form (blank without --ticket)."""
    from pipeline.commands.tickets import report

    if fmt == "pdf" and output is None:
        raise click.UsageError("a PDF needs --output FILE")
    data = report(
        state.config,
        kind,
        fmt=fmt,
        month=month,
        ticket_id=ticket_id,
        language=lang,
        now=_parse_now(now),
    )
    if output is not None:
        from pipeline.fsutil import atomic_write_bytes

        atomic_write_bytes(output, data)
        out.print(f"wrote {output}")
    else:
        click.echo(data.decode("utf-8"), nl=False)


# -- situation report (issue 10) -----------------------------------------------------


@cli.group()
def report() -> None:
    """The situation report to the penanggung jawab (SOP 2 step 5)."""


def _smtp_password(config: Config) -> str:
    email = config.health.alerts.email
    return os.environ.get(email.password_env, "") if email else ""


def _write_report(text: str | bytes, output: Path | None, fmt: str) -> None:
    from pipeline.fsutil import atomic_write_bytes

    if output is not None:
        atomic_write_bytes(output, text.encode("utf-8") if isinstance(text, str) else text)
        err.print(f"wrote {output}", markup=False)
    elif isinstance(text, bytes):
        raise click.UsageError(f"--format {fmt} needs --output FILE")
    else:
        click.echo(text, nl=False)


@report.command("situation")
@click.option(
    "--period",
    type=click.Choice(["week", "month"]),
    required=True,
    help="week: the 7 days ending on --end; month: the calendar month of --end up to it.",
)
@click.option(
    "--end",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Last day covered (default: yesterday, in the court's time zone).",
)
@click.option("--lang", type=click.Choice(["id", "en"]), help="Default: site.language.")
@click.option(
    "--format", "fmt", type=click.Choice(["md", "html", "pdf"]), default="md", show_default=True
)
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write the report here.")
@click.option("--send", is_flag=True, help="E-mail it to the penanggung jawab (report.recipients).")
@now_option
@pass_state
@_run
def report_situation(
    state: State,
    period: str,
    end: datetime | None,
    lang: str | None,
    fmt: str,
    output: Path | None,
    send: bool,
    now: str | None,
) -> None:
    """Write the situation report of a week or a month; a copy is always kept.

    Exits 1 when --send could not deliver it (the copy is kept: warta report send ID).
    """
    from pipeline.commands.report import default_end, situation

    if fmt == "pdf" and output is None:
        raise click.UsageError("--format pdf needs --output FILE")
    config = state.config
    moment = _parse_now(now) or datetime.now(UTC)
    today = default_end(config, moment) + timedelta(days=1)
    if end is not None and end.date() > today:
        raise click.BadParameter(
            f"the last day covered cannot be after today ({today.isoformat()})",
            param_hint="--end",
        )
    made = situation(
        config,
        period=period,
        end=end.date() if end else None,
        language=lang,
        pdf=fmt == "pdf",
        send=send,
        now=moment,
        smtp_password=_smtp_password(config),
    )
    body = {"md": made.markdown, "html": made.html}.get(fmt, made.pdf or b"")
    _write_report(body, output, fmt)
    err.print(f"kept as report #{made.id}", markup=False)
    if made.delivery is not None:
        if not made.delivery.ok:
            err.print(
                f"error: not sent ({made.delivery.error}); send it again with: "
                f"warta report send {made.id}",
                markup=False,
            )
            sys.exit(1)
        err.print(f"sent to {', '.join(made.delivery.recipients)}", markup=False)


@report.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@pass_state
@_run
def report_list(state: State, fmt: str) -> None:
    """The kept reports, newest first."""
    from pipeline.commands.report import listing

    rows = listing(state.config)
    if fmt == "json":
        click.echo(
            json.dumps(
                [
                    {
                        "id": r.id,
                        "kind": r.kind,
                        "period": r.period,
                        "first": r.first.isoformat(),
                        "last": r.last.isoformat(),
                        "language": r.language,
                        "created_at": r.created_at.isoformat(),
                        "pdf": r.pdf is not None,
                        "sent_to": r.sent_to,
                        "sent_at": r.sent_at.isoformat() if r.sent_at else None,
                    }
                    for r in rows
                ],
                indent=2,
            )
        )
        return
    table = Table("id", "period", "from", "to", "lang", "created", "sent to")
    for r in rows:
        table.add_row(
            str(r.id),
            r.period,
            r.first.isoformat(),
            r.last.isoformat(),
            r.language,
            f"{r.created_at:%Y-%m-%d %H:%M}",
            r.sent_to or "—",
        )
    out.print(table)


@report.command("show")
@click.argument("report_id", metavar="ID", type=int)
@click.option(
    "--format", "fmt", type=click.Choice(["md", "html", "pdf"]), default="md", show_default=True
)
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write it here.")
@pass_state
@_run
def report_show(state: State, report_id: int, fmt: str, output: Path | None) -> None:
    """A kept report exactly as it was generated and sent."""
    from pipeline.commands.report import show

    stored = show(state.config, report_id)
    if fmt == "pdf" and stored.pdf is None:
        raise click.UsageError(f"report #{report_id} has no PDF; use --format html or md")
    body = {"md": stored.markdown, "html": stored.html}.get(fmt, stored.pdf or b"")
    _write_report(body, output, fmt)


@report.command("send")
@click.argument("report_id", metavar="ID", type=int)
@now_option
@pass_state
@_run
def report_send(state: State, report_id: int, now: str | None) -> None:
    """E-mail a kept report (again) to the penanggung jawab. Exits 1 when not delivered."""
    from pipeline.commands.report import send

    config = state.config
    delivery = send(config, report_id, smtp_password=_smtp_password(config), now=_parse_now(now))
    if not delivery.ok:
        err.print(f"error: not sent ({delivery.error})", markup=False)
        sys.exit(1)
    err.print(f"sent to {', '.join(delivery.recipients)}", markup=False)


def main() -> None:
    """Entry point of the ``warta`` command."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    cli()
