"""The package keeps its layers: no import circle, no upward import, thin CLI modules.

The layer table is read from docs/architecture.md, so the rule written for people and
the rule checked here are one text.
"""

from __future__ import annotations

import ast
import fnmatch
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest

ROOT = Path(__file__).parent.parent
PACKAGE = ROOT / "pipeline"
DEFAULT_LAYER = "domain"


def layers() -> list[tuple[str, list[str]]]:
    """(name, patterns) from the ```layers block of docs/architecture.md, top first."""
    text = (ROOT / "docs/architecture.md").read_text(encoding="utf-8")
    block = re.search(r"```layers\n(.*?)```", text, re.S)
    assert block, "docs/architecture.md has no ```layers block"
    table = []
    for line in block.group(1).splitlines():
        name, _, patterns = line.partition(":")
        table.append((name.strip(), patterns.split()))
    return table


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imports(path: Path, known: dict[str, Path]) -> set[str]:
    """Every pipeline module ``path`` imports, anywhere in the file (lazy imports too)."""

    def resolve(name: str) -> str:
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name

    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] != "pipeline":
                continue
            for alias in node.names:
                found.add(resolve(f"{node.module}.{alias.name}"))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "pipeline":
                    found.add(resolve(alias.name))
    found.discard(module_name(path))
    found.discard("")
    return found


def layer_of(module: str, table: list[tuple[str, list[str]]]) -> int:
    """Index in the table counted from the bottom (foundations = 0).

    The lowest layer whose pattern matches wins, so ``pipeline.*.schema`` (vocabularies)
    takes precedence over ``pipeline.health.*`` (domain).
    """
    for height, (_, patterns) in enumerate(reversed(table)):
        if any(fnmatch.fnmatchcase(module, pattern) for pattern in patterns):
            return height
    names = [name for name, _ in table]
    return len(table) - 1 - names.index(DEFAULT_LAYER)


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports(path, known) for name, path in known.items()}


def test_the_layer_table_names_the_default_layer() -> None:
    assert DEFAULT_LAYER in [name for name, _ in layers()]


def test_no_module_imports_a_higher_layer() -> None:
    table = layers()
    names = [name for name, _ in reversed(table)]
    upward = [
        f"{module} ({names[layer_of(module, table)]}) -> {target} "
        f"({names[layer_of(target, table)]})"
        for module, targets in sorted(graph().items())
        for target in sorted(targets)
        if layer_of(target, table) > layer_of(module, table)
    ]
    assert not upward, "imports from a lower layer up to a higher one:\n" + "\n".join(upward)


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_cycle_finder_finds_a_circle() -> None:
    # The detector itself must work, or the next test proves nothing.
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_circle() -> None:
    found = cycles(graph())
    assert not found, "import circles:\n" + "\n".join(" <-> ".join(c) for c in found)


def test_layer_order_reads_as_documented() -> None:
    # A domain module importing a use case is exactly what the rule forbids.
    table = layers()
    assert layer_of("pipeline.commands.health", table) > layer_of("pipeline.site.plugin", table)
    assert layer_of("pipeline.config", table) < layer_of("pipeline.content.store", table)
    assert layer_of("pipeline.health.schema", table) < layer_of("pipeline.opsdb", table)


@pytest.mark.parametrize("path", sorted((PACKAGE / "cli").glob("*.py")), ids=lambda p: p.name)
def test_each_cli_module_stays_small(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines < 400, f"{path.relative_to(ROOT)} has {lines} lines: split the area"


@pytest.mark.parametrize("area", ["content", "health", "tickets", "backup"])
def test_domain_and_use_cases_stay_free_of_click_and_printing(area: str) -> None:
    for folder in (PACKAGE / area, PACKAGE / "commands"):
        for path in folder.rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    names = (
                        [a.name for a in node.names]
                        if isinstance(node, ast.Import)
                        else [node.module or ""]
                    )
                    assert not any(
                        n.split(".")[0] in ("click", "rich", "fastapi") for n in names
                    ), f"{path.relative_to(ROOT)}:{node.lineno} imports an adapter library"
                if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "print":
                    raise AssertionError(f"{path.relative_to(ROOT)}:{node.lineno} prints")


def test_help_loads_no_heavy_library() -> None:
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from pipeline.cli import cli\n"
        "CliRunner().invoke(cli, ['--help'])\n"
        "heavy = [m for m in ('mkdocs', 'boto3', 'pikepdf', 'fastapi', 'PIL', 'httpx')"
        " if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert done.stdout.strip() == "", f"warta --help imports {done.stdout.strip()}"


def test_cli_reference_is_generated_from_help() -> None:
    from pipeline.cli.reference import render

    written = (ROOT / "docs/cli.md").read_text(encoding="utf-8")
    assert written == render(), (
        "docs/cli.md is out of date: run `python -m pipeline.cli.reference > docs/cli.md`"
    )


def test_cli_reference_shows_every_command() -> None:
    from pipeline.cli import cli
    from pipeline.cli.reference import render

    text = render()
    names = cli.list_commands(click.Context(cli))  # (every area's, loaded or not)
    assert {"config", "visitors", "ticket", "desk", "publish"} <= set(names)
    for name in names:
        assert f"## `warta {name}`" in text
    assert "Usage: warta ticket advance" in text
