"""warta's mkdocs build loop: mkdocs' own ``build()``, with the independent work on two cores.

mkdocs renders every page one after the other. After the Markdown of every page is
converted and the navigation is complete, rendering one page's template does not depend
on any other page's rendering: the pages are split between this process and one forked
from it, each writing its own HTML files. What the parent needs back from the pages the
child rendered is sent back to it and merged in page order, so that the output is the
same, byte for byte, as one process would write:

- the search plugin's index entries of each page (in page order);
- the warnings logged while rendering (strict mode counts them);
- an error, which fails the build as it would have.

This module mirrors ``mkdocs.commands.build.build`` of mkdocs 1.6.1 (only the page loop
differs) and uses it only for that version, a POSIX ``fork`` and the plugins whose
page-rendering hooks it knows (warta, search, tags, blog); otherwise mkdocs' own build
runs, one page after the other. ``tests/test_scale.py`` compares both outputs.
"""

from __future__ import annotations

import logging
import os
import pickle
import time
import traceback
from collections.abc import Callable
from typing import Any

import mkdocs
from mkdocs import utils
from mkdocs.commands import build as mk
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, BuildError
from mkdocs.structure.files import InclusionLevel, get_files, set_exclusions
from mkdocs.structure.nav import get_navigation
from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.plugins.warta")

SUPPORTED_MKDOCS = "1.6.1"
#: Plugins whose page-rendering hooks (on_page_context, on_post_page) are known: what
#: they keep between pages is either sent back (search entries) or not used afterwards.
KNOWN_PLUGINS = frozenset(
    {"warta", "search", "material/search", "tags", "material/tags", "blog", "material/blog"}
)


def why_sequential(config: MkDocsConfig) -> str | None:
    """Why this build cannot render pages on two cores (None if it can)."""
    if mkdocs.__version__ != SUPPORTED_MKDOCS:
        return f"mkdocs {mkdocs.__version__} is not {SUPPORTED_MKDOCS}"
    if not hasattr(os, "fork"):
        return "no fork() on this system"
    if (os.cpu_count() or 1) < 2:
        return "one CPU"
    unknown = sorted(name for name in config.plugins if name.split(" #")[0] not in KNOWN_PLUGINS)
    if unknown:
        return f"plugin(s) {', '.join(unknown)} not known to keep no state between pages"
    if len(_search_plugins(config)) > 1:
        return "more than one search plugin"
    return None


def _search_plugins(config: MkDocsConfig) -> list[Any]:
    return [
        plugin
        for name, plugin in config.plugins.items()
        if name.split(" #")[0] in ("search", "material/search")
    ]


def build(config: MkDocsConfig, *, parallel: bool = True) -> None:
    """Build the site as ``mkdocs build`` does; pages on two cores when it is safe."""
    reason = "not asked" if not parallel else why_sequential(config)
    if reason is not None:
        log.debug("pages rendered one after the other: %s", reason)
        mk.build(config)
        return
    _build(config)


def _build(config: MkDocsConfig) -> None:
    # mkdocs.commands.build.build (1.6.1) with serve_url=None and dirty=False; the page
    # loop is _build_pages below.
    logger = logging.getLogger("mkdocs")
    warning_counter = utils.CountHandler()
    warning_counter.setLevel(logging.WARNING)
    if config.strict:
        logging.getLogger("mkdocs").addHandler(warning_counter)
    inclusion = InclusionLevel.is_included
    try:
        start = time.monotonic()
        config = config.plugins.on_config(config)
        config.plugins.on_pre_build(config=config)
        utils.clean_directory(config.site_dir)
        files = get_files(config)
        env = config.theme.get_env()
        files.add_files_from_theme(env, config)
        files = config.plugins.on_files(files, config=config)
        set_exclusions(files, config)
        nav = get_navigation(files, config)
        nav = config.plugins.on_nav(nav, config=config, files=files)
        for file in files.documentation_pages(inclusion=inclusion):
            if file.page is None and file.inclusion.is_not_in_nav():
                Page(None, file, config)
            assert file.page is not None
            mk._populate_page(file.page, config, files, False)
        env = config.plugins.on_env(env, config=config, files=files)
        files.copy_static_files(dirty=False, inclusion=inclusion)
        for template in config.theme.static_templates:
            mk._build_theme_template(template, env, files, config, nav)
        for template in config.extra_templates:
            mk._build_extra_template(template, files, config, nav)
        doc_files = files.documentation_pages(inclusion=inclusion)
        _build_pages(doc_files, config, nav, env)
        log_level = config.validation.links.anchors
        for file in doc_files:
            assert file.page is not None
            file.page.validate_anchor_links(files=files, log_level=log_level)
        config.plugins.on_post_build(config=config)
        if counts := warning_counter.get_counts():
            msg = ", ".join(f"{v} {k.lower()}s" for k, v in counts)
            raise Abort(f"Aborted with {msg} in strict mode!")
        logging.getLogger("mkdocs.commands.build").info(
            f"Documentation built in {time.monotonic() - start:.2f} seconds"
        )
    except Exception as e:
        config.plugins.on_build_error(error=e)
        if isinstance(e, BuildError):
            log.error(str(e))
            raise Abort("Aborted with a BuildError!") from None
        raise
    finally:
        logger.removeHandler(warning_counter)


class _Records(logging.Handler):
    """Warnings and errors logged in the child, to be logged again by the parent."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


def _build_pages(doc_files: Any, config: MkDocsConfig, nav: Any, env: Any) -> None:
    pages = [file.page for file in doc_files]
    search = _search_plugins(config)
    index = search[0].search_index if search and search[0].config.enabled else None
    # Every other page to the child: list pages and posts alternate in the files' order.
    mine = [i for i in range(len(pages)) if i % 2 == 0]
    theirs = [i for i in range(len(pages)) if i % 2 == 1]
    entries: dict[int, list[Any]] = {}

    def render(i: int) -> None:
        mark = len(index.entries) if index is not None else 0
        excluded = doc_files[i].inclusion.is_excluded()
        mk._build_page(pages[i], config, doc_files, nav, env, False, excluded=excluded)
        if index is not None:
            entries[i] = index.entries[mark:]
            del index.entries[mark:]

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: render its pages, send back what the parent needs
        os.close(read)
        _child(write, theirs, render, entries)
    os.close(write)
    try:
        for i in mine:
            render(i)
    finally:
        with os.fdopen(read, "rb") as pipe:
            data = pipe.read()
        os.waitpid(pid, 0)
    try:
        result = pickle.loads(data)
    except Exception:  # the child died before sending anything
        raise BuildError("the second build process ended without a result") from None
    for name, level, message in result["records"]:
        logging.getLogger(name).log(level, message)
    if result["error"]:
        raise BuildError(result["error"])
    entries.update(result["entries"])
    if index is not None:
        for i in range(len(pages)):
            index.entries.extend(entries.get(i, []))


def _child(
    write: int, theirs: list[int], render: Callable[[int], None], entries: dict[int, Any]
) -> None:
    records = _Records()
    logging.getLogger("mkdocs").addHandler(records)  # what strict mode counts
    error = ""
    try:
        for i in theirs:
            render(i)
    except BaseException as exc:  # everything goes back to the parent
        error = str(exc) or traceback.format_exc()
    try:
        data = pickle.dumps({"entries": entries, "records": records.records, "error": error})
        with os.fdopen(write, "wb") as pipe:
            pipe.write(data)
    finally:
        os._exit(0)
