"""Draft branches: every save in the desk is a commit on ``konten/<slug>``.

The desk edits drafts without a work tree: a save writes the files as blobs, builds the
branch's next tree in a private index, makes a commit authored by the person, and moves
the branch with ``git update-ref <ref> <new> <expected>`` — an atomic compare-and-swap.
So:

- two saves of different drafts never touch each other (no shared work tree, no
  checkout);
- two people editing the same draft cannot lose each other's work: the second save
  names the commit its form was loaded from; when the branch has moved since, the save is
  refused with the difference between what they loaded and what is there now, and
  nothing is written to the branch;
- every path is checked: only ``<drafts>/<slug>/…`` with plain segments, written as
  regular files (mode ``100644``), never a symlink.

A branch starts from the published branch (``base``) and later reaches it only through
``warta approve``'s signed merge (docs/approval.md).
"""

from __future__ import annotations

import difflib
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pipeline.config import Config
from pipeline.content.gitrepo import Git
from pipeline.content.keys import Signer
from pipeline.content.store import Item, parse_item
from pipeline.errors import ContentError, Problem, WorkflowError

PREFIX = "konten/"
_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Saved:
    """One save: the branch, the new commit and the commit it replaced."""

    branch: str
    commit: str
    parent: str


class EditConflict(WorkflowError):
    """The branch moved since the form was loaded; ``diff`` shows what changed there."""

    def __init__(self, message: str, *, where: str, hint: str, diff: str) -> None:
        super().__init__(message, where=where, hint=hint)
        self.diff = diff


def branch_of(slug: str, prefix: str = PREFIX) -> str:
    """``konten/<slug>``; :class:`ContentError` for anything that is not a slug."""
    if not _SLUG.match(slug) or len(slug) > 80:
        raise ContentError("not a draft slug", [Problem("slug", repr(slug), "use a-z, 0-9, -")])
    return prefix + slug


def _checked(drafts: str, slug: str, rel: str) -> str:
    parts = rel.split("/")
    if not rel or any(not _SEGMENT.match(part) for part in parts):
        raise ContentError(
            "unsafe file name in a draft",
            [Problem(f"{drafts}/{slug}/{rel}", "only plain names are allowed", "rename the file")],
        )
    return f"{drafts}/{slug}/{rel}"


class DraftBranches:
    """The ``konten/*`` branches of one repository."""

    def __init__(
        self, git: Git, *, drafts: str = "drafts", base: str = "main", prefix: str = PREFIX
    ) -> None:
        self.git = git
        self.drafts = drafts.strip("/")
        self.base = base
        self.prefix = prefix

    def head(self, slug: str) -> str | None:
        """The branch's commit, or ``None`` when the draft has no branch yet."""
        return self.git.resolve(f"refs/heads/{branch_of(slug, self.prefix)}")

    def slugs(self) -> dict[str, str]:
        """Every draft branch: slug → head commit."""
        listed = self.git.out(
            "for-each-ref", "--format=%(refname) %(objectname)", f"refs/heads/{self.prefix}"
        )
        found = {}
        for line in listed.splitlines():
            ref, _, commit = line.partition(" ")
            slug = ref.removeprefix(f"refs/heads/{self.prefix}")
            if _SLUG.match(slug):
                found[slug] = commit
        return found

    def unmerged(self) -> dict[str, str]:
        """The draft branches not yet merged into the published branch: slug → head."""
        base = self.git.resolve(self.base)
        return {
            slug: head
            for slug, head in self.slugs().items()
            if base is None or not self.git.is_ancestor(head, base)
        }

    def item(self, config: Config, slug: str, *, at: str | None = None) -> Item | None:
        """The draft of a branch as an item (parsed as warta parses a file on disk)."""
        commit = at or self.head(slug)
        text = self.read(slug, at=commit) if commit else None
        if text is None:
            return None
        path = config.root / self.drafts / slug / "index.md"
        return parse_item(text, path=path, config=config, location="draft")

    def read(self, slug: str, rel: str = "index.md", *, at: str | None = None) -> str | None:
        """A file of the draft at ``at`` (default the branch head), ``None`` if absent."""
        commit = at or self.head(slug)
        if commit is None:
            return None
        return self.git.show(commit, _checked(self.drafts, slug, rel))

    def save(
        self,
        slug: str,
        files: Mapping[str, bytes | None],
        *,
        author: tuple[str, str],
        message: str,
        expected: str | None,
        now: datetime,
        signer: Signer | None = None,
        repo_files: Mapping[str, bytes] | None = None,
    ) -> Saved:
        """Commit ``files`` (relative to the draft's folder; ``None`` removes one).

        ``expected`` is the branch commit the edit started from (``None`` for a new
        draft). When the branch is elsewhere, :class:`EditConflict` is raised and the
        branch is left as it is. ``signer`` (a private agent with the person's key) makes a
        signed commit, as ``warta submit`` does.
        """
        branch = branch_of(slug, self.prefix)
        ref = f"refs/heads/{branch}"
        current = self.git.resolve(ref)
        if current != expected:
            raise self._conflict(slug, expected, current)
        parent = current or self.git.resolve(self.base)
        if parent is None:
            raise WorkflowError(
                f"the published branch {self.base!r} does not exist",
                where=str(self.git.root),
                hint="commit the site once before editing in the desk",
            )
        paths: dict[str, bytes | None] = {
            _checked(self.drafts, slug, rel): data for rel, data in files.items()
        }
        # Changes outside the draft's folder (a withdrawal edits a published item): plain
        # names under content/ only, never the policy, the site or the package.
        for path, content in (repo_files or {}).items():
            parts = path.split("/")
            if parts[0] != "content" or any(not _SEGMENT.match(part) for part in parts):
                raise ContentError(
                    "unsafe path in a desk change",
                    [Problem(path, "only plain names under content/", "")],
                )
            paths[path] = content
        with tempfile.TemporaryDirectory(prefix="warta-index-") as tmp:
            env = {"GIT_INDEX_FILE": os.path.join(tmp, "index")}
            self.git.run("read-tree", parent, env=env)
            for path, data in sorted(paths.items()):
                if data is None:
                    self.git.run("update-index", "--force-remove", "--", path, env=env)
                    continue
                blob = self._blob(data)
                self.git.run(
                    "update-index", "--add", "--cacheinfo", f"100644,{blob},{path}", env=env
                )
            tree = self.git.out("write-tree", env=env)
        name, email = author
        stamp = f"{int(now.timestamp())} +0000"
        who = {
            "GIT_AUTHOR_NAME": name,
            "GIT_AUTHOR_EMAIL": email,
            "GIT_AUTHOR_DATE": stamp,
            "GIT_COMMITTER_NAME": name,
            "GIT_COMMITTER_EMAIL": email,
            "GIT_COMMITTER_DATE": stamp,
        }
        if signer is None:
            commit = self.git.out("commit-tree", tree, "-p", parent, "-m", message, env=who)
        else:
            commit = self.git.out(
                "commit-tree",
                "-S",
                tree,
                "-p",
                parent,
                "-m",
                message,
                config={**signer.git_config, "user.name": name, "user.email": email},
                env={**who, **signer.env},
            )
        # The compare-and-swap: refused if anyone moved the branch since we looked.
        moved = self.git.run(
            "update-ref",
            "-m",
            f"warta desk: {message}",
            ref,
            commit,
            current or "0" * 40,
            check=False,
        )
        if moved.returncode != 0:
            raise self._conflict(slug, expected, self.git.resolve(ref))
        return Saved(branch, commit, parent)

    def _blob(self, data: bytes) -> str:
        with tempfile.NamedTemporaryFile(prefix="warta-blob-", delete=False) as handle:
            handle.write(data)
        try:
            return self.git.out("hash-object", "-w", "--", handle.name)
        finally:
            Path(handle.name).unlink()

    def _conflict(self, slug: str, expected: str | None, current: str | None) -> EditConflict:
        before = (self.read(slug, at=expected) or "") if expected else ""
        now = (self.read(slug, at=current) or "") if current else ""
        diff = "".join(
            difflib.unified_diff(
                before.splitlines(keepends=True),
                now.splitlines(keepends=True),
                fromfile="yang Anda buka",
                tofile="yang tersimpan sekarang",
            )
        )
        return EditConflict(
            f"draft {slug} was changed by someone else since you opened it",
            where=f"{branch_of(slug, self.prefix)} at {(current or 'none')[:12]}",
            hint="nothing of yours was saved: reload the draft, then apply your changes again",
            diff=diff,
        )
