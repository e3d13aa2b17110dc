"""Drafting commands: new, review, status, watch, collect and convert."""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from pipeline.cli.common import (
    State,
    as_option,
    err,
    handle_errors,
    minutes,
    now_option,
    out,
    parse_now,
    pass_state,
    progress_bar,
    whoami,
)
from pipeline.content.model import Attention

# -- the editorial workflow ------------------------------------------------------


@click.command()
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
@handle_errors
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
        author=whoami(config, as_),
        slug=slug,
        attention=Attention(attention),
        sources=sources,
    )
    out.print(f"created {path.relative_to(config.root)}")


@click.command("review")
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
@handle_errors
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


# -- status and watch -------------------------------------------------------------


@click.command()
@click.option("--all", "include_done", is_flag=True, help="Also list items that are done.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--check", is_flag=True, help="Exit 1 when an item is late.")
@now_option
@pass_state
@handle_errors
def status(state: State, include_done: bool, fmt: str, check: bool, now: str | None) -> None:
    """Where each item stands against the SOP's target times."""
    from pipeline.commands.status import run_status

    rows, found = run_status(state.config, now=parse_now(now), include_done=include_done)
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
                minutes(r.age),
                minutes(r.target),
                "[red]LATE[/]" if r.late else "",
            )
        out.print(table)
        late = sum(r.late for r in rows)
        out.print(f"{len(rows)} item(s), {late} late")
    for problem in found.problems:
        err.print(f"unreadable: {problem}", markup=False)
    if check and any(r.late for r in rows):
        sys.exit(1)


@click.command()
@click.option(
    "--address",
    "-a",
    default="127.0.0.1:8000",
    show_default=True,
    help="Where the live preview listens.",
)
@click.option("--no-preview", is_flag=True, help="Only re-run reviews; no preview server.")
@pass_state
@handle_errors
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


# -- collect and convert -------------------------------------------------


@click.command("collect")
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
@handle_errors
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
        by=whoami(config, as_),
        now=parse_now(now),
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


@click.command("convert")
@click.argument("slug")
@click.option("--check", "check_only", is_flag=True, help="Validate only; write nothing.")
@click.option("--force", is_flag=True, help="Convert again even when the outputs are current.")
@as_option
@now_option
@pass_state
@handle_errors
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
            config, slug, by=whoami(config, as_), now=parse_now(now), force=force, progress=bar
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


COMMANDS = [new, review_cmd, status, watch, collect_cmd, convert_cmd]
