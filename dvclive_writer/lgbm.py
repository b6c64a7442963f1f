"""``DVCLiveCallback`` for LightGBM (``dvclive.lgbm``): one step per boosting round.

With one evaluation set, metrics are logged by name (``multi_logloss``); with several, as
``<set>/<metric>`` (``valid_1/multi_logloss``). The run is not ended (as in dvclive).
"""

from __future__ import annotations

from typing import Any

from dvclive_writer.live import Live


class DVCLiveCallback:
    """A LightGBM callback (``callbacks=[DVCLiveCallback()]``)."""

    def __init__(self, live: Live | None = None, **kwargs: Any) -> None:
        """Use ``live`` or make a ``Live(**kwargs)``."""
        super().__init__()
        self.live = live if live is not None else Live(**kwargs)

    def __call__(self, env: Any) -> None:
        """Log this round's evaluation results, then a step."""
        multi_eval = len(env.evaluation_result_list) > 1
        for eval_result in env.evaluation_result_list:
            data_name, eval_name, result = eval_result[:3]
            self.live.log_metric(f"{data_name}/{eval_name}" if multi_eval else eval_name, result)
        self.live.next_step()
