"""The figures GoAccess users know, with GoAccess' definitions.

- total requests: every line read; valid requests: lines that parse; failed
  requests: lines that do not;
- unique visitors: distinct (IP, date, user agent), leaving 4xx responses out;
- bandwidth: the sum of response sizes;
- requested files (top pages), not-found URLs (404), referring sites, browsers,
  operating systems, crawler share, and the time distribution per hour.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from urllib.parse import urlsplit

from pipeline.visitors.agents import classify
from pipeline.visitors.parse import Hit

TOP = 20


def _iso_date(day: str) -> str:
    """``25/Nov/2026`` → ``2026-11-25``."""
    return datetime.strptime(day, "%d/%b/%Y").date().isoformat()


@lru_cache(maxsize=65536)
def _referer_host(referer: str) -> str | None:
    try:
        return urlsplit(referer).hostname
    except ValueError:  # a malformed referer is not a site
        return None


@dataclass
class Figures:
    """Accumulates hits; :meth:`as_dict` gives the report's figures.

    The per-request work is kept to counting raw values (agents, referers,
    day-hour slots); each distinct value is classified once, in :meth:`as_dict`.
    """

    total: int = 0
    valid: int = 0
    failed: int = 0
    bandwidth: int = 0
    first: str = ""
    last: str = ""
    visitors: set[tuple[str, str, str]] = field(default_factory=set)
    pages: Counter[str] = field(default_factory=Counter)
    page_visitors: defaultdict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    page_bytes: Counter[str] = field(default_factory=Counter)
    not_found: Counter[str] = field(default_factory=Counter)
    referers: Counter[str] = field(default_factory=Counter)
    agents: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    slots: Counter[str] = field(default_factory=Counter)
    """Hits per ``dd/Mon/yyyy:HH`` of the log's local time."""
    hour_visitors: defaultdict[str, set[int]] = field(default_factory=lambda: defaultdict(set))

    def add_failed(self) -> None:
        self.total += 1
        self.failed += 1

    def add(self, hit: Hit) -> None:
        self.total += 1
        self.valid += 1
        size = hit.size
        self.bandwidth += size
        status = hit.status
        self.statuses[status] += 1
        path = hit.path
        self.pages[path] += 1
        self.page_bytes[path] += size
        if status == 404:
            self.not_found[path] += 1
        agent = hit.agent
        self.agents[agent] += 1
        if hit.referer != "-":
            self.referers[hit.referer] += 1
        time = hit.time
        slot = time[:14]
        self.slots[slot] += 1
        if not 400 <= status < 500:  # GoAccess leaves 4xx out of unique visitors
            key = (hit.ip, time[:11], agent)
            self.visitors.add(key)
            token = hash(key)
            self.page_visitors[path].add(token)
            self.hour_visitors[slot[12:14]].add(token)
        if not self.first:
            self.first = time
        self.last = time

    def _derived(self) -> tuple[Counter[str], Counter[str], Counter[str], int]:
        browsers: Counter[str] = Counter()
        systems: Counter[str] = Counter()
        crawlers = 0
        for agent, hits in self.agents.items():
            browser, system, crawler = classify(agent)
            browsers[browser] += hits
            systems[system] += hits
            crawlers += hits if crawler else 0
        referrers: Counter[str] = Counter()
        for referer, hits in self.referers.items():
            host = _referer_host(referer)
            if host:
                referrers[host] += hits
        return browsers, systems, referrers, crawlers

    def as_dict(self, top: int = TOP) -> dict[str, object]:
        """The report's figures (lists sorted by hits, then name)."""

        def ranked(counter: Counter[str], n: int = top) -> list[dict[str, object]]:
            items = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
            return [{"name": k, "hits": v} for k, v in items]

        valid = self.valid or 1
        browsers, systems, referrers, crawlers = self._derived()
        hours: Counter[int] = Counter()
        dates: Counter[str] = Counter()
        for slot, hits in self.slots.items():
            hours[int(slot[12:14])] += hits
            dates[_iso_date(slot[:11])] += hits
        return {
            "version": 1,
            "period": {"first": self.first, "last": self.last},
            "total_requests": self.total,
            "valid_requests": self.valid,
            "failed_requests": self.failed,
            "unique_visitors": len(self.visitors),
            "bandwidth": self.bandwidth,
            "crawler_share": round(crawlers / valid, 4) if self.valid else 0.0,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "requested_files": [
                {
                    "name": k,
                    "hits": v,
                    "visitors": len(self.page_visitors.get(k, ())),
                    "bandwidth": self.page_bytes[k],
                }
                for k, v in sorted(self.pages.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
            ],
            "not_found": ranked(self.not_found),
            "referring_sites": ranked(referrers),
            "browsers": ranked(browsers),
            "operating_systems": ranked(systems),
            "hours": [
                {
                    "hour": h,
                    "hits": hours.get(h, 0),
                    "visitors": len(self.hour_visitors.get(f"{h:02d}", ())),
                }
                for h in range(24)
            ],
            "dates": [{"date": d, "hits": n} for d, n in sorted(dates.items())],
        }
