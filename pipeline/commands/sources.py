"""Use cases of SOP 1 steps 1–2: ``warta collect``, ``warta convert``, ``warta convert --check``."""

from __future__ import annotations

import shutil
import subprocess
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pipeline.actor import Actor, as_actor
from pipeline.config import Config
from pipeline.content.attachment_check import attachment_problems
from pipeline.content.collect import CollectResult, collect_files, read_manifest, write_manifest
from pipeline.content.convert import ConvertResult, Labels, Limits, OcrTool, convert_sources
from pipeline.content.documents import SourceKind
from pipeline.content.model import Attachment, Attention, HistoryEntry, Status
from pipeline.content.scaffold import check_slug
from pipeline.content.store import Item, read_item, write_item
from pipeline.errors import NotFoundError, Problem, WorkflowError
from pipeline.lock import exclusive
from pipeline.progress import Progress
from pipeline.site.live import now_utc


@dataclass
class CollectOutcome:
    """``warta collect``: the files and whether the draft was created for them."""

    result: CollectResult
    created: bool = False


@dataclass
class CheckReport:
    """``warta convert --check``: problems of the sources and of the attachments."""

    sources: int = 0
    attachments: int = 0
    problems: list[Problem] = field(default_factory=list)


def _draft(config: Config, slug: str, *, verb: str) -> Item:
    check_slug(slug)
    path = config.path("drafts") / slug / "index.md"
    if not path.is_file():
        raise NotFoundError(
            f"no draft '{slug}'",
            where=str(path.parent),
            hint="create it with 'warta new', or collect with --title and --category"
            if verb == "collect"
            else "only drafts are converted; see the list with: warta status --all",
        )
    item = read_item(path, config, "draft")
    if item.front.status is not Status.DRAFT:
        raise WorkflowError(
            f"cannot {verb} into '{slug}': it is {item.front.status.value}",
            where=item.shown,
            hint="sources change what was reviewed: send it back first with warta reject SLUG",
        )
    return item


def _lock(config: Config, slug: str) -> AbstractContextManager[None]:
    return exclusive(config.path("state") / f"sources-{slug}.lock", f"collect/convert of {slug}")


def collect(
    config: Config,
    slug: str,
    paths: list[Path],
    *,
    by: Actor | str,
    now: datetime | None = None,
    kind: SourceKind | None = None,
    document: str | None = None,
    title: str | None = None,
    category: str | None = None,
    attention: Attention = Attention.ROUTINE,
) -> CollectOutcome:
    """Copy source files into ``drafts/<slug>/sources/``; create the draft if asked to.

    A draft that does not exist is created like ``warta new`` when ``title`` and
    ``category`` are given; otherwise it is a :class:`NotFoundError`.
    """
    by = as_actor(config, by).person
    now = now or now_utc()
    check_slug(slug)
    created = False
    if document is not None:
        check_slug(document, "--document")
    if not (config.path("drafts") / slug / "index.md").is_file() and title and category:
        from pipeline.commands.content import create

        create(
            config,
            title=title,
            category=category,
            author=by,
            slug=slug,
            attention=attention,
            now=now,
        )
        created = True
    item = _draft(config, slug, verb="collect")
    with _lock(config, slug):
        result = collect_files(
            item.folder,
            paths,
            settings=config.convert,
            by=by,
            now=now,
            kind=kind,
            document=document,
            shown=item.shown.removesuffix("/index.md"),
        )
        if created and not result.collected:
            # Every file was refused: the draft made for them would be an empty shell.
            shutil.rmtree(item.folder, ignore_errors=True)
            return CollectOutcome(result, False)
        if result.collected:
            note = f"{len(result.collected)} file(s)"
            history = [
                *item.front.history,
                HistoryEntry(status="collected", at=now, by=by, note=note),
            ]
            write_item(item, item.front.model_copy(update={"history": history}))
    return CollectOutcome(result, created)


def ocr_tool(config: Config) -> OcrTool | None:
    """ocrmypdf with tesseract's data for ``convert.ocr_language``, when installed."""
    settings = config.convert
    program, tesseract = shutil.which("ocrmypdf"), shutil.which("tesseract")
    if settings.ocr == "off" or program is None or tesseract is None:
        return None
    listed = subprocess.run(
        [tesseract, "--list-langs"], capture_output=True, text=True, check=False, timeout=30
    )
    have = set((listed.stdout + listed.stderr).split())
    if not set(settings.ocr_language.split("+")) <= have:
        return None
    return OcrTool(program, settings.ocr_language)


def _labels(config: Config, item: Item) -> Labels:
    return Labels(title=item.front.title, author=config.site.name)


def _limits(config: Config) -> Limits:
    return Limits(max_output_mb=config.review.max_attachment_mb, settings=config.convert)


def convert(
    config: Config,
    slug: str,
    *,
    by: Actor | str,
    now: datetime | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> ConvertResult:
    """Convert the draft's sources into ``files/`` and list them as attachments.

    Write order: each output (temp file, validated, renamed), the manifest, then
    ``index.md`` (attachments with their sha256 and a ``converted`` history entry, only
    when every source converted).
    """
    by = as_actor(config, by).person
    now = now or now_utc()
    item = _draft(config, slug, verb="convert")
    shown = item.shown.removesuffix("/index.md")
    with _lock(config, slug):
        manifest = read_manifest(item.folder, shown)
        if not manifest.sources:
            raise NotFoundError(
                f"'{slug}' has no collected sources",
                where=f"{shown}/sources/",
                hint=f"collect them first: warta collect FILE… --into {slug}",
            )
        tool = ocr_tool(config)
        result = convert_sources(
            item.folder,
            manifest,
            labels=_labels(config, item),
            limits=_limits(config),
            now=now,
            ocr=tool,
            ffmpeg=shutil.which("ffmpeg") if config.convert.transcode == "auto" else None,
            force=force,
            shown=shown,
            progress=progress,
        )
        if (
            tool is None
            and config.convert.ocr == "auto"
            and any(s.kind == "scan" for s in manifest.sources)
        ):
            result.notes.append(
                f"no OCR: ocrmypdf or tesseract data for '{config.convert.ocr_language}' "
                "is not installed, so scans are not searchable"
            )
        if not result.made and result.refused:
            return result  # every source refused: nothing is written
        write_manifest(item.folder, manifest)
        front = item.front
        attachments = list(front.attachments)
        index = {a.path: n for n, a in enumerate(attachments)}
        for output in manifest.outputs:
            if output.path in index:
                old = attachments[index[output.path]]
                attachments[index[output.path]] = old.model_copy(update={"sha256": output.sha256})
            else:
                index[output.path] = len(attachments)
                title = output.path.removeprefix("files/").rsplit(".", 1)[0].replace("-", " ")
                attachments.append(Attachment(path=output.path, sha256=output.sha256, title=title))
        history = list(front.history)
        if result.made and not result.refused:
            history.append(
                HistoryEntry(status="converted", at=now, by=by, note=f"{len(result.made)} file(s)")
            )
        updated = front.model_copy(update={"attachments": attachments, "history": history})
        if updated != front:
            write_item(item, updated)
    return result


def check(config: Config, slug: str) -> CheckReport:
    """``warta convert --check``: would the sources convert; are the attachments valid?"""
    item = _draft(config, slug, verb="check")
    shown = item.shown.removesuffix("/index.md")
    manifest = read_manifest(item.folder, shown)
    result = convert_sources(
        item.folder,
        manifest,
        labels=_labels(config, item),
        limits=_limits(config),
        now=now_utc(),
        check_only=True,
        shown=shown,
    )
    report = CheckReport(sources=len(manifest.sources), attachments=len(item.front.attachments))
    report.problems += result.refused
    if not manifest.sources and not config.convert.check_all_attachments:
        # Without a manifest the review does not hold attachments to the standard;
        # an explicit check does.
        config = config.model_copy(
            update={"convert": config.convert.model_copy(update={"check_all_attachments": True})}
        )
    for _index, problem in attachment_problems(config, item):
        report.problems.append(Problem(f"{shown}/{problem.where}", problem.message, problem.hint))
    return report
