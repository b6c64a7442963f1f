"""Rule syntax: threshold expressions in the compare filter language, plateau, nan."""

from __future__ import annotations

import pytest

from dvclive_tui.monitor.rules import (
    NonFiniteRule,
    PlateauRule,
    RuleError,
    ThresholdRule,
    guess_direction,
    parse_rule,
    parse_rules,
    quote_slash_names,
)


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("eval/loss > 2", ("eval/loss",)),
        ("train/acc >= 0.99 and eval/loss < 1", ("train/acc", "eval/loss")),
        ("not (val/acc > 0.5) or status == 'stalled'", ("val/acc", "status")),
        ("`system/cpu/usage (%)` > 90", ("system/cpu/usage (%)",)),
        ("metrics/0/loss>1", ("metrics/0/loss",)),
        ("eval.loss > 2 and params.lr < 0.1", ("eval.loss", "params.lr")),
        ('name ~ "runs/4*" and metric > 0.9', ("name", "metric")),
    ],
)
def test_threshold_rules(text: str, names: tuple[str, ...]) -> None:
    rule = parse_rule(text)
    assert isinstance(rule, ThresholdRule) and rule.kind == "threshold"
    assert rule.names == names and rule.text == text


def test_slash_names_are_quoted_outside_strings_only() -> None:
    assert quote_slash_names('a/b > 1 and name == "x/y"') == '`a/b` > 1 and name == "x/y"'
    assert quote_slash_names("`c/d (%)` > 1") == "`c/d (%)` > 1"


def test_plateau_rules() -> None:
    rule = parse_rule("plateau(val/acc, 500)")
    assert rule == PlateauRule("plateau(val/acc, 500)", "val/acc", 500, "max", 0.0)
    rule = parse_rule("plateau( `eval/loss (x)` , 20, min, 0.01 )")
    assert isinstance(rule, PlateauRule)
    assert (rule.metric, rule.steps, rule.direction, rule.min_delta) == (
        "eval/loss (x)",
        20,
        "min",
        0.01,
    )
    assert rule.improves(0.5, 0.52) and not rule.improves(0.515, 0.52)
    assert [guess_direction(name) for name in ("train/loss", "val/accuracy", "eval/f1", "lr")] == [
        "min",
        "max",
        "max",
        None,
    ]


def test_nan_rule_and_repeats() -> None:
    assert isinstance(parse_rule(" NaN "), NonFiniteRule)
    rules = parse_rules(["nan", "a/b > 1", "a/b > 1"])
    assert [rule.kind for rule in rules] == ["nan", "threshold"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty rule"),
        ("loss", "names no metric"),
        ("plateau(lr, 5)", "cannot tell whether 'lr' should go down or up"),
        ("plateau(val/acc)", "missing STEPS"),
        ("plateau(val/acc, 0)", "at least 1"),
        ("plateau(val/acc, x)", "whole number"),
        ("plateau(val/acc, 5, up)", "min or max"),
        ("plateau(val/acc, 5, max, -1)", "MIN_DELTA"),
        ("plateau(val/acc", "expected plateau(METRIC, STEPS"),
        ("eval/loss * 2 > 1", "arithmetic is not allowed"),
        ('__import__("os").system("x")', "not allowed"),
        ("eval/loss >", "invalid rule 'eval/loss >'"),
    ],
)
def test_bad_rules_are_one_line(text: str, message: str) -> None:
    with pytest.raises(RuleError, match=None) as caught:
        parse_rule(text)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)
