"""The series colours shared by the terminal charts and the reports."""

from __future__ import annotations

PALETTE: tuple[str, ...] = (
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#009E73",  # bluish green
    "#F0E442",  # yellow
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#999999",  # grey (Okabe-Ito's black, lightened to show on dark backgrounds)
)
"""Okabe-Ito colour-blind-safe palette; series colour ``i`` is ``PALETTE[i % len(PALETTE)]``."""
