"""Content items on disk: find them, read them with their line numbers, write them back.

Layout (see ``docs/front-matter.md``)::

    drafts/<slug>/index.md                      a draft, with files/ beside it
    content/<section>/<slug>/index.md           a published page
    content/<section>/posts/<slug>/index.md     a published post (news, announcements)

Every other Markdown file under ``content/`` (the home page, section and blog
index pages) is site furniture: it is built but it is not a workflow item.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import zlib
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, Literal

import frontmatter
import yaml
from pydantic import ValidationError

from pipeline.config import Config
from pipeline.content.model import KEY_ORDER, MKDOCS_KEYS, WORKFLOW_KEYS, FrontMatter
from pipeline.content.parsecache import ParseCache
from pipeline.errors import ContentError, Problem
from pipeline.fsutil import atomic_write_text, sha256_file
from pipeline.yamlpos import (
    HostileYamlError,
    KeyPath,
    dotted,
    line_map,
    nearest_line,
    safe_load,
    yaml_error_line,
)

Location = Literal["draft", "content"]
_HANDLER = frontmatter.YAMLHandler()


class _Text:
    """A text field of :class:`Item` that :meth:`Item.pack` may keep compressed: reading
    it gives the same ``str``. Set on the class after the dataclass is made, so that
    ``__init__`` (and its types) are the plain fields'."""

    def __init__(self, name: str) -> None:
        self.slot = f"_{name}"

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        value = obj.__dict__[self.slot]
        if isinstance(value, bytes):
            return zlib.decompress(value).decode("utf-8", "surrogatepass")
        return value

    def __set__(self, obj: Any, value: str) -> None:
        obj.__dict__[self.slot] = value

    def size(self, obj: Any) -> int:
        """Length of the value as held (characters, or bytes once packed)."""
        return len(obj.__dict__.get(self.slot) or "")

    def pack(self, obj: Any) -> None:
        value = obj.__dict__[self.slot]
        if isinstance(value, str) and value:
            obj.__dict__[self.slot] = zlib.compress(value.encode("utf-8", "surrogatepass"), 1)


@dataclass
class Item:
    """One content item: its front matter, its Markdown body and where they came from."""

    path: Path
    """The item's ``index.md``."""
    front: FrontMatter
    body: str
    body_line: int
    """1-based line of the file where the body starts."""
    location: Location
    shown: str
    """Path as shown in messages (relative to the project root)."""
    fm_text: str = ""
    """The front matter's YAML, kept to locate keys when a message needs a line."""
    fm_offset: int = 0
    """Lines of the file before ``fm_text``."""
    passthrough: dict[str, Any] = field(default_factory=dict)
    """mkdocs / mkdocs-material keys kept as written."""
    raw: dict[str, Any] = field(default_factory=dict, repr=False)
    """The front matter mapping as parsed (shared with the site build: one parse)."""
    stamp: tuple[int, int, int] | None = None
    """(mtime_ns, size, inode) of the file when it was read: whether it is still current."""

    @property
    def folder(self) -> Path:
        """The item's folder (holding ``index.md`` and ``files/``)."""
        return self.path.parent

    @property
    def slug(self) -> str:
        return self.front.slug

    @functools.cached_property
    def key_lines(self) -> dict[KeyPath, int]:
        """1-based file line of every front matter key (computed on first use)."""
        return front_matter_lines(self.fm_text, self.fm_offset)

    def where(self, key: KeyPath = ()) -> str:
        """``file:line`` of a front matter key (or the file's first line)."""
        line = nearest_line(self.key_lines, key) if key else 1
        return f"{self.shown}:{line or 1}"

    def pack(self) -> None:
        """Keep the body and the front matter text compressed (zlib, level 1) until they
        are read: the site build holds every published item to its end and reads them
        only for the home page's cards and for messages. Reading gives the same text."""
        for name in _PACKABLE:
            getattr(type(self), name).pack(self)

    def text_size(self) -> int:
        """Length of the body and the front matter text as held now (characters, or
        bytes once packed): what :meth:`pack` would shrink, read without unpacking."""
        return sum(getattr(type(self), name).size(self) for name in _PACKABLE)

    def body_where(self, body_line: int) -> str:
        """``file:line`` of a line of the body (1-based within the body)."""
        return f"{self.shown}:{self.body_line + body_line - 1}"


#: The fields of an Item that :meth:`Item.pack` compresses.
_PACKABLE = ("body", "fm_text")
for _name in _PACKABLE:
    setattr(Item, _name, _Text(_name))


def front_matter_lines(fm_text: str, fm_offset: int) -> dict[KeyPath, int]:
    """File line of every key of a front matter block that starts after ``fm_offset`` lines."""
    return {key: line + fm_offset for key, line in line_map(fm_text).items()}


def _nav_like(value: object, depth: int = 0) -> bool:
    """A navigation as mkdocs reads one: a list of paths, or of one-key mappings from a
    title to a path or to such a list."""
    if depth > 10 or not isinstance(value, list):
        return False
    for entry in value:
        if isinstance(entry, str):
            continue
        if not isinstance(entry, dict) or len(entry) != 1:
            return False
        ((title, target),) = entry.items()
        if not isinstance(title, str):
            return False
        if not isinstance(target, str) and not _nav_like(target, depth + 1):
            return False
    return True


def shown_path(config: Config, path: Path) -> str:
    """A path relative to the project root when possible, for messages."""
    root = _resolved(config.root)
    # The scan's paths are made under the resolved root and hold no "..": nothing to
    # resolve (5,000 items: a realpath each, a lstat per path component). Compared as
    # strings (a Path's are normalised): pathlib's relative_to was 0.1 s of a scan.
    text, prefix = str(path), _prefix(root)
    if text.startswith(prefix) and ".." not in text.split(os.sep):
        return text[len(prefix) :]
    try:
        return str(path.resolve().relative_to(root))
    except ValueError:
        return str(path)


@functools.lru_cache(maxsize=8)
def _prefix(root: Path) -> str:
    return str(root).rstrip(os.sep) + os.sep


@functools.lru_cache(maxsize=8)
def _resolved(root: Path) -> Path:
    # The project root, resolved once per process, not once per item (5,000 items).
    return root.resolve()


def split_front_matter(text: str) -> tuple[str, str, int, int] | None:
    """Split ``---`` fenced front matter.

    Returns (yaml text, body, lines before the yaml text, first body line) or None.
    """
    if not text.startswith("---"):
        return None
    try:
        fm_text, body = _HANDLER.split(text)
    except ValueError:
        return None
    # The body starts after the closing fence; count the lines up to it.
    offset = text.find(body) if body else len(text)
    body_line = text.count("\n", 0, offset) + 1
    fm_offset = text.count("\n", 0, text.find(fm_text)) if fm_text else 1
    return fm_text, body, fm_offset, body_line


def parse_item(
    text: str | bytes,
    *,
    path: Path,
    config: Config,
    location: Location,
    cache: ParseCache | None = None,
) -> Item:
    """Parse one item; raise :class:`ContentError` listing every problem found.

    ``cache`` keeps the YAML mapping of a front matter text between runs
    (:mod:`pipeline.content.parsecache`); every check below runs on it all the same."""
    shown = shown_path(config, path)
    if isinstance(text, bytes):
        encoded = text
        try:
            text = encoded.decode("utf-8")
        except UnicodeDecodeError as error:
            line = encoded[: error.start].count(b"\n") + 1
            raise ContentError(
                "file is not UTF-8",
                [
                    Problem(
                        f"{shown}:{line}",
                        f"invalid UTF-8 byte at offset {error.start}",
                        "save the file as UTF-8",
                    )
                ],
            ) from None
    text = text.removeprefix("\ufeff")
    parts = split_front_matter(text)
    if parts is None:
        raise ContentError(
            "no front matter",
            [
                Problem(
                    f"{shown}:1",
                    "the file does not start with a '---' front matter block",
                    "run 'warta new' for a template",
                )
            ],
        )
    fm_text, body, fm_offset, body_line = parts
    try:
        raw = cache.front(fm_text, fm_offset) if cache is not None else None
        if raw is None:
            raw = safe_load(fm_text, line_offset=fm_offset) or {}
            if cache is not None:
                cache.keep_front(fm_text, fm_offset, raw)
    except yaml.YAMLError as error:
        error_line = yaml_error_line(error)
        where = f"{shown}:{error_line + fm_offset}" if error_line else shown
        problem = getattr(error, "problem", None) or str(error)
        raise ContentError(
            "front matter is not valid YAML",
            [
                Problem(
                    where,
                    str(problem),
                    ""
                    if isinstance(error, HostileYamlError)
                    else "fix the YAML between the '---' lines",
                )
            ],
        ) from None
    if not isinstance(raw, dict):
        raise ContentError(
            "front matter is invalid",
            [Problem(f"{shown}:2", "front matter must be a mapping of keys to values")],
        )
    lines: dict[KeyPath, int] | None = None

    def line_of(key: KeyPath) -> int:
        nonlocal lines
        if lines is None:  # only when a problem must be located
            lines = front_matter_lines(fm_text, fm_offset)
        return nearest_line(lines, key) or 1

    passthrough = {k: v for k, v in raw.items() if k in MKDOCS_KEYS}
    data = {k: v for k, v in raw.items() if k not in MKDOCS_KEYS}
    problems: list[Problem] = []
    front: FrontMatter | None = None
    try:
        front = FrontMatter.model_validate(data)
    except ValidationError as error:
        for detail in error.errors():
            loc = tuple(detail["loc"])
            line = line_of(loc)
            message = detail["msg"].removeprefix("Value error, ")
            if detail["type"] == "extra_forbidden":
                message = "unknown key (see docs/front-matter.md for the schema)"
            problems.append(Problem(f"{shown}:{line}", f"{dotted(loc)}: {message}"))
    links = passthrough.get("links")
    if "links" in passthrough and not _nav_like(links):
        # mkdocs-material's blog walks ``links`` as a navigation and fails with a
        # traceback on anything else (a number, a string, a mapping of numbers).
        problems.append(
            Problem(
                f"{shown}:{line_of(('links',))}",
                "links: must be a list of pages, each a path or a 'Title: path' mapping",
                "write it as a YAML list, e.g. links: [berita/posts/x/index.md]",
            )
        )
    if front is not None:
        if config.category(front.category) is None:
            known = ", ".join(c.id for c in config.categories)
            problems.append(
                Problem(
                    f"{shown}:{line_of(('category',))}",
                    f"category: unknown category {front.category!r}",
                    f"use one of: {known}",
                )
            )
        folder_slug = path.parent.name
        if front.slug != folder_slug:
            problems.append(
                Problem(
                    f"{shown}:{line_of(('slug',))}",
                    f"slug: {front.slug!r} does not match the folder name {folder_slug!r}",
                    "rename the folder or change the slug",
                )
            )
    if problems or front is None:
        raise ContentError(f"{shown}: invalid front matter", problems)
    return Item(
        path=path,
        front=front,
        body=body,
        body_line=body_line,
        location=location,
        shown=shown,
        fm_text=fm_text,
        fm_offset=fm_offset,
        passthrough=passthrough,
        raw=raw,
    )


def read_item(
    path: Path,
    config: Config,
    location: Location | None = None,
    *,
    cache: ParseCache | None = None,
) -> Item:
    """Read and parse the item at ``path`` (an ``index.md`` or its folder)."""
    if path.is_dir():
        path = path / "index.md"
    if location is None:
        location = "draft" if _is_under(path, config.path("drafts")) else "content"
    try:
        stat = path.stat()
        data = path.read_bytes()
    except FileNotFoundError:
        raise ContentError(
            "file not found",
            [Problem(shown_path(config, path), "no such file", "check the path or slug")],
        ) from None
    except OSError as error:
        raise ContentError(
            "file unreadable", [Problem(shown_path(config, path), error.strerror or str(error))]
        ) from None
    item = parse_item(data, path=path, config=config, location=location, cache=cache)
    item.stamp = file_stamp(stat)
    return item


def file_stamp(stat: os.stat_result) -> tuple[int, int, int]:
    """What tells a file was not changed since it was read: (mtime_ns, size, inode)."""
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino)


def is_current(item: Item) -> bool:
    """Whether ``item`` was read from its file as the file is now."""
    try:
        return item.stamp is not None and file_stamp(item.path.stat()) == item.stamp
    except OSError:
        return False


def _is_under(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder)
    except ValueError:
        return False
    return True


def draft_paths(config: Config) -> list[Path]:
    """Every ``drafts/<slug>/index.md``, sorted."""
    drafts = config.path("drafts")
    return sorted(drafts.glob("*/index.md")) if drafts.is_dir() else []


def content_item_paths(config: Config) -> list[Path]:
    """Every published item's ``index.md`` under ``content/``, sorted."""
    content = config.path("content")
    paths: list[Path] = []
    for category in config.categories:
        section = content / category.section
        pattern = "posts/*/index.md" if category.kind == "post" else "*/index.md"
        paths.extend(p for p in section.glob(pattern) if p.parent.name != "posts")
    return sorted(set(paths))


def target_folder(config: Config, front: FrontMatter) -> Path:
    """Where an item of this category is published under ``content/``."""
    category = config.category(front.category)
    if category is None:  # validated on read; guard for callers with raw data
        raise ContentError(
            "unknown category", [Problem("", f"category {front.category!r} is not configured")]
        )
    base = config.path("content") / category.section
    if category.kind == "post":
        base = base / "posts"
    return base / front.slug


def content_digest(item: Item) -> str:
    """SHA-256 of what an approver approves: the front matter without its workflow
    keys, the body, and every file under ``files/`` (names and bytes)."""
    front = {k: v for k, v in item.front.model_dump(mode="json").items() if k not in WORKFLOW_KEYS}
    digest = hashlib.sha256()
    digest.update(json.dumps([front, item.passthrough], sort_keys=True, default=str).encode())
    digest.update(b"\0" + item.body.encode("utf-8"))
    files = item.folder / "files"
    if files.is_dir():
        for path in sorted(p for p in files.rglob("*") if p.is_file()):
            rel = path.relative_to(item.folder).as_posix()
            digest.update(f"\0{rel}\0{sha256_file(path)}".encode())
    return digest.hexdigest()


@dataclass
class Scan:
    """Result of reading many items: the good ones and the problems of the rest."""

    items: list[Item] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def scan(
    config: Config,
    *,
    drafts: bool = True,
    content: bool = True,
    cache: ParseCache | None = None,
) -> Scan:
    """Read every item; collect problems (including duplicate slugs) instead of stopping.

    ``cache`` keeps front matter parses between runs (``warta publish``)."""
    result = Scan()
    paths: list[tuple[Path, Location]] = []
    if drafts:
        paths += [(p, "draft") for p in draft_paths(config)]
    if content:
        paths += [(p, "content") for p in content_item_paths(config)]
    for path, location in paths:
        try:
            result.items.append(read_item(path, config, location, cache=cache))
        except ContentError as error:
            result.problems.extend(error.problems)
    result.problems.extend(duplicate_slugs(result.items))
    return result


def scan_state(
    config: Config, *, drafts: bool = True, content: bool = True
) -> tuple[tuple[str, int, int, int], ...]:
    """What :func:`scan` would read, as each file's path, modification time, size and
    inode (:func:`file_stamp`): an equal state reads the same items. Costs the globs and
    one ``stat`` per item, not the reading and parsing of each file (a long-running
    process, the desk, keeps what it made from a scan while this stays the same)."""
    paths: list[Path] = []
    if drafts:
        paths += draft_paths(config)
    if content:
        paths += content_item_paths(config)
    state = []
    for path in paths:
        try:
            state.append((str(path), *file_stamp(path.stat())))
        except FileNotFoundError:
            state.append((str(path), 0, 0, 0))
    return tuple(state)


def duplicate_slugs(items: list[Item]) -> list[Problem]:
    """One problem per item whose slug another item already uses."""
    first: dict[str, Item] = {}
    problems = []
    for item in items:
        other = first.setdefault(item.slug, item)
        if other is not item:
            problems.append(
                Problem(
                    item.where(("slug",)),
                    f"slug: duplicate slug {item.slug!r}, already used by {other.shown}",
                    "choose another slug",
                )
            )
    return problems


def _plain(value: Any) -> Any:
    """Enums to their values, recursively; dates and datetimes stay native YAML types
    (mkdocs-material's blog refuses a quoted date)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


_ALWAYS = ("title", "slug", "date", "category", "summary", "author", "attention", "status")


def dump_front_matter(
    front: FrontMatter, passthrough: dict[str, Any] | None = None, keep: tuple[str, ...] = ()
) -> str:
    """YAML of the front matter in schema order, leaving out empty optional keys
    (except the main ones and ``keep``, which are always written)."""
    full = _plain(front.model_dump())
    data = _plain(front.model_dump(exclude_defaults=True))
    for required in (*_ALWAYS, *keep):
        data.setdefault(required, full[required])
    ordered = {key: data[key] for key in KEY_ORDER if key in data}
    ordered.update(passthrough or {})
    stream = io.StringIO()
    yaml.safe_dump(ordered, stream, allow_unicode=True, sort_keys=False, width=100)
    return stream.getvalue()


def render_item(
    front: FrontMatter,
    body: str,
    passthrough: dict[str, Any] | None = None,
    keep: tuple[str, ...] = (),
) -> str:
    """The full text of an ``index.md``."""
    return f"---\n{dump_front_matter(front, passthrough, keep)}---\n{body}"


def write_item(item: Item, front: FrontMatter, path: Path | None = None) -> None:
    """Atomically write ``front`` and the item's body to ``path`` (default: in place)."""
    atomic_write_text(path or item.path, render_item(front, item.body, item.passthrough))
