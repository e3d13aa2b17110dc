"""One page per tag instead of one page listing every tagged page (``docs/scale.md``).

mkdocs-material's tags index (``<!-- material/tags -->`` in ``tags.md``) lists every
tag with every page carrying it, and its ``tags.json`` maps every page to its tags:
both change whenever a tagged post is added, and both grow with the whole archive
(2 MB and 0.9 MB at 5,000 posts). Here:

- each tag gets its own page, ``tags/<slug>/``, holding the theme's own listing for that
  tag only (``<!-- material/tags { include: [tag] } -->``), so the tag links on every
  page lead to it;
- ``tags.md``'s listing becomes the list of tags, each linking to its page;
- ``tags.json`` lists the tags (name, page, count, file) and ``tags/<slug>.json`` the
  items of one tag, newest first.

A new post therefore changes the index of tags, and the page and file of each of its
own tags; no other tag's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import yaml

TAGS_VERSION = 1
#: The bare listing directive of ``tags.md`` (no options): the one replaced.
BARE_LISTING = re.compile(r"<!--\s*material/tags\s*-->")
#: A tag as the text of a Markdown link: HTML-escaped as ``html.escape`` does, and the
#: characters Markdown would read as markup inside a link's text as numeric entities.
_LINK_TEXT = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"}
    | {c: f"&#{ord(c)};" for c in "\\`*_[]"}
)


@dataclass
class Tag:
    """One tag and what carries it."""

    name: str
    slug: str
    items: list[dict[str, Any]] = field(default_factory=list)

    @property
    def page(self) -> str:
        """Source path of the tag's page (generated)."""
        return f"tags/{self.slug}/index.md"


def slug_of(name: str) -> str:
    """A URL segment for a tag (ASCII letters, digits and hyphens)."""
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-") or "tag"


def usable(name: str) -> bool:
    """Whether a tag can have a page: it fits in the listing directive as data."""
    return "-->" not in name and "\n" not in name and "\r" not in name


def collect(tagged: Iterable[tuple[list[str], dict[str, Any]]]) -> list[Tag]:
    """Tags in name order from (tags, item summary) pairs; slugs made unique."""
    by_name: dict[str, Tag] = {}
    for names, summary in tagged:
        for name in dict.fromkeys(names):
            if name not in by_name:
                by_name[name] = Tag(name, "")
            by_name[name].items.append(summary)
    tags = sorted(by_name.values(), key=lambda t: (t.name.casefold(), t.name))
    used: set[str] = set()
    for tag in tags:
        base = slug = slug_of(tag.name)
        number = 2
        while slug in used:
            slug, number = f"{base}-{number}", number + 1
        used.add(slug)
        tag.slug = slug
        tag.items.sort(key=lambda i: (str(i.get("date", "")), str(i.get("url", ""))), reverse=True)
    return tags


def tag_page(tag: Tag, listed_as: str) -> str:
    """Markdown of a tag's page; ``listed_as`` is the tag as the tags plugin sees it."""
    front = yaml.safe_dump({"title": tag.name}, allow_unicode=True)
    include = json.dumps([listed_as], ensure_ascii=False)  # a YAML flow sequence too
    return f"---\n{front}---\n\n<!-- material/tags {{ include: {include} }} -->\n"


def index_list(tags: list[Tag], from_src: str) -> str:
    """Markdown list of the tags, each linking to its page, for ``tags.md``."""
    depth = from_src.count("/")
    prefix = "../" * depth
    lines = [f"- [{t.name.translate(_LINK_TEXT)}]({prefix}{t.page}) ({len(t.items)})" for t in tags]
    return "\n".join(lines) + "\n"


def json_files(
    tags: list[Tag], site_url: str, *, name: Callable[[str], str] = str
) -> dict[str, bytes]:
    """``tags.json`` (the tags) and one ``tags/<slug>.json`` per tag (its items);
    ``name`` gives a tag's name as written there (warta: HTML-escaped, as in the API)."""
    out: dict[str, bytes] = {}
    index = {
        "version": TAGS_VERSION,
        "tags": [
            {
                "name": name(t.name),
                "url": f"{site_url}tags/{t.slug}/",
                "count": len(t.items),
                "path": f"tags/{t.slug}.json",
            }
            for t in tags
        ],
    }
    out["tags.json"] = _json(index)
    for t in tags:
        out[f"tags/{t.slug}.json"] = _json(
            {"version": TAGS_VERSION, "name": name(t.name), "count": len(t.items), "items": t.items}
        )
    return out


def _json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
