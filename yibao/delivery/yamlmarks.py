"""YAML loading that keeps line numbers, so validation errors can name the line.

`yaml.compose` gives nodes with start marks; we turn the node tree into plain
dicts/lists that also remember where each mapping, key and list item started.
"""
from __future__ import annotations

from typing import Any

import yaml


class YamlSyntaxError(ValueError):
    """The file is not valid YAML (the message names file:line)."""


class LinedDict(dict):
    """A mapping that remembers its own line and the line of each key (1-based)."""
    line: int = 0
    key_lines: dict[Any, int]


class LinedList(list):
    """A sequence that remembers its own line and the line of each item (1-based)."""
    line: int = 0
    item_lines: list[int]


def line_of(value: Any, default: int = 0) -> int:
    return getattr(value, "line", default)


def load_lined(text: str, where: str) -> tuple[Any, list[str]]:
    """Parse YAML text → (lined python data, duplicate-key errors). Raises YamlSyntaxError."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise YamlSyntaxError(f"{where}{line}: not valid YAML: {problem}") from exc
    if node is None:
        return None, []
    errors: list[str] = []
    constructor = yaml.SafeLoader("")
    return _convert(node, constructor, where, errors), errors


def _convert(node: yaml.Node, constructor: yaml.SafeLoader, where: str, errors: list[str]) -> Any:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out = LinedDict()
        out.line, out.key_lines = line, {}
        for key_node, value_node in node.value:
            key = _convert(key_node, constructor, where, errors)
            if key == "<<":
                errors.append(f"{where}:{key_node.start_mark.line + 1}: YAML merge keys (<<) are not supported")
                continue
            if key in out:
                errors.append(f"{where}:{key_node.start_mark.line + 1}: duplicate key {key!r} "
                              f"(first at line {out.key_lines[key]})")
                continue
            out[key] = _convert(value_node, constructor, where, errors)
            out.key_lines[key] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        items = LinedList()
        items.line, items.item_lines = line, []
        for child in node.value:
            items.append(_convert(child, constructor, where, errors))
            items.item_lines.append(child.start_mark.line + 1)
        return items
    return constructor.construct_object(node, deep=True)
