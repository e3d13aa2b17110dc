"""Working days: weekends and the public-holiday calendar.

A due date is the ticket's start plus N working days, at the same local time of day: a
ticket opened on Friday at 10:00 with a step due on day 1 is due on Monday at 10:00
(Tuesday when Monday is a holiday).
"""

from __future__ import annotations

from collections.abc import Container, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class WorkingCalendar:
    """Which days are working days."""

    holidays: Container[date] = field(default_factory=frozenset)
    """The days off (a set, or :class:`pipeline.tickets.holidays.CourtHolidays`)."""
    weekend: frozenset[int] = frozenset({5, 6})
    """ISO weekday numbers minus one (Monday 0 … Sunday 6)."""

    @classmethod
    def of(
        cls, holidays: Iterable[date] | Container[date], weekend: Iterable[str] = ("sat", "sun")
    ) -> WorkingCalendar:
        """A calendar from days off (dates or a container) and weekday names (``sat``)."""
        days = holidays if isinstance(holidays, Container) else frozenset(holidays)
        return cls(days, frozenset(WEEKDAYS.index(d) for d in weekend))

    def is_working_day(self, day: date) -> bool:
        """Not a weekend day and not a holiday."""
        return day.weekday() not in self.weekend and day not in self.holidays

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """``start`` moved forward by ``days`` working days, keeping its time of day."""
        moment = start
        left = days
        while left > 0:
            moment += timedelta(days=1)
            if self.is_working_day(moment.date()):
                left -= 1
        return moment

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 when end ≤ start)."""
        count = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count
