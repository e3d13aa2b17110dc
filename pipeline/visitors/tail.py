"""Where to resume reading a log: remembered inode and offset, rotation followed.

- same inode, file at least as long as before: resume at the remembered offset;
- same inode, file shorter, or its first bytes changed: it was truncated
  (copytruncate) — read from the start;
- another inode: the file was rotated — finish the old file (found beside it by its
  inode, e.g. ``access.log.1``) from the remembered offset, then read the new one
  from the start.  A rotated file that was compressed meanwhile has a new inode
  and cannot be resumed: the new file is read from the start and the gap is noted.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.visitors.hashes import sha256

HEAD = 1024


@dataclass(frozen=True)
class Position:
    path: str
    inode: int
    offset: int
    head: str = ""
    """SHA-256 of the file's first bytes (up to 1 KiB, at most ``offset``): a file
    truncated and written again to the same length keeps its inode and size."""


def fingerprint(path: Path, offset: int) -> str:
    """The ``head`` of a position ending at ``offset``."""
    with path.open("rb") as handle:
        return sha256(handle.read(min(offset, HEAD))).hexdigest()


@dataclass(frozen=True)
class Segment:
    """A part of a file to read."""

    path: Path
    start: int
    note: str = ""


def plan(path: Path, known: Position | None) -> list[Segment]:
    """The segments to read so that nothing is read twice and nothing skipped."""
    stat = path.stat()
    if known is None:
        return [Segment(path, 0)]
    if stat.st_ino == known.inode:
        same_start = not known.head or fingerprint(path, known.offset) == known.head
        if stat.st_size >= known.offset and same_start:
            return [Segment(path, known.offset)]
        return [Segment(path, 0, "truncated since the last run: read from the start")]
    for sibling in sorted(path.parent.glob(path.name + "*")):
        if sibling != path and sibling.is_file() and sibling.stat().st_ino == known.inode:
            return [Segment(sibling, known.offset, f"rotated to {sibling.name}"), Segment(path, 0)]
    return [
        Segment(
            path,
            0,
            "rotated and the old file is gone or compressed: "
            "lines written between the last run and the rotation are missed",
        )
    ]
