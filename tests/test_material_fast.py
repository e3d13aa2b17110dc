"""mkdocs-material's tag listings and blog posts at a cost that does not multiply
(pipeline/site/material_fast.py, docs/scale.md "mkdocs-material's hot spots"): a site
built with and without the shortcuts has the same bytes and the same messages."""

from __future__ import annotations

import copy
import hashlib
import logging
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

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
        m.setattr(material_fast, "speed_up_navigation", lambda env, config, nav: None)
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


@pytest.mark.parametrize(
    ("fixture", "table", "name", "said"),
    [
        (
            "tagged",
            "TAGS_MIRRORED",
            "Listing.add",
            "material/tags: the tags plugin's Listing.add differ from those warta mirrors "
            "(mkdocs 1.6.1, mkdocs-material 9.8); its listings are filled the usual way",
        ),
        (
            "blog",
            "BLOG_MIRRORED",
            "Post.__init__",
            "material/blog: the blog's Post.__init__ differ from those warta mirrors "
            "(mkdocs 1.6.1, mkdocs-material 9.8); its posts are read the usual way",
        ),
    ],
    ids=["tags", "blog"],
)
def test_a_changed_plugin_keeps_its_own_code_and_says_so(
    fixture: str,
    table: str,
    name: str,
    said: str,
    request: pytest.FixtureRequest,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    project = request.getfixturevalue(fixture)
    monkeypatch.setitem(getattr(material_fast, table), name, "0" * 64)
    fast_site, fast_log = build(project, caplog, "changed")
    with monkeypatch.context() as m:
        m.setattr(material_fast, "install", lambda config: [])
        plain_site, plain_log = build(project, caplog, "plain")
    assert fast_site == plain_site
    assert [m for level, m in fast_log if name in m] == [said]
    assert [x for x in fast_log if name not in x[1]] == plain_log


BLOG_POSTS = {
    "berita-01": {},
    "berita-02": {"draft": True},
    "berita-03": {"pin": True},
    "berita-04": {"readtime": 7, "draft": False},
    "berita-05": {"categories": ["Sidang", "Sidang", "Umum"], "authors": ["rina"]},
    "berita-06": {"links": ["profil/visi-misi/index.md"]},
    "berita-07": {"pin": False, "categories": []},
}


@pytest.fixture
def blog(project: Project) -> Project:
    """Posts with the blog's own keys: drafts, a pinned post, a reading time, categories
    (with a repeat), authors and related links."""
    mkdocs = project.root / "mkdocs.yml"
    mkdocs.write_text(
        mkdocs.read_text().replace("categories: false", "categories: true\n      draft: false")
    )
    for number, (slug, extra) in enumerate(BLOG_POSTS.items(), start=1):
        project.published(
            slug,
            title=f"Berita nomor {number} dengan kunci blog",
            summary="Ringkasan berita blog.",
            date=date(2026, 3, number),
            **extra,
        )
    return project


def test_blog_posts_give_the_same_bytes_and_messages(
    blog: Project, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str | None] = []
    speed_up = material_fast.speed_up_blog
    monkeypatch.setattr(material_fast, "speed_up_blog", lambda p: seen.append(speed_up(p)))
    (fast_site, fast_log), (plain_site, plain_log) = both_ways(blog, caplog, monkeypatch)
    assert seen == [None]
    assert fast_site == plain_site
    assert fast_log == plain_log
    site = blog.root / "site-fast" / "site"
    assert not list(site.glob("berita/2026/03/02/*"))  # the draft
    assert (site / "berita/category/sidang/index.html").is_file()
    assert "7 menit" in next(site.glob("berita/2026/03/04/*/index.html")).read_text()


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("draft", "ya"),
        ("pin", 3),
        ("readtime", "lima"),
        ("categories", "Sidang"),
        ("categories", {"a": 1}),
        ("authors", [1]),
        ("authors", None),
        ("links", 5),
    ],
)
def test_invalid_blog_metadata_fails_the_same_way(
    project: Project, key: str, value: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipeline.site.build import build_site

    project.published("berita-rusak", title="Berita rusak", date=date(2026, 3, 9), **{key: value})
    errors = []
    for fast in (True, False):
        with monkeypatch.context() as m:
            if not fast:
                m.setattr(material_fast, "install", lambda config: [])
            with pytest.raises(Exception) as raised:
                build_site(project.config, now=NOW, site_dir=project.root / f"s-{fast}" / "site")
            errors.append((type(raised.value).__name__, str(raised.value)))
    assert errors[0] == errors[1]
    if key == "links":  # mkdocs-material's own code would fail with a traceback on it
        assert errors[0][0] == "BuildError" and "links: must be a list" in errors[0][1]
    else:
        assert f"Error reading metadata '{key}' of post 'berita/posts/berita-rusak" in errors[0][1]


META = [
    {"date": date(2026, 3, 1)},
    {"date": datetime(2026, 3, 1, 10, 30)},
    {"date": datetime(2026, 3, 1, 10, 30, tzinfo=timezone(timedelta(hours=7)))},
    {"date": "2026-03-01"},
    {"date": {"created": date(2026, 3, 1), "updated": date(2026, 3, 2)}},
    {},
    {"date": date(2026, 3, 1), "draft": True, "pin": True, "readtime": 3, "slug": "x"},
    {"date": date(2026, 3, 1), "draft": None, "pin": None, "readtime": None, "slug": None},
    {"date": date(2026, 3, 1), "readtime": True},
    {"date": date(2026, 3, 1), "readtime": 2.5},
    {"date": date(2026, 3, 1), "pin": "ya"},
    {"date": date(2026, 3, 1), "slug": 5},
    {"date": date(2026, 3, 1), "categories": ["a", "b", "a"], "authors": []},
    {"date": date(2026, 3, 1), "categories": None},
    {"date": date(2026, 3, 1), "categories": ("a",)},
    {"date": date(2026, 3, 1), "authors": ["a", None]},
    {"date": date(2026, 3, 1), "links": None},
    {"date": date(2026, 3, 1), "links": ["a.md"]},
]


def _validated(meta: dict, configs: object | None) -> tuple[list, list, list]:
    from material.plugins.blog.structure.config import PostConfig

    config = PostConfig("/x/post.md")
    config.load_dict({k: v for k, v in copy.deepcopy(meta).items() if k in config})
    if configs is None:
        errors, warnings = config.validate()
    else:
        errors, warnings = configs.validate(config)  # type: ignore[attr-defined]
    # A Navigation (``links``) has no repr of its own: its printed tree stands for it.
    spelled = [
        (k, type(v).__qualname__, str(v) if type(v).__name__ == "Navigation" else repr(v))
        for k, v in config.items()
    ]
    return [(k, str(e)) for k, e in errors], list(warnings), spelled


@pytest.mark.parametrize("meta", META, ids=[repr(m)[:60] for m in META])
def test_a_post_configuration_validates_to_the_same_values_and_errors(meta: dict) -> None:
    """Each shape on its first post (checked against mkdocs), and again (the shortcut,
    where the first agreed)."""
    configs = material_fast._PostConfigs()
    expected = _validated(meta, None)
    assert _validated(meta, configs) == expected
    assert _validated(meta, configs) == expected
    # The shortcut's values themselves, as if the shape had agreed.
    forced = material_fast._PostConfigs()
    from material.plugins.blog.structure.config import PostConfig

    probe = PostConfig("/x/post.md")
    probe.load_dict({k: v for k, v in copy.deepcopy(meta).items() if k in probe})
    forced.shapes[material_fast._shape(probe.data)] = True
    assert _validated(meta, forced) == expected


def test_a_shape_the_shortcut_gets_wrong_is_validated_by_mkdocs(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    meta = {"date": date(2026, 3, 1), "pin": True}
    expected = _validated(meta, None)
    wrong = material_fast._fast_values
    monkeypatch.setattr(
        material_fast, "_fast_values", lambda data: {**(wrong(data) or {}), "pin": False}
    )
    configs = material_fast._PostConfigs()
    with caplog.at_level(logging.INFO):
        assert _validated(meta, configs) == expected
        assert _validated(meta, configs) == expected
    assert list(configs.shapes.values()) == [False]
    assert any("validates otherwise" in r.getMessage() for r in caplog.records)


def test_the_shared_front_matter_is_copied_as_deepcopy_copies_it() -> None:
    import yaml

    from pipeline.site import scale

    raw = yaml.safe_load(
        "a: &x [1, {b: 2.5}, null, true]\nc: *x\nd: 2026-03-01\ne: 2026-03-01 10:00:00+07:00\n"
        "f: !!set {p, q}\ng: !!binary aGFp\nh: {}\n"
    )
    fast, slow = scale._copy_yaml(raw, {}), copy.deepcopy(raw)
    assert fast == slow == raw and repr(fast) == repr(slow)
    assert fast["a"] is fast["c"] and fast["a"] is not raw["a"]  # the alias stays one list
    assert fast["a"][1] is not raw["a"][1] and fast["h"] is not raw["h"]
    assert fast["f"] is not raw["f"] and fast["d"] == raw["d"]


@pytest.fixture
def navigated(project: Project) -> Project:
    """Posts over three years (the blog's archive in the navigation), static pages in
    nested sections, and the court site's features: tabs, sections, indexes, prune."""
    mkdocs = project.root / "mkdocs.yml"
    features = "[navigation.tabs, navigation.sections, navigation.indexes, navigation.prune]"
    mkdocs.write_text(mkdocs.read_text().replace("[navigation.tabs]", features))
    for number in range(1, 13):
        project.published(
            f"berita-{number:02d}",
            title=f"Berita nomor {number}",
            summary="Ringkasan berita.",
            date=date(2024 + number % 3, 1 + number % 12, 1 + number),
        )
    for name in ("visi-misi", "struktur", "sejarah"):
        project.published(name, "profil", title=f"Profil {name}")
    return project


def _count_navigation_renders(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """The sidebar's renders asked for in this process ("asked", by page URL) and those
    made ("made": the template's own rendering, beneath the memo)."""
    import os

    seen: dict[str, list[str]] = {"asked": [], "made": []}
    pid = os.getpid()
    real = material_fast.speed_up_navigation

    def spy(template: Any, kind: str) -> None:
        original = template.root_render_func

        def render(context):  # type: ignore[no-untyped-def]
            if os.getpid() == pid:
                seen[kind].append(getattr(context.get("page"), "url", ""))
            return original(context)

        template.root_render_func = render

    def counting(env, config, nav):  # type: ignore[no-untyped-def]
        template = env.get_template("partials/nav.html")
        spy(template, "made")
        why = real(env, config, nav)  # (the memo renders through the spy)
        spy(template, "asked")
        return why

    monkeypatch.setattr(material_fast, "speed_up_navigation", counting)
    return seen


def test_the_navigation_is_rendered_once_per_state_with_the_same_bytes(
    navigated: Project, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _count_navigation_renders(monkeypatch)
    (fast_site, fast_log), (plain_site, plain_log) = both_ways(navigated, caplog, monkeypatch)
    assert fast_site == plain_site
    assert fast_log == plain_log
    posts = [k for k in fast_site if k.startswith("berita/20") and k.endswith("index.html")]
    assert len(posts) >= 12  # (and the project's own)
    # This process rendered the sidebar of its posts once (they share one state and one
    # place among the navigation's links), and of every other page each time.
    asked = [url for url in seen["asked"] if url.startswith("berita/20")]
    made = [url for url in seen["made"] if url.startswith("berita/20")]
    assert len(asked) >= 4 and len(made) == 1
    others = [url for url in seen["asked"] if not url.startswith("berita/20")]
    assert [url for url in seen["made"] if not url.startswith("berita/20")] == others != []
    # The posts' navigation links climb from where each post is.
    post = (navigated.root / "site-fast" / "site" / posts[0]).read_text()
    assert 'href="../../../../../profil/' in post


def test_an_overridden_navigation_template_is_rendered_for_every_page(
    navigated: Project, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    mkdocs = navigated.root / "mkdocs.yml"
    mkdocs.write_text(
        mkdocs.read_text().replace("name: material\n", "name: material\n  custom_dir: overrides\n")
    )
    navigated.write(
        "overrides/partials/nav.html",
        '<nav class="ours">{{ page.title }}</nav>\n',
    )
    (fast_site, fast_log), (plain_site, _log) = both_ways(navigated, caplog, monkeypatch)
    assert fast_site == plain_site
    said = [m for _level, m in fast_log if m.startswith("navigation rendered for every post")]
    assert said == [
        "navigation rendered for every post: the template partials/nav.html is not "
        "mkdocs-material 9.8's (an override?)"
    ]
    post = next(k for k in fast_site if k.startswith("berita/20") and k.endswith("index.html"))
    text = (navigated.root / "site-fast" / "site" / post).read_text()
    assert '<nav class="ours">Berita nomor' in text


def test_changed_url_functions_render_the_navigation_for_every_page(
    navigated: Project, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(material_fast._URL_DIGESTS, "get_relative_url", "0" * 64)
    (fast_site, fast_log), (plain_site, _log) = both_ways(navigated, caplog, monkeypatch)
    assert fast_site == plain_site
    said = [m for _level, m in fast_log if m.startswith("navigation rendered for every post")]
    assert said == [
        "navigation rendered for every post: mkdocs' get_relative_url differ from 1.6.1"
    ]
