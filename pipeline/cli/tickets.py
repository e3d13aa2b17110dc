"""IT service ticket commands (SOP 3)."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from pipeline.cli.common import (
    State,
    as_option,
    handle_errors,
    now_option,
    out,
    parse_now,
    pass_state,
    print_moved,
    print_ticket_changes,
    smtp_password,
    ticket_line,
    whoami,
)

# -- tickets ---------------------------------------------------------------


@click.group()
def ticket() -> None:
    """IT service tickets (SOP 3) and incidents from the checks (SOP 2 steps 5-7)."""


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
@handle_errors
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
    moved = new(
        config,
        by=whoami(config, as_),
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
        smtp_password=smtp_password(config),
        now=parse_now(now),
    )
    print_moved(moved)


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
@handle_errors
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
@handle_errors
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
@handle_errors
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
    moved = advance(
        config,
        ticket_id,
        by=whoami(config, as_),
        step=step,
        note=note,
        attachment=attachment,
        impact=impact or "",
        urgency=urgency or "",
        checks=list(checks),
        smtp_password=smtp_password(config),
        now=parse_now(now),
    )
    print_moved(moved)


@ticket.command("reject")
@click.argument("ticket_id", type=int, metavar="ID")
@click.option("--note", required=True, help="Why the answer is no.")
@click.option("--step", help="The decision step (refused unless it is the current one).")
@attachment_option
@as_option
@now_option
@pass_state
@handle_errors
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
    moved = reject(
        config,
        ticket_id,
        by=whoami(config, as_),
        note=note,
        step=step,
        attachment=attachment,
        smtp_password=smtp_password(config),
        now=parse_now(now),
    )
    print_moved(moved)


@ticket.command("comment")
@click.argument("ticket_id", type=int, metavar="ID")
@click.option("--note", default="")
@attachment_option
@as_option
@now_option
@pass_state
@handle_errors
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
        by=whoami(config, as_),
        note=note,
        attachment=attachment,
        now=parse_now(now),
    )
    out.print(f"#{ticket_id}: comment recorded")


@ticket.command("assign")
@click.argument("ticket_id", type=int, metavar="ID")
@click.argument("assignee", metavar="PERSON")
@click.option("--note", default="")
@as_option
@now_option
@pass_state
@handle_errors
def ticket_assign(
    state: State, ticket_id: int, assignee: str, note: str, as_: str | None, now: str | None
) -> None:
    """Give the current step to someone holding its role."""
    from pipeline.commands.tickets import assign

    config = state.config
    t = assign(
        config,
        ticket_id,
        by=whoami(config, as_),
        assignee=assignee,
        note=note,
        now=parse_now(now),
    )
    out.print(f"#{t.id}: step {t.step} assigned to {t.assignee}")


@ticket.command("recur")
@click.option("--month", metavar="YYYY-MM", help="Default: the current month.")
@now_option
@pass_state
@handle_errors
def ticket_recur(state: State, month: str | None, now: str | None) -> None:
    """Open the month's maintenance (C) and security (D) tickets, once per month."""
    from pipeline.commands.tickets import recur

    opened = recur(state.config, month=month, now=parse_now(now))
    for t in opened:
        out.print(ticket_line(t), markup=False)
    if not opened:
        out.print("nothing to open: this month's tickets exist")


@ticket.command("sync")
@now_option
@pass_state
@handle_errors
def ticket_sync(state: State, now: str | None) -> None:
    """Open and close incident tickets from the health checks, certificates, domains,
    backups and visitor findings."""
    from pipeline.commands.tickets import sync

    result = sync(state.config, now=parse_now(now))
    print_ticket_changes(result)
    out.print(
        f"{len(result.opened)} opened, {len(result.closed)} closed, "
        f"{len(result.still_open)} still open"
    )


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
@handle_errors
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
        now=parse_now(now),
    )
    if output is not None:
        from pipeline.fsutil import atomic_write_bytes

        atomic_write_bytes(output, data)
        out.print(f"wrote {output}")
    else:
        click.echo(data.decode("utf-8"), nl=False)


COMMANDS = [ticket]
