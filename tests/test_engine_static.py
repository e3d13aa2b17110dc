"""The engine's static files (pipeline/site/engine.py, ``_StaticCopy``): copied by a
forked process while the pages are converted, with the result ``copy_static_files``
writes when the files to copy change meanwhile or the copying process fails."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from mkdocs.structure.files import File, Files, InclusionLevel

from pipeline.site import engine

INCLUDED = InclusionLevel.is_included


def _files(docs: Path, site: Path, names: list[str]) -> Files:
    return Files([File(name, str(docs), str(site), use_directory_urls=True) for name in names])


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture()
def docs(tmp_path: Path) -> Path:
    root = tmp_path / "docs"
    for name in ("a/foto.png", "b/berkas.pdf", "c/d/gaya.css"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(name.encode() * 3)
    (root / "index.md").write_text("# Beranda\n")
    return root


def _parent_copies(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The static files copied by this process (the forked one's are not counted)."""
    copied: list[str] = []
    pid = os.getpid()
    original = File.copy_file

    def copy_file(self: File, dirty: bool = False) -> None:
        if os.getpid() == pid:
            copied.append(self.src_uri)
        original(self, dirty)

    monkeypatch.setattr(File, "copy_file", copy_file)
    return copied


def test_the_second_process_copies_the_static_files(
    docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = ["index.md", "a/foto.png", "b/berkas.pdf", "c/d/gaya.css"]
    expected = tmp_path / "expected"
    _files(docs, expected, names).copy_static_files(inclusion=INCLUDED)
    site = tmp_path / "site"
    files = _files(docs, site, names)
    extra = File("robots.txt", None, str(site), use_directory_urls=True)
    extra._content = "User-agent: *\n"
    files.append(extra)
    (expected / "robots.txt").write_text("User-agent: *\n")
    copied = _parent_copies(monkeypatch)
    static = engine._StaticCopy(files, INCLUDED)
    assert static.child is not None  # a second process copies
    static.finish(files, INCLUDED)
    # This process wrote only the file whose content a plugin set.
    assert copied == ["robots.txt"]
    assert _tree(site) == _tree(expected)


def test_a_change_to_the_files_meanwhile_is_copied_as_mkdocs_would(
    docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    site = tmp_path / "site"
    files = _files(docs, site, ["a/foto.png", "b/berkas.pdf", "c/d/gaya.css"])
    static = engine._StaticCopy(files, INCLUDED)
    gone = files.get_file_from_path("b/berkas.pdf")
    assert gone is not None
    files.remove(gone)  # e.g. by a plugin's on_env
    copied = _parent_copies(monkeypatch)
    with caplog.at_level(logging.INFO):
        static.finish(files, INCLUDED)
    assert "static files copied again here: changed" in caplog.text
    assert copied == ["a/foto.png", "c/d/gaya.css"]
    expected = tmp_path / "expected"
    _files(docs, expected, ["a/foto.png", "c/d/gaya.css"]).copy_static_files(inclusion=INCLUDED)
    assert _tree(site) == _tree(expected)  # the removed file's copy is gone


def test_a_failed_copy_is_made_again_here_and_its_error_reported(
    docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    site = tmp_path / "site"
    files = _files(docs, site, ["a/foto.png", "b/berkas.pdf"])
    parent, original = os.getpid(), File.copy_file

    def copy_file(self: File, dirty: bool = False) -> None:
        if os.getpid() != parent and self.src_uri == "b/berkas.pdf":
            raise OSError("disk full")  # in the copying process only
        original(self, dirty)

    monkeypatch.setattr(File, "copy_file", copy_file)
    static = engine._StaticCopy(files, INCLUDED)
    with caplog.at_level(logging.INFO):
        static.finish(files, INCLUDED)
    assert "static files copied again here: failed" in caplog.text
    assert (site / "b" / "berkas.pdf").read_bytes() == (docs / "b" / "berkas.pdf").read_bytes()

    (docs / "b" / "berkas.pdf").unlink()  # missing here too: mkdocs' own error
    again = engine._StaticCopy(files, INCLUDED)
    with pytest.raises(FileNotFoundError):
        again.finish(files, INCLUDED)


def test_no_second_process_when_mkdocs_logs_its_debug_messages(
    docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    files = _files(docs, site, ["a/foto.png"])
    logger = logging.getLogger("mkdocs")
    level = logger.level
    logger.setLevel(logging.DEBUG)
    try:
        static = engine._StaticCopy(files, INCLUDED)
    finally:
        logger.setLevel(level)
    assert static.child is None
    copied = _parent_copies(monkeypatch)
    static.finish(files, INCLUDED)
    assert copied == ["a/foto.png"]
