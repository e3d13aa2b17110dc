"""``warta desk`` served by uvicorn in its own process, with nginx and TLS in front exactly
as docs/desk.md configures it (a test CA's certificate on loopback), and
``warta desk invite`` through the CLI."""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.health.store import database_path
from tests.conftest import Project
from tests.desk_helpers import PASSWORD, csrf_of, desk_config
from tests.servers import TestCA, free_port, nginx_binary, wait_for_port

ROOT = Path(__file__).parent.parent
DOC = ROOT / "docs" / "desk.md"


def doc_nginx_config() -> str:
    text = DOC.read_text(encoding="utf-8")
    found = re.search(r"```nginx\n(.*?)```", text, re.S)
    assert found, "docs/desk.md has no nginx block"
    return found.group(1)


@dataclass
class Served:
    project: Project
    http: int
    https: int
    ca: Path
    desk_port: int

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.https}"

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, verify=str(self.ca), follow_redirects=False)


def invite(project: Project, person: str) -> str:
    result = CliRunner().invoke(
        cli,
        ["--config", str(project.root / "warta.yml"), "desk", "invite", person, "--as", "dimas"],
    )
    assert result.exit_code == 0, result.output
    return result.output.splitlines()[0].strip()


@pytest.fixture
def served(project: Project, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    binary = nginx_binary()
    http, https, desk_port = free_port(), free_port(), free_port()
    project.write(
        "warta.yml",
        desk_config(f"desk:\n  url: https://127.0.0.1:{https}\n  trusted_proxies: [127.0.0.1]\n"),
    )
    folder = tmp_path_factory.mktemp("desk-nginx")
    ca = TestCA(folder)
    cert, key = ca.leaf("desk", not_after=dt.datetime.now(dt.UTC) + dt.timedelta(days=90))
    servers = (
        doc_nginx_config()
        .replace("listen 80;", f"listen 127.0.0.1:{http};")
        .replace("listen 443 ssl;", f"listen 127.0.0.1:{https} ssl;")
        .replace("/etc/ssl/warta/desk.crt", str(cert))
        .replace("/etc/ssl/warta/desk.key", str(key))
        .replace("127.0.0.1:8765", f"127.0.0.1:{desk_port}")
        .replace("https://$host$request_uri", f"https://$host:{https}$request_uri")
    )
    temp = " ".join(
        f"{kind}_temp_path {folder}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (folder / "nginx.conf").write_text(
        f"user root; worker_processes 1; daemon off; pid {folder}/nginx.pid;\n"
        f"error_log {folder}/error.log;\nevents {{ worker_connections 256; }}\n"
        f"http {{ access_log {folder}/access.log; {temp}\n{servers}\n}}\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    desk = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pipeline",
            "--config",
            str(project.root / "warta.yml"),
            "desk",
            "--port",
            str(desk_port),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    proxy = subprocess.Popen(
        [binary, "-p", str(folder), "-c", str(folder / "nginx.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for_port(desk_port, timeout=30)
        wait_for_port(https)
        yield Served(project, http, https, ca.bundle, desk_port)
    finally:
        proxy.send_signal(signal.SIGQUIT)
        desk.send_signal(signal.SIGINT)
        for process in (proxy, desk):
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()


def test_desk_behind_nginx_with_tls(served: Served) -> None:
    link = invite(served.project, "rina")
    assert link.startswith(f"{served.url}/undangan/")
    with served.client() as client:
        page = client.get(link)
        assert page.status_code == 200 and "Rina Operator" in page.text
        assert "strict-transport-security" in page.headers
        assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
        assert "server" not in page.headers or "nginx/" not in page.headers["server"]
        done = client.post(
            link, data={"csrf": csrf_of(page.text), "password": PASSWORD, "password2": PASSWORD}
        )
        assert done.status_code == 303, done.text
        form = client.get("/masuk")
        # a client's own X-Forwarded-For is replaced by nginx, never believed
        answer = client.post(
            "/masuk",
            data={"csrf": csrf_of(form.text), "person": "rina", "password": PASSWORD},
            headers={"x-forwarded-for": "6.6.6.6"},
        )
        assert answer.status_code == 303, answer.text
        cookie = answer.headers["set-cookie"].lower()
        assert cookie.startswith("__host-desk=") and "secure" in cookie and "httponly" in cookie
        home = client.get("/")
        assert home.status_code == 200 and "Permintaan saya" in home.text
    db = sqlite3.connect(database_path(served.project.config))
    rows = list(db.execute("SELECT person, address, action FROM desk_audit ORDER BY id"))
    assert ("rina", "127.0.0.1", "login") in rows
    assert not any(row[1] == "6.6.6.6" for row in rows)
    plain = httpx.get(f"http://127.0.0.1:{served.http}/masuk", follow_redirects=False)
    assert plain.status_code == 301
    assert plain.headers["location"] == f"https://127.0.0.1:{served.https}/masuk"


def test_desk_serves_loopback_only_unless_told(project: Project) -> None:
    project.write("warta.yml", desk_config())
    result = CliRunner().invoke(
        cli, ["--config", str(project.root / "warta.yml"), "desk", "--host", "0.0.0.0"]
    )
    assert result.exit_code == 2 and "not a loopback address" in result.output


def test_invite_an_unknown_person_is_refused(project: Project) -> None:
    project.write("warta.yml", desk_config())
    result = CliRunner().invoke(
        cli,
        ["--config", str(project.root / "warta.yml"), "desk", "invite", "siapa", "--as", "dimas"],
    )
    assert result.exit_code == 6 and "'siapa' is not listed in people" in result.output
