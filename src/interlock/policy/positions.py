"""Where each key and value of a TOML document is written, for error messages that name a line.

`tomllib` gives the values (and the line of a syntax error) but not where a valid value sits.
tomlkit keeps the text but not positions either (its issue #55 asks for them). tree-sitter — a
well-kept incremental parser, with the TOML grammar as a separate package — gives every node of
the concrete syntax tree its row and column, so this module only maps that tree onto the key paths
tomllib produces: `("tool", "interlock", "allow", 2, "expires")` → line 14. Keys are decoded by
tomllib itself (a key's text plus ` = 0` is a one-line document), so quoting and escapes are
TOML's, not ours. The document has already passed tomllib when this runs; anything tree-sitter
reads differently simply has no position, and the message then names the key path alone.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass

import tree_sitter_toml
from tree_sitter import Language, Node, Parser

KeyPath = tuple[str | int, ...]

_TOML = Language(tree_sitter_toml.language())
_KEY_TYPES = {"bare_key", "quoted_key", "dotted_key"}
# A policy is a few tables deep; positions below this depth are never asked for.
_MAX_DEPTH = 12


@dataclass(frozen=True)
class Position:
    line: int
    """1-based."""
    column: int
    """1-based, in characters."""


class Positions:
    """Lines and columns of the keys and values of one document, by key path."""

    def __init__(self, text: str) -> None:
        self._lines = text.encode("utf-8").split(b"\n")
        self._keys: dict[KeyPath, Position] = {}
        self._values: dict[KeyPath, Position] = {}
        self._array_tables: dict[KeyPath, int] = {}
        tree = Parser(_TOML).parse(text.encode("utf-8"))
        table: KeyPath = ()
        for node in tree.root_node.named_children:
            if node.type == "pair":
                self._pair(node, table, 0)
            elif node.type in ("table", "table_array_element"):
                table = self._table(node)

    def key(self, path: KeyPath) -> Position | None:
        """Where the key (or table header, or array element) at `path` is written."""
        return self._keys.get(path) or self._values.get(path)

    def value(self, path: KeyPath) -> Position | None:
        """Where the value at `path` starts, falling back to its key."""
        return self._values.get(path) or self._keys.get(path)

    def nearest(self, path: KeyPath) -> Position | None:
        """The position of `path` or of the closest enclosing key that has one."""
        for end in range(len(path), -1, -1):
            position = self.value(path[:end])
            if position is not None:
                return position
        return None

    def _table(self, node: Node) -> KeyPath:
        key = next((c for c in node.named_children if c.type in _KEY_TYPES), None)
        if key is None:
            return ()
        names = _decode_key(key)
        path = self._within_array_tables(names)
        if node.type == "table_array_element":
            index = self._array_tables.get(names, -1) + 1
            # A new element starts afresh the arrays of tables nested in it.
            self._array_tables = {p: i for p, i in self._array_tables.items() if p[: len(names)] != names}
            self._array_tables[names] = index
            path = (*path, index)
        self._mark(self._keys, path, node)
        for pair in node.named_children:
            if pair.type == "pair":
                self._pair(pair, path, 0)
        return path

    def _within_array_tables(self, path: tuple[str, ...]) -> KeyPath:
        """`[a.b]` or `[[a.b]]` after `[[a]]` is inside the last element of `a`: insert its index."""
        resolved: list[str | int] = []
        for part in path:
            resolved.append(part)
            index = self._array_tables.get(tuple(p for p in resolved if isinstance(p, str)))
            if index is not None and len(resolved) < len(path):
                resolved.append(index)
        return tuple(resolved)

    def _pair(self, node: Node, prefix: KeyPath, depth: int) -> None:
        children = node.named_children
        key = next((c for c in children if c.type in _KEY_TYPES), None)
        value = children[-1] if children and children[-1] is not key else None
        if key is None:
            return
        parts = _decode_key(key)
        for end in range(1, len(parts) + 1):
            self._mark(self._keys, (*prefix, *parts[:end]), key)
        path = (*prefix, *parts)
        if value is not None:
            self._value(value, path, depth + 1)

    def _value(self, node: Node, path: KeyPath, depth: int) -> None:
        self._mark(self._values, path, node)
        if depth > _MAX_DEPTH:
            return
        if node.type == "inline_table":
            for pair in node.named_children:
                if pair.type == "pair":
                    self._pair(pair, path, depth)
        elif node.type == "array":
            items = [c for c in node.named_children if c.type not in ("comment", "ERROR")]
            for index, item in enumerate(items):
                self._value(item, (*path, index), depth + 1)

    def _mark(self, into: dict[KeyPath, Position], path: KeyPath, node: Node) -> None:
        if path in into:
            return
        row, byte_column = node.start_point
        line = self._lines[row] if row < len(self._lines) else b""
        column = len(line[:byte_column].decode("utf-8", errors="replace")) + 1
        into[path] = Position(row + 1, column)


def _decode_key(node: Node) -> tuple[str, ...]:
    """The key's parts, decoded by tomllib: `"a.b".c` → ("a.b", "c")."""
    text = (node.text or b"").decode("utf-8", errors="replace")
    try:
        document = tomllib.loads(f"{text} = 0")
    except tomllib.TOMLDecodeError:
        return ()
    parts: list[str] = []
    value: object = document
    while isinstance(value, dict) and len(value) == 1:
        ((part, value),) = value.items()
        parts.append(part)
    return tuple(parts)
