"""Debiased EMA matches TensorBoard's definition, NaN included."""

from __future__ import annotations

import math

import numpy as np
import pytest

from dvclive_tui.charts.smoothing import ema, ema_reference


@pytest.mark.parametrize("weight", [0.0, 0.05, 0.3, 0.6, 0.9, 0.99])
def test_vectorised_ema_matches_the_reference_loop(weight: float) -> None:
    values = np.random.default_rng(7).normal(10, 3, size=5_000)
    expected = ema_reference(values.tolist(), weight)
    np.testing.assert_allclose(ema(values, weight), expected, rtol=1e-9, atol=1e-9)


def test_debiasing_keeps_a_constant_series_constant() -> None:
    values = np.full(100, 4.2)
    np.testing.assert_allclose(ema(values, 0.9), values)


def test_first_value_is_unchanged_and_second_is_the_debiased_mix() -> None:
    result = ema(np.array([1.0, 3.0]), 0.5)
    # last1 = 0.5, /0.5 -> 1 ; last2 = 0.25 + 1.5 = 1.75, /0.75 -> 2.333...
    assert result[0] == pytest.approx(1.0)
    assert result[1] == pytest.approx(1.75 / 0.75)


def test_non_finite_values_pass_through_without_advancing_the_average() -> None:
    values = np.array([1.0, math.nan, 3.0, math.inf, 5.0])
    result = ema(values, 0.5)
    assert math.isnan(result[1])
    assert result[3] == math.inf
    expected = ema(np.array([1.0, 3.0, 5.0]), 0.5)
    np.testing.assert_allclose(result[[0, 2, 4]], expected)


def test_long_series_stays_finite() -> None:
    values = np.random.default_rng(0).normal(size=200_000) * 1e6
    assert np.isfinite(ema(values, 0.01)).all()
    assert np.isfinite(ema(values, 0.99)).all()
