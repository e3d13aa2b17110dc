"""Who is acting: one concept that both adapters establish and every use case checks.

An :class:`Actor` is a person of ``warta.yml`` with their roles and a note of *how* the
identity was established:

``claim``
    said on the command line (``--as``, ``$WARTA_USER``, git's ``user.email``). Good
    enough for steps whose record is the history itself; never proof of an approval.
``session``
    a signed-in desk session (password, and TOTP for the approving roles).
``signature``
    an SSH signature checked against the allowed-signers file derived from
    ``warta.yml`` (what ``warta verify`` trusts).
``token``
    a token of the headless content API, limited to its scopes; never enough to approve.
``system``
    warta itself (recurring tickets, incidents from the checks).

Adapters build actors with :func:`actor_for` (or :data:`SYSTEM`); use cases receive them
(or, for callers that only have a person id, resolve it through :func:`as_actor`), so the
CLI and the desk cannot differ on who is who or on which roles a person holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from pipeline.errors import WorkflowError

if TYPE_CHECKING:
    from pipeline.config import Config

How = Literal["claim", "session", "signature", "token", "system"]

SYSTEM_ID = "warta"
"""The person id recorded for changes made by warta itself."""


@dataclass(frozen=True)
class Actor:
    """The person acting, the roles they hold, and how that was established."""

    person: str
    roles: frozenset[str]
    how: How = "claim"
    name: str = ""
    address: str | None = None
    """The client address (desk sessions), kept in the audit trail."""

    @property
    def id(self) -> str:
        """The person id (what histories and ticket events record)."""
        return self.person

    def has_role(self, *roles: str) -> bool:
        """True when the actor holds at least one of ``roles``."""
        return bool(self.roles.intersection(roles))


SYSTEM = Actor(SYSTEM_ID, frozenset(), "system", "warta")


def actor_for(
    config: Config, person_id: str, *, how: How = "claim", address: str | None = None
) -> Actor:
    """The actor for ``person_id``, who must be listed in ``people`` of ``warta.yml``."""
    person = config.person(person_id)
    if person is None:
        raise WorkflowError(
            f"unknown person {person_id!r}: not listed in people",
            where=f"{config.source}: people",
            hint="act as a person of warta.yml (--as PERSON), or add them to people",
        )
    return Actor(person.id, frozenset(person.roles), how, person.name, address)


def as_actor(config: Config, by: Actor | str) -> Actor:
    """``by`` as an actor: a person id given by a caller is a ``claim``."""
    return by if isinstance(by, Actor) else actor_for(config, by, how="claim")


def person_for_email(config: Config, email: str) -> str | None:
    """The id of the person whose e-mail is ``email`` (git's ``user.email``), if any."""
    wanted = email.strip().lower()
    if not wanted:
        return None
    return next((p.id for p in config.people if (p.email or "").lower() == wanted), None)
