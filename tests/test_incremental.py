"""Caching between builds (pipeline/site/incremental.py, docs/scale.md): after every kind
of change the incremental publish writes the same bytes as a full build of the same
content, renders only what changed, and falls back to a full build when the
configuration or a template changes, saying why."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import pickle
import shutil
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from pipeline.commands.content import withdraw
from pipeline.commands.publish import publish
from pipeline.config import load_config
from pipeline.errors import WartaError
from pipeline.site.build import CACHE_FOLDER, build_site
from pipeline.site.incremental import CACHE_VERSION, MANIFEST, Report

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2027, 1, 15, 0, 0, tzinfo=UTC)
LATER = datetime(2027, 1, 16, 0, 0, tzinfo=UTC)
POSTS = 24


def _site_gen() -> ModuleType:
    spec = importlib.util.spec_from_file_location("site_gen", ROOT / "bench" / "site_gen.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


site_gen = _site_gen()


def digests(site: Path) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in site.rglob("*")
        if p.is_file()
    }


def post(root: Path, number: int) -> Path:
    return root / "content" / "berita" / "posts" / f"berita-{number:05d}" / "index.md"


def edit_front(root: Path, number: int, **changes: object) -> None:
    """Change front matter keys of a post (title, tags...)."""
    path = post(root, number)
    _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
    data = yaml.safe_load(front)
    data.update(changes)
    path.write_text(
        "---\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True) + "---\n" + body,
        encoding="utf-8",
    )


class Site:
    """A generated project, published incrementally and compared with full builds."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.now = NOW

    @property
    def config(self):  # type: ignore[no-untyped-def]
        return load_config(self.root / "warta.yml")

    def publish(self) -> Report:
        result = publish(self.config, now=self.now)
        assert result.build is not None and result.build.cache is not None
        return result.build.cache

    def differences(self) -> list[str]:
        """Files whose bytes differ from a full build of the same content."""
        full = self.root.parent / f"{self.root.name}-full" / "site"
        shutil.rmtree(full.parent, ignore_errors=True)
        full.parent.mkdir()
        try:
            result = build_site(self.config, now=self.now, site_dir=full, incremental=False)
            assert result.cache is None
            ours, theirs = digests(self.root / "site"), digests(full)
        finally:
            shutil.rmtree(full.parent)
        return sorted(k for k in ours.keys() | theirs.keys() if ours.get(k) != theirs.get(k))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    root = site_gen.generate(tmp_path_factory.mktemp("incr") / "project", POSTS, 4)
    # A theme override of the site's own, to show that a template change is seen.
    mkdocs = root / "mkdocs.yml"
    text = mkdocs.read_text().replace("{name: material,", "{name: material, custom_dir: overrides,")
    mkdocs.write_text(text)
    (root / "overrides").mkdir()
    (root / "overrides" / "main.html").write_text(
        '{% extends "base.html" %}\n{% block footer %}{{ super() }}<!-- a -->{% endblock %}\n'
    )
    return Site(root)


def test_first_publish_is_full_and_records_the_cache(site: Site) -> None:
    report = site.publish()
    assert report.full and report.reason == "no previous build"
    assert report.pages_kept == 0 and report.pages_rendered > POSTS
    manifest = json.loads((site.root / ".warta" / CACHE_FOLDER / MANIFEST).read_text())
    assert manifest["version"] == CACHE_VERSION
    assert manifest["site"] == (site.root / "site").readlink().name
    assert {"mkdocs.yml", "warta.yml", "mkdocs-material", "plugins"} <= set(manifest["key"])
    assert site.differences() == []


def test_publish_without_changes_renders_nothing(site: Site) -> None:
    report = site.publish()
    assert not report.full, report.reason
    assert report.pages_rendered == 0 and report.converted == 0
    assert report.bundles_indexed == 0 and report.bundles_kept > 0
    # Every post is kept by its key before on_page_context (no context built).
    posts = len(list((site.root / "content" / "berita" / "posts").glob("*/index.md")))
    assert report.posts_kept_early == posts
    # ... and every blog list page (index, blocks, archives, categories) by its key
    # before on_page_context too: its excerpts are not rendered.
    blog = site.root / "site" / "berita"
    views = [blog / "index.html", *blog.glob("page/*/index.html")]
    views += blog.glob("archive/**/index.html")
    assert report.lists_kept_early == len(views) > 3
    # Every API file (the index, the months, the items) is linked from the previous
    # build, none made again.
    api = site.root / "site" / "api"
    items = len(list(api.glob("items/*.json")))
    months = len(list(api.glob("months/*.json")))
    assert months > 1 and items > months
    assert report.outputs_kept == 1 + months + items and report.outputs_made == 0
    assert site.differences() == []


def _add(site: Site) -> None:
    site_gen.add_article(site.root, POSTS + 1, seed=3)


def _edit_body(site: Site) -> None:
    site_gen.edit_article(site.root, POSTS // 2)


def _edit_title(site: Site) -> None:
    edit_front(site.root, POSTS // 3, title="Judul berita yang diperbaiki oleh redaksi")


def _edit_tags(site: Site) -> None:
    edit_front(site.root, POSTS // 4, tags=["tag-baru-sekali", "mediasi"])


def _move_separator(site: Site) -> None:
    # The excerpt grows by a paragraph; the post's own page (comments are sanitised
    # away) keeps its bytes: only the list pages showing it may change.
    path = post(site.root, POSTS - 1)
    _head, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
    first, second, rest = body.lstrip("\n").split("\n\n", 2)
    path.write_text(
        f"---\n{front}---\n\n{first}\n\n{second}\n\n<!-- more -->\n\n{rest}", encoding="utf-8"
    )


def _withdraw(site: Site) -> None:
    withdraw(site.config, f"berita-{POSTS // 5:05d}", by="hasan", reason="uji", now=NOW)


def _embargo(site: Site) -> None:
    # Published but under embargo: in content/, not on the site until LATER.
    site_gen.embargo_article(site.root, POSTS + 2, LATER.isoformat())


def _release(site: Site) -> None:
    site.now = LATER


def _edit_static_page(site: Site) -> None:
    # A static page's title is in the navigation: every page shows it.
    path = next((site.root / "content" / "layanan").glob("*/index.md"))
    path.write_text(path.read_text().replace("title: Halaman", "title: Laman", 1))


@pytest.mark.parametrize(
    ("change", "most"),
    [
        (_add, 0.5),
        (_edit_body, 0.25),
        (_edit_title, 0.5),
        (_edit_tags, 0.5),
        (_move_separator, 0.25),
        (_withdraw, 0.5),
        (_embargo, 0.0),
        (_release, 0.5),
        (_edit_static_page, 1.0),
    ],
    ids=lambda v: getattr(v, "__name__", str(v)).lstrip("_"),
)
def test_incremental_publish_equals_a_full_build(site: Site, change, most: float) -> None:  # type: ignore[no-untyped-def]
    change(site)
    report = site.publish()
    assert not report.full, report.reason
    total = report.pages_rendered + report.pages_kept
    # Only what changed is rendered again (``most``: the share allowed for this change).
    assert report.pages_rendered <= most * total + 1, report.summary()
    if most < 1.0:
        assert report.pages_kept > 0
    assert report.unprovable == []
    if most < 1.0:  # the other posts are kept before their context is built
        assert report.posts_kept_early > 0
    if change is not _edit_static_page:  # and most list pages (the older blocks)
        assert report.lists_kept_early > 0, report
    # An API file is made again only where it changes: the item's own, its month's
    # and the index (the count, the latest items, the months).
    assert report.outputs_made <= (3 if change is not _edit_static_page else 60)
    assert site.differences() == []


def test_the_second_conversion_process_starts_only_when_many_pages_changed(
    site: Site, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build that keeps nearly every conversion reads them back in one process; once
    ``_AHEAD_AFTER`` pages were converted anew, a second process converts the pages
    left, and the bytes are those of a full build either way."""
    from pipeline.site import engine

    def conversion_messages() -> list[str]:
        return [r.getMessage() for r in caplog.records if "Markdown conversion" in r.getMessage()]

    site.publish()  # (a previous build to keep from)
    site_gen.edit_article(site.root, 2)
    with caplog.at_level("INFO"):
        report = site.publish()
    assert report.converted == 1 and not report.full
    assert conversion_messages() == [
        f"Markdown conversion: {report.converted + report.conversions_kept} pages here "
        "(conversions kept)"
    ]
    assert site.differences() == []

    caplog.clear()
    monkeypatch.setattr(engine, "_AHEAD_AFTER", 3)
    for number in range(3, 13):
        site_gen.edit_article(site.root, number)
    with caplog.at_level("INFO"):
        report = site.publish()
    assert report.converted > engine._AHEAD_AFTER, report.summary()  # (one is withdrawn)
    (message,) = conversion_messages()
    assert "by the second process" in message and " 0 by the second process" not in message
    assert site.differences() == []


def test_a_kept_api_file_that_was_altered_is_made_again(site: Site) -> None:
    victim = sorted((site.root / "site" / "api" / "items").glob("*.json"))[3]
    victim.unlink()
    victim.write_text('{"planted": true}')
    report = site.publish()
    assert report.outputs_made == 1
    assert site.differences() == []


def test_a_year_whose_posts_are_all_withdrawn_loses_its_search_bundle(site: Site) -> None:
    live = site.root / "site"
    years = sorted(p.name for p in (live / "pagefind").iterdir() if p.name.startswith("berita-"))
    oldest = years[0].removeprefix("berita-")
    for number in range(POSTS):
        path = post(site.root, number)
        if path.is_file() and f"\ndate: {oldest}-" in path.read_text():
            try:
                withdraw(site.config, f"berita-{number:05d}", by="hasan", reason="uji", now=NOW)
            except WartaError:  # already withdrawn by an earlier test
                continue
    report = site.publish()
    assert not report.full, report.reason
    assert not (live / "pagefind" / f"berita-{oldest}").exists()
    assert site.differences() == []


@pytest.mark.parametrize(
    ("edit", "named"),
    [
        (
            lambda r: (r / "overrides" / "main.html").write_text('{% extends "base.html" %}\n'),
            "theme",
        ),
        (
            lambda r: (r / "warta.yml").write_text(
                (r / "warta.yml")
                .read_text()
                .replace("Pengadilan Agama Bench", "Pengadilan Agama Uji", 1)
            ),
            "warta.yml",
        ),
        (
            lambda r: (r / "mkdocs.yml").write_text(
                (r / "mkdocs.yml")
                .read_text()
                .replace("archive_name: Arsip", "archive_name: Arsip Berita")
            ),
            "mkdocs.yml",
        ),
    ],
    ids=["template", "warta-config", "mkdocs-config"],
)
def test_a_template_or_configuration_change_means_a_full_build(
    site: Site, edit, named: str
) -> None:  # type: ignore[no-untyped-def]
    edit(site.root)
    report = site.publish()
    assert report.full and report.reason.startswith("changed: ") and named in report.reason
    assert report.pages_kept == 0 and report.conversions_kept == 0
    assert site.differences() == []
    again = site.publish()
    assert not again.full and again.pages_rendered == 0


def test_a_damaged_manifest_or_a_lost_site_means_a_full_build(site: Site) -> None:
    manifest = site.root / ".warta" / CACHE_FOLDER / MANIFEST
    manifest.write_text("{not json")
    report = site.publish()
    assert report.full and "cannot be read" in report.reason
    data = json.loads(manifest.read_text())
    manifest.write_text(json.dumps({**data, "version": 99}))
    assert "format version" in site.publish().reason
    data = json.loads(manifest.read_text())
    manifest.write_text(json.dumps({**data, "site": ".site.build.gone"}))
    assert site.publish().reason == "the live site is not the build the cache describes"
    assert site.differences() == []


def test_a_kept_page_whose_file_was_altered_is_rendered_again(site: Site) -> None:
    live = site.root / "site"
    victim = next(live.glob("berita/20*/**/index.html"))
    # Replaced, not written in place: the other builds' links must not change.
    victim.unlink()
    victim.write_text("<p>altered</p>")
    report = site.publish()
    assert not report.full and report.pages_rendered == 1
    assert site.differences() == []


def test_a_kept_page_written_in_place_is_rendered_again(site: Site) -> None:
    live = site.root / "site"
    victim = sorted(live.glob("berita/20*/**/index.html"))[1]
    data = victim.read_bytes()
    # The same size, the same inode: only the modification time tells.
    with victim.open("r+b") as handle:
        handle.write(b"<!--x-->" + data[8:16])
    report = site.publish()
    assert not report.full and report.pages_rendered == 1
    assert site.differences() == []


def test_a_touched_kept_page_with_its_bytes_is_kept(site: Site) -> None:
    live = site.root / "site"
    victim = sorted(live.glob("berita/20*/**/index.html"))[2]
    os.utime(victim, ns=(1, 1))  # another stamp, the same bytes: read, and kept
    report = site.publish()
    assert not report.full and report.pages_rendered == 0
    assert site.differences() == []


def test_publish_full_builds_everything_and_records_for_the_next(site: Site) -> None:
    result = publish(site.config, now=site.now, full=True)
    assert result.build is not None and result.build.cache is not None
    report = result.build.cache
    assert report.full and report.reason == "asked for" and report.pages_kept == 0
    assert site.differences() == []
    again = site.publish()
    assert not again.full and again.pages_rendered == 0


def _count_page_cleans(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Calls of the sanitiser on a page's HTML in this process (not a heading's text)."""
    from pipeline.content.sanitise import Sanitiser

    calls: list[int] = []
    original = Sanitiser.clean
    pid = os.getpid()

    def counting(self: Sanitiser, fragment: str) -> str:
        if os.getpid() == pid and "<p>" in fragment:
            calls.append(len(fragment))
        return original(self, fragment)

    monkeypatch.setattr(Sanitiser, "clean", counting)
    return calls


def _count_readtimes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The blog's reading times computed in this process."""
    from material.plugins.blog import readtime as module

    calls: list[int] = []
    pid = os.getpid()

    class Counting(module.ReadtimeParser):  # type: ignore[misc]
        def __init__(self) -> None:
            if os.getpid() == pid:
                calls.append(1)
            super().__init__()

    monkeypatch.setattr(module, "ReadtimeParser", Counting)
    return calls


def test_the_sanitiser_runs_where_a_page_is_converted_and_is_kept_with_it(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _count_page_cleans(monkeypatch)
    readtimes = _count_readtimes(monkeypatch)
    result = publish(site.config, now=site.now, full=True)
    assert result.build is not None and result.build.cache is not None
    converted = result.build.cache.converted
    # The second process sanitised the pages it converted: fewer here than pages; and
    # computed the reading time of its posts from the HTML this process gives the blog.
    assert 0 < len(calls) < converted
    posts = len(list((site.root / "content" / "berita" / "posts").glob("*/index.md")))
    assert 0 < len(readtimes) < posts
    entries = list((site.root / ".warta" / CACHE_FOLDER / "convert").glob("*/*.pickle"))
    assert len(entries) >= converted
    from pipeline.content.sanitise import Sanitiser

    sanitiser = Sanitiser(site.config.html, site_url=site.config.site.url)
    for path in entries[:5]:
        entry = pickle.loads(path.read_bytes())
        assert entry["clean"] == sanitiser.clean(entry["content"]) != entry["content"]
    del calls[:], readtimes[:]
    again = site.publish()
    assert again.conversions_kept > 0 and again.converted == 0
    assert calls == []  # every page's sanitised HTML came with its kept conversion
    assert readtimes == []
    assert site.differences() == []


def test_a_planted_cache_entry_runs_nothing_and_changes_no_byte(site: Site, tmp_path: Path) -> None:
    """Every conversion and excerpt entry replaced by a pickle that would run a command
    (or by a damaged one, or one of another version): each is a miss, converted again,
    nothing runs, and the site is a full build's bytes. Entries of the earlier JSON
    format are removed by the next build."""
    marker = tmp_path / "ran"

    class Attack:
        def __reduce__(self):  # type: ignore[no-untyped-def]
            import os

            return (os.system, (f"touch {marker}",))

    cache = site.root / ".warta" / CACHE_FOLDER
    entries = sorted(cache.glob("convert/*/*.pickle")) + sorted(cache.glob("excerpt/*/*.pickle"))
    assert len(entries) > 10
    for i, path in enumerate(entries):
        if i % 3 == 0:
            path.write_bytes(pickle.dumps({"version": CACHE_VERSION, "content": Attack()}))
        elif i % 3 == 1:
            path.write_bytes(path.read_bytes()[:20])
        else:
            path.write_bytes(pickle.dumps({**pickle.loads(path.read_bytes()), "version": 3}))
    old = cache / "convert" / "00" / ("0" * 64 + ".json")
    old.parent.mkdir(exist_ok=True)
    old.write_text("{}")
    report = site.publish()
    assert not marker.exists()
    assert report.conversions_kept == 0 and report.excerpts_kept == 0
    assert report.converted > 0 and report.excerpts_converted > 0
    assert not old.exists()
    assert site.differences() == []
    assert site.publish().conversions_kept > 0  # the entries are good again


def test_a_sanitised_form_is_given_only_to_the_string_it_was_made_from(tmp_path: Path) -> None:
    from pipeline.site.incremental import BuildCache

    cache = BuildCache(tmp_path, None)
    cache.content_filter = lambda html: html.replace("<script>", "")
    html = "".join(["<p>a</p>", "<script>"])
    assert cache.prepare_clean(html) == "<p>a</p>"
    twin = "".join(["<p>a</p>", "<script>"])  # equal, not the same object
    assert twin == html and twin is not html
    assert cache.cleaned(twin) is None
    assert cache.cleaned(html) == "<p>a</p>"
    assert cache.cleaned(html) is None  # taken once


def test_the_cli_says_what_the_build_kept(site: Site) -> None:
    from click.testing import CliRunner

    from pipeline.cli import cli

    result = CliRunner().invoke(
        cli, ["--config", str(site.root / "warta.yml"), "publish", "--now", site.now.isoformat()]
    )
    assert result.exit_code == 0, result.output
    assert "incremental build: 0 pages rendered" in result.output


def test_only_the_command_line_leaves_its_build_out_of_the_collector(site: Site) -> None:
    """A publish gives what its build made back to the cyclic collector (the desk goes
    on after it); ``warta publish``, which ends with it, leaves it frozen: a full
    collection would walk all of it once more before the process exits."""
    import gc

    from click.testing import CliRunner

    from pipeline.cli import cli

    gc.unfreeze()
    site.publish()
    assert gc.get_freeze_count() == 0
    result = CliRunner().invoke(
        cli, ["--config", str(site.root / "warta.yml"), "publish", "--now", site.now.isoformat()]
    )
    assert result.exit_code == 0, result.output
    assert gc.get_freeze_count() > 1000


# -- the publish's scan between publishes (pipeline/content/parsecache.py) --------------


def test_the_scan_parses_each_front_matter_text_once(tmp_path: Path) -> None:
    """A second scan takes every mapping from the cache and yields the same items; an
    edited front matter is parsed again; an item in error is located again."""
    from pipeline.content.parsecache import ParseCache
    from pipeline.content.store import scan

    root = site_gen.generate(tmp_path / "project", 6, 1)
    config = load_config(root / "warta.yml")
    path = tmp_path / "scan.pickle"
    first = ParseCache(path)
    fresh = scan(config, cache=first)
    assert first.hits == 0 and first.misses == len(fresh.items) > 0
    first.save()
    edit_front(root, 2, title="Judul yang diubah")
    broken = post(root, 3)
    broken.write_text(broken.read_text(encoding="utf-8").replace("title:", "title: [", 1))
    second = ParseCache(path)
    again = scan(config, cache=second)
    # Every unchanged item is a hit; the edited one and the broken one are parsed.
    assert second.hits == len(fresh.items) - 2 and second.misses == 2
    plain = scan(config)
    assert [(i.path, i.front, i.raw, i.body) for i in again.items] == [
        (i.path, i.front, i.raw, i.body) for i in plain.items
    ]
    assert [p.where for p in again.problems] == [p.where for p in plain.problems] != []
    edited = next(i for i in again.items if i.path == post(root, 2))
    assert edited.front.title == "Judul yang diubah"


def test_a_planted_scan_cache_runs_nothing(tmp_path: Path) -> None:
    """The cache file is read with an unpickler that knows YAML's types only: a pickle
    that would run a command is a miss for every item, and the scan is unchanged."""
    import pickle

    from pipeline.content.parsecache import VERSION, ParseCache
    from pipeline.content.store import scan

    root = site_gen.generate(tmp_path / "project", 3, 1)
    config = load_config(root / "warta.yml")
    marker = tmp_path / "ran"

    class Attack:
        def __reduce__(self):  # type: ignore[no-untyped-def]
            import os

            return (os.system, (f"touch {marker}",))

    path = tmp_path / "scan.pickle"
    path.write_bytes(pickle.dumps({"version": VERSION, "front": Attack(), "bodies": []}))
    cache = ParseCache(path)
    items = scan(config, cache=cache).items
    assert not marker.exists() and cache.hits == 0 and items
    # An entry that is itself a planted pickle is refused in the same way.
    good = ParseCache(path)
    scan(config, cache=good)
    good.save()
    data = pickle.loads(path.read_bytes())
    data["front"] = {k: pickle.dumps(Attack()) for k in data["front"]}
    path.write_bytes(pickle.dumps(data))
    planted = ParseCache(path)
    assert [i.raw for i in scan(config, cache=planted).items] == [i.raw for i in items]
    assert not marker.exists() and planted.hits == 0


def test_publish_keeps_the_scan_between_publishes(site: Site) -> None:
    """warta publish writes the scan cache, and the next publish uses it."""
    from pipeline.content.parsecache import ParseCache
    from pipeline.site.build import SCAN_CACHE

    site.publish()
    path = site.root / ".warta" / CACHE_FOLDER / SCAN_CACHE
    cache = ParseCache(path)
    from pipeline.content.store import scan

    items = scan(site.config, cache=cache).items
    assert cache.hits == len(items) and cache.misses == 0
    assert all(cache.body_ok(i.body) for i in items if i.location == "content")


def test_shared_spellings_are_kept_as_digests() -> None:
    """The spelling of an object many pages share (a post's configuration, an excerpt's
    fixed parts) is kept for the build as its SHA-256, not as the nested lists: different
    spellings give different digests, the same object is spelled once."""
    from pipeline.site import incremental

    calls: list[int] = []

    def spelling(n: int) -> object:
        calls.append(n)
        return [["meta", {"title": f"Berita {n}", "tags": ["a", "b"] * 50}]]

    one, two = object(), object()
    incremental._MEMO.clear()
    try:
        first = incremental._memo(one, lambda: spelling(1))
        assert incremental._memo(one, lambda: spelling(1)) is first and calls == [1]
        second = incremental._memo(two, lambda: spelling(2))
        assert first != second
        assert first == ["#", incremental._sha(incremental._dumps(spelling(1)))]
        assert all(
            len(incremental._dumps(value)) < 80 for _obj, value in incremental._MEMO.values()
        )
    finally:
        incremental._MEMO.clear()


def test_a_kept_output_never_replaces_a_file_made_in_this_build(tmp_path: Path) -> None:
    """An API file linked from the previous build goes only where nothing is yet:
    a file something else wrote there in this build stays as it is (and the output is
    made again), where a kept page would replace it."""
    from pipeline.site.incremental import _link_kept, _place, _stamp

    old = tmp_path / "old.json"
    old.write_bytes(b"lama")
    digest = hashlib.sha256(b"lama").hexdigest()
    made = tmp_path / "made.json"
    made.write_bytes(b"baru")
    with pytest.raises(FileExistsError):
        _link_kept(str(old), str(made), digest, _stamp(str(old)), exclusive=True)
    assert made.read_bytes() == b"baru"
    fresh = tmp_path / "sub" / "fresh.json"
    assert _link_kept(str(old), str(fresh), digest, _stamp(str(old)), exclusive=True)
    assert fresh.read_bytes() == b"lama" and fresh.stat().st_ino == old.stat().st_ino
    assert _place(old, made) is False and made.read_bytes() == b"lama"  # a page: replaced
