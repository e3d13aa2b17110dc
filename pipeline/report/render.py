"""The situation report as Markdown, as an HTML page with charts, and as a CSV annex.

:func:`document` turns the data model into a neutral list of sections (headings,
paragraphs, tables, lists, charts) in one language; :func:`markdown` and :func:`html`
write those sections out, so the two formats always say the same thing. Markdown
replaces each chart with a text sparkline in its table; HTML is the ``report.html``
template (on the shared ``base.html``: the site's colours, A4 print rules, a page break
before each section), with the charts as inline SVG: no script, nothing fetched.

Each section lists at most :data:`TOP` items of each kind — the most important first —
with the totals; :func:`annex_csv` holds every item, so a busy month's PDF stays short.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import ClassVar

from pipeline import templating
from pipeline.health import causes
from pipeline.report import charts
from pipeline.report.model import BackupEvent, Concern, Note, SituationReport, Ticket
from pipeline.report.texts import Catalogue
from pipeline.templating import Markup
from pipeline.tickets.workflows import DEFAULTS
from pipeline.visitors.labels import request_time, rule_name

TOP = 10
"""Items of each kind shown in the report; the CSV annex has all of them."""

NOTES = 1
"""Notes of each kind (alternatives, actions) shown per ticket, the latest; the annex has
all of them."""

SAMPLE = 48
"""Characters of a sample request shown (the annex has it whole)."""


@dataclass
class Table:
    head: list[str]
    rows: list[list[str]]
    align: str = ""
    """One letter per column: ``l`` or ``r`` (default: left)."""
    kind: ClassVar[str] = "table"

    def cells(self) -> list[list[tuple[str, str, bool]]]:
        """Rows of (text, alignment, is code) for the template."""
        align = self.align or "l" * len(self.head)
        return [
            [
                (c[1:-1], align[i] if i < len(align) else "l", True)
                if len(c) > 1 and c.startswith("`") and c.endswith("`")
                else (c, align[i] if i < len(align) else "l", False)
                for i, c in enumerate(row)
            ]
            for row in self.rows
        ]

    def heads(self) -> list[tuple[str, str]]:
        align = self.align or "l" * len(self.head)
        return [(h, align[i] if i < len(align) else "l") for i, h in enumerate(self.head)]


@dataclass
class Para:
    text: str
    strong: bool = False
    kind: ClassVar[str] = "para"


@dataclass
class Bullets:
    items: list[str]
    kind: ClassVar[str] = "bullets"


@dataclass
class Chart:
    svg: str
    caption: str
    kind: ClassVar[str] = "chart"

    @property
    def markup(self) -> Markup:
        """The SVG, built by :mod:`pipeline.report.charts` (which escapes every label)."""
        return Markup(self.svg)


@dataclass
class Sub:
    """A sub-heading inside a section."""

    text: str
    kind: ClassVar[str] = "sub"


Block = Table | Para | Bullets | Chart | Sub


@dataclass
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)


SPARK = "▁▂▃▄▅▆▇█"


def sparkline(values: list[float | None]) -> str:
    """A text sparkline (a space for a missing value), scaled to the largest value."""
    known = [v for v in values if v is not None]
    low, high = min(known, default=0), max(known, default=0)
    span = (high - low) or 1  # scaled from the lowest to the highest: the shape shows

    def bar(v: float) -> str:
        return SPARK[int((v - low) / span * (len(SPARK) - 1) + 0.5)]

    return "".join(" " if v is None else bar(v) for v in values)


def _top(t: Catalogue, section: Section, total: int) -> None:
    if total > TOP:
        section.blocks.append(Para(t("top", shown=TOP, total=t.number(total))))


def _concern(t: Catalogue, concern: Concern, target: float) -> str:
    values = dict(concern.values)
    if "what" in values:
        values["what"] = t("what_" + values["what"])
    if "uptime" in values:
        values["uptime"] = t.percent(float(values["uptime"]))
    return t(f"c_{concern.key}", target=t.percent(target), **values)


def _header(report: SituationReport, t: Catalogue) -> Table:
    p = report.period
    to = ", ".join(report.recipients) or t("nobody")
    return Table(
        ["", ""],
        [
            [t("period"), f"{t('period_' + p.kind)}, {t.day(p.first)} – {t.day(p.last)}"],
            [t("generated"), t.moment(report.generated_at)],
            [t("to"), f"{to} ({t('to_role')})"],
            [t("condition"), t("condition_" + report.condition)],
        ],
    )


def _summary(report: SituationReport, t: Catalogue) -> Section:
    section = Section(t("s_summary"))
    section.blocks.append(
        Para(f"{t('condition')}: {t('condition_' + report.condition)}", strong=True)
    )
    if report.concerns:
        section.blocks.append(Para(t("problems")))
        target = report.availability.target
        section.blocks.append(Bullets([_concern(t, c, target) for c in report.concerns]))
        if report.tickets.recorded:
            section.blocks.append(Para(t("see_tickets")))
    else:
        section.blocks.append(Para(t("no_problems")))
    return section


@dataclass(frozen=True)
class _IncidentRow:
    endpoint: str
    opened: datetime
    closed: datetime | None
    """None: still open when the report was made."""
    duration_s: float
    cause: str
    resolution: str


def _incident_rows(report: SituationReport, t: Catalogue) -> list[_IncidentRow]:
    """Health incidents, ongoing first, then the longest; an ongoing incident's duration
    is measured to the moment the report is made."""
    p, now = report.period, report.generated_at
    rows = []
    for i in report.availability.incidents:
        closed = i.closed_at if i.closed_at is not None and i.closed_at <= now else None
        stop = closed or now
        rows.append(
            _IncidentRow(
                i.endpoint,
                i.opened_at,
                closed,
                max(0.0, (stop - max(i.opened_at, p.since)).total_seconds()),
                causes.describe(i.cause, t.loc),
                causes.describe(i.resolution, t.loc) if closed and i.resolution else "",
            )
        )
    rows.sort(key=lambda r: (r.closed is not None, -r.duration_s, r.opened))
    return rows


def _availability(report: SituationReport, t: Catalogue) -> Section:
    data, p = report.availability, report.period
    section = Section(t("s_availability"))
    if not data.has_data:
        section.blocks.append(Para(t("no_health")))
    else:
        labels = [t.loc.day_month(d) for d in p.days()]
        section.blocks.append(
            Table(
                [
                    t("endpoint"),
                    t("checks"),
                    t("failed"),
                    t("uptime"),
                    t("median"),
                    t("p95"),
                    t("max"),
                    t("daily"),
                ],
                [
                    [
                        e.name,
                        t.number(e.checks),
                        t.number(e.checks - e.ok),
                        t.percent(e.uptime),
                        t.ms(e.median_ms),
                        t.ms(e.p95_ms),
                        t.ms(e.max_ms),
                        sparkline([d.median_ms for d in e.days]),
                    ]
                    for e in data.endpoints
                ],
                "lrrrrrrl",
            )
        )
        measured = [e for e in data.endpoints if e.checks]
        worst = [
            min((d.uptime for d in days if d.uptime is not None), default=None)
            for days in zip(*(e.days for e in measured), strict=True)
        ]
        section.blocks.append(
            Chart(
                charts.columns(
                    t("chart_uptime"),
                    labels,
                    [None if u is None else u * 100 for u in worst],
                    unit="%",
                    top=100,
                    shortfall=True,
                ),
                t("chart_uptime"),
            )
        )
        section.blocks.append(
            Chart(
                charts.lines(
                    t("chart_response"),
                    labels,
                    [(e.name, [d.median_ms for d in e.days]) for e in measured],
                    unit=" ms",
                ),
                t("chart_response"),
            )
        )
    section.blocks.append(Sub(t("incidents")))
    rows = _incident_rows(report, t)
    if not rows:
        section.blocks.append(Para(t("no_incidents")))
    else:
        _top(t, section, len(rows))
        section.blocks.append(
            Table(
                [
                    t("endpoint"),
                    t("opened"),
                    t("closed"),
                    t("duration"),
                    t("cause"),
                    t("resolution"),
                ],
                [
                    [
                        r.endpoint,
                        t.moment(r.opened),
                        t.moment(r.closed) if r.closed else t("ongoing"),
                        t.duration(timedelta(seconds=r.duration_s)),
                        r.cause,
                        r.resolution,
                    ]
                    for r in rows[:TOP]
                ],
                "lllrll",
            )
        )
    return section


def _late_text(t: Catalogue, item: object) -> str:
    steps = getattr(item, "late_steps", [])
    return "; ".join(
        f"{t('step_' + s.step)} {t.duration(s.taken)} "
        f"({t('vs_target', target=t.duration(s.target))})"
        for s in steps
    ) or t("on_time")


def _content(report: SituationReport, t: Catalogue) -> Section:
    data = report.content
    section = Section(t("s_content"))
    if data.site_compliance is not None:
        section.blocks.append(
            Para(t("site_compliance", share=t.percent(data.site_compliance / 100, 1)))
        )
        if data.site_to_fill:
            first = ", ".join(data.site_to_fill[:6]) + (", …" if len(data.site_to_fill) > 6 else "")
            count = str(len(data.site_to_fill))
            section.blocks.append(Para(t("site_to_fill", count=count, items=first)))
    section.blocks.append(Sub(t("freshness")))
    if data.freshness:
        section.blocks.append(
            Table(
                [t("category"), t("newest"), t("age"), t("limit"), t("state")],
                [
                    [
                        f.label,
                        t.day(f.newest.day) if f.newest else t("none_yet"),
                        t.duration(f.age) if f.age else "—",
                        t.duration(f.max_age),
                        t("stale") if f.stale else t("fresh"),
                    ]
                    for f in data.freshness
                ],
                "llrrl",
            )
        )
    else:
        section.blocks.append(Para(t("no_freshness")))
    section.blocks.append(Sub(t("per_category")))
    if not data.published:
        section.blocks.append(Para(t("no_published")))
    else:
        good = sum(1 for item in data.published if not item.late_steps)
        total = len(data.published)
        section.blocks.append(
            Para(
                t(
                    "compliance",
                    good=t.number(good),
                    total=t.number(total),
                    share=t.percent(good / total, 0),
                )
            )
        )
        shown = [c for c in data.categories if c.published]
        section.blocks.append(
            Table(
                [t("category"), t("published"), t("late")],
                [[c.label, t.number(c.published), t.number(c.late)] for c in shown]
                + [
                    [
                        t("totals"),
                        t.number(sum(c.published for c in shown)),
                        t.number(sum(c.late for c in shown)),
                    ]
                ],
                "lrr",
            )
        )
        section.blocks.append(
            Chart(
                charts.bars(t("chart_published"), [(c.label, c.published) for c in shown]),
                t("chart_published"),
            )
        )
        labels = {c.category: c.label for c in data.categories}
        section.blocks.append(Sub(t("items")))
        _top(t, section, total)
        # The late ones first (they are the problems), then the newest.
        ranked = sorted(
            data.published, key=lambda i: (not i.late_steps, -i.published_at.timestamp())
        )
        section.blocks.append(
            Table(
                [t("date"), t("item_title"), t("category"), t("steps_over")],
                [
                    [
                        t.moment(item.published_at),
                        item.title,
                        labels.get(item.category, item.category),
                        _late_text(t, item),
                    ]
                    for item in ranked[:TOP]
                ],
            )
        )
    section.blocks.append(Sub(t("waiting")))
    if not data.waiting_late:
        section.blocks.append(Para(t("no_waiting")))
    else:
        _top(t, section, len(data.waiting_late))
        oldest = sorted(data.waiting_late, key=lambda r: -(r.age.total_seconds() if r.age else 0))
        section.blocks.append(
            Table(
                [t("item_title"), t("stage"), t("holder"), t("since"), t("age"), t("target")],
                [
                    [
                        row.title,
                        t("step_" + row.stage),
                        row.holder,
                        t.moment(row.since) if row.since else "—",
                        t.duration(row.age) if row.age else "—",
                        t.duration(row.target) if row.target else "—",
                    ]
                    for row in oldest[:TOP]
                ],
                "lllrrr",
            )
        )
    return section


def _when_text(t: Catalogue, text: str) -> str:
    moment = request_time(text)
    return t.moment(moment) if moment else text


def _clip(text: str, limit: int = SAMPLE) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _visitors(report: SituationReport, t: Catalogue) -> Section:
    data = report.visitors
    section = Section(t("s_visitors"))
    if not data.analysed:
        section.blocks.append(Para(t("no_visitors")))
        return section
    if not data.findings:
        section.blocks.append(Para(t("no_suspicious")))
        return section
    ips = len({f.ip for f in data.findings})
    section.blocks.append(
        Para(
            t(
                "suspicious_intro",
                findings=t.number(len(data.findings)),
                ips=t.number(ips),
            )
        )
    )
    by_rule = [(rule_name(rule, t.loc), hits) for rule, hits in data.by_rule()]
    section.blocks.append(Chart(charts.bars(t("chart_rules"), by_rule), t("chart_rules")))
    section.blocks.append(
        Table(
            [t("rule"), t("requests")],
            [[name, t.number(hits)] for name, hits in by_rule]
            + [[t("totals"), t.number(sum(h for _n, h in by_rule))]],
            "lr",
        )
    )
    _top(t, section, len(data.findings))
    section.blocks.append(
        Table(
            ["IP", t("rule"), t("requests"), t("first"), t("sample")],
            [
                [
                    f.ip,
                    rule_name(f.rule, t.loc),
                    t.number(f.count),
                    _when_text(t, f.first),
                    f"`{_clip(f.sample)}`",
                ]
                for f in data.findings[:TOP]
            ],
            "llrll",
        )
    )
    return section


def _renewals(report: SituationReport, t: Catalogue) -> Section:
    data = report.renewals
    section = Section(t("s_renewals"))
    if not data.has_data:
        section.blocks.append(Para(t("no_renewals")))
        return section
    section.blocks.append(
        Para(t("renewals_note", contracts=t.number(data.contracts), days=data.horizon_days))
    )
    if not data.due:
        section.blocks.append(Para(t("nothing_due", days=data.horizon_days)))
        return section
    _top(t, section, len(data.due))
    section.blocks.append(
        Table(
            [t("what"), t("name"), t("provider"), t("due"), t("days_left"), t("detail")],
            [
                [
                    t("what_" + d.what),
                    d.name,
                    d.provider,
                    t.day(d.due) if d.due else t("unknown"),
                    "—" if d.days_left is None else t.number(d.days_left),
                    d.note,
                ]
                for d in data.due[:TOP]
            ],
            "llllrl",
        )
    )
    return section


def _event_text(t: Catalogue, e: BackupEvent | None) -> str:
    if e is None:
        return t("never")
    facts = [e.repository]
    if e.snapshot:
        facts.append(t("snapshot", id=e.snapshot[:8]))  # the short id the backup CLI shows
    if e.files is not None:
        facts.append(t("files", n=t.number(e.files)))
    if e.bytes is not None:
        facts.append(t.size(e.bytes))
    return f"{t.moment(e.at)} ({', '.join(facts)})"


def _backups(report: SituationReport, t: Catalogue) -> Section:
    data = report.backups
    section = Section(t("s_backups"))
    if not data.recorded:
        section.blocks.append(Para(t("no_backups")))
        return section
    section.blocks.append(
        Table(
            ["", ""],
            [
                [t("last_backup"), _event_text(t, data.last_backup)],
                [t("last_restore"), _event_text(t, data.last_restore)],
            ],
        )
    )
    section.blocks.append(Sub(t("events")))
    if data.counts:
        section.blocks.append(
            Table(
                [t("kind"), t("succeeded"), t("failed")],
                [
                    [t("kind_" + kind), t.number(good), t.number(bad)]
                    for kind, (good, bad) in sorted(data.counts.items())
                ],
                "lrr",
            )
        )
    else:
        section.blocks.append(Para(t("no_events")))
    if data.failures:
        section.blocks.append(Sub(t("failures")))
        _top(t, section, len(data.failures))
        newest = sorted(data.failures, key=lambda e: e.at, reverse=True)
        section.blocks.append(
            Table(
                [t("date"), t("kind"), t("repository"), t("detail")],
                [
                    # The backup tool's own message, shown as the technical text it is.
                    [t.moment(e.at), t("kind_" + e.kind), e.repository, f"`{e.detail}`"]
                    for e in newest[:TOP]
                ],
            )
        )
    return section


def _step_name(t: Catalogue, step: str) -> str:
    """``B9 (Penutupan tiket)``: the SOP 3 step with its title in the report's language."""
    workflow = DEFAULTS.get(step[:1])
    found = workflow.step(step) if workflow else None
    return f"{step} ({found.title.get(t.language)})" if found else step


def _ticket(t: Catalogue, ticket: Ticket) -> list[Block]:
    """A ticket in three lines or so: heading, facts, the last notes of each kind."""
    source = t("source", source=ticket.source) if ticket.source else ""
    line = t(
        "ticket_line",
        opened=t.moment(ticket.opened_at),
        step=_step_name(t, ticket.step),
        priority=ticket.priority or "—",
        kind=t("kind_" + ticket.kind),
        source=source,
    )
    if ticket.closed_at:
        line += f" {t('closed')}: {t.moment(ticket.closed_at)}."

    def notes(label: str, items: list[Note]) -> list[str]:
        if not items:
            return [f"{label}: {t('none_recorded')}"]
        shown = [f"{label}: {n.text} — {n.actor}, {t.moment(n.at)}" for n in items[-NOTES:]]
        if len(items) > NOTES:
            shown.append(t("more_notes", n=t.number(len(items) - NOTES)))
        return shown

    return [
        Sub(f"{t('ticket')} #{ticket.id} ({ticket.workflow}): {ticket.title}"),
        Para(line),
        Bullets(
            notes(t("alternatives"), ticket.alternatives) + notes(t("actions"), ticket.actions)
        ),
    ]


def _ranked_tickets(report: SituationReport) -> list[Ticket]:
    """Open incidents by priority, then the other open tickets, then the closed ones."""
    data = report.tickets

    def rank(ticket: Ticket) -> tuple[int, str, float]:
        group = 0 if ticket.kind == "incident" else 1
        return (group, ticket.priority or "P9", ticket.opened_at.timestamp())

    return sorted(data.open, key=rank) + sorted(data.closed, key=rank)


def _tickets(report: SituationReport, t: Catalogue) -> Section:
    data = report.tickets
    section = Section(t("s_tickets"))
    if not data.recorded:
        section.blocks.append(Para(t("no_tickets")))
        return section
    section.blocks.append(
        Para(
            t(
                "tickets_intro",
                opened=t.number(data.opened),
                open=t.number(len(data.open)),
                closed=t.number(len(data.closed)),
            )
        )
    )
    if not data.open:
        section.blocks.append(Para(t("no_open")))
    ranked = _ranked_tickets(report)
    _top(t, section, len(ranked))
    for ticket in ranked[:TOP]:
        section.blocks += _ticket(t, ticket)
    return section


def document(report: SituationReport, language: str) -> tuple[str, Table, list[Section]]:
    """(title, header table, sections) of the report in ``language``."""
    t = Catalogue(language, report.period.tz)
    sections = [
        _summary(report, t),
        _availability(report, t),
        _content(report, t),
        _visitors(report, t),
        _renewals(report, t),
        _backups(report, t),
        _tickets(report, t),
    ]
    return t("title"), _header(report, t), sections


# -- CSV annex ------------------------------------------------------------------------


def annex_name(report: SituationReport, language: str) -> str:
    """The annex's file name: ``laporan-situasi-2026-11-01-2026-11-30-lampiran.csv``."""
    stem = "situation-report" if language == "en" else "laporan-situasi"
    suffix = "annex" if language == "en" else "lampiran"
    p = report.period
    return f"{stem}-{p.first.isoformat()}-{p.last.isoformat()}-{suffix}.csv"


def annex_csv(report: SituationReport, language: str) -> str:
    """Every item of every section (the report shows the top :data:`TOP`), one per row:
    section, item, when, figure, detail — in ``language``, times in the court's zone."""
    t = Catalogue(language, report.period.tz)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [t("csv_section"), t("csv_item"), t("csv_when"), t("csv_figure"), t("csv_detail")]
    )
    for r in _incident_rows(report, t):
        writer.writerow(
            [
                t("a_incident"),
                r.endpoint,
                t.moment(r.opened),
                t.duration(timedelta(seconds=r.duration_s)),
                f"{r.cause}; {t.moment(r.closed) if r.closed else t('ongoing')}",
            ]
        )
    content = report.content
    labels = {c.category: c.label for c in content.categories}
    for item in content.published:
        writer.writerow(
            [
                t("a_published"),
                item.title,
                t.moment(item.published_at),
                labels.get(item.category, item.category),
                _late_text(t, item),
            ]
        )
    for row in content.waiting_late:
        writer.writerow(
            [
                t("a_waiting"),
                row.title,
                t.moment(row.since) if row.since else "",
                t.duration(row.age) if row.age else "",
                f"{t('step_' + row.stage)}; {row.holder}",
            ]
        )
    for f in report.visitors.findings:
        writer.writerow(
            [
                t("a_finding"),
                f.ip,
                _when_text(t, f.first),
                t.number(f.count),
                f"{rule_name(f.rule, t.loc)}; {f.sample}",
            ]
        )
    for d in report.renewals.due:
        writer.writerow(
            [
                t("a_due"),
                d.name,
                t.day(d.due) if d.due else t("unknown"),
                "" if d.days_left is None else t.number(d.days_left),
                f"{t('what_' + d.what)}; {d.provider}; {d.note}".strip("; "),
            ]
        )
    for e in report.backups.failures:
        writer.writerow(
            # the backup tool's own message, marked as technical text as in the report
            [
                t("a_backup_failure"),
                e.repository,
                t.moment(e.at),
                t("kind_" + e.kind),
                f"`{e.detail}`" if e.detail else "",
            ]
        )
    for ticket in _ranked_tickets(report):
        state = t.moment(ticket.closed_at) if ticket.closed_at else t("still_open")
        notes = [n.text for n in ticket.alternatives + ticket.actions]
        writer.writerow(
            [
                t("a_ticket"),
                f"#{ticket.id} {ticket.title}",
                t.moment(ticket.opened_at),
                ticket.priority or "—",
                "; ".join([_step_name(t, ticket.step), state, *notes]),
            ]
        )
    return out.getvalue()


# -- Markdown -------------------------------------------------------------------------


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_table(table: Table) -> list[str]:
    align = table.align or "l" * len(table.head)
    rule = "|" + "|".join("---:" if a == "r" else "---" for a in align) + "|"
    return [
        "| " + " | ".join(_md_cell(h) for h in table.head) + " |",
        rule,
        *("| " + " | ".join(_md_cell(c) for c in row) + " |" for row in table.rows),
        "",
    ]


def markdown(report: SituationReport, language: str = "id") -> str:
    """The report as Markdown (charts are left out: their figures are in the tables)."""
    title, header, sections = document(report, language)
    t = Catalogue(language, report.period.tz)
    out = [f"# {title}", "", f"**{report.site}** — {report.url}", "", *_md_table(header)]
    for number, section in enumerate(sections, start=1):
        out += [f"## {number}. {section.title}", ""]
        for block in section.blocks:
            if isinstance(block, Table):
                out += _md_table(block)
            elif isinstance(block, Para):
                out += [f"**{block.text}**" if block.strong else block.text, ""]
            elif isinstance(block, Bullets):
                out += [*(f"- {item}" for item in block.items), ""]
            elif isinstance(block, Sub):
                out += [f"### {block.text}", ""]
    out += ["---", "", f"_{t('annex', name=annex_name(report, language))}_", ""]
    out += [f"_{t('footer')}_"]
    return "\n".join(out) + "\n"


# -- HTML -----------------------------------------------------------------------------


def html(report: SituationReport, language: str = "id") -> str:
    """A standalone HTML page (``report.html``): inline CSS and SVG charts, no script."""
    title, header, sections = document(report, language)
    t = Catalogue(language, report.period.tz)
    period = report.period
    return templating.render(
        "report.html",
        t.loc,
        site_name=report.site,
        title=title,
        subtitle=f"{report.url} — {t('subtitle')}",
        doc_title=f"{title} — {report.site} — {period.first.isoformat()} – "
        f"{period.last.isoformat()}",
        print_a4=True,
        header=header,
        sections=sections,
        condition=report.condition,
        footer=t("footer"),
        annex=t("annex", name=annex_name(report, language)),
    )
