"""The root of trust of ``warta verify``, kept **outside** the repository it verifies.

A file on the publishing host (``warta verify --trust-file PATH``)::

    {"version": 1, "base": "<commit id>", "verified": "<commit id>", "verified_at": "…"}

``base`` is the commit pinned by the web admin when signing was switched on; ``verified``
is the tip that passed ``warta verify`` last (written by warta after each pass).  A new
tip must carry ``verified`` on its first-parent line, so no history rewrite and no old
branch point can come back.  Nothing in the repository can move either: the file lives
outside the work tree and warta refuses one inside it.  Format: ``docs/approval.md``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pipeline.errors import ConfigError, Problem
from pipeline.fsutil import atomic_write_text

VERSION = 1
COMMIT_ID = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")


@dataclass(frozen=True)
class TrustState:
    """What the publishing host trusts: the pinned base and the last verified tip."""

    base: str
    verified: str = ""
    verified_at: str = ""


def check_commit_id(value: str, where: str) -> str:
    """``value`` if it is a full commit id; a tag or branch name can be moved."""
    text = value.strip().lower()
    if not COMMIT_ID.match(text):
        raise ConfigError(
            "the trusted base must be a full commit id",
            [
                Problem(
                    where,
                    f"{value!r} is not a 40-character commit id; a tag or a branch can be "
                    "moved by whoever can push (git tag -f)",
                    "pin the commit itself: git rev-parse TAG^{commit}",
                )
            ],
        )
    return text


def read_trust(path: Path) -> TrustState | None:
    """The state in ``path`` (None when the file does not exist yet)."""
    if not path.exists():
        return None
    where = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ConfigError(
            "the trust file is unreadable",
            [Problem(where, str(error), "restore it from the publishing host's backup")],
        ) from None
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise ConfigError(
            "the trust file is not in a known format",
            [Problem(where, f"expected version {VERSION}", "see docs/approval.md: Trust file")],
        )
    base = check_commit_id(str(data.get("base", "")), f"{where}: base")
    verified = str(data.get("verified") or "")
    if verified:
        verified = check_commit_id(verified, f"{where}: verified")
    return TrustState(base, verified, str(data.get("verified_at") or ""))


def write_trust(path: Path, state: TrustState) -> None:
    """Write ``state`` atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "version": VERSION,
        "base": state.base,
        "verified": state.verified,
        "verified_at": state.verified_at,
    }
    atomic_write_text(path, json.dumps(data, indent=2) + "\n")


def recorded(state: TrustState | None, base: str, tip: str, at: datetime) -> TrustState:
    """The state after ``tip`` passed verification from ``base``."""
    return TrustState(base=state.base if state else base, verified=tip, verified_at=at.isoformat())
