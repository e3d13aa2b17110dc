"""The headless content API /api/v1: tokens with scopes over the drafting use cases."""

from __future__ import annotations

import subprocess

import pytest

from pipeline.commands import drafting, tokens
from tests.conftest import Project
from tests.desk_helpers import Desk, desk_config

NEW = {
    "title": "Sidang Keliling di Kecamatan Timur",
    "category": "berita",
    "summary": "Sidang keliling digelar di kantor kecamatan.",
    "tags": ["sidang keliling"],
    "body": "## Kegiatan\n\nSidang keliling berjalan tertib.\n",
}
SLUG = "sidang-keliling-di-kecamatan-timur"


@pytest.fixture
def desk(project: Project) -> Desk:
    project.write("warta.yml", desk_config())
    root = str(project.root)
    subprocess.run(["git", "init", "-q", "-b", "main", root], check=True)
    subprocess.run(["git", "-C", root, "add", "-A"], check=True)
    subprocess.run(["git", "-C", root, "commit", "-qm", "situs"], check=True)
    return Desk(project.config)


def bearer(desk: Desk, person: str, *scopes: str) -> dict[str, str]:
    made = tokens.issue(desk.config, by=person, name="uji", scopes=list(scopes), now=desk.clock())
    return {"Authorization": f"Bearer {made.secret}"}


def test_create_read_update_a_draft_with_a_token(desk: Desk) -> None:
    client = desk.client()
    rina = bearer(desk, "rina", "read", "drafts")
    made = client.post("/api/v1/drafts", json=NEW, headers=rina)
    assert made.status_code == 201, made.text
    assert made.json()["slug"] == SLUG and made.json()["branch"] == f"konten/{SLUG}"
    read = client.get(f"/api/v1/drafts/{SLUG}", headers=rina).json()
    assert read["front_matter"]["author"] == "rina" and read["front_matter"]["status"] == "draft"
    assert "Sidang keliling berjalan tertib." in read["preview_html"]
    saved = client.put(
        f"/api/v1/drafts/{SLUG}",
        json={**NEW, "summary": "Ringkasan baru.", "expected": read["head"]},
        headers=rina,
    )
    assert saved.status_code == 200, saved.text
    stale = client.put(
        f"/api/v1/drafts/{SLUG}", json={**NEW, "expected": read["head"]}, headers=rina
    )
    assert stale.status_code == 409 and "+summary: Ringkasan baru." in stale.json()["error"]["diff"]
    board = client.get("/api/v1/drafts", headers=rina).json()
    assert [c["slug"] for c in board["stages"]["draft"]] == [SLUG]


def test_tokens_are_checked_for_their_scope(desk: Desk) -> None:
    client = desk.client()
    reader = bearer(desk, "rina", "read")
    refused = client.post("/api/v1/drafts", json=NEW, headers=reader)
    assert refused.status_code == 403 and "may not drafts" in refused.json()["error"]["message"]
    assert client.get("/api/v1/drafts").status_code == 401
    assert (
        client.get("/api/v1/drafts", headers={"Authorization": "Bearer warta_x_y"}).status_code
        == 401
    )
    assert drafting.branches(desk.config).slugs() == {}


def test_role_rules_apply_to_tokens_as_to_sessions(desk: Desk) -> None:
    client = desk.client()
    sari = bearer(desk, "sari", "read", "drafts")
    made = client.post("/api/v1/drafts", json=NEW, headers=sari).json()
    rina = bearer(desk, "rina", "read", "drafts")
    refused = client.put(
        f"/api/v1/drafts/{SLUG}", json={**NEW, "expected": made["head"]}, headers=rina
    )
    assert refused.status_code == 403 and "may not edit the draft of sari" in refused.text


def test_no_route_approves_or_publishes(desk: Desk) -> None:
    client = desk.client()
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 200
    paths = spec.json()["paths"]
    assert set(paths) == {
        "/items",
        "/drafts",
        "/drafts/{slug}",
        "/drafts/{slug}/files",
        "/drafts/{slug}/submit",
    }
    assert not any(word in path for path in paths for word in ("approve", "publish", "withdraw"))
    hasan = bearer(desk, "hasan", "read", "drafts", "submit")
    assert client.post(f"/api/v1/drafts/{SLUG}/approve", headers=hasan).status_code in (404, 405)


def test_invalid_json_is_refused_without_writing(desk: Desk) -> None:
    client = desk.client()
    rina = bearer(desk, "rina", "drafts")
    answer = client.post("/api/v1/drafts", json={**NEW, "attention": "whatever"}, headers=rina)
    assert answer.status_code == 422
    answer = client.post("/api/v1/drafts", json={**NEW, "category": "gosip"}, headers=rina)
    assert answer.status_code == 422 and answer.json()["error"]["message"] == "unknown category"
    assert drafting.branches(desk.config).slugs() == {}


def test_attach_and_submit_with_their_scopes(desk: Desk) -> None:
    from tests.desk_helpers import jpeg

    client = desk.client()
    rina = bearer(desk, "rina", "read", "drafts", "attach")
    made = client.post("/api/v1/drafts", json=NEW, headers=rina).json()
    attached = client.post(
        f"/api/v1/drafts/{SLUG}/files",
        params={"expected": made["head"]},
        files={"files": ("foto kegiatan.jpg", jpeg(800, 600), "image/jpeg")},
        headers=rina,
    )
    assert attached.status_code == 200, attached.text
    assert any(m.startswith("files/foto-kegiatan") for m in attached.json()["made"])
    lying = client.post(
        f"/api/v1/drafts/{SLUG}/files",
        params={"expected": attached.json()["head"]},
        files={"files": ("surat.pdf", b"MZ\x90\x00" + b"\x00" * 300, "application/pdf")},
        headers=rina,
    )
    assert lying.status_code == 422 and lying.json()["error"]["problems"]
    no_scope = client.post(
        f"/api/v1/drafts/{SLUG}/submit", params={"expected": attached.json()["head"]}, headers=rina
    )
    assert no_scope.status_code == 403
    # The draft links no attachment yet: the editor's submit is refused by the review.
    sari = bearer(desk, "sari", "read", "submit")
    refused = client.post(
        f"/api/v1/drafts/{SLUG}/submit", params={"expected": attached.json()["head"]}, headers=sari
    )
    assert refused.status_code == 422 and "review found" in refused.json()["error"]["message"]
    head = attached.json()["head"]
    read = client.get(f"/api/v1/drafts/{SLUG}", headers=rina).json()
    linked = read["body"] + "\n![Foto kegiatan](" + attached.json()["made"][0] + ")\n"
    saved = client.put(
        f"/api/v1/drafts/{SLUG}", json={**NEW, "body": linked, "expected": head}, headers=rina
    )
    assert saved.status_code == 200, saved.text
    submitted = client.post(
        f"/api/v1/drafts/{SLUG}/submit", params={"expected": saved.json()["head"]}, headers=sari
    )
    assert submitted.status_code == 200, submitted.text
    assert drafting.load(desk.config, SLUG).item.front.status.value == "in-review"


def test_published_items_are_read_with_a_token(desk: Desk) -> None:
    client = desk.client()
    reader = bearer(desk, "rina", "read")
    items = client.get("/api/v1/items", headers=reader).json()["items"]
    assert {"visi-misi"} <= {i["slug"] for i in items}
    assert all(
        i["status"] in ("draft", "in-review", "approved", "published", "withdrawn") for i in items
    )
