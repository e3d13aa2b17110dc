"""Backups survive their own damage: a damaged snapshot, a deleted pack, a killed run's
temporary pack, hostile manifests and targets, and a partly damaged repository, on a
local folder and on SeaweedFS on loopback."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.backup.repository import pack_key
from pipeline.cli import cli
from pipeline.commands import backup
from pipeline.errors import IntegrityError
from tests import test_backup
from tests.conftest import Project
from tests.servers import S3Server
from tests.test_backup import NOW, configure, repo_dir, small_repository, snapshot_paths


@pytest.fixture
def tree(project: Project) -> Project:
    """The backup tests' tree: scans, a big file over several chunks, a link, an empty file."""
    for n in range(6):
        project.write(f"archive/scan-{n}.jpg", os.urandom(12_000 + n))
    project.write("archive/big.pdf", os.urandom(50_000))
    project.write("drafts/catatan/index.md", "# Catatan\n\n" + "teks yang berulang. " * 2000)
    (project.root / "drafts/catatan/tautan").symlink_to("index.md")
    return project


@pytest.fixture
def bucket(tree: Project, s3_server: S3Server, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "warta")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "warta-secret")
    name = f"rusak-{next(test_backup._buckets)}"
    s3_server.client().create_bucket(Bucket=name)  # type: ignore[attr-defined]
    configure(tree, repository=f"s3://{name}/warta", s3_endpoint=s3_server.endpoint)
    return name


def cli_backup(project: Project, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["-c", str(project.root / "warta.yml"), "backup", *args])
    return result.exit_code, result.output


def truncate_latest_snapshot(project: Project) -> str:
    repo = backup.open_repository(project.config)
    latest = repo.snapshots()[-1].id
    path = repo_dir(project) / "snapshots" / latest
    path.write_bytes(path.read_bytes()[:100])
    return latest


def test_a_damaged_snapshot_is_skipped_by_every_command_until_repaired(
    tree: Project, tmp_path: Path
) -> None:
    config = tree.config
    first = backup.run(config, now=NOW - timedelta(days=1))
    backup.run(config, now=NOW)
    damaged = truncate_latest_snapshot(tree)
    code, output = cli_backup(tree, "list")
    assert code == 0 and first.snapshot[:8] in output and damaged[:8] in output
    assert "skipped a damaged snapshot" in output and "warta backup repair" in output
    again = backup.run(config, now=NOW + timedelta(hours=1))  # never blocks a new backup
    assert any(damaged in n for n in again.notes)
    assert backup.drill(config).snapshot == again.snapshot
    restored = backup.restore(config, "latest", tmp_path / "r")
    assert restored.snapshot == again.snapshot
    with pytest.raises(IntegrityError, match="damaged"):  # asked for by name: says so
        backup.restore(config, damaged[:8], tmp_path / "r2")
    code, output = cli_backup(tree, "verify")
    assert code == 8 and damaged in output and "repair" in output
    assert len(backup.prune(config, keep=backup.policy.KeepPolicy(last=5)).kept) == 2
    code, output = cli_backup(tree, "repair")
    assert code == 0 and f"damaged/snapshots/{damaged}" in output
    assert (repo_dir(tree) / "damaged/snapshots" / damaged).is_file()
    assert backup.verify(config).ok
    assert [s.id for s in backup.listing(config).snapshots] == [first.snapshot, again.snapshot]


def test_a_deleted_pack_is_not_reused_by_the_next_run(tree: Project) -> None:
    config = tree.config
    small_repository(config)
    backup.run(config, now=NOW - timedelta(days=1))
    entry = snapshot_paths(config)["archive/big.pdf"]
    repo = backup.open_repository(config)
    repo.load_index()
    (repo_dir(tree) / pack_key(repo.index[entry["chunks"][0]].pack)).unlink()  # type: ignore[index]
    result = backup.run(config, now=NOW)
    assert "archive/big.pdf" in result.read_files  # read again: its old blobs are gone
    assert any("missing" in n for n in result.notes)
    drilled = backup.drill(config)  # the new snapshot restores in full
    assert drilled.snapshot == result.snapshot


def test_a_killed_runs_temporary_pack_is_removed(tree: Project) -> None:
    config = tree.config
    backup.run(config, now=NOW - timedelta(days=1))
    # What a run killed between writing a pack and linking it to its name leaves.
    leftover = repo_dir(tree) / "data" / "ab" / ".abcdef0123456789.x1y2z3.tmp"
    leftover.parent.mkdir(parents=True, exist_ok=True)
    leftover.write_bytes(os.urandom(5000))
    assert any("temporary file" in n for n in backup.verify(config).notes)
    result = backup.run(config, now=NOW)
    assert not leftover.exists() and any("temporary" in n for n in result.notes)
    leftover.write_bytes(b"again")
    backup.prune(config, keep=backup.policy.KeepPolicy(last=5))
    assert not leftover.exists()
    leftover.write_bytes(b"and again")
    code, output = cli_backup(tree, "repair")
    assert code == 0 and "1 temporary file(s) removed" in output and not leftover.exists()


def test_hard_links_come_back_as_links(tree: Project, tmp_path: Path) -> None:
    original = tree.root / "archive/scan-1.jpg"
    os.link(original, tree.root / "archive/scan-1-copy.jpg")
    config = tree.config
    backup.run(config, now=NOW)
    entries = snapshot_paths(config)
    # The first name in the manifest's (sorted) order is stored, the other links to it.
    assert entries["archive/scan-1.jpg"].get("hardlink") == "archive/scan-1-copy.jpg"
    backup.restore(config, "latest", tmp_path / "r")
    one, two = tmp_path / "r/archive/scan-1.jpg", tmp_path / "r/archive/scan-1-copy.jpg"
    assert one.stat().st_ino == two.stat().st_ino and one.stat().st_nlink == 2
    assert two.read_bytes() == original.read_bytes()
    assert backup.drill(config).files == len([e for e in entries.values() if e["type"] == "file"])


def _forged_snapshot(project: Project, files: list[dict[str, object]]) -> str:
    repo = backup.open_repository(project.config)
    manifest = json.loads(repo.backend.read(f"snapshots/{repo.snapshots()[-1].id}"))
    manifest["files"] += files
    manifest["time"] = "2030-01-01T00:00:00+00:00"
    data = json.dumps(manifest).encode()
    name = hashlib.sha256(data).hexdigest()
    (repo_dir(project) / "snapshots" / name).write_bytes(data)
    return name


def test_verify_refuses_unsafe_paths(tree: Project, tmp_path: Path) -> None:
    backup.run(tree.config, now=NOW)
    forged = _forged_snapshot(
        tree,
        [
            {"path": "content/../../etc/cron.d/x", "type": "symlink", "target": "/", "mtime_ns": 0},
            {"path": "/etc/passwd", "type": "dir", "mode": 493, "mtime_ns": 0},
        ],
    )
    code, output = cli_backup(tree, "verify")
    assert code == 8 and forged in output
    assert "unsafe path 'content/../../etc/cron.d/x'" in output and "'/etc/passwd'" in output
    with pytest.raises(IntegrityError, match="unsafe path"):
        backup.restore(tree.config, forged[:10], tmp_path / "r")
    assert not (tmp_path / "r").exists()


def test_restore_never_follows_a_symlink_in_the_target(tree: Project, tmp_path: Path) -> None:
    backup.run(tree.config, now=NOW)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    target = tmp_path / "target"
    target.mkdir()
    (target / "archive").symlink_to(elsewhere)  # planted: archive/ would land outside
    (target / "warta.yml").symlink_to(elsewhere / "config-outside")
    backup.restore(tree.config, "latest", target, overwrite=True)
    assert list(elsewhere.iterdir()) == []
    assert not (target / "archive").is_symlink() and (target / "archive/big.pdf").is_file()
    assert not (target / "warta.yml").is_symlink()
    assert (target / "warta.yml").read_bytes() == (tree.root / "warta.yml").read_bytes()


def test_restore_partial_restores_everything_intact(tree: Project, tmp_path: Path) -> None:
    config = tree.config
    small_repository(config)
    backup.run(config, now=NOW)
    entries = snapshot_paths(config)
    repo = backup.open_repository(config)
    repo.load_index()
    lost_pack = repo.index[entries["archive/big.pdf"]["chunks"][-1]].pack  # type: ignore[index]
    (repo_dir(tree) / pack_key(lost_pack)).unlink()
    lost = sorted(
        path
        for path, e in entries.items()
        if e["type"] == "file" and any(repo.index[c].pack == lost_pack for c in e["chunks"])  # type: ignore[union-attr]
    )
    with pytest.raises(IntegrityError):  # without --partial: nothing is restored
        backup.restore(config, "latest", tmp_path / "all")
    assert not (tmp_path / "all").exists()
    code, output = cli_backup(
        tree, "restore", "latest", "--target", str(tmp_path / "r"), "--partial"
    )
    assert code == 8
    for path in lost:
        assert f"not restored: {path}" in output and not (tmp_path / "r" / path).exists()
    intact = [p for p, e in entries.items() if e["type"] == "file" and p not in lost]
    assert intact
    for path in intact:
        assert (tmp_path / "r" / path).is_file(), path
    assert (tmp_path / "r/drafts/catatan/tautan").is_symlink()


def test_s3_damaged_snapshot_is_skipped_and_repaired(
    tree: Project, s3_server: S3Server, bucket: str, tmp_path: Path
) -> None:
    config = tree.config
    s3 = s3_server.client()
    first = backup.run(config, now=NOW - timedelta(days=1))
    second = backup.run(config, now=NOW)
    key = f"warta/snapshots/{second.snapshot}"
    s3.put_object(Bucket=bucket, Key=key, Body=b'{"version": 1, "ti')  # type: ignore[attr-defined]
    (config.path("state") / "cache/backup/snapshots" / second.snapshot).unlink(missing_ok=True)
    listing = backup.listing(config)
    assert [s.id for s in listing.snapshots] == [first.snapshot] and listing.damaged
    third = backup.run(config, now=NOW + timedelta(hours=1))
    assert backup.drill(config).snapshot == third.snapshot
    moved = backup.repair(config).moved
    assert moved == [f"damaged/snapshots/{second.snapshot}"]
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]}  # type: ignore[attr-defined]
    assert key not in keys and f"warta/damaged/snapshots/{second.snapshot}" in keys
    assert backup.verify(config).ok
