"""Use cases of the editorial workflow: new, review, submit, approve, reject, withdraw."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pipeline.actor import Actor, as_actor
from pipeline.config import Config
from pipeline.content import workflow
from pipeline.content.index import review_scan
from pipeline.content.model import Attention, FrontMatter
from pipeline.content.review import ReviewReport, problems_of, review
from pipeline.content.scaffold import check_slug, new_draft
from pipeline.content.store import (
    Item,
    content_digest,
    draft_paths,
    read_item,
    scan,
    write_item,
)
from pipeline.errors import ContentError, NotFoundError, WorkflowError
from pipeline.site.live import now_utc


def create(
    config: Config,
    *,
    title: str,
    category: str,
    author: Actor | str,
    slug: str | None,
    attention: Attention,
    now: datetime | None = None,
    sources: bool = False,
) -> Path:
    """``warta new`` (``sources``: the material is still being gathered)."""
    author = as_actor(config, author).person
    now = now or now_utc()
    today = now.astimezone(ZoneInfo(config.site.timezone)).date()  # the court's date
    return new_draft(
        config,
        title=title,
        category=category,
        author=author,
        slug=slug,
        attention=attention,
        today=today,
        now=now,
        sources=sources,
    )


def run_review(
    config: Config, paths: list[Path] | None = None, *, include_content: bool = False
) -> ReviewReport:
    """``warta review [PATH…]``: every draft when no path is given (and all of
    ``content/`` too with ``include_content``).

    Reviewing drafts (or named files) reads only those, and takes the published
    items' slugs from the content index (``pipeline/content/index.py``)."""
    if include_content and not paths:
        return review(config, scan(config))
    if paths:
        wanted = []
        for path in paths:
            path = path / "index.md" if path.is_dir() else path
            if not path.exists():
                raise NotFoundError(
                    "no such file", where=str(path), hint="pass a draft's index.md or its folder"
                )
            wanted.append(path)
        return review(config, review_scan(config, wanted), only=wanted)
    drafts = draft_paths(config)
    return review(config, review_scan(config, drafts), only=drafts)


def find_item(config: Config, slug: str) -> Item:
    """The draft or published item with this slug."""
    check_slug(slug)
    draft = config.path("drafts") / slug / "index.md"
    if draft.is_file():
        return read_item(draft, config, "draft")
    for item in scan(config, drafts=False).items:
        if item.slug == slug:
            return item
    raise NotFoundError(
        f"no item with slug '{slug}'",
        where=str(config.path("drafts")),
        hint="see the list with: warta status --all",
    )


def _step(
    config: Config,
    slug: str,
    change: Callable[[Item], FrontMatter],
    *,
    location: str | None = None,
    refusal: str = "",
    hint: str = "",
) -> FrontMatter:
    """Find the item, check where it is, apply one workflow change, write it back."""
    item = find_item(config, slug)
    if location is not None and item.location != location:
        raise WorkflowError(refusal, where=item.shown, hint=hint)
    front = change(item)
    write_item(item, front)
    return front


def submit(
    config: Config, slug: str, *, by: Actor | str, now: datetime | None = None
) -> FrontMatter:
    """``warta submit``: review, then record the editor's review and move to in-review."""

    by = as_actor(config, by).person

    def change(item: Item) -> FrontMatter:
        report = review(config, scan(config), only=[item.path])
        if not report.ok:
            raise ContentError(
                f"{item.shown}: the review found {report.errors} error(s)", problems_of(report)
            )
        return workflow.submit(
            config,
            item.front,
            by=by,
            at=now or now_utc(),
            errors=report.errors,
            warnings=report.warnings,
            where=item.shown,
        )

    return _step(config, slug, change)


def approve(
    config: Config, slug: str, *, by: Actor | str, note: str = "", now: datetime | None = None
) -> FrontMatter:
    """``warta approve``: record the approval of an in-review draft."""
    by = as_actor(config, by).person
    return _step(
        config,
        slug,
        lambda item: workflow.approve(
            config,
            item.front,
            by=by,
            at=now or now_utc(),
            note=note,
            digest=content_digest(item),
            where=item.shown,
        ),
    )


def reject(
    config: Config, slug: str, *, by: Actor | str, reason: str, now: datetime | None = None
) -> FrontMatter:
    """``warta reject``: send a draft back to its writer."""
    by = as_actor(config, by).person
    return _step(
        config,
        slug,
        lambda item: workflow.reject(
            config, item.front, by=by, at=now or now_utc(), note=reason, where=item.shown
        ),
        location="draft",
        refusal="only drafts can be sent back",
        hint="withdraw a published item with: warta withdraw SLUG",
    )


def withdraw(
    config: Config, slug: str, *, by: Actor | str, reason: str, now: datetime | None = None
) -> FrontMatter:
    """``warta withdraw``: mark a published item withdrawn (kept in content/ and the archive)."""
    by = as_actor(config, by).person
    return _step(
        config,
        slug,
        lambda item: workflow.withdraw(
            config, item.front, by=by, at=now or now_utc(), reason=reason, where=item.shown
        ),
        location="content",
        refusal="only published items can be withdrawn",
        hint="a draft can simply be deleted, or sent back",
    )
