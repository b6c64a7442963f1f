"""Hypothesis: random call sequences give the same trees with dvclive and dvclive_writer."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.writer.differential import Op, assert_same, run_both

# No name is a prefix directory of another logged scalar (that clash is tested on its own).
METRIC_NAMES = ["loss", "acc", "train/loss", "train/acc", "eval/deep/f1", "with.dot", "sp ace"]
PARAM_NAMES = ["lr", "epochs", "nested", "flag"]

texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=6,
)
floats = st.floats(allow_nan=True, allow_infinity=True)


def float32(value: float) -> Any:
    """``np.float32(value)``; values out of range become ±inf without a warning."""
    with np.errstate(over="ignore"):
        return np.float32(value)


metric_values = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63),
    floats,
    st.booleans(),
    texts,
    floats.map(float32),
    floats.map(np.float64),
    st.integers(min_value=-(2**31), max_value=2**31 - 1).map(np.int32),
    st.integers(min_value=0, max_value=255).map(np.uint8),
)
param_values: st.SearchStrategy[Any] = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), texts),
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(texts, children, max_size=3)
    ),
    max_leaves=5,
)


def log_metric(name: str, val: Any, timestamp: bool, plot: bool) -> Op:
    return lambda live: live.log_metric(name, val, timestamp=timestamp, plot=plot)


def log_param(name: str, val: Any) -> Op:
    return lambda live: live.log_param(name, val)


def set_step(value: int) -> Op:
    def op(live: Any) -> None:
        live.step = value

    return op


def set_summary(value: Any) -> Op:
    def op(live: Any) -> None:
        live.summary["edited"] = value

    return op


ops = st.one_of(
    st.builds(
        log_metric, st.sampled_from(METRIC_NAMES), metric_values, st.booleans(), st.booleans()
    ),
    st.builds(log_param, st.sampled_from(PARAM_NAMES), param_values),
    st.just(lambda live: live.next_step()),
    st.builds(set_step, st.integers(min_value=0, max_value=50)),
    st.just(lambda live: live.make_summary()),
    st.just(lambda live: live.sync()),
    st.builds(set_summary, st.integers()),
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(sequence=st.lists(ops, max_size=25), resume=st.booleans(), end_twice=st.booleans())
def test_random_sequences_write_identical_trees(
    sequence: list[Op], resume: bool, end_twice: bool
) -> None:
    ending: list[Op] = [lambda live: live.end()] * (2 if end_twice else 1)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        theirs, ours = run_both(root / "first", [*sequence, *ending])
        assert_same(theirs, ours)
        if resume:
            # A second, resumed run on top of the first one's files.
            for outcome, name in ((theirs, "theirs"), (ours, "ours")):
                (root / "second" / name).parent.mkdir(parents=True, exist_ok=True)
                outcome.root.rename(root / "second" / name)
            theirs2, ours2 = run_both(
                root / "second", [*sequence, *ending], live_kwargs={"resume": True}
            )
            assert_same(theirs2, ours2)
