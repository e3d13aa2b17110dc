"""Deploy the built site to S3-compatible storage (AWS S3, SeaweedFS, MinIO, …).

Plan: list the bucket under the site's prefix and compare each object's ETag
with the local file's MD5 (objects are uploaded in one part, so their ETag is
their MD5) — no request per object is needed to know what changed.

Order, so that visitors never see a broken page and an interruption loses
nothing: (1) new and changed files other than HTML, (2) HTML pages, (3) only
when every upload succeeded, the stale objects are deleted.  A rerun plans
again from the bucket and completes what an interrupted run left undone.
The archive prefix is never touched.
"""

from __future__ import annotations

import base64
import hashlib
import mimetypes
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

FINGERPRINTED = re.compile(r"\.[0-9a-f]{8,}(\.min)?\.(js|css|map)$")
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".webmanifest": "application/manifest+json",
    ".woff2": "font/woff2",
    ".gz": "application/gzip",
    ".pdf": "application/pdf",
}


@dataclass(frozen=True)
class CachePolicy:
    """Cache-Control by kind of file."""

    html: str = "public, max-age=300"
    assets: str = "public, max-age=31536000, immutable"
    other: str = "public, max-age=86400"

    def for_key(self, key: str) -> str:
        if key.endswith((".html", ".json", ".xml")) or key.endswith("/"):
            return self.html  # pages, the API, the feed and the sitemap change often
        if FINGERPRINTED.search(key):
            return self.assets  # the name changes when the content does
        return self.other


@dataclass(frozen=True)
class LocalFile:
    key: str
    path: Path
    md5: str
    size: int


@dataclass
class Plan:
    """What a deploy will do."""

    uploads: list[LocalFile] = field(default_factory=list)
    deletes: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def upload_bytes(self) -> int:
        return sum(f.size for f in self.uploads)


def content_type(key: str) -> str:
    suffix = Path(key).suffix.lower()
    return TYPES.get(suffix) or mimetypes.guess_type(key)[0] or "application/octet-stream"


def local_files(site_dir: Path, prefix: str) -> Iterator[LocalFile]:
    """Every file of the built site with its object key and MD5."""
    for path in sorted(p for p in site_dir.rglob("*") if p.is_file()):
        digest = hashlib.md5(usedforsecurity=False)
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        yield LocalFile(
            prefix + path.relative_to(site_dir).as_posix(),
            path,
            digest.hexdigest(),
            path.stat().st_size,
        )


def remote_objects(client: Any, bucket: str, prefix: str) -> dict[str, str]:
    """Key → ETag (without quotes) of every object under ``prefix``."""
    found: dict[str, str] = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            found[item["Key"]] = item["ETag"].strip('"')
    return found


def make_plan(
    client: Any,
    site_dir: Path,
    *,
    bucket: str,
    prefix: str,
    protected: tuple[str, ...],
    force: bool = False,
) -> Plan:
    """Compare the built site with the bucket."""
    plan = Plan()
    remote = remote_objects(client, bucket, prefix)
    local = list(local_files(site_dir, prefix))
    keys = {f.key for f in local}
    for file in local:
        if not force and remote.get(file.key) == file.md5:
            plan.unchanged += 1
        else:
            plan.uploads.append(file)
    # HTML last: a page is uploaded only after the assets it uses.
    plan.uploads.sort(key=lambda f: (f.key.endswith(".html"), f.key))
    plan.deletes = sorted(k for k in remote if k not in keys and not k.startswith(protected))
    return plan


def execute(
    client: Any,
    plan: Plan,
    *,
    bucket: str,
    cache: CachePolicy,
    on_uploaded: Callable[[LocalFile], None] | None = None,
    on_deleted: Callable[[str], None] | None = None,
) -> None:
    """Upload, then delete stale objects (only once every upload succeeded)."""
    for file in plan.uploads:
        with file.path.open("rb") as body:
            client.put_object(
                Bucket=bucket,
                Key=file.key,
                Body=body,
                ContentType=content_type(file.key),
                CacheControl=cache.for_key(file.key),
                ContentMD5=_b64(file.md5),
            )
        if on_uploaded is not None:
            on_uploaded(file)
    for start in range(0, len(plan.deletes), 1000):  # DeleteObjects takes 1,000 keys
        chunk = plan.deletes[start : start + 1000]
        client.delete_objects(
            Bucket=bucket, Delete={"Objects": [{"Key": k} for k in chunk], "Quiet": True}
        )
        if on_deleted is not None:
            for key in chunk:
                on_deleted(key)


def configure_website(client: Any, bucket: str, *, index: str, error: str) -> bool:
    """Set the index and error documents; False where the store does not support it
    (SeaweedFS answers BucketAlreadyOwnedByYou), which is not an error."""
    try:
        client.put_bucket_website(
            Bucket=bucket,
            WebsiteConfiguration={
                "IndexDocument": {"Suffix": index},
                "ErrorDocument": {"Key": error},
            },
        )
    except ClientError:
        return False
    return True


def _b64(md5_hex: str) -> str:
    return base64.b64encode(bytes.fromhex(md5_hex)).decode()
