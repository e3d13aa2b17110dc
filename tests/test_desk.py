"""The staff desk over HTTP (FastAPI's TestClient, a real SQLite database, a real SMTP
server on loopback): accounts, sessions, CSRF, one-time codes, throttling, the request
room with its step rules, uploads, the dashboard, headers and error pages."""

from __future__ import annotations

import logging
import re
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from pipeline import opsdb
from pipeline.accounts import store
from pipeline.commands import desk as rooms
from pipeline.commands import tickets as ticket_cases
from pipeline.config import parse_config
from pipeline.errors import WorkflowError
from pipeline.health.store import database_path
from pipeline.report import store as kept_reports
from tests.conftest import Project
from tests.desk_helpers import MONDAY, PASSWORD, Clock, Desk, csrf_of, desk_config, jpeg, late_draft
from tests.servers import MailSink, free_port

pytestmark = pytest.mark.usefixtures("quick_hashes")  # (tests/conftest.py)


def test_password_hash_uses_argon2id_defaults() -> None:
    hashed = PasswordHasher().hash("x")
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert store.hash_password.__module__ == "pipeline.accounts.store"


@pytest.fixture
def site(project: Project) -> Project:
    project.write("warta.yml", desk_config())
    return project


@pytest.fixture
def desk(site: Project) -> Desk:
    return Desk(site.config)


def audit_rows(desk: Desk) -> list[tuple[str, str, str, str]]:
    db = sqlite3.connect(database_path(desk.config))
    try:
        return list(
            db.execute("SELECT person, address, action, target FROM desk_audit ORDER BY id")
        )
    finally:
        db.close()


def file_request(desk: Desk, client, photo: bytes | None = None, name: str = "layar.jpg"):  # type: ignore[no-untyped-def]
    token = desk.csrf(client, "/permintaan/baru")
    files = [("lampiran", (name, photo, "image/jpeg"))] if photo is not None else []
    return client.post(
        "/permintaan/baru",
        data={
            "csrf": token,
            "title": "Printer di ruang PTSP macet",
            "unit": "Subbagian Umum",
            "description": "Kertas tersangkut dan lampu merah berkedip.",
            "since": "Senin pagi",
            "hindrance": "Akta cerai tidak dapat dicetak",
        },
        files=files,
    )


def ticket_count(desk: Desk) -> int:
    db = opsdb.connect(database_path(desk.config))
    try:
        return int(db.execute("SELECT COUNT(*) FROM tickets").fetchone()[0])
    finally:
        db.close()


# -- accounts and sessions --------------------------------------------------------------


def test_invitation_sets_a_password_once_and_expires_after_72_hours(desk: Desk) -> None:
    client = desk.client()
    path = desk.invite("rina")
    page = client.get(path)
    assert page.status_code == 200 and "Rina Operator" in page.text
    token = csrf_of(page.text)
    short = client.post(path, data={"csrf": token, "password": "pendek", "password2": "pendek"})
    assert short.status_code == 401 and "lebih pendek dari 12 karakter" in short.text
    done = client.post(path, data={"csrf": token, "password": PASSWORD, "password2": PASSWORD})
    assert done.status_code == 303 and done.headers["location"] == "/masuk?pesan=sandi"
    again = client.get(path)
    assert again.status_code == 410 and "sudah dipakai" in again.text
    # the password is an argon2 hash in the operational database, never the text
    db = sqlite3.connect(database_path(desk.config))
    stored = db.execute("SELECT password_hash FROM desk_accounts WHERE person='rina'").fetchone()
    assert stored[0].startswith("$argon2id$") and PASSWORD not in stored[0]
    late = desk.invite("sari")
    desk.clock.advance(hours=72)
    expired = desk.client().get(late)
    assert expired.status_code == 410 and "kedaluwarsa" in expired.text
    assert desk.client().get("/undangan/tidak-ada").status_code == 410


def test_login_session_cookie_idle_timeout_and_logout(desk: Desk) -> None:
    desk.account("rina")
    anonymous = desk.client()
    first = anonymous.get("/")
    assert first.status_code == 303 and first.headers["location"].startswith("/masuk")
    client = desk.login("rina")
    cookie = next(c for c in client.cookies.jar if c.name == "desk")
    assert cookie.has_nonstandard_attr("HttpOnly")
    home = client.get("/")
    assert home.status_code == 200 and "Permintaan saya" in home.text
    # the raw Set-Cookie header: HttpOnly, SameSite, no Secure over plain HTTP
    page = desk.client().get("/masuk")
    answer = desk.client().post(
        "/masuk",
        data={"csrf": csrf_of(page.text), "person": "rina", "password": PASSWORD},
        cookies=dict(page.cookies),
    )
    header = answer.headers["set-cookie"].lower()
    assert "httponly" in header and "samesite=lax" in header and "secure" not in header
    desk.clock.advance(minutes=31)  # idle longer than desk.idle_timeout (30 min)
    assert client.get("/").status_code == 303
    client = desk.login("rina")
    out = client.post("/keluar", data={"csrf": desk.csrf(client)})
    assert out.status_code == 303 and out.headers["location"] == "/masuk?pesan=keluar"
    assert client.get("/").status_code == 303
    actions = [row[2] for row in audit_rows(desk)]
    assert {"password-set", "login", "session-expired", "logout"} <= set(actions)


def test_secure_cookie_behind_a_trusted_tls_proxy(site: Project) -> None:
    site.write("warta.yml", desk_config("desk:\n  trusted_proxies: [testclient]\n"))
    desk = Desk(site.config)
    desk.account("rina")
    client = desk.client(https=True)
    client.headers.update({"x-forwarded-proto": "https", "x-forwarded-for": "10.1.2.3"})
    page = client.get("/masuk")
    answer = client.post(
        "/masuk", data={"csrf": csrf_of(page.text), "person": "rina", "password": PASSWORD}
    )
    header = answer.headers["set-cookie"].lower()
    assert header.startswith("__host-desk=") and "secure" in header and "httponly" in header
    assert "strict-transport-security" in client.get("/masuk").headers
    assert ("rina", "10.1.2.3", "login", "") in audit_rows(desk)


def test_wrong_password_and_throttling_per_account_and_per_address(site: Project) -> None:
    site.write("warta.yml", desk_config("desk:\n  trusted_proxies: [testclient]\n"))
    desk = Desk(site.config)
    desk.account("rina")

    def attempt(person: str, password: str, address: str):  # type: ignore[no-untyped-def]
        client = desk.client(address)
        page = client.get("/masuk")
        return client.post(
            "/masuk", data={"csrf": csrf_of(page.text), "person": person, "password": password}
        )

    wrong = attempt("rina", "salah-sama-sekali", "10.0.0.1")
    assert wrong.status_code == 401 and "ID atau kata sandi salah" in wrong.text
    unknown = attempt("siapa", "salah-sama-sekali", "10.0.0.1")
    assert unknown.status_code == 401 and "ID atau kata sandi salah" in unknown.text  # no hint
    for n in range(4):
        attempt("rina", f"salah-{n}", f"10.0.1.{n}")
    # five failures for the account within 15 minutes: even the right password waits
    locked = attempt("rina", PASSWORD, "10.0.9.9")
    assert locked.status_code == 429 and "terlalu banyak percobaan" in locked.text
    assert int(locked.headers["retry-after"]) > 0
    desk.clock.advance(minutes=16)
    assert attempt("rina", PASSWORD, "10.0.9.9").status_code == 303
    # twenty failures from one address, spread over many accounts: that address waits
    for n in range(20):
        attempt(f"orang{n}", "tebak-tebak", "10.6.6.6")
    desk.clock.advance(minutes=1)
    blocked = attempt("rina", PASSWORD, "10.6.6.6")
    assert blocked.status_code == 429 and "alamat ini" in blocked.text
    assert attempt("rina", PASSWORD, "10.0.9.8").status_code == 303


def test_one_time_code_required_for_approving_roles_and_never_replayed(desk: Desk) -> None:
    desk.account("agus")  # sekretaris: TOTP required
    client = desk.client()
    page = client.get("/masuk")
    answer = client.post(
        "/masuk", data={"csrf": csrf_of(page.text), "person": "agus", "password": PASSWORD}
    )
    assert answer.headers["location"] == "/kode/aktifkan"
    # every page leads back to the set-up until a code is confirmed
    assert client.get("/antrean").headers["location"] == "/kode/aktifkan"
    setup = client.get("/kode/aktifkan")
    assert setup.status_code == 200 and "otpauth://totp/" in setup.text
    wrong = client.post("/kode/aktifkan", data={"csrf": csrf_of(setup.text), "code": "000000"})
    assert wrong.status_code == 401 and "kode sekali pakai salah" in wrong.text
    client = desk.login("agus")  # enrols, with a right code
    assert client.get("/antrean").status_code == 200
    # the next login asks for a code; the same code twice is refused (replay)
    other = desk.client()
    page = other.get("/masuk")
    answer = other.post(
        "/masuk", data={"csrf": csrf_of(page.text), "person": "agus", "password": PASSWORD}
    )
    assert answer.headers["location"] == "/kode"
    assert other.get("/").headers["location"] == "/kode"
    code = desk.code("agus")
    form = other.get("/kode")
    assert other.post("/kode", data={"csrf": csrf_of(form.text), "code": code}).status_code == 303
    third = desk.client()
    page = third.get("/masuk")
    third.post("/masuk", data={"csrf": csrf_of(page.text), "person": "agus", "password": PASSWORD})
    form = third.get("/kode")
    replay = third.post("/kode", data={"csrf": csrf_of(form.text), "code": code})
    assert replay.status_code == 401 and "sudah dipakai" in replay.text
    # optional for others: rina logs in with her password alone
    desk.account("rina")
    assert desk.login("rina").get("/").status_code == 200


def test_csrf_missing_foreign_or_replayed_token_is_refused(desk: Desk) -> None:
    desk.account("rina")
    client = desk.login("rina")
    data = {"title": "Judul", "unit": "Umum", "description": "Rusak"}
    missing = client.post("/permintaan/baru", data=data)
    assert missing.status_code == 403 and "Formulir ini kedaluwarsa" in missing.text
    old_token = desk.csrf(client)
    client.post("/keluar", data={"csrf": old_token})
    client = desk.login("rina")  # a new session has a new token: the old one is dead
    replayed = client.post("/permintaan/baru", data={**data, "csrf": old_token})
    assert replayed.status_code == 403
    other = desk.login("rina")
    foreign = client.post("/permintaan/baru", data={**data, "csrf": desk.csrf(other)})
    assert foreign.status_code == 403
    # the login form itself carries a token bound to its cookie (no login CSRF)
    fresh = desk.client()
    forged = fresh.post("/masuk", data={"csrf": "x" * 43, "person": "rina", "password": PASSWORD})
    assert forged.status_code == 403
    assert ticket_count(desk) == 0


def test_open_redirect_after_login_is_refused(desk: Desk) -> None:
    desk.account("rina")
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        client = desk.client()
        page = client.get("/masuk", params={"lanjut": target})
        assert 'name="next" value="/"' in page.text
        answer = client.post(
            "/masuk",
            data={
                "csrf": csrf_of(page.text),
                "person": "rina",
                "password": PASSWORD,
                "next": target,
            },
        )
        assert answer.headers["location"] == "/"


# -- the request room -------------------------------------------------------------------


def people(desk: Desk, *names: str) -> dict[str, object]:
    for name in names:
        desk.account(name)
    return {name: desk.login(name) for name in names}


def step(desk: Desk, client, number: int, step_id: str, **data: str):  # type: ignore[no-untyped-def]
    token = desk.csrf(client, f"/tiket/{number}")
    return client.post(f"/tiket/{number}/langkah", data={"csrf": token, "step": step_id, **data})


def test_service_request_b1_to_b9_with_mail_to_the_requester(site: Project) -> None:
    sink = MailSink()
    try:
        site.write(
            "warta.yml",
            desk_config(
                "health:\n  alerts:\n    email:\n      to: [it@pa-uji.example]\n"
                f"      sender: desk@pa-uji.example\n      port: {sink.port}\n"
            ),
        )
        desk = Desk(site.config)
        c = people(desk, "rina", "dimas", "yusuf", "lestari", "agus")
        filed = file_request(desk, c["rina"], jpeg())
        assert filed.status_code == 303
        number = int(re.search(r"/tiket/(\d+)", filed.headers["location"]).group(1))
        page = c["rina"].get(f"/tiket/{number}")
        assert "Printer di ruang PTSP macet" in page.text and "Dimas Admin" in page.text
        assert "Langkah Anda" not in page.text  # the requester is offered no step form
        mine = c["rina"].get("/").text
        assert "B1 — Menerima permintaan layanan TI" in mine and "1 hari kerja lagi" in mine
        assert f"#{number}" in c["dimas"].get("/antrean").text
        assert f"#{number}" not in c["yusuf"].get("/antrean").text  # not yet their step
        for who, step_id, extra in [
            ("dimas", "B1", {}),
            ("agus", "B2", {"decision": "yes", "note": "Disposisi: tindak lanjuti"}),
            ("dimas", "B3", {"note": "Diperiksa: rol penarik kertas aus"}),
            ("dimas", "B4", {"classification": "perangkat-keras"}),
            ("yusuf", "B5", {}),
            ("yusuf", "B6", {"impact": "medium", "urgency": "high"}),
            ("lestari", "B7", {"note": "Ganti rol atau pinjam printer lain"}),
            ("agus", "B8", {"decision": "yes"}),
            ("dimas", "B9", {"note": "Rol diganti, printer jalan"}),
        ]:
            done = step(desk, c[who], number, step_id, **extra)
            assert done.status_code == 303, (step_id, done.text)
        closed = c["rina"].get(f"/tiket/{number}").text
        assert "selesai" in closed and "P2" in closed and "Klasifikasi: perangkat-keras" in closed
        record = ticket_cases.show(desk.config, number)
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
        subjects = [m["Subject"] for m in sink.messages]
        assert all(m["To"] == "rina@pa-uji.example" for m in sink.messages)
        assert subjects[0].endswith(f"Permintaan #{number} diterima: Printer di ruang PTSP macet")
        assert sum("bergerak" in s for s in subjects) == 8
        assert "selesai" in subjects[-1]
    finally:
        sink.close()


def test_a_failed_mail_keeps_the_request_and_says_so_on_its_page(site: Project) -> None:
    site.write(
        "warta.yml",
        desk_config(
            "health:\n  alerts:\n    email:\n      to: [it@pa-uji.example]\n"
            f"      sender: desk@pa-uji.example\n      port: {free_port()}\n"  # nobody there
        ),
    )
    desk = Desk(site.config)
    c = people(desk, "rina")
    filed = file_request(desk, c["rina"], jpeg())
    assert filed.status_code == 303 and "pesan=diajukan-surel" in filed.headers["location"]
    page = c["rina"].get(filed.headers["location"]).text
    assert "Surel ke pemohon gagal terkirim" in page and "surel gagal terkirim" in page
    number = int(re.search(r"/tiket/(\d+)", filed.headers["location"]).group(1))
    assert ticket_cases.show(desk.config, number).ticket.status == "open"  # nothing lost


def test_wrong_role_is_refused_naming_who_may_act_as_the_cli_does(desk: Desk) -> None:
    c = people(desk, "rina", "yusuf")
    number = int(
        re.search(r"/tiket/(\d+)", file_request(desk, c["rina"]).headers["location"]).group(1)
    )
    refused = step(desk, c["yusuf"], number, "B1")
    assert refused.status_code == 403
    assert (
        f"yusuf tidak dapat mengerjakan langkah B1 (Menerima permintaan layanan TI) tiket "
        f"#{number}: langkah ini memerlukan peran pranata-komputer atau web-admin"
    ) in refused.text
    assert (
        "mintalah kepada pemegang peran pranata-komputer atau web-admin (dimas, eko)"
        in refused.text
    )
    # the command line refuses the same step with the same facts
    with pytest.raises(WorkflowError) as cli_error:
        ticket_cases.advance(desk.config, number, by="yusuf", step="B1")
    assert "it needs the role pranata-komputer or web-admin" in cli_error.value.message
    assert "(dimas, eko)" in cli_error.value.hint
    assert ticket_cases.show(desk.config, number).ticket.step == "B1"  # nothing written
    assert ("yusuf", "testclient", "refused", f"ticket:{number}") in audit_rows(desk)
    # the ticket page offers the step only to its roles, and says who holds it
    page = c["yusuf"].get(f"/tiket/{number}").text
    assert "Langkah Anda" not in page and "dikerjakan oleh peran admin web" in page.replace(
        "pranata komputer atau ", ""
    )


def test_steps_in_order_none_skipped_none_done_twice(desk: Desk) -> None:
    c = people(desk, "rina", "dimas")
    number = int(
        re.search(r"/tiket/(\d+)", file_request(desk, c["rina"]).headers["location"]).group(1)
    )
    skipped = step(desk, c["dimas"], number, "B3")
    assert skipped.status_code == 409
    assert "tidak ada langkah yang dilewati" in skipped.text
    assert step(desk, c["dimas"], number, "B1").status_code == 303
    twice = step(desk, c["dimas"], number, "B1")
    assert twice.status_code == 409 and "sudah dikerjakan" in twice.text
    assert ticket_cases.show(desk.config, number).ticket.step == "B2"


def test_rejection_at_the_disposition_needs_a_reason_and_closes_for_good(desk: Desk) -> None:
    c = people(desk, "rina", "dimas", "agus")
    number = int(
        re.search(r"/tiket/(\d+)", file_request(desk, c["rina"]).headers["location"]).group(1)
    )
    step(desk, c["dimas"], number, "B1")
    no_reason = step(desk, c["agus"], number, "B2", decision="no")
    assert no_reason.status_code == 409 and "memerlukan alasan" in no_reason.text
    assert (
        step(desk, c["agus"], number, "B2", decision="no", note="Bukan urusan TI").status_code
        == 303
    )
    assert "ditolak" in c["rina"].get("/").text
    late = step(desk, c["dimas"], number, "B3")
    assert late.status_code == 409 and "sudah ditolak" in late.text


def test_uploads_checked_by_content_and_size_nothing_half_written(site: Project) -> None:
    site.write("warta.yml", desk_config("desk:\n  max_upload_mb: 0.05\n"))
    desk = Desk(site.config)
    client = people(desk, "rina")["rina"]
    lying = file_request(desk, client, b"#!/bin/sh\nrm -rf /\n", name="foto.jpg")
    assert lying.status_code == 422 and "jenis berkas tidak didukung" in lying.text
    html_as_png = file_request(desk, client, b"<script>alert(1)</script>", name="x.png")
    assert html_as_png.status_code == 422
    renamed = file_request(desk, client, jpeg(), name="foto.png")
    assert renamed.status_code == 422 and "image/jpeg" in renamed.text
    big = file_request(desk, client, jpeg(1200, 1200, "white") + b"\0" * 60_000)
    assert big.status_code == 413 and "terlalu besar" in big.text
    assert ticket_count(desk) == 0
    assert not any((desk.config.path("state") / "desk-uploads").glob("*/*"))
    # a body announced larger than the limit is refused before it is read
    token = desk.csrf(client, "/permintaan/baru")
    huge = client.post(
        "/permintaan/baru",
        content=b"x" * 10,
        headers={"content-length": str(10**9), "content-type": "application/x-www-form-urlencoded"},
    )
    assert huge.status_code == 413 and token
    good = file_request(desk, client, jpeg())
    assert good.status_code == 303 and ticket_count(desk) == 1


def test_attachments_only_by_stored_name_and_only_to_those_who_may_see(desk: Desk) -> None:
    c = people(desk, "rina", "dimas", "sari")
    number = int(
        re.search(r"/tiket/(\d+)", file_request(desk, c["rina"], jpeg()).headers["location"]).group(
            1
        )
    )
    name = next(e.attachment for e in ticket_cases.show(desk.config, number).events if e.attachment)
    for client in (c["rina"], c["dimas"]):
        got = client.get(f"/lampiran/{name}")
        assert got.status_code == 200 and got.headers["content-type"] == "image/jpeg"
        assert got.content == jpeg()
    assert c["sari"].get(f"/lampiran/{name}").status_code == 404  # not hers, not staff
    assert c["sari"].get(f"/tiket/{number}").status_code == 403
    for probe in ("..%2F..%2Fwarta.yml", "%2e%2e%2fwarta.yml", "warta.sqlite", name.upper()):
        assert c["dimas"].get(f"/lampiran/{probe}").status_code == 404


def test_unknown_ticket_is_a_clear_404(desk: Desk) -> None:
    client = people(desk, "dimas")["dimas"]
    for path in ("/tiket/999", "/tiket/abc", "/tiket/-1", "/tidak/ada"):
        got = client.get(path)
        assert got.status_code == 404, path
        assert "Traceback" not in got.text
    assert "tidak ada tiket #999" in client.get("/tiket/999").text


def test_comments_assignment_rounds_and_recap(desk: Desk) -> None:
    c = people(desk, "rina", "dimas", "eko", "yusuf")
    number = int(
        re.search(r"/tiket/(\d+)", file_request(desk, c["rina"]).headers["location"]).group(1)
    )
    token = desk.csrf(c["rina"], f"/tiket/{number}")
    said = c["rina"].post(
        f"/tiket/{number}/komentar",
        data={"csrf": token, "note": "Sekarang juga macet"},
        files=[("lampiran", ("foto.jpg", jpeg(), "image/jpeg"))],
    )
    assert said.status_code == 303
    assert "Sekarang juga macet" in c["dimas"].get(f"/tiket/{number}").text
    token = desk.csrf(c["yusuf"], f"/tiket/{number}")
    given = c["yusuf"].post(f"/tiket/{number}/tugaskan", data={"csrf": token, "assignee": "eko"})
    assert given.status_code == 303
    assert ticket_cases.show(desk.config, number).ticket.assignee == "eko"
    token = desk.csrf(c["rina"], f"/tiket/{number}")
    refused = c["rina"].post(f"/tiket/{number}/tugaskan", data={"csrf": token, "assignee": "eko"})
    assert refused.status_code == 403
    token = desk.csrf(c["yusuf"], "/antrean")
    opened = c["yusuf"].post("/putaran", data={"csrf": token})
    assert opened.headers["location"] == "/antrean?pesan=putaran"
    queue = c["yusuf"].get("/antrean").text
    assert "C1 — Membuat jadwal pemeliharaan infrastruktur" in queue
    again = c["yusuf"].post("/putaran", data={"csrf": token})
    assert again.headers["location"] == "/antrean?pesan=putaran-ada"
    assert "D1 —" in c["eko"].get("/antrean").text
    recap = c["yusuf"].get("/rekap", params={"bulan": "2026-11", "format": "html"})
    assert recap.status_code == 200 and "Rekap Bulanan" in recap.text
    assert "sandbox" in recap.headers["content-security-policy"]
    assert c["rina"].get("/rekap").status_code == 403
    assert c["yusuf"].get("/rekap", params={"bulan": "2026-13"}).status_code == 409


def test_incidents_from_the_checks_appear_in_the_queue(desk: Desk) -> None:
    db = opsdb.connect(database_path(desk.config))
    db.execute(
        "INSERT INTO health_incidents (endpoint, opened_at, cause) VALUES (?, ?, ?)",
        ("situs", (MONDAY - timedelta(hours=1)).isoformat(), "HTTP 503"),
    )
    db.close()
    ticket_cases.sync(desk.config, now=MONDAY)
    client = people(desk, "dimas")["dimas"]
    queue = client.get("/antrean").text
    assert "insiden" in queue and "P1" in queue


def test_request_form_pdf(desk: Desk) -> None:
    c = people(desk, "rina")
    number = int(
        re.search(r"/tiket/(\d+)", file_request(desk, c["rina"]).headers["location"]).group(1)
    )
    pdf = c["rina"].get(f"/tiket/{number}/formulir.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


# -- the dashboard ---------------------------------------------------------------------


def test_dashboard_for_the_penanggung_jawab_ketua_and_it_unit_only(site: Project) -> None:
    site.write(
        "warta.yml",
        desk_config("health:\n  endpoints:\n    - {name: situs, url: 'https://pa-uji.example/'}\n"),
    )
    late_draft(site)
    desk = Desk(site.config)
    db = opsdb.connect(database_path(desk.config))
    for minutes in range(0, 600, 5):
        at = (MONDAY - timedelta(minutes=minutes)).isoformat()
        db.execute(
            "INSERT INTO health_results (endpoint, at, success, status, response_ms) VALUES "
            "('situs', ?, ?, 200, 120)",
            (at, int(minutes % 100 != 0)),
        )
    db.execute("INSERT INTO health_state VALUES ('situs', 'up', 0, 3, ?)", (MONDAY.isoformat(),))
    db.execute(
        "INSERT INTO health_incidents (endpoint, opened_at, cause) VALUES ('situs', ?, 'HTTP 503')",
        ((MONDAY - timedelta(hours=2)).isoformat(),),
    )
    db.execute(
        "INSERT INTO backup_events (at, repository, kind, snapshot, ok, files, bytes, detail) "
        "VALUES (?, 'disk', 'backup', 'abc', 1, 10, 100, '')",
        ((MONDAY - timedelta(hours=3)).isoformat(),),
    )
    db.execute(
        "INSERT INTO visitors_findings (recorded_at, ip, rule, first, last, count, samples) "
        "VALUES (?, '203.0.113.9', 'scan-wp', 'a', 'b', 40, '[\"GET /wp-login.php\"]')",
        ((MONDAY - timedelta(days=1)).isoformat(),),
    )
    db.execute(
        "INSERT INTO renewals (id, kind, provider, description, period_months, cost, due, "
        "reminded, created_at) VALUES ('hosting-utama', 'hosting', 'Penyedia', '', 12, 0, "
        "'2027-01-10', NULL, ?)",
        (MONDAY.isoformat(),),
    )
    kept_reports.add(
        db,
        kind="situation",
        period="week",
        first=date(2026, 11, 23),
        last=date(2026, 11, 29),
        language="id",
        created_at=MONDAY,
        markdown="# Laporan",
        html="<h1>Laporan</h1>",
        pdf=None,
    )
    db.close()
    c = people(desk, "rina", "dimas", "hasan")
    assert c["rina"].get("/dasbor").status_code == 403
    assert "Dasbor situasi" not in c["rina"].get("/").text  # not offered either
    for who in ("dimas", "hasan"):
        page = c[who].get("/dasbor")
        assert page.status_code == 200
        text = re.sub(r"\s+", " ", page.text)
        assert 'situs</td><td><span class="state state-up">berjalan' in text
        assert "95.00 %" in text  # 6 of 120 checks failed
        assert "203.0.113.9" in text and "Pencadangan terakhir" in text
        assert "hosting: hosting-utama" in text and "<li>terlambat</li>" in text
        assert "situs — " in text and "HTTP 503" in text  # the open health incident
        assert "hari (batas 7 hari)" in text
        assert "/laporan/1.html" in text and "WITA" in text
    read = c["hasan"].get("/laporan/1.html")
    assert read.status_code == 200 and "<h1>Laporan</h1>" in read.text
    assert "sandbox" in read.headers["content-security-policy"]
    assert c["rina"].get("/laporan/1.html").status_code == 403
    assert c["hasan"].get("/laporan/1.pdf").status_code == 404


# -- headers, errors, language ---------------------------------------------------------


def test_security_headers_on_every_answer(desk: Desk) -> None:
    client = desk.client()
    for path in ("/masuk", "/tidak-ada", "/static/desk.css"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"
    assert client.get("/masuk").headers["cache-control"] == "no-store"
    page = client.get("/masuk").text
    assert "<script" not in page and "style=" not in page


def test_an_unexpected_error_shows_an_id_the_log_holds_and_no_traceback(
    desk: Desk, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    client = people(desk, "rina")["rina"]

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals /etc/passwd")

    monkeypatch.setattr("pipeline.commands.desk.my_requests", broken)
    with caplog.at_level(logging.ERROR, logger="warta.desk"):
        page = client.get("/")
    assert page.status_code == 500
    incident = re.search(r"Nomor kejadian: ([0-9A-F]{8})", page.text).group(1)
    assert "Traceback" not in page.text and "secret internals" not in page.text
    assert "content-security-policy" in page.headers
    logged = [r for r in caplog.records if incident in r.getMessage()]
    assert logged and logged[0].exc_info is not None


ENGLISH = re.compile(
    r"\b(the|Ticket|Step|Due|Log in|Password|Request|None|Home|Queue|ticket-new|advance|"
    r"login|refused|hosting-renewal|registration)\b"
)


def test_indonesian_by_default_english_on_request_and_no_english_fragment(desk: Desk) -> None:
    c = people(desk, "rina", "dimas")
    number = int(
        re.search(r"/tiket/(\d+)", file_request(desk, c["rina"], jpeg()).headers["location"]).group(
            1
        )
    )
    for path in ("/", "/permintaan/baru", "/antrean", f"/tiket/{number}", "/akun", "/dasbor"):
        page = c["dimas"].get(path)
        assert page.status_code == 200, path
        assert '<html lang="id">' in page.text
        visible = re.sub(r"<[^>]+>", " ", page.text)
        visible = visible.replace("English", "")
        assert not ENGLISH.search(visible), (path, ENGLISH.search(visible))
    switched = c["dimas"].get("/bahasa/en", params={"lanjut": f"/tiket/{number}"})
    assert switched.headers["location"] == f"/tiket/{number}"
    english = c["dimas"].get(f"/tiket/{number}").text
    assert '<html lang="en">' in english and "Your step" in english
    assert "Receive the IT service request" in english
    refused = step(desk, c["dimas"], number, "B3")  # dimas reads English now
    assert refused.status_code == 409 and "cannot be done before it" in refused.text
    assert "tidak ada langkah" in step(desk, c["rina"], number, "B3").text  # rina: Indonesian
    assert c["dimas"].get("/bahasa/xx").status_code == 303


def test_dates_in_wita_with_the_zone_shown(desk: Desk) -> None:
    c = people(desk, "rina")
    number = int(
        re.search(r"/tiket/(\d+)", file_request(desk, c["rina"]).headers["location"]).group(1)
    )
    page = c["rina"].get(f"/tiket/{number}").text
    assert "30 Nov 2026, 09.00 WITA" in page  # 01:00 UTC is 09:00 in Makassar


def test_audit_trail_records_who_what_when_and_address(site: Project) -> None:
    site.write("warta.yml", desk_config("desk:\n  trusted_proxies: [testclient]\n"))
    desk = Desk(site.config)
    desk.account("rina")
    desk.account("dimas")
    rina = desk.login("rina", address="10.20.30.40")
    dimas = desk.login("dimas", address="10.20.30.41")
    number = int(re.search(r"/tiket/(\d+)", file_request(desk, rina).headers["location"]).group(1))
    step(desk, dimas, number, "B1")
    rows = audit_rows(desk)
    assert ("rina", "10.20.30.40", "ticket-new", f"ticket:{number}") in rows
    assert ("dimas", "10.20.30.41", "advance", f"ticket:{number}") in rows
    page = rina.get(f"/tiket/{number}").text
    assert "10.20.30.41" in page  # shown where it happened
    assert "10.20.30.40" in rina.get("/akun").text


def test_accounts_schema_is_version_10(tmp_path: Path) -> None:
    db = opsdb.connect(tmp_path / "ops.sqlite")
    assert db.execute("PRAGMA user_version").fetchone()[0] >= 10
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {
        "desk_accounts",
        "desk_sessions",
        "desk_invitations",
        "desk_attempts",
        "desk_audit",
    } <= tables


def test_a_person_removed_from_people_cannot_log_in(site: Project) -> None:
    desk = Desk(site.config)
    desk.account("rina")
    client = desk.login("rina")
    site.write(
        "warta.yml",
        site.root.joinpath("warta.yml")
        .read_text()
        .replace(
            "  - {id: rina, name: Rina Operator, email: rina@pa-uji.example, roles: [operator]}\n",
            "",
        ),
    )
    later = Desk(site.config, clock=desk.clock)
    assert later.client().get("/", cookies=dict(client.cookies)).status_code == 303
    page = later.client().get("/masuk")
    gone = later.client().post(
        "/masuk",
        data={"csrf": csrf_of(page.text), "person": "rina", "password": PASSWORD},
        cookies=dict(page.cookies),
    )
    assert gone.status_code == 401


_ = (Clock, datetime, UTC)


def test_security_round_uat_checklists_through_the_desk(desk: Desk) -> None:
    c = people(desk, "dimas", "yusuf")
    token = desk.csrf(c["yusuf"], "/antrean")
    c["yusuf"].post("/putaran", data={"csrf": token})
    number = next(t.id for t in ticket_cases.listing(desk.config) if t.workflow == "D")
    assert step(desk, c["dimas"], number, "D1").status_code == 303
    page = c["dimas"].get(f"/tiket/{number}").text
    assert 'name="check-fungsi"' in page and "Semua fungsi berjalan sesuai kebutuhan" in page
    partial = step(desk, c["dimas"], number, "D2", **{"check-fungsi": "pass"})
    assert partial.status_code == 409 and "belum dijawab" in partial.text
    answers = {f"check-{item}": "pass" for item in ("data", "akses", "keamanan", "kinerja")}
    answers |= {"check-fungsi": "pass", "check-panduan": "fail", "note-check-panduan": "belum ada"}
    assert step(desk, c["dimas"], number, "D2", **answers).status_code == 303
    record = ticket_cases.show(desk.config, number)
    assert record.ticket.step == "D3"
    assert {(k.item, k.result) for k in record.checks} >= {("fungsi", "pass"), ("panduan", "fail")}
    assert "belum ada" in c["yusuf"].get(f"/tiket/{number}").text


def test_working_days_of_a_queue_match_the_calendar() -> None:
    calendar = ticket_cases.calendar(parse_config(desk_config(), root=Path("/tmp")))
    today = date(2026, 3, 13)  # a Friday before Nyepi and Idulfitri
    counter = rooms._WorkingDays(calendar, today)
    for offset in [*range(-400, 60, 7), -1, 0, 1, 3, 12]:
        day = today + timedelta(days=offset)
        expected = (
            calendar.working_days_between(today, day)
            if day >= today
            else -calendar.working_days_between(day, today)
        )
        assert counter.until(day) == expected, day
