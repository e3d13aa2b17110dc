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
    except (yaml.YAMLError, RecursionError):
        return {}
    lines: dict[KeyPath, int] = {}
    seen: set[int] = set()

    def walk(node: yaml.Node, path: KeyPath) -> None:
        if id(node) in seen or len(path) > MAX_DEPTH:
            return  # an alias (or a hostile depth): its lines are where it was defined
        seen.add(id(node))
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


# Budgets for hostile YAML. A court's warta.yml or front matter uses an anchor or two
# (``<<: *defaults``); an alias bomb uses thousands of alias references to expand to
# billions of nodes, which hangs everything that walks the result.
MAX_ALIASES = 100
MAX_NODES = 200_000
MAX_DEPTH = 64


class HostileYamlError(yaml.constructor.ConstructorError):
    """YAML refused before it is constructed: too many aliases, too deep, a duplicate key.

    Carries ``problem_mark`` like PyYAML's own errors, so ``yaml_error_line`` names the
    line (``line_offset`` already added to the lines named in ``problem``).
    """


def _mark_line(node: yaml.Node, offset: int) -> int:
    return node.start_mark.line + 1 + offset


def check_node(root: yaml.Node, *, line_offset: int = 0) -> None:
    """Refuse alias bombs, deep nesting and duplicate mapping keys (both lines named).

    One pass over the composed node graph, each node visited once: a node reached a
    second time is an alias reference and counts against :data:`MAX_ALIASES`.
    """
    seen: set[int] = set()
    aliases = 0
    stack: list[tuple[yaml.Node, int]] = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            aliases += 1
            if aliases > MAX_ALIASES:
                raise HostileYamlError(
                    None,
                    None,
                    f"more than {MAX_ALIASES} alias references (*name): refused as an "
                    "alias bomb; write the values out",
                    node.start_mark,
                )
            continue
        seen.add(id(node))
        if len(seen) > MAX_NODES:
            raise HostileYamlError(
                None, None, f"more than {MAX_NODES} values: refused", node.start_mark
            )
        if depth > MAX_DEPTH:
            raise HostileYamlError(
                None, None, f"nested more than {MAX_DEPTH} levels deep: refused", node.start_mark
            )
        if isinstance(node, yaml.MappingNode):
            keys: dict[tuple[str, str], yaml.Node] = {}
            for key_node, value_node in node.value:
                if (
                    isinstance(key_node, yaml.ScalarNode)
                    and key_node.tag != "tag:yaml.org,2002:merge"
                ):
                    key = (key_node.tag, key_node.value)
                    first = keys.get(key)
                    if first is not None:
                        raise HostileYamlError(
                            None,
                            None,
                            f"duplicate key {key_node.value!r}: at line "
                            f"{_mark_line(first, line_offset)} and again at line "
                            f"{_mark_line(key_node, line_offset)}; keep one of them",
                            key_node.start_mark,
                        )
                    keys[key] = key_node
                stack.append((key_node, depth + 1))
                stack.append((value_node, depth + 1))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, depth + 1) for item in node.value)
    if aliases:
        _check_expansion(root)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_expansion(root: yaml.Node) -> None:
    """Refuse a document whose aliases expand to more than :data:`MAX_NODES` values.

    A few dozen aliases, nested, are enough for a billion values: what a reader of the
    result walks is the expanded size, counted here once per node (memoised)."""
    size: dict[int, int] = {}
    active: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            active.discard(key)
            total = 1 + sum(size[id(c)] for c in _children(node))
            if total > MAX_NODES:
                raise HostileYamlError(
                    None,
                    None,
                    f"its aliases (*name) expand to more than {MAX_NODES} values: refused "
                    "as an alias bomb; write the values out",
                    node.start_mark,
                )
            size[key] = total
            continue
        if key in size:
            continue
        if key in active:
            raise HostileYamlError(
                None, None, "a recursive alias (a value that contains itself)", node.start_mark
            )
        active.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in _children(node) if id(c) not in size)


def _loader(line_offset: int) -> type[yaml.SafeLoader]:
    class Checked(Loader):  # type: ignore[valid-type,misc]
        def get_single_data(self) -> Any:
            node = self.get_single_node()
            if node is None:
                return None
            check_node(node, line_offset=line_offset)
            return self.construct_document(node)

    return Checked


_CHECKED = _loader(0)


def safe_load(text: str, *, line_offset: int = 0) -> Any:
    """The one YAML loader of warta: libyaml's safe loader plus :func:`check_node`.

    Used for ``warta.yml`` and front matter alike. Raises :class:`HostileYamlError` (a
    ``yaml.YAMLError``) for an alias bomb, nesting deeper than :data:`MAX_DEPTH` or a
    duplicate key; ``line_offset`` is added to the lines named in the message (front
    matter starts below the ``---``).
    """
    loader = _CHECKED if line_offset == 0 else _loader(line_offset)
    try:
        return yaml.load(text, Loader=loader)
    except RecursionError:
        raise HostileYamlError(None, None, "nested too deeply: refused", None) from None
