"""IT service tickets (SOP 3): workflows end to end, refused transitions, working days,
recurring tickets, incidents from the other modules, reports."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pipeline import opsdb
from pipeline.accounts.store import audit_entries
from pipeline.cli import cli
from pipeline.commands import tickets as uc
from pipeline.config import parse_config
from pipeline.errors import ConfigError, NotFoundError, WorkflowError
from pipeline.health.store import database_path
from pipeline.tickets import incidents, queue
from pipeline.tickets import report as render_tickets
from pipeline.tickets.calendar import WorkingCalendar
from pipeline.tickets.holidays import CourtHolidays, official
from pipeline.tickets.priority import DEFAULT_MATRIX, priority
from pipeline.tickets.workflows import DEFAULTS
from tests.conftest import WARTA_YML, Project
from tests.english import english_words
from tests.servers import MailSink, free_port

GOLDEN = Path(__file__).parent / "golden" / "tickets"
IT_PEOPLE = """\
  - {id: dimas, name: Dimas Admin, email: dimas@pa-uji.example, roles: [web-admin]}
  - {id: eko, name: Eko Pranata, email: eko@pa-uji.example, roles: [pranata-komputer]}
  - {id: yusuf, name: Yusuf Kasubbag, email: yusuf@pa-uji.example, roles: [kasubbag-ti]}
  - {id: lestari, name: Lestari Kabag, email: lestari@pa-uji.example, roles: [kabag-perencanaan]}
  - {id: agus, name: Agus Sekretaris, email: agus@pa-uji.example, roles: [sekretaris]}
"""
CONFIG = WARTA_YML.replace(
    "  - {id: dimas, name: Dimas Admin, email: dimas@pa-uji.example, roles: [web-admin]}\n",
    IT_PEOPLE,
)
# Friday 13 March 2026, 10:00 in Makassar: the Nyepi and Idulfitri holidays follow.
FRIDAY = datetime(2026, 3, 13, 10, 0, tzinfo=UTC) - timedelta(hours=8)


@pytest.fixture
def it(project: Project) -> Project:
    project.write("warta.yml", CONFIG)
    return project


def run(project: Project, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--config", str(project.root / "warta.yml"), *args])


def makassar(moment: datetime | None) -> str:
    assert moment is not None
    return (moment.astimezone(UTC) + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")


# -- working days, priorities, workflows as data ---------------------------------------


def test_due_dates_skip_weekends_and_holidays() -> None:
    cal = WorkingCalendar.of(CourtHolidays())
    start = datetime(2026, 3, 13, 10, 0)  # a Friday
    # Mon 16, Tue 17 work; 18 cuti Nyepi, 19 Nyepi, 20 cuti, 21-22 Idulfitri (weekend),
    # 23-24 cuti bersama: the third working day is Wednesday 25 March.
    assert [cal.add_working_days(start, n).date() for n in (1, 2, 3)] == [
        date(2026, 3, 16),
        date(2026, 3, 17),
        date(2026, 3, 25),
    ]
    assert cal.add_working_days(start, 1).time() == start.time()
    saturday = datetime(2026, 11, 28, 9, 0)
    assert cal.add_working_days(saturday, 1) == datetime(2026, 11, 30, 9, 0)
    assert cal.working_days_between(date(2026, 3, 13), date(2026, 3, 25)) == 3
    no_holidays = WorkingCalendar.of([])
    assert no_holidays.add_working_days(start, 3).date() == date(2026, 3, 18)


# The joint decree (SKB) of the Ministers of Religious Affairs, Manpower and State Apparatus
# on the national holidays and cuti bersama of 2027.
SKB_2027_HOLIDAYS = [
    date(2027, 1, 1),  # Tahun Baru 2027 Masehi
    date(2027, 1, 5),  # Isra Mikraj 1448 H
    date(2027, 2, 6),  # Tahun Baru Imlek 2578
    date(2027, 3, 8),  # Nyepi, Tahun Baru Saka 1949
    date(2027, 3, 10),  # Idulfitri 1448 H
    date(2027, 3, 11),  # Idulfitri 1448 H
    date(2027, 3, 26),  # Wafat Yesus Kristus
    date(2027, 3, 28),  # Paskah
    date(2027, 5, 1),  # Hari Buruh
    date(2027, 5, 6),  # Kenaikan Yesus Kristus
    date(2027, 5, 17),  # Iduladha 1448 H
    date(2027, 5, 20),  # Waisak 2571 BE
    date(2027, 6, 1),  # Hari Lahir Pancasila
    date(2027, 6, 6),  # Tahun Baru Islam 1449 H
    date(2027, 8, 15),  # Maulid Nabi Muhammad
    date(2027, 8, 17),  # Proklamasi Kemerdekaan
    date(2027, 12, 25),  # Natal
    date(2027, 12, 26),  # Isra Mikraj 1449 H
]
SKB_2027_CUTI_BERSAMA = [
    date(2027, 2, 5),  # Imlek
    date(2027, 3, 9),  # Idulfitri
    date(2027, 3, 12),  # Idulfitri
    date(2027, 3, 15),  # Idulfitri
    date(2027, 3, 25),  # Wafat Yesus Kristus
    date(2027, 5, 18),  # Iduladha
    date(2027, 5, 19),  # Waisak
    date(2027, 12, 24),  # Natal
]


def test_2027_is_complete() -> None:
    assert sorted(official([2027])) == sorted(SKB_2027_HOLIDAYS + SKB_2027_CUTI_BERSAMA)


def test_2027_due_dates_follow_the_decree() -> None:
    cal = WorkingCalendar.of(CourtHolidays())
    # Friday 5 March 2027 10:00 (Makassar): Mon 8 Nyepi, 9 cuti, 10-11 Idulfitri, 12 cuti,
    # 15 cuti: the first working day is Tuesday 16 March, the third Thursday 18 March.
    start = datetime(2027, 3, 5, 10, 0)
    assert [cal.add_working_days(start, n).date() for n in (1, 2, 3)] == [
        date(2027, 3, 16),
        date(2027, 3, 17),
        date(2027, 3, 18),
    ]
    # Wednesday 24 March: 25 cuti, 26 Good Friday, 27-28 weekend: due Monday 29 March.
    assert cal.add_working_days(datetime(2027, 3, 24, 9, 0), 1) == datetime(2027, 3, 29, 9, 0)
    # Friday 14 May: 17 Iduladha, 18-19 cuti, 20 Waisak: the first working day is Friday 21.
    assert cal.add_working_days(datetime(2027, 5, 14, 9, 0), 1).date() == date(2027, 5, 21)
    # Thursday 23 December: 24 cuti, 25-26 weekend and Natal: Monday 27 December.
    assert cal.add_working_days(datetime(2027, 12, 23, 9, 0), 1).date() == date(2027, 12, 27)
    for day in SKB_2027_HOLIDAYS + SKB_2027_CUTI_BERSAMA:
        assert not cal.is_working_day(day), day


def test_configured_holidays_and_weekend(make_project) -> None:  # type: ignore[no-untyped-def]
    p = make_project()
    p.write(
        "warta.yml",
        CONFIG + "tickets:\n  holidays:\n    add: [2026-11-30]\n    remove: [2026-12-24]\n"
        "    weekend: [fri, sat, sun]\n",
    )
    cal = uc.calendar(p.config)
    assert not cal.is_working_day(date(2026, 11, 30))  # added
    assert cal.is_working_day(date(2026, 12, 24))  # removed (a Thursday)
    assert not cal.is_working_day(date(2026, 11, 27))  # a Friday
    assert not cal.is_working_day(date(2026, 12, 25))  # Christmas, bundled


def test_priority_matrix() -> None:
    assert priority("high", "high", DEFAULT_MATRIX) == "P1"
    assert priority("medium", "high", DEFAULT_MATRIX) == "P2"
    assert priority("low", "low", DEFAULT_MATRIX) == "P4"
    with pytest.raises(ValueError, match="high, medium, low"):
        priority("huge", "high", DEFAULT_MATRIX)


def test_sop_defaults_as_data() -> None:
    assert [len(DEFAULTS[w].steps) for w in "ABCD"] == [4, 9, 9, 7]
    b = DEFAULTS["B"]
    assert b.step("B2") is not None and b.step("B2").decision  # type: ignore[union-attr]
    assert b.step("B6").priority  # type: ignore[union-attr]
    assert [s.day for s in b.steps] == [1, 1, 2, 2, 2, 3, 4, 4, 5]
    assert DEFAULTS["C"].recurring and DEFAULTS["D"].recurring
    assert {s.id for s in DEFAULTS["D"].steps if s.checklist} == {"D2", "D3", "D5"}


def test_workflow_overrides_are_merged_and_checked(tmp_path: Path) -> None:
    config = parse_config(
        CONFIG + "tickets:\n  workflows:\n    B:\n      B2: {roles: [kasubbag-ti], day: 2}\n",
        root=tmp_path,
    )
    b2 = config.tickets.workflow_set()["B"].step("B2")
    assert b2 is not None and b2.roles == ("kasubbag-ti",) and b2.day == 2
    with pytest.raises(ConfigError) as caught:
        parse_config(
            CONFIG + "tickets:\n  workflows:\n    B:\n      B12: {day: 2}\n", root=tmp_path
        )
    assert "tickets.workflows" in str(caught.value) and "no step 'B12'" in str(caught.value)
    with pytest.raises(ConfigError) as caught:
        parse_config(CONFIG + "tickets:\n  workflows:\n    B:\n      B3: {day: 9}\n", root=tmp_path)
    assert "B4 is due on day 2, before B3" in str(caught.value)
    with pytest.raises(ConfigError) as caught:
        parse_config(
            CONFIG + "tickets:\n  workflows:\n    B:\n      B3: {roles: [chef]}\n", root=tmp_path
        )
    assert "tickets.workflows.B.B3.roles" in str(caught.value)
    with pytest.raises(ConfigError) as caught:
        parse_config(CONFIG + "tickets:\n  priority_matrix: {high: {high: P1}}\n", root=tmp_path)
    assert "tickets.priority_matrix" in str(caught.value)
    with pytest.raises(ConfigError, match="receiver"):
        parse_config(CONFIG + "tickets:\n  receiver: nobody\n", root=tmp_path)


# -- workflows end to end ---------------------------------------------------------------


def test_service_request_b1_to_b9_through_the_cli(it: Project, tmp_path: Path) -> None:
    form = tmp_path / "formulir.pdf"
    form.write_bytes(b"%PDF-1.4 formulir\n")
    now = "--now=2026-03-13T10:00+08:00"
    done = run(
        it,
        "ticket", "new", "Printer ruang sidang rusak", "--as", "rina", "--unit", "Kepaniteraan",
        "--attachment", str(form), now,
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "#1  B/request  open  step B1" in done.output
    steps = [
        ("eko", "B1", []),
        ("agus", "B2", []),
        ("eko", "B3", []),
        ("dimas", "B4", ["--note", "perangkat keras"]),
        ("yusuf", "B5", []),
        ("yusuf", "B6", ["--impact", "medium", "--urgency", "high"]),
        ("lestari", "B7", ["--note", "servis atau ganti baru: ganti baru lebih murah"]),
        ("agus", "B8", []),
        ("eko", "B9", ["--note", "printer diganti"]),
    ]
    for who, step, extra in steps:
        done = run(it, "ticket", "advance", "1", "--as", who, "--step", step, *extra, now)
        assert done.exit_code == 0, (step, done.output)
    shown = json.loads(run(it, "ticket", "show", "1", "--format", "json").output)
    assert shown["status"] == "closed" and shown["priority"] == "P2"
    assert [(e["actor"], e["action"], e["step"]) for e in shown["events"]] == [
        ("rina", "open", "B1"),
        *[(who, "advance", step) for who, step, _ in steps],
        ("eko", "close", "B9"),
    ]
    events = shown["events"]
    assert events[0]["attachment"].endswith(".pdf")
    assert (it.root / ".warta" / "ticket-files" / events[0]["attachment"]).read_bytes() == (
        form.read_bytes()
    )
    assert events[7]["note"].startswith("servis atau ganti baru")  # B7: alternatives
    assert events[7]["role"] == "kabag-perencanaan"
    text = run(it, "ticket", "show", "1").output
    assert "[x] B9" in text and "lestari (kabag-perencanaan)" in text
    assert run(it, "ticket", "list").output.count("#") <= 1  # nothing open
    assert "Printer" in run(it, "ticket", "list", "--status", "closed").output


def test_policy_workflow_a_and_rejection_at_a_decision(it: Project) -> None:
    config = it.config
    t = uc.new(config, by="yusuf", workflow="A", title="Rencana TI 2027", now=FRIDAY).ticket
    uc.advance(config, t.id, by="yusuf", now=FRIDAY)
    uc.advance(config, t.id, by="lestari", note="usulan jangka menengah", now=FRIDAY)
    t = uc.advance(config, t.id, by="ratna", now=FRIDAY).ticket  # A3: the ketua sets the decree
    t = uc.advance(config, t.id, by="eko", now=FRIDAY).ticket
    assert t.status == "closed"
    request = uc.new(config, by="sari", workflow="B", title="Akun SIPP baru", now=FRIDAY).ticket
    uc.advance(config, request.id, by="eko", now=FRIDAY)
    rejected = uc.reject(config, request.id, by="agus", note="bukan layanan TI", now=FRIDAY).ticket
    assert rejected.status == "rejected" and rejected.closed_at is not None
    events = uc.show(config, request.id).events
    assert (events[-1].action, events[-1].step, events[-1].note) == (
        "reject",
        "B2",
        "bukan layanan TI",
    )


def test_security_workflow_d_with_uat_and_approval_checklists(it: Project) -> None:
    config = it.config
    (t,) = [x for x in uc.recur(config, month="2026-03", now=FRIDAY) if x.workflow == "D"]
    uc.advance(config, t.id, by="eko", note="firewall diperbarui", now=FRIDAY)
    uat = ["fungsi=pass", "data=pass", "akses=pass", "keamanan=pass", "kinerja=pass"]
    with pytest.raises(WorkflowError, match="not complete: panduan not answered"):
        uc.advance(config, t.id, by="eko", checks=uat, now=FRIDAY)
    # a refused advance records nothing: the answers are given again, complete
    uc.advance(config, t.id, by="eko", checks=[*uat, "panduan=fail:belum dicetak"], now=FRIDAY)
    review = ["hasil-uji=pass", "temuan=pass", "rekomendasi=pass"]
    uc.advance(config, t.id, by="yusuf", checks=review, note="layak dengan catatan", now=FRIDAY)
    uc.advance(config, t.id, by="eko", now=FRIDAY)
    approval = ["uat-lulus=pass", "cadangan=pass", "lisensi=pass", "pelatihan=fail"]
    with pytest.raises(WorkflowError, match="cannot be approved with failed checklist items"):
        uc.advance(config, t.id, by="agus", checks=approval, now=FRIDAY)
    uc.advance(config, t.id, by="agus", checks=[*approval[:3], "pelatihan=pass"], now=FRIDAY)
    uc.advance(config, t.id, by="eko", now=FRIDAY)
    t = uc.advance(config, t.id, by="eko", note="pemulihan diuji", now=FRIDAY).ticket
    assert t.status == "closed"
    answers = {(c.step, c.item): (c.result, c.note) for c in uc.show(config, t.id).checks}
    assert answers[("D2", "panduan")] == ("fail", "belum dicetak")  # kept: the UAT record
    assert len(answers) == 6 + 3 + 4


def test_maintenance_workflow_c_to_its_recap(it: Project) -> None:
    config = it.config
    (t,) = [x for x in uc.recur(config, month="2026-03", now=FRIDAY) if x.workflow == "C"]
    for step in t.step, *[f"C{n}" for n in range(2, 10)]:
        step_def = DEFAULTS["C"].step(step)
        assert step_def is not None
        who = "yusuf" if "kasubbag-ti" in step_def.roles else "eko"
        t = uc.advance(config, t.id, by=who, step=step, note=f"{step} selesai", now=FRIDAY).ticket
    assert t.status == "closed"


# -- refused transitions ------------------------------------------------------------------


def test_refused_transitions_name_ticket_step_and_who(it: Project) -> None:
    now = "--now=2026-03-13T10:00+08:00"
    assert run(it, "ticket", "new", "Jaringan lambat", "--as", "rina", now).exit_code == 0
    wrong_role = run(it, "ticket", "advance", "1", "--as", "rina", now)
    assert wrong_role.exit_code == 5
    message = " ".join(wrong_role.output.split())
    assert "rina may not do step B1" in message and "ticket #1" in message
    assert "pranata-komputer or web-admin (dimas, eko)" in message

    skipped = run(it, "ticket", "advance", "1", "--as", "agus", "--step", "B2", now)
    assert skipped.exit_code == 5
    assert "B2 cannot be done before it (no step is skipped)" in " ".join(skipped.output.split())

    assert run(it, "ticket", "advance", "1", "--as", "eko", "--step", "B1", now).exit_code == 0
    again = run(it, "ticket", "advance", "1", "--as", "eko", "--step", "B1", now)
    assert again.exit_code == 5 and "already done" in again.output  # a second person, too late

    not_decision = run(it, "ticket", "reject", "1", "--as", "eko", "--note", "x", now)
    assert not_decision.exit_code == 5  # B2 is a decision, but eko is not the sekretaris
    assert run(it, "ticket", "reject", "1", "--as", "agus", "--note", "tidak", now).exit_code == 0

    for args in (
        ("advance", "1", "--as", "eko"),
        ("comment", "1", "--as", "eko", "--note", "masih?"),
        ("assign", "1", "eko", "--as", "yusuf"),
        ("reject", "1", "--as", "agus", "--note", "x"),
    ):
        closed = run(it, "ticket", *args, now)
        assert closed.exit_code == 5, args
        assert "ticket #1 is rejected" in closed.output, args

    missing = run(it, "ticket", "show", "99")
    assert missing.exit_code == 6 and "no ticket #99" in missing.output
    assert run(it, "ticket", "advance", "99", "--as", "eko").exit_code == 6


def test_reject_only_at_decision_steps_and_notes_required(it: Project) -> None:
    config = it.config
    t = uc.new(config, by="rina", workflow="B", title="Ganti toner", now=FRIDAY).ticket
    for who in ("eko", "agus", "eko", "eko", "yusuf"):
        uc.advance(config, t.id, by=who, now=FRIDAY)
    with pytest.raises(WorkflowError, match="impact and urgency are needed"):
        uc.advance(config, t.id, by="yusuf", now=FRIDAY)
    uc.advance(config, t.id, by="yusuf", impact="low", urgency="low", now=FRIDAY)
    with pytest.raises(WorkflowError, match="not a yes/no decision"):
        uc.reject(config, t.id, by="lestari", note="tidak perlu", now=FRIDAY)
    with pytest.raises(WorkflowError, match="needs a note: Alternatives considered"):
        uc.advance(config, t.id, by="lestari", now=FRIDAY)
    with pytest.raises(WorkflowError, match="eko cannot do step B7"):
        uc.assign(config, t.id, by="yusuf", assignee="eko", now=FRIDAY)
    assigned = uc.assign(config, t.id, by="yusuf", assignee="lestari", now=FRIDAY)
    assert assigned.assignee == "lestari"
    with pytest.raises(WorkflowError, match="not listed in people"):
        uc.advance(config, t.id, by="stranger", now=FRIDAY)
    with pytest.raises(NotFoundError):
        uc.show(config, 42)


def test_due_dates_of_steps_and_incidents(it: Project) -> None:
    config = it.config
    t = uc.new(config, by="rina", workflow="B", title="Laptop", now=FRIDAY).ticket
    assert makassar(t.due) == "2026-03-16 10:00"  # B1: the next working day
    for who in ("eko", "agus", "eko", "eko", "yusuf"):
        t = uc.advance(config, t.id, by=who, now=FRIDAY).ticket
    assert (t.step, makassar(t.due)) == ("B6", "2026-03-25 10:00")  # day 3, after the holidays
    incident = uc.new(
        config,
        by="eko",
        workflow="B",
        kind="incident",
        title="Server SIPP mati",
        impact="high",
        urgency="high",
        now=FRIDAY,
    ).ticket
    assert incident.priority == "P1" and incident.due == FRIDAY + timedelta(hours=1)
    with pytest.raises(WorkflowError, match="impact and urgency"):
        uc.new(config, by="eko", workflow="B", kind="incident", title="x", now=FRIDAY)


# -- recurring tickets -----------------------------------------------------------------------


def test_recurring_tickets_once_per_month_even_when_run_twice(it: Project) -> None:
    first = run(it, "ticket", "recur", "--now=2026-03-02T07:00+08:00")
    assert first.exit_code == 0 and first.output.count("open  step") == 2
    again = run(it, "ticket", "recur", "--now=2026-03-20T07:00+08:00")
    assert again.exit_code == 0 and "nothing to open" in again.output
    april = uc.recur(it.config, now=datetime(2026, 4, 1, 1, 0, tzinfo=UTC))
    assert sorted((t.workflow, t.period) for t in april) == [("C", "2026-04"), ("D", "2026-04")]
    (c,) = [t for t in april if t.workflow == "C"]
    # C1 is due on the first working day of April: the 1st, a Wednesday, at the day's end
    assert makassar(c.due) == "2026-04-01 23:59"
    assert len(uc.listing(it.config, status=None)) == 4


def test_recurring_tickets_under_concurrency(it: Project) -> None:
    config = it.config
    database = database_path(config)
    opsdb.connect(database).close()
    rules = uc.rules(config)
    opened: list[int] = []
    barrier = threading.Barrier(6)

    def job() -> None:
        from pipeline.tickets.engine import open_recurring

        db = opsdb.connect(database)
        barrier.wait()
        for letter in "CD":
            if open_recurring(db, rules, letter, "2026-05", FRIDAY) is not None:
                opened.append(1)
        db.close()

    threads = [threading.Thread(target=job) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(opened) == 2
    db = sqlite3.connect(database)
    assert db.execute("SELECT COUNT(*) FROM tickets WHERE period = '2026-05'").fetchone() == (2,)


# -- incidents from the other modules -------------------------------------------------------


def _seed_conditions(db: sqlite3.Connection, now: datetime) -> None:
    iso = now.isoformat
    with opsdb.transaction(db):
        db.execute(
            "INSERT INTO health_incidents (endpoint, opened_at, cause) VALUES (?, ?, ?)",
            ("beranda", iso(), "HTTP 503"),
        )
        db.execute(
            "INSERT INTO health_results (endpoint, at, success, certificate_expires) "
            "VALUES (?, ?, 1, ?)",
            ("beranda", iso(), (now + timedelta(days=5)).isoformat()),
        )
        db.execute(
            "INSERT INTO health_domains (domain, expires, source, checked_at) VALUES (?, ?, ?, ?)",
            ("pa-uji.example", (now + timedelta(days=20)).isoformat(), "rdap", iso()),
        )
        for minutes, kind, ok in ((0, "backup", 1), (5, "backup", 0), (6, "drill", 1)):
            db.execute(
                "INSERT INTO backup_events (at, repository, kind, ok, detail) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    (now - timedelta(hours=1) + timedelta(minutes=minutes)).isoformat(),
                    "lokal",
                    kind,
                    ok,
                    "" if ok else "disk penuh",
                ),
            )
        db.execute(
            "INSERT INTO visitors_findings (recorded_at, ip, rule, first, last, count, samples) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                iso(),
                "203.0.113.9",
                "sqli",
                (now - timedelta(minutes=50)).astimezone(UTC).strftime("%d/%b/%Y:%H:%M:%S %z"),
                (now - timedelta(minutes=40)).astimezone(UTC).strftime("%d/%b/%Y:%H:%M:%S %z"),
                12,
                "[]",
            ),
        )


ENDPOINTS = """\
health:
  endpoints:
    - name: beranda
      url: https://www.pa-uji.example/
      conditions: ["[STATUS] == 200", "[CERTIFICATE_EXPIRATION] > 7d"]
"""


def test_incidents_opened_and_closed_by_the_other_modules(it: Project) -> None:
    it.write("warta.yml", CONFIG + ENDPOINTS + "tickets:\n  receiver: eko\n")
    config = it.config
    db = opsdb.connect(database_path(config))
    _seed_conditions(db, FRIDAY)
    done = run(it, "ticket", "sync", "--now=2026-03-13T10:00+08:00")
    assert done.exit_code == 0, done.output
    assert "5 opened, 0 closed" in done.output
    opened = {t.source: t for t in uc.listing(config, kind="incident")}
    assert set(opened) == {
        "health:beranda",
        "tls:www.pa-uji.example",
        "domain:pa-uji.example",
        "backup:lokal",
        "visitors:2026-03-13",
    }
    assert opened["health:beranda"].priority == "P1"
    assert opened["health:beranda"].link.startswith("health_incidents:")
    assert opened["health:beranda"].due == FRIDAY + timedelta(hours=1)  # SOP 2 step 7
    assert (
        opened["backup:lokal"].priority == "P2"
        and "disk penuh" in opened["backup:lokal"].description
    )
    assert opened["visitors:2026-03-13"].assignee == "eko"
    record = uc.show(config, opened["visitors:2026-03-13"].id).events
    assert [(e.actor, e.role, e.action, e.note) for e in record] == [
        (
            "warta",
            "",
            "open",
            "Permintaan mencurigakan pada 13 Maret 2026 dari 1 alamat IP (belum ditolak):\n"
            "- 203.0.113.9: sqli; 12 permintaan, 09.10 WITA – 09.20 WITA",
        ),
        ("warta", "", "assign", "eko"),  # tickets.receiver
    ]
    assert uc.sync(config, now=FRIDAY).opened == []  # idempotent

    later = FRIDAY + timedelta(hours=2)
    with opsdb.transaction(db):
        db.execute("UPDATE health_incidents SET closed_at = ?", (later.isoformat(),))
        db.execute(
            "INSERT INTO backup_events (at, repository, kind, ok) VALUES (?, 'lokal', 'backup', 1)",
            (later.isoformat(),),
        )
        db.execute(
            "INSERT INTO health_results (endpoint, at, success, certificate_expires) "
            "VALUES ('beranda', ?, 1, ?)",
            (later.isoformat(), (later + timedelta(days=90)).isoformat()),
        )
    result = uc.sync(config, now=later)
    assert sorted(t.source for t in result.closed) == [
        "backup:lokal",
        "health:beranda",
        "tls:www.pa-uji.example",
    ]
    # the domain is still near expiry; the finding is still within the 7-day window
    assert sorted(t.source for t in result.still_open) == [
        "domain:pa-uji.example",
        "visitors:2026-03-13",
    ]
    closed = uc.show(config, opened["health:beranda"].id)
    assert closed.ticket.status == "closed"
    assert (closed.events[-1].actor, closed.events[-1].action) == ("warta", "close")
    week_later = uc.sync(config, now=later + timedelta(days=8))
    assert [t.source for t in week_later.closed] == ["visitors:2026-03-13"]
    # the drill failing later reopens a backup incident, linked to the new event
    with opsdb.transaction(db):
        db.execute(
            "INSERT INTO backup_events (at, repository, kind, ok, detail) "
            "VALUES (?, 'lokal', 'drill', 0, 'restore mismatch')",
            ((later + timedelta(days=9)).isoformat(),),
        )
    again = uc.sync(config, now=later + timedelta(days=9))
    assert [t.source for t in again.opened] == ["backup:lokal"]
    db.close()


# -- reports ------------------------------------------------------------------------------------


def _history_for_reports(it: Project) -> None:
    it.write("warta.yml", CONFIG + ENDPOINTS)
    config = it.config
    march = datetime(2026, 3, 2, 0, 30, tzinfo=UTC)
    uc.recur(config, now=march)
    c = uc.listing(config, workflow="C")[0]
    uc.advance(config, c.id, by="yusuf", note="jadwal Maret dibuat", now=march)
    uc.advance(
        config, c.id, by="eko", note="tidak ada pola serangan", now=march + timedelta(days=9)
    )
    r = uc.new(
        config, by="rina", workflow="B", title="Printer rusak", unit="Kepaniteraan", now=march
    ).ticket
    for who in ("eko", "agus", "eko"):
        uc.advance(config, r.id, by=who, now=march + timedelta(days=2))
    late = march + timedelta(days=6)
    uc.advance(config, r.id, by="eko", now=late)  # B4 was due on day 2: late
    other = uc.new(config, by="sari", workflow="B", title="Akun e-mail", now=march).ticket
    uc.advance(config, other.id, by="eko", now=march)
    uc.reject(config, other.id, by="agus", note="sudah ada", now=march)
    db = opsdb.connect(database_path(config))
    _seed_conditions(db, march + timedelta(days=3))
    db.close()
    uc.sync(config, now=march + timedelta(days=3))


def test_reports_golden(it: Project) -> None:
    """Every report in every text format, against tests/golden/tickets/ (regenerate with
    UPDATE_GOLDEN=1 and review the diff)."""
    _history_for_reports(it)
    for kind in ("recap", "compliance", "open"):
        for fmt, suffix in (("markdown", "md"), ("csv", "csv"), ("html", "html")):
            lang = "en" if (kind, fmt) == ("recap", "html") else "id"
            done = run(
                it, "ticket", "report", kind, "--month", "2026-03", "--format", fmt,
                "--lang", lang, "--now", "2026-03-20T09:00+08:00",
            )  # fmt: skip
            assert done.exit_code == 0, done.output
            golden = GOLDEN / f"{kind}.{suffix}"
            if os.environ.get("UPDATE_GOLDEN"):
                golden.write_text(done.output, encoding="utf-8")
            assert done.output == golden.read_text(encoding="utf-8"), golden.name
            if fmt == "html":
                assert "<svg" in done.output


def test_request_form_prints_to_pdf(it: Project, tmp_path: Path) -> None:
    import pikepdf

    config = it.config
    t = uc.new(
        config, by="rina", workflow="B", title="Printer rusak", unit="Kepaniteraan", now=FRIDAY
    ).ticket
    uc.advance(config, t.id, by="eko", now=FRIDAY)
    html = uc.report(config, "form", fmt="html", ticket_id=t.id, now=FRIDAY).decode()
    assert "Formulir Permintaan Layanan Teknologi Informasi" in html
    assert "Kepaniteraan" in html and "Disposisi (ya / tidak)" in html
    blank = uc.report(config, "form", fmt="html", language="en", now=FRIDAY).decode()
    assert "IT Service Request Form" in blank and "Kepaniteraan" not in blank
    target = tmp_path / "form.pdf"
    done = run(
        it, "ticket", "report", "form", "--ticket", str(t.id), "--format", "pdf", "-o", str(target)
    )
    assert done.exit_code == 0, done.output
    with pikepdf.open(target) as pdf:
        assert len(pdf.pages) >= 1
    assert run(it, "ticket", "report", "form", "--format", "markdown").exit_code == 5


def test_ticket_settings_documented() -> None:
    from pipeline.config import HolidaySettings, IncidentLevel, StepOverride, TicketSettings

    text = (Path(__file__).parent.parent / "docs" / "configuration.md").read_text()
    for model in (TicketSettings, StepOverride, HolidaySettings, IncidentLevel):
        missing = [n for n in model.model_fields if f"`{n}`" not in text]
        assert missing == [], model.__name__


def test_health_check_opens_and_closes_the_incident_ticket(it: Project) -> None:
    from pipeline.commands.health import run_checks
    from tests.servers import Switchable

    server = Switchable()
    try:
        it.write(
            "warta.yml",
            CONFIG
            + "health:\n  endpoints:\n    - name: layanan\n"
            + f"      url: {server.url('/flip')}\n      retries: 0\n      failure_threshold: 1\n",
        )
        config = it.config
        server.healthy = False
        down = run_checks(config, now=FRIDAY)
        assert down.tickets is not None
        (ticket,) = down.tickets.opened
        assert (ticket.source, ticket.kind, ticket.priority) == ("health:layanan", "incident", "P1")
        server.healthy = True
        up = run_checks(config, now=FRIDAY + timedelta(minutes=30))
        assert up.tickets is not None and [t.id for t in up.tickets.closed] == [ticket.id]
        assert uc.show(config, ticket.id).ticket.status == "closed"
        server.healthy = False  # through the command line: the new ticket is reported
        checked = CliRunner().invoke(
            cli, ["--config", str(it.root / "warta.yml"), "health", "check"]
        )
        assert checked.exit_code == 1
        assert "ticket opened #" in checked.output and "[health:layanan]" in checked.output
    finally:
        server.close()


def _findings(
    db: sqlite3.Connection, recorded: datetime, requests: datetime, ips: list[str]
) -> None:
    clf = "%d/%b/%Y:%H:%M:%S %z"
    with opsdb.transaction(db):
        db.executemany(
            "INSERT INTO visitors_findings (recorded_at, ip, rule, first, last, count, samples) "
            "VALUES (?, ?, ?, ?, ?, ?, '[]')",
            [
                (
                    recorded.isoformat(),
                    ip,
                    ("probing", "sql-injection", "sensitive-files")[n % 3],
                    (requests + timedelta(minutes=n)).astimezone(UTC).strftime(clf),
                    (requests + timedelta(minutes=n + 5)).astimezone(UTC).strftime(clf),
                    10 + n,
                )
                for n, ip in enumerate(ips)
            ],
        )


def test_57_suspicious_addresses_open_one_incident(it: Project) -> None:
    """The first health check after an analysis opened 57 tickets, one per address: now the
    site gets one incident for the day, listing the addresses, and more findings that day
    are added to it as evidence."""
    it.write("warta.yml", CONFIG + "tickets:\n  receiver: eko\n")
    config = it.config
    db = opsdb.connect(database_path(config))
    # Requests of Thursday 12 March 2026 (Makassar), analysed on Friday.
    requests = datetime(2026, 3, 12, 1, 0, tzinfo=UTC)
    ips = [f"203.0.113.{n}" for n in range(1, 58)]
    _findings(db, FRIDAY, requests, ips)
    result = uc.sync(config, now=FRIDAY)
    assert [t.source for t in result.opened] == ["visitors:2026-03-12"]  # the requests' day
    ticket = uc.show(config, result.opened[0].id)
    assert ticket.ticket.title == "Aktivitas mencurigakan pada situs, 12 Maret 2026: 57 alamat IP"
    description = ticket.ticket.description
    assert all(f"- {ip}: " in description for ip in ips)
    assert "- 203.0.113.2: injeksi SQL; 11 permintaan, 09.01 WITA – 09.06 WITA" in description
    assert uc.sync(config, now=FRIDAY).opened == []
    # Three more addresses the same day: noted on the same incident, no new ticket.
    _findings(db, FRIDAY + timedelta(hours=1), requests, ["198.51.100.1", "198.51.100.2"])
    again = uc.sync(config, now=FRIDAY + timedelta(hours=1))
    assert again.opened == [] and [t.source for t in again.still_open] == ["visitors:2026-03-12"]
    events = uc.show(config, result.opened[0].id).events
    assert [e.action for e in events] == ["open", "assign", "evidence"]
    assert "59 alamat IP" in events[-1].note and "198.51.100.2" in events[-1].note
    uc.sync(config, now=FRIDAY + timedelta(hours=2))  # nothing new: no second note
    assert len(uc.show(config, result.opened[0].id).events) == 3
    # Requests on another day are another incident (at most one per day).
    _findings(db, FRIDAY + timedelta(hours=3), FRIDAY + timedelta(minutes=30), ["192.0.2.7"])
    other = uc.sync(config, now=FRIDAY + timedelta(hours=3))
    assert [t.source for t in other.opened] == ["visitors:2026-03-13"]
    assert len(uc.listing(config, kind="incident")) == 2
    db.close()


def test_denied_addresses_do_not_reopen_the_incident(it: Project) -> None:
    it.write("warta.yml", CONFIG)
    config = it.config
    db = opsdb.connect(database_path(config))
    requests = datetime(2026, 3, 12, 1, 0, tzinfo=UTC)
    _findings(db, FRIDAY, requests, ["203.0.113.1", "203.0.113.2"])
    opened = uc.sync(config, now=FRIDAY).opened
    assert [t.source for t in opened] == ["visitors:2026-03-12"]
    with opsdb.transaction(db):  # what `warta visitors analyze --deny-list` records
        db.executemany(
            "INSERT INTO visitors_denied (ip, denied_at, list) VALUES (?, ?, 'deny.conf')",
            [(ip, FRIDAY.isoformat()) for ip in ("203.0.113.1", "203.0.113.2")],
        )
    closed = uc.sync(config, now=FRIDAY + timedelta(hours=1))
    assert [t.source for t in closed.closed] == ["visitors:2026-03-12"]
    # The denied addresses come back (nginx answers them 403) and are found again.
    _findings(db, FRIDAY + timedelta(hours=2), requests, ["203.0.113.1", "203.0.113.2"])
    later = uc.sync(config, now=FRIDAY + timedelta(hours=2))
    assert later.opened == [] and later.still_open == []
    db.close()


def test_visitor_findings_dated_by_their_requests() -> None:
    assert incidents.request_time("01/Nov/2026:00:20:44 +0000") == datetime(
        2026, 11, 1, 0, 20, 44, tzinfo=UTC
    )
    assert incidents.request_time("2026-11-01T08:20:44+08:00") == datetime(
        2026, 11, 1, 0, 20, 44, tzinfo=UTC
    )
    assert incidents.request_time("garbage") is None


def test_no_english_in_the_indonesian_ticket_reports(it: Project) -> None:
    _history_for_reports(it)
    for kind in ("recap", "compliance", "open"):
        for fmt in ("markdown", "html"):
            done = run(
                it, "ticket", "report", kind, "--month", "2026-03", "--format", fmt,
                "--lang", "id", "--now", "2026-03-20T09:00+08:00",
            )  # fmt: skip
            assert done.exit_code == 0, done.output
            assert english_words(done.output) == [], (kind, fmt)
            if fmt == "html":
                assert '<html lang="id">' in done.output and "--warta-primary" in done.output
    form = render_tickets.form_page(
        site_name="Pengadilan Agama Uji",
        language="id",
        timezone="Asia/Makassar",
        workflow=DEFAULTS["B"],
    )
    assert english_words(form) == [] and "Formulir Permintaan Layanan" in form


# -- the requester is mailed when a ticket moves, from the command line too -------------


def _with_mail(project: Project, port: int) -> None:
    project.write(
        "warta.yml",
        CONFIG
        + "health:\n  alerts:\n    email:\n      to: [it@pa-uji.example]\n"
        + f"      sender: desk@pa-uji.example\n      port: {port}\n",
    )


def test_cli_advance_mails_the_requester_as_the_desk_does(it: Project) -> None:
    sink = MailSink()
    try:
        _with_mail(it, sink.port)
        opened = run(it, "ticket", "new", "Printer macet", "--requester", "eko", "--as", "dimas")
        assert opened.exit_code == 0, opened.output
        moved = run(it, "ticket", "advance", "1", "--step", "B1", "--as", "dimas")
        assert moved.exit_code == 0, moved.output
        rejected = run(it, "ticket", "reject", "1", "--step", "B2", "--note", "x", "--as", "agus")
        assert rejected.exit_code == 0, rejected.output
        assert [m["To"] for m in sink.messages] == ["eko@pa-uji.example"] * 3
        subjects = [m["Subject"] for m in sink.messages]
        assert "Permintaan #1 diterima: Printer macet" in subjects[0]
        assert "Permintaan #1 bergerak: Printer macet" in subjects[1]
        assert "Permintaan #1 ditolak: Printer macet" in subjects[2]
        body = sink.messages[1].get_content()
        assert "kini pada langkah B2" in body and "/tiket/1" in body
    finally:
        sink.close()


def test_a_failed_mail_loses_no_step_and_is_recorded_and_reported(it: Project) -> None:
    _with_mail(it, free_port())  # nothing listens there: the connection is refused
    opened = run(it, "ticket", "new", "Printer macet", "--requester", "eko", "--as", "dimas")
    assert opened.exit_code == 0 and "was not mailed" in opened.stderr, opened.output
    moved = run(it, "ticket", "advance", "1", "--step", "B1", "--as", "dimas")
    assert moved.exit_code == 0, moved.output
    assert "step B2" in moved.stdout  # the step is done
    assert "eko@pa-uji.example" in moved.stderr and "was not mailed" in moved.stderr
    assert uc.show(it.config, 1).ticket.step == "B2"
    db = opsdb.connect(database_path(it.config))
    failed = audit_entries(db, target="ticket:1")
    db.close()
    assert [e.action for e in failed] == ["mail-failed", "mail-failed"]  # new, advance
    assert all(e.detail for e in failed)  # why, kept (connection refused)


def test_a_queue_page_is_the_most_urgent_open_tickets_at_its_steps(it: Project) -> None:
    config = it.config
    for day in (5, 1, 9, 3, 7, 2, 8, 4, 6, 0):
        moment = FRIDAY - timedelta(days=day)
        t = uc.new(config, by="rina", workflow="B", title=f"Permintaan {day}", now=moment).ticket
        if day % 3 == 0:
            uc.advance(config, t.id, by="eko", now=moment)  # on to B2
    steps = ["B1", "B3"]
    everything = [t for t in uc.listing(config, status="open") if t.step in steps]
    expected = sorted(everything, key=lambda t: (t.due is None, t.due, t.id))
    db = opsdb.connect(database_path(config))
    try:
        assert [t.id for t in queue.at_steps(db, steps, limit=4)] == [t.id for t in expected[:4]]
        assert queue.count_at_steps(db, steps) == len(everything) == 6
    finally:
        db.close()
