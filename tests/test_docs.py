"""The reference docs stay in step with the code they describe."""

import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from pipeline import config as config_module
from pipeline.content import model

DOCS = Path(__file__).parent.parent / "docs"


def _fields(*models: type[BaseModel]) -> set[str]:
    return {name for m in models for name in m.model_fields}


@pytest.mark.parametrize(
    ("doc", "names"),
    [
        (
            "front-matter.md",
            _fields(
                model.FrontMatter,
                model.Attachment,
                model.ReviewRecord,
                model.ApprovalRecord,
                model.HistoryEntry,
            )
            | set(model.MKDOCS_KEYS),
        ),
        (
            "configuration.md",
            _fields(
                config_module.Config,
                config_module.SiteSettings,
                config_module.Paths,
                config_module.Category,
                config_module.Person,
                config_module.CourtSettings,
                config_module.QuickLink,
                config_module.ReviewSettings,
                config_module.HtmlSettings,
                config_module.WorkflowTargets,
                config_module.WorkflowSettings,
                config_module.ConvertSettings,
                config_module.SigningSettings,
                config_module.PathRule,
                config_module.BackupSettings,
                config_module.VisitorSettings,
                config_module.RuleSettings,
            ),
        ),
    ],
)
def test_every_field_documented(doc: str, names: set[str]) -> None:
    text = (DOCS / doc).read_text(encoding="utf-8")
    missing = sorted(n for n in names if f"`{n}`" not in text)
    assert missing == []


def test_status_transitions_documented() -> None:
    text = (DOCS / "front-matter.md").read_text(encoding="utf-8")
    for source, targets in model.TRANSITIONS.items():
        for target in targets:
            assert re.search(rf"`{source.value}`.*`{target.value}`", text), (source, target)


def test_docs_links_resolve() -> None:
    for doc in DOCS.glob("*.md"):
        for target in re.findall(r"\]\(([^)#:\s]+\.md)(?:#[^)]*)?\)", doc.read_text()):
            assert (doc.parent / target).is_file(), f"{doc.name} → {target}"
