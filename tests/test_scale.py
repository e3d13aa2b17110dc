"""Publishing that stays cheap as the news grows: stable list pages, a slim search
index, monthly sitemaps and API files (pipeline/site/scale.py, docs/scale.md)."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from pipeline.commands.publish import publish
from pipeline.site import scale
from tests.conftest import Project

NOW = datetime(2026, 12, 31, 1, 0, tzinfo=UTC)
PER_PAGE = 5


def digests(site: Path) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in site.rglob("*")
        if p.is_file()
    }


def titles(html: Path) -> list[str]:
    """Post numbers listed on a blog list page, in order."""
    return re.findall(r"Berita nomor (\d+) ", html.read_text())


def add_post(project: Project, number: int, day: date, **extra: Any) -> None:
    """Post ``number``, dated ``day``; ``extra`` front matter (or ``body``) replaces the
    defaults."""
    fields: dict[str, Any] = {
        "title": f"Berita nomor {number} dari pengadilan",
        "summary": f"Ringkasan berita {number} untuk pencarian.",
        "date": day,
        "published_at": f"{day.isoformat()}T10:00:00+08:00",
        "body": f"\n## Isi\n\nTeks lengkap berita {number} yang tidak masuk indeks.\n",
    }
    project.published(f"berita-{number:02d}", **{**fields, **extra})


@pytest.fixture
def newsroom(project: Project) -> Project:
    """The test project with 22 more posts (23 in all), five to a list page."""
    mkdocs = project.root / "mkdocs.yml"
    mkdocs.write_text(
        mkdocs.read_text().replace(
            "authors: false", f"authors: false\n      pagination_per_page: {PER_PAGE}"
        )
    )
    for number in range(1, 23):
        add_post(project, number, date(2026, 1 + number // 3, 1 + number % 28))
    return project


@pytest.mark.parametrize(("count", "expected"), [(0, 0), (5, 0), (6, 1), (10, 2), (11, 2), (23, 4)])
def test_full_blocks_counted_from_the_oldest(count: int, expected: int) -> None:
    assert scale.blocks(count, 5) == expected


def test_block_one_holds_the_oldest_posts() -> None:
    newest_first = list(range(23, 0, -1))  # 23 is the newest
    assert newest_first[scale.block_slice(23, 5, 1)] == [5, 4, 3, 2, 1]
    assert newest_first[scale.block_slice(23, 5, 4)] == [20, 19, 18, 17, 16]


def test_a_new_post_leaves_every_older_list_page_unchanged(newsroom: Project) -> None:
    publish(newsroom.config, now=NOW)
    site = newsroom.root / "site"
    before = digests(site)
    blocks = sorted(site.glob("berita/page/*/index.html"))
    assert [p.parent.name for p in blocks] == ["1", "2", "3", "4"]
    assert titles(site / "berita/page/1/index.html") == ["5", "4", "3", "2", "1"]
    # The fixture's own post (20 November) is the newest, and has another title.
    assert titles(site / "berita/index.html") == ["22", "21", "20", "19"]
    index_html = (site / "berita/index.html").read_text()
    assert 'href="page/4/"' in index_html and ">Lebih lama <" in index_html
    # Every post is on a list page: the index shows the newest, the blocks the rest.
    listed = set(titles(site / "berita/index.html"))
    for block in blocks:
        listed |= set(titles(block))
    assert listed == {str(n) for n in range(1, 23)}

    add_post(newsroom, 23, date(2026, 12, 30))
    publish(newsroom.config, now=NOW)
    after = digests(site)
    changed = {rel for rel, digest in after.items() if before.get(rel) != digest}
    assert not any(rel.startswith("berita/page/") for rel in changed), changed
    assert titles(site / "berita/index.html") == ["23", "22", "21", "20"]
    assert "berita/2026/12/30/berita-23/index.html" in changed
    assert "api/months/2026-12.json" in changed and "api/months/2026-01.json" not in changed
    assert "sitemaps/posts-2026-12.xml" in changed and "sitemaps/pages.xml" not in changed
    untouched_posts = [rel for rel in after if re.match(r"berita/2026/0[1-6]/.*index\.html$", rel)]
    assert untouched_posts and not changed & set(untouched_posts)


def test_posts_enter_search_with_title_and_summary_only(newsroom: Project) -> None:
    publish(newsroom.config, now=NOW)
    docs = json.loads((newsroom.root / "site/search/search_index.json").read_text())["docs"]
    post = [d for d in docs if d["location"].endswith("berita-07/")]
    assert len(post) == 1 and post[0]["text"] == "Ringkasan berita 7 untuk pencarian."
    assert not [d for d in docs if "berita-07/#" in d["location"]]
    assert not [d for d in docs if "tidak masuk indeks" in d["text"]]
    assert [d["text"] for d in docs if d["location"] == "berita/"] == [""]
    assert not [d for d in docs if "/page/" in d["location"] or "archive" in d["location"]]
    # Static pages keep their full text.
    assert [d for d in docs if d["location"].startswith("profil/visi-misi/") and d["text"]]


def test_full_text_search_of_posts_can_be_switched_on(newsroom: Project) -> None:
    mkdocs = newsroom.root / "mkdocs.yml"
    mkdocs.write_text(
        mkdocs.read_text().replace("  - warta\n", "  - warta:\n      search_full_text: true\n")
    )
    publish(newsroom.config, now=NOW)
    text = (newsroom.root / "site/search/search_index.json").read_text()
    assert "tidak masuk indeks" in text


def test_sitemap_index_with_monthly_sitemaps_dated_by_the_front_matter(newsroom: Project) -> None:
    publish(newsroom.config, now=NOW)
    site = newsroom.root / "site"
    index = (site / "sitemap.xml").read_text()
    listed = re.findall(r"<loc>https://pa-uji\.example/(sitemaps/[^<]+)</loc>", index)
    assert "sitemaps/pages.xml" in listed and "sitemaps/posts-2026-01.xml" in listed
    for rel in listed:
        assert (site / rel).is_file()
    january = (site / "sitemaps/posts-2026-01.xml").read_text()
    assert "berita-01/</loc><lastmod>2026-01-02T10:00:00+08:00</lastmod>" in january
    assert scale.sitemap_urls(january) and all(
        "/2026/01/" in url for url in scale.sitemap_urls(january)
    )
    assert (site / "sitemap.xml.gz").read_bytes()[4:8] == b"\0\0\0\0"  # no build time


def test_excerpts_rendered_once_and_shared_front_matter_give_the_same_bytes(
    newsroom: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The speed-ups (pipeline/site/excerpts.py, the front matter parsed once) change
    no byte of the site: built with and without them, every file is the same."""
    from pipeline.site import excerpts
    from pipeline.site.build import build_site

    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 40
    add_post(newsroom, 30, date(2026, 7, 7))
    newsroom.published(
        "berita-31",
        title="Berita nomor 31 dengan tautan",
        summary="Berita yang menaut ke berita lain, halaman, foto dan judulnya sendiri.",
        date=date(2026, 7, 8),
        files={"foto.png": png},
        body=(
            "\n![Foto kegiatan](files/foto.png)\n\n## Isi\n\nLihat [berita 30]"
            "(../berita-30/index.md#isi), [visi](/profil/visi-misi/index.md), "
            "[bagian ini](#isi), [luar](https://example.org/a?b=1#c) dan "
            "[unduh foto](files/foto.png?v=1).\n"
        ),
    )
    newsroom.published(
        "berita-32",
        title="Berita nomor 32 yang dipotong",
        summary="Berita yang ringkasannya dikonversi sampai pemisahnya saja.",
        date=date(2026, 7, 9),
        body=(
            "\nParagraf pembuka berita 32 dengan [berita 30](../berita-30/index.md#isi) "
            "dan **tebal**.\n\n## Isi\n\nLanjutan yang hanya ada di halaman beritanya."
            "\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
        ),
    )
    site = newsroom.root / "site"
    build_site(newsroom.config, now=NOW, site_dir=site)
    fast = digests(site)
    assert "berita/page/1/index.html" in fast
    # Its excerpt (converted up to the separator only) on a list page, with more to read.
    lists = [
        p.read_text()
        for p in site.glob("berita/**/index.html")
        if "berita-32" not in str(p) and "Paragraf pembuka berita 32" in p.read_text()
    ]
    assert lists and all("Lanjutan yang hanya ada" not in page for page in lists)
    shown = lists[0].split("Paragraf pembuka berita 32", 1)[1].split("</article>", 1)[0]
    assert "md-post__action" in shown and "2026/07/09/berita-32/" in shown

    monkeypatch.setattr(excerpts, "install", lambda: (excerpts.uninstall(), False)[1])
    monkeypatch.setattr(scale, "share_front_matter", lambda items: None)
    build_site(newsroom.config, now=NOW, site_dir=site)
    assert digests(site) == fast
    # The excerpt is placed on each list page with URLs relative to that page.
    shown = {
        p.relative_to(site).as_posix(): p.read_text()
        for p in site.glob("berita/**/page/*/index.html")
        if "berita-31/#isi" in p.read_text()
    }
    assert 'href="../../2026/07/08/berita-31/#isi"' in shown["berita/page/4/index.html"]
    archive = shown["berita/archive/2026/page/4/index.html"]
    assert 'href="../../../../2026/07/08/berita-31/#isi"' in archive
    assert 'href="../../../../berita-31/files/foto.png?v=1"' in archive


RICH_BODY = """
## Isi {n}

Teks dengan catatan kaki[^1], **tebal**, `kode` dan [bagian ini](#isi-{n}).

!!! note "Catatan"
    Admonisi dalam berita {n}.

| Kolom | Nilai |
|---|---|
| a | {n} |

Istilah
:   Definisi {n}.

??? info "Rincian"
    Isi yang dilipat.

```python
print({n})
```

Lihat [berita sebelumnya](../berita-{prev:02d}/index.md#isi-{prev}),
[visi](/profil/visi-misi/index.md)
dan [halaman yang tidak ada](../tidak-ada/index.md).

[^1]: Catatan kaki berita {n}.
"""


def rich_newsroom(project: Project) -> Project:
    """The newsroom with Markdown extensions that keep state within a document
    (footnotes, toc's unique ids), tags, links between posts and a missing link."""
    mkdocs = project.root / "mkdocs.yml"
    text = mkdocs.read_text().replace("  - search\n", "  - search\n  - tags\n")
    text = text.replace("not_found: warn", "not_found: info")
    text += (
        "markdown_extensions:\n  - admonition\n  - attr_list\n  - md_in_html\n  - tables\n"
        "  - def_list\n  - footnotes\n  - toc:\n      permalink: true\n"
        "  - pymdownx.details\n  - pymdownx.superfences\n"
    )
    mkdocs.write_text(text)
    project.write("content/tags.md", "# Tag\n\n<!-- material/tags -->\n")
    for number in range(1, 23):
        add_post(
            project,
            number,
            date(2026, 1 + number // 3, 1 + number % 28),
            tags=[f"tag-{number % 4}", "semua"],
            body=RICH_BODY.format(n=number, prev=max(number - 1, 1)),
        )
    return project


def patient_build_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """The build process waits (up to a minute) until the converting child has taken the
    last three pages before it converts any: on a loaded machine the child may otherwise
    start only after the build process has converted every page (correct, but then the
    child's results are not what is tested)."""
    import time

    from pipeline.site import engine

    mine = engine._Ahead._mine

    def patient(self: Any, i: int) -> bool:
        deadline = time.monotonic() + 60
        while self.bounds[1] > len(self.pages) - 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        return mine(self, i)

    monkeypatch.setattr(engine._Ahead, "_mine", patient)


def build_both_ways(
    project: Project, caplog: pytest.LogCaptureFixture
) -> tuple[dict[bool, dict[str, str]], dict[bool, list[str]]]:
    """The site built by the engine (two processes) and by mkdocs alone, with the
    messages each build logged."""
    from pipeline.site.build import build_site

    sites, messages = {}, {}
    for parallel in (False, True):
        caplog.clear()
        with caplog.at_level(logging.INFO):
            site = project.root / f"site-{parallel}" / "site"
            build_site(project.config, now=NOW, site_dir=site, parallel=parallel)
        sites[parallel] = digests(site)
        messages[parallel] = [r.getMessage() for r in caplog.records]
    return sites, messages


def test_pages_converted_and_rendered_on_two_cores_give_the_same_bytes(
    newsroom: Project, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The engine's split of the Markdown conversion (a child converting ahead) and of
    the page loop between two processes writes what mkdocs alone writes, and logs the
    same messages about the pages."""
    from mkdocs.config import load_config as load_mkdocs

    from pipeline.site import engine

    patient_build_process(monkeypatch)
    sites, messages = build_both_ways(rich_newsroom(newsroom), caplog)
    assert sites[True] == sites[False]
    assert "search/search_index.json" in sites[True]
    split = [m for m in messages[True] if m.startswith("Markdown conversion:")]
    assert len(split) == 1 and " 0 by the second process" not in split[0], split
    missing = [m for m in messages[False] if "tidak-ada" in m]
    assert len(missing) == 22
    assert sorted(m for m in messages[True] if "tidak-ada" in m) == sorted(missing)

    mk = load_mkdocs(str(newsroom.root / "mkdocs.yml"))
    assert engine.why_sequential(mk) is None and engine.why_not_ahead(mk) is None
    mk.plugins["macros"] = next(iter(mk.plugins.values()))  # a plugin the engine does not know
    assert "macros" in (engine.why_sequential(mk) or "")
    mk.markdown_extensions.append("markdown_katex")
    assert "markdown_katex" in (engine.why_not_ahead(mk) or "")


def test_pages_the_child_saw_otherwise_are_converted_again_here(
    newsroom: Project, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page whose Markdown, after the plugins' hooks, differs in the converting child
    (here: every page, by a hook that knows which process it runs in) is converted again
    by the build process: the result is still mkdocs' own."""
    import functools
    import os

    from pipeline.site.plugin import WartaPlugin

    parent = os.getpid()
    hook = WartaPlugin.on_page_markdown

    @functools.wraps(hook)
    def elsewhere(self: WartaPlugin, markdown: str, **kwargs: Any) -> str:
        markdown = hook(self, markdown, **kwargs)
        return markdown if os.getpid() == parent else markdown + "\n\nDi proses lain.\n"

    monkeypatch.setattr(WartaPlugin, "on_page_markdown", elsewhere)
    patient_build_process(monkeypatch)
    sites, messages = build_both_ways(rich_newsroom(newsroom), caplog)
    assert sites[True] == sites[False]
    split = [m for m in messages[True] if m.startswith("Markdown conversion:")]
    assert len(split) == 1 and " 0 by the second process" in split[0], split
    assert "converted again here" in split[0]
    assert all("Di proses lain" not in m for m in messages[True])


def test_an_engine_that_cannot_split_says_why(
    newsroom: Project, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When a mirrored mkdocs function has changed, the conversion stays in one process
    and the build says so; the output is still mkdocs' own."""
    from pipeline.site import engine

    monkeypatch.setitem(engine._MIRRORED, "Page.render", "0" * 64)
    sites, messages = build_both_ways(newsroom, caplog)
    assert sites[True] == sites[False]
    assert any(
        m.startswith("Markdown converted in one process: mkdocs' Page.render differ")
        for m in messages[True]
    )


def test_one_page_per_tag_and_a_new_post_changes_only_its_own_tags(newsroom: Project) -> None:
    mkdocs = newsroom.root / "mkdocs.yml"
    mkdocs.write_text(mkdocs.read_text().replace("  - search\n", "  - search\n  - tags\n"))
    newsroom.write("content/tags.md", "# Tag\n\n<!-- material/tags -->\n")
    for number, tags in ((40, ["sidang", "mediasi"]), (41, ["mediasi"]), (42, ["e-court"])):
        newsroom.published(
            f"berita-{number}",
            title=f"Berita nomor {number} bertag",
            summary="Ringkasan berita bertag.",
            date=date(2026, 8, number - 30),
            tags=tags,
        )
    publish(newsroom.config, now=NOW)
    site = newsroom.root / "site"
    before = digests(site)
    index = json.loads((site / "tags.json").read_text())
    assert [(t["name"], t["count"], t["path"]) for t in index["tags"]] == [
        ("e-court", 1, "tags/e-court.json"),
        ("mediasi", 2, "tags/mediasi.json"),
        ("sidang", 1, "tags/sidang.json"),
    ]
    mediasi = json.loads((site / "tags/mediasi.json").read_text())
    assert [i["title"] for i in mediasi["items"]] == [
        "Berita nomor 41 bertag",
        "Berita nomor 40 bertag",
    ]
    page = (site / "tags/mediasi/index.html").read_text()
    assert "Berita nomor 40 bertag" in page and "Berita nomor 42" not in page
    post = next(site.glob("berita/2026/08/10/berita-40/index.html")).read_text()
    assert 'href="../../../../../tags/mediasi/#tag:mediasi"' in post
    assert 'href="mediasi/">mediasi</a> (2)' in (site / "tags/index.html").read_text()

    newsroom.published(
        "berita-43",
        title="Berita nomor 43 bertag",
        summary="Ringkasan berita bertag.",
        date=date(2026, 12, 30),
        tags=["mediasi", 'kutip "<b>'],
    )
    publish(newsroom.config, now=NOW)
    after = digests(site)
    changed = {rel for rel, digest in after.items() if before.get(rel) != digest}
    tag_changes = {rel for rel in changed if rel.startswith("tags")}
    assert tag_changes == {
        "tags.json",
        "tags/index.html",
        "tags/mediasi.json",
        "tags/mediasi/index.html",
        "tags/kutip-b.json",
        "tags/kutip-b/index.html",
    }
    hostile = (site / "tags/kutip-b/index.html").read_text()
    assert "<b>" not in hostile.split("<article", 1)[1] and "&lt;b&gt;" in hostile


# Blocks a post's first part and its rest are made of, for the excerpt cut below.
_HEADS = [
    "Paragraf pembuka dengan **tebal**, `kode`, [tautan](../lain/index.md) dan [bagian](#isi).",
    "## Isi\n\nParagraf di bawah judul yang namanya dipakai lagi nanti.",
    '!!! note "Catatan"\n    Admonisi dengan *miring*.',
    "- satu\n- dua\n\n1. pertama",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "Istilah\n:   Definisi istilah.",
    "![Foto](files/foto.png){: .kecil }\n\nParagraf dengan foto.",
    '??? info "Rincian"\n    Isi yang dilipat.',
    "    kode berindentasi\n    baris kedua",
    "Paragraf dengan referensi [tautan][r] dan catatan[^1].\n\n[r]: https://example.org/",
]
_RESTS = [
    "## Isi\n\nBagian lain dengan judul yang sama.",
    "```python\nprint(1)\n```",
    '<div class="x">\n<p>HTML mentah</p>\n</div>',
    "| c | d |\n|---|---|\n| 3 | 4 |",
    "!!! warning\n    Peringatan.",
    "- tiga\n    - empat",
    "Tautan ke [berita](../berita-1/index.md#isi) dan <https://example.org>.",
    "## Isi\n\n### Sub\n\nLagi.",
    "Istilah lain\n:   Definisi lain.",
]
# Rests that define something the first part may use, or set ids: converted whole.
_DEFINING = [
    "[r]: https://example.org/lain",
    "Teks[^1].\n\n[^1]: Catatan.",
    "*[HTML]: Hyper Text Markup Language",
    "## Lain {#isi}",
    '<div markdown="1" id="isi">\n## X\n</div>',
    '=== "Tab"\n    Isi tab.',
    "Lain {: id=isi }",
    "<div markdown>\n## X\n</div>",
    "> [r]: https://example.org/kutipan",
    "!!! note\n    [r]: https://example.org/admonisi",
]
_EXTENSIONS = [
    "admonition",
    "attr_list",
    "md_in_html",
    "tables",
    "def_list",
    "footnotes",
    "abbr",
    "pymdownx.details",
    "pymdownx.superfences",
]


@pytest.mark.parametrize(
    "toc", [{"permalink": True}, {"anchorlink": True, "baselevel": 2, "toc_depth": 2}]
)
def test_an_excerpt_converted_up_to_its_separator_is_the_whole_conversion_cut(
    toc: dict[str, Any],
) -> None:
    """``excerpts.head_only``: where it converts only the text before the separator (and
    a stand-in for the rest), the HTML before the separator is the whole conversion's,
    for every pair of first parts and rests below and random sequences of them; a rest
    that defines what the first part may use, or a first part that opens what the rest
    could close, is converted whole."""
    import random

    from markdown import Markdown

    from pipeline.site.excerpts import head_only

    sep = "<!-- more -->"
    md = Markdown(extensions=[*_EXTENSIONS, "toc"], extension_configs={"toc": toc})

    def before(text: str) -> str:
        return md.reset().convert(text).split(sep, 1)[0]

    rng = random.Random(22)
    cases = [("# Judul\n\n" + h, r) for h in _HEADS for r in _RESTS]
    for _ in range(200):
        head = "\n\n".join(rng.sample(_HEADS, rng.randint(1, 3)))
        rest = "\n\n".join(rng.sample(_RESTS, rng.randint(1, 4)))
        cases.append((head, rest))
    cut = 0
    for head, rest in cases:
        whole = f"{head}\n\n{sep}\n\n{rest}\n"
        part = head_only(whole, sep)
        if part is None:
            continue
        cut += 1
        assert before(part) == before(whole), (head, rest)
        assert md.reset().convert(part).split(sep, 1)[1].strip()  # there is more
    assert cut > len(cases) // 2
    for head in _HEADS[:3]:
        for rest in _DEFINING:
            assert head_only(f"{head}\n\n{sep}\n\n{_RESTS[0]}\n\n{rest}\n", sep) is None
    opening = ["<b>x</b>", "```\nkode\n```", "[TOC]", "~~~\nkode\n~~~"]
    for head in opening:
        assert head_only(f"{head}\n\n{sep}\n\nLagi.\n", sep) is None
    assert head_only(f"Teks {sep}\n\nLagi.\n", sep) is None  # not a block of its own
    assert head_only(f"Teks.\n\n{sep}\n\n  \n", sep) is None  # nothing after it
    assert head_only(f"Teks.\n\n{sep}\nLangsung.\n", sep) is None  # no blank line after
    # A definition first after the separator would take the separator as its term.
    assert head_only(f"Teks.\n\n{sep}\n\n:   Definisi tanpa istilah.\n", sep) is None


def test_excerpts_forget_their_list_page_rendering_with_the_same_bytes(
    newsroom: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once a list page is written, its excerpts' HTML, rest and table of contents are
    dropped (``excerpts.release``: every list page renders them again). With the blog
    putting each excerpt's table of contents in the list page's, the site is the same
    bytes as when the last rendering of every excerpt is kept to the end."""
    from pipeline.site import excerpts
    from pipeline.site.build import build_site

    mkdocs = newsroom.root / "mkdocs.yml"
    mkdocs.write_text(
        mkdocs.read_text().replace("authors: false", "authors: false\n      blog_toc: true")
    )
    site = newsroom.root / "site"
    build_site(newsroom.config, now=NOW, site_dir=site)
    dropped = digests(site)
    index = (site / "berita" / "index.html").read_text()
    toc = index.split('data-md-component="toc"', 1)[1]
    assert "Berita nomor 22 dari pengadilan" in toc  # the excerpts' toc is shown

    def keep_toc(excerpt: Any) -> None:  # the release before it dropped the toc too
        if isinstance(getattr(excerpt, "content", None), str):
            excerpt.content = excerpt.more = None

    monkeypatch.setattr(excerpts, "release", keep_toc)
    build_site(newsroom.config, now=NOW, site_dir=site)
    assert digests(site) == dropped


def test_the_blog_takes_the_scans_front_matter_by_its_digest() -> None:
    """The blog's post reader gets the mapping the scan parsed (a copy) for the same
    front matter text, stripped as the blog passes it, without parsing it; other text
    is parsed."""
    from types import SimpleNamespace

    import yaml

    item = SimpleNamespace(fm_text="title: Satu\ntags: [a]\n", raw={"title": "Satu", "tags": ["a"]})
    scale.share_front_matter([item])
    try:

        class Refuses(yaml.SafeLoader):
            def __init__(self, stream: Any) -> None:
                raise AssertionError("parsed again")

        shared = scale._SharedYaml.load("\ntitle: Satu\ntags: [a]", Refuses)
        assert shared == item.raw and shared is not item.raw
        assert shared["tags"] is not item.raw["tags"]  # the blog changes its copy
        assert all(isinstance(key, bytes) for key in scale._SHARED_FRONT)  # no text kept
        assert scale._SharedYaml.load("title: Dua\n", yaml.SafeLoader) == {"title": "Dua"}
    finally:
        scale.share_front_matter(())


def test_the_build_keeps_the_scans_items_packed_with_the_same_bytes(
    newsroom: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The items the publish's scan read are held to the end of the build with their
    body and front matter text compressed (``Item.pack``); the home page's cards read
    the body again. The site is the same bytes as with the texts kept as they are."""
    from pipeline.content.store import scan
    from pipeline.site import excerpts, plugin
    from pipeline.site.build import build_site

    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 40
    newsroom.published(
        "berita-30",
        title="Berita nomor 30 dengan foto",
        summary="Berita terbaru, dengan foto di kartunya.",
        date=date(2026, 12, 1),
        files={"foto.png": png},
        body="\n![Foto sidang](files/foto.png)\n\nIsi berita.\n",
    )
    site = newsroom.root / "site"
    items = [i for i in scan(newsroom.config).items if i.location == "content"]
    # A small site's texts are not worth compressing: they are kept as they are.
    build_site(newsroom.config, now=NOW, site_dir=site, items=items)
    plain = digests(site)
    assert items and all(isinstance(vars(i)["_body"], str) for i in items)
    assert excerpts._PACKING == [False]  # nor the posts' converted excerpts

    total = sum(i.text_size() for i in items)
    monkeypatch.setattr(plugin, "PACK_TEXTS_ABOVE", total - 1)
    items = [i for i in scan(newsroom.config).items if i.location == "content"]
    build_site(newsroom.config, now=NOW, site_dir=site, items=items)
    assert all(isinstance(vars(i)["_body"], bytes) for i in items if i.body)
    assert sum(i.text_size() for i in items) < total  # what is held shrank
    assert excerpts._PACKING == [True]
    assert 'alt="Foto sidang"' in (site / "index.html").read_text()  # a card read a body
    assert digests(site) == plain


def test_a_converted_excerpt_reads_the_same_packed_or_not() -> None:
    """An excerpt's HTML is kept compressed or as text (``excerpts.pack``, decided
    per build); either way each list page gets the same HTML and links."""
    from pipeline.site import excerpts

    html = f'<p>Isi <a href="{excerpts._MARK}0x">tautan</a> é</p>'
    before = list(excerpts._PACKING)
    try:
        made = {}
        for packing in (True, False):
            excerpts.pack(packing)
            rendered = excerpts._Rendered(html, [("berita/satu/", "#a")], [])
            assert isinstance(rendered._kept, bytes) is packing
            made[packing] = (rendered.html, rendered.for_page("berita/"))
        assert made[True] == made[False]
        assert made[True][0] == html
        assert made[True][1] == '<p>Isi <a href="satu/#a">tautan</a> é</p>'
    finally:
        excerpts._PACKING[:] = before
