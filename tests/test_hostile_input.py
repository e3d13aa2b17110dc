"""Bounded work on hostile input: YAML alias bombs, duplicate keys, deep Markdown.

Each attack is made the way an attacker would: a bomb in warta.yml or in a draft's
front matter, a list nested 3,000 deep in a body, pushed straight into content/.
"""

from __future__ import annotations

import time

import pytest
import yaml
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.commands.publish import publish
from pipeline.config import parse_config
from pipeline.content.store import read_item
from pipeline.errors import ConfigError, ContentError
from pipeline.yamlpos import MAX_ALIASES, safe_load
from tests.conftest import APPROVED, WARTA_YML, Project
from tests.test_publish import NOW

# Nine levels of nine references: 387 million strings once expanded.
BOMB = 'lol1: &lol1 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"lol{n + 1}: &lol{n + 1} [" + ",".join([f"*lol{n}"] * 9) + "]\n" for n in range(1, 9)
)


def test_alias_bomb_in_warta_yml_is_refused_at_once(project: Project) -> None:
    project.write("warta.yml", WARTA_YML + BOMB)
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["--config", str(project.root / "warta.yml"), "status"])
    assert time.monotonic() - started < 10  # a hang would be minutes (the billion values)
    assert result.exit_code == 3, result.output
    assert "alias bomb" in result.output and "warta.yml:" in result.output
    assert "Traceback" not in result.output


def test_too_many_alias_references_are_refused() -> None:
    text = "a: &a 1\nb: [" + ", ".join(["*a"] * (MAX_ALIASES + 1)) + "]\n"
    with pytest.raises(yaml.YAMLError, match="alias references"):
        safe_load(text)
    assert safe_load("a: &a 1\nb: [" + ", ".join(["*a"] * 10) + "]\n")["b"] == [1] * 10


def test_recursive_alias_and_deep_nesting_are_refused() -> None:
    with pytest.raises(yaml.YAMLError, match="recursive"):
        safe_load("a: &a [*a]\n")
    with pytest.raises(yaml.YAMLError, match="nested"):
        safe_load("[" * 5000 + "]" * 5000)


def test_merge_keys_and_plain_anchors_still_load() -> None:
    data = safe_load("base: &base {a: 1}\nitem:\n  <<: *base\n  b: 2\nsame: *base\n")
    assert data == {"base": {"a": 1}, "item": {"a": 1, "b": 2}, "same": {"a": 1}}


def test_duplicate_key_in_warta_yml_names_both_lines(project: Project) -> None:
    text = WARTA_YML + "site:\n  name: Yang kedua\n"
    first = 1 + next(i for i, line in enumerate(WARTA_YML.splitlines()) if line == "site:")
    second = len(WARTA_YML.splitlines()) + 1
    with pytest.raises(ConfigError) as caught:
        parse_config(text, source="warta.yml", root=project.root)
    (problem,) = caught.value.problems
    assert problem.where == f"warta.yml:{second}"
    assert f"at line {first} and again at line {second}" in problem.message


def test_duplicate_key_in_front_matter_names_both_file_lines(project: Project) -> None:
    path = project.draft("dua-judul")
    text = path.read_text().replace("slug: dua-judul\n", "slug: dua-judul\ntitle: Judul kedua\n")
    path.write_text(text)
    lines = text.splitlines()
    first = 1 + next(i for i, line in enumerate(lines) if line.startswith("title: Judul yang"))
    second = 1 + lines.index("title: Judul kedua")
    with pytest.raises(ContentError) as caught:
        read_item(path, project.config, "draft")
    (problem,) = caught.value.problems
    assert problem.where.endswith(f"index.md:{second}")
    assert f"at line {first} and again at line {second}" in problem.message


def test_alias_bomb_in_front_matter_is_refused(project: Project) -> None:
    path = project.draft("bom")
    text = path.read_text().replace("---\n", "---\n" + BOMB, 1)
    path.write_text(text)
    with pytest.raises(ContentError, match="not valid YAML") as caught:
        read_item(path, project.config, "draft")
    assert "alias bomb" in caught.value.problems[0].message


def test_publish_refuses_deep_nesting_pushed_into_content(project: Project) -> None:
    nested = "".join("    " * i + f"- tingkat {i}\n" for i in range(500))
    path = project.published("bersarang", body="\n## Isi\n\n" + nested)
    started = time.monotonic()
    with pytest.raises(ContentError, match="nested too deeply") as caught:
        publish(project.config, now=NOW)
    assert time.monotonic() - started < 30  # rendering it would take far more than minutes
    line = 1 + path.read_text().splitlines().index("    " * 16 + "- tingkat 16")
    (problem,) = caught.value.problems
    assert problem.where.endswith(f"bersarang/index.md:{line}") and "17 deep" in problem.message
    assert not (project.root / "site").exists()


def test_publish_refuses_a_deep_approved_draft_through_its_review(project: Project) -> None:
    project.draft("kutipan-dalam", **APPROVED, body="\n## Isi\n\n" + "> " * 3000 + "x\n")
    result = publish(project.config, now=NOW)
    assert result.promoted == []
    assert any("nested" in p.message for p in result.refused)
    assert (project.root / "drafts/kutipan-dalam").is_dir()
