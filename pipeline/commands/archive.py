"""``warta archive``: bag every published version; ``verify`` and ``list`` the bags."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from pipeline.config import Config
from pipeline.content.links import refuse_unsafe
from pipeline.content.store import scan
from pipeline.errors import ContentError
from pipeline.gitinfo import head_commit
from pipeline.lock import site_lock
from pipeline.progress import Progress
from pipeline.site import api
from pipeline.site.archive import ArchiveResult, BagEntry, archive_items, catalog, verify_archive


def _api_urls(site_dir: Path) -> dict[str, str]:
    """Slug → site-relative URL, read from the built content API."""
    index = site_dir / "api" / "index.json"
    if not index.is_file():
        return {}
    data, items = api.read_items(
        lambda rel: json.loads((site_dir / rel).read_text(encoding="utf-8"))
    )
    base = data["site"]["url"].rstrip("/") + "/"  # mkdocs' site_url, as the API used it
    return {i["slug"]: i["url"].removeprefix(base) for i in items}


def run_archive(
    config: Config, *, now: datetime | None = None, progress: Progress | None = None
) -> ArchiveResult:
    """Archive the current version of every published and withdrawn item."""
    with site_lock(config.path("state"), "warta archive"):
        refuse_unsafe([config.path("content")], root=config.root, action="archived")
        found = scan(config, drafts=False)
        if found.problems:
            raise ContentError("some content cannot be read; nothing was archived", found.problems)
        return archive_items(
            config,
            found.items,
            urls=_api_urls(config.path("site")),
            git_commit=head_commit(config.root),
            now=now,
            progress=progress,
        )


def run_verify(config: Config, *, progress: Progress | None = None) -> list[BagEntry]:
    """Validate every bag; raise :class:`~pipeline.errors.IntegrityError` on any problem."""
    return verify_archive(config.path("archive"), progress=progress)


def list_bags(config: Config) -> list[BagEntry]:
    """Every bag in the archive."""
    return catalog(config.path("archive"))
