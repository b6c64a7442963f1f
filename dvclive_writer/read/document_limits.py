"""Limits that keep a hostile JSON or YAML document from hanging or crashing a reader.

A parsed document is handed to recursive code (flattening params, JSON output, tables), so
its nesting is bounded by :data:`MAX_NESTING`. YAML aliases let a few lines stand for a huge
tree (a nine-level "billion laughs" expands to 387 million nodes) or for a tree that contains
itself; :func:`check_yaml_graph` measures the expanded size of the composed node graph before
anything is constructed, in time proportional to the text. Every violation raises
:class:`UnsafeDocument` with one readable line; the reader then keeps the last good value and
shows the line as the file's warning.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

MAX_NESTING = 100
"""Deepest nesting of mappings and lists accepted in a JSON or YAML document."""
ALIAS_NODE_BUDGET = 10_000
"""How many nodes YAML aliases may add to a document beyond those written out in it."""
MAX_YAML_NODES = 200_000
"""Most nodes a YAML document may hold (parsing YAML costs ~10 µs per node)."""
INT_DIGITS_LIMIT = 4300
"""Python's default limit on the digits of an integer read from text."""

_CONTAINERS = (dict, list)
_FLOW_OPENERS = (b"[", b"{")
_NODE_DELIMITERS = (b"\n", b",", b":", b"-", b"[", b"{", b"*")


class UnsafeDocument(ValueError):
    """A document past a limit (nesting, alias expansion, size, number length)."""


def load_json(data: bytes | str) -> Any:
    """``json.loads`` (``NaN``/``Infinity`` accepted) within the limits.

    Raises:
        UnsafeDocument: nested deeper than :data:`MAX_NESTING` or an over-long integer.
        ValueError: the text is not JSON (``json.JSONDecodeError``).
    """
    try:
        value = json.loads(data)
    except RecursionError:
        raise UnsafeDocument(f"nested more than {MAX_NESTING} levels deep") from None
    except json.JSONDecodeError:
        raise
    except ValueError as error:  # int("1" * 10**6): Python's digit limit
        raise UnsafeDocument(_number_problem(error)) from None
    check_nesting(value)
    return value


def check_nesting(value: Any) -> None:
    """Raise :class:`UnsafeDocument` when dicts/lists nest deeper than :data:`MAX_NESTING`.

    Walks level by level without recursion; scalars are skipped by a type test only.
    """
    level = [value] if type(value) in _CONTAINERS else []
    depth = 0
    while level:
        depth += 1
        if depth > MAX_NESTING:
            raise UnsafeDocument(f"nested more than {MAX_NESTING} levels deep")
        below: list[Any] = []
        for node in level:
            items = node.values() if type(node) is dict else node
            below += [item for item in items if type(item) in _CONTAINERS]
        level = below


def check_yaml_size(data: bytes) -> None:
    """Refuse, before parsing, a YAML text with more than :data:`MAX_YAML_NODES` nodes.

    Every node but the first follows a delimiter (line break, ``,``, ``:``, ``-``, an
    opening bracket, an alias's ``*``), so their count bounds the node count from above.
    Flow brackets nested past :data:`MAX_NESTING` twice over are refused here too, before
    the parser's own recursion.
    """
    estimate = 1 + sum(data.count(delimiter) for delimiter in _NODE_DELIMITERS)
    if estimate > MAX_YAML_NODES:
        raise UnsafeDocument(
            f"too large to read as YAML (about {estimate} nodes, at most {MAX_YAML_NODES})"
        )
    if sum(data.count(opener) for opener in _FLOW_OPENERS) > 2 * MAX_NESTING:
        depth = deepest = 0
        for char in data.translate(None, delete=_NOT_BRACKETS):
            depth += 1 if char in b"[{" else -1
            deepest = max(deepest, depth)
        if deepest > 2 * MAX_NESTING:
            raise UnsafeDocument(f"nested more than {MAX_NESTING} levels deep")


_NOT_BRACKETS = bytes(code for code in range(256) if code not in b"[]{}")


def check_yaml_graph(root: Any) -> None:
    """Check a composed YAML node graph (PyYAML nodes) before it is constructed.

    Raises :class:`UnsafeDocument` for a node that contains itself (``a: &x {b: *x}``),
    nesting past :data:`MAX_NESTING`, or aliases expanding the tree by more than
    :data:`ALIAS_NODE_BUDGET` nodes. Linear in the number of distinct nodes: the expanded
    size of each shared node is computed once.
    """
    if not _is_collection(root):
        return
    done: dict[int, tuple[int, int]] = {}
    """id(node) -> (expanded size, height)"""
    active: set[int] = {id(root)}
    stack: list[tuple[Any, Iterator[Any]]] = [(root, _children(root))]
    totals: list[list[int]] = [[1, 1]]
    written = 1
    while stack:
        node, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            active.discard(id(node))
            size, height = totals.pop()
            if height > MAX_NESTING:
                raise UnsafeDocument(f"nested more than {MAX_NESTING} levels deep")
            done[id(node)] = (size, height)
            if totals:
                _add(totals[-1], size, height)
            continue
        written += 1
        if not _is_collection(child):
            totals[-1][0] += 1
            continue
        key = id(child)
        if key in active:
            line = child.start_mark.line + 1 if child.start_mark is not None else "?"
            raise UnsafeDocument(f"a recursive alias: the node at line {line} contains itself")
        if key in done:
            _add(totals[-1], *done[key])
            continue
        if len(stack) >= MAX_NESTING:
            raise UnsafeDocument(f"nested more than {MAX_NESTING} levels deep")
        active.add(key)
        stack.append((child, _children(child)))
        totals.append([1, 1])
    expanded = done[id(root)][0]
    if expanded > written + ALIAS_NODE_BUDGET:
        raise UnsafeDocument(
            f"aliases expand {written} nodes to {expanded} (at most {ALIAS_NODE_BUDGET} more)"
        )


def _add(total: list[int], size: int, height: int) -> None:
    total[0] += size
    total[1] = max(total[1], height + 1)


def _is_collection(node: Any) -> bool:
    return isinstance(node.value, list)


def _children(node: Any) -> Iterator[Any]:
    for item in node.value:
        if isinstance(item, tuple):  # a mapping's (key, value) pair
            yield from item
        else:
            yield item


def _number_problem(error: ValueError) -> str:
    message = str(error)
    if "digits" in message:
        digits = message.rsplit("value has ", 1)[-1].split(" ", 1)[0]
        return f"an integer with {digits} digits (at most {INT_DIGITS_LIMIT})"
    return " ".join(message.split())[:200]
