"""The small YAML reader agrees with the full YAML 1.2 loader wherever it answers."""

from __future__ import annotations

import math
from typing import Any

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dvclive_tui.experiments.simple_yaml import Unsupported, load_simple
from dvclive_writer.read.yaml12 import load_yaml12


def same(a: Any, b: Any) -> bool:
    """Equal with equal types (``1`` is not ``1.0`` nor ``True``); NaN equals NaN."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[key], b[key]) for key in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def check(text: str) -> bool:
    """``True`` when the small reader answered (and agreed), ``False`` when it declined."""
    try:
        expected: Any = load_yaml12(text)
        failed = False
    except Exception:
        failed = True
    try:
        actual = load_simple(text)
    except Unsupported:
        return False
    assert not failed, f"the full loader rejects {text!r}, the small one read {actual!r}"
    assert same(actual, expected), (text, actual, expected)
    return True


DVC_FILES = [
    "lr: 0.001\nepochs: 50\noptimizer: adam\n",
    "seed: 2\ntrain:\n  lr: 0.05\n  layers: [8, 4]\n",
    "schema: '2.0'\nstages:\n  train:\n    cmd: python train.py\n    deps:\n"
    "    - path: data/prepared\n      hash: md5\n      md5: 737faba2b58ea3ffba425de051a5e6fe.dir\n"
    "      size: 26\n      nfiles: 2\n    params:\n      params.yaml:\n        train:\n"
    "          lr: 0.3\n    outs:\n    - path: eval\n      hash: md5\n",
    "stages:\n  prepare:\n    cmd: python prepare.py\n    deps:\n    - prepare.py\n"
    "    params:\n    - prepare\n    outs:\n    - data/prepared:\n        cache: false\n"
    "metrics:\n- eval/metrics.json\nplots:\n- eval/plots/metrics:\n    x: step\n",
    "a: 1e-05\nb: 010\nc: yes\nd: ~\ne:\nf: \"x y\"\ng: 'it''s'\nh: .inf\ni: -.5\nj: 0x1F\n",
    "list:\n- 1\n-\n- - 2\n",
    "# only a comment\n",
    "",
    "3.5\n",
    "1: low\n2: high\ntrue: yes\nnull: nothing\n",
]


def test_files_dvc_and_dvclive_write() -> None:
    answered = [check(text) for text in DVC_FILES]
    assert answered[:5] == [True] * 5  # the everyday files never need the full loader


UNSUPPORTED = [
    "a: &x 1\nb: *x\n",
    "a: !!python/name:os.system ''\n",
    "a: |\n  block\n",
    "a: {b: 1}\n",
    "a: 1\na: 2\n",
    "when: 2024-01-02\n",
    "<<: {a: 1}\n",
    'a: "esc\\n"\n',
    "a:\tb\n",
    "a: b\n  continued\n",
    "--- \na: 1\n",
    "a: [1, [2]]\n",
]


def test_everything_else_goes_to_the_full_loader() -> None:
    for text in UNSUPPORTED:
        try:
            load_simple(text)
        except Unsupported:
            continue
        raise AssertionError(f"read {text!r} itself")


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(alphabet="ab01.-_:# '\"[]e+xyoTtrueNnul~", max_size=8),
)
keys = st.one_of(st.text(alphabet="ab01._-: #'\"~", min_size=1, max_size=6), st.integers(0, 20))
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents, st.booleans(), st.integers(min_value=2, max_value=4))
@example({"._": None}, False, 2)  # YAML's float pattern, no number: both loaders refuse it
@example({"a": "+._e+5"}, True, 2)
def test_dumped_documents(document: Any, flow: bool, indent: int) -> None:
    text = yaml.safe_dump(document, default_flow_style=flow, indent=indent, sort_keys=False)
    check(text)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "a",
                "b",
                "1",
                "0.5",
                ":",
                ": ",
                "- ",
                "-",
                " ",
                "  ",
                "\n",
                "#",
                " #",
                "'",
                '"',
                "[",
                "]",
                ",",
                "~",
                "e5",
                "0x",
                "true",
                "null",
                "\r\n",
                "\t",
            ]
        ),
        max_size=25,
    )
)
def test_random_token_soup(tokens: list[str]) -> None:
    check("".join(tokens))
