"""The public status page: uptime over 24 h / 7 d / 30 d, response times, incidents.

A standalone HTML page (inline CSS and SVG, no script, nothing fetched from
elsewhere) and a ``status.json`` beside it, written into ``site/status/``.
"""

from __future__ import annotations

import html
import json
import sqlite3
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from pipeline import opsdb
from pipeline.config import Config
from pipeline.fsutil import atomic_write_bytes
from pipeline.health import history
from pipeline.health.policy import UNKNOWN
from pipeline.health.store import database_path, shared_history
from pipeline.site.live import now_utc

TEXTS = {
    "id": {
        "title": "Status Layanan",
        "updated": "Diperbarui",
        "up": "Normal",
        "down": "Gangguan",
        "unknown": "Belum diperiksa",
        "uptime": "Ketersediaan",
        "response": "Waktu respons 24 jam terakhir (ms)",
        "incidents": "Insiden",
        "none": "Tidak ada insiden.",
        "open": "berlangsung",
        "no_data": "Belum ada data.",
        "service": "Layanan",
    },
    "en": {
        "title": "Service Status",
        "updated": "Updated",
        "up": "Operational",
        "down": "Outage",
        "unknown": "Not checked yet",
        "uptime": "Uptime",
        "response": "Response time, last 24 hours (ms)",
        "incidents": "Incidents",
        "none": "No incidents.",
        "open": "ongoing",
        "no_data": "No data yet.",
        "service": "Service",
    },
}


@dataclass
class EndpointStatus:
    name: str
    state: str
    uptime: dict[str, float | None]
    response: list[tuple[datetime, float]] = field(default_factory=list)


@dataclass
class StatusData:
    generated: datetime
    endpoints: list[EndpointStatus]
    incidents: list[history.Incident]

    def as_dict(self) -> dict[str, object]:
        return {
            "version": 1,
            "generated": self.generated.isoformat(),
            "endpoints": [
                {
                    "name": e.name,
                    "state": e.state,
                    "uptime": e.uptime,
                    "response_ms_24h": [[t.isoformat(), ms] for t, ms in e.response],
                }
                for e in self.endpoints
            ],
            "incidents": [
                {
                    "endpoint": i.endpoint,
                    "opened_at": i.opened_at.isoformat(),
                    "closed_at": i.closed_at.isoformat() if i.closed_at else None,
                    "cause": i.cause,
                }
                for i in self.incidents
            ],
        }


def collect(
    db: sqlite3.Connection, names: list[str], now: datetime, incident_days: int = 30
) -> StatusData:
    """Everything the page shows, read from the history."""
    endpoints = []
    for name in names:
        uptime = {
            label: history.uptime(db, name, now - span) for label, span in history.PERIODS.items()
        }
        endpoints.append(
            EndpointStatus(
                name,
                history.load_state(db, name).state,
                uptime,
                history.response_times(db, name, now - timedelta(hours=24)),
            )
        )
    since = now - timedelta(days=incident_days)
    recent = [i for i in history.incidents(db) if i.closed_at is None or i.closed_at >= since]
    return StatusData(now, endpoints, recent)


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.2f}%"


def sparkline(
    points: list[tuple[datetime, float]], *, end: datetime, width: int = 600, height: int = 80
) -> str:
    """An SVG line of response times over the 24 hours before ``end``."""
    if not points:
        return ""
    start = end - timedelta(hours=24)
    top = max(ms for _t, ms in points) or 1.0
    coords = []
    for moment, ms in points:
        x = (moment - start).total_seconds() / 86400 * width
        y = height - ms / top * (height - 10) - 5
        coords.append(f"{x:.1f},{y:.1f}")
    return (
        f'<svg viewBox="0 0 {width} {height}" width="100%" height="{height}" role="img" '
        'preserveAspectRatio="none" '
        f'aria-label="max {top:.0f} ms"><polyline fill="none" stroke="#2e7d32" '
        f'stroke-width="2" points="{" ".join(coords)}"/>'
        f'<text x="4" y="12" font-size="11" fill="#555">{top:.0f} ms</text></svg>'
    )


def render(data: StatusData, *, site_name: str, language: str, tz: str) -> str:
    """The page's HTML."""
    t = TEXTS.get(language, TEXTS["id"])
    local = ZoneInfo(tz)
    esc = html.escape

    def when(moment: datetime) -> str:
        return moment.astimezone(local).strftime("%Y-%m-%d %H:%M %Z")

    rows, charts = [], []
    for e in data.endpoints:
        label = t.get(e.state, t["unknown"]) if e.state != UNKNOWN else t["unknown"]
        rows.append(
            f'<tr><td>{esc(e.name)}</td><td class="{esc(e.state)}">{esc(label)}</td>'
            + "".join(f"<td>{_percent(e.uptime[p])}</td>" for p in history.PERIODS)
            + "</tr>"
        )
        chart = sparkline(e.response, end=data.generated)
        if chart:
            charts.append(f"<h3>{esc(e.name)}</h3>{chart}")
    incidents = (
        "".join(
            f"<li><strong>{esc(i.endpoint)}</strong> — {esc(when(i.opened_at))} → "
            f"{esc(when(i.closed_at)) if i.closed_at else t['open']}: {esc(i.cause)}</li>"
            for i in data.incidents
        )
        or f"<li>{t['none']}</li>"
    )
    body = (
        f"<table><thead><tr><th>{t['service']}</th><th></th>"
        + "".join(f"<th>{t['uptime']} {p}</th>" for p in history.PERIODS)
        + f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        if rows
        else f"<p>{t['no_data']}</p>"
    )
    return f"""<!doctype html>
<html lang="{esc(language)}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{t["title"]} — {esc(site_name)}</title>
<style>
body{{font-family:system-ui,sans-serif;max-width:760px;margin:2rem auto;padding:0 1rem;color:#222}}
table{{border-collapse:collapse;width:100%}}td,th{{padding:.4rem;border-bottom:1px solid #ddd;
text-align:left}}.up{{color:#2e7d32}}.down{{color:#c62828;font-weight:bold}}
.unknown{{color:#777}}h3{{margin:1rem 0 .2rem;font-size:1rem}}
</style></head><body>
<h1>{t["title"]}</h1><p>{esc(site_name)} · {t["updated"]} {esc(when(data.generated))}</p>
{body}
<h2>{t["response"]}</h2>{"".join(charts) or f"<p>{t['no_data']}</p>"}
<h2>{t["incidents"]}</h2><ul>{incidents}</ul>
</body></html>
"""


def files(data: StatusData, *, site_name: str, language: str, tz: str) -> dict[str, bytes]:
    """Relative path → bytes of the status page's files."""
    return {
        "status/index.html": render(data, site_name=site_name, language=language, tz=tz).encode(
            "utf-8"
        ),
        "status/status.json": (
            json.dumps(data.as_dict(), ensure_ascii=False, indent=2) + "\n"
        ).encode("utf-8"),
    }


def write_status_page(
    config: Config,
    *,
    site_dir: Path | None = None,
    now: datetime | None = None,
    shared: bool = True,
) -> list[Path]:
    """Write ``status/index.html`` and ``status/status.json`` into the built site.

    ``shared=False`` reads the local database as it is (used right after a run,
    before that run's copy is uploaded).
    """
    target_dir = site_dir or config.path("site")
    moment = now or now_utc()
    names = [e.name for e in config.health.endpoints]
    source = shared_history(config, write=False) if shared else nullcontext(database_path(config))
    with source as database:
        if database.is_file():
            db = opsdb.connect(database)
            try:
                data = collect(db, names, moment)
            finally:
                db.close()
        else:
            data = StatusData(moment, [], [])
    written = []
    for rel, content in files(
        data, site_name=config.site.name, language=config.site.language, tz=config.site.timezone
    ).items():
        atomic_write_bytes(target_dir / rel, content)
        written.append(target_dir / rel)
    return written
