"""``warta publish`` (SOP 1 step 6): promote approved drafts, build the site.

Order of work, chosen so that an interruption at any point loses nothing:

1. every approved draft is checked again (review, approval rules and digest, embargo);
2. each accepted draft is copied into a staging folder under ``content/``,
   its front matter set to ``published``, fsynced, and renamed into place;
3. the site is built strictly into a staging folder and swapped in;
4. only then are the promoted drafts removed.  If the build fails, the copies
   made in step 2 are removed instead and the drafts stay as they were; if the
   process dies between steps 2 and 4, the next run recognises the published
   copy (same body) and removes the leftover draft.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pipeline.commands.verify import verify
from pipeline.config import Config
from pipeline.content import index, workflow
from pipeline.content.limits import markdown_limits
from pipeline.content.links import refuse_unsafe
from pipeline.content.model import Status
from pipeline.content.parsecache import ParseCache
from pipeline.content.review import problems_of, review
from pipeline.content.store import (
    Item,
    Scan,
    content_digest,
    draft_paths,
    read_item,
    render_item,
    scan,
    target_folder,
)
from pipeline.errors import BuildError, ContentError, Problem, WartaError
from pipeline.fsutil import atomic_write_text, fsync_tree, staging_dir
from pipeline.lock import site_lock
from pipeline.progress import NoProgress, Progress
from pipeline.site.build import CACHE_FOLDER, SCAN_CACHE, BuildResult, build_site
from pipeline.site.live import aware, now_utc


@dataclass
class PublishResult:
    """What ``warta publish`` did."""

    promoted: list[str] = field(default_factory=list)
    embargoed: list[tuple[str, datetime]] = field(default_factory=list)
    refused: list[Problem] = field(default_factory=list)
    build: BuildResult | None = None


#: Roles that may run ``warta publish`` under their own name (SOP 1 step 6).
PUBLISH_ROLES = ("web-admin",)

#: The publisher recorded when no person is named: the CI job.
AUTOMATIC = "warta"


def publish(
    config: Config,
    *,
    by: str = AUTOMATIC,
    now: datetime | None = None,
    build: bool = True,
    base: str | None = None,
    trust_file: Path | None = None,
    progress: Progress | None = None,
    full: bool = False,
    one_shot: bool = False,
) -> PublishResult:
    """Promote every approved, due draft to ``content/`` and rebuild ``site/``.

    The build keeps what the previous one made from unchanged inputs (the same bytes as
    a full build, ``docs/scale.md``); ``full`` builds everything again. ``one_shot``:
    the process ends after the publish (the command line; see ``build_site``).

    With ``signing.enabled`` nothing happens unless ``warta verify`` passes for HEAD
    from the pinned ``base`` / ``trust_file`` with a clean work tree; the tip that was
    published is then recorded in the trust file.
    """
    now = now or now_utc()
    progress = progress or NoProgress()
    result = PublishResult()
    if by != AUTOMATIC:
        workflow.require_role(config, by, PUBLISH_ROLES, "publish")
    if config.signing.enabled:
        verify(config, base=base, trust_file=trust_file, worktree=True, progress=progress)
    with site_lock(config.path("state"), "warta publish"):
        result.promoted += finish_interrupted(config)
        # Front matter parses and limit checks of unchanged texts kept between publishes.
        parses = ParseCache(config.path("state") / CACHE_FOLDER / SCAN_CACHE, reuse=not full)
        everything = scan(config, cache=parses)
        if everything.problems:
            raise ContentError(
                "some content cannot be read; nothing was published", everything.problems
            )
        hostile = _beyond_limits(everything, parses)
        if hostile:
            raise ContentError(
                "some content is nested too deeply or too large to render; nothing was published",
                hostile,
            )
        approved = [
            i
            for i in everything.items
            if i.location == "draft" and i.front.status is Status.APPROVED
        ]
        progress.start("promote", len(approved))
        moved: list[tuple[Path, Path]] = []
        for item in approved:
            placed = _consider(config, item, everything, now, by, result)
            if placed is not None:
                moved.append(placed)
            progress.advance()
        if build:
            try:
                content = [i for i in everything.items if i.location == "content"]
                result.build = build_site(
                    config, now=now, progress=progress, items=content, full=full, one_shot=one_shot
                )
            except BuildError:
                # Nothing of this run went live: put the promoted items back as drafts.
                for _draft, target in moved:
                    shutil.rmtree(target)
                raise
        for draft, _target in moved:
            shutil.rmtree(draft)
        # The published items' slugs, for the next review of a draft.
        index.remember(config, everything.items)
        parses.save()
    if config.signing.enabled and trust_file is not None:
        verify(config, base=base, trust_file=trust_file, worktree=False, record=True, now=now)
    return result


def _beyond_limits(everything: Scan, parses: ParseCache | None = None) -> list[Problem]:
    """Published items the renderer would hang on (drafts are refused by their review).

    A body found within the limits by a previous publish (``parses``) is not checked
    again: the check is a pure function of the body."""
    problems = []
    for item in everything.items:
        if item.location != "content" or (parses is not None and parses.body_ok(item.body)):
            continue
        hits = markdown_limits(item.body)
        if not hits and parses is not None:
            parses.keep_body(item.body)
        problems += [
            Problem(
                item.body_where(hit.line), hit.message, "flatten the structure and publish again"
            )
            for hit in hits
        ]
    return problems


def _consider(
    config: Config, item: Item, everything: Scan, now: datetime, by: str, result: PublishResult
) -> tuple[Path, Path] | None:
    """Promote ``item`` if it may be published now; return (draft, target) when moved."""
    front = item.front
    if front.publish_at is not None and aware(front.publish_at, config.site.timezone) > now:
        result.embargoed.append((item.slug, aware(front.publish_at, config.site.timezone)))
        return None
    try:
        workflow.check_approval(
            config, front, digest=content_digest(item), where=item.where(("approval",))
        )
    except WartaError as error:
        result.refused.extend(error.problems)
        return None
    report = review(config, everything, only=[item.path])
    if not report.ok:
        result.refused.extend(problems_of(report))
        return None
    target = promote(config, item, by=by, now=now)
    result.promoted.append(item.slug)
    return item.folder, target


def finish_interrupted(config: Config) -> list[str]:
    """Remove drafts whose promotion completed but whose folder was not yet removed."""
    finished = []
    for path in draft_paths(config):
        try:
            item = read_item(path, config, "draft")
        except WartaError:
            continue  # reported by the scan that follows
        target = target_folder(config, item.front) / "index.md"
        if item.front.status is not Status.APPROVED or not target.is_file():
            continue
        try:
            existing = read_item(target, config, "content")
        except WartaError:
            continue
        if existing.front.status is Status.PUBLISHED and existing.body == item.body:
            shutil.rmtree(item.folder)
            finished.append(item.slug)
    return finished


def promote(config: Config, item: Item, *, by: str, now: datetime) -> Path:
    """Copy one approved draft into ``content/`` as published; return its new folder.

    The draft itself is left in place: the caller removes it once the site is
    built (see the module docstring).
    """
    target = target_folder(config, item.front)
    if target.exists():
        raise ContentError(
            "duplicate slug",
            [
                Problem(
                    item.where(("slug",)),
                    f"slug {item.slug!r} is already used at {target.relative_to(config.root)}",
                    "choose another slug",
                )
            ],
        )
    front = workflow.publish(item.front, by=by, at=now, where=item.shown)
    refuse_unsafe([item.folder], root=config.root, action="published")
    with staging_dir(target, f"publish-{item.slug}") as staging:
        # symlinks=True: never copy what a link points at (refused above anyway).
        shutil.copytree(item.folder, staging, dirs_exist_ok=True, symlinks=True)
        atomic_write_text(staging / "index.md", render_item(front, item.body, item.passthrough))
        fsync_tree(staging)
        staging.rename(target)
    return target
