"""The ``warta`` command: parse arguments, load config, call one use case, map errors.

The root group lives here; each area of commands lives in its own module
(:mod:`pipeline.cli.content`, :mod:`~pipeline.cli.approval`, :mod:`~pipeline.cli.site`,
:mod:`~pipeline.cli.health`, :mod:`~pipeline.cli.visitors`, :mod:`~pipeline.cli.backup`,
:mod:`~pipeline.cli.tickets`, :mod:`~pipeline.cli.report`, :mod:`~pipeline.cli.cms`,
:mod:`~pipeline.cli.desk`) and lists what it adds in ``COMMANDS``; :data:`AREAS` says
which module holds which top-level command. An area's module is imported only when one
of its commands runs (or when ``--help`` lists them all): ``warta visitors analyze`` does
not pay for rich, the site engine or the ticket workflows. Use cases are imported inside
each command for the same reason.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import click

from pipeline import __version__
from pipeline.cli.common import State, handle_errors, out, pass_state

AREAS: dict[str, tuple[str, ...]] = {
    "content": ("new", "review", "status", "watch", "collect", "convert"),
    "approval": ("submit", "approve", "reject", "withdraw", "roles", "verify"),
    "site": ("publish", "archive", "deploy", "compliance", "init"),
    "health": ("health", "renewals"),
    "visitors": ("visitors",),
    "backup": ("backup",),
    "tickets": ("ticket",),
    "report": ("report",),
    "cms": ("cms",),
    "desk": ("desk",),
}
"""Module of :mod:`pipeline.cli` → the top-level commands its ``COMMANDS`` adds
(``tests/test_cli_lazy.py`` holds the two equal)."""

_AREA_OF = {name: area for area, names in AREAS.items() for name in names}


class LazyGroup(click.Group):
    """The root group: an area's commands are added when one of them is first asked for.

    Listing (``--help``, the CLI reference) asks for every command, so it imports every
    area; running one command imports that command's area only.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *_AREA_OF})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        area = _AREA_OF.get(cmd_name)
        if cmd_name not in self.commands and area is not None:
            module = importlib.import_module(f"pipeline.cli.{area}")
            for command in module.COMMANDS:
                self.add_command(command)
        return self.commands.get(cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "-c",
    "config_path",
    type=click.Path(path_type=Path),
    default="warta.yml",
    envvar="WARTA_CONFIG",
    show_default=True,
    help="Configuration file.",
)
@click.version_option(__version__, prog_name="warta")
@click.pass_context
def cli(ctx: click.Context, config_path: Path) -> None:
    """warta: publishing and operations for a court's public website."""
    ctx.obj = State(config_path)


# -- configuration ----------------------------------------------------------------


@cli.group("config")
def config_group() -> None:
    """Inspect the configuration."""


@config_group.command("check")
@pass_state
@handle_errors
def config_check(state: State) -> None:
    """Validate warta.yml and report every problem at once."""
    config = state.config
    out.print(
        f"{config.source}: OK ({len(config.categories)} categories, {len(config.people)} people)"
    )


def main() -> None:
    """Entry point of the ``warta`` command."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    # warta uses no pydantic plugin; looking for one reads the metadata of every installed
    # distribution (150 ms with 170 of them) before the configuration can be validated.
    # Set PYDANTIC_DISABLE_PLUGINS= (empty) to have pydantic look all the same.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    cli()
