"""Signing keys held for people who approve in a browser (the desk), and signing with them.

An approval made in the desk must be the same SSH-signed merge that ``warta approve``
makes on a terminal, signed with the approver's *own* key, so that ``warta verify``
proves both alike. The desk therefore keeps each approver's private key, encrypted with a
passphrase only that person knows:

- the key is Ed25519, stored in OpenSSH's own private-key format, encrypted with
  ``aes256-ctr`` under a key derived from the passphrase with bcrypt-pbkdf (what
  ``ssh-keygen -p`` writes), so the person can take it to a terminal unchanged;
- the passphrase is asked at the moment of approval and never stored; a wrong one is an
  :class:`~pipeline.errors.AuthError`;
- the unlocked key never touches the disk: :func:`signing_agent` starts a private
  ``ssh-agent`` on a socket in a ``0700`` folder, hands it the key on standard input
  (``ssh-add -``), and git signs through the agent with the public key
  (``user.signingkey = key::<public key>``); the agent is stopped when the block ends.

Holding a key grants nothing: trust comes from the allowed-signers file derived from
``warta.yml`` (docs/approval.md). A new key is trusted only after its public line is
added to the person's ``ssh_key`` through an approved change of ``warta.yml``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from pipeline.errors import AuthError, ContentError, Problem, ToolMissingError

MIN_PASSPHRASE = 12
"""Characters: a key passphrase is the last line of defence if the database leaks."""


_PUBLIC_HINT = "paste the one line of your .pub file (ssh-ed25519 AAAA… you@host)"


@dataclass(frozen=True)
class HeldKey:
    """A person's signing key as the desk keeps it."""

    public: str
    """The OpenSSH public line (``ssh-ed25519 AAAA… comment``)."""
    encrypted: bytes
    """The OpenSSH private key, encrypted with the person's passphrase."""


def check_passphrase(passphrase: str) -> None:
    """Refuse a passphrase too short to protect a key at rest."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise ContentError(
            "the key passphrase is too short",
            [
                Problem(
                    "passphrase",
                    f"{len(passphrase)} characters",
                    f"use at least {MIN_PASSPHRASE} characters, for example four words",
                )
            ],
        )


def generate(passphrase: str, comment: str) -> HeldKey:
    """A new Ed25519 key, its private half encrypted with ``passphrase``."""
    check_passphrase(passphrase)
    key = Ed25519PrivateKey.generate()
    encrypted = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.OpenSSH,
        serialization.BestAvailableEncryption(passphrase.encode()),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    return HeldKey(f"{public.decode()} {comment}".strip(), encrypted)


def unlock(held: HeldKey, passphrase: str) -> bytes:
    """The private key in OpenSSH format without encryption (kept in memory only)."""
    try:
        key = serialization.load_ssh_private_key(held.encrypted, passphrase.encode())
    except ValueError:
        raise AuthError(
            "wrong key passphrase",
            where="passphrase",
            hint="type the passphrase you chose when the key was made; nothing was signed",
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise AuthError("the held key is not an Ed25519 key", where="signing key")
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.OpenSSH,
        serialization.NoEncryption(),
    )


def public_line(text: str) -> str:
    """``text`` as one OpenSSH public key line; :class:`ContentError` when it is not one."""
    line = " ".join(text.strip().split())
    try:
        serialization.load_ssh_public_key(line.encode())
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise ContentError(
            "not an SSH public key",
            [Problem("public key", "unreadable", _PUBLIC_HINT)],
        ) from None
    if "\n" in text.strip():
        raise ContentError(
            "give one public key, on one line",
            [Problem("public key", "several lines", _PUBLIC_HINT)],
        )
    return line


@dataclass(frozen=True)
class Signer:
    """What git needs to sign through a private agent: environment and configuration."""

    env: dict[str, str]
    git_config: dict[str, str]


@contextmanager
def signing_agent(private_key: bytes, public: str) -> Iterator[Signer]:
    """A private ``ssh-agent`` holding ``private_key`` for the duration of the block."""
    agent = shutil.which("ssh-agent")
    add = shutil.which("ssh-add")
    if agent is None or add is None:
        raise ToolMissingError(
            "ssh-agent is not installed",
            where="PATH",
            hint="install OpenSSH's client tools (apt-get install openssh-client)",
        )
    folder = Path(tempfile.mkdtemp(prefix="warta-agent-"))
    os.chmod(folder, 0o700)
    socket = folder / "agent.sock"
    process = subprocess.Popen(
        [agent, "-D", "-a", str(socket)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    env = {"SSH_AUTH_SOCK": str(socket)}
    try:
        for _ in range(200):  # the socket appears within milliseconds
            if socket.exists():
                break
            if process.poll() is not None:
                raise ToolMissingError("ssh-agent did not start", where=agent)
            time.sleep(0.01)
        added = subprocess.run(
            [add, "-q", "-"],
            input=private_key,
            env={**os.environ, **env},
            capture_output=True,
            check=False,
        )
        if added.returncode != 0:
            raise AuthError(
                "the signing key could not be loaded",
                where="ssh-add",
                hint=added.stderr.decode(errors="replace").strip() or "try again",
            )
        yield Signer(env, {"gpg.format": "ssh", "user.signingkey": f"key::{public}"})
    finally:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(folder, ignore_errors=True)
