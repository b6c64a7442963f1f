"""dvclive's ``dvclive.plots`` names that callbacks use, served under the opt-in.

transformers' and accelerate's trackers call ``dvclive.plots.Metric.could_log(value)`` before
logging; dvclive's tests read ``Metric.subfolder``.
"""

from dvclive_writer.plots_api.metric import Metric

__all__ = ["Metric"]
