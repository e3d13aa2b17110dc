"""warta publish: promotion, embargo, strict build, atomic site, API, feed, withdrawal."""

import json
import re
import threading
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

import pytest

from pipeline.commands.content import withdraw
from pipeline.commands.publish import promote, publish
from pipeline.content.store import read_item
from pipeline.errors import BuildError, LockedError
from pipeline.lock import exclusive
from pipeline.site import api
from tests.conftest import APPROVED, Project

NOW = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)


def test_publish_promotes_approved_draft_and_builds(project: Project) -> None:
    project.draft(
        "rapat-evaluasi",
        **APPROVED,
        files={"notulen.pdf": b"%PDF-1.4 notulen\n"},
        body="\n## Isi\n\n[Notulen](files/notulen.pdf)\n",
    )
    project.draft("masih-draf")
    result = publish(project.config, by="dimas", now=NOW)
    assert result.promoted == ["rapat-evaluasi"] and not result.refused
    assert not (project.root / "drafts/rapat-evaluasi").exists()
    target = project.root / "content/berita/posts/rapat-evaluasi"
    item = read_item(target, project.config)
    assert item.front.status == "published" and item.front.published_at == NOW
    assert item.front.history[-1].by == "dimas"
    assert (target / "files/notulen.pdf").read_bytes() == b"%PDF-1.4 notulen\n"
    assert (project.root / "drafts/masih-draf").exists()
    site = project.root / "site"
    index, items = api.read_items(lambda rel: json.loads((site / rel).read_text()))
    assert index["version"] == 2 and index["count"] == 3
    assert [i["slug"] for i in index["latest"]] == [i["slug"] for i in items]
    assert {i["slug"] for i in items} == {"rapat-evaluasi", "kegiatan-pertama", "visi-misi"}
    for month in index["months"]:  # each month file lists exactly its items
        listed = json.loads((site / month["path"]).read_text())["items"]
        assert len(listed) == month["count"] > 0
        assert {i["date"][:7] for i in listed} == {month["month"]}
    one = json.loads((site / "api/items/rapat-evaluasi.json").read_text())
    assert "<h2" in one["html"] and one["attachments"][0]["url"].endswith("notulen.pdf")
    page = site / one["url"].removeprefix("https://pa-uji.example/") / "index.html"
    assert page.is_file()
    feed = ET.parse(site / "feed.xml").getroot()
    links = [e.text for e in feed.iter("link")]
    assert one["url"] in links
    assert "visi-misi" not in "".join(link or "" for link in links)  # pages are not in the feed
    sitemap = (site / "sitemap.xml").read_text()
    assert "<sitemapindex" in sitemap and "sitemaps/pages.xml" in sitemap
    assert "profil/visi-misi/" in (site / "sitemaps/pages.xml").read_text()
    posts = (site / f"sitemaps/posts-{NOW:%Y-%m}.xml").read_text()
    assert "rapat-evaluasi/</loc><lastmod>2026-" in posts


def test_embargo_waits_for_publish_at(project: Project) -> None:
    project.draft("pengumuman-libur", **APPROVED, publish_at="2026-12-01T08:00:00+08:00")
    early = publish(project.config, now=NOW)
    assert early.promoted == [] and early.embargoed[0][0] == "pengumuman-libur"
    assert (project.root / "drafts/pengumuman-libur").exists()
    late = publish(project.config, now=datetime(2026, 12, 1, 0, 1, tzinfo=UTC))
    assert late.promoted == ["pengumuman-libur"]


def test_refused_items_stay_drafts(project: Project) -> None:
    forged = {**APPROVED, "author": "hasan"}  # self-approval written into the file
    project.draft("swa-setuju", **forged)
    project.draft("link-rusak", **APPROVED, body="\n## A\n\n[x](/tidak/ada.md)\n")
    result = publish(project.config, now=NOW)
    assert result.promoted == []
    text = " ".join(str(p) for p in result.refused)
    assert "wrote this item" in text and "links.internal" in text
    assert (project.root / "drafts/swa-setuju").exists()
    assert (project.root / "drafts/link-rusak").exists()


def test_edit_after_approval_is_not_published(project: Project) -> None:
    path = project.draft("diubah-diam-diam", **APPROVED)
    approved_text = path.read_text()
    path.write_text(approved_text.replace("Isi berita", "Isi berita yang diubah"))
    result = publish(project.config, now=NOW, build=False)
    assert result.promoted == []
    assert "changed after it was approved" in " ".join(str(p) for p in result.refused)
    # A file slipped into files/ after approval counts as a change too.
    path.write_text(approved_text)
    project.write("drafts/diubah-diam-diam/files/tambahan.pdf", b"%PDF-1.4 tambahan\n")
    again = publish(project.config, now=NOW, build=False)
    assert again.promoted == [] and "changed after" in str(again.refused[0])
    (path.parent / "files/tambahan.pdf").unlink()
    assert publish(project.config, now=NOW, build=False).promoted == ["diubah-diam-diam"]


def test_failed_build_leaves_previous_site(project: Project) -> None:
    publish(project.config, now=NOW)
    before = (project.root / "site/index.html").read_bytes()
    # A broken link in published content makes the strict build fail.
    project.write("content/profil/index.md", "# Profil\n\n[hilang](/tidak-ada.md)\n")
    with pytest.raises(BuildError, match=r"tidak-ada\.md") as caught:
        publish(project.config, now=NOW)
    assert "left as it was" in caught.value.hint
    assert (project.root / "site/index.html").read_bytes() == before
    live = (project.root / "site").readlink().name
    leftovers = [p.name for p in project.root.iterdir() if p.name.startswith(".site")]
    assert leftovers == [live]  # the failed build's folder is gone


def test_withdrawn_item_leaves_site(project: Project) -> None:
    publish(project.config, now=NOW)
    url = json.loads((project.root / "site/api/items/kegiatan-pertama.json").read_text())["url"]
    page = project.root / "site" / url.removeprefix("https://pa-uji.example/") / "index.html"
    assert page.exists()
    withdraw(project.config, "kegiatan-pertama", by="dimas", reason="data keliru", now=NOW)
    publish(project.config, now=NOW)
    assert not page.exists()
    assert not (project.root / "site/api/items/kegiatan-pertama.json").exists()
    source = project.root / "content/berita/posts/kegiatan-pertama/index.md"
    assert "withdrawn_reason: data keliru" in source.read_text()


def test_interrupted_promotion_completes_on_rerun(project: Project) -> None:
    draft = project.draft("setengah-jalan", **APPROVED)
    target = project.root / "content/berita/posts/setengah-jalan"
    # promote() copies into content/ and leaves the draft: the state a crash
    # between the rename and the draft's removal leaves behind.
    promote(project.config, read_item(draft, project.config), by="dimas", now=NOW)
    assert draft.exists() and target.exists()
    result = publish(project.config, now=NOW, build=False)
    assert result.promoted == ["setengah-jalan"]
    assert not draft.parent.exists()
    assert read_item(target, project.config).front.status == "published"


def test_failed_build_puts_promoted_drafts_back(project: Project) -> None:
    draft = project.draft("gagal-bangun", **APPROVED)
    project.write("content/profil/index.md", "# Profil\n\n[hilang](/tidak-ada.md)\n")
    with pytest.raises(BuildError):
        publish(project.config, now=NOW)
    assert draft.is_file() and "status: approved" in draft.read_text()
    assert not (project.root / "content/berita/posts/gagal-bangun").exists()


def test_published_files_are_readable_by_the_web_server(project: Project) -> None:
    publish(project.config, now=NOW)
    for path in [
        project.root / "site",
        project.root / "site/api/index.json",
        project.root / "content/berita/posts/kegiatan-pertama",
    ]:
        assert path.stat().st_mode & 0o004, path


def test_concurrent_publish_refused(project: Project) -> None:
    held = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with exclusive(project.config.path("state") / "site.lock", "warta publish"):
            held.set()
            release.wait(5)

    thread = threading.Thread(target=hold)
    thread.start()
    held.wait(5)
    try:
        with pytest.raises(LockedError, match="already running"):
            publish(project.config, now=NOW, build=False)
    finally:
        release.set()
        thread.join()


def test_navigation_follows_the_vocabulary_and_its_groups(project: Project) -> None:
    config_file = project.root / "warta.yml"
    text = config_file.read_text()
    for section in ("profil", "layanan"):
        text = text.replace(
            f"    section: {section}\n",
            f"    section: {section}\n    group: {{id: Tentang Kami}}\n",
        )
    config_file.write_text(text)
    project.published("tata-cara", "layanan", title="Tata Cara Berperkara di Sini")
    publish(project.config, now=NOW)
    html = (project.root / "site/index.html").read_text()
    tabs = re.findall(r'class="md-tabs__link[^"]*">\s*([^<]+?)\s*<', html)
    assert tabs == ["Beranda", "Tentang Kami", "Berita"]
    assert "Tata Cara Berperkara di Sini" in html and "Visi dan Misi Pengadilan" in html
