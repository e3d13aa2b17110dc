"""Refuse what is not a plain file: symbolic links, devices, FIFOs, sockets, hard links.

A symlink in a draft's ``files/`` pointing at ``~/.ssh/id_ed25519`` or
``/proc/self/environ`` would be read by the review, copied by ``publish`` and served by
the site.  warta never follows a link: every folder it reads or copies is checked with
``lstat`` first, and a copy only starts once nothing unsafe was found.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from pipeline.errors import ContentError, Problem


def unsafe_files(folder: Path) -> list[tuple[Path, str]]:
    """Every entry under ``folder`` (and ``folder`` itself) that is not a plain file or
    folder, with the reason; links are not followed."""
    found: list[tuple[Path, str]] = []
    if not os.path.lexists(folder):
        return found
    for path in [folder, *_walk(folder)]:
        reason = _reason(path)
        if reason:
            found.append((path, reason))
    return found


def _walk(folder: Path) -> list[Path]:
    if folder.is_symlink() or not folder.is_dir():
        return []
    paths = []
    for top, dirs, files in os.walk(folder, followlinks=False):
        paths += [Path(top, name) for name in dirs + files]
    return paths


def link_reason(path: Path, *, hard_links: bool = True) -> str:
    """Why ``path`` is not a plain file or folder (empty when it is); never follows it."""
    return _reason(path, hard_links=hard_links)


def _reason(path: Path, *, hard_links: bool = True) -> str:
    info = path.lstat()
    if stat.S_ISLNK(info.st_mode):
        return f"a symbolic link (to {os.readlink(path)})"
    if stat.S_ISDIR(info.st_mode):
        return ""
    if not stat.S_ISREG(info.st_mode):
        return "not a plain file (a device, FIFO or socket)"
    if hard_links and info.st_nlink > 1:
        return f"a hard link ({info.st_nlink} names for one file)"
    return ""


def refuse_unsafe(folders: list[Path], *, root: Path, action: str) -> None:
    """Raise :class:`ContentError` naming every unsafe entry under ``folders``."""
    problems = []
    for folder in folders:
        for path, reason in unsafe_files(folder):
            shown = path.relative_to(root) if path.is_relative_to(root) else path
            problems.append(
                Problem(
                    str(shown),
                    f"{reason}: warta follows no link",
                    "replace it with the file itself (cp --dereference after checking it)",
                )
            )
    if problems:
        raise ContentError(f"{len(problems)} unsafe file(s); nothing was {action}", problems)
