"""The Content-Security-Policy, in a real Chromium: the theme runs clean under it, and a
script planted in a built page is refused and reported.

The site is built with the court theme and served by nginx with the configuration of
``docs/security.md`` (taken from the page itself), so the test proves what the docs
say; a second nginx without those headers shows the ``<meta>`` tag alone holds.
"""

from __future__ import annotations

import re
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.config import load_config
from pipeline.site import csp
from tests.browser import open_page
from tests.conftest import MKDOCS_YML, WARTA_YML, Project
from tests.servers import free_port, nginx_binary, wait_for_port

ROOT = Path(__file__).parent.parent
DOC = ROOT / "docs" / "security.md"
MIME_TYPES = Path("/etc/nginx/mime.types")

# Collects every violation the page reports; Playwright's init scripts run outside the
# page's policy, before any of the page's own code.
WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e => window.__violations.push(
  {directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample}));
"""

PLANTED = (
    "<script>window.__planted = 'inline';</script>"
    '<img src="/nope.png" alt="" onerror="window.__planted = \'handler\'">'
)


def documented_server_block() -> str:
    """The ``server { … }`` block of the nginx configuration in docs/security.md."""
    text = DOC.read_text(encoding="utf-8")
    block = re.search(r"```nginx\n(server \{.*?\n\})\n```", text, re.DOTALL)
    assert block, "docs/security.md has no nginx server block"
    return block.group(1)


def test_documented_headers_are_the_policy_of_the_code() -> None:
    lines = [
        line.strip()
        for line in documented_server_block().splitlines()
        if line.strip().startswith("add_header")
    ]
    assert lines == csp.nginx_headers(load_config(ROOT / "warta.yml")).splitlines()


def test_meta_policy_has_no_directive_a_meta_tag_ignores() -> None:
    policy = csp.meta_policy(load_config(ROOT / "warta.yml"))
    for ignored in ("frame-ancestors", "report-uri", "sandbox"):
        assert ignored not in policy  # Chromium logs an error for each
    assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";", 1)[0]
    assert "frame-src https://www.youtube-nocookie.com https://www.youtube.com" in policy


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A court-themed site, published for real, with a planted copy of one page."""
    p = Project(tmp_path_factory.mktemp("csp"))
    p.write("warta.yml", WARTA_YML)
    p.write("mkdocs.yml", MKDOCS_YML.replace("  - search\n", ""))
    p.write("content/index.md", "---\ntitle: Beranda\n---\nSelamat datang di situs uji.\n")
    p.write("content/berita/index.md", "# Berita\n")
    p.published(
        "sidang-keliling",
        title="Sidang keliling di kecamatan terjauh",
        body=(
            "\n## Kegiatan\n\nSidang keliling kembali digelar; kata unik zamrudkatulistiwa.\n\n"
            '<iframe src="https://www.youtube-nocookie.com/embed/x" title="Video"></iframe>\n'
        ),
    )
    p.published(
        "judul-jahat",
        title="Berita <img src=x onerror=\"window.__planted='title'\"> kelapasawitunik",
        summary="Ringkasan <svg onload=\"window.__planted='summary'\"> kelapasawitunik.",
        body="\n## Isi\n\nKata kelapasawitunik ada di sini <b>tebal</b>.\n",
    )
    (p.root / "drafts").mkdir()
    done = CliRunner().invoke(cli, ["--config", str(p.root / "warta.yml"), "publish"])
    assert done.exit_code == 0, done.output
    built = (p.root / "site").resolve()
    page = next(built.glob("berita/20*/**/sidang-keliling/index.html"))
    planted = built / "ditanam" / "index.html"
    planted.parent.mkdir()
    # As if a payload had got past the sanitiser: straight into the page's content.
    html = page.read_text(encoding="utf-8")
    planted.write_text(html.replace("<h2", PLANTED + "<h2", 1), encoding="utf-8")
    return built


@pytest.fixture(scope="module")
def nginx(tmp_path_factory: pytest.TempPathFactory, site: Path) -> Iterator[dict[str, str]]:
    """Two servers of the same site: with the documented headers, and without them."""
    binary = nginx_binary()
    folder = tmp_path_factory.mktemp("nginx-csp")
    documented, plain = free_port(), free_port()
    server = documented_server_block()
    server = re.sub(r"listen [^;]+;", f"listen 127.0.0.1:{documented};", server)
    server = re.sub(r"server_name [^;]+;", "server_name localhost;", server)
    server = re.sub(r"root [^;]+;", f"root {site};", server)
    temp = " ".join(
        f"{kind}_temp_path {folder}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    types = f"include {MIME_TYPES};" if MIME_TYPES.is_file() else ""
    (folder / "nginx.conf").write_text(
        f"user root; worker_processes 1; daemon off; pid {folder}/nginx.pid;\n"
        f"error_log {folder}/error.log;\nevents {{ worker_connections 64; }}\n"
        f"http {{ access_log off; {temp} {types}\n{server}\n"
        f"server {{ listen 127.0.0.1:{plain}; root {site}; error_page 404 /404.html; }}\n}}\n"
    )
    process = subprocess.Popen(
        [binary, "-p", str(folder), "-c", str(folder / "nginx.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for_port(documented)
        wait_for_port(plain)
        yield {
            "documented": f"http://127.0.0.1:{documented}/",
            "plain": f"http://127.0.0.1:{plain}/",
        }
    finally:
        process.send_signal(signal.SIGQUIT)
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()


def visit(browser: Any, url: str, *, wait_for: str | None = None) -> tuple[Any, list[Any]]:
    page, problems = open_page(browser)
    page.add_init_script(WATCH)
    page.goto(url)
    if wait_for:
        page.wait_for_selector(wait_for, timeout=15000)
    page.wait_for_timeout(300)
    violations = page.evaluate("window.__violations")
    return page, [*violations, *(p for p in problems if "Content Security Policy" in p)]


def test_the_documented_server_sends_the_headers(nginx: dict[str, str]) -> None:
    answer = httpx.get(nginx["documented"], timeout=5)
    assert answer.status_code == 200
    policy = csp.header_policy(load_config(ROOT / "warta.yml"))
    assert answer.headers["content-security-policy"] == policy
    assert answer.headers["x-content-type-options"] == "nosniff"
    missing = httpx.get(nginx["documented"] + "tidak-ada/", timeout=5)
    assert missing.status_code == 404 and "content-security-policy" in missing.headers


def test_every_page_has_the_meta_policy_first(site: Path) -> None:
    pages = [site / "index.html", site / "404.html", site / "cari" / "index.html"]
    pages += list(site.glob("berita/20*/**/index.html"))
    for path in pages:
        head = path.read_text(encoding="utf-8").split("</head>", 1)[0]
        tag = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', head)
        assert tag, path
        assert "script-src &#39;self&#39; &#39;wasm-unsafe-eval&#39;" in tag.group(1)
        assert head.index("Content-Security-Policy") < head.index("<script"), path
        assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)", head), path


@pytest.mark.parametrize("server", ["documented", "plain"])
def test_the_theme_runs_without_a_violation(
    chromium: Any, nginx: dict[str, str], site: Path, server: str
) -> None:
    base = nginx[server]
    post = next(site.glob("berita/20*/**/sidang-keliling/index.html")).parent
    urls = {
        "home": (base, None),
        "news list": (base + "berita/", None),
        "article": (base + post.relative_to(site).as_posix() + "/", None),
        "404": (base + "tidak-ada/", None),
        # Pagefind's UI loads its script, its WebAssembly and its index under the policy.
        "search": (base + "cari/?q=zamrudkatulistiwa", ".pagefind-ui__result-link"),
    }
    for name, (url, wait_for) in urls.items():
        page, violations = visit(chromium, url, wait_for=wait_for)
        if name == "search":
            links = page.eval_on_selector_all(
                ".pagefind-ui__result-link", "els => els.map(e => e.getAttribute('href'))"
            )
            assert any("sidang-keliling" in link for link in links), links
        page.close()
        assert violations == [], (name, violations)


@pytest.mark.parametrize("server", ["documented", "plain"])
def test_a_planted_script_is_refused_and_reported(
    chromium: Any, nginx: dict[str, str], server: str
) -> None:
    page, _ = visit(chromium, nginx[server] + "ditanam/")
    # The handler's violation comes when the image fails to load: wait for it, on a
    # shared and busy machine, rather than for a fixed time.
    page.wait_for_function("window.__violations.length >= 2", timeout=10000)
    violations = page.evaluate("window.__violations")
    planted = page.evaluate("window.__planted")
    page.close()
    assert planted is None  # neither the inline script nor the handler ran
    directives = sorted({v["directive"] for v in violations if isinstance(v, dict)})
    assert directives == ["script-src-attr", "script-src-elem"], violations


def test_search_results_show_a_hostile_title_as_text(chromium: Any, nginx: dict[str, str]) -> None:
    """Pagefind indexes the built page and renders its results in the page: a title made
    of markup comes back as text, and nothing runs (no handler, no violation)."""
    page, violations = visit(
        chromium,
        nginx["documented"] + "cari/?q=kelapasawitunik",
        wait_for=".pagefind-ui__result-link",
    )
    titles = page.eval_on_selector_all(
        ".pagefind-ui__result-link", "els => els.map(e => e.textContent)"
    )
    images = page.eval_on_selector_all(
        ".pagefind-ui__results img[src='x'], .pagefind-ui__results svg[onload]", "els => els.length"
    )
    planted = page.evaluate("window.__planted")
    page.close()
    assert any("<img src=x" in title for title in titles), titles
    assert images == 0 and planted is None and violations == []
