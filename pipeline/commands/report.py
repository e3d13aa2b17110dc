"""``warta report situation | list | show | send`` (SOP 2 step 5)."""

from __future__ import annotations

import smtplib
import sqlite3
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from pipeline import opsdb
from pipeline.config import Config
from pipeline.content.store import scan
from pipeline.errors import ConfigError, NotFoundError, Problem
from pipeline.health import alerts
from pipeline.health.alerts import mail_channel
from pipeline.health.store import open_history
from pipeline.htmlpdf import html_to_pdf
from pipeline.report import render
from pipeline.report import store as copies
from pipeline.report.gather import gather
from pipeline.report.model import Period, SituationReport, period_ending
from pipeline.report.texts import Catalogue
from pipeline.site.live import now_utc

KIND = "situation"


@dataclass
class Delivery:
    """Where a report was sent, or why it was not."""

    recipients: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


@dataclass
class Generated:
    """A report made, kept (``id``) and possibly sent."""

    id: int
    report: SituationReport
    markdown: str
    html: str
    pdf: bytes | None
    delivery: Delivery | None = None
    annex: str = ""
    """The CSV annex: every item of every section."""


def default_end(config: Config, now: datetime) -> date:
    """Yesterday in the court's time zone: the last whole day."""
    return now.astimezone(ZoneInfo(config.site.timezone)).date() - timedelta(days=1)


def period_of(config: Config, kind: str, end: date | None, now: datetime) -> Period:
    """The period of a report: ``week`` = the seven days ending on ``end``; ``month`` =
    the calendar month of ``end`` up to ``end``. ``end`` defaults to yesterday, so a
    monthly run on the 1st covers the whole previous month."""
    return period_ending(kind, end or default_end(config, now), config.site.timezone)


def situation(
    config: Config,
    *,
    period: str,
    end: date | None = None,
    language: str | None = None,
    pdf: bool = False,
    send: bool = False,
    now: datetime | None = None,
    smtp_password: str = "",
) -> Generated:
    """Gather, render and keep the situation report of one period; with ``pdf`` also
    print it; with ``send`` deliver it to the penanggung jawab by e-mail."""
    now = now or now_utc()
    language = language or config.site.language
    span = period_of(config, period, end, now)
    recipients = _recipients(config) if send else []  # refuse before any work is done
    if send:
        _mail(config, recipients, smtp_password)
    items = scan(config).items
    with open_history(config, write=True) as db:
        report = gather(db, config, items, span, now=now, language=language)
        text = render.markdown(report, language)
        page = render.html(report, language)
        annex = render.annex_csv(report, language)
        if pdf or (send and "pdf" in config.report.attach):
            printed: bytes | None = html_to_pdf(page, chromium=config.report.chromium)
        else:
            printed = None
        with opsdb.transaction(db):
            report_id = copies.add(
                db,
                kind=KIND,
                period=span.kind,
                first=span.first,
                last=span.last,
                language=language,
                created_at=now,
                markdown=text,
                html=page,
                pdf=printed,
                annex=annex,
            )
        made = Generated(report_id, report, text, page, printed, annex=annex)
        if send:
            stored = copies.get(db, report_id)
            assert stored is not None
            made.delivery = _deliver(config, db, stored, recipients, smtp_password, now)
    return made


def listing(config: Config) -> list[copies.StoredReport]:
    """Every kept report, newest first."""
    with open_history(config, write=False) as db:
        return copies.listing(db)


def show(config: Config, report_id: int) -> copies.StoredReport:
    """One kept report, exactly as it was generated (and sent)."""
    with open_history(config, write=False) as db:
        found = copies.get(db, report_id)
    if found is None:
        raise NotFoundError(
            f"no report #{report_id}",
            where=str(report_id),
            hint="see the kept reports with: warta report list",
        )
    return found


def send(
    config: Config, report_id: int, *, smtp_password: str = "", now: datetime | None = None
) -> Delivery:
    """Send a kept report again (printing its PDF first when it has none)."""
    recipients = _recipients(config)
    _mail(config, recipients, smtp_password)
    stored = show(config, report_id)
    with open_history(config, write=True) as db:
        return _deliver(config, db, stored, recipients, smtp_password, now or now_utc())


def _recipients(config: Config) -> list[str]:
    found = list(config.report.recipients) or [
        p.email for p in config.people if "penanggung-jawab" in p.roles
    ]
    if not found:
        raise ConfigError(
            "nobody to send the report to",
            [
                Problem(
                    f"{config.source}: report.recipients",
                    "no recipients and no person with the role penanggung-jawab in people",
                    "list the addresses under report.recipients or give someone that role",
                )
            ],
        )
    return found


def _mail(config: Config, recipients: list[str], smtp_password: str) -> alerts.Mail:
    mail = mail_channel(config, smtp_password)
    if mail is None:
        raise ConfigError(
            "e-mail is not configured",
            [
                Problem(
                    f"{config.source}: health.alerts.email",
                    "the report is sent through the SMTP server of the health alerts",
                    "set health.alerts.email (host, port, sender) in warta.yml",
                )
            ],
        )
    return replace(mail, recipients=tuple(recipients))


def _deliver(
    config: Config,
    db: sqlite3.Connection,
    stored: copies.StoredReport,
    recipients: list[str],
    smtp_password: str,
    now: datetime,
) -> Delivery:
    t = Catalogue(stored.language)
    pdf = stored.pdf
    if "pdf" in config.report.attach and pdf is None:
        pdf = html_to_pdf(stored.html, chromium=config.report.chromium)
        with opsdb.transaction(db):
            copies.keep_pdf(db, stored.id, pdf)
    stem = f"{'situation-report' if stored.language == 'en' else 'laporan-situasi'}-"
    stem += f"{stored.first.isoformat()}-{stored.last.isoformat()}"
    attachments = []
    if "pdf" in config.report.attach and pdf is not None:
        attachments.append(alerts.Attachment(f"{stem}.pdf", "application/pdf", pdf))
    if "html" in config.report.attach:
        attachments.append(
            alerts.Attachment(f"{stem}.html", "text/html", stored.html.encode("utf-8"))
        )
    if "csv" in config.report.attach and stored.annex:
        suffix = "annex" if stored.language == "en" else "lampiran"
        attachments.append(
            alerts.Attachment(f"{stem}-{suffix}.csv", "text/csv", stored.annex.encode("utf-8"))
        )
    subject = f"[{config.site.name}] {t('title')} {t.day(stored.first)} – {t.day(stored.last)}"
    mail = _mail(config, recipients, smtp_password)
    try:
        alerts.send_mail(mail, subject, stored.markdown, attachments)
    except (OSError, smtplib.SMTPException) as error:
        return Delivery(recipients, str(error) or type(error).__name__)
    with opsdb.transaction(db):
        copies.mark_sent(db, stored.id, recipients, now)
    return Delivery(recipients)
