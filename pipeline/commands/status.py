"""``warta status``: every item's stage, holder and lateness."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pipeline.config import Config
from pipeline.content.branches import DraftBranches
from pipeline.content.status import ItemStatus, item_status
from pipeline.content.store import Scan, scan
from pipeline.site.archive import catalog, version_digest
from pipeline.site.live import now_utc

STAGES = (
    "collect",
    "convert",
    "draft",
    "review",
    "approval",
    "publish",
    "embargo",
    "archive",
    "done",
)
"""The SOP 1 stages in order (``embargo``: approved, waiting for its moment)."""


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
    rows.sort(key=lambda r: (not r.late, STAGES.index(r.stage), r.slug))
    return rows, found


@dataclass(frozen=True)
class BoardCard:
    """One item on the board: its status row and its category."""

    row: ItemStatus
    category: str


def board(
    config: Config,
    *,
    now: datetime | None = None,
    category: str | None = None,
    person: str | None = None,
    include_done: bool = False,
    branches: DraftBranches | None = None,
) -> dict[str, list[BoardCard]]:
    """Every item by stage (the desk's board), late first; filtered by category and by
    the person who holds it (their id, or one of their roles).

    With ``branches``, drafts saved in the desk and not yet merged (``konten/<slug>``)
    are on the board too, in place of a copy of the same slug in the work tree.
    """
    rows, found = run_status(config, now=now, include_done=include_done)
    categories = {item.shown: item.front.category for item in found.items}
    if branches is not None:
        moment = now or now_utc()
        desk_rows = []
        for slug in sorted(branches.unmerged()):
            item = branches.item(config, slug)
            if item is None:
                continue
            categories[item.shown] = item.front.category
            desk_rows.append(item_status(config, item, now=moment, archived=set()))
        taken = {row.slug for row in desk_rows}
        rows = [row for row in rows if row.slug not in taken] + desk_rows
        rows.sort(key=lambda r: (not r.late, STAGES.index(r.stage), r.slug))
    holding: set[str] = set()
    if person is not None:
        configured = config.person(person)
        holding = {person, *(configured.roles if configured else ())}
    columns: dict[str, list[BoardCard]] = {stage: [] for stage in STAGES}
    for row in rows:
        card = BoardCard(row, categories.get(row.path, ""))
        if category is not None and card.category != category:
            continue
        if person is not None and not holding & {h.strip() for h in row.holder.split("/")}:
            continue
        columns[row.stage].append(card)
    return columns
