"""Keys held for browser approvals: encrypted at rest, unlocked only to sign, never on disk."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pipeline.content.keys import generate, public_line, signing_agent, unlock
from pipeline.errors import AuthError, ContentError

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
