"""YAML loading that remembers where each key came from.

Used by the configuration loader and the front matter parser so that a
validation problem can be reported as ``file:line: key.path``.
"""

from __future__ import annotations

from typing import Any

import yaml

KeyPath = tuple[str | int, ...]

# libyaml's C loader is several times faster than the pure-Python one; PyYAML's
# wheels ship it, but a source build may not.
Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def line_map(text: str) -> dict[KeyPath, int]:
    """Map every key path in a YAML document to its 1-based line number.

    Mapping keys point at the line of the key, sequence items at the line of
    the item.  Returns an empty map for text that does not compose.
    """
    try:
        root = yaml.compose(text, Loader=Loader)
    except yaml.YAMLError:
        return {}
    lines: dict[KeyPath, int] = {}

    def walk(node: yaml.Node, path: KeyPath) -> None:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                key = key_node.value
                lines[(*path, key)] = key_node.start_mark.line + 1
                walk(value_node, (*path, key))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                lines[(*path, index)] = item.start_mark.line + 1
                walk(item, (*path, index))

    if root is not None:
        lines[()] = root.start_mark.line + 1
        walk(root, ())
    return lines


def nearest_line(lines: dict[KeyPath, int], path: KeyPath) -> int | None:
    """The line of ``path`` or of its closest ancestor that has one."""
    for end in range(len(path), -1, -1):
        found = lines.get(tuple(path[:end]))
        if found is not None:
            return found
    return None


def dotted(path: KeyPath) -> str:
    """``("categories", 2, "id")`` → ``"categories[2].id"``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def yaml_error_line(error: yaml.YAMLError) -> int | None:
    """1-based line of a YAML syntax error, when PyYAML knows it."""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    return None if mark is None else mark.line + 1


def safe_load(text: str) -> Any:
    """``yaml.safe_load`` with the fastest safe loader available."""
    return yaml.load(text, Loader=Loader)
