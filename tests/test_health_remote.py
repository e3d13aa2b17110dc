"""The operational database shared through S3 (SeaweedFS on loopback) by ephemeral runners."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml

from pipeline.commands.health import list_incidents, run_checks
from pipeline.commands.renewals import add, listing
from pipeline.errors import LockedError
from pipeline.health import remote
from tests.conftest import Project
from tests.servers import S3Server, Switchable


@pytest.fixture
def runner_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # boto3's standard chain: what a CI job would get from its secrets.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "warta")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "warta-secret")


def test_history_survives_ephemeral_runners(
    project: Project, s3_server: S3Server, runner_env: None
) -> None:
    client = s3_server.client()
    client.create_bucket(Bucket="warta-history")  # type: ignore[attr-defined]
    server = Switchable()
    try:
        config = yaml.safe_load((project.root / "warta.yml").read_text())
        config["health"] = {
            "history_url": "s3://warta-history/pa-uji/warta.sqlite",
            "s3_endpoint": s3_server.endpoint,
            "endpoints": [
                {
                    "name": "layanan",
                    "url": server.url("/flip"),
                    "retries": 0,
                    "failure_threshold": 2,
                }
            ],
        }
        (project.root / "warta.yml").write_text(yaml.safe_dump(config))
        state = project.root / ".warta"
        server.healthy = False
        for _run in range(2):  # each run on a "fresh machine": no local state at all
            shutil.rmtree(state, ignore_errors=True)
            report = run_checks(project.config)
        assert [(t.before, t.after) for t in report.transitions] == [("unknown", "down")]
        shutil.rmtree(state)
        (incident,) = list_incidents(project.config, open_only=True)
        assert incident.endpoint == "layanan"
        shutil.rmtree(state)
        add(
            project.config,
            renewal_id="hosting",
            kind="hosting",
            provider="Awan",
            period="1y",
            cost=1,
            due=date(2027, 1, 1),
        )
        shutil.rmtree(state)
        assert [r.id for r, _left in listing(project.config)] == ["hosting"]
    finally:
        server.close()


def test_overlapping_runs_never_overwrite_each_other(s3_server: S3Server, tmp_path: Path) -> None:
    import sqlite3

    client = s3_server.client()
    client.create_bucket(Bucket="warta-race")  # type: ignore[attr-defined]
    target = remote.RemoteObject("warta-race", "db.sqlite")
    first, second = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    for number, path in enumerate((first, second)):
        db = sqlite3.connect(path)
        db.execute("CREATE TABLE t (x)")
        db.execute("INSERT INTO t VALUES (?)", (number,))  # different bytes, different ETags
        db.commit()
        db.close()
    assert remote.fetch(client, target, first) is None
    assert remote.fetch(client, target, second) is None
    remote.push(client, target, first, None)  # the first runner creates it
    with pytest.raises(LockedError, match="another run changed the history"):
        remote.push(client, target, second, None)  # the overlapping one is refused
    etag = remote.fetch(client, target, second)  # second now holds the first runner's copy
    db = sqlite3.connect(second)
    db.execute("INSERT INTO t VALUES (2)")
    db.commit()
    db.close()
    newer = remote.push(client, target, second, etag)
    assert newer != etag
    with pytest.raises(LockedError):
        remote.push(client, target, first, etag)  # based on a stale version: refused
