"""Where a backup repository's objects live: a local folder or an S3-compatible bucket.

Both backends store named objects (``config``, ``lock``, ``data/ab/<id>``,
``index/<id>``, ``snapshots/<id>``) and offer the same few operations. Objects other
than the lock are written once and never changed: their name is the SHA-256 of what
they hold, so writing one that already exists is a no-op.

Failures of the medium are turned into :class:`~pipeline.errors.StorageError` naming
the repository and what to do (a full disk, a missing bucket, a refused write).
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from pipeline.errors import ConfigError, Problem, StorageError
from pipeline.fsutil import FILE_MODE, fsync_dir

# A full disk, an exhausted quota, or a file-size limit: the medium refused to grow.
FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


class MissingObject(KeyError):
    """An object the repository should hold is not there."""


class Backend(Protocol):
    """The storage of one repository."""

    location: str
    """Shown in messages: a folder path or ``s3://bucket/prefix``."""
    remote: bool
    """Reads cost a network round trip (worth caching immutable objects locally)."""

    def read(self, key: str) -> bytes:
        """The whole object; :class:`MissingObject` when absent."""

    def read_ranges(self, key: str, ranges: Sequence[tuple[int, int]]) -> list[bytes]:
        """Slices ``(offset, length)`` of one object, in the order asked."""

    def write_once(self, key: str, data: bytes) -> bool:
        """Store an object unless the name exists; False when it already did.

        Atomic: a reader sees the whole object or none."""

    def replace(self, key: str, data: bytes) -> None:
        """Store or overwrite an object atomically (only the lock is ever overwritten)."""

    def delete(self, key: str) -> None:
        """Remove an object; absent is fine."""

    def list(self, prefix: str) -> Iterator[tuple[str, int]]:
        """``(key, size)`` of every object whose key starts with ``prefix``."""

    def temporaries(self) -> Sequence[str]:
        """Partly written objects a killed process left (a folder's ``.*.tmp`` files)."""

    def remove_temporaries(self) -> int:
        """Remove :meth:`temporaries` (only while holding the lock); how many."""


def full_error(location: str, key: str, error: OSError) -> StorageError:
    return StorageError(
        f"backup repository is full: the file system refused to store {key} "
        f"({error.strerror or error})",
        where=location,
        hint="free space on that disk or set backup.repository to a larger one; the "
        "snapshots already there are intact and the next run completes this one",
    )


class LocalBackend:
    """A folder, typically on an external disk: temp file, fsync, rename."""

    remote = False

    def __init__(self, root: Path) -> None:
        self.root = root
        self.location = str(root)

    def _path(self, key: str) -> Path:
        return self.root / key

    def _fail(self, key: str, error: OSError) -> StorageError:
        if error.errno in FULL:
            return full_error(self.location, key, error)
        return StorageError(
            f"cannot write {key}: {error.strerror or error}",
            where=self.location,
            hint="check that the disk is mounted and writable",
        )

    def read(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise MissingObject(key) from None

    def read_ranges(self, key: str, ranges: Sequence[tuple[int, int]]) -> list[bytes]:
        try:
            fd = os.open(self._path(key), os.O_RDONLY)
        except FileNotFoundError:
            raise MissingObject(key) from None
        try:
            return [os.pread(fd, length, offset) for offset, length in ranges]
        finally:
            os.close(fd)

    def _write_temp(self, key: str, data: bytes) -> str:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:16]}.", suffix=".tmp", dir=path.parent)
        try:
            os.fchmod(fd, FILE_MODE)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        except BaseException:
            os.close(fd)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        os.close(fd)
        return tmp

    def write_once(self, key: str, data: bytes) -> bool:
        path = self._path(key)
        if path.exists():
            return False
        try:
            tmp = self._write_temp(key, data)
            try:
                # link() fails when the name exists: an exclusive, atomic create.
                os.link(tmp, path)
                created = True
            except FileExistsError:
                created = False
            except OSError as error:
                if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP):
                    raise
                # File systems without hard links (exFAT, FAT on external disks).
                created = not path.exists()
                if created:
                    os.replace(tmp, path)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            fsync_dir(path.parent)
        except OSError as error:
            raise self._fail(key, error) from None
        return created

    def replace(self, key: str, data: bytes) -> None:
        try:
            tmp = self._write_temp(key, data)
            os.replace(tmp, self._path(key))
            fsync_dir(self._path(key).parent)
        except OSError as error:
            raise self._fail(key, error) from None

    def delete(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self._path(key).unlink()

    def temporaries(self) -> Sequence[str]:
        found = []
        for current, _dirs, files in os.walk(self.root):
            for name in files:
                if name.startswith(".") and name.endswith(".tmp"):
                    found.append((Path(current) / name).relative_to(self.root).as_posix())
        return sorted(found)

    def remove_temporaries(self) -> int:
        # Under the repository's lock no other process is writing: every temp file is
        # what a killed run left (a pack half written, never linked to its name).
        found = self.temporaries()
        for key in found:
            with contextlib.suppress(FileNotFoundError):
                self._path(key).unlink()
        return len(found)

    def list(self, prefix: str) -> Iterator[tuple[str, int]]:
        folder = self._path(prefix.rstrip("/")) if prefix.endswith("/") else self.root
        if not folder.is_dir():
            return
        for current, dirs, files in os.walk(folder):
            dirs.sort()
            for name in sorted(files):
                if name.startswith("."):  # temp files of a write in progress
                    continue
                path = Path(current) / name
                key = path.relative_to(self.root).as_posix()
                if key.startswith(prefix):
                    with contextlib.suppress(FileNotFoundError):
                        yield key, path.stat().st_size


@dataclass(frozen=True)
class S3Location:
    bucket: str
    prefix: str

    @classmethod
    def parse(cls, url: str) -> S3Location:
        rest = url.removeprefix("s3://")
        bucket, _, prefix = rest.partition("/")
        return cls(bucket, prefix.strip("/"))


class S3Backend:
    """An S3-compatible bucket; write-once objects use ``If-None-Match: *``."""

    remote = True

    def __init__(self, client: Any, url: str) -> None:
        self.client = client
        self.where = S3Location.parse(url)
        self.location = url

    def _key(self, key: str) -> str:
        return f"{self.where.prefix}/{key}" if self.where.prefix else key

    def _fail(self, key: str, error: Exception) -> StorageError:
        from botocore.exceptions import ClientError

        code = ""
        if isinstance(error, ClientError):
            code = error.response.get("Error", {}).get("Code", "")
        if code == "NoSuchBucket":
            return StorageError(
                f"the bucket {self.where.bucket} does not exist",
                where=self.location,
                hint="create the bucket or correct backup.repository",
            )
        if code in ("QuotaExceeded", "EntityTooLarge", "InsufficientStorage"):
            return StorageError(
                f"backup repository is full: the bucket refused {key} ({code})",
                where=self.location,
                hint="raise the bucket's quota or prune old snapshots (warta backup prune)",
            )
        return StorageError(
            f"the bucket refused {key}: {code or error}",
            where=self.location,
            hint="check the endpoint, the bucket and the credentials (standard AWS chain)",
        )

    def read(self, key: str) -> bytes:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            response = self.client.get_object(Bucket=self.where.bucket, Key=self._key(key))
            return bytes(response["Body"].read())
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise MissingObject(key) from None
            raise self._fail(key, error) from None
        except BotoCoreError as error:
            raise self._fail(key, error) from None

    def read_ranges(self, key: str, ranges: Sequence[tuple[int, int]]) -> list[bytes]:
        if not ranges:
            return []
        start = min(o for o, _ in ranges)
        end = max(o + n for o, n in ranges)
        if len(ranges) == 1 or sum(n for _, n in ranges) * 2 >= end - start:
            # Mostly needed anyway: one request for the span beats one per slice.
            span = self._get_range(key, start, end - start)
            return [span[o - start : o - start + n] for o, n in ranges]
        return [self._get_range(key, o, n) for o, n in ranges]

    def _get_range(self, key: str, offset: int, length: int) -> bytes:
        from botocore.exceptions import BotoCoreError, ClientError

        if length == 0:
            return b""
        try:
            response = self.client.get_object(
                Bucket=self.where.bucket,
                Key=self._key(key),
                Range=f"bytes={offset}-{offset + length - 1}",
            )
            return bytes(response["Body"].read())
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise MissingObject(key) from None
            raise self._fail(key, error) from None
        except BotoCoreError as error:
            raise self._fail(key, error) from None

    def write_once(self, key: str, data: bytes) -> bool:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.put_object(
                Bucket=self.where.bucket, Key=self._key(key), Body=data, IfNoneMatch="*"
            )
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if code in ("PreconditionFailed", "412", "ConditionalRequestConflict"):
                return False
            raise self._fail(key, error) from None
        except BotoCoreError as error:
            raise self._fail(key, error) from None
        return True

    def replace(self, key: str, data: bytes) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.put_object(Bucket=self.where.bucket, Key=self._key(key), Body=data)
        except (ClientError, BotoCoreError) as error:
            raise self._fail(key, error) from None

    def delete(self, key: str) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.delete_object(Bucket=self.where.bucket, Key=self._key(key))
        except (ClientError, BotoCoreError) as error:
            raise self._fail(key, error) from None

    def temporaries(self) -> Sequence[str]:
        return []  # a put is atomic: a bucket never holds half an object

    def remove_temporaries(self) -> int:
        return 0

    def list(self, prefix: str) -> Iterator[tuple[str, int]]:
        from botocore.exceptions import BotoCoreError, ClientError

        base = f"{self.where.prefix}/" if self.where.prefix else ""
        try:
            pages = self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.where.bucket, Prefix=base + prefix
            )
            for page in pages:
                for item in page.get("Contents", []):
                    yield item["Key"][len(base) :], int(item["Size"])
        except (ClientError, BotoCoreError) as error:
            raise self._fail(prefix or "the listing", error) from None


def open_backend(
    repository: str, *, root: Path, endpoint: str = "", region: str = "us-east-1"
) -> Backend:
    """The backend for ``backup.repository``: ``s3://bucket/prefix`` or a folder."""
    if repository.startswith("s3://"):
        where = S3Location.parse(repository)
        if not where.bucket:
            raise ConfigError(
                "invalid backup repository",
                [Problem("backup.repository", f"no bucket in {repository!r}", "s3://b/prefix")],
            )
        import boto3  # only when a bucket is used: importing boto3 costs ~0.3 s

        client = boto3.client("s3", endpoint_url=endpoint or None, region_name=region)
        return S3Backend(client, repository)
    return LocalBackend((root / repository).resolve())
