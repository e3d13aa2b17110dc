"""``warta new``: a new draft folder with its front matter template."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from pathlib import Path

from pipeline.config import Config
from pipeline.content.model import SLUG_RE, Attention, FrontMatter, HistoryEntry, Status
from pipeline.content.store import content_item_paths, render_item
from pipeline.errors import ContentError, Problem
from pipeline.fsutil import atomic_write_text, staging_dir

BODY_TEMPLATE = """
## Pokok berita

Tulis isi di sini. Judul halaman diambil dari `title` di atas; mulai bagian dengan `##`.

<!-- Lampiran: simpan berkas di folder files/, daftarkan di `attachments`, lalu tautkan:
[Unduh dokumen (PDF)](files/nama-berkas.pdf) -->
"""


def slugify(text: str) -> str:
    """ASCII, lowercase, hyphen-separated; at most 80 characters."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:80].rstrip("-")


def check_slug(slug: str, where: str = "slug") -> None:
    """Refuse a slug that is not a plain URL name (this also stops path traversal)."""
    if not SLUG_RE.match(slug) or len(slug) > 80:
        raise ContentError(
            "invalid slug",
            [
                Problem(
                    where,
                    f"{slug!r} is not a valid slug",
                    "use lowercase letters, digits and single hyphens, e.g. sidang-keliling-2026",
                )
            ],
        )


def new_draft(
    config: Config,
    *,
    title: str,
    category: str,
    author: str,
    slug: str | None,
    attention: Attention,
    today: date,
    now: datetime,
    sources: bool = False,
) -> Path:
    """Create ``drafts/<slug>/index.md`` and ``files/``; return the index path.

    ``sources`` also creates an empty ``sources/``: the material is being gathered
    (SOP 1 step 1), which ``warta status`` measures as the collect stage.
    """
    slug = slug or slugify(title)
    check_slug(slug)
    if config.category(category) is None:
        known = ", ".join(c.id for c in config.categories)
        raise ContentError(
            "unknown category",
            [
                Problem(
                    f"{config.source}: categories",
                    f"{category!r} is not configured",
                    f"use one of: {known}",
                )
            ],
        )
    drafts = config.path("drafts")
    folder = drafts / slug
    taken = [p for p in content_item_paths(config) if p.parent.name == slug]
    if folder.exists() or taken:
        other = folder if folder.exists() else taken[0].parent
        raise ContentError(
            "duplicate slug",
            [Problem(str(other), f"slug {slug!r} is already used", "choose another with --slug")],
        )
    front = FrontMatter(
        title=title,
        slug=slug,
        date=today,
        category=category,
        summary="",
        author=author,
        attention=attention,
        status=Status.DRAFT,
        history=[HistoryEntry(status=Status.DRAFT, at=now, by=author)],
    )
    with staging_dir(folder, f"new-{slug}") as staging:
        (staging / "files").mkdir()
        (staging / "files" / ".gitkeep").touch()
        if sources:
            (staging / "sources").mkdir()
            (staging / "sources" / ".gitkeep").touch()
        atomic_write_text(staging / "index.md", render_item(front, BODY_TEMPLATE, keep=("tags",)))
        staging.rename(folder)
    return folder / "index.md"
