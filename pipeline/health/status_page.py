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

from pipeline import i18n, opsdb, templating
from pipeline.config import Config
from pipeline.fsutil import atomic_write_bytes
from pipeline.health import causes, history
from pipeline.health.policy import UNKNOWN
from pipeline.health.store import database_path, shared_history
from pipeline.i18n import Locale
from pipeline.site.live import now_utc
from pipeline.templating import Markup

i18n.register(
    {
        "id": {
            "status.title": "Status Layanan",
            "status.updated": "Diperbarui {when}",
            "status.up": "Normal",
            "status.down": "Gangguan",
            "status.unknown": "Belum diperiksa",
            "status.uptime": "Ketersediaan {span}",
            "status.response": "Waktu respons 24 jam terakhir",
            "status.incidents": "Insiden {days} hari terakhir",
            "status.none": "Tidak ada insiden.",
            "status.open": "masih berlangsung",
            "status.no_data": "Belum ada data.",
            "status.service": "Layanan",
            "status.state": "Keadaan",
            "status.max": "tertinggi {ms}",
            "status.span.24h": "24 jam",
            "status.span.7d": "7 hari",
            "status.span.30d": "30 hari",
        },
        "en": {
            "status.title": "Service Status",
            "status.updated": "Updated {when}",
            "status.up": "Operational",
            "status.down": "Outage",
            "status.unknown": "Not checked yet",
            "status.uptime": "Uptime {span}",
            "status.response": "Response time, last 24 hours",
            "status.incidents": "Incidents, last {days} days",
            "status.none": "No incidents.",
            "status.open": "ongoing",
            "status.no_data": "No data yet.",
            "status.service": "Service",
            "status.state": "State",
            "status.max": "highest {ms}",
            "status.span.24h": "24 hours",
            "status.span.7d": "7 days",
            "status.span.30d": "30 days",
        },
    }
)

INCIDENT_DAYS = 30
"""Incidents closed within this many days are listed."""


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
                    "cause_key": causes.key(i.cause)[0],
                }
                for i in self.incidents
            ],
        }


def collect(
    db: sqlite3.Connection, names: list[str], now: datetime, incident_days: int = INCIDENT_DAYS
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


def sparkline(
    points: list[tuple[datetime, float]],
    *,
    end: datetime,
    label: str,
    width: int = 600,
    height: int = 80,
) -> str:
    """An SVG line of response times over the 24 hours before ``end``; ``label`` is the
    (translated, formatted) highest value, shown in the corner."""
    if not points:
        return ""
    start = end - timedelta(hours=24)
    top = max(ms for _t, ms in points) or 1.0
    coords = []
    for moment, ms in points:
        x = (moment - start).total_seconds() / 86400 * width
        y = height - ms / top * (height - 10) - 5
        coords.append(f"{x:.1f},{y:.1f}")
    text = html.escape(label)
    return (
        f'<svg viewBox="0 0 {width} {height}" width="100%" height="{height}" role="img" '
        'preserveAspectRatio="none" '
        f'aria-label="{text}"><polyline fill="none" stroke="#2e7d32" '
        f'stroke-width="2" points="{" ".join(coords)}"/>'
        f'<text x="4" y="12" font-size="11" fill="#5f6368">{text}</text></svg>'
    )


def render(data: StatusData, *, site_name: str, language: str, tz: str) -> str:
    """The page's HTML: the ``status.html`` template on the shared ``base.html``."""
    loc = Locale(language, tz)
    endpoints = []
    for e in data.endpoints:
        state = e.state if e.state in {"up", "down"} and e.state != UNKNOWN else "unknown"
        top = max((ms for _t, ms in e.response), default=None)
        chart = sparkline(e.response, end=data.generated, label=loc.t("status.max", ms=loc.ms(top)))
        endpoints.append(
            {
                "name": e.name,
                "state": state,
                "uptime": [e.uptime[p] for p in history.PERIODS],
                "chart": Markup(chart) if chart else None,  # built above, labels escaped
            }
        )
    incidents = [
        {
            "endpoint": i.endpoint,
            "opened": i.opened_at,
            "closed": i.closed_at,
            "cause": causes.describe(i.cause, loc),
        }
        for i in data.incidents
    ]
    return templating.render(
        "status.html",
        loc,
        site_name=site_name,
        title=loc.t("status.title"),
        subtitle=loc.t("status.updated", when=loc.datetime(data.generated)),
        spans=[loc.t_or(f"status.span.{p}", p) for p in history.PERIODS],
        endpoints=endpoints,
        incidents=incidents,
        incident_days=INCIDENT_DAYS,
    )


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
