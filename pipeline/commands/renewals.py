"""``warta renewals add | list | record | remind`` (SOP 2 step 4)."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pipeline.report.texts  # noqa: F401  (the labels of the contract kinds)
from pipeline import opsdb
from pipeline.config import Config
from pipeline.errors import ContentError, NotFoundError, Problem, WorkflowError
from pipeline.fsutil import sha256_file, staging_dir
from pipeline.health import alerts
from pipeline.health import renewals as register
from pipeline.health.alerts import mail_channel
from pipeline.health.store import open_history
from pipeline.i18n import Locale
from pipeline.site.live import now_utc


def _today(config: Config, now: datetime) -> date:
    return now.astimezone(ZoneInfo(config.site.timezone)).date()


def invoices_folder(config: Config) -> Path:
    if config.renewals.invoices:
        return (config.root / config.renewals.invoices).resolve()
    return config.path("state") / "invoices"


def add(
    config: Config,
    *,
    renewal_id: str,
    kind: str,
    provider: str,
    period: str,
    cost: int,
    due: date,
    description: str = "",
    now: datetime | None = None,
) -> register.Renewal:
    """Add a contract to the register."""
    try:
        months = register.parse_period(period)
    except ValueError as error:
        raise ContentError("invalid period", [Problem("--period", str(error))]) from None
    renewal = register.Renewal(renewal_id, kind, provider, description, months, cost, due, None)
    with open_history(config, write=True) as db:
        if register.get(db, renewal_id) is not None:
            raise WorkflowError(
                f"renewal '{renewal_id}' already exists",
                where=renewal_id,
                hint="record a payment with: warta renewals record ID --invoice F",
            )
        with opsdb.transaction(db):
            register.add(db, renewal, now or now_utc())
    return renewal


def listing(config: Config, *, now: datetime | None = None) -> list[tuple[register.Renewal, int]]:
    """Every contract with its days left (negative when overdue), soonest first."""
    today = _today(config, now or now_utc())
    with open_history(config, write=False) as db:
        return [(r, r.days_left(today)) for r in register.all_renewals(db)]


def record(
    config: Config,
    renewal_id: str,
    *,
    invoice: Path,
    paid_on: date | None = None,
    amount: int | None = None,
    by: str = "",
    now: datetime | None = None,
) -> register.Payment:
    """Store the invoice (write-once, by content) and move the due date by one period."""
    now = now or now_utc()
    if not invoice.is_file():
        raise NotFoundError(
            "invoice not found",
            where=str(invoice),
            hint="pass the provider's invoice file (PDF or scan)",
        )
    if invoice.stat().st_size == 0:
        raise ContentError(
            "empty invoice",
            [Problem(str(invoice), "the file is empty", "pass the real invoice file")],
        )
    with open_history(config, write=True) as db:
        renewal = register.get(db, renewal_id)
        if renewal is None:
            raise NotFoundError(
                f"no renewal '{renewal_id}'",
                where=renewal_id,
                hint="see warta renewals list, or add it first",
            )
        digest = sha256_file(invoice)
        stored = invoices_folder(config) / f"{digest}{invoice.suffix.lower()}"
        if not stored.exists():
            with staging_dir(stored, "invoice") as staging:
                shutil.copy2(invoice, staging / stored.name)
                (staging / stored.name).rename(stored)
        payment = register.Payment(
            renewal_id,
            paid_on or _today(config, now),
            renewal.cost if amount is None else amount,
            digest,
            invoice.name,
            renewal.due,
            register.add_months(renewal.due, renewal.period_months),
        )
        with opsdb.transaction(db):
            register.record_payment(db, payment, now, by)
    return payment


@dataclass
class Reminders:
    due: list[tuple[register.Renewal, int]] = field(default_factory=list)
    """(renewal, threshold) reminded now; threshold 0 = overdue."""
    deliveries: list[alerts.Delivery] = field(default_factory=list)
    overdue: list[register.Renewal] = field(default_factory=list)


TEXTS = {
    "id": (
        "{id} ({provider}) jatuh tempo {due}: {left}",
        "Perpanjangan {kind} {id} pada {provider} jatuh tempo {due} ({left}). Biaya "
        "Rp{cost}. Setelah dibayar: warta renewals record {id} --invoice FILE",
    ),
    "en": (
        "{id} ({provider}) is due {due}: {left}",
        "The {kind} contract {id} with {provider} is due {due} ({left}). Cost "
        "Rp{cost}. Once paid: warta renewals record {id} --invoice FILE",
    ),
}


def _left(days: int, language: str) -> str:
    if days < 0:
        return f"terlambat {-days} hari" if language == "id" else f"{-days} days overdue"
    return f"{days} hari lagi" if language == "id" else f"in {days} days"


def remind(config: Config, *, now: datetime | None = None, smtp_password: str = "") -> Reminders:
    """Send the reminders that are due (once per threshold) on the alert channels."""
    now = now or now_utc()
    today = _today(config, now)
    language = config.site.language
    subject_t, body_t = TEXTS.get(language, TEXTS["id"])
    mail = mail_channel(config, smtp_password)
    hooks = list(config.health.alerts.webhooks)
    notify, unusable = alerts.apprise_channels(config, os.environ)
    result = Reminders()
    result.deliveries += unusable
    with open_history(config, write=True) as db:
        for renewal in register.all_renewals(db):
            left = renewal.days_left(today)
            if left < 0:
                result.overdue.append(renewal)
            threshold = register.reminder_due(renewal, today, config.renewals.reminders)
            if threshold is None:
                continue
            loc = Locale(language, config.site.timezone)
            values = {
                "id": renewal.id,
                "provider": renewal.provider,
                "kind": loc.t_or(f"report.what_{renewal.kind}", renewal.kind),
                "due": loc.date(renewal.due),
                "left": _left(left, language),
                "cost": loc.number(renewal.cost),
            }  # Rp1.250.000 / Rp1,250,000
            subject = f"[{config.site.name}] " + subject_t.format(**values)
            body = body_t.format(**values)
            data: dict[str, object] = {
                "event": "renewal",
                "renewal": renewal.id,
                "due": renewal.due.isoformat(),
                "days_left": left,
                "title": subject,
                "text": body,
            }
            sent = alerts.broadcast(
                subject, body, data, endpoint=renewal.id, mail=mail, webhooks=hooks, notify=notify
            )
            result.deliveries += sent
            result.due.append((renewal, threshold))
            if sent and any(d.ok for d in sent):
                with opsdb.transaction(db):
                    register.mark_reminded(db, renewal.id, threshold)
    return result
