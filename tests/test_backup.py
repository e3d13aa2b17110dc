"""warta backup: run, list, verify, restore, drill, prune, and the faults of issue 8,
on a local folder and on SeaweedFS on loopback."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import resource
import signal
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from click.testing import CliRunner

from pipeline.backup import engine, events
from pipeline.backup.policy import KeepPolicy, apply
from pipeline.backup.repository import pack_key
from pipeline.cli import cli
from pipeline.commands import backup
from pipeline.config import Config
from pipeline.errors import IntegrityError, LockedError, StorageError
from pipeline.health.store import open_history
from tests.conftest import Project
from tests.servers import S3Server

NOW = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
_buckets = itertools.count()


def configure(project: Project, **settings: object) -> Config:
    data = yaml.safe_load((project.root / "warta.yml").read_text())
    data["backup"] = settings
    (project.root / "warta.yml").write_text(yaml.safe_dump(data))
    return project.config


def small_repository(config: Config, *, pack_size: int = 40_000, chunk_size: int = 16_384) -> None:
    """Create the repository with small packs and chunks, so that a tiny tree spans many."""
    from pipeline.backup.repository import Repository
    from pipeline.backup.storage import open_backend

    settings = config.backup
    backend = open_backend(
        settings.repository,
        root=config.root,
        endpoint=settings.s3_endpoint,
        region=settings.s3_region,
    )
    Repository(backend).open(create=True, pack_size=pack_size, chunk_size=chunk_size)


@pytest.fixture
def tree(project: Project) -> Project:
    """The example project with scans, a big file (several chunks), a link and an empty file."""
    for n in range(6):
        project.write(f"archive/scan-{n}.jpg", os.urandom(12_000 + n))
    project.write("archive/big.pdf", os.urandom(50_000))
    project.write("drafts/catatan/index.md", "# Catatan\n\n" + "teks yang berulang. " * 2000)
    project.write("drafts/catatan/kosong.txt", b"")
    (project.root / "drafts/catatan/tautan").symlink_to("index.md")
    (project.root / "archive/scan-0.jpg").chmod(0o640)
    return project


def events_of(config: Config, kind: str) -> list[events.BackupEvent]:
    with open_history(config, write=False) as db:
        return events.recent(db, kind)


def repo_dir(project: Project) -> Path:
    return project.root / ".warta" / "backup"


def packs(project: Project) -> list[Path]:
    return sorted(repo_dir(project).glob("data/*/*"))


def snapshot_paths(config: Config) -> dict[str, dict[str, object]]:
    repo = backup.open_repository(config)
    latest = repo.snapshots()[-1]
    return {e["path"]: e for e in latest.files}


# -- run, list, restore -------------------------------------------------------------


def test_backup_restores_every_file_with_modes_and_mtimes(tree: Project, tmp_path: Path) -> None:
    config = tree.config
    small_repository(config)
    result = backup.run(config, now=NOW)
    names = set(snapshot_paths(config))
    for expected in ("content", "drafts", "archive", "warta.yml", "mkdocs.yml"):
        assert expected in names
    assert ".warta/warta.sqlite" in names
    assert not any(n.startswith(".warta/backup") for n in names)
    assert result.files == len(result.read_files)

    target = tmp_path / "restored"
    restored = backup.restore(config, "latest", target)
    assert restored.files == result.files
    for rel in ("archive/big.pdf", "archive/scan-3.jpg", "drafts/catatan/index.md"):
        original, copy = tree.root / rel, target / rel
        assert copy.read_bytes() == original.read_bytes()
        assert copy.stat().st_mtime_ns == original.stat().st_mtime_ns
    assert (target / "archive/scan-0.jpg").stat().st_mode & 0o777 == 0o640
    assert (target / "drafts/catatan/kosong.txt").read_bytes() == b""
    assert os.readlink(target / "drafts/catatan/tautan") == "index.md"
    database = sqlite3.connect(target / ".warta/warta.sqlite")
    assert database.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    database.close()
    [event] = events_of(config, "backup")
    assert event.ok and event.snapshot == result.snapshot and event.files == result.files


def test_run_with_nothing_changed_reads_only_metadata(tree: Project) -> None:
    config = tree.config
    first = backup.run(config, now=NOW)
    again = backup.run(config, now=NOW + timedelta(hours=1))
    # Only the fresh copy of the database is read; every other file's blobs are reused.
    assert again.read_files == [".warta/warta.sqlite"]
    assert again.stored_bytes < 20_000 < first.stored_bytes
    (tree.root / "archive/scan-2.jpg").write_bytes(os.urandom(5000))
    changed = backup.run(config, now=NOW + timedelta(hours=2))
    assert sorted(changed.read_files) == [".warta/warta.sqlite", "archive/scan-2.jpg"]
    listing = backup.listing(config)
    assert [s.id for s in listing.snapshots][-1] == changed.snapshot
    assert listing.last_drill is None


def test_restore_refuses_a_non_empty_target_unless_asked(tree: Project, tmp_path: Path) -> None:
    config = tree.config
    backup.run(config, now=NOW)
    target = tmp_path / "busy"
    target.mkdir()
    (target / "keep.txt").write_text("mine")
    runner = CliRunner()
    args = ["-c", str(tree.root / "warta.yml"), "backup", "restore", "latest", "--target"]
    refused = runner.invoke(cli, [*args, str(target)])
    assert refused.exit_code == 5 and "not empty" in refused.output
    done = runner.invoke(cli, [*args, str(target), "--overwrite"])
    assert done.exit_code == 0, done.output
    assert (target / "keep.txt").read_text() == "mine"
    assert (target / "archive/big.pdf").read_bytes() == (tree.root / "archive/big.pdf").read_bytes()
    base = ["-c", str(tree.root / "warta.yml"), "backup", "restore"]
    unknown = runner.invoke(cli, [*base, "nope", "--target", str(tmp_path / "x")])
    assert unknown.exit_code == 6 and "no snapshot 'nope'" in unknown.output


# -- verify ---------------------------------------------------------------------------


def test_a_flipped_byte_fails_read_data_verify_naming_the_file(tree: Project) -> None:
    config = tree.config
    small_repository(config)
    backup.run(config, now=NOW)
    assert backup.verify(config, read_data=True).ok
    entry = snapshot_paths(config)["archive/scan-4.jpg"]
    repo = backup.open_repository(config)
    repo.load_index()
    location = repo.index[entry["chunks"][0]]  # type: ignore[index]
    pack = repo_dir(tree) / pack_key(location.pack)
    data = bytearray(pack.read_bytes())
    data[location.offset + 10] ^= 0x01
    pack.write_bytes(bytes(data))

    assert backup.verify(config).ok  # the structure is whole: only reading finds it
    with pytest.raises(IntegrityError) as caught:
        backup.verify(config, read_data=True)
    assert [p.where for p in caught.value.problems] == ["archive/scan-4.jpg"]
    failed = events_of(config, "verify")[0]
    assert not failed.ok and "archive/scan-4.jpg" in failed.detail
    # The slices of --subset together read every pack; exactly one slice holds the flip.
    outcomes = []
    for n in (1, 2, 3):
        try:
            backup.verify(config, subset=(n, 3))
            outcomes.append(True)
        except IntegrityError:
            outcomes.append(False)
    assert outcomes.count(False) == 1
    # The restore checks every hash too, and leaves the target untouched.
    with pytest.raises(IntegrityError, match="cannot be restored"):
        backup.restore(config, "latest", tree.root.parent / "r")
    assert not (tree.root.parent / "r").exists()


def test_a_missing_object_fails_verify_and_drill_naming_the_files(tree: Project) -> None:
    config = tree.config
    small_repository(config)
    backup.run(config, now=NOW)
    entry = snapshot_paths(config)["archive/big.pdf"]
    repo = backup.open_repository(config)
    repo.load_index()
    location = repo.index[entry["chunks"][-1]]  # type: ignore[index]
    (repo_dir(tree) / pack_key(location.pack)).unlink()
    result = CliRunner().invoke(cli, ["-c", str(tree.root / "warta.yml"), "backup", "verify"])
    assert result.exit_code == 8
    assert "archive/big.pdf" in result.output and "missing" in result.output
    drilled = CliRunner().invoke(cli, ["-c", str(tree.root / "warta.yml"), "backup", "drill"])
    assert drilled.exit_code == 8 and "archive/big.pdf" in drilled.output
    drill = events_of(config, "drill")[0]
    assert not drill.ok and "archive/big.pdf" in drill.detail
    assert not list((tree.root / ".warta").glob(".drill-*"))  # the temporary folder is gone


# -- drill ----------------------------------------------------------------------------


def test_drill_restores_checks_and_records(tree: Project) -> None:
    config = tree.config
    runner = CliRunner()
    base = ["-c", str(tree.root / "warta.yml"), "backup"]
    assert runner.invoke(cli, [*base, "run"]).exit_code == 0
    done = runner.invoke(cli, [*base, "drill"])
    assert done.exit_code == 0, done.output
    assert done.output.startswith("restore drill ok: snapshot ")
    drill = events_of(config, "drill")[0]
    assert drill.ok and drill.files and drill.files > 10
    listed = runner.invoke(cli, [*base, "list"])
    assert "last restore drill:" in listed.output and "proven" in listed.output
    as_json = json.loads(runner.invoke(cli, [*base, "list", "--format", "json"]).output)
    assert as_json[0]["id"] == drill.snapshot


# -- faults ---------------------------------------------------------------------------


class Interrupt(Exception):
    pass


def test_an_interrupted_backup_leaves_no_snapshot_and_the_next_run_completes(
    tree: Project,
) -> None:
    config = tree.config
    small_repository(config)
    stored: list[str] = []

    def crash_after_two(pack: object) -> None:
        stored.append(str(pack))
        if len(stored) == 2:
            raise Interrupt

    with pytest.raises(Interrupt):
        backup.run(config, now=NOW, on_pack=crash_after_two)
    assert backup.listing(config).snapshots == []
    assert not (repo_dir(tree) / "lock").exists()
    assert len(packs(tree)) >= 2
    assert not events_of(config, "backup")[0].ok
    assert backup.verify(config).ok  # consistent: just packs nothing refers to yet

    result = backup.run(config, now=NOW)
    assert result.recovered_packs >= 2  # the packs already stored are reused
    assert backup.verify(config, read_data=True).ok
    assert len(backup.listing(config).snapshots) == 1


def test_a_killed_backup_leaves_a_stale_lock_that_the_next_run_takes_over(
    tree: Project,
) -> None:
    script = (
        "import os, sys\n"
        "from pipeline.config import load_config\n"
        "from pipeline.commands.backup import run\n"
        "run(load_config(sys.argv[1]), on_pack=lambda p: os.kill(os.getpid(), 9))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(tree.root / "warta.yml")], check=False, timeout=60
    )
    assert done.returncode == -signal.SIGKILL
    lock = json.loads((repo_dir(tree) / "lock").read_text())
    assert lock["host"] == socket.gethostname() and lock["operation"] == "backup"
    result = backup.run(tree.config, now=NOW)  # the holder is dead: the lock is stale
    assert result.recovered_packs == 1
    assert backup.verify(tree.config, read_data=True).ok


def test_a_second_run_refuses_while_one_holds_the_lock(tree: Project) -> None:
    config = tree.config
    seen: list[str] = []

    def second_run(pack: object) -> None:
        if seen:
            return
        with pytest.raises(LockedError) as caught:
            backup.run(config, wait=0.3)
        seen.append(str(caught.value))

    backup.run(config, on_pack=second_run)
    assert "in use by 'backup'" in seen[0] and f"pid {os.getpid()}" in seen[0]
    assert len(backup.listing(config).snapshots) == 1
    assert backup.verify(config, read_data=True).ok


def test_stale_and_live_locks_of_other_hosts(tree: Project) -> None:
    config = configure(tree, lock_stale_after="10m")
    backup.run(config, now=NOW)
    lock = repo_dir(tree) / "lock"
    fresh = datetime.now(UTC)
    held = {"id": "x", "host": "other-host", "pid": 1, "operation": "prune"}
    lock.write_text(json.dumps({**held, "time": fresh.isoformat()}))
    refused = CliRunner().invoke(cli, ["-c", str(tree.root / "warta.yml"), "backup", "run"])
    assert refused.exit_code == 9 and "other-host" in refused.output
    lock.write_text(json.dumps({**held, "time": (fresh - timedelta(minutes=11)).isoformat()}))
    backup.run(config, now=NOW)  # older than lock_stale_after: taken over
    assert not lock.exists()


@contextlib.contextmanager
def file_size_limit(limit: int) -> Iterator[None]:
    """Make the kernel refuse to grow any file past ``limit`` bytes (EFBIG), as a full
    disk refuses with ENOSPC: the same failure of the same write path."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)


def test_a_full_disk_gives_a_clear_error_and_loses_nothing(tree: Project) -> None:
    config = tree.config
    first = backup.run(config, now=NOW)
    tree.write("archive/huge.jpg", os.urandom(3_000_000))
    with file_size_limit(1_000_000):
        result = CliRunner().invoke(cli, ["-c", str(tree.root / "warta.yml"), "backup", "run"])
    assert result.exit_code == 11, result.output
    assert "backup repository is full" in result.output
    assert str(repo_dir(tree)) in result.output and "free space" in result.output
    failed = events_of(config, "backup")[0]
    assert not failed.ok and "full" in failed.detail
    assert [s.id for s in backup.listing(config).snapshots] == [first.snapshot]
    assert backup.verify(config, read_data=True).ok
    assert backup.run(config).read_files  # with room again, the next run completes


def test_unit_errors_map_to_storage_error() -> None:
    from pipeline.backup.storage import LocalBackend

    with pytest.raises(StorageError, match=r"refused|cannot write"):
        LocalBackend(Path("/proc/warta-cannot-exist")).write_once("config", b"{}")


# -- prune ----------------------------------------------------------------------------


def test_keep_policy_follows_restic() -> None:
    zone = ZoneInfo("Asia/Makassar")
    days = [datetime(2026, 11, d, h, tzinfo=UTC) for d in range(1, 29) for h in (2, 8)]
    snaps = [(f"s{i}", t) for i, t in enumerate(days)]
    kept = apply(snaps, KeepPolicy(daily=3), zone)
    # Newest of each of the last three local days.
    assert sorted(kept) == ["s51", "s53", "s55"]
    kept = apply(snaps, KeepPolicy(last=2, weekly=2, monthly=2), zone)
    assert kept["s55"] == ["last", "weekly", "monthly"] and kept["s54"] == ["last"]
    # The previous ISO week (16-22 November) ends with s43; November is a single month.
    assert kept["s43"] == ["weekly"] and len(kept) == 3


def test_prune_deletes_only_what_no_kept_snapshot_needs(tree: Project, tmp_path: Path) -> None:
    config = tree.config
    small_repository(config)
    backup.run(config, now=NOW - timedelta(days=2))
    (tree.root / "archive/scan-1.jpg").write_bytes(os.urandom(30_000))
    backup.run(config, now=NOW - timedelta(days=1))
    (tree.root / "archive/scan-1.jpg").write_bytes(os.urandom(30_000))
    latest = backup.run(config, now=NOW)
    before = len(packs(tree))
    dry = backup.prune(config, keep=KeepPolicy(last=1), dry_run=True)
    assert len(dry.forgotten) == 2 and len(packs(tree)) == before
    result = backup.prune(config, keep=KeepPolicy(last=1))
    assert [s.id for s in result.kept] == [latest.snapshot]
    assert result.packs_deleted >= 1 and len(packs(tree)) == before - result.packs_deleted
    assert [s.id for s in backup.listing(config).snapshots] == [latest.snapshot]
    assert backup.verify(config, read_data=True).ok
    backup.restore(config, "latest", tmp_path / "r")
    assert (tmp_path / "r/archive/scan-1.jpg").read_bytes() == (
        tree.root / "archive/scan-1.jpg"
    ).read_bytes()
    assert events_of(config, "prune")[0].ok
    cli_result = CliRunner().invoke(
        cli,
        [
            *("-c", str(tree.root / "warta.yml"), "backup", "prune", "--keep-daily", "0"),
            *("--keep-weekly", "0", "--keep-monthly", "0"),
        ],
    )
    assert cli_result.exit_code == 3 and "every keep rule is 0" in cli_result.output


# -- S3 -------------------------------------------------------------------------------


@pytest.fixture
def bucket(tree: Project, s3_server: S3Server, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "warta")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "warta-secret")
    name = f"cadangan-{next(_buckets)}"
    s3_server.client().create_bucket(Bucket=name)  # type: ignore[attr-defined]
    configure(tree, repository=f"s3://{name}/warta", s3_endpoint=s3_server.endpoint)
    return name


def test_s3_repository_round_trip_and_faults(
    tree: Project, s3_server: S3Server, bucket: str, tmp_path: Path
) -> None:
    config = tree.config
    small_repository(config)
    s3 = s3_server.client()
    first = backup.run(config, now=NOW - timedelta(days=1))
    again = backup.run(config, now=NOW)
    assert again.read_files == [".warta/warta.sqlite"]
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]}  # type: ignore[attr-defined]
    assert "warta/config" in keys and "warta/lock" not in keys
    assert sum(k.startswith("warta/snapshots/") for k in keys) == 2
    assert backup.verify(config, read_data=True).ok
    assert backup.drill(config).files == first.files
    backup.restore(config, first.snapshot[:8], tmp_path / "r")
    assert (tmp_path / "r/archive/big.pdf").read_bytes() == (
        tree.root / "archive/big.pdf"
    ).read_bytes()

    # Write-once: a second config object is refused by the bucket, not overwritten.
    repo = backup.open_repository(config)
    assert repo.backend.write_once("config", b"{}") is False
    # A held lock refuses a second run.
    assert repo.backend.write_once(
        "lock", json.dumps({"host": "h", "pid": 1, "time": datetime.now(UTC).isoformat()}).encode()
    )
    with pytest.raises(LockedError):
        backup.run(config)
    repo.backend.delete("lock")

    assert len(backup.prune(config, keep=KeepPolicy(last=1)).kept) == 1
    entry = snapshot_paths(config)["archive/scan-5.jpg"]
    repo.load_index()
    pack = repo.index[entry["chunks"][0]].pack  # type: ignore[index]
    s3.delete_object(Bucket=bucket, Key=f"warta/{pack_key(pack)}")  # type: ignore[attr-defined]
    with pytest.raises(IntegrityError) as caught:
        backup.verify(config)
    assert "archive/scan-5.jpg" in [p.where for p in caught.value.problems]


def test_s3_missing_bucket_is_a_storage_error(tree: Project, s3_server: S3Server) -> None:
    configure(tree, repository="s3://tidak-ada/warta", s3_endpoint=s3_server.endpoint)
    with pytest.raises(StorageError, match="does not exist"):
        backup.run(tree.config)
    assert not events_of(tree.config, "backup")[0].ok


def test_engine_sources_leave_out_the_repository(tree: Project) -> None:
    config = configure(tree, extra_paths=[".warta", "content/profil"])
    chosen, exclude = backup.sources(config, tree.root / "copy.sqlite")
    names = [s.name for s in chosen]
    assert ".warta" in names and "content/profil" not in names  # inside content already
    assert tree.root / ".warta" / "backup" in exclude
    assert engine.Source(".warta/warta.sqlite", tree.root / "copy.sqlite") in chosen
