# ruff: noqa: F811 (the fixtures imported from test_backup_damage are parameters here)
"""Encrypted repositories (format version 2): nothing readable without the password,
tampering detected, version 1 still read; on a local folder and on SeaweedFS."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.backup.repository import pack_key
from pipeline.cli import cli
from pipeline.commands import backup
from pipeline.errors import ConfigError, IntegrityError
from tests.conftest import Project
from tests.servers import S3Server
from tests.test_backup import NOW, configure, repo_dir, small_repository
from tests.test_backup_damage import bucket, tree  # noqa: F401 (fixtures)

PASSWORD = "kata sandi cadangan yang panjang"
SECRET = b"teks yang berulang"  # in a draft: must never be readable in the repository


def test_an_encrypted_repository_holds_nothing_readable(tree: Project, tmp_path: Path) -> None:
    config = tree.config
    first = backup.run(config, now=NOW, password=PASSWORD)
    repo = repo_dir(tree)
    assert json.loads((repo / "config").read_bytes())["version"] == 2
    assert len(list((repo / "keys").iterdir())) == 1
    for path in repo.rglob("*"):
        if path.is_file() and path.name != "config":
            data = path.read_bytes()
            assert SECRET not in data and b"catatan" not in data, path
            assert b"drafts/" not in data and b'"path"' not in data, path
    again = backup.run(config, now=NOW + timedelta(hours=1), password=PASSWORD)
    assert again.read_files == [".warta/warta.sqlite"]  # dedup works through the encryption
    assert backup.verify(config, read_data=True, password=PASSWORD).ok
    assert backup.drill(config, password=PASSWORD).snapshot == again.snapshot
    backup.restore(config, first.snapshot[:8], tmp_path / "r", password=PASSWORD)
    assert SECRET in (tmp_path / "r/drafts/catatan/index.md").read_bytes()


def test_no_password_or_a_wrong_one_is_refused_clearly(
    tree: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    backup.run(tree.config, now=NOW, password=PASSWORD)
    base = ["-c", str(tree.root / "warta.yml"), "backup"]
    monkeypatch.delenv("WARTA_BACKUP_PASSWORD", raising=False)
    result = CliRunner().invoke(cli, [*base, "list"])
    assert result.exit_code == 3 and "WARTA_BACKUP_PASSWORD" in result.output
    monkeypatch.setenv("WARTA_BACKUP_PASSWORD", "salah")
    result = CliRunner().invoke(cli, [*base, "list"])
    assert result.exit_code == 3 and "wrong password" in result.output
    monkeypatch.setenv("WARTA_BACKUP_PASSWORD", PASSWORD)  # read by the CLI adapter
    result = CliRunner().invoke(cli, [*base, "run"])
    assert result.exit_code == 0, result.output
    assert len(backup.listing(tree.config, password=PASSWORD).snapshots) == 2


def test_the_password_from_a_file(tree: Project) -> None:
    (tree.root / ".backup-password").write_text(PASSWORD + "\n")
    config = configure(tree, password_file=".backup-password")
    backup.run(config, now=NOW)
    assert backup.open_repository(config).version == 2
    assert backup.open_repository(config, password=PASSWORD).crypto is not None
    (tree.root / ".backup-password").write_text("lain\n")
    with pytest.raises(ConfigError, match="wrong password"):
        backup.listing(config)


def test_tampering_fails_verification_naming_the_file(tree: Project) -> None:
    config = tree.config
    small_repository(config)  # a version 1 repository: stays readable without a password
    backup.run(config, now=NOW - timedelta(days=1))
    assert backup.open_repository(config, password=PASSWORD).version == 1
    encrypted = tree.root / "repo-v2"
    config = configure(tree, repository="repo-v2")
    backup.run(config, now=NOW, password=PASSWORD)
    entry = snapshot_paths_encrypted(config)["archive/big.pdf"]
    repo = backup.open_repository(config, password=PASSWORD)
    repo.load_index()
    location = repo.index[entry["chunks"][0]]
    pack = encrypted / pack_key(location.pack)
    data = bytearray(pack.read_bytes())
    data[location.offset + 40] ^= 0x01  # one bit inside the encrypted blob
    pack.write_bytes(bytes(data))
    with pytest.raises(IntegrityError) as caught:
        backup.verify(config, read_data=True, password=PASSWORD)
    assert "archive/big.pdf" in [p.where for p in caught.value.problems]


def snapshot_paths_encrypted(config: object) -> dict[str, dict[str, object]]:
    repo = backup.open_repository(config, password=PASSWORD)  # type: ignore[arg-type]
    return {e["path"]: e for e in repo.snapshots()[-1].files}


def test_s3_encrypted_round_trip(
    tree: Project, s3_server: S3Server, bucket: str, tmp_path: Path
) -> None:
    config = tree.config
    backup.run(config, now=NOW, password=PASSWORD)
    s3 = s3_server.client()
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]  # type: ignore[attr-defined]
    assert any(k.startswith("warta/keys/") for k in keys)
    for key in keys:
        if not key.endswith("/config"):
            body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()  # type: ignore[attr-defined]
            assert SECRET not in body and b"catatan" not in body
    assert backup.verify(config, read_data=True, password=PASSWORD).ok
    backup.restore(config, "latest", tmp_path / "r", password=PASSWORD)
    assert SECRET in (tmp_path / "r/drafts/catatan/index.md").read_bytes()
