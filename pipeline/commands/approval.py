"""Use cases of the signed approval layer: roles sync, submit, approve, verify.

With ``signing.enabled`` off (the embedded default), ``submit`` and ``approve``
are the front matter steps of :mod:`pipeline.commands.content`.  With it on, each
step is also a commit signed with the acting person's SSH key:

- ``submit``: the editor's review, committed on the draft's branch;
- ``approve``: a ``--no-ff`` merge of the branch into ``signing.branch`` whose tree
  holds the approved item already promoted to ``content/`` (status ``published``;
  an embargo still holds it back until ``publish_at``), with the trailers
  ``Reviewed-by``, ``Approved-by`` and ``Route``.

Each commit is built off to the side (a temporary index or work tree), its signature
checked against ``people``, and only then is the branch moved: a wrong key or a
refused rule changes nothing.  ``approve`` checks its own merge with the rules of
``warta verify`` before moving the branch.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

from pipeline.actor import Actor, as_actor
from pipeline.commands import content as plain
from pipeline.commands.content import find_item
from pipeline.commands.publish import promote
from pipeline.commands.verify import repo_of, verify
from pipeline.config import Config, Person
from pipeline.content import workflow
from pipeline.content.gitrepo import Git
from pipeline.content.keys import Signer
from pipeline.content.links import refuse_unsafe
from pipeline.content.model import FrontMatter, Status
from pipeline.content.review import problems_of, review
from pipeline.content.signing import allowed_signers, codeowners, signer
from pipeline.content.store import content_digest, read_item, render_item, scan, write_item
from pipeline.content.verify import (
    ItemChange,
    VerifyReport,
    classify,
    required_route,
    required_routes,
    verify_history,
)

__all__ = ["VerifyReport", "approve", "roles_sync", "submit", "verify", "withdraw"]
from pipeline.errors import ContentError, NotFoundError, WorkflowError
from pipeline.fsutil import atomic_write_text
from pipeline.site.live import now_utc


@dataclass
class StepResult:
    """What ``warta submit`` or ``warta approve`` did."""

    front: FrontMatter | None
    """The item's new front matter (None for a merge that carries no draft)."""
    commit: str = ""
    """The signed commit made (empty without ``signing.enabled``)."""
    branch: str = ""
    route: str = ""
    changed: list[str] = field(default_factory=list)


def _repo(config: Config) -> tuple[Git, Path, str]:
    return repo_of(config)


def _signers_file(config: Config, folder: Path) -> Path:
    path = folder / "allowed_signers"
    path.write_text(allowed_signers(config), encoding="utf-8")
    return path


def _identity(person: Person) -> dict[str, str]:
    return {"user.name": person.name, "user.email": person.email}


def _check_signed_by(git: Git, config: Config, commit: str, person: Person) -> None:
    """Refuse unless ``commit`` is signed by ``person``'s configured key."""
    with tempfile.TemporaryDirectory(prefix="warta-sign-") as folder:
        signature = git.signature(commit, _signers_file(config, Path(folder)))
    found = signer(config, signature.principal) if signature.status == "G" else None
    if found is None or found.id != person.id:
        index = config.people.index(person)
        raise WorkflowError(
            f"the key used does not sign as {person.name} "
            f"(signed as {found.id if found else 'nobody in people'}, key {signature.key})",
            where=f"{config.source}: people[{index}].ssh_key",
            hint="pass --key with the private key whose public half is in warta.yml",
        )


# -- roles sync ------------------------------------------------------------------------


@dataclass
class SyncResult:
    """Files written (or, with ``check``, out of date) by ``warta roles sync``."""

    changed: list[Path]
    unchanged: list[Path]


def roles_sync(config: Config, *, check: bool = False) -> SyncResult:
    """Write the allowed-signers file and CODEOWNERS from ``people``."""
    prefix = ""
    try:
        _git, _top, rel = _repo(config)
        prefix = str(PurePosixPath(rel).parent).removeprefix(".")
    except NotFoundError:
        pass  # outside git: paths in CODEOWNERS are relative to warta.yml's folder
    wanted = {
        config.root / config.signing.allowed_signers: allowed_signers(config),
        config.root / config.signing.codeowners: codeowners(config, prefix),
    }
    result = SyncResult([], [])
    for path, text in wanted.items():
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current == text:
            result.unchanged.append(path)
            continue
        result.changed.append(path)
        if not check:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(path, text)
    return result


# -- submit ---------------------------------------------------------------------------


def review_message(slug: str, warnings: int, editor: Person, items: str) -> str:
    """The message of an editor's review commit, with the trailers ``warta verify`` reads."""
    return (
        f"Review {slug}: passed the editor's check\n\n"
        f"{warnings} warning(s).\n\n"
        f"Reviewed-by: {editor.name} <{editor.email}>\n"
        f"Reviewed-items: {items}\n"
    )


def _signing(
    git: Git, key: str | None, signer: Signer | None
) -> tuple[dict[str, str], dict[str, str]]:
    """git configuration and environment to sign with: a key file, or a private agent."""
    if signer is not None:
        return dict(signer.git_config), dict(signer.env)
    return git.signing_config(key), {}


def submit(
    config: Config,
    slug: str,
    *,
    by: Actor | str,
    key: str | None = None,
    signer: Signer | None = None,
    now: datetime | None = None,
) -> StepResult:
    """``warta submit``: review; record the editor's review (signed commit when enabled)."""
    by = as_actor(config, by).person
    if not config.signing.enabled:
        return StepResult(plain.submit(config, slug, by=by, now=now))
    git, _top, _rel = _repo(config)
    branch = git.current_branch()
    if branch is None or branch == config.signing.branch:
        raise WorkflowError(
            f"submit on the draft's branch, not on {branch or 'a detached HEAD'}",
            where=str(config.root),
            hint=f"git switch -c {config.signing.branch_prefix}{slug}",
        )
    item = find_item(config, slug)
    report = review(config, scan(config), only=[item.path])
    if not report.ok:
        raise ContentError(
            f"{item.shown}: the review found {report.errors} error(s)", problems_of(report)
        )
    at = now or now_utc()
    editor = workflow.require_role(config, by, ("editor", "redaktur"), "review content")
    if item.location == "draft":
        front = workflow.submit(
            config, item.front, by=by, at=at, errors=0, warnings=report.warnings, where=item.shown
        )
    else:
        # An edit of a published item: the review commit changes nothing, it signs the
        # branch tip that holds the edit.
        workflow.check_not_own_review(config, item.front, editor, where=item.shown)
        front = item.front
    text = render_item(front, item.body, item.passthrough)
    folder = item.folder.resolve().relative_to(git.toplevel().resolve()).as_posix()
    old = git.resolve("HEAD")
    if git.status_porcelain([folder]):
        # The review commit records the review only; what is reviewed is committed by
        # its writer first, so that verify can tell the writer from the reviewer.
        raise WorkflowError(
            f"{item.shown}: the draft has uncommitted changes",
            where=folder,
            hint="the writer commits the draft first (git add, git commit), then submit",
        )
    message = review_message(slug, report.warnings, editor, item.slug)
    signing, agent = _signing(git, key, signer)
    with tempfile.TemporaryDirectory(prefix="warta-submit-") as scratch:
        env = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
        git.run("read-tree", old or "--empty", env=env)
        if item.location == "draft":
            blob = git.out("hash-object", "-w", "--stdin", input=text)
            git.run(
                "update-index", "--add", "--cacheinfo", f"100644,{blob},{folder}/index.md", env=env
            )
        tree = git.out("write-tree", env=env)
        parents = ["-p", old] if old else []
        commit = git.out(
            "commit-tree",
            "-S",
            tree,
            *parents,
            "-m",
            message,
            config={**signing, **_identity(editor)},
            env={
                **agent,
                "GIT_AUTHOR_NAME": editor.name,
                "GIT_AUTHOR_EMAIL": editor.email,
                "GIT_COMMITTER_NAME": editor.name,
                "GIT_COMMITTER_EMAIL": editor.email,
            },
        )
    _check_signed_by(git, config, commit, editor)
    git.run("update-ref", "-m", f"warta submit {slug}", "HEAD", commit, old or "")
    if item.location == "draft":
        write_item(item, front)
    git.run("reset", "-q", "--", folder)  # the index follows the new commit for this folder
    return StepResult(front, commit=commit, branch=branch)


# -- withdraw -------------------------------------------------------------------------


def withdraw(
    config: Config, slug: str, *, by: Actor | str, reason: str, now: datetime | None = None
) -> FrontMatter:
    """``warta withdraw``: with signing on, only on a branch; the withdrawal reaches the
    site through the approval merge (route of the item), which names who approved it,
    and ``warta archive`` keeps the withdrawn version as the record."""
    if config.signing.enabled:
        git, _top, _rel = _repo(config)
        branch = git.current_branch()
        if branch is None or branch == config.signing.branch:
            raise WorkflowError(
                f"withdraw on a branch, not on {branch or 'a detached HEAD'}: with signing on "
                "a withdrawal is approved like a publication",
                where=str(config.root),
                hint=f"git switch -c {config.signing.branch_prefix}tarik-{slug}; then "
                "commit it and the approver runs warta approve BRANCH",
            )
    return plain.withdraw(config, slug, by=by, reason=reason, now=now)


# -- approve --------------------------------------------------------------------------


def _branch_of(git: Git, config: Config, target: str) -> str:
    if git.resolve(f"refs/heads/{target}"):
        return target
    branch = f"{config.signing.branch_prefix}{target}"
    if git.resolve(f"refs/heads/{branch}"):
        return branch
    raise NotFoundError(
        f"no branch {target!r} or {branch!r}",
        where=str(config.root),
        hint="fetch the editor's branch first: git fetch origin; git branch -a",
    )


def approve(
    config: Config,
    target: str,
    *,
    by: Actor | str,
    key: str | None = None,
    signer: Signer | None = None,
    note: str = "",
    now: datetime | None = None,
) -> StepResult:
    """``warta approve SLUG|BRANCH``: the front matter step, or (enabled) the signed merge.

    The merge is signed with ``key`` (a key file, the command line) or ``signer`` (the
    approver's held key in a private agent, the desk): the same merge either way.
    """
    by = as_actor(config, by).person
    if not config.signing.enabled:
        return StepResult(plain.approve(config, target, by=by, note=note, now=now))
    git, _top, config_rel = _repo(config)
    main = config.signing.branch
    old = git.resolve(f"refs/heads/{main}")
    if old is None:
        raise NotFoundError(
            f"no branch {main!r}",
            where=f"{config.source}: signing.branch",
            hint="set signing.branch to the branch the site is published from",
        )
    branch = _branch_of(git, config, target)
    if git.is_ancestor(branch, old):
        raise WorkflowError(
            f"{branch} is already merged into {main}",
            where=branch,
            hint="nothing to approve; the editor pushes new commits to a new branch",
        )
    approver = config.person(by)
    if approver is None:
        raise WorkflowError(
            f"unknown person '{by}'",
            where=f"{config.source}: people",
            hint="pass --as with a configured person id",
        )
    at = now or now_utc()
    prefix = str(PurePosixPath(config_rel).parent).removeprefix(".")
    result = StepResult(None, branch=branch)
    signing, agent = _signing(git, key, signer)
    with git.worktree(old) as tree:
        wt = Git(tree)
        merge = wt.run("merge", "--no-ff", "--no-commit", "-q", branch, check=False)
        if merge.returncode != 0:
            raise WorkflowError(
                f"{branch} does not merge cleanly into {main}",
                where=branch,
                hint=f"the editor updates the branch: git rebase {main} (or merge {main} into it)",
            )
        # Nothing is read or copied through a link (a draft's files/ linking to a key).
        refuse_unsafe([tree], root=tree, action="approved")
        wconfig = config.model_copy(update={"root": (tree / prefix) if prefix else tree})
        drafts = _submitted_drafts(wt, wconfig, old, prefix)
        reviewed = _reviewer_trailer(git, config, branch)
        if len(drafts) > 1:
            raise WorkflowError(
                f"{branch} carries {len(drafts)} submitted drafts ({', '.join(drafts)})",
                where=branch,
                hint="one item per branch: approve each on its own branch",
            )
        if drafts:
            item = read_item(wconfig.path("drafts") / drafts[0] / "index.md", wconfig, "draft")
            front = workflow.approve(
                wconfig,
                item.front,
                by=by,
                at=at,
                note=note,
                digest=content_digest(item),
                where=f"{branch}:{item.shown}",
            )
            write_item(item, front)
            approved = read_item(item.path, wconfig, "draft")
            placed = promote(wconfig, approved, by=approver.id, now=at)
            shutil.rmtree(item.folder)
            result.front = read_item(placed / "index.md", wconfig, "content").front
            title = f"Approve {drafts[0]}: {front.title}"
        else:
            title = f"Approve {branch}"
        wt.run("add", "-A")  # the temporary tree holds only the merge and the promotion
        staged = wt.out("write-tree")
        try:
            changes = classify(wt, wconfig, prefix, old, staged)
        finally:
            wt.close()
        if not changes:
            raise WorkflowError(
                f"{branch} changes nothing", where=branch, hint="nothing to approve"
            )
        if any(not c.furniture for c in changes):
            route = required_route(changes)
            roles = workflow.approver_roles(config, route)
            workflow.require_role(config, by, roles, f"approve {route.value} changes")
        _review_again(wconfig, tree, changes)
        result.route = ", ".join(required_routes(changes))
        result.changed = [c.path for c in changes]
        message = (
            f"{title}\n\n"
            + (f"{note}\n\n" if note else "")
            + f"Merge {branch} into {main}.\n\n"
            + reviewed
            + f"Approved-by: {approver.name} <{approver.email}>\n"
            + f"Route: {result.route}\n"
        )
        wt.run(
            "commit",
            "-q",
            "-S",
            "-m",
            message,
            config={**signing, **_identity(approver)},
            env=agent,
        )
        commit = wt.out("rev-parse", "HEAD")
    _check_signed_by(git, config, commit, approver)
    # The same rules as warta verify, on the merge alone, before the branch moves.
    check = verify_history(git, config_rel=config_rel, base=old, tip=commit, worktree=False)
    if not check.ok:
        raise WorkflowError(
            f"the merge would not pass warta verify: {check.problems[0].message}",
            where=check.problems[0].where,
            hint=check.problems[0].hint,
        )
    if git.current_branch() == main:
        git.run("merge", "--ff-only", "-q", commit)
    else:
        git.run("update-ref", "-m", f"warta approve {branch}", f"refs/heads/{main}", commit, old)
    result.commit = commit
    return result


def _reviewer_trailer(git: Git, config: Config, branch: str) -> str:
    """``Reviewed-by`` naming whoever signed the branch tip (empty: nobody in people);
    the identity comes from the signature, never from the front matter."""
    with tempfile.TemporaryDirectory(prefix="warta-sign-") as folder:
        signature = git.signature(branch, _signers_file(config, Path(folder)))
    person = signer(config, signature.principal) if signature.status == "G" else None
    return f"Reviewed-by: {person.name} <{person.email}>\n" if person else ""


def _review_again(config: Config, tree: Path, changes: list[ItemChange]) -> None:
    """``warta approve`` re-runs the review of every item the merge adds or edits."""
    paths = [tree / c.path / "index.md" for c in changes if c.needs_review]
    if not paths:
        return
    report = review(config, scan(config), only=paths)
    if not report.ok:
        raise ContentError(
            f"the review of the merged tree found {report.errors} error(s); nothing was approved",
            problems_of(report),
        )


def _submitted_drafts(git: Git, config: Config, old: str, prefix: str) -> list[str]:
    """Slugs of the drafts the merge brings that wait for approval (in-review)."""
    drafts = str(PurePosixPath(prefix, config.paths.drafts))
    names = git.out("diff", "--cached", "--name-only", old, "--", drafts).splitlines()
    slugs = sorted({PurePosixPath(n).relative_to(drafts).parts[0] for n in names})
    found = []
    for slug in slugs:
        path = config.path("drafts") / slug / "index.md"
        if path.is_file() and read_item(path, config, "draft").front.status is Status.IN_REVIEW:
            found.append(slug)
    return found
