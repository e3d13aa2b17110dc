"""The visitor activity report as Markdown and as a standalone HTML page with charts."""

from __future__ import annotations

import html
from typing import Any

from markupsafe import Markup

from pipeline import i18n, templating
from pipeline.i18n import Locale
from pipeline.visitors import labels
from pipeline.visitors.labels import request_time

TEXTS = {
    "id": {
        "title": "Log Aktivitas Pengunjung",
        "total": "Total permintaan",
        "valid": "Permintaan valid",
        "failed": "Baris gagal dibaca",
        "visitors": "Pengunjung unik",
        "bandwidth": "Bandwidth",
        "crawlers": "Porsi perayap (robot)",
        "pages": "Halaman teratas",
        "notfound": "URL 404",
        "referrers": "Situs perujuk",
        "browsers": "Peramban",
        "systems": "Sistem operasi",
        "hours": "Lalu lintas per jam",
        "findings": "Aktivitas mencurigakan",
        "none": "Tidak ada aktivitas mencurigakan.",
        "hits": "Permintaan",
        "period": "Periode",
    },
    "en": {
        "title": "Visitor Activity Log",
        "total": "Total requests",
        "valid": "Valid requests",
        "failed": "Failed lines",
        "visitors": "Unique visitors",
        "bandwidth": "Bandwidth",
        "crawlers": "Crawler share",
        "pages": "Top pages",
        "notfound": "404 URLs",
        "referrers": "Referring sites",
        "browsers": "Browsers",
        "systems": "Operating systems",
        "hours": "Traffic per hour",
        "findings": "Suspicious activity",
        "none": "No suspicious activity.",
        "hits": "Hits",
        "period": "Period",
    },
}


def size(n: int) -> str:
    value = float(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n} B"


def _when(text: object, loc: Locale) -> str:
    """A time as logged (``24/Nov/2026:07:58:01 +0800``) in the reader's language and the
    court's time zone; shown as logged when it cannot be read."""
    moment = request_time(str(text)) if text else None
    return loc.datetime(moment, seconds=True) if moment else str(text or "—")


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown(data: dict[str, Any], language: str = "id") -> str:
    """The report as Markdown, in ``language`` (numbers, sizes, rule and agent names too)."""
    t = TEXTS.get(language, TEXTS["id"])
    loc = Locale(language)
    out = [
        f"# {t['title']}",
        "",
        f"{t['period']}: {_when(data['period']['first'], loc)} — "
        f"{_when(data['period']['last'], loc)}",
        "",
        "| | |",
        "|---|---|",
        f"| {t['total']} | {loc.number(data['total_requests'])} |",
        f"| {t['valid']} | {loc.number(data['valid_requests'])} |",
        f"| {t['failed']} | {loc.number(data['failed_requests'])} |",
        f"| {t['visitors']} | {loc.number(data['unique_visitors'])} |",
        f"| {t['bandwidth']} | {loc.size(data['bandwidth'])} |",
        f"| {t['crawlers']} | {loc.percent(data['crawler_share'], 1)} |",
        "",
    ]
    for key, title in (
        ("requested_files", "pages"),
        ("not_found", "notfound"),
        ("referring_sites", "referrers"),
        ("browsers", "browsers"),
        ("operating_systems", "systems"),
    ):
        rows = data[key]
        if not rows:
            continue
        out += [f"## {t[title]}", "", f"| | {t['hits']} |", "|---|---:|"]
        out += [
            f"| `{_cell(labels.agent_family(str(r['name']), loc))}` | {loc.number(r['hits'])} |"
            for r in rows[:10]
        ]
        out.append("")
    out += [f"## {t['hours']}", "", f"| | {t['hits']} | {t['visitors']} |", "|---|---:|---:|"]
    out += [f"| {h['hour']:02d}:00 | {h['hits']} | {h['visitors']} |" for h in data["hours"]]
    out += ["", f"## {t['findings']}", ""]
    if not data["findings"]:
        out.append(t["none"])
    else:
        head = [loc.t(f"visitors.col_{c}") for c in ("rule", "first", "last", "count", "sample")]
        out += ["| IP | " + " | ".join(head) + " |", "|---|---|---|---|---:|---|"]
        out += [
            f"| {f['ip']} | {labels.rule_name(f['rule'], loc)} | {_when(f['first'], loc)} | "
            f"{_when(f['last'], loc)} | "
            f"{loc.number(f['count'])} | `{_cell(f['samples'][0])}` |"
            for f in data["findings"]
        ]
    return "\n".join(out) + "\n"


_PANELS = {
    "id": {
        "visitors.days": "Pengunjung dan bandwidth per hari",
        "visitors.hosts": "Alamat pengunjung (host)",
        "visitors.static": "Berkas statis",
        "visitors.status_groups": "Kode status",
        "visitors.kinds": "Halaman dan berkas statis",
        "visitors.pages_kind": "Halaman",
        "visitors.static_kind": "Berkas statis",
        "visitors.crawler_panel": "Perayap dan pembaca umpan",
        "visitors.col_rule": "Aturan",
        "visitors.col_first": "Pertama",
        "visitors.col_last": "Terakhir",
        "visitors.col_count": "Permintaan",
        "visitors.col_sample": "Contoh",
        "visitors.failed_reasons": "Baris yang gagal dibaca",
        "visitors.reason": "Alasan",
        "visitors.lines": "Baris",
        "visitors.first_line": "Pertama di",
        "visitors.warnings": "Perhatian",
        "visitors.name": "Nama",
        "visitors.date": "Tanggal",
        "visitors.rule": "Aturan",
        "visitors.first": "Pertama",
        "visitors.last": "Terakhir",
        "visitors.sample": "Contoh",
        "visitors.deny": "Daftar blokir",
        "visitors.deny_until": "Diblokir sampai",
        "visitors.allowed": "Tidak dilaporkan (daftar izin)",
    },
    "en": {
        "visitors.days": "Visitors and bandwidth per day",
        "visitors.hosts": "Hosts",
        "visitors.static": "Static files",
        "visitors.status_groups": "Status codes",
        "visitors.kinds": "Pages and static files",
        "visitors.pages_kind": "Pages",
        "visitors.static_kind": "Static files",
        "visitors.crawler_panel": "Crawlers and feed readers",
        "visitors.col_rule": "Rule",
        "visitors.col_first": "First",
        "visitors.col_last": "Last",
        "visitors.col_count": "Requests",
        "visitors.col_sample": "Sample",
        "visitors.failed_reasons": "Lines that could not be read",
        "visitors.reason": "Reason",
        "visitors.lines": "Lines",
        "visitors.first_line": "First at",
        "visitors.warnings": "Attention",
        "visitors.name": "Name",
        "visitors.date": "Date",
        "visitors.rule": "Rule",
        "visitors.first": "First",
        "visitors.last": "Last",
        "visitors.sample": "Sample",
        "visitors.deny": "Deny list",
        "visitors.deny_until": "Denied until",
        "visitors.allowed": "Not reported (allow-list)",
    },
}
i18n.register(
    {
        language: {**{f"visitors.{k}": v for k, v in TEXTS[language].items()}, **_PANELS[language]}
        for language in ("id", "en")
    }
)


def _bars(
    rows: list[tuple[str, int]], *, width: int = 720, height: int = 160, label_every: int = 1
) -> Markup:
    """A bar chart as inline SVG (our own markup: labels are escaped here)."""
    top = max((v for _k, v in rows), default=0) or 1
    step = width / max(len(rows), 1)
    bars = []
    for i, (label, value) in enumerate(rows):
        h = value / top * (height - 20)
        x = i * step
        text = (
            f'<text x="{x + step / 2:.1f}" y="{height - 2}" font-size="9" '
            f'text-anchor="middle" fill="#5f6368">{html.escape(label)}</text>'
            if i % label_every == 0
            else ""
        )
        bars.append(
            f'<rect x="{x + 1:.1f}" y="{height - 15 - h:.1f}" width="{max(step - 2, 1):.1f}" '
            f'height="{h:.1f}" fill="#2e7d32"><title>{html.escape(label)}: {value}</title>'
            f"</rect>{text}"
        )
    return Markup(
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img">'
        + "".join(bars)
        + "</svg>"
    )


def page(
    data: dict[str, Any], *, site_name: str, language: str = "id", tz: str = "Asia/Makassar"
) -> str:
    """The report as a standalone HTML page on the shared frame (inline CSS and SVG charts,
    no script), in the site's language."""
    loc = Locale(language, tz)
    days = data["days"]
    charts = {
        "hours": _bars([(f"{h['hour']:02d}", h["hits"]) for h in data["hours"]]),
        "days_visitors": _bars(
            [(d["date"][5:], d["visitors"]) for d in days],
            label_every=max(1, len(days) // 12),
        ),
        "days_bandwidth": _bars(
            [(d["date"][5:], d["bandwidth"]) for d in days],
            label_every=max(1, len(days) // 12),
        ),
        "status": _bars([(g["name"], g["hits"]) for g in data["status_groups"]], height=120),
        "kinds": _bars(
            [
                (loc.t("visitors.pages_kind"), data["page_requests"]),
                (loc.t("visitors.static_kind"), data["static_requests"]),
            ],
            height=120,
        ),
        "browsers": _bars(
            [(labels.agent_family(r["name"], loc), r["hits"]) for r in data["browsers"][:8]]
        ),
        "crawlers": _bars([(r["name"], r["hits"]) for r in data["crawlers"][:8]]),
    }
    return templating.render(
        "visitors.html",
        loc,
        site_name=site_name,
        title=loc.t("visitors.title"),
        subtitle=f"{loc.t('visitors.period')}: {data['period']['first']} — "
        f"{data['period']['last']}",
        data=data,
        charts=charts,
        rule_name=lambda rule: labels.rule_name(rule, loc),
        agent=lambda name: labels.agent_family(name, loc),
    )
