"""``warta compliance``: the site's live content against the assessment's checklist."""

from __future__ import annotations

from datetime import datetime

from pipeline.config import Config
from pipeline.content.store import scan
from pipeline.site.compliance import Score, load_checklist, score
from pipeline.site.live import is_live, now_utc


def run_compliance(config: Config, *, now: datetime | None = None) -> Score:
    """Score the live content of ``content/`` against warta's checklist."""
    moment = now or now_utc()
    docs = config.path("content")
    items = [
        (item.folder.resolve().relative_to(docs).as_posix(), item)
        for item in scan(config, drafts=False).items
        if is_live(item.front, now=moment, tz=config.site.timezone)
    ]
    home = docs / "index.md"
    home_markdown = home.read_text(encoding="utf-8") if home.is_file() else None
    return score(config, load_checklist(), items, home_markdown=home_markdown, now=moment)
