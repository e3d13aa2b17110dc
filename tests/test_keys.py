"""Keys held for browser approvals: encrypted at rest, unlocked only to sign, never on disk."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pipeline.commands import keys as key_cases
from pipeline.content.keys import generate, public_line, signing_agent, unlock
from pipeline.errors import AuthError, ContentError, NotFoundError, WorkflowError
from pipeline.health.store import open_history
from tests.conftest import Project

PASSPHRASE = "empat kata yang panjang"


def git(repo: Path, *args: str, env: dict[str, str] | None = None) -> str:
    import os

    return subprocess.run(
        ["git", "-C", str(repo), *args],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **(env or {})},
    ).stdout


def test_the_held_key_is_encrypted_in_openssh_format() -> None:
    held = generate(PASSPHRASE, "hasan@pa-uji.example")
    assert held.public.startswith("ssh-ed25519 ") and held.public.endswith("hasan@pa-uji.example")
    assert held.encrypted.startswith(b"-----BEGIN OPENSSH PRIVATE KEY-----")
    # ssh-keygen itself needs the passphrase: the stored bytes are not a usable key.
    assert b"aes256-ctr" in __import__("base64").b64decode(
        b"".join(held.encrypted.splitlines()[1:-1])
    )


def test_wrong_passphrase_is_refused() -> None:
    held = generate(PASSPHRASE, "x")
    with pytest.raises(AuthError, match="wrong key passphrase"):
        unlock(held, "bukan kata sandinya")


def test_short_passphrase_is_refused() -> None:
    with pytest.raises(ContentError, match="too short"):
        generate("pendek", "x")


@pytest.mark.parametrize(
    "text",
    ["", "ssh-ed25519 bukan-base64", "-----BEGIN OPENSSH PRIVATE KEY-----", "hello world"],
)
def test_public_line_refuses_what_is_not_a_public_key(text: str) -> None:
    with pytest.raises(ContentError):
        public_line(text)


def test_public_line_refuses_two_keys() -> None:
    one = generate(PASSPHRASE, "a").public
    two = generate(PASSPHRASE, "b").public
    with pytest.raises(ContentError):
        public_line(one + "\n" + two)
    assert public_line("  " + one + "\n") == one


def test_a_commit_signed_through_the_agent_verifies_with_allowed_signers(tmp_path: Path) -> None:
    held = generate(PASSPHRASE, "hasan@pa-uji.example")
    repo = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "a.md").write_text("isi\n")
    git(repo, "add", "a.md")
    folders_before = set(Path("/tmp").glob("warta-agent-*"))
    with signing_agent(unlock(held, PASSPHRASE), held.public) as signer:
        options = [a for k, v in signer.git_config.items() for a in ("-c", f"{k}={v}")]
        git(repo, *options, "commit", "-q", "-S", "-m", "disetujui", env=signer.env)
        assert Path(signer.env["SSH_AUTH_SOCK"]).exists()
    # The agent and its folder are gone; nothing of the key was left behind.
    assert not Path(signer.env["SSH_AUTH_SOCK"]).parent.exists()
    assert set(Path("/tmp").glob("warta-agent-*")) <= folders_before
    signers = tmp_path / "allowed_signers"
    signers.write_text(f"hasan@pa-uji.example {held.public}\n")
    shown = git(
        repo,
        "-c",
        f"gpg.ssh.allowedSignersFile={signers}",
        "log",
        "-1",
        "--format=%G? %GS",
    )
    assert shown.strip() == "G hasan@pa-uji.example"


def test_another_persons_key_does_not_verify(tmp_path: Path) -> None:
    mine, theirs = generate(PASSPHRASE, "hasan"), generate(PASSPHRASE, "mallory")
    repo = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "a.md").write_text("isi\n")
    git(repo, "add", "a.md")
    with signing_agent(unlock(theirs, PASSPHRASE), theirs.public) as signer:
        options = [a for k, v in signer.git_config.items() for a in ("-c", f"{k}={v}")]
        git(repo, *options, "commit", "-q", "-S", "-m", "palsu", env=signer.env)
    signers = tmp_path / "allowed_signers"
    signers.write_text(f"hasan@pa-uji.example {mine.public}\n")
    shown = git(repo, "-c", f"gpg.ssh.allowedSignersFile={signers}", "log", "-1", "--format=%G?")
    assert shown.strip() != "G"


# -- the use cases: one key per person, held or registered, trusted only through warta.yml


def test_make_holds_an_encrypted_key_not_yet_trusted(project: Project) -> None:
    made = key_cases.make(project.config, by="hasan", passphrase=PASSPHRASE)
    assert made.held and not made.trusted and made.public.endswith("hasan@pa-uji.example")
    assert key_cases.status(project.config, by="hasan") == made
    with open_history(project.config, write=False) as db:
        stored = db.execute("SELECT encrypted FROM signing_keys").fetchone()[0]
    assert PASSPHRASE.encode() not in stored and b"OPENSSH PRIVATE KEY" in stored


def test_a_key_is_trusted_once_warta_yml_lists_it(project: Project) -> None:
    made = key_cases.make(project.config, by="hasan", passphrase=PASSPHRASE)
    text = (project.root / "warta.yml").read_text()
    (project.root / "warta.yml").write_text(
        text.replace(
            "roles: [penanggung-jawab]}",
            f"roles: [penanggung-jawab], ssh_key: '{made.public}'}}",
        )
    )
    assert key_cases.status(project.config, by="hasan").trusted


def test_signer_needs_the_right_passphrase(project: Project) -> None:
    key_cases.make(project.config, by="hasan", passphrase=PASSPHRASE)
    with (
        pytest.raises(AuthError),
        key_cases.signer(project.config, by="hasan", passphrase="x" * 12),
    ):
        pass
    with key_cases.signer(project.config, by="hasan", passphrase=PASSPHRASE) as agent:
        assert agent.git_config["user.signingkey"].startswith("key::ssh-ed25519 ")


def test_a_registered_public_key_signs_nothing_in_the_desk(project: Project) -> None:
    public = generate(PASSPHRASE, "ratna@pa-uji.example").public
    shown = key_cases.register(project.config, by="ratna", public=public)
    assert not shown.held and shown.public == public
    with (
        pytest.raises(NotFoundError, match="holds no signing key of ratna"),
        key_cases.signer(project.config, by="ratna", passphrase=PASSPHRASE),
    ):
        pass


def test_an_unknown_person_gets_no_key(project: Project) -> None:
    with pytest.raises(WorkflowError, match="unknown person 'mallory'"):
        key_cases.make(project.config, by="mallory", passphrase=PASSPHRASE)
