"""``warta verify``: prove from git alone that every change that reaches the site was approved.

The walk (``docs/approval.md`` has the trust model, the rules and their tests):

1. Start at a commit pinned **outside** the repository (the trusted base, or the tip
   verified last time); take every commit on the tip's *first-parent* line after it,
   oldest first.  The start must itself be on that line: no older branch point can be
   revived.
2. Judge each commit by the policy (people, roles, keys, path rules) **of its first
   parent**, which the walk has already verified; never by its own tree.
3. Every path of the repository has an owner (``signing.rules``).  Every commit after the
   start must be an approval merge: two parents, signed by a key in ``people``, its tree
   exactly the merge of its parents (plus the promotion of the reviewed drafts that
   ``warta approve`` makes), ``Approved-by`` naming the signer, ``Route`` naming what the
   change needs; the branch tip signed by the reviewer (``Reviewed-by``), which covers
   every commit of the branch; nobody approves what they wrote, signed or reviewed.
4. No symlink or submodule anywhere in the tip's tree; optionally the working tree equals
   the tip: what is published is exactly what was approved.

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

from pipeline.config import STRICTEST_RULE, Config, Person, parse_config
from pipeline.content.gitrepo import LINK_MODES, CommitDetails, CommitInfo, Git, RawChange
from pipeline.content.model import WORKFLOW_KEYS, Attention
from pipeline.content.signing import REVIEW_ROLES, allowed_signers, rule_for, signer
from pipeline.content.store import split_front_matter
from pipeline.content.workflow import approver_roles
from pipeline.errors import ConfigError, Problem, WartaError
from pipeline.progress import NoProgress, Progress
from pipeline.yamlpos import safe_load

_ADDRESS = re.compile(r"<([^<>\s]+@[^<>\s]+)>\s*$")

#: Front matter keys ``warta approve`` may change when it promotes a reviewed draft.
PROMOTION_KEYS = WORKFLOW_KEYS

Found = list[tuple[str, str, str]]
"""``[(rule, message, hint)]``: what refused one commit."""


@dataclass(frozen=True)
class ItemChange:
    """One content item, or one file owned by a path rule, touched by a commit."""

    path: str
    """The item's folder (or the file), relative to the repository."""
    before: dict[str, Any] | None
    """Front matter before the commit (None: it did not exist; ``{}`` for a file)."""
    after: dict[str, Any] | None
    """Front matter after the commit (None: deleted)."""
    furniture: bool = False
    """Not a content item: a file judged by ``rule``."""
    rule: str = "content"
    """The path rule that owns it."""

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

    @property
    def needs_review(self) -> bool:
        """An added or edited item (not a withdrawal or deletion) needs the editor."""
        return (
            not self.furniture
            and self.kind in ("addition", "edit")
            and self.after is not None
            and self.after.get("status") != "withdrawn"
        )


@dataclass
class CommitVerdict:
    """What verify concluded about one commit."""

    commit: str
    subject: str
    changes: list[ItemChange] = field(default_factory=list)
    signer: str = ""
    reviewer: str = ""
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
        """Commits that changed anything (each an approval merge when ok)."""
        return [v for v in self.verdicts if v.changes]


class _Judge:
    """Policy per commit (cached by the blob of warta.yml) and its allowed-signers file."""

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
        """The policy in force at ``rev`` and its allowed-signers file."""
        found = self.git.cat_object(f"{rev}:{self.config_rel}")
        if found is None:
            raise ConfigError(
                "configuration missing",
                [Problem(f"{rev[:12]}:{self.config_rel}", "no such file in this commit")],
            )
        blob = found[0]
        if blob not in self._configs:
            text = found[1].decode("utf-8", errors="replace")
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

    def rel(self, path: str) -> str | None:
        """``path`` relative to warta.yml's folder (None: outside it)."""
        if not self.prefix:
            return path
        pure = PurePosixPath(path)
        return str(pure.relative_to(self.prefix)) if pure.is_relative_to(self.prefix) else None


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


def _body(text: str | None) -> str | None:
    parts = split_front_matter(text) if text is not None else None
    return parts[1] if parts else None


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


def classify(
    git: Git,
    config: Config,
    prefix: str,
    old: str,
    new: str,
    raw: list[RawChange] | None = None,
) -> list[ItemChange]:
    """Everything that differs between ``old`` and ``new`` (``raw``: their diff, when
    already read): content items with their front matter before and after, and every
    other file with the rule that owns it."""
    items: set[str] = set()
    files: dict[str, str] = {}
    for change in git.raw_diff(old, new) if raw is None else raw:
        path = change.path
        rel = str(PurePosixPath(path).relative_to(prefix)) if prefix else path
        if prefix and not PurePosixPath(path).is_relative_to(prefix):
            files[path] = STRICTEST_RULE
            continue
        rule = rule_for(config, rel)
        if rule.items:
            folder, furniture = item_folder(config, rel)
            if not furniture:
                items.add(str(PurePosixPath(prefix, folder)) if prefix else folder)
                continue
            rule = config.signing.rule(STRICTEST_RULE)  # a file under content/ that is no item
        files[path] = rule.name
    changes = []
    for folder in sorted(items):
        index = f"{folder}/index.md"
        before, after = _front(git.cat_text(old, index)), _front(git.cat_text(new, index))
        if before is None and after is None:  # files/ changed beside no index.md
            before = after = {"attention": "unreadable"}
        changes.append(ItemChange(folder, before, after))
    for path, rule_name in sorted(files.items()):
        before = {} if git.cat_object(f"{old}:{path}") else None
        after = {} if git.cat_object(f"{new}:{path}") else None
        changes.append(ItemChange(path, before, after, furniture=True, rule=rule_name))
    return changes


def item_changes(
    git: Git, config: Config, prefix: str, old: str, new: str, paths: list[str] | None = None
) -> list[ItemChange]:
    """Compatibility name of :func:`classify` (``paths`` is ignored: every path is owned)."""
    return classify(git, config, prefix, old, new)


def required_routes(changes: list[ItemChange]) -> list[str]:
    """What a change needs, as written in the ``Route`` trailer: the items' route
    (``routine``, or ``special`` when any item needs the ketua) and the name of every
    other rule it touches."""
    routes: set[str] = {c.rule for c in changes if c.furniture}
    items = [c for c in changes if not c.furniture]
    if items:
        special = any(c.attention is Attention.SPECIAL for c in items)
        routes.add((Attention.SPECIAL if special else Attention.ROUTINE).value)
    return sorted(routes)


def required_route(changes: list[ItemChange], config_rel: str = "") -> Attention:
    """The items' route alone: ``special`` when any item needs the ketua."""
    items = [c for c in changes if not c.furniture]
    if any(c.attention is Attention.SPECIAL for c in items):
        return Attention.SPECIAL
    return Attention.ROUTINE


def _address(value: str) -> str:
    match = _ADDRESS.search(value)
    return (match.group(1) if match else value.strip()).lower()


def _roles_problems(
    config: Config,
    changes: list[ItemChange],
    approver: Person | None,
    reviewer: Person | None,
) -> tuple[Found, bool]:
    """Whether approver and reviewer hold the roles every touched rule needs; and
    whether a reviewer is needed at all."""
    found: Found = []
    need_reviewer = False
    items = [c for c in changes if not c.furniture]
    if items:
        route = required_route(items)
        roles = approver_roles(config, route)
        if approver is not None and not set(approver.roles) & set(roles):
            found.append(
                (
                    "approval.role",
                    f"{approver.name} ({approver.id}) may not approve {route.value} changes: "
                    f"needs the role {' or '.join(roles)}",
                    f"ask someone with that role; roles are in {config.source}: people",
                )
            )
        if any(c.needs_review for c in items):
            need_reviewer = True
            if reviewer is not None and not set(reviewer.roles) & set(REVIEW_ROLES):
                found.append(
                    (
                        "approval.review",
                        f"the branch tip is signed by {reviewer.name}, who is not an editor",
                        f"an editor or redaktur of {config.source} submits it: warta submit",
                    )
                )
    for name in sorted({c.rule for c in changes if c.furniture}):
        needed: list[str] = list(config.signing.rule(name).roles)
        if len(needed) == 2:
            need_reviewer = True
        if approver is None:
            continue
        held = set(approver.roles)
        other = set(reviewer.roles) if reviewer is not None else set()
        if len(needed) == 1:
            ok = needed[0] in held
        else:
            ok = (needed[0] in held and needed[1] in other) or (
                needed[1] in held and needed[0] in other
            )
        if not ok:
            found.append(
                (
                    "approval.role",
                    f"the {name} rule needs {' and '.join(needed)} (the approver and the "
                    f"branch tip's signer, one each); signed by {approver.id}"
                    + (f" and {reviewer.id}" if reviewer else ""),
                    f"see signing.rules in {config.source}; one kind of change per branch",
                )
            )
    return found, need_reviewer


def _promotion_problems(
    git: Git, config: Config, prefix: str, merged: str, commit: str, approver: Person | None
) -> Found:
    """The merge's tree may differ from the plain merge of its parents only by the
    promotion of in-review drafts into ``content/`` that ``warta approve`` makes."""
    extra = git.raw_diff(merged, commit)
    if not extra:
        return []
    drafts_root = str(PurePosixPath(prefix, config.paths.drafts))
    removed: dict[str, set[str]] = {}
    added: dict[str, str] = {}
    refused: list[str] = []
    for change in extra:
        pure = PurePosixPath(change.path)
        if change.status == "D" and pure.is_relative_to(drafts_root):
            slug = pure.relative_to(drafts_root).parts[0]
            removed.setdefault(slug, set()).add(change.path)
        elif change.status == "A":
            added[change.path] = change.new_id
        else:
            refused.append(change.path)
    for slug, paths in removed.items():
        folder = f"{drafts_root}/{slug}"
        files = git.ls_tree(merged, folder)
        if set(files) != paths:
            refused.append(folder)
            continue
        draft_text = git.cat_text(merged, f"{folder}/index.md")
        draft = _front(draft_text) or {}
        category = config.category(str(draft.get("category", "")))
        if draft.get("status") != "in-review" or category is None:
            refused.append(folder)
            continue
        section = PurePosixPath(prefix, config.paths.content, category.section)
        target = str(section / "posts" / slug if category.kind == "post" else section / slug)
        for path, (_mode, oid) in files.items():
            rel = PurePosixPath(path).relative_to(folder)
            placed = f"{target}/{rel}"
            if placed not in added or (str(rel) != "index.md" and added[placed] != oid):
                refused.append(placed)
            added.pop(placed, None)
        after_text = git.cat_text(commit, f"{target}/index.md")
        after = _front(after_text) or {}
        same = {k: v for k, v in draft.items() if k not in PROMOTION_KEYS} == {
            k: v for k, v in after.items() if k not in PROMOTION_KEYS
        }
        approval = after.get("approval") if isinstance(after.get("approval"), dict) else {}
        by = str((approval or {}).get("by", ""))
        if (
            not same
            or _body(draft_text) != _body(after_text)
            or after.get("status") != "published"
            or approver is None
            or by != approver.id
        ):
            refused.append(f"{target}/index.md")
    refused += sorted(added)
    if not refused:
        return []
    shown = ", ".join(refused[:3]) + (" …" if len(refused) > 3 else "")
    return [
        (
            "approval.tree",
            f"the merge's tree holds changes found in neither parent ({shown})",
            "an approval merge is exactly the merge of its parents (plus warta approve's "
            "promotion of the reviewed draft): approve the branch again with warta approve",
        )
    ]


def check_approval(
    judge: _Judge,
    commit: str,
    parents: list[str],
    changes: list[ItemChange],
    details: CommitDetails | None = None,
    raw: list[RawChange] | None = None,
) -> tuple[Found, str, str, str]:
    """The rules an approval merge must satisfy; the approver's id, the reviewer's id
    and the route.  ``details`` and ``raw`` (the diff from the first parent) are read
    here when the caller has not read them already."""
    git = judge.git
    config, signers_file = judge.config_at(parents[0])
    details = details or git.details(commit, signers_file)
    found: Found = []
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
        return found, "", "", ""
    if len(parents) > 2:
        found.append(
            (
                "approval.parents",
                f"a merge of {len(parents)} parents: an approval merges exactly one branch",
                "approve each branch on its own: warta approve BRANCH",
            )
        )
    own = git.commits(parents[1], parents[0], signers_file)
    signature = details.signature
    approver = signer(config, signature.principal) if signature.status == "G" else None
    if signature.status == "N":
        found.append(
            (
                "approval.unsigned",
                "the approval merge is not signed",
                "the approver merges with their SSH key: warta approve BRANCH --key KEY",
            )
        )
    elif approver is None:
        found.append(
            (
                "approval.unknown-key",
                f"signed by a key that belongs to nobody in people ({signature.key or 'no key'},"
                f" status {signature.status}); a forge's web-button merge is signed by the forge",
                "merge with warta approve using a key listed in warta.yml people[].ssh_key",
            )
        )
    trailers = details.trailers
    approved_by = trailers.get("approved-by", [])
    if len(approved_by) != 1:
        found.append(
            (
                "approval.trailer",
                f"expected one Approved-by trailer, found {len(approved_by)}",
                "merge with warta approve, which writes the trailers",
            )
        )
    elif approver is None or _address(approved_by[0]) != approver.email.lower():
        signed_by = approver.email if approver else "no allowed key"
        found.append(
            (
                "approval.trailer-mismatch",
                f"Approved-by names {approved_by[0]} but the signature is by {signed_by}",
                "the person named in Approved-by must sign the merge with their own key",
            )
        )
    routes = required_routes(changes)
    given = [r.strip() for value in trailers.get("route", []) for r in value.split(",")]
    if sorted(given) != routes:
        found.append(
            (
                "approval.route",
                f"Route trailer says {', '.join(given) or 'nothing'} but the change needs "
                f"{', '.join(routes)}",
                "special-attention items are approved by the ketua, routine ones by the "
                f"penanggung jawab; other paths by the roles of signing.rules in {config.source}",
            )
        )
    for info in own:
        if info.is_approval:
            found.append(
                (
                    "approval.stale-parent",
                    f"the branch carries the approval merge {info.commit[:12]}, which is not in "
                    "the first parent: the merge revives an old state of the published branch "
                    "and would be judged by its old policy",
                    "merge onto the current published branch: warta approve BRANCH",
                )
            )
            break
    tip = own[0] if own and own[0].commit == parents[1] else None
    reviewer = signer(config, tip.signature.principal) if tip is not None else None
    role_found, need_reviewer = _roles_problems(config, changes, approver, reviewer)
    found += role_found
    if need_reviewer:
        items = any(c.needs_review for c in changes)
        found += _review_problems(git, changes, trailers, own, reviewer, items=items)
    if approver is not None:
        found += _self_problems(config, changes, own, approver, reviewer)
    merged = git.merge_tree(parents[0], parents[1])
    if merged is None:
        found.append(
            (
                "approval.tree",
                "its parents do not merge cleanly: the merge's tree was made by hand",
                f"the editor updates the branch (git rebase {config.signing.branch}), then "
                "warta approve merges it",
            )
        )
    elif len(parents) == 2:
        found += _promotion_problems(git, config, judge.prefix, merged, commit, approver)
    for change in git.raw_diff(parents[0], commit) if raw is None else raw:
        if change.new_mode in LINK_MODES:
            found.append(
                (
                    "approval.symlink",
                    f"{change.path} is a symbolic link or a submodule",
                    "commit the file itself; warta follows no link",
                )
            )
    return (
        found,
        approver.id if approver else "",
        reviewer.id if reviewer else "",
        ", ".join(routes),
    )


def _review_problems(
    git: Git,
    changes: list[ItemChange],
    trailers: dict[str, list[str]],
    own: list[CommitInfo],
    reviewer: Person | None,
    *,
    items: bool,
) -> Found:
    """The branch tip is the reviewer's signed commit: it covers every commit of the
    branch.  For content items it also names the items it reviewed and records nothing
    but the review (the editor reviews, the writer writes); for other rules the tip's
    signer is the second approver and may have made the change."""
    reviewed = trailers.get("reviewed-by", [])
    if reviewer is None:
        return [
            (
                "approval.review",
                "the branch tip is not signed by anyone in people: the review must be the "
                "last commit of the branch (an edit after the review is not reviewed)",
                "an editor submits it (warta submit SLUG --key KEY), then warta approve merges it",
            )
        ]
    found: Found = []
    if [_address(v) for v in reviewed] != [reviewer.email.lower()]:
        found.append(
            (
                "approval.review",
                f"Reviewed-by says {', '.join(reviewed) or 'nothing'} but the branch tip is "
                f"signed by {reviewer.email}",
                "merge with warta approve, which names the tip's signer",
            )
        )
    tip = own[0].commit
    tip_trailers = own[0].trailers
    if [_address(v) for v in tip_trailers.get("reviewed-by", [])] != [reviewer.email.lower()]:
        found.append(
            (
                "approval.review",
                f"the branch tip {tip[:12]} has no Reviewed-by trailer of its signer",
                "the reviewer records the review with warta submit",
            )
        )
    if not items:
        return found
    slugs = {s.strip() for v in tip_trailers.get("reviewed-items", []) for s in v.split(",")}
    for change in changes:
        if change.needs_review and PurePosixPath(change.path).name not in slugs:
            found.append(
                (
                    "approval.review",
                    f"{change.path} is added or edited but the review at the branch tip "
                    f"({tip[:12]}) does not name it",
                    "one item per branch; the editor submits each item: warta submit SLUG",
                )
            )
    # The review commit records the review only: it changes nothing but front matter.
    parent = list(own[0].parents[:1])
    same = parent and (git.cat_object(f"{parent[0]}^{{tree}}") or ("",))[0] == own[0].tree
    for raw in git.raw_diff(parent[0], tip) if parent and not same else []:
        old, new = git.cat_text(parent[0], raw.path), git.cat_text(tip, raw.path)
        if not raw.path.endswith("/index.md") or _body(old) != _body(new):
            found.append(
                (
                    "approval.review",
                    f"the review commit {tip[:12]} changes {raw.path}: a review records "
                    "the review, it does not write content",
                    "commit the change first as its writer, then submit it for review",
                )
            )
            break
    return found


def _self_problems(
    config: Config,
    changes: list[ItemChange],
    own: list[CommitInfo],
    approver: Person,
    reviewer: Person | None,
) -> Found:
    """Nobody approves what they wrote, signed or reviewed; nobody reviews their own."""
    found: Found = []
    mine = approver.email.lower()
    if reviewer is not None and reviewer.id == approver.id:
        found.append(
            (
                "approval.self",
                f"{approver.name} signed both the review and the approval",
                "another approver with the right role must merge it",
            )
        )
    for info in own:
        if mine in (info.author, info.committer, info.signature.principal.lower()):
            found.append(
                (
                    "approval.self",
                    f"{approver.name} wrote or signed commit {info.commit[:12]} of the branch "
                    "they approve",
                    "another approver with the right role must merge it",
                )
            )
            break
    for change in changes:
        for author in change.authors:
            other = config.person(author)
            who = other.id if other is not None else author
            if who in (approver.id, approver.name):
                found.append(
                    (
                        "approval.self",
                        f"{approver.name} approved {change.path}, which they wrote",
                        "another approver with the right role must merge it",
                    )
                )
            if reviewer is not None and change.needs_review and who in (reviewer.id, reviewer.name):
                found.append(
                    (
                        "approval.self-review",
                        f"{reviewer.name} reviewed {change.path}, which they wrote",
                        "another editor reviews it: warta submit SLUG --as EDITOR",
                    )
                )
    if reviewer is not None and any(c.needs_review for c in changes):
        theirs = reviewer.email.lower()
        for info in own[1:]:
            if theirs == info.author:
                found.append(
                    (
                        "approval.self-review",
                        f"{reviewer.name} reviewed a branch they wrote (commit {info.commit[:12]})",
                        "another editor reviews it: warta submit SLUG",
                    )
                )
                break
    return found


def _deletion_problems(changes: list[ItemChange]) -> Found:
    """A published item is deleted only after its withdrawal was approved, so that the
    archive keeps the withdrawn version (``warta archive``) as the record."""
    found: Found = []
    for change in changes:
        if (
            not change.furniture
            and change.kind == "deletion"
            and change.before is not None
            and change.before.get("status") == "published"
        ):
            found.append(
                (
                    "approval.deletion",
                    f"{change.path} is deleted while published: no record would be left",
                    "withdraw it first (warta withdraw SLUG on a branch, approved), "
                    "archive it, then delete it",
                )
            )
    return found


@contextmanager
def _scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="warta-verify-") as folder:
        yield Path(folder)


def links_in(git: Git, rev: str) -> list[str]:
    """Paths in ``rev``'s tree that are symbolic links or submodules."""
    return [path for path, (mode, _oid) in git.ls_tree(rev).items() if mode in LINK_MODES]


def verify_history(
    git: Git,
    *,
    config_rel: str,
    base: str,
    tip: str = "HEAD",
    worktree: bool = True,
    outputs: tuple[str, ...] = (),
    progress: Progress | None = None,
) -> VerifyReport:
    """Walk ``tip``'s first-parent history after ``base`` and check every commit.

    ``base`` is a commit id pinned outside the repository (or the tip verified last);
    ``config_rel`` is warta.yml's path in the repository.  With ``worktree``, the
    working tree must also equal ``tip`` (but for ``outputs``, repository paths that
    warta itself writes: the built site, the archive, the state folder).
    """
    progress = progress or NoProgress()
    top = git.toplevel()
    report = VerifyReport(base=base, tip=tip)
    with _scratch() as folder:
        try:
            _walk(git, top, config_rel, folder, base, tip, report, progress)
        finally:
            git.close()
        if worktree:
            for line in git.status_porcelain([".", *(f":(exclude){o}" for o in outputs)]):
                report.problems.append(
                    Problem(
                        line[3:],
                        f"published.tree-mismatch: not committed ({line[:2].strip()}): what "
                        "would be published differs from the approved tree",
                        "publish from a clean checkout of the approved commit",
                    )
                )
    return report


def _walk(
    git: Git,
    top: Path,
    config_rel: str,
    folder: Path,
    base: str,
    tip: str,
    report: VerifyReport,
    progress: Progress,
) -> None:
    judge = _Judge(git, top, config_rel, folder)
    line = git.first_parent_line(base, tip)
    if line and line[0][1][:1] != [base]:
        commits = [c for c, _ in line]
        report.problems.append(
            Problem(
                f"commit {commits[0][:12]}",
                f"history.not-first-parent: {base[:12]} is not on the first-parent line "
                f"of {tip[:12]}: the history was rewritten or an old branch point revived",
                "publish only a tip that descends from the verified one along the "
                "published branch; restore it from the last verified commit",
            )
        )
        return
    progress.start("verify", len(line))
    for commit, parents in line:
        verdict = CommitVerdict(commit, "")
        report.verdicts.append(verdict)
        where = f"commit {commit[:12]}"
        try:
            config, signers_file = judge.config_at(parents[0])
            details = git.details(commit, signers_file)
            verdict.subject = details.subject
            where = f"commit {commit[:12]} ({verdict.subject[:60]})"
            raw = git.raw_diff(parents[0], commit)
            verdict.changes = classify(git, config, judge.prefix, parents[0], commit, raw)
            if verdict.changes or len(parents) != 1:
                found, verdict.signer, verdict.reviewer, verdict.route = check_approval(
                    judge, commit, parents, verdict.changes, details, raw
                )
                found += _deletion_problems(verdict.changes)
                verdict.problems = [
                    Problem(where, f"{rule}: {message}", hint) for rule, message, hint in found
                ]
        except WartaError as error:
            verdict.problems = [
                Problem(
                    where,
                    f"config.unreadable: {p}",
                    "fix warta.yml (or the keys in it) on a branch, approved by the ketua",
                )
                for p in error.problems
            ]
        report.problems += verdict.problems
        progress.advance()
    for path in links_in(git, tip):
        report.problems.append(
            Problem(
                f"{tip[:12]}:{path}",
                "tree.symlink: a symbolic link or submodule in the published tree",
                "replace it with the file itself on a branch; warta follows no link",
            )
        )
