"""Early detection of suspicious activity: per-IP leaky buckets.

In the spirit of CrowdSec's HTTP scenarios and fail2ban's filters.  Each rule
decides whether a request *counts* for it; each (IP, rule) has a bucket that
fills by one per counted request and leaks at ``leak`` per second; when it
overflows ``capacity`` the IP is reported for that rule.  Rules with capacity
0 report the first matching request (a static court site has no ``.env`` and
no ``wp-login.php``: anyone asking is probing).  Paths are URL-decoded (twice,
against double encoding) before matching.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote_plus

from pipeline.visitors.parse import Hit, epoch

SAMPLES = 5


@dataclass(frozen=True)
class Rule:
    """One scenario: a request counts when every given condition holds."""

    id: str
    description: str
    capacity: int
    """Requests the bucket holds before it overflows (0: the first one reports)."""
    leak: float
    """Requests per second that drain from the bucket."""
    path: re.Pattern[str] | None = None
    """Matched against the URL-decoded path (a rule has a path or an agent pattern,
    not both)."""
    agent: re.Pattern[str] | None = None
    """Matched against the user agent."""
    status: tuple[int, int] | None = None
    """Counts only answers with ``low <= status <= high``."""
    distinct_paths: bool = False
    """Count each path only once per IP (probing asks for many different things)."""


def _pattern(*parts: str) -> re.Pattern[str]:
    return re.compile("|".join(parts), re.IGNORECASE)


SENSITIVE = _pattern(
    r"/\.env\b",
    r"/\.git(/|$)",
    r"/\.svn/",
    r"/\.hg/",
    r"/\.ds_store",
    r"/\.htpasswd",
    r"/\.aws/",
    r"/\.ssh/",
    r"\.(sql|sqlite|db|bak|old|orig|swp|save)(\.gz|\.zip)?$",
    r"/(backup|backups|dump|db|database)\.(zip|tar|tar\.gz|tgz|gz|rar|7z|sql)$",
    r"/wp-config\.php",
    r"/config\.(php|json|ya?ml)$",
    r"/web\.config$",
    r"/id_rsa",
    r"/server-status",
    r"/phpinfo\.php",
)
ADMIN = _pattern(
    r"/wp-login\.php",
    r"/wp-admin",
    r"/xmlrpc\.php",
    r"/wp-includes/",
    r"/wp-content/plugins",
    r"/phpmyadmin",
    r"/pma/",
    r"/myadmin",
    r"/adminer",
    r"/administrator/",
    r"/admin/?$",
    r"/admin\.php",
    r"/user/login",
    r"/cgi-bin/",
    r"/vendor/phpunit",
    r"/solr/",
    r"/actuator",
    r"/boaform",
    r"/hnap1",
    r"/manager/html",
)
SQLI = _pattern(
    r"\bunion\b.{0,20}\bselect\b",
    r"\bselect\b.{0,40}\bfrom\b",
    r"'\s*or\s+'?\d+'?\s*=\s*'?\d",
    r"\bor\s+1\s*=\s*1\b",
    r"\bsleep\s*\(\s*\d",
    r"\bbenchmark\s*\(",
    r"information_schema",
    r"\bwaitfor\s+delay\b",
    r"--\s*$",
    r";\s*drop\s+table",
    r"\bextractvalue\s*\(",
)
XSS = _pattern(
    r"<\s*script",
    r"javascript:",
    r"\bon(error|load|mouseover|focus)\s*=",
    r"<\s*(img|svg|iframe)[^>]*\bsrc",
    r"\balert\s*\(",
    r"document\.cookie",
)
TRAVERSAL = _pattern(
    r"\.\./", r"\.\.\\", r"/etc/(passwd|shadow|hosts)", r"win\.ini", r"boot\.ini", r"/proc/self/"
)
BAD_AGENTS = _pattern(
    r"sqlmap",
    r"nikto",
    r"nmap",
    r"masscan",
    r"zgrab",
    r"acunetix",
    r"nuclei",
    r"wpscan",
    r"dirbuster",
    r"gobuster",
    r"ffuf",
    r"feroxbuster",
    r"netsparker",
    r"openvas",
    r"w3af",
    r"havij",
    r"jorgee",
    r"zmeu",
    r"morfeus",
    r"hydra",
    r"commix",
    r"whatweb",
)

RULES: list[Rule] = [
    Rule(
        "probing",
        "many different paths answered 4xx",
        10,
        0.1,
        status=(400, 499),
        distinct_paths=True,
    ),
    Rule(
        "sensitive-files",
        "asks for secrets, repositories or backups (.env, .git, .sql)",
        0,
        0.0,
        path=SENSITIVE,
    ),
    Rule(
        "admin-probing",
        "asks for CMS or admin pages a static site does not have",
        0,
        0.0,
        path=ADMIN,
    ),
    Rule("sql-injection", "SQL injection patterns in the request", 0, 0.0, path=SQLI),
    Rule("xss", "cross-site scripting patterns in the request", 0, 0.0, path=XSS),
    Rule("path-traversal", "path traversal patterns in the request", 0, 0.0, path=TRAVERSAL),
    Rule("bad-agent", "user agent of a known attack or scanning tool", 0, 0.0, agent=BAD_AGENTS),
    Rule("aggressive-crawling", "more than 300 requests in a minute", 300, 5.0),
    Rule("flood-400", "a flood of 400 Bad Request answers", 20, 1.0, status=(400, 400)),
]

CACHE = 200_000
"""Distinct paths and agents remembered with their matches (both repeat heavily)."""


@dataclass
class Finding:
    """One IP caught by one rule."""

    ip: str
    rule: str
    first: str
    last: str
    count: int
    samples: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


@dataclass
class _Bucket:
    level: float = 0.0
    at: float = 0.0
    seen: set[str] | None = None


def decode(path: str) -> str:
    """URL-decoded twice (double encoding is a classic evasion)."""
    once = unquote_plus(path)
    return unquote_plus(once) if "%" in once else once


class Detector:
    """Feeds hits through every rule; collects findings per (IP, rule)."""

    def __init__(self, rules: list[Rule] | None = None) -> None:
        self.rules = rules if rules is not None else RULES
        self.buckets: dict[tuple[str, str], _Bucket] = {}
        self.findings: dict[tuple[str, str], Finding] = {}
        self._paths: dict[str, tuple[Rule, ...]] = {}
        self._agents: dict[str, tuple[Rule, ...]] = {}
        # Most requests match no path or agent pattern: only these rules look at them.
        self._plain = tuple(r for r in self.rules if r.path is None and r.agent is None)

    def _path_matches(self, path: str) -> tuple[Rule, ...]:
        found = self._paths.get(path)
        if found is None:
            decoded = decode(path)
            found = tuple(r for r in self.rules if r.path and r.path.search(decoded))
            if len(self._paths) >= CACHE:
                self._paths.clear()
            self._paths[path] = found
        return found

    def _agent_matches(self, agent: str) -> tuple[Rule, ...]:
        found = self._agents.get(agent)
        if found is None:
            found = tuple(r for r in self.rules if r.agent and r.agent.search(agent))
            if len(self._agents) >= CACHE:
                self._agents.clear()
            self._agents[agent] = found
        return found

    def add(self, hit: Hit) -> None:
        status = hit.status
        for rules in (self._path_matches(hit.path), self._agent_matches(hit.agent), self._plain):
            for rule in rules:
                if rule.status is None or rule.status[0] <= status <= rule.status[1]:
                    self._count(rule, hit)

    def _count(self, rule: Rule, hit: Hit) -> None:
        key = (hit.ip, rule.id)
        bucket = self.buckets.get(key)
        if bucket is None:
            bucket = self.buckets[key] = _Bucket(seen=set() if rule.distinct_paths else None)
        if bucket.seen is not None:
            if hit.path in bucket.seen:
                return
            bucket.seen.add(hit.path)
        finding = self.findings.get(key)
        if finding is not None:  # already caught: keep counting, keep a few samples
            finding.count += 1
            finding.last = hit.time
            if len(finding.samples) < SAMPLES:
                finding.samples.append(_sample(hit))
            return
        if rule.capacity == 0:
            self.findings[key] = Finding(hit.ip, rule.id, hit.time, hit.time, 1, [_sample(hit)])
            return
        now = epoch(hit.time)
        bucket.level = max(0.0, bucket.level - (now - bucket.at) * rule.leak) + 1
        bucket.at = now
        if bucket.level > rule.capacity:
            self.findings[key] = Finding(
                hit.ip, rule.id, hit.time, hit.time, int(bucket.level), [_sample(hit)]
            )

    def results(self) -> list[Finding]:
        """Findings sorted by IP then rule."""
        return sorted(self.findings.values(), key=lambda f: (f.ip, f.rule))


def _sample(hit: Hit) -> str:
    return f"{hit.method} {hit.path[:200]} → {hit.status}"
