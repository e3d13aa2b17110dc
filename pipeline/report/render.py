"""The situation report as Markdown and as a standalone HTML page with charts.

:func:`document` turns the data model into a neutral list of sections (headings,
paragraphs, tables, lists, charts) in one language; :func:`markdown` and :func:`html`
write those sections out, so the two formats always say the same thing. Markdown
replaces each chart with a text sparkline in its table; HTML embeds the charts as inline
SVG and carries its CSS inline (no script, nothing fetched), with an ``@page`` rule
and a page break before each section for printing to PDF.
"""

from __future__ import annotations

import html as html_module
from dataclasses import dataclass, field

from pipeline.report import charts
from pipeline.report.model import BackupEvent, Concern, Note, SituationReport, Ticket
from pipeline.report.texts import Catalogue
from pipeline.visitors.report import size


@dataclass
class Table:
    head: list[str]
    rows: list[list[str]]
    align: str = ""
    """One letter per column: ``l`` or ``r`` (default: left)."""


@dataclass
class Para:
    text: str
    strong: bool = False


@dataclass
class Bullets:
    items: list[str]


@dataclass
class Chart:
    svg: str
    caption: str


@dataclass
class Sub:
    """A sub-heading inside a section."""

    text: str


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
            [t("generated"), t.moment(report.generated_at, p.tz)],
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


def _availability(report: SituationReport, t: Catalogue) -> Section:
    data, p = report.availability, report.period
    section = Section(t("s_availability"))
    if not data.has_data:
        section.blocks.append(Para(t("no_health")))
    else:
        labels = [f"{d:%d/%m}" for d in p.days()]
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
                        str(e.checks),
                        str(e.checks - e.ok),
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
    if not data.incidents:
        section.blocks.append(Para(t("no_incidents")))
    else:
        rows = []
        for i in data.incidents:
            end = i.closed_at if i.closed_at and i.closed_at < p.until else None
            rows.append(
                [
                    i.endpoint,
                    t.moment(i.opened_at, p.tz),
                    t.moment(end, p.tz) if end else t("ongoing"),
                    t.duration((end or p.until) - max(i.opened_at, p.since)),
                    i.cause,
                    i.resolution if end else "",
                ]
            )
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
                rows,
                "lllrll",
            )
        )
    return section


def _content(report: SituationReport, t: Catalogue) -> Section:
    data, p = report.content, report.period
    section = Section(t("s_content"))
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
            Para(t("compliance", good=good, total=total, share=t.percent(good / total, 0)))
        )
        shown = [c for c in data.categories if c.published]
        section.blocks.append(
            Table(
                [t("category"), t("published"), t("late")],
                [[c.label, str(c.published), str(c.late)] for c in shown],
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
        section.blocks.append(
            Table(
                [t("date"), t("item_title"), t("category"), t("steps_over")],
                [
                    [
                        t.moment(item.published_at, p.tz),
                        item.title,
                        labels.get(item.category, item.category),
                        "; ".join(
                            f"{t('step_' + s.step)} {t.duration(s.taken)} "
                            f"({t('vs_target', target=t.duration(s.target))})"
                            for s in item.late_steps
                        )
                        or t("on_time"),
                    ]
                    for item in data.published
                ],
            )
        )
    section.blocks.append(Sub(t("waiting")))
    if not data.waiting_late:
        section.blocks.append(Para(t("no_waiting")))
    else:
        section.blocks.append(
            Table(
                [t("item_title"), t("stage"), t("holder"), t("since"), t("age"), t("target")],
                [
                    [
                        row.title,
                        t("step_" + row.stage),
                        row.holder,
                        t.moment(row.since, p.tz) if row.since else "—",
                        t.duration(row.age) if row.age else "—",
                        t.duration(row.target) if row.target else "—",
                    ]
                    for row in data.waiting_late
                ],
                "lllrrr",
            )
        )
    return section


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
    section.blocks.append(Para(t("suspicious_intro", findings=len(data.findings), ips=ips)))
    section.blocks.append(Chart(charts.bars(t("chart_rules"), data.by_rule()), t("chart_rules")))
    section.blocks.append(
        Table(
            ["IP", t("rule"), t("requests"), t("first"), t("sample")],
            [[f.ip, f.rule, str(f.count), f.first, f"`{f.sample}`"] for f in data.findings],
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
        Para(t("renewals_note", contracts=data.contracts, days=data.horizon_days))
    )
    if not data.due:
        section.blocks.append(Para(t("nothing_due", days=data.horizon_days)))
        return section
    section.blocks.append(
        Table(
            [t("what"), t("name"), t("provider"), t("due"), t("days_left"), t("detail")],
            [
                [
                    t("what_" + d.what),
                    d.name,
                    d.provider,
                    t.day(d.due) if d.due else t("unknown"),
                    "—" if d.days_left is None else str(d.days_left),
                    d.note,
                ]
                for d in data.due
            ],
            "llllrl",
        )
    )
    return section


def _backups(report: SituationReport, t: Catalogue) -> Section:
    data, tz = report.backups, report.period.tz
    section = Section(t("s_backups"))
    if not data.recorded:
        section.blocks.append(Para(t("no_backups")))
        return section

    def event(e: BackupEvent | None) -> str:
        if e is None:
            return t("never")
        facts = [e.repository]
        if e.snapshot:
            facts.append(f"snapshot {e.snapshot[:8]}")  # the short id the backup CLI shows
        if e.files is not None:
            facts.append(t("files", n=t.number(e.files)))
        if e.bytes is not None:
            facts.append(size(e.bytes))
        return f"{t.moment(e.at, tz)} ({', '.join(facts)})"

    section.blocks.append(
        Table(
            ["", ""],
            [
                [t("last_backup"), event(data.last_backup)],
                [t("last_restore"), event(data.last_restore)],
            ],
        )
    )
    section.blocks.append(Sub(t("events")))
    if data.counts:
        section.blocks.append(
            Table(
                [t("kind"), t("succeeded"), t("failed")],
                [
                    [t("kind_" + kind), str(good), str(bad)]
                    for kind, (good, bad) in sorted(data.counts.items())
                ],
                "lrr",
            )
        )
    else:
        section.blocks.append(Para(t("no_events")))
    if data.failures:
        section.blocks.append(Sub(t("failures")))
        section.blocks.append(
            Table(
                [t("date"), t("kind"), t("repository"), t("detail")],
                [
                    [t.moment(e.at, tz), t("kind_" + e.kind), e.repository, e.detail]
                    for e in data.failures
                ],
            )
        )
    return section


def _ticket(t: Catalogue, ticket: Ticket, tz: str) -> list[Block]:
    source = t("source", source=ticket.source) if ticket.source else ""
    line = t(
        "ticket_line",
        opened=t.moment(ticket.opened_at, tz),
        step=ticket.step,
        priority=ticket.priority or "—",
        kind=t("kind_" + ticket.kind),
        source=source,
    )
    if ticket.closed_at:
        line += f" {t('closed')}: {t.moment(ticket.closed_at, tz)}."

    def notes(items: list[Note]) -> Bullets:
        return Bullets(
            [f"{n.text} — {n.actor}, {t.moment(n.at, tz)}" for n in items] or [t("none_recorded")]
        )

    return [
        Sub(f"{t('ticket')} #{ticket.id} ({ticket.workflow}): {ticket.title}"),
        Para(line),
        Para(t("alternatives") + ":"),
        notes(ticket.alternatives),
        Para(t("actions") + ":"),
        notes(ticket.actions),
    ]


def _tickets(report: SituationReport, t: Catalogue) -> Section:
    data, tz = report.tickets, report.period.tz
    section = Section(t("s_tickets"))
    if not data.recorded:
        section.blocks.append(Para(t("no_tickets")))
        return section
    section.blocks.append(
        Para(
            t(
                "tickets_intro",
                opened=data.opened,
                open=len(data.open),
                closed=len(data.closed),
            )
        )
    )
    if not data.open:
        section.blocks.append(Para(t("no_open")))
    for ticket in data.open:
        section.blocks += _ticket(t, ticket, tz)
    for ticket in data.closed:
        section.blocks += _ticket(t, ticket, tz)
    return section


def document(report: SituationReport, language: str) -> tuple[str, Table, list[Section]]:
    """(title, header table, sections) of the report in ``language``."""
    t = Catalogue(language)
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
    t = Catalogue(language)
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
    out += ["---", "", f"_{t('footer')}_"]
    return "\n".join(out) + "\n"


# -- HTML -----------------------------------------------------------------------------

CSS = """
@page { size: A4; margin: 16mm 14mm }
body { font-family: "DejaVu Sans", system-ui, sans-serif; font-size: 10.5pt; color: #222;
  max-width: 900px; margin: 1.5rem auto; padding: 0 1rem; line-height: 1.4 }
h1 { font-size: 1.7rem; margin: 0 0 .2rem } h2 { font-size: 1.25rem; border-bottom: 2px solid
  #2e7d32; padding-bottom: .2rem; margin-top: 2rem } h3 { font-size: 1rem; margin: 1.2rem 0 .4rem }
.sub { color: #555; margin: 0 0 1rem } table { border-collapse: collapse; width: 100%;
  margin: .4rem 0 .8rem } th, td { padding: .25rem .4rem; border-bottom: 1px solid #ddd;
  text-align: left; vertical-align: top } th { background: #f1f8e9 } td.r, th.r { text-align:
  right } .condition { display: inline-block; padding: .2rem .6rem; border-radius: 4px;
  font-weight: bold } .good { background: #e8f5e9; color: #1b5e20 } .attention { background:
  #fff8e1; color: #e65100 } .trouble { background: #ffebee; color: #b71c1c } svg.chart {
  display: block; max-width: 640px } figure { margin: .4rem 0 1rem; break-inside: avoid }
figcaption { font-size: .85em; color: #555 } code { font-size: .85em;
  word-break: break-all } footer { margin-top: 2rem; color: #777; font-size: .85em }
section { break-before: page } section:first-of-type { break-before: auto }
@media print { body { margin: 0; max-width: none } }
"""


def _html_table(table: Table) -> str:
    esc = html_module.escape
    align = table.align or "l" * len(table.head)

    def cls(i: int) -> str:
        return ' class="r"' if i < len(align) and align[i] == "r" else ""

    head = ""
    if any(table.head):
        head = "<thead><tr>" + "".join(
            f"<th{cls(i)}>{esc(h)}</th>" for i, h in enumerate(table.head)
        )
        head += "</tr></thead>"
    body = "".join(
        "<tr>" + "".join(f"<td{cls(i)}>{_inline(c)}</td>" for i, c in enumerate(row)) + "</tr>"
        for row in table.rows
    )
    return f"<table>{head}<tbody>{body}</tbody></table>"


def _inline(text: str) -> str:
    """Escaped text, with a whole `code` cell shown as code."""
    if len(text) > 1 and text.startswith("`") and text.endswith("`"):
        return f"<code>{html_module.escape(text[1:-1])}</code>"
    return html_module.escape(text)


def html(report: SituationReport, language: str = "id") -> str:
    """A standalone HTML page: inline CSS and SVG charts, no script, nothing fetched."""
    esc = html_module.escape
    title, header, sections = document(report, language)
    t = Catalogue(language)
    condition = report.condition
    parts = [
        f"<h1>{esc(title)}</h1>",
        f'<p class="sub">{esc(report.site)} — {esc(report.url)}<br>{esc(t("subtitle"))}</p>',
        _html_table(header),
    ]
    for number, section in enumerate(sections, start=1):
        parts.append(f"<section><h2>{number}. {esc(section.title)}</h2>")
        for block in section.blocks:
            if isinstance(block, Table):
                parts.append(_html_table(block))
            elif isinstance(block, Para):
                if block.strong:
                    parts.append(
                        f'<p><span class="condition {condition}">{esc(block.text)}</span></p>'
                    )
                else:
                    parts.append(f"<p>{esc(block.text)}</p>")
            elif isinstance(block, Bullets):
                parts.append("<ul>" + "".join(f"<li>{esc(i)}</li>" for i in block.items) + "</ul>")
            elif isinstance(block, Sub):
                parts.append(f"<h3>{esc(block.text)}</h3>")
            elif isinstance(block, Chart):
                parts.append(
                    f"<figure>{block.svg}<figcaption>{esc(block.caption)}</figcaption></figure>"
                )
        parts.append("</section>")
    period = report.period
    return (
        f'<!doctype html>\n<html lang="{esc(t.language)}"><head><meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)} — {esc(report.site)} — {period.first.isoformat()} – "
        f"{period.last.isoformat()}</title>\n<style>{CSS}</style></head><body>\n"
        + "\n".join(parts)
        + f"\n<footer>{esc(t('footer'))}</footer>\n</body></html>\n"
    )
