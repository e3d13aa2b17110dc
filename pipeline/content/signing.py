"""Who may sign what: git's allowed-signers file and the forge's CODEOWNERS, from warta.yml.

Both files are *derived*: ``warta roles sync`` writes them from ``people`` so that
git (``git log --show-signature``) and the forge (required reviewers) agree with
warta.  ``warta verify`` never trusts the copy in the repository: it builds the
allowed signers from the configuration it is checking against.  Formats are in
``docs/approval.md``.
"""

from __future__ import annotations

import base64
import binascii
import re
from pathlib import PurePosixPath

from pipeline.config import STRICTEST_RULE, Config, PathRule, Person
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
        if not _KEY.match(person.ssh_key.strip()) or not _blob_matches(person.ssh_key):
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


def _blob_matches(line: str) -> bool:
    """The key's base64 body decodes and names the same key type as the line."""
    kind, body = [*line.split(), "", ""][:2]
    try:
        blob = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        return False
    size = int.from_bytes(blob[:4], "big")
    return len(blob) > 4 + size and blob[4 : 4 + size] == kind.encode()


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


def _glob(pattern: str) -> re.Pattern[str]:
    """A rule pattern as a regular expression: ``*`` and ``?`` stay in one folder,
    ``**`` crosses folders."""
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out + r"\Z")


def rule_for(config: Config, rel: str | None) -> PathRule:
    """The rule that owns ``rel`` (relative to warta.yml's folder; None: outside it).

    The first rule whose pattern matches wins; a path no rule names, or outside the
    folder, takes the strictest rule.
    """
    if rel is not None and not rel.startswith("../"):
        for rule in config.signing.rules:
            if any(_glob(p).match(rel) for p in rule.paths):
                return rule
    return config.signing.rule(STRICTEST_RULE)


def rule_owners(config: Config, rule: PathRule) -> str:
    """E-mail addresses of the people who may sign for ``rule`` (CODEOWNERS)."""
    if rule.items:
        approvers = approver_roles(config, Attention.ROUTINE) + approver_roles(
            config, Attention.SPECIAL
        )
        return _owners(config, tuple(dict.fromkeys(REVIEW_ROLES + approvers)))
    return _owners(config, tuple(rule.roles))


def codeowners(config: Config, prefix: str = "") -> str:
    """CODEOWNERS for the forge, from the same path rules ``warta verify`` enforces.

    ``prefix`` is the folder of warta.yml inside the repository (``""`` at its root).
    CODEOWNERS lets later lines win while warta lets the first rule win, so the rules
    are written last first, after a catch-all line for the strictest rule.
    """

    def pattern(path: str) -> str:
        return "/" + str(PurePosixPath(prefix, path)).removeprefix("./")

    strictest = config.signing.rule(STRICTEST_RULE)
    rows = [
        HEADER,
        "# The path rules of warta.yml (signing.rules); later lines win.",
        "# Owners are e-mail addresses of the forge's accounts.",
        "",
        f"# Paths no rule names: the strictest rule ({strictest.name}).",
        f"* {rule_owners(config, strictest)}".rstrip(),
    ]
    for rule in reversed(config.signing.rules):
        route = "items: editor review + the item's route" if rule.items else " + ".join(rule.roles)
        rows.append(f"# {rule.name} ({route})")
        owners = rule_owners(config, rule)
        rows += [f"{pattern(p)} {owners}".rstrip() for p in rule.paths]
    return "\n".join(rows) + "\n"
