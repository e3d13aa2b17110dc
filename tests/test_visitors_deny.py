"""The deny list: safe to include in nginx (checked with a real ``nginx -t``), never an
allow-listed address, one expiry per entry, kept across runs."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.commands.visitors import DenyEntry, analyze, write_deny_list
from pipeline.visitors.allow import AllowList
from tests.conftest import Project
from tests.servers import nginx_binary

NOW = datetime(2026, 11, 26, tzinfo=UTC)


def probe(ip: str, day: int = 25, path: str = "/.env") -> str:
    return f'{ip} - - [{day}/Nov/2026:10:00:00 +0800] "GET {path} HTTP/1.1" 404 10 "-" "curl/8"'


def nginx_accepts(tmp_path: Path, deny: Path) -> subprocess.CompletedProcess[str]:
    """``nginx -t`` on a configuration that includes the deny list in a server block."""
    folder = tmp_path / "nginx-check"
    folder.mkdir(exist_ok=True)
    conf = folder / "nginx.conf"
    conf.write_text(
        f"pid {folder}/nginx.pid; error_log {folder}/error.log;\n"
        "events { worker_connections 16; }\n"
        f"http {{ access_log off; client_body_temp_path {folder}/b; proxy_temp_path {folder}/p;"
        f" fastcgi_temp_path {folder}/f; uwsgi_temp_path {folder}/u; scgi_temp_path {folder}/s;"
        f"\n  server {{ listen 127.0.0.1:8; include {deny}; }}\n}}\n"
    )
    return subprocess.run(
        [nginx_binary(), "-t", "-p", str(folder), "-c", str(conf)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_deny_list_passes_nginx_t_and_hostile_lines_never_reach_it(
    project: Project, tmp_path: Path
) -> None:
    lines = [
        probe("198.51.100.66"),
        probe("2001:db8::66"),
        probe("::ffff:198.51.100.67"),  # an IPv4 client on a dual-stack socket
        probe("......."),  # parsed as addresses before, and broke `nginx -t`
        probe(":::::::"),
        probe("198.51.100.68; include /etc/passwd"),
        probe("127.0.0.1"),  # loopback: never denied
        probe("203.0.113.9"),  # the court's network (allow-listed below)
    ]
    text = (project.root / "warta.yml").read_text()
    project.write("warta.yml", text + 'visitors:\n  allow: ["203.0.113.0/24"]\n')
    log = project.write("logs/access.log", "\n".join(lines) + "\n")
    deny = project.root / "deny.conf"
    report = analyze(project.config, [log], deny_list=deny, now=NOW)
    assert report.deny_list is not None
    body = [x for x in deny.read_text().splitlines() if not x.startswith("#")]
    assert [x.split(";")[0] for x in body] == [
        "deny 198.51.100.66",
        "deny 198.51.100.67",
        "deny 2001:db8::66",
    ]
    assert body[0].endswith("# until 2026-12-02T02:00:00+00:00: sensitive-files")
    checked = nginx_accepts(tmp_path, deny)
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr


def test_only_valid_addresses_and_never_allow_listed(tmp_path: Path) -> None:
    until = NOW + timedelta(days=1)
    entries = [
        DenyEntry(address, ["probing"], until)
        for address in [
            ".......",
            ":::::::",
            "1.2.3.4;",
            "1.2.3.4 allow all",
            "10.0.0.0/33",
            "198.51.100.0/24",  # a CIDR block is fine
            "198.51.100.5",
            "198.51.100.5",  # twice: once
            "10.1.2.3",
            "::1",
            "2001:db8::/32",
        ]
    ]
    deny = tmp_path / "deny.conf"
    written = write_deny_list(deny, entries, AllowList(["10.0.0.0/8"]))
    assert [e.address for e in written.entries] == [
        "198.51.100.0/24",
        "198.51.100.5",
        "2001:db8::/32",
    ]
    assert written.refused == [
        ".......",
        ":::::::",
        "1.2.3.4;",
        "1.2.3.4 allow all",
        "10.0.0.0/33",
        "10.1.2.3",
        "::1",
    ]
    assert nginx_accepts(tmp_path, deny).returncode == 0
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # atomic: no temp


def test_kept_across_runs_until_each_entry_expires(project: Project) -> None:
    log = project.root / "logs/access.log"
    log.parent.mkdir()
    deny = project.root / "deny.conf"
    log.write_text(probe("198.51.100.1", day=20) + "\n")
    analyze(project.config, [log], incremental=True, deny_list=deny, now=NOW)
    with log.open("a") as handle:  # the next run finds another address only
        handle.write(probe("198.51.100.2", day=25) + "\n")
    analyze(project.config, [log], incremental=True, deny_list=deny, now=NOW)
    denied = [x.split(";")[0] for x in deny.read_text().splitlines()[1:]]
    assert denied == ["deny 198.51.100.1", "deny 198.51.100.2"]  # yesterday's stays
    # Each entry expires 7 days (visitors.deny_for) after its last request.
    later = analyze(
        project.config, [log], incremental=True, deny_list=deny, now=NOW + timedelta(days=2)
    )
    assert [e.address for e in later.deny_list.entries] == ["198.51.100.2"]  # type: ignore[union-attr]
    text = (project.root / "warta.yml").read_text()
    project.write("warta.yml", text + "visitors:\n  deny_for: 30d\n")
    again = analyze(
        project.config, [log], incremental=True, deny_list=deny, now=NOW + timedelta(days=2)
    )
    assert len(again.deny_list.entries) == 2  # type: ignore[union-attr]


def test_allow_listed_later_is_dropped_from_the_file(project: Project) -> None:
    log = project.write("logs/access.log", probe("198.51.100.1") + "\n")
    deny = project.root / "deny.conf"
    # (the log's own day: each deny entry expires 7 days after its last request)
    args = ["--config", str(project.root / "warta.yml"), "visitors", "analyze", "--now"]
    args += [NOW.isoformat(), str(log)]
    assert CliRunner().invoke(cli, [*args, "--deny-list", str(deny)]).exit_code == 1
    text = (project.root / "warta.yml").read_text()
    project.write("warta.yml", text + 'visitors:\n  allow: ["198.51.100.0/24"]\n')
    empty = project.write("logs/empty.log", "")
    result = CliRunner().invoke(
        cli, [*args[:-1], str(empty), "--deny-list", str(deny)], catch_exceptions=False
    )
    assert "left out (allow-listed or invalid): 198.51.100.1" in result.output
    assert "deny " not in deny.read_text()
