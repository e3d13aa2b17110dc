"""warta's mkdocs build loop: mkdocs' own ``build()``, with the independent work on two cores.

mkdocs converts and renders every page one after the other. Two steps are split between
this process and one forked from it, so that the output is the same, byte for byte, as
one process would write (``tests/test_scale.py`` builds sites both ways):

1. **Markdown conversion.** The plugins' ``on_page_markdown`` hooks keep state from page
   to page (the tags plugin's mappings, the blog's excerpts), so they run here, in page
   order, for every page. The conversion itself (Markdown to HTML, with mkdocs' link
   and anchor steps) depends only on the Markdown those hooks return, the page's file
   and the site's files: a forked child converts pages ahead, from the last page
   backwards while this process works forwards, running the hooks on its own copy to
   learn each page's Markdown. Its results (the HTML, the table of contents, the title,
   the anchors and links, the messages logged, and the blog excerpt of a post) are used
   only for a page whose Markdown here has the same SHA-256 as the child's; any other
   page is converted here. The excerpts of the posts this process converts are
   converted at that moment too, so each is converted once, before the pages are split.
2. **Page templates.** Once every page is converted and the navigation is complete,
   rendering one page's template does not depend on any other page's rendering: the
   pages are split between this process and a child, each writing its own HTML files.
   What the parent needs back from the pages the child rendered is sent back and
   merged in page order: the search plugin's index entries of each page, the warnings
   logged (strict mode counts them) and an error, which fails the build as it would have.

This module mirrors ``mkdocs.commands.build.build`` of mkdocs 1.6.1 and uses it only for
that version, a POSIX ``fork``, two CPUs and the plugins whose page hooks it knows
(warta, search, tags, blog); the conversion step also needs the mirrored mkdocs functions
unchanged (their SHA-256 is checked) and Markdown extensions from Python-Markdown,
pymdown-extensions or Material. Otherwise mkdocs' own build runs, one page after the
other, and the reason is logged.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import inspect
import logging
import multiprocessing
import os
import pickle
import shutil
import struct
import tempfile
import time
import traceback
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import IO, TYPE_CHECKING, Any

import mkdocs
from mkdocs import utils
from mkdocs.commands import build as mk
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, BuildError
from mkdocs.structure.files import Files, InclusionLevel, get_files, set_exclusions
from mkdocs.structure.nav import get_navigation
from mkdocs.structure.pages import (
    Page,
)
from mkdocs.structure.toc import get_toc

from pipeline.fsutil import Forked
from pipeline.site import excerpts
from pipeline.site.convert import convert

if TYPE_CHECKING:
    from pipeline.site.incremental import BuildCache

log = logging.getLogger("mkdocs.plugins.warta")

SUPPORTED_MKDOCS = "1.6.1"
#: Plugins whose page-rendering hooks (on_page_context, on_post_page) are known: what
#: they keep between pages is either sent back (search entries) or not used afterwards.
KNOWN_PLUGINS = frozenset(
    {"warta", "search", "material/search", "tags", "material/tags", "blog", "material/blog"}
)


#: SHA-256 of the mkdocs 1.6.1 functions the conversion step mirrors (``_populate_page``)
#: or whose results it carries from the child to this process (``Page.render``: every
#: attribute it sets is carried).
_MIRRORED = {
    "_populate_page": "31a70ea4caef1e127a9d65a0f346ee322bad00d673ef824d82acf807e61d91c2",
    "Page.render": "320529348f7a8af152073d0a3ab02960ccce91f9204716144e51b20931983cc6",
}
#: Markdown extensions known to convert a page from its own text (and files they read),
#: with no state carried from one document to the next.
KNOWN_EXTENSIONS = ("markdown.extensions.", "pymdownx.", "material.extensions.")


def why_sequential(config: MkDocsConfig) -> str | None:
    """Why this build cannot render pages on two cores (None if it can)."""
    if mkdocs.__version__ != SUPPORTED_MKDOCS:
        return f"mkdocs {mkdocs.__version__} is not {SUPPORTED_MKDOCS}"
    if not hasattr(os, "fork"):
        return "no fork() on this system"
    if (os.cpu_count() or 1) < 2:
        return "one CPU"
    unknown = _unknown_plugins(config)
    if unknown:
        return f"plugin(s) {', '.join(unknown)} not known to keep no state between pages"
    if len(_search_plugins(config)) > 1:
        return "more than one search plugin"
    return None


def why_not_ahead(config: MkDocsConfig) -> str | None:
    """Why the Markdown of this build cannot be converted ahead by a child (None if it can)."""
    actual = {
        "_populate_page": _digest(mk._populate_page),
        "Page.render": _digest(Page.render),
    }
    changed = sorted(name for name, digest in actual.items() if _MIRRORED[name] != digest)
    if changed:
        return f"mkdocs' {', '.join(changed)} differ from the version mirrored"
    unknown = [name for name in _extension_names(config) if not name.startswith(KNOWN_EXTENSIONS)]
    if unknown:
        return f"Markdown extension(s) {', '.join(unknown)} not known to keep no state"
    return None


def _digest(function: Callable[..., Any]) -> str:
    return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()


def _extension_names(config: MkDocsConfig) -> list[str]:
    """The module of each Markdown extension (a short name is an entry point's)."""
    short = {ep.name: ep.value for ep in entry_points(group="markdown.extensions")}
    names = []
    for extension in config.markdown_extensions:
        if isinstance(extension, str):
            names.append(short.get(extension, extension) if "." not in extension else extension)
        else:
            names.append(type(extension).__module__ + ".")
    return names


def _search_plugins(config: MkDocsConfig) -> list[Any]:
    return [
        plugin
        for name, plugin in config.plugins.items()
        if name.split(" #")[0] in ("search", "material/search")
    ]


def build(
    config: MkDocsConfig,
    *,
    parallel: bool = True,
    cache: BuildCache | None = None,
    prepare: Callable[[], None] | None = None,
    prune: Callable[[], None] | None = None,
    unfreeze: bool = True,
) -> None:
    """Build the site as ``mkdocs build`` does; pages on two cores when it is safe.

    ``cache`` (``pipeline/site/incremental.py``) converts and renders again only what
    changed since the previous build; it needs this module's own loop (mkdocs 1.6.1).
    ``prepare`` is called before anything is written into ``site_dir``; after it, the
    folder holds nothing but empty folders (a recycled build, ``fsutil.Cleaning``),
    which this loop keeps instead of removing them as mkdocs' ``clean_directory``
    does when every plugin is known (none writes into ``site_dir`` before the pages).
    A kept folder where a page or static file is to be written is removed first, and
    ``prune`` removes the folders still empty before ``on_post_build`` (where the
    search plugin looks at the tree): the tree is then the one a fresh folder gets.

    What the build made lives outside the cyclic collector's reach until it ends
    (``gc.freeze``); ``unfreeze`` gives it back, as a process that goes on needs (its
    cyclic garbage is collected then). A process that ends after the build passes
    False: the first full collection after ``gc.unfreeze`` walks every object of the
    build (about a second of a publish at 5,000 posts), and the one at exit again.
    """
    reason = "not asked" if not parallel else why_sequential(config)
    if reason is not None:
        log.info("pages converted and rendered one after the other: %s", reason)
        if cache is None or mkdocs.__version__ != SUPPORTED_MKDOCS:
            if cache is not None:
                cache.off(f"mkdocs {mkdocs.__version__} is not {SUPPORTED_MKDOCS}")
            if prepare is not None:
                prepare()
            mk.build(config)
            return
    _build(
        config, split=reason is None, cache=cache, prepare=prepare, prune=prune, unfreeze=unfreeze
    )


def _unknown_plugins(config: MkDocsConfig) -> list[str]:
    return sorted(name for name in config.plugins if name.split(" #")[0] not in KNOWN_PLUGINS)


def _build(
    config: MkDocsConfig,
    *,
    split: bool = True,
    cache: BuildCache | None = None,
    prepare: Callable[[], None] | None = None,
    prune: Callable[[], None] | None = None,
    unfreeze: bool = True,
) -> None:
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
        gc.freeze()  # (see below; the publish's scan made every item before the build)
        config = config.plugins.on_config(config)
        if cache is not None:
            cache.begin(config)
        config.plugins.on_pre_build(config=config)
        if prepare is not None:
            prepare()
        recycled = prepare is not None and not _unknown_plugins(config)
        if not recycled:
            utils.clean_directory(config.site_dir)
        files = get_files(config)
        env = config.theme.get_env()
        files.add_files_from_theme(env, config)
        gc.freeze()  # (see below; the blog makes a Post per article in on_files)
        files = config.plugins.on_files(files, config=config)
        gc.freeze()  # (see below)
        set_exclusions(files, config)
        nav = get_navigation(files, config)
        nav = config.plugins.on_nav(nav, config=config, files=files)
        # What lives until the end of the build (files, pages, the plugins' state) is
        # moved out of the collector's reach: every full collection would walk it
        # again (1.6 s of a 5,000-article publish), and the forked children would
        # copy the memory pages it touches. Cyclic garbage made later is still
        # collected; what is frozen is let go by gc.unfreeze() at the end.
        gc.freeze()
        if recycled:
            _clear_destinations(files)
        # The static files are copied by a second process while this one converts the
        # pages (split: only known plugins, none of which writes into site_dir first).
        static = _StaticCopy(files, inclusion) if split else None
        _populate_pages(files, config, inclusion, cache)
        gc.freeze()
        env = config.plugins.on_env(env, config=config, files=files)
        if static is not None:
            static.finish(files, inclusion)
        else:
            files.copy_static_files(dirty=False, inclusion=inclusion)
        for template in config.theme.static_templates:
            mk._build_theme_template(template, env, files, config, nav)
        for template in config.extra_templates:
            mk._build_extra_template(template, files, config, nav)
        doc_files = files.documentation_pages(inclusion=inclusion)
        _build_pages(doc_files, config, nav, env, split=split, cache=cache)
        log_level = config.validation.links.anchors
        for file in doc_files:
            assert file.page is not None
            file.page.validate_anchor_links(files=files, log_level=log_level)
        if recycled and prune is not None:
            prune()
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
        if unfreeze:
            gc.unfreeze()
        logger.removeHandler(warning_counter)


def _clear_destinations(files: Files) -> None:
    """Remove the recycled folders (empty but for empty folders) where a file of the
    site is to be written: mkdocs would copy a static file into such a folder, or fail
    to write a page there."""
    for file in files:
        dest = file.abs_dest_path
        if os.path.isdir(dest) and not os.path.islink(dest):
            shutil.rmtree(dest)


# -- 0. Static files ------------------------------------------------------------------


def _static_files(files: Files, inclusion: Any) -> list[tuple[Any, str | None, str, bool]]:
    """What ``Files.copy_static_files`` (1.6.1) copies, in its order: each file with its
    source, its destination and whether it is copied from its source (no content set)."""
    return [
        (file, file.abs_src_path, file.abs_dest_path, file._content is None)
        for file in files
        if not file.is_documentation_page() and inclusion(file.inclusion)
    ]


class _StaticCopy:
    """The static files (images, attachments, the theme's assets) copied by a forked
    process while this one converts the pages.

    mkdocs copies them after ``on_env``, one after the other, while nothing else runs
    (0.5 s for 7,400 small files at 5,000 posts); the pages' conversion leaves the
    second core idle whenever it keeps its conversions. The child copies, as
    ``copy_static_files`` would, the files known once the navigation is made that are
    copied from their source. :meth:`finish` checks, after ``on_env``, that these are
    still the files to copy from their source (the same objects, sources and
    destinations) and that no two files share a destination (then the order of the
    copies cannot matter); it then writes only the files whose content a plugin set.
    Otherwise (or if the child failed) this process copies every file again, in order,
    and removes what the child copied that is no longer to be copied: the result is
    what ``copy_static_files`` writes. Not used when mkdocs logs its debug messages
    (the child's "Copying media file" lines would be lost).
    """

    def __init__(self, files: Files, inclusion: Any) -> None:
        self.child: Forked | None = None
        self.taken = [entry for entry in _static_files(files, inclusion) if entry[3]]
        if not self.taken or logging.getLogger("mkdocs").isEnabledFor(logging.DEBUG):
            return

        def copy() -> bytes:
            gc.disable()  # (nothing to collect; touching objects copies pages)
            for file, *_rest in self.taken:
                file.copy_file(False)
            return b""

        self.child = Forked(copy)

    def finish(self, files: Files, inclusion: Any) -> None:
        """Wait for the child; write here whatever it did not, as mkdocs would."""
        done = self.child is not None and self.child.result() is not None
        now = _static_files(files, inclusion)
        plain = [entry for entry in now if entry[3]]
        same = (
            done
            and len(plain) == len(self.taken)
            and all(a[0] is b[0] and a[1:] == b[1:] for a, b in zip(plain, self.taken, strict=True))
            and len({dest for _file, _src, dest, _plain in now}) == len(now)
        )
        if same:
            for file, _src, _dest, from_source in now:
                if not from_source:
                    file.copy_file(False)
            return
        if self.child is not None:
            log.info("static files copied again here: %s", "changed" if done else "failed")
            wanted = {dest for _file, _src, dest, _plain in now}
            for _file, _src, dest, _plain in self.taken:
                if dest not in wanted:
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(dest)
        for file, *_rest in now:
            file.copy_file(False)


# -- 1. Markdown conversion -------------------------------------------------------------

Render = Callable[[Page, MkDocsConfig, Files], None]
"""Converts a page's Markdown (``Page.render``'s work): ``(page, config, files)``."""


def _plain_render(page: Page, config: MkDocsConfig, files: Files) -> None:
    page.render(config, files)


def _render(page: Page, config: MkDocsConfig, files: Files) -> None:
    convert(page, config, files)


def _populate_pages(
    files: Files, config: MkDocsConfig, inclusion: Any, cache: BuildCache | None = None
) -> None:
    """Every documentation page read, passed through the plugins' hooks and converted
    (through ``cache`` when the build has one)."""
    pages = []
    for file in files.documentation_pages(inclusion=inclusion):
        if file.page is None and file.inclusion.is_not_in_nav():
            Page(None, file, config)  # (mkdocs creates it just before populating it)
        assert file.page is not None
        pages.append(file.page)
    reason = why_not_ahead(config) if len(pages) > 1 else "one page"
    if reason is not None:
        log.info("Markdown converted in one process: %s", reason)
        for page in pages:
            populate_page(
                page, config, files, render=cache.convert if cache is not None else _plain_render
            )
        return
    start = 0
    if cache is not None and cache.reusing:
        # A build after a previous one keeps nearly every conversion: reading one back is
        # cheaper here than a second process' copy of it (the fork, its copied memory
        # pages, the result sent back cost 0.4 s at 5,000 posts). The second process
        # starts only once this one has converted _AHEAD_AFTER pages itself (many inputs
        # changed), for the pages left, as it would have converted them.
        start = _kept_conversions_first(pages, config, files, cache)
        if start == len(pages):
            log.info("Markdown conversion: %d pages here (conversions kept)", len(pages))
            return
    # With a cache between builds, both processes convert through it: a page whose
    # conversion is kept is read by whichever process takes it, a miss is converted
    # (and recorded) there.
    ahead = _Ahead(pages, config, files, cache, start=start)
    try:
        for i in range(start, len(pages)):
            page = pages[i]
            populate_page(page, config, files, render=ahead.render_for(i))
            ahead.prepare_excerpt(i, page)
    finally:
        ahead.close()
    log.info(
        "Markdown conversion: %d pages here, %d by the second process%s",
        len(pages) - ahead.used,
        ahead.used,
        f" ({ahead.refused} of its pages converted again here: other Markdown)"
        if ahead.refused
        else "",
    )


#: Pages converted (not kept) in a build that reuses the cache before the second
#: conversion process is started for the pages left.
_AHEAD_AFTER = 24


def _kept_conversions_first(
    pages: list[Page], config: MkDocsConfig, files: Files, cache: BuildCache
) -> int:
    """Populate pages here, in order, through ``cache`` until ``_AHEAD_AFTER`` of them
    were converted rather than kept; the index of the first page not populated (all of
    them: ``len(pages)``). Each post's excerpt is prepared after its page, as the
    two-process loop prepares it."""
    report = cache.report
    base = report.converted + report.excerpts_converted
    for i, page in enumerate(pages):
        if report.converted + report.excerpts_converted - base >= _AHEAD_AFTER:
            return i
        populate_page(page, config, files, render=cache.convert)
        excerpts.prepare(page)
    return len(pages)


def populate_page(
    page: Page, config: MkDocsConfig, files: Files, *, render: Render = _plain_render
) -> None:
    """mkdocs' ``_populate_page`` (1.6.1, not dirty), with the conversion step ``render``."""
    config._current_page = page
    try:
        page = config.plugins.on_pre_page(page, config=config, files=files)
        page.read_source(config)
        assert page.markdown is not None
        page.markdown = config.plugins.on_page_markdown(
            page.markdown, page=page, config=config, files=files
        )
        render(page, config, files)
        assert page.content is not None
        page.content = config.plugins.on_page_content(
            page.content, page=page, config=config, files=files
        )
    except Exception as e:
        message = f"Error reading page '{page.file.src_uri}':"
        if not isinstance(e, BuildError):
            message += f" {e}"
        mk.log.error(message)
        raise
    finally:
        config._current_page = None


class _Records(logging.Handler):
    """The records logged in a forked child (from ``level`` up), to be logged again by
    the parent: every record of one page's conversion, or the rendering child's
    warnings and errors."""

    def __init__(self, level: int = logging.NOTSET) -> None:
        super().__init__(level)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


_HEADER = struct.Struct("<qq")


class _Ahead:
    """A forked child converting pages from the last one backwards.

    This process takes the pages from the first one forwards; a shared pair of counters
    (under a lock) says where each is, so every page is converted by exactly one of them
    and neither waits for the other until they meet. The child writes its results to an
    unnamed temporary file, each after a header (page number, length); once the child
    has finished, they are read here one at a time, as their pages come.
    """

    def __init__(
        self,
        pages: list[Page],
        config: MkDocsConfig,
        files: Files,
        cache: BuildCache | None,
        *,
        start: int = 0,
    ) -> None:
        self.pages, self.config, self.files, self.cache = pages, config, files, cache
        self.convert: Render = cache.convert if cache is not None else _render
        self.offsets: dict[int, tuple[int, int]] | None = None
        self.excerpt: excerpts.Ahead | None = None
        self.excerpt_tally: Any = None
        self.used = self.refused = 0
        context = multiprocessing.get_context("fork")
        self.lock = context.Lock()
        # [0]: the next page this process converts, [1]: the lowest page the child took.
        self.bounds = context.RawArray("q", [start, len(pages)])
        self.out: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
        self.pid = os.fork()
        if self.pid == 0:
            self._child()

    # -- in this process ---------------------------------------------------------------

    def _mine(self, i: int) -> bool:
        with self.lock:
            if i < self.bounds[1]:
                self.bounds[0] = i + 1
                return True
            return False

    def _collect(self) -> dict[int, tuple[int, int]]:
        # Where each of the child's results is in the file: read one at a time, when its
        # page comes (all at once, they are the HTML of half the site).
        if self.offsets is None:
            _pid, status = os.waitpid(self.pid, 0)
            self.pid = 0
            offsets: dict[int, tuple[int, int]] = {}
            end = self.out.seek(0, os.SEEK_END)
            position = 0
            while position + _HEADER.size <= end:
                self.out.seek(position)
                i, length = _HEADER.unpack(self.out.read(_HEADER.size))
                if position + _HEADER.size + length > end:
                    log.info("the conversion process' results end early")
                    break
                offsets[i] = (position + _HEADER.size, length)
                position += _HEADER.size + length
            if status != 0:
                log.info("the conversion process ended with status %s", status)
            self.offsets = offsets
        return self.offsets

    def _result(self, i: int) -> dict[str, Any] | None:
        found = self._collect().pop(i, None)
        if found is None:
            return None
        offset, length = found
        self.out.seek(offset)
        try:
            result: dict[str, Any] = pickle.loads(self.out.read(length))
        except Exception as error:  # the page is converted here
            log.info("a result of the conversion process cannot be read: %s", error)
            return None
        return result

    def render_for(self, i: int) -> Render:
        """The conversion step for page ``i``: the child's result or a conversion here."""
        self.excerpt = self.excerpt_tally = None
        if self._mine(i):
            return self.convert
        result = self._result(i)
        if result is None:
            return self.convert

        def render(page: Page, config: MkDocsConfig, files: Files) -> None:
            assert page.markdown is not None
            if result["digest"] != excerpts.markdown_digest(page.markdown) or not self._apply(
                page, result
            ):
                self.refused += 1
                self.convert(page, config, files)
                return
            self.used += 1
            if self.cache is not None:
                self.cache.absorb(result["tally"])
                self.cache.prepare_clean(page.content, result["clean"])
                self.cache.absorb_readtimes(result["readtimes"])
            for name, level, message in result["records"]:
                logging.getLogger(name).log(level, message)
            if result["excerpt"] is not None:
                *offered, self.excerpt_tally = result["excerpt"]
                self.excerpt = tuple(offered)

        return render

    def prepare_excerpt(self, i: int, page: Page) -> None:
        """Convert the blog excerpt of page ``i`` (just populated through
        ``render_for(i)``) now, or take the child's conversion of it."""
        if excerpts.prepare(page, self.excerpt) and self.cache is not None:
            self.cache.absorb(self.excerpt_tally)

    def _apply(self, page: Page, result: dict[str, Any]) -> bool:
        links = None
        if result["links"] is not None:
            links = {}
            for src_uri, anchors in result["links"].items():
                target = (
                    page.file
                    if src_uri == page.file.src_uri
                    else self.files.get_file_from_path(src_uri)
                )
                if target is None:
                    return False
                links[target] = anchors
        page.content = result["content"]
        page.toc = get_toc(result["toc"])
        page._title_from_render = result["title"]
        page.present_anchor_ids = result["anchors"]
        if links is not None:
            page.links_to_anchors = links
        return True

    def close(self) -> None:
        """Wait for the child (when this process converted every page itself)."""
        if self.pid:
            with self.lock:
                self.bounds[1] = -1  # nothing more to take
            self._collect()
        self.out.close()

    # -- in the child ------------------------------------------------------------------

    def _child(self) -> None:
        capture = _Records()
        try:
            # Messages are given by the parent, for the pages whose results it uses.
            for logger in [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]:
                if isinstance(logger, logging.Logger):
                    logger.handlers = []
                    logger.propagate = True
            logging.getLogger().addHandler(capture)
            if self.cache is not None:
                self.cache.tally()  # from here on, what this process adds
            while True:
                with self.lock:
                    j = self.bounds[1] - 1
                    if j < self.bounds[0]:
                        break
                    self.bounds[1] = j
                result = self._convert(self.pages[j], capture)
                if result is not None:
                    data = pickle.dumps(result, pickle.HIGHEST_PROTOCOL)
                    self.out.write(_HEADER.pack(j, len(data)) + data)
        except BaseException:  # the parent converts whatever is missing
            pass
        finally:
            try:
                self.out.flush()
            finally:
                os._exit(0)

    def _convert(self, page: Page, capture: _Records) -> dict[str, Any] | None:
        # _populate_page up to the conversion: the hooks run on this copy only to learn
        # the page's Markdown (on_page_content is the parent's, with the HTML sent back).
        config, files = self.config, self.files
        config._current_page = page
        try:
            page = config.plugins.on_pre_page(page, config=config, files=files)
            page.read_source(config)
            assert page.markdown is not None
            page.markdown = config.plugins.on_page_markdown(
                page.markdown, page=page, config=config, files=files
            )
            del capture.records[:]  # the hooks' messages are the parent's to give
            self.convert(page, config, files)
        except Exception:
            if self.cache is not None:
                self.cache.tally()  # the parent converts it: not this process' work
            return None  # the parent converts it, and reports the error if there is one
        finally:
            config._current_page = None
        records = list(capture.records)
        del capture.records[:]
        clean = self.cache.cleaned(page.content) if self.cache is not None else None
        tally = self.cache.tally() if self.cache is not None else None
        excerpt = excerpts.convert_ahead(page)
        excerpt_tally = self.cache.tally() if self.cache is not None else None
        links = page.links_to_anchors
        return {
            "digest": excerpts.markdown_digest(page.markdown),
            "content": page.content,
            "toc": _toc_tokens(page.toc),
            "title": page._title_from_render,
            "anchors": page.present_anchor_ids,
            "links": None
            if links is None
            else {target.src_uri: anchors for target, anchors in links.items()},
            "records": records,
            "tally": tally,
            # warta's sanitiser, applied here (the build process takes it by this HTML),
            # and the blog's reading time of what warta makes of it
            "clean": clean,
            "readtimes": self.cache.readtimes_ahead(page, config, clean)
            if self.cache is not None
            else {},
            "excerpt": None
            if excerpt is None
            else (*excerpt, list(capture.records), excerpt_tally),
        }


def _toc_tokens(toc: Any) -> list[dict[str, Any]]:
    """The tokens ``get_toc`` makes ``toc`` from (mkdocs 1.6.1's AnchorLink)."""
    return [
        {
            "level": item.level,
            "id": item.id,
            "name": item.title,
            "children": _toc_tokens(item.children),
        }
        for item in toc
    ]


# -- 2. Page templates -------------------------------------------------------------------


def _build_pages(
    doc_files: Any,
    config: MkDocsConfig,
    nav: Any,
    env: Any,
    *,
    split: bool = True,
    cache: BuildCache | None = None,
) -> None:
    pages = [file.page for file in doc_files]
    build_page = mk._build_page
    if cache is not None:
        cache.before_pages(nav, config)
        build_page = cache.build_page
    search = _search_plugins(config)
    index = search[0].search_index if search and search[0].config.enabled else None
    # Every other page to the child: list pages and posts alternate in the files' order.
    mine = [i for i in range(len(pages)) if i % 2 == 0]
    theirs = [i for i in range(len(pages)) if i % 2 == 1]
    entries: dict[int, list[Any]] = {}

    def render(i: int) -> None:
        mark = len(index.entries) if index is not None else 0
        excluded = doc_files[i].inclusion.is_excluded()
        build_page(pages[i], config, doc_files, nav, env, False, excluded=excluded)
        if index is not None:
            entries[i] = index.entries[mark:]
            del index.entries[mark:]

    if not split:
        for i in range(len(pages)):
            render(i)
        if index is not None:
            for i in range(len(pages)):
                index.entries.extend(entries.get(i, []))
        return
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: render its pages, send back what the parent needs
        os.close(read)
        _child(write, theirs, render, entries, cache)
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
    if cache is not None:
        cache.merge(result["cache"])
    if index is not None:
        for i in range(len(pages)):
            index.entries.extend(entries.get(i, []))


def _child(
    write: int,
    theirs: list[int],
    render: Callable[[int], None],
    entries: dict[int, Any],
    cache: BuildCache | None = None,
) -> None:
    records = _Records(logging.WARNING)
    logging.getLogger("mkdocs").addHandler(records)  # what strict mode counts
    error = ""
    try:
        for i in theirs:
            render(i)
    except BaseException as exc:  # everything goes back to the parent
        error = str(exc) or traceback.format_exc()
    try:
        kept = cache.child_state() if cache is not None else None
        data = pickle.dumps(
            {"entries": entries, "records": records.records, "error": error, "cache": kept}
        )
        with os.fdopen(write, "wb") as pipe:
            pipe.write(data)
    finally:
        os._exit(0)
