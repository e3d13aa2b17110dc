"""The one lock module: a process lock on a file, and a lease in shared storage."""

from __future__ import annotations

import json
import multiprocessing
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pipeline.errors import LockedError
from pipeline.lock import exclusive, lease


class MemoryStore:
    """A write-once store like the backup backends (read raises KeyError when absent)."""

    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}

    def read(self, key: str) -> bytes:
        return self.objects[key]

    def write_once(self, key: str, data: bytes) -> bool:
        if key in self.objects:
            return False
        self.objects[key] = data
        return True

    def replace(self, key: str, data: bytes) -> None:
        self.objects[key] = data

    def delete(self, key: str) -> None:
        self.objects.pop(key, None)


STALE = timedelta(minutes=30)


def hold(store: MemoryStore, **extra: object) -> None:
    record = {"id": "other", "host": "elsewhere", "pid": 1, "operation": "backup"}
    record.update({"time": datetime.now(UTC).isoformat(timespec="seconds"), **extra})
    store.objects["lock"] = json.dumps(record).encode()


def test_lease_is_taken_and_released() -> None:
    store = MemoryStore()
    with lease(store, "lock", "backup", what="the repo", where="mem", stale_after=STALE) as mine:
        held = json.loads(store.objects["lock"])
        assert held["id"] == mine.id and held["pid"] == os.getpid()
        mine.check()
    assert "lock" not in store.objects


def test_a_live_lease_refuses_naming_its_holder() -> None:
    store = MemoryStore()
    hold(store)
    with (
        pytest.raises(LockedError, match="in use by 'backup' \\(pid 1 on elsewhere"),
        lease(store, "lock", "prune", what="the repo", where="mem", stale_after=STALE),
    ):
        pass
    assert json.loads(store.objects["lock"])["id"] == "other"  # nothing was taken over


def test_an_old_lease_is_stale_and_taken() -> None:
    store = MemoryStore()
    hold(store, time=(datetime.now(UTC) - timedelta(hours=2)).isoformat())
    with lease(store, "lock", "prune", what="the repo", where="mem", stale_after=STALE) as mine:
        assert json.loads(store.objects["lock"])["id"] == mine.id


def test_a_lease_of_a_dead_process_on_this_host_is_stale() -> None:
    child = multiprocessing.get_context("fork").Process(target=os._exit, args=(0,))
    child.start()
    child.join()
    store = MemoryStore()
    hold(store, host="here", pid=child.pid)
    with lease(store, "lock", "run", what="r", where="m", stale_after=STALE, host="here"):
        pass


def test_a_lease_taken_over_is_noticed() -> None:
    store = MemoryStore()
    with lease(store, "lock", "run", what="r", where="m", stale_after=STALE) as mine:
        hold(store)  # someone decided it was stale and took it
        with pytest.raises(LockedError, match="lost the repository's lock"):
            mine.check()
    assert json.loads(store.objects["lock"])["id"] == "other"  # theirs is left alone


def test_unreadable_lease_is_never_guessed_stale() -> None:
    store = MemoryStore()
    store.objects["lock"] = b"not json"
    with (
        pytest.raises(LockedError),
        lease(store, "lock", "run", what="r", where="m", stale_after=STALE),
    ):
        pass


def test_exclusive_refuses_a_second_holder(tmp_path: Path) -> None:
    path = tmp_path / "state/site.lock"
    with exclusive(path, "warta publish"):
        assert path.read_text() == str(os.getpid())
        with (
            pytest.raises(LockedError, match=f"already running \\(pid {os.getpid()}\\)"),
            exclusive(path, "warta archive"),
        ):
            pass
    with exclusive(path, "warta archive"):
        pass
