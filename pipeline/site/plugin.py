"""The warta mkdocs plugin: the adapter between mkdocs and warta's content model.

- builds the navigation from the category vocabulary when ``mkdocs.yml`` has none;
- leaves out items that are not live (withdrawn, not yet published, embargoed);
- keeps the workflow ``status`` key away from mkdocs-material's page-status badge;
- optionally shows drafts at their future place (the live preview of ``warta watch``);
- writes the JSON content API and the RSS feed after the build;
- sanitises every page's rendered HTML and every blog excerpt with the one allowlist
  (:mod:`pipeline.content.sanitise`), and escapes front matter text (titles, tags,
  summaries) before the theme, the navigation, the blog lists or the tags page show it;
- gives the site the court look (``pipeline/site/theme.py``) and indexes it for
  Indonesian full-text search with Pagefind (``pipeline/site/search.py``).

Enable it in ``mkdocs.yml`` before the blog and tags plugins::

    plugins:
      - warta:
          config_file: warta.yml
"""

from __future__ import annotations

import functools
import itertools
import logging
import os
import posixpath
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, cast

import markupsafe
from jinja2 import Environment
from mkdocs.config import config_options as opt
from mkdocs.config.base import Config as MkConfig
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from pipeline.config import Category, Config, load_config
from pipeline.content.sanitise import Sanitiser, text
from pipeline.content.store import (
    Item,
    content_item_paths,
    draft_paths,
    is_current,
    read_item,
    target_folder,
)
from pipeline.errors import WartaError
from pipeline.fsutil import atomic_write_bytes
from pipeline.progress import NoProgress, Progress
from pipeline.site import api, csp, excerpts, material_fast, scale, search, tagpages, theme
from pipeline.site.live import is_live, now_utc

log = logging.getLogger("mkdocs.plugins.warta")


_MD_LINK = re.compile(r"(?<!!)\[([^\]\n]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


def unlink_hidden(markdown: str, src_uri: str, hidden: list[str]) -> str:
    """Replace links to items that are not live (withdrawn, embargoed) by their text.

    A withdrawal must never be blocked by a page that still links to the item.
    """

    def replace(match: re.Match[str]) -> str:
        target = match.group(2).split("#", 1)[0]
        if not target or "://" in target or target.startswith(("mailto:", "#")):
            return match.group(0)
        if target.startswith("/"):
            resolved = posixpath.normpath(target.lstrip("/"))
        else:
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(src_uri), target))
        resolved = resolved.rstrip("/") + ("/" if not resolved.endswith(".md") else "")
        if any(resolved.startswith(prefix) or resolved + "/" == prefix for prefix in hidden):
            return match.group(1)
        return match.group(0)

    return _MD_LINK.sub(replace, markdown)


TAGS_PLUGINS = ("tags", "material/tags")


class _Cache(search.Kept, Protocol):
    """What the plugin asks of the cache between builds (``incremental.BuildCache``)."""

    def keep_output(self, rel: str, key: str) -> bool:
        """Link the previous build's ``rel`` if it was made from ``key``."""
        ...

    def record_output(self, rel: str, key: str, data: bytes) -> None:
        """``rel`` was made from ``key`` with ``data``."""
        ...

    content_filter: Callable[[str], str] | None
    """Applied to each page's HTML where it is converted (the sanitiser)."""
    page_filter: Callable[[Page, str], str] | None
    """What this plugin's ``on_page_content`` makes of a page's sanitised HTML."""

    def cleaned(self, html: Any) -> str | None:
        """``content_filter(html)`` when the conversion step computed it for ``html``."""
        ...


#: Characters of body and front matter text (all published items together) above which
#: the build keeps them compressed (``Item.pack``).
PACK_TEXTS_ABOVE = 32 * 1024 * 1024


class _Posts(list[Any]):
    """A blog's posts with O(1) membership by identity.

    mkdocs-material's blog asks ``page not in self.blog.posts`` for every page,
    and mkdocs' ``Page.__eq__`` compares titles (read from the Markdown) before
    files: quadratic in the number of posts (FACTS: 5,000 posts, 207 s).  The
    pages it asks about are the very objects in the list, so identity gives the
    same answer.
    """

    def __init__(self, posts: list[Any]) -> None:
        super().__init__(posts)
        self._ids = {id(post) for post in posts}

    def __contains__(self, item: object) -> bool:
        return id(item) in self._ids

    def append(self, item: Any) -> None:
        super().append(item)
        self._ids.add(id(item))


def _is_source(src_uri: str, items: dict[str, Any]) -> bool:
    """A file under an item's ``sources/``: collected originals (EXIF and GPS included)
    are kept with the item but never published (``docs/documents.md``)."""
    head, found, _rest = src_uri.partition("/sources/")
    return bool(found) and f"{head}/index.md" in items


def _write_new(target: Path, data: bytes) -> None:
    """Write a file of the staging build. Nothing of the build is there yet, as a
    rule (created exclusively, no temporary file); a file something else put there
    (a page's attachment of that name) is replaced by a rename, never written in place:
    it may be a hard link to the live build's file. No fsync per file: warta publish
    syncs the whole staging site once."""
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except FileExistsError:
        if target.read_bytes() != data:
            atomic_write_bytes(target, data, durable=False)
        return
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


@functools.lru_cache(maxsize=1 << 14)
def _escaped_short(value: str) -> markupsafe.Markup:
    # Most of a site's short front matter strings repeat from page to page (tags,
    # people, roles, states, categories, attachment titles): 185,000 strings at 5,000
    # articles, a few hundred distinct. A Markup is immutable: one serves every page.
    return markupsafe.Markup(text(value))


def _escaped_meta(value: Any) -> Any:
    """Every string of the front matter, HTML-escaped (lists and mappings walked)."""
    # The exact types first: 140,000 values at 5,000 articles.
    kind = type(value)
    if kind is str:
        # (Long strings, titles and summaries, are each a page's own: not kept.)
        return _escaped_short(value) if len(value) <= 64 else markupsafe.Markup(text(value))
    if kind is dict:
        return {k: _escaped_meta(v) for k, v in value.items()}
    if kind is list:
        return [_escaped_meta(v) for v in value]
    if kind is int or kind is bool or value is None:
        return value
    if isinstance(value, markupsafe.Markup):
        return value
    if isinstance(value, str):
        return markupsafe.Markup(text(value))
    if isinstance(value, list):
        return [_escaped_meta(v) for v in value]
    if isinstance(value, dict):
        return {k: _escaped_meta(v) for k, v in value.items()}
    return value


def _striptags(value: Any) -> str:
    return text(markupsafe.Markup(str(value)).striptags())


def _clean_toc(toc: Any, sanitiser: Sanitiser) -> None:
    """Table-of-contents titles are HTML placed as they are by the theme."""
    for entry in toc or []:
        if isinstance(getattr(entry, "title", None), str):
            entry.title = sanitiser.clean(entry.title)
        _clean_toc(getattr(entry, "children", None), sanitiser)


class WartaPluginConfig(MkConfig):
    config_file = opt.Type(str, default="warta.yml")
    """warta's configuration, relative to ``mkdocs.yml``."""
    auto_nav = opt.Type(bool, default=True)
    """Build the navigation from the category vocabulary when ``nav`` is not set."""
    preview_drafts = opt.Type(bool, default=False)
    """Show drafts at the place they will be published (live preview only)."""
    api = opt.Type(bool, default=True)
    """Write the JSON content API and the RSS feed."""
    search_full_text = opt.Type(bool, default=False)
    """Index the full text of posts in lunr's index, when the ``search`` plugin is kept."""
    court_theme = opt.Type(bool, default=True)
    """Give the site warta's court look (the package's mkdocs-material overrides)."""
    pagefind = opt.Type(bool, default=True)
    """Index the built site with Pagefind (full text, Indonesian stemming)."""
    tag_pages = opt.Type(bool, default=True)
    """One page per tag, and ``tags.json`` split by tag (``docs/scale.md``)."""


class WartaPlugin(BasePlugin[WartaPluginConfig]):
    """See the module docstring."""

    #: The moment used for embargo decisions; ``None`` means the current time.
    #: Set by ``warta publish --now`` and by tests.
    now: datetime | None = None
    #: Told about every page rendered (set by ``warta publish``).
    progress: Progress = NoProgress()
    #: Items already read by the caller (``warta publish``'s scan): used while their
    #: files are unchanged, so that each file's front matter is parsed once per publish.
    known_items: tuple[Item, ...] = ()
    #: The cache between builds (``pipeline/site/incremental.py``), set by ``warta publish``:
    #: it may keep the previous build's search bundles.
    cache: _Cache | None = None

    def __init__(self) -> None:
        self.warta: Config | None = None
        self.items: dict[str, Item] = {}  # src_uri of index.md -> live item
        self.hidden: list[str] = []  # item folders (src prefixes) that are not live
        self.drafts: dict[str, Item] = {}  # src_uri -> draft item (preview)
        self.html: dict[str, str] = {}
        self.pages: dict[str, Page] = {}
        self.files: Files | None = None
        self.blogs: list[Any] = []
        self.tags: list[tagpages.Tag] = []
        self.sanitiser: Sanitiser | None = None
        self.nav: Any = None
        self.shown: list[Any] = []  # the excerpts on the list page being rendered

    # -- configuration and navigation ------------------------------------------

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # ``mkdocs serve`` (and so ``warta watch``) is the editors' preview: show drafts.
        self.serving = command == "serve"

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        if self.warta is not None and self.warta.path("drafts").is_dir():
            server.watch(str(self.warta.path("drafts")))
        return server

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        config_file = Path(config.config_file_path).parent / self.config.config_file
        try:
            self.warta = warta = load_config(config_file)
        except WartaError as error:
            raise PluginError(str(error)) from None
        if not config.site_url:
            config.site_url = warta.site.url
        self.sanitiser = Sanitiser(warta.html, site_url=config.site_url or warta.site.url)
        if self.cache is not None:
            self.cache.content_filter = self.sanitiser.clean
            self.cache.page_filter = self._page_html
        now = self.now or now_utc()
        docs = Path(config.docs_dir).resolve()
        self.items, self.hidden, self.drafts = {}, [], {}
        known = {item.path: item for item in self.known_items}
        for path in content_item_paths(warta):
            item = known.get(path)
            if item is None or not is_current(item):
                try:
                    item = read_item(path, warta, "content")
                except WartaError as error:
                    raise PluginError(str(error)) from None
            src = path.resolve().relative_to(docs).as_posix()
            if is_live(item.front, now=now, tz=warta.site.timezone):
                self.items[src] = item
            else:
                self.hidden.append(src.removesuffix("index.md"))
        if self.config.preview_drafts or getattr(self, "serving", False):
            for path in draft_paths(warta):
                try:
                    item = read_item(path, warta, "draft")
                except WartaError as error:
                    log.warning("preview: %s", error)
                    continue
                future = (target_folder(warta, item.front) / "index.md").relative_to(docs)
                self.drafts[future.as_posix()] = item
        if self.config.auto_nav and not config.nav:
            config.nav = self._navigation(docs)
        if self.config.court_theme:
            theme.install(config, warta, status_page=self._status_page())
            config.extra["warta"]["csp"] = csp.meta_policy(warta)
        scale.faster_front_matter()
        scale.share_front_matter(self.items.values())
        # Every item lives to the end of the build (and is the publish's scan's): its
        # body and front matter text are read again only for the home page's cards and
        # messages, so they are kept compressed (the same text when read) once they are
        # many: 20,000 posts hold 80 MB of them, 5,000 posts 20 MB, which are not worth
        # the 0.3 s their compression takes in every publish.
        packing = sum(item.text_size() for item in self.items.values()) > PACK_TEXTS_ABOVE
        if packing:
            for item in self.items.values():
                item.pack()
        excerpts.pack(packing)  # the posts' converted excerpts: as many, as large
        if not excerpts.install():
            log.info("this mkdocs-material blog renders excerpts otherwise: it keeps its own")
        self.blogs = scale.blog_plugins(config)
        for blog in self.blogs:
            scale.remember_config(blog, config)
            if not scale.stabilise(blog):
                log.warning(
                    "this mkdocs-material blog plugin has changed: its list pages keep "
                    "their own pagination, so each new post rewrites all of them"
                )
        return config

    def _navigation(self, docs: Path) -> list[Any]:
        assert self.warta is not None
        language = self.warta.site.language
        nav: list[Any] = []
        if (docs / "index.md").exists():
            nav.append({"Beranda" if language == "id" else "Home": "index.md"})
        pages = {**self.items, **self.drafts}
        groups: dict[str, list[Any]] = {}
        for category in self.warta.categories:
            entry = self._category_entry(category, docs, pages)
            if entry is None:
                continue
            if category.group is None:
                nav.append(entry)
                continue
            name = category.group.get(language)
            if name not in groups:
                groups[name] = []
                nav.append({name: groups[name]})  # the group's place: its first category's
            groups[name].append(entry)
        return nav  # the tags page stays reachable from the posts, not from the menu

    def _category_entry(
        self, category: Category, docs: Path, pages: dict[str, Item]
    ) -> dict[str, Any] | None:
        assert self.warta is not None
        label = category.label.get(self.warta.site.language)
        index = f"{category.section}/index.md"
        if category.kind == "post":
            return {label: index} if (docs / index).exists() else None
        members = sorted(
            (item.front.order if item.front.order is not None else 1000, item.front.title, src)
            for src, item in pages.items()
            if item.front.category == category.id
        )
        entries: list[Any] = [index] if (docs / index).exists() else []
        entries += [{markupsafe.Markup(text(title)): src} for _order, title, src in members]
        return {label: entries} if entries else None

    # -- files --------------------------------------------------------------------

    @event_priority(100)  # before the blog and tags plugins look at the files
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        for file in list(files):
            if any(file.src_uri.startswith(prefix) for prefix in self.hidden) or (
                _is_source(file.src_uri, self.items)
            ):
                files.remove(file)
        for src, item in self.drafts.items():
            folder = Path(src).parent
            for path in sorted(item.folder.rglob("*")):
                if path.is_file() and path.relative_to(item.folder).parts[0] != "sources":
                    rel = (folder / path.relative_to(item.folder)).as_posix()
                    if files.get_file_from_path(rel) is None:
                        files.append(File.generated(config, rel, abs_src_path=str(path)))
        searchable = self.config.court_theme and self.warta is not None
        if searchable and files.get_file_from_path(theme.SEARCH_PAGE) is None:
            assert self.warta is not None
            files.append(
                File.generated(
                    config, theme.SEARCH_PAGE, content=theme.search_page_markdown(self.warta)
                )
            )
        self.files = files
        self._tag_pages(files, config)
        for reason in material_fast.install(config):
            log.info("%s", reason)
        return files

    def _tag_pages(self, files: Files, config: MkDocsConfig) -> None:
        """Generate one page per tag (see :mod:`pipeline.site.tagpages`)."""
        self.tags = []
        plugins = [p for n, p in config.plugins.items() if n.split(" #")[0] in TAGS_PLUGINS]
        if not self.config.tag_pages or len(plugins) != 1 or not plugins[0].config.enabled:
            return
        # warta writes tags.json itself, split by tag.
        plugins[0].config.export = False
        pages = {**self.items, **self.drafts}
        self.tags = tagpages.collect(
            (list(item.front.tags), {"src": src})
            for src, item in sorted(pages.items())
            if all(tagpages.usable(name) for name in item.front.tags)
        )
        for tag in self.tags:
            if files.get_file_from_path(tag.page) is not None:
                continue  # the site has a page of its own there
            file = File.generated(config, tag.page, content=tagpages.tag_page(tag, text(tag.name)))
            file.inclusion = InclusionLevel.NOT_IN_NAV
            files.append(file)

    def on_nav(self, nav: Any, *, config: MkDocsConfig, files: Files) -> Any:
        self.nav = nav
        # After the blog plugins built their post lists (in on_files), before any page.
        for plugin in config.plugins.values():
            blog = getattr(plugin, "blog", None)
            posts = getattr(blog, "posts", None)
            if isinstance(posts, list) and not isinstance(posts, _Posts):
                blog.posts = _Posts(posts)  # type: ignore[union-attr]
            if self.config.court_theme:
                for post in posts or []:  # list pages show excerpts, not whole articles
                    post.markdown = theme.excerpt_marked(post.markdown)
        return nav

    # -- pages --------------------------------------------------------------------

    @event_priority(100)
    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        # Before the blog and tags plugins read the metadata: from here on a title, a tag
        # or a summary is HTML-safe text wherever the theme places it.
        page.meta = _escaped_meta(page.meta)
        # mkdocs-material shows ``status`` as a badge; ours is a workflow state.
        if isinstance(page.meta.get("status"), str) and page.meta["status"] not in (
            config.extra.get("status") or {}
        ):
            page.meta["warta_status"] = page.meta.pop("status")
        if self.hidden:
            markdown = unlink_hidden(markdown, page.file.src_uri, self.hidden)
        if self.config.court_theme and page.is_homepage:
            page.meta.setdefault("template", "home.html")
        if "<!-- material/tags" in markdown:  # the tags listing repeats every title
            page.meta.setdefault("search", {"exclude": True})
        if self.tags and page.file.src_uri == "tags.md":
            listing = tagpages.index_list(self.tags, page.file.src_uri)
            markdown = tagpages.BARE_LISTING.sub(lambda _m: listing, markdown)
        return markdown

    def _page_html(self, page: Page, clean: str) -> str:
        """A page's sanitised HTML as this plugin's ``on_page_content`` returns it."""
        if self.config.court_theme:
            return theme.content_html(clean, page.file.abs_src_path)
        return clean

    @event_priority(100)  # before any other plugin (search, blog) reads the content
    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        self.progress.advance()
        assert self.sanitiser is not None
        # The cache between builds sanitises where the page is converted (in either
        # process, kept with the conversion): the same function of the same HTML.
        clean = self.cache.cleaned(html) if self.cache is not None else None
        html = self.sanitiser.clean(html) if clean is None else clean
        _clean_toc(page.toc, self.sanitiser)
        src = page.file.src_uri
        html = self._page_html(page, html)
        if src in self.items or src in self.drafts:
            self.html[src] = html
            self.pages[src] = page
        return html

    @event_priority(-200)  # after the blog plugins rendered their excerpts (at -100)
    def on_page_context(
        self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Any
    ) -> TemplateContext:
        # Excerpts on blog list pages are rendered by the blog plugin with its own
        # Markdown instance, never through on_page_content.
        assert self.sanitiser is not None
        self.shown = cast(list[Any], context.get("posts") or [])
        for excerpt in self.shown:
            if isinstance(getattr(excerpt, "content", None), str):
                excerpt.content = self.sanitiser.clean(excerpt.content)
                _clean_toc(getattr(excerpt, "toc", None), self.sanitiser)
        _clean_toc(page.toc, self.sanitiser)
        if self.config.court_theme and page.is_homepage and self.warta is not None:
            context["warta_home"] = theme.home(  # type: ignore[typeddict-unknown-key]
                self.warta, self._home_posts(), page_url=page.url, files=self.files
            )
        return context

    @event_priority(-100)
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        # The list page is written: its excerpts are rendered again for the next one.
        for excerpt in self.shown:
            excerpts.release(excerpt)
        self.shown = []
        return output

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        # The theme's templates do not autoescape; ``striptags`` unescapes what it is
        # given, so an escaped title would come back as markup (``<title>``): escape the
        # text it returns.
        env.filters["striptags"] = _striptags
        if self.nav is not None:
            why = material_fast.speed_up_navigation(env, config, self.nav)
            if why is not None:
                log.info("navigation rendered for every post: %s", why)
        return env

    def _home_posts(self) -> list[tuple[str, Item, Category]]:
        assert self.warta is not None
        out = []
        for src, item in self.items.items():
            category = self.warta.category(item.front.category)
            if category is not None and category.kind == "post":
                out.append((src, item, category))
        return out

    def _status_page(self) -> bool:
        return bool(
            self.warta is not None and self.warta.health.status_page and self.warta.health.endpoints
        )

    # -- API ----------------------------------------------------------------------

    def on_build_error(self, *, error: Exception) -> None:
        scale.share_front_matter(())

    @event_priority(-100)  # after the search and sitemap files are written
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        scale.share_front_matter(())
        if self.warta is None:
            return

        def outputs() -> None:
            self._scale_outputs(config)
            if self.tags:
                self._tag_files(config)
            if self.config.api:
                self._api_outputs(config)

        if not self.config.pagefind:
            outputs()
            return
        # Pagefind indexes the pages as they will be served; the years' bundles are
        # indexed while the other files are written (search.index_site).
        failed: list[BaseException] = []

        def meanwhile() -> None:
            try:
                outputs()
            except BaseException as error:
                failed.append(error)
                raise

        try:
            posts = [c.section for c in self.warta.categories if c.kind == "post"]
            search.index_site(Path(config.site_dir), posts, kept=self.cache, meanwhile=meanwhile)
        except WartaError as error:
            if failed and error is failed[0]:
                raise  # the other files' own error, as it was before Pagefind ran
            raise PluginError(str(error)) from None

    def _api_outputs(self, config: MkDocsConfig) -> None:
        """The JSON content API, the RSS feed and the status page."""
        assert self.warta is not None
        warta = self.warta
        site_url = self._site_url(config)
        published: list[api.PublishedItem] = []
        for src, item, page, category in self._built_items():
            person = warta.person(item.front.author) if item.front.author else None
            published.append(
                api.PublishedItem(
                    front=item.front,
                    url=site_url + page.url,
                    category_label=category.label.get(warta.site.language) if category else "",
                    kind=category.kind if category else "page",
                    author_name=person.name if person else item.front.author,
                    html=self.html.get(src, ""),
                    attachments=self._attachments(item, src, site_url),
                )
            )
        site_dir = Path(config.site_dir)
        # Written as they are made: the item files hold every page's HTML again.
        outputs = api.iter_api_outputs(published, site_name=config.site_name, site_url=site_url)
        feed = api.rss_feed(
            published,
            site_name=config.site_name,
            site_url=site_url,
            language=warta.site.language,
            tz=warta.site.timezone,
        )
        cache = self.cache
        for output in itertools.chain(outputs, [api.Output("feed.xml", lambda: feed)]):
            # An item whose file is made from what the previous build's was is linked
            # from that build (incremental.py), not made and written again.
            key = output.key if cache is not None else None
            if cache is not None and key is not None and cache.keep_output(output.rel, key):
                continue
            data = output.make()
            _write_new(site_dir / output.rel, data)
            if cache is not None and key is not None:
                cache.record_output(output.rel, key, data)
        if warta.health.status_page and warta.health.endpoints:
            from pipeline.health.status_page import write_status_page

            write_status_page(warta, site_dir=site_dir)

    def _site_url(self, config: MkDocsConfig) -> str:
        assert self.warta is not None
        return (config.site_url or self.warta.site.url).rstrip("/") + "/"

    def _built_items(self) -> Iterator[tuple[str, Item, Page, Category | None]]:
        """Each live item that was built: its source, item, page and category."""
        assert self.warta is not None
        for src, item in self.items.items():
            page = self.pages.get(src)
            if page is not None:
                yield src, item, page, self.warta.category(item.front.category)

    def _scale_outputs(self, config: MkDocsConfig) -> None:
        """The search index and the sitemaps in their deploy-friendly form."""
        site_dir = Path(config.site_dir)
        site_url = self._site_url(config)
        posts: dict[str, str] = {}
        dated: dict[str, scale.SitemapEntry] = {}
        for _src, item, page, category in self._built_items():
            is_post = category is not None and category.kind == "post"
            if is_post:
                posts[page.url] = item.front.summary
            absolute = site_url + page.url
            dated[absolute] = scale.SitemapEntry(
                absolute,
                lastmod=item.front.published_at or item.front.date,
                month=api.month_of(item.front.date) if is_post else "",
            )
        search = site_dir / "search" / "search_index.json"
        if search.exists() and not self.config.search_full_text:
            slim = scale.slim_search_index(
                search.read_text(encoding="utf-8"),
                posts=posts,
                lists=scale.list_page_urls(self.blogs),
                roots=scale.blog_root_urls(self.blogs),
            )
            atomic_write_bytes(search, slim.encode("utf-8"), durable=False)
        sitemap = site_dir / "sitemap.xml"
        if sitemap.exists():
            urls = scale.sitemap_urls(sitemap.read_text(encoding="utf-8"))
            entries = [dated.get(url, scale.SitemapEntry(url)) for url in urls]
            for rel, data in scale.sitemaps(entries, site_url).items():
                atomic_write_bytes(site_dir / rel, data, durable=False)

    def _tag_files(self, config: MkDocsConfig) -> None:
        """``tags.json`` and ``tags/<slug>.json`` with each tag's built items."""
        site_url = self._site_url(config)
        built = {src: (item, page) for src, item, page, _category in self._built_items()}
        for tag in self.tags:
            items = []
            for entry in tag.items:
                found = built.get(entry["src"])
                if found is not None:
                    item, page = found
                    items.append(
                        {
                            "title": text(item.front.title),  # as the API gives it
                            "url": site_url + page.url,
                            "date": item.front.date.isoformat(),
                        }
                    )
            tag.items = sorted(items, key=lambda i: (i["date"], i["url"]), reverse=True)
        site_dir = Path(config.site_dir)
        for rel, data in tagpages.json_files(self.tags, site_url, name=text).items():
            atomic_write_bytes(site_dir / rel, data, durable=False)

    def _attachments(self, item: Item, src: str, site_url: str) -> list[api.Attachment]:
        out = []
        folder = src.removesuffix("index.md")
        for attachment in item.front.attachments:
            file = self.files.get_file_from_path(folder + attachment.path) if self.files else None
            if file is None:
                continue
            size = (item.folder / attachment.path).stat().st_size
            out.append(
                api.Attachment(
                    title=attachment.title or Path(attachment.path).name,
                    url=site_url + file.url,
                    sha256=attachment.sha256,
                    size=size,
                )
            )
        return out
