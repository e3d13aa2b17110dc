"""Content freshness (SOP 2 step 1): is each category's newest item young enough?

Each category may have a ``max_age`` (the hearing agenda a day, news a week,
periodic public information six months under UU 14/2008, finance reports a
quarter).  Freshness is judged from the content's own dates and, separately,
from the live site's content API — the two differ when a publish did not reach
the server.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pipeline.config import Category


@dataclass(frozen=True)
class Dated:
    """One published item as freshness sees it."""

    category: str
    slug: str
    day: date
    published_at: datetime | None = None


@dataclass(frozen=True)
class Freshness:
    """One category's verdict."""

    category: str
    label: str
    max_age: timedelta
    newest: Dated | None
    age: timedelta | None
    stale: bool

    def as_dict(self) -> dict[str, object]:
        return {
            "category": self.category,
            "label": self.label,
            "max_age_days": self.max_age.total_seconds() / 86400,
            "newest": self.newest.slug if self.newest else None,
            "newest_date": self.newest.day.isoformat() if self.newest else None,
            "age_days": round(self.age.total_seconds() / 86400, 2) if self.age else None,
            "stale": self.stale,
        }


def _moment(item: Dated, tz: str) -> datetime:
    """When an item became current: the later of its date and its publication."""
    start_of_day = datetime.combine(item.day, time(0, 0), tzinfo=ZoneInfo(tz))
    if item.published_at is None:
        return start_of_day
    published = item.published_at
    if published.tzinfo is None:
        published = published.replace(tzinfo=ZoneInfo(tz))
    return max(start_of_day, published)


def judge(
    categories: Iterable[Category], items: Iterable[Dated], *, now: datetime, tz: str, language: str
) -> list[Freshness]:
    """A verdict for every category with a ``max_age``; a category with no item is stale."""
    newest: dict[str, Dated] = {}
    for item in items:
        best = newest.get(item.category)
        if best is None or _moment(item, tz) > _moment(best, tz):
            newest[item.category] = item
    verdicts = []
    for category in categories:
        if category.max_age is None:
            continue
        latest = newest.get(category.id)
        age = now - _moment(latest, tz) if latest else None
        stale = age is None or age > category.max_age
        verdicts.append(
            Freshness(
                category.id, category.label.get(language), category.max_age, latest, age, stale
            )
        )
    return verdicts
