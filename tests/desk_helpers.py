"""Helpers of the desk tests: a site with the IT unit's people, a movable clock, and a
browser-like client that logs in through the real pages."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pyotp
from fastapi.testclient import TestClient
from PIL import Image

from pipeline.accounts import store
from pipeline.commands import accounts
from pipeline.config import Config
from pipeline.desk.app import create_app
from pipeline.health.store import open_history
from tests.conftest import WARTA_YML, Project

DESK_PEOPLE = """\
  - {id: dimas, name: Dimas Admin, email: dimas@pa-uji.example, roles: [web-admin]}
  - {id: eko, name: Eko Pranata, email: eko@pa-uji.example, roles: [pranata-komputer]}
  - {id: yusuf, name: Yusuf Kasubbag, email: yusuf@pa-uji.example, roles: [kasubbag-ti]}
  - {id: lestari, name: Lestari Kabag, email: lestari@pa-uji.example, roles: [kabag-perencanaan]}
  - {id: agus, name: Agus Sekretaris, email: agus@pa-uji.example, roles: [sekretaris]}
"""


def late_draft(site: Project) -> None:
    """A draft in review since 20 November 2026: late against the SOP's target at the
    desk's clock."""
    site.draft(
        "terlambat",
        status="in-review",
        history=[
            {"status": "draft", "at": "2026-11-20T08:00:00+08:00", "by": "rina"},
            {"status": "in-review", "at": "2026-11-20T08:50:00+08:00", "by": "rina"},
        ],
    )


def desk_config(extra: str = "") -> str:
    """The test site with the IT unit, the receiver and ``extra`` settings appended."""
    text = WARTA_YML.replace(
        "  - {id: dimas, name: Dimas Admin, email: dimas@pa-uji.example, roles: [web-admin]}\n",
        DESK_PEOPLE,
    )
    return text + "tickets:\n  receiver: dimas\n" + extra


PASSWORD = "kata-sandi-yang-panjang-1"
# Monday 30 November 2026, 09:00 in Makassar
MONDAY = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)


@dataclass
class Clock:
    now: datetime = MONDAY

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field in the page"
    return found.group(1)


def jpeg(width: int = 64, height: int = 48, colour: str = "teal") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "JPEG", quality=85)
    return out.getvalue()


@dataclass
class Desk:
    """The desk app of one site, with one clock."""

    config: Config
    clock: Clock = field(default_factory=Clock)
    smtp_password: str = ""

    def __post_init__(self) -> None:
        self.app = create_app(self.config, clock=self.clock, smtp_password=self.smtp_password)
        self.secrets: dict[str, str] = {}

    def client(self, address: str | None = None, *, https: bool = False) -> TestClient:
        headers = {"x-forwarded-for": address} if address else {}
        return TestClient(
            self.app,
            base_url="https://testserver" if https else "http://testserver",
            raise_server_exceptions=False,
            follow_redirects=False,
            headers=headers,
        )

    def invite(self, person: str) -> str:
        made = accounts.invite(self.config, person, by="dimas", now=self.clock())
        return made.link.removeprefix(self.config.desk.url)

    def account(self, person: str, password: str = PASSWORD) -> None:
        """Create the account through the invitation pages."""
        client = self.client()
        path = self.invite(person)
        page = client.get(path)
        assert page.status_code == 200, page.text
        answer = client.post(
            path, data={"csrf": csrf_of(page.text), "password": password, "password2": password}
        )
        assert answer.status_code == 303, answer.text

    def code(self, person: str) -> str:
        return pyotp.TOTP(self.secrets[person]).at(self.clock())

    def login(
        self, person: str, password: str = PASSWORD, address: str | None = None
    ) -> TestClient:
        """A client logged in as ``person`` (setting up or entering one-time codes when
        their role needs them)."""
        client = self.client(address)
        page = client.get("/masuk")
        answer = client.post(
            "/masuk",
            data={"csrf": csrf_of(page.text), "person": person, "password": password, "next": "/"},
        )
        assert answer.status_code == 303, answer.text
        where = answer.headers["location"]
        if where == "/kode/aktifkan":
            page = client.get(where)
            assert page.status_code == 200, page.text
            with open_history(self.config, write=False) as db:
                found = store.account(db, person)
            assert found is not None
            self.secrets[person] = found.totp_secret
            answer = client.post(
                where, data={"csrf": csrf_of(page.text), "code": self.code(person)}
            )
            assert answer.status_code == 303, answer.text
            self.clock.advance(seconds=31)  # the next code is a new one
        elif where == "/kode":
            self.clock.advance(seconds=31)
            page = client.get(where)
            answer = client.post(
                where, data={"csrf": csrf_of(page.text), "code": self.code(person)}
            )
            assert answer.status_code == 303, answer.text
        return client

    def csrf(self, client: TestClient, path: str = "/") -> str:
        page = client.get(path)
        assert page.status_code == 200, page.text
        return csrf_of(page.text)
