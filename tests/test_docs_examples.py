"""The examples in docs/ are run, so that none goes stale again (issue 17).

Every fenced ``yaml`` and ``json`` block of ``docs/`` must parse. An HTML comment right
before a fence says what more to do with it (it is invisible in the rendered docs):

- ``<!-- test: config -->``: a whole ``warta.yml``, validated by the config loader;
- ``<!-- test: config-fragment -->``: top-level sections of ``warta.yml``, validated on top
  of a minimal configuration;
- ``<!-- test: conditions api/index.json -->``: the health conditions of the endpoints whose
  URL ends with that path must hold against that file of a site warta really built
  (the example ``[BODY] contains "items"`` of API version 1 failed here);
- ``<!-- test: skip -->``: not a complete document (an excerpt, a template).

Every ``$ warta …`` line of a ``console`` block must name a real command.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import click
import pytest
import yaml
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.commands.publish import publish
from pipeline.config import parse_config
from pipeline.health.conditions import Observation, Outcome, parse_condition
from tests.conftest import WARTA_YML, Project

DOCS = Path(__file__).parent.parent / "docs"
NOW = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)

_FENCE = re.compile(
    r"(?:<!--\s*test:\s*(?P<marks>[^>]*?)\s*-->\s*\n(?:\s*\n)?)?"
    r"^```(?P<lang>[a-z]+)[^\n]*\n(?P<body>.*?)^```\s*$",
    re.M | re.S,
)


@dataclass(frozen=True)
class Example:
    doc: str
    line: int
    lang: str
    marks: tuple[str, ...]
    body: str

    def __str__(self) -> str:
        return f"{self.doc}:{self.line}"


def _examples() -> list[Example]:
    found = []
    for path in sorted(DOCS.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        for match in _FENCE.finditer(text):
            marks = tuple(m.strip() for m in (match["marks"] or "").split(";") if m.strip())
            line = text.count("\n", 0, match.start("lang")) + 1
            found.append(Example(path.name, line, match["lang"], marks, match["body"]))
    return found


EXAMPLES = _examples()


def _marked(prefix: str) -> list[Example]:
    return [e for e in EXAMPLES if any(m.split()[0] == prefix for m in e.marks)]


def test_the_markers_are_used() -> None:
    assert _marked("config") and _marked("config-fragment") and _marked("conditions")


@pytest.mark.parametrize("example", [e for e in EXAMPLES if e.lang in {"yaml", "json"}], ids=str)
def test_yaml_and_json_examples_parse(example: Example) -> None:
    if "skip" in example.marks:
        return
    if example.lang == "json":
        json.loads(example.body)
    else:
        yaml.safe_load(example.body)


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


@pytest.mark.parametrize("example", _marked("config") + _marked("config-fragment"), ids=str)
def test_config_examples_load(example: Example, tmp_path: Path) -> None:
    if "config-fragment" in example.marks:
        text = yaml.safe_dump(_merge(yaml.safe_load(WARTA_YML), yaml.safe_load(example.body)))
    else:
        text = example.body
    parse_config(text, source=str(example), root=tmp_path)  # raises ConfigError on a problem


@pytest.mark.parametrize("example", _marked("conditions"), ids=str)
def test_health_conditions_hold_against_a_built_site(example: Example, project: Project) -> None:
    publish(project.config, now=NOW)
    (target,) = [m.split()[1] for m in example.marks if m.split()[0] == "conditions"]
    body = (project.root / "site" / target).read_text(encoding="utf-8")
    seen = Observation(
        connected=True,
        status=200,
        body=body,
        response_time=timedelta(milliseconds=120),
        certificate_expires=NOW + timedelta(days=60),
        domain_expires=NOW + timedelta(days=200),
        at=NOW,
    )
    endpoints = [
        e for e in yaml.safe_load(example.body)["health"]["endpoints"] if e["url"].endswith(target)
    ]
    assert endpoints, f"{example}: no endpoint checks {target}"
    for endpoint in endpoints:
        for text in endpoint.get("conditions", []):
            assert parse_condition(text).evaluate(seen) is Outcome.OK, f"{example}: {text}"


def _commands() -> list[tuple[str, list[str]]]:
    found = []
    for example in EXAMPLES:
        if example.lang not in {"console", "sh", "bash"}:
            continue
        for line in example.body.splitlines():
            words = line.strip().removeprefix("$ ").split()
            if len(words) < 2 or words[0] != "warta":
                continue
            path = []
            for word in words[1:]:
                if not re.fullmatch(r"[a-z][a-z-]*", word):
                    break
                path.append(word)
            found.append((f"{example}: {line.strip()}", path))
    return found


@pytest.mark.parametrize(("where", "path"), _commands(), ids=[w for w, _ in _commands()])
def test_console_examples_name_real_commands(where: str, path: list[str]) -> None:
    command: Any = cli
    for word in path:
        # (get_command: the root group loads an area's commands when asked for them)
        sub = command.get_command(None, word) if isinstance(command, click.Group) else None
        if sub is None:
            break  # an argument (warta ticket show 12 …): the command is what came before
        command = sub
    assert command is not cli, where
    result = CliRunner().invoke(cli, [*path[: path.index(command.name) + 1], "--help"])
    assert result.exit_code == 0, f"{where}: {result.output}"
