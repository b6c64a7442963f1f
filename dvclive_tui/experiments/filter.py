"""Filter expressions over experiments, parsed safely with :mod:`ast` (never ``eval``).

Grammar (a whitelisted subset of Python expressions)::

    lr >= 0.001 and optimizer == "adam"
    not (train.loss > 0.5) or status == "running"
    name ~ "exp-*"            # glob match (also on any string column)
    `batch-size` in [16, 32]  # backquotes for keys that are not identifiers
    exp-*                     # a bare glob matches the name or revision

Names resolve to the base columns ``name``, ``rev``, ``status``, ``typ``, ``created``, then
to a param/metric column by label, by dotted key, or by the key's last parts
(``loss`` finds ``train.loss``). A comparison with a missing value or mismatched types is
false, never an error.
"""

from __future__ import annotations

import ast
import fnmatch
import io
import operator
import re
import tokenize
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from dvclive_tui.experiments.model import Experiment
from dvclive_tui.experiments.table import MISSING, Column, cell

_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}
_BASE_NAMES = ("name", "rev", "status", "typ", "created")
_GLOB_CHARS = re.compile(r"[*?\[]")
_BACKQUOTED = re.compile(r"`([^`]+)`")


class FilterError(ValueError):
    """The expression is not valid; the message says why in one line."""


@dataclass(frozen=True)
class Filter:
    """A compiled filter; call :meth:`matches` per experiment."""

    text: str
    _tree: ast.expr | None
    _glob: str | None
    _aliases: dict[str, str]

    def matches(self, exp: Experiment, columns: Sequence[Column]) -> bool:
        """Whether ``exp`` passes the filter."""
        if self._glob is not None:
            return _glob_match(exp.label, self._glob) or _glob_match(exp.rev, self._glob)
        if self._tree is None:
            return True
        lookup = _ExperimentLookup(exp, columns)
        return bool(Evaluator(lookup, self._aliases).eval(self._tree))

    @property
    def names(self) -> list[str]:
        """The names the expression reads, in order of appearance (backquoted ones unquoted)."""
        if self._tree is None:
            return []
        found: list[str] = []
        stack: list[ast.AST] = [self._tree]
        while stack:
            node = stack.pop()
            dotted = _dotted(node) if isinstance(node, ast.expr) else None
            if dotted is None:
                stack.extend(reversed(list(ast.iter_child_nodes(node))))
                continue
            name = self._aliases.get(dotted, dotted)
            if name not in found:
                found.append(name)
        return found

    def evaluate(self, lookup: Callable[[str], Any]) -> bool:
        """Evaluate the expression with ``lookup`` resolving names (:data:`MISSING` if unknown).

        A bare glob (``exp-*``) matches the value of the name ``name``.
        """
        if self._glob is not None:
            return _glob_match(lookup("name"), self._glob)
        if self._tree is None:
            return True
        return bool(Evaluator(lookup, self._aliases).eval(self._tree))


def _glob_match(text: Any, pattern: str) -> bool:
    return isinstance(text, str) and fnmatch.fnmatchcase(text, pattern)


def _rewrite_glob_operator(source: str) -> str:
    """Turn the binary ``~`` into ``%`` (a node we interpret as glob-match)."""
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    out: list[tuple[int, str]] = []
    previous: tokenize.TokenInfo | None = None
    for token in tokens:
        text = token.string
        binary = previous is not None and (
            previous.type in (tokenize.NAME, tokenize.NUMBER, tokenize.STRING)
            or previous.string in (")", "]")
        )
        if token.type == tokenize.OP and text == "~" and binary:
            text = "%"
        elif token.type == tokenize.OP and text == "%":
            raise FilterError("'%' is not supported; use '~' for glob matching")
        out.append((token.type, text))
        if token.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT):
            previous = token
    return tokenize.untokenize(out)


def compile_filter(text: str) -> Filter:
    """Parse ``text``; raises :class:`FilterError` with one readable line when invalid."""
    stripped = text.strip()
    if not stripped:
        return Filter(text, None, None, {})
    aliases: dict[str, str] = {}

    def alias(match: re.Match[str]) -> str:
        name = f"col_{len(aliases)}_"
        aliases[name] = match.group(1)
        return name

    source = _BACKQUOTED.sub(alias, stripped)
    try:
        tree = ast.parse(_rewrite_glob_operator(source), mode="eval").body
        _validate(tree)
    except (SyntaxError, tokenize.TokenError, FilterError) as exc:
        looks_like_glob = _GLOB_CHARS.search(stripped) or " " not in stripped
        if looks_like_glob and not re.search(r"[<>=!()]", stripped):
            return Filter(text, None, stripped, {})
        message = exc.msg if isinstance(exc, SyntaxError) else str(exc)
        raise FilterError(f"invalid filter {stripped!r}: {message}") from None
    if isinstance(tree, ast.Name | ast.Attribute) and aliases == {}:
        # A bare word: match names (a glob without wildcards is an exact name).
        return Filter(text, None, stripped, {})
    return Filter(text, tree, None, aliases)


def _validate(node: ast.AST) -> None:
    allowed = (
        ast.BoolOp,
        ast.And,
        ast.Or,
        ast.UnaryOp,
        ast.Not,
        ast.USub,
        ast.UAdd,
        ast.Compare,
        ast.Name,
        ast.Load,
        ast.Attribute,
        ast.Constant,
        ast.List,
        ast.Tuple,
        ast.BinOp,
        ast.Mod,
        *_COMPARE,
    )
    for child in ast.walk(node):
        name = child.id if isinstance(child, ast.Name) else getattr(child, "attr", "")
        if isinstance(name, str) and name.startswith("__"):
            raise FilterError(f"name {name!r} is not allowed in a filter")
        if not isinstance(child, allowed):
            raise FilterError(f"{type(child).__name__} is not allowed in a filter")
        if isinstance(child, ast.BinOp) and not isinstance(child.op, ast.Mod):
            raise FilterError("arithmetic is not allowed in a filter")
        if isinstance(child, ast.Constant) and not isinstance(
            child.value, int | float | str | bool | type(None)
        ):
            raise FilterError(f"constant {child.value!r} is not allowed")


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return None if base is None else f"{base}.{node.attr}"
    return None


def resolve_column(name: str, columns: Sequence[Column]) -> list[Column]:
    """Columns a filter name refers to: exact label, exact key, then key suffix."""
    tests: list[Callable[[Column], bool]] = [
        lambda c: c.label == name or f"{c.file}:{c.path}" == name,
        lambda c: c.path == name,
        lambda c: c.path.endswith("." + name),
    ]
    for test in tests:
        found = [column for column in columns if test(column)]
        if found:
            return found
    return []


class _ExperimentLookup:
    """Filter names resolved against one experiment's base fields and table columns."""

    def __init__(self, exp: Experiment, columns: Sequence[Column]) -> None:
        self.exp = exp
        self.columns = columns

    def __call__(self, name: str) -> Any:
        if name in _BASE_NAMES:
            if name == "name":
                return self.exp.label
            if name == "rev":
                return self.exp.rev
            if name == "status":
                return self.exp.status.value
            if name == "typ":
                return self.exp.kind.value
            return self.exp.timestamp if self.exp.timestamp is not None else MISSING
        for column in resolve_column(name, self.columns):
            found = cell(self.exp, column)
            if not found.missing and found.error is None:
                return found.value
        return MISSING


class Evaluator:
    """Evaluates a validated filter tree; ``lookup`` says what a name is worth.

    Comparisons with :data:`MISSING` or mismatched types are false, never errors.
    """

    def __init__(self, lookup: Callable[[str], Any], aliases: dict[str, str]) -> None:
        self.lookup = lookup
        self.aliases = aliases

    def value(self, name: str) -> Any:
        """The value of a (possibly backquote-aliased) name."""
        return self.lookup(self.aliases.get(name, name))

    def eval(self, node: ast.expr) -> Any:
        """The value of ``node`` (a bool for comparisons and boolean operators)."""
        if isinstance(node, ast.BoolOp):
            results = (bool(self.eval(value)) for value in node.values)
            return all(results) if isinstance(node.op, ast.And) else any(results)
        if isinstance(node, ast.UnaryOp):
            operand = self.eval(node.operand)
            if isinstance(node.op, ast.Not):
                return not operand
            if operand is MISSING or not isinstance(operand, int | float):
                return MISSING
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.Compare):
            left = self.eval(node.left)
            for op, right_node in zip(node.ops, node.comparators, strict=True):
                right = self.eval(right_node)
                if left is MISSING or right is MISSING:
                    return False
                try:
                    if not _COMPARE[type(op)](left, right):
                        return False
                except TypeError:
                    return False
                left = right
            return True
        if isinstance(node, ast.BinOp):
            left, right = self.eval(node.left), self.eval(node.right)
            return isinstance(right, str) and _glob_match(left, right)
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.List | ast.Tuple):
            return [self.eval(item) for item in node.elts]
        dotted = _dotted(node)
        if dotted is not None:
            return self.value(dotted)
        raise FilterError(f"unsupported expression {ast.dump(node)}")
