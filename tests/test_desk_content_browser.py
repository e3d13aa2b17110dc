"""Content in the desk in a real browser (Debian's Chromium through Playwright).

An operator drafts an item with a scanned letter, an editor reviews and submits it, the
penanggung jawab approves it on a phone-sized window, the web admin publishes it, and
``warta verify`` passes on the resulting history; an edit pushed to the published branch
after the approval is refused when the web admin publishes again. axe-core checks the
content pages on the way.
"""

from __future__ import annotations

import json
import re
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
import yaml
from argon2 import PasswordHasher

from pipeline.accounts import store
from pipeline.commands import accounts, approval
from pipeline.commands import keys as key_cases
from pipeline.config import load_config
from pipeline.desk.app import create_app
from tests.browser import PHONE
from tests.conftest import Project
from tests.desk_helpers import PASSWORD, desk_config
from tests.servers import free_port, wait_for_port
from tests.test_desk_browser import Person
from tests.test_sources import scan_jpeg

PHRASE = "empat kata yang panjang"
TITLE = "Sidang Keliling di Kecamatan Timur"
SLUG = "sidang-keliling-di-kecamatan-timur"


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=True
    ).stdout.strip()


@pytest.fixture
def served(
    project: Project, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Project, str, Path]]:
    monkeypatch.setattr(store, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024))
    port = free_port()
    project.write("warta.yml", desk_config(f"desk:\n  url: http://127.0.0.1:{port}\n"))
    project.write(".gitignore", ".warta/\n/site\n/.site.*\n")
    held = {
        p: key_cases.make(project.config, by=p, passphrase=PHRASE).public for p in ("sari", "hasan")
    }
    data = yaml.safe_load((project.root / "warta.yml").read_text())
    for person in data["people"]:
        if person["id"] in held:
            person["ssh_key"] = held[person["id"]]
    data["signing"] = {"enabled": True}
    project.write("warta.yml", yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    git(project.root, "init", "-q", "-b", "main")
    git(project.root, "add", "-A")
    git(
        project.root,
        "-c",
        "user.name=Dimas Admin",
        "-c",
        "user.email=dimas@pa-uji.example",
        "commit",
        "-qm",
        "situs",
    )
    base = git(project.root, "rev-parse", "HEAD")
    trust = tmp_path_factory.mktemp("publishing-host") / "trust.json"  # outside the repository
    trust.write_text(json.dumps({"version": 1, "base": base}))
    config = load_config(project.root / "warta.yml")
    for person in ("rina", "sari", "hasan", "dimas"):
        link = accounts.invite(config, person, by="dimas").link
        accounts.accept(config, link.rsplit("/", 1)[1], PASSWORD, PASSWORD)
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(config, trust_file=trust),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            proxy_headers=False,
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_for_port(port)
    yield f"http://127.0.0.1:{port}", project, base, trust
    server.should_exit = True
    thread.join(10)


def test_operator_editor_approver_and_web_admin_in_the_browser(
    served: tuple[str, Project, str, Path],
    chromium: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    base_url, project, base, trust = served
    scans = tmp_path_factory.mktemp("scans")  # the operator's computer, not the repository
    letter = scan_jpeg(scans / "surat-undangan.jpg", text="Undangan sidang keliling")

    rina = Person(chromium, base_url)
    rina.login("rina")
    rina.go("/konten/baru")
    rina.accessible("new draft")
    rina.page.fill("#title", TITLE)
    rina.page.fill("#summary", "Sidang keliling digelar di kantor kecamatan.")
    rina.page.fill("#body", "## Kegiatan\n\nSidang keliling berjalan tertib.\n")
    rina.submit("form.card button[type=submit]")
    assert rina.page.url.endswith(f"/konten/{SLUG}?pesan=tersimpan")
    rina.page.set_input_files("#lampiran", str(letter))
    rina.submit("form[action$='/lampiran'] button[type=submit]")
    # The conversion runs in the background; its page refreshes itself until it is done.
    rina.page.wait_for_url(f"**/konten/{SLUG}?pesan=lampiran", timeout=60_000)
    assert "Lampiran diterima dan dikonversi." in rina.page.content()
    attached = re.search(r"\((files/[a-z0-9-]+\.pdf)\)", rina.page.content())
    assert attached, rina.page.content()[:4000]
    body = rina.page.input_value("#body") + f"\n[Surat undangan]({attached.group(1)})\n"
    rina.page.fill("#body", body)
    rina.submit("form.card button[type=submit]")
    rina.accessible("editor")
    rina.shot("konten-editor")
    # The live preview follows the typing (static script, allowed by the desk's CSP).
    rina.page.fill("#body", rina.page.input_value("#body") + "\nKalimat **penutup**.\n")
    rina.page.wait_for_selector("#preview strong:has-text('penutup')", timeout=10_000)
    assert "Tidak ada temuan." in rina.page.content() or "baris" not in rina.page.content()

    sari = Person(chromium, base_url)
    sari.login("sari")
    sari.go(f"/konten/{SLUG}")
    sari.page.fill("#passphrase-s", PHRASE)
    sari.submit("form[action$='/ajukan'] button[type=submit]")
    assert "Draf diajukan untuk disetujui." in sari.page.content(), sari.page.content()[:3000]

    hasan = Person(chromium, base_url, PHONE)  # the penanggung jawab decides from a phone
    hasan.login("hasan")
    hasan.go("/konten")
    hasan.accessible("board (phone)")
    hasan.go(f"/konten/{SLUG}")
    hasan.accessible("approval (phone)")
    hasan.shot("konten-persetujuan-ponsel")
    hasan.page.fill("#passphrase-a", PHRASE)
    hasan.submit("form[action$='/setujui'] button[type=submit]")
    assert "Disetujui dan digabungkan" in hasan.page.content(), hasan.page.content()[:3000]

    dimas = Person(chromium, base_url)
    dimas.login("dimas")
    dimas.go("/konten")
    dimas.submit("form[action='/konten/terbitkan'] button[type=submit]")
    dimas.page.wait_for_selector("text=Situs dibangun", timeout=120_000)
    dimas.shot("konten-terbit")
    # The page preview wears the site's own stylesheets, now that the site is built.
    dimas.go("/konten")
    dimas.accessible("board")
    dimas.shot("konten-papan")
    pages = [p for p in (project.root / "site").rglob("index.html") if TITLE in p.read_text()]
    assert pages
    head = git(project.root, "rev-parse", "HEAD")
    assert json.loads(trust.read_text())["verified"] == head  # publish recorded the tip
    report = approval.verify(load_config(project.root / "warta.yml"), base=base)
    assert report.ok and [v.commit for v in report.approvals] == [head]

    # An edit pushed straight to the published branch after the approval.
    published = next((project.root / "content").rglob(f"{SLUG}/index.md"))
    published.write_text(published.read_text() + "\nKalimat yang tidak pernah disetujui.\n")
    git(project.root, "add", "-A")
    git(
        project.root,
        "-c",
        "user.name=Mallory",
        "-c",
        "user.email=m@example.invalid",
        "commit",
        "-qm",
        "edit",
    )
    dimas.go("/konten")
    dimas.page.click("form[action='/konten/terbitkan'] button[type=submit]")
    dimas.page.wait_for_selector("text=riwayat git tidak lolos pemeriksaan", timeout=120_000)
    assert "Situs dibangun" not in dimas.page.content()
    assert "Kalimat yang tidak pernah disetujui." not in "".join(
        p.read_text() for p in (project.root / "site").rglob("index.html")
    )
    # The refused publish answers 409, which Chromium logs; nothing else may appear.
    dimas.problems = [p for p in dimas.problems if "status of 409" not in p]
    for person in (rina, sari, hasan, dimas):
        assert not person.problems, person.problems
