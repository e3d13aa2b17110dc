"""Copy archive bags to the bucket, write-once.

Every file of every bag is put with ``If-None-Match: *``: an existing key is
never overwritten.  When the key exists, its ETag (the MD5 of a single-part
upload) is compared with the local file: the same bytes are skipped, different
bytes are an integrity problem — the archive in the bucket and on disk disagree,
and a person must find out why.  ``catalog.json`` is derived from the bags and
is uploaded last, overwriting the previous one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from pipeline.errors import IntegrityError, Problem
from pipeline.site.archive import CATALOG, existing_bags


@dataclass
class PushResult:
    uploaded: list[str] = field(default_factory=list)
    present: int = 0
    conflicts: list[Problem] = field(default_factory=list)


def _md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()


def push(
    client: Any,
    archive: Path,
    *,
    bucket: str,
    prefix: str,
    on_file: Callable[[str], None] | None = None,
) -> PushResult:
    """Upload every bag file that is not in the bucket yet; refuse to overwrite."""
    result = PushResult()
    for bag in existing_bags(archive):
        for path in sorted(p for p in bag.rglob("*") if p.is_file()):
            key = prefix + path.relative_to(archive).as_posix()
            try:
                client.put_object(Bucket=bucket, Key=key, Body=path.read_bytes(), IfNoneMatch="*")
                result.uploaded.append(key)
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") not in (
                    "PreconditionFailed",
                    "412",
                    "ConditionalRequestConflict",
                ):
                    raise
                etag = client.head_object(Bucket=bucket, Key=key)["ETag"].strip('"')
                if etag == _md5(path):
                    result.present += 1
                else:
                    result.conflicts.append(
                        Problem(
                            f"s3://{bucket}/{key}",
                            f"differs from the local bag file {path.relative_to(archive.parent)}",
                            "run 'warta archive verify' and compare both copies; nothing was "
                            "overwritten",
                        )
                    )
            if on_file is not None:
                on_file(key)
    catalog = archive / CATALOG
    if catalog.is_file() and not result.conflicts:
        client.put_object(
            Bucket=bucket,
            Key=prefix + CATALOG,
            Body=catalog.read_bytes(),
            ContentType="application/json",
        )
    if result.conflicts:
        raise IntegrityError(
            f"{len(result.conflicts)} archived file(s) in the bucket differ from the local archive",
            result.conflicts,
        )
    return result
