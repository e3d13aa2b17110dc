"""The example court's own checks: the README's first command, end to end.

These tests are about the demo court of this repository, not about the package (the
package's tests make their own sites, ``tests/conftest.py``). They run on a copy of the
example as committed at ``HEAD`` (``tests/example.py``), so they pass whether or not the
README's first command already published the example in the working tree.
"""

import json
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.commands.compliance import run_compliance
from pipeline.commands.content import run_review
from pipeline.config import load_config
from pipeline.content.store import scan
from tests.example import ROOT, copy_example


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_example(tmp_path_factory.mktemp("example"))


def test_example_covers_what_a_court_must_publish(example: Path) -> None:
    config = load_config(example / "warta.yml")
    found = scan(config)
    assert found.problems == []
    published = [i for i in found.items if i.location == "content"]
    pages = [i for i in published if config.category(i.front.category).kind == "page"]  # type: ignore[union-attr]
    news = [i for i in published if i.front.category == "berita"]
    assert len(pages) >= 20 and len(news) >= 10
    assert sum(bool(i.front.attachments) for i in published) >= 3
    categories = {i.front.category for i in published}
    assert categories >= {c.id for c in config.categories}
    statuses = {i.front.status.value for i in found.items if i.location == "draft"}
    assert statuses >= {"draft", "in-review", "approved"}


def test_example_content_passes_review(example: Path) -> None:
    report = run_review(load_config(example / "warta.yml"), include_content=True)
    assert [str(f.as_dict()) for f in report.findings if f.severity == "error"] == []


def test_example_scores_full_marks_on_the_checklist(example: Path) -> None:
    # The example's dates are fixed; its news and reports are fresh as of this moment.
    moment = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    result = run_compliance(load_config(example / "warta.yml"), now=moment)
    assert [(f.item.id, f.status, f.todo) for f in result.to_do] == []
    assert result.percent == 100.0


def test_readme_first_command(example: Path) -> None:
    runner = CliRunner()
    config = str(example / "warta.yml")
    published = runner.invoke(cli, ["--config", config, "publish"], catch_exceptions=False)
    assert published.exit_code == 0, published.output
    assert "published " in published.output and "embargoed " in published.output
    site = example / "site"
    assert (site / "index.html").is_file() and (site / "feed.xml").is_file()
    index = json.loads((site / "api/index.json").read_text())
    assert index["count"] >= 30
    archived = runner.invoke(cli, ["--config", config, "archive"], catch_exceptions=False)
    assert archived.exit_code == 0, archived.output
    bags = list((example / "archive").glob("*/*/bagit.txt"))
    assert len(bags) == index["count"]
    verified = runner.invoke(cli, ["--config", config, "archive", "verify"])
    assert verified.exit_code == 0 and f"{len(bags)} bag(s) valid" in verified.output


def test_example_copy_is_the_committed_one_after_the_readme_command(tmp_path: Path) -> None:
    # A fresh clone where the README's first command already ran: the approved draft was
    # promoted into content/ in the working tree. The example's checks still see HEAD.
    clone = tmp_path / "clone"
    done = subprocess.run(
        ["git", "clone", "-q", "--no-hardlinks", str(ROOT), str(clone)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"not a git checkout: {done.stderr.decode()}")
    drafts = sorted(p.name for p in (clone / "drafts").iterdir())
    moved = clone / "drafts" / drafts[0]
    shutil.move(moved, clone / "content" / "berita" / "posts" / drafts[0])
    copy = copy_example(tmp_path / "copy", root=clone)
    assert (copy / "drafts" / drafts[0] / "index.md").is_file()
    assert not (copy / "content" / "berita" / "posts" / drafts[0]).exists()
