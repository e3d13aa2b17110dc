"""The ``warta`` command loads only what the command that runs needs.

An area of commands is imported when one of its commands runs; ``--help`` and the CLI
reference still list every command. ``warta visitors analyze`` (run every few minutes
from cron on the court's server, and compared with GoAccess's memory in
``bench/bench_visitors.py``) must not load rich, the site engine, the ticket workflows,
OpenSSL or ctypes: each test below runs the real command in a fresh interpreter and
reads its ``sys.modules`` at exit.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import AREAS, cli

ROOT = Path(__file__).resolve().parent.parent

LOADED = """\
import atexit, json, runpy, sys
REPORT = sys.argv[1]
def _report():
    with open(REPORT, "w") as handle:
        json.dump(sorted(sys.modules), handle)
atexit.register(_report)
sys.argv = ["warta", *sys.argv[2:]]
runpy.run_module("pipeline", run_name="__main__")
"""

NEVER_IN_A_VISITORS_RUN = (
    "rich",
    "jinja2",
    "babel",
    "mkdocs",
    "markdown",
    "boto3",
    "botocore",
    "hashlib",  # (OpenSSL: about 4 MiB)
    "ctypes",
    "pipeline.site",
    "pipeline.content.model",  # (its schema module is only the SQL of a table)
    "pipeline.content.store",
    "pipeline.tickets.workflows",
    "pipeline.visitors.report",
)


def loaded_by(tmp_path: Path, *args: str) -> tuple[int, list[str]]:
    """Run ``python -m pipeline ARGS`` in ``tmp_path``; its exit code and loaded modules."""
    report = tmp_path / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", LOADED, str(report), *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)},
        check=False,
    )
    assert report.exists(), done.stderr
    return done.returncode, json.loads(report.read_text())


def heavy(modules: list[str], names: tuple[str, ...]) -> list[str]:
    return [m for m in modules if any(m == n or m.startswith(n + ".") for n in names)]


def test_every_area_module_is_in_the_table_with_its_commands() -> None:
    modules = {p.stem for p in (ROOT / "pipeline/cli").glob("*.py")}
    with_commands = {
        name
        for name in modules
        if hasattr(importlib.import_module(f"pipeline.cli.{name}"), "COMMANDS")
    }
    assert with_commands == set(AREAS), "pipeline.cli.AREAS must list every area module"
    for area, names in AREAS.items():
        module = importlib.import_module(f"pipeline.cli.{area}")
        assert [c.name for c in module.COMMANDS] == list(names), area


def test_help_lists_every_command_with_its_help() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0, result.output
    listed = result.output.split("Commands:", 1)[1]
    for names in AREAS.values():
        for name in names:
            command = cli.get_command(None, name)  # type: ignore[arg-type]
            assert command is not None, name
            line = next(x for x in listed.splitlines() if x.split()[:1] == [name])
            short = command.get_short_help_str(limit=30).removesuffix("...")
            assert short[:20] in line, f"{name}: {line!r}"
    assert "config" in listed


def test_every_command_runs_by_its_name() -> None:
    for names in AREAS.values():
        for name in names:
            result = CliRunner().invoke(cli, [name, "--help"], prog_name="warta")
            assert result.exit_code == 0, (name, result.output)
            assert f"Usage: warta {name}" in result.output


def test_an_unknown_command_is_refused_by_name() -> None:
    result = CliRunner().invoke(cli, ["visitor"])
    assert result.exit_code == 2
    assert "No such command 'visitor'" in result.output


def test_visitors_help_loads_neither_pydantic_nor_rich(tmp_path: Path) -> None:
    code, modules = loaded_by(tmp_path, "visitors", "analyze", "--help")
    assert code == 0
    assert heavy(modules, ("rich", "pydantic", "yaml", *NEVER_IN_A_VISITORS_RUN)) == []
    others = [f"pipeline.cli.{area}" for area in AREAS if area != "visitors"]
    assert heavy(modules, tuple(others)) == []


def test_a_visitors_run_into_a_file_loads_only_what_it_uses(tmp_path: Path) -> None:
    (tmp_path / "warta.yml").write_text(
        'site: {name: PN, url: "https://pn.example/"}\n'
        "categories: [{id: berita, label: {id: Berita}, section: berita}]\n"
    )
    (tmp_path / "access.log").write_text(
        '203.0.113.9 - - [01/Dec/2026:10:00:00 +0800] "GET / HTTP/1.1" 200 512 "-" '
        '"Mozilla/5.0"\n'
        '203.0.113.7 - - [01/Dec/2026:10:00:01 +0800] "GET /.env HTTP/1.1" 404 0 "-" '
        '"curl/8.0"\n'
    )
    code, modules = loaded_by(
        tmp_path, "visitors", "analyze", "access.log", "--format", "json", "-o", "out.json"
    )
    assert code in (0, 1)
    report = json.loads((tmp_path / "out.json").read_text())
    assert report["total_requests"] == 2  # (it did run: the figures are there)
    assert heavy(modules, NEVER_IN_A_VISITORS_RUN) == []
    others = [f"pipeline.cli.{area}" for area in AREAS if area != "visitors"]
    assert heavy(modules, tuple(others)) == []
    assert "pipeline.config" in modules  # (the one loader validated warta.yml)
