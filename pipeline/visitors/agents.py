"""Browser, operating system and kind of a user agent (cached: agents repeat a lot).

The kinds are GoAccess's groups: people's browsers, *Crawlers* (search engines, social
previews, monitors, HTTP libraries and tools) and *Feeds* (feed readers, which fetch the
site's RSS/Atom feeds on a schedule).  A crawler's system is *Crawlers* too, whatever
device it claims: Googlebot's smartphone crawler says "iPhone" and is not an iOS visitor.
"""

from __future__ import annotations

import re
from functools import lru_cache

FEEDS = re.compile(
    r"feedly|inoreader|newsblur|feedbin|theoldreader|tiny tiny rss|tt-rss|feedspot|"
    r"netnewswire|akregator|liferea|quiterss|miniflux|freshrss|feedburner|feedvalidator|"
    r"newsboat|rssowl|feeder\.co|feedfetcher|\brss\b|\bfeed\s*reader|flipboard|nextcloud-news|"
    r"commafeed|bazqux|superfeedr|blogtrottr|feedbro|readkit|reeder/",
    re.IGNORECASE,
)
# Order matters in BROWSERS and SYSTEMS: the first match wins (Edge and Opera also say
# "Chrome", Chrome says "Safari").
CRAWLER = re.compile(
    r"bot\b|bot/|bot-|crawl|spider|slurp|facebookexternalhit|facebookcatalog|bingpreview|"
    r"curl/|wget/|python-requests|python-urllib|python/|aiohttp|httpx|go-http-client|"
    r"java/|libwww|httpclient|okhttp|headlesschrome|phantomjs|lighthouse|pagespeed|"
    r"uptime|monitor|pingdom|statuscake|scrapy|axios/|node-fetch|undici|postmanruntime|"
    r"insomnia|libcurl|dart/|ruby|perl|php/|guzzle|whatsapp|telegram|slack|discord|"
    r"skypeuripreview|embedly|ia_archiver|archive\.org|mediapartners-google|"
    r"adsbot-google|apis-google|google-inspectiontool|google-read-aloud|googleother|"
    r"google-extended|storebot-google|feedfetcher|yandex|baidu|sogou|exabot|seznam|"
    r"petalbot|bytespider|gptbot|chatgpt-user|claudebot|claude-web|anthropic|ccbot|"
    r"perplexity|amazonbot|applebot|duckduckbot|duckassist|semrush|ahrefs|mj12|dotbot|"
    r"dataforseo|serpstat|blexbot|megaindex|zoominfo|linkcheck|validator|preview|"
    r"scanner|check_http|nagios|zabbix|prometheus|blackbox|sitemap|fetcher",
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
BROWSER, CRAWLERS, FEED = "browser", "Crawlers", "Feeds"


@lru_cache(maxsize=65536)
def classify(agent: str) -> tuple[str, str, bool]:
    """(browser, operating system, is a robot); ``Unknown`` where nothing matches.

    Robots are crawlers and feed readers: their browser and system are the group's
    name (``Crawlers`` or ``Feeds``).
    """
    if agent in ("", "-"):
        return "Unknown", "Unknown", False
    if FEEDS.search(agent):
        return FEED, FEED, True
    if CRAWLER.search(agent):
        return CRAWLERS, CRAWLERS, True
    browser = next((name for name, pattern in BROWSERS if pattern.search(agent)), "Others")
    system = next((name for name, pattern in SYSTEMS if pattern.search(agent)), "Unknown")
    return browser, system, False
