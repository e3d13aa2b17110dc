"""``warta publish`` (SOP 1 step 6): promote approved drafts, build the site.

Order of work, chosen so that an interruption at any point loses nothing:

1. every approved draft is checked again (review, approval rules, embargo);
2. each accepted draft is copied into a staging folder under ``content/``,
   its front matter set to ``published``, fsynced, and renamed into place;
   only then is the draft folder removed (a rerun finishes a half-done move);
3. the site is built strictly into a staging folder and swapped in.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import datetime

from pipeline.config import Config
from pipeline.content import workflow
from pipeline.content.model import Status
from pipeline.content.review import problems_of, review
from pipeline.content.store import (
    Item,
    content_digest,
    draft_paths,
    read_item,
    render_item,
    scan,
    target_folder,
)
from pipeline.errors import ContentError, Problem, WartaError
from pipeline.fsutil import atomic_write_text, fsync_tree, staging_dir
from pipeline.lock import exclusive
from pipeline.progress import NoProgress, Progress
from pipeline.site.build import BuildResult, build_site
from pipeline.site.live import aware, now_utc


@dataclass
class PublishResult:
    """What ``warta publish`` did."""

    promoted: list[str] = field(default_factory=list)
    embargoed: list[tuple[str, datetime]] = field(default_factory=list)
    refused: list[Problem] = field(default_factory=list)
    build: BuildResult | None = None


def publish(
    config: Config,
    *,
    by: str = "warta",
    now: datetime | None = None,
    build: bool = True,
    progress: Progress | None = None,
) -> PublishResult:
    """Promote every approved, due draft to ``content/`` and rebuild ``site/``."""
    now = now or now_utc()
    progress = progress or NoProgress()
    result = PublishResult()
    with exclusive(config.path("state") / "publish.lock", "warta publish"):
        result.promoted += finish_interrupted(config)
        everything = scan(config)
        if everything.problems:
            raise ContentError(
                "some content cannot be read; nothing was published", everything.problems
            )
        approved = [
            i
            for i in everything.items
            if i.location == "draft" and i.front.status is Status.APPROVED
        ]
        progress.start("promote", len(approved))
        for item in approved:
            _consider(config, item, everything, now, by, result)
            progress.advance()
        if build:
            result.build = build_site(config, now=now, progress=progress)
    return result


def _consider(
    config: Config, item: Item, everything: object, now: datetime, by: str, result: PublishResult
) -> None:
    front = item.front
    if front.publish_at is not None and aware(front.publish_at, config.site.timezone) > now:
        result.embargoed.append((item.slug, aware(front.publish_at, config.site.timezone)))
        return
    try:
        workflow.check_approval(
            config, front, digest=content_digest(item), where=item.where(("approval",))
        )
    except WartaError as error:
        result.refused.extend(error.problems)
        return
    report = review(config, everything, only=[item.path])  # type: ignore[arg-type]
    if not report.ok:
        result.refused.extend(problems_of(report))
        return
    promote(config, item, by=by, now=now)
    result.promoted.append(item.slug)


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


def promote(config: Config, item: Item, *, by: str, now: datetime) -> None:
    """Move one approved draft into ``content/`` as published (see the module docstring)."""
    target = target_folder(config, item.front)
    if target.exists():
        existing = read_item(target, config, "content")
        if existing.body != item.body or existing.front.status is not Status.PUBLISHED:
            raise ContentError(
                "duplicate slug",
                [
                    Problem(
                        item.where(("slug",)),
                        f"slug {item.slug!r} is already published at {existing.shown}",
                        "choose another slug",
                    )
                ],
            )
        shutil.rmtree(item.folder)  # an interrupted earlier run already moved it
        return
    front = workflow.publish(item.front, by=by, at=now, where=item.shown)
    with staging_dir(target, f"publish-{item.slug}") as staging:
        shutil.copytree(item.folder, staging, dirs_exist_ok=True)
        atomic_write_text(staging / "index.md", render_item(front, item.body, item.passthrough))
        fsync_tree(staging)
        staging.rename(target)
    shutil.rmtree(item.folder)
