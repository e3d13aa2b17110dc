"""The example site in this repository: the README's first command, end to end.

Runs on a copy of the repository's example (warta.yml, mkdocs.yml, content/,
drafts/) so the checkout is left as it is.
"""

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.commands.content import run_review
from pipeline.config import load_config
from pipeline.content.store import scan

ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("example")
    for name in ("warta.yml", "mkdocs.yml"):
        shutil.copy2(ROOT / name, root / name)
    for name in ("content", "drafts"):
        shutil.copytree(ROOT / name, root / name)
    return root


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
