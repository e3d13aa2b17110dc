"""Where each item stands against the SOP's target times (``warta status``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from pipeline.config import Config
from pipeline.content.model import Status
from pipeline.content.store import Item
from pipeline.content.workflow import approver_roles
from pipeline.site.live import aware


@dataclass(frozen=True)
class ItemStatus:
    """One row of ``warta status``."""

    slug: str
    title: str
    status: str
    stage: str
    """SOP step the item waits in: collect, convert, draft, review, approval, publish,
    embargo, archive — or ``done``."""
    holder: str
    """Who must act next: a person or a role."""
    since: datetime | None
    target: timedelta | None
    age: timedelta | None
    late: bool
    path: str

    def as_dict(self) -> dict[str, object]:
        return {
            "slug": self.slug,
            "title": self.title,
            "status": self.status,
            "stage": self.stage,
            "holder": self.holder,
            "since": self.since.isoformat() if self.since else None,
            "target_minutes": self.target.total_seconds() / 60 if self.target else None,
            "age_minutes": round(self.age.total_seconds() / 60, 1) if self.age else None,
            "late": self.late,
            "path": self.path,
        }


def _last(item: Item, *statuses: str) -> datetime | None:
    for entry in reversed(item.front.history):
        if entry.status in statuses:
            return entry.at
    return None


def item_status(config: Config, item: Item, *, now: datetime, archived: set[str]) -> ItemStatus:
    """Stage, holder, age and lateness of one item."""
    front, targets, tz = item.front, config.workflow.targets, config.site.timezone
    author = front.author or "author"
    stage, holder, since, target = "done", "", None, None
    sources = (item.folder / "sources").is_dir()
    converted = _last(item, "converted") is not None
    if front.status is Status.DRAFT:
        if sources and _last(item, "collected") is None:
            # Opened with 'warta new --sources': the material is being gathered.
            stage, holder, target = "collect", "operator", targets.collect
            since = _last(item, "draft")
        elif sources and not converted:
            stage, holder, target = "convert", "operator", targets.convert
            since = _last(item, "collected", "draft")
        else:
            stage, holder, target = "draft", author, targets.draft
            since = _last(item, "converted", "draft")
    elif front.status is Status.IN_REVIEW:
        since = _last(item, "in-review")
        if front.review is not None and front.review.result == "passed":
            stage, target = "approval", targets.approval
            holder = " / ".join(approver_roles(config, front.attention))
        else:
            stage, holder, target = "review", "editor", targets.review
    elif front.status is Status.APPROVED:
        embargo = aware(front.publish_at, tz) if front.publish_at else None
        if embargo is not None and embargo > now:
            stage, holder, since, target = "embargo", "web-admin", embargo, None
        else:
            stage, holder, target = "publish", "web-admin", targets.publish
            since = max(filter(None, [_last(item, "approved"), embargo]), default=None)
    elif front.status in (Status.PUBLISHED, Status.WITHDRAWN) and item.slug not in archived:
        stage, holder, target = "archive", "web-admin", targets.archive
        since = _last(item, front.status.value) or front.published_at
    since = aware(since, tz) if since else None
    age = now - since if since and since <= now else None  # an embargo lies ahead
    late = bool(target is not None and age is not None and age > target)
    return ItemStatus(
        front.slug,
        front.title,
        front.status.value,
        stage,
        holder,
        since,
        target,
        age,
        late,
        item.shown,
    )
