"""Confirmation before declaring a site down, and maintenance windows.

An endpoint is ``up``, ``down`` or ``unknown`` (never checked).  It goes down
after ``failure_threshold`` consecutive failed checks and up again after
``success_threshold`` consecutive successes; each of those changes opens or
closes an incident.  During a maintenance window results are recorded but the
state does not move, so nobody is alerted for planned work.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

UP, DOWN, UNKNOWN = "up", "down", "unknown"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class EndpointState:
    """What is remembered about an endpoint between runs."""

    name: str
    state: str = UNKNOWN
    failures: int = 0
    """Consecutive failed checks."""
    successes: int = 0
    """Consecutive successful checks."""
    changed_at: datetime | None = None


@dataclass(frozen=True)
class Transition:
    """A change of state: opens (to down) or closes (to up) an incident."""

    name: str
    before: str
    after: str
    at: datetime
    cause: str


def advance(
    state: EndpointState,
    *,
    success: bool,
    at: datetime,
    cause: str,
    failure_threshold: int,
    success_threshold: int,
    in_maintenance: bool = False,
) -> tuple[EndpointState, Transition | None]:
    """The state after one more check result, and the transition if the state changed."""
    if in_maintenance:
        return state, None
    if success:
        new = replace(state, successes=state.successes + 1, failures=0)
        if state.state != UP and (state.state == UNKNOWN or new.successes >= success_threshold):
            return _moved(new, UP, at, cause, state.state)
        return new, None
    new = replace(state, failures=state.failures + 1, successes=0)
    if state.state != DOWN and new.failures >= failure_threshold:
        return _moved(new, DOWN, at, cause, state.state)
    return new, None


def _moved(
    state: EndpointState, to: str, at: datetime, cause: str, before: str
) -> tuple[EndpointState, Transition | None]:
    moved = replace(state, state=to, changed_at=at)
    if before == UNKNOWN and to == UP:
        return moved, None  # first sight of a healthy endpoint: nothing to report
    return moved, Transition(state.name, before, to, at, cause)


@dataclass(frozen=True)
class Window:
    """A recurring maintenance window in the court's time zone."""

    start: time
    duration: timedelta
    days: tuple[str, ...] = WEEKDAYS

    def contains(self, at: datetime, tz: str) -> bool:
        local = at.astimezone(ZoneInfo(tz))
        # A window may run past midnight: look at the one that started today and yesterday.
        for back in (0, 1):
            day = local.date() - timedelta(days=back)
            if WEEKDAYS[day.weekday()] not in self.days:
                continue
            begins = datetime.combine(day, self.start, tzinfo=local.tzinfo)
            if begins <= local < begins + self.duration:
                return True
        return False


def in_maintenance(windows: list[Window], at: datetime, tz: str) -> bool:
    """True when ``at`` falls in any window."""
    return any(w.contains(at, tz) for w in windows)
