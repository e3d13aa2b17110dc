"""Caching between builds: render again only the pages whose inputs changed.

A publish after one article is added, edited, withdrawn or released from embargo
changes the inputs of a few pages; every other page would be rendered to the same bytes.
This module keeps, beside the build (``<state>/build-cache/``, format in
``docs/scale.md``, "Caching between builds"):

- a **global key**: SHA-256 of ``mkdocs.yml``, ``warta.yml``, every file of the theme
  folders that no versioned package accounts for, warta's own code, the versions and
  installed-file records of mkdocs, mkdocs-material, Markdown, pymdown-extensions,
  Pagefind and nh3, the plugin set with its options and the Markdown extensions. Any
  difference means a full build, and the publish names the part that changed;
- a **conversion cache** (Markdown → HTML, TOC, anchors) per page, keyed on the Markdown
  after the plugins' ``on_page_markdown``, the page's source and URL, and checked against
  every file lookup the relative-path step made (a renamed or withdrawn target is a
  miss), with the page's HTML as warta's sanitiser leaves it (computed by the process
  that converts the page); the same for each blog excerpt;
- a **page cache**: per output file, the SHA-256 of everything its template is given
  (the navigation, the page's own context as the plugins left it) and of the file it
  produced. A hit links the previous build's file, once its bytes are checked;
- the **Pagefind bundles**: keyed on the HTML files each bundle reads.

Anything this module cannot encode (an object it does not know in a page's context, a
setup it does not know) is rendered, or built in full, and the reason is reported: a
cache may only save work, never change a byte (``tests/test_incremental.py`` compares
every file with a full build for each kind of change).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import hashlib
import importlib.metadata
import inspect
import json
import logging
import os
import pickle
import shutil
import sys
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import markupsafe
from mkdocs import utils as mk_utils
from mkdocs.commands import build as mk
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import BuildError as MkBuildError
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Link, Section
from mkdocs.structure.pages import (
    Page,
)
from mkdocs.structure.toc import AnchorLink, get_toc

import pipeline
from pipeline.content.parsecache import Restricted
from pipeline.fsutil import atomic_write_bytes, sha256_file, write_entry
from pipeline.site.convert import convert

log = logging.getLogger("mkdocs.plugins.warta")
_mk_log = logging.getLogger("mkdocs.commands.build")  # as the mirrored functions log

#: Version of the on-disk format (manifest and entries).
CACHE_VERSION = 4
#: The file name ending of a conversion or excerpt entry (a pickle: _Builtins).
ENTRY_SUFFIX = ".pickle"
#: Entry files of earlier format versions, removed by the next build that records.
_OLD_SUFFIXES = (".json",)
MANIFEST = "manifest.json"
#: Reading times of the blog's posts, by the SHA-256 of the HTML they were computed from.
READTIME = "readtime.json"

#: Packages whose version and installed files are part of the global key.
PACKAGES = ("mkdocs", "mkdocs-material", "Markdown", "pymdown-extensions", "pagefind", "nh3")
#: Plugins whose hooks this module knows (what they read and keep between pages).
KNOWN_PLUGINS = frozenset(
    {"warta", "search", "material/search", "tags", "material/tags", "blog", "material/blog"}
)
#: Markdown extensions known to read nothing but the page's own text and the site's
#: configuration (``pymdownx.snippets`` reads files: not here).
_MARKDOWN_BUILTIN = [
    "abbr",
    "admonition",
    "attr_list",
    "codehilite",
    "def_list",
    "extra",
    "fenced_code",
    "footnotes",
    "legacy_attrs",
    "legacy_em",
    "md_in_html",
    "meta",
    "nl2br",
    "sane_lists",
    "smarty",
    "tables",
    "toc",
    "wikilinks",
]
_PYMDOWNX = [
    "arithmatex",
    "betterem",
    "caret",
    "critic",
    "details",
    "emoji",
    "escapeall",
    "highlight",
    "inlinehilite",
    "keys",
    "mark",
    "progressbar",
    "saneheaders",
    "smartsymbols",
    "striphtml",
    "superfences",
    "tabbed",
    "tasklist",
    "tilde",
]
KNOWN_EXTENSIONS = frozenset(
    _MARKDOWN_BUILTIN
    + [f"markdown.extensions.{name}" for name in _MARKDOWN_BUILTIN]
    + [f"pymdownx.{name}" for name in _PYMDOWNX]
)

#: SHA-256 of the mkdocs 1.6.1 functions mirrored below: another version may populate or
#: render pages otherwise, so the build is then a full one.
_MIRRORED = {
    "populate": "31a70ea4caef1e127a9d65a0f346ee322bad00d673ef824d82acf807e61d91c2",
    "build_page": "adcdbd14b236112697cafec9171bd281981f15a776e0d2f941a62e7bffd9a0d5",
    "render": "320529348f7a8af152073d0a3ab02960ccce91f9204716144e51b20931983cc6",
}


def _source_digest(obj: Any) -> str:
    return hashlib.sha256(inspect.getsource(obj).encode()).hexdigest()


def _mirrored() -> dict[str, str]:
    return {
        "populate": _source_digest(mk._populate_page),
        "build_page": _source_digest(mk._build_page),
        "render": _source_digest(Page.render),
    }


def _sha(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()


#: One encoder for every key (``json.dumps`` with these arguments makes a new one per
#: call; some 20,000 keys and digests per publish at 5,000 posts).
_KEY_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _dumps(value: Any) -> str:
    return _KEY_ENCODER.encode(value)


class Unprovable(Exception):
    """Something whose effect on the output this module cannot account for."""


# -- the global key ------------------------------------------------------------------


def _tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if "__pycache__" in path.parts:
            continue
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(_sha(path.read_bytes()).encode() + b"\0")
    return digest.hexdigest()


def _package(name: str) -> tuple[str, Path | None]:
    """A package's version and installed-files record, and the folder it is installed in."""
    try:
        dist = importlib.metadata.distribution(name)
    except importlib.metadata.PackageNotFoundError:
        return "absent", None
    record = dist.read_text("RECORD") or ""
    base = Path(str(dist.locate_file("")))
    return f"{dist.version} {_sha(record)}", base


def global_key(config: MkDocsConfig) -> dict[str, str]:
    """The parts of the global key, each a digest (raises :class:`Unprovable`)."""
    mkdocs_file = Path(config.config_file_path)
    text = mkdocs_file.read_text(encoding="utf-8")
    if "!ENV" in text or "INHERIT" in text:
        raise Unprovable(f"{mkdocs_file.name} reads the environment or another file")
    warta = config.plugins.get("warta")
    if warta is None:
        raise Unprovable("no warta plugin")
    warta_file = mkdocs_file.parent / warta.config.config_file
    key = {"mkdocs.yml": _sha(text), "warta.yml": _sha(warta_file.read_bytes())}
    installed: list[Path] = []
    for name in PACKAGES:
        key[name], base = _package(name)
        if base is not None:
            installed.append(base)
    key["python"] = sys.version
    key["warta"] = f"{pipeline.__version__} {_tree_digest(Path(pipeline.__file__).parent)}"
    for number, folder in enumerate(config.theme.dirs):
        path = Path(folder).resolve()
        if any(path.is_relative_to(base) for base in installed) and not path.is_relative_to(
            Path(pipeline.__file__).parent.resolve()
        ):
            key[f"theme[{number}]"] = "in a package above"
        else:
            key[f"theme[{number}]"] = _tree_digest(path)
    unknown = sorted(n for n in config.plugins if n.split(" #")[0] not in KNOWN_PLUGINS)
    if unknown:
        raise Unprovable(f"plugin(s) {', '.join(unknown)} not known to this cache")
    plugins = {}
    for name, plugin in config.plugins.items():
        options = _dumps({k: _plain(v) for k, v in dict(plugin.config).items()})
        plugins[name] = options
    key["plugins"] = _sha(_dumps(plugins))
    extensions = [e if isinstance(e, str) else type(e).__name__ for e in config.markdown_extensions]
    unknown = [e for e in extensions if e not in KNOWN_EXTENSIONS]
    if unknown:
        raise Unprovable(f"Markdown extension(s) {', '.join(unknown)} may read other files")
    key["markdown"] = _sha(
        _dumps({"extensions": extensions, "configs": _plain(config.mdx_configs)})
    )
    key["config"] = _sha(
        _dumps(
            {
                "extra": _plain(dict(config.extra)),
                "theme": _plain(dict(config.theme.items())),
                "site_url": config.site_url,
                "site_name": config.site_name,
                "use_directory_urls": config.use_directory_urls,
                "extra_css": list(config.extra_css),
                "extra_javascript": [str(s) for s in config.extra_javascript],
                "copyright": config.copyright,
                "repo_url": config.repo_url,
                "edit_uri": config.edit_uri,
                "validation": _plain(dict(config.validation)),
            }
        )
    )
    return key


def _plain(value: Any) -> Any:
    """Configuration values as JSON (raises Unprovable on an object it cannot spell)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted(_dumps(_plain(v)) for v in value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if hasattr(value, "items") and callable(value.items):  # mkdocs' Config objects
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, functools.partial):  # e.g. the tags plugin's slugify
        return ["partial", _plain(value.func), _plain(value.args), _plain(value.keywords)]
    if inspect.isfunction(value) or inspect.isbuiltin(value):
        return f"function {value.__module__}.{value.__qualname__}"
    text = repr(value)
    if " at 0x" in text:
        raise Unprovable(f"configuration value {text[:60]}")
    return f"{type(value).__qualname__}:{text}"


# -- what a template is given ----------------------------------------------------------


def _ref(item: Any) -> Any:
    """Another page, section or link of the site, as a template reads it."""
    if item is None:
        return None
    if isinstance(item, Section):
        return ["S", str(item.title), [_ref(c) for c in item.children]]
    if isinstance(item, Link):
        return ["L", str(item.title), item.url]
    if isinstance(item, Page):
        return ["P", _text(item.title), item.url, item.file.src_uri]
    raise Unprovable(f"navigation item {type(item).__qualname__}")


def _text(value: Any) -> Any:
    if isinstance(value, markupsafe.Markup):
        return ["M", str(value)]
    return value


def _toc(items: Any) -> Any:
    return [
        [_text(i.title), i.id, i.level, _toc(i.children)] if isinstance(i, AnchorLink) else _enc(i)
        for i in items or []
    ]


def _enc(value: Any, depth: int = 0) -> Any:
    """A JSON spelling of a value a template may read (Unprovable if unknown)."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:  # the common cases
        return value
    if kind is markupsafe.Markup:
        return ["M", str(value)]
    if kind is list:
        return [_enc(v, depth + 1) for v in value]
    if kind is dict:
        return ["d", sorted([str(k), _enc(v, depth + 1)] for k, v in value.items())]
    if depth > 40:
        raise Unprovable("a value nested too deeply")
    if isinstance(value, bool | int):
        return value
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, float):
        return ["F", repr(value)]
    if isinstance(value, datetime | date):
        return ["D", type(value).__name__, value.isoformat()]
    if isinstance(value, list | tuple):
        return [_enc(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return ["d", sorted([str(k), _enc(v, depth + 1)] for k, v in value.items())]
    if isinstance(value, set | frozenset):
        return ["s", sorted(_dumps(_enc(v, depth + 1)) for v in value)]
    if isinstance(value, AnchorLink):
        return _toc([value])
    if isinstance(value, Page) and type(value).__name__ in ("Excerpt", "FastExcerpt"):
        return _excerpt(value, depth)
    if isinstance(value, Page | Section | Link):
        return _ref(value)
    if hasattr(kind, "__dataclass_fields__"):
        return [
            kind.__qualname__,
            [[f.name, _enc(getattr(value, f.name), depth + 1)] for f in dataclasses.fields(value)],
        ]
    module = kind.__module__
    if module.startswith("material.plugins.tags.structure"):
        return [kind.__qualname__, _enc(vars(value), depth + 1)]
    if module.startswith(("mkdocs.config", "material.plugins.blog.structure.config")) or (
        module.startswith("material.plugins.blog.author")
    ):
        return [kind.__qualname__, _memo(value, lambda: _enc(dict(value.items()), depth + 1))]
    if callable(value) and getattr(value, "__qualname__", "").endswith(
        "on_page_context.<locals>.pager"
    ):
        # The blog's pager closure: what it shows is its Pager (scale.Pager).
        cells = [c.cell_contents for c in value.__closure__ or ()]
        shown = [c for c in cells if hasattr(type(c), "__dataclass_fields__")]
        return ["pager", [_enc(c, depth + 1) for c in shown]]
    raise Unprovable(f"a {module}.{kind.__qualname__} in the context")


#: Spellings of the objects one build's pages share (a post's configuration and its
#: excerpt's fixed parts), by identity: they are set while pages are read and converted,
#: and no known plugin changes them while pages are rendered. Cleared for each build.
#: Each is kept as the SHA-256 of its spelling: the spellings themselves (a post's
#: configuration, meta and authors as nested lists) were about 6 KB per post, held to
#: the end of the build (120 MB at 20,000 posts), and a key only hashes them.
_MEMO: dict[int, tuple[Any, Any]] = {}


def _memo(obj: Any, spell: Any) -> Any:
    found = _MEMO.get(id(obj))
    if found is not None and found[0] is obj:
        return found[1]
    value = ["#", _sha(_dumps(spell()))]
    _MEMO[id(obj)] = (obj, value)
    return value


def _excerpt_fixed(excerpt: Any, depth: int) -> Any:
    """The parts of an excerpt that do not depend on the list page showing it."""
    return _memo(
        excerpt,
        lambda: [
            _text(excerpt.title),
            excerpt.url,
            _enc(excerpt.config, depth + 1),
            _enc(list(excerpt.authors), depth + 1),
            [_ref(c) for c in excerpt.categories],
            _enc(excerpt.meta, depth + 1),
            excerpt.post.url,
        ],
    )


def _excerpt(excerpt: Any, depth: int) -> Any:
    fixed = _excerpt_fixed(excerpt, depth)
    # What depends on the list page: the excerpt's links, its TOC.
    return [
        "E",
        fixed,
        _sha(excerpt.content or ""),
        _enc(excerpt.more, depth + 1),
        _toc(excerpt.toc),
    ]


def _page(page: Page, containers: dict[int, list[int]]) -> Any:
    sig: dict[str, Any] = {
        "class": type(page).__qualname__,
        "src": page.file.src_uri,
        "dest": page.file.dest_uri,
        "url": page.url,
        "canonical": page.canonical_url,
        "abs": page.abs_url,
        "edit": page.edit_url,
        "title": _text(page.title),
        "home": page.is_homepage,
        "meta": _enc(page.meta),
        "content": _sha(page.content or ""),
        "toc": _toc(page.toc),
        "previous": _ref(page.previous_page),
        "next": _ref(page.next_page),
        "parent": _ref(page.parent),
        "ancestors": [_ref(a) for a in page.ancestors],
        "update": page.update_date,
        "in": containers.get(id(page), []),
        "title_from_render": page._title_from_render,
    }
    for name in ("config", "authors", "categories", "excerpt_url"):
        if hasattr(page, name) and name != "excerpt_url":
            value = getattr(page, name)
            sig[name] = [_ref(c) for c in value] if name == "categories" else _enc(value)
    return sig


def _nav_digest(nav: Any) -> tuple[str, dict[int, list[int]]]:
    """The navigation as every page's template sees it, and which item lists hold a page
    (``page in nav_item.pages``: the blog's views)."""
    containers: dict[int, list[int]] = {}
    counter = iter(range(1 << 30))

    def walk(item: Any) -> Any:
        number = next(counter)
        pages = getattr(item, "pages", None)
        held: Any = None
        if isinstance(pages, list):
            for page in pages:
                containers.setdefault(id(page), []).append(number)
            held = [p.url for p in pages]
        base = _ref(item) if not isinstance(item, Section) else ["S", str(item.title)]
        extra = {
            "meta": _enc(getattr(item, "meta", None)),
            "pages": held,
            "is_index": getattr(item, "is_index", None),
            "children": [walk(c) for c in getattr(item, "children", None) or []],
        }
        for name in ("encrypted", "typeset"):
            if hasattr(item, name):
                extra[name] = _enc(getattr(item, name))
        return [base, extra]

    digest = _sha(_dumps([walk(item) for item in nav.items]))
    return digest, containers


#: Plugins whose ``on_page_context`` leaves a blog post's context as it found it (the
#: blog's works on its views only; warta's on list pages and the home page).
_POST_NEUTRAL = ("blog", "material/blog", "warta")
_TAGS = ("tags", "material/tags")


class _Listing:
    """One tag listing as a post's tag links read it: which tags it may hold (None:
    any) and its spelling (its page, title, identifier and options)."""

    __slots__ = ("include", "spelling")

    def __init__(self, include: list[str] | None, spelling: str) -> None:
        self.include, self.spelling = include, spelling

    def may_hold(self, tags: list[str] | None) -> bool:
        """Whether this listing may link a post tagged ``tags`` (None: tags unknown).

        A prefix test: a parent of a tag in a hierarchy is a prefix of it, so the
        test may hold a listing in that does not, never the other way round."""
        if self.include is None or tags is None:
            return True
        return any(tag.startswith(name) for tag in tags for name in self.include)


def _tags_property(config: MkDocsConfig) -> str | None:
    """The page property every tags plugin reads a page's tags from (None: several)."""
    names = {
        plugin.config.tags_name_property
        for name, plugin in config.plugins.items()
        if name.split(" #")[0] in _TAGS
    }
    return names.pop() if len(names) == 1 else None


def _post_listings(config: MkDocsConfig) -> list[_Listing]:
    """What the plugins' ``on_page_context`` reads for a blog post, besides the post
    and the navigation: the tags plugin's listings, from which it makes the post's tag
    links. A plugin not known here raises :class:`Unprovable` (every post then takes
    the usual way)."""
    listings: list[_Listing] = []
    for name, plugin in config.plugins.items():
        base = name.split(" #")[0]
        if base in _POST_NEUTRAL:
            continue
        if base not in _TAGS:
            raise Unprovable(f"plugin {name} may change a post's context")
        if not plugin.config.enabled:
            listings.append(_Listing(None, _dumps([name, "off"])))
            continue
        for listing in sorted(plugin.listings, key=lambda listing: str(listing.id)):
            page = listing.page
            options = dict(listing.config.items())
            include = options.get("include")
            names = [str(getattr(t, "name", t)) for t in include] if include else None
            where = [name, str(listing.id), page.file.src_uri, page.url]
            spelling = _dumps([*where, _text(page.title), _plain(options)])
            listings.append(_Listing(names, spelling))
    return listings


def _view_blogs(config: MkDocsConfig) -> list[Any]:
    """The blog plugin instances whose list pages may be keyed before
    ``on_page_context``: stable pagination (``scale.stabilise``) and no list page adding
    an excerpt's table of contents to its own (which changes the page's TOC in that
    hook). Plugins other than those of ``_post_listings`` are refused there."""
    from pipeline.site import scale

    tocs = ("blog_toc", "archive_toc", "categories_toc", "authors_profiles_toc")
    out = []
    for name, plugin in config.plugins.items():
        if name.split(" #")[0] not in ("blog", "material/blog") or not plugin.config.enabled:
            continue
        if not scale.stable(plugin) or any(plugin.config.get(t) for t in tocs):
            continue
        out.append(plugin)
    return out


def _post_tags(page: Page, name: str | None) -> list[str] | None:
    """The tags of a post, as the tags plugin reads them from ``name`` (None: unknown)."""
    if name is None:
        return None
    tags = page.meta.get(name)
    if tags is None:
        return []
    if isinstance(tags, list) and all(isinstance(t, str) for t in tags):
        return tags
    return None


#: Context entries a template is given, and how they enter the page's key.
_SKIPPED = {
    # Every documentation file: no template of mkdocs-material or warta reads it.
    "pages",
    # The build's clock: no template of mkdocs-material or warta reads it.
    "build_date_utc",
}


# -- the cache --------------------------------------------------------------------------


@dataclasses.dataclass
class Report:
    """What the cache did in one build (``warta publish`` prints it)."""

    full: bool = True
    reason: str = ""
    pages_rendered: int = 0
    pages_kept: int = 0
    converted: int = 0
    conversions_kept: int = 0
    excerpts_converted: int = 0
    excerpts_kept: int = 0
    posts_kept_early: int = 0
    """Posts kept by their key before ``on_page_context`` (among ``pages_kept``)."""
    lists_kept_early: int = 0
    """Blog list pages kept by their key before ``on_page_context`` (among
    ``pages_kept``)."""
    bundles_indexed: int = 0
    bundles_kept: int = 0
    outputs_made: int = 0
    """Files the plugin writes after the pages (the API's items), made anew."""
    outputs_kept: int = 0
    unprovable: list[str] = dataclasses.field(default_factory=list)

    def summary(self) -> str:
        """One line for a person."""
        head = f"full build ({self.reason})" if self.full else "incremental build"
        out = (
            f"{head}: {self.pages_rendered} pages rendered, {self.pages_kept} kept; "
            f"{self.converted} conversions, {self.conversions_kept} kept"
        )
        if self.bundles_indexed or self.bundles_kept:
            out += f"; search bundles {self.bundles_indexed} indexed, {self.bundles_kept} kept"
        if self.outputs_made or self.outputs_kept:
            out += f"; API files {self.outputs_made} made, {self.outputs_kept} kept"
        return out


class _RecordingFiles:
    """Stands for the build's Files in mkdocs' relative-path step: records each lookup."""

    def __init__(self, files: Files) -> None:
        self._files = files
        self.lookups: dict[str, Any] = {}
        self.other = False

    def get_file_from_path(self, path: str) -> Any:
        found = self._files.get_file_from_path(path)
        self.lookups[path] = None if found is None else [found.url, found.inclusion.name]
        return found

    def __getattr__(self, name: str) -> Any:
        self.other = True  # a use this cache does not record: the entry is not kept
        return getattr(self._files, name)


def _lookups_hold(lookups: dict[str, Any], files: Files) -> bool:
    for path, expected in lookups.items():
        found = files.get_file_from_path(path)
        actual = None if found is None else [found.url, found.inclusion.name]
        if actual != expected:
            return False
    return True


class _Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def _draft_marked(page: Page) -> None:
    # As mkdocs' _build_page marks a page that is excluded from the built site.
    page.content = (
        '<div class="mkdocs-draft-marker" '
        'title="This page will not be included into the built site.">'
        "DRAFT"
        "</div>" + (page.content or "")
    )


#: The counts a conversion made by a second build process adds (:meth:`BuildCache.tally`).
_CONVERSION_COUNTS = ("converted", "conversions_kept", "excerpts_converted", "excerpts_kept")

#: In a stored excerpt, the per-process marker of :mod:`pipeline.site.excerpts`.
_STORED_MARK = "\x00warta-mark\x00"


class BuildCache:
    """The caches of one build, read from and written to ``folder``.

    ``previous`` is the live build folder (the site being replaced). The build calls
    :meth:`begin` after the plugins' ``on_config``, :meth:`convert` as the conversion
    step of :func:`pipeline.site.engine.populate_page`, :meth:`build_page` in place of
    mkdocs' own, and :meth:`finish` once the new build is in place.
    """

    def __init__(self, folder: Path, previous: Path | None, *, reuse: bool = True) -> None:
        self.folder = folder
        self.previous = previous
        self.reuse = reuse
        self.report = Report()
        self.recording = False  # entries and the manifest are written
        self.reusing = False  # entries of the previous build are used
        self.key: dict[str, str] = {}
        self.key_digest = ""
        self.nav_digest = ""
        self.containers: dict[int, list[int]] = {}
        self.post_listings: list[_Listing] | None = None
        self.view_blogs: list[Any] = []
        self._held_by_tag: dict[str, set[int]] = {}
        self.tags_property: str | None = None
        self.previous_pages: dict[str, list[Any]] = {}
        self.previous_bundles: dict[str, str] = {}
        self.previous_outputs: dict[str, list[Any]] = {}
        self.previous_readtimes: dict[str, Any] = {}
        self.readtimes: dict[str, Any] = {}
        self.pages: dict[str, list[Any]] = {}
        self.bundles: dict[str, str] = {}
        self.outputs: dict[str, list[Any]] = {}
        self.used: set[str] = set()
        self.written: list[Path] = []
        self.site_dir: Path | None = None
        self._forked: dict[str, Any] = dataclasses.asdict(self.report)
        self._tallied: dict[str, int] = {}
        self._tallied_used: list[str] = []
        self._folders: set[str] = set()  # entry folders known to exist
        #: The first ``on_page_content`` step (warta's sanitiser), a pure function of a
        #: page's HTML: applied where the page is converted, kept in its entry.
        self.content_filter: Callable[[str], str] | None = None
        self._prepared: dict[int, tuple[str, str]] = {}
        #: What follows it in warta's ``on_page_content`` (within one build: it reads
        #: the photos beside the page), for the conversion child's reading times.
        self.page_filter: Callable[[Page, str], str] | None = None

    # -- deciding ---------------------------------------------------------------------

    def off(self, reason: str) -> None:
        """No cache in this build: a full build that says why."""
        self.recording = self.reusing = False
        self.report.full, self.report.reason = True, reason
        self._unhook()

    def begin(self, config: MkDocsConfig) -> None:
        """Compute the global key and decide: incremental, or full (and why)."""
        self.site_dir = Path(config.site_dir)
        if _mirrored() != _MIRRORED:
            self.off("this mkdocs populates or renders pages otherwise than 1.6.1")
            return
        try:
            self.key = global_key(config)
        except Unprovable as error:
            self.off(f"cannot be proven safe: {error}")
            return
        self.key_digest = _sha(_dumps(self.key))
        self.recording = True
        self._hook()
        reason = self._load_manifest()
        if reason is not None:
            self.report.full, self.report.reason = True, reason
            return
        self.reusing = True
        self.report.full, self.report.reason = False, ""

    def _load_manifest(self) -> str | None:
        """Read the previous build's manifest; the reason for a full build if unusable."""
        path = self.folder / MANIFEST
        if not self.reuse:
            return "asked for"
        if self.previous is None or not self.previous.is_dir():
            return "no previous build"
        try:
            data = _loads_acyclic(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return "no build cache yet"
        except (OSError, ValueError) as error:
            return f"the build cache's manifest cannot be read ({error})"
        if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
            return f"the build cache has another format version than {CACHE_VERSION}"
        if data.get("site") != self.previous.name:
            return "the live site is not the build the cache describes"
        old = data.get("key")
        if not isinstance(old, dict):
            return "the build cache's manifest has no key"
        changed = sorted(k for k in set(old) | set(self.key) if old.get(k) != self.key.get(k))
        if changed:
            return "changed: " + ", ".join(changed)
        pages, bundles = data.get("pages"), data.get("bundles")
        if not isinstance(pages, dict) or not isinstance(bundles, dict):
            return "the build cache's manifest is incomplete"
        outputs = data.get("outputs")
        if not isinstance(outputs, dict):
            return "the build cache's manifest is incomplete"
        self.previous_pages = pages
        self.previous_bundles = bundles
        self.previous_outputs = outputs
        try:
            times = json.loads((self.folder / READTIME).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            times = None
        valid = isinstance(times, dict) and times.get("version") == CACHE_VERSION
        if valid and isinstance(times.get("times"), dict):
            self.previous_readtimes = times["times"]
        return None

    def _hook(self) -> None:
        from material.plugins.blog import plugin as blog

        from pipeline.site import excerpts

        excerpts.converter = self.excerpt
        if getattr(blog.readtime, "_warta_original", None) is None:
            original = blog.readtime

            def readtime(html: str, words_per_minute: int) -> Any:
                return self.readtime(original, html, words_per_minute)

            readtime._warta_original = original  # type: ignore[attr-defined]
            blog.readtime = readtime

    def _unhook(self) -> None:
        from material.plugins.blog import plugin as blog

        from pipeline.site import excerpts

        if excerpts.converter == self.excerpt:
            excerpts.converter = None
        original = getattr(blog.readtime, "_warta_original", None)
        if original is not None:
            blog.readtime = original

    def readtime(self, original: Any, html: str, words_per_minute: int) -> Any:
        """The blog's reading time of a post: a pure function of its HTML, kept."""
        key = _sha(f"{words_per_minute}\0{html}")
        minutes = self.previous_readtimes.get(key)
        if not isinstance(minutes, int) or isinstance(minutes, bool):
            minutes = original(html, words_per_minute)
        self.readtimes[key] = minutes
        return minutes

    def readtimes_ahead(
        self, page: Page, config: MkDocsConfig, clean: str | None
    ) -> dict[str, Any]:
        """In the conversion child: the blog's reading time of post ``page``, computed
        from the HTML the blog's ``on_page_content`` will be given in the build process
        (``clean`` through :attr:`page_filter`), keyed as :meth:`readtime` keys it. The
        build process takes these in (:meth:`absorb_readtimes`) and computes none of
        them again; HTML it reaches otherwise has another key, and is computed there."""
        if clean is None or self.page_filter is None or not self.recording:
            return {}  # (without the cache, the build process would not look them up)
        from material.plugins.blog import plugin as blog

        found: dict[str, Any] = {}
        html: str | None = None
        for plugin in config.plugins.values():
            if not isinstance(plugin, blog.BlogPlugin) or not plugin.config.enabled:
                continue
            if not plugin.config.post_readtime or page not in plugin.blog.posts:
                continue
            if page.config.readtime:  # type: ignore[attr-defined]
                continue
            if html is None:
                html = self.page_filter(page, clean)
            words = plugin.config.post_readtime_words_per_minute
            key = _sha(f"{words}\0{html}")
            found[key] = blog.readtime(html, words)
        return found

    def absorb_readtimes(self, found: dict[str, Any]) -> None:
        """Take in :meth:`readtimes_ahead` of the conversion child."""
        self.previous_readtimes.update(found)

    # -- entries ------------------------------------------------------------------------

    def _entry_path(self, kind: str, key: str) -> str:
        # A string (a Path keeps its own): pathlib's joins and read_text were half of
        # a kept page's read.
        return f"{self.folder}/{kind}/{key[:2]}/{key}{ENTRY_SUFFIX}"

    def _read(self, kind: str, key: str) -> dict[str, Any] | None:
        try:
            with open(self._entry_path(kind, key), "rb") as handle:
                data = _Builtins(handle).load()
        except Exception:  # unreadable, damaged or planted: a miss (_Builtins)
            return None
        if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
            return None
        return data

    def _write(self, kind: str, key: str, data: dict[str, Any]) -> None:
        path = self._entry_path(kind, key)
        payload = pickle.dumps({"version": CACHE_VERSION, **data}, pickle.HIGHEST_PROTOCOL)
        # Not durable: a lost entry is a miss; a damaged one fails to parse (a miss too).
        write_entry(path, payload, self._folders)
        self._use(f"{kind}/{key}")

    def _use(self, entry: str) -> None:
        self.used.add(entry)
        self._tallied_used.append(entry)

    def tally(self) -> dict[str, Any]:
        """What this process recorded since the previous call (the entries used and the
        conversions counted), for the build process to :meth:`absorb` when it takes a
        conversion a second process made for it."""
        now = {name: getattr(self.report, name) for name in _CONVERSION_COUNTS}
        counts = {name: now[name] - self._tallied.get(name, 0) for name in now}
        used, self._tallied_used, self._tallied = self._tallied_used, [], now
        return {"used": used, "counts": counts}

    def absorb(self, tally: dict[str, Any] | None) -> None:
        """Take in a second process' :meth:`tally`."""
        if not tally:
            return
        self.used.update(tally["used"])
        for name, count in tally["counts"].items():
            setattr(self.report, name, getattr(self.report, name) + count)

    # -- conversions --------------------------------------------------------------------

    def convert(self, page: Page, config: MkDocsConfig, files: Files) -> None:
        """The conversion step of ``_populate_page`` (``Page.render``), through the cache."""
        if not self.recording:
            page.render(config, files)
            return
        assert page.markdown is not None
        file = page.file
        key = _sha(
            _dumps([self.key_digest, "page", file.src_uri, file.url, file.inclusion.name])
            + page.markdown
        )
        if self.reusing:
            entry = self._read("convert", key)
            if entry is not None and self._apply(page, entry, files):
                self._use(f"convert/{key}")
                self.report.conversions_kept += 1
                return
        self.report.converted += 1
        recorder = _RecordingFiles(files)
        warnings = _Warnings()
        mkdocs_log = logging.getLogger("mkdocs")
        mkdocs_log.addHandler(warnings)
        try:
            tokens = _page_render(page, config, recorder)
        finally:
            mkdocs_log.removeHandler(warnings)
        clean = self.prepare_clean(page.content)
        if recorder.other or warnings.count:
            return  # warnings must be given again by the next build: not kept
        links = {
            target.src_uri: anchors for target, anchors in (page.links_to_anchors or {}).items()
        }
        self._write(
            "convert",
            key,
            {
                "content": page.content,
                "toc": tokens,
                "title": page._title_from_render,
                "anchors": sorted(page.present_anchor_ids or ()),
                "links_to_anchors": links if page.links_to_anchors is not None else None,
                "lookups": recorder.lookups,
                "clean": clean,
            },
        )

    def prepare_clean(self, html: Any, clean: Any = None) -> str | None:
        """``html`` through :attr:`content_filter` (``clean``: already computed), for
        :meth:`cleaned` to give when the page's hooks ask."""
        if self.content_filter is None or not isinstance(html, str):
            return None
        if not isinstance(clean, str):
            clean = self.content_filter(html)
        self._prepared[id(html)] = (html, clean)
        return clean

    def cleaned(self, html: Any) -> str | None:
        """:attr:`content_filter` of ``html`` if this process' conversion step (or the
        second process') computed it for this very string; else None.

        Taken once: the string is matched by identity (held until taken, so its id
        cannot be reused meanwhile), never by equality, so nothing but the page's own
        converted HTML is ever given its filtered form."""
        found = self._prepared.pop(id(html), None)
        if found is None or found[0] is not html:
            return None
        return found[1]

    def _apply(self, page: Page, entry: dict[str, Any], files: Files) -> bool:
        lookups = entry.get("lookups")
        if not isinstance(lookups, dict) or not _lookups_hold(lookups, files):
            return False
        links: dict[Any, Any] | None = None
        if logging.getLogger("mkdocs.structure.pages").getEffectiveLevel() > logging.DEBUG:
            links = {}
            for src, anchors in (entry.get("links_to_anchors") or {}).items():
                target = files.get_file_from_path(src)
                if target is None:
                    return False
                links[target] = anchors
        page.content = entry["content"]
        page.toc = get_toc(entry["toc"])
        page._title_from_render = entry["title"]
        page.present_anchor_ids = set(entry["anchors"])
        if links is not None:
            page.links_to_anchors = links
        self.prepare_clean(page.content, entry.get("clean"))
        return True

    def excerpt(self, excerpt: Any, markdown: str, config: Any, files: Files) -> Any:
        """An excerpt converted once (``excerpts.py``), through the cache."""
        from pipeline.site import excerpts

        shared = excerpts._shared(config, files)
        key = _sha(
            _dumps([self.key_digest, "excerpt", excerpt.file.src_uri, excerpt.post.url]) + markdown
        )
        if self.reusing:
            entry = self._read("excerpt", key)
            if (
                entry is not None
                and isinstance(entry.get("lookups"), dict)
                and _lookups_hold(entry["lookups"], files)
            ):
                self._use(f"excerpt/{key}")
                self.report.excerpts_kept += 1
                html = entry["html"].replace(_STORED_MARK, excerpts._MARK)
                kept = excerpts._Rendered(
                    html, [tuple(link) for link in entry["links"]], entry["toc"]
                )
                kept.ident = _sha(_dumps([key, entry["lookups"]]))
                return kept
        self.report.excerpts_converted += 1
        recorder = _RecordingFiles(files)
        warnings = _Warnings()
        mkdocs_log = logging.getLogger("mkdocs")
        mkdocs_log.addHandler(warnings)
        shared.paths.files = recorder  # type: ignore[assignment]
        try:
            rendered = shared.convert(excerpt, markdown)
        finally:
            shared.paths.files = files
            mkdocs_log.removeHandler(warnings)
        stored = rendered.html.replace(excerpts._MARK, _STORED_MARK)
        # Only the markers may carry this process' nonce, and nothing may look like one.
        clean = excerpts._NONCE not in stored and _STORED_MARK not in rendered.html
        if not recorder.other and not warnings.count and clean:
            # What the conversion was made from, between builds: its key and every
            # lookup it made (a list page's key before on_page_context names it).
            rendered.ident = _sha(_dumps([key, recorder.lookups]))
            self._write(
                "excerpt",
                key,
                {
                    "html": stored,
                    "links": [list(link) for link in rendered.links],
                    "toc": rendered.toc_tokens,
                    "lookups": recorder.lookups,
                },
            )
        return rendered

    # -- pages -----------------------------------------------------------------------

    def before_pages(self, nav: Any, config: MkDocsConfig | None = None) -> None:
        """The navigation's digest, once every page is converted (before any render),
        and what the plugins' ``on_page_context`` reads for a blog post besides it."""
        if not self.recording:
            return
        try:
            self.nav_digest, self.containers = _nav_digest(nav)
        except Unprovable as error:
            self.off(f"cannot be proven safe: {error}")
            return
        self.post_listings = None
        self.view_blogs = []
        self._held_by_tag = {}
        if config is not None:
            try:
                self.post_listings = _post_listings(config)
                self.tags_property = _tags_property(config)
                self.view_blogs = _view_blogs(config)
            except Unprovable as error:
                self.report.unprovable.append(f"blog posts: {error}")
        _MEMO.clear()
        # What the second build process counts from here on is added to this one's.
        self._forked = dataclasses.asdict(self.report)

    def build_page(
        self,
        page: Page,
        config: MkDocsConfig,
        doc_files: Any,
        nav: Any,
        env: Any,
        dirty: bool = False,
        excluded: bool = False,
    ) -> None:
        """mkdocs' ``_build_page`` (1.6.1); a page whose inputs are unchanged is kept.

        A blog post is first looked up by its key before the plugins' ``on_page_context``
        (:meth:`_post_key`): what those hooks add to a post's context is a function of
        the post and of the tag listings that may hold it (:func:`_post_listings`), so
        an unchanged post is kept without building its context."""
        config._current_page = page
        try:
            page.active = True
            dest = page.file.dest_uri
            name = page.meta.get("template", "main.html")
            early, listing = None, False
            if self.recording:
                early = self._post_key(page, name, excluded)
                if early is None:
                    early = self._view_key(page, name, excluded)
                    listing = early is not None
            if early is not None and self.reusing and self._keep(dest, early, slot=2):
                self.report.pages_kept += 1
                if listing:
                    self.report.lists_kept_early += 1
                else:
                    self.report.posts_kept_early += 1
                return
            context = mk.get_context(nav, doc_files, config, page)
            template = env.get_template(name)
            context = config.plugins.on_page_context(context, page=page, config=config, nav=nav)
            if excluded:
                _draft_marked(page)
            key = self._page_key(context, page, name, excluded) if self.recording else None
            if key is not None and self.reusing and self._keep(dest, key, early=early):
                self.report.pages_kept += 1
                return
            output = template.render(context)
            output = config.plugins.on_post_page(output, page=page, config=config)
            digest, stamp = None, None
            if output.strip():
                data = output.encode("utf-8", errors="xmlcharrefreplace")
                mk_utils.write_file(data, page.file.abs_dest_path)
                digest = _sha(data)
                stamp = _stamp(page.file.abs_dest_path)
            else:
                _mk_log.info(f"Page skipped: '{page.file.src_uri}'. Generated empty output.")
            self.report.pages_rendered += 1
            if key is not None:
                self.pages[dest] = [key, digest, early, stamp]
        except Exception as e:
            message = f"Error building page '{page.file.src_uri}':"
            if not isinstance(e, MkBuildError):
                message += f" {e}"
            _mk_log.error(message)
            raise
        finally:
            page.active = False
            config._current_page = None

    def _page_key(self, context: Any, page: Page, template: str, excluded: bool) -> str | None:
        try:
            sig: dict[str, Any] = {
                "template": template,
                "excluded": excluded,
                "page": _page(page, self.containers),
            }
            for name, value in context.items():
                if name in ("nav", "config", "page") or name in _SKIPPED:
                    continue
                sig[name] = _enc(value)
        except Unprovable as error:
            self.report.unprovable.append(f"{page.file.src_uri}: {error}")
            return None
        return _sha(_dumps([self.key_digest, self.nav_digest, sig]))

    def _post_key(self, page: Page, template: str, excluded: bool) -> str | None:
        """A blog post's key before ``on_page_context`` (None: not a post, or unknown)."""
        if self.post_listings is None or type(page).__name__ != "Post" or page.is_homepage:
            return None
        if type(page).__module__ != "material.plugins.blog.structure":
            return None
        try:
            sig = _page(page, self.containers)
        except Unprovable as error:
            self.report.unprovable.append(f"{page.file.src_uri}: {error}")
            return None
        tags = _post_tags(page, self.tags_property)
        listings = self._listings_for(tags)
        return _sha(_dumps([self.key_digest, self.nav_digest, listings, template, excluded, sig]))

    def _listings_for(self, tags: list[str] | None) -> list[str]:
        """The spellings of the listings that may hold a post tagged ``tags``, in their
        order: ``_Listing.may_hold`` asked once per tag of the site, not per post."""
        assert self.post_listings is not None
        listings = self.post_listings
        if tags is None:
            return [x.spelling for x in listings]
        held: set[int] = {i for i, x in enumerate(listings) if x.include is None}
        for tag in tags:
            found = self._held_by_tag.get(tag)
            if found is None:
                found = {i for i, x in enumerate(listings) if x.may_hold([tag])}
                self._held_by_tag[tag] = found
            held |= found
        return [listings[i].spelling for i in sorted(held)]

    def _view_key(self, page: Page, template: str, excluded: bool) -> str | None:
        """A blog list page's key before ``on_page_context`` (None: not one, or unknown).

        What the plugins' hooks add to a list page's context: the blog's excerpts of the
        posts it shows, placed for this page, and its pager (``scale.layout`` says which
        posts and which neighbours, rendering nothing); warta's sanitising of those
        excerpts; the tags plugin's tag links when the page itself has tags (then no
        key). Each shown excerpt enters by its fixed parts (title, URLs, configuration,
        meta, authors, categories, as in the page key) and by what its conversion was
        made from (its cache key and every lookup, ``_Rendered.ident``); the page's URL
        is in the page's own part, so the links made relative to it are covered."""
        if not self.view_blogs or page.is_homepage:
            return None
        kind = type(page)
        if kind.__module__ != "material.plugins.blog.structure" or kind.__name__ == "Post":
            return None
        tags = _post_tags(page, self.tags_property)
        if tags is None or tags:
            return None
        for plugin in self.view_blogs:
            view = plugin._resolve_original(page)
            if any(view is v for v in plugin._resolve_views(plugin.blog)):
                break
        else:
            return None
        from pipeline.site import scale

        try:
            shown, pager = scale.layout(plugin, page)
            items = []
            for post in shown:
                excerpt = post.excerpt
                if not excerpt:
                    continue
                rendered = getattr(excerpt, "_rendered", None)
                ident = getattr(rendered, "ident", None)
                if (
                    not getattr(type(excerpt), "_warta", False)
                    or excerpt._fallback is not None
                    or ident is None
                    or excerpt._made_from != excerpt._inputs()
                ):
                    return None
                items.append([_excerpt_fixed(excerpt, 0), ident])
            sig = _page(page, self.containers)
            spelled_pager = _enc(pager)
        except Unprovable as error:
            self.report.unprovable.append(f"{page.file.src_uri}: {error}")
            return None
        head = [self.key_digest, self.nav_digest, "view", template, excluded]
        return _sha(_dumps([*head, sig, spelled_pager, items]))

    def _keep(self, dest: str, key: str, *, slot: int = 0, early: str | None = None) -> bool:
        """Link the previous build's file for ``dest`` if its key and bytes match.

        ``slot`` is where the key is in the record: 0 the page's key, 2 a post's key
        before ``on_page_context``; ``early`` is the latter, recorded with a hit on
        the former."""
        record = self.previous_pages.get(dest)
        if not isinstance(record, list) or len(record) != 4 or record[slot] != key:
            return False
        assert self.previous is not None and self.site_dir is not None
        stamp = record[3]
        if record[1] is not None:
            stamp = _link_kept(
                f"{self.previous}/{dest}", f"{self.site_dir}/{dest}", record[1], stamp
            )
            if stamp is None:
                return False
        self.pages[dest] = [record[0], record[1], early if slot == 0 else record[2], stamp]
        return True

    # -- files the plugin writes after the pages ---------------------------------------

    def keep_output(self, rel: str, key: str) -> bool:
        """Link the previous build's ``rel`` if it was made from the same ``key``.

        For the files the warta plugin writes after the pages (the content API's item
        files): ``key`` is the digest of everything the file's bytes are made from, so
        a hit needs no making at all. The file must still have the bytes recorded
        (by its stamp, else its SHA-256), as a kept page must."""
        if not self.recording:
            return False
        record = self.previous_outputs.get(rel) if self.reusing else None
        if not isinstance(record, list) or len(record) != 3 or record[0] != key:
            return False
        assert self.previous is not None and self.site_dir is not None
        target = f"{self.site_dir}/{rel}"
        try:
            stamp = _link_kept(
                f"{self.previous}/{rel}", target, record[1], record[2], exclusive=True
            )
        except OSError:  # (FileExistsError: something else made it in this build)
            return False
        if stamp is None:
            return False
        self.outputs[rel] = [key, record[1], stamp]
        self.report.outputs_kept += 1
        return True

    def record_output(self, rel: str, key: str, data: bytes) -> None:
        """``rel`` was made from ``key`` and written with ``data``."""
        if not self.recording or self.site_dir is None:
            return
        self.outputs[rel] = [key, _sha(data), _stamp(str(self.site_dir / rel))]
        self.report.outputs_made += 1

    # -- search bundles -------------------------------------------------------------

    def bundle_key(self, site_dir: Path, glob: str, output: str) -> str | None:
        """Digest of the HTML files one Pagefind bundle reads (None: not known)."""
        if not self.recording:
            return None
        scopes = glob[1:-1].split(",") if glob.startswith("{") else [glob]
        known = {dest: record[1] for dest, record in self.pages.items()}
        listed: list[list[str]] = []
        base = str(site_dir) + os.sep
        for scope in scopes:
            if scope.endswith("/**/*.html"):
                # os.walk, not pathlib's rglob: a third of the time for 6,000 pages.
                paths = [
                    os.path.join(folder, name)
                    for folder, _dirs, names in os.walk(site_dir / scope[: -len("/**/*.html")])
                    for name in names
                    if name.endswith(".html")
                ]
            elif "*" in scope or "{" in scope:
                return None
            else:
                paths = [str(site_dir / scope)]  # whatever Pagefind makes of a non-HTML file
            for path in paths:
                rel = path.removeprefix(base).replace(os.sep, "/")
                if os.path.isfile(path):
                    listed.append([rel, known.get(rel) or sha256_file(Path(path))])
        return _sha(_dumps([self.key["pagefind"], glob, output, sorted(listed)]))

    def keep_bundle(self, site_dir: Path, glob: str, output: str, others: list[str]) -> bool:
        """Copy the previous build's Pagefind bundle if it read the same files."""
        key = self.bundle_key(site_dir, glob, output)
        if key is None:
            return False
        self.bundles[output] = key
        if not self.reusing or self.previous_bundles.get(output) != key:
            self.report.bundles_indexed += 1
            return False
        assert self.previous is not None
        source = self.previous / output
        if not source.is_dir():
            self.report.bundles_indexed += 1
            return False
        # The other bundles inside this one's folder, of this build and of the previous
        # one (a year whose posts are all withdrawn has no bundle any more).
        skip = {
            Path(o).relative_to(output).parts[0]
            for o in [*others, *self.previous_bundles]
            if o != output and o.startswith(output + "/")
        }
        for path in _files_under(source, skip):
            _place(path, site_dir / output / path.relative_to(source))
        self.report.bundles_kept += 1
        return True

    # -- the two build processes ------------------------------------------------------

    def child_state(self) -> dict[str, Any]:
        """What the second build process recorded, for the first."""
        now, then = dataclasses.asdict(self.report), self._forked
        counts = {k: v - then[k] for k, v in now.items() if isinstance(v, int) and k != "full"}
        return {
            "pages": self.pages,
            "used": sorted(self.used),
            "report": {**counts, "unprovable": now["unprovable"][len(then["unprovable"]) :]},
        }

    def merge(self, state: dict[str, Any] | None) -> None:
        """Take in what the second build process recorded."""
        if not state:
            return
        self.pages.update(state["pages"])
        self.used.update(state["used"])
        theirs = state["report"]
        for name in (
            "pages_rendered",
            "pages_kept",
            "converted",
            "conversions_kept",
            "excerpts_converted",
            "excerpts_kept",
            "posts_kept_early",
            "lists_kept_early",
        ):
            setattr(self.report, name, getattr(self.report, name) + theirs[name])
        self.report.unprovable += theirs["unprovable"]

    # -- after the build -----------------------------------------------------------------

    def finish(self, build_name: str) -> None:
        """Record the build now live (``build_name``) and drop entries it did not use."""
        self._unhook()
        _MEMO.clear()
        if not self.recording:
            return
        manifest = {
            "version": CACHE_VERSION,
            "site": build_name,
            "key": self.key,
            "pages": dict(sorted(self.pages.items())),
            "bundles": dict(sorted(self.bundles.items())),
            "outputs": dict(sorted(self.outputs.items())),
        }
        times = {"version": CACHE_VERSION, "times": dict(sorted(self.readtimes.items()))}
        atomic_write_bytes(self.folder / READTIME, json.dumps(times).encode(), durable=False)
        # Not indented: the json module's C encoder writes it (a third of the time).
        data = json.dumps(manifest, ensure_ascii=False).encode("utf-8")
        atomic_write_bytes(self.folder / MANIFEST, data)
        for kind in ("convert", "excerpt"):
            for path in _entries(self.folder / kind):
                name = os.path.basename(path)
                if not name.endswith(ENTRY_SUFFIX) or (
                    f"{kind}/{name[: -len(ENTRY_SUFFIX)]}" not in self.used
                ):
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(path)

    def abandon(self) -> None:
        """The build failed: nothing is recorded (entries stay, keyed by their content)."""
        self._unhook()
        _MEMO.clear()


def _loads_acyclic(text: str) -> Any:
    """``json.loads`` with the cyclic collector paused: JSON makes no reference cycles,
    and the 20,000 lists of a 5,000-article manifest set off a full collection that
    walked everything alive (0.17 s of a publish after no change)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return json.loads(text)
    finally:
        if enabled:
            gc.enable()


class _Builtins(Restricted):
    """Reads an entry: a pickle of nothing but dicts, lists, strings, numbers, None
    (every name refused: a damaged or planted entry is a miss, never a call). A pickle
    because its strings are read as they are: JSON's escapes of the HTML's quotes made
    its parse twice the time (11,000 entries read by a publish at 5,000 posts)."""

    allowed: dict[tuple[str, str], type] = {}  # noqa: RUF012 (read only)


def _entries(root: Path) -> Iterator[str]:
    """Every entry file under ``root``, ``<k[:2]>/<k>.pickle`` and those of earlier
    formats (``scandir``: 10,000 entries in a blink)."""
    try:
        shards = [e.path for e in os.scandir(root) if e.is_dir(follow_symlinks=False)]
    except FileNotFoundError:
        return
    for shard in shards:
        with os.scandir(shard) as entries:
            for entry in entries:
                if entry.name.endswith((ENTRY_SUFFIX, *_OLD_SUFFIXES)) and entry.is_file(
                    follow_symlinks=False
                ):
                    yield entry.path


def _files_under(root: Path, skip: set[str]) -> Iterator[Path]:
    with os.scandir(root) as listing:
        entries = sorted(listing, key=lambda e: e.name)
    for entry in entries:
        if entry.name in skip:
            continue
        if entry.is_dir(follow_symlinks=False):
            yield from _files_under(Path(entry.path), set())
        elif entry.is_file(follow_symlinks=False):
            yield Path(entry.path)


def _place(source: str | Path, target: str | Path, *, exclusive: bool = False) -> bool:
    """Put the previous build's file at ``target`` in the new build: a hard link (nothing
    writes to a kept file afterwards: every later write replaces by rename), else a copy.
    True for a link. ``exclusive``: a file already at ``target`` is left as it is and
    FileExistsError raised (otherwise it is replaced)."""
    try:
        os.link(source, target)
    except FileNotFoundError:
        # The folder first (once per folder, not a walk up the path for every file).
        os.makedirs(os.path.dirname(target), exist_ok=True)
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)
            return False
    except OSError as error:
        if exclusive and isinstance(error, FileExistsError):
            raise
        shutil.copyfile(source, target)
        return False
    return True


def _link_kept(
    source: str, target: str, digest: str, stamp: Any, *, exclusive: bool = False
) -> list[int] | None:
    """Place the previous build's ``source`` at ``target`` if it still has the bytes
    recorded (``digest``, written when it had ``stamp``); the stamp to record now, or
    None when it must be made again.

    The stamp (inode, size, mtime) stands for the bytes the build wrote: a file written
    since, in place or replaced, has another one. Only then is the file read for its
    SHA-256 (a touched file with the same bytes is still kept)."""
    try:
        now = _stamp(str(source))
        if now != stamp and sha256_file(Path(source)) != digest:
            return None
    except OSError:
        return None
    if not _place(source, target, exclusive=exclusive):
        now = _stamp(target)  # a copy: a file of its own
    return now


def _stamp(path: str) -> list[int]:
    """What stands for a file's bytes between builds: inode, size, mtime (ns)."""
    st = os.stat(path)
    return [st.st_ino, st.st_size, st.st_mtime_ns]


def _page_render(page: Page, config: MkDocsConfig, files: Any) -> Any:
    """mkdocs' ``Page.render`` (1.6.1, with the build's one Markdown instance,
    ``convert.py``); returns the TOC tokens as well."""
    return json.loads(json.dumps(convert(page, config, files)))
