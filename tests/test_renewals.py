"""The renewals register: due dates, invoices, reminders at 60/30/14/7 days."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

import pytest
import yaml
from click.testing import CliRunner, Result

from pipeline.cli import cli
from pipeline.health.renewals import Renewal, add_months, parse_period, reminder_due
from tests.conftest import Project
from tests.servers import MailSink


@pytest.fixture
def mail_sink() -> Iterator[MailSink]:
    sink = MailSink()
    yield sink
    sink.close()


def run(project: Project, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--config", str(project.root / "warta.yml"), *args])


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 12, 15), 12, date(2027, 12, 15)),
    ],
)
def test_add_months(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


def test_periods() -> None:
    assert (parse_period("1y"), parse_period("3mo"), parse_period("6 mo")) == (12, 3, 6)
    with pytest.raises(ValueError, match="1mo, 3mo"):
        parse_period("annual")


def test_reminders_once_per_threshold() -> None:
    thresholds = [60, 30, 14, 7]
    due = date(2027, 1, 31)
    r = Renewal("domain", "domain", "PANDI", "", 12, 250_000, due, None)
    assert reminder_due(r, date(2026, 11, 1), thresholds) is None  # 91 days left
    assert reminder_due(r, date(2026, 12, 2), thresholds) == 60
    sent = Renewal(**{**r.__dict__, "reminded": 60})
    assert reminder_due(sent, date(2026, 12, 20), thresholds) is None  # 42 days: nothing new
    assert reminder_due(sent, date(2027, 1, 20), thresholds) == 14  # 30 was skipped: nearest
    assert (
        reminder_due(Renewal(**{**r.__dict__, "reminded": 7}), date(2027, 2, 1), thresholds) == 0
    )  # overdue
    assert (
        reminder_due(Renewal(**{**r.__dict__, "reminded": 0}), date(2027, 2, 5), thresholds) is None
    )


def test_register_record_and_remind(project: Project, mail_sink: MailSink) -> None:
    config = yaml.safe_load((project.root / "warta.yml").read_text())
    config["health"] = {
        "alerts": {
            "email": {
                "to": ["admin@pa-uji.example"],
                "sender": "warta@pa-uji.example",
                "port": mail_sink.port,
            }
        }
    }
    (project.root / "warta.yml").write_text(yaml.safe_dump(config))
    added = run(
        project,
        "renewals",
        "add",
        "domain-go-id",
        "--kind",
        "domain",
        "--provider",
        "PANDI",
        "--period",
        "1y",
        "--cost",
        "250000",
        "--due",
        "2027-01-05",
    )
    assert added.exit_code == 0, added.output
    assert (
        run(
            project,
            "renewals",
            "add",
            "domain-go-id",
            "--kind",
            "domain",
            "--provider",
            "PANDI",
            "--period",
            "1y",
            "--cost",
            "1",
            "--due",
            "2027-01-05",
        ).exit_code
        == 5
    )
    run(
        project,
        "renewals",
        "add",
        "internet",
        "--kind",
        "connection",
        "--provider",
        "ISP Lembah",
        "--period",
        "1mo",
        "--cost",
        "1250000",
        "--due",
        "2026-12-01",
    )

    reminded = run(project, "renewals", "remind", "--now", "2026-11-25T09:00+08:00")
    assert reminded.exit_code == 0, reminded.output
    assert "internet: 7-day reminder" in reminded.output and "domain-go-id" in reminded.output
    subjects = sorted(m["Subject"] for m in mail_sink.messages)
    assert subjects == [
        "[Pengadilan Agama Uji] domain-go-id (PANDI) jatuh tempo 5 Januari 2027: 41 hari lagi",
        "[Pengadilan Agama Uji] internet (ISP Lembah) jatuh tempo 1 Desember 2026: 6 hari lagi",
    ]
    assert any("Rp1.250.000" in m.get_content() for m in mail_sink.messages)
    again = run(project, "renewals", "remind", "--now", "2026-11-26T09:00+08:00")
    assert again.output.strip() == "" and len(mail_sink.messages) == 2  # once per threshold

    invoice = project.write("invoice.pdf", b"%PDF-1.4 tagihan internet\n")
    recorded = run(
        project,
        "renewals",
        "record",
        "internet",
        "--invoice",
        str(invoice),
        "--paid-on",
        "2026-11-27",
    )
    assert recorded.exit_code == 0 and "next due 2027-01-01" in recorded.output
    stored = list((project.root / ".warta/invoices").iterdir())
    assert [p.read_bytes() for p in stored] == [invoice.read_bytes()]
    listed = {
        r["id"]: r
        for r in json.loads(
            run(
                project, "renewals", "list", "--format", "json", "--now", "2026-11-27T09:00+08:00"
            ).output
        )
    }
    assert listed["internet"]["due"] == "2027-01-01" and listed["internet"]["reminded"] is None
    overdue = run(project, "renewals", "remind", "--now", "2027-01-06T09:00+08:00")
    assert overdue.exit_code == 1 and "domain-go-id: overdue" in overdue.output


def test_record_refuses_bad_invoices(project: Project) -> None:
    run(
        project,
        "renewals",
        "add",
        "hosting",
        "--kind",
        "hosting",
        "--provider",
        "Awan",
        "--period",
        "1y",
        "--cost",
        "3000000",
        "--due",
        "2027-03-01",
    )
    missing = run(project, "renewals", "record", "hosting", "--invoice", "tidak-ada.pdf")
    assert missing.exit_code == 6 and "invoice not found" in missing.output
    empty = project.write("kosong.pdf", b"")
    assert run(project, "renewals", "record", "hosting", "--invoice", str(empty)).exit_code == 4
    unknown = run(
        project, "renewals", "record", "lain", "--invoice", str(project.write("ada.pdf", b"x"))
    )
    assert unknown.exit_code == 6
    listed = json.loads(run(project, "renewals", "list", "--format", "json").output)
    assert listed[0]["due"] == "2027-03-01"  # nothing moved
