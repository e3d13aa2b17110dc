"""The figures and panels GoAccess users know, with GoAccess's definitions.

- total requests: every line read; valid requests: lines that parse; failed requests:
  lines that do not (with the reason of each);
- unique visitors: distinct (IP, date, user agent), leaving 4xx responses out;
- bandwidth: the sum of response sizes;
- panels: visitors and bandwidth per day, requested pages and static files (split by the
  path's extension, as GoAccess does), not-found URLs, hosts, referring sites, browsers,
  operating systems, crawlers and feed readers, status codes by group, and the time
  distribution per hour.

Memory is the constraint (a million distinct addresses must fit where GoAccess fits, and a
realistic log must not cost much more than the interpreter): distinct visitors are counted
as they arrive, in compact open-addressing tables of 64-bit hashes held in typed arrays
(:class:`HashTable`, 8 to 12 bytes a slot, at most half full) — a visitor's hash of (IP,
date, agent) with a bit mask of the hours it was seen in, and a hash of (visitor, path) —
so memory follows the distinct visitors, not the requests; each host's hits, bytes and
visitors are three array cells.
"""

from __future__ import annotations

import heapq
from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import compress
from urllib.parse import urlsplit

from pipeline.visitors.agents import CRAWLERS, FEED, classify
from pipeline.visitors.parse import Hit
from pipeline.visitors.rules import GROW

TOP = 20

STATIC = frozenset(
    [
        "css",
        "js",
        "mjs",
        "map",
        "jpg",
        "jpeg",
        "png",
        "gif",
        "webp",
        "avif",
        "ico",
        "svg",
        "bmp",
        "tif",
        "tiff",
        "woff",
        "woff2",
        "ttf",
        "otf",
        "eot",
        "pdf",
        "txt",
        "csv",
        "xml",
        "json",
        "zip",
        "gz",
        "tgz",
        "rar",
        "7z",
        "mp3",
        "mp4",
        "m4a",
        "ogg",
        "webm",
        "avi",
        "mpg",
        "mpeg",
        "mov",
        "wav",
        "flv",
        "swf",
        "doc",
        "docx",
        "xls",
        "xlsx",
        "ppt",
        "pptx",
        "odt",
        "ods",
        "odp",
        "rtf",
        "exe",
        "dmg",
        "apk",
        "iso",
        "wasm",
    ]
)
"""Extensions of static files (GoAccess's list, plus the document formats a court
publishes): requests for these are *static requests*, the others *pages*."""

STATUS_GROUPS = {
    "1": "1xx Informational",
    "2": "2xx Success",
    "3": "3xx Redirection",
    "4": "4xx Client Errors",
    "5": "5xx Server Errors",
}


def is_static(path: str) -> bool:
    """Whether the path (its query left out) names a static file by its extension."""
    end = path.find("?")
    name = path if end < 0 else path[:end]
    dot = name.rfind(".")
    return dot > name.rfind("/") and name[dot + 1 :].lower() in STATIC


_static = lru_cache(maxsize=65536)(is_static)


@lru_cache(maxsize=65536)
def _referer_host(referer: str) -> str | None:
    try:
        return urlsplit(referer).hostname
    except ValueError:  # a malformed referer is not a site
        return None


@dataclass(slots=True)
class _Item:
    """Hits, visitors and bytes of one panel row (visitors are counted at the end)."""

    index: int
    hits: int = 0
    visitors: int = 0
    bandwidth: int = 0


def _index(table: dict[str, _Item], key: str) -> _Item:
    item = table.get(key)
    if item is None:
        item = table[key] = _Item(len(table))
    return item


_ZERO_KEYS = array("q", [0])
_ZERO_VALUES = array("i", [0])


class HashTable:
    """A set of non-zero 64-bit keys, optionally with a 32-bit value each: open addressing
    with linear probing in typed arrays (no Python object per key), kept at most half full.

    A Python ``set`` of a million 64-bit ints takes about 60 MiB (an int object and a slot
    each); this takes 16 (keys) or 24 (with values) MiB, and a realistic log's few hundred
    thousand visitors a few MiB.
    """

    __slots__ = ("keys", "limit", "mask", "size", "values")

    def __init__(self, *, values: bool = False, bits: int = 12) -> None:
        self.keys: array[int] = _ZERO_KEYS * (1 << bits)
        self.values: array[int] | None = _ZERO_VALUES * (1 << bits) if values else None
        self.mask = (1 << bits) - 1
        self.size = 0
        self.limit = 1 << (bits - 1)

    def __len__(self) -> int:
        return self.size

    def add(self, key: int) -> bool:
        """Put ``key`` (non-zero) in the table; whether it was new."""
        keys, mask = self.keys, self.mask
        slot = key & mask
        while True:
            found = keys[slot]
            if found == key:
                return False
            if found == 0:
                break
            slot = (slot + 1) & mask
        keys[slot] = key
        self.size += 1
        if self.size > self.limit:
            self._grow()
        return True

    def add_bits(self, key: int, bit: int) -> int:
        """Put ``key`` (non-zero) in the table and ``bit`` in its value: 2 when the key was
        new, 1 when only the bit was, 0 when both were there."""
        keys, mask = self.keys, self.mask
        values = self.values
        assert values is not None
        slot = key & mask
        while True:
            found = keys[slot]
            if found == key:
                old = values[slot]
                if old & bit:
                    return 0
                values[slot] = old | bit
                return 1
            if found == 0:
                break
            slot = (slot + 1) & mask
        keys[slot] = key
        values[slot] = bit
        self.size += 1
        if self.size > self.limit:
            self._grow()
        return 2

    def _grow(self) -> None:
        old_keys, old_values = self.keys, self.values
        bits = self.mask.bit_length() + 1
        keys = _ZERO_KEYS * (1 << bits)
        values = _ZERO_VALUES * (1 << bits) if old_values is not None else None
        mask = (1 << bits) - 1
        if values is None or old_values is None:
            for key in filter(None, old_keys):
                slot = key & mask
                while keys[slot]:
                    slot = (slot + 1) & mask
                keys[slot] = key
        else:
            for key, value in compress(zip(old_keys, old_values, strict=True), old_keys):
                slot = key & mask
                while keys[slot]:
                    slot = (slot + 1) & mask
                keys[slot] = key
                values[slot] = value
        self.keys, self.values, self.mask, self.limit = keys, values, mask, 1 << (bits - 1)


@dataclass
class Figures:
    """Accumulates hits; :meth:`as_dict` gives the report's figures and panels.

    The per-request work is kept to counting raw values (agents, referers, paths) and to
    appending a few integers per request; distinct visitors (overall, per day, host, page
    and hour) are counted once, at the end, over those arrays. Each distinct agent and
    referer is classified once, in :meth:`as_dict`.
    """

    total: int = 0
    valid: int = 0
    failed: int = 0
    bandwidth: int = 0
    first: str = ""
    last: str = ""
    first_at: float = float("inf")
    last_at: float = float("-inf")
    reasons: Counter[str] = field(default_factory=Counter)
    """Failed lines by reason."""
    failed_where: dict[str, str] = field(default_factory=dict)
    """The first place (``file:line``) of each reason."""
    paths: dict[str, _Item] = field(default_factory=dict)
    not_found: dict[str, _Item] = field(default_factory=dict)
    days: dict[str, _Item] = field(default_factory=dict)
    hosts: dict[str, int] = field(default_factory=dict)
    """Address → its index in :attr:`host_hits` and :attr:`host_bytes` (may be shared with
    :class:`pipeline.visitors.rules.Addresses`, which indexes addresses the same way)."""
    host_hits: array[int] = field(default_factory=lambda: array("q"))
    host_bytes: array[int] = field(default_factory=lambda: array("q"))
    host_visitors: array[int] = field(default_factory=lambda: array("q"))
    # Each address's first visitor lives beside the address, not in the tables (a million
    # addresses seen once each: no table entry at all): a hash of its (date, agent), the
    # hours it was seen in, and the index + 1 of its first path.
    first_visitor: array[int] = field(default_factory=lambda: array("q"))
    first_hours: array[int] = field(default_factory=lambda: array("i"))
    first_path: array[int] = field(default_factory=lambda: array("i"))
    first_visitors: int = 0
    referers: Counter[str] = field(default_factory=Counter)
    agents: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    hours: list[int] = field(default_factory=lambda: [0] * 24)
    hour_visitors: list[int] = field(default_factory=lambda: [0] * 24)
    visitors: HashTable = field(default_factory=lambda: HashTable(values=True))
    """The other distinct visitors: hash of (IP, date, agent) → bit mask of the hours seen
    in."""
    visits: HashTable = field(default_factory=HashTable)
    """Distinct (visitor, path) pairs beyond each address's first, for the visitors of each
    page."""

    def add_failed(self, reason: str, where: str = "") -> None:
        """Count one line that could not be read."""
        self.total += 1
        self.failed += 1
        self.reasons[reason] += 1
        if where and reason not in self.failed_where:
            self.failed_where[reason] = where

    def add(self, hit: Hit) -> None:
        """Count one request."""
        self.add_all((hit,))

    def add_all(self, hits: Iterable[Hit]) -> None:
        """Count these requests (the per-request work, with the tables held in locals)."""
        statuses, agents, referers, hours = self.statuses, self.agents, self.referers, self.hours
        paths, days, hosts, not_found = self.paths, self.days, self.hosts, self.not_found
        host_hits, host_bytes, host_visitors = self.host_hits, self.host_bytes, self.host_visitors
        first_visitor, first_hours, first_path = (
            self.first_visitor,
            self.first_hours,
            self.first_path,
        )
        hour_visitors = self.hour_visitors
        firsts = 0
        add_bits, add_visit = self.visitors.add_bits, self.visits.add
        first_at, last_at = self.first_at, self.last_at
        count = bandwidth = 0
        for hit in hits:
            count += 1
            size = hit.size
            bandwidth += size
            status = hit.status
            statuses[status] += 1
            path = hit.path
            agent = hit.agent
            ip = hit.ip
            hour = hit.hour
            agents[agent] += 1
            if hit.referer != "-":
                referers[hit.referer] += 1
            hours[hour] += 1
            item = paths.get(path)
            if item is None:
                item = paths[path] = _Item(len(paths))
            item.hits += 1
            item.bandwidth += size
            date = hit.date
            day = days.get(date)
            if day is None:
                day = days[date] = _Item(len(days))
            day.hits += 1
            day.bandwidth += size
            host = hosts.get(ip)
            if host is None:
                host = hosts[ip] = len(hosts)
            if host >= len(host_hits):  # (the index may be shared with the rules)
                grow = host + GROW - len(host_hits)  # room for the next new addresses too
                for table in (host_hits, host_bytes, host_visitors, first_visitor):
                    table.extend(_ZERO_KEYS * grow)
                first_hours.extend(_ZERO_VALUES * grow)
                first_path.extend(_ZERO_VALUES * grow)
            host_hits[host] += 1
            host_bytes[host] += size
            if status == 404:
                missing = _index(not_found, path)
                missing.hits += 1
                missing.bandwidth += size
            elif not 400 <= status < 500:  # GoAccess leaves 4xx out of unique visitors
                token = hash((date, agent)) or 1
                first = first_visitor[host]
                if first == 0:  # the address's first visitor
                    first_visitor[host] = token
                    first_hours[host] = 1 << hour
                    first_path[host] = item.index + 1
                    firsts += 1
                    hour_visitors[hour] += 1
                    day.visitors += 1
                    host_visitors[host] += 1
                    item.visitors += 1
                elif first == token:  # that visitor again
                    seen = first_hours[host]
                    if not seen & 1 << hour:
                        first_hours[host] = seen | 1 << hour
                        hour_visitors[hour] += 1
                    if first_path[host] != item.index + 1 and add_visit(
                        hash((ip, date, agent, item.index)) or 1
                    ):
                        item.visitors += 1
                else:  # another visitor from the address
                    visitor = hash((ip, date, agent)) or 1
                    new = add_bits(visitor, 1 << hour)
                    if new:
                        hour_visitors[hour] += 1
                        if new == 2:
                            day.visitors += 1
                            host_visitors[host] += 1
                    if add_visit(hash((visitor, item.index)) or 1):
                        item.visitors += 1
            at = hit.at
            if at < first_at:
                first_at, self.first = at, hit.time
            if at > last_at:
                last_at, self.last = at, hit.time
        self.first_at, self.last_at = first_at, last_at
        self.first_visitors += firsts
        self.total += count
        self.valid += count
        self.bandwidth += bandwidth

    def _derived(self) -> tuple[Counter[str], Counter[str], Counter[str], Counter[str], int]:
        browsers: Counter[str] = Counter()
        systems: Counter[str] = Counter()
        robots: Counter[str] = Counter()
        crawlers = 0
        for agent, hits in self.agents.items():
            browser, system, robot = classify(agent)
            browsers[browser] += hits
            systems[system] += hits
            if robot:
                crawlers += hits
                robots[_robot_name(agent, browser)] += hits
        referrers: Counter[str] = Counter()
        for referer, hits in self.referers.items():
            host = _referer_host(referer)
            if host:
                referrers[host] += hits
        return browsers, systems, referrers, robots, crawlers

    def as_dict(self, top: int = TOP) -> dict[str, object]:
        """The report's figures (lists sorted by hits, then name)."""

        def ranked(counter: Counter[str], n: int = top) -> list[dict[str, object]]:
            items = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
            return [{"name": k, "hits": v} for k, v in items]

        def rows(items: dict[str, _Item], n: int = top) -> list[dict[str, object]]:
            best = sorted(items.items(), key=lambda kv: (-kv[1].hits, kv[0]))[:n]
            return [
                {"name": k, "hits": v.hits, "visitors": v.visitors, "bandwidth": v.bandwidth}
                for k, v in best
            ]

        valid = self.valid or 1
        unique, host_visitors, hour_visitors = (
            self.first_visitors + len(self.visitors),
            self.host_visitors,
            self.hour_visitors,
        )
        browsers, systems, referrers, robots, crawlers = self._derived()
        pages = {k: v for k, v in self.paths.items() if not _static(k)}
        static = {k: v for k, v in self.paths.items() if _static(k)}
        groups: dict[str, dict[str, object]] = {}
        for status, hits in sorted(self.statuses.items()):
            name = STATUS_GROUPS.get(str(status)[0], "Others")
            group = groups.setdefault(name, {"name": name, "hits": 0, "codes": {}})
            group["hits"] = int(str(group["hits"])) + hits
            codes = group["codes"]
            assert isinstance(codes, dict)
            codes[str(status)] = hits
        per_host = self.host_hits
        hosts = _top_hosts(self.hosts, per_host, top)
        return {
            "version": 2,
            "period": {"first": self.first, "last": self.last},
            "total_requests": self.total,
            "valid_requests": self.valid,
            "failed_requests": self.failed,
            "failed_reasons": [
                {"reason": reason, "lines": count, "first": self.failed_where.get(reason, "")}
                for reason, count in sorted(self.reasons.items(), key=lambda kv: (-kv[1], kv[0]))
            ],
            "unique_visitors": unique,
            "bandwidth": self.bandwidth,
            "crawler_share": round(crawlers / valid, 4) if self.valid else 0.0,
            "static_requests": sum(v.hits for v in static.values()),
            "page_requests": sum(v.hits for v in pages.values()),
            "not_found_requests": sum(v.hits for v in self.not_found.values()),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "status_groups": list(groups.values()),
            "days": [
                {"date": d, "hits": v.hits, "visitors": v.visitors, "bandwidth": v.bandwidth}
                for d, v in sorted(self.days.items())
            ],
            "requested_files": rows(pages),
            "static_files": rows(static),
            "not_found": rows(self.not_found),
            "hosts": [
                {
                    "name": ip,
                    "hits": per_host[i],
                    "visitors": host_visitors[i],
                    "bandwidth": self.host_bytes[i],
                }
                for ip, i in hosts
            ],
            "referring_sites": ranked(referrers),
            "browsers": ranked(browsers),
            "operating_systems": ranked(systems),
            "crawlers": ranked(robots),
            "hours": [
                {"hour": h, "hits": self.hours[h], "visitors": hour_visitors[h]} for h in range(24)
            ],
        }


def _top_hosts(hosts: dict[str, int], hits: array[int], top: int) -> list[tuple[str, int]]:
    """The ``top`` (address, index) with the most hits, ties by address: the hits'
    threshold first (over the array), then only the addresses at or above it (a million
    addresses with one hit each: their names, compared without a key function)."""
    seen = len(hits)  # (addresses the rules restored from a previous run may not be)
    if not seen:
        return []
    threshold = max(heapq.nlargest(top, hits)[-1], 1)
    above = [(ip, i) for ip, i in hosts.items() if i < seen and hits[i] > threshold]
    above.sort(key=lambda kv: (-hits[kv[1]], kv[0]))
    at = heapq.nsmallest(
        top - len(above), (ip for ip, i in hosts.items() if i < seen and hits[i] == threshold)
    )
    return above[:top] + [(ip, hosts[ip]) for ip in at]


_NAME_TOKEN = (
    "Googlebot-Image",
    "Googlebot-Video",
    "Googlebot-News",
    "Googlebot",
    "AdsBot-Google",
    "Mediapartners-Google",
    "Google-InspectionTool",
    "GoogleOther",
    "FeedFetcher-Google",
    "bingbot",
    "BingPreview",
    "YandexBot",
    "Baiduspider",
    "DuckDuckBot",
    "Applebot",
    "facebookexternalhit",
    "Twitterbot",
    "WhatsApp",
    "TelegramBot",
    "LinkedInBot",
    "Slackbot",
    "Discordbot",
    "PetalBot",
    "Bytespider",
    "GPTBot",
    "ClaudeBot",
    "CCBot",
    "AhrefsBot",
    "SemrushBot",
    "MJ12bot",
    "DotBot",
    "Amazonbot",
    "Feedly",
    "Inoreader",
    "NewsBlur",
    "Feedbin",
    "curl",
    "Wget",
    "python-requests",
    "Go-http-client",
)


@lru_cache(maxsize=4096)
def _robot_name(agent: str, group: str) -> str:
    """A short name of a crawler or feed reader (``Googlebot``, ``Feedly``), else its
    agent's first word."""
    lowered = agent.lower()
    for token in _NAME_TOKEN:
        if token.lower() in lowered:
            return token
    first = agent.split(" ", 1)[0].split("/", 1)[0]
    return first[:60] or (FEED if group == FEED else CRAWLERS)
