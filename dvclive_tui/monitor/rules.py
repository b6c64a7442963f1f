"""User alert rules: threshold expressions, plateaus and the non-finite check, parsed once.

Three forms (``parse_rule`` tells them apart; a bad rule is one readable :class:`RuleError`):

``EXPRESSION`` (kind ``threshold``)
    The expression language of ``compare --filter`` (an :mod:`ast` whitelist, never
    ``eval``): comparisons, ``and`` / ``or`` / ``not``, ``in [..]``, ``~`` glob matching::

        eval/loss > 2
        train/acc >= 0.99 and step > 1000
        `system/gpu/0/memory (%)` > 95 or status == "stalled"

    A name is, in this order: ``step`` (the step being evaluated), ``name``, ``path`` or
    ``status`` of the run; ``params.KEY`` / ``summary.KEY``; a metric (``eval/loss``, also
    written ``eval.loss``), whose value is its newest one at or before the step; a key of
    ``metrics.json`` (dotted, ``/`` read as ``.``: Optuna trials log only there); a key of
    ``params.yaml`` (dotted). Names with characters other than letters, digits, ``_``,
    ``.``, ``-`` and ``/`` go in backquotes. An unknown name makes its comparison false.
``plateau(METRIC, STEPS[, min|max[, MIN_DELTA]])`` (kind ``plateau``)
    Fires when ``METRIC`` has not improved for ``STEPS`` steps: the newest step minus the
    step of the best value so far is at least ``STEPS``. Improving means going below the
    best minus ``MIN_DELTA`` (``min``) or above the best plus ``MIN_DELTA`` (``max``);
    NaN never improves. Without a direction, names with ``loss``, ``err``, ``mse``,
    ``mae``, ``rmse``, ``perplexity`` or ``time`` are minimised and names with ``acc``,
    ``auc``, ``f1``, ``precision``, ``recall``, ``score``, ``map``, ``iou``, ``dice``,
    ``r2`` or ``bleu`` maximised; any other name needs one. ``plateau(val/acc, 500)``,
    ``plateau(eval/loss, 2000, min, 0.001)``.
``nan`` (kind ``nan``)
    A metric's value is NaN or ±inf (fires once per metric). Always on in ``watch``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

from dvclive_tui.experiments.filter import Filter, FilterError, compile_filter

Direction = Literal["min", "max"]

_MINIMISED = ("loss", "err", "mse", "mae", "rmse", "perplexity", "time")
_MAXIMISED = (
    "acc", "auc", "f1", "precision", "recall", "score", "map", "iou", "dice", "r2", "bleu",
)  # fmt: skip
_PLATEAU = re.compile(r"\s*plateau\s*\((?P<args>.*)\)\s*", re.DOTALL)
_SLASH_NAME = re.compile(r"(?<![\w.\-/])[A-Za-z_][\w.\-]*(?:/[\w.\-]+)+")
_QUOTES = "'\"`"
NAN_RULE = "nan"
PLATEAU_SYNTAX = "plateau(METRIC, STEPS[, min|max[, MIN_DELTA]])"


class RuleError(ValueError):
    """A rule that does not parse; the message says why in one line."""


@dataclass(frozen=True)
class ThresholdRule:
    """An expression over a run's metrics, summary, params and status."""

    text: str
    expression: Filter
    names: tuple[str, ...]
    """The names the expression reads."""

    kind = "threshold"


@dataclass(frozen=True)
class PlateauRule:
    """No improvement of ``metric`` for ``steps`` steps."""

    text: str
    metric: str
    steps: int
    direction: Direction
    min_delta: float = 0.0

    kind = "plateau"

    def improves(self, value: float, best: float) -> bool:
        """Whether ``value`` beats ``best`` by more than :attr:`min_delta`."""
        if self.direction == "min":
            return value < best - self.min_delta
        return value > best + self.min_delta


@dataclass(frozen=True)
class NonFiniteRule:
    """A metric's value became NaN or ±inf."""

    text: str = NAN_RULE

    kind = "nan"


Rule = ThresholdRule | PlateauRule | NonFiniteRule


def parse_rule(text: str) -> Rule:
    """Parse one rule (see the module docstring); raise :class:`RuleError` when invalid."""
    stripped = " ".join(text.split())
    if not stripped:
        raise RuleError("empty rule")
    if stripped.lower() in (NAN_RULE, "inf", "nan/inf", "non-finite"):
        return NonFiniteRule()
    plateau = _PLATEAU.fullmatch(stripped)
    if plateau is not None:
        return _parse_plateau(stripped, plateau.group("args"))
    if re.match(r"plateau\s*\(", stripped):
        raise RuleError(f"invalid rule {stripped!r}: expected {PLATEAU_SYNTAX}")
    source = quote_slash_names(stripped)
    try:
        expression = compile_filter(source)
    except FilterError as error:
        message = str(error).replace(repr(source.strip()), repr(stripped))
        message = message.replace("invalid filter", "invalid rule").replace(" in a filter", "")
        raise RuleError(message) from None
    names = tuple(expression.names)
    if not names:
        raise RuleError(f"invalid rule {stripped!r}: it names no metric, param or field")
    return ThresholdRule(stripped, expression, names)


def parse_rules(texts: list[str] | tuple[str, ...]) -> list[Rule]:
    """Parse several rules, dropping exact repeats (same text)."""
    rules: list[Rule] = []
    for text in texts:
        rule = parse_rule(text)
        if all(rule.text != known.text for known in rules):
            rules.append(rule)
    return rules


def quote_slash_names(text: str) -> str:
    """Backquote metric names with ``/`` (``eval/loss`` -> ```eval/loss```) outside quotes.

    The filter language has no arithmetic, so a ``/`` between two names can only be part
    of a metric name.
    """
    out: list[str] = []
    plain: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char in _QUOTES:
            out.append(_SLASH_NAME.sub(lambda m: f"`{m.group(0)}`", "".join(plain)))
            plain = []
            close = text.find(char, index + 1)
            close = len(text) - 1 if close < 0 else close
            out.append(text[index : close + 1])
            index = close + 1
            continue
        plain.append(char)
        index += 1
    out.append(_SLASH_NAME.sub(lambda m: f"`{m.group(0)}`", "".join(plain)))
    return "".join(out)


def guess_direction(metric: str) -> Direction | None:
    """``min`` for loss-like names, ``max`` for accuracy-like ones, else ``None``."""
    leaf = re.split(r"[/.]", metric.lower())[-1]
    words = re.split(r"[^a-z0-9]+", leaf)
    if any(word.startswith(_MINIMISED) or word.endswith(_MINIMISED) for word in words if word):
        return "min"
    if any(word.startswith(_MAXIMISED) or word.endswith(_MAXIMISED) for word in words if word):
        return "max"
    return None


def _parse_plateau(text: str, args: str) -> PlateauRule:
    def fail(why: str) -> RuleError:
        return RuleError(f"invalid rule {text!r}: {why}")

    metric_match = re.match(r"\s*(`[^`]+`|[^,`]+)\s*(?:,|$)", args)
    if metric_match is None:
        raise fail(f"expected {PLATEAU_SYNTAX}")
    metric = metric_match.group(1).strip().strip("`")
    tail = args[metric_match.end() :].strip()
    rest = [part.strip() for part in tail.split(",")] if tail else []
    if not metric:
        raise fail("the metric name is empty")
    if not rest:
        raise fail(f"missing STEPS: {PLATEAU_SYNTAX}")
    if len(rest) > 3:
        raise fail(f"too many arguments: {PLATEAU_SYNTAX}")
    try:
        steps = int(rest[0])
    except ValueError:
        raise fail(f"STEPS must be a whole number, not {rest[0]!r}") from None
    if steps <= 0:
        raise fail("STEPS must be at least 1")
    direction: Direction | None = None
    if len(rest) >= 2:
        if rest[1] not in ("min", "max"):
            raise fail(f"the direction is min or max, not {rest[1]!r}")
        direction = "min" if rest[1] == "min" else "max"
    else:
        direction = guess_direction(metric)
        if direction is None:
            raise fail(f"cannot tell whether {metric!r} should go down or up: add min or max")
    min_delta = 0.0
    if len(rest) == 3:
        try:
            min_delta = float(rest[2])
        except ValueError:
            raise fail(f"MIN_DELTA must be a number, not {rest[2]!r}") from None
        if not math.isfinite(min_delta) or min_delta < 0:
            raise fail("MIN_DELTA must be a finite number >= 0")
    return PlateauRule(text, metric, steps, direction, min_delta)
