"""The desk's content rooms over HTTP: the board, new drafts, the editor, conflicts."""

from __future__ import annotations

import re
import subprocess

import pytest

from pipeline.commands import drafting
from tests.conftest import Project
from tests.desk_helpers import Desk, csrf_of, desk_config

pytestmark = pytest.mark.usefixtures("quick_hashes")  # (tests/conftest.py)


@pytest.fixture
def desk(project: Project) -> Desk:
    project.write("warta.yml", desk_config())
    root = str(project.root)
    subprocess.run(["git", "init", "-q", "-b", "main", root], check=True)
    subprocess.run(["git", "-C", root, "add", "-A"], check=True)
    subprocess.run(["git", "-C", root, "commit", "-qm", "situs"], check=True)
    made = Desk(project.config)
    for person in ("rina", "sari", "eko"):
        made.account(person)
    return made


NEW = {
    "title": "Sidang Keliling di Kecamatan Timur",
    "category": "berita",
    "summary": "Sidang keliling digelar di kantor kecamatan.",
    "tags": "sidang keliling, layanan",
    "attention": "routine",
    "publish_at": "",
    "case_type": "",
    "body": "## Kegiatan\n\nSidang keliling berjalan tertib.\n",
}
SLUG = "sidang-keliling-di-kecamatan-timur"


def test_an_operator_drafts_in_the_browser_and_it_is_on_the_board(desk: Desk) -> None:
    rina = desk.login("rina")
    page = rina.get("/konten/baru")
    assert page.status_code == 200 and 'name="title"' in page.text
    made = rina.post("/konten/baru", data={**NEW, "csrf": csrf_of(page.text)})
    assert made.status_code == 303 and made.headers["location"] == f"/konten/{SLUG}?pesan=tersimpan"
    editor = rina.get(f"/konten/{SLUG}")
    assert editor.status_code == 200
    assert "Sidang keliling berjalan tertib." in editor.text  # the preview
    assert "Draf tersimpan." not in editor.text and "konten/" + SLUG in editor.text
    board = rina.get("/konten")
    assert (
        board.status_code == 200 and "Penyusunan draf" in board.text and NEW["title"] in board.text
    )
    head = drafting.branches(desk.config).head(SLUG)
    author = subprocess.run(
        ["git", "-C", str(desk.config.root), "log", "-1", "--format=%an", str(head)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert author == "Rina Operator"


def test_a_save_from_a_stale_form_is_refused_with_a_diff_and_the_text_kept(desk: Desk) -> None:
    rina, sari = desk.login("rina"), desk.login("sari")
    page = rina.get("/konten/baru")
    rina.post("/konten/baru", data={**NEW, "csrf": csrf_of(page.text)})
    stale = rina.get(f"/konten/{SLUG}").text
    fresh = sari.get(f"/konten/{SLUG}").text
    expected = _expected(fresh)
    saved = sari.post(
        f"/konten/{SLUG}",
        data={
            **NEW,
            "summary": "Ringkasan dari editor.",
            "csrf": csrf_of(fresh),
            "expected": expected,
        },
    )
    assert saved.status_code == 303
    refused = rina.post(
        f"/konten/{SLUG}",
        data={
            **NEW,
            "body": "Tulisan Rina yang tidak boleh hilang.\n",
            "csrf": csrf_of(stale),
            "expected": _expected(stale),
        },
    )
    assert refused.status_code == 409
    assert (
        "diubah orang lain" in refused.text and "+summary: Ringkasan dari editor." in refused.text
    )
    assert "Tulisan Rina yang tidak boleh hilang." in refused.text  # nothing lost
    assert drafting.load(desk.config, SLUG).item.front.summary == "Ringkasan dari editor."


def test_missing_csrf_and_wrong_people_are_refused(desk: Desk) -> None:
    rina = desk.login("rina")
    assert rina.post("/konten/baru", data=NEW).status_code == 403
    assert drafting.branches(desk.config).slugs() == {}
    eko = desk.login("eko")  # IT staff: no content rooms
    assert eko.get("/konten").status_code == 404
    assert desk.client().get("/konten").status_code == 303  # to the login page


def test_an_invalid_form_is_shown_again_with_what_to_fix(desk: Desk) -> None:
    rina = desk.login("rina")
    page = rina.get("/konten/baru")
    answer = rina.post(
        "/konten/baru", data={**NEW, "publish_at": "besok", "csrf": csrf_of(page.text)}
    )
    assert (
        answer.status_code == 422
        and "embargo" in answer.text
        and NEW["body"].split("\n")[0] in answer.text
    )
    assert drafting.branches(desk.config).slugs() == {}


def test_hostile_markdown_never_runs_in_the_preview(desk: Desk) -> None:
    rina = desk.login("rina")
    page = rina.get("/konten/baru")
    body = 'Halo <img src=x onerror="alert(1)"> <script>alert(2)</script>\n'
    rina.post("/konten/baru", data={**NEW, "body": body, "csrf": csrf_of(page.text)})
    editor = rina.get(f"/konten/{SLUG}")
    preview = editor.text.split('aria-live="polite">', 1)[1]
    assert "onerror" not in preview.split("</div>", 1)[0] and "<script>" not in preview
    assert "script-src 'self'" in editor.headers["content-security-policy"]


def finish(client, answer):  # type: ignore[no-untyped-def]
    """Follow a background job's progress page until the job is over."""
    import time

    assert answer.status_code == 303 and "/konten/tugas/" in answer.headers["location"], answer.text
    where = answer.headers["location"]
    for _ in range(600):
        page = client.get(where)
        if 'http-equiv="refresh"' not in page.text:
            return page
        assert "Sedang dikerjakan" in page.text or "sedang" in page.text
        time.sleep(0.1)
    raise AssertionError("the job did not end")


def _expected(html: str) -> str:
    import re

    found = re.search(r'name="expected" value="([0-9a-f]*)"', html)
    assert found
    return found.group(1)


def test_an_upload_in_the_editor_is_converted_onto_the_branch(desk: Desk) -> None:
    from tests.desk_helpers import jpeg

    rina = desk.login("rina")
    page = rina.get("/konten/baru")
    rina.post("/konten/baru", data={**NEW, "csrf": csrf_of(page.text)})
    editor = rina.get(f"/konten/{SLUG}").text
    answer = rina.post(
        f"/konten/{SLUG}/lampiran",
        data={"csrf": csrf_of(editor), "expected": _expected(editor)},
        files={"lampiran": ("foto kegiatan.jpg", jpeg(800, 600), "image/jpeg")},
    )
    done = finish(rina, answer)
    assert done.status_code == 303 and done.headers["location"].endswith("pesan=lampiran")
    shown = drafting.load(desk.config, SLUG)
    assert any(a.path.startswith("files/foto-kegiatan") for a in shown.item.front.attachments)
    again = rina.get(done.headers["location"])
    assert "Lampiran diterima dan dikonversi." in again.text and "foto-kegiatan" in again.text


def test_a_lying_upload_is_refused_and_nothing_saved(desk: Desk) -> None:
    rina = desk.login("rina")
    page = rina.get("/konten/baru")
    rina.post("/konten/baru", data={**NEW, "csrf": csrf_of(page.text)})
    editor = rina.get(f"/konten/{SLUG}").text
    head = _expected(editor)
    answer = rina.post(
        f"/konten/{SLUG}/lampiran",
        data={"csrf": csrf_of(editor), "expected": head},
        files={"lampiran": ("surat.pdf", b"MZ\x90\x00" + b"\x00" * 300, "application/pdf")},
    )
    done = finish(rina, answer)
    assert done.status_code == 422 and "Berkas ditolak" in done.text
    assert drafting.load(desk.config, SLUG).head == head


def test_review_and_approval_in_the_browser_are_signed_and_verify(project: Project) -> None:
    import re

    import yaml

    from pipeline.commands import approval
    from pipeline.config import load_config

    project.write("warta.yml", desk_config())
    project.write(".gitignore", ".warta/\n")
    first = Desk(project.config)
    for person in ("rina", "sari", "hasan"):
        first.account(person)
    phrase = "empat kata yang panjang"
    held = {}
    for person in ("sari", "hasan"):
        client = first.login(person)
        page = client.get("/akun/kunci")
        assert page.status_code == 200 and "belum punya kunci" in page.text
        made = client.post(
            "/akun/kunci",
            data={"csrf": csrf_of(page.text), "passphrase": phrase, "passphrase2": phrase},
        )
        assert made.status_code == 303
        shown = client.get("/akun/kunci").text
        held[person] = re.search(r"(ssh-ed25519 [A-Za-z0-9+/=]+ \S+)", shown).group(1)  # type: ignore[union-attr]
        assert "Belum tercatat di warta.yml" in shown
    # The web admin lists the keys in warta.yml (an approved change in real life).
    data = yaml.safe_load((project.root / "warta.yml").read_text())
    for person in data["people"]:
        if person["id"] in held:
            person["ssh_key"] = held[person["id"]]
    data["signing"] = {"enabled": True}
    project.write("warta.yml", yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    root = str(project.root)
    subprocess.run(["git", "init", "-q", "-b", "main", root], check=True)
    subprocess.run(["git", "-C", root, "add", "-A"], check=True)
    subprocess.run(["git", "-C", root, "commit", "-qm", "situs"], check=True)
    base = subprocess.run(
        ["git", "-C", root, "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    desk = Desk(load_config(project.root / "warta.yml"), clock=first.clock)
    desk.secrets = first.secrets

    rina = desk.login("rina")
    page = rina.get("/konten/baru")
    rina.post("/konten/baru", data={**NEW, "csrf": csrf_of(page.text)})
    sari = desk.login("sari")
    editor = sari.get(f"/konten/{SLUG}").text
    assert "Periksa dan ajukan" in editor
    wrong = sari.post(
        f"/konten/{SLUG}/ajukan",
        data={
            "csrf": csrf_of(editor),
            "expected": _expected(editor),
            "passphrase": "salah salah salah",
        },
    )
    assert wrong.status_code == 401 and "frasa sandi kunci salah" in wrong.text
    done = sari.post(
        f"/konten/{SLUG}/ajukan",
        data={"csrf": csrf_of(editor), "expected": _expected(editor), "passphrase": phrase},
    )
    assert done.status_code == 303, done.text
    hasan = desk.login("hasan")
    review_page = hasan.get(f"/konten/{SLUG}").text
    assert "Setujui" in review_page and 'name="title"' not in review_page  # no editing now
    approved = hasan.post(
        f"/konten/{SLUG}/setujui",
        data={
            "csrf": csrf_of(review_page),
            "expected": _expected(review_page),
            "passphrase": phrase,
        },
    )
    assert approved.status_code == 303, approved.text
    report = approval.verify(desk.config, base=base)
    assert report.ok and len(report.approvals) == 1

    # The web admin publishes from the desk: verify runs from the host's trust file.
    import json

    from pipeline.desk.app import create_app

    trust = project.root.parent / "trust.json"
    trust.write_text(json.dumps({"version": 1, "base": base}))
    desk.app = create_app(desk.config, clock=desk.clock, trust_file=trust)
    first.account("dimas")
    dimas = desk.login("dimas")
    board = dimas.get("/konten")
    assert "Terbitkan sekarang" in board.text
    published = finish(dimas, dimas.post("/konten/terbitkan", data={"csrf": csrf_of(board.text)}))
    assert published.status_code == 200, published.text
    assert "Hasil penerbitan" in published.text and "Situs dibangun" in published.text
    assert "Arsip (BagIt) versi baru" in published.text and f"{SLUG}/" in published.text
    assert list((project.root / "archive").glob(f"{SLUG}/*/bagit.txt"))
    # The approval merge promoted the item; the build put it on the site.
    built = project.root / "site"
    pages = [p for p in built.rglob("index.html") if NEW["title"] in p.read_text()]
    assert pages, "the approved article is not on the built site"
    assert (
        json.loads(trust.read_text())["verified"]
        == subprocess.run(
            ["git", "-C", root, "rev-parse", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
    )
    assert rina.get("/konten").status_code == 200
    refused = rina.post("/konten/terbitkan", data={"csrf": csrf_of(rina.get("/konten").text)})
    assert refused.status_code == 403  # only the web admin publishes


def test_send_back_live_preview_and_a_registered_key(desk: Desk) -> None:
    from pipeline.content.keys import generate

    rina, sari = desk.login("rina"), desk.login("sari")
    page = rina.get("/konten/baru")
    rina.post("/konten/baru", data={**NEW, "csrf": csrf_of(page.text)})
    editor = sari.get(f"/konten/{SLUG}").text
    done = sari.post(
        f"/konten/{SLUG}/ajukan", data={"csrf": csrf_of(editor), "expected": _expected(editor)}
    )
    assert done.status_code == 303
    shown = sari.get(f"/konten/{SLUG}").text
    assert "Kembalikan ke penulis" in shown
    no_reason = sari.post(
        f"/konten/{SLUG}/kembalikan",
        data={"csrf": csrf_of(shown), "expected": _expected(shown), "reason": "  "},
    )
    assert no_reason.status_code == 409 and "alasan wajib diisi" in no_reason.text
    back = sari.post(
        f"/konten/{SLUG}/kembalikan",
        data={"csrf": csrf_of(shown), "expected": _expected(shown), "reason": "Foto kurang jelas."},
    )
    assert back.status_code == 303
    item = drafting.load(desk.config, SLUG).item
    assert (
        item.front.status.value == "draft" and item.front.history[-1].note == "Foto kurang jelas."
    )
    # The live preview renders as the site does, sanitised.
    editor = rina.get(f"/konten/{SLUG}").text
    live = rina.post(
        f"/konten/{SLUG}/pratinjau",
        data={"csrf": csrf_of(editor), "body": "**tebal** <img src=x onerror=alert(1)>"},
    )
    assert live.status_code == 200 and "<strong>tebal</strong>" in live.text
    assert "onerror" not in live.text
    assert rina.post(f"/konten/{SLUG}/pratinjau", data={"body": "x"}).status_code == 403
    # A key made elsewhere: its public line is registered, never a private key.
    public = generate("empat kata yang panjang", "rina@pa-uji.example").public
    key_page = rina.get("/akun/kunci").text
    bad = rina.post("/akun/kunci/publik", data={"csrf": csrf_of(key_page), "public": "halo"})
    assert bad.status_code == 422 and "bukan kunci publik SSH" in bad.text
    ok = rina.post("/akun/kunci/publik", data={"csrf": csrf_of(key_page), "public": public})
    assert ok.status_code == 303
    assert public in rina.get("/akun/kunci").text


def test_every_review_rule_has_an_indonesian_sentence_in_the_desk() -> None:
    import re
    from pathlib import Path

    from pipeline.desk.findings_text import RULES_ID

    documented = set(
        re.findall(
            r"`((?:attachments|files|html|links|markdown|privacy|slug|writing)\.[a-z-]+)`",
            (Path(__file__).parent.parent / "docs/review-rules.md").read_text(),
        )
    )
    assert documented and documented <= set(RULES_ID), documented - set(RULES_ID)


def test_findings_are_shown_in_indonesian(desk: Desk) -> None:
    rina = desk.login("rina")
    page = rina.get("/konten/baru")
    body = "Hubungi 0812-3456-7890 untuk informasi.\n"
    rina.post("/konten/baru", data={**NEW, "body": body, "csrf": csrf_of(page.text)})
    editor = rina.get(f"/konten/{SLUG}").text
    assert "ada nomor telepon yang bukan nomor resmi pengadilan" in editor
    assert "is not an allowed number" not in editor


def test_a_withdrawal_is_asked_for_and_reviewed_in_the_desk(desk: Desk) -> None:
    desk.account("dimas")
    dimas = desk.login("dimas")
    board = dimas.get("/konten").text
    assert "Tarik dari situs" in board
    missing = dimas.post(
        "/konten/tarik", data={"csrf": csrf_of(board), "slug": "tidak-ada", "reason": "x"}
    )
    assert missing.status_code == 404 and "tidak ada item terbit" in missing.text
    asked = dimas.post(
        "/konten/tarik",
        data={"csrf": csrf_of(board), "slug": "visi-misi", "reason": "Diganti versi 2027."},
    )
    assert asked.status_code == 303 and asked.headers["location"] == "/konten/tarik-visi-misi"
    assert "tarik-visi-misi" in dimas.get("/konten").text
    sari = desk.login("sari")
    page = sari.get("/konten/tarik-visi-misi").text
    assert "Penarikan: Visi dan Misi Pengadilan" in page and "Diganti versi 2027." in page
    done = sari.post(
        "/konten/tarik-visi-misi/ajukan",
        data={"csrf": csrf_of(page), "expected": _expected(page)},
    )
    assert done.status_code == 303
    assert "Sudah diperiksa editor." in sari.get("/konten/tarik-visi-misi").text


def test_api_tokens_are_made_shown_once_and_revoked_in_the_desk(desk: Desk) -> None:
    rina = desk.login("rina")
    page = rina.get("/akun/token").text
    none = rina.post("/akun/token", data={"csrf": csrf_of(page), "name": "laptop"})
    assert none.status_code == 422 and "cakupan" in none.text
    made = rina.post(
        "/akun/token",
        data={"csrf": csrf_of(page), "name": "laptop", "scope-read": "1", "scope-drafts": "1"},
    )
    secret = re.search(r"(warta_[0-9a-f]+_[A-Za-z0-9_-]+)", made.text)
    assert made.status_code == 200 and secret
    api = desk.client()
    headers = {"Authorization": f"Bearer {secret.group(1)}"}
    assert api.get("/api/v1/drafts", headers=headers).status_code == 200
    listing = rina.get("/akun/token").text
    assert secret.group(1) not in listing  # shown once
    token_id = re.search(r"/akun/token/([0-9a-f]+)/cabut", listing).group(1)  # type: ignore[union-attr]
    rina.post(f"/akun/token/{token_id}/cabut", data={"csrf": csrf_of(listing)})
    assert api.get("/api/v1/drafts", headers=headers).status_code == 401


def test_the_page_preview_wears_the_built_sites_stylesheets(desk: Desk) -> None:
    from pipeline.commands.publish import publish

    publish(desk.config, by="warta")  # the site as last built gives the look
    rina = desk.login("rina")
    page = rina.get("/konten/baru")
    rina.post("/konten/baru", data={**NEW, "csrf": csrf_of(page.text)})
    shown = rina.get(f"/konten/{SLUG}/halaman")
    assert shown.status_code == 200 and 'class="md-content__inner md-typeset"' in shown.text
    sheets = re.findall(r'<link rel="stylesheet" href="(/situs/[^"]+)"', shown.text)
    assert sheets and any("stylesheets/main" in s for s in sheets)
    css = rina.get(sheets[0])
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    # Only the site's own assets, and nothing outside site/.
    assert rina.get("/situs/../warta.yml").status_code == 404
    assert rina.get("/situs/%2e%2e/warta.yml").status_code == 404
    assert rina.get("/situs/assets/%2e%2e/%2e%2e/warta.yml").status_code == 404
    assert rina.get("/situs/index.html").status_code == 404
    assert desk.client().get(sheets[0]).status_code == 303  # signed-in people only
