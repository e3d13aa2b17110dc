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
from pipeline.config import Config, derived


def database_path(config: Config) -> Path:
    """Where the operational database lives (resolved once per loaded configuration:
    the desk opens it at every request)."""
    return derived(config, "database-path", lambda: _database_path(config))


def _database_path(config: Config) -> Path:
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

    from pipeline.health import remote  # (botocore's errors: likewise)

    client = boto3.client(
        "s3", endpoint_url=config.health.s3_endpoint or None, region_name=config.health.s3_region
    )
    target = remote.RemoteObject.parse(config.health.history_url)
    fetched = remote.fetch(client, target, local)
    yield local
    if write and local.exists():
        remote.push(client, target, local, fetched)


def check_at_start(config: Config) -> None:
    """Check the operational database once for a long-running process (the desk), so
    its later opens skip ``PRAGMA quick_check`` (:func:`pipeline.opsdb.check_at_start`);
    refuses a damaged or foreign file as every open does."""
    with shared_history(config, write=False) as database:
        opsdb.check_at_start(database)


def watch(config: Config) -> opsdb.Watch | None:
    """The watch of the local operational database (:class:`pipeline.opsdb.Watch`) for a
    long-running process that keeps what it read; None with ``health.history_url``: a
    shared history is fetched again at every open, and only that fetch sees another
    host's writes, so nothing read from it may be kept."""
    if config.health.history_url:
        return None
    return opsdb.Watch(database_path(config))


@contextmanager
def open_history(config: Config, *, write: bool) -> Iterator[sqlite3.Connection]:
    """A connection to the operational database, shared through S3 when configured;
    SQLite's report of a damaged file, at open or later, is an ``IntegrityError``."""
    with shared_history(config, write=write) as database:
        db = opsdb.connect(database)
        try:
            yield db
        except sqlite3.DatabaseError as error:
            # damage met while reading (a page the open did not check) is the same
            # refusal as at open, naming the file and the fix
            if opsdb.is_damage(error):
                raise opsdb.damaged(database, f"damaged ({error})") from None
            raise
        finally:
            db.close()
