"""``dvclive.plots.metric.Metric``: the metric class with dvclive's static ``could_log``."""

from __future__ import annotations

from dvclive_writer import metrics


class Metric(metrics.Metric):
    """:class:`dvclive_writer.metrics.Metric` with dvclive's static ``could_log``."""

    could_log = staticmethod(metrics.could_log)


__all__ = ["Metric"]
