"""warta watch: a save triggers a fresh review; the preview serves drafts."""

import socket
import threading
import time
from pathlib import Path

import httpx

from pipeline.commands.watch import start_preview, watch_drafts
from pipeline.content.review import ReviewReport
from tests.conftest import Project


def test_saving_a_draft_reruns_its_review(project: Project) -> None:
    path = project.draft("sedang-diedit")
    reports: list[tuple[Path, ReviewReport]] = []
    got = threading.Event()

    def on_report(index: Path, report: ReviewReport) -> None:
        reports.append((index, report))
        got.set()

    stop = threading.Event()
    thread = threading.Thread(
        target=watch_drafts, args=(project.config, on_report), kwargs={"stop": stop, "quiet": 0.1}
    )
    thread.start()
    try:
        time.sleep(0.5)  # let the observer start
        path.write_text(path.read_text().replace("Isi berita", "Hubungi 0812-3456-7890"))
        assert got.wait(10), "no review after saving"
    finally:
        stop.set()
        thread.join(10)
    index, report = reports[-1]
    assert index == path
    assert [f.rule for f in report.findings] == ["privacy.phone"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_preview_serves_drafts(project: Project) -> None:
    project.draft("pratinjau-draf", title="Pratinjau draf yang sedang ditulis")
    port = _free_port()
    server = start_preview(project.config, f"127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 60
        text = ""
        while time.monotonic() < deadline:
            try:
                text = httpx.get(f"http://127.0.0.1:{port}/berita/", timeout=2).text
                break
            except httpx.TransportError:
                assert server.poll() is None, "mkdocs serve exited"
                time.sleep(0.3)
        assert "Pratinjau draf yang sedang ditulis" in text
    finally:
        server.terminate()
        server.wait(10)
