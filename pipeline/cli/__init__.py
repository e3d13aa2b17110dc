"""The ``warta`` command: parse arguments, load config, call one use case, map errors.

The root group lives here; each area of commands lives in its own module
(:mod:`pipeline.cli.content`, :mod:`~pipeline.cli.approval`, :mod:`~pipeline.cli.site`,
:mod:`~pipeline.cli.health`, :mod:`~pipeline.cli.visitors`, :mod:`~pipeline.cli.backup`,
:mod:`~pipeline.cli.tickets`, :mod:`~pipeline.cli.report`, :mod:`~pipeline.cli.desk`)
and lists what it adds in ``COMMANDS``. Use cases are imported inside each command, so
``warta --help`` stays fast.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from pipeline import __version__
from pipeline.cli.common import State, handle_errors, out, pass_state


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
    cli()


from pipeline.cli import approval as _approval  # noqa: E402
from pipeline.cli import backup as _backup  # noqa: E402
from pipeline.cli import cms as _cms  # noqa: E402
from pipeline.cli import content as _content  # noqa: E402
from pipeline.cli import desk as _desk  # noqa: E402
from pipeline.cli import health as _health  # noqa: E402
from pipeline.cli import report as _report  # noqa: E402
from pipeline.cli import site as _site  # noqa: E402
from pipeline.cli import tickets as _tickets  # noqa: E402
from pipeline.cli import visitors as _visitors  # noqa: E402

_AREAS = (_content, _approval, _site, _health, _visitors, _backup, _tickets, _report, _cms, _desk)
for _area in _AREAS:
    for _command in _area.COMMANDS:
        cli.add_command(_command)
