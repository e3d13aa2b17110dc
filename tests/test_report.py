"""The situation report (SOP 2 step 5): data gathered from fixed fixture data, golden
Markdown and HTML, the HTML rendered by headless Chromium without console errors, the
PDF, the copy kept in the operational database and the e-mail to the penanggung jawab.

Regenerate the golden files after an intended change with
``UPDATE_GOLDEN=1 pytest tests/test_report.py``, then review the diff.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sqlite3
import subprocess
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pikepdf
import pytest
import yaml
from click.testing import CliRunner, Result

from pipeline import opsdb
from pipeline.cli import cli
from pipeline.config import ReportSettings
from pipeline.health.store import database_path
from pipeline.htmlpdf import find_chromium
from pipeline.report import charts, render
from pipeline.report.gather import gather
from pipeline.report.model import period_ending
from pipeline.report.texts import TEXTS
from tests.conftest import Project
from tests.english import english_words
from tests.servers import MailSink

GOLDEN = Path(__file__).parent / "golden" / "report"
DOCS = Path(__file__).parent.parent / "docs"
NOW = "2026-11-23T08:00:00+08:00"  # a Monday: the weekly report covers 16–22 November
WITA = "+08:00"


def run(project: Project, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--config", str(project.root / "warta.yml"), *args])


def configure(project: Project, **extra: object) -> None:
    config = yaml.safe_load((project.root / "warta.yml").read_text())
    config["health"] = {
        "endpoints": [
            {"name": "beranda", "url": "https://pa-uji.example/"},
            {"name": "api", "url": "https://pa-uji.example/api/index.json"},
        ],
    }
    config.update(extra)
    (project.root / "warta.yml").write_text(yaml.safe_dump(config, allow_unicode=True))


def _utc(text: str) -> str:
    """Store times the way warta writes them: ISO in UTC."""
    return datetime.fromisoformat(text).astimezone(UTC).isoformat()


def _insert(db: sqlite3.Connection, table: str, row: dict[str, object]) -> int:
    if table == "tickets":
        columns = {r[1] for r in db.execute("PRAGMA table_info(tickets)")}
        if "starts_at" in columns:  # a column the ticket module adds (NOT NULL)
            row = {**row, "starts_at": row["opened_at"]}
    names = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    cursor = db.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", tuple(row.values()))
    return int(cursor.lastrowid or 0)


def fill(db: sqlite3.Connection) -> None:
    """One week of every module's records, 16–22 November 2026 (WITA), plus some before."""
    with opsdb.transaction(db):
        for day in range(15, 23):  # the 15th is before the period and must not count
            for hour in (2, 8, 14, 20):
                at = f"2026-11-{day:02d}T{hour:02d}:00:00{WITA}"
                down = day == 19 and hour in (8, 14)
                for name, base in (("beranda", 180.0), ("api", 90.0)):
                    ms = None if down and name == "beranda" else base + day * 3 + hour
                    _insert(
                        db,
                        "health_results",
                        {
                            "endpoint": name,
                            "at": _utc(at),
                            "success": int(not (down and name == "beranda")),
                            "status": 503 if down and name == "beranda" else 200,
                            "response_ms": ms,
                            "certificate_expires": _utc("2026-12-20T00:00:00+00:00"),
                            "error": "",
                        },
                    )
        _insert(
            db,
            "health_incidents",
            {
                "endpoint": "beranda",
                "opened_at": _utc("2026-11-19T08:00:00+08:00"),
                "closed_at": _utc("2026-11-19T20:00:00+08:00"),
                "cause": "[STATUS] (503) == 200",
                "resolution": "checks pass again",
            },
        )
        _insert(
            db,
            "health_incidents",
            {
                "endpoint": "api",
                "opened_at": _utc("2026-11-22T21:00:00+08:00"),
                "cause": "timeout after 10 s",
            },
        )
        _insert(
            db,
            "health_domains",
            {
                "domain": "pa-uji.example",
                "expires": _utc("2027-01-10T00:00:00+00:00"),
                "source": "rdap",
                "checked_at": _utc("2026-11-22T00:00:00+08:00"),
            },
        )
        for rid, kind, provider, due in (
            ("hosting-vps", "hosting", "Awan Nusantara", "2026-12-05"),
            ("internet-kantor", "connection", "Telkom", "2027-06-01"),
        ):
            _insert(
                db,
                "renewals",
                {
                    "id": rid,
                    "kind": kind,
                    "provider": provider,
                    "period_months": 12,
                    "cost": 3_600_000,
                    "due": due,
                    "created_at": _utc("2026-01-01T00:00:00+08:00"),
                },
            )
        clf = "%d/%b/%Y:%H:%M:%S %z"
        # Findings are dated by their requests, not by the analysis that found them.
        for recorded, requests, ip, rule, count in (
            # requested before the period, analysed during it: not counted
            ("2026-11-16T03:00:00+08:00", "2026-11-14T23:50:00+08:00", "198.51.100.1",
             "sensitive-files", 4),
            ("2026-11-18T03:00:00+08:00", "2026-11-18T02:11:09+08:00", "203.0.113.9",
             "sql-injection", 12),
            ("2026-11-18T03:00:00+08:00", "2026-11-18T02:11:09+08:00", "203.0.113.9",
             "sensitive-files", 3),
            # requested on the last day of the period, analysed after it: counted
            ("2026-11-23T03:00:00+08:00", "2026-11-22T21:00:00+08:00", "192.0.2.77",
             "admin-probing", 25),
        ):  # fmt: skip
            start = datetime.fromisoformat(requests)
            _insert(
                db,
                "visitors_findings",
                {
                    "recorded_at": _utc(recorded),
                    "ip": ip,
                    "rule": rule,
                    "first": start.strftime(clf),
                    "last": (start + timedelta(minutes=2, seconds=31)).strftime(clf),
                    "count": count,
                    "samples": json.dumps([f"GET /{rule}?id=1%27 HTTP/1.1"]),
                },
            )
        for day in range(15, 23):
            ok = day != 20
            _insert(
                db,
                "backup_events",
                {
                    "at": _utc(f"2026-11-{day:02d}T03:30:00{WITA}"),
                    "repository": "s3-kantor",
                    "kind": "backup",
                    "snapshot": f"a1b2c3{day}" if ok else None,
                    "ok": int(ok),
                    "files": 2400 if ok else None,
                    "bytes": 1_150_000_000 if ok else None,
                    "detail": "" if ok else "disk full on the backup host (ENOSPC)",
                },
            )
        _insert(
            db,
            "backup_events",
            {
                "at": _utc("2026-11-02T04:00:00+08:00"),
                "repository": "s3-kantor",
                "kind": "drill",
                "snapshot": "a1b2c301",
                "ok": 1,
                "files": 2400,
                "detail": "",
            },
        )
        _insert(
            db,
            "backup_events",
            {
                "at": _utc("2026-11-22T05:00:00+08:00"),
                "repository": "s3-kantor",
                "kind": "verify",
                "snapshot": "a1b2c322",
                "ok": 1,
                "detail": "",
            },
        )
        incident = _insert(
            db,
            "tickets",
            {
                "workflow": "B",
                "kind": "incident",
                "title": "Beranda tidak dapat diakses",
                "status": "open",
                "step": "B9",
                "priority": "P1",
                "opened_at": _utc("2026-11-19T08:05:00+08:00"),
                "source": "health:beranda",
            },
        )
        for at, step, action, note in (
            ("2026-11-19T08:05:00+08:00", "B1", "open", ""),
            (
                "2026-11-19T09:00:00+08:00",
                "B7",
                "advance",
                "Pindah ke server cadangan, atau tambah memori VPS",
            ),
            ("2026-11-19T11:00:00+08:00", "B9", "comment", "Memori VPS ditambah menjadi 4 GB"),
            ("2026-11-24T09:00:00+08:00", "B9", "comment", "after the period: not shown"),
        ):
            _insert(
                db,
                "ticket_events",
                {
                    "ticket_id": incident,
                    "at": _utc(at),
                    "actor": "dimas",
                    "action": action,
                    "step": step,
                    "note": note,
                },
            )
        request = _insert(
            db,
            "tickets",
            {
                "workflow": "B",
                "kind": "request",
                "title": "Akun operator baru",
                "status": "closed",
                "step": "B9",
                "priority": "P4",
                "opened_at": _utc("2026-11-16T10:00:00+08:00"),
                "closed_at": _utc("2026-11-17T15:00:00+08:00"),
            },
        )
        _insert(
            db,
            "ticket_events",
            {
                "ticket_id": request,
                "at": _utc("2026-11-17T15:00:00+08:00"),
                "actor": "dimas",
                "action": "close",
                "step": "B9",
                "note": "Akun dibuat",
            },
        )
        _insert(
            db,
            "tickets",
            {
                "workflow": "B",
                "kind": "request",
                "title": "Closed before the period",
                "status": "closed",
                "step": "B9",
                "opened_at": _utc("2026-10-01T10:00:00+08:00"),
                "closed_at": _utc("2026-10-02T10:00:00+08:00"),
            },
        )


def add_content(project: Project) -> None:
    """Besides the fixture's two items (published 20 November 10:00, on time): one late
    item in the period, one before it, and a draft stuck in review."""
    project.published(
        "sidang-keliling",
        "berita",
        title="Sidang keliling di Kecamatan Uji",
        published_at="2026-11-21T16:00:00+08:00",
        history=[
            {"status": "draft", "at": "2026-11-21T08:00:00+08:00", "by": "rina"},
            {"status": "in-review", "at": "2026-11-21T09:00:00+08:00", "by": "sari"},
            {"status": "approved", "at": "2026-11-21T13:00:00+08:00", "by": "hasan"},
        ],
        review={"by": "sari", "at": "2026-11-21T09:20:00+08:00", "result": "passed"},
    )
    project.published(
        "berita-lama",
        "berita",
        published_at="2026-11-10T10:00:00+08:00",
        date=date(2026, 11, 10),
    )
    project.draft(
        "tertahan",
        title="Pengumuman yang tertahan di pemeriksaan",
        status="in-review",
        history=[
            {"status": "draft", "at": "2026-11-22T08:00:00+08:00", "by": "rina"},
            {"status": "in-review", "at": "2026-11-22T09:00:00+08:00", "by": "rina"},
        ],
    )


@pytest.fixture
def filled(project: Project) -> Project:
    configure(project)
    add_content(project)
    db = opsdb.connect(database_path(project.config))
    try:
        fill(db)
    finally:
        db.close()
    return project


def _golden(name: str, text: str) -> None:
    golden = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def _report(project: Project, language: str = "id"):  # type: ignore[no-untyped-def]
    from pipeline.content.store import scan

    config = project.config
    period = period_ending("week", date(2026, 11, 22), config.site.timezone)
    db = opsdb.connect(database_path(config))
    try:
        return gather(
            db,
            config,
            scan(config).items,
            period,
            now=datetime.fromisoformat(NOW),
            language=language,
        )
    finally:
        db.close()


# -- the data model -------------------------------------------------------------------


def test_periods() -> None:
    week = period_ending("week", date(2026, 11, 22), "Asia/Makassar")
    assert (week.first, week.last, len(week.days())) == (date(2026, 11, 16), date(2026, 11, 22), 7)
    assert week.since.isoformat() == "2026-11-16T00:00:00+08:00"
    assert week.until.isoformat() == "2026-11-23T00:00:00+08:00"
    month = period_ending("month", date(2026, 11, 30), "Asia/Makassar")
    assert (month.first, month.last) == (date(2026, 11, 1), date(2026, 11, 30))
    with pytest.raises(ValueError, match="week, month"):
        period_ending("year", date(2026, 11, 30), "Asia/Makassar")


def test_gathered_figures(filled: Project) -> None:
    report = _report(filled)
    beranda, api = report.availability.endpoints
    assert (beranda.checks, beranda.ok, api.checks, api.ok) == (28, 26, 28, 28)
    assert [d.ok for d in beranda.days] == [4, 4, 4, 2, 4, 4, 4]  # the 19th lost two checks
    assert [i.endpoint for i in report.availability.incidents] == ["beranda", "api"]
    content = report.content
    assert [p.slug for p in content.published] == [
        "kegiatan-pertama",
        "visi-misi",
        "sidang-keliling",
    ]
    late = content.published[-1]
    assert [(s.step, s.taken) for s in late.late_steps] == [
        ("approval", timedelta(hours=3, minutes=40)),
        ("publish", timedelta(hours=3)),
    ]
    assert [(c.category, c.published, c.late) for c in content.categories] == [
        ("profil", 1, 0),
        ("layanan", 0, 0),
        ("berita", 2, 1),
    ]
    assert [r.slug for r in content.waiting_late] == ["tertahan"]
    assert [(f.ip, f.count) for f in report.visitors.findings] == [
        ("192.0.2.77", 25),
        ("203.0.113.9", 12),
        ("203.0.113.9", 3),
    ]
    assert [(d.what, d.name, d.days_left) for d in report.renewals.due] == [
        ("hosting", "hosting-vps", 13),  # 5 December, from the 22nd of November
        ("tls", "api", 28),
        ("tls", "beranda", 28),
        ("registration", "pa-uji.example", 49),
    ]  # the connection contract, due in June, is beyond the 60-day horizon
    backups = report.backups
    assert backups.last_backup is not None and backups.last_backup.snapshot == "a1b2c322"
    assert backups.last_restore is not None and backups.last_restore.kind == "drill"
    assert backups.counts == {"backup": (6, 1), "verify": (1, 0)}
    tickets = report.tickets
    assert [t.id for t in tickets.open] == [1] and [t.id for t in tickets.closed] == [2]
    assert [n.text for n in tickets.open[0].alternatives] == [
        "Pindah ke server cadangan, atau tambah memori VPS"
    ]
    assert [n.text for n in tickets.open[0].actions] == ["Memori VPS ditambah menjadi 4 GB"]
    assert report.condition == "trouble"
    keys = [c.key for c in report.concerns]
    assert keys[:3] == ["uptime_low", "incident_open", "backup_failed"]
    assert {"published_late", "waiting_late", "suspicious", "due_soon", "tickets_open"} <= set(keys)
    assert "restore_old" not in keys  # the drill of 2 November is within 35 days


def test_golden_markdown_and_html(filled: Project) -> None:
    report = _report(filled)
    _golden("situation-week.md", render.markdown(report, "id"))
    _golden("situation-week.html", render.html(report, "id"))
    _golden("situation-week.csv", render.annex_csv(report, "id"))
    english = _report(filled, "en")
    _golden("situation-week.en.md", render.markdown(english, "en"))
    _golden("situation-week.en.html", render.html(english, "en"))


def test_english_report_has_every_label(filled: Project) -> None:
    assert {k.removesuffix("_one") for k in TEXTS["en"]} == set(TEXTS["id"])
    text = render.markdown(_report(filled, "en"), "en")
    assert text.startswith("# Website Situation Report")
    assert "## 7. Incidents and IT service tickets" in text
    assert "Alternative solutions considered" in text


def test_a_new_site_reports_no_data_yet(project: Project) -> None:
    """An empty database and no endpoints: every section says so, nothing fails."""
    args = ["report", "situation", "--period", "month", "--now", "2026-12-01T08:00:00+08:00"]
    future = run(project, *args, "--end", "2026-12-02")
    assert future.exit_code == 2 and "cannot be after today (2026-12-01)" in future.stderr
    result = run(project, *args)  # the default --end is yesterday: the whole of November
    assert result.exit_code == 0, result.output
    assert "Bulanan, 1 November 2026 – 30 November 2026" in result.stdout
    text = result.stdout
    for key in ("no_health", "no_visitors", "no_renewals", "no_backups", "no_tickets"):
        assert TEXTS["id"][key] in text, key
    # What the content alone says: the news category went stale after 7 days.
    assert "**Kondisi: Perlu perhatian**" in text
    assert "- Kategori Berita belum diperbarui melewati batas umurnya." in text


# -- HTML in Chromium, PDF ------------------------------------------------------------


def console_messages(page: Path) -> list[str]:
    """Console messages (errors, uncaught exceptions) Chromium logs while loading ``page``."""
    done = subprocess.run(
        [
            find_chromium(),
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={page.parent / 'profile'}",
            "--enable-logging=stderr",
            "--v=0",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "</svg>" in done.stdout or "<body" in done.stdout  # the page was rendered
    return [line for line in done.stderr.splitlines() if ":CONSOLE" in line]


def test_html_renders_in_chromium_without_console_errors(filled: Project, tmp_path: Path) -> None:
    broken = tmp_path / "broken" / "page.html"
    broken.parent.mkdir()
    broken.write_text("<!doctype html><body><script>undefinedFunction()</script></body>")
    assert console_messages(broken), "the detection must catch a deliberately broken page"
    page = tmp_path / "report" / "report.html"
    page.parent.mkdir()
    page.write_text(render.html(_report(filled), "id"), encoding="utf-8")
    assert console_messages(page) == []
    text = page.read_text()
    # Standalone: nothing is loaded from anywhere, no script runs.
    assert not re.search(r"<script|<link|<img|\bsrc=|url\(|@import", text)
    assert text.count("<svg") == 4  # uptime, response time, published, suspicious rules


def test_cli_pdf_has_one_page_per_section_and_is_kept(filled: Project, tmp_path: Path) -> None:
    target = tmp_path / "laporan.pdf"
    args = ["report", "situation", "--period", "week", "--end", "2026-11-22", "--now", NOW]
    result = run(filled, *args, "--format", "pdf", "--output", str(target))
    assert result.exit_code == 0, result.output
    with pikepdf.open(target) as pdf:
        assert len(pdf.pages) == 7  # one page per section; the header shares the first
        assert str(pdf.docinfo["/Title"]).startswith("Laporan Situasi Website")
    listed = run(filled, "report", "list", "--format", "json")
    rows = json.loads(listed.stdout)
    assert [(r["id"], r["period"], r["first"], r["pdf"]) for r in rows] == [
        (1, "week", "2026-11-16", True)
    ]
    shown = run(
        filled, "report", "show", "1", "--format", "pdf", "--output", str(tmp_path / "c.pdf")
    )
    assert shown.exit_code == 0 and (tmp_path / "c.pdf").read_bytes() == target.read_bytes()
    assert run(filled, "report", "show", "9").exit_code == 6


# -- delivery -------------------------------------------------------------------------


@pytest.fixture
def mail_sink() -> Iterator[MailSink]:
    sink = MailSink()
    yield sink
    sink.close()


def test_sent_to_the_penanggung_jawab_with_attachments(
    filled: Project, mail_sink: MailSink
) -> None:
    configure(
        filled,
        report={"attach": ["html"]},  # the PDF path is covered above; keep this test fast
    )
    config = yaml.safe_load((filled.root / "warta.yml").read_text())
    config["health"]["alerts"] = {
        "email": {"to": ["admin@pa-uji.example"], "sender": "warta@pa-uji.example", "port": 1}
    }
    (filled.root / "warta.yml").write_text(yaml.safe_dump(config))
    args = ["report", "situation", "--period", "week", "--end", "2026-11-22", "--now", NOW]
    failed = run(filled, *args, "--send")  # nothing listens on port 1
    assert failed.exit_code == 1 and "warta report send 1" in failed.stderr
    config["health"]["alerts"]["email"]["port"] = mail_sink.port
    (filled.root / "warta.yml").write_text(yaml.safe_dump(config))
    again = run(filled, "report", "send", "1", "--now", NOW)
    assert again.exit_code == 0, again.output
    (message,) = mail_sink.messages
    assert message["To"] == "hasan@pa-uji.example"  # the person with the role
    subject = " ".join(str(message["Subject"]).split())  # undo the header folding
    assert (
        subject
        == "[Pengadilan Agama Uji] Laporan Situasi Website 16 November 2026 – 22 November 2026"
    )
    body = message.get_body(preferencelist=("plain",))
    assert body is not None and "## 7. Insiden dan tiket layanan TI" in body.get_content()
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "laporan-situasi-2026-11-16-2026-11-22.html"
    stored = run(filled, "report", "show", "1", "--format", "html")
    assert attachment.get_content().replace("\r\n", "\n") == stored.stdout  # mail: CRLF
    listed = json.loads(run(filled, "report", "list", "--format", "json").stdout)
    assert listed[0]["sent_to"] == "hasan@pa-uji.example"


def test_sending_needs_a_mail_server_and_a_recipient(project: Project) -> None:
    result = run(project, "report", "situation", "--period", "week", "--send")
    assert result.exit_code == 3 and "health.alerts.email" in result.stderr


def test_settings_documented() -> None:
    text = (DOCS / "configuration.md").read_text(encoding="utf-8")
    assert [n for n in ReportSettings.model_fields if f"`{n}`" not in text] == []


# -- one language, the top ten, a busy month ------------------------------------------


def test_no_english_in_the_indonesian_report(filled: Project) -> None:
    report = _report(filled)
    assert english_words(render.markdown(report, "id")) == []
    assert english_words(render.html(report, "id")) == []
    assert english_words(render.annex_csv(report, "id")) == []
    # the detector does look: the English report is full of English words
    assert "availability" in english_words(render.html(_report(filled, "en"), "en"))


def test_ongoing_incident_and_draft_age_run_to_the_report_moment(filled: Project) -> None:
    text = render.markdown(_report(filled), "id")
    # api went down on 22 November 21:00 and is still down when the report is made on
    # 23 November 08:00: 11 hours, not the 3 hours to the end of the period.
    assert "| api | 22 November 2026 21.00 WITA | berlangsung | 11 jam |" in text
    assert "| 22 November 2026 09.00 WITA | 23 jam | 30 menit |" in text  # the late draft


def test_zero_availability_is_a_full_red_bar() -> None:
    svg = charts.columns("uptime", ["01/11", "02/11", "03/11"], [0.0, 50.0, None], top=100,
                         shortfall=True)  # fmt: skip
    reds = re.findall(r'<rect [^>]*height="([0-9.]+)" fill="#c62828"', svg)
    greens = re.findall(r'<rect [^>]*height="([0-9.]+)" fill="#2e7d32"', svg)
    full = charts.HEIGHT - charts.BOTTOM - charts.TOP
    assert [float(h) for h in reds] == [full, full / 2]  # 0 %: all red; 50 %: half
    assert [float(h) for h in greens] == [0.0, full / 2]
    assert svg.count("<rect") == 4  # the day without data has no bar at all


def _busy_month(db: sqlite3.Connection) -> None:
    """200 visitor findings and 60 tickets with notes, in November 2026."""
    clf = "%d/%b/%Y:%H:%M:%S %z"
    with opsdb.transaction(db):
        for n in range(200):
            start = datetime(2026, 11, 1 + n % 21, 3, n % 60, tzinfo=UTC)
            _insert(
                db,
                "visitors_findings",
                {
                    "recorded_at": (start + timedelta(hours=1)).isoformat(),
                    "ip": f"198.51.{n // 200}.{n % 250}",
                    "rule": ("probing", "sql-injection", "sensitive-files", "xss")[n % 4],
                    "first": start.strftime(clf),
                    "last": (start + timedelta(minutes=3)).strftime(clf),
                    "count": 5 + n,
                    "samples": json.dumps([f"GET /wp-login.php?n={n}&" + "x" * 90 + " HTTP/1.1"]),
                },
            )
        for n in range(60):
            opened = datetime(2026, 11, 1 + n % 20, 2, n, tzinfo=UTC)
            ticket = _insert(
                db,
                "tickets",
                {
                    "workflow": "B",
                    "kind": "incident" if n % 2 else "request",
                    "title": f"Gangguan layanan nomor {n} pada halaman pengumuman sidang",
                    "status": "open" if n % 3 else "closed",
                    "step": "B5",
                    "priority": f"P{1 + n % 4}",
                    "opened_at": opened.isoformat(),
                    "closed_at": None if n % 3 else (opened + timedelta(hours=5)).isoformat(),
                    "source": f"health:layanan-{n}" if n % 2 else "",
                },
            )
            for k in range(6):
                _insert(
                    db,
                    "ticket_events",
                    {
                        "ticket_id": ticket,
                        "at": (opened + timedelta(minutes=10 * k)).isoformat(),
                        "actor": "dimas",
                        "action": "comment",
                        "step": "B7" if k < 2 else "B8",
                        "note": f"Catatan {k}: server diperiksa, log dibaca, layanan dipulihkan "
                        "dan pengguna diberi tahu melalui telepon",
                    },
                )


def test_a_busy_month_prints_in_at_most_ten_pages(filled: Project, tmp_path: Path) -> None:
    db = opsdb.connect(database_path(filled.config))
    _busy_month(db)
    db.close()
    target = tmp_path / "bulanan.pdf"
    args = ["report", "situation", "--period", "month", "--end", "2026-11-22", "--now", NOW]
    result = run(filled, *args, "--format", "pdf", "--output", str(target))
    assert result.exit_code == 0, result.output
    with pikepdf.open(target) as pdf:
        assert len(pdf.pages) <= 10
    text = run(filled, *args, "--format", "md").stdout
    assert "10 teratas dari 204 ditampilkan; selengkapnya di lampiran CSV." in text
    assert "10 teratas dari 62 ditampilkan" in text  # 60 + the fixture's 2 tickets
    annex = run(filled, *args, "--format", "csv").stdout
    rows = list(csv.reader(io.StringIO(annex)))
    assert rows[0] == ["bagian", "butir", "waktu", "angka", "keterangan"]
    kinds = [r[0] for r in rows[1:]]
    assert kinds.count("temuan pengunjung") == 204 and kinds.count("tiket") == 62
    shown = run(filled, "report", "show", "3", "--format", "csv").stdout
    assert shown == annex  # kept with the report
