"""What the desk keeps between requests (docs/desk.md, "Speed"): sessions and the pages
of the queue, the dashboard and a requester's own requests. Nothing kept is ever stale
(a change by any process is seen on the very next request), ever another session's or
person's, or ever served after a logout or an expiry, also by another worker process."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from pipeline.commands import desk as rooms
from pipeline.health.store import database_path
from tests.conftest import Project
from tests.desk_helpers import Desk, csrf_of, desk_config, late_draft

pytestmark = pytest.mark.usefixtures("quick_hashes")  # (tests/conftest.py)


@pytest.fixture
def site(project: Project) -> Project:
    project.write("warta.yml", desk_config())
    return project


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many times each kept page's use case ran (a page served kept runs none)."""
    calls: Counter[str] = Counter()

    def counting(name: str) -> Callable[..., Any]:
        real = getattr(rooms, name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            calls[name] += 1
            return real(*args, **kwargs)

        return wrapper

    for name in ("my_queue", "dashboard", "my_requests"):
        monkeypatch.setattr(rooms, name, counting(name))
    return calls


def file_request(desk: Desk, client: Any, title: str) -> int:
    token = desk.csrf(client, "/permintaan/baru")
    answer = client.post(
        "/permintaan/baru",
        data={
            "csrf": token,
            "title": title,
            "unit": "Subbagian Umum",
            "description": "Kertas tersangkut.",
            "since": "Senin pagi",
            "hindrance": "Akta tidak dapat dicetak",
        },
    )
    assert answer.status_code == 303, answer.text
    return int(answer.headers["location"].split("/")[2].split("?")[0])


def plain_write(desk: Desk, sql: str, *args: object) -> None:
    """A write by another process (the command line, a health check): plain SQLite."""
    code = (
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
        "c.execute(sys.argv[2], sys.argv[3:]); c.commit()"
    )
    subprocess.run(
        [sys.executable, "-c", code, str(database_path(desk.config)), sql, *map(str, args)],
        check=True,
    )


def test_a_kept_queue_shows_any_change_on_the_very_next_request(
    site: Project, made: Counter[str]
) -> None:
    desk = Desk(site.config)
    desk.account("dimas")
    desk.account("rina")
    dimas, rina = desk.login("dimas"), desk.login("rina")
    first = dimas.get("/antrean")
    again = dimas.get("/antrean")
    assert first.status_code == again.status_code == 200
    assert again.text == first.text and made["my_queue"] == 1  # served kept
    number = file_request(desk, rina, "Printer PTSP macet")  # a write through the desk
    queue = dimas.get("/antrean")
    assert "Printer PTSP macet" in queue.text and made["my_queue"] == 2
    # another process changes the ticket: seen at once, though nothing in this one wrote
    plain_write(desk, "UPDATE tickets SET title = ? WHERE id = ?", "Pemindai rusak", number)
    queue = dimas.get("/antrean")
    assert "Pemindai rusak" in queue.text and "Printer PTSP macet" not in queue.text
    # the requester's own page likewise
    assert "Pemindai rusak" in rina.get("/").text
    # another desk process (a second worker) writing: seen by this one's next request
    other = Desk(site.config, clock=desk.clock)
    other_rina = other.login("rina")
    file_request(other, other_rina, "Jaringan lantai dua putus")
    assert "Jaringan lantai dua putus" in dimas.get("/antrean").text


def test_a_noted_session_use_and_login_attempts_keep_the_pages(
    site: Project, made: Counter[str]
) -> None:
    desk = Desk(site.config)
    desk.account("dimas")
    dimas = desk.login("dimas")
    dimas.get("/antrean")
    desk.clock.advance(seconds=31)  # the session's use is noted (a write)...
    dimas.get("/antrean")
    desk.client().post("/masuk", data={"csrf": "x", "person": "dimas", "password": "salah"})
    wrong = desk.client()
    page = wrong.get("/masuk")
    wrong.post(
        "/masuk", data={"csrf": csrf_of(page.text), "person": "dimas", "password": "salah-sekali"}
    )
    dimas.get("/antrean")
    assert made["my_queue"] == 1  # ...and a failed login too: neither changes the page
    db = sqlite3.connect(database_path(desk.config))
    (seen,) = db.execute("SELECT last_seen FROM desk_sessions").fetchone()
    db.close()
    assert seen == desk.clock().isoformat()  # the use was still noted in the database


def test_kept_pages_are_per_session_never_another_persons(
    site: Project, made: Counter[str]
) -> None:
    desk = Desk(site.config)
    for person in ("rina", "sari"):
        desk.account(person)
    rina, sari, rina_phone = desk.login("rina"), desk.login("sari"), desk.login("rina")
    file_request(desk, rina, "Permintaan milik Rina")
    file_request(desk, sari, "Permintaan milik Sari")
    for _ in range(2):
        pages = {name: c.get("/").text for name, c in (("rina", rina), ("sari", sari))}
        phone = rina_phone.get("/").text
        assert "Permintaan milik Rina" in pages["rina"] and "Sari" not in pages["rina"]
        assert "Permintaan milik Sari" in pages["sari"] and "Rina" not in pages["sari"]
        # the same person's other session: the same rows, its own CSRF token
        assert "Permintaan milik Rina" in phone
        assert csrf_of(phone) != csrf_of(pages["rina"])
        assert csrf_of(pages["rina"]) != csrf_of(pages["sari"])
    assert made["my_requests"] == 3  # one per session, the second round kept
    # the language is part of what a page is kept under
    rina.get("/bahasa/en")
    assert "My requests" in rina.get("/").text and "Permintaan saya" in phone


def test_logout_and_expiry_end_kept_sessions_at_once_in_every_worker(
    site: Project, made: Counter[str]
) -> None:
    desk = Desk(site.config)
    other = Desk(site.config, clock=desk.clock)  # a second worker process's memory
    desk.account("dimas")
    dimas = desk.login("dimas")
    twin = other.client()
    twin.cookies.update(dimas.cookies)
    for client in (dimas, twin, dimas, twin):
        assert client.get("/antrean").status_code == 200  # kept in both workers
    assert made["my_queue"] == 2
    out = dimas.post("/keluar", data={"csrf": desk.csrf(dimas, "/antrean")})
    assert out.status_code == 303
    for client in (dimas, twin):
        answer = client.get("/antrean")
        assert answer.status_code == 303 and answer.headers["location"].startswith("/masuk")
    # an idle session kept in memory ends at the timeout as one read from the database
    dimas = desk.login("dimas")
    twin.cookies.update(dimas.cookies)
    assert twin.get("/antrean").status_code == 200
    desk.clock.advance(minutes=31)
    assert twin.get("/antrean").status_code == 303
    assert dimas.get("/antrean").status_code == 303


def test_a_kept_dashboard_is_made_again_for_new_content_and_each_minute(
    site: Project, made: Counter[str]
) -> None:
    desk = Desk(site.config)
    desk.account("dimas")
    dimas = desk.login("dimas")
    first = dimas.get("/dasbor")
    assert first.status_code == 200 and dimas.get("/dasbor").text == first.text
    assert made["dashboard"] == 1
    late_draft(site)
    late = dimas.get("/dasbor")
    assert made["dashboard"] == 2 and "terlambat" in late.text  # a new file: made again
    dimas.get("/dasbor")
    assert made["dashboard"] == 2
    desk.clock.advance(minutes=1)  # a new minute: times and windows move
    dimas.get("/dasbor")
    assert made["dashboard"] == 3
    # a page with a notice is shown once, never kept
    dimas.get("/antrean?pesan=putaran")
    dimas.get("/antrean?pesan=putaran")
    assert made["my_queue"] == 2
