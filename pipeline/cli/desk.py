"""The staff desk: ``warta desk`` serves it, ``warta desk invite`` makes a one-time link."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

import click

from pipeline.cli.common import (
    State,
    as_option,
    handle_errors,
    now_option,
    out,
    parse_now,
    pass_state,
    whoami,
)


@click.group(invoke_without_command=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Worker processes (one per core serves most; each has its own database connections). "
    "The content rooms' background jobs (conversion, publishing) live in one process: keep "
    "1 where editors convert or publish from the desk.",
)
@click.option(
    "--public",
    is_flag=True,
    help="Allow listening on an address other than loopback (put nginx with TLS in front).",
)
@click.option(
    "--trust-file",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar="WARTA_TRUST_FILE",
    help="The trust file on this host (docs/approval.md): publishing from the desk verifies "
    "from it when signing is on.",
)
@click.pass_context
@handle_errors
def desk(
    ctx: click.Context,
    host: str,
    port: int,
    workers: int,
    public: bool,
    trust_file: Path | None,
) -> None:
    """Serve the staff desk (the web interface of the SOPs) on 127.0.0.1.

    Production: behind nginx with TLS (docs/desk.md), with desk.trusted_proxies set.
    """
    if ctx.invoked_subcommand is not None:
        return
    state: State = ctx.obj
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback and not public:
        raise click.UsageError(
            f"{host} is not a loopback address: serve the desk on 127.0.0.1 behind nginx with "
            "TLS, or pass --public if you know what you do"
        )
    import uvicorn

    from pipeline.commands.desk import start
    from pipeline.desk.serve import CONFIG_ENV, TRUST_ENV

    config = state.config  # loaded here: a bad warta.yml is reported before serving
    start(config)  # and a damaged database (exit 8), before uvicorn starts
    os.environ[CONFIG_ENV] = str(state.config_path.resolve())
    if trust_file is not None:
        os.environ[TRUST_ENV] = str(trust_file.resolve())
    out.print(f"site: {config.site.name}", markup=False)
    out.print(f"warta desk on http://{host}:{port}/ (Ctrl+C stops it)", markup=False)
    uvicorn.run(
        "pipeline.desk.serve:app",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        proxy_headers=False,  # the desk itself decides whom to believe (desk.trusted_proxies)
        http="auto",  # httptools (a dependency), h11 only where it cannot be installed
        # asyncio's own loop even where uvloop is installed (not a dependency). The "disk I/O
        # error" once blamed on it was opsdb's header check dropping SQLite's locks (fixed)
        loop="asyncio",
        server_header=False,
        timeout_keep_alive=30,  # a session between two clicks keeps its connection
        log_level="info",
    )


@desk.command("invite")
@click.argument("person")
@as_option
@now_option
@pass_state
@handle_errors
def desk_invite(state: State, person: str, as_: str | None, now: str | None) -> None:
    """Print a one-time link (valid desk.invitation_valid, 72 h) where PERSON sets a password."""
    from pipeline.commands import accounts

    config = state.config
    by = whoami(config, as_)
    made = accounts.invite(config, person, by=by.person, now=parse_now(now))
    out.print(made.link, markup=False, soft_wrap=True)
    out.print(
        f"valid once, until {made.expires_at.isoformat(timespec='minutes')}; give it to "
        f"{made.person} in person or by their work e-mail",
        markup=False,
    )


COMMANDS = [desk]
