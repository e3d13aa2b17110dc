"""An exclusive, non-blocking process lock on a file (released when the process dies)."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from pipeline.errors import LockedError


@contextlib.contextmanager
def exclusive(path: Path, what: str) -> Iterator[None]:
    """Hold ``path`` locked for the duration; raise :class:`LockedError` if taken."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "another process"
            raise LockedError(
                f"{what} is already running (pid {holder})",
                where=str(path),
                hint="wait for it to finish and run the command again",
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)


def site_lock(state: Path, what: str) -> contextlib.AbstractContextManager[None]:
    """The one lock of everything that reads or replaces the built site and its content.

    ``warta publish`` (which swaps ``site/``) and ``warta archive`` (which bags the
    rendered pages with their ``index.md``) hold it, so an archive never pairs a new
    ``index.md`` with an old page.
    """
    return exclusive(state / "site.lock", what)
