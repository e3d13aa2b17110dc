"""Early detection of suspicious activity: per-address leaky buckets.

In the spirit of CrowdSec's HTTP scenarios (``crowdsecurity/http-*``) and fail2ban's
filters.  Each rule decides whether a request *counts* for it; each (rule, address) has
a bucket that fills by one per counted request and leaks at ``leak`` per second; when it
overflows ``capacity`` the address is reported for that rule.  Rules with capacity 0
report the first matching request (a static court site has no ``.env`` and no
``wp-login.php``: anyone asking is probing).  Paths are URL-decoded (twice, against
double encoding) before matching.

Buckets tolerate lines out of order (servers log a request when it *finishes*, so real
logs are out of order by seconds; a rotated set may be given in any order): requests
wait up to a minute of log time in a heap and reach the buckets in time order; a request
later than that counts fully only within its bucket's current run of requests, and from
before that run only by what would be left of it, so it can never fill a bucket faster
than in-order requests would.

A bucket is two numbers: the time its level would reach zero (``until``) and the newest
request time it has seen (``latest``); the level at time *x* is ``(until - x) × leak``.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from urllib.parse import unquote_plus

from pipeline.visitors.parse import Hit
from pipeline.visitors.schema import THRESHOLDS

SAMPLES = 5
QUIET = 3600.0
"""Seconds without a matching request after which an address's finding for a rule is
complete: a later match starts a new finding (dated by its own requests)."""


@dataclass(frozen=True)
class Rule:
    """One scenario: a request counts when every given condition holds."""

    id: str
    description: str
    capacity: int
    """Requests the bucket holds before it overflows (0: the first one reports)."""
    leak: float
    """Requests per second that drain from the bucket."""
    pattern: re.Pattern[str] | None = None
    """Searched in the fields named by ``fields``."""
    fields: tuple[str, ...] = ("path",)
    """Where ``pattern`` is searched: ``path`` (URL-decoded), ``agent``, ``referer``
    (URL-decoded)."""
    status: tuple[int, int] | None = None
    """Counts only answers with ``low <= status <= high``."""
    test: Callable[[Hit], bool] | None = None
    """A further condition on the request (a method, an HTTP version, …)."""
    distinct: str | None = None
    """Count each distinct value of this field (``path`` or ``agent``) once per bucket."""


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


LOG4J = _pattern(
    r"\$\{\s*(jndi|lower|upper|env|sys|java|date|base64|main|ctx|marker|bundle|k8s|docker)\s*:",
    r"\$\{\s*\$\{",
    r"\$\{::-",
)
SPRING4SHELL = _pattern(r"class\.module\.classloader", r"class\[module\]\[classloader\]")
THINKPHP = _pattern(
    r"invokefunction",
    r"think\\+app",
    r"\\think\\",
    r"call_user_func_array",
    r"/index\.php\?s=/?(index|home|admin|module)/",
)
OGNL = _pattern(
    r"[$%]\{[^}]*[(#@][^}]*\}",
    r"@java\.lang\.",
    r"_memberaccess",
    r"\bognl\b",
    r"xwork\.MethodAccessor",
)
BACKDOORS = _pattern(
    r"/(c99|c100|r57|r00t|wso|wso2|wso25|alfa|alfashell|alfa-rex|b374k|indoxploit|"
    r"marijuana|mini|minishell|shell|sh3ll|webshell|cmd|bypass|priv8|0x|0byt3m1n1|"
    r"madspot|fox|symlink|phpshell|adminer-\d[\d.]*|wp-shell|lufix|gel4y|hehe|"
    r"xleet|anonsec|kurama|h4x0r|up|uploader|leaf|leafmailer|k2ll33d|zone-h)\.php\d?$"
)
CVE_PATHS = _pattern(
    r"/_ignition/",
    r"/setup\.cgi",
    r"telerik\.web\.ui\.(webresource|dialoghandler)\.axd",
    r"\.axd\?.*type=rau",
    r"/(pages/createpage-entervariables|setup/setupadministrator|server-info)\.action",
    r"/template/aui/text-inline\.vm",
    r"/service/extension/backup/mboximport",
    r"/zimbra/",
    r"/servlet/zimbraadmin",
    r"\.\.;/",
    r";/web-inf",
    r"/web-inf/",
    r"/\.%2e/",
    r"/dana-na/",
    r"/remote/fgt_lang",
    r"/tmui/",
    r"/mgmt/tm/util/bash",
    r"/\+cscoe\+/",
    r"/owa/auth/",
    r"/autodiscover/autodiscover\.json",
    r"/ecp/",
    r"/actuator/gateway",
    r"/gponform/",
    r"/cgi-bin/luci",
    r"/webtools/control/",
    r"/geoserver/",
    r"/druid/",
    r"/hudson",
    r"/jenkins/script",
    r"/nacos/",
    r"/vpn/\.\./vpns/",
    r"/mifs/",
    r"/api/jsonws/",
    r"/wls-wsat/",
    r"/_async/asyncresponseservice",
    r"/console/css/%252e",
    r"/cgi-bin/(config\.exp|supervisor|viewlog\.asp)",
)
RFI = _pattern(r"[?&][^=&]*=\s*(https?|ftp|php|data|expect|zip|phar|file|glob|dict|gopher)://")
WP_USER_ENUM = _pattern(r"[?&]author=\d", r"/wp-json/wp/v2/users")
LOGIN = re.compile(
    r"login|log-in|signin|sign-in|logon|auth|session|wp-login|xmlrpc|admin|account|"
    r"user/?$|password|masuk",
    re.IGNORECASE,
)
HTTP_VERSIONS = frozenset(
    ("HTTP/0.9", "HTTP/1.0", "HTTP/1.1", "HTTP/2", "HTTP/2.0", "HTTP/3", "HTTP/3.0")
)


def _brute_force(hit: Hit) -> bool:
    if hit.status == 401:
        return True
    if hit.method != "POST":
        return False
    return hit.status == 403 or LOGIN.search(hit.path) is not None


def _open_proxy(hit: Hit) -> bool:
    if hit.method == "CONNECT":
        return True
    path = hit.path
    return path[:7].lower() == "http://" or path[:8].lower() == "https://"


def _bad_version(hit: Hit) -> bool:
    return hit.protocol != "" and hit.protocol not in HTTP_VERSIONS


def _always(hit: Hit) -> bool:
    return True


RULES: list[Rule] = [
    Rule(
        "probing",
        "many different paths answered 4xx",
        *THRESHOLDS["probing"],
        status=(400, 499),
        distinct="path",
    ),
    Rule(
        "sensitive-files",
        "asks for secrets, repositories or backups (.env, .git, .sql)",
        *THRESHOLDS["sensitive-files"],
        SENSITIVE,
    ),
    Rule(
        "admin-probing",
        "asks for CMS or admin pages a static site does not have",
        *THRESHOLDS["admin-probing"],
        ADMIN,
    ),
    Rule(
        "sql-injection", "SQL injection patterns in the request", *THRESHOLDS["sql-injection"], SQLI
    ),
    Rule("xss", "cross-site scripting patterns in the request", *THRESHOLDS["xss"], XSS),
    Rule(
        "path-traversal",
        "path traversal patterns in the request",
        *THRESHOLDS["path-traversal"],
        TRAVERSAL,
    ),
    Rule(
        "bad-agent",
        "user agent of a known attack or scanning tool",
        *THRESHOLDS["bad-agent"],
        BAD_AGENTS,
        ("agent",),
    ),
    Rule(
        "log4j",
        "Log4Shell lookup (${jndi:…}) in the request, user agent or referrer (CVE-2021-44228)",
        *THRESHOLDS["log4j"],
        LOG4J,
        ("path", "agent", "referer"),
    ),
    Rule(
        "spring4shell",
        "Spring4Shell class-loader parameters (CVE-2022-22965)",
        *THRESHOLDS["spring4shell"],
        SPRING4SHELL,
    ),
    Rule(
        "thinkphp",
        "ThinkPHP remote code execution (invokefunction, CVE-2018-20062)",
        *THRESHOLDS["thinkphp"],
        THINKPHP,
    ),
    Rule(
        "ognl-injection",
        "OGNL or expression-language injection (${…}, %{…}: Struts, Confluence)",
        *THRESHOLDS["ognl-injection"],
        OGNL,
        ("path", "agent", "referer"),
    ),
    Rule(
        "backdoors",
        "asks for a known PHP web shell (c99.php, wso.php, …)",
        *THRESHOLDS["backdoors"],
        BACKDOORS,
    ),
    Rule(
        "cve-probing",
        "asks for paths of known vulnerabilities (Ignition, Telerik, Confluence, …)",
        *THRESHOLDS["cve-probing"],
        CVE_PATHS,
    ),
    Rule(
        "remote-file-inclusion",
        "a parameter whose value is a URL (?page=http://…)",
        *THRESHOLDS["remote-file-inclusion"],
        RFI,
    ),
    Rule(
        "wordpress-user-enum",
        "enumerates WordPress authors (?author=1, ?author=2, …)",
        *THRESHOLDS["wordpress-user-enum"],
        WP_USER_ENUM,
        distinct="path",
    ),
    Rule(
        "open-proxy",
        "uses the server as a proxy (CONNECT, or an absolute URL)",
        *THRESHOLDS["open-proxy"],
        test=_open_proxy,
    ),
    Rule(
        "invalid-http-version",
        "an HTTP version that does not exist",
        *THRESHOLDS["invalid-http-version"],
        test=_bad_version,
    ),
    Rule(
        "switching-agents",
        "one address switching user agents quickly (a tool rotating its agent)",
        *THRESHOLDS["switching-agents"],
        test=_always,
        distinct="agent",
    ),
    Rule(
        "brute-force",
        "repeated login attempts (POST to a login form, 401/403 answers)",
        *THRESHOLDS["brute-force"],
        test=_brute_force,
    ),
    Rule(
        "aggressive-crawling",
        "more than 300 requests in a minute",
        *THRESHOLDS["aggressive-crawling"],
    ),
    Rule(
        "flood-400",
        "a flood of 400 Bad Request answers",
        *THRESHOLDS["flood-400"],
        status=(400, 400),
    ),
]
"""The rules, with their default thresholds from :data:`~pipeline.visitors.schema.THRESHOLDS`."""


def configured(overrides: Mapping[str, tuple[int | None, float | None, bool]]) -> list[Rule]:
    """The rules with the thresholds of ``warta.yml``: rule id → (capacity, leak, enabled)."""
    result = []
    for rule in RULES:
        capacity, leak, enabled = overrides.get(rule.id, (None, None, True))
        if not enabled:
            continue
        result.append(
            replace(
                rule,
                capacity=rule.capacity if capacity is None else capacity,
                leak=rule.leak if leak is None else leak,
            )
        )
    return result


REORDER = 60.0
"""Seconds of log time a request waits so that requests logged out of order (a server
logs a request when it finishes) reach the buckets in time order."""

CACHE = 200_000
"""Distinct paths, agents and referrers remembered with their matches (all repeat a lot)."""


def iso(at: float) -> str:
    """An epoch as an ISO 8601 UTC time (how findings are dated in storage)."""
    return datetime.fromtimestamp(at, UTC).isoformat()


@dataclass
class Finding:
    """One address caught by one rule, dated by the requests that counted."""

    ip: str
    rule: str
    first: str
    """As logged."""
    last: str
    count: int
    samples: list[str] = field(default_factory=list)
    first_at: float = 0.0
    last_at: float = 0.0

    def as_dict(self) -> dict[str, object]:
        """The finding for the JSON report."""
        return {
            "ip": self.ip,
            "rule": self.rule,
            "first": self.first,
            "last": self.last,
            "first_utc": iso(self.first_at),
            "last_utc": iso(self.last_at),
            "count": self.count,
            "samples": self.samples,
        }


@dataclass(slots=True)
class Bucket:
    """A leaky bucket's state (see the module's docstring)."""

    until: float = 0.0
    latest: float = float("-inf")
    seen: set[str] | None = None
    count: int = 0
    """Requests poured in since the bucket was last empty."""
    start: float = float("inf")
    """The earliest of those requests, and its time as logged."""
    start_text: str = ""


def decode(path: str) -> str:
    """URL-decoded twice (double encoding is a classic evasion)."""
    once = unquote_plus(path)
    return unquote_plus(once) if "%" in once else once


def _overflows(rule: Rule, bucket: Bucket, at: float, text: str) -> bool:
    """Pour one request at time ``at`` (logged as ``text``) into the bucket; whether it
    overflows."""
    leak = rule.leak
    if leak <= 0:  # no leak: a plain count
        bucket.until += 1
        bucket.latest = max(bucket.latest, at)
        left = 1.0
    elif at >= bucket.latest:
        if at >= bucket.until:  # empty again: a new run of requests starts here
            bucket.until = at
            bucket.count = 0
            bucket.start, bucket.start_text = at, text
            if bucket.seen is not None:
                bucket.seen.clear()
        bucket.until += 1 / leak
        bucket.latest = at
        left = 1.0
    else:
        # Logged late. Within the current run of requests (the bucket has not been empty
        # since) it counts fully, as it would have in order; from before the run, only
        # what would be left of it when the run started.
        left = 1.0 if at >= bucket.start else 1 - (bucket.start - at) * leak
        if left <= 0:
            return False
        bucket.until = max(bucket.until, bucket.latest) + left / leak
    bucket.count += 1
    if at < bucket.start:
        bucket.start, bucket.start_text = at, text
    if leak <= 0:
        return bucket.until > rule.capacity
    return (bucket.until - bucket.latest) * leak > rule.capacity + 1e-9


Allow = Callable[[str, str], bool]
"""(address, user agent) → whether the address is allow-listed (asked only when an address
is about to be reported)."""


class Detector:
    """Feeds hits through every rule; collects findings per (address, rule)."""

    def __init__(self, rules: list[Rule] | None = None, *, allow: Allow | None = None) -> None:
        self.rules = rules if rules is not None else RULES
        self.allow = allow
        self.buckets: dict[str, dict[str, Bucket]] = {rule.id: {} for rule in self.rules}
        self.findings: dict[tuple[str, str], Finding] = {}
        self._pending: list[tuple[float, int, Hit]] = []
        self._newest = float("-inf")
        self._seq = 0
        self.touched: set[tuple[str, str]] = set()
        """Findings new or extended since the detector was made or restored."""
        self.allowed: set[str] = set()
        """Addresses that would have been reported but are allow-listed."""
        self._checked: dict[str, bool] = {}
        self._paths: dict[str, tuple[Rule, ...]] = {}
        self._agents: dict[str, tuple[Rule, ...]] = {}
        self._referers: dict[str, tuple[Rule, ...]] = {}
        by_field: dict[str, list[Rule]] = {"path": [], "agent": [], "referer": []}
        for rule in self.rules:
            if rule.pattern is not None:
                for name in rule.fields:
                    by_field[name].append(rule)
        self._by_path = tuple(by_field["path"])
        self._by_agent = tuple(by_field["agent"])
        self._by_referer = tuple(by_field["referer"])
        # Most requests match no pattern: only these rules look at every one of them.
        self._plain = tuple(r for r in self.rules if r.pattern is None)

    def _matches(
        self, cache: dict[str, tuple[Rule, ...]], rules: tuple[Rule, ...], value: str, raw: bool
    ) -> tuple[Rule, ...]:
        found = cache.get(value)
        if found is None:
            text = value if raw else decode(value)
            found = tuple(r for r in rules if r.pattern and r.pattern.search(text))
            if len(cache) >= CACHE:
                cache.clear()
            cache[value] = found
        return found

    def add(self, hit: Hit) -> None:
        """Count one request for every rule it matches.

        Requests wait up to :data:`REORDER` seconds (of log time) in a heap so that the
        buckets see them in time order; only lines later than that take the bucket's
        out-of-order path.
        """
        at = hit.at
        pending = self._pending
        self._seq += 1
        heapq.heappush(pending, (at, self._seq, hit))
        if at > self._newest:
            self._newest = at
        horizon = self._newest - REORDER
        while pending[0][0] < horizon:
            self._apply(heapq.heappop(pending)[2])

    def flush(self) -> None:
        """Apply the requests still waiting for their order (at the end of a run)."""
        pending = self._pending
        while pending:
            self._apply(heapq.heappop(pending)[2])

    def _apply(self, hit: Hit) -> None:
        status = hit.status
        matched = self._matches(self._paths, self._by_path, hit.path, False)
        if self._by_agent:
            matched += self._matches(self._agents, self._by_agent, hit.agent, True)
        if self._by_referer and hit.referer != "-":
            matched += self._matches(self._referers, self._by_referer, hit.referer, False)
        if len(matched) > 1:
            matched = tuple(dict.fromkeys(matched))  # a rule looking at several fields
        for rules in (matched, self._plain):
            for rule in rules:
                if rule.status is not None and not rule.status[0] <= status <= rule.status[1]:
                    continue
                if rule.test is not None and not rule.test(hit):
                    continue
                self._count(rule, hit)

    def _count(self, rule: Rule, hit: Hit) -> None:
        ip = hit.ip
        key = (ip, rule.id)
        at = hit.at
        finding = self.findings.get(key)
        if finding is not None:
            if at - finding.last_at <= QUIET:  # already caught: keep counting, and a few samples
                self._extend(finding, hit)
                self.touched.add(key)
                return
            del self.findings[key]  # quiet long enough: what comes now is a new finding
        buckets = self.buckets[rule.id]
        if rule.capacity > 0:
            bucket = buckets.get(ip)
            if bucket is None:
                bucket = buckets[ip] = Bucket(seen=set() if rule.distinct else None)
            if bucket.seen is not None:
                value = hit.path if rule.distinct == "path" else hit.agent
                if value in bucket.seen and at <= bucket.until:
                    return
                bucket.seen.add(value)
            if not _overflows(rule, bucket, at, hit.time):
                return
            del buckets[ip]
            count, first_at, first = bucket.count, bucket.start, bucket.start_text
        else:
            count, first_at, first = 1, at, hit.time
        if not self._may_report(ip, hit.agent):
            return
        self.findings[key] = Finding(
            ip, rule.id, first, hit.time, count, [_sample(hit)], first_at, at
        )
        self.touched.add(key)

    def _may_report(self, ip: str, agent: str) -> bool:
        if self.allow is None:
            return True
        verdict = self._checked.get(ip)
        if verdict is None:
            verdict = self._checked[ip] = not self.allow(ip, agent)
            if not verdict:
                self.allowed.add(ip)
        return verdict

    @staticmethod
    def _extend(finding: Finding, hit: Hit) -> None:
        finding.count += 1
        if hit.at < finding.first_at:
            finding.first_at, finding.first = hit.at, hit.time
        if hit.at > finding.last_at:
            finding.last_at, finding.last = hit.at, hit.time
        if len(finding.samples) < SAMPLES:
            finding.samples.append(_sample(hit))

    def results(self) -> list[Finding]:
        """Findings new or extended in this run, sorted by address then rule."""
        self.flush()
        return sorted(
            (self.findings[key] for key in self.touched if key in self.findings),
            key=lambda f: (f.ip, f.rule, f.first_at),
        )

    # -- state kept across incremental runs --------------------------------------------

    def state(self, horizon: float) -> tuple[list[Bucketed], list[Finding]]:
        """Buckets not yet empty at ``horizon`` and the findings still open then (to be
        extended by the next run)."""
        self.flush()
        buckets = [
            (rule_id, ip, b)
            for rule_id, by_ip in self.buckets.items()
            for ip, b in by_ip.items()
            if b.until > horizon or self._leakless(rule_id)
        ]
        open_findings = [f for f in self.findings.values() if horizon - f.last_at <= QUIET]
        return buckets, open_findings

    def _leakless(self, rule_id: str) -> bool:
        return any(r.id == rule_id and r.leak <= 0 for r in self.rules)

    def restore(self, buckets: Iterable[Bucketed], findings: Iterable[Finding]) -> None:
        """Continue from a previous run's :meth:`state`."""
        distinct = {r.id: r.distinct is not None for r in self.rules}
        for rule_id, ip, bucket in buckets:
            by_ip = self.buckets.get(rule_id)
            if by_ip is None:
                continue  # a rule since disabled
            if distinct[rule_id] and bucket.seen is None:
                bucket.seen = set()
            by_ip[ip] = bucket
        for finding in findings:
            if finding.rule in self.buckets:
                self.findings[(finding.ip, finding.rule)] = finding


Bucketed = tuple[str, str, Bucket]
"""(rule id, address, bucket)."""


def _sample(hit: Hit) -> str:
    return f"{hit.method} {hit.path[:200]} → {hit.status}"
