"""``warta watch``: re-review a draft every time it is saved; serve a live preview.

The preview is ``mkdocs serve`` in a child process; the warta plugin shows
drafts at their future place when serving.  Reviews run in this process,
triggered by watchdog events on ``drafts/`` and debounced per draft.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from pipeline.config import Config
from pipeline.content.review import ReviewReport, review
from pipeline.content.store import scan

OnReport = Callable[[Path, ReviewReport], None]


class _DraftChanges(FileSystemEventHandler):
    def __init__(self, drafts: Path) -> None:
        self.drafts = drafts
        self.pending: dict[Path, float] = {}
        self.lock = threading.Lock()

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory or event.event_type not in ("created", "modified", "moved"):
            return
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if not raw:
                continue
            path = Path(str(raw))
            try:
                slug = path.resolve().relative_to(self.drafts).parts[0]
            except (ValueError, IndexError):
                continue
            if path.name.startswith(".") or path.name.endswith(".tmp"):
                continue  # our own atomic-write temp files
            with self.lock:
                self.pending[self.drafts / slug / "index.md"] = time.monotonic()

    def due(self, quiet: float) -> list[Path]:
        now = time.monotonic()
        with self.lock:
            ready = [p for p, t in self.pending.items() if now - t >= quiet]
            for path in ready:
                del self.pending[path]
        return ready


def watch_drafts(
    config: Config, on_report: OnReport, *, stop: threading.Event, quiet: float = 0.3
) -> None:
    """Call ``on_report`` with a fresh review each time a draft changes, until ``stop``."""
    drafts = config.path("drafts")
    drafts.mkdir(parents=True, exist_ok=True)
    handler = _DraftChanges(drafts)
    observer = Observer()
    observer.schedule(handler, str(drafts), recursive=True)
    observer.start()
    try:
        while not stop.wait(0.1):
            for index in handler.due(quiet):
                if index.is_file():
                    on_report(index, review(config, scan(config), only=[index]))
    finally:
        observer.stop()
        observer.join()


def start_preview(config: Config, address: str) -> subprocess.Popen[bytes]:
    """Start ``mkdocs serve`` on ``address`` (host:port) showing drafts; the caller stops it."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "serve",
            "-f",
            str(config.path("mkdocs")),
            "-a",
            address,
            "--no-strict",
        ],
        cwd=config.root,
        stdout=subprocess.DEVNULL,
        # stderr is inherited: mkdocs' own messages reach the editor's terminal.
    )
