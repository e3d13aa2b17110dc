"""``warta init DIR``: a court's own site repository, ready to build.

The files are made by :func:`pipeline.site.starter.starter_files`, the configuration is
checked with the one config loader before anything is written, and the whole folder is
written beside the target and renamed into place, so a failure leaves nothing half made.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pipeline.config import parse_config
from pipeline.errors import WorkflowError
from pipeline.fsutil import fsync_tree, staging_dir
from pipeline.site.compliance import load_checklist
from pipeline.site.live import now_utc
from pipeline.site.starter import NewSite, starter_files


@dataclass(frozen=True)
class InitResult:
    """What ``warta init`` made."""

    root: Path
    files: list[str]
    git: bool
    """Whether the folder was made a git repository."""


def run_init(
    target: Path, site: NewSite, *, now: datetime | None = None, git: bool = True
) -> InitResult:
    """Create the site repository at ``target`` (which must not exist or be empty)."""
    target = target.absolute()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise WorkflowError(
            f"{target} already exists and is not an empty folder",
            where=str(target),
            hint="choose a new folder; warta init never writes over existing files",
        )
    files = starter_files(site, load_checklist(), now=now or now_utc())
    parse_config(files["warta.yml"], source=str(target / "warta.yml"), root=target)
    with staging_dir(target, f"{target.name}.init") as staging:
        for rel, text in files.items():
            path = staging / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        made_git = git and shutil.which("git") is not None
        if made_git:
            subprocess.run(
                ["git", "init", "-q", "-b", "main", str(staging)],
                check=True,
                capture_output=True,
            )
        fsync_tree(staging)
        if target.exists():
            target.rmdir()  # empty, checked above
        os.replace(staging, target)
    return InitResult(target, sorted(files), made_git)
