"""Who may sign what: git's allowed-signers file and the forge's CODEOWNERS, from warta.yml.

Both files are *derived*: ``warta roles sync`` writes them from ``people`` so that
git (``git log --show-signature``) and the forge (required reviewers) agree with
warta.  ``warta verify`` never trusts the copy in the repository: it builds the
allowed signers from the configuration it is checking against.  Formats are in
``docs/approval.md``.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from pipeline.config import Config, Person
from pipeline.content.model import Attention
from pipeline.content.workflow import approver_roles
from pipeline.errors import ConfigError, Problem

#: One public key line: type, base64 body, optional comment.
_KEY = re.compile(
    r"^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|"
    r"sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/]+={0,3}( [^\n]*)?$"
)

HEADER = "# Written by `warta roles sync` from warta.yml: change warta.yml, not this file."
REVIEW_ROLES = ("editor", "redaktur")


def signer_problems(config: Config) -> list[Problem]:
    """Malformed ``ssh_key`` values and e-mail addresses shared by two signers."""
    problems = []
    seen: dict[str, str] = {}
    for index, person in enumerate(config.people):
        if not person.ssh_key:
            continue
        where = f"{config.source}: people[{index}].ssh_key"
        if not _KEY.match(person.ssh_key.strip()):
            problems.append(
                Problem(
                    where,
                    f"not an SSH public key line for {person.id}",
                    "paste the one line of the .pub file (ssh-ed25519 AAAA… comment)",
                )
            )
        email = person.email.lower()
        if email in seen:
            problems.append(
                Problem(
                    where,
                    f"{person.id} and {seen[email]} share the e-mail {person.email}",
                    "each signer needs their own address: it names them in signatures",
                )
            )
        seen[email] = person.id
    return problems


def allowed_signers(config: Config) -> str:
    """The allowed-signers text (``ssh-keygen -Y``'s format) for every person with a key.

    The principal is the person's e-mail address; keys may only sign git objects.
    Raises :class:`ConfigError` when a key is malformed.
    """
    problems = signer_problems(config)
    if problems:
        raise ConfigError("signing keys are invalid", problems)
    lines = [HEADER]
    for person in config.people:
        if person.ssh_key:
            lines.append(f'{person.email.lower()} namespaces="git" {person.ssh_key.strip()}')
    return "\n".join(lines) + "\n"


def signer(config: Config, principal: str) -> Person | None:
    """The person whose e-mail address is ``principal`` and who has a key."""
    principal = principal.lower()
    return next(
        (p for p in config.people if p.ssh_key and p.email.lower() == principal),
        None,
    )


def _owners(config: Config, roles: tuple[str, ...]) -> str:
    return " ".join(p.email for p in config.people if set(p.roles) & set(roles))


def codeowners(config: Config, prefix: str = "") -> str:
    """CODEOWNERS for the forge: who must review which folder (owners by e-mail).

    ``prefix`` is the folder of warta.yml inside the repository (``""`` at its root).
    """

    def pattern(path: str, folder: bool = True) -> str:
        text = "/" + str(PurePosixPath(prefix, path)).lstrip("./")
        return text + "/" if folder else text

    approvers = tuple(
        dict.fromkeys(
            approver_roles(config, Attention.ROUTINE) + approver_roles(config, Attention.SPECIAL)
        )
    )
    rows = [
        HEADER,
        "# Later lines win. Owners are e-mail addresses of the forge's accounts.",
        "",
        "# Drafts: the editor's check (SOP 1 step 4).",
        f"{pattern(config.paths.drafts)} {_owners(config, REVIEW_ROLES)}".rstrip(),
        "# Published content: the penanggung jawab (routine) or the ketua (special), SOP 1 step 5.",
        f"{pattern(config.paths.content)} {_owners(config, approvers)}".rstrip(),
        "# Roles and signing keys, and the CI workflows: the ketua and the web admin.",
        f"{pattern(config.source.rsplit('/', 1)[-1], folder=False)} "
        f"{_owners(config, ('ketua',))}".rstrip(),
        f"/.github/ {_owners(config, ('ketua', 'web-admin'))}".rstrip(),
    ]
    return "\n".join(rows) + "\n"
