"""What git knows about the working tree (read-only)."""

from __future__ import annotations

import subprocess
from pathlib import Path


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def head_commit(root: Path) -> str | None:
    """The commit id of HEAD, or None outside a repository (or before the first commit)."""
    return _git(root, "rev-parse", "--verify", "-q", "HEAD")


def is_dirty(root: Path, path: Path) -> bool:
    """True when ``path`` has changes not committed to HEAD."""
    out = _git(root, "status", "--porcelain", "--", str(path))
    return bool(out)
