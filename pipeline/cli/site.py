"""Site commands: publish, archive and deploy."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.table import Table

from pipeline.cli.common import (
    State,
    as_option,
    base_option,
    err,
    handle_errors,
    now_option,
    out,
    parse_now,
    pass_state,
    progress_bar,
    trust_file_option,
)
from pipeline.site.starter import TIMEZONES


@click.command()
@click.option("--no-build", is_flag=True, help="Promote drafts only; do not build the site.")
@click.option(
    "--full",
    is_flag=True,
    help="Build every page again, without the cache between builds (docs/scale.md).",
)
@as_option
@now_option
@base_option
@trust_file_option
@pass_state
@handle_errors
def publish(
    state: State,
    no_build: bool,
    full: bool,
    as_: str | None,
    now: str | None,
    base: str | None,
    trust_file: Path | None,
) -> None:
    """Promote approved drafts to content/ and build site/ (mkdocs --strict).

    With signing.enabled, nothing happens unless warta verify passes for HEAD from the
    pinned base (--base, --trust-file) with a clean work tree; --as must be a web-admin.
    """
    from pipeline.commands.publish import publish as do_publish

    config = state.config
    with progress_bar() as bar:
        result = do_publish(
            config,
            by=as_ or "warta",
            now=parse_now(now),
            build=not no_build,
            base=base,
            trust_file=trust_file,
            progress=bar,
            full=full,
            one_shot=True,  # (the command ends with the publish)
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
        if result.build.cache is not None:
            out.print(result.build.cache.summary(), markup=False)
    if result.refused:
        sys.exit(1)


# -- archive ------------------------------------------------------------------------


@click.group(invoke_without_command=True)
@now_option
@click.pass_context
@handle_errors
def archive(ctx: click.Context, now: str | None) -> None:
    """Archive every published version as a BagIt bag (SOP 1 step 7)."""
    if ctx.invoked_subcommand is not None:
        return
    from pipeline.commands.archive import run_archive

    config = ctx.ensure_object(State).config
    with progress_bar() as bar:
        result = run_archive(config, now=parse_now(now), progress=bar)
    for entry in result.created:
        out.print(f"archived {entry.slug} → archive/{entry.path}")
    out.print(f"{len(result.created)} new bag(s), {result.unchanged} version(s) already archived")


@archive.command("verify")
@pass_state
@handle_errors
def archive_verify(state: State) -> None:
    """Validate every bag's manifests and checksums."""
    from pipeline.commands.archive import run_verify

    with progress_bar() as bar:
        bags = run_verify(state.config, progress=bar)
    out.print(f"{len(bags)} bag(s) valid")


@archive.command("push")
@pass_state
@handle_errors
def archive_push_cmd(state: State) -> None:
    """Copy the archive bags to the bucket, write-once (never overwriting a key)."""
    from pipeline.commands.deploy import run_archive_push

    with progress_bar() as bar:
        result = run_archive_push(state.config, progress=bar)
    out.print(f"pushed {len(result.uploaded)} file(s), {result.present} already there")


@archive.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@pass_state
@handle_errors
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


# -- deploy to S3-compatible storage -------------------------------------


@click.command("deploy")
@click.option("--dry-run", is_flag=True, help="Print the plan; change nothing.")
@click.option("--force", is_flag=True, help="Upload every file (e.g. after a cache policy change).")
@pass_state
@handle_errors
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


# -- compliance -----------------------------------------------------------------------


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@click.option(
    "--fail-under",
    type=click.FloatRange(0, 100),
    default=0,
    show_default=True,
    help="Exit with status 1 when the score is below this percentage.",
)
@now_option
@pass_state
@handle_errors
def compliance(state: State, as_json: bool, fail_under: float, now: str | None) -> None:
    """Score the site against the assessment's checklist (SK KMA 2-144/2022, Badilag)."""
    from pipeline.commands.compliance import run_compliance
    from pipeline.site.compliance import BASES

    result = run_compliance(state.config, now=parse_now(now))
    if as_json:
        findings = [
            {
                "id": f.item.id,
                "title": f.item.title,
                "basis": BASES[f.item.basis],
                "where": f.item.where.shown(),
                "status": f.status,
                "present": f.present,
                "fresh": f.fresh,
                "linked": f.linked,
                "file": f.found,
                "newest": f.newest.isoformat() if f.newest else None,
                "todo": f.todo,
            }
            for f in result.findings
        ]
        out.print_json(json.dumps({"score": round(result.percent, 1), "findings": findings}))
    else:
        table = Table("item", "where", "status", "to do")
        for f in result.findings:
            table.add_row(f.item.id, f.item.where.shown(), f.status, f.todo)
        out.print(table)
        done = len(result.findings) - len(result.to_do)
        out.print(
            f"score {result.percent:.1f}% — {done} of {len(result.findings)} items complete"
            + (f"; {len(result.to_do)} to fill" if result.to_do else "")
        )
    if result.percent < fail_under:
        sys.exit(1)


# -- init ---------------------------------------------------------------------------


@click.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--name", prompt="Court name (e.g. Pengadilan Agama Lembah Hijau)", help="The court's name."
)
@click.option(
    "--url", prompt="Public site address (https://...)", help="The public site's address."
)
@click.option(
    "--timezone",
    type=click.Choice(TIMEZONES),
    default="Asia/Makassar",
    show_default=True,
    help="The court's time zone.",
)
@click.option(
    "--person",
    "people",
    multiple=True,
    metavar="ID:NAME:EMAIL:ROLES",
    help="A person and their roles (comma-separated); repeat for each. Prompted when absent.",
)
@click.option("--sipp-url", default="", help="The address of the court's SIPP (a quick link).")
@click.option("--no-git", is_flag=True, help="Do not make the folder a git repository.")
@now_option
@handle_errors
def init_cmd(
    directory: Path,
    name: str,
    url: str,
    timezone: str,
    people: tuple[str, ...],
    sipp_url: str,
    no_git: bool,
    now: str | None,
) -> None:
    """Create a court's own site repository in DIRECTORY, ready to build."""
    from pipeline.commands.init import run_init
    from pipeline.site.starter import NewSite, parse_person

    if not people:
        people = (
            click.prompt(
                "Web admin (id:Name:email:roles, e.g. dimas:Dimas Prasetyo:dimas@pa-x.go.id:"
                "operator,web-admin)"
            ),
        )
    try:
        persons = tuple(parse_person(text) for text in people)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--person") from None
    result = run_init(
        directory,
        NewSite(name=name, url=url, timezone=timezone, people=persons, sipp_url=sipp_url),
        now=parse_now(now),
        git=not no_git,
    )
    out.print(
        f"created {result.root} ({len(result.files)} files" + (", git" if result.git else "") + ")"
    )
    out.print(f"next: cd {result.root} && warta publish && warta compliance")


COMMANDS = [publish, archive, deploy_cmd, compliance, init_cmd]
