"""The archive (SOP 1 step 7): every published version of every item, as a BagIt bag.

Format version 1, documented in ``docs/archive-format.md``::

    archive/
      catalog.json                         index of every bag (rebuilt from the bags)
      <slug>/<YYYYMMDDTHHMMSSZ>-<digest12>/ one bag per version, never overwritten
        bagit.txt  bag-info.txt  manifest-sha256.txt  tagmanifest-sha256.txt
        data/index.md                      the Markdown with its front matter
        data/files/…                       the attachments
        data/rendered/index.html           the page as published (absent once withdrawn)
        data/records.json                  review, approval, history, git commit

A version is identified by the SHA-256 *version digest* of its ``index.md``
and attachments; a version already bagged is never bagged again.  Bags are
written into a staging folder, fsynced, and renamed into place.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import bagit

from pipeline.config import Config
from pipeline.content.model import Status
from pipeline.content.store import Item
from pipeline.errors import IntegrityError, Problem
from pipeline.fsutil import atomic_write_json, fsync_tree, staging_dir
from pipeline.progress import NoProgress, Progress

ARCHIVE_VERSION = 1
CATALOG = "catalog.json"
logging.getLogger("bagit").setLevel(logging.ERROR)


@dataclass(frozen=True)
class BagEntry:
    """One bag as listed in the catalog."""

    slug: str
    path: str
    """Relative to the archive folder."""
    digest: str
    status: str
    title: str
    bagged_at: str
    git_commit: str

    def as_dict(self) -> dict[str, str]:
        return dict(self.__dict__)


@dataclass
class ArchiveResult:
    created: list[BagEntry] = field(default_factory=list)
    unchanged: int = 0


def version_digest(item: Item) -> str:
    """SHA-256 over the item's ``index.md`` and attachments (names and bytes)."""
    return _digest_of(item.folder)


def bag_version_digest(bag_dir: Path) -> str:
    """The version digest recomputed from a bag's ``data/`` folder."""
    return _digest_of(bag_dir / "data")


def _digest_of(folder: Path) -> str:
    digest = hashlib.sha256()
    files = [folder / "index.md"]
    files_dir = folder / "files"
    if files_dir.is_dir():
        files += sorted(p for p in files_dir.rglob("*") if p.is_file())
    for path in files:
        rel = path.relative_to(folder).as_posix().encode()
        digest.update(len(rel).to_bytes(4, "big") + rel)
        data = path.read_bytes()
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


def _bag_info(bag_dir: Path) -> dict[str, str]:
    info: dict[str, str] = {}
    text = (bag_dir / "bag-info.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        if ":" in line and not line.startswith((" ", "\t")):
            key, value = line.split(":", 1)
            info[key.strip()] = value.strip()
    return info


def existing_bags(archive: Path) -> list[Path]:
    """Every bag folder in the archive (those with a ``bagit.txt``), sorted."""
    if not archive.is_dir():
        return []
    # Names starting with "." are staging folders of an interrupted run, not bags.
    return sorted(
        p.parent
        for p in archive.glob("*/*/bagit.txt")
        if not p.parent.name.startswith(".") and not p.parent.parent.name.startswith(".")
    )


def _entry(archive: Path, bag_dir: Path) -> BagEntry:
    info = _bag_info(bag_dir)
    return BagEntry(
        slug=info.get("External-Identifier", bag_dir.parent.name),
        path=bag_dir.relative_to(archive).as_posix(),
        digest=info.get("Warta-Version-Digest", ""),
        status=info.get("Warta-Status", ""),
        title=info.get("External-Description", ""),
        bagged_at=info.get("Bagging-Date", ""),
        git_commit=info.get("Warta-Git-Commit", ""),
    )


def catalog(archive: Path) -> list[BagEntry]:
    """Read the catalog from the bags themselves (the source of truth)."""
    return [_entry(archive, bag) for bag in existing_bags(archive)]


def clean_staging(archive: Path) -> list[Path]:
    """Remove the ``.bag.*`` staging folders a killed run left (never a finished bag)."""
    removed = sorted(archive.glob("*/.bag.*")) if archive.is_dir() else []
    for folder in removed:
        shutil.rmtree(folder, ignore_errors=True)
    return removed


def rendered_page(site_dir: Path, item_url: str | None) -> Path | None:
    """The built HTML of an item, from its URL in the content API."""
    if item_url is None:
        return None
    page = site_dir / item_url.lstrip("/") / "index.html"
    return page if page.is_file() else None


def archive_items(
    config: Config,
    items: Iterable[Item],
    *,
    urls: dict[str, str],
    git_commit: str | None,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> ArchiveResult:
    """Bag every published or withdrawn item whose current version is not yet archived.

    ``urls`` maps slugs to site-relative URLs (from the content API) so the
    rendered page can be bagged.
    """
    progress = progress or NoProgress()
    archive = config.path("archive")
    site_dir = config.path("site")
    now = now or datetime.now(UTC)
    clean_staging(archive)  # the caller holds the site lock: no other run is bagging
    known = {entry.digest for entry in catalog(archive)}
    result = ArchiveResult()
    todo = [i for i in items if i.front.status in (Status.PUBLISHED, Status.WITHDRAWN)]
    progress.start("archive", len(todo))
    for item in todo:
        digest = version_digest(item)
        if digest in known:
            result.unchanged += 1
        else:
            page = rendered_page(site_dir, urls.get(item.slug))
            if item.front.status is Status.PUBLISHED and page is None:
                raise IntegrityError(
                    "cannot archive an item that is not built",
                    [
                        Problem(
                            item.shown, "its page is missing from site/", "run warta publish first"
                        )
                    ],
                )
            entry = _make_bag(config, item, digest, page, git_commit, now)
            known.add(digest)
            result.created.append(entry)
        progress.advance()
    write_catalog(archive)
    return result


def _make_bag(
    config: Config,
    item: Item,
    digest: str,
    page: Path | None,
    git_commit: str | None,
    now: datetime,
) -> BagEntry:
    archive = config.path("archive")
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    final = archive / item.slug / f"{stamp}-{digest[:12]}"
    if final.exists():  # never overwrite; same second and digest means already there
        return _entry(archive, final)
    with staging_dir(final, "bag") as staging:
        shutil.copy2(item.path, staging / "index.md")
        if (item.folder / "files").is_dir():
            shutil.copytree(item.folder / "files", staging / "files", symlinks=True)
        if page is not None:
            (staging / "rendered").mkdir()
            shutil.copy2(page, staging / "rendered" / "index.html")
        records: dict[str, Any] = {
            "archive_version": ARCHIVE_VERSION,
            "slug": item.slug,
            "status": item.front.status.value,
            "version_digest": digest,
            "git_commit": git_commit,
            "review": item.front.review.model_dump(mode="json") if item.front.review else None,
            "approval": (
                item.front.approval.model_dump(mode="json") if item.front.approval else None
            ),
            "history": [h.model_dump(mode="json") for h in item.front.history],
        }
        (staging / "records.json").write_text(
            json.dumps(records, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        bagit.make_bag(
            str(staging),
            bag_info={
                "Source-Organization": config.site.name,
                "External-Identifier": item.slug,
                "External-Description": item.front.title,
                "Warta-Archive-Version": str(ARCHIVE_VERSION),
                "Warta-Status": item.front.status.value,
                "Warta-Version-Digest": digest,
                "Warta-Git-Commit": git_commit or "none",
                "Bagging-Date": now.astimezone(UTC).date().isoformat(),
            },
            checksums=["sha256"],
        )
        fsync_tree(staging)
        final.parent.mkdir(parents=True, exist_ok=True)
        staging.rename(final)
    return _entry(archive, final)


def write_catalog(archive: Path) -> list[BagEntry]:
    """Rewrite ``catalog.json`` from the bags (atomically)."""
    entries = catalog(archive)
    atomic_write_json(
        archive / CATALOG,
        {"version": ARCHIVE_VERSION, "bags": [e.as_dict() for e in entries]},
    )
    return entries


def verify_archive(archive: Path, *, progress: Progress | None = None) -> list[BagEntry]:
    """Validate every bag (manifests, checksums) and the catalog; raise on any problem."""
    progress = progress or NoProgress()
    bags = existing_bags(archive)
    problems: list[Problem] = []
    progress.start("verify", len(bags))
    for bag_dir in bags:
        shown = str(bag_dir.relative_to(archive.parent)) if archive.parent else str(bag_dir)
        try:
            bagit.Bag(str(bag_dir)).validate(processes=1)
            recorded = _bag_info(bag_dir).get("Warta-Version-Digest", "")
            if recorded != bag_version_digest(bag_dir):
                problems.append(
                    Problem(
                        shown,
                        "version digest does not match the bag's data",
                        "the bag was rebuilt or edited; restore it from a backup",
                    )
                )
        except bagit.BagValidationError as error:
            details = getattr(error, "details", None) or []
            if details:
                for detail in details:
                    problems.append(
                        Problem(
                            f"{shown}/{getattr(detail, 'path', '')}",
                            str(detail),
                            "restore this bag from a backup",
                        )
                    )
            else:
                problems.append(Problem(shown, str(error), "restore this bag from a backup"))
        except bagit.BagError as error:
            problems.append(Problem(shown, str(error), "restore this bag from a backup"))
        progress.advance()
    listed = archive / CATALOG
    if listed.is_file():
        data = json.loads(listed.read_text(encoding="utf-8"))
        present = {b.relative_to(archive).as_posix() for b in bags}
        for bag in data.get("bags", []):
            if bag["path"] not in present:
                problems.append(
                    Problem(
                        f"{archive.name}/{bag['path']}",
                        "listed in catalog.json but missing",
                        "restore it from a backup",
                    )
                )
    if problems:
        raise IntegrityError(f"archive verification failed ({len(problems)} problem(s))", problems)
    return catalog(archive)
