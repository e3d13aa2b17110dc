"""Visitor activity input: nothing in a log is fatal, every failure has its reason, and the
log formats warta reads (presets and GoAccess log-format strings)."""

from __future__ import annotations

import gzip
import json

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.commands.visitors import analyze
from pipeline.errors import ConfigError
from pipeline.visitors import parse
from pipeline.visitors.parse import LogFormat
from tests.conftest import Project

UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0 Safari/537.36"
GOOD = f'203.0.113.5 - - [25/Nov/2026:10:00:00 +0800] "GET / HTTP/1.1" 200 100 "-" "{UA}"'


def stamped(stamp: str, *, ip: str = "203.0.113.5", status: str = "200") -> str:
    return f'{ip} - - [{stamp}] "GET / HTTP/1.1" {status} 100 "-" "{UA}"'


# Each line crashed a run (exit 70, no report) or was accepted although it is wrong.
CRASHES = [
    (stamped("25/Nov/2026:10:00:00"), parse.NO_ZONE),
    (stamped("31/Feb/2026:10:00:00 +0800"), parse.BAD_DATE),
    (stamped("00/Nov/2026:10:00:00 +0800"), parse.BAD_DATE),
    (stamped("25/Nov/2026:10:00:00 +9999"), parse.BAD_ZONE),
    (stamped("25/Nov/0000:10:00:00 +0800"), parse.BAD_DATE),
    (stamped("25/Nov/2026:25:00:00 +0800"), parse.BAD_TIME),
    (stamped("25/Nov/2026:10:61:00 +0800"), parse.BAD_TIME),
    (stamped("25/Nov/2026:10:00:00.12x +0800"), parse.BAD_TIME),
    (stamped("25/Nov/2026:10:00:00 CEST"), parse.BAD_ZONE),
    (stamped("25/Nov/2026:10:00:00 +0800", status="999"), parse.BAD_STATUS),
    (stamped("25/Nov/2026:10:00:00 +0800", status="099"), parse.BAD_STATUS),
    (stamped("25/Nov/2026:10:00:00 +0800", ip="......."), parse.BAD_ADDRESS),
    (stamped("25/Nov/2026:10:00:00 +0800", ip=":::::::"), parse.BAD_ADDRESS),
    (stamped("25/Nov/2026:10:00:00 +0800", ip="999.1.1.1"), parse.BAD_ADDRESS),
    (stamped("25/Nov/2026:10:00:00 +0800", ip="evil.example"), parse.BAD_ADDRESS),
    (stamped("25/Nov/2026:10:00:00 +0800", ip="\u0661.2.3.4"), parse.BAD_ADDRESS),  # "١.2.3.4"
    (stamped("25/Nov/2026:10:00:00 +0800", ip="01.2.3.4"), parse.BAD_ADDRESS),
    (stamped("25/Nov/2026:10:00:00 +0800", ip="1.2.3.4.5"), parse.BAD_ADDRESS),
    (GOOD.replace(" 100 ", " 1e9 "), parse.BAD_SIZE),
    (stamped("25/Nov/2026:10:00:00 +0800", status="2\u00b20"), parse.BAD_STATUS),  # "2²0"
    (GOOD.replace(" 100 ", " 1\u00b2 "), parse.BAD_SIZE),  # digits to str.isdigit, not int
    ("Nov 25 10:00:00 web nginx: " + GOOD, parse.BAD_ADDRESS),  # a syslog prefix
    ("\x00\x01\x02 binary", parse.NOT_A_LOG_LINE),
    ("1.2.3.4 " + "x" * 100_000, parse.TOO_LONG),
]


@pytest.mark.parametrize(("text", "reason"), CRASHES)
def test_every_unreadable_line_has_its_reason(text: str, reason: str) -> None:
    assert LogFormat().parse(text) == reason


def test_the_combined_fast_path_reads_every_line_as_the_format_does() -> None:
    """The combined preset's regex-free reader gives exactly what the format's regex
    gives, on the golden log, every crash class, and lines mutated at random with the
    characters that matter to it (quotes, escapes, brackets, spaces, colons, digits)."""
    import random
    from pathlib import Path

    fmt = LogFormat("combined")
    assert fmt.parse == fmt._parse_combined
    golden = Path(__file__).parent / "golden" / "visitors" / "access.log"
    lines = golden.read_text(encoding="utf-8", errors="replace").splitlines()
    lines += [text for text, _ in CRASHES] + [GOOD + " trailing", GOOD[:-1], GOOD + '"']
    lines += [stamped(f"25/Nov/2026:{h}:{m}:{s} {z}") for h, m, s, z in [
        ("23", "59", "60", "-0330"), ("24", "00", "00", "+0800"), ("10", "60", "00", "+0800"),
        ("1", "00", "00", "+0800"), ("10", "0", "00", "+0800"), ("10", "00", "00", "+08:00"),
        ("10", "00", "00", "Z"), ("10", "00", "00", ""), ("10", "00", "00", " +0800"),
    ]]  # fmt: skip
    rng = random.Random(20)
    alphabet = '"\\[] :-/0123456789\u00b2\u0661xZ+'
    for _ in range(4000):
        text = list(rng.choice([*lines[:40], GOOD]))
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(text) + 1)
            choice = rng.random()
            if choice < 0.4 and at < len(text):
                text[at] = rng.choice(alphabet)
            elif choice < 0.7:
                text.insert(at, rng.choice(alphabet))
            elif at < len(text):
                del text[at]
        lines.append("".join(text))
    alone = LogFormat("combined")
    alone._parse_text = lambda text: "deferred"  # type: ignore[method-assign]
    answered = 0
    for text in lines:
        assert fmt._parse_combined(text) == fmt._parse_text(text), text
        own = alone._parse_combined(text)
        if own != "deferred":
            answered += 1
            assert own == fmt._parse_text(text), text
    assert answered > 1000  # the fast path itself read many of the (mutated) lines


@pytest.mark.parametrize(
    "stamp",
    ["25/Nov/2026:10:00:00 UTC", "25/Nov/2026:10:00:00.123 +0800", "25/Nov/2026:10:00:60 -0330"],
)
def test_dates_that_are_readable_are_read(stamp: str) -> None:
    hit = LogFormat().parse(stamped(stamp))
    assert not isinstance(hit, str), hit
    assert hit.date == "2026-11-25" and hit.time == stamp


def test_a_run_over_every_crash_class_reports(project: Project) -> None:
    log = project.write("logs/access.log", "\n".join([GOOD] + [t for t, _ in CRASHES]) + "\n")
    result = CliRunner().invoke(
        cli, ["--config", str(project.root / "warta.yml"), "visitors", "analyze", str(log)]
    )
    assert result.exit_code == 1, result.output  # most of the file failed: said plainly
    assert "Traceback" not in result.output
    assert f"{len(CRASHES) + 1} requests ({len(CRASHES)} failed)" in result.output
    assert "most lines not read" in result.output
    for _, reason in CRASHES:
        assert reason in result.output
    data = analyze(project.config, [log]).as_dict()
    reasons = {r["reason"]: r for r in data["failed_reasons"]}  # type: ignore[attr-defined]
    assert reasons[parse.BAD_DATE]["lines"] == 3
    assert reasons[parse.NO_ZONE]["first"].endswith("access.log:2")


def test_last_line_without_newline_is_read_plain_and_gzip(project: Project) -> None:
    text = GOOD + "\n" + GOOD.replace("GET /", "GET /akhir")
    plain = project.write("logs/a.log", text)
    packed = project.root / "logs/b.log.gz"
    packed.write_bytes(gzip.compress(text.encode()))
    report = analyze(project.config, [plain, packed])
    assert report.figures.valid == 4 and report.figures.paths["/akhir"].hits == 2


@pytest.mark.parametrize(
    ("damage", "read"),
    [
        (lambda data: data[: len(data) // 2], None),  # truncated: the lines before it count
        (lambda data: data + b"garbage after the end", 200),  # trailing bytes
        (lambda data: data[:20] + bytes(b ^ 0xFF for b in data[20:40]) + data[40:], None),
    ],
)
def test_damaged_gzip_is_counted_not_fatal(project: Project, damage: object, read: int) -> None:
    lines = "".join(GOOD.replace("GET /", f"GET /p{i}") + "\n" for i in range(200))
    path = project.root / "logs/access.log.2.gz"
    path.parent.mkdir(exist_ok=True)
    assert callable(damage)
    path.write_bytes(damage(gzip.compress(lines.encode())))
    report = analyze(project.config, [path])
    assert report.figures.reasons and any(
        r.startswith(parse.DAMAGED) for r in report.figures.reasons
    )
    assert any("compressed file damaged" in w for w in report.warnings)
    if read is not None:
        assert report.figures.valid == read


def test_binary_garbage_says_nothing_was_parsed(project: Project) -> None:
    import random

    noise = random.Random(4).randbytes(2 * 1024 * 1024)
    path = project.root / "logs/garbage.log"
    path.parent.mkdir()
    path.write_bytes(noise)
    result = CliRunner().invoke(
        cli, ["--config", str(project.root / "warta.yml"), "visitors", "analyze", str(path)]
    )
    assert result.exit_code == 1
    assert "nothing parsed: is this an nginx/Apache combined log?" in result.output


VHOST = (
    "www.pa-uji.example:443 203.0.113.5 - - [25/Nov/2026:10:00:00 +0800] "
    f'"GET / HTTP/1.1" 200 10 "-" "{UA}"'
)
JSON_LINE = json.dumps(
    {
        "remote_addr": "2001:db8::5",
        "time_iso8601": "2026-11-25T10:00:00+08:00",
        "request": "GET /berita/ HTTP/2.0",
        "status": 200,
        "body_bytes_sent": "512",
        "http_referer": "https://www.google.com/",
        "http_user_agent": UA,
        "request_time": "0.031",
        "host": "www.pa-uji.example",
    }
)


@pytest.mark.parametrize(
    ("preset", "text", "path"),
    [
        ("combined", GOOD, "/"),
        ("vhost_combined", VHOST, "/"),
        ("common", '203.0.113.5 - rina [25/Nov/2026:10:00:00 +0800] "GET /x HTTP/1.0" 304 -', "/x"),
        ("nginx_timed", GOOD + " 0.250", "/"),
        ("json", JSON_LINE, "/berita/"),
    ],
)
def test_presets(preset: str, text: str, path: str) -> None:
    hit = LogFormat(preset).parse(text)
    assert not isinstance(hit, str), hit
    assert hit.path == path and hit.date == "2026-11-25" and hit.hour == 10
    if preset == "nginx_timed":
        assert hit.seconds == 0.25
    if preset == "json":
        assert (hit.ip, hit.vhost, hit.seconds, hit.size) == (
            "2001:db8::5",
            "www.pa-uji.example",
            0.031,
            512,
        )


def test_goaccess_log_format_string() -> None:
    # Apache's "%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-agent}i\" %D" in
    # GoAccess's syntax, as its man page writes it.
    fmt = LogFormat('%h %^ %e [%d:%t %^] "%r" %s %b "%R" "%u" %D')
    hit = fmt.parse(GOOD.replace('" 200', '" 200') + " 1500")
    assert not isinstance(hit, str) and hit.seconds == pytest.approx(0.0015)
    other = LogFormat('%h [%x] "%m %U %H" %s %b')
    hit = other.parse('198.51.100.1 [2026-11-25T10:00:00Z] "POST /masuk?x=1 HTTP/1.1" 401 0')
    assert not isinstance(hit, str)
    assert (hit.method, hit.path, hit.status, hit.at) == ("POST", "/masuk?x=1", 401, 1795600800.0)


def test_other_formats_are_recognised_in_the_warning(project: Project) -> None:
    log = project.write("logs/vhost.log", "\n".join([VHOST] * 30) + "\n")
    report = analyze(project.config, [log])
    assert report.figures.valid == 0
    (warning,) = report.warnings
    assert "nothing parsed" in warning and "--log-format vhost_combined" in warning
    fixed = analyze(project.config, [log], format_spec="vhost_combined")
    assert fixed.figures.valid == 30 and not fixed.warnings
    js = project.write("logs/json.log", "\n".join([JSON_LINE] * 30) + "\n")
    assert "--log-format json" in analyze(project.config, [js]).warnings[0]


@pytest.mark.parametrize("spec", ["%h %s %Z", "%h %s", '%h [%d:%t] "%r"', '{"a": 1}', "{not json"])
def test_bad_log_formats_are_config_errors(project: Project, spec: str) -> None:
    log = project.write("logs/a.log", GOOD + "\n")
    with pytest.raises(ConfigError) as caught:
        analyze(project.config, [log], format_spec=spec)
    assert "--log-format" in str(caught.value)


def test_log_format_in_warta_yml(project: Project) -> None:
    text = (project.root / "warta.yml").read_text()
    project.write("warta.yml", text + "visitors:\n  log_format: vhost_combined\n")
    log = project.write("logs/vhost.log", VHOST + "\n")
    assert analyze(project.config, [log]).figures.valid == 1
    project.write("warta.yml", text + 'visitors:\n  log_format: "%h %Q"\n')
    with pytest.raises(ConfigError) as caught:
        _ = project.config
    assert "visitors.log_format" in str(caught.value) and "%Q" in str(caught.value)


@pytest.mark.parametrize("hold", [False, True])
def test_reading_a_block_at_a_time_gives_the_lines_one_at_a_time_does(
    monkeypatch: pytest.MonkeyPatch, hold: bool
) -> None:
    """Plain files are read a block at a time: the same lines (CRLF, broken UTF-8 at a line
    end or across a block boundary, empty lines, a last line without its newline) and the
    same end offset as reading line by line, with blocks far smaller than a line."""
    import io

    data = (
        b"first\r\n\r\nbroken \xe2\x82\nsplit \xe2\x82\xac euro\n"
        + b"x" * 50
        + b"\r\r\n\xff\xfe\n\nno newline \xe2"
    )
    for block in (1, 3, 7, 64, 1 << 20):
        monkeypatch.setattr(parse, "BLOCK", block)
        for start in (0, 7):
            blocks = parse.Reader(io.BytesIO(data), start, hold_partial=hold)
            by_line = parse.Reader(io.BytesIO(data), start, hold_partial=hold)
            assert list(blocks) == list(by_line._lines())
            assert (blocks.end, blocks.held) == (by_line.end, by_line.held)
