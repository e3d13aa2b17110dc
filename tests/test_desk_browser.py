"""The desk in a real browser: Debian's Chromium driven by Playwright against the desk
served by uvicorn on loopback. A staff member files a request with a photo; the IT
staff, the sekretaris, the kasubbag and the kabag each take their steps on their own
accounts (the sekretaris with a one-time code); the requester sees it closed. axe-core
checks every page on the way; the screenshots of docs/desk.md are taken here
(``WARTA_SCREENSHOTS=1`` writes them into docs/images/desk/)."""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyotp
import pytest
import uvicorn
from argon2 import PasswordHasher

from pipeline import opsdb
from pipeline.accounts import store
from pipeline.commands import accounts
from pipeline.commands import tickets as ticket_cases
from pipeline.desk.app import create_app
from pipeline.health.store import database_path
from pipeline.report import store as kept_reports
from tests.browser import DESKTOP, PHONE, axe_violations
from tests.conftest import Project
from tests.desk_helpers import PASSWORD, desk_config, jpeg
from tests.servers import free_port, wait_for_port

SHOTS = Path(__file__).parent.parent / "docs" / "images" / "desk"


@pytest.fixture
def served(project: Project, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Project]]:
    monkeypatch.setattr(store, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024))
    port = free_port()
    project.write(
        "warta.yml",
        desk_config(
            f"desk:\n  url: http://127.0.0.1:{port}\n"
            "health:\n  endpoints:\n    - {name: situs, url: 'https://pa-uji.example/'}\n"
            "    - {name: sipp, url: 'https://sipp.pa-uji.example/'}\n"
        ),
    )
    seed_situation(project)
    for person in ("dimas", "agus", "yusuf", "lestari"):
        link = accounts.invite(project.config, person, by="dimas").link
        accounts.accept(project.config, link.rsplit("/", 1)[1], PASSWORD, PASSWORD)
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(project.config),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            proxy_headers=False,
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_for_port(port)
    yield f"http://127.0.0.1:{port}", project
    server.should_exit = True
    thread.join(10)


def seed_situation(project: Project) -> None:
    """A week of checks, a backup and a drill, a finding, a renewal and a kept report, so
    that the dashboard's screenshot shows every part."""
    now = datetime.now(UTC)
    db = opsdb.connect(database_path(project.config))
    with opsdb.transaction(db):
        for minutes in range(0, 7 * 24 * 60, 30):
            at = (now - timedelta(minutes=minutes)).isoformat()
            for endpoint, fails in (("situs", minutes % 3000 == 0), ("sipp", 600 < minutes < 1500)):
                db.execute(
                    "INSERT INTO health_results (endpoint, at, success, status, response_ms) "
                    "VALUES (?, ?, ?, 200, 180)",
                    (endpoint, at, int(not fails)),
                )
        db.execute("INSERT INTO health_state VALUES ('situs', 'up', 0, 5, ?)", (now.isoformat(),))
        db.execute(
            "INSERT INTO health_state VALUES ('sipp', 'up', 0, 5, ?)",
            ((now - timedelta(hours=10)).isoformat(),),
        )
        for kind, hours in (("backup", 5), ("drill", 50)):
            db.execute(
                "INSERT INTO backup_events (at, repository, kind, snapshot, ok, files, bytes, "
                "detail) VALUES (?, '/media/cadangan', ?, 'a1b2c3', 1, 2400, 1100000000, '')",
                ((now - timedelta(hours=hours)).isoformat(), kind),
            )
        db.execute(
            "INSERT INTO visitors_findings (recorded_at, ip, rule, first, last, count, samples) "
            "VALUES (?, '203.0.113.9', 'wp-login-scan', 'a', 'b', 412, '[\"GET /wp-login.php\"]')",
            ((now - timedelta(days=1)).isoformat(),),
        )
        db.execute(
            "INSERT INTO renewals (id, kind, provider, description, period_months, cost, due, "
            "reminded, created_at) VALUES ('hosting-utama', 'hosting', 'PT Awan Nusantara', "
            "'', 12, 0, ?, NULL, ?)",
            ((now + timedelta(days=41)).date().isoformat(), now.isoformat()),
        )
    kept_reports.add(
        db,
        kind="situation",
        period="week",
        first=(now - timedelta(days=7)).date(),
        last=(now - timedelta(days=1)).date(),
        language="id",
        created_at=now,
        markdown="# Laporan situasi",
        html="<h1>Laporan situasi</h1>",
        pdf=None,
    )
    db.close()


class Person:
    """One person's own browser context (own cookies), logged in through the pages."""

    def __init__(self, browser: Any, base: str, viewport: dict[str, int] = DESKTOP) -> None:
        self.base = base
        self.context = browser.new_context(viewport=viewport, bypass_csp=True, locale="id-ID")
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.page.route("**/*", self._route)
        self.page.on(
            "console",
            lambda m: self.problems.append(f"console: {m.text}") if m.type == "error" else None,
        )
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        self.checked: list[str] = []

    def _route(self, route: Any) -> None:
        # nothing beyond the desk on loopback: no font, no CDN, no tracker
        if route.request.url.startswith((self.base, "data:")):
            route.continue_()
        else:
            self.problems.append(f"outside request: {route.request.url}")
            route.abort()

    def go(self, path: str) -> Any:
        self.page.goto(self.base + path)
        return self.page

    def submit(self, selector: str) -> None:
        with self.page.expect_navigation():
            self.page.click(selector)

    def login(self, person: str, secret: str = "") -> str:
        self.go("/masuk")
        self.page.fill("#person", person)
        self.page.fill("#password", PASSWORD)
        self.submit("button[type=submit]")
        if self.page.url.endswith("/kode/aktifkan"):
            secret = self.page.inner_text("code.secret").replace(" ", "")
            self.page.fill("#code", pyotp.TOTP(secret).now())
            self.submit("main button[type=submit]")
        elif self.page.url.endswith("/kode"):
            # the code of the next time step (accepted one step early): never the code
            # already spent at the set-up, which the desk refuses as a replay
            self.page.fill("#code", pyotp.TOTP(secret).at(time.time() + 30))
            self.submit("main button[type=submit]")
        assert "/kode" not in self.page.url and "/masuk" not in self.page.url, self.page.url
        return secret

    def accessible(self, name: str) -> None:
        found = axe_violations(self.page)
        assert found == [], (name, found)
        self.checked.append(name)

    def shot(self, name: str) -> None:
        data = self.page.screenshot(full_page=True)
        assert len(data) > 5000
        if os.environ.get("WARTA_SCREENSHOTS"):
            SHOTS.mkdir(parents=True, exist_ok=True)
            (SHOTS / f"{name}.png").write_bytes(data)


def test_a_request_from_filing_to_closed_by_five_people(
    served: tuple[str, Project], chromium: Any, tmp_path: Path
) -> None:
    base, project = served
    link = accounts.invite(project.config, "rina", by="dimas").link
    photo = tmp_path / "printer-macet.jpg"
    photo.write_bytes(jpeg(640, 480, "orange"))

    rina = Person(chromium, base, PHONE)  # the requester files from her phone
    rina.page.goto(link)
    rina.accessible("invitation")
    rina.page.fill("#password", PASSWORD)
    rina.page.fill("#password2", PASSWORD)
    rina.submit("main button[type=submit]")
    assert "Kata sandi tersimpan" in rina.page.content()
    rina.accessible("login")
    rina.shot("masuk")
    rina.login("rina")
    rina.go("/permintaan/baru")
    rina.accessible("new request")
    rina.page.fill("#title", "Printer di ruang PTSP macet")
    rina.page.fill("#unit", "Subbagian Umum")
    rina.page.fill("#description", "Kertas tersangkut, lampu merah berkedip.")
    rina.page.fill("#since", "Senin pagi")
    rina.page.fill("#hindrance", "Akta cerai tidak dapat dicetak untuk para pihak")
    rina.page.set_input_files("#lampiran", str(photo))
    rina.shot("permintaan-baru")
    rina.submit("main button[type=submit]")
    number = int(re.search(r"/tiket/(\d+)", rina.page.url).group(1))
    assert f"Permintaan #{number} tercatat" in rina.page.content()
    rina.accessible("ticket (requester)")

    def take(
        who: Person, step: str, fill: dict[str, str] | None = None, button: str = "yes"
    ) -> None:
        page = who.go(f"/tiket/{number}")
        assert f"Langkah Anda: {step}" in page.content(), (step, page.content()[:3000])
        for selector, value in (fill or {}).items():
            if selector.startswith("select"):
                page.select_option(selector.split(":", 1)[1], value)
            else:
                page.fill(selector, value)
        who.submit(f"button[name=decision][value={button}]")
        assert "Langkah tercatat" in who.page.content(), (step, who.page.content()[:3000])

    dimas = Person(chromium, base)
    dimas.login("dimas")
    dimas.go("/antrean")
    assert f"#{number}" in dimas.page.content()
    dimas.accessible("queue")
    dimas.shot("antrean")
    dimas.go(f"/tiket/{number}")
    dimas.accessible("ticket (step form)")
    dimas.shot("tiket-langkah")
    take(dimas, "B1")

    agus = Person(chromium, base, PHONE)  # the sekretaris decides from a phone, with a code
    agus_secret = agus.login("agus")
    agus.go(f"/tiket/{number}")
    agus.accessible("ticket (disposition)")
    agus.shot("disposisi-ponsel")
    take(agus, "B2", {"#note": "Tindak lanjuti"})

    take(dimas, "B3", {"#note": "Rol penarik kertas aus"})
    take(dimas, "B4", {"select:#classification": "perangkat-keras"})

    yusuf = Person(chromium, base)
    yusuf.login("yusuf")
    take(yusuf, "B5")
    take(yusuf, "B6", {"select:#impact": "medium", "select:#urgency": "high"})

    lestari = Person(chromium, base)
    lestari.login("lestari")
    take(lestari, "B7", {"#note": "Ganti rol, atau pinjam printer Subbagian Kepegawaian"})

    agus.context.clear_cookies()  # a new login: this time the code is asked, not set up
    agus.login("agus", agus_secret)
    take(agus, "B8")
    take(dimas, "B9", {"#note": "Rol diganti, printer mencetak lagi"})

    rina.go("/")
    rina.accessible("my requests")
    rina.shot("permintaan-saya")
    row = rina.page.inner_text("tbody tr")
    assert "Printer di ruang PTSP macet" in row and "selesai" in row
    rina.go(f"/tiket/{number}")
    assert rina.page.get_attribute("a[href^='/lampiran/']", "href")
    record = ticket_cases.show(project.config, number)
    assert record.ticket.status == "closed"
    assert [e.actor for e in record.events if e.action == "advance"] == [
        "dimas",
        "agus",
        "dimas",
        "dimas",
        "yusuf",
        "yusuf",
        "lestari",
        "agus",
        "dimas",
    ]
    dimas.go("/dasbor")
    assert "berjalan" in dimas.page.content() and "203.0.113.9" in dimas.page.content()
    dimas.accessible("dashboard")
    dimas.shot("dasbor")
    for person in (rina, dimas, agus, yusuf, lestari):
        assert person.problems == []
        person.context.close()
