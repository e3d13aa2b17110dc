"""Visitor-activity commands: access-log analysis."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from pipeline.cli.common import (
    State,
    err,
    handle_errors,
    out,
    pass_state,
    progress_bar,
)

# -- visitors --------------------------------------------------------------


@click.group()
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
@handle_errors
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


COMMANDS = [visitors]
