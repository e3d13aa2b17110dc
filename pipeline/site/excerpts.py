"""Blog excerpts rendered once per post, not once per list page.

mkdocs-material's blog renders a post's excerpt with a Markdown instance of its own
(one ``Markdown()`` and a copy of the configuration per post) and converts the post's
whole Markdown again for every list page that shows it: the index, its block, its
year's archive. Only two things differ between those renderings, both URLs: links
from the excerpt to other pages and files are made relative to the list page, and
links to the excerpt's own headings point at the post from the list page.

Here the excerpt is converted once, with every such URL replaced by a marker that
records what mkdocs would have linked to; for each list page the markers are replaced
by the URL relative to that page, computed by mkdocs' own ``get_relative_url``. One
Markdown instance serves every excerpt of a build (``Markdown.reset()`` between
documents, as Python-Markdown documents for reuse). The output is byte-identical to
the blog's own rendering (``tests/test_scale.py`` builds a site both ways).

Installed by :func:`install`, which first checks that the blog and mkdocs methods it
mirrors are the ones it was written against; if not, the blog keeps its own excerpts.
"""

from __future__ import annotations

import hashlib
import inspect
import logging
import re
import secrets
import zlib
from collections.abc import Callable
from copy import copy
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

import material
import mkdocs
from markdown import Markdown
from markdown.treeprocessors import Treeprocessor
from mkdocs.structure.files import Files
from mkdocs.structure.pages import _RelativePathTreeprocessor
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_relative_url

#: SHA-256 of the sources this module mirrors or relies on (mkdocs 1.6.1, Material 9.8):
#: another version may render excerpts otherwise, so the blog keeps its own.
_MIRRORED = {
    "path_to_url": "e70ebc9605514fabbcc58a1fb2c5bcf7059ef2a15911cf91cbe465587ccf73e7",
    "excerpt_init": "32c96fb86b8a80c8b219fae1cf2c1627b3b5ad5bdd65b555e4f0286e4c393854",
    "excerpt_render": "6ee38b3efd751ef5996bf852d21008bf7e504476671a6b1b9d5025110899c27a",
    "excerpt_anchors": "6b88160612058d280cff0bdebb8c6f7c9e506cb86e17df02a6a1021003413c86",
}

# A marker no Markdown source contains (checked per excerpt): a nonce per process.
_NONCE = secrets.token_hex(8)
_MARK = f"warta{_NONCE}x"
_MARKER = re.compile(rf"{_MARK}(\d+)x")


def _source_digest(obj: Any) -> str:
    return hashlib.sha256(inspect.getsource(obj).encode()).hexdigest()


class _CannotMark(Exception):
    """An excerpt whose links cannot be marked: the blog's own rendering is used."""


#: The base URL the marked excerpt is resolved against: deeper than any site, so that
#: mkdocs' relative URL from it spells the target's URL out in full.
_DEPTH = 24
_BASE = "/".join(f"warta{_NONCE}{i}" for i in range(_DEPTH)) + "/"
_UP = "/".join([".."] * _DEPTH)

Link = tuple[str, str]
"""A marked link: the URL it points at and what follows the relative URL (?query#frag)."""


class _MarkedPaths(_RelativePathTreeprocessor):
    """mkdocs' relative-path step, leaving a marker where it writes a relative URL."""

    links: list[Link]

    def path_to_url(self, url: str) -> str:
        # mkdocs resolves the link from the file's source path and only then makes the
        # target's URL relative to the page's URL, here ``_BASE``: read the target back.
        new = super().path_to_url(url)
        if new == url:
            return url  # left as written (external, an anchor, not found): for every page
        cut = min((i for i in (new.find("?"), new.find("#")) if i >= 0), default=len(new))
        relative, suffix = new[:cut], new[cut:]
        target = _unbase(relative)
        if target is None or get_relative_url(target, _BASE) + suffix != new:
            raise _CannotMark(url)
        self.links.append((target, suffix))
        return f"{_MARK}{len(self.links) - 1}x"


def _unbase(path: str) -> str | None:
    """The target URL whose URL relative to ``_BASE`` is ``path`` (None if none)."""
    if path == _UP:
        return ""
    if not path.startswith(_UP + "/"):
        return None
    return path[len(_UP) + 1 :]


class _MarkedAnchors(Treeprocessor):
    """The blog's ExcerptTreeprocessor, with a marker for the post's relative URL."""

    links: list[Link]
    post_url = ""

    def run(self, root: Element) -> None:
        main = True
        for el in root.iter("a"):
            anchor = el.get("href")
            if anchor is None or not anchor.startswith("#"):
                continue
            self.links.append((self.post_url, "" if main else anchor))
            el.set("href", f"{_MARK}{len(self.links) - 1}x")
            main = False


#: Whether the excerpts converted from here on are kept compressed (:func:`pack`).
_PACKING = [True]


def pack(packing: bool) -> None:
    """Keep the excerpts converted from here on compressed (True) or as text.

    The warta plugin decides once per build, as it does for the items' texts
    (``Item.pack``): compressed when the site's texts are many (20,000 posts: 70 MB
    less held to the end of the build), as text otherwise (5,000 posts: 20 MB, whose
    compression took a quarter of a second of every publish)."""
    _PACKING[0] = packing


class _Rendered:
    """One excerpt converted once: HTML with markers, its links and its TOC tokens.

    The HTML (the whole post: the list page shows the part before the separator and
    whether there is more) is kept until the build ends, one per post; compressed when
    :func:`pack` says so, for a decompression per list page shown on."""

    def __init__(self, html: str, links: list[Link], toc_tokens: Any) -> None:
        #: The HTML as text, or compressed (bytes).
        self._kept: str | bytes = (
            zlib.compress(html.encode("utf-8", "surrogatepass"), 1) if _PACKING[0] else html
        )
        self.links = links
        self.toc_tokens = toc_tokens
        #: What it was made from, between builds (set by the cache between builds).
        self.ident: str | None = None

    @property
    def html(self) -> str:
        """The converted HTML, with a marker for each URL made relative per list page."""
        kept = self._kept
        if isinstance(kept, str):
            return kept
        return zlib.decompress(kept).decode("utf-8", "surrogatepass")

    def for_page(self, page_url: str) -> str:
        def replace(match: re.Match[str]) -> str:
            target, suffix = self.links[int(match.group(1))]
            return get_relative_url(target, page_url) + suffix

        return _MARKER.sub(replace, self.html)


class _Shared:
    """The Markdown instance and processors shared by every excerpt of one build."""

    def __init__(self, config: Any, files: Files) -> None:
        from material.plugins.blog.structure import _patch

        self.cut = _may_cut(config)
        config = _patch(config)
        self.toc_marker = (config.mdx_configs.get("toc") or {}).get("marker", "[TOC]")
        self.md = Markdown(
            extensions=config.markdown_extensions, extension_configs=config.mdx_configs
        )
        self.anchors = _MarkedAnchors()
        self.paths = _MarkedPaths(None, files, config)  # type: ignore[arg-type]
        self.md.treeprocessors.register(self.anchors, "excerpt", 0)
        self.md.treeprocessors.register(self.paths, "relpath", 1)

    def convert(self, excerpt: Any, markdown: str) -> _Rendered:
        self.md.reset()
        links: list[Link] = []
        self.paths.links = self.anchors.links = links
        self.paths.file = excerpt.file
        self.anchors.post_url = excerpt.post.url
        separator = getattr(excerpt, "_cut_at", None)
        if self.cut and separator:
            markdown = head_only(markdown, separator, self.toc_marker) or markdown
        excerpt.file.url = _BASE
        try:
            html = self.md.convert(markdown)
        finally:
            excerpt.file.url = excerpt.post.url
        return _Rendered(html, links, getattr(self.md, "toc_tokens", []))


#: Markdown extensions whose conversion of a document's text before a block that ends
#: it (the excerpt separator on a line of its own) is what the same text converts to
#: when the rest follows, once the conditions of :func:`head_only` hold: block parsers
#: that only look back or at indented continuations, inline patterns per text node.
_CUT_EXTENSIONS = frozenset(
    [
        f"markdown.extensions.{name}"
        for name in (
            "abbr",
            "admonition",
            "attr_list",
            "def_list",
            "footnotes",
            "md_in_html",
            "tables",
            "toc",
            "sane_lists",
            "smarty",
            "nl2br",
            "fenced_code",
            "codehilite",
        )
    ]
    + [
        f"pymdownx.{name}"
        for name in (
            "betterem",
            "caret",
            "details",
            "emoji",
            "highlight",
            "inlinehilite",
            "keys",
            "mark",
            "smartsymbols",
            "superfences",
            "tasklist",
            "tilde",
        )
    ]
)
_SHORT_NAMES = {name.rsplit(".", 1)[1]: name for name in _CUT_EXTENSIONS if name.startswith("m")}

# In the rest of a post, wherever they are (nested blocks are parsed too): what defines
# something used anywhere in the document (link references, footnotes, abbreviations:
# ``]:``, ``[^``, ``*[``), what may set an element id the toc extension's unique heading
# ids avoid (attribute lists, Markdown in HTML, pymdownx.tabbed), all as plain text.
_REST_REFUSES = ("]:", "[^", "*[", "{", "markdown", "===")
#: The rest's first line after the blank one: a definition there would take the block
#: before it (the separator) as its term.
_FIRST_LINE_DEFINITION = re.compile(r"[ \t]*\n[ \t]*\n\s*:")
#: What a post's excerpt carries after the separator when the rest was not converted:
#: the list pages only ask whether there is more (checked in the templates, ``_may_cut``).
MORE = "\n\n<!-- warta: more -->\n"


def head_only(markdown: str, separator: str, toc_marker: str = "[TOC]") -> str | None:
    """What to convert for an excerpt, when less than the whole post gives the same HTML
    before the separator (None: convert it whole).

    The list pages show the HTML before the separator and whether there is more; the
    whole post is converted by the blog only to cut it there. When the separator is a
    block of its own between blank lines, the text before it opens nothing the rest could
    close (no raw HTML, no fences, no table-of-contents marker) and the rest
    defines nothing the text before uses (references, footnotes, abbreviations, element
    ids), then the text before the separator converts alike without the rest: it is
    converted with the separator and a stand-in for the rest (``MORE``)."""
    at = markdown.find(separator)
    if at <= 0:
        return None
    head, rest = markdown[:at], markdown[at + len(separator) :]
    if not head.endswith("\n\n") or not _BLANK_LINE.match(rest) or not rest.strip():
        return None  # not a block of its own between blank lines, or nothing after it
    opening = ["<", "```", "~~~"] + ([toc_marker] if toc_marker else [])
    if any(token in head for token in opening):
        return None
    lowered = rest.lower()
    if any(token in lowered for token in _REST_REFUSES) or _FIRST_LINE_DEFINITION.match(rest):
        return None
    return head + separator + MORE


_BLANK_LINE = re.compile(r"[ \t]*\n[ \t]*\n")


def _may_cut(config: Any) -> bool:
    """Whether excerpts may be converted up to their separator only: every Markdown
    extension is known for it (``_CUT_EXTENSIONS``), and no template outside
    mkdocs-material's own reads what follows the separator (its ``post.html`` only asks
    whether there is any)."""
    for extension in config.markdown_extensions:
        name = extension if isinstance(extension, str) else type(extension).__module__
        if _SHORT_NAMES.get(name, name) not in _CUT_EXTENSIONS:
            return False
    packages = [Path(str(package.__file__)).parent.resolve() for package in (material, mkdocs)]
    for folder in config.theme.dirs:
        root = Path(folder)
        if any(root.resolve().is_relative_to(package) for package in packages):
            continue
        for template in root.rglob("*.html"):
            try:
                if _READS_MORE.search(template.read_text(encoding="utf-8", errors="replace")):
                    return False
            except OSError:
                return False
    return True


_READS_MORE = re.compile(r"\bmore\b")


def _excerpt_class() -> type:
    from material.plugins.blog.structure import Excerpt

    class FastExcerpt(Excerpt):
        """The blog's Excerpt, converted once and placed on each list page by URL."""

        def __init__(self, post: Any, config: Any, files: Files) -> None:
            # As Excerpt.__init__, without a Markdown instance of its own.
            self.file = copy(post.file)
            self.post = post
            self._set_canonical_url(config.site_url)
            self.config = post.config
            self.meta = post.meta
            self.authors: list[Any] = []
            self.categories: list[Any] = []
            self.more: str | None = None
            self._cut_at = _cut_at(post, config)
            self._shared_key = (config, files)
            self._rendered: _Rendered | None = None
            self._made_from: tuple[Any, ...] = ()
            self._fallback: Any = None

        def _source(self) -> str:
            """The Markdown the blog converts for this excerpt (as ``Excerpt.render``)."""
            markdown = self.post.markdown
            if not self.post._title_from_render:
                markdown = "\n\n".join([f"# {self.post.title}", markdown])
            return str(markdown)

        def _inputs(self) -> tuple[Any, ...]:
            # What _source() reads: while these are the same, so is the conversion.
            return (self.post.markdown, self.post.title, self.post._title_from_render)

        def prepare(self, offered: Ahead | None = None) -> bool:
            """Convert now rather than for the first list page (same result, see
            ``render``), or take ``offered``, a conversion made by another process of
            this build, when it was made from the same Markdown (True if taken)."""
            if self._rendered is not None or self._fallback is not None:
                return False
            markdown = self._source()
            if _MARK in markdown:
                return False  # render() gives it to the blog's own Excerpt
            taken = offered is not None and offered[0] == markdown_digest(markdown)
            if offered is not None and taken:
                for name, level, message in offered[2]:
                    logging.getLogger(name).log(level, message)
                rendered = offered[1]
            else:
                config, files = self._shared_key
                try:
                    rendered = _convert(self, markdown, config, files)
                except _CannotMark:
                    return False
            self._keep(markdown)
            self._rendered, self._made_from = rendered, self._inputs()
            return taken

        def _keep(self, markdown: str) -> None:
            # The blog sets ``markdown`` to what it converted; only whether it is set is
            # read afterwards (``Page.title``), and the title prefixed copy of the post's
            # whole Markdown would stay in memory for every post: the post's own, once
            # converted.
            self.markdown = (
                self.post.markdown if markdown.endswith(self.post.markdown) else markdown
            )

        def render(self, page: Any, separator: str) -> None:
            if self._fallback is not None:
                self._fallback.render(page, separator)
                self.content, self.more, self.toc = (
                    self._fallback.content,
                    self._fallback.more,
                    self._fallback.toc,
                )
                return
            if self._rendered is None or self._made_from != self._inputs():
                markdown = self._source()
                config, files = self._shared_key
                self.markdown = markdown
                try:
                    if _MARK in markdown:
                        raise _CannotMark(_MARK)
                    self._rendered = _convert(self, markdown, config, files)
                    self._made_from = self._inputs()
                    self._keep(markdown)
                except _CannotMark:
                    self._fallback = Excerpt(self.post, config, files)
                    self._fallback.authors, self._fallback.categories = (
                        self.authors,
                        self.categories,
                    )
                    self.render(page, separator)
                    return
            content = self._rendered.for_page(page.url)
            self.content, *more = content.split(separator, 1)
            self.more = more[0] if more else None
            self.toc = get_toc(self._rendered.toc_tokens)

    return FastExcerpt


_SHARED: dict[int, tuple[Files, _Shared]] = {}


def _cut_at(post: Any, config: Any) -> str | None:
    """The excerpt separator of the blog that owns ``post``, if its list pages may show
    an excerpt converted up to it (``head_only``): none of them adds the excerpt's table
    of contents to its own, which reads the headings of the whole post."""
    for plugin in config.plugins.values():
        blog = getattr(plugin, "blog", None)
        if blog is None or post not in getattr(blog, "posts", ()):
            continue
        options = plugin.config
        tocs = ("blog_toc", "archive_toc", "categories_toc", "authors_profiles_toc")
        if any(options.get(name) for name in tocs):
            return None
        separator = options.get("post_excerpt_separator")
        return separator if isinstance(separator, str) and separator else None
    return None


Ahead = tuple[bytes, _Rendered, list[tuple[str, int, str]]]
"""An excerpt converted by another process of the build: the SHA-256 of the Markdown it
was converted from, the result, and the messages logged while converting it."""


def markdown_digest(markdown: str) -> bytes:
    """The SHA-256 that identifies a Markdown text between the processes of a build."""
    return hashlib.sha256(markdown.encode("utf-8", "surrogatepass")).digest()


def _fast(page: Any) -> Any:
    excerpt = getattr(page, "excerpt", None)
    return excerpt if getattr(type(excerpt), "_warta", False) else None


def prepare(page: Any, offered: Ahead | None = None) -> bool:
    """Convert the excerpt of ``page`` (a blog post) now, once its own conversion is done,
    instead of when the first list page shows it: the result is the same (``render``
    converts again if the post's Markdown or title changed since), and a build that
    splits its list pages between processes then converts each excerpt once. Messages
    are logged when it is converted, once. True if ``offered`` was taken."""
    excerpt = _fast(page)
    return excerpt is not None and bool(excerpt.prepare(offered))


def release(excerpt: Any) -> None:
    """Forget what an excerpt was rendered to for the list page just written (every list
    page renders it again): otherwise the last list page's HTML of every post's excerpt,
    of the rest of the post after the separator, and its table of contents stay in
    memory to the end."""
    if isinstance(getattr(excerpt, "content", None), str):
        excerpt.content = None
        excerpt.more = None
        excerpt.toc = get_toc([])


def convert_ahead(page: Any) -> tuple[bytes, _Rendered] | None:
    """In a process converting pages for another: the excerpt of ``page`` converted, with
    the digest of its Markdown (None when it has none or the blog renders it itself)."""
    excerpt = _fast(page)
    if excerpt is None:
        return None
    markdown = excerpt._source()
    if _MARK in markdown:
        return None
    config, files = excerpt._shared_key
    try:
        return markdown_digest(markdown), _convert(excerpt, markdown, config, files)
    except _CannotMark:
        return None


#: Set by :mod:`pipeline.site.incremental` for one build: converts an excerpt through the
#: cache between builds, ``(excerpt, markdown, config, files) -> _Rendered``.
converter: Callable[[Any, str, Any, Files], _Rendered] | None = None


def _convert(excerpt: Any, markdown: str, config: Any, files: Files) -> _Rendered:
    # Through the cache between builds when the build has one.
    if converter is not None:
        return converter(excerpt, markdown, config, files)
    return _shared(config, files).convert(excerpt, markdown)


def _shared(config: Any, files: Files) -> _Shared:
    # One per build: keyed by the build's Files object (kept alive by the entry).
    entry = _SHARED.get(id(files))
    if entry is None or entry[0] is not files:
        _SHARED.clear()  # the previous build's instance is no longer needed
        entry = _SHARED[id(files)] = (files, _Shared(config, files))
    return entry[1]


def install() -> bool:
    """Make the blog render each excerpt once; ``False`` if its code has changed."""
    from material.plugins.blog import plugin as blog_plugin
    from material.plugins.blog.structure import Excerpt

    if getattr(blog_plugin.Excerpt, "_warta", False):
        return True
    from material.plugins.blog.structure.markdown import ExcerptTreeprocessor

    actual = {
        "path_to_url": _source_digest(_RelativePathTreeprocessor.path_to_url),
        "excerpt_init": _source_digest(Excerpt.__init__),
        "excerpt_render": _source_digest(Excerpt.render),
        "excerpt_anchors": _source_digest(ExcerptTreeprocessor.run),
    }
    if actual != _MIRRORED:
        return False
    cls = _excerpt_class()
    cls._warta = True  # type: ignore[attr-defined]
    blog_plugin.Excerpt = cls
    return True


def uninstall() -> None:
    """Give the blog its own excerpts back (tests compare both renderings)."""
    from material.plugins.blog import plugin as blog_plugin
    from material.plugins.blog.structure import Excerpt

    blog_plugin.Excerpt = Excerpt
