"""Visitor-activity commands: access-log analysis."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pipeline.cli.common import (
    State,
    handle_errors,
    now_option,
    parse_now,
    pass_state,
    progress_bar,
)

if TYPE_CHECKING:  # imported lazily at run time, like every use case
    from pipeline.commands.visitors import VisitorReport
    from pipeline.config import Config

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
    help="Write an nginx include file denying the addresses found suspicious "
    "(kept across runs, each until its expiry).",
)
@click.option(
    "--log-format",
    "format_spec",
    metavar="FORMAT",
    help="combined, vhost_combined, common, nginx_timed, json, or a GoAccess log-format "
    "string (default: visitors.log_format in warta.yml).",
)
@click.option(
    "--verify-crawlers",
    is_flag=True,
    help="Allow search engines' crawlers verified by reverse and forward DNS "
    "(also visitors.verify_crawlers).",
)
@now_option
@pass_state
@handle_errors
def visitors_analyze(
    state: State,
    logs: tuple[Path, ...],
    fmt: str,
    output: Path | None,
    incremental: bool,
    deny_list: Path | None,
    format_spec: str | None,
    verify_crawlers: bool,
    now: str | None,
) -> None:
    """Read nginx/Apache access logs (plain or gzip, a rotated set in any order).

    Exits 1 when suspicious activity was found or most of a file could not be read.
    """
    from pipeline.commands.visitors import analyze
    from pipeline.visitors.allow import system_resolver

    config = state.config
    resolver = system_resolver() if verify_crawlers or config.visitors.verify_crawlers else None
    with progress_bar() as bar:
        result = analyze(
            config,
            list(logs),
            incremental=incremental,
            deny_list=deny_list,
            progress=bar,
            format_spec=format_spec,
            resolver=resolver,
            now=parse_now(now),
        )
    data = result.as_dict()
    if fmt == "json":
        text = json.dumps(data, ensure_ascii=False, indent=2)
    else:
        text = _rendered(result, data, fmt, config)
    if output is not None:
        from pipeline.fsutil import atomic_write_text

        atomic_write_text(output, text + "\n")
        click.echo(f"wrote {output}")
    else:
        click.echo(text)
    # Plain lines through click, not rich: a run into a file never imports rich.
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    if result.deny_list is not None:
        click.echo(
            f"deny list {result.deny_list.path}: {len(result.deny_list.entries)} address(es)"
            + (
                f", left out (allow-listed or invalid): {', '.join(result.deny_list.refused)}"
                if result.deny_list.refused
                else ""
            ),
            err=True,
        )
    if result.findings or result.warnings:
        sys.exit(1)


def _rendered(result: VisitorReport, data: dict[str, object], fmt: str, config: Config) -> str:
    """The report as markdown, HTML or text (Jinja2 and Babel are imported only for these)."""
    from pipeline.visitors import report as render

    language = config.site.language
    if fmt == "markdown":
        text = render.markdown(data, language)
    elif fmt == "html":
        text = render.page(
            data, site_name=config.site.name, language=language, tz=config.site.timezone
        )
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
        for reason in result.figures.reasons.most_common():
            where = result.figures.failed_where.get(reason[0], "")
            text += f"\n  failed: {reason[1]} × {reason[0]}" + (
                f" (first: {where})" if where else ""
            )
    return text


COMMANDS = [visitors]
