"""The operational database knows its own health: damaged, foreign and newer files are
refused at open with the file and the fix named; a backup never copies damaged pages."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline import opsdb
from pipeline.accounts.schema import COUNTED, NOT_COUNTED
from pipeline.cli import cli
from pipeline.commands import backup, desk
from pipeline.errors import IntegrityError
from pipeline.health.store import database_path, open_history
from pipeline.tickets import engine
from tests.conftest import Project
from tests.test_backup import NOW, configure, snapshot_paths


def _filled(path: Path) -> None:
    db = opsdb.connect(path)
    with opsdb.transaction(db):
        db.executemany(
            "INSERT INTO health_results (endpoint, at, success, error) VALUES (?, ?, 1, ?)",
            [("beranda", f"2026-11-{1 + i % 28:02d}", "x" * 200) for i in range(2000)],
        )
    db.close()
    with sqlite3.connect(path) as plain:  # fold the WAL into the file before damaging it
        plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _damage_a_page(path: Path) -> None:
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for number in range(20, 24):  # the headers and cell pointers of four b-tree pages
        for offset in range(page * number, page * number + 64):
            data[offset] = 0xAB
    path.write_bytes(bytes(data))


def test_random_bytes_are_refused_naming_the_file_and_the_fix(project: Project) -> None:
    database = database_path(project.config)
    database.parent.mkdir(parents=True, exist_ok=True)
    database.write_bytes(os.urandom(8192))
    before = database.read_bytes()
    with pytest.raises(IntegrityError) as caught:
        opsdb.connect(database)
    (problem,) = caught.value.problems
    assert problem.where == str(database) and "not a SQLite database" in problem.message
    assert "restore" in problem.hint and "move" in problem.hint
    assert database.read_bytes() == before  # nothing written to it
    # Through the CLI: exit 8 and the message, never a traceback (was exit 70).
    result = CliRunner().invoke(
        cli, ["--config", str(project.root / "warta.yml"), "health", "incidents"]
    )
    assert result.exit_code == 8, result.output
    assert "warta.sqlite" in result.output and "Traceback" not in result.output


def test_a_damaged_header_is_refused(project: Project) -> None:
    database = database_path(project.config)
    _filled(database)
    data = bytearray(database.read_bytes())
    data[16:24] = b"\xff" * 8  # page size and format bytes after the magic string
    database.write_bytes(bytes(data))
    with pytest.raises(IntegrityError, match="cannot be used") as caught:
        opsdb.connect(database)
    assert caught.value.problems[0].where == str(database)


def test_damaged_pages_are_found_at_open(project: Project) -> None:
    database = database_path(project.config)
    _filled(database)
    _damage_a_page(database)
    with pytest.raises(IntegrityError) as caught:
        opsdb.connect(database)
    assert "damaged" in caught.value.problems[0].message
    assert "backup restore" in caught.value.problems[0].hint


def test_a_newer_schema_is_refused_and_left_unchanged(project: Project) -> None:
    database = database_path(project.config)
    opsdb.connect(database).close()
    with sqlite3.connect(database) as db:
        db.execute("PRAGMA user_version = 99")
    before = database.read_bytes()
    with pytest.raises(IntegrityError, match="newer than this warta") as caught:
        opsdb.connect(database)
    assert "schema version 99" in caught.value.problems[0].message
    assert database.read_bytes() == before
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 99


def test_backup_never_copies_a_damaged_database(project: Project) -> None:
    config = configure(project, repository="../repo")
    database = database_path(config)
    _filled(database)
    backup.run(config, now=NOW)  # sound: copied through the backup API
    assert ".warta/warta.sqlite" in snapshot_paths(config)
    _damage_a_page(database)
    result = backup.run(config, now=NOW + timedelta(hours=1))
    (problem,) = result.skipped
    assert problem.where == str(database) and "damaged" in problem.message
    assert "restore" in problem.hint
    latest = snapshot_paths(config)
    assert ".warta/warta.sqlite" not in latest and "warta.yml" in latest


def test_a_desk_checks_the_database_once_and_still_reports_damage_met_later(
    project: Project,
) -> None:
    config = project.config
    database = database_path(config)
    _filled(database)
    desk.start(config)  # the desk's start: quick_check once for this process
    _damage_a_page(database)  # damaged in place afterwards (same file, same inode)
    opsdb.connect(database).close()  # later opens skip the check (the point: ~30 ms each)
    with pytest.raises(IntegrityError) as caught, open_history(config, write=False) as db:
        engine.find(db, status="open")  # reads the damaged pages (an index of tickets)
    (problem,) = caught.value.problems
    assert problem.where == str(database) and "damaged" in problem.message
    assert "backup restore" in problem.hint


def test_a_desk_refuses_to_start_on_a_damaged_database(project: Project) -> None:
    database = database_path(project.config)
    _filled(database)
    _damage_a_page(database)
    with pytest.raises(IntegrityError, match="cannot be used"):
        desk.start(project.config)
    # `warta desk` says so before serving: exit 8, the file named, no traceback
    result = CliRunner().invoke(cli, ["--config", str(project.root / "warta.yml"), "desk"])
    assert result.exit_code == 8, result.output
    assert "warta.sqlite" in result.output and "Traceback" not in result.output


def test_an_open_keeps_the_locks_of_the_connections_already_open(tmp_path: Path) -> None:
    """Closing any descriptor of a file drops every POSIX lock the process holds on it,
    SQLite's included: were the open's header check a plain open and close, another
    process would take the file as unused at its close, checkpoint and remove the WAL
    under the connection still open (the desk's bench: "disk I/O error" on reads)."""
    path = tmp_path / "warta.sqlite"
    first = opsdb.connect(path)
    first.execute("INSERT INTO health_state VALUES ('situs', 'up', 0, 1, NULL)")  # in the WAL
    opsdb.connect(path).close()  # another request's open and close in this process
    other = (
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
        "c.execute('SELECT 1 FROM health_state').fetchall(); c.close()"
    )
    subprocess.run([sys.executable, "-c", other, str(path)], check=True)
    assert path.with_name(path.name + "-wal").exists()  # the other process saw us: WAL kept
    assert first.execute("SELECT state FROM health_state").fetchall() == [("up",)]
    first.close()


def _write_elsewhere(path: Path, sql: str) -> None:
    code = (
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2]); c.commit()"
    )
    subprocess.run([sys.executable, "-c", code, str(path), sql], check=True)


def test_the_watch_counts_writes_to_what_the_desk_keeps_and_nothing_else(
    tmp_path: Path,
) -> None:
    path = tmp_path / "warta.sqlite"
    opsdb.connect(path).close()
    watch = opsdb.Watch(path)
    first = watch.version()
    assert first is not None and watch.version() == first
    _write_elsewhere(path, "INSERT INTO health_state VALUES ('situs', 'up', 0, 1, NULL)")
    counted = watch.version()
    assert counted is not None and counted != first  # another process wrote: seen at once
    db = opsdb.connect(path)  # this process' own other connection
    db.execute("UPDATE health_state SET failures = 0")  # an update that changes nothing
    assert watch.version() != counted
    now = watch.version()
    db.execute(
        "INSERT INTO desk_sessions VALUES ('h', 'rina', 'ok', 'c', '2026-12-01', '2026-12-01', "
        "'', '')"
    )
    assert watch.version() != now  # a new session counts (and so does its end)
    now = watch.version()
    db.execute("UPDATE desk_sessions SET last_seen = '2026-12-02'")  # a use noted: not
    db.execute("INSERT INTO desk_attempts (at, person, address, success) VALUES ('x', 'r', '', 0)")
    db.execute("INSERT INTO desk_audit (at, person, action) VALUES ('x', 'rina', 'login-failed')")
    assert watch.version() == now
    db.execute("UPDATE desk_sessions SET language = 'en'")
    assert watch.version() != now
    db.close()
    # a file moved in (a restore): a new epoch, never equal to what was seen before
    seen = watch.version()
    replacement = tmp_path / "restored.sqlite"
    opsdb.connect(replacement).close()
    replacement.replace(path)
    assert watch.version() not in (seen, None)
    watch.close()


def test_every_table_counts_its_writes_but_the_desk_s_own_bookkeeping(tmp_path: Path) -> None:
    """A table added by a later schema version must count its writes (or be listed as
    read by no kept page): else the desk could serve a kept page after it changed."""
    db = opsdb.connect(tmp_path / "warta.sqlite")
    tables = {
        r[0]
        for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    }
    triggers = {
        (r[0], r[1].split(" AFTER ")[1].split(" ON ")[0].split(" OF ")[0].strip())
        for r in db.execute(
            "SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger' "
            "AND name LIKE 'desk_changes_%'"
        )
    }
    db.close()
    uncounted = set(NOT_COUNTED) | {"desk_changes"}
    for table in tables - uncounted:
        for event in ("INSERT", "UPDATE", "DELETE"):
            assert (table, event) in triggers, f"{table}: no desk_changes trigger on {event}"
    assert set(COUNTED) | uncounted | {"desk_sessions"} == tables
