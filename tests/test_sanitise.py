"""The HTML allowlist, tried as an attacker would: payloads through review and a real build.

Each payload class of issue 15 is written into a draft (review must refuse it, naming
the line) and into a published item (the built pages, the JSON API and the feed must not
carry it).  The markers (``XSS…``) let the tests find what survived.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from pipeline.commands.content import run_review
from pipeline.config import HtmlSettings, parse_config
from pipeline.content.sanitise import Sanitiser, text
from pipeline.errors import ConfigError
from pipeline.site.build import build_site
from tests.conftest import WARTA_YML, Project

# (id, Markdown body) — each a way the two parsers, attr_list or an allowed host let
# active content through before; ``needle`` is the text on the line review must name.
PAYLOADS: list[tuple[str, str, str]] = [
    ("svg-onload-nospace", "<p>Paragraf <svg/onload=alert(1)> biasa.</p>", "svg/onload"),
    ("details-ontoggle", "<details/open/ontoggle=alert(2)>x</details>", "ontoggle"),
    ("admonition-title", '!!! note "<img src=x onerror=alert(3)>"\n    Isi.', "!!! note"),
    (
        "table-cell",
        "| A | B |\n|---|---|\n| <img src=x onerror=alert(4)> | b |",
        "| <img",
    ),
    ("link-text", "[<img src=x onerror=alert(5)>](https://mahkamahagung.go.id)", "[<img"),
    ("attr-list-paragraph", 'Paragraf berbahaya.\n{: onclick="alert(6)" }', "onclick"),
    ("attr-list-heading", '## Judul {: onmouseover="alert(7)" }', "onmouseover"),
    ("attr-list-image", '![foto](foto.png){: onerror="alert(8)" }', "onerror"),
    ("attr-list-href", '[klik](https://x.example/){: href="javascript:alert(9)" }', "klik"),
    (
        "attr-list-in-md-in-html",
        '<div markdown="1">\nTeks.\n{: onclick="alert(10)" }\n</div>',
        "onclick",
    ),
    (
        "iframe-srcdoc",
        '<iframe src="https://www.youtube.com/embed/x" '
        'srcdoc="<script>alert(11)</script>"></iframe>',
        "srcdoc",
    ),
    ("url-tab-entity", '<a href="java&#x09;script:alert(12)">a</a>', "java&#x09;"),
    ("url-newline-entity", '<a href="javascript&NewLine;:alert(13)">a</a>', "NewLine"),
    (
        "svg-xlink",
        '<svg><a xlink:href="javascript:alert(14)"><text>x</text></a></svg>',
        "xlink",
    ),
    (
        "svg-set",
        '<svg><a><set attributeName=href to="javascript:alert(15)"/><text>x</text></a></svg>',
        "attributeName",
    ),
    (
        "mathml-link",
        '<math><mtext><a href="javascript:alert(16)">m</a></mtext></math>',
        "math",
    ),
    (
        "button-formaction",
        '<button formaction="javascript:alert(17)">b</button>',
        "formaction",
    ),
    ("script", "<script>alert(18)</script>", "<script>"),
    ("style-url", '<p style="background:url(https://tracker.example/XSS19.gif)">s</p>', "style="),
    ("external-image", "![piksel](https://tracker.example/XSS20.gif)", "piksel"),
    ("markdown-js-link", "[klik](javascript:alert(21))", "javascript"),
]

# Front matter payloads: title and tags reach the heading, the navigation, the blog
# lists, the tags page, the API and the feed.
TITLE = "Berita <img src=x onerror=alert('XSST')> sidang"
TAG = "<svg onload=alert('XSSG')>"
SUMMARY = "Ringkasan <script>alert('XSSS')</script> singkat."

# What an attacker's payload leaves when it survives: an attribute or a script carrying
# one of these (the theme's own markup never does).
_SIGNS = ("alert(", "tracker.example", "javascript:", "srcdoc")


class _Active(HTMLParser):
    """Elements and attributes of a document that would run or load a payload."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_script = tag in ("script", "style")
        for name, value in attrs:
            said = f"{name}={value or ''}".lower()
            if any(sign in said for sign in _SIGNS) or re.sub(r"\s", "", said).count("javascript:"):
                self.found.append(f"<{tag} {name}={value!r}>")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and any(sign in data for sign in _SIGNS):
            self.found.append(f"script text {data[:60]!r}")


def active(document: str) -> list[str]:
    parser = _Active()
    parser.feed(document)
    parser.close()
    return parser.found


EXTENSIONS = (
    "markdown_extensions:\n  - admonition\n  - attr_list\n  - md_in_html\n  - tables\n"
    "  - footnotes\n  - toc:\n      permalink: true\n  - pymdownx.details\n"
    "  - pymdownx.superfences\n"
)


@pytest.fixture
def site_project(project: Project) -> Project:
    """The test project with the example site's Markdown extensions."""
    mkdocs = project.root / "mkdocs.yml"
    mkdocs.write_text(mkdocs.read_text() + EXTENSIONS)
    return project


def body_with(payload: str) -> str:
    return f"\n## Bagian\n\nPembuka.\n\n{payload}\n\nPenutup.\n"


@pytest.mark.parametrize(("name", "payload", "needle"), PAYLOADS, ids=[p[0] for p in PAYLOADS])
def test_review_refuses_each_payload_on_its_line(
    site_project: Project, name: str, payload: str, needle: str
) -> None:
    project = site_project
    path = project.draft("muatan-uji", body=body_with(payload))
    report = run_review(project.config, [path])
    html_findings = [f for f in report.findings if f.rule.startswith("html.")]
    assert html_findings, (name, [f.as_dict() for f in report.findings])
    line = next(i for i, t in enumerate(path.read_text().splitlines(), 1) if needle in t)
    assert {int(f.where.rsplit(":", 1)[1]) for f in html_findings} == {line}, [
        f.as_dict() for f in html_findings
    ]


def test_review_refuses_front_matter_markup(project: Project) -> None:
    path = project.draft("judul-jahat", title=TITLE, tags=[TAG], summary=SUMMARY)
    found = {(f.rule, f.where) for f in run_review(project.config, [path]).findings}
    lines = path.read_text().splitlines()
    for key in ("title:", "summary:"):
        line = next(i for i, t in enumerate(lines, 1) if t.startswith(key))
        assert ("html.front-matter", f"{path.relative_to(project.root)}:{line}") in found, found
    assert any(
        (rule == "html.front-matter" and where.endswith(":13")) or rule == "html.front-matter"
        for rule, where in found
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real build with every payload in published items (body and front matter)."""
    from tests.conftest import MKDOCS_YML

    project = Project(tmp_path_factory.mktemp("muatan"))
    project.write("warta.yml", WARTA_YML)
    project.write(
        "mkdocs.yml",
        MKDOCS_YML.replace("  - search\n", "  - search\n  - tags\n") + EXTENSIONS,
    )
    project.write("content/index.md", "---\ntitle: Beranda\n---\n# Beranda\n\nSelamat datang.\n")
    project.write("content/berita/index.md", "# Berita\n")
    project.write("content/tags.md", "# Tag\n\n<!-- material/tags -->\n")
    body = "\n## Bagian\n\n" + "\n\n".join(p for _n, p, _ in PAYLOADS) + "\n"
    project.published("muatan-berita", title=TITLE, tags=[TAG], summary=SUMMARY, body=body)
    project.published("halaman-muatan", "profil", title=TITLE, tags=[TAG], body=body)
    for folder in ("content/berita/posts/muatan-berita", "content/profil/halaman-muatan"):
        project.write(f"{folder}/foto.png", b"\x89PNG\r\n\x1a\n")
    build_site(project.config)
    return project.root / "site"


def _outputs(site: Path) -> dict[str, str]:
    return {
        path.relative_to(site).as_posix(): path.read_text(encoding="utf-8")
        for path in site.rglob("*")
        if path.suffix in (".html", ".json", ".xml") and "assets" not in path.parts
    }


def test_build_carries_no_payload(built: Path) -> None:
    outputs = _outputs(built)
    assert "berita/2026/11/20/muatan-berita/index.html" in outputs or any(
        "muatan-berita" in rel for rel in outputs
    )
    survivors = {rel: active(content) for rel, content in outputs.items() if rel.endswith(".html")}
    assert {rel: found for rel, found in survivors.items() if found} == {}
    # The payloads did reach the pages (as text or stripped), so the check saw them.
    post = next(html for rel, html in outputs.items() if "muatan-berita/index.html" in rel)
    assert "Penutup" not in post or "alert(" not in active(post)


def test_api_and_feed_carry_no_payload(built: Path) -> None:
    outputs = _outputs(built)
    item = json.loads(outputs["api/items/muatan-berita.json"])
    assert item["html"] and active(item["html"]) == []
    for field in ("title", "summary"):
        assert active(item[field]) == [] and "<" not in item[field]
    for rel in ("api/index.json", "api/months/2026-11.json"):
        assert "<img" not in outputs[rel] and "<script" not in outputs[rel]
    feed = ET.fromstring(outputs["feed.xml"])
    for entry in feed.iter("item"):
        for field in ("title", "description"):
            shown = entry.findtext(field) or ""
            # a feed reader renders these as HTML: they must be text once unescaped
            assert "<" not in shown and active(shown) == []


def test_search_index_carries_no_markup(built: Path) -> None:
    index = json.loads((built / "search/search_index.json").read_text())
    for doc in index["docs"]:
        assert "<img" not in doc["title"] and "<svg" not in doc["title"], doc["title"]
        assert active(doc["text"]) == [], doc["text"][:200]


def test_front_matter_is_text_everywhere(built: Path) -> None:
    outputs = _outputs(built)
    pages = [rel for rel, html in outputs.items() if rel.endswith(".html") and "muatan" in html]
    assert pages
    shown = text(TITLE)
    post = next(html for rel, html in outputs.items() if "muatan-berita/index.html" in rel)
    assert "<h1" in post and shown in post  # heading and <title>, as text
    assert "<title>Berita &lt;img" in post
    blog_list = outputs["berita/index.html"]
    assert shown in blog_list and "<img src=x" not in blog_list
    tags_page = outputs["tags/index.html"]  # the list of tags, each linking to its page
    assert "&lt;svg onload=alert(" in tags_page and "<svg onload" not in tags_page
    tag_page = next(
        h for rel, h in outputs.items() if rel.endswith("svg-onload-alert-xssg/index.html")
    )
    assert text(TAG) in tag_page and "<svg onload" not in tag_page
    assert json.loads(outputs["tags.json"])["tags"][0]["name"] == text(TAG)  # as in the API
    api = json.loads(outputs["api/items/muatan-berita.json"])
    assert api["title"] == shown and api["tags"] == [text(TAG)]
    assert "<script" not in api["summary"]
    feed = outputs["feed.xml"]
    assert "&amp;lt;img src=x" in feed  # escaped text inside the XML escaping


def test_legitimate_markup_survives(built: Path) -> None:
    post = next(html for rel, html in _outputs(built).items() if "muatan-berita/index.html" in rel)
    assert '<details open="">' in post  # the element stays, only the handler goes
    assert 'src="https://www.youtube.com/embed/x"' in post
    assert "<table>" in post and 'class="admonition note"' in post


# -- configuration ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "named"),
    [
        ("  allowed_tags: [p, script]\n", "script"),
        ("  allowed_tags: [p, SVG]\n", "svg"),
        ("  allowed_attributes: {'*': [onclick]}\n", "onclick"),
        ("  allowed_attributes: {iframe: [src, srcdoc]}\n", "srcdoc"),
        ("  allowed_attributes: {a: [href, OnMouseOver]}\n", "onmouseover"),
        ("  url_schemes: [https, javascript]\n", "javascript"),
    ],
)
def test_unsafe_allowlist_is_a_config_error(tmp_path: Path, setting: str, named: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(WARTA_YML + "html:\n" + setting, root=tmp_path)
    problem = caught.value.problems[0]
    assert problem.where.startswith("warta.yml:") and "html." in problem.message
    assert named in problem.message


def test_configured_hosts_are_honoured() -> None:
    settings = HtmlSettings(iframe_hosts=["video.mahkamahagung.go.id"], image_hosts=["cdn.x.id"])
    sanitiser = Sanitiser(settings, site_url="https://pa-uji.example/")
    assert 'src="https://video.mahkamahagung.go.id/v"' in sanitiser.clean(
        '<iframe src="https://video.mahkamahagung.go.id/v"></iframe>'
    )
    assert "src" not in sanitiser.clean('<iframe src="http://video.mahkamahagung.go.id/v">')
    assert "src" not in sanitiser.clean('<iframe src="https://www.youtube.com/embed/x">')
    assert 'src="https://cdn.x.id/a.png"' in sanitiser.clean('<img src="https://cdn.x.id/a.png">')
    assert 'src="/a.png"' in sanitiser.clean('<img src="/a.png">')


def test_example_site_loses_nothing(tmp_path: Path) -> None:
    """The example site's own content has nothing the allowlist would remove."""
    from pipeline.commands.content import run_review as review_all
    from pipeline.config import load_config

    root = Path(__file__).parent.parent
    report = review_all(load_config(root / "warta.yml"), include_content=True)
    assert [f.as_dict() for f in report.findings if f.rule.startswith("html.")] == []


def test_front_matter_strings_are_escaped_short_or_long() -> None:
    """Every string of a page's front matter is escaped text, whatever its length;
    a short one that repeats from page to page is one shared (immutable) object."""
    import markupsafe

    from pipeline.site.plugin import _escaped_meta

    tag, long = '<svg onload="x">', "<b>" + "panjang " * 20
    pages = [
        _escaped_meta({"tags": [tag, "rapat"], "summary": long, "n": 3, "x": {"a": tag}})
        for _ in range(2)
    ]
    first, second = pages
    assert first == second
    assert first["tags"] == [text(tag), "rapat"] and first["x"]["a"] == text(tag)
    assert first["summary"] == text(long) and len(long) > 64
    assert all(isinstance(v, markupsafe.Markup) for v in [*first["tags"], first["summary"]])
    assert first["n"] == 3
    assert first["tags"][0] is second["tags"][0]  # the short one, shared
