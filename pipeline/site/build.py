"""Build the site with mkdocs (strict) into a build folder beside it, then swap it in.

``site`` is a symlink to a complete build folder ``.site.build.*`` beside it; a new
build is made in another such folder and the link is replaced in one atomic rename
(:func:`pipeline.fsutil.swap_in`), so a web server reading ``site/`` sees the old site
or the new one at every instant. A failed build leaves the published site untouched.
The build a publish replaced is the folder the next publish builds into, emptied of its
files meanwhile (its folders kept, and those left empty removed: the tree a fresh folder
gets); the other folders of a killed run are removed while it builds
(:class:`pipeline.fsutil.Cleaning`).
"""

from __future__ import annotations

import logging
import os
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from mkdocs.config import load_config as load_mkdocs_config
from mkdocs.exceptions import MkDocsException

from pipeline.config import Config
from pipeline.content.links import refuse_unsafe
from pipeline.content.store import Item
from pipeline.errors import BuildError
from pipeline.fsutil import Cleaning, Step, current_build, new_build_dir, swap_in, sync_tree
from pipeline.progress import NoProgress, Progress
from pipeline.site import engine
from pipeline.site.incremental import BuildCache, Report
from pipeline.site.plugin import WartaPlugin

#: The cache between builds, under the state folder (``docs/scale.md``).
CACHE_FOLDER = "build-cache"
#: The publish's front matter parses, in the cache folder (``pipeline/content/parsecache.py``).
SCAN_CACHE = "scan.pickle"


@dataclass
class BuildResult:
    """What a build produced."""

    site_dir: Path
    pages: int
    files: int
    warnings: list[str] = field(default_factory=list)
    cache: Report | None = None
    """What the cache between builds did (None: not used)."""


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _count(root: Path) -> tuple[int, int]:
    """(entries named ``*.html``, files) under ``root``, as ``rglob`` counts them: one
    ``scandir`` pass (pathlib's two globs took seconds at 20,000 files)."""
    html = files = 0
    stack = [str(root)]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for entry in entries:
                if entry.name.endswith(".html"):
                    html += 1
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                elif entry.is_file():
                    files += 1
    return html, files


def build_site(
    config: Config,
    *,
    now: datetime | None = None,
    progress: Progress | None = None,
    site_dir: Path | None = None,
    step: Step | None = None,
    items: list[Item] | None = None,
    parallel: bool = True,
    incremental: bool = True,
    full: bool = False,
    one_shot: bool = False,
) -> BuildResult:
    """Run ``mkdocs build --strict`` and put the result at ``site_dir`` (default ``site/``).

    ``items`` are content items the caller has already read; the build uses those
    whose files have not changed since instead of reading them again. ``parallel``
    renders the pages on two cores when that is safe (``pipeline/site/engine.py``).
    ``incremental`` keeps what the previous build made from unchanged inputs
    (``pipeline/site/incremental.py``; the output is the same bytes as a full build);
    without it, or for another ``site_dir`` than the site's own, the build is a full
    one and records nothing. ``full`` builds every page again and records the cache for
    the next build. ``one_shot``: the process ends after this build (the command line),
    so the build's objects are left out of the cyclic collector (``engine.build``).
    """
    progress = progress or NoProgress()
    target = site_dir or config.path("site")
    mkdocs_file = config.path("mkdocs")
    if not mkdocs_file.is_file():
        raise BuildError(
            "mkdocs configuration not found",
            where=str(mkdocs_file),
            hint=f"create it or set paths.mkdocs in {config.source}",
        )
    # mkdocs follows symlinks: a link under content/ would publish what it points at.
    refuse_unsafe([config.path("content"), mkdocs_file], root=config.root, action="built")
    home = config.path("content") / "index.md"
    if not home.is_file():
        # mkdocs would build a site whose address shows nothing (or a directory listing).
        raise BuildError(
            "the site has no home page",
            where=str(home),
            hint=f"create {home} (warta init writes one to start from)",
        )
    collector = _Collect()
    mkdocs_log = logging.getLogger("mkdocs")
    mkdocs_log.addHandler(collector)
    cleaning: Cleaning | None = None
    try:
        # The build the previous publish replaced is emptied of its files by another
        # process, to be built into; what else a killed run left is removed beside this
        # build (the caller holds the site lock).
        cleaning = Cleaning(target, recycle=True)
        cache = None
        # Only for the site itself: the cache describes one live build (another target,
        # such as the bench's full copy, is built in full and records nothing).
        if incremental and target == config.path("site"):
            folder = config.path("state") / CACHE_FOLDER
            cache = BuildCache(folder, current_build(target), reuse=not full)
        # The build before the live one, emptied of its files, is built into again.
        staging = cleaning.recycled or new_build_dir(target)
        try:
            try:
                mk = load_mkdocs_config(str(mkdocs_file), strict=True, site_dir=str(staging))
                plugin = mk.plugins.get("warta")
                if isinstance(plugin, WartaPlugin):
                    plugin.now = now
                    plugin.progress = progress
                    plugin.known_items = tuple(items or ())
                    plugin.cache = cache
                progress.start("build", None)
                # As the mkdocs command does, plugins get on_startup before the build
                # (build() alone does not fire it). on_shutdown is left out, as
                # mkdocs serve does between rebuilds: mkdocs reuses plugin instances
                # within a process, and the blog plugin's on_shutdown deletes the
                # temporary folder the next build would use.
                mk.plugins.on_startup(command="build", dirty=False)
                engine.build(
                    mk,
                    parallel=parallel,
                    cache=cache,
                    prepare=cleaning.ready,
                    prune=cleaning.prune,
                    unfreeze=not one_shot,
                )
            except (MkDocsException, OSError) as error:
                if cache is not None:
                    cache.abandon()
                details = "; ".join(dict.fromkeys(collector.messages)) or str(error)
                raise BuildError(
                    f"mkdocs build failed: {details}",
                    where=str(mkdocs_file),
                    hint="fix the problem above; the published site/ was left as it was",
                ) from None
            pages, files = _count(staging)
            sync_tree(staging)
            if step is not None:
                step("built")
            # The replaced build is left for the next publish to remove beside its
            # build: removing 5,000 articles' folders here would add a second or two.
            swap_in(staging, target, step=step, keep_previous=True)
            if cache is not None:
                # After the swap: the manifest describes the build that is live.
                cache.finish(staging.name)
        except BaseException:
            if cache is not None:
                cache.abandon()
            cleaning.ready()  # (its emptying is over before the folder is removed)
            live = current_build(target)
            if live is None or live.name != staging.name:
                shutil.rmtree(staging, ignore_errors=True)
            raise
    finally:
        mkdocs_log.removeHandler(collector)
        if cleaning is not None:
            cleaning.wait()
    return BuildResult(
        target, pages, files, collector.messages, cache.report if cache is not None else None
    )
