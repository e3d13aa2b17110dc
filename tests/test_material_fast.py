"""mkdocs-material's tag listings and blog posts at a cost that does not multiply
(pipeline/site/material_fast.py, docs/scale.md "mkdocs-material's hot spots"): a site
built with and without the shortcuts has the same bytes and the same messages."""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from pipeline.site import material_fast
from tests.conftest import Project

NOW = datetime(2026, 12, 31, 1, 0, tzinfo=UTC)


def digests(site: Path) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in site.rglob("*")
        if p.is_file()
    }


def build(project: Project, caplog: pytest.LogCaptureFixture, name: str) -> tuple[dict, list]:
    from pipeline.site.build import build_site

    caplog.clear()
    with caplog.at_level(logging.INFO):
        site = project.root / f"site-{name}" / "site"
        build_site(project.config, now=NOW, site_dir=site)
    # Timings and the two processes' share of the conversion vary from build to build.
    varying = ("Documentation built in", "Markdown conversion:")
    messages = [(r.levelname, r.getMessage()) for r in caplog.records]
    return digests(site), [m for m in messages if not m[1].startswith(varying)]


def both_ways(
    project: Project, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> tuple[tuple[dict, list], tuple[dict, list]]:
    """The site and messages with the shortcuts, then with the libraries' own code."""
    fast = build(project, caplog, "fast")
    with monkeypatch.context() as m:
        m.setattr(material_fast, "install", lambda config: [])
        plain = build(project, caplog, "plain")
    return fast, plain


TAGS_PLUGIN = """\
  - tags:
      tags_hierarchy: true
      shadow_tags: [rahasia]
"""


@pytest.fixture
def tagged(project: Project) -> Project:
    """Posts and pages with flat, hierarchical and shadow tags, and listings that
    include, exclude, scope and list everything."""
    mkdocs = project.root / "mkdocs.yml"
    mkdocs.write_text(mkdocs.read_text().replace("  - search\n", "  - search\n" + TAGS_PLUGIN))
    project.write("content/tags.md", "# Tag\n\n<!-- material/tags -->\n")
    project.write(
        "content/profil/pilihan.md",
        "---\ntitle: Pilihan\n---\n# Pilihan\n\n"
        "## Sidang\n\n<!-- material/tags { include: [sidang, perkara/waris] } -->\n\n"
        "## Tanpa mediasi\n\n<!-- material/tags { exclude: [mediasi] } -->\n\n"
        "## Di bagian ini\n\n<!-- material/tags { scope: true, include: [perkara] } -->\n",
    )
    kinds = [
        ["sidang"],
        ["mediasi", "sidang"],
        ["perkara/waris"],
        ["perkara/cerai", "rahasia"],
        ["e-court"],
        ["rahasia"],
    ]
    for number in range(1, 19):
        project.published(
            f"berita-{number:02d}",
            title=f"Berita nomor {number} bertag",
            summary="Ringkasan berita bertag.",
            date=date(2026, 1 + number % 11, 1 + number),
            tags=kinds[number % len(kinds)],
        )
    project.published(
        "tata-tertib", "profil", title="Tata tertib sidang", tags=["sidang", "perkara/waris"]
    )
    return project


def test_tag_listings_give_the_same_bytes_and_messages(
    tagged: Project, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[object] = []
    speed_up = material_fast.speed_up_tags

    def spy(plugin: object) -> str | None:
        seen.append(speed_up(plugin))
        seen.append(type(plugin.listings).__name__)  # type: ignore[attr-defined]
        return seen[-2]  # type: ignore[return-value]

    monkeypatch.setattr(material_fast, "speed_up_tags", spy)
    (fast_site, fast_log), (plain_site, plain_log) = both_ways(tagged, caplog, monkeypatch)
    assert seen == [None, "FastListingManager"]
    assert fast_site == plain_site
    assert fast_log == plain_log
    site = tagged.root / "site-fast" / "site"
    chosen = (site / "profil/pilihan/index.html").read_text()
    assert "Berita nomor 3 bertag" in chosen and "Tata tertib sidang" in chosen
    # Which of two equally close listings a tag links to follows the order of a set of
    # listings (hashed by their ids): the same within a process, not between processes.
    post = next((site / "berita").rglob("berita-01/index.html")).read_text()
    assert '/#tag:sidang"' in post and '/#tag:mediasi"' in post


def test_a_changed_tags_plugin_keeps_its_own_listings_and_says_so(
    tagged: Project, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(material_fast.TAGS_MIRRORED, "Listing.add", "0" * 64)
    fast_site, fast_log = build(tagged, caplog, "changed")
    with monkeypatch.context() as m:
        m.setattr(material_fast, "install", lambda config: [])
        plain_site, plain_log = build(tagged, caplog, "plain")
    assert fast_site == plain_site
    said = [m for level, m in fast_log if "Listing.add" in m]
    assert said == [
        "material/tags: the tags plugin's Listing.add differ from mkdocs-material 9.8's; "
        "its listings are filled the usual way"
    ]
    assert [x for x in fast_log if "Listing.add" not in x[1]] == plain_log
