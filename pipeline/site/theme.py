"""The court look: mkdocs-material overrides shipped in the package (``theme/``).

The warta plugin puts the override folder between the site's own ``custom_dir`` (which
still wins) and mkdocs-material, so every court gets the same header (emblem, address,
telephone, WhatsApp, search), home page (quick links, the latest news and announcements
as cards), Indonesian 404, footer (status page, feed, contact) and the excerpts, photos
and scrolling tables of the content, without copying templates into its repository.

This module computes what the templates show; it reads nothing but the names of a
photo's web variants beside it.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.utils import get_relative_url

from pipeline import i18n
from pipeline.config import Category, Config
from pipeline.content.store import Item

#: The override folder (templates and assets), inside the package.
THEME_DIR = Path(__file__).parent / "theme"
#: The emblem drawn for the invented court, used when ``mkdocs.yml`` sets no logo.
EMBLEM = "assets/warta/emblem.svg"
#: Where the site's search page is (a page the plugin adds; Pagefind's UI runs on it).
SEARCH_PAGE = "cari.md"
#: Posts per section shown as cards on the home page.
HOME_CARDS = 3
#: The separator mkdocs-material's blog cuts a post's excerpt at.
MORE = "<!-- more -->"

#: Texts of the theme, by site language (Indonesian first; English available), registered
#: in the one catalogue as ``site.<key>``.
TEXTS: dict[str, dict[str, str]] = {
    "id": {
        "phone": "Telepon",
        "whatsapp": "WhatsApp",
        "email": "E-mail",
        "hours": "Jam pelayanan",
        "search": "Cari",
        "search_label": "Cari di situs ini",
        "search_title": "Pencarian",
        "search_intro": "Cari berita, pengumuman, dan halaman layanan.",
        "quick_links": "Layanan daring",
        "latest": "{label} terbaru",
        "all": "Semua {label}",
        "read_more": "Baca selengkapnya",
        "status": "Status layanan situs",
        "feed": "RSS berita",
        "contact": "Kontak",
        "not_found_title": "Halaman tidak ditemukan",
        "not_found_text": "Halaman yang Anda cari tidak ada, sudah dipindahkan, atau "
        "alamatnya salah ketik.",
        "not_found_home": "Kembali ke beranda",
        "not_found_search": "Cari di situs ini",
        "emblem": "Lambang",
        "no_script": "Pencarian memerlukan JavaScript.",
    },
    "en": {
        "phone": "Telephone",
        "whatsapp": "WhatsApp",
        "email": "E-mail",
        "hours": "Opening hours",
        "search": "Search",
        "search_label": "Search this site",
        "search_title": "Search",
        "search_intro": "Search news, announcements and service pages.",
        "quick_links": "Online services",
        "latest": "Latest {label}",
        "all": "All {label}",
        "read_more": "Read more",
        "status": "Site status",
        "feed": "News feed (RSS)",
        "contact": "Contact",
        "not_found_title": "Page not found",
        "not_found_text": "The page you are looking for does not exist, has moved, or its "
        "address was mistyped.",
        "not_found_home": "Back to the home page",
        "not_found_search": "Search this site",
        "emblem": "Emblem",
        "no_script": "Search needs JavaScript.",
    },
}


i18n.register(
    {language: {f"site.{k}": v for k, v in texts.items()} for language, texts in TEXTS.items()}
)


def texts(language: str) -> dict[str, str]:
    """The theme's texts in ``language`` (from the one catalogue)."""
    locale = i18n.Locale(language)
    return {key: locale.t(f"site.{key}") for key in TEXTS["id"]}


def theme_context(config: Config, *, status_page: bool) -> dict[str, Any]:
    """What every page's templates read as ``config.extra.warta``."""
    court = config.court
    digits = re.sub(r"\D", "", court.whatsapp)
    if digits.startswith("0"):
        digits = "62" + digits[1:]  # wa.me wants the international number
    return {
        "language": config.site.language,
        "t": texts(config.site.language),
        "address": court.address,
        "phone": court.phone,
        "phone_url": "tel:" + re.sub(r"[^\d+]", "", court.phone) if court.phone else "",
        "whatsapp": court.whatsapp,
        "whatsapp_url": f"https://wa.me/{digits}" if digits else "",
        "email": court.email,
        "hours": court.hours,
        "links": [link.model_dump() for link in court.links],
        "status_page": status_page,
        "search_page": SEARCH_PAGE.removesuffix(".md") + "/",
    }


def search_page_markdown(config: Config) -> str:
    """The Markdown of the search page the plugin adds (Pagefind's UI fills it)."""
    shown = texts(config.site.language)
    return (
        "---\n"
        f"title: {shown['search_title']}\n"
        "template: warta-search.html\n"
        "hide: [navigation, toc]\n"
        "---\n"
        f"# {shown['search_title']}\n\n{shown['search_intro']}\n"
    )


@dataclass(frozen=True)
class Card:
    """One post as a card on the home page."""

    title: str
    url: str
    """Relative to the home page."""
    date: str
    """As people read it (``26 Agustus 2026``)."""
    iso_date: str
    summary: str
    image: str = ""
    """A web variant of the post's first photo, relative to the home page."""
    image_alt: str = ""


_IMAGE = re.compile(
    r"!\[([^\]\n]+)\]\(\s*<?([^)\s>]+\.(?:jpe?g|png|webp))>?(?:\s+\"[^\"]*\")?\s*\)"
)


def first_image(markdown: str) -> tuple[str, str] | None:
    """The first image of a post that has alternative text: ``(src, alt)``.

    An image without alt text is never shown on a card (review already refuses it).
    """
    match = _IMAGE.search(markdown)
    return (match.group(2), match.group(1).strip()) if match else None


def card_image(src: str) -> str:
    """The smallest web variant ``warta convert`` writes beside a photo (``-800.jpg``)."""
    return re.sub(r"-\d{3,4}(\.jpe?g)$", r"-800\1", src)


def human_date(day: date, language: str, tz: str) -> str:
    """A date as the site shows it: ``26 Agustus 2026``."""
    return i18n.Locale(language, tz).date(day)


def excerpt_marked(markdown: str) -> str:
    """A post's Markdown with the excerpt separator after its first paragraph.

    A post that has its own ``<!-- more -->`` keeps it; others are cut after the first
    paragraph, so list pages show excerpts rather than ten full articles.
    """
    if MORE in markdown:
        return markdown
    blocks = re.split(r"(\n[ \t]*\n)", markdown)
    seen = ""
    for index in range(0, len(blocks), 2):
        block = blocks[index]
        seen += block + (blocks[index + 1] if index + 1 < len(blocks) else "")
        text = block.strip()
        is_paragraph = bool(text) and not text.startswith(("#", "|", "<", "!", "-", "*", ">"))
        if is_paragraph and index + 1 < len(blocks):
            rest = "".join(blocks[index + 2 :])
            if not rest.strip():
                return markdown
            return seen.rstrip("\n") + f"\n\n{MORE}\n\n" + rest
    return markdown


def install(config: MkDocsConfig, warta: Config, *, status_page: bool) -> None:
    """Put the package's overrides under the site's own and give the templates their data."""
    dirs: list[str] = config.theme.dirs
    if str(THEME_DIR) not in dirs:
        dirs.insert(1 if config.theme.custom_dir else 0, str(THEME_DIR))
    if not config.theme.get("logo"):
        config.theme["logo"] = EMBLEM
    if config.theme.get("favicon") in (None, "", "assets/images/favicon.png"):
        config.theme["favicon"] = EMBLEM
    # The privacy promise: a visit sends nothing to a third party (the theme's default
    # loads its fonts from Google); the system fonts are used instead.
    config.theme["font"] = False
    config.extra["warta"] = theme_context(warta, status_page=status_page)


_TABLE_OPEN = re.compile(r"<table>")
_IMG_SRC = re.compile(r'<img (?P<before>[^>]*?)src="(?P<src>[^"]+?-(?P<width>\d{3,4})\.jpe?g)"')


def content_html(html: str, source: str | None) -> str:
    """A page's HTML with scrolling tables and responsive photos.

    Tables are wrapped in a focusable box that scrolls sideways on a phone (the page
    itself never does); a photo made by ``warta convert`` gets a ``srcset`` of the web
    variants that exist beside it and loads lazily.
    """
    html = _TABLE_OPEN.sub('<div class="warta-table" tabindex="0"><table>', html)
    html = html.replace("</table>", "</table></div>")
    if source is None or "<img " not in html:
        return html

    def responsive(match: re.Match[str]) -> str:
        src = match.group("src")
        if "srcset=" in match.group("before"):
            return match.group(0)
        folder = Path(source).parent
        stem = posixpath.basename(src)[: -len(match.group("width")) - len(".jpg") - 1]
        if src.endswith(".jpeg"):
            stem = stem[:-1]
        widths = sorted(
            int(found.stem.rsplit("-", 1)[1])
            for found in folder.rglob(f"{stem}-*.jp*g")
            if found.stem.rsplit("-", 1)[1].isdigit()
        )
        if len(widths) < 2:
            return match.group(0) + ' loading="lazy"'
        prefix = src[: -len(posixpath.basename(src))]
        suffix = posixpath.splitext(src)[1]
        srcset = ", ".join(f"{prefix}{stem}-{w}{suffix} {w}w" for w in widths)
        return (
            f'<img {match.group("before")}src="{src}" srcset="{srcset}" '
            f'sizes="(max-width: 60em) 100vw, 45rem" loading="lazy"'
        )

    return _IMG_SRC.sub(responsive, html)


def home(
    warta: Config,
    posts: Iterable[tuple[str, Item, Category]],
    *,
    page_url: str,
    files: Files | None,
) -> dict[str, Any]:
    """What the home page shows above its own text: quick links and the latest posts."""
    language = warta.site.language
    shown = texts(language)

    def url_of(src: str) -> str | None:
        file = files.get_file_from_path(src) if files is not None else None
        return get_relative_url(file.url, page_url) if file is not None else None

    links = [
        {
            "label": link.label,
            "url": get_relative_url(link.url.lstrip("/") or ".", page_url)
            if link.url.startswith("/")
            else link.url,
        }
        for link in warta.court.links
    ]
    by_category: dict[str, list[tuple[str, Item]]] = {}
    for src, item, category in posts:
        by_category.setdefault(category.id, []).append((src, item))
    sections = []
    for category in warta.categories:
        if category.kind != "post" or category.id not in by_category:
            continue
        newest = sorted(
            by_category[category.id],
            key=lambda pair: (pair[1].front.date, pair[1].front.published_at or ""),
            reverse=True,
        )[:HOME_CARDS]
        cards = []
        for src, item in newest:
            url = url_of(src)
            if url is None:
                continue
            image, alt = "", ""
            found = first_image(item.body)
            if found is not None:
                folder = posixpath.dirname(src)
                for candidate in (card_image(found[0]), found[0]):
                    image = url_of(posixpath.normpath(posixpath.join(folder, candidate))) or ""
                    if image:
                        alt = found[1]
                        break
            cards.append(
                Card(
                    title=item.front.title,
                    url=url,
                    date=human_date(item.front.date, language, warta.site.timezone),
                    iso_date=item.front.date.isoformat(),
                    summary=item.front.summary,
                    image=image,
                    image_alt=alt,
                )
            )
        label = category.label.get(language)
        lowered = label.lower() if language == "id" else label
        sections.append(
            {
                "title": shown["latest"].format(label=label),
                "cards": cards,
                "all_url": url_of(f"{category.section}/index.md"),
                "all_label": shown["all"].format(label=lowered),
            }
        )
    return {"links": links, "sections": sections}
