"""The situation report as plain data: everything warta knows about one period.

:func:`pipeline.report.gather.gather` fills these from the operational database, the
content and the configuration; the renderers (:mod:`pipeline.report.render`) only
format them. Times are timezone-aware; days are the court's local days.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pipeline.content.status import ItemStatus
from pipeline.health.freshness import Freshness
from pipeline.health.history import Incident
from pipeline.tickets.engine import Ticket as TicketRecord

PERIOD_KINDS = ("week", "month")


@dataclass(frozen=True)
class Period:
    """The local days covered: ``first`` to ``last``, both included."""

    kind: str
    first: date
    last: date
    tz: str

    @property
    def since(self) -> datetime:
        """Start of the first day (local midnight)."""
        return datetime.combine(self.first, time(0), tzinfo=ZoneInfo(self.tz))

    @property
    def until(self) -> datetime:
        """End of the last day (the next local midnight), excluded."""
        return datetime.combine(self.last + timedelta(days=1), time(0), tzinfo=ZoneInfo(self.tz))

    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    def covers(self, moment: datetime) -> bool:
        return self.since <= moment < self.until


def period_ending(kind: str, last: date, tz: str) -> Period:
    """``week``: the seven days ending on ``last``; ``month``: the calendar month of
    ``last``, from its first day to ``last`` (the whole month when ``last`` is its end)."""
    if kind == "week":
        return Period(kind, last - timedelta(days=6), last, tz)
    if kind == "month":
        return Period(kind, last.replace(day=1), last, tz)
    raise ValueError(f"period must be one of {', '.join(PERIOD_KINDS)}, got {kind!r}")


# -- availability ---------------------------------------------------------------------


@dataclass(frozen=True)
class DayFigures:
    """One endpoint on one local day."""

    day: date
    checks: int
    ok: int
    median_ms: float | None

    @property
    def uptime(self) -> float | None:
        return self.ok / self.checks if self.checks else None


@dataclass(frozen=True)
class EndpointFigures:
    """One endpoint over the period."""

    name: str
    days: list[DayFigures]
    response_ms: list[float] = field(default_factory=list)
    """Response times of the period's checks, in the order they ran."""

    @property
    def checks(self) -> int:
        return sum(d.checks for d in self.days)

    @property
    def ok(self) -> int:
        return sum(d.ok for d in self.days)

    @property
    def uptime(self) -> float | None:
        return self.ok / self.checks if self.checks else None

    @property
    def median_ms(self) -> float | None:
        return statistics.median(self.response_ms) if self.response_ms else None

    @property
    def p95_ms(self) -> float | None:
        if len(self.response_ms) < 2:
            return self.response_ms[0] if self.response_ms else None
        return statistics.quantiles(self.response_ms, n=20, method="inclusive")[-1]

    @property
    def max_ms(self) -> float | None:
        return max(self.response_ms) if self.response_ms else None


@dataclass(frozen=True)
class Availability:
    endpoints: list[EndpointFigures]
    incidents: list[Incident]
    """Health incidents open at some moment of the period, oldest first."""
    target: float
    """The uptime below which an endpoint is a problem (``report.uptime_target``)."""

    @property
    def has_data(self) -> bool:
        return any(e.checks for e in self.endpoints)


# -- content --------------------------------------------------------------------------


@dataclass(frozen=True)
class StepTime:
    """How long one SOP 1 step of a published item took, against its target."""

    step: str
    taken: timedelta
    target: timedelta

    @property
    def late(self) -> bool:
        return self.taken > self.target


@dataclass(frozen=True)
class Published:
    """An item published during the period, with the time each step took."""

    slug: str
    title: str
    category: str
    published_at: datetime
    steps: list[StepTime]

    @property
    def late_steps(self) -> list[StepTime]:
        return [s for s in self.steps if s.late]


@dataclass(frozen=True)
class CategoryFigures:
    category: str
    label: str
    published: int
    late: int
    """Items published with at least one step over its SOP target."""


@dataclass(frozen=True)
class Content:
    categories: list[CategoryFigures]
    """Every configured category, in the configured order."""
    published: list[Published]
    freshness: list[Freshness]
    """Verdicts at the end of the period (categories with a ``max_age``)."""
    waiting_late: list[ItemStatus]
    """Drafts over their step's target at the end of the period."""
    site_compliance: float | None = None
    """The site's score (0–100) against the assessment's checklist at the end of the
    period (``warta compliance``); ``None`` when it was not computed."""
    site_to_fill: tuple[str, ...] = ()
    """The checklist items not yet complete, by id."""

    @property
    def has_data(self) -> bool:
        return bool(self.published or self.freshness or self.waiting_late)


# -- visitors -------------------------------------------------------------------------


@dataclass(frozen=True)
class Suspicious:
    """One finding of the visitor activity log recorded during the period."""

    ip: str
    rule: str
    first: str
    last: str
    count: int
    sample: str


@dataclass(frozen=True)
class Visitors:
    analysed: bool
    """Whether the activity log holds anything at all (else: no data yet)."""
    findings: list[Suspicious]

    def by_rule(self) -> list[tuple[str, int]]:
        """(rule, requests) — most first."""
        totals: dict[str, int] = {}
        for f in self.findings:
            totals[f.rule] = totals.get(f.rule, 0) + f.count
        return sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))


# -- renewals, certificates, domains ---------------------------------------------------


@dataclass(frozen=True)
class Due:
    """Something that must be renewed: a contract, a TLS certificate or a domain."""

    what: str
    """``connection``, ``hosting``, ``domain``, ``other`` (contracts), ``tls``,
    ``registration`` (a domain's registry expiry)."""
    name: str
    provider: str
    due: date | None
    days_left: int | None
    """Counted from the end of the period; negative when overdue."""
    note: str = ""


@dataclass(frozen=True)
class Renewals:
    contracts: int
    """How many contracts the register holds (0: no data yet)."""
    due: list[Due]
    """Contracts due within the horizon or overdue, certificates and domains, soonest first."""
    horizon_days: int

    @property
    def has_data(self) -> bool:
        return bool(self.contracts or self.due)


# -- backups --------------------------------------------------------------------------


@dataclass(frozen=True)
class BackupEvent:
    at: datetime
    repository: str
    kind: str
    snapshot: str
    ok: bool
    files: int | None
    bytes: int | None
    detail: str


@dataclass(frozen=True)
class Backups:
    recorded: bool
    """Whether ``backup_events`` holds anything (else: no data yet)."""
    last_backup: BackupEvent | None
    """The newest successful backup up to the end of the period."""
    last_restore: BackupEvent | None
    """The last proven restore: the newest successful restore drill."""
    counts: dict[str, tuple[int, int]]
    """kind → (succeeded, failed) during the period."""
    failures: list[BackupEvent]
    """Failed events of the period, oldest first."""


# -- tickets --------------------------------------------------------------------------


@dataclass(frozen=True)
class Note:
    at: datetime
    actor: str
    step: str
    action: str
    text: str


@dataclass(frozen=True)
class Ticket:
    """A ticket as the report sees it at the end of its period.

    ``record`` is the one ticket read model (:class:`pipeline.tickets.engine.Ticket`);
    the report adds only what depends on the period.
    """

    record: TicketRecord
    closed_at: datetime | None
    """Set when the ticket was closed or rejected by the end of the period."""
    alternatives: list[Note]
    """The consideration notes (SOP 3 step B7): the alternatives considered."""
    actions: list[Note]
    """The other notes: the actions taken."""

    @property
    def id(self) -> int:
        return self.record.id

    @property
    def workflow(self) -> str:
        return self.record.workflow

    @property
    def kind(self) -> str:
        return self.record.kind

    @property
    def title(self) -> str:
        return self.record.title

    @property
    def step(self) -> str:
        return self.record.step

    @property
    def priority(self) -> str:
        return self.record.priority

    @property
    def opened_at(self) -> datetime:
        return self.record.opened_at

    @property
    def source(self) -> str:
        return self.record.source


@dataclass(frozen=True)
class Tickets:
    recorded: bool
    """Whether the ticket tables hold anything (else: no data yet)."""
    open: list[Ticket]
    """Open at the end of the period, incidents first, oldest first."""
    closed: list[Ticket]
    """Closed or rejected during the period."""
    opened: int
    """Opened during the period."""


# -- the whole ------------------------------------------------------------------------


@dataclass(frozen=True)
class Concern:
    """One problem the summary lists: a catalogue key and the values of its text."""

    key: str
    severity: str
    """``trouble`` (the site or its data are at risk) or ``attention``."""
    values: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SituationReport:
    site: str
    url: str
    period: Period
    generated_at: datetime
    recipients: list[str]
    """Names of the people in charge the report is addressed to."""
    availability: Availability
    content: Content
    visitors: Visitors
    renewals: Renewals
    backups: Backups
    tickets: Tickets
    concerns: list[Concern]

    @property
    def condition(self) -> str:
        """``good``, ``attention`` or ``trouble``: the worst concern."""
        severities = {c.severity for c in self.concerns}
        if "trouble" in severities:
            return "trouble"
        return "attention" if severities else "good"
