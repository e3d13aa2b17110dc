"""A small wrapper around the real ``git`` binary, for the signed approval layer.

Everything runs ``git -C ROOT …`` with a fixed locale and without pagers or
prompts.  Failures become :class:`pipeline.errors.WorkflowError` (a step that
git refused) or :class:`pipeline.errors.ToolMissingError` (no git at all),
naming the command and git's own message.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import NotFoundError, ToolMissingError, WorkflowError

#: The empty tree: the "parent" of a root commit in diffs.
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


@dataclass(frozen=True)
class Signature:
    """What git says about a commit's signature, given an allowed-signers file."""

    status: str
    """``%G?``: ``G`` good and allowed, ``U`` good but the key is not allowed, ``N`` none,
    ``B`` bad, ``E`` cannot be checked."""
    principal: str
    """``%GS``: the allowed signer's principal (an e-mail address) when ``status`` is G."""
    key: str
    """``%GK``: the key's fingerprint (``SHA256:…``), also for unknown keys."""


@dataclass(frozen=True)
class CommitInfo:
    """One commit's people: author and committer e-mail (lowercase) and its signature."""

    commit: str
    author: str
    committer: str
    signature: Signature
    parents: tuple[str, ...] = ()
    tree: str = ""
    trailers: dict[str, list[str]] = field(default_factory=dict)

    @property
    def is_approval(self) -> bool:
        """A merge with an ``Approved-by`` trailer."""
        return len(self.parents) > 1 and bool(self.trailers.get("approved-by"))


@dataclass(frozen=True)
class RawChange:
    """One line of ``git diff --raw``: modes, the new object, status letter, path."""

    old_mode: str
    new_mode: str
    new_id: str
    status: str
    path: str


#: Modes git records that are not a plain file: a symlink and a submodule (gitlink).
LINK_MODES = frozenset({"120000", "160000"})


def parse_trailers(text: str) -> dict[str, list[str]]:
    """Trailers as git prints them (``Key: value`` lines), by lowercase key."""
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            found.setdefault(key.strip().lower(), []).append(value.strip())
    return found


@dataclass(frozen=True)
class CommitDetails:
    """What verify reads of one commit."""

    subject: str
    signature: Signature
    trailers: dict[str, list[str]]


class Git:
    """One repository (its work tree root or any folder inside it)."""

    def __init__(self, root: Path, *, env: Mapping[str, str] | None = None) -> None:
        self.root = root
        self._batch: subprocess.Popen[bytes] | None = None
        self._env = {
            **os.environ,
            "LC_ALL": "C",
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_PAGER": "cat",
            **(env or {}),
        }

    def run(
        self,
        *args: str,
        config: Mapping[str, str] | None = None,
        input: str | None = None,
        env: Mapping[str, str] | None = None,
        check: bool = True,
    ) -> subprocess.CompletedProcess[str]:
        """Run ``git ARGS``; raise :class:`WorkflowError` with git's message if it fails."""
        command = ["git", "-C", str(self.root)]
        for key, value in (config or {}).items():
            command += ["-c", f"{key}={value}"]
        command += list(args)
        try:
            done = subprocess.run(
                command,
                capture_output=True,
                text=True,
                input=input,
                env={**self._env, **(env or {})},
                check=False,
            )
        except FileNotFoundError:
            raise ToolMissingError(
                "git is not installed", where="git", hint="install git (apt-get install git)"
            ) from None
        if check and done.returncode != 0:
            message = (done.stderr or done.stdout).strip().splitlines()
            raise WorkflowError(
                f"git {args[0]} failed: {message[-1] if message else f'exit {done.returncode}'}",
                where=str(self.root),
                hint="see git's message; fix the repository and run the step again",
            )
        return done

    def out(self, *args: str, **kwargs: object) -> str:
        """The standard output of ``git ARGS``, without the final newline."""
        return self.run(*args, **kwargs).stdout.rstrip("\n")  # type: ignore[arg-type]

    # -- questions -------------------------------------------------------------------

    def toplevel(self) -> Path:
        """The root of the work tree; :class:`NotFoundError` outside a repository."""
        done = self.run("rev-parse", "--show-toplevel", check=False)
        if done.returncode != 0:
            raise NotFoundError(
                "not inside a git repository",
                where=str(self.root),
                hint="run warta in a clone of the site's repository (git clone …)",
            )
        return Path(done.stdout.strip())

    def resolve(self, rev: str) -> str | None:
        """The commit id of ``rev`` (branch, tag, id), or None."""
        done = self.run("rev-parse", "--verify", "-q", f"{rev}^{{commit}}", check=False)
        return done.stdout.strip() if done.returncode == 0 else None

    def is_ancestor(self, older: str, newer: str) -> bool:
        """True when ``older`` is reachable from ``newer``."""
        return self.run("merge-base", "--is-ancestor", older, newer, check=False).returncode == 0

    def current_branch(self) -> str | None:
        """The checked-out branch name, or None when HEAD is detached."""
        done = self.run("symbolic-ref", "-q", "--short", "HEAD", check=False)
        return done.stdout.strip() or None

    def first_parent_commits(self, base: str, tip: str) -> list[str]:
        """Commits on ``tip``'s first-parent line after ``base``, oldest first."""
        text = self.out("rev-list", "--first-parent", "--reverse", f"{base}..{tip}")
        return text.split()

    def parents(self, commit: str) -> list[str]:
        """The parents of ``commit``, first parent first."""
        return self.out("rev-list", "--parents", "-n", "1", commit).split()[1:]

    def changed(self, old: str, new: str, paths: Sequence[str]) -> list[tuple[str, str]]:
        """``(status, path)`` of every file that differs under ``paths`` (no rename
        detection: a move is a deletion and an addition, both of which need approval)."""
        text = self.out("diff", "--name-status", "--no-renames", "-z", old, new, "--", *paths)
        fields = text.split("\0")
        return [(fields[i], fields[i + 1]) for i in range(0, len(fields) - 1, 2)]

    def first_parent_line(self, base: str, tip: str) -> list[tuple[str, list[str]]]:
        """``(commit, parents)`` of every commit on ``tip``'s first-parent line after
        ``base``, oldest first, in one call."""
        text = self.out("rev-list", "--first-parent", "--reverse", "--parents", f"{base}..{tip}")
        return [(ids[0], ids[1:]) for ids in (line.split() for line in text.splitlines()) if ids]

    def details(self, commit: str, allowed_signers: Path) -> CommitDetails:
        """Subject, signature and trailers of one commit, in one call."""
        text = self.out(
            "log",
            "-1",
            "--format=%s%x00%G?%x00%GS%x00%GK%x00%(trailers:only,unfold)",
            commit,
            config={"gpg.ssh.allowedSignersFile": str(allowed_signers)},
        )
        subject, status, principal, key, trailers = [*text.split("\0"), "", "", "", ""][:5]
        signature = Signature(status, principal if status == "G" else "", key)
        return CommitDetails(subject, signature, parse_trailers(trailers))

    def cat(self, spec: str) -> bytes | None:
        """The content of object ``spec`` (``rev:path``, an id), or None when missing."""
        found = self.cat_object(spec)
        return found[1] if found else None

    def cat_text(self, rev: str, path: str) -> str | None:
        """Like :meth:`show`, through the long-lived ``cat-file`` process."""
        data = self.cat(f"{rev}:{path}")
        return data.decode("utf-8", errors="replace") if data is not None else None

    def cat_object(self, spec: str) -> tuple[str, bytes] | None:
        """``(object id, content)`` of ``spec``, or None when missing.

        One long-lived ``git cat-file --batch`` answers every question of a walk instead
        of one process per file; :meth:`close` ends it.
        """
        if self._batch is None or self._batch.poll() is not None:
            self._batch = subprocess.Popen(
                ["git", "-C", str(self.root), "cat-file", "--batch"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=self._env,
            )
        batch = self._batch
        assert batch.stdin is not None and batch.stdout is not None
        if "\n" in spec:
            return None
        batch.stdin.write(spec.encode() + b"\n")
        batch.stdin.flush()
        header = batch.stdout.readline().decode().split()
        if len(header) != 3 or header[1] in ("missing", "ambiguous"):
            return None
        data = batch.stdout.read(int(header[2]) + 1)[:-1]
        return header[0], data

    def close(self) -> None:
        """End the ``cat-file`` process, if one runs."""
        if self._batch is not None:
            if self._batch.stdin is not None:
                self._batch.stdin.close()
            self._batch.wait()
            self._batch = None

    def show(self, rev: str, path: str) -> str | None:
        """The text of ``path`` at ``rev``, or None when it does not exist there."""
        done = self.run("show", f"{rev}:{path}", check=False)
        return done.stdout if done.returncode == 0 else None

    def blob_id(self, rev: str, path: str) -> str | None:
        """The object id of ``path`` at ``rev``, or None."""
        done = self.run("rev-parse", "-q", "--verify", f"{rev}:{path}", check=False)
        return done.stdout.strip() if done.returncode == 0 else None

    def tree_id(self, rev: str, path: str = "") -> str | None:
        """The tree id of folder ``path`` at ``rev`` (the whole tree when empty)."""
        return self.blob_id(rev, path)

    def message(self, commit: str) -> str:
        """The full commit message."""
        return self.out("log", "-1", "--format=%B", commit)

    def trailers(self, commit: str) -> dict[str, list[str]]:
        """The commit message's trailers, by key (as git parses them)."""
        return parse_trailers(self.out("log", "-1", "--format=%(trailers:only,unfold)", commit))

    def signature(self, commit: str, allowed_signers: Path) -> Signature:
        """Check ``commit``'s signature against ``allowed_signers``."""
        text = self.out(
            "log",
            "-1",
            "--format=%G?%x00%GS%x00%GK",
            commit,
            config={"gpg.ssh.allowedSignersFile": str(allowed_signers)},
        )
        status, principal, key = ([*text.split("\0"), "", ""])[:3]
        if status != "G":
            principal = ""  # only an allowed key names a principal
        return Signature(status=status, principal=principal, key=key)

    def commits(self, tip: str, exclude: str, allowed_signers: Path) -> list[CommitInfo]:
        """Every commit reachable from ``tip`` and not from ``exclude`` (a branch's own
        commits), with author, committer and signature, in one call."""
        text = self.out(
            "log",
            "-z",
            "--format=%H%x1f%ae%x1f%ce%x1f%G?%x1f%GS%x1f%GK%x1f%P%x1f%T%x1f%(trailers:only,unfold)",
            tip,
            f"^{exclude}",
            config={"gpg.ssh.allowedSignersFile": str(allowed_signers)},
        )
        found = []
        for record in text.split("\0"):
            fields = record.strip("\n").split("\x1f")
            if len(fields) < 9:
                continue
            commit, author, committer, status, principal, key, parents, tree, text = fields[:9]
            found.append(
                CommitInfo(
                    commit,
                    author.lower(),
                    committer.lower(),
                    Signature(status, principal if status == "G" else "", key),
                    tuple(parents.split()),
                    tree,
                    parse_trailers(text),
                )
            )
        return found

    def merge_tree(self, ours: str, theirs: str) -> str | None:
        """The tree git's merge of two commits would write, or None when it conflicts."""
        done = self.run("merge-tree", "--write-tree", "--no-messages", ours, theirs, check=False)
        if done.returncode != 0:
            return None
        return done.stdout.split()[0]

    def raw_diff(self, old: str, new: str, paths: Sequence[str] = ()) -> list[RawChange]:
        """Every file that differs between two trees or commits, with its modes."""
        text = self.out(
            "diff", "--raw", "--no-renames", "-z", "--no-abbrev", old, new, "--", *paths
        )
        fields = text.split("\0")
        found = []
        for i in range(0, len(fields) - 1, 2):
            meta = fields[i].lstrip(":").split()
            if len(meta) < 5:
                continue
            found.append(RawChange(meta[0], meta[1], meta[3], meta[4][:1], fields[i + 1]))
        return found

    def ls_tree(self, rev: str, path: str = "") -> dict[str, tuple[str, str]]:
        """``{path: (mode, object id)}`` of every file under ``path`` at ``rev``."""
        args = ["ls-tree", "-r", "-z", "--full-tree", rev]
        text = self.out(*args, *(["--", path] if path else []))
        found = {}
        for record in text.split("\0"):
            meta, _tab, name = record.partition("\t")
            if name:
                mode, _kind, oid = meta.split()
                found[name] = (mode, oid)
        return found

    def status_porcelain(self, paths: Sequence[str]) -> list[str]:
        """Uncommitted changes (and untracked files) under ``paths``."""
        text = self.out("status", "--porcelain", "--untracked-files=all", "--", *paths)
        return [line for line in text.splitlines() if line]

    # -- writing ---------------------------------------------------------------------

    def signing_config(self, key: str | None) -> dict[str, str]:
        """``-c`` settings for an SSH-signed commit: ``key`` (a key file), else git's own
        ``user.signingkey``."""
        settings = {"gpg.format": "ssh"}
        if key:
            settings["user.signingkey"] = str(Path(key).expanduser().resolve())
        elif not self.run("config", "user.signingkey", check=False).stdout.strip():
            raise WorkflowError(
                "no SSH key to sign with",
                where="--key",
                hint="pass --key PATH (your private key) or set git config user.signingkey",
            )
        return settings

    @contextmanager
    def worktree(self, commit: str) -> Iterator[Path]:
        """A temporary detached work tree at ``commit``, removed afterwards."""
        folder = Path(tempfile.mkdtemp(prefix="warta-approve-"))
        path = folder / "tree"
        self.run("worktree", "add", "-q", "--detach", str(path), commit)
        try:
            yield path
        finally:
            self.run("worktree", "remove", "--force", str(path), check=False)
            self.run("worktree", "prune", check=False)
            shutil.rmtree(folder, ignore_errors=True)
