"""Browser, operating system and crawler of a user agent (cached: agents repeat a lot)."""

from __future__ import annotations

import re
from functools import lru_cache

# Order matters: the first match wins (Edge and Opera also say "Chrome", Chrome says "Safari").
CRAWLER = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|facebookexternalhit|bingpreview|curl/|wget/|"
    r"python-requests|python-urllib|go-http-client|java/|libwww|httpclient|okhttp|"
    r"headlesschrome|lighthouse|feedfetcher|uptime|monitor|scrapy|axios/|node-fetch",
    re.IGNORECASE,
)
BROWSERS = [
    ("Edge", re.compile(r"Edg(?:e|A|iOS)?/")),
    ("Opera", re.compile(r"OPR/|Opera")),
    ("Samsung Internet", re.compile(r"SamsungBrowser/")),
    ("UC Browser", re.compile(r"UCBrowser/")),
    ("Firefox", re.compile(r"Firefox/|FxiOS/")),
    ("Chrome", re.compile(r"Chrome/|CriOS/")),
    ("Safari", re.compile(r"Safari/")),
    ("Internet Explorer", re.compile(r"MSIE |Trident/")),
]
SYSTEMS = [
    ("Android", re.compile(r"Android")),
    ("iOS", re.compile(r"iPhone|iPad|iPod")),
    ("Windows", re.compile(r"Windows")),
    ("macOS", re.compile(r"Mac OS X|Macintosh")),
    ("ChromeOS", re.compile(r"CrOS")),
    ("Linux", re.compile(r"Linux|X11")),
]


@lru_cache(maxsize=65536)
def classify(agent: str) -> tuple[str, str, bool]:
    """(browser, operating system, is a crawler); ``Unknown`` where nothing matches."""
    if agent in ("", "-"):
        return "Unknown", "Unknown", False
    crawler = CRAWLER.search(agent) is not None
    browser = (
        "Crawlers"
        if crawler
        else next((name for name, pattern in BROWSERS if pattern.search(agent)), "Others")
    )
    system = next(
        (name for name, pattern in SYSTEMS if pattern.search(agent)),
        "Crawlers" if crawler else "Unknown",
    )
    return browser, system, crawler
