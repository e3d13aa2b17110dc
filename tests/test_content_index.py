"""The content index: a draft's review reads the drafts, not every published item,
and finds what a full scan finds (pipeline/content/index.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.commands.content import run_review
from pipeline.content import index
from pipeline.content.review import review
from pipeline.content.store import scan
from tests.conftest import Project


def full(project: Project, wanted: list[Path]) -> dict[str, object]:
    return review(project.config, scan(project.config), only=wanted).as_dict()


@pytest.fixture
def site(project: Project) -> Project:
    for number in range(6):
        project.published(f"berita-lama-{number}", title=f"Berita lama nomor {number} hari ini")
    project.draft("draf-satu", title="Draf pertama yang cukup panjang")
    project.draft("draf-dua", slug="draf-satu", title="Draf kedua dengan slug yang sama")
    # A published item whose slug a draft already holds: reported on the published one.
    project.published("kegiatan-kedua", title="Kegiatan kedua di pengadilan")
    project.draft("kegiatan-kedua", title="Draf dengan slug berita terbit")
    return project


def test_the_review_of_drafts_finds_what_a_full_scan_finds(site: Project) -> None:
    drafts = sorted((site.root / "drafts").glob("*/index.md"))
    published = site.root / "content/berita/posts/kegiatan-kedua/index.md"
    for wanted in ([drafts[0]], drafts, [published], [*drafts, published]):
        assert run_review(site.config, wanted).as_dict() == full(site, wanted)
    assert run_review(site.config).as_dict() == full(site, drafts)
    messages = [
        f["message"] for f in run_review(site.config, [published]).as_dict()["files"][0]["findings"]
    ]  # type: ignore[index]
    assert any("duplicate slug 'kegiatan-kedua'" in m for m in messages)


def test_published_items_are_read_once_then_taken_from_the_index(
    site: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = site.root / "drafts/draf-satu/index.md"
    run_review(site.config, [draft])  # builds the index
    assert index.index_path(site.config).is_file()
    read: list[Path] = []
    original = index.read_item
    monkeypatch.setattr(
        index, "read_item", lambda p, *a, **k: read.append(p) or original(p, *a, **k)
    )
    run_review(site.config, [draft])
    assert all("drafts" in p.parts for p in read)  # no published item was parsed
    # A published item changed on disk is read again (once), the rest still are not.
    changed = site.root / "content/berita/posts/berita-lama-3/index.md"
    changed.write_text(changed.read_text().replace("nomor 3 hari ini", "nomor 3 kemarin"))
    read.clear()
    report = run_review(site.config, [changed])
    assert [p for p in read if "content" in p.parts] == [changed]
    assert report.as_dict() == full(site, [changed])
    read.clear()
    run_review(site.config, [draft])
    assert all("drafts" in p.parts for p in read)


def test_a_damaged_index_is_rebuilt(site: Project) -> None:
    draft = site.root / "drafts/draf-satu/index.md"
    expected = full(site, [draft])
    index.index_path(site.config).parent.mkdir(parents=True, exist_ok=True)
    for damage in ("{not json", '{"version": 99, "items": []}', '{"version": 1, "items": [{}]}'):
        index.index_path(site.config).write_text(damage)
        assert run_review(site.config, [draft]).as_dict() == expected
