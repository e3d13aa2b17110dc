"""Situation report commands."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
from rich.table import Table

from pipeline.cli.common import (
    State,
    err,
    handle_errors,
    now_option,
    out,
    parse_now,
    pass_state,
    smtp_password,
)

# -- situation report -----------------------------------------------------


@click.group()
def report() -> None:
    """The situation report to the penanggung jawab (SOP 2 step 5)."""


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
    "--format",
    "fmt",
    type=click.Choice(["md", "html", "pdf", "csv"]),
    default="md",
    show_default=True,
    help="csv: the annex with every item of every section.",
)
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write the report here.")
@click.option("--send", is_flag=True, help="E-mail it to the penanggung jawab (report.recipients).")
@now_option
@pass_state
@handle_errors
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
    moment = parse_now(now) or datetime.now(UTC)
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
        smtp_password=smtp_password(config),
    )
    body = {"md": made.markdown, "html": made.html, "csv": made.annex}.get(fmt, made.pdf or b"")
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
@handle_errors
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
    "--format",
    "fmt",
    type=click.Choice(["md", "html", "pdf", "csv"]),
    default="md",
    show_default=True,
    help="csv: the annex with every item of every section.",
)
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write it here.")
@pass_state
@handle_errors
def report_show(state: State, report_id: int, fmt: str, output: Path | None) -> None:
    """A kept report exactly as it was generated and sent."""
    from pipeline.commands.report import show

    stored = show(state.config, report_id)
    if fmt == "pdf" and stored.pdf is None:
        raise click.UsageError(f"report #{report_id} has no PDF; use --format html or md")
    body = {"md": stored.markdown, "html": stored.html, "csv": stored.annex}.get(
        fmt, stored.pdf or b""
    )
    _write_report(body, output, fmt)


@report.command("send")
@click.argument("report_id", metavar="ID", type=int)
@now_option
@pass_state
@handle_errors
def report_send(state: State, report_id: int, now: str | None) -> None:
    """E-mail a kept report (again) to the penanggung jawab. Exits 1 when not delivered."""
    from pipeline.commands.report import send

    config = state.config
    delivery = send(config, report_id, smtp_password=smtp_password(config), now=parse_now(now))
    if not delivery.ok:
        err.print(f"error: not sent ({delivery.error})", markup=False)
        sys.exit(1)
    err.print(f"sent to {', '.join(delivery.recipients)}", markup=False)


COMMANDS = [report]
