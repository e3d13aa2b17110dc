"""What every area of the ``warta`` command shares: state, options, progress, errors.

Nothing in the CLI decides anything: use cases in :mod:`pipeline.commands` do the
work and raise :mod:`pipeline.errors`, which :func:`handle_errors` turns into a
one-line message on stderr and the exit code of :data:`~pipeline.errors.EXIT_CODES`.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from pipeline.actor import Actor, actor_for, person_for_email
from pipeline.errors import ConfigError, Problem, ProblemsError, WartaError
from pipeline.progress import NoProgress

if TYPE_CHECKING:  # imported lazily at run time, like every use case
    from rich.console import Console
    from rich.progress import Progress

    from pipeline.config import Config
    from pipeline.tickets.incidents import SyncResult

F = TypeVar("F", bound=Callable[..., Any])


class LazyConsole:
    """A rich ``Console`` made on first use.

    rich costs about 4 MiB and 40 ms to import; a command that prints only plain lines
    (``click.echo``) and no progress bar on a terminal never loads it (``warta visitors
    analyze`` into a file, a cron job). Every attribute is the real console's.
    """

    def __init__(self, *, stderr: bool = False) -> None:
        self._stderr = stderr
        self._console: Console | None = None

    @property
    def console(self) -> Console:
        """The real console (for APIs that want one, such as rich's ``Progress``)."""
        if self._console is None:
            from rich.console import Console

            self._console = Console(stderr=self._stderr, highlight=False, soft_wrap=True)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.console, name)


out = LazyConsole()
err = LazyConsole(stderr=True)


def escape(text: str) -> str:
    """rich's markup escape, imported when a message is printed with markup."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


class State:
    """Per-invocation state: where the configuration is, loaded on first use."""

    def __init__(self, config_path: Path) -> None:
        self.config_path = config_path
        self._config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            from pipeline.config import load_config

            self._config = load_config(self.config_path)
        return self._config


def handle_errors(func: F) -> F:
    """Translate warta errors into messages and exit codes at the CLI boundary."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ProblemsError as error:
            err.print(f"[bold red]error:[/] {escape(error.message)}")
            for problem in error.problems:
                err.print(f"  {problem}", markup=False)
            sys.exit(error.exit_code)
        except WartaError as error:
            err.print(f"[bold red]error:[/] {escape(str(error))}")
            sys.exit(error.exit_code)
        except KeyboardInterrupt:
            err.print("interrupted")
            sys.exit(130)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception:  # a bug: say so, show where, exit 70 (EX_SOFTWARE)
            err.print_exception(show_locals=False)
            err.print(
                "[bold red]internal error:[/] this is a bug in warta; please report it "
                "with the traceback above"
            )
            sys.exit(70)

    return wrapper  # type: ignore[return-value]


class RichProgress:
    """:class:`pipeline.progress.Progress` drawn with rich (only on a terminal)."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task: Any = None

    def start(self, task: str, total: int | None = None) -> None:
        if self.task is not None:
            self.progress.update(self.task, visible=False)
        self.task = self.progress.add_task(task, total=total)

    def advance(self, steps: int = 1) -> None:
        if self.task is not None:
            self.progress.advance(self.task, steps)


def _maybe_terminal() -> bool:
    """False when rich would certainly not draw on standard error (not a terminal, and
    none of the variables with which rich is told otherwise is set)."""
    if any(name in os.environ for name in ("FORCE_COLOR", "TTY_COMPATIBLE")):
        return True
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # (replaced, or closed)
        return False


@contextmanager
def progress_bar() -> Iterator[RichProgress | NoProgress]:
    """A progress bar on standard error when it is a terminal; without one, rich is not
    even imported."""
    if not _maybe_terminal():
        yield NoProgress()
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    bar = Progress(
        TextColumn("{task.description:>10}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err.console,
        transient=True,
        disable=not err.is_terminal,
    )
    with bar:
        yield RichProgress(bar)


def whoami(config: Config, given: str | None) -> Actor:
    """The acting person, claimed: --as, $WARTA_USER, or the person with git's user.email.

    A command-line identity is a *claim* (see :mod:`pipeline.actor`); steps that need
    proof (approvals with signing on) check signatures in their use case.
    """
    if given:
        return actor_for(config, given, how="claim")
    import subprocess

    email = subprocess.run(
        ["git", "config", "user.email"],
        capture_output=True,
        text=True,
        cwd=config.root,
        check=False,
    ).stdout.strip()
    person = person_for_email(config, email)
    if person is None:
        raise ConfigError(
            "who is acting?",
            [
                Problem(
                    "--as",
                    "no person given and git's user.email matches nobody in people",
                    "pass --as PERSON or set WARTA_USER",
                )
            ],
        )
    return actor_for(config, person, how="claim")


def parse_now(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            "expected an ISO date-time such as 2026-11-25T08:00+08:00", param_hint="--now"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


as_option = click.option(
    "--as",
    "as_",
    metavar="PERSON",
    envvar="WARTA_USER",
    help="Person id acting (default: $WARTA_USER or git's user.email).",
)
now_option = click.option("--now", metavar="ISO", help="Act as if it were this moment.")
key_option = click.option(
    "--key",
    metavar="PATH",
    envvar="WARTA_SIGNING_KEY",
    help="SSH private key to sign with when signing.enabled (default: git's user.signingkey).",
)
base_option = click.option(
    "--base",
    metavar="COMMIT",
    envvar="WARTA_TRUSTED_BASE",
    help="The trusted base: a full commit id pinned outside the repository "
    "(default: $WARTA_TRUSTED_BASE, else the trust file's).",
)
trust_file_option = click.option(
    "--trust-file",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar="WARTA_TRUST_FILE",
    help="Trust file on the publishing host, outside the repository: the pinned base and "
    "the last verified tip, updated after each pass (default: $WARTA_TRUST_FILE).",
)
pass_state = click.make_pass_decorator(State)


def minutes(delta: Any) -> str:
    if delta is None:
        return ""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 120:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // 1440} d"


def print_ticket_changes(result: SyncResult, *, prefix: str = "") -> None:
    """The incident tickets a sync opened and closed, one line each."""
    for t in result.opened:
        out.print(f"{prefix}opened {ticket_line(t)}  [{t.source}]", markup=False)
    for t in result.closed:
        out.print(f"{prefix}closed #{t.id}  [{t.source}]: condition cleared", markup=False)


def ticket_line(t: Any) -> str:
    due = t.due.strftime("%Y-%m-%d %H:%M") if t.due else "-"
    return (
        f"#{t.id}  {t.workflow}/{t.kind}  {t.status}  step {t.step}  "
        f"{t.priority or '-'}  due {due}  {t.title}"
    )


def smtp_password(config: Config) -> str:
    """The SMTP password of the alert mail channel, read from its ``password_env``."""
    email = config.health.alerts.email
    return os.environ.get(email.password_env, "") if email else ""


def print_moved(moved: Any) -> None:
    """A ticket's line after a step (``commands.tickets.Moved``), and a warning when its
    requester could not be mailed (the step is recorded all the same)."""
    out.print(ticket_line(moved.ticket), markup=False)
    if moved.told is not None and not moved.told.ok:
        err.print(
            f"warning: the requester ({moved.told.to}) was not mailed: {moved.told.error} "
            f"— the step is recorded and the failure is in the audit trail of "
            f"{moved.ticket.label} (check health.alerts.email in warta.yml)",
            markup=False,
        )


def human_size(count: int) -> str:
    value = float(count)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{count} B"
