"""Visitor activity: figures (golden, and beside GoAccess), rules, incremental runs."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.commands.visitors import analyze
from pipeline.visitors.parse import parse_line
from pipeline.visitors.rules import Detector
from tests.conftest import Project

GOLDEN = Path(__file__).parent / "golden" / "visitors"
FIXTURE = GOLDEN / "access.log"
UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0 Safari/537.36"


def line(
    ip: str, path: str, status: int = 200, *, second: int = 0, agent: str = UA, minute: int = 0
) -> str:
    return (
        f'{ip} - - [25/Nov/2026:10:{minute:02d}:{second:02d} +0800] "GET {path} HTTP/1.1" '
        f'{status} 100 "-" "{agent}"'
    )


def test_figures_golden(project: Project) -> None:
    report = analyze(project.config, [FIXTURE])
    data = report.as_dict()
    data.pop("files")
    for reason in data["failed_reasons"]:  # the fixture's folder differs between checkouts
        reason["first"] = reason["first"].replace(str(GOLDEN) + "/", "")
    expected_file = GOLDEN / "access.expected.json"
    if os.environ.get("UPDATE_GOLDEN"):
        expected_file.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    assert data == json.loads(expected_file.read_text())
    # The definitions, spelled out: 31 lines, 5 of them unreadable (garbage, binary, a
    # truncated line, a broken date, a 70 000-character line); visitors = distinct
    # (IP, date, agent) without 4xx answers: the same person on two days counts twice.
    assert (data["total_requests"], data["valid_requests"], data["failed_requests"]) == (31, 26, 5)
    assert data["unique_visitors"] == 9


def test_figures_match_goaccess(tmp_path: Path, project: Project) -> None:
    goaccess = shutil.which("goaccess")
    if goaccess is None:
        if os.environ.get("CI"):
            pytest.fail("goaccess is missing: .ci/run must install it")
        pytest.skip("goaccess is not installed (apt-get install goaccess)")
    out = tmp_path / "goaccess.json"
    subprocess.run(
        [goaccess, str(FIXTURE), "--log-format=COMBINED", "-o", str(out), "--no-progress"],
        check=True,
        capture_output=True,
    )
    theirs = json.loads(out.read_text())["general"]
    ours = analyze(project.config, [FIXTURE]).as_dict()
    for key in ("valid_requests", "unique_visitors", "bandwidth"):
        assert ours[key] == theirs[key], key
    # GoAccess reads lines in 4 KiB pieces: the 70 000-character line becomes 17 failed
    # "lines" there, one here. Every other line is counted alike.
    assert theirs["failed_requests"] - ours["failed_requests"] == 16


@pytest.mark.parametrize(
    ("rule", "hits", "triggers"),
    [
        ("sensitive-files", [line("1.1.1.1", "/.env", 404)], True),
        ("sensitive-files", [line("1.1.1.1", "/.git/HEAD", 404)], True),
        ("sensitive-files", [line("1.1.1.1", "/db_backup.sql.gz", 404)], True),
        ("sensitive-files", [line("1.1.1.1", "/berita/envelope-baru/", 200)], False),
        ("admin-probing", [line("1.1.1.1", "/wp-login.php", 404)], True),
        ("admin-probing", [line("1.1.1.1", "/PhpMyAdmin/index.php", 404)], True),
        ("admin-probing", [line("1.1.1.1", "/administrasi-perkara/", 200)], False),
        ("sql-injection", [line("1.1.1.1", "/cari?q=1%27%20UNION%20SELECT%20password", 200)], True),
        ("sql-injection", [line("1.1.1.1", "/cari?q=%2527%2520or%25201%253D1", 200)], True),
        ("sql-injection", [line("1.1.1.1", "/cari?q=select+from+the+menu", 200)], True),
        ("sql-injection", [line("1.1.1.1", "/cari?q=jadwal+sidang+cerai", 200)], False),
        ("xss", [line("1.1.1.1", "/cari?q=%3Cscript%3Ealert(1)%3C/script%3E", 200)], True),
        ("xss", [line("1.1.1.1", "/x?u=javascript:alert(document.cookie)", 404)], True),
        ("xss", [line("1.1.1.1", "/berita/script-lama/", 200)], False),
        ("path-traversal", [line("1.1.1.1", "/files/..%2f..%2fetc/passwd", 400)], True),
        ("path-traversal", [line("1.1.1.1", "/files/laporan..final.pdf", 200)], False),
        ("bad-agent", [line("1.1.1.1", "/", 200, agent="sqlmap/1.7")], True),
        (
            "bad-agent",
            [line("1.1.1.1", "/", 200, agent="Mozilla/5.0 (compatible; Nmap NSE)")],
            True,
        ),
        ("bad-agent", [line("1.1.1.1", "/", 200, agent=UA)], False),
        ("probing", [line("1.1.1.1", f"/hilang-{i}", 404, second=i) for i in range(12)], True),
        ("probing", [line("1.1.1.1", "/hilang", 404, second=i) for i in range(30)], False),
        ("probing", [line("1.1.1.1", f"/hilang-{i}", 404, minute=i) for i in range(11)], False),
        (
            "aggressive-crawling",
            [line("1.1.1.1", f"/p{i}", second=i // 40) for i in range(400)],
            True,
        ),
        (
            "aggressive-crawling",
            [line("1.1.1.1", f"/p{i}", second=i // 5 % 60, minute=i // 300) for i in range(400)],
            False,
        ),
        ("flood-400", [line("1.1.1.1", "/", 400, second=i // 6) for i in range(30)], True),
        ("flood-400", [line("1.1.1.1", "/", 400, minute=i) for i in range(25)], False),
    ],
)
def test_rules(rule: str, hits: list[str], triggers: bool) -> None:
    detector = Detector()
    for text in hits:
        parsed = parse_line(text)
        assert parsed is not None, text
        detector.add(parsed)
    fired = {f.rule for f in detector.results()}
    assert (rule in fired) is triggers, fired


def test_finding_carries_ip_times_count_and_samples() -> None:
    detector = Detector()
    for i in range(7):
        hit = parse_line(line("2001:db8::66", f"/wp-admin/x{i}.php", 404, second=i))
        assert hit is not None
        detector.add(hit)
    (finding,) = [f for f in detector.results() if f.rule == "admin-probing"]
    assert finding.ip == "2001:db8::66" and finding.count == 7
    assert finding.first.endswith("10:00:00 +0800") and finding.last.endswith("10:00:06 +0800")
    assert finding.samples[0] == "GET /wp-admin/x0.php → 404" and len(finding.samples) == 5


@pytest.mark.parametrize(
    "text",
    [
        "",
        "-",
        "\x00\x01\x02",
        '"""',
        '1.2.3.4 - - [] "" 200 1',
        '1.2.3.4 - - [25/Nov/2026:10:00:00 +0800] "GET / HTTP/1.1" 2000 1 "-" "-"',
        "1.2.3.4 " + "x" * 100_000,
    ],
)
def test_bad_lines_never_crash(text: str) -> None:
    assert parse_line(text) is None


def test_incremental_runs_and_rotation(project: Project) -> None:
    log = project.root / "logs/access.log"
    log.parent.mkdir()
    log.write_text(line("10.0.0.1", "/a") + "\n" + line("10.0.0.1", "/b") + "\n")
    first = analyze(project.config, [log], incremental=True)
    assert first.figures.valid == 2
    with log.open("a") as handle:  # appended, and a last line still being written
        handle.write(line("10.0.0.2", "/c") + "\n" + line("10.0.0.3", "/partial"))
    second = analyze(project.config, [log], incremental=True)
    assert second.figures.valid == 1 and list(second.figures.paths) == ["/c"]
    with log.open("a") as handle:
        handle.write("\n" + line("10.0.0.4", "/d") + "\n")
    log.rename(log.with_name("access.log.1"))  # logrotate
    log.write_text(line("10.0.0.5", "/e") + "\n")
    third = analyze(project.config, [log], incremental=True)
    assert sorted(third.figures.paths) == ["/d", "/e", "/partial"]
    assert any("rotated to access.log.1" in note for note in third.notes)
    log.write_text(line("10.0.0.6", "/f") + "\n")  # truncated (copytruncate)
    fourth = analyze(project.config, [log], incremental=True)
    assert list(fourth.figures.paths) == ["/f"]
    assert analyze(project.config, [log], incremental=True).figures.total == 0


def test_gzip_rotated_set_and_cli_outputs(project: Project) -> None:
    logs = project.root / "logs"
    logs.mkdir()
    with gzip.open(logs / "access.log.2.gz", "wt") as handle:
        handle.write(line("10.0.0.1", "/lama") + "\n")
    (logs / "access.log.1").write_text(line("10.0.0.2", "/.env", 404) + "\n")
    (logs / "access.log").write_text(line("10.0.0.3", "/baru") + "\n")
    deny = project.root / "deny.conf"
    html = project.root / "laporan.html"
    args = [
        "--config",
        str(project.root / "warta.yml"),
        "visitors",
        "analyze",
        # the log's own day: each deny entry expires 7 days after its last request
        "--now",
        "2026-11-25T12:00:00+08:00",
        str(logs / "access.log.2.gz"),
        str(logs / "access.log.1"),
        str(logs / "access.log"),
    ]
    result = CliRunner().invoke(
        cli, [*args, "--deny-list", str(deny), "--format", "html", "-o", str(html)]
    )
    assert result.exit_code == 1  # suspicious activity found
    assert [x.split(";")[0] for x in deny.read_text().splitlines()[1:]] == ["deny 10.0.0.2"]
    page = html.read_text()
    assert "<title>Log Aktivitas Pengunjung — Pengadilan Agama Uji</title>" in page
    assert page.count("<rect") >= 24 and "sensitive-files" in page and "<script" not in page
    # GoAccess's panels, each with its chart or table, on the shared frame (base.html)
    for title in (
        "Pengunjung dan bandwidth per hari",
        "Kode status",
        "Halaman dan berkas statis",
        "URL 404",
        "Alamat pengunjung (host)",
        "Perayap dan pembaca umpan",
        "pencarian berkas rahasia",  # the rule's label in the site's language
    ):
        assert title in page, title
    assert page.count('<svg class="chart"') == 7 and "warta-header" in page
    text = CliRunner().invoke(cli, [*args, "--format", "json"])
    data = json.loads(text.output)
    assert data["valid_requests"] == 3 and [f["rule"] for f in data["findings"]] == [
        "sensitive-files"
    ]
    # The visitor activity log keeps every finding once: the same logs read twice give
    # the same finding (same address, rule and first request), so one row.
    import sqlite3

    db = sqlite3.connect(project.root / ".warta/warta.sqlite")
    assert db.execute("SELECT COUNT(*) FROM visitors_findings").fetchone()[0] == 1


def test_markdown_report_golden(project: Project) -> None:
    from pipeline.visitors.report import markdown

    data = analyze(project.config, [FIXTURE]).as_dict()
    text = markdown(data)
    expected = GOLDEN / "access.expected.md"
    if os.environ.get("UPDATE_GOLDEN"):
        expected.write_text(text)
    assert text == expected.read_text()
    from tests.english import english_words

    assert english_words(text) == []  # one language: rule names, agent families, numbers


@pytest.mark.parametrize(
    ("agent", "expected"),
    [
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 14_7_1 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/14.1.2 Mobile/15E148 Safari/604.1 "
            "(compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            ("Crawlers", "Crawlers", True),  # Googlebot-Mobile is not an iOS visitor
        ),
        (
            "Feedly/1.0 (+http://www.feedly.com/fetcher.html; 3 subscribers)",
            ("Feeds", "Feeds", True),
        ),
        (
            "Inoreader/1.0 (+http://www.inoreader.com/feed-fetcher; 2 subscribers)",
            ("Feeds", "Feeds", True),
        ),
        ("Mozilla/5.0 (compatible; YandexBot/3.0)", ("Crawlers", "Crawlers", True)),
        ("WhatsApp/2.23.20.0", ("Crawlers", "Crawlers", True)),
        (
            "Mozilla/5.0 (compatible; GPTBot/1.0; +https://openai.com/gptbot)",
            ("Crawlers", "Crawlers", True),
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
            ("Safari", "iOS", False),
        ),
    ],
)
def test_agents(agent: str, expected: tuple[str, str, bool]) -> None:
    from pipeline.visitors.agents import classify

    assert classify(agent) == expected


def test_goaccess_panels(project: Project) -> None:
    data = analyze(project.config, [FIXTURE]).as_dict()
    assert [g["name"] for g in data["status_groups"]] == [  # type: ignore[attr-defined]
        "2xx Success",
        "3xx Redirection",
        "4xx Client Errors",
    ]
    days = {d["date"]: d for d in data["days"]}  # type: ignore[attr-defined]
    assert sum(d["visitors"] for d in days.values()) == data["unique_visitors"]
    assert sum(d["bandwidth"] for d in days.values()) == data["bandwidth"]
    assert data["static_requests"] + data["page_requests"] == data["valid_requests"]
    static = {r["name"] for r in data["static_files"]}  # type: ignore[attr-defined]
    assert (
        "/assets/main.css" in static
        and "/biaya-perkara/panjar-biaya-perkara/files/sk.pdf" in static
    )
    missing = {r["name"]: r for r in data["not_found"]}  # type: ignore[attr-defined]
    assert missing["/tidak-ada/"] == {
        "name": "/tidak-ada/",
        "hits": 1,
        "visitors": 0,
        "bandwidth": 500,
    }
    hosts = {h["name"]: h for h in data["hosts"]}  # type: ignore[attr-defined]
    assert hosts["203.0.113.10"] == {
        "name": "203.0.113.10",
        "hits": 6,
        "visitors": 2,
        "bandwidth": 48000,
    }
    assert data["crawlers"] == [{"name": "Googlebot", "hits": 3}]


def test_hash_table_counts_like_a_set_across_growth() -> None:
    """The compact visitor tables answer "was it new?" exactly as a Python set would,
    including across their growth (colliding slots, keys of either sign)."""
    import random

    from pipeline.visitors.stats import HashTable

    rng = random.Random(3)
    keys = [rng.getrandbits(64) - (1 << 63) or 1 for _ in range(5000)]
    keys += [*keys[:2000], 1, 1 << 40, (1 << 40) + 4096]  # repeats, one slot
    plain, table = set(), HashTable(bits=2)
    for key in keys:
        assert table.add(key) == (key not in plain)
        plain.add(key)
    assert len(table) == len(plain)
    assert table.mask + 1 >= 2 * len(plain)  # at most half full

    hours: dict[int, int] = {}
    marked = HashTable(values=True, bits=2)
    for key in keys[:3000]:
        bit = 1 << rng.randrange(24)
        expected = 2 if key not in hours else (0 if hours[key] & bit else 1)
        hours[key] = hours.get(key, 0) | bit
        assert marked.add_bits(key, bit) == expected
    for key, bits in hours.items():  # the values moved with their keys when it grew
        assert marked.add_bits(key, bits & -bits) == 0
        missing = ~bits & -~bits & (1 << 24) - 1
        if missing:
            assert marked.add_bits(key, missing) == 1


def test_top_hosts_are_ranked_by_hits_then_address() -> None:
    """The hosts panel's selection (a threshold first, then only the addresses at or above
    it) ranks as sorting every address by (-hits, address) would, ties and zeros included."""
    import random
    from array import array

    from pipeline.visitors.stats import _top_hosts

    rng = random.Random(9)
    for size in (0, 1, 5, 40, 300):
        for spread in (1, 3, 50):
            hosts = {f"10.0.{rng.randrange(256)}.{i}": i for i in range(size)}
            hits = array("q", [rng.randrange(spread) for _ in range(size + 2)])
            expected = sorted(
                ((ip, i) for ip, i in hosts.items() if hits[i]),
                key=lambda kv: (-hits[kv[1]], kv[0]),
            )[:20]
            assert _top_hosts(hosts, hits, 20) == expected
