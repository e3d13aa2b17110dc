"""``warta verify``: prove from git alone that every published change was approved.

The walk (``docs/approval.md`` has the rules with examples):

1. Start at the trusted base; take every commit on the tip's *first-parent* line after
   it, oldest first.  The first parent is what the branch was before the commit.
2. For each commit, read ``warta.yml`` **as it was in the first parent**: the people,
   roles and keys that judge a change are those in force before it, so nobody grants
   themselves a role or a key in the change they sign.
3. A commit that changes nothing under the guarded paths (``content/``, ``drafts/`` and
   ``warta.yml``) needs no approval.  One that does must be an approval merge:
   a merge (``--no-ff``), SSH-signed by a key in ``people`` (never the forge's), with an
   ``Approved-by`` trailer naming the signer and a ``Route`` trailer equal to the route
   its items need (``special`` if any changed item is special-attention, or if
   ``warta.yml`` changes; else ``routine``); the signer holds an approver role for that
   route and wrote none of the items; an added or edited item names its editor in
   ``Reviewed-by``, whose signed review commit is on the merged branch.
4. Optionally, the working tree's guarded paths equal the tip's: what is published is
   exactly what was approved.

Every refusal names the commit and the rule.  Pure domain code: it takes a
:class:`~pipeline.content.gitrepo.Git` and returns a report.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from pipeline.config import Config, parse_config
from pipeline.content.gitrepo import Git
from pipeline.content.model import Attention
from pipeline.content.signing import REVIEW_ROLES, allowed_signers, signer
from pipeline.content.store import split_front_matter
from pipeline.content.workflow import approver_roles
from pipeline.errors import ConfigError, Problem, WartaError
from pipeline.progress import NoProgress, Progress
from pipeline.yamlpos import safe_load

_ADDRESS = re.compile(r"<([^<>\s]+@[^<>\s]+)>\s*$")


@dataclass(frozen=True)
class ItemChange:
    """One content item (or furniture file) touched by a commit."""

    path: str
    """The item's folder (or the furniture file), relative to the repository."""
    before: dict[str, Any] | None
    """Front matter before the commit (None: it did not exist)."""
    after: dict[str, Any] | None
    """Front matter after the commit (None: deleted)."""
    furniture: bool = False

    @property
    def attention(self) -> Attention:
        """The stricter route of before and after (unreadable counts as special)."""
        for front in (self.before, self.after):
            if front is not None and str(front.get("attention", "routine")) != "routine":
                return Attention.SPECIAL
        return Attention.ROUTINE

    @property
    def authors(self) -> set[str]:
        return {
            str(front.get("author", ""))
            for front in (self.before, self.after)
            if front and front.get("author")
        }

    @property
    def kind(self) -> str:
        """``addition``, ``edit``, ``withdrawal`` or ``deletion``."""
        if self.after is None:
            return "deletion"
        if self.before is None:
            return "addition"
        if self.after.get("status") == "withdrawn" and self.before.get("status") != "withdrawn":
            return "withdrawal"
        return "edit"


@dataclass
class CommitVerdict:
    """What verify concluded about one commit."""

    commit: str
    subject: str
    changes: list[ItemChange] = field(default_factory=list)
    signer: str = ""
    route: str = ""
    problems: list[Problem] = field(default_factory=list)


@dataclass
class VerifyReport:
    """The result of one walk."""

    base: str
    tip: str
    verdicts: list[CommitVerdict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def approvals(self) -> list[CommitVerdict]:
        """Commits that changed guarded paths (each an approval merge when ok)."""
        return [v for v in self.verdicts if v.changes]


class _Judge:
    """Configuration per commit (cached by the blob of warta.yml) and signer files."""

    def __init__(self, git: Git, top: Path, config_rel: str, folder: Path) -> None:
        self.git = git
        self.top = top
        self.config_rel = config_rel
        self.folder = folder
        self._configs: dict[str, Config] = {}
        self._signers: dict[str, Path] = {}

    @property
    def prefix(self) -> str:
        parent = str(PurePosixPath(self.config_rel).parent)
        return "" if parent == "." else parent

    def config_at(self, rev: str) -> tuple[Config, Path]:
        """The configuration in force at ``rev`` and its allowed-signers file."""
        blob = self.git.blob_id(rev, self.config_rel)
        if blob is None:
            raise ConfigError(
                "configuration missing",
                [Problem(f"{rev[:12]}:{self.config_rel}", "no such file in this commit")],
            )
        if blob not in self._configs:
            text = self.git.show(rev, self.config_rel) or ""
            config = parse_config(
                text,
                source=f"{rev[:12]}:{self.config_rel}",
                root=self.top / self.prefix if self.prefix else self.top,
            )
            path = self.folder / f"allowed_signers.{blob}"
            path.write_text(allowed_signers(config), encoding="utf-8")
            self._configs[blob] = config
            self._signers[blob] = path
        return self._configs[blob], self._signers[blob]

    def guarded(self, config: Config) -> list[str]:
        """Repository paths whose changes need approval."""
        return [
            str(PurePosixPath(self.prefix, config.paths.content)),
            str(PurePosixPath(self.prefix, config.paths.drafts)),
            self.config_rel,
        ]


def _front(text: str | None) -> dict[str, Any] | None:
    """Front matter as a plain mapping; unreadable becomes ``{"attention": "?"}``."""
    if text is None:
        return None
    parts = split_front_matter(text)
    try:
        data = safe_load(parts[0]) if parts else None  # the one loader: bombs refused
    except yaml.YAMLError:
        data = None
    return data if isinstance(data, dict) else {"attention": "unreadable"}


def item_folder(config: Config, rel: str) -> tuple[str, bool]:
    """The item folder holding ``rel`` (a path relative to warta.yml's folder), and
    whether ``rel`` is furniture (not inside any item)."""
    parts = PurePosixPath(rel).parts
    drafts = PurePosixPath(config.paths.drafts).parts
    if parts[: len(drafts)] == drafts and len(parts) > len(drafts) + 1:
        return str(PurePosixPath(*parts[: len(drafts) + 1])), False
    content = PurePosixPath(config.paths.content).parts
    if parts[: len(content)] == content:
        inner = parts[len(content) :]
        for category in config.categories:
            section = PurePosixPath(category.section).parts
            if inner[: len(section)] != section:
                continue
            rest = inner[len(section) :]
            if category.kind == "post" and len(rest) >= 3 and rest[0] == "posts":
                return str(PurePosixPath(*content, *section, "posts", rest[1])), False
            if category.kind == "page" and len(rest) >= 2 and rest[0] != "posts":
                return str(PurePosixPath(*content, *section, rest[0])), False
    return rel, True


def item_changes(
    git: Git, config: Config, prefix: str, old: str, new: str, paths: list[str]
) -> list[ItemChange]:
    """The items (and furniture files) that differ between ``old`` and ``new``."""
    folders: dict[str, bool] = {}
    for _status, path in git.changed(old, new, paths):
        rel = str(PurePosixPath(path).relative_to(prefix)) if prefix else path
        folder, furniture = item_folder(config, rel)
        folders[str(PurePosixPath(prefix, folder)) if prefix else folder] = furniture
    changes = []
    for folder, furniture in sorted(folders.items()):
        before: dict[str, Any] | None
        after: dict[str, Any] | None
        if furniture:
            # Furniture has no front matter: it follows the routine route.
            before = {} if git.blob_id(old, folder) else None
            after = {} if git.blob_id(new, folder) else None
        else:
            index = f"{folder}/index.md"
            before, after = _front(git.show(old, index)), _front(git.show(new, index))
            if before is None and after is None:  # files/ changed beside no index.md
                before = after = {}
        changes.append(ItemChange(folder, before, after, furniture))
    return changes


def required_route(changes: list[ItemChange], config_rel: str) -> Attention:
    """``special`` when any item needs the ketua or the configuration changes."""
    if any(c.path == config_rel or c.attention is Attention.SPECIAL for c in changes):
        return Attention.SPECIAL
    return Attention.ROUTINE


def _address(value: str) -> str:
    match = _ADDRESS.search(value)
    return (match.group(1) if match else value.strip()).lower()


def check_approval(
    judge: _Judge, commit: str, parents: list[str], changes: list[ItemChange]
) -> tuple[list[tuple[str, str, str]], str, str]:
    """The rules an approval merge must satisfy: ``[(rule, message, hint)]``, the
    signer's id and the route."""
    git = judge.git
    config, signers_file = judge.config_at(parents[0])
    found: list[tuple[str, str, str]] = []
    touched = ", ".join(c.path for c in changes[:3]) + (" …" if len(changes) > 3 else "")
    if len(parents) < 2:
        found.append(
            (
                "approval.unapproved-change",
                f"changes {touched} outside an approval merge (an edit pushed after approval?)",
                "revert it on the branch, then make the change on a branch that the approver "
                "merges: warta approve BRANCH",
            )
        )
        return found, "", ""
    signature = git.signature(commit, signers_file)
    person = signer(config, signature.principal) if signature.status == "G" else None
    if signature.status == "N":
        found.append(
            (
                "approval.unsigned",
                "the approval merge is not signed",
                "the approver merges with their SSH key: warta approve BRANCH --key KEY",
            )
        )
    elif person is None:
        found.append(
            (
                "approval.unknown-key",
                f"signed by a key that belongs to nobody in people ({signature.key or 'no key'},"
                f" status {signature.status}); a forge's web-button merge is signed by the forge",
                "merge with warta approve using a key listed in warta.yml people[].ssh_key",
            )
        )
    trailers = git.trailers(commit)
    approved_by = trailers.get("approved-by", [])
    if len(approved_by) != 1:
        found.append(
            (
                "approval.trailer",
                f"expected one Approved-by trailer, found {len(approved_by)}",
                "merge with warta approve, which writes the trailers",
            )
        )
    elif person is None or _address(approved_by[0]) != person.email.lower():
        signed_by = person.email if person else "no allowed key"
        found.append(
            (
                "approval.trailer-mismatch",
                f"Approved-by names {approved_by[0]} but the signature is by {signed_by}",
                "the person named in Approved-by must sign the merge with their own key",
            )
        )
    route = required_route(changes, judge.config_rel)
    routes = trailers.get("route", [])
    if routes != [route.value]:
        found.append(
            (
                "approval.route",
                f"Route trailer says {', '.join(routes) or 'nothing'} but the change needs the "
                f"{route.value} route",
                "special-attention items and warta.yml changes are approved by the ketua; "
                "routine ones by the penanggung jawab",
            )
        )
    if person is not None:
        roles = approver_roles(config, route)
        if not set(person.roles) & set(roles):
            found.append(
                (
                    "approval.role",
                    f"{person.name} ({person.id}) may not approve {route.value} changes: "
                    f"needs the role {' or '.join(roles)}",
                    f"ask someone with that role; roles are in {config.source}: people",
                )
            )
        for change in changes:
            own = {person.id, person.name}
            for author in change.authors:
                other = config.person(author)
                if author in own or (other is not None and other.id == person.id):
                    found.append(
                        (
                            "approval.self",
                            f"{person.name} approved {change.path}, which they wrote",
                            "another approver with the right role must merge it",
                        )
                    )
                    break
    found += _check_review(git, config, signers_file, parents, changes, trailers)
    return found, person.id if person else "", route.value


def _check_review(
    git: Git,
    config: Config,
    signers_file: Path,
    parents: list[str],
    changes: list[ItemChange],
    trailers: dict[str, list[str]],
) -> list[tuple[str, str, str]]:
    """An added or edited item needs the editor's signed review on the merged branch."""
    needs = [
        c
        for c in changes
        if not c.furniture and c.kind in ("addition", "edit") and c.after is not None
    ]
    needs = [c for c in needs if c.after is not None and c.after.get("status") != "withdrawn"]
    if not needs:
        return []
    reviewed = trailers.get("reviewed-by", [])
    if not reviewed:
        return [
            (
                "approval.review",
                f"{needs[0].path} is added or edited but the merge has no Reviewed-by trailer",
                "an editor submits it first (warta submit SLUG), then warta approve merges it",
            )
        ]
    problems = []
    side = [c for p in parents[1:] for c in git.out("rev-list", p, f"^{parents[0]}").split()]
    signed = {git.signature(c, signers_file).principal.lower() for c in side}
    for value in reviewed:
        address = _address(value)
        editor = signer(config, address)
        if editor is None or not set(editor.roles) & set(REVIEW_ROLES):
            problems.append(
                (
                    "approval.review",
                    f"Reviewed-by {value} is not an editor with a signing key",
                    f"the reviewer must hold the role editor or redaktur in {config.source}",
                )
            )
        elif address not in signed:
            problems.append(
                (
                    "approval.review",
                    f"Reviewed-by {value} but no commit on the merged branch is signed by them",
                    "the editor records the review with warta submit SLUG --key KEY",
                )
            )
    return problems


@contextmanager
def _scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="warta-verify-") as folder:
        yield Path(folder)


def verify_history(
    git: Git,
    *,
    config_rel: str,
    base: str,
    tip: str = "HEAD",
    worktree: bool = True,
    progress: Progress | None = None,
) -> VerifyReport:
    """Walk ``tip``'s first-parent history after ``base`` and check every approval.

    ``config_rel`` is warta.yml's path in the repository.  With ``worktree``, the
    working tree's guarded paths must also equal ``tip``'s.
    """
    progress = progress or NoProgress()
    top = git.toplevel()
    report = VerifyReport(base=base, tip=tip)
    with _scratch() as folder:
        judge = _Judge(git, top, config_rel, folder)
        commits = git.first_parent_commits(base, tip)
        progress.start("verify", len(commits))
        for commit in commits:
            verdict = CommitVerdict(commit, git.out("log", "-1", "--format=%s", commit))
            report.verdicts.append(verdict)
            where = f"commit {commit[:12]} ({verdict.subject[:60]})"
            parents = git.parents(commit)
            try:
                config, _ = judge.config_at(parents[0])
                verdict.changes = item_changes(
                    git, config, judge.prefix, parents[0], commit, judge.guarded(config)
                )
                if verdict.changes:
                    found, verdict.signer, verdict.route = check_approval(
                        judge, commit, parents, verdict.changes
                    )
                    verdict.problems = [
                        Problem(where, f"{rule}: {message}", hint) for rule, message, hint in found
                    ]
            except WartaError as error:
                verdict.problems = [
                    Problem(where, f"config.unreadable: {p}", "fix warta.yml on a branch")
                    for p in error.problems
                ]
            report.problems += verdict.problems
            progress.advance()
        if worktree:
            config, _ = judge.config_at(tip)
            for line in git.status_porcelain(judge.guarded(config)):
                report.problems.append(
                    Problem(
                        line[3:],
                        f"published.tree-mismatch: not committed ({line[:2].strip()}): what "
                        "would be published differs from the approved tree",
                        "publish from a clean checkout of the approved commit",
                    )
                )
    return report
