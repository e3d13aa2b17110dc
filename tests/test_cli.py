"""The CLI through click's CliRunner: outputs and exit codes."""

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pipeline.cli import cli
from pipeline.errors import EXIT_CODES
from tests.conftest import APPROVED, Project

ROOT = Path(__file__).parent.parent


def run(project: Project, *args: str) -> Result:
    return CliRunner().invoke(
        cli, ["--config", str(project.root / "warta.yml"), *args], catch_exceptions=False
    )


def test_config_check(project: Project) -> None:
    result = run(project, "config", "check")
    assert result.exit_code == 0 and "OK (3 categories, 6 people)" in result.output


def test_config_error_exit_3(project: Project) -> None:
    (project.root / "warta.yml").write_text("site: {}\ncategories: []\n")
    result = run(project, "config", "check")
    assert result.exit_code == 3
    assert "warta.yml:1: site.name: Field required" in result.output
    assert "categories" in result.output


def test_new_then_review_then_submit_approve(project: Project) -> None:
    created = run(
        project, "new", "Sidang Keliling di Kecamatan Timur", "--category", "berita", "--as", "rina"
    )
    assert created.exit_code == 0, created.output
    index = project.root / "drafts/sidang-keliling-di-kecamatan-timur/index.md"
    assert index.is_file() and (index.parent / "files").is_dir()
    # The template has no summary: the review fails with exit 1 and says where.
    review = run(project, "review", str(index), "--format", "json")
    assert review.exit_code == 1
    data = json.loads(review.output)
    assert [f["rule"] for f in data["files"][0]["findings"]] == ["writing.summary-missing"]
    index.write_text(index.read_text().replace("summary: ''", "summary: Ringkasan sidang."))
    if "summary: Ringkasan" not in index.read_text():
        index.write_text(
            index.read_text().replace("status: draft", "status: draft\nsummary: Ringkasan sidang.")
        )
    assert run(project, "review", str(index)).exit_code == 0
    slug = "sidang-keliling-di-kecamatan-timur"
    refused = run(project, "submit", slug, "--as", "rina")
    assert refused.exit_code == 5 and "needs the role editor" in refused.output
    assert run(project, "submit", slug, "--as", "sari").exit_code == 0
    self_approval = run(project, "approve", slug, "--as", "rina")
    assert self_approval.exit_code == 5
    approved = run(project, "approve", slug, "--as", "hasan")
    assert approved.exit_code == 0 and "approved by hasan" in approved.output


def test_duplicate_new_refused_exit_4(project: Project) -> None:
    result = run(
        project,
        "new",
        "Judul yang sama persis",
        "--category",
        "berita",
        "--slug",
        "kegiatan-pertama",
        "--as",
        "rina",
    )
    assert result.exit_code == 4 and "already used" in result.output


def test_path_traversal_slug_refused(project: Project) -> None:
    result = run(
        project,
        "new",
        "Judul berbahaya sekali",
        "--category",
        "berita",
        "--slug",
        "../../etc",
        "--as",
        "rina",
    )
    assert result.exit_code == 4 and "not a valid slug" in result.output
    assert not (project.root.parent / "etc").exists()


def test_review_markdown_for_pull_requests(project: Project) -> None:
    project.draft("tanpa-ringkasan", summary="", body="\n# Judul Ganda\n\n![](foto.jpg)\n")
    result = run(project, "review", "--format", "markdown")
    assert result.exit_code == 1
    assert result.output.startswith("### ❌ warta review: 4 error(s)")
    assert "| ❌ | `drafts/tanpa-ringkasan/index.md:" in result.output


def test_publish_archive_verify_list_status(project: Project) -> None:
    project.draft("siap-terbit", **APPROVED)
    published = run(project, "publish", "--now", "2026-11-25T09:00+08:00")
    assert published.exit_code == 0, published.output
    assert "published siap-terbit" in published.output and "built" in published.output
    archived = run(project, "archive", "--now", "2026-11-25T09:10+08:00")
    assert archived.exit_code == 0 and "3 new bag(s)" in archived.output
    assert run(project, "archive", "verify").output.strip() == "3 bag(s) valid"
    listed = json.loads(run(project, "archive", "list", "--format", "json").output)
    assert {b["slug"] for b in listed} == {"siap-terbit", "kegiatan-pertama", "visi-misi"}
    status = run(project, "status", "--format", "json", "--check")
    assert status.exit_code == 0 and json.loads(status.output) == []


def test_status_check_exits_1_when_late(project: Project) -> None:
    project.draft(
        "terlambat",
        status="in-review",
        history=[{"status": "in-review", "at": "2026-11-01T08:00:00+08:00"}],
    )
    result = run(project, "status", "--check", "--now", "2026-11-25T09:00+08:00")
    assert result.exit_code == 1 and "LATE" in result.output


def test_unknown_item_exit_6(project: Project) -> None:
    result = run(project, "approve", "tidak-ada", "--as", "hasan")
    assert result.exit_code == 6 and "no item with slug 'tidak-ada'" in result.output


def test_python_dash_m_entry_point() -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "--version"], capture_output=True, text=True, check=True
    )
    assert done.stdout.startswith("warta, version")


def test_exit_code_table_matches_docs() -> None:
    text = (ROOT / "docs/exit-codes.md").read_text(encoding="utf-8")
    documented = {int(m) for m in re.findall(r"^\|\s*(\d+)\s*\|", text, re.MULTILINE)}
    assert documented == set(EXIT_CODES)


@pytest.mark.parametrize(
    "command",
    [
        "new",
        "review",
        "submit",
        "approve",
        "reject",
        "withdraw",
        "publish",
        "archive",
        "status",
        "watch",
    ],
)
def test_every_command_documented_in_user_guide(command: str) -> None:
    guide = (ROOT / "docs/user-guide.md").read_text(encoding="utf-8")
    assert f"warta {command}" in guide


def test_bug_exits_70_with_a_report(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    import pipeline.commands.status as status_module

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(status_module, "run_status", broken)
    result = CliRunner().invoke(cli, ["--config", str(project.root / "warta.yml"), "status"])
    assert result.exit_code == 70
    assert "bug in warta" in result.output


def test_reject_and_withdraw(project: Project) -> None:
    project.draft(
        "dikembalikan",
        status="in-review",
        review={"by": "sari", "at": "2026-11-20T09:00:00+08:00", "result": "passed"},
    )
    no_reason = run(project, "reject", "dikembalikan", "--as", "hasan")
    assert no_reason.exit_code == 2  # click: --reason is required
    back = run(project, "reject", "dikembalikan", "--as", "hasan", "--reason", "data kurang")
    assert back.exit_code == 0 and "back to draft" in back.output
    text = (project.root / "drafts/dikembalikan/index.md").read_text()
    assert "note: data kurang" in text and "review:" not in text
    draft_withdraw = run(project, "withdraw", "dikembalikan", "--as", "dimas", "--reason", "x")
    assert draft_withdraw.exit_code == 5 and "only published items" in draft_withdraw.output
    gone = run(project, "withdraw", "kegiatan-pertama", "--as", "dimas", "--reason", "keliru")
    assert gone.exit_code == 0 and "withdrawn" in gone.output
    assert (
        "status: withdrawn"
        in (project.root / "content/berita/posts/kegiatan-pertama/index.md").read_text()
    )
    operator = run(project, "withdraw", "visi-misi", "--as", "rina", "--reason", "x")
    assert operator.exit_code == 5 and "may not withdraw" in operator.output


def test_acting_person_from_git_email(project: Project) -> None:
    import subprocess

    subprocess.run(["git", "init", "-q", str(project.root)], check=True)
    subprocess.run(
        ["git", "-C", str(project.root), "config", "user.email", "rina@pa-uji.example"], check=True
    )
    created = run(project, "new", "Kegiatan yang ditulis Rina hari ini", "--category", "berita")
    assert created.exit_code == 0, created.output
    text = (project.root / "drafts/kegiatan-yang-ditulis-rina-hari-ini/index.md").read_text()
    assert "author: rina" in text
    subprocess.run(
        ["git", "-C", str(project.root), "config", "user.email", "x@y.example"], check=True
    )
    unknown = run(project, "new", "Kegiatan yang ditulis orang lain", "--category", "berita")
    assert unknown.exit_code == 3 and "--as PERSON" in unknown.output


def test_review_all_covers_published_content(project: Project) -> None:
    """What CI runs on a pull request: a leak in content/ fails it, not only in drafts."""
    project.published("bocor-terbit", body="\n## A\n\nNIK pemohon 3171011501900001.\n")
    assert run(project, "review").exit_code == 0  # drafts only: nothing to report
    result = run(project, "review", "--all", "--format", "markdown")
    assert result.exit_code == 1, result.output
    assert "content/berita/posts/bocor-terbit/index.md" in result.output
    assert "privacy.nik" in result.output
