"""The one exception hierarchy of warta.

Every error carries three things a person needs: *what* went wrong, *where*
(a ``file:line`` or a configuration key) and *what to do next*.  The CLI maps
each class to an exit code (see :data:`EXIT_CODES` and ``docs/exit-codes.md``);
domain code raises these and never prints.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem found in a file or configuration.

    ``where`` is ``path``, ``path:line`` or ``path: key`` — whatever locates it best.
    """

    where: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        if self.hint:
            text += f" — {self.hint}"
        return text


class WartaError(Exception):
    """Base class of every error warta reports to a person."""

    exit_code = 1

    def __init__(self, message: str, *, where: str = "", hint: str = "") -> None:
        self.message = message
        self.where = where
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        return str(Problem(self.where, self.message, self.hint))

    @property
    def problems(self) -> Sequence[Problem]:
        """The individual problems behind this error (one, unless it collects many)."""
        return [Problem(self.where, self.message, self.hint)]


class ProblemsError(WartaError):
    """An error that collects several problems so that all are reported at once."""

    def __init__(self, summary: str, problems: Iterable[Problem]) -> None:
        self._problems = list(problems)
        super().__init__(summary)

    @property
    def problems(self) -> Sequence[Problem]:
        return self._problems

    def __str__(self) -> str:
        lines = [self.message]
        lines += [f"  {p}" for p in self._problems]
        return "\n".join(lines)


class ConfigError(ProblemsError):
    """The configuration file is missing, unreadable or invalid."""

    exit_code = 3


class ContentError(ProblemsError):
    """A content item (front matter, Markdown, attachment) is invalid or unreadable."""

    exit_code = 4


class WorkflowError(WartaError):
    """A workflow step was refused: wrong status, wrong role, self-approval, …"""

    exit_code = 5


class NotFoundError(WartaError):
    """A named item, snapshot, ticket or file does not exist."""

    exit_code = 6


class BuildError(WartaError):
    """The site build failed; the previously published ``site/`` is untouched."""

    exit_code = 7


class IntegrityError(ProblemsError):
    """Stored data failed verification (archive bag, backup object, signature)."""

    exit_code = 8


class LockedError(WartaError):
    """Another warta process holds the lock on a resource."""

    exit_code = 9


class ToolMissingError(WartaError):
    """An external program warta needs is not installed."""

    exit_code = 10


class StorageError(WartaError):
    """A storage medium refused: a backup disk is full, a bucket missing or read-only."""

    exit_code = 11


class AuthError(WartaError):
    """Refused identity: wrong password or code, expired invitation, too many attempts.

    ``retry_after`` (seconds) is set when the refusal is a throttle.
    """

    exit_code = 12

    def __init__(
        self, message: str, *, where: str = "", hint: str = "", retry_after: int = 0
    ) -> None:
        self.retry_after = retry_after
        super().__init__(message, where=where, hint=hint)


#: Exit codes of the ``warta`` command, in one place.  ``docs/exit-codes.md``
#: is checked against this table by the tests.
EXIT_CODES: dict[int, str] = {
    0: "Success.",
    1: "The check ran and found problems (review errors, refused items, late items).",
    2: "Usage error: unknown command or option, bad argument.",
    3: "Configuration error: warta.yml is missing or invalid.",
    4: "Content error: a front matter, Markdown file or attachment is invalid or unreadable.",
    5: "Workflow refused: the step is not allowed (status, role, self-approval).",
    6: "Not found: the named item, bag or file does not exist.",
    7: "Build error: mkdocs failed; the previous site/ is untouched.",
    8: "Integrity error: stored data failed verification.",
    9: "Locked: another warta process holds the lock.",
    10: "A required external tool is missing.",
    11: "Storage refused: a backup disk is full, or a bucket is missing or refuses writes.",
    12: "Refused identity: wrong password or code, expired invitation, too many attempts.",
    70: "Internal error: a bug in warta; please report it with the traceback.",
    130: "Interrupted (Ctrl+C).",
}
