"""The site swap has no gap: ``site`` is a symlink replaced by one atomic rename.

The kills are made by the tests at each named step boundary (a step hook that sends
SIGKILL to its own process), not by timing.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline.commands.archive import run_archive
from pipeline.commands.publish import publish
from pipeline.errors import LockedError
from pipeline.fsutil import Cleaning, clean_builds, current_build, new_build_dir, swap_in
from pipeline.lock import site_lock
from tests.conftest import Project
from tests.servers import Nginx
from tests.test_publish import NOW

ROOT = Path(__file__).resolve().parents[1]


def _build(target: Path, text: str) -> Path:
    folder = new_build_dir(target)
    (folder / "index.html").write_text(text)
    (folder / "assets").mkdir()
    (folder / "assets" / "app.css").write_text(text)
    return folder


def _run_killed(code: str, cwd: Path) -> int:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=cwd, env=env)
    return done.returncode


KILL_AT = """
import os, signal, sys
from pathlib import Path
from pipeline.fsutil import new_build_dir, swap_in
def step(name):
    if name == {step!r}:
        os.kill(os.getpid(), signal.SIGKILL)
target = Path("site")
new = new_build_dir(target)
(new / "index.html").write_text("new")
swap_in(new, target, step=step)
"""


@pytest.mark.parametrize("legacy", [False, True], ids=["symlink", "plain-folder"])
@pytest.mark.parametrize("step", ["linked", "swapped", "cleaned"])
def test_killed_swap_leaves_a_whole_site_and_the_next_run_cleans(
    tmp_path: Path, step: str, legacy: bool
) -> None:
    site = tmp_path / "site"
    if legacy:  # a site/ folder made by an older warta
        site.mkdir()
        (site / "index.html").write_text("old")
    else:
        swap_in(_build(site, "old"), site)
    code = _run_killed(KILL_AT.format(step=step), tmp_path)
    assert code == -signal.SIGKILL
    assert (site / "index.html").read_text() in ("old", "new")
    if step != "linked":
        assert (site / "index.html").read_text() == "new" and site.is_symlink()
    # The next run removes every leftover and keeps exactly the live build.
    clean_builds(site)
    live = current_build(site)
    hidden = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("."))
    assert hidden == ([live.name] if live else [])
    swap_in(_build(site, "third"), site)
    assert (site / "index.html").read_text() == "third"
    assert len([p for p in tmp_path.iterdir() if p.name.startswith(".")]) == 1


def test_a_reader_never_finds_the_site_missing(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()  # the first swap replaces a plain folder: RENAME_EXCHANGE, no gap
    (site / "index.html").write_text("0")
    stop = threading.Event()
    misses: list[str] = []
    reads = 0

    def read() -> None:
        nonlocal reads
        while not stop.is_set():
            try:
                (site / "index.html").read_text()
                (site / "assets" / "app.css").stat() if site.is_symlink() else None
            except OSError as error:
                misses.append(str(error))
            reads += 1

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for number in range(200):
            swap_in(_build(site, str(number)), site)
    finally:
        stop.set()
        reader.join()
    assert reads > 0 and misses == []
    assert (site / "index.html").read_text() == "199"
    assert len([p for p in tmp_path.iterdir() if p.name.startswith(".")]) == 1


def test_build_killed_after_mkdocs_keeps_the_old_site(project: Project) -> None:
    publish(project.config, now=NOW)
    site = project.root / "site"
    before = (site / "index.html").read_bytes()
    code = _run_killed(
        """
        import os, signal
        from pathlib import Path
        from pipeline.config import load_config
        from pipeline.site.build import build_site
        def step(name):
            if name == "built":
                os.kill(os.getpid(), signal.SIGKILL)
        build_site(load_config(Path("warta.yml")), step=step)
        """,
        project.root,
    )
    assert code == -signal.SIGKILL
    assert (site / "index.html").read_bytes() == before
    builds = [p for p in project.root.iterdir() if p.name.startswith(".site.build.")]
    assert len(builds) == 2  # the live one and the killed run's complete but unused one
    live = current_build(site)
    killed = next(p for p in builds if p != live)
    # The next publish builds into the killed run's folder, emptied of its files ...
    publish(project.config, now=NOW)
    builds = [p for p in project.root.iterdir() if p.name.startswith(".site.")]
    assert current_build(site) == killed
    # ... and keeps the build it replaced, for the publish after it to build into.
    assert sorted(builds) == sorted([killed, live])
    assert (site / "index.html").read_bytes() == before
    publish(project.config, now=NOW)
    builds = [p for p in project.root.iterdir() if p.name.startswith(".site.")]
    assert current_build(site) == live and sorted(builds) == sorted([killed, live])
    assert (site / "index.html").read_bytes() == before


def test_the_removal_beside_the_build_never_follows_a_planted_link(
    tmp_path: Path,
) -> None:
    site = tmp_path / "site"
    swap_in(_build(site, "old"), site)
    swap_in(_build(site, "new"), site, keep_previous=True)
    previous = [p for p in tmp_path.iterdir() if p.name.startswith(".site.build.")]
    assert len(previous) == 2
    # An attacker plants, inside the build to be removed and beside it, links to a
    # folder that must survive.
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "keep.txt").write_text("keep")
    old = next(p for p in previous if p != current_build(site))
    (old / "link").symlink_to(precious)
    (tmp_path / ".site.build.planted").symlink_to(precious)
    cleaning = Cleaning(site)
    removed = cleaning.wait()
    assert sorted(p.name for p in removed) == sorted([old.name, ".site.build.planted"])
    assert (precious / "keep.txt").read_text() == "keep"
    assert not old.exists() and (site / "index.html").read_text() == "new"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == [
        current_build(site).name  # type: ignore[union-attr]
    ]


def test_archive_waits_for_publish_and_cleans_bag_staging(project: Project) -> None:
    publish(project.config, now=NOW)
    with (
        site_lock(project.config.path("state"), "warta publish"),
        pytest.raises(LockedError, match="already running"),
    ):
        run_archive(project.config, now=NOW)
    leftover = project.root / "archive" / "visi-misi" / ".bag.killed"
    leftover.mkdir(parents=True)
    (leftover / "index.md").write_text("half a bag")
    created = run_archive(project.config, now=NOW).created
    assert len(created) == 2 and not leftover.exists()
    # A bagged page was read through the symlink: the rendered page is there.
    for entry in created:
        assert (project.root / "archive" / entry.path / "data/rendered/index.html").is_file()


def test_nginx_serves_every_request_during_swaps(
    tmp_path: Path, nginx_factory: Callable[[Path], Nginx]
) -> None:
    site = tmp_path / "site"
    swap_in(_build(site, "first"), site)
    server = nginx_factory(site)
    stop = threading.Event()
    answers: list[int] = []

    def fetch() -> None:
        while not stop.is_set():
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{server.http}/", timeout=5) as r:
                    answers.append(r.status)
            except urllib.error.HTTPError as error:
                answers.append(error.code)

    client = threading.Thread(target=fetch)
    client.start()
    try:
        for number in range(100):
            swap_in(_build(site, f"build {number}"), site)
    finally:
        stop.set()
        client.join()
    assert answers and set(answers) == {200}
    with urllib.request.urlopen(f"http://127.0.0.1:{server.http}/", timeout=5) as response:
        assert response.read() == b"build 99"


def _tree(root: Path) -> tuple[dict[str, bytes], set[str]]:
    """Every file's bytes and every folder (empty ones too) under ``root``."""
    files, folders = {}, set()
    for path in root.rglob("*"):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            files[rel] = b"link -> " + os.readlink(path).encode()
        elif path.is_dir():
            folders.add(rel)
        else:
            files[rel] = path.read_bytes()
    return files, folders


def _fresh_build(project: Project) -> tuple[dict[str, bytes], set[str]]:
    from pipeline.site.build import build_site

    other = project.root.parent / f"{project.root.name}-fresh" / "site"
    other.parent.mkdir()
    try:
        build_site(project.config, now=NOW, site_dir=other, incremental=False)
        return _tree(other)
    finally:
        shutil.rmtree(other.parent)


def test_a_publish_builds_into_the_build_before_the_live_one_as_into_a_fresh_folder(
    project: Project,
) -> None:
    """The build the previous publish replaced is emptied of its files and built into
    again; the result is the tree a fresh folder gets: the same files and the same
    folders (a withdrawn item's folders do not stay behind, empty)."""
    from pipeline.commands.content import withdraw

    project.published("kegiatan-kedua", files={"foto.png": b"\x89PNG\r\n\x1a\n" + b"\0" * 40})
    publish(project.config, now=NOW)
    first = current_build(project.root / "site")
    publish(project.config, now=NOW)
    second = current_build(project.root / "site")
    assert first != second
    withdraw(project.config, "kegiatan-kedua", by="hasan", reason="uji", now=NOW)
    publish(project.config, now=NOW)
    assert current_build(project.root / "site") == first  # recycled
    live = _tree(project.root / "site")
    assert not any("kegiatan-kedua" in f for f in live[1])
    assert live == _fresh_build(project)


def test_what_is_planted_in_the_build_to_be_recycled_is_never_followed_nor_kept(
    project: Project, tmp_path: Path
) -> None:
    """Inside the folder the next publish builds into, an attacker plants a link to a
    folder that must survive, a private folder of files, and folders where a page and
    a static file are to be written: the links are removed unfollowed, the foreign
    folder is removed whole, and the site is the one a fresh folder gets."""
    publish(project.config, now=NOW)
    publish(project.config, now=NOW)
    site = project.root / "site"
    spare = next(
        p
        for p in project.root.iterdir()
        if p.name.startswith(".site.build.") and p != current_build(site)
    )
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "keep.txt").write_text("keep")
    (spare / "profil").mkdir(exist_ok=True)
    (spare / "profil" / "link").symlink_to(precious)
    (spare / "assets" / "link-dir").symlink_to(precious, target_is_directory=True)
    private = spare / "private"
    private.mkdir(mode=0o700)
    private.chmod(0o700)
    (private / "secret.html").write_text("<p>secret</p>")
    attachment = next(spare.rglob("surat.pdf"))
    attachment.unlink()
    (attachment / "inside").mkdir(parents=True)  # a folder where the PDF goes
    home = spare / "index.html"
    home.unlink()
    (home / "deep").mkdir(parents=True)  # and where the home page goes
    publish(project.config, now=NOW)
    assert current_build(site) == spare
    assert (precious / "keep.txt").read_text() == "keep"
    assert not (spare / "private").exists()
    assert _tree(site) == _fresh_build(project)


def test_a_folder_that_cannot_be_emptied_is_built_anew(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipeline import fsutil

    publish(project.config, now=NOW)
    publish(project.config, now=NOW)

    def fails(root: str) -> list[str]:
        raise PermissionError(root)

    monkeypatch.setattr(fsutil, "_empty_tree", fails)
    publish(project.config, now=NOW)
    assert _tree(project.root / "site") == _fresh_build(project)


def test_forked_work_gives_its_bytes_or_none_when_it_raises() -> None:
    from pipeline.fsutil import Forked

    parent = os.getpid()
    ok = Forked(lambda: str(os.getpid()).encode())
    found = ok.result()
    assert found is not None and int(found) != parent
    assert ok.result() == found  # waited once, kept

    def fails() -> bytes:
        raise OSError("disk full")

    assert Forked(fails).result() is None
    assert os.getpid() == parent  # the child never came back into this code
