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
from urllib.parse import urlsplit

from pipeline.visitors.agents import classify
from pipeline.visitors.parse import Hit

TOP = 20


@dataclass
class Figures:
    """Accumulates hits; :meth:`as_dict` gives the report's figures."""

    total: int = 0
    valid: int = 0
    failed: int = 0
    bandwidth: int = 0
    crawler_hits: int = 0
    first: str = ""
    last: str = ""
    visitors: set[tuple[str, str, str]] = field(default_factory=set)
    pages: Counter[str] = field(default_factory=Counter)
    page_visitors: defaultdict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    page_bytes: Counter[str] = field(default_factory=Counter)
    not_found: Counter[str] = field(default_factory=Counter)
    referrers: Counter[str] = field(default_factory=Counter)
    browsers: Counter[str] = field(default_factory=Counter)
    systems: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    hours: Counter[int] = field(default_factory=Counter)
    hour_visitors: defaultdict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    dates: Counter[str] = field(default_factory=Counter)

    def add_failed(self) -> None:
        self.total += 1
        self.failed += 1

    def add(self, hit: Hit) -> None:
        self.total += 1
        self.valid += 1
        self.bandwidth += hit.size
        status = hit.status
        self.statuses[status] += 1
        path = hit.path
        self.pages[path] += 1
        self.page_bytes[path] += hit.size
        if status == 404:
            self.not_found[path] += 1
        browser, system, crawler = classify(hit.agent)
        self.browsers[browser] += 1
        self.systems[system] += 1
        if crawler:
            self.crawler_hits += 1
        if hit.referer != "-":
            host = urlsplit(hit.referer).hostname
            if host:
                self.referrers[host] += 1
        hour = hit.hour
        date = hit.date
        self.hours[hour] += 1
        self.dates[date] += 1
        if not 400 <= status < 500:  # GoAccess leaves 4xx out of unique visitors
            key = (hit.ip, date, hit.agent)
            self.visitors.add(key)
            token = hash(key)
            self.page_visitors[path].add(token)
            self.hour_visitors[hour].add(token)
        if not self.first:
            self.first = hit.time
        self.last = hit.time

    def as_dict(self, top: int = TOP) -> dict[str, object]:
        """The report's figures (lists sorted by hits, then name)."""

        def ranked(counter: Counter[str], n: int = top) -> list[dict[str, object]]:
            items = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
            return [{"name": k, "hits": v} for k, v in items]

        valid = self.valid or 1
        return {
            "version": 1,
            "period": {"first": self.first, "last": self.last},
            "total_requests": self.total,
            "valid_requests": self.valid,
            "failed_requests": self.failed,
            "unique_visitors": len(self.visitors),
            "bandwidth": self.bandwidth,
            "crawler_share": round(self.crawler_hits / valid, 4) if self.valid else 0.0,
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
            "referring_sites": ranked(self.referrers),
            "browsers": ranked(self.browsers),
            "operating_systems": ranked(self.systems),
            "hours": [
                {
                    "hour": h,
                    "hits": self.hours.get(h, 0),
                    "visitors": len(self.hour_visitors.get(h, ())),
                }
                for h in range(24)
            ],
            "dates": [{"date": d, "hits": n} for d, n in sorted(self.dates.items())],
        }
