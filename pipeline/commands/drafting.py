"""Drafting in the desk: new drafts and saves as commits on ``konten/<slug>`` (issue 19).

The desk's editor calls these use cases; the command line's ``warta new`` and the
editor's own files stay as they are. A draft made here lives on its branch until the
approval merge brings it into the published branch, exactly as a pull request would.

Every save:

- is refused unless the person may edit the draft (its author, an editor or the
  redaktur) and the draft is still a draft (``in-review`` and later are not edited);
- keeps the workflow keys (status, history, review, approval) as they are: only the
  fields of the form and the body change;
- is parsed and validated as warta parses a file on disk before anything is written, so
  an invalid form is refused naming the field and nothing reaches the branch;
- is a commit authored by the person, moved by compare-and-swap
  (:mod:`pipeline.content.branches`), so a save from a stale form is refused with the
  difference.

:func:`load` gives the editor what it shows beside the text: the preview rendered the
way the site renders (``mkdocs.yml``'s Markdown extensions, then the sanitiser) and the
review findings with their lines.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from pipeline.actor import Actor, as_actor
from pipeline.commands import approval as approval_cases
from pipeline.commands import content as content_cases
from pipeline.commands import keys as key_cases
from pipeline.commands.approval import StepResult, review_message
from pipeline.config import Config
from pipeline.content import workflow
from pipeline.content.branches import DraftBranches, EditConflict, Saved
from pipeline.content.findings import Finding
from pipeline.content.gitrepo import Git
from pipeline.content.keys import Signer
from pipeline.content.model import Attention, FrontMatter, HistoryEntry, Status
from pipeline.content.review import HtmlCheck, problems_of, review
from pipeline.content.scaffold import check_slug, slugify
from pipeline.content.store import (
    Item,
    content_item_paths,
    parse_item,
    read_item,
    render_item,
    scan,
)
from pipeline.errors import ContentError, NotFoundError, Problem, WorkflowError
from pipeline.progress import Progress
from pipeline.site.live import now_utc

EDIT_ROLES = ("editor", "redaktur")
"""Roles that may edit anyone's draft; an author may always edit their own."""


@dataclass(frozen=True)
class DraftForm:
    """The fields of the desk's form (what an editor may change)."""

    title: str
    category: str
    summary: str = ""
    tags: list[str] = field(default_factory=list)
    attention: str = Attention.ROUTINE.value
    publish_at: str = ""
    """Embargo as ``YYYY-MM-DDTHH:MM`` in the court's time zone, or empty."""
    case_type: str = ""
    body: str = ""


@dataclass(frozen=True)
class DeskDraft:
    """A draft as the editor shows it."""

    slug: str
    head: str
    """The branch commit the form is loaded from (sent back with the next save)."""
    item: Item
    preview: str
    """The body rendered as the site renders it, sanitised."""
    findings: list[Finding]


def branches(config: Config) -> DraftBranches:
    """The draft branches of the site's repository (the desk's clone)."""
    return DraftBranches(
        Git(config.root),
        drafts=config.paths.drafts,
        base=config.signing.branch,
        prefix=config.signing.branch_prefix,
    )


def _loaded(config: Config, found: DraftBranches, slug: str, expected: str) -> Item:
    """The draft as the person loaded it (at ``expected``); NotFoundError otherwise."""
    item = found.item(config, slug, at=expected) if expected else None
    if item is None:
        raise NotFoundError(f"no draft {slug!r} at {expected[:12]!r}", where=f"konten/{slug}")
    return item


def _may_edit(config: Config, actor: Actor, front: FrontMatter) -> None:
    if front.status is not Status.DRAFT:
        raise WorkflowError(
            f"draft {front.slug} is {front.status.value}: it is no longer edited",
            where=f"konten/{front.slug}",
            hint="ask the editor to send it back (reject) to change it",
        )
    if actor.person != front.author and not actor.has_role(*EDIT_ROLES):
        raise WorkflowError(
            f"{actor.name or actor.person} may not edit the draft of {front.author}",
            where=f"konten/{front.slug}",
            hint="its author, an editor or the redaktur may edit it",
        )


def _embargo(config: Config, text: str) -> datetime | None:
    if not text.strip():
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ContentError(
            "the embargo is not a date and time",
            [Problem("publish_at", repr(text[:40]), "use the date picker (YYYY-MM-DD HH:MM)")],
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(config.site.timezone))


def _front(config: Config, base: dict[str, Any], form: DraftForm) -> dict[str, Any]:
    data = dict(base)
    data.update(
        title=form.title.strip(),
        category=form.category,
        summary=form.summary.strip(),
        tags=[t.strip() for t in form.tags if t.strip()],
        attention=form.attention,
        case_type=form.case_type.strip(),
        publish_at=_embargo(config, form.publish_at),
    )
    return data


def _text(config: Config, data: dict[str, Any], body: str, slug: str) -> str:
    """Validate as a file on disk would be, then render the ``index.md`` text."""
    try:
        front = FrontMatter.model_validate(data)
    except ValidationError as error:
        raise ContentError(
            "the draft is not valid",
            [
                Problem(".".join(str(part) for part in e["loc"]), e["msg"], "correct the form")
                for e in error.errors()
            ],
        ) from None
    normalised = body.replace("\r\n", "\n")
    text = render_item(front, normalised if normalised.startswith("\n") else "\n" + normalised)
    parse_item(
        text,
        path=config.root / config.paths.drafts / slug / "index.md",
        config=config,
        location="draft",
    )
    return text


def start(
    config: Config, *, by: Actor | str, form: DraftForm, now: datetime | None = None
) -> Saved:
    """A new draft on its own branch ``konten/<slug>``, authored by the acting person."""
    actor = as_actor(config, by)
    moment = now or now_utc()
    slug = slugify(form.title)
    check_slug(slug)
    if config.category(form.category) is None:
        raise ContentError(
            "unknown category",
            [Problem("category", repr(form.category), "choose a category of the list")],
        )
    taken = [p for p in content_item_paths(config) if p.parent.name == slug]
    if taken or (config.path("drafts") / slug).exists():
        raise ContentError(
            "duplicate slug",
            [Problem(f"konten/{slug}", f"slug {slug!r} is already used", "choose another title")],
        )
    today: date = moment.astimezone(ZoneInfo(config.site.timezone)).date()
    base = {
        "slug": slug,
        "date": today,
        "author": actor.person,
        "status": Status.DRAFT,
        "history": [HistoryEntry(status=Status.DRAFT, at=moment, by=actor.person)],
    }
    text = _text(config, _front(config, base, form), form.body, slug)
    return branches(config).save(
        slug,
        {"index.md": text.encode()},
        author=_author(config, actor),
        message=f"Draf baru: {form.title.strip()}",
        expected=None,
        now=moment,
    )


def _author(config: Config, actor: Actor) -> tuple[str, str]:
    person = config.person(actor.person)
    name = person.name if person else actor.person
    email = person.email if person and person.email else f"{actor.person}@warta.invalid"
    return name, email


def load(config: Config, slug: str) -> DeskDraft:
    """The draft of ``konten/<slug>`` with its preview and its review findings."""
    found = branches(config)
    head = found.head(slug)
    item = found.item(config, slug, at=head) if head else None
    if head is None or item is None:
        raise NotFoundError(
            f"no draft {slug!r} in the desk",
            where=f"konten/{slug}",
            hint="open it from the board, or start a new draft",
        )
    shown = preview(config, item.body)
    # Review the branch as it is, files included: in a temporary work tree of its head,
    # with this site's configuration (never the branch's own warta.yml).
    with found.git.worktree(head) as tree:
        wconfig = config.model_copy(update={"root": tree})
        path = wconfig.path("drafts") / slug / "index.md"
        report = review(wconfig, scan(wconfig), only=[path])
    findings = [f for r in report.files for f in r.findings]
    return DeskDraft(slug, head, item, shown, findings)


def save(
    config: Config,
    *,
    by: Actor | str,
    slug: str,
    form: DraftForm,
    expected: str,
    now: datetime | None = None,
) -> Saved:
    """Save the form over the draft loaded at commit ``expected``."""
    actor = as_actor(config, by)
    found = branches(config)
    item = _loaded(config, found, slug, expected)
    _may_edit(config, actor, item.front)
    if form.category != item.front.category and config.category(form.category) is None:
        raise ContentError("unknown category", [Problem("category", repr(form.category), "")])
    base = item.front.model_dump(exclude_defaults=False)
    text = _text(config, _front(config, base, form), form.body, slug)
    return found.save(
        slug,
        {"index.md": text.encode()},
        author=_author(config, actor),
        message=f"Draf: {form.title.strip()}",
        expected=expected,
        now=now or now_utc(),
    )


@dataclass(frozen=True)
class AttachResult:
    """An upload taken in: the save, what convert made, and what was refused."""

    saved: Saved | None
    made: list[str]
    refused: list[Problem]
    notes: list[str]


def attach(
    config: Config,
    *,
    by: Actor | str,
    slug: str,
    uploads: list[tuple[Path, str]],
    expected: str,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> AttachResult:
    """Collect and convert uploaded files into the draft, as ``warta collect`` and
    ``warta convert`` do, and save the result as one commit on the draft's branch.

    ``uploads`` are (stored file, name the person gave it). The work happens in a
    temporary work tree of the branch at ``expected`` with this site's configuration
    (never the branch's own ``warta.yml``); when every file is refused, nothing is saved.
    """
    from pipeline.commands import sources

    actor = as_actor(config, by)
    moment = now or now_utc()
    found = branches(config)
    item = _loaded(config, found, slug, expected)
    _may_edit(config, actor, item.front)
    with found.git.worktree(expected) as tree, tempfile.TemporaryDirectory() as named:
        wconfig = config.model_copy(update={"root": tree})
        # Collected files keep the name the person gave them (made safe by collect).
        paths = []
        for stored, shown in uploads:
            target = Path(named) / (Path(shown).name or "berkas")
            shutil.copyfile(stored, target)
            paths.append(target)
        collected = sources.collect(wconfig, slug, paths, by=actor, now=moment).result
        if not collected.collected:
            return AttachResult(None, [], list(collected.refused), [])
        converted = sources.convert(wconfig, slug, by=actor, now=moment, progress=progress)
        folder = wconfig.path("drafts") / slug
        files: dict[str, bytes | None] = {}
        for path in sorted(folder.rglob("*")):
            if path.is_symlink():
                raise ContentError(
                    "a link in the draft",
                    [Problem(f"konten/{slug}/{path.relative_to(folder)}", "links are refused", "")],
                )
            if path.is_file():
                files[path.relative_to(folder).as_posix()] = path.read_bytes()
    saved = found.save(
        slug,
        files,
        author=_author(config, actor),
        message=f"Lampiran: {', '.join(name for _, name in uploads)[:120]}",
        expected=expected,
        now=moment,
    )
    return AttachResult(
        saved,
        [o.path for o in converted.made],
        [*collected.refused, *converted.refused],
        list(converted.notes),
    )


@contextmanager
def _signer(config: Config, actor: Actor, passphrase: str) -> Iterator[Signer | None]:
    """The person's held key when signing is on (the passphrase typed now), else none."""
    if not config.signing.enabled:
        yield None
        return
    if actor.how == "token":
        raise WorkflowError(
            "an API token cannot sign",
            where="Authorization",
            hint="review and approve in the desk, signed in, with your key's passphrase",
        )
    with key_cases.signer(config, by=actor, passphrase=passphrase) as agent:
        yield agent


def submit(
    config: Config,
    *,
    by: Actor | str,
    slug: str,
    expected: str,
    passphrase: str = "",
    now: datetime | None = None,
) -> Saved:
    """The editor's review of a desk draft: the same review commit as ``warta submit``.

    The review must pass on the branch as it is (in a work tree of ``expected``); the
    commit changes only the front matter (status, review record) and, with signing on,
    is signed with the editor's held key, unlocked by ``passphrase``.
    """
    actor = as_actor(config, by)
    moment = now or now_utc()
    found = branches(config)
    if slug.startswith(WITHDRAWAL):
        return _review_withdrawal(config, actor, found, slug, expected, passphrase, moment)
    with found.git.worktree(expected) as tree:
        wconfig = config.model_copy(update={"root": tree})
        path = wconfig.path("drafts") / slug / "index.md"
        if not path.is_file():
            raise NotFoundError(f"no draft {slug!r} at {expected[:12]!r}", where=f"konten/{slug}")
        item = read_item(path, wconfig, "draft")
        report = review(wconfig, scan(wconfig), only=[path])
    if not report.ok:
        raise ContentError(f"the review found {report.errors} error(s)", problems_of(report))
    editor = workflow.require_role(config, actor.person, ("editor", "redaktur"), "review content")
    front = workflow.submit(
        config,
        item.front,
        by=actor.person,
        at=moment,
        errors=0,
        warnings=report.warnings,
        where=f"konten/{slug}",
    )
    text = render_item(front, item.body, item.passthrough)
    with _signer(config, actor, passphrase) as agent:
        return found.save(
            slug,
            {"index.md": text.encode()},
            author=(editor.name, editor.email),
            message=review_message(slug, report.warnings, editor, slug),
            expected=expected,
            now=moment,
            signer=agent,
        )


def _review_withdrawal(
    config: Config,
    actor: Actor,
    found: DraftBranches,
    name: str,
    expected: str,
    passphrase: str,
    moment: datetime,
) -> Saved:
    """The editor's review of a withdrawal: a commit that changes nothing and signs the
    branch tip, as ``warta submit`` does for an edit of a published item."""
    item, _path = _published(config, found, name.removeprefix(WITHDRAWAL), expected)
    editor = workflow.require_role(config, actor.person, ("editor", "redaktur"), "review content")
    workflow.check_not_own_review(config, item.front, editor, where=f"konten/{name}")
    with _signer(config, actor, passphrase) as agent:
        return found.save(
            name,
            {},
            author=(editor.name, editor.email),
            message=review_message(name, 0, editor, item.slug),
            expected=expected,
            now=moment,
            signer=agent,
        )


def approve(
    config: Config,
    *,
    by: Actor | str,
    slug: str,
    expected: str,
    passphrase: str = "",
    note: str = "",
    now: datetime | None = None,
) -> StepResult:
    """Approve a reviewed desk draft: the signed merge ``warta approve`` makes.

    Refused when the branch moved since the approver looked at it (``expected``), so a
    change made after the page was shown is never approved unseen.
    """
    actor = as_actor(config, by)
    found = branches(config)
    head = found.head(slug)
    if head != expected:
        raise EditConflict(
            f"draft {slug} changed since it was shown to you",
            where=f"{found.prefix}{slug} at {(head or 'none')[:12]}",
            hint="open it again, read the change, then approve",
            diff="",
        )
    if not config.signing.enabled:
        return _approve_unsigned(config, actor, found, slug, note=note, now=now)
    with _signer(config, actor, passphrase) as agent:
        return approval_cases.approve(
            config, f"{found.prefix}{slug}", by=actor, signer=agent, note=note, now=now
        )


def _approve_unsigned(
    config: Config,
    actor: Actor,
    found: DraftBranches,
    slug: str,
    *,
    note: str,
    now: datetime | None,
) -> StepResult:
    """Signing off (the embedded default): merge the draft's branch into the published
    branch of the desk's clone, then record the approval on the draft exactly as
    ``warta approve`` does on a work-tree draft (roles, route, digest), as one more commit.
    A refusal puts the published branch back where it was."""
    if slug.startswith(WITHDRAWAL):
        raise WorkflowError(
            "a withdrawal is approved with signing on",
            where=f"konten/{slug}",
            hint="without signing, withdraw with warta withdraw SLUG --reason TEXT",
        )
    git = found.git
    if git.current_branch() != found.base:
        raise WorkflowError(
            f"the desk's clone is not on {found.base}",
            where=str(config.root),
            hint=f"git switch {found.base} in {config.root}",
        )
    if git.status_porcelain([config.paths.drafts, config.paths.content]):
        raise WorkflowError(
            "the desk's clone has uncommitted changes under drafts/ or content/",
            where=str(config.root),
            hint="commit or remove them, then approve again",
        )
    name, email = _author(config, actor)
    who = {
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email,
    }
    old = git.resolve("HEAD") or ""
    branch = f"{found.prefix}{slug}"
    merged = git.run(
        "merge", "--no-ff", "-q", "-m", f"Merge {branch}", branch, env=who, check=False
    )
    if merged.returncode != 0:
        git.run("merge", "--abort", check=False)
        raise WorkflowError(
            f"{branch} does not merge cleanly into {found.base}",
            where=branch,
            hint="the writer updates the draft, then it is reviewed again",
        )
    try:
        front = content_cases.approve(config, slug, by=actor, note=note, now=now)
        git.run("add", "--", f"{config.paths.drafts}/{slug}")
        git.run("commit", "-q", "-m", f"Approve {slug}: {front.title}", env=who)
    except BaseException:
        git.run("reset", "-q", "--keep", old, check=False)
        raise
    return StepResult(front, commit=git.resolve("HEAD") or "", branch=branch)


def reject(
    config: Config,
    *,
    by: Actor | str,
    slug: str,
    expected: str,
    reason: str,
    now: datetime | None = None,
) -> Saved:
    """Send a desk draft back to its writer with a reason (a commit on its branch)."""
    actor = as_actor(config, by)
    moment = now or now_utc()
    found = branches(config)
    item = _loaded(config, found, slug, expected)
    front = workflow.reject(
        config, item.front, by=actor.person, at=moment, note=reason, where=f"konten/{slug}"
    )
    text = render_item(front, item.body, item.passthrough)
    return found.save(
        slug,
        {"index.md": text.encode()},
        author=_author(config, actor),
        message=f"Dikembalikan: {slug}\n\n{reason.strip()}",
        expected=expected,
        now=moment,
    )


WITHDRAWAL = "tarik-"
"""Draft branches named ``konten/tarik-<slug>`` carry the withdrawal of a published item."""


def _published(config: Config, found: DraftBranches, slug: str, at: str) -> tuple[Item, str]:
    """The published item ``slug`` as it is at commit ``at``, and its path in the repository."""
    with found.git.worktree(at) as tree:
        wconfig = config.model_copy(update={"root": tree})
        items = [i for i in scan(wconfig, drafts=False).items if i.slug == slug]
        if not items:
            raise NotFoundError(
                f"no published item {slug!r}",
                where=f"{config.paths.content}/",
                hint="withdraw an item that is on the site (its slug is in its address)",
            )
        item = items[0]
        return item, item.path.relative_to(tree).as_posix()


def request_withdrawal(
    config: Config, *, by: Actor | str, slug: str, reason: str, now: datetime | None = None
) -> Saved:
    """Start the withdrawal of a published item: a commit on ``konten/tarik-<slug>``.

    The withdrawal reaches the site like a publication: the editor's review of the
    branch, then the approval merge by the item's route; ``warta archive`` keeps the
    withdrawn version as the record.
    """
    actor = as_actor(config, by)
    moment = now or now_utc()
    found = branches(config)
    base = found.git.resolve(found.base)
    if base is None:
        raise NotFoundError(f"no branch {found.base!r}", where=str(config.root))
    item, path = _published(config, found, slug, base)
    front = workflow.withdraw(
        config, item.front, by=actor.person, at=moment, reason=reason, where=path
    )
    text = render_item(front, item.body, item.passthrough)
    return found.save(
        WITHDRAWAL + slug,
        {},
        repo_files={path: text.encode()},
        author=_author(config, actor),
        message=f"Tarik {slug}: {reason.strip()}",
        expected=None,
        now=moment,
    )


def withdrawal_of(config: Config, name: str) -> tuple[Item, str] | None:
    """A withdrawal branch's item as it stands on the branch, and the branch head."""
    if not name.startswith(WITHDRAWAL):
        return None
    found = branches(config)
    head = found.head(name)
    if head is None:
        return None
    item, _path = _published(config, found, name.removeprefix(WITHDRAWAL), head)
    return item, head


def preview(config: Config, body: str) -> str:
    """A body rendered as the site renders it, sanitised (the editor's live preview)."""
    html = HtmlCheck(config)  # the renderer and the sanitiser review itself uses
    return html.sanitiser.clean(html.render(body))
