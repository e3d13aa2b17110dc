"""``warta status``: every item's stage, holder and lateness."""

from __future__ import annotations

from datetime import datetime

from pipeline.config import Config
from pipeline.content.status import ItemStatus, item_status
from pipeline.content.store import Scan, scan
from pipeline.site.archive import catalog, version_digest
from pipeline.site.live import now_utc


def run_status(
    config: Config, *, now: datetime | None = None, include_done: bool = False
) -> tuple[list[ItemStatus], Scan]:
    """Rows for every item still in the workflow (or every item with ``include_done``)."""
    now = now or now_utc()
    found = scan(config)
    digests = {entry.digest for entry in catalog(config.path("archive"))}
    archived = {
        item.slug
        for item in found.items
        if item.location == "content" and version_digest(item) in digests
    }
    rows = [item_status(config, item, now=now, archived=archived) for item in found.items]
    if not include_done:
        rows = [row for row in rows if row.stage != "done"]
    order = [
        "collect",
        "convert",
        "draft",
        "review",
        "approval",
        "publish",
        "embargo",
        "archive",
        "done",
    ]
    rows.sort(key=lambda r: (not r.late, order.index(r.stage), r.slug))
    return rows, found
