"""The operational database as use cases open it: local, or shared through S3.

``health.database`` (default ``.warta/warta.sqlite``) is the one SQLite file of
:mod:`pipeline.opsdb`; with ``health.history_url`` set, a run fetches it from the bucket
first and, when it writes, puts it back with a conditional put (docs/health.md).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline import opsdb
from pipeline.config import Config
from pipeline.health import remote


def database_path(config: Config) -> Path:
    """Where the operational database lives."""
    if config.health.database:
        return (config.root / config.health.database).resolve()
    return config.path("state") / "warta.sqlite"


@contextmanager
def shared_history(config: Config, *, write: bool) -> Iterator[Path]:
    """The local database path, fetched from ``health.history_url`` first when one is
    configured and, with ``write``, uploaded back (conditionally) afterwards."""
    local = database_path(config)
    if not config.health.history_url:
        yield local
        return
    import boto3  # only with a shared history: 12 MiB that a local run does not need

    client = boto3.client(
        "s3", endpoint_url=config.health.s3_endpoint or None, region_name=config.health.s3_region
    )
    target = remote.RemoteObject.parse(config.health.history_url)
    fetched = remote.fetch(client, target, local)
    yield local
    if write and local.exists():
        remote.push(client, target, local, fetched)


@contextmanager
def open_history(config: Config, *, write: bool) -> Iterator[sqlite3.Connection]:
    """A connection to the operational database, shared through S3 when configured."""
    with shared_history(config, write=write) as database:
        db = opsdb.connect(database)
        try:
            yield db
        finally:
            db.close()
