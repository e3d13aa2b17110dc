"""The court look (pipeline/site/theme.py and its overrides), on a site of the tests' own.

Built once per module with ``warta publish``; pages are read as HTML, then served by nginx
and looked at in Chromium: phone widths, search with Pagefind, axe-core.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from PIL import Image

from pipeline.cli import cli
from pipeline.config import parse_config
from pipeline.content.convert import photo_variants
from pipeline.errors import ConfigError
from pipeline.site import theme
from tests.browser import DESKTOP, PHONE, axe_violations, open_page
from tests.conftest import MKDOCS_YML, WARTA_YML, Project

COURT = """\
court:
  address: Jl. Uji Coba No. 1, Kota Uji
  phone: (0411) 555-0100
  whatsapp: 0811-5550-1000
  email: info@pa-uji.example
  hours: Senin–Jumat 08.00–16.00 WITA
  links:
    - {id: sipp, label: SIPP, url: "https://sipp.pa-uji.example/"}
    - {id: survei, label: Survei Kepuasan, url: /layanan/survei/}
health:
  endpoints:
    - {name: situs, url: "http://127.0.0.1:9/"}
"""

ARTICLE = """
Kota Uji – Pengadilan Agama Uji menggelar sidang keliling di kecamatan terjauh.

![Majelis hakim memeriksa perkara di balai desa](files/sidang-1600.jpg)

Warga menyambut dengan gembira; kata unik **zamrudkatulistiwa** hanya ada di sini.

| Kolom satu | Kolom dua | Kolom tiga | Kolom empat | Kolom lima | Kolom enam | Kolom tujuh |
|---|---|---|---|---|---|---|
| isi yang panjang sekali | isi yang panjang sekali | isi yang panjang | isi | isi | isi | isi |
"""

CERAI = """
## Syarat

Istri yang ingin mengajukan perceraian mengajukan gugatan cerai ke pengadilan agama
tempat tinggalnya.
"""


def _photo() -> dict[str, bytes]:
    image = Image.new("RGB", (1800, 1000), (40, 120, 80))
    raw = io.BytesIO()
    image.save(raw, "JPEG")
    source = Path(__import__("tempfile").mkdtemp()) / "sidang.jpg"
    source.write_bytes(raw.getvalue())
    return {f"sidang-{w}.jpg": data for w, data in photo_variants(source, [1600, 800], 80)}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Project:
    p = Project(tmp_path_factory.mktemp("court"))
    p.write("warta.yml", WARTA_YML.replace("people:", COURT + "people:", 1))
    p.write("mkdocs.yml", MKDOCS_YML.replace("  - search\n", ""))
    p.write("content/index.md", "---\ntitle: Beranda\n---\nSelamat datang di situs uji.\n")
    p.write("content/berita/index.md", "# Berita\n")
    p.write("content/layanan/index.md", "# Layanan\n")
    p.published("cerai-gugat", "layanan", title="Cerai Gugat", body=CERAI)
    p.published("survei", "layanan", title="Survei Kepuasan Masyarakat")
    for day in range(1, 5):
        p.published(
            f"kabar-{day}", date=date(2026, 11, day), title=f"Kabar nomor {day} dari pengadilan"
        )
    p.published(
        "sidang-keliling",
        date=date(2026, 11, 10),
        title="Sidang Keliling di Kecamatan Terjauh",
        body=ARTICLE,
        files=_photo(),
    )
    (p.root / "drafts").mkdir()
    done = CliRunner().invoke(cli, ["--config", str(p.root / "warta.yml"), "publish"])
    assert done.exit_code == 0, done.output
    return p


def html(p: Project, rel: str) -> str:
    return (p.root / "site" / rel).read_text(encoding="utf-8")


def post_path(p: Project, slug: str) -> str:
    found = next((p.root / "site" / "berita").glob(f"20*/**/{slug}/index.html"))
    return found.relative_to(p.root / "site").as_posix()


# -- HTML ------------------------------------------------------------------------


def test_header_shows_emblem_address_phone_whatsapp_and_search(built: Project) -> None:
    page = html(built, "index.html")
    assert 'src="assets/warta/emblem.svg"' in page
    assert "Jl. Uji Coba No. 1, Kota Uji" in page
    assert 'href="tel:04115550100"' in page
    assert 'href="https://wa.me/6281155501000"' in page
    assert 'action="cari/"' in page and 'name="q"' in page
    assert "fonts.googleapis.com" not in page  # nothing is loaded from a third party


def test_home_has_quick_links_and_the_latest_news_as_cards(built: Project) -> None:
    page = html(built, "index.html")
    assert 'href="https://sipp.pa-uji.example/"' in page
    assert 'href="layanan/survei/"' in page  # a site path, relative to the home page
    cards = re.findall(r'<h3 class="warta-card__title"><a href="([^"]+)">([^<]+)</a>', page)
    assert [title for _url, title in cards] == [
        "Sidang Keliling di Kecamatan Terjauh",
        "Kabar nomor 4 dari pengadilan",
        "Kabar nomor 3 dari pengadilan",
    ]
    assert "Berita terbaru" in page and "10 November 2026" in page
    # the card shows the photo's small web variant, with the article's alt text
    assert re.search(
        r'<img class="warta-card__image" src="[^"]*sidang-800\.jpg" '
        r'alt="Majelis hakim memeriksa perkara di balai desa"',
        page,
    )


def test_list_pages_show_excerpts_not_whole_articles(built: Project) -> None:
    listing = html(built, "berita/index.html")
    assert "menggelar sidang keliling di kecamatan terjauh" in listing
    assert "zamrudkatulistiwa" not in listing  # after the first paragraph
    assert "Lanjut membaca" in listing or "Baca" in listing
    article = html(built, post_path(built, "sidang-keliling"))
    assert "zamrudkatulistiwa" in article


def test_article_photo_has_alt_text_and_web_variants(built: Project) -> None:
    article = html(built, post_path(built, "sidang-keliling"))
    img = re.search(r"<img [^>]*sidang-1600\.jpg[^>]*>", article)
    assert img is not None
    tag = img.group(0)
    assert 'alt="Majelis hakim memeriksa perkara di balai desa"' in tag
    assert re.search(r'srcset="[^"]*sidang-800\.jpg 800w, [^"]*sidang-1600\.jpg 1600w"', tag)
    assert 'loading="lazy"' in tag


def test_tables_are_wrapped_to_scroll(built: Project) -> None:
    article = html(built, post_path(built, "sidang-keliling"))
    assert '<div class="warta-table" tabindex="0"><table>' in article


def test_feed_autodiscovery_on_every_page(built: Project) -> None:
    for rel in ("index.html", "berita/index.html", "layanan/cerai-gugat/index.html"):
        page = html(built, rel)
        link = re.search(r'<link rel="alternate" type="application/rss\+xml"[^>]*>', page)
        assert link is not None and "feed.xml" in link.group(0), rel


def test_404_is_indonesian(built: Project) -> None:
    page = html(built, "404.html")
    assert "Halaman tidak ditemukan" in page and "Not found" not in page
    assert 'href="https://pa-uji.example/"' in page  # absolute: served at any address


def test_footer_links_the_status_page_and_the_menu_has_no_tag_tab(built: Project) -> None:
    page = html(built, "layanan/cerai-gugat/index.html")
    footer = page[page.index('class="warta-footer"') :]
    assert 'href="../../status/"' in footer and "Status layanan situs" in footer
    assert ">Tag<" not in page


def test_no_inline_script_anywhere(built: Project) -> None:
    for path in (built.root / "site").rglob("*.html"):
        for tag, body in re.findall(r"(<script[^>]*>)(.*?)</script>", path.read_text(), re.S):
            if 'type="application/json"' in tag:
                continue  # data, not code
            assert "src=" in tag and not body.strip(), f"{path}: {tag}{body[:80]}"
        assert not re.search(r"\son[a-z]+=", path.read_text()), path


def test_search_index_is_pagefind_not_lunr(built: Project) -> None:
    site = built.root / "site"
    assert (site / "pagefind" / "pagefind.js").is_file()
    assert list((site / "pagefind" / "fragment").iterdir())
    assert not (site / "search" / "search_index.json").exists()
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text())
    assert "id" in entry["languages"]
    # posts are indexed one bundle per year, merged by the search page
    assert json.loads((site / "pagefind" / "warta-bundles.json").read_text()) == {
        "bundles": ["berita-2026"]
    }
    assert (site / "pagefind" / "berita-2026" / "pagefind-entry.json").is_file()
    # list pages repeat excerpts: not indexed; pages and posts are
    assert "data-pagefind-body" not in html(built, "berita/index.html")
    assert "data-pagefind-body" in html(built, "layanan/cerai-gugat/index.html")


def test_excerpt_separator_is_kept_or_added_after_the_first_paragraph() -> None:
    assert (
        theme.excerpt_marked("Satu.\n\n<!-- more -->\n\nDua.") == "Satu.\n\n<!-- more -->\n\nDua."
    )
    assert theme.excerpt_marked("## Judul\n\nSatu.\n\nDua.\n") == (
        "## Judul\n\nSatu.\n\n<!-- more -->\n\nDua.\n"
    )
    assert theme.excerpt_marked("Hanya satu paragraf.\n") == "Hanya satu paragraf.\n"


# -- in Chromium -------------------------------------------------------------------


def search(browser: Any, base: str, query: str) -> list[str]:
    page, problems = open_page(browser)
    page.goto(f"{base}cari/?q={query}")
    page.wait_for_selector(".pagefind-ui__result-link, .pagefind-ui__message", timeout=15000)
    page.wait_for_timeout(500)
    links = page.eval_on_selector_all(
        ".pagefind-ui__result-link", "els => els.map(e => e.getAttribute('href'))"
    )
    page.close()
    assert problems == []
    return links


def test_search_in_chromium_stems_indonesian_and_finds_article_bodies(
    built: Project, serve_site: Any, chromium: Any
) -> None:
    base = serve_site(built.root / "site")
    assert any("/layanan/cerai-gugat/" in link for link in search(chromium, base, "bercerai"))
    found = search(chromium, base, "zamrudkatulistiwa")
    assert len(found) == 1 and "sidang-keliling" in found[0]
    assert search(chromium, base, "qxjzvbw") == []


def test_phone_pages_do_not_scroll_sideways(built: Project, serve_site: Any, chromium: Any) -> None:
    base = serve_site(built.root / "site")
    for rel in ("", "berita/", post_path(built, "sidang-keliling").removesuffix("index.html")):
        page, problems = open_page(chromium, PHONE)
        page.goto(base + rel)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (rel, overflow)
        page.close()
        assert problems == []


@pytest.mark.parametrize("where", ["home", "article", "list"])
def test_axe_finds_no_serious_or_critical_violation(
    built: Project, serve_site: Any, chromium: Any, where: str
) -> None:
    rel = {
        "home": "",
        "article": post_path(built, "sidang-keliling").removesuffix("index.html"),
        "list": "berita/",
    }[where]
    base = serve_site(built.root / "site")
    for viewport in (DESKTOP, PHONE):
        page, problems = open_page(
            chromium, viewport or {"width": 1280, "height": 900}, bypass_csp=True
        )
        page.goto(base + rel)
        found = axe_violations(page)
        page.close()
        assert found == [], (where, viewport)
        assert problems == []


# -- hostile input ---------------------------------------------------------------


@pytest.mark.parametrize("url", ["javascript:alert(1)", "//evil.example/", "data:text/html,x"])
def test_a_quick_link_must_be_http_or_a_site_path(tmp_path: Path, url: str) -> None:
    text = WARTA_YML.replace(
        "people:", f"court:\n  links:\n    - {{id: x, label: X, url: '{url}'}}\npeople:", 1
    )
    with pytest.raises(ConfigError) as caught:
        parse_config(text, source="warta.yml", root=tmp_path)
    assert "court.links" in str(caught.value.problems[0])


def test_titles_and_settings_are_escaped_on_the_home_page(
    make_project: Any, tmp_path: Path
) -> None:
    p = make_project()
    hostile = '<img src=x onerror="alert(1)">'
    p.write(
        "warta.yml",
        WARTA_YML.replace(
            "people:", f"court:\n  address: '{hostile}'\n  phone: '{hostile}'\npeople:", 1
        ),
    )
    p.write("content/index.md", "Beranda.\n")
    p.write("content/berita/index.md", "# Berita\n")
    p.published("kabar", title=f"Judul {hostile} berbahaya", summary=f"Ringkasan {hostile}")
    (p.root / "drafts").mkdir()
    done = CliRunner().invoke(cli, ["--config", str(p.root / "warta.yml"), "publish"])
    assert done.exit_code == 0, done.output
    page = (p.root / "site" / "index.html").read_text()
    assert "onerror=" not in page.replace("onerror=&#34;", "").replace("onerror=&quot;", "")
    assert "<img src=x" not in page


def test_posts_are_indexed_one_bundle_per_blog_and_year(tmp_path: Path) -> None:
    from pipeline.site import search

    for rel in (
        "index.html",
        "profil/visi-misi/index.html",
        "berita/index.html",
        "berita/page/2/index.html",
        "berita/2025/03/01/a/index.html",
        "berita/2026/01/02/b/index.html",
        "pengumuman/2026/05/05/c/index.html",
    ):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("<html></html>")
    # A post's files and the API hold no HTML: their folders stay out of the globs (one
    # per post made the pages' glob thousands of names long).
    for rel in ("berita/a/files/foto.png", "berita/b/surat.pdf", "api/index.json", "feed.xml"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"x")
    found = search.bundles(tmp_path, ["berita", "pengumuman"])
    assert found == [
        (
            "{berita/index.html,berita/page/**/*.html,feed.xml,index.html,profil/**/*.html}",
            "pagefind",
        ),
        ("berita/2025/**/*.html", "pagefind/berita-2025"),
        ("berita/2026/**/*.html", "pagefind/berita-2026"),
        ("pengumuman/2026/**/*.html", "pagefind/pengumuman-2026"),
    ]
    # The years alone (indexed while the other files are written): the same, no page read.
    assert search.year_bundles(tmp_path, ["berita", "pengumuman", "tidak-ada"]) == found[1:]
    # A marked page deep in a folder of files is found; a folder of files alone is not.
    (tmp_path / "berita/a/files/sub/x.html").parent.mkdir(parents=True)
    (tmp_path / "berita/a/files/sub/x.html").write_text("<div data-pagefind-body></div>")
    # (then the only marked page: Pagefind would read nothing else)
    assert search.bundles(tmp_path, ["berita", "pengumuman"])[0][0] == "berita/a/**/*.html"


def _page(body: str, *, marked: bool) -> str:
    mark = " data-pagefind-body" if marked else ""
    return (
        '<!doctype html><html lang="id"><head><title>t</title></head><body>'
        f"<nav>menu beranda profil berita</nav><article{mark}>{body}</article></body></html>"
    )


def test_the_sites_bundle_reads_only_what_pagefind_would_index(tmp_path: Path) -> None:
    from pipeline.site import search

    site = tmp_path / "site"
    pages = {
        "index.html": _page("Selamat datang di pengadilan", marked=True),
        "profil/visi-misi/index.html": _page("Visi misi perceraian warisan", marked=True),
        "berita/index.html": _page("Daftar berita sidang keliling", marked=False),
        "berita/page/2/index.html": _page("Daftar berita lama", marked=False),
        "tags/index.html": _page("Tag anggaran", marked=False),
        "berita/2026/01/02/b/index.html": _page("Sidang keliling di desa", marked=True),
    }
    for rel, html in pages.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(html)
    (site / "feed.xml").write_text("<rss></rss>")
    found = search.bundles(site, ["berita"])
    # The list pages, the tag pages and the feed have no marked page: not read at all.
    assert found[0] == ("{index.html,profil/**/*.html}", "pagefind")
    everything = (
        "{berita/index.html,berita/page/**/*.html,feed.xml,index.html,profil/**/*.html,"
        "tags/**/*.html}"
    )
    search._run(site, everything, "pagefind-all")
    search._run(site, found[0][0], "pagefind")

    def digests(folder: Path) -> dict[str, str]:
        return {
            str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in folder.rglob("*")
            if path.is_file()
        }

    # Pagefind leaves out every page without the mark once one has it: the same index.
    assert digests(site / "pagefind") == digests(site / "pagefind-all") != {}
    # With no marked page anywhere, every page is indexed whole: all of them are read.
    for rel, html in pages.items():
        (site / rel).write_text(html.replace(" data-pagefind-body", ""))
    assert search.bundles(site, ["berita"])[0][0] == everything
