"""The operational database kept in S3-compatible storage, for ephemeral runners.

A scheduled CI job starts on a fresh machine: before it works it fetches the
database from the bucket, and afterwards it uploads a consistent snapshot
(SQLite's backup API) with a conditional put — ``If-Match`` the version it
fetched, or ``If-None-Match: *`` when there was none — so two runs that overlap
can never silently overwrite each other's history: the later one is refused.
"""

from __future__ import annotations

import re
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from pipeline.errors import LockedError, NotFoundError
from pipeline.fsutil import atomic_write_bytes

_S3_URL = re.compile(r"^s3://(?P<bucket>[a-z0-9][a-z0-9.-]{1,61}[a-z0-9])/(?P<key>.+)$")


@dataclass(frozen=True)
class RemoteObject:
    bucket: str
    key: str

    @classmethod
    def parse(cls, url: str) -> RemoteObject:
        match = _S3_URL.match(url)
        if not match:
            raise ValueError(f"expected s3://bucket/key, got {url!r}")
        return cls(match.group("bucket"), match.group("key"))

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.key}"


def fetch(client: Any, remote: RemoteObject, local: Path) -> str | None:
    """Download the database over ``local`` (atomically); its ETag, or None if absent."""
    try:
        response = client.get_object(Bucket=remote.bucket, Key=remote.key)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code in ("NoSuchKey", "404", "NotFound"):
            return None
        raise NotFoundError(
            f"cannot read the history: {code or error}",
            where=str(remote),
            hint="check health.history_url, the bucket and the credentials",
        ) from None
    atomic_write_bytes(local, response["Body"].read())
    for suffix in ("-wal", "-shm"):  # left by an earlier local run: not part of the copy
        local.with_name(local.name + suffix).unlink(missing_ok=True)
    return str(response["ETag"])


def snapshot(local: Path) -> bytes:
    """A consistent copy of the database (SQLite's online backup API)."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "snapshot.sqlite"
        source = sqlite3.connect(local)
        target = sqlite3.connect(copy)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        return copy.read_bytes()


def push(client: Any, remote: RemoteObject, local: Path, fetched: str | None) -> str:
    """Upload a snapshot unless someone else changed the object since ``fetched``."""
    condition = {"IfMatch": fetched} if fetched else {"IfNoneMatch": "*"}
    try:
        response = client.put_object(
            Bucket=remote.bucket,
            Key=remote.key,
            Body=snapshot(local),
            ContentType="application/vnd.sqlite3",
            **condition,
        )
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code in ("PreconditionFailed", "412", "ConditionalRequestConflict"):
            raise LockedError(
                "another run changed the history in S3 while this one worked",
                where=str(remote),
                hint="this run's results stay in the local copy; run again to record anew",
            ) from None
        raise NotFoundError(
            f"cannot write the history: {code or error}",
            where=str(remote),
            hint="check the bucket and the credentials",
        ) from None
    return str(response["ETag"])
