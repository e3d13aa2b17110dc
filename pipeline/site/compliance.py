"""The assessment's checklist as data, and a site's score against it.

The checklist (``pipeline/site/data/checklist.yml``, described in ``docs/compliance.md``)
lists what SK KMA 2-144/KMA/SK/VIII/2022 and Badilag's website assessment require of a
court's website, each item with where it lives in a warta site, how fresh it must be and
whether the home page must link to it. :func:`score` checks a site's live content against
it: **present** (and not a stub of ``warta init`` still to fill), **fresh** (its ``date``
within ``max_age``) and **linked** from the home page.

Domain code: it reads nothing itself; the use case passes the items and the home page.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from pipeline.config import Config, Duration, Slug
from pipeline.content.store import Item
from pipeline.errors import ConfigError, Problem
from pipeline.yamlpos import safe_load

#: The checklist shipped with warta.
CHECKLIST = Path(__file__).parent / "data" / "checklist.yml"
#: The marker ``warta init`` writes into a page still to be written.
STUB_MARKER = "<!-- warta:stub -->"

BASES = {
    "sk-kma": "SK KMA 2-144/KMA/SK/VIII/2022",
    "badilag": "Penilaian website Badilag",
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Where(_Model):
    """Where an item lives: exactly one of ``page``, ``category`` or ``link``."""

    page: str = Field(default="", pattern=r"^([a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)*)?$")
    category: str = ""
    prefix: str = ""
    link: str = ""

    @model_validator(mode="after")
    def _one_place(self) -> Where:
        if sum([bool(self.page), bool(self.category), bool(self.link)]) != 1:
            raise ValueError("give exactly one of page, category or link")
        return self

    def shown(self) -> str:
        """As a person reads it: ``content/profil/visi-misi/``, ``kategori berita``..."""
        if self.page:
            return f"content/{self.page}/"
        if self.category:
            return f"category {self.category}" + (f" ({self.prefix}…)" if self.prefix else "")
        return f"court.links: {self.link}"


class ChecklistItem(_Model):
    """One thing the assessment looks for."""

    id: Slug
    title: str
    basis: Literal["sk-kma", "badilag"]
    where: Where
    max_age: Duration | None = None
    home: bool = False


class Checklist(_Model):
    """The whole checklist file."""

    version: Literal[1]
    items: list[ChecklistItem] = Field(min_length=1)


_LOADED: dict[Path, tuple[tuple[int, int], Checklist]] = {}


def load_checklist(path: Path = CHECKLIST) -> Checklist:
    """Read and validate a checklist file; :class:`ConfigError` names what is wrong.

    Parsed once per version of the file (its size and modification time): the desk's
    dashboard scores the site at every request, and the YAML took longer than the rest
    of the page."""
    try:
        found = path.stat()
        stamp = (found.st_size, found.st_mtime_ns)
        held = _LOADED.get(path)
        if held is not None and held[0] == stamp:
            return held[1]
        checklist = Checklist.model_validate(safe_load(path.read_text(encoding="utf-8")))
        _LOADED[path] = (stamp, checklist)
        return checklist
    except (OSError, ValueError, ValidationError) as error:
        raise ConfigError(
            "the compliance checklist cannot be read",
            [
                Problem(
                    str(path),
                    str(error).splitlines()[0],
                    "reinstall warta, or fix the file as docs/compliance.md describes",
                )
            ],
        ) from None


Status = Literal["ok", "missing", "stub", "stale", "unlinked"]


@dataclass(frozen=True)
class Finding:
    """One checklist item's verdict on one site."""

    item: ChecklistItem
    status: Status
    present: bool
    fresh: bool | None
    """``None`` when the item has no ``max_age``."""
    linked: bool | None
    """``None`` when the home page need not link to it."""
    found: str = ""
    """The content file that satisfies it (or the stub), as shown to a person."""
    newest: date | None = None
    todo: str = ""
    """What to do, when the item is not ``ok``."""

    @property
    def points(self) -> tuple[int, int]:
        """(earned, possible): one point each for present, fresh (if asked), linked (if asked)."""
        possible = 1 + (self.fresh is not None) + (self.linked is not None)
        earned = int(self.present) + int(bool(self.fresh)) + int(bool(self.linked))
        return earned, possible


@dataclass
class Score:
    """A site against the checklist."""

    findings: list[Finding] = field(default_factory=list)

    @property
    def percent(self) -> float:
        """0–100: the share of the checks the site passes."""
        earned = sum(f.points[0] for f in self.findings)
        possible = sum(f.points[1] for f in self.findings)
        return 100.0 * earned / possible if possible else 100.0

    @property
    def to_do(self) -> list[Finding]:
        """The items that are not ``ok``, in checklist order."""
        return [f for f in self.findings if f.status != "ok"]


_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)|href=\"([^\"]+)\"")


def home_targets(markdown: str) -> set[str]:
    """The content folders the home page's Markdown links to (``profil/kontak``)."""
    out = set()
    for match in _LINK.finditer(markdown):
        target = (match.group(1) or match.group(2) or "").split("#", 1)[0]
        if not target or "://" in target or target.startswith(("mailto:", "tel:")):
            continue
        path = posixpath.normpath(target.lstrip("/"))
        path = path.removesuffix("/index.md").removesuffix(".md").strip("/")
        out.add(path)
    return out


def score(
    config: Config,
    checklist: Checklist,
    items: list[tuple[str, Item]],
    *,
    home_markdown: str | None,
    now: datetime,
) -> Score:
    """Check live content items against the checklist.

    ``items`` are ``(folder, item)`` pairs of the live content, ``folder`` relative to
    ``content/`` (``profil/visi-misi``, ``berita/posts/<slug>``); ``home_markdown`` is the
    home page's text, ``None`` when there is none.
    """
    today = now.astimezone(ZoneInfo(config.site.timezone)).date()  # the court's day
    links = {link.id for link in config.court.links}
    targets = home_targets(home_markdown or "")
    cards = {c.id for c in config.categories if c.kind == "post"}  # the home page's cards
    result = Score()
    for entry in checklist.items:
        where = entry.where
        matches: list[tuple[str, Item]] = []
        if where.link:
            present = where.link in links
            on_home = present and home_markdown is not None if entry.home else None
            status: Status = "ok" if present and on_home is not False else "missing"
            todo = (
                ""
                if status == "ok"
                else f"add a quick link with id {where.link!r} to court.links in {config.source}"
                if not present
                else "create content/index.md (the home page shows the quick links)"
            )
            result.findings.append(
                Finding(entry, status, present, None, on_home, found=where.shown(), todo=todo)
            )
            continue
        if where.page:
            matches = [(folder, item) for folder, item in items if folder == where.page]
        else:
            matches = [
                (folder, item)
                for folder, item in items
                if item.front.category == where.category and item.slug.startswith(where.prefix)
            ]
        real = [(f, i) for f, i in matches if STUB_MARKER not in i.body]
        newest = max(real, key=lambda pair: pair[1].front.date, default=None)
        present = newest is not None
        fresh: bool | None = None
        if entry.max_age is not None:
            fresh = newest is not None and _fresh(newest[1].front.date, today, entry.max_age)
        linked: bool | None = None
        if entry.home:
            if where.category and where.category in cards:
                linked = present and home_markdown is not None
            else:
                place = where.page or (newest[0] if newest else "")
                section = next((c.section for c in config.categories if c.id == where.category), "")
                linked = present and bool(targets & {place, section} - {""})
        if present:
            shown = f"content/{newest[0]}/index.md" if newest else ""
        elif matches:
            shown = f"content/{matches[0][0]}/index.md"
        else:
            shown = ""
        if not present:
            status = "stub" if matches else "missing"
        elif fresh is False:
            status = "stale"
        elif linked is False:
            status = "unlinked"
        else:
            status = "ok"
        result.findings.append(
            Finding(
                entry,
                status,
                present,
                fresh,
                linked,
                found=shown,
                newest=newest[1].front.date if newest else None,
                todo=_todo(entry, status, shown, config),
            )
        )
    return result


def _fresh(day: date, today: date, max_age: timedelta) -> bool:
    return (today - day) <= max_age


def _todo(entry: ChecklistItem, status: Status, shown: str, config: Config) -> str:
    where = entry.where
    if status == "ok":
        return ""
    if status == "stub":
        return f"write {shown} (still the stub of warta init)"
    if status == "missing":
        if where.page:
            return f"publish a page at content/{where.page}/index.md"
        return f"publish an item of category {where.category!r}" + (
            f" whose slug starts with {where.prefix!r}" if where.prefix else ""
        )
    if status == "stale":
        assert entry.max_age is not None
        return f"publish a newer version of {shown} (at most {entry.max_age.days} days old)"
    return f"link {shown} from the home page (content/index.md)"
