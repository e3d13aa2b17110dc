"""A built site served by nginx on loopback and looked at with Chromium (Playwright).

nginx serves it as a court's server would (its MIME types, ``404.html`` for unknown
addresses); Chromium is Debian's, driven by Playwright, and never leaves 127.0.0.1.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.servers import free_port, nginx_binary, wait_for_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
MIME_TYPES = Path("/etc/nginx/mime.types")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def serve_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """``serve_site(site_dir)`` → the base URL of nginx serving that folder."""
    started: list[subprocess.Popen[bytes]] = []

    def start(root: Path) -> str:
        binary = nginx_binary()
        folder = tmp_path_factory.mktemp("nginx-site")
        port = free_port()
        temp = " ".join(
            f"{kind}_temp_path {folder}/{kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        types = f"include {MIME_TYPES};" if MIME_TYPES.is_file() else ""
        (folder / "nginx.conf").write_text(
            f"user root; worker_processes 1; daemon off; pid {folder}/nginx.pid;\n"
            f"error_log {folder}/error.log;\nevents {{ worker_connections 64; }}\n"
            f"http {{ access_log off; {temp} {types}\n"
            f"server {{ listen 127.0.0.1:{port}; root {root}; error_page 404 /404.html; }}\n}}\n"
        )
        process = subprocess.Popen(
            [binary, "-p", str(folder), "-c", str(folder / "nginx.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        started.append(process)
        wait_for_port(port)
        return f"http://127.0.0.1:{port}/"

    yield start
    for process in started:
        process.send_signal(signal.SIGQUIT)
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """A headless Chromium; requests beyond loopback are refused by the tests' routes.

    Module-scoped: Playwright's sync API keeps an asyncio loop running while it is open,
    and later tests that call ``asyncio.run`` would fail under it.
    """
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: .ci/run must install it")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def open_page(
    browser: Any, viewport: dict[str, int] = DESKTOP, *, bypass_csp: bool = False
) -> tuple[Any, list[str]]:
    """A new page that refuses every request beyond 127.0.0.1; and the list of refused
    addresses and console errors, for the test to assert empty.

    ``bypass_csp`` lets a test inject its own script (axe-core) into a page whose
    Content-Security-Policy forbids inline scripts.
    """
    page = browser.new_page(viewport=viewport, bypass_csp=bypass_csp)
    problems: list[str] = []

    def route(request_route: Any) -> None:
        url = request_route.request.url
        if url.startswith(("http://127.0.0.1:", "data:", "blob:")):
            request_route.continue_()
        else:
            problems.append(f"outside request: {url}")
            request_route.abort()

    page.route("**/*", route)
    page.on(
        "console",
        lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    return page, problems


AXE = Path(__file__).parent / "node" / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page: Any, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:
    """Run axe-core (``npm ci --prefix tests/node``, as .ci/run does) on the open page."""
    if not AXE.is_file():
        if os.environ.get("CI"):
            pytest.fail("axe-core is missing: .ci/run must run npm ci --prefix tests/node")
        pytest.skip("axe-core is not installed (npm ci --prefix tests/node)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:5])
        for v in result["violations"]
        if v["impact"] in impacts
    ]
