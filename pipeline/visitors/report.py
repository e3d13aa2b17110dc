"""The visitor activity report as Markdown and as a standalone HTML page with charts."""

from __future__ import annotations

import html
from typing import Any

TEXTS = {
    "id": {
        "title": "Log Aktivitas Pengunjung",
        "total": "Total permintaan",
        "valid": "Permintaan valid",
        "failed": "Baris gagal dibaca",
        "visitors": "Pengunjung unik",
        "bandwidth": "Bandwidth",
        "crawlers": "Porsi crawler",
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


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown(data: dict[str, Any], language: str = "id") -> str:
    """The report as Markdown."""
    t = TEXTS.get(language, TEXTS["id"])
    out = [
        f"# {t['title']}",
        "",
        f"{t['period']}: {data['period']['first']} — {data['period']['last']}",
        "",
        "| | |",
        "|---|---|",
        f"| {t['total']} | {data['total_requests']} |",
        f"| {t['valid']} | {data['valid_requests']} |",
        f"| {t['failed']} | {data['failed_requests']} |",
        f"| {t['visitors']} | {data['unique_visitors']} |",
        f"| {t['bandwidth']} | {size(data['bandwidth'])} |",
        f"| {t['crawlers']} | {data['crawler_share'] * 100:.1f}% |",
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
        out += [f"| `{_cell(r['name'])}` | {r['hits']} |" for r in rows[:10]]
        out.append("")
    out += [f"## {t['hours']}", "", f"| | {t['hits']} | {t['visitors']} |", "|---|---:|---:|"]
    out += [f"| {h['hour']:02d}:00 | {h['hits']} | {h['visitors']} |" for h in data["hours"]]
    out += ["", f"## {t['findings']}", ""]
    if not data["findings"]:
        out.append(t["none"])
    else:
        out += ["| IP | rule | first | last | count | sample |", "|---|---|---|---|---:|---|"]
        out += [
            f"| {f['ip']} | {f['rule']} | {f['first']} | {f['last']} | {f['count']} | "
            f"`{_cell(f['samples'][0])}` |"
            for f in data["findings"]
        ]
    return "\n".join(out) + "\n"


def _bars(rows: list[tuple[str, int]], *, width: int = 720, height: int = 160) -> str:
    top = max((v for _k, v in rows), default=0) or 1
    step = width / max(len(rows), 1)
    bars = []
    for i, (label, value) in enumerate(rows):
        h = value / top * (height - 20)
        x = i * step
        bars.append(
            f'<rect x="{x + 1:.1f}" y="{height - 15 - h:.1f}" width="{step - 2:.1f}" '
            f'height="{h:.1f}" fill="#2e7d32"><title>{html.escape(label)}: {value}</title>'
            f'</rect><text x="{x + step / 2:.1f}" y="{height - 2}" font-size="9" '
            f'text-anchor="middle" fill="#555">{html.escape(label)}</text>'
        )
    return (
        f'<svg viewBox="0 0 {width} {height}" width="100%" role="img">' + "".join(bars) + "</svg>"
    )


def page(data: dict[str, Any], *, site_name: str, language: str = "id") -> str:
    """A standalone HTML page (inline CSS and SVG charts, no script)."""
    t = TEXTS.get(language, TEXTS["id"])
    esc = html.escape

    def table(rows: list[dict[str, Any]], value: str = "hits") -> str:
        return (
            "<table>"
            + "".join(
                f"<tr><td>{esc(str(r['name']))}</td><td class=n>{r[value]}</td></tr>"
                for r in rows[:10]
            )
            + "</table>"
        )

    findings = "".join(
        f"<tr><td>{esc(f['ip'])}</td><td>{esc(f['rule'])}</td><td>{esc(f['first'])}</td>"
        f"<td class=n>{f['count']}</td><td><code>{esc(f['samples'][0])}</code></td></tr>"
        for f in data["findings"]
    )
    hours = _bars([(f"{h['hour']:02d}", h["hits"]) for h in data["hours"]])
    browsers = _bars([(r["name"], r["hits"]) for r in data["browsers"][:8]])
    return f"""<!doctype html>
<html lang="{esc(language)}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{t["title"]} — {esc(site_name)}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:820px;margin:2rem auto;padding:0 1rem}}
table{{border-collapse:collapse;width:100%}}td{{padding:.3rem;border-bottom:1px solid #ddd}}
td.n{{text-align:right}}.kpi{{display:grid;grid-template-columns:repeat(3,1fr);gap:.5rem}}
.kpi div{{background:#f1f8e9;padding:.6rem}}.kpi b{{display:block;font-size:1.4rem}}
code{{font-size:.85em;word-break:break-all}}</style></head><body>
<h1>{t["title"]}</h1>
<p>{esc(site_name)} · {t["period"]}: {esc(data["period"]["first"])} —
{esc(data["period"]["last"])}</p>
<div class=kpi>
<div>{t["total"]}<b>{data["total_requests"]}</b></div>
<div>{t["visitors"]}<b>{data["unique_visitors"]}</b></div>
<div>{t["bandwidth"]}<b>{size(data["bandwidth"])}</b></div>
<div>{t["valid"]}<b>{data["valid_requests"]}</b></div>
<div>{t["failed"]}<b>{data["failed_requests"]}</b></div>
<div>{t["crawlers"]}<b>{data["crawler_share"] * 100:.1f}%</b></div></div>
<h2>{t["hours"]}</h2>{hours}
<h2>{t["browsers"]}</h2>{browsers}
<h2>{t["pages"]}</h2>{table(data["requested_files"])}
<h2>{t["notfound"]}</h2>{table(data["not_found"])}
<h2>{t["referrers"]}</h2>{table(data["referring_sites"])}
<h2>{t["systems"]}</h2>{table(data["operating_systems"])}
<h2>{t["findings"]}</h2>
{f"<table>{findings}</table>" if findings else f"<p>{t['none']}</p>"}
</body></html>
"""
