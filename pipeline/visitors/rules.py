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
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import unquote_plus

from pipeline.visitors.hashes import blake2b
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


_USUAL_METHODS = frozenset(("GET", "HEAD"))
"""Requests with these methods (of a path, in a real HTTP version, not answered 401/403)
match no rule that has a test: the tests are skipped for them."""


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


def agent_token(agent: str) -> int:
    """A user agent as a non-zero 64-bit number that is the same in every run (distinct-agent
    buckets are kept across incremental runs; ``hash()`` differs from process to process)."""
    digest = blake2b(agent.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    token = int.from_bytes(digest, "little", signed=True)
    return token if token not in (0, -1) else 1  # (0 and -1 mark "none yet" and "bucket")


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


GROW = 4096
"""Cells added at once to the per-address arrays of the figures and the rules (an
address's cells hold their "nothing yet" value until it is seen)."""


class Addresses:
    """One small index per distinct client address, shared by the figures and the rules
    so that per-address state can live in typed arrays (a million addresses: megabytes,
    not the hundreds a Python object per address costs)."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    def of(self, ip: str) -> int:
        """The address's index (a new one for a new address)."""
        found = self.ids.get(ip)
        if found is None:
            found = self.ids[ip] = len(self.ids)
        return found


class _Buckets:
    """The buckets of one rule, one Python object per address (rules that see few
    addresses: probing, brute force, …)."""

    def __init__(self) -> None:
        self.by_ip: dict[str, Bucket] = {}

    def get(self, ip: str) -> Bucket | None:
        return self.by_ip.get(ip)

    def put(self, ip: str, bucket: Bucket) -> None:
        self.by_ip[ip] = bucket

    def drop(self, ip: str) -> None:
        self.by_ip.pop(ip, None)

    def items(self) -> Iterator[tuple[str, Bucket]]:
        return iter(list(self.by_ip.items()))

    def __getitem__(self, ip: str) -> Bucket:
        return self.by_ip[ip]


class _ArrayBuckets(_Buckets):
    """The buckets of a rule that sees every address (``aggressive-crawling``): four
    numbers per address in typed arrays; a :class:`Bucket` is made only while one is
    poured (the time of its first request is kept as a number, its text rebuilt)."""

    def __init__(self, addresses: Addresses) -> None:
        self.addresses = addresses
        self.until = array("d")
        self.latest = array("d")
        self.start = array("d")
        self.count = array("q")

    def _grow(self, index: int) -> None:
        missing = index + 1 - len(self.until)
        if missing > 0:
            missing += GROW - 1  # room for the next new addresses too
            self.until.extend(array("d", [0.0]) * missing)
            self.latest.extend(array("d", [_NEVER]) * missing)
            self.start.extend(array("d", [_FOREVER]) * missing)
            self.count.extend(array("q", [0]) * missing)

    def pour_in_order(self, ip: str, at: float, rule: Rule, index: int = -1) -> bool:
        """Pour a request that is not older than the bucket's newest one, as
        :func:`_overflows` does, on the arrays; False when that is done without an
        overflow. True: the caller takes the general path (a late request, or the pour
        that overflows, which it repeats on a :class:`Bucket` to report it). ``index``:
        the address's, when the caller has it."""
        if index < 0:
            index = self.addresses.of(ip)
        untils = self.until
        if index >= len(untils):
            self._grow(index)
        leak = rule.leak
        if at < self.latest[index] or leak <= 0:
            return True
        until = untils[index]
        if at >= until:
            until = at
            self.count[index] = 0
            self.start[index] = at
        until += 1 / leak
        if (until - at) * leak > rule.capacity + 1e-9:
            return True
        untils[index] = until
        self.latest[index] = at
        self.count[index] += 1
        return False

    def get(self, ip: str) -> Bucket | None:
        index = self.addresses.of(ip)
        if index >= len(self.until) or self.latest[index] == _NEVER:
            return None
        return Bucket(
            self.until[index], self.latest[index], None, self.count[index], self.start[index]
        )

    def put(self, ip: str, bucket: Bucket) -> None:
        index = self.addresses.of(ip)
        self._grow(index)
        self.until[index] = bucket.until
        self.latest[index] = bucket.latest
        self.start[index] = bucket.start
        self.count[index] = bucket.count

    def drop(self, ip: str) -> None:
        index = self.addresses.of(ip)
        if index < len(self.until):
            self.put(ip, Bucket())

    def items(self) -> Iterator[tuple[str, Bucket]]:
        for ip, index in list(self.addresses.ids.items()):
            if index < len(self.until) and self.latest[index] != _NEVER:
                yield ip, Bucket(
                    self.until[index], self.latest[index], None, self.count[index],
                    self.start[index],
                )  # fmt: skip

    def __getitem__(self, ip: str) -> Bucket:
        found = self.get(ip)
        if found is None:
            raise KeyError(ip)
        return found


_NONE: frozenset[str] = frozenset()
_NO_AGENT = array("q", [0])
_NO_TIME = array("d", [0.0])
_NEVER = float("-inf")
_FOREVER = float("inf")


def _never(ip: str, at: float, rule: Rule, index: int) -> bool:
    """No array-bucket rule is enabled: every request takes the general path."""
    return True


def as_logged(at: float, like: str) -> str:
    """A time written the way ``like`` (a logged time) is: the combined format in the same
    zone, else ISO 8601 UTC."""
    if len(like) >= 26 and like[2] == "/" and like[-5] in "+-" and like[-4:].isdigit():
        hours, minutes = int(like[-4:-2]), int(like[-2:])
        delta = timedelta(hours=hours, minutes=minutes)
        zone = timezone(-delta if like[-5] == "-" else delta)
        return datetime.fromtimestamp(at, zone).strftime("%d/%b/%Y:%H:%M:%S %z")
    return iso(at)


class Detector:
    """Feeds hits through every rule; collects findings per (address, rule)."""

    def __init__(
        self,
        rules: list[Rule] | None = None,
        *,
        allow: Allow | None = None,
        addresses: Addresses | None = None,
    ) -> None:
        self.rules = rules if rules is not None else RULES
        self.allow = allow
        self.addresses = addresses or Addresses()
        self.buckets: dict[str, _Buckets] = {
            rule.id: (
                _ArrayBuckets(self.addresses)
                if rule.pattern is None and rule.test is None and rule.status is None
                and rule.distinct is None and rule.capacity > 0
                else _Buckets()
            )
            for rule in self.rules
        }  # fmt: skip
        # Each address's first user agent (a hash) and its time, for the rules counting
        # distinct agents: their bucket is made when a second agent appears.
        self._first_agent = array("q")
        self._first_agent_at = array("d")
        self.findings: dict[tuple[str, str], Finding] = {}
        self._caught: dict[str, set[str]] = {}
        """Address → the rules it has (or had) a finding for: most requests need not look
        one up."""
        self._pending: list[tuple[float, int, Hit]] = []
        self._newest = float("-inf")
        self._seq = 0
        self.touched: set[tuple[str, str]] = set()
        """Findings new or extended since the detector was made or restored."""
        self.allowed: set[str] = set()
        """Addresses that would have been reported but are allow-listed."""
        self._checked: dict[str, bool] = {}
        self._paths: dict[str, tuple[Rule, ...]] = {}
        self._agents: dict[str, tuple[tuple[Rule, ...], int, str]] = {}
        """Agent → the rules it matches and its token (see :func:`agent_token`)."""
        self._token, self._token_text = 1, "1"
        """The token of the agent of the request being counted."""
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
        self._plain = tuple(r for r in self.rules if r.pattern is None and r.test is None)
        # The rules with a test (a method, an HTTP version, a 401/403) only look at
        # requests that are not a plain GET/HEAD of a path answered otherwise.
        self._unusual = tuple(r for r in self.rules if r.pattern is None and r.test is not None)
        self._for_status: dict[int, tuple[Rule, ...]] = {}
        """The plain rules whose status condition a status meets."""
        # The rule whose buckets are arrays (aggressive-crawling), poured in place.
        self._crawl: Rule | None = None
        self._crawl_pour: Callable[[str, float, Rule, int], bool] = _never
        for rule in self.rules:
            by_ip = self.buckets[rule.id]
            if isinstance(by_ip, _ArrayBuckets):
                self._crawl, self._crawl_pour = rule, by_ip.pour_in_order

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

    def _agent(self, agent: str) -> tuple[tuple[Rule, ...], int, str]:
        if len(self._agents) >= CACHE:
            self._agents.clear()
        token = agent_token(agent)
        found = self._agents[agent] = (
            tuple(r for r in self._by_agent if r.pattern and r.pattern.search(agent)),
            token,
            str(token),
        )
        return found

    def add(self, hit: Hit) -> None:
        """Count one request for every rule it matches (see :meth:`add_all`)."""
        self.add_all((hit,))

    def add_all(self, hits: Iterable[Hit]) -> None:
        """Count these requests for every rule each matches.

        Requests wait up to :data:`REORDER` seconds (of log time) in a heap so that the
        buckets see them in time order; only lines later than that take the bucket's
        out-of-order path.
        """
        pending = self._pending
        newest = self._newest
        seq = self._seq
        apply = self._apply
        push, pop = heapq.heappush, heapq.heappop
        for hit in hits:
            at = hit.at
            seq += 1
            push(pending, (at, seq, hit))
            if at > newest:
                newest = at
            horizon = newest - REORDER
            while pending[0][0] < horizon:
                apply(pop(pending)[2])
        self._newest = newest
        self._seq = seq

    def flush(self) -> None:
        """Apply the requests still waiting for their order (at the end of a run)."""
        pending = self._pending
        while pending:
            self._apply(heapq.heappop(pending)[2])

    def _apply(self, hit: Hit) -> None:
        status = hit.status
        found = self._paths.get(hit.path)
        matched = (
            found
            if found is not None
            else self._matches(self._paths, self._by_path, hit.path, False)
        )
        agent = self._agents.get(hit.agent)
        if agent is None:
            agent = self._agent(hit.agent)
        matched += agent[0]
        self._token, self._token_text = agent[1], agent[2]
        if self._by_referer and hit.referer != "-":
            found = self._referers.get(hit.referer)
            matched += (
                found
                if found is not None
                else self._matches(self._referers, self._by_referer, hit.referer, False)
            )
        if matched:
            if len(matched) > 1:
                matched = tuple(dict.fromkeys(matched))  # a rule looking at several fields
            for rule in matched:
                if rule.status is not None and not rule.status[0] <= status <= rule.status[1]:
                    continue
                if rule.test is not None and not rule.test(hit):
                    continue
                self._count(rule, hit)
        plain = self._for_status.get(status)
        if plain is None:
            plain = self._for_status[status] = tuple(
                r for r in self._plain if r.status is None or r.status[0] <= status <= r.status[1]
            )
        ip = hit.ip
        caught = self._caught.get(ip, _NONE)
        index = self.addresses.of(ip)
        for rule in plain:
            if rule.id not in caught:  # the common cases, without the general path
                if rule is self._crawl:
                    if not self._crawl_pour(ip, hit.at, rule, index):
                        continue
                elif rule.distinct == "agent" and not self._one_agent(rule, ip, index, hit):
                    continue
            self._count(rule, hit)
        if not (
            hit.method in _USUAL_METHODS
            and hit.protocol in HTTP_VERSIONS
            and hit.path[:1] == "/"
            and status not in (401, 403)
        ):
            for rule in self._unusual:
                if rule.status is not None and not rule.status[0] <= status <= rule.status[1]:
                    continue
                if rule.test is not None and not rule.test(hit):
                    continue
                self._count(rule, hit)

    def _count(self, rule: Rule, hit: Hit) -> None:
        ip = hit.ip
        at = hit.at
        if rule.id in self._caught.get(ip, _NONE):
            key = (ip, rule.id)
            finding = self.findings.get(key)
            if finding is not None:
                if at - finding.last_at <= QUIET:  # caught: keep counting, and a few samples
                    self._extend(finding, hit)
                    self.touched.add(key)
                    return
                del self.findings[key]  # quiet long enough: what comes now is a new finding
        buckets = self.buckets[rule.id]
        if rule.capacity > 0:
            if isinstance(buckets, _ArrayBuckets) and not buckets.pour_in_order(ip, at, rule):
                return  # poured in time order without overflowing (the common case)
            bucket = buckets.get(ip)
            if bucket is None:
                if rule.distinct == "agent":
                    bucket = self._second_agent(rule, ip, hit)
                    if bucket is None:
                        return
                else:
                    bucket = Bucket(seen=set() if rule.distinct else None)
            if bucket.seen is not None:
                value = hit.path if rule.distinct == "path" else self._token_text
                if value in bucket.seen and at <= bucket.until:
                    return
                bucket.seen.add(value)
            overflows = _overflows(rule, bucket, at, hit.time)
            if not overflows:
                buckets.put(ip, bucket)
                return
            buckets.drop(ip)
            first = bucket.start_text or as_logged(bucket.start, hit.time)
            count, first_at = bucket.count, bucket.start
        else:
            count, first_at, first = 1, at, hit.time
        if not self._may_report(ip, hit.agent):
            return
        key = (ip, rule.id)
        self.findings[key] = Finding(
            ip, rule.id, first, hit.time, count, [_sample(hit)], first_at, at
        )
        self._caught.setdefault(ip, set()).add(rule.id)
        self.touched.add(key)

    def _one_agent(self, rule: Rule, ip: str, index: int, hit: Hit) -> bool:
        """Whether a distinct-agent rule must look at this request: False while the
        address has shown one agent only and has no bucket for the rule (the common
        case, decided on the arrays without the general path)."""
        if rule.capacity <= 0 or ip in self.buckets[rule.id].by_ip:
            return True
        first = self._first_agent
        if index >= len(first):
            missing = index + GROW - len(first)  # room for the next new addresses too
            first.extend(_NO_AGENT * missing)
            self._first_agent_at.extend(_NO_TIME * missing)
        token = first[index]
        if token == 0:  # the address's first agent: kept, as _second_agent would
            first[index], self._first_agent_at[index] = self._token, hit.at
            return False
        return token != self._token  # (-1: has a bucket)

    def _second_agent(self, rule: Rule, ip: str, hit: Hit) -> Bucket | None:
        """The bucket of a distinct-agent rule once an address shows a second agent (with
        the first one poured at its time); None while it shows only one."""
        index = self.addresses.of(ip)
        first, times = self._first_agent, self._first_agent_at
        if index >= len(first):
            missing = index + 1 - len(first)
            if missing == 1:
                first.append(0)
                times.append(0.0)
            else:
                first.extend([0] * missing)
                times.extend([0.0] * missing)
        token = self._token
        if first[index] == 0:
            first[index], times[index] = token, hit.at
            return None
        if first[index] == token:
            return None
        bucket = Bucket(seen=set())
        _overflows(rule, bucket, times[index], as_logged(times[index], hit.time))
        assert bucket.seen is not None
        bucket.seen.add(str(first[index]))  # (after the pour, which empties a new bucket)
        first[index] = -1  # from now on the bucket counts
        return bucket

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
            by_ip.put(ip, bucket)
        for finding in findings:
            if finding.rule in self.buckets:
                self.findings[(finding.ip, finding.rule)] = finding
                self._caught.setdefault(finding.ip, set()).add(finding.rule)


Bucketed = tuple[str, str, Bucket]
"""(rule id, address, bucket)."""


def _sample(hit: Hit) -> str:
    return f"{hit.method} {hit.path[:200]} → {hit.status}"
