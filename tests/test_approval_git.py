"""Signed approval in git: real repositories, SSH keys generated here, every forgery refused."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.commands import approval
from pipeline.errors import ConfigError, IntegrityError, WorkflowError
from tests.conftest import Project

SIGNERS = ("sari", "bayu", "hasan", "ratna", "dimas", "forge", "mallory")


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """An ed25519 key pair per person (and one for the forge and for an outsider)."""
    folder = tmp_path_factory.mktemp("keys")
    found = {}
    for name in SIGNERS:
        path = folder / name
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(path)],
            check=True,
        )
        found[name] = path
    return found


def pub(keys: dict[str, Path], name: str) -> str:
    return Path(f"{keys[name]}.pub").read_text().strip()


class Repo:
    """The project as a git repository, with helpers to act as each person."""

    def __init__(self, project: Project, keys: dict[str, Path]) -> None:
        self.project = project
        self.root = project.root
        self.keys = keys

    def git(self, *args: str, key: str | None = None) -> str:
        signing = ["-c", "gpg.format=ssh", "-c", f"user.signingkey={self.keys[key]}"] if key else []
        done = subprocess.run(
            ["git", "-C", str(self.root), *signing, *args],
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.strip()

    @property
    def config(self):  # type: ignore[no-untyped-def]
        return self.project.config

    def commit_all(self, message: str) -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)
        return self.git("rev-parse", "HEAD")

    def draft_branch(self, slug: str, **front: object) -> str:
        """An editor's branch: the operator's draft, then the editor's signed review."""
        branch = f"konten/{slug}"
        self.git("switch", "-q", "-c", branch, "main")
        self.project.draft(slug, **front)  # type: ignore[arg-type]
        self.commit_all(f"Draft {slug}")
        result = approval.submit(self.config, slug, by="sari", key=str(self.keys["sari"]))
        assert result.commit == self.git("rev-parse", "HEAD")
        self.git("switch", "-q", "main")
        return branch

    def change_branch(self, name: str, change: dict[str, str | None]) -> str:
        """A branch that writes (or, with None, deletes) files, committed unsigned."""
        self.git("switch", "-q", "-c", name, "main")
        for rel, text in change.items():
            path = self.root / rel
            if text is None:
                self.git("rm", "-q", "-r", rel)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
        self.commit_all(f"Change on {name}")
        self.git("switch", "-q", "main")
        return name

    def merge(self, branch: str, *, key: str | None, trailers: str) -> str:
        """A hand-made merge (what a forger or a forge's button would do)."""
        args = ["merge", "-q", "--no-ff", "-m", f"Merge {branch}\n\n{trailers}", branch]
        if key:
            args.insert(1, "-S")
        self.git(*args, key=key)
        return self.git("rev-parse", "HEAD")

    @property
    def base(self) -> str:
        """The trusted base, pinned outside the repository as a full commit id."""
        return self.git("rev-parse", "dasar^{commit}")

    def verify(self, **options: object) -> approval.VerifyReport:
        return approval.verify(self.config, base=self.base, **options)  # type: ignore[arg-type]


@pytest.fixture
def repo(project: Project, keys: dict[str, Path]) -> Repo:
    data = yaml.safe_load((project.root / "warta.yml").read_text())
    for person in data["people"]:
        if person["id"] in keys:
            person["ssh_key"] = pub(keys, person["id"])
    data["signing"] = {"enabled": True}
    project.write("warta.yml", yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    r = Repo(project, keys)
    r.git("init", "-q", "-b", "main")
    r.git("config", "user.email", "rina@pa-uji.example")
    r.git("config", "user.name", "Rina Operator")
    r.commit_all("The site as it was before signed approval")
    r.git("tag", "dasar")
    return r


def _refused(r: Repo, rule: str, commit: str) -> str:
    with pytest.raises(IntegrityError) as caught:
        r.verify()
    text = str(caught.value)
    assert f"commit {commit[:12]}" in text
    assert rule in text
    return text


HASAN = "Approved-by: Hasan PJ <hasan@pa-uji.example>\nRoute: routine"
EDITED = "content/profil/visi-misi/index.md"


def _edited(r: Repo) -> str:
    return (r.root / EDITED).read_text() + "\nKalimat baru.\n"


# -- the happy paths ----------------------------------------------------------------------


def test_routine_item_submitted_approved_and_verified(repo: Repo) -> None:
    branch = repo.draft_branch("sidang-keliling")
    step = approval.approve(repo.config, "sidang-keliling", by="hasan", key=str(repo.keys["hasan"]))
    head = repo.git("rev-parse", "HEAD")
    assert step.commit == head and step.route == "routine" and step.branch == branch
    # --no-ff: the first parent is the old main, the second the editor's branch.
    assert repo.git("rev-parse", "HEAD^2") == repo.git("rev-parse", branch)
    trailers = repo.git("log", "-1", "--format=%(trailers:only,unfold)")
    assert "Reviewed-by: Sari Editor <sari@pa-uji.example>" in trailers
    assert "Approved-by: Hasan PJ <hasan@pa-uji.example>" in trailers
    assert "Route: routine" in trailers
    # The merge holds the item promoted, with its approval record; the draft is gone.
    placed = repo.root / "content/berita/posts/sidang-keliling/index.md"
    front = yaml.safe_load(placed.read_text().split("---")[1])
    assert front["status"] == "published" and front["approval"]["by"] == "hasan"
    assert not (repo.root / "drafts/sidang-keliling").exists()
    assert repo.git("status", "--porcelain") == ""
    report = repo.verify()
    assert [v.signer for v in report.approvals] == ["hasan"]
    result = CliRunner().invoke(
        cli, ["--config", str(repo.root / "warta.yml"), "verify", "--base", repo.base]
    )
    assert result.exit_code == 0, result.output
    assert "approved by hasan (routine)" in result.output


def test_special_item_needs_the_ketua(repo: Repo) -> None:
    repo.draft_branch("putusan-penting", attention="special")
    before = repo.git("rev-parse", "main")
    with pytest.raises(WorkflowError, match="needs the role ketua"):
        approval.approve(repo.config, "putusan-penting", by="hasan", key=str(repo.keys["hasan"]))
    assert repo.git("rev-parse", "main") == before
    step = approval.approve(repo.config, "putusan-penting", by="ratna", key=str(repo.keys["ratna"]))
    assert step.route == "special"
    assert "Route: special" in repo.git("log", "-1", "--format=%B")
    assert [v.route for v in repo.verify().approvals] == ["special"]


def test_withdrawal_and_deletion_through_signed_merges(repo: Repo) -> None:
    # Changed with issue 14: a published item is deleted only after its withdrawal was
    # approved, so the archive keeps the withdrawn version as the record.
    text = (repo.root / EDITED).read_text().replace("status: published", "status: withdrawn")
    repo.change_branch("tarik-visi", {EDITED: text})
    step = approval.approve(repo.config, "tarik-visi", by="bayu", key=str(repo.keys["bayu"]))
    assert step.front is None and step.changed == ["content/profil/visi-misi"]
    repo.change_branch("hapus-visi", {"content/profil/visi-misi": None})
    approval.approve(repo.config, "hapus-visi", by="hasan", key=str(repo.keys["hasan"]))
    assert len(repo.verify().approvals) == 2


def test_deleting_a_published_item_without_withdrawal_is_refused(repo: Repo) -> None:
    repo.change_branch("hapus-kegiatan", {"content/berita/posts/kegiatan-pertama": None})
    before = repo.git("rev-parse", "main")
    with pytest.raises(WorkflowError, match=r"approval\.deletion"):
        approval.approve(repo.config, "hapus-kegiatan", by="hasan", key=str(repo.keys["hasan"]))
    assert repo.git("rev-parse", "main") == before


def test_approve_refuses_self_approval_and_a_key_of_someone_else(repo: Repo) -> None:
    repo.draft_branch("tulisan-hasan", author="hasan")
    before = repo.git("rev-parse", "main")
    with pytest.raises(WorkflowError, match="wrote this item"):
        approval.approve(repo.config, "tulisan-hasan", by="hasan", key=str(repo.keys["hasan"]))
    with pytest.raises(WorkflowError, match="does not sign as Bayu"):
        approval.approve(repo.config, "tulisan-hasan", by="bayu", key=str(repo.keys["hasan"]))
    assert repo.git("rev-parse", "main") == before
    assert repo.git("status", "--porcelain") == ""


def test_submit_refuses_a_key_that_is_not_the_editors(repo: Repo) -> None:
    repo.git("switch", "-q", "-c", "konten/salah-kunci")
    repo.project.draft("salah-kunci")
    repo.commit_all("Draft")
    before = repo.git("rev-parse", "HEAD")
    with pytest.raises(WorkflowError, match="does not sign as Sari"):
        approval.submit(repo.config, "salah-kunci", by="sari", key=str(repo.keys["forge"]))
    assert repo.git("rev-parse", "HEAD") == before
    assert "status: draft" in (repo.root / "drafts/salah-kunci/index.md").read_text()


# -- every forgery is refused, naming the commit and the rule --------------------------


def test_unsigned_merge_with_a_trailer_is_refused(repo: Repo) -> None:
    repo.change_branch("ubah", {EDITED: _edited(repo)})
    merge = repo.merge("ubah", key=None, trailers=HASAN)
    text = _refused(repo, "approval.unsigned", merge)
    assert "approval.trailer-mismatch" in text  # a trailer alone proves nothing


def test_forge_button_merge_is_refused(repo: Repo) -> None:
    repo.change_branch("ubah", {EDITED: _edited(repo)})
    merge = repo.merge("ubah", key="forge", trailers=HASAN)
    _refused(repo, "approval.unknown-key", merge)


def test_signature_without_the_role_is_refused(repo: Repo) -> None:
    repo.change_branch("ubah", {EDITED: _edited(repo)})
    sari = "Approved-by: Sari Editor <sari@pa-uji.example>\nRoute: routine"
    merge = repo.merge("ubah", key="sari", trailers=sari)
    _refused(repo, "approval.role", merge)


def test_self_approval_is_refused(repo: Repo) -> None:
    text = _edited(repo).replace("author: rina", "author: hasan")
    repo.change_branch("ubah", {EDITED: text})
    merge = repo.merge("ubah", key="hasan", trailers=HASAN)
    _refused(repo, "approval.self", merge)


def test_trailer_naming_someone_else_than_the_signer_is_refused(repo: Repo) -> None:
    repo.change_branch("ubah", {EDITED: _edited(repo)})
    merge = repo.merge("ubah", key="bayu", trailers=HASAN)
    _refused(repo, "approval.trailer-mismatch", merge)


def test_special_item_merged_on_the_routine_route_is_refused(repo: Repo) -> None:
    text = _edited(repo).replace("attention: routine", "attention: special")
    repo.change_branch("ubah", {EDITED: text})
    merge = repo.merge("ubah", key="hasan", trailers=HASAN)
    refused = _refused(repo, "approval.route", merge)
    assert "approval.role" in refused


def test_edit_pushed_after_approval_is_refused(repo: Repo) -> None:
    repo.draft_branch("sidang-keliling")
    approval.approve(repo.config, "sidang-keliling", by="hasan", key=str(repo.keys["hasan"]))
    repo.verify()
    placed = repo.root / "content/berita/posts/sidang-keliling/index.md"
    placed.write_text(placed.read_text() + "\nTambahan setelah disetujui.\n")
    edit = repo.commit_all("Small fix")
    _refused(repo, "approval.unapproved-change", edit)


@pytest.mark.parametrize("kind", ["withdrawal", "deletion", "addition"])
def test_unmerged_withdrawal_deletion_or_addition_is_refused(repo: Repo, kind: str) -> None:
    if kind == "withdrawal":
        path = repo.root / EDITED
        path.write_text(path.read_text().replace("status: published", "status: withdrawn"))
    elif kind == "deletion":
        repo.git("rm", "-q", "-r", "content/berita/posts/kegiatan-pertama")
    else:
        repo.project.published("baru-tanpa-izin")
    commit = repo.commit_all(kind)
    _refused(repo, "approval.unapproved-change", commit)


def test_granting_oneself_a_role_is_refused(repo: Repo) -> None:
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
    grant = repo.commit_all("Add a ketua")
    repo.change_branch("ubah", {EDITED: _edited(repo)})
    mallory = "Approved-by: Mallory <mallory@pa-uji.example>\nRoute: special"
    repo.merge("ubah", key="mallory", trailers=mallory)
    _refused(repo, "approval.unapproved-change", grant)


def test_uncommitted_content_is_not_the_approved_tree(repo: Repo) -> None:
    (repo.root / EDITED).write_text(_edited(repo))
    with pytest.raises(IntegrityError, match=r"published\.tree-mismatch"):
        repo.verify()
    result = CliRunner().invoke(
        cli, ["--config", str(repo.root / "warta.yml"), "verify", "--base", repo.base]
    )
    assert result.exit_code == IntegrityError.exit_code
    assert "published.tree-mismatch" in result.output


def test_verify_needs_a_base_pinned_outside_the_tree(repo: Repo) -> None:
    # Changed with issue 14: signing.trusted_base in warta.yml is no longer read, and a
    # tag is no base (it can be moved): only a full commit id given from outside.
    data = yaml.safe_load((repo.root / "warta.yml").read_text())
    data["signing"]["trusted_base"] = repo.base
    repo.project.write("warta.yml", yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(ConfigError, match="no trusted base") as caught:
        approval.verify(repo.config)
    assert "signing.trusted_base" in str(caught.value) and "not trusted" in str(caught.value)
    with pytest.raises(ConfigError, match="full commit id"):
        approval.verify(repo.config, base="dasar")
    with pytest.raises(IntegrityError, match="not a commit"):
        approval.verify(repo.config, base="0" * 40)


# -- roles sync ---------------------------------------------------------------------------


def test_roles_sync_writes_signers_git_accepts_and_codeowners(repo: Repo) -> None:
    runner = CliRunner()
    args = ["--config", str(repo.root / "warta.yml"), "roles", "sync"]
    assert runner.invoke(cli, [*args, "--check"]).exit_code == 1
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert runner.invoke(cli, [*args, "--check"]).exit_code == 0
    signers = (repo.root / ".github/allowed_signers").read_text()
    assert f'hasan@pa-uji.example namespaces="git" {pub(repo.keys, "hasan")}' in signers
    assert "rina@" not in signers  # no key, no line
    owners = (repo.root / ".github/CODEOWNERS").read_text().splitlines()
    editors_and_approvers = (
        "sari@pa-uji.example bayu@pa-uji.example hasan@pa-uji.example ratna@pa-uji.example"
    )
    assert f"/drafts/** {editors_and_approvers}" in owners
    assert f"/content/** {editors_and_approvers}" in owners
    assert "/warta.yml ratna@pa-uji.example" in owners
    # The same rules as verify: the catch-all first (CODEOWNERS lets later lines win).
    assert owners.index("* ratna@pa-uji.example") < owners.index(
        "/mkdocs.yml " + ("hasan@pa-uji.example dimas@pa-uji.example")
    )
    assert "/pipeline/** dimas@pa-uji.example" in owners
    assert "/.github/workflows/** dimas@pa-uji.example" in owners
    # git itself accepts the file: a review commit shows as good, signed by sari.
    repo.commit_all("warta roles sync")
    repo.draft_branch("uji-kunci")
    shown = repo.git(
        "-c",
        f"gpg.ssh.allowedSignersFile={repo.root / '.github/allowed_signers'}",
        "log",
        "-1",
        "--format=%G? %GS",
        "konten/uji-kunci",
    )
    assert shown == "G sari@pa-uji.example"


def test_malformed_key_is_a_config_error(repo: Repo) -> None:
    people = [
        p.model_copy(update={"ssh_key": "ed25519 AAAA sari"}) if p.id == "sari" else p
        for p in repo.config.people
    ]
    with pytest.raises(ConfigError) as caught:
        approval.roles_sync(repo.config.model_copy(update={"people": people}))
    assert "people[1].ssh_key" in str(caught.value)


def test_without_signing_submit_and_approve_stay_front_matter_steps(project: Project) -> None:
    project.draft("tanpa-git")
    submitted = approval.submit(project.config, "tanpa-git", by="sari")
    assert submitted.commit == "" and submitted.front and submitted.front.status == "in-review"
    approved = approval.approve(project.config, "tanpa-git", by="hasan")
    assert approved.commit == "" and approved.front and approved.front.status == "approved"


def test_cli_submit_and_approve_sign_with_key(repo: Repo) -> None:
    runner = CliRunner()
    config = ["--config", str(repo.root / "warta.yml")]
    repo.git("switch", "-q", "-c", "konten/lewat-cli")
    repo.project.draft("lewat-cli")
    repo.commit_all("Draft lewat-cli")
    submitted = runner.invoke(
        cli, [*config, "submit", "lewat-cli", "--as", "sari", "--key", str(repo.keys["sari"])]
    )
    assert submitted.exit_code == 0, submitted.output
    assert "signed review commit" in submitted.output
    repo.git("switch", "-q", "main")
    refused = runner.invoke(
        cli, [*config, "approve", "lewat-cli", "--as", "sari", "--key", str(repo.keys["sari"])]
    )
    assert refused.exit_code == WorkflowError.exit_code
    approved = runner.invoke(
        cli,
        [*config, "approve", "konten/lewat-cli", "--as", "hasan"],
        env={"WARTA_SIGNING_KEY": str(repo.keys["hasan"])},
    )
    assert approved.exit_code == 0, approved.output
    assert "lewat-cli: published by hasan" in approved.output
    assert "signed merge" in approved.output and "(routine)" in approved.output
    assert runner.invoke(cli, [*config, "verify", "--base", repo.base]).exit_code == 0
