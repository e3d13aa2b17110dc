"""Which items belong on the live site at a given moment."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from pipeline.content.model import FrontMatter, Status


def aware(moment: datetime, tz: str) -> datetime:
    """A timezone-aware datetime; naive values are read in the court's time zone."""
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(tz))


def now_utc() -> datetime:
    """The current time (UTC, aware)."""
    return datetime.now(UTC)


def is_live(front: FrontMatter, *, now: datetime, tz: str) -> bool:
    """Published, not withdrawn, and past any embargo."""
    if front.status is not Status.PUBLISHED:
        return False
    return front.publish_at is None or aware(front.publish_at, tz) <= now
