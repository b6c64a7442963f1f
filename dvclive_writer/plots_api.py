"""dvclive's ``dvclive.plots`` names that callbacks use, served under the opt-in.

transformers' and accelerate's trackers call ``dvclive.plots.Metric.could_log(value)`` before
logging; tests read ``Metric.subfolder``.
"""

from __future__ import annotations

from dvclive_writer import metrics


class Metric(metrics.Metric):
    """:class:`dvclive_writer.metrics.Metric` with dvclive's static ``could_log``."""

    could_log = staticmethod(metrics.could_log)


__all__ = ["Metric"]
