"""warta init: a court's own site repository, built strictly at once; publish needs a home."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.commands.compliance import run_compliance
from pipeline.commands.content import run_review
from pipeline.config import load_config
from pipeline.errors import BuildError
from pipeline.site.compliance import STUB_MARKER, load_checklist
from tests.conftest import Project

PERSON = "dimas:Dimas Prasetyo:dimas@pa-bukitraya.go.id:operator,web-admin"
ARGS = [
    "--name",
    "Pengadilan Agama Bukit Raya",
    "--url",
    "https://www.pa-bukitraya.go.id",
    "--timezone",
    "Asia/Jakarta",
    "--person",
    PERSON,
    "--person",
    "hasan:Hasan Basri:hasan@pa-bukitraya.go.id:penanggung-jawab",
    "--sipp-url",
    "https://sipp.pa-bukitraya.go.id/",
]


@pytest.fixture(scope="module")
def new_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("init") / "pa-bukitraya"
    done = CliRunner().invoke(cli, ["init", str(root), *ARGS])
    assert done.exit_code == 0, done.output
    assert "created" in done.output
    return root


def test_init_writes_a_whole_site_repository(new_site: Path) -> None:
    for rel in (
        "warta.yml",
        "mkdocs.yml",
        "content/index.md",
        ".gitignore",
        ".github/workflows/review.yml",
        ".github/workflows/publish.yml",
    ):
        assert (new_site / rel).is_file(), rel
    assert (new_site / "drafts").is_dir() and not list((new_site / "drafts").glob("*/"))
    assert (new_site / ".git").is_dir()
    config = load_config(new_site / "warta.yml")
    assert config.site.name == "Pengadilan Agama Bukit Raya"
    assert config.site.url == "https://www.pa-bukitraya.go.id/"
    assert config.site.timezone == "Asia/Jakarta"
    assert [(p.id, p.roles) for p in config.people] == [
        ("dimas", ["operator", "web-admin"]),
        ("hasan", ["penanggung-jawab"]),
    ]
    assert "pa-bukitraya.go.id" in config.review.allowed_email_domains
    assert [link.id for link in config.court.links][:1] == ["sipp"]
    # every category has its section page
    for category in config.categories:
        assert (new_site / "content" / category.section / "index.md").is_file()
    # lunr is not used: Pagefind comes with the warta plugin
    mkdocs = yaml.safe_load((new_site / "mkdocs.yml").read_text())
    assert "search" not in [p if isinstance(p, str) else next(iter(p)) for p in mkdocs["plugins"]]


def test_every_mandatory_page_is_a_stub(new_site: Path) -> None:
    for entry in load_checklist().items:
        if entry.where.page:
            text = (new_site / "content" / entry.where.page / "index.md").read_text()
            assert STUB_MARKER in text, entry.id


def test_init_builds_strictly_at_once(new_site: Path) -> None:
    done = CliRunner().invoke(cli, ["--config", str(new_site / "warta.yml"), "publish"])
    assert done.exit_code == 0, done.output
    site = new_site / "site"
    assert (site / "index.html").is_file() and (site / "pagefind" / "pagefind.js").is_file()
    assert (site / "profil" / "visi-misi" / "index.html").is_file()
    review = run_review(load_config(new_site / "warta.yml"), include_content=True)
    assert [f.as_dict() for f in review.findings if f.severity == "error"] == []


def test_compliance_lists_the_stubs_to_fill(new_site: Path) -> None:
    result = run_compliance(load_config(new_site / "warta.yml"))
    assert result.percent < 30
    stubs = {f.item.id for f in result.findings if f.status == "stub"}
    assert {"visi-misi", "kontak", "lhkpn", "maklumat-pelayanan", "berita"} <= stubs
    visi = next(f for f in result.findings if f.item.id == "visi-misi")
    assert visi.todo == "write content/profil/visi-misi/index.md (still the stub of warta init)"
    done = {f.item.id for f in result.findings if f.status == "ok"}
    assert {"sipp", "e-court", "siwas", "direktori-putusan", "survei"} <= done
    shown = CliRunner().invoke(cli, ["--config", str(new_site / "warta.yml"), "compliance"])
    assert "│ stub " in shown.output and "31 to fill" in shown.output


def test_the_workflows_are_valid(new_site: Path) -> None:
    actionlint = shutil.which("actionlint")
    if actionlint is None:
        pytest.fail("actionlint is not installed: pip install -e '.[test]'")
    files = sorted(str(p) for p in (new_site / ".github" / "workflows").glob("*.yml"))
    done = subprocess.run([actionlint, *files], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("penting")
    done = CliRunner().invoke(cli, ["init", str(tmp_path), *ARGS])
    assert done.exit_code != 0 and "not an empty folder" in done.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("--person", "dimas:Dimas:bukan-email:operator", "not an e-mail address"),
        ("--person", "Dimas Besar:Dimas:d@pa.go.id:operator", "is not an id"),
        ("--person", "dimas:Dimas:d@pa.go.id:raja", "roles"),
        ("--url", "ftp://pa-bukitraya.go.id", "site.url"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    tmp_path: Path, option: str, value: str, expected: str
) -> None:
    target = tmp_path / "baru"
    args = list(ARGS)
    if option == "--person":
        args = [*ARGS[: ARGS.index("--person")], "--person", value]
    else:
        args[args.index(option) + 1] = value
    done = CliRunner().invoke(cli, ["init", str(target), *args])
    assert done.exit_code != 0
    assert expected in done.output
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []  # no staging folder left behind


def test_init_prompts_for_what_is_not_given(tmp_path: Path) -> None:
    target = tmp_path / "ditanya"
    answers = "Pengadilan Agama Tanya\nhttps://pa-tanya.go.id/\n" + PERSON + "\n"
    done = CliRunner().invoke(cli, ["init", str(target), "--no-git"], input=answers)
    assert done.exit_code == 0, done.output
    assert load_config(target / "warta.yml").site.name == "Pengadilan Agama Tanya"
    assert not (target / ".git").exists()


def test_publish_refuses_a_site_without_a_home_page(project: Project) -> None:
    (project.root / "content" / "index.md").unlink()
    done = CliRunner().invoke(cli, ["--config", str(project.root / "warta.yml"), "publish"])
    assert done.exit_code == BuildError.exit_code, done.output
    assert "no home page" in done.output and "content/index.md" in done.output
    assert not (project.root / "site").exists()
