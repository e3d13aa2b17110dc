"""The CLI reference (``docs/cli.md``), generated from the commands' own ``--help``.

Regenerate after changing a command::

    python -m pipeline.cli.reference > docs/cli.md

``tests/test_architecture.py`` fails when the file and the commands disagree.
"""

from __future__ import annotations

import click

HEADER = """# CLI reference

Generated from `warta --help` by `python -m pipeline.cli.reference > docs/cli.md`;
a test fails when this file and the commands disagree. Exit codes: [Exit codes](exit-codes.md).
"""


def _walk(
    command: click.Command, path: list[str], parent: click.Context | None
) -> list[tuple[list[str], click.Context]]:
    # Each command's context has its parent's, as on the command line, so inherited
    # settings (``-h`` as well as ``--help``) show as they do there.
    context = click.Context(
        command,
        info_name=path[-1],
        parent=parent,
        terminal_width=100,
        max_content_width=100,
        **command.context_settings,
    )
    found = [(path, context)]
    if isinstance(command, click.Group):
        # (the root group loads its areas only when asked for their commands)
        for name in command.list_commands(context):
            sub = command.get_command(context, name)
            if sub is not None:
                found += _walk(sub, [*path, name], context)
    return found


def render(root: click.Command | None = None) -> str:
    """The whole reference as Markdown: every command's help text, as ``--help`` shows it."""
    if root is None:
        from pipeline.cli import cli

        root = cli
    parts = [HEADER]
    for path, context in _walk(root, ["warta"], None):
        name = " ".join(path)
        help_text = context.command.get_help(context)
        level = "#" * min(len(path) + 1, 4)
        parts.append(f"{level} `{name}`\n\n```text\n{help_text}\n```\n")
    return "\n".join(parts)


if __name__ == "__main__":
    print(render(), end="")
