"""Who is acting: one rule for the CLI, the use cases and (later) the desk."""

import subprocess

import pytest
from click.testing import CliRunner

from pipeline.actor import SYSTEM, Actor, actor_for, as_actor, person_for_email
from pipeline.cli import cli
from pipeline.commands import tickets
from pipeline.errors import WorkflowError
from tests.conftest import Project


def test_actor_for_carries_roles_and_how(project: Project) -> None:
    actor = actor_for(project.config, "bayu", how="session", address="127.0.0.9")
    assert actor == Actor(
        "bayu", frozenset({"editor", "redaktur"}), "session", "Bayu Redaktur", "127.0.0.9"
    )
    assert actor.id == "bayu"
    assert actor.has_role("redaktur", "ketua") and not actor.has_role("ketua")


def test_unknown_person_is_refused_with_where_and_what_next(project: Project) -> None:
    with pytest.raises(WorkflowError) as caught:
        actor_for(project.config, "mallory")
    assert "unknown person 'mallory': not listed in people" in str(caught.value)
    assert caught.value.where.endswith("warta.yml: people")
    assert "--as PERSON" in caught.value.hint


def test_a_person_id_given_to_a_use_case_is_a_claim(project: Project) -> None:
    assert as_actor(project.config, "sari").how == "claim"
    session = actor_for(project.config, "sari", how="session")
    assert as_actor(project.config, session) is session


def test_person_for_email_ignores_case_and_blank(project: Project) -> None:
    assert person_for_email(project.config, " Hasan@PA-uji.example ") == "hasan"
    assert person_for_email(project.config, "") is None
    assert person_for_email(project.config, "x@elsewhere.example") is None


def test_system_actor_has_no_roles() -> None:
    assert SYSTEM.how == "system" and not SYSTEM.roles and SYSTEM.id == "warta"


def test_cli_and_use_case_refuse_an_unknown_person_alike(project: Project) -> None:
    with pytest.raises(WorkflowError) as direct:
        tickets.new(project.config, workflow="B", title="Printer rusak", unit="Umum", by="mallory")
    result = CliRunner().invoke(
        cli,
        [
            *("--config", str(project.root / "warta.yml"), "ticket", "new", "Printer rusak"),
            *("--unit", "Umum", "--as", "mallory"),
        ],
    )
    assert result.exit_code == WorkflowError.exit_code
    assert direct.value.message in " ".join(result.output.split())


def test_cli_takes_the_person_from_git_email(project: Project) -> None:
    subprocess.run(["git", "init", "-q", str(project.root)], check=True)
    subprocess.run(
        ["git", "-C", str(project.root), "config", "user.email", "rina@pa-uji.example"],
        check=True,
    )
    result = CliRunner().invoke(
        cli,
        ["--config", str(project.root / "warta.yml"), "new", "Sidang Keliling", "-k", "berita"],
    )
    assert result.exit_code == 0, result.output
    text = (project.root / "drafts/sidang-keliling/index.md").read_text()
    assert "author: rina" in text
