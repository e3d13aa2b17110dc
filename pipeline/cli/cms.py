"""Headless CMS commands: the Decap CMS / Sveltia CMS configuration."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.common import State, handle_errors, out, pass_state


@click.group()
def cms() -> None:
    """Editors' web editor on a forge (Decap CMS, Sveltia CMS), from warta.yml."""


@cms.command("config")
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Where to write (default: admin/config.yml beside warta.yml).",
)
@click.option(
    "--backend",
    type=click.Choice(["github", "gitlab", "gitea", "git-gateway"]),
    default="github",
    show_default=True,
    help="The forge the repository lives on.",
)
@click.option("--repo", default="", metavar="OWNER/NAME", help="The repository on the forge.")
@click.option("--branch", default="main", show_default=True, help="The published branch.")
@click.option(
    "--local-backend",
    metavar="URL",
    help="Also allow Decap's local proxy (decap-server), e.g. http://127.0.0.1:8081/api/v1.",
)
@pass_state
@handle_errors
def cms_config_cmd(
    state: State,
    output: Path | None,
    backend: str,
    repo: str,
    branch: str,
    local_backend: str | None,
) -> None:
    """Write admin/config.yml: one collection per category, fields from the front matter."""
    from pipeline.commands.cms import write_config

    result = write_config(
        state.config,
        output=output,
        backend=backend,  # type: ignore[arg-type]  # click.Choice keeps it to BACKENDS
        repo=repo,
        branch=branch,
        local_backend=local_backend or False,
    )
    verb = "wrote" if result.changed else "unchanged"
    out.print(
        f"{verb} {result.path}: {len(result.collections)} collections "
        f"({', '.join(result.collections)})",
        markup=False,
    )


COMMANDS = [cms]
