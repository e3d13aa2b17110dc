"""Screenshots of the example court for docs/site.md (desktop and phone widths).

Builds a copy of the example (as committed, plus the working tree's changes to the
package) in a temporary folder, points its health checks at a local server so the status
page has data, serves the site on 127.0.0.1 and photographs it with Chromium:

    python3 docs/screenshots/take.py
"""

from __future__ import annotations

import functools
import http.server
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))
from tests.browser import CHROMIUM, CHROMIUM_ARGS, DESKTOP, PHONE  # noqa: E402
from tests.example import copy_example  # noqa: E402

PAGES = {
    "home": "",
    "berita": "berita/",
    "article": "berita/2026/08/26/sidang-keliling-pulau-seruni/",
    "404": "halaman-yang-tidak-ada/",
    "status": "status/",
    "search": "cari/?q=bercerai",
}


class _Handler(http.server.SimpleHTTPRequestHandler):
    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if code == 404:  # as nginx's error_page 404 /404.html does
            body = (Path(self.directory) / "404.html").read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().send_error(code, message, explain)

    def log_message(self, *args: object) -> None:
        pass


def serve(folder: Path) -> str:
    handler = functools.partial(_Handler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/"


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="warta-shots-") as tmp:
        root = copy_example(Path(tmp) / "example")
        for name in ("warta.yml", "mkdocs.yml"):  # the working tree's, for a preview
            (root / name).write_bytes((ROOT / name).read_bytes())
        probe = serve(Path(tmp))
        config = (root / "warta.yml").read_text(encoding="utf-8")
        config = config.replace("https://www.pa-lembahhijau.go.id/", probe).replace(
            "https://sipp.pa-lembahhijau.go.id/", probe
        )
        (root / "warta.yml").write_text(config, encoding="utf-8")
        env = {"PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"}
        run = functools.partial(subprocess.run, cwd=root, check=True, env=env)
        run([sys.executable, "-m", "pipeline", "publish"])
        run([sys.executable, "-m", "pipeline", "health", "check"])
        base = serve(root / "site")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
                page = browser.new_page(viewport=viewport)
                for name, rel in PAGES.items():
                    page.goto(base + rel)
                    if name == "search":
                        page.wait_for_selector(".pagefind-ui__result-link", timeout=15000)
                    page.wait_for_timeout(300)
                    page.screenshot(path=str(HERE / f"{name}-{size}.png"), full_page=True)
                page.close()
            browser.close()


if __name__ == "__main__":
    main()
