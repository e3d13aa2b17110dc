"""Maintenance commands: health checks and the renewals register."""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from rich.markup import escape
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
    print_ticket_changes,
    progress_bar,
)

# -- health ----------------------------------------------------------------


@click.group()
def health() -> None:
    """Availability, TLS and content freshness of the public site (SOP 2)."""


@health.command("check")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@pass_state
@handle_errors
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
            print_ticket_changes(report.tickets, prefix="ticket ")
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
@handle_errors
def health_freshness(state: State, live: bool, fmt: str, now: str | None) -> None:
    """List stale categories (each category's max_age), from content/ and the live site.

    Exits 1 when any category is stale.
    """
    from pipeline.commands.health import run_freshness

    verdicts = run_freshness(state.config, live=live, now=parse_now(now))
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
                    minutes(v.age),
                    minutes(v.max_age),
                    "[red]STALE[/]" if v.stale else "[green]ok[/]",
                )
            out.print(table)
    if any(v.stale for rows in verdicts.values() for v in rows):
        sys.exit(1)


@health.command("status-page")
@pass_state
@handle_errors
def health_status_page(state: State) -> None:
    """Write the public status page into site/status/ from the history."""
    from pipeline.health.status_page import write_status_page

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
@handle_errors
def health_rdap_refresh(state: State, url: str) -> None:
    """Download IANA's RDAP bootstrap file (replaces the subset bundled with warta)."""
    from pipeline.commands.health import rdap_bootstrap_path, refresh_rdap_bootstrap

    count = refresh_rdap_bootstrap(state.config, url)
    out.print(f"{count} RDAP services saved to {rdap_bootstrap_path(state.config)}")


@health.command("incidents")
@click.option("--open", "open_only", is_flag=True, help="Only incidents still open.")
@pass_state
@handle_errors
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


# -- renewals --------------------------------------------------------------


@click.group()
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
@handle_errors
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
@handle_errors
def renewals_list(state: State, fmt: str, now: str | None) -> None:
    """The register, soonest due first."""
    from pipeline.commands.renewals import listing

    rows = listing(state.config, now=parse_now(now))
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
@handle_errors
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
@handle_errors
def renewals_remind(state: State, now: str | None) -> None:
    """Send the reminders due (60/30/14/7 days before, and when overdue).

    Exits 1 when a contract is overdue.
    """
    from pipeline.commands.renewals import remind

    config = state.config
    email = config.health.alerts.email
    password = os.environ.get(email.password_env, "") if email else ""
    result = remind(config, now=parse_now(now), smtp_password=password)
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


COMMANDS = [health, renewals]
