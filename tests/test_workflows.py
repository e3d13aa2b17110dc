"""The GitHub Actions workflows are valid (actionlint) and run the steps the issue names."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

WORKFLOWS = Path(__file__).parent.parent / ".github" / "workflows"


def _load(name: str) -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))


def _runs(workflow: dict) -> str:  # type: ignore[type-arg]
    return "\n".join(
        step.get("run", "") for job in workflow["jobs"].values() for step in job["steps"]
    )


def test_actionlint_accepts_every_workflow() -> None:
    actionlint = shutil.which("actionlint")
    if actionlint is None:
        pytest.fail("actionlint is not installed: pip install -e '.[test]'")
    files = sorted(str(p) for p in WORKFLOWS.glob("*.yml"))
    assert len(files) == 3
    done = subprocess.run([actionlint, *files], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_would_catch_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text("on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    stepz: []\n")
    done = subprocess.run(
        ["actionlint", str(broken)], capture_output=True, text=True, check=False, cwd=tmp_path
    )
    assert done.returncode != 0


def test_pull_request_review_goes_to_the_summary_and_an_artifact() -> None:
    review = _load("review.yml")
    assert "pull_request" in review[True]  # YAML 1.1 reads the key `on` as True
    runs = _runs(review)
    # content/ is reviewed as well as the drafts, with the PDF text reader installed
    assert "warta review --all --format markdown" in runs and "GITHUB_STEP_SUMMARY" in runs
    assert "poppler-utils" in runs
    uses = [s.get("uses", "") for s in review["jobs"]["review"]["steps"]]
    assert any(u.startswith("actions/upload-artifact") for u in uses)


def test_push_to_main_verifies_before_publishing() -> None:
    publish = _load("publish.yml")
    assert publish[True]["push"]["branches"] == ["main"]
    steps = publish["jobs"]["publish"]["steps"]
    assert steps[0]["with"]["fetch-depth"] == 0  # the walk needs the whole history
    order = [
        next(cmd for cmd in ("verify", "publish", "deploy", "archive") if f"warta {cmd}" in run)
        for run in (s.get("run", "") for s in steps)
        if any(f"warta {cmd}" in run for cmd in ("verify", "publish", "deploy", "archive"))
    ]
    assert order == ["verify", "publish", "deploy", "archive"]
    assert "poppler-utils" in _runs(publish)  # publish reads the attachments' text


def test_scheduled_health_and_backup_jobs() -> None:
    scheduled = _load("scheduled.yml")
    assert len(scheduled[True]["schedule"]) == 2
    runs = _runs(scheduled)
    assert "warta health check" in runs
    assert "warta backup run" in runs and "warta backup --help" in runs  # guarded
