"""The JSON content API and the RSS feed, written beside the HTML.

Layout in the built site (format version 2, see ``docs/content-api.md``)::

    api/index.json            the newest items, and the list of months
    api/months/<YYYY-MM>.json every live item dated in that month, newest first
    api/items/<slug>.json     one item with its metadata and rendered HTML
    feed.xml                  RSS 2.0 of the newest posts

Outputs are deterministic for the same content (no build timestamps anywhere), so
that unchanged items produce unchanged bytes, and a new item changes only the index,
its month and its own file: a deploy uploads those, not a list of every item ever
published (version 1 had one ``index.json`` with every item).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from email.utils import format_datetime
from typing import Any
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

from pipeline.content.model import FrontMatter
from pipeline.content.sanitise import text

API_VERSION = 2
FEED_SIZE = 50
LATEST_SIZE = 20


@dataclass
class Attachment:
    """An attachment as published."""

    title: str
    url: str
    sha256: str
    size: int


@dataclass
class PublishedItem:
    """What the API says about one live item."""

    front: FrontMatter
    url: str
    """Absolute URL of the item's page."""
    category_label: str
    kind: str
    author_name: str
    html: str = ""
    attachments: list[Attachment] = field(default_factory=list)

    def summary_dict(self) -> dict[str, Any]:
        """The item's metadata; text from the front matter is HTML-escaped (API v2)."""
        front = self.front
        return {
            "slug": front.slug,
            "title": text(front.title),
            "url": self.url,
            "category": front.category,
            "category_label": text(self.category_label),
            "kind": self.kind,
            "date": front.date.isoformat(),
            "summary": text(front.summary),
            "author": text(self.author_name),
            "tags": [text(tag) for tag in front.tags],
            "published_at": front.published_at.isoformat() if front.published_at else None,
            "attachments": [{**a.__dict__, "title": text(a.title)} for a in self.attachments],
        }

    def item_dict(self) -> dict[str, Any]:
        return {"version": API_VERSION, **self.summary_dict(), "html": self.html}


def _sort_key(item: PublishedItem) -> tuple[str, str]:
    return (item.front.date.isoformat(), item.front.slug)


def month_of(day: date) -> str:
    """``YYYY-MM``: the month file of the API (and the sitemap) an item belongs to."""
    return f"{day.year:04d}-{day.month:02d}"


def api_files(items: list[PublishedItem], *, site_name: str, site_url: str) -> dict[str, bytes]:
    """Relative path → bytes of every API file."""
    return dict(iter_api_files(items, site_name=site_name, site_url=site_url))


@dataclass
class Output:
    """One API file, made on demand: ``key`` (when not None) is the SHA-256 of
    everything its bytes are made from, so that a build can keep the previous build's
    file without making it again."""

    rel: str
    make: Callable[[], bytes]
    key: str | None = None


def iter_api_files(
    items: list[PublishedItem], *, site_name: str, site_url: str
) -> Iterator[tuple[str, bytes]]:
    """``(relative path, bytes)`` of every API file, one at a time (the item files
    together hold every page's HTML: a build writes each as it is made)."""
    for output in iter_api_outputs(items, site_name=site_name, site_url=site_url):
        yield output.rel, output.make()


def _item_output(item: PublishedItem) -> Output:
    data = item.item_dict()
    html = data.pop("html")
    # The item's file is _json of its dict: the same dict and HTML, the same bytes.
    meta = json.dumps(data, ensure_ascii=False, sort_keys=True)
    key = hashlib.sha256(f"{meta}\0{html}".encode("utf-8", "surrogatepass")).hexdigest()
    return Output(f"api/items/{item.front.slug}.json", lambda: _json(item.item_dict()), key)


def iter_api_outputs(
    items: list[PublishedItem], *, site_name: str, site_url: str
) -> Iterator[Output]:
    """Every API file as an :class:`Output`; the item files carry a key."""
    ordered = sorted(items, key=_sort_key, reverse=True)
    months: dict[str, list[PublishedItem]] = {}
    for item in ordered:
        months.setdefault(month_of(item.front.date), []).append(item)
    index = {
        "version": API_VERSION,
        "site": {"name": site_name, "url": site_url},
        "count": len(ordered),
        "latest": [item.summary_dict() for item in ordered[:LATEST_SIZE]],
        "months": [
            {"month": month, "count": len(members), "path": f"api/months/{month}.json"}
            for month, members in months.items()
        ],
    }
    yield _data_output("api/index.json", index)
    for month, members in months.items():
        yield _data_output(
            f"api/months/{month}.json",
            {
                "version": API_VERSION,
                "month": month,
                "count": len(members),
                "items": [item.summary_dict() for item in members],
            },
        )
    for item in ordered:
        yield _item_output(item)


def _data_output(rel: str, data: Any) -> Output:
    """The file ``_json(data)``, keyed by ``data``'s compact JSON: the indented text is
    a function of it (the same values in the same order, with whitespace placed by their
    nesting), and the compact one is made by the json module's C encoder, a fifth of the
    time of the indented one (120 month files at 5,000 posts)."""
    compact = json.dumps(data, ensure_ascii=False)
    key = hashlib.sha256(compact.encode("utf-8", "surrogatepass")).hexdigest()
    return Output(rel, lambda: _json(data), key)


def read_items(load: Callable[[str], Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The index and every item summary of a built API, newest first.

    ``load(path)`` returns the parsed JSON of a site-relative path (from a folder or
    over HTTP). A version-1 index (every item in ``items``) is read as well.
    """
    index = load("api/index.json")
    if not isinstance(index, dict):
        raise ValueError("api/index.json is not a JSON object")
    if "months" not in index:
        return index, list(index.get("items", []))
    items: list[dict[str, Any]] = []
    for month in index["months"]:
        items.extend(load(month["path"]).get("items", []))
    return index, items


def _json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def rss_feed(
    items: list[PublishedItem],
    *,
    site_name: str,
    site_url: str,
    language: str,
    tz: str,
    size: int = FEED_SIZE,
) -> bytes:
    """RSS 2.0 of the newest ``size`` posts."""
    posts = sorted((i for i in items if i.kind == "post"), key=_sort_key, reverse=True)[:size]
    rss = ET.Element("rss", version="2.0")
    channel = ET.SubElement(rss, "channel")
    ET.SubElement(channel, "title").text = site_name
    ET.SubElement(channel, "link").text = site_url
    ET.SubElement(channel, "description").text = site_name
    ET.SubElement(channel, "language").text = language
    if posts:
        ET.SubElement(channel, "lastBuildDate").text = _rfc822(posts[0].front, tz)
    for post in posts:
        entry = ET.SubElement(channel, "item")
        # Feed readers show title and description as HTML: give them escaped text.
        ET.SubElement(entry, "title").text = text(post.front.title)
        ET.SubElement(entry, "link").text = post.url
        ET.SubElement(entry, "guid", isPermaLink="true").text = post.url
        ET.SubElement(entry, "description").text = text(post.front.summary)
        ET.SubElement(entry, "category").text = text(post.category_label)
        ET.SubElement(entry, "pubDate").text = _rfc822(post.front, tz)
        for attachment in post.attachments[:1]:
            ET.SubElement(
                entry,
                "enclosure",
                url=attachment.url,
                length=str(attachment.size),
                type="application/pdf"
                if attachment.url.endswith(".pdf")
                else "application/octet-stream",
            )
    ET.indent(rss)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(rss, encoding="utf-8") + b"\n"


def _rfc822(front: FrontMatter, tz: str) -> str:
    moment = front.published_at or datetime.combine(front.date, time(8, 0))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(tz))
    return format_datetime(moment)
