"""The one lock module of warta: a process lock on a file, and a lease in storage.

:func:`exclusive` is a non-blocking ``flock`` on a local file, released by the kernel
when the process dies (publish, archive, collect, convert: one machine).

:func:`lease` is an object created only if absent in a store that several hosts may
share (the backup repository on a folder or an S3 bucket, as restic's lock files): the
holder refreshes it, and a lease is stale when it is older than ``stale_after`` or was
taken on this host by a process that is gone. Both raise :class:`LockedError` (exit 9)
naming the holder and what to do.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from pipeline.errors import LockedError, StorageError


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


class LeaseStore(Protocol):
    """Where a lease lives: a write-once store whose ``read`` raises ``KeyError`` when absent."""

    def read(self, key: str) -> bytes: ...

    def write_once(self, key: str, data: bytes) -> bool: ...

    def replace(self, key: str, data: bytes) -> None: ...

    def delete(self, key: str) -> None: ...


def _record_bytes(record: dict[str, Any]) -> bytes:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode()


def _read_record(store: LeaseStore, key: str) -> dict[str, Any] | None:
    """The lease record, ``None`` when absent, ``{}`` when unreadable."""
    try:
        data = store.read(key)
    except KeyError:
        return None
    try:
        record = json.loads(data)
    except ValueError:
        return {}
    return record if isinstance(record, dict) else {}


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _stale(held: dict[str, Any], host: str, stale_after: timedelta) -> bool:
    try:
        taken = datetime.fromisoformat(str(held["time"]))
    except (KeyError, ValueError):
        return False  # unreadable: never guess, the message says how to remove it
    if datetime.now(UTC) - taken > stale_after:
        return True
    pid = held.get("pid")
    return held.get("host") == host and isinstance(pid, int) and not _pid_alive(pid)


@dataclass
class Lease:
    """A lease this process holds; ``lost`` when someone took it over (it went stale)."""

    store: LeaseStore
    key: str
    id: str
    record: dict[str, Any]
    where: str = ""
    stale_hint: str = ""
    lost: bool = False

    def check(self) -> None:
        """Raise :class:`LockedError` unless the lease is still this process's."""
        current = _read_record(self.store, self.key) or {}
        if self.lost or current.get("id") != self.id:
            self.lost = True
            raise LockedError(
                "this process lost the repository's lock (it was taken over as stale)",
                where=self.where,
                hint=self.stale_hint or "run again; nothing was lost",
            )


@contextlib.contextmanager
def lease(
    store: LeaseStore,
    key: str,
    operation: str,
    *,
    what: str,
    where: str,
    stale_after: timedelta,
    stale_hint: str = "",
    wait: float = 0.0,
    host: str | None = None,
) -> Iterator[Lease]:
    """Hold the exclusive lease ``key`` of ``store`` for ``operation``.

    A live lease held by someone else makes this wait up to ``wait`` seconds, then raise
    :class:`LockedError`; a stale one is removed and taken. The holder refreshes the
    lease every third of ``stale_after`` (staleness allows for two missed refreshes).
    """
    host = host or socket.gethostname()
    lease_id = uuid.uuid4().hex

    def record() -> dict[str, Any]:
        return {
            "id": lease_id,
            "host": host,
            "pid": os.getpid(),
            "operation": operation,
            "time": datetime.now(UTC).isoformat(timespec="seconds"),
        }

    deadline = time.monotonic() + wait
    while True:
        mine = record()
        if store.write_once(key, _record_bytes(mine)):
            break
        held = _read_record(store, key)
        if held is None:
            continue  # released meanwhile
        if _stale(held, host, stale_after):
            store.delete(key)
            continue
        if time.monotonic() >= deadline:
            raise LockedError(
                f"{what} is in use by '{held.get('operation', '?')}' "
                f"(pid {held.get('pid', '?')} on {held.get('host', '?')} since "
                f"{held.get('time', '?')})",
                where=f"{where}/{key}",
                hint="wait for it to finish (or pass --wait SECONDS); a lock whose process "
                f"is gone becomes stale after {stale_after}",
            )
        time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))
    holder = Lease(store, key, lease_id, mine, where, stale_hint)
    stop = threading.Event()
    interval = max(1.0, min(300.0, stale_after.total_seconds() / 3))

    def refresh() -> None:
        while not stop.wait(interval):
            try:
                current = _read_record(store, key) or {}
            except StorageError:
                current = {}
            if current.get("id") != lease_id:
                holder.lost = True
                return
            # On failure, try again at the next interval: staleness allows for two misses.
            with contextlib.suppress(StorageError):
                store.replace(key, _record_bytes(record()))

    refresher = threading.Thread(target=refresh, name=f"lease-{key}", daemon=True)
    refresher.start()
    try:
        yield holder
    finally:
        stop.set()
        refresher.join()
        current = _read_record(store, key) or {}
        if current.get("id") == lease_id:
            store.delete(key)
