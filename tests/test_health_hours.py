"""Uptime from the hourly counts (``health_hours``, schema version 14) is exactly the
share counted from every result, for any window start; the migration fills the counts of
a database that already holds a history, and the triggers keep them as results come."""

from __future__ import annotations

import random
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from pipeline import opsdb
from pipeline.health import history

START = datetime(2026, 11, 28, 0, 0, tzinfo=UTC)


def _results(rng: random.Random, count: int) -> list[tuple[str, str, int]]:
    rows = []
    for _ in range(count):
        moment = START + timedelta(seconds=rng.randrange(3 * 24 * 3600))
        rows.append((rng.choice(["situs", "sipp"]), moment.isoformat(), int(rng.random() > 0.2)))
    return rows


def _insert(db: sqlite3.Connection, rows: list[tuple[str, str, int]]) -> None:
    db.executemany("INSERT INTO health_results (endpoint, at, success) VALUES (?, ?, ?)", rows)


def _counted(db: sqlite3.Connection, endpoint: str, since: datetime) -> float | None:
    total, good = db.execute(
        "SELECT COUNT(*), COALESCE(SUM(success), 0) FROM health_results "
        "WHERE endpoint = ? AND at >= ?",
        (endpoint, since.isoformat()),
    ).fetchone()
    return None if total == 0 else good / total


def _starts(rng: random.Random) -> list[datetime]:
    starts = [START - timedelta(days=1), START, START + timedelta(days=4)]  # before, edge, after
    starts += [START + timedelta(hours=h) for h in (1, 13, 47)]  # exactly on an hour
    starts += [START + timedelta(seconds=rng.randrange(3 * 24 * 3600)) for _ in range(40)]
    return starts


def _same(db: sqlite3.Connection, rng: random.Random) -> None:
    for since in _starts(rng):
        for endpoint in ("situs", "sipp", "ecourt"):
            assert history.uptime(db, endpoint, since) == _counted(db, endpoint, since), since
    recent, since = START + timedelta(days=2), START + timedelta(hours=5, minutes=7)
    assert history.uptimes(db, "situs", recent, since) == (
        _counted(db, "situs", recent),
        _counted(db, "situs", since),
    )
    # a window given in the court's time zone is the same window
    wita = since.astimezone(ZoneInfo("Asia/Makassar"))
    assert history.uptime(db, "situs", wita) == _counted(db, "situs", since)


def test_uptime_from_hourly_counts_equals_counting_every_result(tmp_path: Path) -> None:
    rng = random.Random(14)
    db = opsdb.connect(tmp_path / "warta.sqlite")
    with opsdb.transaction(db):
        _insert(db, _results(rng, 3000))
    _same(db, rng)
    with opsdb.transaction(db):  # more results later: the triggers add them to their hours
        _insert(db, _results(rng, 500))
    _same(db, rng)
    db.close()


def test_the_migration_counts_an_existing_history(tmp_path: Path) -> None:
    rng = random.Random(13)
    path = tmp_path / "warta.sqlite"
    older = sqlite3.connect(path, isolation_level=None)  # a database as version 13 left it
    for number, script in enumerate(opsdb.MIGRATIONS[:13], start=1):
        older.executescript(f"BEGIN;\n{script}\nPRAGMA user_version={number};\nCOMMIT;")
    _insert(older, _results(rng, 2000))
    older.close()
    db = opsdb.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] >= 14
    assert db.execute("SELECT SUM(checks) FROM health_hours").fetchone()[0] == 2000
    _same(db, rng)
    db.close()
