"""``warta health check`` and ``warta health freshness``."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import httpx

from pipeline import opsdb
from pipeline.config import Config, Endpoint
from pipeline.content.model import Status
from pipeline.content.store import scan
from pipeline.errors import NotFoundError
from pipeline.fsutil import atomic_write_json
from pipeline.health import alerts, history
from pipeline.health import domains as domains_module
from pipeline.health.alerts import mail_channel
from pipeline.health.conditions import parse_condition
from pipeline.health.domains import endpoint_domain
from pipeline.health.freshness import Dated, Freshness, judge
from pipeline.health.policy import EndpointState, Transition, Window, advance, in_maintenance
from pipeline.health.probe import CheckResult, Target, check_all
from pipeline.health.status_page import write_status_page

# Moved down into the domain layer (so use cases and the mkdocs plugin share them without
# importing this use case); re-exported for callers written before the move.
from pipeline.health.store import database_path as database_path
from pipeline.health.store import open_history, shared_history
from pipeline.progress import NoProgress, Progress
from pipeline.site import api as site_api
from pipeline.site.live import now_utc
from pipeline.tickets.incidents import SyncResult


@dataclass
class HealthReport:
    """One run of the checks."""

    results: list[CheckResult] = field(default_factory=list)
    states: dict[str, EndpointState] = field(default_factory=dict)
    transitions: list[Transition] = field(default_factory=list)
    maintenance: bool = False
    deliveries: list[alerts.Delivery] = field(default_factory=list)
    domains: dict[str, domains_module.DomainExpiry] = field(default_factory=dict)
    """Endpoint name → the domain expiry its [DOMAIN_EXPIRATION] read."""
    tickets: SyncResult | None = None
    """Incident tickets opened and closed after the run (SOP 3, docs/tickets.md)."""

    @property
    def ok(self) -> bool:
        return all(r.success for r in self.results)


def rdap_bootstrap_path(config: Config) -> Path:
    """Where ``warta health rdap-refresh`` keeps IANA's bootstrap file."""
    if config.health.rdap_bootstrap:
        return (config.root / config.health.rdap_bootstrap).resolve()
    return config.path("state") / "rdap-dns.json"


def resolve_domains(
    config: Config, db: sqlite3.Connection, domains: set[str], moment: datetime
) -> dict[str, domains_module.DomainExpiry]:
    """Expiry of each domain: from the cache when fresh, else RDAP, then WHOIS."""
    settings = config.health
    bootstrap = domains_module.load_bootstrap(rdap_bootstrap_path(config))
    servers = {**domains_module.WHOIS_SERVERS, **settings.whois_servers}
    found = {}
    for domain in sorted(domains):
        cached = history.cached_domain(db, domain, fresher_than=moment - settings.domain_cache)
        if cached is None:
            cached = domains_module.lookup(domain, bootstrap=bootstrap, whois_servers=servers)
            with opsdb.transaction(db):
                history.save_domain(db, cached, moment)
        found[domain] = cached
    return found


def target(config: Config, endpoint: Endpoint, domain_expires: datetime | None = None) -> Target:
    """The probe target of a configured endpoint."""
    return Target(
        domain_expires=domain_expires,
        name=endpoint.name,
        url=endpoint.url,
        conditions=tuple(parse_condition(c) for c in endpoint.conditions),
        method=endpoint.method,
        timeout=endpoint.timeout.total_seconds(),
        retries=endpoint.retries,
        retry_delay=endpoint.retry_delay.total_seconds(),
        ca_bundle=str((config.root / endpoint.ca_bundle).resolve()) if endpoint.ca_bundle else "",
    )


def run_checks(
    config: Config,
    *,
    now: datetime | None = None,
    progress: Progress | None = None,
    smtp_password: str = "",
) -> HealthReport:
    """Check every endpoint, record the results, move the states, open/close incidents,
    and announce the state changes on the configured alert channels."""
    progress = progress or NoProgress()
    settings = config.health
    if not settings.endpoints:
        raise NotFoundError(
            "no endpoints to check",
            where=f"{config.source}: health.endpoints",
            hint="list the site's pages and services under health.endpoints",
        )
    moment = now or now_utc()
    with shared_history(config, write=True) as database:
        db = opsdb.connect(database)
        try:
            return _run(
                config,
                db,
                moment,
                fixed_now=now is not None,
                progress=progress,
                smtp_password=smtp_password,
            )
        finally:
            db.close()


def _run(
    config: Config,
    db: sqlite3.Connection,
    moment: datetime,
    *,
    fixed_now: bool,
    progress: Progress,
    smtp_password: str,
) -> HealthReport:
    settings = config.health
    wanted = {
        e.name: endpoint_domain(e)
        for e in settings.endpoints
        if any("[DOMAIN_EXPIRATION]" in c for c in e.conditions)
    }
    expiry = resolve_domains(config, db, set(wanted.values()), moment)
    targets = [
        target(config, e, expiry[wanted[e.name]].expires if e.name in wanted else None)
        for e in settings.endpoints
    ]
    progress.start("check", len(targets))
    results = asyncio.run(
        check_all(
            targets,
            concurrency=settings.concurrency,
            now=(lambda: moment) if fixed_now else now_utc,
            on_result=lambda _result: progress.advance(),
        )
    )
    windows = [
        Window(time.fromisoformat(w.start), w.duration, tuple(w.days)) for w in settings.maintenance
    ]
    report = HealthReport(
        results=results,
        maintenance=in_maintenance(windows, moment, config.site.timezone),
        domains={name: expiry[domain] for name, domain in wanted.items()},
    )
    by_name = {e.name: e for e in settings.endpoints}
    with opsdb.transaction(db):
        for result in results:
            endpoint = by_name[result.name]
            history.record_result(db, result)
            state, change = advance(
                history.load_state(db, result.name),
                success=result.success,
                at=result.at,
                cause=_cause(result),
                failure_threshold=endpoint.failure_threshold,
                success_threshold=endpoint.success_threshold,
                in_maintenance=report.maintenance,
            )
            history.save_state(db, state)
            report.states[result.name] = state
            if change is not None:
                history.apply_transition(db, change)
                report.transitions.append(change)
    report.deliveries = announce(config, report.transitions, smtp_password=smtp_password)
    # IT service tickets follow the incidents, certificates and domains just recorded
    # (docs/tickets.md); imported here because the ticket use cases import this module.
    from pipeline.commands.tickets import sync_db

    report.tickets = sync_db(config, db, moment)
    if config.health.status_page and config.path("site").is_dir():
        db.close()  # the status page reads the committed history on its own connection
        write_status_page(config, now=moment, shared=False)
    return report


def announce(
    config: Config, transitions: list[Transition], *, smtp_password: str = ""
) -> list[alerts.Delivery]:
    """Send the alerts of these transitions (after they were recorded)."""
    settings = config.health.alerts
    if not transitions or (
        settings.email is None and not settings.webhooks and not settings.apprise
    ):
        return []
    mail = mail_channel(config, smtp_password)
    notify, unusable = alerts.apprise_channels(config, os.environ)
    return unusable + alerts.deliver(
        transitions,
        urls={e.name: e.url for e in config.health.endpoints},
        site=config.site.name,
        language=config.site.language,
        tz=config.site.timezone,
        mail=mail,
        webhooks=list(settings.webhooks),
        notify=notify,
    )


def _cause(result: CheckResult) -> str:
    if result.success:
        return "checks pass again"
    return result.error or "failed: " + "; ".join(result.failed)


def content_items(config: Config) -> list[Dated]:
    """Every live item of ``content/`` with its dates."""
    return [
        Dated(i.front.category, i.slug, i.front.date, i.front.published_at)
        for i in scan(config, drafts=False).items
        if i.front.status is Status.PUBLISHED
    ]


def _get_json(url: str, timeout: float, *, what: str, hint: str) -> Any:
    """GET a JSON document; any failure is a NotFoundError saying ``what`` and ``hint``."""
    try:
        response = httpx.get(url, timeout=timeout, follow_redirects=True)
        response.raise_for_status()
        return response.json()
    except (httpx.HTTPError, ValueError) as error:
        raise NotFoundError(f"{what}: {error}", where=url, hint=hint) from None


def live_items(base_url: str, *, timeout: float = 10.0) -> list[Dated]:
    """Every item listed by the live site's content API (``api/index.json`` and its months)."""
    base = base_url.rstrip("/") + "/"

    def load(rel: str) -> Any:
        return _get_json(
            base + rel,
            timeout,
            what="the live content API cannot be read",
            hint="check that the site is deployed, or use --no-live",
        )

    try:
        _index, items = site_api.read_items(load)
    except (ValueError, KeyError, TypeError) as error:
        raise NotFoundError(
            f"the live content API is not in a format warta knows: {error}",
            where=base + "api/index.json",
            hint="deploy the site again with this version of warta, or use --no-live",
        ) from None
    return [
        Dated(
            i["category"],
            i["slug"],
            date.fromisoformat(i["date"]),
            datetime.fromisoformat(i["published_at"]) if i.get("published_at") else None,
        )
        for i in items
    ]


def run_freshness(
    config: Config, *, live: bool = True, now: datetime | None = None
) -> dict[str, list[Freshness]]:
    """Freshness per category from ``content/`` and, with ``live``, from the live site."""
    moment = now or now_utc()
    verdicts = {
        "content": judge(
            config.categories,
            content_items(config),
            now=moment,
            tz=config.site.timezone,
            language=config.site.language,
        )
    }
    if live:
        base = config.health.live_url or config.site.url
        verdicts["live"] = judge(
            config.categories,
            live_items(base),
            now=moment,
            tz=config.site.timezone,
            language=config.site.language,
        )
    return verdicts


def list_incidents(config: Config, *, open_only: bool = False) -> list[history.Incident]:
    """Incidents, newest first."""
    with open_history(config, write=False) as db:
        return history.incidents(db, open_only=open_only)


def refresh_rdap_bootstrap(config: Config, url: str, *, timeout: float = 30.0) -> int:
    """Download the RDAP bootstrap (IANA's dns.json) into the state folder; return the
    number of services it lists."""
    data = _get_json(
        url,
        timeout,
        what="cannot download the RDAP bootstrap",
        hint="check the address and the connection; the old file stays",
    )
    services = data.get("services") if isinstance(data, dict) else None
    if not isinstance(services, list) or not services:
        raise NotFoundError(
            "the downloaded file is not an RDAP bootstrap (no services)",
            where=url,
            hint="use IANA's https://data.iana.org/rdap/dns.json",
        )
    atomic_write_json(rdap_bootstrap_path(config), data)
    return len(services)
