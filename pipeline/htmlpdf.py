"""HTML to PDF through headless Chromium (Debian package ``chromium``).

Reports and printable forms are written once, as standalone HTML (styles and charts
inline, no network), and printed to PDF by the browser that also renders them on
screen, so the two never disagree. Page size and margins come from the document's own
``@page`` rule.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from pipeline.errors import BuildError, ToolMissingError

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium(explicit: str = "") -> str:
    """The Chromium executable: ``explicit`` when given, else the first one on PATH."""
    for name in (explicit,) if explicit else CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise ToolMissingError(
        "headless Chromium is needed to make PDF files and was not found",
        where=explicit or "PATH",
        hint="install it (apt-get install chromium) or set the path of the executable",
    )


def html_to_pdf(html: str, *, chromium: str = "", timeout: float = 120) -> bytes:
    """Print ``html`` (a complete, self-contained document) to PDF and return its bytes."""
    program = find_chromium(chromium)
    with tempfile.TemporaryDirectory(prefix="warta-pdf-") as tmp:
        source = Path(tmp) / "document.html"
        target = Path(tmp) / "document.pdf"
        source.write_text(html, encoding="utf-8")
        command = [
            program,
            "--headless=new",
            "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--user-data-dir={Path(tmp) / 'profile'}",
            f"--print-to-pdf={target}",
            source.as_uri(),
        ]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            raise BuildError(
                f"Chromium did not finish printing the PDF within {timeout:.0f} s",
                where=program,
                hint="check that the document loads nothing from the network",
            ) from exc
        if done.returncode != 0 or not target.exists() or target.stat().st_size == 0:
            raise BuildError(
                f"Chromium could not print the PDF (exit {done.returncode}): "
                f"{done.stderr.strip()[-500:]}",
                where=program,
                hint="run the same command by hand to see the browser's own message",
            )
        return target.read_bytes()
