"""Draft branches: each desk save is a commit on konten/<slug>, compare-and-swap safe."""

from __future__ import annotations

import subprocess
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipeline.content.branches import DraftBranches, EditConflict, branch_of
from pipeline.content.gitrepo import Git
from pipeline.errors import ContentError

NOW = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
RINA = ("Rina Operator", "rina@pa-uji.example")
SARI = ("Sari Editor", "sari@pa-uji.example")


@pytest.fixture
def repo(tmp_path: Path) -> Git:
    root = tmp_path / "site"
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    (root / "content").mkdir()
    (root / "content/index.md").write_text("# Beranda\n")
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(root), "commit", "-qm", "situs"], check=True)
    return Git(root)


def test_a_save_is_a_commit_by_the_person_on_the_drafts_branch(repo: Git) -> None:
    branches = DraftBranches(repo)
    saved = branches.save(
        "sidang-keliling",
        {"index.md": b"---\ntitle: Sidang\n---\nIsi\n", "files/surat.pdf": b"%PDF-1.7\n"},
        author=RINA,
        message="Draf: Sidang",
        expected=None,
        now=NOW,
    )
    assert saved.branch == "konten/sidang-keliling" and saved.parent == repo.resolve("main")
    assert branches.head("sidang-keliling") == saved.commit
    assert (
        repo.out("log", "-1", "--format=%an <%ae>", saved.commit)
        == "Rina Operator <rina@pa-uji.example>"
    )
    assert branches.read("sidang-keliling") == "---\ntitle: Sidang\n---\nIsi\n"
    listed = repo.out("ls-tree", "-r", "--format=%(objectmode) %(path)", saved.commit)
    assert "100644 drafts/sidang-keliling/files/surat.pdf" in listed
    assert "content/index.md" in listed  # the rest of the site is the base's
    # Nothing was checked out: the work tree has no draft and main did not move.
    assert not (repo.root / "drafts").exists()
    assert repo.resolve("main") == saved.parent


def test_a_second_save_from_a_stale_form_is_refused_with_a_diff(repo: Git) -> None:
    branches = DraftBranches(repo)
    first = branches.save(
        "rapat", {"index.md": b"satu\n"}, author=RINA, message="a", expected=None, now=NOW
    )
    rina = branches.save(
        "rapat", {"index.md": b"dua\n"}, author=RINA, message="b", expected=first.commit, now=NOW
    )
    with pytest.raises(EditConflict) as caught:
        branches.save(
            "rapat",
            {"index.md": b"tiga\n"},
            author=SARI,
            message="c",
            expected=first.commit,
            now=NOW,
        )
    assert "-satu" in caught.value.diff and "+dua" in caught.value.diff
    assert "changed by someone else" in caught.value.message
    assert branches.head("rapat") == rina.commit  # nothing of Sari's was written
    assert branches.read("rapat") == "dua\n"


def test_a_new_draft_cannot_overwrite_an_existing_branch(repo: Git) -> None:
    branches = DraftBranches(repo)
    branches.save(
        "rapat", {"index.md": b"satu\n"}, author=RINA, message="a", expected=None, now=NOW
    )
    with pytest.raises(EditConflict):
        branches.save(
            "rapat", {"index.md": b"lain\n"}, author=SARI, message="b", expected=None, now=NOW
        )


def test_racing_saves_one_wins_one_is_refused(repo: Git) -> None:
    branches = DraftBranches(repo)
    start = branches.save(
        "rapat", {"index.md": b"awal\n"}, author=RINA, message="a", expected=None, now=NOW
    )
    outcomes: list[str] = []

    def edit(text: bytes, who: tuple[str, str]) -> None:
        try:
            branches.save(
                "rapat", {"index.md": text}, author=who, message="x", expected=start.commit, now=NOW
            )
            outcomes.append("saved")
        except EditConflict:
            outcomes.append("refused")

    threads = [
        threading.Thread(target=edit, args=(f"versi {n}\n".encode(), RINA)) for n in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "refused", "refused", "saved"]
    assert repo.out("rev-list", "--count", "main..konten/rapat") == "2"


@pytest.mark.parametrize(
    "rel",
    [
        "../../content/index.md",
        "files/../../x",
        "/etc/passwd",
        ".git/config",
        "files/.htaccess",
        "",
    ],
)
def test_unsafe_paths_are_refused(repo: Git, rel: str) -> None:
    with pytest.raises(ContentError, match="unsafe file name"):
        DraftBranches(repo).save(
            "rapat", {rel: b"x"}, author=RINA, message="a", expected=None, now=NOW
        )
    assert DraftBranches(repo).head("rapat") is None


@pytest.mark.parametrize("slug", ["../main", "Rapat", "a/b", "x" * 81, ""])
def test_only_slugs_name_branches(slug: str) -> None:
    with pytest.raises(ContentError):
        branch_of(slug)


def test_removing_a_file(repo: Git) -> None:
    branches = DraftBranches(repo)
    one = branches.save(
        "rapat",
        {"index.md": b"a\n", "files/x.pdf": b"%PDF"},
        author=RINA,
        message="a",
        expected=None,
        now=NOW,
    )
    two = branches.save(
        "rapat", {"files/x.pdf": None}, author=RINA, message="b", expected=one.commit, now=NOW
    )
    assert branches.read("rapat", "files/x.pdf", at=two.commit) is None
    assert branches.read("rapat", at=two.commit) == "a\n"
