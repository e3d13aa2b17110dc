"""The content index: each published item's slug, kept beside the build.

Reviewing one draft needs, of the thousands of published items, only their slugs (a
slug used twice is an error) — link targets are checked against the files themselves.
Parsing every item for that took seconds at 5,000 items. The index keeps, per item,
its slug and the file's (mtime_ns, size, inode) when it was read; an entry is used only
while its file still has that stamp, and a file that is new or changed is read again.
So the index can be stale or missing without giving another answer than a full scan:
it only saves the reading.

Layout (``<state>/content-index.json``, format version 1)::

    {"version": 1,
     "items": [{"path": "content/berita/posts/x/index.md", "slug": "x",
                "shown": "content/berita/posts/x/index.md",
                "stamp": [mtime_ns, size, inode]}, ...]}

``slug`` is ``null`` for a file that could not be read as an item. The file is written
atomically; an unreadable or other-version index is ignored and rebuilt.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import Config
from pipeline.content.store import (
    Item,
    Location,
    Scan,
    content_item_paths,
    draft_paths,
    file_stamp,
    read_item,
)
from pipeline.errors import ContentError, Problem
from pipeline.fsutil import atomic_write_bytes

INDEX_VERSION = 1
INDEX_FILE = "content-index.json"


@dataclass(frozen=True)
class Entry:
    """One content file as the index knows it."""

    path: str
    """Relative to the project root."""
    slug: str | None
    shown: str
    stamp: tuple[int, int, int]


def index_path(config: Config) -> Path:
    """Where the index is kept."""
    return config.path("state") / INDEX_FILE


def _load(config: Config) -> dict[str, Entry]:
    try:
        data = json.loads(index_path(config).read_text(encoding="utf-8"))
        if data.get("version") != INDEX_VERSION:
            return {}
        return {
            e["path"]: Entry(e["path"], e["slug"], e["shown"], tuple(e["stamp"]))
            for e in data["items"]
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}  # no index, or not one this version wrote: read the files


def _save(config: Config, entries: list[Entry]) -> None:
    data = {
        "version": INDEX_VERSION,
        "items": [
            {"path": e.path, "slug": e.slug, "shown": e.shown, "stamp": list(e.stamp)}
            for e in entries
        ],
    }
    # A read-only state folder: the next review reads the files again.
    with contextlib.suppress(OSError):
        atomic_write_bytes(index_path(config), json.dumps(data, ensure_ascii=False).encode("utf-8"))


def _rel(config: Config, path: Path) -> str:
    root, text = str(config.root) + os.sep, str(path)
    # Lexically, as content_item_paths() builds them from the root (relpath is slow).
    return text[len(root) :] if text.startswith(root) else os.path.relpath(path, config.root)


def content_entries(config: Config, *, known: dict[Path, Item] | None = None) -> list[Entry]:
    """Every published item's entry, in the scan's order, read again where stale.

    ``known`` items (already read, e.g. the ones being reviewed) are used as they are.
    """
    old = _load(config)
    given = known or {}
    # Resolved only if an entry is stale: 5,000 resolve() calls took a quarter second
    # after every publish, and the scan names the paths as content_item_paths() does.
    resolved: dict[Path, Item] | None = None
    entries: list[Entry] = []
    dirty = False
    for path in content_item_paths(config):
        rel = _rel(config, path)
        try:
            stamp = file_stamp(path.stat())
        except OSError:
            continue
        entry = old.get(rel)
        if entry is None or entry.stamp != stamp:
            dirty = True
            item: Item | None = given.get(path)
            if item is None and given:
                if resolved is None:
                    resolved = {p.resolve(): i for p, i in given.items()}
                item = resolved.get(path.resolve())
            if item is None:
                try:
                    item = read_item(path, config, "content")
                except ContentError:
                    item = None
            if item is not None and item.stamp is not None:
                entry = Entry(rel, item.slug, item.shown, item.stamp)
            else:
                entry = Entry(rel, None, rel, stamp)
        entries.append(entry)
    if dirty or len(entries) != len(old):
        _save(config, entries)
    return entries


def remember(config: Config, items: list[Item]) -> None:
    """Record published items just read (``warta publish``'s scan) in the index."""
    content_entries(config, known={i.path: i for i in items if i.location == "content"})


def review_scan(config: Config, wanted: list[Path]) -> Scan:
    """What reviewing ``wanted`` needs of a full :func:`~store.scan`: every draft and
    every wanted item read, their problems, and the duplicate slugs among all items
    (published slugs from the index) — the same findings for ``wanted`` as a full scan."""
    result = Scan()
    wanted_set = {p.resolve() for p in wanted}
    read: list[tuple[Path, Location]] = [(p, "draft") for p in draft_paths(config)]
    drafts = {p.resolve() for p, _ in read}
    content = config.path("content").resolve()
    read += [
        (p, "content")
        for p in wanted
        if p.resolve() not in drafts and p.resolve().is_relative_to(content)
    ]
    items: dict[Path, Item] = {}
    for path, location in read:
        try:
            item = read_item(path, config, location)
        except ContentError as error:
            result.problems.extend(error.problems)
            continue
        items[path.resolve()] = item
        result.items.append(item)
    # The scan's order: drafts, then published items; a slug's first holder keeps it.
    order: list[tuple[str | None, str, Item | str]] = [
        (item.slug, item.shown, item) for item in result.items if item.location == "draft"
    ]
    order += [(e.slug, e.shown, e.path) for e in content_entries(config, known=items)]
    first: dict[str, str] = {}
    for slug, shown, where in order:
        if slug is None:
            continue
        holder = first.setdefault(slug, shown)
        if holder == shown:
            continue
        # A duplicate: is its holder one of the items reviewed? (paths resolved only here)
        found = where if isinstance(where, Item) else items.get((config.root / where).resolve())
        if found is not None and found.path.resolve() in wanted_set:
            result.problems.append(
                Problem(
                    found.where(("slug",)),
                    f"slug: duplicate slug {slug!r}, already used by {holder}",
                    "choose another slug",
                )
            )
    return result
