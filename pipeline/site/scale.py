"""What keeps a site of thousands of posts fast to build and cheap to deploy.

mkdocs-material's blog was written for blogs, not for a court's years of news. Three of
its behaviours make every new post rewrite much of the site, and one makes the build
slow; this module changes them for the blog plugins of one build (see
``docs/scale.md``):

- **Stable pagination.** The blog numbers its list pages from the newest post, so one
  new post shifts every post onto another page and rewrites every list page. Here the
  list pages are blocks of ``pagination_per_page`` posts counted from the *oldest*: the
  block at ``page/7/`` always holds the 61st–70th oldest posts. The blog's index shows
  the newest posts and links to the newest full block; each block links to its newer and
  older neighbours and is labelled by its dates, not by a page number that would move.
- **Search index.** A post enters the search index with its title and summary rather
  than its full text; the blog's index with its title only; its blocks and archives,
  which repeat the excerpts, not at all: the single ``search_index.json`` changes
  on every build that adds a post, so its size is what each deploy uploads.
- **Sitemaps.** ``sitemap.xml`` becomes a sitemap index of one sitemap per month of
  posts plus one for the pages, with ``lastmod`` from the front matter instead of the
  build day, so an old month's sitemap keeps its bytes.
- **Front matter parsing.** The blog reads each post's front matter with PyYAML's
  pure-Python loader; libyaml's loader builds the same objects ~10× faster.
"""

from __future__ import annotations

import copy
import gzip
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from types import MethodType
from typing import Any
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import unescape as xml_unescape

import yaml
from material.plugins.blog.structure import View
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files, InclusionLevel
from mkdocs.utils import copy_file, get_relative_url

#: Methods of mkdocs-material's BlogPlugin this module replaces or calls.
_BLOG_METHODS = (
    "_generate_pages",
    "_render",
    "_render_post",
    "_config_pagination",
    "_config_pagination_per_page",
    "_format_path_for_pagination",
    "_format_date_for_post",
    "_path_to_file",
    "_resolve_views",
)


def blog_plugins(config: MkDocsConfig) -> list[Any]:
    """The mkdocs-material blog plugin instances of a build."""
    return [
        plugin
        for name, plugin in config.plugins.items()
        if name.split(" #")[0] in ("material/blog", "blog")
    ]


def faster_front_matter() -> None:
    """Make the blog parse front matter with libyaml (same result, much faster)."""
    try:
        from yaml import CSafeLoader
    except ImportError:  # PyYAML built without libyaml: the pure-Python loader stays
        return
    from material.plugins.blog import structure

    structure.SafeLoader = CSafeLoader


#: The items' parsed front matter by the SHA-256 of its text (stripped as the blog
#: passes it): the text itself as the key was a copy of every front matter held to the
#: end of the build.
_SHARED_FRONT: dict[bytes, dict[str, Any]] = {}


def _front_key(text: str) -> bytes:
    return hashlib.sha256(text.strip().encode("utf-8", "surrogatepass")).digest()


_ATOMIC = frozenset({str, int, bool, float, date, datetime})


def _copy_yaml(value: Any, memo: dict[int, Any]) -> Any:
    """``copy.deepcopy(value)`` for what YAML's safe loader makes, a few times faster:
    strings, numbers, booleans, None and dates as they are (deepcopy makes an equal
    date: both are immutable), dicts and lists copied (one copy per object, as
    deepcopy's memo keeps a YAML alias shared), anything else by deepcopy with the same
    memo."""
    kind = type(value)
    if kind in _ATOMIC or value is None:
        return value
    found = memo.get(id(value))
    if found is not None:
        return found
    if kind is dict:
        new: Any = {}
        memo[id(value)] = new
        for key, item in value.items():
            new[_copy_yaml(key, memo)] = _copy_yaml(item, memo)
        return new
    if kind is list:
        new = []
        memo[id(value)] = new
        for item in value:
            new.append(_copy_yaml(item, memo))
        return new
    return copy.deepcopy(value, memo)


class _SharedYaml:
    """Stands for the ``yaml`` module in the blog's post reader: a front matter block
    warta has already parsed is not parsed again (same text, same loader family)."""

    def __getattr__(self, name: str) -> Any:
        return getattr(yaml, name)

    @staticmethod
    def load(stream: Any, Loader: Any) -> Any:
        if isinstance(stream, str):
            raw = _SHARED_FRONT.get(_front_key(stream))
            if raw is not None:
                # The blog changes the mapping it gets (template, hide): a copy each time.
                return _copy_yaml(raw, {})
        return yaml.load(stream, Loader)


def share_front_matter(items: Iterable[Any]) -> None:
    """Let the blog take these items' parsed front matter instead of parsing it again;
    an empty iterable ends the sharing (after the build)."""
    from material.plugins.blog import structure

    _SHARED_FRONT.clear()
    for item in items:
        if item.raw and item.fm_text:
            _SHARED_FRONT[_front_key(item.fm_text)] = item.raw
    if not isinstance(structure.yaml, _SharedYaml):
        structure.yaml = _SharedYaml()


def stabilise(plugin: Any) -> bool:
    """Give one blog plugin instance stable pagination; ``False`` if it cannot be."""
    if not all(hasattr(plugin, name) for name in _BLOG_METHODS):
        return False
    plugin._generate_pages = MethodType(_generate_pages, plugin)
    plugin._render = MethodType(_render, plugin)
    return True


# -- stable pagination ------------------------------------------------------------------


def blocks(count: int, step: int) -> int:
    """How many full blocks of ``step`` posts, counted from the oldest, a view of
    ``count`` posts has beside its index page (none when the index shows them all)."""
    return count // step if count > step else 0


def block_slice(count: int, step: int, number: int) -> slice:
    """The newest-first slice of the posts in block ``number`` (1 = the oldest)."""
    return slice(count - number * step, count - (number - 1) * step)


def _generate_pages(self: Any, view: Any, config: MkDocsConfig, files: Files) -> Iterator[Any]:
    # Replaces BlogPlugin._generate_pages: the view, then its blocks newest first.
    yield view
    step = self._config_pagination_per_page(view)
    for number in range(blocks(len(view.posts), step), 0, -1):
        path = self._format_path_for_pagination(view, number)
        file = files.get_file_from_path(path)
        if not file:
            file = self._path_to_file(path, config)
            files.append(file)
            copy_file(view.file.abs_src_path, file.abs_src_path)
        file.inclusion = InclusionLevel.EXCLUDED
        page = file.page if isinstance(file.page, View) else view.__class__(None, file, config)
        page.pages = view.pages
        page.posts = view.posts
        yield page


def stable(plugin: Any) -> bool:
    """Whether this blog plugin instance renders its list pages with :func:`_render`."""
    return getattr(getattr(plugin, "_render", None), "__func__", None) is _render


def _render(self: Any, page: Any) -> tuple[list[Any], Pager | None]:
    # Replaces BlogPlugin._render: the posts of a page and the links to its neighbours.
    shown, pager = layout(self, page)
    return [self._render_post(post.excerpt, page) for post in shown if post.excerpt], pager


def layout(self: Any, page: Any) -> tuple[list[Any], Pager | None]:
    """The posts the list page ``page`` of blog plugin ``self`` shows, newest first,
    and its pager: what :func:`_render` renders, without rendering anything."""
    pages = page.pages or [page]
    view = pages[0]
    posts = view.posts
    if not self._config_pagination(view):
        return list(posts), None
    step = self._config_pagination_per_page(view)
    count = len(posts)
    position = next(i for i, candidate in enumerate(pages) if candidate is page)
    number = len(pages) - position  # block number of this page; the index has len(pages)
    shown = posts[:step] if position == 0 else posts[block_slice(count, step, number)]
    pager = None
    if len(pages) > 1:
        newer = pages[position - 1] if position > 0 else None
        older = pages[position + 1] if position + 1 < len(pages) else None
        label = ""
        if position > 0 and shown:
            first = self._format_date_for_post(shown[-1].config.date.created, self.config_mkdocs)
            last = self._format_date_for_post(shown[0].config.date.created, self.config_mkdocs)
            label = first if first == last else f"{first} – {last}"
        pager = Pager(
            newer=get_relative_url(newer.url, page.url) if newer is not None else None,
            older=get_relative_url(older.url, page.url) if older is not None else None,
            label=label,
            language=str(self.config_mkdocs.theme["language"]),
        )
    return list(shown), pager


_LABELS = {
    "id": ("Lebih baru", "Lebih lama"),
    "en": ("Newer", "Older"),
}


@dataclass
class Pager:
    """Links to the newer and older neighbours of a list page, in place of page numbers."""

    newer: str | None
    older: str | None
    label: str
    language: str

    def pager(self, **args: Any) -> str:
        """HTML for mkdocs-material's ``partials/pagination.html`` (same classes)."""
        newer_text, older_text = _LABELS.get(self.language, _LABELS["en"])
        link = ' class="md-pagination__link"'
        parts = []
        if self.newer is not None:
            parts.append(
                f'<a{link} href="{escape(self.newer)}" title="{newer_text}" rel="prev">'
                f"{args.get('symbol_previous', '&lsaquo;')} {newer_text}</a>"
            )
        if self.label:
            parts.append(f'<span class="md-pagination__current">{escape(self.label)}</span>')
        if self.older is not None:
            parts.append(
                f'<a{link} href="{escape(self.older)}" title="{older_text}" rel="next">'
                f"{older_text} {args.get('symbol_next', '&rsaquo;')}</a>"
            )
        return "\n".join(parts)


def remember_config(plugin: Any, config: MkDocsConfig) -> None:
    """The blog's methods need the build's config where the blog's own do not pass it."""
    plugin.config_mkdocs = config


# -- search index ---------------------------------------------------------------------


def slim_search_index(
    index_json: str, *, posts: dict[str, str], lists: Iterable[str], roots: Iterable[str]
) -> str:
    """The search index with posts reduced to title + summary and list pages left out.

    ``posts`` maps a post's URL to its summary; ``lists`` are the URLs of list pages
    (their excerpts repeat the posts); ``roots``, the blogs' own index pages, stay
    findable by their title.
    """
    data = json.loads(index_json)
    list_urls, root_urls = set(lists), set(roots)
    docs = []
    for doc in data.get("docs", []):
        location = doc.get("location", "")
        base = location.split("#", 1)[0]
        if base in posts or base in root_urls:
            if "#" in location:  # the page's sections: its one entry stands for them
                continue
            doc = {**doc, "text": escape(posts.get(base, ""))}
        elif base in list_urls:
            continue
        docs.append(doc)
    data["docs"] = docs
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


# -- sitemaps -------------------------------------------------------------------------


@dataclass(frozen=True)
class SitemapEntry:
    """One URL of the site, with the date its content last changed when known."""

    url: str
    lastmod: date | datetime | None = None
    month: str = ""
    """``YYYY-MM`` for a post (its sitemap), empty for a page."""


def sitemaps(entries: Iterable[SitemapEntry], site_url: str) -> dict[str, bytes]:
    """``sitemap.xml`` (a sitemap index), its gzip, and one sitemap per group."""
    groups: dict[str, list[SitemapEntry]] = {}
    for entry in entries:
        groups.setdefault(f"posts-{entry.month}" if entry.month else "pages", []).append(entry)
    out: dict[str, bytes] = {}
    index = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for name in sorted(groups):
        rel = f"sitemaps/{name}.xml"
        group = sorted(groups[name], key=lambda e: e.url)
        lines = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
        ]
        for entry in group:
            lastmod = f"<lastmod>{entry.lastmod.isoformat()}</lastmod>" if entry.lastmod else ""
            lines.append(f"  <url><loc>{xml_escape(entry.url)}</loc>{lastmod}</url>")
        lines.append("</urlset>")
        out[rel] = ("\n".join(lines) + "\n").encode("utf-8")
        newest = max((e.lastmod for e in group if e.lastmod), default=None, key=_iso)
        lastmod = f"<lastmod>{newest.isoformat()}</lastmod>" if newest else ""
        index.append(f"  <sitemap><loc>{xml_escape(site_url + rel)}</loc>{lastmod}</sitemap>")
    index.append("</sitemapindex>")
    out["sitemap.xml"] = ("\n".join(index) + "\n").encode("utf-8")
    # mtime=0: the same sitemap gives the same gzip bytes, so a deploy skips it.
    out["sitemap.xml.gz"] = gzip.compress(out["sitemap.xml"], mtime=0)
    return out


def _iso(value: date | datetime) -> str:
    return value.isoformat()


def blog_root_urls(plugins: list[Any]) -> list[str]:
    """URLs of the blogs' own index pages."""
    return [p.blog.url for p in plugins if getattr(p, "blog", None) is not None]


def list_page_urls(plugins: list[Any]) -> list[str]:
    """URLs of every list page of the blogs: their index, blocks and archives."""
    urls = []
    for plugin in plugins:
        blog = getattr(plugin, "blog", None)
        if blog is None:
            continue
        for view in plugin._resolve_views(blog):
            for page in view.pages or [view]:
                if page.url is not None:
                    urls.append(page.url)
    return urls


_LOC = re.compile(r"<loc>([^<]*)</loc>")


def sitemap_urls(sitemap_xml: str) -> list[str]:
    """The URLs listed by mkdocs' own ``sitemap.xml``."""
    return [xml_unescape(url) for url in _LOC.findall(sitemap_xml)]
