"""Ticket reports: the monthly recap (C9), step compliance, open requests by priority,
and the printable IT service request form — as Markdown, standalone HTML (inline SVG
charts, no script, no network) and CSV.

The functions here compute and render; they read the database through
:mod:`pipeline.tickets.engine` and never write.
"""

from __future__ import annotations

import csv
import html
import io
import sqlite3
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from pipeline import i18n, templating
from pipeline.i18n import Locale
from pipeline.tickets import engine
from pipeline.tickets.priority import PRIORITIES
from pipeline.tickets.workflows import Workflow

TEXTS: dict[str, dict[str, str]] = {
    "id": {
        "recap": "Rekap Bulanan Pemantauan dan Pemeliharaan TI",
        "compliance": "Kepatuhan Langkah terhadap Target SOP",
        "open": "Permintaan Terbuka menurut Prioritas",
        "count": "Jumlah terbuka",
        "form": "Formulir Permintaan Layanan Teknologi Informasi",
        "period": "Periode",
        "made": "Dibuat",
        "step": "Langkah",
        "role": "Peran",
        "day": "Hari kerja ke-",
        "done": "Selesai",
        "on_time": "Tepat waktu",
        "late": "Terlambat",
        "share": "Kepatuhan",
        "none": "Tidak ada.",
        "ticket": "Tiket",
        "kind": "Jenis",
        "status": "Status",
        "priority": "Prioritas",
        "due": "Tenggat",
        "overdue": "Lewat tenggat",
        "title": "Judul",
        "by": "Oleh",
        "at": "Waktu",
        "note": "Catatan",
        "maintenance": "Tiket pemeliharaan dan pengamanan bulan ini",
        "incidents": "Insiden bulan ini",
        "incidents_by_source": "Insiden menurut sumber",
        "requests": "Permintaan layanan bulan ini",
        "opened": "Dibuka",
        "closed": "Ditutup",
        "rejected": "Ditolak",
        "source": "Sumber",
        "duration": "Lama",
        "target": "Target",
        "met": "Memenuhi target",
        "yes": "ya",
        "no": "tidak",
        "pending": "belum",
        "incident_targets": "Insiden: penyelesaian dalam target waktu",
        "request": "permintaan",
        "incident": "insiden",
        "number": "Nomor tiket",
        "date": "Tanggal",
        "requester": "Nama pemohon",
        "unit": "Unit / bagian",
        "contact": "Kontak",
        "service": "Jenis layanan",
        "description": "Uraian permintaan",
        "impact": "Dampak",
        "urgency": "Urgensi",
        "signatures": "Tanda tangan",
        "sign_requester": "Pemohon",
        "sign_received": "Diterima petugas TI",
        "sign_disposition": "Disposisi (ya / tidak)",
        "sign_approved": "Disetujui",
        "record": "Catatan langkah",
        "checklist": "Daftar periksa",
        "status_open": "terbuka",
        "status_closed": "selesai",
        "status_rejected": "ditolak",
        "level_high": "tinggi",
        "level_medium": "sedang",
        "level_low": "rendah",
        "src_health": "ketersediaan",
        "src_tls": "sertifikat TLS",
        "src_domain": "domain",
        "src_backup": "cadangan data",
        "src_visitors": "aktivitas pengunjung",
        "src_": "oleh petugas",
        "percent": "%",
    },
    "en": {
        "recap": "Monthly Recap of IT Monitoring and Maintenance",
        "compliance": "Step Compliance with the SOP Targets",
        "open": "Open Requests by Priority",
        "count": "Open",
        "form": "IT Service Request Form",
        "period": "Period",
        "made": "Made",
        "step": "Step",
        "role": "Role",
        "day": "Working day",
        "done": "Done",
        "on_time": "On time",
        "late": "Late",
        "share": "Compliance",
        "none": "None.",
        "ticket": "Ticket",
        "kind": "Kind",
        "status": "Status",
        "priority": "Priority",
        "due": "Due",
        "overdue": "Overdue",
        "title": "Title",
        "by": "By",
        "at": "At",
        "note": "Note",
        "maintenance": "Maintenance and security tickets of the month",
        "incidents": "Incidents of the month",
        "incidents_by_source": "Incidents by source",
        "requests": "Service requests of the month",
        "opened": "Opened",
        "closed": "Closed",
        "rejected": "Rejected",
        "source": "Source",
        "duration": "Duration",
        "target": "Target",
        "met": "Met the target",
        "yes": "yes",
        "no": "no",
        "pending": "pending",
        "incident_targets": "Incidents: solved within the target time",
        "request": "request",
        "incident": "incident",
        "number": "Ticket number",
        "date": "Date",
        "requester": "Requester",
        "unit": "Unit / section",
        "contact": "Contact",
        "service": "Kind of service",
        "description": "What is requested",
        "impact": "Impact",
        "urgency": "Urgency",
        "signatures": "Signatures",
        "sign_requester": "Requester",
        "sign_received": "Received by IT staff",
        "sign_disposition": "Disposition (yes / no)",
        "sign_approved": "Approved",
        "record": "Step record",
        "checklist": "Checklist",
        "status_open": "open",
        "status_closed": "closed",
        "status_rejected": "rejected",
        "level_high": "high",
        "level_medium": "medium",
        "level_low": "low",
        "src_health": "availability",
        "src_tls": "TLS certificate",
        "src_domain": "domain",
        "src_backup": "backups",
        "src_visitors": "visitor activity",
        "src_": "by staff",
        "percent": "%",
    },
}


i18n.register(
    {language: {f"tickets.{k}": v for k, v in texts.items()} for language, texts in TEXTS.items()}
)


def _fmt(moment: datetime | None, tz: str, language: str = "id") -> str:
    """``5 Mar 2026 08.30 WITA``: a moment of a ticket report, in the court's time zone."""
    return Locale(language, tz).datetime(moment, short=True) if moment else ""


def _source(source: str, t: dict[str, str]) -> str:
    """``ketersediaan beranda``: an incident's source as a person reads it."""
    kind, _, subject = source.partition(":")
    return f"{t.get('src_' + kind, kind)} {subject}".strip() if source else t["src_"]


def ticket_dict(t: engine.Ticket) -> dict[str, object]:
    """A ticket as JSON-ready data."""
    data: dict[str, object] = dict(t.__dict__)
    for key in ("opened_at", "due", "closed_at", "starts_at"):
        value = data[key]
        data[key] = value.isoformat() if isinstance(value, datetime) else None
    return data


def record_dict(
    t: engine.Ticket, events: Sequence[engine.Event], checks: Sequence[engine.Check]
) -> dict[str, object]:
    """A ticket with its events and checklist answers as JSON-ready data."""
    return {
        **ticket_dict(t),
        "events": [{**e.__dict__, "at": e.at.isoformat()} for e in events],
        "checks": [{**c.__dict__, "at": c.at.isoformat()} for c in checks],
    }


def record_text(
    t: engine.Ticket,
    events: Sequence[engine.Event],
    checks: Sequence[engine.Check],
    workflow: Workflow,
) -> str:
    """A ticket, its steps (done, current, to come) and its record as plain text."""
    lines = [
        f"#{t.id} {t.title}",
        f"  workflow {t.workflow} ({workflow.title.en}), {t.kind}, {t.status}, "
        f"priority {t.priority or '-'}",
        f"  requester {t.requester or '-'}{f' ({t.unit})' if t.unit else ''}, "
        f"opened {t.opened_at.isoformat()}, assignee {t.assignee or '-'}",
    ]
    if t.source:
        lines.append(f"  source {t.source} ({t.link})")
    if t.description:
        lines.append(f"  {t.description}")
    done = {e.step for e in events if e.action == "advance"}
    lines.append("steps:")
    for step in workflow.steps:
        mark = (
            "x" if step.id in done else (">" if step.id == t.step and t.status == "open" else " ")
        )
        lines.append(
            f"  [{mark}] {step.id} day {step.day}  {step.title.en}  ({' or '.join(step.roles)})"
        )
    if t.due and t.status == "open":
        lines.append(f"due {t.due.isoformat()}")
    lines.append("record:")
    for e in events:
        extra = f"  — {e.note}" if e.note else ""
        extra += f"  [attachment {e.attachment}]" if e.attachment else ""
        lines.append(
            f"  {e.at.isoformat()}  {e.action} {e.step}  {e.actor}"
            f"{f' ({e.role})' if e.role else ''}{extra}"
        )
    for c in checks:
        lines.append(
            f"  check {c.step} {c.item}={c.result} by {c.actor}{f' — {c.note}' if c.note else ''}"
        )
    return "\n".join(lines)


# -- figures ---------------------------------------------------------------------


@dataclass
class StepFigure:
    """Compliance of one step: how many were done, and how many by their due time."""

    workflow: str
    step: str
    title: str
    roles: str
    day: int
    done: int = 0
    on_time: int = 0

    @property
    def late(self) -> int:
        return self.done - self.on_time

    @property
    def share(self) -> float | None:
        return self.on_time / self.done if self.done else None


@dataclass
class IncidentFigure:
    ticket: engine.Ticket
    target: timedelta
    met: bool | None
    """None while open and not yet past its due."""


@dataclass
class Figures:
    """Everything the three reports show, for one month."""

    month: str
    language: str
    timezone: str
    made: datetime
    steps: list[StepFigure] = field(default_factory=list)
    maintenance: list[tuple[engine.Ticket, list[engine.Event]]] = field(default_factory=list)
    incidents: list[IncidentFigure] = field(default_factory=list)
    requests: Counter[str] = field(default_factory=Counter)
    open_tickets: list[engine.Ticket] = field(default_factory=list)


def _month_bounds(month: str, tz: str) -> tuple[datetime, datetime]:
    year, number = (int(p) for p in month.split("-"))
    start = datetime(year, number, 1, tzinfo=ZoneInfo(tz))
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=ZoneInfo(tz))
    return start, end


def figures(
    db: sqlite3.Connection, rules: engine.Rules, month: str, *, now: datetime, language: str
) -> Figures:
    """Compute the month's figures (steps done in the month, tickets of the month)."""
    tz = rules.timezone
    start, end = _month_bounds(month, tz)
    result = Figures(month, language, tz, now)
    tickets = {t.id: t for t in engine.find(db)}
    per_step: dict[str, StepFigure] = {}
    for letter, workflow in rules.workflows.items():
        for step in workflow.steps:
            per_step[step.id] = StepFigure(
                letter, step.id, step.title.get(language), " / ".join(step.roles), step.day
            )
    rows = db.execute(
        "SELECT ticket_id, step, at FROM ticket_events WHERE action IN ('advance', 'reject') "
        "AND at >= ? AND at < ? ORDER BY id",
        (start.isoformat(), end.isoformat()),
    )
    for ticket_id, step_id, at in rows:
        ticket = tickets[ticket_id]
        figure = per_step.get(step_id)
        done_step = rules.workflow(ticket.workflow).step(step_id)
        if figure is None or done_step is None:
            continue
        figure.done += 1
        if datetime.fromisoformat(at) <= rules.step_due(ticket.starts_at, done_step):
            figure.on_time += 1
    result.steps = list(per_step.values())
    for ticket in tickets.values():
        if ticket.period == month:
            result.maintenance.append((ticket, engine.events(db, ticket.id)))
        opened_in = start <= ticket.opened_at < end
        if ticket.kind == "incident" and (
            opened_in or (ticket.opened_at < end and (ticket.closed_at or end) >= start)
        ):
            target = rules.incident_targets.get(ticket.priority, timedelta(0))
            limit = ticket.opened_at + target
            if ticket.closed_at is not None:
                met: bool | None = ticket.closed_at <= limit
            else:
                met = False if now > limit else None
            result.incidents.append(IncidentFigure(ticket, target, met))
        if ticket.kind == "request" and not ticket.period and ticket.workflow == "B":
            if opened_in:
                result.requests["opened"] += 1
            if ticket.closed_at and start <= ticket.closed_at < end:
                result.requests[ticket.status] += 1
        if ticket.status == "open" and ticket.workflow == "B":
            result.open_tickets.append(ticket)
    order = {p: i for i, p in enumerate(PRIORITIES)}
    result.open_tickets.sort(key=lambda t: (order.get(t.priority, 9), t.opened_at))
    return result


# -- rendering --------------------------------------------------------------------


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _pct(value: float | None, language: str = "id") -> str:
    return "-" if value is None else Locale(language).percent(value, 0)


def _yes(value: bool | None, t: dict[str, str]) -> str:
    return t["pending"] if value is None else (t["yes"] if value else t["no"])


def _priority_counts(f: Figures) -> list[tuple[str, int, int]]:
    rows = []
    for level in (*PRIORITIES, ""):
        tickets = [t for t in f.open_tickets if t.priority == level]
        if tickets or level:
            late = sum(1 for t in tickets if t.due is not None and t.due < f.made)
            rows.append((level or "-", len(tickets), late))
    return rows


def markdown(kind: str, f: Figures) -> str:
    """One report as Markdown."""
    t = TEXTS.get(f.language, TEXTS["id"])
    tz, lang = f.timezone, f.language
    loc = Locale(lang, tz)
    month = loc.month(date.fromisoformat(f.month + "-01"))
    out = [f"# {t[kind]}", "", f"{t['period']}: {month} · {t['made']}: {_fmt(f.made, tz, lang)}"]
    out.append("")
    if kind == "compliance":
        out += [
            f"| {t['step']} | {t['title']} | {t['role']} | {t['day']} | {t['done']} | "
            f"{t['on_time']} | {t['late']} | {t['share']} |",
            "|---|---|---|---:|---:|---:|---:|---:|",
        ]
        out += [
            f"| {s.step} | {_cell(s.title)} | {s.roles} | {s.day} | {s.done} | {s.on_time} | "
            f"{s.late} | {_pct(s.share, lang)} |"
            for s in f.steps
        ]
        out += ["", f"## {t['incident_targets']}", ""]
        out += _incident_rows(f, t)
    elif kind == "open":
        out += [f"| {t['priority']} | {t['count']} | {t['overdue']} |", "|---|---:|---:|"]
        out += [f"| {p} | {n} | {late} |" for p, n, late in _priority_counts(f)]
        out.append("")
        if f.open_tickets:
            out += [
                f"| {t['ticket']} | {t['kind']} | {t['priority']} | {t['step']} | {t['due']} | "
                f"{t['title']} |",
                "|---|---|---|---|---|---|",
            ]
            out += [
                f"| #{x.id} | {t[x.kind]} | {x.priority or '-'} | {x.step} | "
                f"{_fmt(x.due, tz, lang)} | "
                f"{_cell(x.title)} |"
                for x in f.open_tickets
            ]
        else:
            out.append(t["none"])
    else:  # recap
        out += [f"## {t['maintenance']}", ""]
        if not f.maintenance:
            out += [t["none"], ""]
        for ticket, events in f.maintenance:
            status = t.get(f"status_{ticket.status}", ticket.status)
            out += [f"### #{ticket.id} {_cell(ticket.title)} ({status}, {ticket.step})", ""]
            done = [e for e in events if e.action in ("advance", "comment")]
            if done:
                out += [
                    f"| {t['step']} | {t['at']} | {t['by']} | {t['note']} |",
                    "|---|---|---|---|",
                ]
                out += [
                    f"| {e.step} | {_fmt(e.at, tz, lang)} | {e.actor} | {_cell(e.note)} |"
                    for e in done
                ]
            else:
                out.append(t["none"])
            out.append("")
        out += [f"## {t['incidents']}", ""]
        out += _incident_rows(f, t)
        out += ["", f"## {t['incidents_by_source']}", ""]
        by_source = Counter(i.ticket.source.split(":", 1)[0] for i in f.incidents)
        out += [f"| {t['source']} | {t['incidents']} |", "|---|---:|"]
        out += [f"| {t.get('src_' + k, k)} | {n} |" for k, n in sorted(by_source.items())]
        out += ["", f"## {t['requests']}", ""]
        out += [
            f"| {t['opened']} | {t['closed']} | {t['rejected']} |",
            "|---:|---:|---:|",
            f"| {f.requests['opened']} | {f.requests['closed']} | {f.requests['rejected']} |",
        ]
    return "\n".join(out) + "\n"


def _incident_rows(f: Figures, t: dict[str, str]) -> list[str]:
    if not f.incidents:
        return [t["none"]]
    rows = [
        f"| {t['ticket']} | {t['source']} | {t['priority']} | {t['opened']} | {t['closed']} | "
        f"{t['target']} | {t['met']} |",
        "|---|---|---|---|---|---|---|",
    ]
    tz, lang = f.timezone, f.language
    for i in f.incidents:
        x = i.ticket
        rows.append(
            f"| #{x.id} | {_cell(_source(x.source, t))} | {x.priority} | "
            f"{_fmt(x.opened_at, tz, lang)} | {_fmt(x.closed_at, tz, lang) or '-'} | "
            f"{Locale(lang, tz).duration(i.target)} | {_yes(i.met, t)} |"
        )
    return rows


def csv_text(kind: str, f: Figures) -> str:
    """One report as CSV (one header row, English column names)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if kind == "compliance":
        writer.writerow(["workflow", "step", "title", "roles", "day", "done", "on_time", "late"])
        for s in f.steps:
            writer.writerow(
                [s.workflow, s.step, s.title, s.roles, s.day, s.done, s.on_time, s.late]
            )
    elif kind == "open":
        writer.writerow(["id", "kind", "priority", "step", "due", "overdue", "assignee", "title"])
        for x in f.open_tickets:
            overdue = x.due is not None and x.due < f.made
            writer.writerow(
                [
                    x.id,
                    x.kind,
                    x.priority,
                    x.step,
                    _fmt(x.due, f.timezone),
                    int(overdue),
                    x.assignee,
                    x.title,
                ]
            )
    else:
        writer.writerow(["ticket", "workflow", "source", "action", "step", "at", "actor", "note"])
        for ticket, events in f.maintenance:
            for e in events:
                writer.writerow(
                    [
                        ticket.id,
                        ticket.workflow,
                        "",
                        e.action,
                        e.step,
                        _fmt(e.at, f.timezone),
                        e.actor,
                        e.note,
                    ]
                )
        for i in f.incidents:
            x = i.ticket
            writer.writerow(
                [
                    x.id,
                    x.workflow,
                    x.source,
                    "open",
                    x.step,
                    _fmt(x.opened_at, f.timezone),
                    "",
                    x.description,
                ]
            )
            if x.closed_at:
                writer.writerow(
                    [
                        x.id,
                        x.workflow,
                        x.source,
                        "close",
                        x.step,
                        _fmt(x.closed_at, f.timezone),
                        "",
                        "",
                    ]
                )
    return buffer.getvalue()


def _bars(
    rows: Sequence[tuple[str, float, str]],
    *,
    top: float | None = None,
    width: int = 760,
    height: int = 170,
) -> str:
    """A bar chart: (label, value, colour) per bar on one scale up to ``top`` (default:
    the largest value); a zero is drawn as a thin line so that it is seen."""
    top = top or max((v for _l, v, _c in rows), default=0) or 1
    step = width / max(len(rows), 1)
    parts = []
    for i, (label, value, colour) in enumerate(rows):
        h = max(value / top * (height - 30), 2.0)
        x = i * step
        parts.append(
            f'<rect x="{x + 2:.1f}" y="{height - 16 - h:.1f}" width="{step - 4:.1f}" '
            f'height="{h:.1f}" fill="{colour}"><title>{html.escape(label)}: {value:g}</title>'
            f'</rect><text x="{x + step / 2:.1f}" y="{height - 3}" font-size="10" '
            f'text-anchor="middle" fill="#444">{html.escape(label)}</text>'
            f'<text x="{x + step / 2:.1f}" y="{height - 19 - h:.1f}" font-size="9" '
            f'text-anchor="middle" fill="#222">{value:g}</text>'
        )
    return f'<svg viewBox="0 0 {width} {height}" width="100%" role="img">{"".join(parts)}</svg>'


def _blocks(lines: list[str]) -> list[dict[str, object]]:
    """The headings, paragraphs and tables of :func:`markdown` as data for the template
    (the same content in both formats)."""
    out: list[dict[str, object]] = []
    table: list[list[str]] = []

    def flush() -> None:
        if table:
            out.append({"kind": "table", "head": table[0], "rows": table[2:]})
            table.clear()

    for line in lines:
        if line.startswith("|"):
            cells = [c.strip().replace("\\|", "|") for c in line.strip("|").split(" | ")]
            table.append([c.strip("| ") for c in cells])
            continue
        flush()
        if line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            out.append({"kind": "heading", "level": level, "text": line[level:].strip()})
        elif line.strip():
            out.append({"kind": "para", "text": line})
    flush()
    return out


def page(kind: str, f: Figures, *, site_name: str) -> str:
    """One report as a standalone HTML page with its chart (``ticket_report.html``)."""
    t = TEXTS.get(f.language, TEXTS["id"])
    lines = markdown(kind, f).splitlines()
    chart_title = ""
    if kind == "compliance":
        bars = [
            (s.step, round((s.share or 0) * 100), "#2e7d32" if (s.share or 0) >= 0.8 else "#c62828")
            for s in f.steps
            if s.done
        ]
        chart_title = f"{t['share']} (%)"
        chart = _bars(bars, top=100) if bars else ""
    elif kind == "open":
        chart = _bars([(p, n, "#1565c0") for p, n, _late in _priority_counts(f)])
    else:
        counts = Counter(i.ticket.source.split(":", 1)[0] for i in f.incidents)
        chart_title = t["incidents_by_source"]
        chart = (
            _bars([(t.get("src_" + k, k), n, "#ef6c00") for k, n in sorted(counts.items())])
            if counts
            else ""
        )
    return templating.render(
        "ticket_report.html",
        Locale(f.language, f.timezone),
        site_name=site_name,
        title=t[kind],
        subtitle=lines[2] if len(lines) > 2 else "",
        print_a4=True,
        chart_title=chart_title,
        chart=templating.Markup(chart),  # built by _bars, every label escaped
        none=t["none"],
        blocks=_blocks(lines[3:]),
    )


def form_page(
    *,
    site_name: str,
    language: str,
    timezone: str,
    workflow: Workflow,
    ticket: engine.Ticket | None = None,
    events: Sequence[engine.Event] = (),
) -> str:
    """The IT service request form ("formulir permintaan layanan TI") as printable HTML
    (``ticket_form.html``): the request's fields, the step record with roles and due days,
    and the signature boxes of the requester, the IT staff who received it, the disposition
    and the approval. Without a ticket, a blank form to fill in by hand."""
    t = TEXTS.get(language, TEXTS["id"])
    x = ticket

    def level(value: str) -> str:
        return t.get(f"level_{value}", value)

    fields = [
        (t["number"], f"#{x.id}" if x else ""),
        (t["date"], _fmt(x.opened_at, timezone, language) if x else ""),
        (t["requester"], x.requester if x else ""),
        (t["unit"], x.unit if x else ""),
        (t["contact"], x.contact if x else ""),
        (t["service"], t[x.kind] if x else f"{t['request']} / {t['incident']}"),
        (t["title"], x.title if x else ""),
        (t["description"], x.description if x else ""),
        (
            t["impact"] + " / " + t["urgency"],
            f"{level(x.impact)} / {level(x.urgency)}" if x and x.impact else "",
        ),
        (t["priority"], x.priority if x else ""),
    ]
    done = {e.step: e for e in events if e.action in ("advance", "reject")}
    steps = [
        {
            "id": s.id,
            "title": s.title.get(language),
            "roles": " / ".join(s.roles),
            "day": s.day,
            "done": _fmt(done[s.id].at, timezone, language) if s.id in done else "",
            "by": done[s.id].actor if s.id in done else "",
        }
        for s in workflow.steps
    ]
    return templating.render(
        "ticket_form.html",
        Locale(language, timezone),
        site_name=site_name,
        title=t["form"],
        subtitle=f"SOP AS/29 · {workflow.title.get(language)}",
        print_a4=True,
        texts=t,
        fields=fields,
        steps=steps,
        signatures=[
            t[k] for k in ("sign_requester", "sign_received", "sign_disposition", "sign_approved")
        ],
    )
