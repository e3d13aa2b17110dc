"""mkdocs-material's per-post and per-tag work at a cost that does not multiply.

Two parts of mkdocs-material's plugins run over the whole site in every build, full or
incremental (``docs/scale.md``, "mkdocs-material's hot spots"):

- **Tag listings.** The tags plugin fills each listing (one per tag page, 36 of them)
  by offering it every page of the site: 36 × 5,000 ``Listing.add`` calls, each
  expanding the page's tags and comparing them with the listing's. A listing limited to
  some tags (``include``) can only take a page that has one of them (or a child tag of
  one), so here it is offered only those pages, in the same order, from an index tag →
  pages made once; ``Listing.add`` still decides about each. For a page's tag links,
  ``closest`` skips a listing limited to tags the page does not have, and each
  listing's tags of the page are found once rather than once per tag.
- **Blog posts.** The blog builds one ``Post`` per post: it reads the file, parses the
  front matter and validates the blog's keys with mkdocs' configuration classes (a
  ``PostConfig`` per post), and formats each post's date with Babel two or three times.
  Here the keys of a post are validated by a cheaper path that gives the same values,
  for the types the validation takes as they are (a date or datetime, lists of
  strings, booleans, an integer, a string); anything else (a missing or textual date, a
  mapping of dates, ``links``, a wrong type) goes through mkdocs' validation and fails
  or warns exactly as it does. The first post of each shape (its keys and their types)
  is validated both ways, and the cheap path is used for that shape only if both agree.
  A date is formatted once per date, format and language, with Babel given the
  ``Locale`` it would otherwise parse on every call; the post's first canonical URL,
  which the blog overwrites at once, is not made.

:func:`install` replaces nothing globally: it sets methods on the blog plugin instances
of one build and makes the tags plugin's listing manager a subclass, after comparing
the SHA-256 of every function it mirrors or relies on with those of mkdocs 1.6.1 and
mkdocs-material 9.8. If one differs, that plugin keeps its own code and the reason is
returned (the warta plugin logs it). ``tests/test_material_fast.py`` builds sites both
ways and compares every byte and every message.
"""

from __future__ import annotations

import hashlib
import inspect
import logging
import os
import posixpath
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timezone
from types import MethodType
from typing import Any

log = logging.getLogger("mkdocs.plugins.warta")


def _digest(obj: Any) -> str:
    # inspect.getsource of a class parses its module: 0.15 s for the lot, once per
    # process (the object is kept as the key, so its id is not reused).
    found = _DIGESTS.get(obj)
    if found is None:
        found = _DIGESTS[obj] = hashlib.sha256(inspect.getsource(obj).encode()).hexdigest()
    return found


_DIGESTS: dict[Any, str] = {}


# -- tags ---------------------------------------------------------------------------


def _tags_sources() -> dict[str, Any]:
    from material.plugins.tags.structure.listing import Listing
    from material.plugins.tags.structure.listing.manager import ListingManager
    from material.plugins.tags.structure.mapping import Mapping
    from material.plugins.tags.structure.mapping.manager import MappingManager
    from material.plugins.tags.structure.tag import Tag
    from material.plugins.tags.structure.tag.options import TagSet
    from material.plugins.tags.structure.tag.reference import TagReference

    return {
        "Manager.populate_all": ListingManager.populate_all,
        "Manager.populate": ListingManager.populate,
        "Manager.closest": ListingManager.closest,
        "Manager.__and__": ListingManager.__and__,
        "Listing.__and__": Listing.__and__,
        "Listing.add": Listing.add,
        "Mapping.__and__": Mapping.__and__,
        "MappingManager.__iter__": MappingManager.__iter__,
        "Tag.__iter__": Tag.__iter__,
        "Tag.__eq__": Tag.__eq__,
        "Manager._slugify": ListingManager._slugify,
        "TagReference.__init__": TagReference.__init__,
        "Tag.__hash__": Tag.__hash__,
        "TagSet.run_validation": TagSet.run_validation,
    }


#: SHA-256 of the tags plugin's functions (mkdocs-material 9.8) whose behaviour the
#: listing shortcuts rely on: ``Listing.__and__`` yields nothing for a listing with an
#: ``include`` set unless one of the page's tags or their parents equals (by name) one
#: of the included tags; ``populate`` only offers each mapping to ``Listing.add``.
TAGS_MIRRORED = {
    "Manager.populate_all": "f203e6de46403bbe02164b3ee507bc834b086e614bcb17aa1de60baa5bcca80a",
    "Manager.populate": "23325ed3315d41596e0cd7fab7d2201cd08483ab0af4af2afcef79ce329f1d36",
    "Manager.closest": "48a51dbac8b9d48fc25b5913c5e60a81d967df731635670aeb1edb1c88f7b0ef",
    "Manager.__and__": "3e2791af429b577dd20123ac9069371564e6fcf9f8e8f138ea3677e1528d90f7",
    "Listing.__and__": "0cb4b8269a9efbdb6bb06e2e9285d2f6078d333d23c9d290fb60247689c66bb9",
    "Listing.add": "72d6614bdaf653f70722df458cf1b128f8c162015da56e4f9c974009f641cb45",
    "Mapping.__and__": "f9d382896a1aed5dfe903515eb8573a2dee4621ef632426001aed9be611f1244",
    "MappingManager.__iter__": "c46833e70dc90f591872a66c1a8bf6e66e225877d3cf04c0256e8cb9fd5b78c4",
    "Tag.__iter__": "8a6991f68d961fa1a99407d5eb53c53c8875aeb5a3287a03162974039da1b9cf",
    "Tag.__eq__": "0a1e5d3db54a9905af2e1778a2d971714b49b8cb617341c76573f631b2d52ef0",
    "Manager._slugify": "069a75bfbc05fcc0ea4a239d68178a302968a131f395514c99ae8c181dbf78dc",
    "TagReference.__init__": "702015a062e0e02463236ebc52156ce71ebb64cbd9d72f35a61375f45986b92c",
    "Tag.__hash__": "50876e64e7ea6ff3f887b49556c8ef88f323e77518ebc673c7acd117fed3036b",
    "TagSet.run_validation": "c07b536cd327b77ea947d980df167927ce9506ff9fdd4bb0aa572ef7c93413d9",
}


_AGAINST = " differ from those warta mirrors (mkdocs 1.6.1, mkdocs-material 9.8)"


def _differs(mirrored: dict[str, str], actual: dict[str, Any]) -> list[str]:
    return sorted(name for name, obj in actual.items() if _digest(obj) != mirrored.get(name))


def _expanded(mapping: Any) -> set[str]:
    """The names of a mapping's tags and of their parent tags (``Tag.__iter__``)."""
    return {tag.name for leaf in mapping.tags for tag in leaf}


def _listing_manager_class() -> type:
    """The tags plugin's ``ListingManager`` with the shortcuts (made once, on first use:
    the tags plugin need not be importable for warta to load)."""
    global _LISTINGS
    if _LISTINGS is not None:
        return _LISTINGS
    from urllib.parse import urlparse

    from material.plugins.tags.structure.listing.manager import ListingManager
    from material.plugins.tags.structure.mapping import Mapping
    from material.plugins.tags.structure.tag.reference import TagReference
    from mkdocs.structure.nav import Link

    class FastListingManager(ListingManager):
        """See the module docstring; ``_warta_includes`` caches each listing's included
        tag names (a listing's configuration is final once its page's Markdown is read)."""

        _warta_includes: dict[int, tuple[Any, frozenset[str]]]

        def populate_all(self, mappings: Iterable[Any], renderer: Any) -> None:
            # Each listing is populated by the library's own ``populate``, given only
            # the mappings that ``Listing.add`` can take, in their order.
            every = list(mappings)
            tagged = [mapping for mapping in every if mapping.tags]
            index: dict[str, list[int]] = {}
            for at, mapping in enumerate(every):
                for name in _expanded(mapping):
                    index.setdefault(name, []).append(at)
            for listing in self.data:
                include = listing.config.include
                if include:
                    found = sorted({at for tag in include for at in index.get(tag.name, ())})
                    self.populate(listing, [every[at] for at in found], renderer)
                else:
                    self.populate(listing, tagged, renderer)  # an untagged one adds nothing

        def closest(self, mapping: Any) -> list[Any]:
            # ListingManager.closest, asking only the listings that may hold the mapping.
            names = _expanded(mapping)
            includes = self._warta_includes
            listings: list[Any] = []
            for listing in self.data:
                known = includes.get(id(listing))
                if known is None or known[0] is not listing:
                    known = (listing, frozenset(tag.name for tag in listing.config.include))
                    includes[id(listing)] = known
                if known[1] and known[1].isdisjoint(names):
                    continue  # Listing.__and__ yields nothing: none of its tags is here
                if any(listing & mapping):
                    listings.append(listing)

            def rank(listing: Any) -> int:
                path = posixpath.commonpath([mapping.item.url, listing.page.url])
                return len(path)

            return sorted(listings, key=rank, reverse=True)

        def __and__(self, mapping: Any) -> Any:
            # ListingManager.__and__ with each listing's tags of the mapping found once
            # (not once per tag) and each tag's slug made once.
            assert isinstance(mapping, Mapping)
            held = [(listing, set(listing & mapping)) for listing in self.closest(mapping)]
            for tag in self._sort_tags(mapping.tags):
                ref = TagReference(tag)
                slug = None
                for listing, tags in held:
                    if tag in tags:
                        value = listing.page.url or "."
                        url = urlparse(value, allow_fragments=False)
                        if slug is None:
                            slug = self._slugify(tag)
                        url = url._replace(fragment=slug)
                        ref.links.append(Link(listing.page.title, url.geturl()))
                yield ref

    _LISTINGS = FastListingManager
    return _LISTINGS


_LISTINGS: type | None = None


def speed_up_tags(plugin: Any) -> str | None:
    """Give one tags plugin instance the listing shortcuts; the reason if it cannot."""
    from material.plugins.tags.structure.listing.manager import ListingManager

    listings: Any = getattr(plugin, "listings", None)
    if type(listings) is not ListingManager:
        return "the tags plugin's listings are not mkdocs-material's ListingManager"
    changed = _differs(TAGS_MIRRORED, _tags_sources())
    if changed:
        return "the tags plugin's " + ", ".join(changed) + _AGAINST
    listings._warta_includes = {}
    listings.__class__ = _listing_manager_class()
    return None


# -- blog posts ---------------------------------------------------------------------


def _blog_sources() -> dict[str, Any]:
    from material.plugins.blog.plugin import BlogPlugin
    from material.plugins.blog.structure import Post
    from material.plugins.blog.structure.config import PostConfig
    from material.plugins.blog.structure.options import DateDict, PostDate, UniqueListOfItems
    from mkdocs.config import base
    from mkdocs.config import config_options as opts
    from mkdocs.structure.pages import Page

    return {
        "BlogPlugin._resolve_post": BlogPlugin._resolve_post,
        "BlogPlugin._format_date": BlogPlugin._format_date,
        "Post.__init__": Post.__init__,
        "Page.__init__": Page.__init__,
        "Page._set_canonical_url": Page._set_canonical_url,
        "PostConfig": PostConfig,
        "PostDate": PostDate,
        "DateDict": DateDict,
        "UniqueListOfItems": UniqueListOfItems,
        # Methods, not classes: the source of a class is found by parsing its module
        # (a tenth of a second for mkdocs' config_options, at every build).
        "Items.__init__": opts.ListOfItems.__init__,
        "Items.pre_validation": opts.ListOfItems.pre_validation,
        "Items.run_validation": opts.ListOfItems.run_validation,
        "Type.__init__": opts.Type.__init__,
        "Type.run_validation": opts.Type.run_validation,
        "Required.__init__": opts.OptionallyRequired.__init__,
        "Required.validate": opts.OptionallyRequired.validate,
        "Optional.__init__": opts.Optional.__init__,
        "Optional.pre_validation": opts.Optional.pre_validation,
        "Optional.run_validation": opts.Optional.run_validation,
        "Optional.post_validation": opts.Optional.post_validation,
        "Optional.reset_warnings": opts.Optional.reset_warnings,
        "BaseConfigOption": base.BaseConfigOption,
        "Config": base.Config,
    }


#: SHA-256 of the blog's post reader and of the configuration classes that validate a
#: post's keys (mkdocs-material 9.8, mkdocs 1.6.1): the cheaper validation below gives
#: the values these give for the types it accepts.
BLOG_MIRRORED = {
    "BlogPlugin._resolve_post": "676bbd41c5069ce98335c23788e1f8f3389eb012f68f5a0043b314255e592c2c",
    "BlogPlugin._format_date": "e9acbf8db8cbf9aa752dbd62fa97cbf1c15bf8a623020c720d9544330fb46ab7",
    "Post.__init__": "8686c4256b6490b766b64bdb28d48ef518d0f559e78ae5f4857954f4458572ba",
    "Page.__init__": "fa0bb890179b7375f088511730471a06608852f3674ea1a37a806fbb4bbd828d",
    "Page._set_canonical_url": "291dbe84a45243b733bb0efc170eb74ff6e644ac4c73b3033435609cad32e50d",
    "PostConfig": "55b75858e6d6317aae27271a316f4f94c5a0533ddadcdef146d4d3108449daa6",
    "PostDate": "5c3826b45fbb77505495e4eb106ea8e517f744cba492996fcf5db1c9989ea2ef",
    "DateDict": "d590a9cfeb2e46bcd0470209abf5601b07f790e39a11ecd01d95982397068774",
    "UniqueListOfItems": "bfed8dc5813efe0c3dbd8536956ae338baea34e8d7aa4c5ed6c091598b7f9fcc",
    "Items.__init__": "dbf0130327cb91483c04b44f6e26dd7834ccd3683f3d43296db349c29da769d1",
    "Items.pre_validation": "578b3678e4a94360ea6f081028c4cb6476ce5c07925d600dd6e0c12c65a448f4",
    "Items.run_validation": "88303e1934c18c95127a6d9e062e4f238a9349b6067eb99e2a6ae7a67d812d78",
    "Type.__init__": "5a6f61091cf1a4f057b9249387a8fa099f7e7506cf6cf4417cdd441ec3335bf4",
    "Type.run_validation": "0134d0fd011346ee7a28c8a4d212af2cb68af9d6eb4b73df629d1a1f93cf323a",
    "Required.__init__": "a828e7aaa86938d2628e73941fb37e901a9d1df12cb9a8e56020d288969e7b3d",
    "Required.validate": "7b31791fd2453e0a6a91cd425288b0a233d001f49cb8d2fc238224a2f9d32215",
    "Optional.__init__": "eedb09db7432102e2482f7d726322a18ec97846d8dfb41a8014397e0e5f7c833",
    "Optional.pre_validation": "9b3940597913b2f62d6f0d5bba00793a4b375a09f15be60fde376f6d3a56aa43",
    "Optional.run_validation": "e21a3fdd09465392a7b7d6aef5ed923abcf521ccaf08c4ec459f679a897dbe17",
    "Optional.post_validation": "6feed917b6426cb852fadc396fca3a664388f95bfa7708dd91f517a11236aa87",
    "Optional.reset_warnings": "91b754cb75ce645167c2cc0f7a97e009eef155da611ad4b0cd0092943ecde9e0",
    "BaseConfigOption": "1aaa732adb80e58f778eef3d8647474b1dfc18c092b4b52f04921f5750e4b72c",
    "Config": "174b35f64529ba395b2607b04a175a15441c24c412dcfba536fa3a3373067347",
}


def _shape(data: dict[str, Any]) -> tuple[Any, ...]:
    """What decides how a post's keys validate: each key's type, the types of a list's
    items and whether a datetime has a time zone."""
    out: list[Any] = []
    for key, value in data.items():
        kind: Any = type(value)
        if kind is list:
            kind = (list, frozenset(type(item) for item in value))
        elif isinstance(value, datetime):
            kind = (kind, value.tzinfo is None)
        out.append((key, kind))
    return tuple(out)


def _fast_values(data: dict[str, Any]) -> dict[str, Any] | None:
    """The values mkdocs' validation of a ``PostConfig`` gives for these, when it takes
    them as they are (None otherwise: that post is validated by mkdocs)."""
    from material.plugins.blog.structure.options import DateDict

    out: dict[str, Any] = {}
    for key, value in data.items():
        if key in ("authors", "categories"):  # UniqueListOfItems(Type(str), default=[])
            if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                return None
            out[key] = list(dict.fromkeys(value))
        elif key == "date":  # PostDate: a date or datetime, in UTC when naive
            if isinstance(value, datetime):
                created = value.replace(tzinfo=UTC) if value.tzinfo is None else value
            elif isinstance(value, date):
                created = datetime.combine(value, time()).replace(tzinfo=UTC)
            else:
                return None
            out[key] = DateDict({"created": created})
        elif key == "pin":  # Type(bool, default=False)
            if value is None:
                out[key] = False
            elif isinstance(value, bool):
                out[key] = value
            else:
                return None
        elif key in _OPTIONAL:  # Optional(Type(...)): None or that type
            if value is not None and not isinstance(value, _OPTIONAL[key]):
                return None
            out[key] = value
        elif key == "links" and value is None:  # Optional(PostLinks()): built otherwise
            out[key] = None
        else:
            return None
    return out


_OPTIONAL: dict[str, type] = {"draft": bool, "readtime": int, "slug": str}


def _spelling(value: Any) -> tuple[str, str]:
    return type(value).__qualname__, repr(value)


class _PostConfigs:
    """Validation of the posts' configurations for one blog: the cheaper path for each
    shape on which it agreed with mkdocs' validation of the first post of that shape."""

    def __init__(self) -> None:
        self.shapes: dict[tuple[Any, ...], bool] = {}
        #: mkdocs' build date, read once per build: ``get_build_date`` reads the
        #: environment and the clock for every page (70 ms of 5,000 posts). Within one
        #: build it changes only at midnight, and then mkdocs' own pages differ too.
        self.build_date: str | None = None

    def validate(self, config: Any) -> tuple[list[Any], list[Any]]:
        data = config.data
        shape = _shape(data)
        agreed = self.shapes.get(shape)
        fast = _fast_values(data) if agreed is not False else None
        if agreed and fast is not None:
            data.update(fast)
            return [], []
        errors, warnings = config.validate()
        if agreed is None:
            same = fast is not None and not errors and not warnings
            same = same and [_spelling(v) for v in fast.values()] == [  # type: ignore[union-attr]
                _spelling(v) for v in data.values()
            ]
            same = same and list(fast) == list(data)  # type: ignore[arg-type]
            self.shapes[shape] = same
            if not same and fast is not None and not errors and not warnings:
                log.info(
                    "a blog post's configuration of shape %s validates otherwise than "
                    "warta's shortcut expects: posts of that shape are validated by mkdocs",
                    shape,
                )
        return errors, warnings


def _new_post(configs: _PostConfigs, file: Any, config: Any) -> Any:
    """``Post(file, config)`` (mkdocs-material 9.8's ``Post.__init__``), its keys
    validated by ``configs`` and the paths for its messages made only for a message."""
    from material.plugins.blog import structure
    from mkdocs.exceptions import PluginError
    from mkdocs.utils import get_build_date

    def where() -> tuple[str, str]:
        docs = os.path.relpath(config.docs_dir)
        return os.path.relpath(file.abs_src_path, docs), docs

    post = structure.Post.__new__(structure.Post)
    # Page.__init__(post, None, file, config), less its canonical URL: made from the
    # source's URL, it is made again by _resolve_post from the post's own (mkdocs'
    # urljoin is a third of what is left of a post's cost).
    file.page = post
    post.file = file
    post.children = None
    post.previous_page = None
    post.next_page = None
    post.active = False
    if configs.build_date is None:
        configs.build_date = get_build_date()
    post.update_date = configs.build_date
    if config.plugins.get("material/meta"):  # its hook, run below, sees the whole page
        post._set_canonical_url(config.get("site_url", None))
    post._set_edit_url(
        config.get("repo_url", None), config.get("edit_uri"), config.get("edit_uri_template")
    )
    post.markdown = None
    post._title_from_render = None
    post.content = None
    post.toc = []
    post.meta = {}
    with open(file.abs_src_path, encoding="utf-8-sig") as f:
        post.markdown = f.read()
        match = structure.YAML_RE.match(post.markdown)
        if not match:
            path, docs = where()
            raise PluginError(
                f"Error reading metadata of post '{path}' in '{docs}':\n"
                f"Expected metadata to be defined but found nothing"
            )
        try:
            post.meta = structure.yaml.load(match.group(1), structure.SafeLoader) or {}
            post.markdown = post.markdown[match.end() :].lstrip("\n")
        except Exception as e:
            path, docs = where()
            raise PluginError(f"Error reading metadata of post '{path}' in '{docs}':\n{e}")  # noqa: B904 (as the blog)
        plugin = config.plugins.get("material/meta")
        if plugin:
            plugin.on_page_markdown(post.markdown, page=post, config=config, files=None)
    post.config = structure.PostConfig(file.abs_src_path)
    post.config.load_dict(
        {key: post.meta[key] for key in (set(post.meta.keys()) & set(post.config.keys()))}
    )
    errors, warnings = configs.validate(post.config)
    for _, w in warnings:
        structure.log.warning(w)
    for k, error in errors:
        path, docs = where()
        raise PluginError(f"Error reading metadata '{k}' of post '{path}' in '{docs}':\n{error}")
    post.excerpt = None
    post.authors = []
    post.categories = []
    post.meta.setdefault("template", "blog-post.html")
    post.meta["hide"] = post.meta.get("hide", [])
    if "navigation" not in post.meta["hide"]:
        post.meta["hide"].append("navigation")
    return post


def _date_key(value: Any) -> tuple[Any, ...] | None:
    """What Babel's formatting of ``value`` depends on, when that is its fields alone
    (a date, a naive datetime or one with a fixed offset); None otherwise."""
    if type(value) is date:
        return ("date", value)
    if type(value) is datetime:
        tz = value.tzinfo
        if tz is None:
            return ("naive", value, value.fold)
        if type(tz) is timezone:
            return (
                "fixed",
                value.replace(tzinfo=None),
                value.fold,
                tz.utcoffset(None),
                tz.tzname(None),
            )
    return None


def speed_up_blog(plugin: Any) -> str | None:
    """Give one blog plugin instance the cheaper posts and date formatting; the reason
    if it cannot."""
    from material.plugins.blog import plugin as blog_plugin
    from material.plugins.blog import structure

    for name in ("_resolve_post", "_format_date"):  # an instance of an earlier build
        vars(plugin).pop(name, None)
    if blog_plugin.Post is not structure.Post:
        return "the blog's Post class has been replaced"
    changed = _differs(BLOG_MIRRORED, _blog_sources())
    if changed:
        return "the blog's " + ", ".join(changed) + _AGAINST
    from babel import Locale
    from babel.dates import LC_TIME

    configs = _PostConfigs()
    formatted: dict[tuple[Any, ...], str] = {}
    locales: dict[str, Any] = {}

    def _resolve_post(self: Any, file: Any, config: Any) -> Any:
        # BlogPlugin._resolve_post, with the post made by _new_post.
        post = _new_post(configs, file, config)
        path = self._format_path_for_post(post, config)
        temp = self._path_to_file(path, config, temp=False)
        file.dest_uri = temp.dest_uri
        file.abs_dest_path = temp.abs_dest_path
        file.url = temp.url
        post._set_canonical_url(config.site_url)
        return post

    def _format_date(self: Any, value: Any, format: str, config: Any) -> str:
        # BlogPlugin._format_date, once per date, format and language, giving Babel
        # the Locale it would parse from the identifier (Babel takes either).
        locale: str = config.theme["language"].replace("-", "_")
        key = _date_key(value)
        if key is not None:
            key = (*key, format, locale)
            found = formatted.get(key)
            if found is not None:
                return found
        parsed = locales.get(locale)
        if parsed is None:
            parsed = locales[locale] = Locale.parse(locale or LC_TIME)
        if format in ["full", "long", "medium", "short"]:
            found = blog_plugin.format_date(value, format=format, locale=parsed)
        else:
            found = blog_plugin.format_datetime(value, format=format, locale=parsed)
        if key is not None:
            formatted[key] = found
        return found

    plugin._resolve_post = MethodType(_resolve_post, plugin)
    plugin._format_date = MethodType(_format_date, plugin)
    return None


# -- installing ------------------------------------------------------------------------

TAGS_PLUGINS = ("tags", "material/tags")
BLOG_PLUGINS = ("blog", "material/blog")


def install(config: Any) -> list[str]:
    """Speed up the tags and blog plugin instances of a build (call from ``on_files``,
    before theirs); what could not be sped up, and why."""
    reasons = []
    for name, plugin in config.plugins.items():
        kind = name.split(" #")[0]
        if kind in TAGS_PLUGINS and plugin.config.enabled:
            why = speed_up_tags(plugin)
            if why is not None:
                reasons.append(f"{name}: {why}; its listings are filled the usual way")
        elif kind in BLOG_PLUGINS and plugin.config.enabled:
            why = speed_up_blog(plugin)
            if why is not None:
                reasons.append(f"{name}: {why}; its posts are read the usual way")
    return reasons


# -- navigation ---------------------------------------------------------------------

#: SHA-256 of the templates the navigation memo renders (mkdocs-material 9.8): the
#: sidebar's and the tabs' navigation and what they include. A site that overrides one
#: of them has it rendered for every page.
_NAV_TEMPLATES = {
    "partials/nav.html": "af33f6e032f632eb055c365eb5f1a975bf8456152fa768e69a1aad6d470b843f",
    "partials/nav-item.html": "89895208f22d68ce405a4bcb6649b9150eba5bbb04663a6cb3f93f02daf1d2f7",
    "partials/tabs.html": "d2c82916569e645a6b6dc5a36a2beddfaca5a66c8738c5b3e13b7d100ac2e8b7",
    "partials/tabs-item.html": "52fe1f551aa2dbfc9e15a19718a4cadd1f1e728d567ca21fea493ebfccaf3fe2",
    "partials/logo.html": "e0925ef6c190174a5162ed1ecc55295016dd8a7beec3018db3e04aac283a2dd9",
    "partials/source.html": "6847616d67be4920d39c278c2799bf20222bbc02ee2a8393aca85e3eaa518752",
}
#: The two includes whose output is kept (each includes or imports the others).
NAV_INCLUDES = ("partials/nav.html", "partials/tabs.html")


def _url_sources() -> dict[str, Any]:
    from mkdocs import utils
    from mkdocs.utils import templates

    return {
        "normalize_url": utils.normalize_url,
        "get_relative_url": utils.get_relative_url,
        "_get_norm_url": utils._get_norm_url,
        "_norm_parts": utils._norm_parts,
        "url_filter": templates.url_filter,
    }


_URL_DIGESTS = {
    "normalize_url": "b11a3a176c1cd9aeb70d50181944fcd42fba1a8c32e1741770d5746974d4cd27",
    "get_relative_url": "4d13309f3b8efbb99fdb52f3d7236765f61c81a2a37385defe6f7c7bf39a8461",
    "_get_norm_url": "975a0c9e245220a2834e2e63989a39dfb516bc158449f96836d3fec6afafae52",
    "_norm_parts": "6f32c9f7093d39426b339eac5dc4012e257a1e34e7c03f55a0dcde1f320bb1fb",
    "url_filter": "aa52bb2422f2048e9509b9545882979c945310bd6f07f21e77017e7c26a1f155",
}


def _nav_items(items: Iterable[Any]) -> list[Any]:
    """Every item of the navigation, depth first."""
    found: list[Any] = []
    for item in items:
        found.append(item)
        found.extend(_nav_items(getattr(item, "children", None) or ()))
    return found


def speed_up_navigation(env: Any, config: Any, nav: Any) -> str | None:
    """Render the navigation (sidebar and tabs) once per distinct state for blog posts.

    mkdocs-material renders the whole navigation into every page: at 5,000 posts, a
    quarter of the page templates' time. For a blog post that is not itself in the
    navigation, those templates read nothing of the post but the navigation's state
    (which items are active, their URLs and titles) and the links they make relative to
    the post's address. Such a link depends on the post's address only through its
    longest leading folders that begin a link target and its depth (mkdocs'
    ``get_relative_url`` walks the common leading folders, then climbs), so posts of
    the same depth under the same such folders (``berita/2024/05/01/a/`` and
    ``berita/2025/11/30/b/`` under ``berita/``) get the same bytes, rendered once per
    build process. The templates and mkdocs' URL functions are checked by SHA-256;
    the reason is returned when the memo cannot be used. Every other page is rendered
    as usual."""
    from mkdocs import utils

    for name, digest in _NAV_TEMPLATES.items():
        try:
            source = env.loader.get_source(env, name)[0]
        except Exception:  # (a loader that cannot say: nothing to compare)
            return f"the template {name} cannot be read"
        if hashlib.sha256(source.encode()).hexdigest() != digest:
            return f"the template {name} is not mkdocs-material 9.8's (an override?)"
    changed = _differs(_URL_DIGESTS, _url_sources())
    if changed:
        return f"mkdocs' {', '.join(changed)} differ from 1.6.1"
    items = _nav_items(nav.items)
    in_nav = {id(item) for item in items}
    posts: set[int] = set()
    for name, plugin in config.plugins.items():
        if name.split(" #")[0] in BLOG_PLUGINS and plugin.config.enabled:
            posts.update(id(post) for post in plugin.blog.posts if id(post) not in in_nav)
    if not posts:
        return "no blog post outside the navigation"
    targets = [getattr(item, "url", None) for item in items]
    homepage = getattr(nav, "homepage", None)
    targets += [
        getattr(homepage, "url", None),
        (config.extra or {}).get("homepage"),
        config.theme.get("logo"),
    ]
    starts: set[tuple[str, ...]] = {()}
    for target in targets:
        if not isinstance(target, str):
            continue
        path, level = utils._get_norm_url(target)
        if level == -1:
            continue  # an address of its own, written as it is
        parts = utils._norm_parts(path)
        starts.update(tuple(parts[:k]) for k in range(len(parts) + 1))
    memo: dict[tuple[Any, ...], str] = {}

    def key(context: Any) -> tuple[Any, ...] | None:
        page = context.get("page")
        if page is None or id(page) not in posts:
            return None
        other = page.url
        folder, _, base = other.rpartition("/")
        if "." in base:  # (as get_relative_url: a file's name is not a folder)
            other = folder
        parts = utils._norm_parts(other)
        shared = len(parts)
        while shared and tuple(parts[:shared]) not in starts:
            shared -= 1
        state = tuple(
            (getattr(i, "active", None), getattr(i, "url", None), getattr(i, "title", None))
            for i in items
        )
        return (tuple(parts[:shared]), len(parts), id(nav), state)

    for name in NAV_INCLUDES:
        template = env.get_template(name)
        original = template.root_render_func

        def render(context: Any, original: Any = original, name: str = name) -> Any:
            found = key(context)
            if found is None:
                yield from original(context)
                return
            html = memo.get((name, *found))
            if html is None:
                html = memo[(name, *found)] = "".join(original(context))
            yield html

        template.root_render_func = render
    return None
