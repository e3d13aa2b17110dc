"""The JSON content API and the RSS feed, written beside the HTML.

Layout in the built site (format version 1, see ``docs/content-api.md``)::

    api/index.json            every live item, newest first, without HTML
    api/items/<slug>.json     one item with its metadata and rendered HTML
    feed.xml                  RSS 2.0 of the newest posts

Outputs are deterministic for the same content (no build timestamps in the
per-item files), so that unchanged items produce unchanged bytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, time
from email.utils import format_datetime
from typing import Any
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

from pipeline.content.model import FrontMatter

API_VERSION = 1
FEED_SIZE = 50


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
        front = self.front
        return {
            "slug": front.slug,
            "title": front.title,
            "url": self.url,
            "category": front.category,
            "category_label": self.category_label,
            "kind": self.kind,
            "date": front.date.isoformat(),
            "summary": front.summary,
            "author": self.author_name,
            "tags": list(front.tags),
            "published_at": front.published_at.isoformat() if front.published_at else None,
            "attachments": [a.__dict__ for a in self.attachments],
        }

    def item_dict(self) -> dict[str, Any]:
        return {"version": API_VERSION, **self.summary_dict(), "html": self.html}


def _sort_key(item: PublishedItem) -> tuple[str, str]:
    return (item.front.date.isoformat(), item.front.slug)


def api_files(items: list[PublishedItem], *, site_name: str, site_url: str) -> dict[str, bytes]:
    """Relative path → bytes of every API file."""
    ordered = sorted(items, key=_sort_key, reverse=True)
    out: dict[str, bytes] = {}
    index = {
        "version": API_VERSION,
        "site": {"name": site_name, "url": site_url},
        "count": len(ordered),
        "items": [item.summary_dict() for item in ordered],
    }
    out["api/index.json"] = _json(index)
    for item in ordered:
        out[f"api/items/{item.front.slug}.json"] = _json(item.item_dict())
    return out


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
        ET.SubElement(entry, "title").text = post.front.title
        ET.SubElement(entry, "link").text = post.url
        ET.SubElement(entry, "guid", isPermaLink="true").text = post.url
        ET.SubElement(entry, "description").text = post.front.summary
        ET.SubElement(entry, "category").text = post.category_label
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
