"""mkdocs-material's per-post and per-tag work at a cost that does not multiply.

Two parts of mkdocs-material's plugins cost, at 5,000 posts, more than the rest of a
publish that changed nothing (``docs/scale.md``, "mkdocs-material's hot spots"):

- **Tag listings.** The tags plugin fills each listing (one per tag page, 36 of them)
  by offering it every page of the site: 36 × 5,000 ``Listing.add`` calls, each
  expanding the page's tags and comparing them with the listing's. A listing limited to
  some tags (``include``) can only take a page that has one of them (or a child tag of
  one), so here it is offered only those pages, in the same order, from an index tag →
  pages made once; ``Listing.add`` still decides about each. For a page's tag links,
  ``closest`` asks every listing whether it holds the page; a listing limited to tags
  the page does not have is skipped without asking.
- **Blog posts.** The blog builds one ``Post`` per post: it reads the file, parses the
  front matter and validates the blog's keys with mkdocs' configuration classes (a
  ``PostConfig`` per post, 1.27 M attribute look-ups at 5,000 posts), and formats the
  post's date with Babel two or three times. Here the keys of a post are validated by a
  cheaper path that gives the same values, for the types the validation accepts as they
  are (a date or datetime, lists of strings, booleans, an integer, a string); anything
  else (a missing or textual date, a mapping of dates, ``links``, a wrong type) goes
  through mkdocs' validation and fails or warns exactly as it does. The first post of
  each shape (its keys and their types) is validated both ways and the cheap path is
  used for that shape only if both agree. Dates are formatted once per distinct date
  and format.

:func:`install` replaces nothing globally: it sets methods on the plugin instances of
one build, after comparing the SHA-256 of every function it mirrors or relies on
(mkdocs 1.6.1, mkdocs-material 9.8) with the ones it was written against. If one
differs, that plugin keeps its own code and the reason is returned (the warta plugin
logs it). ``tests/test_material_fast.py`` builds sites both ways and compares every byte
and every message.
"""

from __future__ import annotations

import hashlib
import inspect
import logging
import posixpath
from collections.abc import Iterable
from typing import Any

log = logging.getLogger("mkdocs.plugins.warta")


def _digest(obj: Any) -> str:
    return hashlib.sha256(inspect.getsource(obj).encode()).hexdigest()


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
        return "the tags plugin's " + ", ".join(changed) + " differ from mkdocs-material 9.8's"
    listings._warta_includes = {}
    listings.__class__ = _listing_manager_class()
    return None


# -- installing ------------------------------------------------------------------------

TAGS_PLUGINS = ("tags", "material/tags")


def install(config: Any) -> list[str]:
    """Speed up the tags and blog plugin instances of a build (call from ``on_files``,
    before theirs); what could not be sped up, and why."""
    reasons = []
    for name, plugin in config.plugins.items():
        if name.split(" #")[0] in TAGS_PLUGINS and plugin.config.enabled:
            why = speed_up_tags(plugin)
            if why is not None:
                reasons.append(f"{name}: {why}; its listings are filled the usual way")
    return reasons
